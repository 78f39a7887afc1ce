"""`export`: the static website (`--html`) and the data formats (`--json`, `--jsonl`, `--csv`, `--markdown`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from opedarchive.cli.common import open_archive, say, warn
from opedarchive.errors import UsageError


def export(
    html: Annotated[bool, typer.Option("--html", help="Build the static website in the --output folder.")] = False,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="DIR", help="The website's folder (for --html).")] = Path("site"),
    json_file: Annotated[str | None, typer.Option("--json", metavar="FILE", help="All posts as one JSON array ('-' for stdout).")] = None,
    jsonl_file: Annotated[str | None, typer.Option("--jsonl", metavar="FILE", help="One JSON object per line and post ('-' for stdout).")] = None,
    csv_file: Annotated[str | None, typer.Option("--csv", metavar="FILE", help="One CSV row per version of a post ('-' for stdout).")] = None,
    markdown_dir: Annotated[Path | None, typer.Option("--markdown", metavar="DIR", help="A Hugo-ready folder: content/, hugo.toml and minimal layouts.")] = None,
    clean: Annotated[bool, typer.Option("--clean", help="Rebuild folders (--html, --markdown) from scratch instead of updating what changed.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Export into a folder that holds other files (--html, --markdown); they are never replaced.")] = False,
    drafts: Annotated[bool, typer.Option("--drafts", help="Publish posts marked 'draft: true' too (--html, --markdown leave them out).")] = False,
) -> None:
    """Export the archive: a static website that works from file://, and JSON, JSONL, CSV or a
    Hugo content folder. A re-export rewrites only what changed and removes pages of deleted posts.
    The website and the Hugo folder leave out drafts (--drafts to include them); JSON, JSONL and
    CSV hold every post."""
    from opedarchive.export import export as run_export
    from opedarchive.export import exporter

    jobs: list[tuple[str, str | Path]] = [(name, target) for name, target in (
        ("json", json_file), ("jsonl", jsonl_file), ("csv", csv_file), ("markdown", markdown_dir),
    ) if target is not None]
    if html:
        jobs.append(("html", output))
    if not jobs:
        raise UsageError("nothing to export: give --html, --json FILE, --jsonl FILE, --csv FILE or --markdown DIR")
    if sum(1 for _, target in jobs if str(target) == "-") > 1:
        raise UsageError("only one format can go to stdout ('-')")
    archive = open_archive()
    posts = None
    if any(name != "html" for name, _ in jobs):
        loaded = archive.load()
        posts = loaded.posts
        for problem in loaded.problems:
            warn(f"{problem} (skipped)")
    for name, target in jobs:
        if str(target) == "-":
            for chunk in exporter(name).chunks(archive, posts or []):
                sys.stdout.write(chunk)
            continue
        # The website reads the archive itself: a re-export reads only the files that changed.
        result = run_export(name, archive, None if name == "html" else posts, Path(target), clean=clean,
                            drafts=drafts, force=force)
        if posts is None:
            for note in result.notes:
                warn(f"{note} (skipped)")
        what = f"{result.posts} post{'' if result.posts == 1 else 's'}"
        if exporter(name).KIND == "dir":
            say(f"{name}: {what} in {result.target}: {result.written} file(s) written, "
                f"{result.unchanged} unchanged, {result.removed} removed")
        else:
            say(f"{name}: {what} {'written to' if result.written else 'unchanged in'} {result.target}")
        if name == "html" and result.entry is not None:
            print(os.path.abspath(result.entry))

def register(app: typer.Typer) -> None:
    app.command()(export)
