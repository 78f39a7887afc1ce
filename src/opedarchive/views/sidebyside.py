"""Two languages of a post side by side: one row per aligned group of paragraphs.

Every line is padded to its column by the cell widths of `text.width`, so the separator lands in
the same cell on every row in terminals that measure Khmer as glibc does (tmux, xterm, iTerm2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import zip_longest

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from opedarchive.align import Pair, paragraphs
from opedarchive.model import Post, Version
from opedarchive.text.width import DEFAULT_MODEL, cell_width
from opedarchive.views.post import (
    LINES_PER_SEGMENT,
    Line,
    as_text,
    caption_lines,
    line_segments,
    paragraph_lines,
    post_header,
    version_details,
    wrap_text,
)

SEPARATOR = "│"
GUTTER = f" {SEPARATOR} "
RULE = "─"
# Below this the columns are too narrow to read; the console is wider than this in practice.
MIN_COLUMN = 10
DIM = Style(dim=True)


class SideBySide:
    """A renderable: the post's header across the width, then two columns, each headed by its
    version's title, date and authors, then its captions, then the aligned paragraphs."""

    def __init__(self, post: Post, left: Version, right: Version, pairs: list[Pair],
                 model: str = DEFAULT_MODEL, paras: tuple[list[str], list[str]] | None = None) -> None:
        """`paras`: the two bodies as `paragraphs` cut them, when the caller has them already
        (the alignment's); else they are cut here."""
        self.post = post
        self.left = left
        self.right = right
        self.pairs = pairs
        self.model = model
        self.paras = paras

    def column_widths(self, width: int) -> tuple[int, int]:
        """The widths of the left and right columns for a console `width` cells wide."""
        inner = max(2 * MIN_COLUMN, width - len(GUTTER))
        left = inner // 2
        return left, inner - left

    def rows(self, width: int) -> Iterator[tuple[Iterable[Line], Iterable[Line]]]:
        """The column cells, row by row: heading, captions, then each aligned group."""
        lw, rw = self.column_widths(width)
        m = self.model
        # Titles on the first rows, then the date and authors on one row for both columns.
        titles = [wrap_text(Text(v.title, style="bold"), w, m) for v, w in ((self.left, lw), (self.right, rw))]
        height = max(map(len, titles))
        left_head, right_head = (
            [*title, *[Text("")] * (height - len(title)), *wrap_text(version_details(v), w, m)]
            for title, v, w in zip(titles, (self.left, self.right), (lw, rw), strict=True)
        )
        yield left_head, right_head
        left_captions, right_captions = caption_lines(self.left, lw, m), caption_lines(self.right, rw, m)
        if left_captions or right_captions:
            yield left_captions, right_captions
        # Each body cut into paragraphs once, not once per row.
        left_paras, right_paras = self.paras or (paragraphs(self.left.body), paragraphs(self.right.body))
        for a, b in self.pairs:
            yield (paragraph_lines([left_paras[i] for i in a], lw, m),
                   paragraph_lines([right_paras[i] for i in b], rw, m))

    def lines(self, width: int) -> list[Text]:
        """Every line of the view, each exactly `width` cells wide in the width model
        (narrower lines are padded; the header may be narrower)."""
        return [self._row(*line) if isinstance(line, tuple) else as_text(line) for line in self._lines(width)]

    def _lines(self, width: int) -> Iterator[Line | tuple[Line, Line, int]]:
        """The header's lines, then each row as (left cell, right cell, left column's width)."""
        lw, rw = self.column_widths(width)
        yield from wrap_text(post_header(self.post, self.left), width, self.model)
        yield Text("")
        yield Text(RULE * lw + RULE + "┬" + RULE + RULE * rw, style=DIM)
        first = True
        for left, right in self.rows(width):
            if not first:
                yield "", "", lw
            first = False
            for a, b in zip_longest(left, right, fillvalue=""):
                yield a, b, lw

    def _row(self, a: Line, b: Line, left_width: int) -> Text:
        row = as_text(a).copy()
        row.append(" " * max(0, left_width - cell_width(row.plain, self.model)))
        row.append(GUTTER if b else GUTTER.rstrip(), style=DIM)
        row.append_text(as_text(b))
        return row

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        newline = Segment.line()
        # Styles show only on a console with colours: without, rows are plain text, given out
        # many to a segment.
        plain = console.color_system is None
        model = self.model
        held: list[str] = []  # rows not yet given out (see `line_segments`)
        for line in self._lines(options.max_width):
            if not isinstance(line, tuple):
                if held:
                    yield Segment("".join(held))
                    held = []
                yield from line_segments([line], console)
                continue
            a, b, left_width = line
            if not plain and (_styled(a) or _styled(b)):
                yield from self._row(a, b, left_width).render(console)
                yield newline
                continue
            # What rendering `_row` gives, without its cost (a row of a long post is one of many).
            a = a if isinstance(a, str) else a.plain
            b = b if isinstance(b, str) else b.plain
            left = a + " " * (left_width - cell_width(a, model)) if a else " " * left_width
            gutter = GUTTER if b else GUTTER.rstrip()
            if plain:
                held.append(left + gutter + b + "\n")
                if len(held) >= LINES_PER_SEGMENT:
                    yield Segment("".join(held))
                    held = []
                continue
            yield Segment(left)
            yield Segment(gutter, DIM)
            if b:
                yield Segment(b)
            yield newline
        if held:
            yield Segment("".join(held))


def _styled(line: Line) -> bool:
    return not isinstance(line, str) and bool(line.spans or line.style)
