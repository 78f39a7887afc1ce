"""What every command shares: the archive the user means, the two consoles, JSON output."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from opedarchive.archive import Archive


class State:
    """Global options, set by the app callback."""

    archive_path: Path | None = None


def open_archive() -> Archive:
    from opedarchive.archive import Archive

    return Archive.open(State.archive_path)


def _width() -> int | None:
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def out() -> Console:
    """The console for data (stdout)."""
    from rich.console import Console

    return Console(width=_width(), highlight=False, soft_wrap=False)


def err() -> Console:
    """The console for messages (stderr)."""
    from rich.console import Console

    return Console(stderr=True, width=_width(), highlight=False)


def say(message: str) -> None:
    """A message on stderr (plain text, never markup)."""
    print(message, file=sys.stderr)


def warn(message: str) -> None:
    say(f"Warning: {message}")


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8 as is, indented for people and parseable for scripts."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
