"""What every importer yields: items holding one post's language parts, or an error with its place."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from opedarchive.errors import OpedError
from opedarchive.importers.textpost import Part
from opedarchive.model import Version, decode_post_bytes, nfc
from opedarchive.text.khmer import fold

MAX_SOURCE_BYTES = 512 * 1024 * 1024


class SourceError(OpedError):
    """A whole source cannot be read or parsed."""


@dataclass
class ImportItem:
    """One post from a source, or the reason it could not be read (`error`), with its place."""

    where: str
    parts: list[Part] = field(default_factory=list)
    error: str = ""
    notices: list[str] = field(default_factory=list)
    extra_meta: dict[str, object] = field(default_factory=dict)

    def versions(self) -> list[Version]:
        """The parts as versions to write, the original first; one version per language."""
        out: list[Version] = []
        seen: set[str] = set()
        for part in self.parts:
            if part.lang in seen:
                continue
            seen.add(part.lang)
            meta = {**part.meta(), **self.extra_meta}
            meta["title"] = nfc(str(meta["title"]))
            out.append(Version(lang=part.lang, meta=meta, body=nfc(part.body)))
        return out


def content_hash(body: str) -> str:
    """The dedupe key of a body: its search form with all white space removed."""
    return hashlib.sha256("".join(fold(body).split()).encode("utf-8")).hexdigest()[:32]


def read_text_source(path: Path) -> str:
    """A text source as a string, with a one-line error for anything unreadable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{path}: too large to import ({len(data) // 2**20} MB)")
    try:
        return decode_post_bytes(data, path) if len(data) <= 16 * 2**20 else data.decode("utf-8-sig")
    except (OpedError, UnicodeDecodeError) as exc:
        raise SourceError(str(exc)) from None
