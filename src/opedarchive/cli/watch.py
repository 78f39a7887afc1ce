"""`watch`: keep the search index fresh from file-system events, for big archives."""

from __future__ import annotations

import signal
from typing import Annotated, Any

import typer

from opedarchive.cli.common import open_archive, say
from opedarchive.errors import OpedError


def watch(
    status: Annotated[bool, typer.Option("--status", help="Tell whether a watcher is running for the archive (exit 0 if one is, 1 if not).")] = False,
) -> None:
    """Keep the search index up to date as post files change, until Ctrl-C.

    While it runs, search, list and summary trust the index instead of checking every post
    file (0.38–0.52 s at 100,000 posts, docs/search.md); when it is not running, they check the files.
    """
    from opedarchive.watching import Watcher, watcher_status

    archive = open_archive()
    if status:
        found = watcher_status(archive)
        if found is None:
            say(f"No watcher is running for {archive.root}.")
            raise typer.Exit(1)
        say(f"A watcher is running for {archive.root} (pid {found.pid}, since {found.started}; "
            f"last heartbeat {found.heartbeat_age:.1f} s ago).")
        return

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        import watchfiles  # noqa: F401
    except ImportError:
        raise OpedError("watch needs the watchfiles package: pip install 'watchfiles>=0.21'") from None
    signal.signal(signal.SIGTERM, stop)

    def ready(files: int) -> None:
        say(f"Watching {archive.root}: the index is up to date ({files} post files). Stop with Ctrl-C.")

    try:
        Watcher(archive, log=say).run(ready=ready)
    except KeyboardInterrupt:
        say("Stopped watching.")


def register(app: typer.Typer) -> None:
    app.command()(watch)
