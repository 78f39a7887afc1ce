"""`import`: many posts at once from saved pages, WordPress exports, feeds, Markdown folders and
our own JSON exports."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opedarchive.cli.common import echo, open_archive, print_json, say

if TYPE_CHECKING:
    from opedarchive.importers.base import ImportItem
    from opedarchive.importing import ImportReport

# Imports of more posts than this show a progress bar (on a terminal only).
PROGRESS_AFTER = 50


class Progress:
    """A Rich progress bar on stderr, shown once an import passes PROGRESS_AFTER items (at once
    when the source says it holds more); never when stderr is not a terminal."""

    def __init__(self, label: str, total: int | None) -> None:
        self.label = label
        self.total = total
        self.seen = 0
        self.bar: Any = None
        self.task: Any = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, item: ImportItem) -> None:
        self.seen += 1
        if not self.enabled:
            return
        if self.bar is None and (self.seen > PROGRESS_AFTER or (self.total or 0) > PROGRESS_AFTER):
            self._start()
        if self.bar is not None:
            self.bar.update(self.task, completed=self.seen)

    def _start(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from opedarchive.cli.common import err

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=err(), transient=True)
        self.bar.start()
        from opedarchive.text.visible import visible

        self.task = self.bar.add_task(f"importing {visible(self.label)}", total=self.total, completed=self.seen)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _report_json(source: str, name: str, report: ImportReport, dry_run: bool) -> dict[str, Any]:
    return {
        "source": str(source), "format": name, "dry_run": dry_run,
        "created": [{"id": i, "languages": langs} for i, langs in report.created],
        "added": [{"id": i, "languages": langs} for i, langs in report.added],
        "skipped": [{"where": w, "reason": why} for w, why in report.skipped],
        "failed": [{"where": w, "reason": why} for w, why in report.failed],
        "left_out": [{"where": w, "what": what, "count": n} for w, what, n in report.left_out],
        "notices": report.notices,
    }


def _print_report(report: ImportReport, dry_run: bool) -> None:
    verb = "would create" if dry_run else "created"
    for notice in report.notices:
        say(f"Notice: {notice}")
    for ident, langs in report.created:
        echo(f"{verb} {ident} ({', '.join(langs)})")
    for ident, langs in report.added:
        echo(f"{'would add' if dry_run else 'added'} {', '.join(langs)} to {ident}")
    for where, why in report.skipped:
        say(f"skipped {where}: {why}")
    for where, why in report.failed:
        say(f"failed {where}: {why}" if where else f"failed: {why}")


def _fetched(stack: contextlib.ExitStack, url: str) -> Path:
    """A source on the web in a temporary file, removed when the import ends."""
    from opedarchive.fetch.http import downloaded

    return stack.enter_context(downloaded(url))


def _detect(detect: Callable[[Path], str], path: Path, given: str) -> str:
    """The format of a source, errors naming it as given (a URL, not its temporary file)."""
    from opedarchive.errors import ImportFormatError

    try:
        return detect(path)
    except ImportFormatError as exc:
        raise ImportFormatError(str(exc).replace(str(path), given)) from None


def _rename_source(report: ImportReport, temp: str, given: str) -> None:
    """Places in a report name the URL imported, not the temporary file it was read from."""
    report.skipped = [(w.replace(temp, given), why.replace(temp, given)) for w, why in report.skipped]
    report.failed = [(w.replace(temp, given), why.replace(temp, given)) for w, why in report.failed]
    report.notices = [n.replace(temp, given) for n in report.notices]
    report.left_out = [(w.replace(temp, given), what, n) for w, what, n in report.left_out]


def import_(
    sources: Annotated[list[str], typer.Argument(metavar="SOURCE…", help="Files, folders or http(s) URLs (a feed, a WordPress export) to import.")],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="auto (detect it), page, wxr, feed, jsonfeed, markdown, json or jsonl.")] = "auto",
    include_pages: Annotated[bool, typer.Option("--include-pages", help="Also import pages (and WordPress attachments), not only posts.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would be written; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import posts: a saved blog page, a WordPress export (WXR), an RSS or Atom feed, a folder of
    Markdown files (Hugo, Jekyll, Pelican) or our own JSON/JSONL export; the format is detected
    unless given. Translations are paired. Posts already in the archive (same text or same
    source URL) are skipped, so re-running an import adds nothing."""
    from opedarchive.fetch.http import is_url
    from opedarchive.importers import detect_format, estimate_count, read_source, reader
    from opedarchive.importing import existing_keys, run_import

    archive = open_archive()
    for given in sources:
        if not is_url(given) and not Path(given).exists():
            say(f"Error: {given}: no such file")
            raise typer.Exit(2)
    if fmt != "auto":
        reader(fmt)  # an unknown name is a usage error (exit 2) before anything is read
    with contextlib.ExitStack() as stack:
        # Sources on the web are fetched (each into a temporary file) before anything is written.
        paths = [_fetched(stack, given) if is_url(given) else Path(given) for given in sources]
        names = [_detect(detect_format, path, given) if fmt == "auto" else fmt for path, given in zip(paths, sources, strict=True)]
        reports = []
        # A dry run writes nothing: the sources share what the archive would hold after each.
        seen = existing_keys(archive) if dry_run and len(sources) > 1 else None
        for path, given, name in zip(paths, sources, names, strict=True):
            progress = Progress(given, estimate_count(name, path) if sys.stderr.isatty() else None)
            try:
                report = run_import(archive, read_source(name, path, include_pages=include_pages),
                                    dry_run=dry_run, on_item=progress, seen=seen)
            finally:
                progress.close()
            if is_url(given):
                _rename_source(report, str(path), given)
            reports.append((given if is_url(given) else str(path), name, report))
            if not as_json:
                _print_report(report, dry_run)
    failed = sum(len(r.failed) for _, _, r in reports)
    if as_json:
        print_json([_report_json(src, name, r, dry_run) for src, name, r in reports])
    else:
        verb = "would create" if dry_run else "created"
        created = sum(len(r.created) for _, _, r in reports)
        added = sum(len(r.added) for _, _, r in reports)
        skipped = sum(len(r.skipped) for _, _, r in reports)
        left_out = sum(n for _, _, r in reports for _, _, n in r.left_out)
        extended = f", {added} translation(s) {'would be ' if dry_run else ''}added" if added else ""
        say(f"{created} {verb}{extended}, {skipped} skipped, {failed} failed"
            + (f", {left_out} left out" if left_out else "")
            + (" (dry run: nothing written)" if dry_run else ""))
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
