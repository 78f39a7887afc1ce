"""`summary`: the archive at a glance, with the filters of `list`."""

from __future__ import annotations

from typing import Annotated

import typer

from opedarchive.cli import filters
from opedarchive.cli.common import open_archive, out, print_json, say
from opedarchive.cli.paging import KhmerWidthOption, width_model


def summary(
    author: filters.Author = None,
    tag: filters.Tag = None,
    lang: filters.Lang = None,
    outlet: filters.Outlet = None,
    kind: filters.Kind = None,
    since: filters.Since = None,
    until: filters.Until = None,
    year: filters.Year = None,
    untranslated: filters.Untranslated = False,
    latest: Annotated[int, typer.Option(min=0, help="How many of the newest posts to list.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON (see the README for its shape).")] = False,
    khmer_width: KhmerWidthOption = None,
) -> None:
    """The archive at a glance: posts per year or month, authors, outlets, tags, translations."""
    from opedarchive.listing import summarize_posts

    archive = open_archive()
    flt = filters.post_filter(author, tag, lang, outlet, kind, since, until, year, untranslated)
    figures, problems = summarize_posts(archive, flt, latest=latest, notice=say)
    filters.warn_skipped(problems)
    if as_json:
        print_json(figures.to_json())
        return
    from opedarchive.text.visible import visible
    from opedarchive.views.shown import shown_summary
    from opedarchive.views.summary import render_summary

    model = width_model(khmer_width, archive)
    by_month = year is not None or len(figures.by_year) == 1
    out().print(render_summary(shown_summary(figures), visible(archive.config.title), model, by_month=by_month))


def register(app: typer.Typer) -> None:
    app.command()(summary)
