"""WordPress export files (WXR): posts — and with `--include-pages` pages and attachments —
read as a stream, their HTML made Markdown, translations paired (WPML, Polylang, or an
English part followed by a Khmer part in one post)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from opedarchive.importers.base import (
    MAX_ITEM_BYTES,
    ImportItem,
    SourceError,
    bilingual_versions,
    check_text_size,
    content_hash,
    parse_date_value,
    unique,
)
from opedarchive.importers.htmltext import html_to_markdown, plain
from opedarchive.importers.parallel import Workers, batches
from opedarchive.model import MB, Version, validate_lang

NAME = "wxr"
HAS_PAGES = True
WP_NS = "http://wordpress.org/export/"
# WordPress.com and the theme unit test data write the namespace with https.
WP_NAMESPACES = (WP_NS, "https://wordpress.org/export/")
_WP_NS_IN_HEAD = re.compile(r"https?://wordpress\.org/export/")

# Post types imported always, and with --include-pages.
POST_TYPES = ("post",)
PAGE_TYPES = ("page", "attachment")
# A status that was not public, and what the post's `visibility` key says about it.
DRAFT_STATUSES = {"draft": "draft", "pending": "pending", "future": "scheduled", "private": "private"}
LEFT_OUT_STATUSES = ("auto-draft", "trash")
# Categories every WordPress post has unless someone chose one: not worth a tag.
DEFAULT_CATEGORIES = ("uncategorized", "uncategorised")
# WPML "Export and Import" writes a post's row of icl_translations as these post meta keys;
# older tools wrote the row's own column names.
WPML_GROUP_KEYS = ("_wpml_import_translation_group", "_icl_trid", "icl_trid", "trid")
WPML_LANG_KEYS = ("_wpml_import_language_code", "_icl_language_code", "icl_language_code", "language_code")
WPML_SOURCE_KEYS = ("_wpml_import_source_language_code", "_icl_source_language_code", "source_language_code")
# Polylang: a `language` term and a `post_translations` term (`pll_…`) on each post; the term's
# description, a PHP array, says how many posts the group has.
_PLL_COUNT = re.compile(r"^a:(?P<n>[0-9]+):\{")
# Files with this many items or more are converted in WORKERS processes, BATCH items at a time,
# at most IN_FLIGHT batches ahead of the writing.
PARALLEL_MIN = 400
BATCH = 32
WORKERS = 2
IN_FLIGHT = 8
# Translation groups held back at most, waiting for their members (memory stays flat).
MAX_PENDING = 200


def detect(path: Path, head: str) -> bool:
    """An RSS file in WordPress's export namespace (a markup document, not JSON quoting one)."""
    text = head.lstrip("\ufeff \t\r\n")
    return path.is_file() and text.startswith("<") and "<rss" in text and is_wxr_head(text)


def is_wxr_head(text: str) -> bool:
    """Whether a document's head names WordPress's export namespace (http or https)."""
    return bool(_WP_NS_IN_HEAD.search(text))


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _is_wp(ns: str) -> bool:
    return ns.startswith(WP_NAMESPACES) and "/excerpt/" not in ns


class ItemTooLarge(Exception):
    """An <item> goes on for more than MAX_ITEM_BYTES of the file."""


