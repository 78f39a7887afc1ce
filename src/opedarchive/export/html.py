"""`export --html [-o DIR]`: the static website, rendered with Jinja from the package's templates.

Two passes. First the posts, a piece (up to PIECE_POSTS of one year) per process on every core:
each post's page and the piece's search index shard — a post page depends on nothing but the
post, the templates and the site's settings (term pages are named from the term alone), so it
can be made before the others are read. Then, from what the first pass gathered (one small
Entry per post), the listings, term pages, feed and sitemap. Only post files whose size or
modification time changed are read, and only files whose inputs changed are rendered; the
manifest of the output folder remembers both, a piece at a time, so that a re-export after one
edit decodes only the piece that changed (and, when no listing changed, nothing else)."""

from __future__ import annotations

import base64
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from opedarchive import __version__
from opedarchive.archive import POSTS_DIR, split_file_name
from opedarchive.errors import PostFileError
from opedarchive.export.base import ExportResult, OutputDir, digest, make_room, write_if_changed
from opedarchive.export.markup import (
    format_date,
    format_reading_time,
    language_name,
    markdown_html,
    plain_html,
    safe_url,
)
from opedarchive.model import Post, Version, is_draft, original_order
from opedarchive.serialize import json_value, post_summary
from opedarchive.site import searchindex
from opedarchive.summary import version_reading_minutes
from opedarchive.text.slug import slugify

if TYPE_CHECKING:
    from jinja2 import Environment

    from opedarchive.align import Lexicon
    from opedarchive.archive import Archive

NAME = "html"
KIND = "dir"
# The home page lists whole years, newest first, until it holds at least this many posts.
HOME_POSTS = 300
FEED_ENTRIES = 50
# Below this many pages to render, starting worker processes costs more than it saves.
PARALLEL_MIN_PAGES = 400
# Posts read, rendered and indexed together by one process (and one search index shard).
PIECE_POSTS = 400
TAXONOMIES = {"tags": "Tags", "authors": "Authors", "outlets": "Outlets"}
STATIC_FILES = ("style.css", "search.js", "fonts/NotoSansKhmer-subset.woff2", "fonts/OFL.txt")
RECORDS = f"{searchindex.SEARCH_DIR}/d/"
_LOCAL_SRC = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/-]*$")


# ----------------------------------------------------------------------------- gathering


@dataclass
class Entry:
    """One post as listings, the feed and the search page show it."""

    id: str
    url: str  # relative to the site's root
    title: str
    lang: str
    date: str  # ISO date of the original
    year: str
    summary: str
    summary_lang: str
    languages: list[tuple[str, str]]  # (code, name)
    authors: list[str]
    outlet: str
    kind: str
    key: str = ""  # a hash of everything above: listings that show this entry change with it

    def __post_init__(self) -> None:
        if not self.key:
            fields = {k: v for k, v in vars(self).items() if k != "key"}
            self.key = digest(json.dumps(fields, ensure_ascii=False, sort_keys=True))


@dataclass
class Term:
    """A tag, author or outlet and the posts under it (newest first)."""

    kind: str
    name: str
    slug: str
    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every spelling that shares the slug

    @property
    def url(self) -> str:
        return f"{self.kind}/{self.slug}.html"


@dataclass
class Task:
    """One page to render in the second pass: where it goes, the hash of its inputs, and
    (template, context)."""

    rel: str
    key: str
    kind: str
    payload: Any


def _summary_lang(post: Post) -> str:
    return next((v.lang for v in post.versions.values() if v.get("summary")), post.original.lang)


def _entry(post: Post) -> Entry:
    original = post.original
    return Entry(
        id=post.id, url=f"posts/{post.id}.html", title=original.title, lang=original.lang,
        date=original.day.isoformat(), year=f"{original.day.year:04d}", summary=post_summary(post),
        summary_lang=_summary_lang(post), languages=[(lang, language_name(lang)) for lang in post.languages],
        authors=original.authors or post.list_field("authors"), outlet=post.field("outlet"), kind=post.field("kind"),
    )


def _terms_of(post: Post) -> dict[str, list[str]]:
    return {"tags": post.list_field("tags"), "authors": post.list_field("authors"),
            "outlets": [o for o in dict.fromkeys(v.get("outlet") for v in post.versions.values()) if o]}


@lru_cache(maxsize=65536)
def term_slug(name: str) -> str:
    """A term's page name, from its name alone (so a post page can link to it without knowing
    the other posts): names that differ only in case or punctuation share one page."""
    slug = slugify(name)
    return f"{slug}-{digest(name)[:6]}" if slug == "index" else slug


def gather_terms(sources: list[Source]) -> dict[str, dict[str, Term]]:
    """Every tag, author and outlet by kind and slug, with the posts under it (newest first)."""
    terms: dict[str, dict[str, Term]] = {kind: {} for kind in TAXONOMIES}
    for source in sources:
        for kind, names in source.terms.items():
            for name in names:
                slug = term_slug(name)
                term = terms[kind].setdefault(slug, Term(kind, name, slug))
                if name not in term.names:
                    term.names.append(name)
                if not term.ids or term.ids[-1] != source.id:
                    term.ids.append(source.id)
    return terms


