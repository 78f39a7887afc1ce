"""Long views through `$PAGER` (default `less -R`), and the Khmer width model the user chose."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from enum import Enum
from itertools import chain
from typing import TYPE_CHECKING, Annotated

import typer

from opedarchive.errors import ArchiveError

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.segment import Segment

    from opedarchive.archive import Archive

DEFAULT_PAGER = "less -R"
# A view is printed this many characters at a time: Rich's `Console.print` keeps every segment of
# what it prints, then the whole text, until the end (a 15 MB body side by side took 230 MB).
CHUNK_CHARS = 1 << 20


class KhmerWidth(str, Enum):
    """How the terminal measures Khmer spacing vowel signs."""

    GLIBC = "glibc"
    RICH = "rich"


# The `--khmer-width` option, shared by every command that draws Khmer.
KhmerWidthOption = Annotated[
    KhmerWidth | None,
    typer.Option(
        help="How the terminal measures Khmer: glibc (tmux, xterm, iTerm2) or rich (kitty). "
        "Default: [terminal] khmer_width in opedarchive.toml, else glibc.",
        show_default=False,
    ),
]


def width_model(option: KhmerWidth | None, archive: Archive) -> str:
    """The width model: the option, else `[terminal] khmer_width` of the archive, else glibc."""
    if option is not None:
        return option.value
    value = archive.config.terminal.get("khmer_width", KhmerWidth.GLIBC.value)
    if value not in {k.value for k in KhmerWidth}:
        raise ArchiveError(f"{archive.root / 'opedarchive.toml'}: [terminal] khmer_width must be "
                           f"\"glibc\" or \"rich\", not {value!r}")
    return str(value)


def page(text: str, *, is_terminal: bool, height: int, pager: str | None = None) -> bool:
    """Send `text` to the pager when stdout is a terminal and the text is taller than the
    screen; returns False, having done nothing, otherwise (or when the pager is missing)."""
    if not is_terminal or text.count("\n") < height:
        return False
    command = pager_command(pager)
    if command is None:
        return False
    run_pager(command, [text])
    return True


def pager_command(pager: str | None = None) -> str | None:
    """The pager to run: `pager`, else $PAGER, else `less -R`; None when its program is missing."""
    command = pager if pager is not None else (os.environ.get("PAGER") or DEFAULT_PAGER)
    try:
        program = shlex.split(command)[0] if command.strip() else ""
    except ValueError:
        program = ""
    if not program or shutil.which(program) is None:
        return None
    return command


def run_pager(command: str, texts: Iterable[str]) -> None:
    """Run the pager on the texts, one after the other, as they are made; stop making them when
    the reader quits the pager."""
    env = dict(os.environ)
    env.setdefault("LESS", "R")  # keep colours when less runs without -R
    # Through the shell, as git and man do: $PAGER may hold options and pipes.
    with subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env) as process:
        assert process.stdin is not None
        try:
            for text in texts:
                process.stdin.write(text.encode("utf-8"))
            process.stdin.close()
        except BrokenPipeError:  # the reader quit the pager early
            pass
        process.wait()


def print_paged(renderable: RenderableType, *, paging: bool = True) -> None:
    """Print a renderable on stdout, through the pager when it is taller than the terminal; a
    piece at a time, so that memory does not grow with the length of the view."""
    from opedarchive.cli.common import out

    console = out()
    pieces = _pieces(console, renderable)
    if not (paging and sys.stdout.isatty()):
        for piece in pieces:
            _print(console, piece)
        return
    height = shutil.get_terminal_size().lines
    # Only a text taller than the screen is paged: hold the start until that is known.
    head: list[str] = []
    lines = 0
    for piece in pieces:
        head.append(_text(console, piece))
        lines += head[-1].count("\n")
        if lines >= height:
            break
    command = pager_command() if lines >= height else None
    if command is not None:
        run_pager(command, chain(head, (_text(console, piece) for piece in pieces)))
        return
    for text in chain(head, (_text(console, piece) for piece in pieces)):
        sys.stdout.write(text)
    sys.stdout.flush()


def _pieces(console: Console, renderable: RenderableType) -> Iterator[list[Segment]]:
    """The segments of the renderable, CHUNK_CHARS characters' worth at a time."""
    piece: list[Segment] = []
    size = 0
    for segment in console.render(renderable):
        piece.append(segment)
        size += len(segment.text)
        if size >= CHUNK_CHARS:
            yield piece
            piece, size = [], 0
    if piece:
        yield piece


def _print(console: Console, segments: list[Segment]) -> None:
    from rich.segment import Segments

    # The views fit their lines to the width themselves: Rich's cropping would only measure
    # every line again (half the time of showing a 15 MB body).
    console.print(Segments(segments), crop=False)


def _text(console: Console, segments: list[Segment]) -> str:
    """What `_print` would write."""
    with console.capture() as capture:
        _print(console, segments)
    return capture.get()