class _Guarded:
    """The file as the XML parser reads it, a chunk at a time, stopped (ItemTooLarge) when the
    current <item> has gone on for more than MAX_ITEM_BYTES: the parser holds an element's
    text in memory until the element ends, and one that never ends would fill it."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.read_so_far = 0
        self.item_start: int | None = None

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size if size is not None and size >= 0 else 1 << 16)
        self.read_so_far += len(data)
        if self.item_start is not None and self.read_so_far - self.item_start > MAX_ITEM_BYTES:
            raise ItemTooLarge
        return data

    def item_started(self) -> None:
        self.item_start = self.read_so_far

    def item_ended(self) -> None:
        self.item_start = None


@dataclass
class _Entry:
    """What one `<item>` says, its HTML already turned into Markdown."""

    where: str
    versions: list[Version] = field(default_factory=list)
    lang: str = ""
    group: str = ""
    is_translation: bool = False
    error: str = ""
    hashes: list[str] = field(default_factory=list)


@dataclass
class _Raw:
    """The fields of one `<item>` as text, ready to be converted (in another process)."""

    where: str
    text: dict[str, str]
    meta_values: dict[str, str]
    categories: list[str]
    tags: list[str]
    lang: str
    group: str


class _Reader:
    """One pass over the file: authors and terms from the channel, then item after item."""

    def __init__(self, path: Path, include_pages: bool) -> None:
        self.path = path
        self.types = POST_TYPES + (PAGE_TYPES if include_pages else ())
        self.authors: dict[str, str] = {}
        self.group_sizes: dict[str, int] = {}
        self.left_out: dict[str, int] = {}
        self.pending: dict[str, list[_Entry]] = {}
        self.count = 0
        self.broken: ImportItem | None = None
        self.channel_seen = False

    # -- the stream

    def items(self) -> Iterator[ImportItem]:
        total = count(self.path) or 0
        entries = _convert_parallel(self._raws(), self.authors) if total >= PARALLEL_MIN else (
            convert(raw, self.authors) for raw in self._raws())
        for entry in entries:
            yield from self._item(entry)
        if self.broken is not None:
            yield self.broken
        if self.count == 0 and not self.channel_seen:
            raise SourceError(f"{self.path}: no <channel>; not a WordPress export")
        for group in list(self.pending):
            yield from self._flush(group)
        if self.left_out:
            what = ", ".join(f"{n} {kind}" for kind, n in sorted(self.left_out.items()))
            hint = "" if PAGE_TYPES[0] in self.types else "; --include-pages imports pages and attachments"
            yield ImportItem(where=str(self.path), notices=[f"{self.path}: not imported: {what}{hint}"],
                             left_out=[(str(self.path), kind, n) for kind, n in sorted(self.left_out.items())])

    def _raws(self) -> Iterator[_Raw]:
        """The items to import, as text; authors and terms are noted on the way."""
        try:
            with self.path.open("rb") as fh:
                yield from self._stream(_Guarded(fh))
        except ItemTooLarge:
            self.broken = ImportItem(where=f"{self.path}: item {self.count + 1}",
                                     error=f"an item larger than {MAX_ITEM_BYTES // MB} MB (the limit); "
                                     "the rest of the file was not read")
        except ParseError as exc:
            line = exc.position[0] if exc.position else 0
            self.broken = ImportItem(where=f"{self.path}:{line}", error=f"not well-formed XML ({_reason(exc)}); "
                                     "the rest of the file was not read")
        except DefusedXmlException as exc:
            raise SourceError(f"{self.path}: refused: {exc}") from None
        except OSError as exc:
            raise SourceError(f"{self.path}: cannot read: {exc.strerror}") from None

    def _stream(self, source: _Guarded) -> Iterator[_Raw]:
        channel: Element | None = None
        for event, elem in iterparse(source, events=("start", "end")):
            ns, name = _local(elem.tag)
            if event == "start":
                if name == "channel" and not ns:
                    channel = elem
                    self.channel_seen = True
                elif name == "item" and not ns:
                    source.item_started()
                continue
            if name == "item" and not ns:
                source.item_ended()
                self.count += 1
                raw = self._raw(elem)
                if raw is not None:
                    yield raw
            elif _is_wp(ns) and name == "author":
                self._author(elem)
            elif _is_wp(ns) and name == "term":
                self._term(elem)
            else:
                continue
            # Done with it: drop it from the tree so memory does not grow with the file.
            elem.clear()
            if channel is not None and len(channel) and channel[-1] is elem:
                del channel[-1]

    def _author(self, elem: Element) -> None:
        fields = {_local(child.tag)[1]: (child.text or "").strip() for child in elem}
        login = fields.get("author_login", "")
        display = fields.get("author_display_name", "")
        if not display:
            display = " ".join(x for x in (fields.get("author_first_name"), fields.get("author_last_name")) if x)
        if login:
            self.authors[login] = display or login

    def _term(self, elem: Element) -> None:
        fields = {_local(child.tag)[1]: (child.text or "").strip() for child in elem}
        if fields.get("term_taxonomy") == "post_translations":
            m = _PLL_COUNT.match(fields.get("term_description", ""))
            if m:
                self.group_sizes[f"pll:{fields.get('term_slug') or fields.get('term_name')}"] = int(m["n"])

    # -- one item

    def _item(self, entry: _Entry) -> Iterator[ImportItem]:
        if entry.error:
            yield ImportItem(where=entry.where, error=entry.error)
        elif entry.group:
            members = self.pending.setdefault(entry.group, [])
            members.append(entry)
            if self._complete(entry.group, members):
                yield from self._flush(entry.group)
            elif len(self.pending) > MAX_PENDING:  # a later member joins the post by its group
                yield from self._flush(next(iter(self.pending)))
        else:
            yield ImportItem(where=entry.where, ready=entry.versions, hashes=entry.hashes)

    def _raw(self, elem: Element) -> _Raw | None:
        """The item's fields; None for an item that is not imported (counted in a notice)."""
        text: dict[str, str] = {}
        meta_values: dict[str, str] = {}
        categories: list[str] = []
        tags: list[str] = []
        lang = group = ""
        for child in elem:
            ns, name = _local(child.tag)
            value = child.text or ""
            if name == "category" and not ns:
                domain = child.get("domain", "")
                nicename = child.get("nicename", "")
                if domain == "category":
                    categories.append(value.strip())
                elif domain == "post_tag":
                    tags.append(value.strip())
                elif domain == "language":
                    lang = nicename or value.strip()
                elif domain == "post_translations":
                    group = f"pll:{nicename or value.strip()}"
            elif _is_wp(ns) and name == "postmeta":
                key = child.findtext(f"{{{ns}}}meta_key") or ""
                meta_values[key] = (child.findtext(f"{{{ns}}}meta_value") or "").strip()
            else:
                prefix = "wp:" if _is_wp(ns) else ("excerpt:" if "/excerpt/" in ns else
                                                  "content:" if ns.endswith("/content/") else
                                                  "dc:" if ns.endswith("/elements/1.1/") else "")
                text[prefix + name] = value
        post_type = text.get("wp:post_type", "post").strip() or "post"
        status = text.get("wp:status", "publish").strip() or "publish"
        if post_type not in self.types or status in LEFT_OUT_STATUSES:
            kind = status if status in LEFT_OUT_STATUSES else post_type
            self.left_out[kind] = self.left_out.get(kind, 0) + 1
            return None
        post_id = text.get("wp:post_id", "").strip()
        where = f"{self.path}: item {self.count}" + (f" ({post_type} {post_id})" if post_id else "")
        return _Raw(where, text, meta_values, categories, tags, lang, group)

    # -- translation groups

    def _complete(self, group: str, members: list[_Entry]) -> bool:
        """Whether a translation group can be written: all its members when the export says how
        many (Polylang), else once it holds its original and a translation (WPML) or two
        members; a member that comes later still joins the post (by its group)."""
        if group in self.group_sizes:
            return len(members) >= self.group_sizes[group]
        if group.startswith("wpml:"):
            return len(members) >= 2 and any(not m.is_translation for m in members)
        return len(members) >= 2

    def _flush(self, group: str) -> Iterator[ImportItem]:
        """The members of a translation group as one post, the original first; a member in a
        language the post already has becomes a post of its own (nothing is dropped)."""
        members = self.pending.pop(group, [])
        members.sort(key=lambda e: (e.is_translation, _sort_key(e.versions[0].meta.get("date"))))
        post: list[Version] = []
        hashes: list[str] = []
        where: list[str] = []
        joined: list[_Entry] = []
        for entry in members:
            langs = {v.lang for v in post}
            if any(v.lang in langs for v in entry.versions):
                yield ImportItem(where=entry.where, ready=entry.versions, notices=[
                    f"{entry.where}: a second '{entry.versions[0].lang}' version in translation group "
                    f"{group.split(':', 1)[1]}; imported as a post of its own"])
                continue
            post.extend(entry.versions)
            hashes.extend(entry.hashes)
            where.append(entry.where.rsplit(": ", 1)[-1])
            joined.append(entry)
        if post:
            # WPML states the original (the member with no source language), and it is first;
            # Polylang does not (the importer then applies its rule).
            stated = not joined[0].is_translation and any(e.is_translation for e in joined)
            yield ImportItem(where=f"{self.path}: " + " + ".join(where), ready=post, hashes=hashes, group=group,
                             joined=len(joined) > 1, original_stated=stated)


