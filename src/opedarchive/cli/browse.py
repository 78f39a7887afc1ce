"""`list` and `show`: reading the archive."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from opedarchive.cli import filters
from opedarchive.cli.common import complete_post_id, open_archive, out, print_json, say
from opedarchive.cli.paging import KhmerWidthOption, print_paged, width_model
from opedarchive.errors import OpedError, UsageError

if TYPE_CHECKING:
    from opedarchive.archive import Archive
    from opedarchive.model import Post


class SortKey(str, Enum):
    DATE = "date"
    TITLE = "title"
    ID = "id"
    OUTLET = "outlet"


def list_posts(
    author: filters.Author = None,
    tag: filters.Tag = None,
    lang: filters.Lang = None,
    outlet: filters.Outlet = None,
    kind: filters.Kind = None,
    since: filters.Since = None,
    until: filters.Until = None,
    year: filters.Year = None,
    untranslated: filters.Untranslated = False,
    needs_translation: filters.NeedsTranslation = False,
    outdated: filters.Outdated = False,
    sort: Annotated[SortKey, typer.Option(help="Order: date (newest first), title, id or outlet.")] = SortKey.DATE,
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many posts.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array (see the README for its shape).")] = False,
) -> None:
    """List posts as a table, newest first, with filters."""
    from opedarchive.listing import select_posts
    from opedarchive.serialize import post_json

    archive = open_archive()
    flt = filters.post_filter(author, tag, lang, outlet, kind, since, until, year, untranslated,
                              needs_translation, outdated, archive.config.languages)
    selection = select_posts(archive, flt, sort.value, reverse, limit, notice=say)
    filters.warn_skipped(selection.problems)
    posts, total = selection.posts, selection.total
    if as_json:
        print_json([post_json(p, archive.root, languages=archive.config.languages) for p in posts])
        return
    if not posts:
        print("No posts match." if total else "The archive is empty: add posts with 'opedarchive add' or 'opedarchive import'.", file=sys.stderr)
        return
    from opedarchive.views.shown import shown_post
    from opedarchive.views.table import post_table

    console = out()
    console.print(post_table([shown_post(post) for post in posts], console.width), crop=False)


def show(
    post_id: Annotated[str, typer.Argument(metavar="ID", help="A post id or any unique prefix of one.", autocompletion=complete_post_id)],
    lang: Annotated[str | None, typer.Option(help="Show only this language (default: every language).")] = None,
    langs: Annotated[str | None, typer.Option(metavar="LANG,LANG", help="The languages to show, in order, e.g. en,km (side by side: the first two).")] = None,
    side_by_side: Annotated[bool | None, typer.Option("--side-by-side/--stacked", help="Two languages in columns, paragraph against paragraph, or one after the other. Default: side by side when the terminal is at least 100 columns wide.", show_default=False)] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Print the file exactly as stored.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the post with every version's body and the paragraph alignment as JSON.")] = False,
    no_pager: Annotated[bool, typer.Option("--no-pager", help="Never page (default: $PAGER, else 'less -R', when the output is taller than the terminal).")] = False,
    khmer_width: KhmerWidthOption = None,
) -> None:
    """Show one post: its languages side by side on a wide terminal, else one after the other."""
    from opedarchive.serialize import post_json
    from opedarchive.summary import version_reading_minutes

    archive = open_archive()
    post = archive.get(archive.resolve(post_id))
    if lang and langs:
        raise UsageError("give --lang or --langs, not both")
    chosen = _chosen_languages(post, [lang] if lang else langs.split(",") if langs else None)
    if as_json:
        data = post_json(post, archive.root, bodies=True, languages=archive.config.languages)
        for entry, version in zip(data["versions"], post.versions.values(), strict=True):
            entry["reading_minutes"] = version_reading_minutes(version)
        print_json(data, ("alignment", _alignment_json(archive, post, chosen)))
        return
    if raw:
        from opedarchive.model import decode_post_bytes, read_limited
        from opedarchive.text.visible import visible_layout

        version = post.versions[chosen[0]]
        assert version.path is not None
        text = decode_post_bytes(read_limited(version.path), version.path)
        # As stored; on a terminal, what it would obey (a C1 control: CSI) is shown instead.
        sys.stdout.write(visible_layout(text) if sys.stdout.isatty() else text)
        return
    from opedarchive.views.post import render_stacked
    from opedarchive.views.shown import shown_post

    post = shown_post(post)  # what is drawn from here on: no control character reaches the terminal
    model = width_model(khmer_width, archive)
    versions = [post.versions[code] for code in chosen]
    wide = out().width >= SIDE_BY_SIDE_MIN_WIDTH
    if side_by_side and len(versions) < 2:
        raise UsageError(f"{post.id} has only one language to show ({versions[0].lang}); side by side needs two")
    if side_by_side and len(versions) > 2:
        raise UsageError("side by side shows two languages: give two to --langs")
    if len(versions) == 2 and (side_by_side or (side_by_side is None and wide)):
        from opedarchive.align import paragraph_alignment, paragraphs
        from opedarchive.views.sidebyside import SideBySide

        left, right = versions
        paras = paragraphs(left.body), paragraphs(right.body)
        pairs = paragraph_alignment(archive, *paras, left.lang, right.lang)
        print_paged(SideBySide(post, left, right, pairs, model, paras), paging=not no_pager)
    else:
        print_paged(render_stacked(post, versions, model), paging=not no_pager)


SIDE_BY_SIDE_MIN_WIDTH = 100


def _chosen_languages(post: Post, wanted: list[str] | None) -> list[str]:
    """The languages to show: those asked for, in that order (each must exist), else all."""
    if not wanted:
        return post.languages
    codes = [code.strip() for code in wanted if code.strip()]
    if not codes:
        raise UsageError("--langs: give language codes separated by commas, e.g. en,km")
    for code in codes:
        if code not in post.versions:
            raise OpedError(f"{post.id} has no '{code}' version (it has {', '.join(post.languages)})")
    return list(dict.fromkeys(codes))


def _alignment_json(archive: Archive, post: Post, chosen: list[str]) -> str:
    """`{"langs": [a, b], "pairs": [[[0], [0]], …]}` for the first two languages, else null: as
    JSON text, indented as `print_json` indents a key of the post (see `alignment_text`)."""
    if len(chosen) < 2:
        return "null"
    from opedarchive.align import alignment_for

    a, b = post.versions[chosen[0]], post.versions[chosen[1]]
    return alignment_text([a.lang, b.lang], alignment_for(archive, a.body, b.body, a.lang, b.lang))


def alignment_text(langs: list[str], pairs: Iterable[tuple[Sequence[int], Sequence[int]]]) -> str:
    """What `json.dumps({"langs": langs, "pairs": pairs}, ensure_ascii=False, indent=2)` writes for
    that dict as a value one level deep, written without json's encoder (which indents in Python,
    a call per list: 1 s for 100,000 pairs); a test holds the two equal."""
    def indexes(side: Sequence[int]) -> str:
        if not side:
            return "[]"
        return "[\n" + ",\n".join(f"          {i}" for i in side) + "\n        ]"

    rows = []
    for xs, ys in pairs:
        if len(xs) == 1 and len(ys) == 1:
            rows.append(f"      [\n        [\n          {xs[0]}\n        ],\n        [\n          {ys[0]}\n        ]\n      ]")
        else:
            rows.append(f"      [\n        {indexes(xs)},\n        {indexes(ys)}\n      ]")
    text = "[\n" + ",\n".join(rows) + "\n    ]" if rows else "[]"
    head = json.dumps(langs, ensure_ascii=False, indent=2).replace("\n", "\n    ")
    return f'{{\n    "langs": {head},\n    "pairs": {text}\n  }}'


def register(app: typer.Typer) -> None:
    app.command("list")(list_posts)
    app.command()(show)
