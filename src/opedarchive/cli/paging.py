"""Long views through `$PAGER` (default `less -R`), and the Khmer width model the user chose."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from opedarchive.errors import ArchiveError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from opedarchive.archive import Archive

DEFAULT_PAGER = "less -R"


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
    command = pager if pager is not None else (os.environ.get("PAGER") or DEFAULT_PAGER)
    try:
        program = shlex.split(command)[0] if command.strip() else ""
    except ValueError:
        program = ""
    if not program or shutil.which(program) is None:
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "R")  # keep colours when less runs without -R
    # Through the shell, as git and man do: $PAGER may hold options and pipes.
    with subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env) as process:
        assert process.stdin is not None
        try:
            process.stdin.write(text.encode("utf-8"))
            process.stdin.close()
        except BrokenPipeError:  # the reader quit the pager early
            pass
        process.wait()
    return True


def print_paged(renderable: RenderableType, *, paging: bool = True) -> None:
    """Print a renderable on stdout, through the pager when it is taller than the terminal."""
    from opedarchive.cli.common import out

    console = out()
    is_terminal = paging and sys.stdout.isatty()
    # The views fit their lines to the width themselves: Rich's cropping would only measure
    # every line again (half the time of showing a 15 MB body).
    if not is_terminal:
        console.print(renderable, crop=False)
        return
    with console.capture() as capture:
        console.print(renderable, crop=False)
    text = capture.get()
    if not page(text, is_terminal=True, height=shutil.get_terminal_size().lines):
        sys.stdout.write(text)
        sys.stdout.flush()
