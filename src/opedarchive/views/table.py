"""The `list` table: date, id, title, authors, outlet, languages and a one-line summary."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from opedarchive.model import Post
from opedarchive.serialize import post_summary


def post_table(posts: list[Post], *, summaries: bool = True) -> Table:
    """A table with one row per post."""
    table = Table(box=None, header_style="bold", pad_edge=False, expand=False)
    table.add_column("date", no_wrap=True, style="cyan")
    table.add_column("id", no_wrap=True, style="dim", overflow="fold")
    table.add_column("title", ratio=3, min_width=20)
    table.add_column("authors", ratio=1)
    table.add_column("outlet", ratio=1)
    table.add_column("lang", no_wrap=True, style="green")
    if summaries:
        table.add_column("summary", ratio=4, overflow="ellipsis", no_wrap=True, max_width=60)
    for post in posts:
        original = post.original
        row: list[str | Text] = [
            original.day.isoformat(),
            post.id,
            Text(original.title),
            Text(", ".join(original.authors or post.list_field("authors"))),
            Text(post.field("outlet")),
            " ".join(post.languages),
        ]
        if summaries:
            row.append(Text(post_summary(post)))
        table.add_row(*row)
    return table