def term_links(terms: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """A post's tags, authors and outlets with the site path of each one's page."""
    return {kind: {name: f"{kind}/{term_slug(name)}.html" for name in names} for kind, names in terms.items()}


# ----------------------------------------------------------------------------- rendering


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment (one per process): templates from the package, autoescape on."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("opedarchive.export", "templates"),
        autoescape=True,  # every template, .xml included: no value reaches a page unescaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["langname"] = language_name
    env.globals["entry_html"] = entry_html
    return env


# An entry's item in a listing, by (entry key, root): one post shows on its year's page, the home
# page and each of its tags', authors' and outlet's pages, and `serve` makes the same listings
# again after each edit; rendered once each, a listing costs the joining of its items. Emptied
# when an export's stamp (templates, settings) is not the last one's.
_ENTRY_HTML: dict[tuple[str, str], Markup] = {}
_ENTRY_STAMP = [""]
ENTRY_HTML_MAX = 100_000


def entry_html(entry: Entry, root: str) -> Markup:
    """`_entries.html`'s `entry_item` of one entry of a listing (markup: not escaped again); an
    entry without a key (`Entry.key`, a hash of all it shows) is rendered and not kept."""
    key = getattr(entry, "key", None)
    found = _ENTRY_HTML.get((key, root)) if key else None
    if found is None:
        item = environment().get_template("_entries.html").module.entry_item  # type: ignore[attr-defined]
        found = Markup(item(entry, root))
        if key:
            if len(_ENTRY_HTML) >= ENTRY_HTML_MAX:
                _ENTRY_HTML.clear()
            _ENTRY_HTML[key, root] = found
    return found


def render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


def _is_local_file(src: str) -> bool:
    """A plain relative path to a file beside the post (`img/x.jpg`): no scheme, host, `..` or query."""
    return bool(_LOCAL_SRC.match(src)) and ".." not in src.split("/")


def _images(version: Version, post_id: str) -> list[dict[str, Any]]:
    """The `images` key: caption, credit and a safe `src`. A file beside the post (`file`) is
    copied to `posts/<id>/<file>`, and `src` is then that copy relative to the post's page."""
    images = version.meta.get("images")
    out = []
    for image in images if isinstance(images, list) else []:
        if isinstance(image, dict):
            src = safe_url(image.get("src")) or ""
            local = _is_local_file(src)
            if local and (version.path is None or not (version.path.parent / src).is_file()):
                src, local = "", False  # a file that is not there: the caption alone
            elif not local and not src.lower().startswith(("http://", "https://")):
                src = ""  # a path outside the post's folder: never linked, never copied
            out.append({"caption": str(image.get("caption") or ""), "credit": str(image.get("credit") or ""),
                        "src": f"{post_id}/{src}" if local else src, "file": src if local else "", "local": local})
    return out


def _version_context(version: Version, post_id: str, links: dict[str, dict[str, str]], root: str) -> SimpleNamespace:
    """One version's metadata as post.html shows it. (Templates get objects, not dicts: Jinja
    tries an attribute before a key, and the failed attempt on a dict costs an exception.)"""
    def linked(kind: str, names: Iterable[str]) -> list[tuple[str, str]]:
        return [(name, root + links[kind][name]) for name in names if name in links[kind]]

    outlet = version.get("outlet")
    return SimpleNamespace(
        lang=version.lang,
        name=language_name(version.lang),
        title=version.title,
        date=version.day.isoformat(),
        date_text=format_date(version.day, version.lang),
        reading=format_reading_time(version_reading_minutes(version), version.lang),
        authors=linked("authors", version.authors),
        affiliation=version.get("affiliation"),
        outlet=next(iter(linked("outlets", [outlet])), None) if outlet else None,
        kind=version.get("kind"),
        tags=linked("tags", version.tags),
        translator=version.get("translator"),
        source_url=safe_url(version.get("source_url")),
        images=[SimpleNamespace(**image) for image in _images(version, post_id)],
    )


def _rows_html(pa: list[str], pb: list[str], pairs: Iterable[tuple[list[int], list[int]]]) -> list[list[str]]:
    """`row_html` as a list of [a's HTML, b's HTML] rows."""
    return [list(row) for row in row_html(pa, pb, pairs)]


def row_html(pa: list[str], pb: list[str], pairs: Iterable[tuple[list[int], list[int]]]) -> Iterator[tuple[str, str]]:
    """Each aligned group's HTML, as `markdown_html` makes it of the group's paragraphs joined
    (blank lines between them). A group of paragraphs of plain prose (`plain_html`) is their
    HTML in turn: markdown_html would cut the joined group at the blank lines between them and
    at no other place (plain prose has no blank or white-space-edged line), and write each
    block's plain HTML. Other groups are converted as a whole (a test holds both ways equal on
    random groups). Each paragraph is in one group: each is looked at once."""
    def html(paras: list[str], indexes: list[int]) -> str:
        if not indexes:
            return ""
        if len(indexes) == 1:
            return markdown_html(paras[indexes[0]])
        parts = [plain_html(paras[i]) for i in indexes]
        if None in parts:
            return markdown_html("\n\n".join(paras[i] for i in indexes))
        return "".join(parts)  # type: ignore[arg-type]

    return ((html(pa, ia), html(pb, ib)) for ia, ib in pairs)


def cells(rows: Iterable[Sequence[str]], lang_a: str, lang_b: str) -> Markup:
    """The side-by-side rows of post.html, a cell of each language per row (the rows' HTML as it
    is, the languages escaped), one line after another, without the last line's end: joined
    here, not by a loop in the template (which costs 1.5 s for 100,000 rows). The rows may come
    one at a time (`row_html`): no list of them all is kept beside the joined text."""
    a, b = escape(lang_a), escape(lang_b)
    return Markup("\n".join([f'<div class="cell v0 body" lang="{a}">{x}</div>\n'
                              f'<div class="cell v1 body" lang="{b}">{y}</div>' for x, y in rows]))


def post_context(post: Post, links: dict[str, dict[str, str]], ratio: float | None,
                 site: SimpleNamespace, lexicons: dict[str, Lexicon | None] | None = None) -> dict[str, Any]:
    """Everything post.html shows: each version's metadata, and the bodies as rows of aligned
    paragraph groups when the post has two languages or more (the first two side by side),
    aligned with the ratio and the archive's lexicon of those two languages (`lexicons`, by
    `lexicon_pair`)."""
    from opedarchive.align import align, paragraphs

    root = "../"
    versions = [_version_context(v, post.id, links, root) for v in post.versions.values()]
    from opedarchive.export.markup import outdated_notice
    from opedarchive.translation import outdated_languages

    stale = outdated_languages(post)
    for version in versions:  # a notice, in its own language, on a translation older than its original's text
        version.outdated = outdated_notice(version.lang) if version.lang in stale else ""
    bodies = list(post.versions.values())
    joined: Markup | str = ""
    rest: list[str] = []
    if len(bodies) >= 2:
        pa, pb = paragraphs(bodies[0].body), paragraphs(bodies[1].body)
        lexicon = (lexicons or {}).get(lexicon_pair(bodies[0].lang, bodies[1].lang))
        joined = cells(row_html(pa, pb, align(pa, pb, ratio, lexicon)), versions[0].lang, versions[1].lang)
        rest = [markdown_html(v.body) for v in bodies[2:]]
    else:
        rest = [markdown_html(bodies[0].body)]
    from opedarchive.site.citation import page_metadata

    page_url = f"{site.base_url}posts/{post.id}.html" if site.base_url else ""
    return {"root": root, "site": site, "post_id": post.id, "versions": versions, "rows": len(bodies) >= 2,
            "rest": rest, "cells": joined, "citation": page_metadata(post, page_url)}


# Where post.html's side-by-side cells go while the rest of the page is rendered (`page_bytes`):
# no post can hold it (a post's text holds no NUL, and this one is drawn anew in each process).
_CELLS_MARK = f"\x00cells-{os.urandom(8).hex()}\x00"
# Cells longer than this are put into the page as bytes: a book-length post's cells are tens of MB.
_CELLS_APART = 1 << 20


def page_bytes(context: dict[str, Any]) -> bytes:
    """post.html of `context` as UTF-8. Long cells are taken out of the context, encoded once and
    put in place of a mark, so that the page's text is never made with them in it (for 100,000
    rows that text and its encoding held 60 MB more at once)."""
    if not context["cells"] or len(context["cells"]) < _CELLS_APART:
        return render("post.html", context).encode("utf-8")
    joined = context.pop("cells").encode("utf-8")
    head, mark, tail = render("post.html", {**context, "cells": Markup(_CELLS_MARK)}).partition(_CELLS_MARK)
    if not mark:  # pragma: no cover - post.html always shows the cells of a post in two languages
        raise AssertionError("post.html did not show the cells")
    return b"".join([head.encode("utf-8"), joined, tail.encode("utf-8")])


class Workers:
    """A pool of processes made on first use, or the caller's own process for small jobs."""

    def __init__(self, workers: int | None) -> None:
        self.count = workers or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[..., Any], items: list[Any], *args: Any, size: int = 0) -> list[Any]:
        """`fn(item, *args)` for every item, in order."""
        if self.count < 2 or size < PARALLEL_MIN_PAGES or len(items) < 2:
            return [fn(item, *args) for item in items]
        if self.pool is None:
            from opedarchive.importers.parallel import worker_start

            self.pool = ProcessPoolExecutor(max_workers=self.count, initializer=worker_start,
                                            initargs=(os.getpid(),))
        return list(self.pool.map(fn, items, *[[a] * len(items) for a in args]))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def render_page(task: Task, root: Path) -> tuple[str, str, bool]:
    """Render one listing, feed or sitemap and write it if its bytes changed; (rel, key, written)."""
    template, context = task.payload
    text = render(template, context)
    return task.rel, task.key, write_if_changed(root / task.rel, text.encode("utf-8"), durable=False)


