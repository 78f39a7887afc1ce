"""Two languages of a post side by side: one row per aligned group of paragraphs.

Every line is padded to its column by the cell widths of `text.width`, so the separator lands in
the same cell on every row in terminals that measure Khmer as glibc does (tmux, xterm, iTerm2).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import zip_longest

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from opedarchive.align import Pair
from opedarchive.model import Post, Version
from opedarchive.text.width import DEFAULT_MODEL, cell_width
from opedarchive.views.post import body_lines, caption_lines, post_header, version_details, wrap_text

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
                 model: str = DEFAULT_MODEL) -> None:
        self.post = post
        self.left = left
        self.right = right
        self.pairs = pairs
        self.model = model

    def column_widths(self, width: int) -> tuple[int, int]:
        """The widths of the left and right columns for a console `width` cells wide."""
        inner = max(2 * MIN_COLUMN, width - len(GUTTER))
        left = inner // 2
        return left, inner - left

    def rows(self, width: int) -> Iterator[tuple[list[Text], list[Text]]]:
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
        for a, b in self.pairs:
            yield body_lines(self.left, lw, m, a), body_lines(self.right, rw, m, b)

    def lines(self, width: int) -> list[Text]:
        """Every line of the view, each exactly `width` cells wide in the width model
        (narrower lines are padded; the header may be narrower)."""
        lw, rw = self.column_widths(width)
        out = list(wrap_text(post_header(self.post, self.left), width, self.model))
        out.append(Text(""))
        rule = Text(RULE * lw + RULE + "┬" + RULE + RULE * rw, style=DIM)
        out.append(rule)
        first = True
        for left, right in self.rows(width):
            if not first:
                out.append(self._row(Text(""), Text(""), lw))
            first = False
            for a, b in zip_longest(left, right, fillvalue=Text("")):
                out.append(self._row(a, b, lw))
        return out

    def _row(self, a: Text, b: Text, left_width: int) -> Text:
        row = a.copy()
        row.append(" " * max(0, left_width - cell_width(a.plain, self.model)))
        row.append(GUTTER if b.plain else GUTTER.rstrip(), style=DIM)
        row.append_text(b)
        return row

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            yield from line.render(console)
            yield Segment.line()
