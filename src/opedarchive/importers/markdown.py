"""Folders of Markdown files with front matter: Hugo (translations by file name `x.en.md` /
`x.km.md`, by `translationKey`, and page bundles `x/index.en.md`), Jekyll
(`_posts/YYYY-MM-DD-slug.md`, `_drafts/`), Pelican (`Key: value` headers, translations by
slug) — YAML `---` or TOML `+++` front matter. An opedarchive archive folder is one too."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, YAMLHandler

from opedarchive.errors import OpedError
from opedarchive.importers.base import ImportItem, as_list, language_of, metadata_list, parse_date_value, unique
from opedarchive.importers.parallel import Workers, batches
from opedarchive.model import KNOWN_KEYS, Version, decode_post_bytes, load_yaml, read_limited, validate_lang

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

NAME = "markdown"
HAS_PAGES = True
SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mkdown")
# Folders that never hold posts (installed packages, build output), and folders that hold none
# when they sit at the top of the folder imported (a site's build output, themes, assets): deeper
# down, `resources` or `static` may well be a section of posts. Either is left out with a notice
# when it holds Markdown files.
SKIP_ANYWHERE = {"node_modules", "_site", "__pycache__"}
SKIP_AT_TOP = {"public", "themes", "static", "assets", "layouts", "_layouts", "_includes", "_sass", "_data",
               "output", "resources"}
# Markup that other site generators read and opedarchive does not: counted and reported, never
# silently passed over.
OTHER_MARKUP = (".rst", ".html", ".htm", ".adoc", ".asciidoc", ".org", ".textile", ".text", ".rmd", ".ipynb",
                ".pandoc", ".mmd")
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json")
# Dates other than `date` that Hugo reads (and fails on when it cannot parse them): written as
# ISO 8601 strings when the source gave them in another shape.
OTHER_DATE_KEYS = ("lastmod", "modified", "expirydate", "unpublishdate")
# Front-matter keys that only told the old site how to lay a page out.
PRESENTATION_KEYS = ("layout", "save_as", "url", "template")
_LANG_SUFFIX = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$")
_LANG_FOLDER = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
_JEKYLL_NAME = re.compile(r"^(?P<date>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})-(?P<slug>.+)$")
_PELICAN_HEADER = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*):[ \t]*(?P<value>.*)$")
_HEADING = re.compile(r"^#[ \t]+(?P<title>.+?)[ \t#]*$", re.M)
_FALSE = ("false", "no", "0", "off")
# Folders with this many files or more are read in worker processes: KEY_BATCH files at a time to
# pair them, then GROUP_BATCH groups at a time to make their posts.
# GROUP_IN_FLIGHT batches may be ready and waiting, so that the workers go on while a batch of
# posts is written (importing.WRITE_BATCH posts, 512).
PARALLEL_MIN = 400
KEY_BATCH = 512
GROUP_BATCH = 64
GROUP_IN_FLIGHT = 24


class _SafeYAML(YAMLHandler):  # type: ignore[misc]
    """YAML front matter through the archive's own safe loader (no tags, no aliases)."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_yaml(fm)


