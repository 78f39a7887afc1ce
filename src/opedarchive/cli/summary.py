"""`summary`: the archive at a glance, with the filters of `list`."""

from __future__ import annotations

import sys
import time
from typing import Annotated, Any

import typer

from opedarchive.cli import filters
from opedarchive.cli.common import err, open_archive, out, print_json, say
from opedarchive.cli.paging import KhmerWidthOption, width_model

# Counting Khmer words shows its progress once it has taken this long.
PROGRESS_AFTER_S = 1.0


class CountingProgress:
    """The progress of counting Khmer words (`wordcounts`) on stderr, once it has taken more
    than PROGRESS_AFTER_S: a Rich bar on a terminal, else one line."""

    def __init__(self) -> None:
        self.started = 0.0
        self.bar: Any = None
        self.task: Any = None
        self.said = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == 0:
            self.started = now
            return
        if self.bar is None and not self.said and now - self.started > PROGRESS_AFTER_S and done < total:
            if sys.stderr.isatty():
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                    TimeElapsedColumn(), console=err(), transient=True)
                self.bar.start()
                self.task = self.bar.add_task("counting Khmer words (once)", total=total)
            else:
                say(f"Counting the Khmer words of {total:,} versions (once: they are kept in the index)…")
                self.said = True
        if self.bar is not None:
            self.bar.update(self.task, completed=done)
            if done >= total:
                self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


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
    needs_translation: filters.NeedsTranslation = False,
    outdated: filters.Outdated = False,
    latest: Annotated[int, typer.Option(min=0, help="How many of the newest posts to list.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON (see the README for its shape).")] = False,
    khmer_width: KhmerWidthOption = None,
) -> None:
    """The archive at a glance: posts per year or month, authors, outlets, tags, translations."""
    from opedarchive.listing import summarize_posts

    archive = open_archive()
    flt = filters.post_filter(author, tag, lang, outlet, kind, since, until, year, untranslated,
                              needs_translation, outdated, archive.config.languages)
    progress = CountingProgress()
    try:
        figures, problems = summarize_posts(archive, flt, latest=latest, notice=say, progress=progress)
    finally:
        progress.close()
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