def convert(raw: _Raw, authors: dict[str, str]) -> _Entry:
    """An item's versions: its HTML as Markdown, its metadata, its translation group."""
    entry = _Entry(where=raw.where)
    try:
        meta, body = _meta_and_body(raw, authors)
    except SourceError as exc:
        entry.error = str(exc)
        return entry
    values = raw.meta_values
    wpml_group = next((values[k] for k in WPML_GROUP_KEYS if values.get(k)), "")
    lang = raw.lang or next((values[k] for k in WPML_LANG_KEYS if values.get(k)), "")
    group = raw.group
    if wpml_group and not group:
        group = f"wpml:{wpml_group}"
        entry.is_translation = any(values.get(k) for k in WPML_SOURCE_KEYS)
    entry.lang = _lang_code(lang)
    entry.group = group if entry.lang else ""
    entry.versions = bilingual_versions(meta, body, entry.lang)
    entry.hashes = [content_hash(v.body) for v in entry.versions]  # here, in the worker process
    return entry


def convert_batch(raws: list[_Raw], authors: dict[str, str]) -> list[_Entry]:
    return [convert(raw, authors) for raw in raws]


def _convert_parallel(raws: Iterator[_Raw], authors: dict[str, str]) -> Iterator[_Entry]:
    """`convert` over the items in worker processes (the HTML conversion is most of an
    import's work), in order, with a bounded number of batches in flight so memory stays flat.
    Where worker processes cannot start (no usable main module, say), the work is done here."""
    with Workers(preload=[__name__], workers=WORKERS, in_flight=IN_FLIGHT) as workers:
        # The authors as they are when each batch is sent (the stream may still add some).
        yield from workers.map(convert_batch, ((batch, dict(authors)) for batch in batches(raws, BATCH)))


