"""`export --ris FILE`: one RIS record (`TY  - NEWS`) per version of a post (EndNote, Zotero, Mendeley)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from opedarchive.archive import Archive
from opedarchive.citation import Citation, cite_post
from opedarchive.export.base import ExportResult, sorted_posts, write_file
from opedarchive.model import Post

NAME = "ris"
KIND = "file"
ITEM_TYPE = "NEWS"
# The RIS specification ends lines with CR LF (and Zotero and EndNote write them so).
EOL = "\r\n"


def ris_fields(citation: Citation) -> list[tuple[str, str]]:
    """The record's (tag, value) pairs in order, `TY` first and `ER` last."""
    day = citation.day
    # DA is `YYYY/MM/DD/other`; the time of day, when known, goes in `other`.
    other = citation.date.isoformat().split("T", 1)[1] if citation.has_time else ""
    fields = [("TY", ITEM_TYPE), ("ID", citation.key), ("TI", citation.title)]
    fields += [("AU", name.inverted) for name in citation.author_names]
    fields += [("A4", name.inverted) for name in citation.translator_names]  # A4: translator
    fields += [("PY", f"{day.year:04d}"), ("DA", f"{day.year:04d}/{day.month:02d}/{day.day:02d}/{other}")]
    if citation.outlet:
        fields.append(("T2", citation.outlet))  # T2: the newspaper
    if citation.url:
        fields.append(("UR", citation.url))
    fields.append(("LA", citation.lang))
    if citation.original_title:
        fields.append(("OP", citation.original_title))  # OP: original publication
    fields.append(("ER", ""))
    return fields


def chunks(archive: Archive, posts: list[Post]) -> Iterator[str]:
    """The records, a version at a time, a blank line between them."""
    for post in sorted_posts(posts):
        for citation in cite_post(post):
            yield "".join(f"{tag}  - {value}{EOL}" for tag, value in ris_fields(citation)) + EOL


def export(archive: Archive, posts: list[Post], target: Path, *, clean: bool = False) -> ExportResult:
    return write_file(target, chunks(archive, posts), len(posts))
