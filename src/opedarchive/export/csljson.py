"""`export --csl-json FILE`: one CSL-JSON item per version of a post (Zotero, Pandoc, citeproc)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from opedarchive.archive import Archive
from opedarchive.citation import Citation, cite_post
from opedarchive.export.base import ExportResult, sorted_posts, write_file
from opedarchive.model import Post
from opedarchive.text.names import PersonName

NAME = "csl-json"
KIND = "file"
ITEM_TYPE = "article-newspaper"


def csl_name(name: PersonName) -> dict[str, str]:
    return {"family": name.family, "given": name.given} if name.family else {"literal": name.literal}


def csl_item(citation: Citation) -> dict[str, Any]:
    """One CSL-JSON item. (CSL dates have no time of day: `issued` holds the day alone.)"""
    day = citation.day
    item: dict[str, Any] = {"id": citation.key, "type": ITEM_TYPE, "title": citation.title}
    if citation.authors:
        item["author"] = [csl_name(name) for name in citation.author_names]
    item["issued"] = {"date-parts": [[day.year, day.month, day.day]]}
    if citation.outlet:
        item["container-title"] = citation.outlet
    if citation.url:
        item["URL"] = citation.url
    item["language"] = citation.lang
    if citation.translators:
        item["translator"] = [csl_name(name) for name in citation.translator_names]
    if citation.original_title:
        item["original-title"] = citation.original_title
    return item


def chunks(archive: Archive, posts: list[Post]) -> Iterator[str]:
    """A JSON array, an item (version) a line."""
    yield "["
    first = True
    for post in sorted_posts(posts):
        for citation in cite_post(post):
            yield ("" if first else ",") + "\n" + json.dumps(csl_item(citation), ensure_ascii=False)
            first = False
    yield "\n]\n"


def export(archive: Archive, posts: list[Post], target: Path, *, clean: bool = False) -> ExportResult:
    return write_file(target, chunks(archive, posts), len(posts))
