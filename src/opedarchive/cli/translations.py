"""`translated`: marking a translation as up to date with its original again, after review."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from opedarchive.cli.common import complete_post_id, open_archive, say


def translated(
    post_id: Annotated[str, typer.Argument(metavar="ID", help="A post id or any unique prefix of one.", autocompletion=complete_post_id)],
    lang: Annotated[str, typer.Option(help="The translation that now matches its original (e.g. km).")],
) -> None:
    """Mark a translation as up to date: it records its original's text as it is now, so
    'list --outdated' and the website stop calling it outdated."""
    from opedarchive.translation import mark_translated

    archive = open_archive()
    resolved = archive.resolve(post_id)
    path, changed = mark_translated(archive, archive.get(resolved), lang)
    where = os.path.relpath(path, archive.root)
    say(f"{where}: marked as translating the original as it is now" if changed
        else f"{where}: already records the original as it is now; nothing changed")


def register(app: typer.Typer) -> None:
    app.command()(translated)
