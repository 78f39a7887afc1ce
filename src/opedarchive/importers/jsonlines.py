"""Our own JSON Lines export (`export --jsonl`): one post object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from opedarchive.importers.base import ImportItem, SourceError
from opedarchive.importers.jsonfile import is_json_line, post_item

NAME = "jsonl"


def detect(path: Path, head: str) -> bool:
    """A file whose first line is a whole JSON object."""
    text = head.lstrip("\ufeff \t\r\n")
    return path.is_file() and text.startswith("{") and is_json_line(text.split("\n", 1)[0])


def read(path: Path) -> Iterator[ImportItem]:
    """Items of a JSON Lines export, one per non-empty line."""
    try:
        fh = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from None
    with fh:
        try:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield ImportItem(where=f"{path}:{number}", error=f"not valid JSON: {exc}")
                    continue
                yield post_item(obj, f"{path}:{number}")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{path}: not valid UTF-8: {exc.reason}") from None


def count(path: Path) -> int | None:
    """How many lines the file has, for progress."""
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None
