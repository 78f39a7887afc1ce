"""Our own JSON export (`export --json`): an array of post objects, each with `versions[*].meta`
and `versions[*].body` — read one post at a time, so a large export does not sit in memory.
A single post object (`show --json`) is read too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from opedarchive.importers.base import MAX_ITEM_BYTES, ImportItem, SourceError, parse_date_value
from opedarchive.model import MB, Version

NAME = "json"
CHUNK = 1 << 20


def detect(path: Path, head: str) -> bool:
    """A file whose first character is `[`, or a `{` that does not close on the first line
    (one-line objects are JSON Lines)."""
    text = head.lstrip("\ufeff \t\r\n")
    if not path.is_file() or not text:
        return False
    if text[0] == "[":
        return True
    return text[0] == "{" and not is_json_line(text.split("\n", 1)[0])


def is_json_line(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def post_item(obj: Any, where: str) -> ImportItem:
    """One post object of an export as an item: each version's `meta` and `body`."""
    if not isinstance(obj, dict):
        return ImportItem(where=where, error="not a JSON object")
    versions = obj.get("versions")
    if not isinstance(versions, list) or not versions:
        return ImportItem(where=where, error="no 'versions' list")
    ready = []
    for i, entry in enumerate(versions):
        if not isinstance(entry, dict) or "body" not in entry or not isinstance(entry.get("meta"), dict):
            return ImportItem(where=where, error=f"version {i + 1} has no 'meta' and 'body' "
                                                 "(a list without bodies; export with 'export --json')")
        meta = dict(entry["meta"])
        lang = str(entry.get("lang") or meta.get("lang") or "")
        when = parse_date_value(meta.get("date"))
        if when is None:
            return ImportItem(where=where, error=f"version {i + 1}: cannot read the date {meta.get('date')!r}")
        meta["date"] = when
        ready.append(Version(lang=lang, meta={**meta, "lang": lang}, body=str(entry["body"] or "")))
    return ImportItem(where=where, ready=ready, as_written=True)


def _label(obj: Any) -> str:
    return f" ({obj['id']})" if isinstance(obj, dict) and isinstance(obj.get("id"), str) else ""


def iter_array(path: Path) -> Iterator[tuple[int, Any]]:
    """(position, value) of each element of the JSON array in `path`, read a chunk at a time;
    a single top-level object is one element. SourceError when the text is not JSON."""
    decoder = json.JSONDecoder()
    try:
        fh = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from None
    with fh:
        buf, pos, eof, done = "", 0, False, 0

        def fill() -> bool:
            nonlocal buf, pos, eof
            chunk = fh.read(CHUNK)
            buf, pos = buf[pos:] + chunk, 0
            eof = not chunk
            return bool(chunk)

        def skip(chars: str) -> None:
            nonlocal pos
            while True:
                while pos < len(buf) and buf[pos] in chars:
                    pos += 1
                if pos < len(buf) or not fill():
                    return

        try:
            skip(" \t\r\n")
            if pos >= len(buf):
                raise SourceError(f"{path}: empty file")
            single = buf[pos] == "{"
            if not single:
                if buf[pos] != "[":
                    raise SourceError(f"{path}: not a JSON array of posts")
                pos += 1
            n = 0
            while True:
                skip(" \t\r\n")
                if not single and pos < len(buf) and buf[pos] == "]":
                    return
                if n and not single:
                    if pos >= len(buf) or buf[pos] != ",":
                        raise ValueError(f"expected ',' or ']' after element {n}")
                    pos += 1
                    skip(" \t\r\n")
                while True:
                    try:
                        value, end = decoder.raw_decode(buf, pos)
                        break
                    except json.JSONDecodeError:
                        if len(buf) - pos > MAX_ITEM_BYTES:
                            raise SourceError(f"{path}: post {n + 1} is larger than {MAX_ITEM_BYTES // MB} MB "
                                              "(the limit); the rest of the file was not read") from None
                        if eof or not fill():
                            raise
                n += 1
                pos = end
                yield n, value
                done = n
                if single:
                    return
        except (ValueError, UnicodeDecodeError) as exc:
            raise SourceError(f"{path}: not valid JSON after {done} post(s): {exc}") from None
        except RecursionError:
            raise SourceError(f"{path}: not valid JSON after {done} post(s): nested too deeply") from None
        except OSError as exc:
            raise SourceError(f"{path}: cannot read: {exc.strerror}") from None


def read(path: Path) -> Iterator[ImportItem]:
    """Items of a JSON export, one per post object."""
    for n, obj in iter_array(path):
        yield post_item(obj, f"{path}: post {n}{_label(obj)}")
