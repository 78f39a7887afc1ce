"""What every command shares: the archive the user means, the two consoles, JSON output."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from opedarchive.archive import Archive


class State:
    """Global options, set by the app callback."""

    archive_path: Path | None = None


def open_archive() -> Archive:
    from opedarchive.archive import Archive

    return Archive.open(State.archive_path)


def complete_post_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of a post id: the ids of the archive's post files that start with what
    was typed (read from the file names only; nothing is opened or indexed)."""
    from opedarchive.archive import split_file_name
    from opedarchive.paths import POSTS_DIR, archive_root, is_post_folder_name

    explicit = ctx.find_root().params.get("archive")
    posts = os.path.join(archive_root(None if explicit is None else str(explicit)), POSTS_DIR)
    ids: set[str] = set()
    try:
        with os.scandir(posts) as years:
            for year in years:
                if not year.is_dir(follow_symlinks=False) or not is_post_folder_name(year.name):
                    continue
                with os.scandir(year.path) as files:
                    for entry in files:
                        parts = split_file_name(entry.name)
                        if parts and parts[0].startswith(incomplete):
                            ids.add(parts[0])
    except OSError:
        return []
    return sorted(ids)


def _width() -> int | None:
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def plain_output() -> bool:
    """True where Rich would print stdout without styles (it is not a terminal), by Rich's
    own rules (TTY_COMPATIBLE, FORCE_COLOR); never on Windows, whose console Rich treats apart."""
    if sys.platform == "win32":
        return False
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "0"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force == ""
    try:
        return not sys.stdout.isatty()
    except ValueError:
        return True


def plain_width() -> int:
    """The width Rich gives a console that is not a terminal: COLUMNS, else the size of the
    first standard stream that is a terminal, else 80."""
    width = _width()
    if width is not None:
        return width
    size = 0
    for fd in (0, 1, 2):
        try:
            size = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        size = int(columns)
    return size or 80


def out() -> Console:
    """The console for data (stdout)."""
    from rich.console import Console

    return Console(width=_width(), highlight=False, soft_wrap=False)


def err() -> Console:
    """The console for messages (stderr)."""
    from rich.console import Console

    return Console(stderr=True, width=_width(), highlight=False)


def say(message: str) -> None:
    """A message on stderr (plain text, never markup), on one line: a control character in it
    (from a file name, a title, a query) is shown, not obeyed by the terminal."""
    from opedarchive.text.visible import visible

    print(visible(message), file=sys.stderr)


def echo(line: str) -> None:
    """A line of data on stdout, its control characters shown as `say` shows them."""
    from opedarchive.text.visible import visible

    print(visible(line))


def warn(message: str) -> None:
    say(f"Warning: {message}")


# What JSON may hold as it is but a terminal would obey (DEL, C1 controls) or UTF-8 cannot carry
# (a lone surrogate: an undecodable byte of a file name): written as \u escapes instead.
_JSON_ESCAPE = re.compile("[\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def print_json(data: Any, last: tuple[str, str] | None = None) -> None:
    """JSON on stdout, UTF-8 as is, indented for people and parseable for scripts (JSON escapes
    the C0 controls itself; the rest of what a terminal would obey is escaped here). `last`, with
    `data` a non-empty dict: one more key, written last, and its value as JSON text already
    indented as a value of `data` (`show --json`'s alignment: json.dumps indents in Python)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if last is not None:
        key, value = last
        assert text.endswith("\n}"), "`last` needs a non-empty dict"
        text = f"{text[:-2]},\n  {json.dumps(key, ensure_ascii=False)}: {value}\n}}"
    text = _JSON_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")
