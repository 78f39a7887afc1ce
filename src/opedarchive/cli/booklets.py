"""`export --pdf FILE` / `--epub FILE`: the booklet of the posts that ids or the filters of `list`
select (the options live on `export`; this turns them into a booklet)."""

from __future__ import annotations

from pathlib import Path

from opedarchive.cli.common import open_archive, say, warn
from opedarchive.errors import UsageError
from opedarchive.select import PostFilter


def export_booklets(targets: list[tuple[str, Path]], ids: list[str], flt: PostFilter, *, stacked: bool,
                    drafts: bool) -> None:
    """Write each booklet (format name, file) of the selected posts; one line on stderr each."""
    from opedarchive.export import export as run_export
    from opedarchive.export.booklet import BookletOptions, describe, select

    if not targets:
        raise UsageError("post ids, --stacked and the filters (--author, --tag, --year, …) choose what goes "
                         "into a booklet: give --pdf FILE or --epub FILE")
    archive = open_archive()
    loaded = archive.load()
    for problem in loaded.problems:
        warn(f"{problem} (skipped)")
    named = None
    if ids:
        named = [archive.get(archive.resolve(post_id)) for post_id in dict.fromkeys(ids)]
    posts = select(loaded.posts, flt, named)
    if not posts:
        raise UsageError("no post matches: the booklet would be empty")
    options = BookletOptions(title=archive.config.title, selection=describe(flt, ids), stacked=stacked)
    for name, target in targets:
        result = run_export(name, archive, posts, target, drafts=drafts, booklet=options)
        what = f"{result.posts} post{'' if result.posts == 1 else 's'}"
        say(f"{name}: {what} {'written to' if result.written else 'unchanged in'} {result.target}")

