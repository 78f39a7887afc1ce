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
    git: Annotated[bool, typer.Option("--git", help="Share it through git: 'git init' (unless it is in a repository already), the index in .gitignore, and a pre-commit hook that runs 'opedarchive check'. Works on an existing archive too.")] = False,
) -> None:
    """Make an empty archive: opedarchive.toml, posts/ and a .gitignore."""
    from opedarchive.archive import Archive
    from opedarchive.paths import CONFIG_NAME, ENV_VAR

    # Not the nearest archive upward, as other commands find one: a new archive goes here.
    root = path or State.archive_path or Path(os.environ.get(ENV_VAR) or "archive")
    if not (git and (root / CONFIG_NAME).is_file()):
        Archive.init(root, title)
        say(f"Created an empty archive in {root}")
    if git:
        from opedarchive.cli.common import warn
        from opedarchive.sharing import set_up_git

        setup = set_up_git(root)
        for line in setup.done:
            say(line)
        for line in setup.warnings:
            warn(line)


def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as a JSON array.")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Record in each translation added by hand which text of its original it translates (its original as it is now); nothing else is changed.")] = False,
) -> None:
    """Validate every post file: required keys, dates, lang against the file name, YAML
    (with its line), git conflict markers, duplicate ids, files outside posts/YYYY/, NFC
    text. One line per problem; exit 1 if any."""
    from opedarchive import checking

    archive = open_archive()
    report = checking.check(archive)
    checked, problems = report.checked, report.problems
    if fix:
        for path in checking.fix(archive, report):
            say(f"Recorded the original text {path} translates")
    elif report.unrecorded and not as_json:
        n = len(report.unrecorded)
        say(f"{n} post{'s' if n != 1 else ''} with a translation that records no original text: "
            "'opedarchive check --fix' records it.")
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