def _render_pages(tasks: list[Task], root: Path) -> list[tuple[str, str, bool]]:
    return [render_page(task, root) for task in tasks]


# ----------------------------------------------------------------------------- the site


def _templates_digest() -> str:
    """A hash of the templates, static files and version: pages re-render when any changes."""
    package = resources.files("opedarchive.export")
    parts: list[str | bytes] = [__version__]
    for folder in ("templates", "static"):
        stack = [package.joinpath(folder)]
        while stack:
            item = stack.pop()
            if item.is_dir():
                stack.extend(sorted(item.iterdir(), key=lambda t: t.name))
            else:
                parts += [item.name, item.read_bytes()]
    return digest(*parts)


@dataclass
class Source:
    """What the site needs of one post, from its files or remembered from the last export when
    its files have the same size and modification time. No bodies: those stay in the workers."""

    id: str
    sig: list[list[Any]]  # [[path, lang, mtime_ns, size], ...] of its files
    entry: Entry
    terms: dict[str, list[str]]
    content: str  # a hash of every version's metadata and body
    mismatch: bool  # the first two versions differ in paragraph count (alignment needs the ratio)
    images: list[list[str]] = field(default_factory=list)  # [[rel in site, file in archive], ...]
    media: list[list[str]] = field(default_factory=list)  # [[rel, key], ...] of images copied
    page: list[Any] = field(default_factory=list)  # [ratio, key] the post page was last made with
    read: bool = False  # read now (not remembered)
    remember: bool = True  # False when a file of it could not be read: read again next time

    def state(self) -> dict[str, Any]:
        return {"sig": self.sig, "entry": vars(self.entry), "terms": self.terms, "content": self.content,
                "mismatch": self.mismatch, "images": self.images, "media": self.media, "page": self.page}

    @classmethod
    def remembered(cls, post_id: str, state: dict[str, Any]) -> Source:
        entry = Entry(**{**state["entry"], "languages": [tuple(x) for x in state["entry"]["languages"]]})
        return cls(post_id, state["sig"], entry, state["terms"], state["content"], state["mismatch"],
                   state["images"], state["media"], state["page"])


def _content_digest(post: Post) -> str:
    return digest(json.dumps([json_value(v.meta) for v in post.versions.values()], ensure_ascii=False),
                  *[v.body for v in post.versions.values()])


def _needs_ratio(post: Post) -> bool:
    from opedarchive.align import paragraphs

    versions = list(post.versions.values())
    return len(versions) >= 2 and len(paragraphs(versions[0].body)) != len(paragraphs(versions[1].body))


def _local_images(archive: Archive, post: Post) -> list[list[str]]:
    """Images a post names by a plain relative path to a file beside it: [site rel, archive file]."""
    found = []
    root = archive.root.resolve()
    for version in post.versions.values():
        for image in _images(version, post.id):
            if image["local"] and version.path is not None:
                source = (version.path.parent / image["file"]).resolve()
                if source.is_file() and source.is_relative_to(root):
                    found.append([f"posts/{image['src']}", source.relative_to(root).as_posix()])
    return found


