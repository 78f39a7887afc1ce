"""Search results as Rich renderables: a heading per hit, its snippet with the matches
highlighted, and the paragraph of the other language under it (`--parallel`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from opedarchive.snippet import Snippet
from opedarchive.text.khmer import clusters

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


def _cells(unit: str) -> int:
    """Cells of one cluster as glibc, tmux and xterm count them (spacing Khmer vowels are 1;
    Rich counts them 0, so a line that fits here fits for Rich too)."""
    width = 0
    for ch in unit:
        if ch == "\u17d2" or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def wrap(text: str, width: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text` wrapped to `width` cells, breaking at spaces or
    zero-width spaces where possible and never inside a Khmer cluster."""
    width = max(width, 8)
    start = pos = used = 0
    last_break = -1
    for unit in clusters(text):
        cells = _cells(unit)
        if used + cells > width and pos > start:
            end = last_break if last_break > start else pos
            yield start, len(text[start:end].rstrip(" ")) + start
            start = end
            while start < len(text) and text[start] == " ":
                start += 1
            used = sum(_cells(u) for u in clusters(text[start:pos]))
            last_break = -1
        pos += len(unit)
        used += cells
        if unit in (" ", "\u200b"):
            last_break = pos
    if start < len(text):
        yield start, len(text)


def _line(prefix: str, text: str, spans: list[tuple[int, int]], start: int, end: int, style: str = "") -> Text:
    """One wrapped line; Rich must not wrap it again (it would cut Khmer clusters)."""
    line = Text(prefix, no_wrap=True, overflow="crop")
    line.append(text[start:end], style=style)
    for s, e in spans:
        if s < end and e > start:
            line.stylize(MATCH_STYLE, len(prefix) + max(s, start) - start, len(prefix) + min(e, end) - start)
    return line


def _block(snippet: Snippet, width: int, style: str = "", prefix: str = INDENT) -> Iterator[Text]:
    for start, end in wrap(snippet.text, width - len(prefix)):
        yield _line(prefix, snippet.text, snippet.spans, start, end, style)


class SearchResults:
    """Hits, best first, each a few lines; a blank line between hits."""

    def __init__(self, entries: list[ResultEntry]) -> None:
        self.entries = entries

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for n, entry in enumerate(self.entries):
            if n:
                yield Text("")
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append(entry.date[:10], style="cyan")
            head.append(f"  {entry.lang}  ", style="magenta")
            head.append(entry.post_id)
            yield head
            yield from _block(entry.title, width, style="bold")
            if entry.snippet.text:
                yield from _block(entry.snippet, width)
            if entry.parallel is not None:
                yield from _block(entry.parallel, width, style="dim", prefix=f"{INDENT}{entry.parallel_lang}│ ")
