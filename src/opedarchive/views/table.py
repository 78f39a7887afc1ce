"""The `list` table: date, id, title with a one-line summary under it, authors, outlet, languages.

An id is never wrapped nor cut, whatever the width, so that it can be copied: where the table
cannot hold the longest id on one line, each post is shown as a short block instead."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from opedarchive.model import Post
from opedarchive.serialize import post_summary

WIDE = 110
# Below this many cells for the title, a post reads better as a block than as a table row.
TITLE_MIN = 40


def post_table(posts: list[Post], width: int) -> RenderableType:
    """A table with one row per post; narrow terminals drop the authors and outlet columns, and
    terminals too narrow for the ids on one line get `post_blocks`. Print it with crop=False."""
    id_width = max((cell_len(p.id) for p in posts), default=2)
    lang_width = max((cell_len(" ".join(p.languages)) for p in posts), default=4)
    # date, id, title and lang columns, each followed by one cell of padding but the last.
    needed = 10 + 1 + id_width + 1 + TITLE_MIN + 1 + max(lang_width, 4)
    if needed > width:
        return post_blocks(posts)
    wide = width >= max(WIDE, needed + 20)  # authors and outlet, at least 10 and 8 cells
    table = Table(box=None, header_style="bold", pad_edge=False, expand=False, padding=(0, 1, 1, 0))
    table.add_column("date", no_wrap=True, style="cyan", min_width=10)
    table.add_column("id", no_wrap=True, style="dim", min_width=id_width)
    table.add_column("title · summary", ratio=4, min_width=TITLE_MIN)
    if wide:
        table.add_column("authors", ratio=1, min_width=10)
        table.add_column("outlet", ratio=1, min_width=8)
    table.add_column("lang", no_wrap=True, style="green")
    for post in posts:
        original = post.original
        title: RenderableType = Group(
            Text(original.title, style="bold"),
            Text(post_summary(post), style="dim", no_wrap=True, overflow="ellipsis"),
        )
        row: list[RenderableType] = [original.day.isoformat(), post.id, title]
        if wide:
            row += [
                Text(", ".join(original.authors or post.list_field("authors"))),
                Text(post.field("outlet")),
            ]
        row.append(" ".join(post.languages))
        table.add_row(*row)
    return table


def post_blocks(posts: list[Post]) -> RenderableType:
    """Each post as a few lines: date and languages, the id whole on a line of its own (a
    terminal narrower than the id wraps it, and copies it back as one), the title, the summary."""
    lines: list[RenderableType] = []
    for n, post in enumerate(posts):
        if n:
            lines.append(Text(""))
        lines.append(Text.assemble((post.original.day.isoformat(), "cyan"), "  ", (" ".join(post.languages), "green")))
        lines.append(Text(post.id, style="dim", no_wrap=True, overflow="ignore"))
        lines.append(Text(post.original.title, style="bold"))
        lines.append(Text(post_summary(post), style="dim", no_wrap=True, overflow="ellipsis"))
    return Group(*lines)
