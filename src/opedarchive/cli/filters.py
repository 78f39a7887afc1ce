"""The post filters that `list` and `summary` share: one definition of each option."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from opedarchive.errors import UsageError

if TYPE_CHECKING:
    from opedarchive.errors import PostFileError
    from opedarchive.select import PostFilter

Author = Annotated[str | None, typer.Option(help="Posts by an author (any part of the name).")]
Tag = Annotated[str | None, typer.Option(help="Posts with this tag.")]
Lang = Annotated[str | None, typer.Option(help="Posts that have a version in this language.")]
Outlet = Annotated[str | None, typer.Option(help="Posts published in this outlet (any part of its name).")]
Kind = Annotated[str | None, typer.Option(help="op-ed, letter, statement, …")]
Since = Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Posts on or after this date.")]
Until = Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Posts on or before this date.")]
Year = Annotated[int | None, typer.Option(help="Posts of this year.")]
Untranslated = Annotated[bool, typer.Option("--untranslated", help="Only posts in a single language.")]
NeedsTranslation = Annotated[bool, typer.Option("--needs-translation", help="Only posts lacking one of the archive's languages (in an archive of two languages: those of --untranslated, and any whose one other version is in a third language).")]
Outdated = Annotated[bool, typer.Option("--outdated", help="Only posts with a translation whose original's words changed since it was translated (see 'opedarchive translated').")]


def parse_day(value: str | None, option: str) -> date | None:
    """An option's YYYY-MM-DD value as a date (None stays None)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None


def post_filter(
    author: str | None, tag: str | None, lang: str | None, outlet: str | None, kind: str | None,
    since: str | None, until: str | None, year: int | None, untranslated: bool,
    needs_translation: bool = False, outdated: bool = False, languages: list[str] | None = None,
) -> PostFilter:
    """The filter the options describe (`languages`: the archive's, for --needs-translation)."""
    from opedarchive.select import PostFilter

    return PostFilter(
        author=author, tag=tag, lang=lang, outlet=outlet, kind=kind,
        since=parse_day(since, "--since"), until=parse_day(until, "--until"),
        year=year, untranslated=untranslated,
        needs_translation=tuple(languages or ()) if needs_translation else None, outdated=outdated,
    )


def warn_skipped(problems: list[PostFileError]) -> None:
    """One warning on stderr per post file that could not be read."""
    from opedarchive.cli.common import warn

    for problem in problems:
        warn(f"skipped {problem}")
