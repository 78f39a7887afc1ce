"""Search results: a heading per hit, its snippet with the matches highlighted, and the
paragraph of the other language under it (`--parallel`). Laid out here without Rich; drawn
by Rich on a terminal, written as plain lines otherwise (Rich, about 35 ms to load, would
draw the same lines without their styles)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO

from opedarchive.snippet import Snippet
from opedarchive.text.visible import visible
from opedarchive.text.width import wrap_spans

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

MATCH_STYLE = "bold reverse"
INDENT = "  "


@dataclass
class ResultEntry:
    """One hit as shown: where it is, its title and snippet, and maybe a parallel paragraph."""

    date: str
    post_id: str
    lang: str
    title: Snippet
    snippet: Snippet
    parallel_lang: str = ""
    parallel: Snippet | None = None


def wrap(text: str, width: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text` wrapped to `width` cells (at least 8) as glibc, tmux and
    xterm count them: at spaces, zero-width spaces and Khmer word boundaries where possible, never
    inside a Khmer cluster (`text.width.wrap_spans`, as `show` wraps). A line that fits here fits
    for Rich too, which counts the spacing Khmer vowels as no cells."""
    return iter(wrap_spans(text, max(width, 8)))


# One line as laid out: its pieces of (text, style), the spans to highlight (offsets in the
# whole line), and how Rich cuts it if it is too wide ("crop", "ellipsis", or "ignore" for a
# line that is never cut: an id; never wrapped).
Line = tuple[list[tuple[str, str]], list[tuple[int, int]], str]
# What Rich removes from text (control codes): a line holding one is left to Rich.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _line(prefix: str, text: str, spans: list[tuple[int, int]], start: int, end: int, style: str = "") -> Line:
    """One wrapped line; Rich must not wrap it again (it would cut Khmer clusters)."""
    inside = [(len(prefix) + max(s, start) - start, len(prefix) + min(e, end) - start)
              for s, e in spans if s < end and e > start]
    return [(prefix, ""), (text[start:end], style)], inside, "crop"


def _block(snippet: Snippet, width: int, style: str = "", prefix: str = INDENT) -> Iterator[Line]:
    for start, end in wrap(snippet.text, width - len(prefix)):
        yield _line(prefix, snippet.text, snippet.spans, start, end, style)


def _shown(snippet: Snippet) -> Snippet:
    """The snippet with its control characters made visible, one character for one (so its
    highlighted spans stay where they were)."""
    return replace(snippet, text=visible(snippet.text))


def layout(entries: list[ResultEntry], width: int) -> Iterator[Line]:
    """Hits, best first, each a few lines; a blank line between hits. Every string of a hit is
    shown with its control characters made visible: none reaches the terminal."""
    for n, entry in enumerate(entries):
        entry = replace(entry, date=visible(entry.date), post_id=visible(entry.post_id), lang=visible(entry.lang),
                        title=_shown(entry.title), snippet=_shown(entry.snippet),
                        parallel_lang=visible(entry.parallel_lang),
                        parallel=None if entry.parallel is None else _shown(entry.parallel))
        if n:
            yield [("", "")], [], "crop"
        yield from _heading(entry, width)
        yield from _block(entry.title, width, style="bold")
        if entry.snippet.text:
            yield from _block(entry.snippet, width)
        if entry.parallel is not None:
            yield from _block(entry.parallel, width, style="dim", prefix=f"{INDENT}{entry.parallel_lang}│ ")


def _heading(entry: ResultEntry, width: int) -> Iterator[Line]:
    """Date, language and id on one line; the id on a line of its own where they do not fit.
    An id is never cut (a terminal narrower than the id wraps it, and copies it back whole)."""
    date, lang = (entry.date[:10], "cyan"), (f"  {entry.lang}", "magenta")
    if len(entry.date[:10]) + len(lang[0]) + 2 + len(entry.post_id) <= width:
        yield [date, (f"{lang[0]}  ", "magenta"), (entry.post_id, "")], [], "ignore"
        return
    yield [date, lang], [], "ellipsis"
    yield [(entry.post_id, "")], [], "ignore"


def plain_lines(entries: list[ResultEntry], width: int) -> list[str] | None:
    """The lines Rich would print for `entries` on a console `width` wide that is not a
    terminal (no styles), or None where only Rich can tell (a control code in the text)."""
    from rich.cells import cell_len, set_cell_size  # light: not rich.console

    lines = []
    for pieces, _, overflow in layout(entries, width):
        text = "".join(piece for piece, _ in pieces)
        if _CONTROL.search(text):
            return None
        if cell_len(text) > width and overflow != "ignore":
            text = set_cell_size(text, width - 1) + "…" if overflow == "ellipsis" else set_cell_size(text, width)
        lines.append(text)
    return lines


def write_plain(entries: list[ResultEntry], width: int, file: TextIO) -> bool:
    """Write the plain lines of `entries` to `file`; False (nothing written) where Rich must."""
    lines = plain_lines(entries, width)
    if lines is None:
        return False
    file.write("".join(f"{line}\n" for line in lines))
    return True


class SearchResults:
    """The results as a Rich renderable."""

    def __init__(self, entries: list[ResultEntry]) -> None:
        self.entries = entries

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        for pieces, spans, overflow in layout(self.entries, options.max_width):
            line = Text(no_wrap=True, overflow=overflow)  # type: ignore[arg-type]
            for piece, style in pieces:
                line.append(piece, style=style or None)
            for start, end in spans:
                line.stylize(MATCH_STYLE, start, end)
            yield line
