"""`export --jsonl FILE`: one line per post, each the `show --json` object with bodies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from opedarchive.archive import Archive
from opedarchive.export.base import ExportResult, sorted_posts, write_file
from opedarchive.model import Post
from opedarchive.serialize import post_json

NAME = "jsonl"
KIND = "file"


def chunks(archive: Archive, posts: list[Post]) -> Iterator[str]:
    """The export's text, a line (post) at a time."""
    for post in sorted_posts(posts):
        data = post_json(post, archive.root, bodies=True, languages=archive.config.languages)
        yield json.dumps(data, ensure_ascii=False) + "\n"


def export(archive: Archive, posts: list[Post], target: Path, *, clean: bool = False) -> ExportResult:
    return write_file(target, chunks(archive, posts), len(posts))
