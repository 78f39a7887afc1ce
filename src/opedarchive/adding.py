"""Turning text into posts: `add` (plain text or a Markdown file with front matter) and
`edit` (re-validating what an editor saved)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opedarchive.archive import Archive
from opedarchive.errors import OpedError, UsageError
from opedarchive.importers.textpost import parse_post_text
from opedarchive.model import (
    LIST_KEYS,
    Version,
    as_list,
    char_problem,
    check_text,
    decode_post_bytes,
    nfc,
    parse_post,
    read_limited,
    split_post,
    validate_lang,
    validate_version,
)
from opedarchive.text.dates import as_date, parse_any_date
from opedarchive.text.script import detect_language
from opedarchive.translation import record_translations


@dataclass
class AddOptions:
    """Metadata given on the command line; it wins over what is detected in the text."""

    title: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    outlet: str | None = None
    kind: str | None = None
    tags: list[str] = field(default_factory=list)
    source_url: str | None = None
    lang: str | None = None
    translation_of: str | None = None

    def check(self) -> None:
        """Refuse (UsageError) an option that no post could hold: a byte that is not UTF-8 (the
        shell passes such bytes on as they are), a control character."""
        named: list[tuple[str, str | None]] = [
            ("--title", self.title), ("--date", self.date), ("--outlet", self.outlet), ("--kind", self.kind),
            ("--source-url", self.source_url), ("--lang", self.lang), ("--translation-of", self.translation_of),
            *(("--author", a) for a in self.authors), *(("--tag", t) for t in self.tags),
        ]
        for name, value in named:
            problem = char_problem(value) if value is not None else None
            if problem is not None:
                raise UsageError(f"{name}: {problem}")


def _nfc_or_none(value: str | None) -> str | None:
    return nfc(value.strip()) if value is not None else None


def _parse_date_option(text: str) -> date | datetime:
    when = parse_any_date(text)
    if when is None:
        raise UsageError(f"--date: cannot read {text!r}; use YYYY-MM-DD")
    return when


def versions_from_text(text: str, options: AddOptions, archive: Archive, source: str = "<stdin>",
                       default_date: date | datetime | None = None) -> list[Version]:
    """The versions a text describes, options applied to the original; validated. A text
    with no date of its own (nor `--date`) is dated `default_date`, else today."""
    fallback = default_date if default_date is not None else date.today()
    options.check()
    text = nfc(text)
    if not text.strip():
        raise OpedError(f"{source}: nothing to add (the text is empty)")
    check_text(text, source)
    if text.startswith("---\n"):
        # A Markdown file with front matter; what it leaves out comes from options or detection.
        meta, body = split_post(text, source)
        meta.setdefault("lang", options.lang or detect_language(body))
        meta.setdefault("title", _nfc_or_none(options.title))
        meta.setdefault("date", _parse_date_option(options.date) if options.date else fallback)
        versions = [validate_version(meta, body, source)]
    else:
        parts = parse_post_text(text)
        versions = []
        for part in parts:
            meta = part.meta()
            versions.append(Version(lang=part.lang, meta=meta, body=part.body))
    original = versions[0]
    meta = original.meta
    if options.lang:
        if not validate_lang(options.lang):
            raise UsageError(f"--lang: {options.lang!r} is not a language code such as en or km")
        if len(versions) > 1 and options.lang != original.lang:
            raise UsageError(f"--lang {options.lang}: the text holds {', '.join(v.lang for v in versions)}")
        original.lang = options.lang
    defaults = archive.config.defaults
    overrides: dict[str, Any] = {
        "title": _nfc_or_none(options.title),
        "date": _parse_date_option(options.date) if options.date else None,
        "authors": [nfc(a) for a in options.authors] or None,
        "outlet": _nfc_or_none(options.outlet),
        "kind": _nfc_or_none(options.kind),
        "tags": [nfc(t) for t in options.tags] or None,
        "source_url": options.source_url,
    }
    meta.update({k: v for k, v in overrides.items() if v is not None})
    for key in ("authors", "outlet", "kind"):
        if not meta.get(key) and defaults.get(key):
            meta[key] = defaults[key]
    if not meta.get("date"):
        meta["date"] = fallback
    for version in versions[1:]:
        version.meta.setdefault("date", meta["date"])
        if not version.meta.get("date"):
            version.meta["date"] = meta["date"]
        if not version.meta.get("title"):
            version.meta["title"] = meta.get("title")
    if not meta.get("title"):
        raise UsageError(f"{source}: no title found in the text; give one with --title")
    for version in versions:
        version.meta["lang"] = version.lang
        for key in LIST_KEYS:
            if key in version.meta:
                version.meta[key] = as_list(version.meta[key])
        if not version.body.strip():
            raise OpedError(f"{source}: the {version.lang} text has no body")
    return versions


def add_text(archive: Archive, text: str, options: AddOptions, source: str = "<stdin>") -> tuple[str, list[Path]]:
    """Add a post (or, with `translation_of`, a language of one) and return (id, files written)."""
    if options.translation_of:
        options.check()
        post_id = archive.resolve(options.translation_of)
        existing = archive.get(post_id)
        # A translation is dated as its original unless it says otherwise (`--date`, its own
        # front matter or dateline): the post's date is the original's, not the day it was added.
        versions = versions_from_text(text, options, archive, source, default_date=existing.original.date)
        record_translations(existing.original, versions)
        paths = []
        for version in versions:
            if version.lang in existing.versions:
                raise OpedError(
                    f"{post_id} already has a '{version.lang}' version; "
                    f"edit it with 'opedarchive edit {post_id} --lang {version.lang}'"
                )
            paths.append(archive.write_version(post_id, version))
        return post_id, paths
    versions = versions_from_text(text, options, archive, source)
    record_translations(versions[0], versions[1:])  # a paste of an original and its translation
    day = as_date(versions[0].meta["date"])
    post_id = archive.create_post(day, versions)
    return post_id, [v.path for v in versions if v.path is not None]


def read_input_file(path: Path) -> str:
    """A file given to `add`, decoded as posts are; no more than a post's limit is read."""
    return decode_post_bytes(read_limited(path), path)