def _meta_and_body(raw: _Raw, authors: dict[str, str]) -> tuple[dict[str, Any], str]:
    text = raw.text
    title = " ".join(text.get("title", "").split())
    if not title:
        raise SourceError("no title")
    when = _post_date(text.get("wp:post_date", ""), text.get("wp:post_date_gmt", ""), text.get("pubDate", ""))
    if when is None:
        raise SourceError(f"cannot read the date {text.get('wp:post_date') or text.get('pubDate') or ''!r}")
    html = text.get("content:encoded", "")
    if not html.strip():  # some tools leave the full text empty and put it in <description>
        html = text.get("description", "")
    check_text_size(len(html.encode("utf-8", "surrogatepass")), "the post's text")
    if text.get("wp:post_type") == "attachment" and text.get("wp:attachment_url"):
        html = f'<figure><img src="{_attr(text["wp:attachment_url"])}" alt="{_attr(title)}"/>' \
               f"<figcaption>{text.get('excerpt:encoded', '')}</figcaption></figure>{html}"
    body, images = html_to_markdown(html, stored=True) if html.strip() else ("", [])
    meta: dict[str, Any] = {"title": title, "date": when}
    login = text.get("dc:creator", "").strip()
    if login:
        meta["authors"] = [authors.get(login, login)]
    all_tags = unique(raw.categories + raw.tags, drop=DEFAULT_CATEGORIES)
    if all_tags:
        meta["tags"] = all_tags
    link = text.get("link", "").strip()
    if link:
        meta["source_url"] = link
    excerpt = text.get("excerpt:encoded", "").strip()
    if excerpt and text.get("wp:post_type") != "attachment":
        meta["summary"] = plain(excerpt)
    if images:
        meta["images"] = images
    status = text.get("wp:status", "publish").strip()
    if status in DRAFT_STATUSES:
        meta["draft"] = True
        meta["visibility"] = DRAFT_STATUSES[status]
    elif text.get("wp:post_password", "").strip():
        meta["draft"] = True
        meta["visibility"] = "password-protected"
    if text.get("wp:post_type", "post") == "page":
        meta["kind"] = "page"
    return meta, body


def _sort_key(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else "9999"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _reason(exc: ParseError) -> str:
    return str(exc).split(":", 1)[0]


def _lang_code(code: str) -> str:
    """A WPML or Polylang language code (`en`, `km`, `en_US`, `zh-hans`) as a BCP 47 tag."""
    code = code.strip().replace("_", "-")
    if not code:
        return ""
    head, _, rest = code.partition("-")
    tag = head.lower() + (f"-{rest}" if rest else "")
    return tag if validate_lang(tag) else ""


def _post_date(local: str, gmt: str, pub: str) -> date | datetime | None:
    """The publication time: `post_date_gmt` (the exact instant), written in the blog's own
    time zone (the difference to `post_date`); `post_date` alone when the GMT one is unset
    (drafts), else the RSS `pubDate`."""
    local_dt = _wp_datetime(local)
    gmt_dt = _wp_datetime(gmt)
    if gmt_dt is not None:
        if local_dt is None:
            return gmt_dt.replace(tzinfo=timezone.utc)
        minutes = round((local_dt - gmt_dt).total_seconds() / 900) * 15
        if abs(minutes) > 14 * 60:
            return gmt_dt.replace(tzinfo=timezone.utc)
        zone = timezone.utc if minutes == 0 else timezone(timedelta(minutes=minutes))
        return gmt_dt.replace(tzinfo=timezone.utc).astimezone(zone)
    return local_dt or parse_date_value(pub)


def _wp_datetime(value: str) -> datetime | None:
    value = value.strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def read(path: Path, *, include_pages: bool = False) -> Iterator[ImportItem]:
    """Items of a WordPress export, one post (with its translations) each."""
    yield from _Reader(path, include_pages).items()



def count(path: Path) -> int | None:
    """How many `<item>`s the file holds (posts, pages, attachments and the rest), for progress."""
    found, tail = 0, b""
    if not path.is_file():
        return None  # a device or a pipe: it may never end, and can be read once only
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                found += (tail + chunk).count(b"<item>")
                tail = chunk[-5:]
    except OSError:
        return None
    return found
