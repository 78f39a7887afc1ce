"""`export`: the static website (`--html`), the data formats (`--json`, `--jsonl`, `--csv`,
`--markdown`) and citations (`--csl-json`, `--ris`, `--bibtex`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from opedarchive.cli import filters
from opedarchive.cli.common import open_archive, say, warn
from opedarchive.errors import OpedError, UsageError


def export(
    html: Annotated[bool, typer.Option("--html", help="Build the static website in the --output folder.")] = False,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="DIR", help="The website's folder (for --html).")] = Path("site"),
    json_file: Annotated[str | None, typer.Option("--json", metavar="FILE", help="All posts as one JSON array ('-' for stdout).")] = None,
    jsonl_file: Annotated[str | None, typer.Option("--jsonl", metavar="FILE", help="One JSON object per line and post ('-' for stdout).")] = None,
    csv_file: Annotated[str | None, typer.Option("--csv", metavar="FILE", help="One CSV row per version of a post ('-' for stdout).")] = None,
    csl_json_file: Annotated[str | None, typer.Option("--csl-json", metavar="FILE", help="Citations as CSL-JSON, one item per version ('-' for stdout).")] = None,
    ris_file: Annotated[str | None, typer.Option("--ris", metavar="FILE", help="Citations as RIS, one record per version ('-' for stdout).")] = None,
    bibtex_file: Annotated[str | None, typer.Option("--bibtex", metavar="FILE", help="Citations as BibTeX/biblatex, one entry per version ('-' for stdout).")] = None,
    markdown_dir: Annotated[Path | None, typer.Option("--markdown", metavar="DIR", help="A Hugo-ready folder: content/, hugo.toml and minimal layouts.")] = None,
    clean: Annotated[bool, typer.Option("--clean", help="Rebuild folders (--html, --markdown) from scratch instead of updating what changed.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Export into a folder that holds other files (--html, --markdown); they are never replaced.")] = False,
    drafts: Annotated[bool, typer.Option("--drafts", help="Publish posts marked 'draft: true' too (--html, --markdown and the citation formats leave them out).")] = False,
    pdf_file: Annotated[Path | None, typer.Option("--pdf", metavar="FILE", help="A booklet of the selected posts as PDF: title page, contents, two languages side by side.")] = None,
    epub_file: Annotated[Path | None, typer.Option("--epub", metavar="FILE", help="The same booklet as an EPUB e-book.")] = None,
    stacked: Annotated[bool, typer.Option("--stacked", help="Booklets: a post's languages one after the other, not side by side.")] = False,
    ids: Annotated[list[str] | None, typer.Argument(metavar="[ID]...", help="Booklets: these posts (ids or unique prefixes), in this order.", show_default=False)] = None,
    author: filters.Author = None,
    tag: filters.Tag = None,
    lang: filters.Lang = None,
    outlet: filters.Outlet = None,
    kind: filters.Kind = None,
    since: filters.Since = None,
    until: filters.Until = None,
    year: filters.Year = None,
    untranslated: filters.Untranslated = False,
) -> None:
    """Export the archive: a static website that works from file://, JSON, JSONL, CSV, a Hugo
    content folder, or citations for reference managers (CSL-JSON, RIS, BibTeX). A re-export
    rewrites only what changed and removes pages of deleted posts. The website, the Hugo folder
    and the citations leave out drafts (--drafts to include them); JSON, JSONL and CSV hold
    every post."""
    from opedarchive.export import export as run_export
    from opedarchive.export import exporter, selected

    jobs: list[tuple[str, str | Path]] = [(name, target) for name, target in (
        ("json", json_file), ("jsonl", jsonl_file), ("csv", csv_file), ("markdown", markdown_dir),
        ("csl-json", csl_json_file), ("ris", ris_file), ("bibtex", bibtex_file),
    ) if target is not None]
    if html:
        jobs.append(("html", output))
    from opedarchive.select import PostFilter

    flt = filters.post_filter(author, tag, lang, outlet, kind, since, until, year, untranslated)
    books = [(name, target) for name, target in (("pdf", pdf_file), ("epub", epub_file)) if target is not None]
    if books or ids or stacked or flt != PostFilter():
        from opedarchive.cli.booklets import export_booklets

        export_booklets(books, ids or [], flt, stacked=stacked, drafts=drafts)
        if not jobs:
            return
    if not jobs:
        raise UsageError("nothing to export: give --html, --json FILE, --jsonl FILE, --csv FILE, --markdown DIR, "
                         "--csl-json FILE, --ris FILE or --bibtex FILE")
    if sum(1 for _, target in jobs if str(target) == "-") > 1:
        raise UsageError("only one format can go to stdout ('-')")
    archive = open_archive()
    if html:
        from opedarchive.checking import conflicts

        conflicted = conflicts(archive)
        if conflicted:
            where = f"{conflicted[0].path}:{conflicted[0].line}"
            if len(conflicted) == 1:
                raise OpedError(f"not publishing: {where} holds an unresolved git merge conflict; "
                                "resolve it, then run 'opedarchive check'")
            raise OpedError(f"not publishing: {len(conflicted)} files hold unresolved git merge conflicts "
                            f"(the first: {where}); resolve them, then run 'opedarchive check'")
    posts = None
    if any(name != "html" for name, _ in jobs):
        loaded = archive.load()
        posts = loaded.posts
        for problem in loaded.problems:
            warn(f"{problem} (skipped)")
    for name, target in jobs:
        if str(target) == "-":
            for chunk in exporter(name).chunks(archive, selected(name, posts or [], drafts=drafts)):
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
