"""`list` and `show`: reading the archive."""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from typing import Annotated

import typer

from opedarchive.cli.common import open_archive, out, print_json, warn
from opedarchive.errors import OpedError, UsageError


class SortKey(str, Enum):
    DATE = "date"
    TITLE = "title"
    ID = "id"
    OUTLET = "outlet"


def _parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def list_posts(
    author: Annotated[str | None, typer.Option(help="Posts by an author (any part of the name).")] = None,
    tag: Annotated[str | None, typer.Option(help="Posts with this tag.")] = None,
    lang: Annotated[str | None, typer.Option(help="Posts that have a version in this language.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Posts published in this outlet (any part of its name).")] = None,
    kind: Annotated[str | None, typer.Option(help="op-ed, letter, statement, …")] = None,
    since: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Posts on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Posts on or before this date.")] = None,
    year: Annotated[int | None, typer.Option(help="Posts of this year.")] = None,
    untranslated: Annotated[bool, typer.Option("--untranslated", help="Only posts in a single language.")] = False,
    sort: Annotated[SortKey, typer.Option(help="Order: date (newest first), title, id or outlet.")] = SortKey.DATE,
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many posts.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array (see the README for its shape).")] = False,
) -> None:
    """List posts as a table, newest first, with filters."""
    from opedarchive.select import PostFilter, sort_posts
    from opedarchive.serialize import post_json

    archive = open_archive()
    flt = PostFilter(
        author=author, tag=tag, lang=lang, outlet=outlet, kind=kind,
        since=_parse_day(since, "--since"), until=_parse_day(until, "--until"),
        year=year, untranslated=untranslated,
    )
    result = archive.load()
    for problem in result.problems:
        warn(f"skipped {problem}")
    posts = sort_posts([p for p in result.posts if flt.matches(p)], sort.value, reverse)
    if limit:
        posts = posts[:limit]
    if as_json:
        print_json([post_json(p, archive.root) for p in posts])
        return
    if not posts:
        print("No posts match." if result.posts else "The archive is empty: add posts with 'opedarchive add' or 'opedarchive import'.", file=sys.stderr)
        return
    from opedarchive.views.table import post_table

    console = out()
    console.print(post_table(posts, console.width))


def show(
    post_id: Annotated[str, typer.Argument(metavar="ID", help="A post id or any unique prefix of one.")],
    lang: Annotated[str | None, typer.Option(help="The language to show (default: the original).")] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Print the file exactly as stored.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the post with every version's body as JSON.")] = False,
) -> None:
    """Show one post."""
    from opedarchive.serialize import post_json

    archive = open_archive()
    post = archive.get(archive.resolve(post_id))
    if as_json:
        print_json(post_json(post, archive.root, bodies=True))
        return
    version = post.versions.get(lang) if lang else post.original
    if version is None:
        raise OpedError(f"{post.id} has no '{lang}' version (it has {', '.join(post.languages)})")
    if raw:
        assert version.path is not None
        sys.stdout.write(version.path.read_text(encoding="utf-8"))
        return
    from opedarchive.views.post import render_version

    out().print(render_version(post, version))


def register(app: typer.Typer) -> None:
    app.command("list")(list_posts)
    app.command()(show)
