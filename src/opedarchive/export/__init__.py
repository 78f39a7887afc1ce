"""Exporters: one module per format, in a registry keyed by format name (`export --html`, `--json`, …).

Every module holds `NAME`, `KIND` (`"file"` or `"dir"`) and
`export(archive, posts, target, *, clean=False) -> ExportResult` (`KIND = "booklet"`, pdf and
epub: `export(archive, posts, target, *, options=BookletOptions)`); file formats also have
`chunks(archive, posts)`, the text in pieces (for stdout). The html exporter takes `posts=None`
to read the archive itself, only the files that changed since its last export.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from opedarchive.errors import UsageError
from opedarchive.export.base import ExportResult

if TYPE_CHECKING:
    from opedarchive.archive import Archive
    from opedarchive.export.booklet import BookletOptions
    from opedarchive.model import Post

# Format name → module; imported only when that format is asked for (start-up time).
REGISTRY: dict[str, str] = {
    "html": "opedarchive.export.html",
    "json": "opedarchive.export.jsonfile",
    "jsonl": "opedarchive.export.jsonlines",
    "csv": "opedarchive.export.csvfile",
    "markdown": "opedarchive.export.markdown",
    "csl-json": "opedarchive.export.csljson",
    "ris": "opedarchive.export.ris",
    "bibtex": "opedarchive.export.bibtex",
    "pdf": "opedarchive.export.pdf",
    "epub": "opedarchive.export.epub",
}


def exporter(name: str) -> ModuleType:
    """The module of the named format."""
    if name not in REGISTRY:
        raise UsageError(f"unknown export format '{name}' (known: {', '.join(REGISTRY)})")
    return importlib.import_module(REGISTRY[name])


# The formats that publish: drafts are left out of them unless asked for. The data formats
# (json, jsonl, csv) are the archive's own backups and keep everything. A citation points
# readers to a published text, and a bibliography is shared: drafts stay out of those too.
PUBLISHING = ("html", "markdown", "csl-json", "ris", "bibtex", "pdf", "epub")


def export(name: str, archive: Archive, posts: list[Post] | None, target: Path, *,
           clean: bool = False, drafts: bool = False, force: bool = False,
           booklet: BookletOptions | None = None) -> ExportResult:
    """Write `posts` in the named format to `target` (a file or a folder, by format). The
    website, the Hugo folder and the booklets (pdf, epub: `booklet` says how) leave out
    versions marked `draft: true` unless `drafts`."""
    if name == "html":
        from opedarchive.export import html

        return html.export(archive, posts, target, clean=clean, drafts=drafts, force=force)
    if posts is not None:
        posts = selected(name, posts, drafts=drafts)
    module = exporter(name)
    if module.KIND == "booklet":
        booklet_result: ExportResult = module.export(archive, posts or [], target, options=booklet)
        return booklet_result
    if module.KIND == "dir":
        result: ExportResult = module.export(archive, posts, target, clean=clean, force=force)
    else:
        result = module.export(archive, posts, target, clean=clean)
    return result


def selected(name: str, posts: list[Post], *, drafts: bool = False) -> list[Post]:
    """The posts the named format holds: without drafts for a publishing format (unless `drafts`)."""
    return published(posts) if name in PUBLISHING and not drafts else posts


def published(posts: list[Post]) -> list[Post]:
    """The posts without their draft versions (and without the posts that are drafts only)."""
    from opedarchive.model import Post, is_draft

    out = []
    for post in posts:
        versions = {lang: v for lang, v in post.versions.items() if not is_draft(v)}
        if len(versions) == len(post.versions):
            out.append(post)
        elif versions:
            out.append(Post(post.id, versions))
    return out


__all__ = ["PUBLISHING", "REGISTRY", "ExportResult", "export", "exporter", "published", "selected"]