class _TOML(BaseHandler):  # type: ignore[misc]
    """TOML front matter between `+++` lines (Hugo), read with tomllib."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.M)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


_YAML_HANDLER = _SafeYAML()
_TOML_HANDLER = _TOML()


def detect(path: Path, head: str) -> bool:
    """A folder holding Markdown files, or one Markdown file with front matter or headers."""
    if path.is_dir():
        return next(_walk(path), None) is not None or next(_walk(path / "content"), None) is not None
    if path.suffix.lower() not in SUFFIXES:
        return False
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    return first.strip() in ("---", "+++") or bool(_PELICAN_HEADER.match(first))


# ---------------------------------------------------------------------------- finding files


@dataclass
class _Site:
    """Where the posts of a folder are, and what kind of site it is."""

    kind: str  # "jekyll", "hugo", "pelican" or "folder"
    roots: list[Path]
    drafts: Path | None = None
    pages: Path | None = None
    # Hugo's translation by content folder: each language's folder (`contentDir`), its language.
    lang_dirs: dict[Path, str] = field(default_factory=dict)


def _hugo_lang_dirs(path: Path) -> dict[Path, str]:
    """The content folder of each language of a Hugo site: from its configuration's `contentDir`
    (per language, and the default language's own), else `content/<code>/` folders named by
    language codes when there are two or more of them."""
    config: dict[str, Any] = {}
    for name in HUGO_CONFIGS:
        file = path / name
        if not file.is_file():
            continue
        try:
            text = decode_post_bytes(read_limited(file), file)
            loaded = (tomllib.loads(text) if name.endswith(".toml") else
                      json.loads(text) if name.endswith(".json") else load_yaml(text))
        except (OpedError, OSError, ValueError, yaml.YAMLError, RecursionError):
            continue
        if isinstance(loaded, dict):
            config = loaded
            break
    dirs: dict[Path, str] = {}
    languages = config.get("languages")
    if isinstance(languages, dict):
        default = str(config.get("defaultContentLanguage") or config.get("defaultcontentlanguage") or "en")
        if isinstance(config.get("contentDir"), str):
            dirs[(path / config["contentDir"]).resolve()] = default
        for code, settings in languages.items():
            folder = (settings.get("contentDir") or settings.get("contentdir")) if isinstance(settings, dict) else None
            tag = str(code).replace("_", "-")
            if isinstance(folder, str) and validate_lang(tag):
                dirs[(path / folder).resolve()] = tag
    if not dirs and (path / "content").is_dir():
        found = {(path / "content" / e.name).resolve(): e.name for e in os.scandir(path / "content")
                 if e.is_dir() and _LANG_FOLDER.match(e.name) and validate_lang(e.name)}
        if len(found) >= 2:
            dirs = found
    return dirs


def _site(path: Path) -> _Site:
    if (path / "_posts").is_dir():
        drafts = path / "_drafts"
        return _Site("jekyll", [path / "_posts", *([drafts] if drafts.is_dir() else [])], drafts=drafts)
    if (path / "pelicanconf.py").is_file() and (path / "content").is_dir():
        return _Site("pelican", [path / "content"], pages=path / "content" / "pages")
    if (path / "content").is_dir() and any((path / name).is_file() for name in HUGO_CONFIGS):
        lang_dirs = _hugo_lang_dirs(path)
        content = (path / "content").resolve()
        roots = [path / "content"] + [d for d in lang_dirs if not d.is_relative_to(content) and d.is_dir()]
        return _Site("hugo", roots, lang_dirs=lang_dirs)
    return _Site("folder", [path])


@dataclass
class _LeftOut:
    """What a walk passed over: folders not read (and the Markdown files in them), and files in
    markup opedarchive does not read, by folder walked and suffix."""

    folders: list[tuple[Path, int]] = field(default_factory=list)
    markup: dict[tuple[Path, str], int] = field(default_factory=dict)


def _markdown_count(folder: str) -> int:
    return sum(1 for _, _, names in os.walk(folder) for name in names if name.lower().endswith(SUFFIXES))


def _walk(folder: Path, left_out: _LeftOut | None = None) -> Iterator[Path]:
    """Markdown files under `folder` in name order (depth first); hidden and build folders
    left out (and, with `left_out`, counted there). Without recursion: a folder tree may be
    deeper than Python's stack."""
    pending: list[Iterator[os.DirEntry[str]]] = []
    inside = folder.resolve()
    try:
        pending.append(iter(sorted(os.scandir(folder), key=lambda e: e.name)))
    except OSError:
        return
    while pending:
        entry = next(pending[-1], None)
        if entry is None:
            pending.pop()
            continue
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name in SKIP_ANYWHERE or (len(pending) == 1 and entry.name in SKIP_AT_TOP):
                if left_out is not None and (found := _markdown_count(entry.path)):
                    left_out.folders.append((Path(entry.path), found))
            else:
                try:
                    pending.append(iter(sorted(os.scandir(entry.path), key=lambda e: e.name)))
                except OSError:
                    continue
        elif entry.name.lower().endswith(SUFFIXES) and entry.is_file():
            # A symbolic link to a file outside the folder imported is not read: nothing from
            # elsewhere comes into the archive (and so onto its website) through one.
            if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(inside):
                continue
            yield Path(entry.path)
        elif left_out is not None and entry.name.lower().endswith(OTHER_MARKUP) and entry.is_file():
            key = (folder, os.path.splitext(entry.name)[1].lower())
            left_out.markup[key] = left_out.markup.get(key, 0) + 1


# ---------------------------------------------------------------------------- one file


@dataclass
class _Doc:
    """One file read: its version, or why it could not be; and what pairs it with others."""

    path: Path
    version: Version | None = None
    error: str = ""
    key: tuple[str, ...] = ()
    is_translation: bool = False
    notices: list[str] = field(default_factory=list)
    skip: bool = False  # the file says it is not to be published at all (Pelican `Status: skip`)


def _split(text: str, path: Path) -> tuple[dict[str, Any], str, str]:
    """(metadata, body, style) of a file: YAML, TOML, Pelican headers, or none."""
    first = text.split("\n", 1)[0].strip()
    if first == "---":
        text = _dots_closed(text)
    for handler, style in ((_YAML_HANDLER, "yaml"), (_TOML_HANDLER, "toml")):
        if first == handler.START_DELIMITER:
            if len(handler.FM_BOUNDARY.findall(text)) < 2:
                raise ValueError(f"front matter is not closed by a '{first}' line")
            try:
                meta, body = frontmatter.parse(text, handler=handler)
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                at = f" (line {mark.line + 1})" if mark is not None else ""  # fm starts on the --- line
                raise ValueError(f"invalid YAML in front matter{at}: {exc.problem or exc.context}") from None
            except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
                raise ValueError(f"invalid {style.upper()} in front matter: {exc}") from None
            except RecursionError:
                raise ValueError(f"invalid {style.upper()} in front matter: nested too deeply") from None
            if not isinstance(meta, dict):
                raise ValueError("front matter is not a mapping of keys to values")
            return meta, body, style
    if _PELICAN_HEADER.match(first):
        return (*_pelican(text), "pelican")
    return {}, text, "none"


def _dots_closed(text: str) -> str:
    """YAML front matter closed by YAML's own end-of-document line `...` (Jekyll reads it) as
    if closed by `---`."""
    lines = text.split("\n")
    for i in range(1, len(lines)):
        line = lines[i].rstrip()
        if line == "---":
            return text
        if line == "...":
            return "\n".join([*lines[:i], "---", *lines[i + 1:]])
    return text


def _pelican(text: str) -> tuple[dict[str, Any], str]:
    """Pelican's Markdown metadata: `Key: value` lines up to the first blank line (indented
    lines continue a value)."""
    meta: dict[str, Any] = {}
    lines = text.split("\n")
    key = ""
    i = 0
    for i, line in enumerate(lines):  # noqa: B007 - i is the first body line after the loop
        if not line.strip():
            break
        m = _PELICAN_HEADER.match(line)
        if m:
            key = m["key"].lower()
            meta[key] = m["value"].strip()
        elif key and line[:1] in " \t":
            meta[key] = f"{meta[key]} {line.strip()}".strip()
        else:
            return {}, text  # not a header block after all
    else:
        i = len(lines)
    return meta, "\n".join(lines[i:])


def _dates_as_text(value: Any) -> Any:
    """`value` with every date and date-time in it (in lists and mappings too) as ISO 8601 text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    return value


def _take(raw: dict[str, Any], *names: str) -> Any:
    """The first non-empty value among `names` (any case), removed from `raw`."""
    found: Any = None
    for key in list(raw):
        if key.lower() in names:
            value = raw.pop(key)
            if found is None and value not in (None, "", []):
                found = value
    return found


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "on"))


def _read_doc(path: Path, site: _Site) -> _Doc:
    doc = _Doc(path)
    try:
        text = decode_post_bytes(read_limited(path), path)
        raw, body, style = _split(text, path)
    except OpedError as exc:
        doc.error = getattr(exc, "reason", str(exc))
        return doc
    except OSError as exc:
        doc.error = f"cannot read: {exc.strerror}"
        return doc
    except ValueError as exc:
        doc.error = str(exc)
        return doc
    name, file_lang = _name_and_lang(path)
    bundle = name == "index"
    jekyll = _JEKYLL_NAME.match(path.parent.name if bundle else name)

    raw = dict(raw)
    meta: dict[str, Any] = {}
    title = _take(raw, "title")
    body = body.strip("\n")
    if title is None:
        heading = _HEADING.search(body)
        if heading and not body[: heading.start()].strip():
            title, body = heading["title"], body[heading.end():].strip("\n")
    if title is None and jekyll:  # as Jekyll does: `2022-06-15-my-post.md` is "My Post"
        title = " ".join(word[:1].upper() + word[1:] for word in jekyll["slug"].split("-") if word)
    if title is None:
        doc.error = "no title (no 'title' in the front matter and no '# heading' first)"
        return doc
    meta["title"] = " ".join(str(title).split())
    raw_date = _take(raw, "date", "publishdate", "pubdate", "published_at")
    when = parse_date_value(raw_date)
    if when is None and raw_date is None and jekyll:
        try:
            when = date(*(int(x) for x in jekyll["date"].split("-")))
        except ValueError:
            when = None
    if when is None and raw_date is None and site.drafts is not None and site.drafts in path.parents:
        when = date.fromtimestamp(path.stat().st_mtime)
        doc.notices.append(f"{path}: a draft with no date; dated by the file's time, {when.isoformat()}")
    if when is None:
        doc.error = f"cannot read the date {raw_date!r}" if raw_date is not None else "no date"
        return doc
    meta["date"] = when
    # The source's own word first: front matter, then the file's name, then its content folder.
    lang = str(_take(raw, "lang", "language", "locale") or file_lang or _folder_lang(path, site)[0] or "")
    lang = lang.replace("_", "-") if lang else language_of(body, str(meta["title"]))
    if not validate_lang(lang):
        doc.error = f"not a language code: {lang!r}"
        return doc
    space_tags = site.kind == "jekyll"
    # `author` is one name, commas and all ("Sean Boots, Developer"); `authors` is a list, or a
    # string split as Pelican splits it: at semicolons when it has any, else at commas.
    plural, single = metadata_list(_take(raw, "authors")), as_list(_take(raw, "author"), sep="\n")
    authors = plural or single
    if authors:
        meta["authors"] = unique(authors)
    for key in ("affiliation", "outlet", "kind"):
        value = _take(raw, key)
        if value is not None:
            meta[key] = value
    categories = _take(raw, "categories", "category")
    tags = _take(raw, "tags", "tag", "keywords")
    if style == "pelican":  # Pelican's own rule; its `Category:` is one name
        all_tags = unique(as_list(categories, sep="\n") + metadata_list(tags))
    else:
        all_tags = unique(_tag_list(categories, space_tags) + _tag_list(tags, space_tags))
    if all_tags:
        meta["tags"] = all_tags
    source_url = _take(raw, "source_url", "canonical_url", "canonicalurl", "canonical")
    if source_url is not None:
        meta["source_url"] = source_url
    summary = _take(raw, "summary", "description", "excerpt")
    if summary is not None:
        meta["summary"] = summary
    for key in ("images", "translator"):
        value = _take(raw, key)
        if value is not None:
            meta[key] = value
    draft = _take(raw, "draft")
    published = _take(raw, "published")
    status = _take(raw, "status")
    visibility = _take(raw, "visibility")
    status = str(status or "").strip().lower()
    if status == "skip":  # Pelican: never to be published nor listed
        doc.skip = True
        return doc
    if draft is not None:
        meta["draft"] = _truthy(draft)
    if meta.get("draft") or (published is not None and not _truthy(published) and str(published).lower() in _FALSE) \
            or status in ("draft", "hidden", "private", "pending", "future", "scheduled") \
            or (site.drafts is not None and site.drafts in path.parents):
        meta["draft"] = True
        visibility = visibility or {"future": "scheduled", "": "draft"}.get(status, status)
    if visibility is not None:
        meta["visibility"] = visibility
    translation_key = _take(raw, "translationkey", "translation_key")
    translation = _take(raw, "translation")
    # Our own `translation_of` (an archive folder imported as it stands) says so too; the text
    # it translates is recorded afresh when the post is written.
    stated = _take(raw, "translation_of")
    doc.is_translation = _truthy(translation) or (
        isinstance(stated, dict) and stated.get("lang") not in (None, "", lang))
    # Everything else is kept as it was, but for how the old site laid the page out.
    # A YAML date in a kept key (`last_modified_at: 2016-05-27`) is kept as its ISO text, as our
    # JSON export carries it: export and import again then give the same file.
    meta.update({k: _dates_as_text(v) for k, v in raw.items()
                 if k not in KNOWN_KEYS and k.lower() not in PRESENTATION_KEYS})
    for key in [k for k in meta if k.lower() in OTHER_DATE_KEYS and isinstance(meta[k], str)]:
        when = parse_date_value(meta[key])  # Pelican's `Modified: 2010-12-02 10:20` as ISO 8601
        if when is not None:
            meta[key] = when.isoformat()

    if translation_key is not None:
        doc.key = ("translationKey", str(translation_key))
    elif style == "pelican" and raw.get("slug"):
        doc.key = ("slug", str(raw["slug"]))
    else:
        doc.key = _name_key(path, site)
    doc.version = Version(lang=lang, meta={**meta, "lang": lang}, body=body)
    return doc


def _name_and_lang(path: Path) -> tuple[str, str]:
    """A file's name without its suffix and language (`x.km.md` → `x`), and that language."""
    name = path.name[: -len(path.suffix)]
    m = _LANG_SUFFIX.match(name)
    if m and validate_lang(m["lang"]):
        return m["stem"], m["lang"]
    return name, ""


def _folder_lang(path: Path, site: _Site) -> tuple[str, Path | None]:
    """The language of the Hugo content folder a file is in, and that folder; ("", None)."""
    if site.lang_dirs:
        here = path.resolve().parent
        for folder in (here, *here.parents):
            if folder in site.lang_dirs:
                return site.lang_dirs[folder], folder
    return "", None


def _name_key(path: Path, site: _Site | None = None) -> tuple[str, ...]:
    """What pairs a file with its translations by name: `x.en.md` with `x.km.md` in the same
    folder, a bundle's `index.en.md` with its `index.km.md`, and in a Hugo site with a content
    folder per language, the files at the same place in each."""
    name = _name_and_lang(path)[0]
    parent = path.parent
    if name == "index":
        parent, name = parent.parent, parent.name
    folder = _folder_lang(path, site)[1] if site is not None else None
    if folder is not None:
        return ("content", str(parent.resolve().relative_to(folder)), name)
    return ("file", str(parent), name)


def _pairing_key(path: Path, site: _Site) -> tuple[str, ...]:
    """The key `_read_doc` would give the file, found cheaply: from its name alone unless its
    front matter could name a translation group (a `translationKey`, or a key spelt with escapes)
    or it has Pelican headers (a `Slug:`), when the file is read in full. A file that cannot be
    read has a key of its own; one that reads but turns out bad joins the group its name puts
    it in (and is reported there)."""
    try:
        text = decode_post_bytes(read_limited(path), path)
    except (OpedError, OSError):
        return ("error", str(path))
    first = text[: text.find("\n")] if "\n" in text else text
    first = first.strip()
    if first in ("---", "+++"):
        handler = _YAML_HANDLER if first == "---" else _TOML_HANDLER
        try:
            head = handler.split(text.strip())[0]
        except ValueError:
            head = text
        # `translationkey` in any case: only ASCII letters lower-case to these letters.
        if "translation" not in head.lower() and "\\" not in head:
            return _name_key(path, site)
    elif not _PELICAN_HEADER.match(first):
        return _name_key(path, site)
    return _read_doc(path, site).key or ("error", str(path))


def _tag_list(value: Any, space_separated: bool) -> list[str]:
    if isinstance(value, str) and space_separated and "," not in value:
        return as_list(value, sep=None)
    return as_list(value)


# ---------------------------------------------------------------------------- a folder


def _files(path: Path, include_pages: bool) -> tuple[list[Path], ImportItem | None]:
    """The post files of a folder (or the one file given), and an item telling what was left
    out (notices, and counts by kind and place), if anything was."""
    if path.is_file():
        return [path], None
    site = _site(path)
    files: list[Path] = []
    pages = sections = 0
    left = _LeftOut()
    for root in site.roots:
        for file in _walk(root, left):
            if file.name.startswith("_index."):
                sections += 1
            elif site.pages is not None and site.pages in file.parents and not include_pages:
                pages += 1
            else:
                files.append(file)
    item = ImportItem(where=str(path))
    if pages:
        item.notices.append(f"{path}: not imported: {pages} page(s) under {site.pages}; --include-pages imports them")
        item.left_out.append((str(site.pages), "page", pages))
    if sections:
        item.notices.append(f"{path}: not imported: {sections} Hugo section page(s) (_index.md)")
        item.left_out.append((str(path), "Hugo section page (_index.md)", sections))
    for folder, n in left.folders:
        item.notices.append(f"{path}: not imported: {n} Markdown file(s) under {folder}/ (taken for a site's "
                            f"build or assets; import {folder} itself to read them)")
        item.left_out.append((str(folder), "Markdown file in a skipped folder", n))
    for (folder, suffix), n in sorted(left.markup.items()):
        item.notices.append(f"{path}: not imported: {n} {suffix} file(s) under {folder}/ "
                            "(opedarchive reads Markdown only)")
        item.left_out.append((str(folder), f"{suffix} file", n))
    return files, (item if item.notices else None)


def _order(doc: _Doc) -> tuple[bool, bool, str]:
    """The original first: a version not marked as a translation, English before others."""
    lang = doc.version.lang if doc.version else ""
    return doc.is_translation, lang != "en", lang


def _group_items(members: list[Path], site: _Site) -> list[ImportItem]:
    """The items of one group of files: the post its versions make (an original and its
    translations), a version in a language the post already has as a post of its own, and a
    file that cannot be read as an error. Each comes where its first file comes."""
    docs = [_read_doc(file, site) for file in members]
    placed: list[tuple[int, ImportItem]] = []
    post: list[Version] = []
    where: list[str] = []
    first = len(docs)
    item_notices: list[str] = []
    for i, doc in sorted(enumerate(docs), key=lambda pair: _order(pair[1])):
        if doc.skip:
            placed.append((i, ImportItem(where=str(doc.path), notices=[
                f"{doc.path}: not imported: 'Status: skip' (not to be published)"],
                left_out=[(str(doc.path), "file with 'Status: skip'", 1)])))
            continue
        if doc.version is None:
            placed.append((i, ImportItem(where=str(doc.path), error=doc.error, notices=doc.notices)))
            continue
        item_notices.extend(doc.notices)
        first = min(first, i)
        if any(v.lang == doc.version.lang for v in post):
            placed.append((i, ImportItem(where=str(doc.path), ready=[doc.version], notices=[
                f"{doc.path}: a second '{doc.version.lang}' version of {where[0]}; imported as a post of its own"])))
        else:
            post.append(doc.version)
            where.append(str(doc.path))
    if post:
        # `translation: true` (Pelican) states which are translations; Hugo states no original.
        flagged = {id(d.version): d.is_translation for d in docs if d.version is not None}
        stated = [flagged[id(v)] for v in post]
        placed.append((first, ImportItem(where=" + ".join(where), ready=post, notices=item_notices,
                                         joined=len(post) > 1, original_stated=not stated[0] and any(stated))))
    if len(placed) > 1:
        # A group's own items in the order the old one-pass reader gave them: the versions
        # found twice before the post, errors where their files are.
        errors = [(i, item) for i, item in placed if item.error]
        rest = [item for _, item in placed if not item.error]
        placed = [*((i, item) for i, item in errors if i < first), *((first, item) for item in rest),
                  *((i, item) for i, item in errors if i >= first)]
    return [item for _, item in placed]


def read_groups(groups: list[list[Path]], site: _Site) -> list[ImportItem]:
    """The items of many groups, each prepared for writing (in a worker process, where the
    reading, the YAML, the dedupe hash and the YAML written are done)."""
    items = [item for members in groups for item in _group_items(members, site)]
    for item in items:
        if item.ready:
            item.prepare()
    return items


def pairing_keys(files: list[Path], site: _Site) -> list[tuple[str, ...]]:
    return [_pairing_key(file, site) for file in files]


def read(path: Path, *, include_pages: bool = False) -> Iterator[ImportItem]:
    """Items of a Markdown folder (or file): one post per group of translations. The files are
    read twice, so that memory stays small: cheaply first, to see what pairs with what, then in
    full, group by group; a large folder in worker processes."""
    site = _site(path) if path.is_dir() else _Site("folder", [path.parent])
    files, left_out = _files(path, include_pages)
    if left_out is not None:
        yield left_out
    if len(files) < PARALLEL_MIN:
        groups: dict[tuple[str, ...], list[Path]] = {}
        for file, key in zip(files, pairing_keys(files, site), strict=True):
            groups.setdefault(key, []).append(file)
        for members in groups.values():
            yield from _group_items(members, site)
        return
    with Workers(preload=[__name__], in_flight=GROUP_IN_FLIGHT) as workers:
        groups = {}
        keys = workers.map(pairing_keys, ((batch, site) for batch in batches(files, KEY_BATCH)))
        for file, key in zip(files, keys, strict=True):
            groups.setdefault(key, []).append(file)
        del files
        yield from workers.map(read_groups, ((batch, site) for batch in batches(groups.values(), GROUP_BATCH)))


def count(path: Path) -> int | None:
    """How many Markdown files a folder holds, for progress."""
    return len(_files(path, include_pages=True)[0])