def validate_edited(archive: Archive, path: Path, text: str, lang: str) -> Version:
    """An edited file's text, validated as a post of `lang`; PostFileError says why not."""
    return parse_post(nfc(text), path, expected_lang=lang)


@dataclass
class UrlAdded:
    """What `add URL` did: the post (new, extended, or the one already holding the page) and
    the files written (none in a dry run or when the page was there already)."""

    post_id: str
    paths: list[Path]
    versions: list[Version]
    already: str = ""  # why the page is already in the archive ("same source_url", "same text")
    dry_run: bool = False


if TYPE_CHECKING:
    from opedarchive.fetch.article import Article


def article_language(article: Article) -> str:
    """The language of an article: Khmer by its script (Khmer sites often declare `en`), else
    the one the page declares, else the one detected in its text."""
    from opedarchive.importers.base import language_of
    from opedarchive.text.script import khmer_ratio

    if khmer_ratio(f"{article.title}\n{article.body[:4000]}") >= 0.5:
        return "km"
    if article.lang and article.lang != "km":
        return article.lang
    return language_of(article.body, article.title)


def article_text(article: Article, lang: str) -> str:
    """The article as a Markdown post with front matter, as `add FILE` reads one."""
    from opedarchive.model import dump_yaml

    meta: dict[str, Any] = {"title": article.title or None, "lang": lang}
    if article.date is not None:
        meta["date"] = article.date
    if article.authors:
        meta["authors"] = article.authors
    if article.outlet:
        meta["outlet"] = article.outlet
    meta["source_url"] = article.url
    if article.images:
        meta["images"] = article.images
    meta = {k: v for k, v in meta.items() if v is not None}
    return f"---\n{dump_yaml(meta)}---\n\n{article.body.strip()}\n"


def add_url(archive: Archive, url: str, options: AddOptions, *, dry_run: bool = False) -> UrlAdded:
    """Fetch a published page and add its article as a post (or, with `translation_of`, as a
    language of one); options win over what the page says. A page whose canonical URL or text
    is already in the archive is not added again (`already` says why). Nothing is written when
    anything fails, nor in a dry run."""
    from opedarchive.fetch.article import extract
    from opedarchive.fetch.http import get_page
    from opedarchive.importers.base import content_hash
    from opedarchive.importing import existing_keys

    options.check()
    if options.lang and not validate_lang(options.lang):
        raise UsageError(f"--lang: {options.lang!r} is not a language code such as en or km")
    existing = archive.resolve(options.translation_of) if options.translation_of else None
    fetched = get_page(url)
    article = extract(fetched, url)
    lang = options.lang or article_language(article)
    text = nfc(article_text(article, lang))
    options = AddOptions(**{**options.__dict__, "lang": lang})
    default = archive.get(existing).original.date if existing else None
    versions = versions_from_text(text, options, archive, url, default_date=default)
    seen = existing_keys(archive)
    urls = {u for u in (article.url, fetched.url, url, options.source_url) if u}
    for version in versions:
        found = [post for u in sorted(urls) for post, _, _ in seen.urls.get(u, [])]
        if found:
            return UrlAdded(found[0], [], versions, "same source_url", dry_run)
        post_id = seen.hashes.get(content_hash(version.body), "")
        if post_id:
            return UrlAdded(post_id, [], versions, "same text", dry_run)
    if dry_run:
        if existing:
            return UrlAdded(existing, [archive.path_for(existing, v.lang) for v in versions], versions, dry_run=True)
        day = as_date(versions[0].meta["date"])
        from opedarchive.archive import id_title

        post_id = archive.allocate_id(day, id_title(versions))
        return UrlAdded(post_id, [archive.path_for(post_id, v.lang) for v in versions], versions, dry_run=True)
    post_id, paths = add_text(archive, text, options, url)
    return UrlAdded(post_id, paths, versions)
