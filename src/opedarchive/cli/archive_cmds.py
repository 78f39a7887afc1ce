"""`init` and `check`: making an archive and validating every file in it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from opedarchive.cli.common import State, echo, open_archive, print_json, say


def init(
    path: Annotated[Path | None, typer.Argument(help="Folder for the new archive. Default: --archive, else $OPEDARCHIVE_DIR, else ./archive.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="The archive's title (shown on the website).")] = None,
) -> None:
    """Make an empty archive: opedarchive.toml, posts/ and a .gitignore."""
    from opedarchive.archive import Archive

    from opedarchive.paths import ENV_VAR

    # Not the nearest archive upward, as other commands find one: a new archive goes here.
    root = path or State.archive_path or Path(os.environ.get(ENV_VAR) or "archive")
    Archive.init(root, title)
    say(f"Created an empty archive in {root}")


def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as a JSON array.")] = False,
) -> None:
    """Validate every post file: required keys, dates, lang against the file name, YAML
    (with its line), duplicate ids, NFC text. One line per problem; exit 1 if any."""
    from opedarchive.checking import check_archive

    archive = open_archive()
    checked, problems = check_archive(archive)
    if as_json:
        print_json([{"path": p.path, "line": p.line, "message": p.message} for p in problems])
    else:
        for problem in problems:
            echo(str(problem))
        say(f"{checked} files checked, {len(problems)} problem{'s' if len(problems) != 1 else ''}.")
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(check)