def _scan(archive: Archive) -> dict[str, list[list[Any]]]:
    """Every post's files (`posts/YYYY/<id>.<lang>.md`) with their modification time and size,
    without reading them; the same files as `Archive.files`, found with fewer objects."""
    found: dict[str, list[list[Any]]] = {}
    try:
        # A symbolic link (to a folder or a file) is not part of the archive: nothing is read through one.
        years = sorted(e.name for e in os.scandir(archive.posts_dir)
                       if e.is_dir(follow_symlinks=False) and not e.name.startswith("."))
    except OSError:
        return found
    for year in years:
        try:
            entries = sorted(os.scandir(os.path.join(archive.posts_dir, year)), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            parts = split_file_name(entry.name)
            if parts is None or not entry.is_file(follow_symlinks=False):
                continue
            try:
                st = entry.stat()
            except OSError:
                continue
            found.setdefault(parts[0], []).append([f"{POSTS_DIR}/{year}/{entry.name}", parts[1], st.st_mtime_ns,
                                                   st.st_size])
    return found


def _read_post(archive: Archive, post_id: str, sig: list[list[Any]], problems: list[str],
               drafts: bool = False) -> Post | None:
    """A post read from the files of its signature; unreadable files are reported and left out,
    and so are drafts (`draft: true`) unless `drafts`. None when no version is left."""
    versions: dict[str, Version] = {}
    for rel, lang, _, _ in sig:
        try:
            version = archive.read_version(archive.root / rel, lang)
        except PostFileError as exc:
            problems.append(str(exc))
            continue
        if drafts or not is_draft(version):
            versions[lang] = version
    if not versions:
        return None
    ordered = original_order(list(versions.values()), archive.config.languages)
    return Post(post_id, {lang: versions[lang] for lang in ordered})


def _source(archive: Archive, post: Post, sig: list[list[Any]]) -> Source:
    return Source(post.id, sig, _entry(post), _terms_of(post), _content_digest(post), _needs_ratio(post),
                  _local_images(archive, post), read=True)


@dataclass
class Piece:
    """Up to PIECE_POSTS posts of one year: read, rendered and indexed together in one process,
    their search records and postings in one cache (`.opedarchive-search/<year>.bin`,
    `<year>-2.bin`, …: `shard`, the piece's name in the manifest's state)."""

    shard: str
    year: str
    posts: list[tuple[str, list[list[Any]], dict[str, Any] | None]]  # (id, files, remembered state)
    old: dict[str, str]  # the last export's key of each file this piece writes
    sig: str  # a hash of its posts' ids and files (names, sizes, modification times)


@dataclass
class Build:
    """What every piece needs to know about the whole build."""

    archive: Archive
    root: Path
    stamp: str
    site: SimpleNamespace  # as templates see it
    ratio: float | None
    drafts: bool  # publish the versions marked `draft: true` too
    # The archive's lexicons (`lexicon_pair` of two languages: `align.archive_lexicon`), and a
    # digest of them all: a post page aligned with them is made again when it changes.
    lexicons: dict[str, Lexicon | None] = field(default_factory=dict)
    lexicon_key: str = ""


def build_piece(piece: Piece, build: Build) -> tuple[list[Source], list[tuple[str, str, bool]], list[str], int]:
    """Read what changed, render the post pages that are stale, write the search records if stale.
    Returns the posts' Sources, the files (rel, key, written), the problems found and how many
    posts were left out as drafts."""
    sources: list[Source] = []
    files: list[tuple[str, str, bool]] = []
    problems: list[str] = []
    drafted = 0
    loaded: dict[str, Post] = {}
    versions = sum(len(sig) for _, sig, _ in piece.posts)
    name = _piece_name(piece)
    make_room(build.root, [*[f"posts/{post_id}.html" for post_id, _, _ in piece.posts], piece.shard,
                           *[searchindex.record_rel(name, n) for n in range(versions)]], piece.old)
    for post_id, sig, state in piece.posts:
        post = None
        if state is not None and state.get("sig") == sig:
            source = Source.remembered(post_id, state)
        else:
            found: list[str] = []
            post = _read_post(build.archive, post_id, sig, found, build.drafts)
            problems.extend(found)
            if post is None:
                drafted += not found
                continue
            source = _source(build.archive, post, sig)
            source.remember = not found
            loaded[post_id] = post
        sources.append(source)
        rel = source.entry.url
        ratio = build.ratio if source.mismatch else None
        aligned_by = [ratio, build.lexicon_key] if source.mismatch else None
        if source.read or not source.page or source.page[0] != aligned_by:
            # The page's inputs: the build (templates, site), the post, its terms (the links are
            # made from them alone) and, when its paragraphs do not pair one to one, the ratio
            # and the lexicons.
            source.page = [aligned_by, digest(build.stamp, json.dumps(source.terms, ensure_ascii=False, sort_keys=True),
                                              json.dumps(aligned_by), source.content)]
        key = source.page[1]
        if piece.old.get(rel) == key and os.path.isfile(os.path.join(build.root, rel)):
            files.append((rel, key, False))
            continue
        post = post or loaded.get(post_id) or _read_post(build.archive, post_id, sig, [], build.drafts)
        if post is None:  # its files went away during the export (an `rm` meanwhile): it is gone
            sources.pop()
            continue
        loaded[post_id] = post
        data = page_bytes(post_context(post, term_links(source.terms), ratio, build.site, build.lexicons))
        files.append((rel, key, write_if_changed(build.root / rel, data, durable=False)))
    key = digest(build.stamp, *[f"{s.id} {s.content} {s.entry.key}" for s in sources])
    files.extend(_piece_search(piece, build, sources, key, loaded))
    return sources, files, problems, drafted


def _piece_search(piece: Piece, build: Build, sources: list[Source], key: str, loaded: dict[str, Post]
                  ) -> list[tuple[str, str, bool]]:
    """The piece's search records and the cache of its postings, (rel, key, written) each;
    kept as they are when the piece's posts are (`key`) and the cache is there."""
    cache_path = build.root / piece.shard
    if piece.old.get(piece.shard) == key and cache_path.is_file():
        try:
            count = searchindex.load_postings(cache_path.read_bytes()).docs
        except (OSError, ValueError):
            count = -1
        name = _piece_name(piece)
        rels = [searchindex.record_rel(name, n) for n in range(count)]
        if count >= 0 and all(os.path.isfile(build.root / rel) for rel in rels):
            return [(rel, key, False) for rel in [piece.shard, *rels]]
    updated = _updated_search(piece, build, sources, loaded) if piece.old.get(piece.shard) else None
    if updated is not None:
        made, kept = updated
        files = [(rel, key, False) for rel in kept]
    else:
        posts = []
        for source in sources:
            post = loaded.get(source.id) or _read_post(build.archive, source.id, source.sig, [], build.drafts)
            if post is not None:  # (None: removed during the export; the next one drops it everywhere)
                posts.append((post.id, source.entry.url, list(post.versions.values())))
        made = searchindex.build_piece(_piece_name(piece), posts)
        files = []
    files += [(rel, key, write_if_changed(build.root / rel, data, durable=False)) for rel, data in made.records.items()]
    data = searchindex.dump_postings(made.postings)
    files.append((piece.shard, key, write_if_changed(cache_path, data, durable=False)))
    return files


def _updated_search(piece: Piece, build: Build, sources: list[Source], loaded: dict[str, Post]
                    ) -> tuple[searchindex.PieceIndex, list[str]] | None:
    """The piece's search index with only the posts read now made again (`update_piece`), and
    the records of the others, kept as they are; None when the piece's posts or their numbers of
    versions changed, or the last export's cache or records are not there as it made them."""
    name = _piece_name(piece)
    try:
        old = searchindex.load_postings((build.root / piece.shard).read_bytes())
    except (OSError, ValueError):
        return None
    posts = [(s.id, s.entry.url, list(loaded[s.id].versions.values()) if s.id in loaded else None) for s in sources]
    made = searchindex.update_piece(name, old, posts)
    if made is None:
        return None
    kept = [rel for rel in (searchindex.record_rel(name, n) for n in range(old.docs)) if rel not in made.records]
    if not all(piece.old.get(rel) and os.path.isfile(build.root / rel) for rel in kept):
        return None
    return made, kept


def _piece_name(piece: Piece) -> str:
    return piece.shard.rsplit("/", 1)[-1].removesuffix(searchindex.CACHE_SUFFIX)


def _pieces(sigs: dict[str, list[list[Any]]], old: dict[str, str]) -> list[Piece]:
    """The posts newest first (ids start with the date), cut by year into pieces (their
    remembered states are filled in later, and only for pieces that changed)."""
    records: dict[str, list[str]] = {}  # piece name → its search records of the last export
    for rel in old:
        if rel.startswith(RECORDS):
            records.setdefault(rel[len(RECORDS):].split("/", 1)[0], []).append(rel)
    by_year: dict[str, list[str]] = {}
    for post_id in sorted(sigs, reverse=True):
        by_year.setdefault(post_id[:4], []).append(post_id)
    pieces = []
    for year, ids in by_year.items():
        for n, start in enumerate(range(0, len(ids), PIECE_POSTS)):
            shard = f"{searchindex.CACHE_DIR}/{year}{'' if n == 0 else f'-{n + 1}'}{searchindex.CACHE_SUFFIX}"
            chunk = ids[start : start + PIECE_POSTS]
            posts: list[tuple[str, list[list[Any]], dict[str, Any] | None]] = [(i, sigs[i], None) for i in chunk]
            name = shard.rsplit("/", 1)[-1].removesuffix(searchindex.CACHE_SUFFIX)
            keys = {rel: old[rel] for rel in [shard, *[f"posts/{i}.html" for i in chunk], *records.get(name, [])]
                    if rel in old}
            sig = digest(json.dumps([[i, sigs[i]] for i in chunk], ensure_ascii=False))
            pieces.append(Piece(shard, year, posts, keys, sig))
    return pieces


class Remembered:
    """What the last export remembered, a piece at a time. Each piece's posts are kept as one
    JSON text inside the manifest and decoded only when needed: a re-export after one edit
    decodes one piece, not 10,000 posts."""

    def __init__(self, state: dict[str, Any], ratio: float | None, lexicon_key: str = "") -> None:
        pieces = state.get("pieces")
        self.records: dict[str, dict[str, Any]] = pieces if isinstance(pieces, dict) else {}
        # The pages of posts whose paragraphs do not pair one to one depend on the alignment
        # ratio and the lexicons: when either changed, the pieces that hold one are made again
        # (those pages alone).
        self.ratio_same = state.get("ratio") == ratio and state.get("lexicon_key", "") == lexicon_key
        self._years: dict[str, dict[str, Any]] = {}

    def clean(self, piece: Piece, out: OutputDir) -> dict[str, Any] | None:
        """The piece's record when its posts' files are as they were and every file it made
        is still there as made (those files are then kept); else None."""
        record = self.records.get(piece.shard)
        if not record or not piece.sig or record.get("sig") != piece.sig:
            return None
        if not self.ratio_same and record.get("mismatch", True):
            return None
        files = record["files"]
        if not all(out.old.get(rel) == key and os.path.isfile(os.path.join(out.root, rel)) for rel, key in files):
            return None
        for rel, key in files:
            out.keep(rel, key)
        return record

    def posts_of_year(self, year: str) -> dict[str, Any]:
        """Every remembered post of a year, by id (a post may have moved to another piece)."""
        if year not in self._years:
            found: dict[str, Any] = {}
            for record in self.records.values():
                if record.get("year") == year:
                    found.update(_unpack(record["posts"]))
            self._years[year] = found
        return self._years[year]


def _piece_record(piece: Piece, sources: list[Source], files: list[tuple[str, str, bool]], complete: bool) -> dict[
        str, Any]:
    """What the next export remembers of a piece. Without `complete` (a file could not be read)
    it keeps no signature, so the piece is read again (and the problem reported) next time."""
    listing = digest(*[f"{s.id} {s.entry.key} {json.dumps(s.terms, ensure_ascii=False, sort_keys=True)}"
                       for s in sources])
    newest = sorted(sources, key=lambda s: (s.entry.date, s.id), reverse=True)[:FEED_ENTRIES]
    return {"year": piece.year, "sig": piece.sig if complete else "", "count": len(sources), "listing": listing,
            "mismatch": any(s.mismatch for s in sources),
            "newest": [[s.entry.date, s.id, f"{s.content} {s.entry.key}"] for s in newest],
            "files": [[rel, key] for rel, key, _ in files] + [m for s in sources for m in s.media],
            "posts": _pack({s.id: s.state() for s in sources if s.remember})}


# The Sources of the pieces the last export of this process decoded, by (site, piece), with the
# packed text they came from: `serve` exports again after each edit, and a changed title makes
# every listing's inputs be gathered again (the listings read, not change, these Sources).
_REMEMBERED: dict[tuple[str, str], tuple[str, list[Source]]] = {}


def _remembered_sources(target: Path, shard: str, packed: str) -> list[Source]:
    """The Sources of a piece that was kept whole, decoded from its record's `posts`."""
    known = _REMEMBERED.get((str(target), shard))
    if known is None or known[0] != packed:
        if any(site != str(target) for site, _ in _REMEMBERED):
            _REMEMBERED.clear()  # (one site's at a time)
        known = packed, [Source.remembered(i, state) for i, state in _unpack(packed).items()]
        _REMEMBERED[str(target), shard] = known
    return known[1]


def _pack(value: Any) -> str:
    """JSON, compressed, as ASCII: a piece's posts inside the manifest cost a few bytes to carry
    over (no quotes to escape in every export, a quarter of the size)."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(data, 1)).decode("ascii")


def _unpack(text: str) -> Any:
    return json.loads(zlib.decompress(base64.b64decode(text)))


# The alignment ratio is rounded to this step. The pages of posts whose two versions' paragraphs
# do not pair one to one depend on it, and it is estimated from the newest 50 posts in two
# languages, the posts a writer edits most: unrounded, each such edit moved it and made those
# pages again (and, before the pieces holding none were told apart, every piece and the search:
# 4.4 s at 10,000 posts). An ordinary edit moves the estimate by a few thousandths, so few take it
# across a step, and then only those pages are made again (20 of 10,000 in bench/gen_corpus.py's
# archive). `align` runs again with each post's own ratio up to REFIT_CELLS, so the rounding moves
# few paragraphs: those of one post of the 3,000 that `bench/gen_corpus.py 3000` makes.
RATIO_STEP = 0.05


def _alignment_ratio(archive: Archive, sigs: dict[str, list[list[Any]]], remembered: dict[str, Any]) -> tuple[
        float | None, list[list[Any]]]:
    """len(second) / len(first) language over the newest 50 posts in two languages (by id, which
    starts with the original's date) whose versions are each at most RATIO_MAX_BYTES; those whose
    paragraphs pair one to one count; rounded to
    RATIO_STEP. Remembered while those posts' files are unchanged; known before any post page is
    rendered."""
    from opedarchive.align import RATIO_MAX_BYTES, estimate_ratio

    # As `align.archive_ratio`: a post with a version larger than RATIO_MAX_BYTES says nothing an
    # ordinary one does not, and reading it again would cost its whole export as much once more.
    newest: list[list[Any]] = [[i, sigs[i]] for i in sorted(sigs, reverse=True) if len(sigs[i]) >= 2
                               and all(size <= RATIO_MAX_BYTES for *_, size in sigs[i])][:50]
    if remembered.get("ratio_of") == newest and remembered.get("ratio_step") == RATIO_STEP:
        ratio = remembered.get("ratio")
        return (float(ratio) if ratio is not None else None), newest
    pairs = []
    for post_id, sig in newest:
        post = _read_post(archive, post_id, sig, [])
        versions = list(post.versions.values()) if post else []
        if len(versions) >= 2:
            pairs.append((versions[0].body, versions[1].body))
    if not pairs:
        return None, newest
    return round(round(estimate_ratio(pairs) / RATIO_STEP) * RATIO_STEP, 4), newest


def lexicon_pair(lang_a: str, lang_b: str) -> str:
    """The key of two languages' lexicon in `Build.lexicons`, whichever comes first."""
    return " ".join(sorted((lang_a, lang_b)))


def _lexicons(archive: Archive, sigs: dict[str, list[list[Any]]]) -> tuple[dict[str, Lexicon | None], str]:
    """The archive's lexicon (`align.archive_lexicon`: kept in its data folder, learned again only
    when a tenth of the posts it was learned from changed) of every two languages a post has,
    and a digest of them all."""
    from opedarchive.align import archive_lexicon

    pairs = sorted({lexicon_pair(x[1], y[1]) for sig in sigs.values() for k, x in enumerate(sig) for y in sig[k + 1:]
                    if x[1] != y[1]})
    # The files as listed (`_scan`): the lexicon's sources are not looked up again.
    files = {post_id: {lang: (mtime, size) for _, lang, mtime, size in sig} for post_id, sig in sigs.items()
             if len(sig) >= 2} if pairs else {}
    lexicons: dict[str, Lexicon | None] = {}
    for pair in pairs:
        first, second = pair.split(" ")
        lexicons[pair] = archive_lexicon(archive, first, second, files)
    forms = {pair: lexicon.forms if lexicon else {} for pair, lexicon in lexicons.items()}
    return lexicons, digest(json.dumps(forms, ensure_ascii=False, sort_keys=True)) if any(forms.values()) else ""


def _year_groups(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.year, []).append(entry)
    return list(groups.items())


def _listing(entries: list[Entry]) -> list[SimpleNamespace]:
    return [SimpleNamespace(year=year, entries=group) for year, group in _year_groups(entries)]


def export(archive: Archive, posts: list[Post] | None, target: Path, *, clean: bool = False,
           workers: int | None = None, drafts: bool = False, force: bool = False) -> ExportResult:
    """Build (or bring up to date) the site in `target` from the archive's files; only files that
    changed since the last export are read. Versions marked `draft: true` are left out unless
    `drafts`. (`posts` is accepted for the registry's interface: the site always shows the
    whole archive.)"""
    out = OutputDir(target, NAME, clean=clean, force=force)
    pool = Workers(workers)
    try:
        return _export(archive, target, out, pool, drafts)
    finally:
        pool.close()
        out.close()  # (a failed export lets go of the folder at once, not when collected)


def _export(archive: Archive, target: Path, out: OutputDir, workers: Workers, drafts: bool) -> ExportResult:
    config = archive.config
    base_url = str(config.site.get("base_url") or "")
    base_url = base_url if safe_url(base_url) and "://" in base_url else ""
    # What every page shows besides its own content: nothing that depends on other posts.
    site = {"title": config.title, "description": str(config.site.get("description") or ""),
            "lang": config.primary_language, "base_url": base_url.rstrip("/") + "/" if base_url else "",
            "taxonomies": list(TAXONOMIES.items())}
    stamp = digest(_templates_digest(), json.dumps(site, ensure_ascii=False), "drafts" if drafts else "",
                   f"search index {searchindex.FORMAT}.{searchindex.CACHE_VERSION}")
    state = out.state if out.state.get("stamp") == stamp else {}
    if _ENTRY_STAMP[0] != stamp:
        _ENTRY_HTML.clear()
        _ENTRY_STAMP[0] = stamp

    # Static files.
    static = resources.files("opedarchive.export").joinpath("static")
    for name in STATIC_FILES:
        out.write(f"static/{name}", static.joinpath(name).read_bytes())

    # Every post: its page and its share of the search index, a piece at a time on every core.
    # A piece whose files are all as they were last time is kept whole, without decoding it.
    sigs = _scan(archive)
    ratio, ratio_of = _alignment_ratio(archive, sigs, state)
    lexicons, lexicon_key = _lexicons(archive, sigs)
    remembered = Remembered(state, ratio, lexicon_key)
    pieces = _pieces(sigs, out.old)
    records: dict[str, dict[str, Any]] = {}
    dirty: list[Piece] = []
    for piece in pieces:
        record = remembered.clean(piece, out)
        if record is not None:
            records[piece.shard] = record
        else:
            known = remembered.posts_of_year(piece.year)
            piece.posts = [(i, sig, known.get(i)) for i, sig, _ in piece.posts]
            dirty.append(piece)
    build = Build(archive, out.root, stamp, SimpleNamespace(**site), ratio, drafts, lexicons, lexicon_key)
    # The pieces with a post to read: only their search caches can change (a piece made again
    # because the alignment ratio moved keeps its cache as it was).
    changing = [p for p in dirty if any(not known or known.get("sig") != sig for _, sig, known in p.posts)]
    old_postings = _old_postings(out, changing, len(pieces))  # (read before the workers replace them)
    reading = sum(1 for piece in changing for _, sig, known in piece.posts if not known or known.get("sig") != sig)
    fresh: dict[str, list[Source]] = {}  # the Sources of the pieces just built
    problems: list[str] = []
    for piece, (found, files, trouble, drafted) in zip(dirty, workers.map(build_piece, dirty, build, size=reading),
                                                       strict=True):
        problems.extend(trouble)
        for rel, key, written in files:
            out.record(rel, key, written)
        for source in found:  # images beside a post, copied when the post was read
            if source.read:
                source.media = [[rel, out.copy(rel, archive.root / file)] for rel, file in source.images]
            else:
                source.media = [[m_rel, m_key] for m_rel, m_key in source.media if out.fresh(m_rel, m_key)]
        complete = not trouble and len(found) + drafted == len(piece.posts) and all(s.remember for s in found)
        records[piece.shard] = _piece_record(piece, found, files, complete)
        fresh[piece.shard] = found

    def sources_of(piece: Piece) -> list[Source]:
        if piece.shard not in fresh:
            fresh[piece.shard] = _remembered_sources(target, piece.shard, records[piece.shard]["posts"])
        return fresh[piece.shard]

    search_files, search_keys = _join_search(out, pieces, state, stamp, old_postings)
    search_pieces = [p.shard for p in pieces]
    site_pages = SitePages(archive, out, stamp, build.site, [p.shard for p in pieces], records, state)
    site_pages.drafts = drafts
    site_pages.make(pieces, sources_of, workers)
    out.new_state = {"stamp": stamp, "ratio": ratio, "ratio_of": ratio_of, "ratio_step": RATIO_STEP,
                     "lexicon_key": lexicon_key,
                     "listing": site_pages.listing_key,
                     "pages": site_pages.pages, "pieces": {p.shard: records[p.shard] for p in pieces},
                     "search": search_files, "search_pieces": search_pieces, "search_keys": search_keys}
    out.finish()
    result = out.result(sum(int(records[p.shard]["count"]) for p in pieces), target / "index.html")
    result.notes = problems
    return result


# The joined search postings are spliced when at most this share of the pieces changed (a
# piece's few changed terms each); with more, joining every piece anew is as quick.
SPLICE_SHARE = 0.25


def _old_postings(out: OutputDir, changing: list[Piece], count: int) -> dict[str, tuple[str, bytes]]:
    """The postings caches of the pieces with posts to read, as the last export left them, (key,
    bytes) by piece, when the joined postings may be spliced (see `_join_search`); else nothing."""
    if not changing or len(changing) > SPLICE_SHARE * count or not out.old.get(searchindex.JOINED):
        return {}
    found = {}
    for piece in changing:
        key = out.old.get(piece.shard)
        try:
            if key:
                found[piece.shard] = (key, (out.root / piece.shard).read_bytes())
        except OSError:
            continue
    return found


def _join_search(out: OutputDir, pieces: list[Piece], state: dict[str, Any], stamp: str,
                 old_postings: dict[str, tuple[str, bytes]]) -> tuple[list[list[str]], list[str]]:
    """The search index's manifest, facets and term files from every piece's cache; kept as
    they are when no piece's cache changed (a piece made again for its pages alone keeps its
    cache's key) and none came or went. When only some pieces changed (and
    their numbers of documents did not), the last export's joined postings take those pieces'
    new postings and only the term files that hold a changed term are made again; else every
    piece's postings are joined anew. Returns [rel, key] of each file (the joined postings'
    cache included), and the keys of the pieces' caches they were made from."""
    old = state.get("search")
    keys = [out.new.get(p.shard, "") for p in pieces]  # each piece's cache as it is now
    changed = state.get("search_keys") != keys or state.get("search_pieces") != [p.shard for p in pieces]
    if not changed and isinstance(old, list) and old and all(
            out.old.get(rel) == key and os.path.isfile(os.path.join(out.root, rel)) for rel, key in old):
        for rel, key in old:
            out.keep(rel, key)
        return [[str(rel), str(key)] for rel, key in old], keys
    spliced = _spliced_search(out, pieces, state.get("search_keys"), keys, old_postings)
    if spliced is not None:
        joined, made = spliced
    else:
        joined = searchindex.join((_piece_name(p), searchindex.load_postings((out.root / p.shard).read_bytes()))
                                  for p in pieces)
        made = dict(joined.files_made(None, set()))
    out.make_room([*[rel for rel, data in made.items() if data is not None], searchindex.JOINED])
    kept = []
    for rel, data in made.items():
        if data is None:
            key = out.old[rel]
            out.keep(rel, key)
        else:
            key = digest(stamp, data)
            out.record(rel, key, write_if_changed(out.root / rel, data, durable=False))
        kept.append([rel, key])
    del made  # (at 100,000 posts, a few hundred MB that the joined postings' bytes need)
    key = digest(stamp, *keys)  # (the joined postings are made from the pieces' caches alone)
    out.record(searchindex.JOINED, key, write_if_changed(out.root / searchindex.JOINED, joined.dump(), durable=False))
    kept.append([searchindex.JOINED, key])
    return kept, keys


def _spliced_search(out: OutputDir, pieces: list[Piece], made_from: Any, keys: list[str],
                    old_postings: dict[str, tuple[str, bytes]]
                    ) -> tuple[searchindex.Joined, dict[str, bytes | None]] | None:
    """The last export's joined postings (made from the pieces' caches of keys `made_from`)
    with the changed pieces' new postings spliced in, and the files to write (None: a term file
    as it was); None when that cannot be done (no joined postings left by a finished export, a
    piece added or removed, a number of documents changed)."""
    if not old_postings or not isinstance(made_from, list) or len(made_from) != len(pieces):
        return None
    try:
        joined = searchindex.Joined.load((out.root / searchindex.JOINED).read_bytes())
    except OSError:
        return None
    # (a file the last export listed in its journal has no key: it may be half made)
    if joined is None or not out.old.get(searchindex.JOINED) or joined.pieces != [_piece_name(p) for p in pieces]:
        return None
    changes = {}
    try:
        for piece, was, key in zip(pieces, made_from, keys, strict=True):
            if was == key:
                continue
            old_key, data = old_postings.get(piece.shard, ("", b""))
            if old_key != was:
                return None
            changes[_piece_name(piece)] = (searchindex.load_postings(data),
                                           searchindex.load_postings((out.root / piece.shard).read_bytes()))
    except (OSError, ValueError):
        return None
    before = (list(joined.terms), list(joined.files))
    terms = joined.splice(changes)
    if terms is None:
        return None
    return joined, joined.files_made(before, terms, lambda rel: bool(out.old.get(rel)) and (out.root / rel).is_file())


# An original larger than this (in bytes of its file; an op-ed is 5–20 kB) is given in the feed by
# its summary and a link, not its whole text: every reader fetches the whole feed again each time
# it looks, and a book-length post made it megabytes (and cost its export 0.2 s).
FEED_BODY_MAX = 256 * 1024


class SitePages:
    """Every page made from all the posts: the listings, term pages, search page, feed and
    sitemap. When no post's listing entry or terms changed (nor the set of posts), the last
    export's pages stand as they are and no remembered post is decoded."""

    def __init__(self, archive: Archive, out: OutputDir, stamp: str, site: SimpleNamespace, shards: list[str],
                 records: dict[str, dict[str, Any]], state: dict[str, Any]) -> None:
        self.archive, self.out, self.stamp, self.site, self.shards = archive, out, stamp, site, shards
        self.records = records
        self.listing_key = digest(stamp, *[f"{shard} {records[shard]['listing']}" for shard in shards])
        self.old_listing = state.get("listing")
        old_pages = state.get("pages")
        self.pages: list[str] = [str(p) for p in old_pages] if isinstance(old_pages, list) else []
        self.tasks: list[Task] = []
        self.drafts = False

    def key(self, rel: str, template: str, key_parts: list[str]) -> str:
        return digest(self.stamp, template, rel, *key_parts)

    def page(self, rel: str, template: str, key_parts: list[str], context: Callable[[], dict[str, Any]]) -> None:
        """A page whose key is made from `key_parts`; its context is built only when it is stale."""
        key = self.key(rel, template, key_parts)
        if not self.out.fresh(rel, key):
            self.tasks.append(Task(rel, key, "page", (template, {"root": "../" * rel.count("/"), "site": self.site,
                                                                  **context()})))

    def _kept(self) -> bool:
        """True (and the pages are kept) when every listing's inputs are as last time."""
        out = self.out
        if self.listing_key != self.old_listing or not self.pages:
            return False
        # (a file with no key was being written by an export that did not finish: made again)
        if not all(out.old.get(rel) and os.path.isfile(os.path.join(out.root, rel)) for rel in self.pages):
            return False
        for rel in self.pages:
            out.keep(rel, out.old[rel])
        return True

    def make(self, pieces: list[Piece], sources_of: Callable[[Piece], list[Source]], workers: Workers) -> None:
        """Bring every page made from all the posts up to date (rendered on every core)."""
        if self._kept():
            # The feed shows the newest posts' bodies: its key is made from what each piece
            # remembers of its own newest, and only the pieces that hold them are decoded.
            newest = sorted(((d, i, part, p) for p in pieces for d, i, part in self.records[p.shard]["newest"]),
                            reverse=True, key=lambda n: (n[0], n[1]))[:FEED_ENTRIES]
            if not self.out.fresh("feed.xml", self.key("feed.xml", "feed.xml", [n[2] for n in newest])):
                holding = {n[3].shard: n[3] for n in newest}
                by_id = {s.id: s for piece in holding.values() for s in sources_of(piece)}
                self.feed([by_id[n[1]] for n in newest], newest[0][0] if newest else "1970-01-01")
        else:
            self.listings(sorted([s for piece in pieces for s in sources_of(piece)],
                                 key=lambda s: (s.entry.date, s.id), reverse=True))
        tasks = self.tasks
        self.out.make_room(task.rel for task in tasks)
        chunk = max(1, len(tasks) // (workers.count * 4))
        batches = [tasks[i : i + chunk] for i in range(0, len(tasks), chunk)]
        for done in workers.map(_render_pages, batches, self.out.root, size=len(tasks)):
            for rel, key, written in done:
                self.out.record(rel, key, written)

    def feed(self, newest: list[Source], updated: str) -> None:
        """The Atom feed: the newest posts, their bodies read now if it is stale (a post whose
        original's file is larger than FEED_BODY_MAX by its summary and link alone, unread)."""
        archive = self.archive
        def entries() -> list[tuple[Entry, str, list[str]]]:
            found = []
            for s in newest:
                if max([size for _, lang, _, size in s.sig if lang == s.entry.lang], default=0) > FEED_BODY_MAX:
                    found.append((s.entry, "", [code for code, _ in s.entry.languages]))
                    continue
                post = _read_post(archive, s.id, s.sig, [], self.drafts)
                if post is not None:  # (None: removed during the export)
                    found.append((s.entry, markdown_html(post.original.body), [code for code, _ in s.entry.languages]))
            return found

        self.page("feed.xml", "feed.xml", [f"{s.content} {s.entry.key}" for s in newest],
                  lambda: {"entries": entries(), "updated": updated})

    def listings(self, sources: list[Source]) -> None:
        """Every page but the posts' own, from all the posts (newest first)."""
        entries = [s.entry for s in sources]
        by_id = {s.id: s for s in sources}
        terms = gather_terms(sources)
        years = _year_groups(entries)
        year_names = [year for year, _ in years]
        page = self.page

        def listing(rel: str, heading: str, kind: str, group: list[Entry], total: int) -> None:
            page(rel, "list.html", [heading, kind, str(total), *year_names, *[e.key for e in group]],
                 lambda: {"heading": heading, "kind": kind, "groups": _listing(group), "total": total,
                          "shown": len(group), "years": year_names})

        # Home (whole years, newest first), one page per year, and one per tag, author and outlet.
        home: list[Entry] = []
        for _, group in years:
            if len(home) >= HOME_POSTS:
                break
            home.extend(group)
        listing("index.html", "", "home", home, len(entries))
        for year, group in years:
            listing(f"years/{year}.html", year, "year", group, len(group))
        for kind, by_slug in terms.items():
            ordered = sorted(by_slug.values(), key=lambda t: (-len(t.ids), t.name))
            rows = [(" / ".join(t.names), t.slug + ".html", len(t.ids)) for t in ordered]
            page(f"{kind}/index.html", "terms.html", [json.dumps(rows, ensure_ascii=False)],
                 partial(dict, kind=kind, heading=TAXONOMIES[kind], terms=rows))
            for term in ordered:
                group = [by_id[i].entry for i in term.ids]
                listing(term.url, " / ".join(term.names), kind, group, len(group))

        page("search.html", "search.html", [], dict)
        pages = ["index.html", "search.html", *[e.url for e in entries], *[f"years/{y}.html" for y in year_names],
                 *[f"{kind}/index.html" for kind in terms],
                 *[term.url for by_slug in terms.values() for term in by_slug.values()]]
        page("sitemap.xml", "sitemap.xml", pages, lambda: {"pages": pages})
        # The pages kept whole next time when no listing changes (the feed is judged apart).
        self.pages = [rel for rel in pages if not rel.startswith("posts/")] + ["sitemap.xml"]
        self.feed(sources[:FEED_ENTRIES], entries[0].date if entries else "1970-01-01")
