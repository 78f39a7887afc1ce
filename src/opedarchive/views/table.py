"""The `list` table: date, id, title with a one-line summary under it, authors, outlet, languages."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from opedarchive.model import Post
from opedarchive.serialize import post_summary

WIDE = 110


def post_table(posts: list[Post], width: int) -> Table:
    """A table with one row per post; narrow terminals drop the authors and outlet columns."""
    wide = width >= WIDE
    table = Table(box=None, header_style="bold", pad_edge=False, expand=False, padding=(0, 1, 1, 0))
    table.add_column("date", no_wrap=True, style="cyan", min_width=10)
    table.add_column("id", overflow="fold", style="dim", max_width=max(16, width // 4))
    table.add_column("title · summary", ratio=4, min_width=24)
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
