"""`serve`: a live preview of the website, built again and reloaded in the browser as files change."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated, Any

import typer

from opedarchive.cli.common import open_archive, say


def serve(
    port: Annotated[int | None, typer.Option("--port", "-p", metavar="N", min=0, max=65535, help="The port (default 8000, or the next free one; 0 picks any free port).")] = None,
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="The address to listen on; only this machine can connect to the default.")] = "127.0.0.1",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="DIR", help="Build the site in DIR (as 'export --html -o DIR') instead of the archive's .opedarchive/serve-site/.")] = None,
    drafts: Annotated[bool, typer.Option("--drafts", help="Show posts marked 'draft: true' too.")] = False,
) -> None:
    """Preview the website while you write: it is built again when a post changes, and the open
    page reloads itself.

    The site is built as 'export --html' builds it and served at http://127.0.0.1:8000/; it is
    built again when a post file or opedarchive.toml changes. Stop with Ctrl-C.

    A post file that cannot be read is named in one line and the last good build stays online
    until it is fixed. The reload script is added to the pages as they are sent; the files
    built are those of 'export --html'.
    """
    from opedarchive.site.serve import SITE_NAME, Build, Preview

    archive = open_archive()
    target = output if output is not None else archive.data_dir / SITE_NAME
    preview = Preview(archive.root, target, drafts=drafts, log=say)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    url = preview.listen(host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"Listening on {host}: other machines that can reach it can read the site.")
    say(f"Serving {url} (building the site in {target} first)")

    def ready(build: Build) -> None:
        posts = f"{build.result.posts} post{'' if build.result.posts == 1 else 's'}"
        say(f"Built {posts} in {build.seconds:.1f} s; watching {archive.root} for changes. Stop with Ctrl-C.")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        preview.run(ready)
    except KeyboardInterrupt:
        say("Stopped serving.")
    finally:
        preview.close()
        signal.signal(signal.SIGTERM, previous)


def register(app: typer.Typer) -> None:
    app.command()(serve)
