"""A saved blog page: sections that start with a `Posted by: … | Posted on: <date>` line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from opedarchive.importers.base import ImportItem, SourceError, read_text_source
from opedarchive.importers.textpost import parse_post_text
from opedarchive.text.dates import parse_english_date, parse_khmer_date

NAME = "page"
POSTED = re.compile(r"^\s*(?:Posted by:(?P<by>[^|]*)\|\s*)?Posted on:\s*(?P<when>.+?)\s*$", re.M)
# A page heading such as "June, 2022" above the first post is the blog's, not a post's.
_MONTH_HEADING = re.compile(r"^\s*[A-Za-z]+,?\s+[0-9]{4}\s*$")


def detect(path: Path, head: str) -> bool:
    """A text file with at least one `Posted on:` line."""
    return bool(POSTED.search(head)) and not head.lstrip("\ufeff \t\r\n").startswith(("<", "{", "[", "---", "+++"))


def parse_page(text: str, source: str = "<page>") -> Iterator[ImportItem]:
    """One item per `Posted on:` section; the English original first, its Khmer translation next."""
    matches = list(POSTED.finditer(text))
    if not matches:
        raise SourceError(f"{source}: no 'Posted on:' line; not a saved blog page")
    preamble = text[: matches[0].start()].strip()
    notices = []
    if preamble and not _MONTH_HEADING.match(preamble):
        notices.append(f"{source}: text before the first post was not imported: {preamble[:60]!r}")
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        line = text.count("\n", 0, m.start()) + 1
        where = f"{source}:{line}"
        when = parse_english_date(m["when"]) or parse_khmer_date(m["when"])
        section = text[m.end() : end]
        if when is None:
            yield ImportItem(where=where, error=f"cannot read the date {m['when']!r}")
            continue
        parts = parse_post_text(section, title_first=True)
        if not parts or not parts[0].title:
            yield ImportItem(where=where, error="a post with no title")
            continue
        if any(not part.body.strip() and not part.images for part in parts):
            yield ImportItem(where=where, error="a post with no text")
            continue
        by = (m["by"] or "").strip()
        for part in parts:
            if part.date is None:
                part.date = when
            if not part.authors and by:
                part.authors = [by]
            if not part.title:
                part.title = parts[0].title
        yield ImportItem(where=where, parts=parts, notices=notices if i == 0 else [])


def read(path: Path) -> Iterator[ImportItem]:
    """Items of a saved blog page file."""
    yield from parse_page(read_text_source(path), str(path))
