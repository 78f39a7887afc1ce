"""`import`: many posts at once from saved pages and (later) other formats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from opedarchive.cli.common import open_archive, print_json, say


def import_(
    sources: Annotated[list[Path], typer.Argument(metavar="SOURCE…", help="Files to import.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="auto, or one of: page.")] = "auto",
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would be written; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import posts; the format is detected unless given. Posts already in the archive (same
    text or same source URL) are skipped, so re-running an import adds nothing."""
    from opedarchive.importers import detect_format, reader
    from opedarchive.importing import run_import

    archive = open_archive()
    failed = 0
    reports = []
    for source in sources:
        if not source.exists():
            say(f"Error: {source}: no such file")
            raise typer.Exit(2)
        name = detect_format(source) if fmt == "auto" else fmt
        report = run_import(archive, reader(name)(source), dry_run=dry_run)
        reports.append((source, name, report))
        failed += len(report.failed)
    if as_json:
        print_json([
            {"source": str(src), "format": name, "dry_run": dry_run,
             "created": [{"id": i, "languages": langs} for i, langs in r.created],
             "skipped": [{"where": w, "reason": why} for w, why in r.skipped],
             "failed": [{"where": w, "reason": why} for w, why in r.failed]}
            for src, name, r in reports
        ])
    else:
        verb = "would create" if dry_run else "created"
        for _src, _name, report in reports:
            for notice in report.notices:
                say(f"Notice: {notice}")
            for ident, langs in report.created:
                print(f"{verb} {ident} ({', '.join(langs)})")
            for where, why in report.skipped:
                say(f"skipped {where}: {why}")
            for where, why in report.failed:
                say(f"failed {where}: {why}")
        created = sum(len(r.created) for _, _, r in reports)
        skipped = sum(len(r.skipped) for _, _, r in reports)
        say(f"{created} {verb}, {skipped} skipped, {failed} failed" + (" (dry run: nothing written)" if dry_run else ""))
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
