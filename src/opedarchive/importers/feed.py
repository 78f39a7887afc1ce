"""RSS 2.0 and Atom feeds (through feedparser): the full text of each entry where the feed has
it, else its summary; dates, authors, categories and links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import feedparser

from opedarchive.errors import OpedError
from opedarchive.importers.base import (
    MAX_SOURCE_BYTES,
    ImportItem,
    SourceError,
    bilingual_versions,
    check_text_size,
    parse_date_value,
    unique,
)
from opedarchive.importers.htmltext import html_to_markdown, plain
from opedarchive.importers.wxr import is_wxr_head
from opedarchive.model import read_limited, validate_lang

NAME = "feed"
# The root element, with or without a namespace prefix (`<rss>`, `<r:rss>`, `<rdf:RDF>`).
_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF)\b")
_KHMER = re.compile("[\u1780-\u17ff]")
# A summary this long, or the whole text again, is not a summary.
MAX_SUMMARY = 1000


def detect(path: Path, head: str) -> bool:
    """An RSS, RDF or Atom document (and not a WordPress export, which is RSS too); a markup
    document, not JSON whose text quotes one."""
    text = head.lstrip("\ufeff \t\r\n")
    return path.is_file() and text.startswith("<") and bool(_ROOT.search(text)) and not is_wxr_head(text)


def _text_of(detail: Any) -> tuple[str, str]:
    """(HTML, declared language) of a feedparser text construct."""
    value = str(detail.get("value") or "")
    if detail.get("type") == "text/plain":
        value = "".join(f"<p>{_escape(p)}</p>" for p in re.split(r"\n\s*\n", value) if p.strip())
    return value, str(detail.get("language") or "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


def _date(entry: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        found = parse_date_value(entry.get(key) or "")
        if isinstance(found, datetime):
            return found
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            year, month, day, hour, minute, second = parsed[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    return None


def _lang(declared: str) -> str:
    primary = declared.strip().split("-")[0].split("_")[0].lower()
    return primary if validate_lang(primary) else ""


def _authors(entry: Any) -> list[str]:
    names = [str(a.get("name") or "").strip() for a in entry.get("authors") or []]
    names = [n for n in names if n]
    if not names and entry.get("author"):
        names = [str(entry.get("author")).strip()]
    return unique(names)


def entry_item(entry: Any, where: str, outlet: str, feed_lang: str,
               feed_links: frozenset[str] = frozenset()) -> ImportItem:
    """One feed entry as an item."""
    title = " ".join(plain(str(entry.get("title") or "")).split())
    if not title:
        return ImportItem(where=where, error="an entry with no title")
    when = _date(entry)
    if when is None:
        return ImportItem(where=where, error="an entry with no date (no published or updated)")
    notices = []
    summary_html = str(entry.get("summary") or "")
    # An empty <content:encoded/> is no full text: the text is then in the summary beside it.
    contents = [c for c in entry.get("content") or [] if str(c.get("value") or "").strip()]
    if contents:
        html, declared = _text_of(contents[0])
    else:
        detail = entry.get("summary_detail") or {"value": summary_html, "type": "text/html"}
        html, declared = _text_of(detail)
        if html.strip():
            notices.append(f"{where}: the feed has no full text for '{title}'; its summary was imported")
    try:
        check_text_size(len(html.encode("utf-8", "surrogatepass")), "the entry's text")
    except SourceError as exc:
        return ImportItem(where=where, error=str(exc))
    body, images = html_to_markdown(html) if html.strip() else ("", [])
    if not body and not images:
        return ImportItem(where=where, error="an entry with no text (neither content nor summary)")
    meta: dict[str, Any] = {"title": title, "date": when}
    authors = _authors(entry)
    if authors:
        meta["authors"] = authors
    if outlet:
        meta["outlet"] = outlet
    tags = unique([str(t.get("label") or t.get("term") or "").strip() for t in entry.get("tags") or []])
    if tags:
        meta["tags"] = [t for t in tags if t]
    link = str(entry.get("link") or "").strip()
    if link and link not in feed_links:  # an entry with no link of its own gets the feed's
        meta["source_url"] = link
    if contents and summary_html.strip():
        summary = plain(summary_html)
        if summary and len(summary) <= MAX_SUMMARY and summary != plain(html):
            meta["summary"] = summary
    if images:
        meta["images"] = images
    lang = "" if _KHMER.search(body) else _lang(declared or feed_lang)
    return ImportItem(where=where, ready=bilingual_versions(meta, body, lang), notices=notices)


def read(path: Path) -> Iterator[ImportItem]:
    """Items of an RSS or Atom feed, one per entry."""
    try:
        data = read_limited(path, MAX_SOURCE_BYTES)
    except OpedError as exc:
        raise SourceError(str(exc)) from None
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    entries = parsed.get("entries") or []
    if parsed.get("bozo") and not entries:
        raise SourceError(f"{path}: not a readable feed: {parsed.get('bozo_exception')}")
    info = parsed.get("feed") or {}
    outlet = " ".join(plain(str(info.get("title") or "")).split())
    feed_lang = str(info.get("language") or "")
    if parsed.get("bozo"):
        yield ImportItem(where=str(path), notices=[
            f"{path}: the feed is not well-formed ({parsed.get('bozo_exception')}); read what could be read"])
    own = (info.get("link"), *(link.get("href") for link in info.get("links") or []))
    feed_links = frozenset(str(x).strip() for x in own if x and str(x).strip())
    for i, entry in enumerate(entries, 1):
        yield entry_item(entry, f"{path}: entry {i}", outlet, feed_lang, feed_links)
