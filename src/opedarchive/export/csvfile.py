"""`export --csv FILE`: one row per version of a post (UTF-8, RFC 4180 quoting, bodies included)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from opedarchive.archive import Archive
from opedarchive.export.base import ExportResult, sorted_posts, write_file
from opedarchive.model import Post
from opedarchive.serialize import _rel, json_value

NAME = "csv"
KIND = "file"
COLUMNS = (
    "id", "lang", "original", "date", "title", "authors", "affiliation", "outlet", "kind", "tags",
    "source_url", "translator", "summary", "path", "body",
)
LIST_SEPARATOR = "; "


# A cell starting with one of these is a formula to a spreadsheet (`=HYPERLINK(…)`, `@SUM(…)`):
# it is written after an apostrophe, which spreadsheets show as text (OWASP's advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def chunks(archive: Archive, posts: list[Post]) -> Iterator[str]:
    """The header, then one CSV row per version."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for post in sorted_posts(posts):
        original = post.original.lang
        for version in post.versions.values():
            writer.writerow([_cell(value) for value in [
                post.id, version.lang, "yes" if version.lang == original else "no",
                json_value(version.date), version.title, LIST_SEPARATOR.join(version.authors),
                version.get("affiliation"), version.get("outlet"), version.get("kind"),
                LIST_SEPARATOR.join(version.tags), version.get("source_url"), version.get("translator"),
                " ".join(version.get("summary").split()), _rel(version.path, archive.root), version.body,
            ]])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def export(archive: Archive, posts: list[Post], target: Path, *, clean: bool = False) -> ExportResult:
    return write_file(target, chunks(archive, posts), len(posts))
