"""JSON Feed (jsonfeed.org, versions 1 and 1.1): each item read as a feed entry is, through
the feed importer's own rules (full text, else the summary; dates, authors, tags, links)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from opedarchive.errors import OpedError
from opedarchive.importers.base import MAX_SOURCE_BYTES, ImportItem, SourceError
from opedarchive.importers.feed import entry_item
from opedarchive.importers.htmltext import plain
from opedarchive.model import decode_post_bytes, read_limited

NAME = "jsonfeed"
# The `version` member that names the format (JSON Feed puts it first, but need not).
_VERSION = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')


def detect(path: Path, head: str) -> bool:
    """A JSON object whose `version` is a jsonfeed.org URL."""
    return path.is_file() and head.lstrip("\ufeff \t\r\n").startswith("{") and bool(_VERSION.search(head))


def _names(value: Any) -> list[dict[str, str]]:
    """`authors` (1.1) or `author` (1.0) as feedparser's list of `{name}`."""
    people = value if isinstance(value, list) else [value]
    return [{"name": str(p["name"])} for p in people if isinstance(p, dict) and isinstance(p.get("name"), str)]


def _entry(item: dict[str, Any], feed_authors: list[dict[str, str]], feed_lang: str) -> dict[str, Any]:
    """A JSON Feed item in the shape of a feedparser entry."""
    lang = str(item.get("language") or feed_lang)
    content = []
    for key, kind in (("content_html", "text/html"), ("content_text", "text/plain")):
        if isinstance(item.get(key), str) and item[key].strip():
            content.append({"value": item[key], "type": kind, "language": lang})
    summary = html.escape(str(item.get("summary") or ""))  # plain text in JSON Feed
    authors = _names(item.get("authors") or item.get("author")) or feed_authors  # 1.1: the feed's by default
    tags = item["tags"] if isinstance(item.get("tags"), list) else []
    return {
        "title": str(item.get("title") or ""),
        "published": str(item.get("date_published") or ""),
        "updated": str(item.get("date_modified") or ""),
        "content": content,
        "summary": summary,
        "summary_detail": {"value": summary, "type": "text/html", "language": lang},
        "authors": authors,
        "tags": [{"term": str(t)} for t in tags if isinstance(t, (str, int, float))],
        "link": str(item.get("url") or ""),
    }


def read(path: Path) -> Iterator[ImportItem]:
    """Items of a JSON Feed, one per item."""
    try:
        feed = json.loads(decode_post_bytes(read_limited(path, MAX_SOURCE_BYTES), path, MAX_SOURCE_BYTES))
    except OpedError as exc:
        raise SourceError(str(exc)) from None
    except (ValueError, RecursionError) as exc:
        raise SourceError(f"{path}: not valid JSON: {exc}") from None
    items = feed.get("items") if isinstance(feed, dict) else None
    if not isinstance(items, list):
        raise SourceError(f"{path}: a JSON Feed with no 'items' list")
    outlet = " ".join(plain(str(feed.get("title") or "")).split())
    feed_lang = str(feed.get("language") or "")
    feed_authors = _names(feed.get("authors") or feed.get("author"))
    own = frozenset(str(feed[k]).strip() for k in ("home_page_url", "feed_url") if isinstance(feed.get(k), str))
    for i, item in enumerate(items, 1):
        where = f"{path}: item {i}"
        if not isinstance(item, dict):
            yield ImportItem(where=where, error="not a JSON object")
            continue
        yield entry_item(_entry(item, feed_authors, feed_lang), where, outlet, feed_lang, own)
