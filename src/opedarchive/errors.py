"""The exception types of opedarchive; cli/ turns them into one-line messages and exit codes."""

from __future__ import annotations

from pathlib import Path


class OpedError(Exception):
    """A failure the user can act on; `exit_code` is what the command exits with."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(OpedError):
    """The command was called wrongly (a bad option value, a malformed query)."""

    exit_code = 2


class ArchiveError(OpedError):
    """The archive folder or its configuration is missing or unusable."""


class PostFileError(OpedError):
    """One post file cannot be read: broken YAML, a missing key, bad encoding."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {reason}")


class PostNotFound(OpedError):
    """No post matches the id or prefix given."""


class AmbiguousId(OpedError):
    """An id prefix matches more than one post."""

    def __init__(self, prefix: str, candidates: list[str]) -> None:
        self.candidates = candidates
        shown = ", ".join(candidates[:10]) + (" …" if len(candidates) > 10 else "")
        super().__init__(f"'{prefix}' matches {len(candidates)} posts: {shown}")


class ImportFormatError(OpedError):
    """A source is in no format an importer knows."""

    exit_code = 2
