"""Our own JSON Lines export (`export --jsonl`): one post object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from opedarchive.importers.base import MAX_ITEM_BYTES, ImportItem, SourceError
from opedarchive.importers.jsonfile import is_json_line, post_item
from opedarchive.model import MB

NAME = "jsonl"


def detect(path: Path, head: str) -> bool:
    """A file whose first line is a whole JSON object."""
    text = head.lstrip("\ufeff \t\r\n")
    return path.is_file() and text.startswith("{") and is_json_line(text.split("\n", 1)[0])


def read(path: Path) -> Iterator[ImportItem]:
    """Items of a JSON Lines export, one per non-empty line; reading stops at a line longer
    than MAX_ITEM_BYTES (none is ever held in memory)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from None
    with fh:
        try:
            number = 0
            while data := fh.readline(MAX_ITEM_BYTES):
                number += 1
                if len(data) >= MAX_ITEM_BYTES and not data.endswith(b"\n"):
                    yield ImportItem(where=f"{path}:{number}", error=f"a line longer than {MAX_ITEM_BYTES // MB} MB "
                                     "(the limit); the rest of the file was not read")
                    return
                try:
                    line = data.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield ImportItem(where=f"{path}:{number}", error=f"not valid UTF-8 (byte {exc.start})")
                    continue
                if line.strip():
                    yield line_item(line, f"{path}:{number}")
        except OSError as exc:
            raise SourceError(f"{path}: cannot read: {exc.strerror}") from None


def line_item(line: str, where: str) -> ImportItem:
    """The item of one line of JSON."""
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return ImportItem(where=where, error=f"not valid JSON: {exc}")
    except RecursionError:
        return ImportItem(where=where, error="not valid JSON: nested too deeply")
    return post_item(obj, where)


def count(path: Path) -> int | None:
    """How many lines the file has, for progress (None for a device or a pipe)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None
