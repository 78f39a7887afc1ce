"""Exporters: one module per format, in a registry keyed by format name (`export --html`, `--json`, …).

Every module holds `NAME`, `KIND` (`"file"` or `"dir"`) and
`export(archive, posts, target, *, clean=False) -> ExportResult`; file formats also have
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
    from opedarchive.model import Post

# Format name → module; imported only when that format is asked for (start-up time).
REGISTRY: dict[str, str] = {
    "html": "opedarchive.export.html",
    "json": "opedarchive.export.jsonfile",
    "jsonl": "opedarchive.export.jsonlines",
    "csv": "opedarchive.export.csvfile",
    "markdown": "opedarchive.export.markdown",
}


def exporter(name: str) -> ModuleType:
    """The module of the named format."""
    if name not in REGISTRY:
        raise UsageError(f"unknown export format '{name}' (known: {', '.join(REGISTRY)})")
    return importlib.import_module(REGISTRY[name])


# The formats that publish: drafts are left out of them unless asked for. The data formats
# (json, jsonl, csv) are the archive's own backups and keep everything.
PUBLISHING = ("html", "markdown")


def export(name: str, archive: Archive, posts: list[Post] | None, target: Path, *,
           clean: bool = False, drafts: bool = False, force: bool = False) -> ExportResult:
    """Write `posts` in the named format to `target` (a file or a folder, by format). The
    website and the Hugo folder leave out versions marked `draft: true` unless `drafts`."""
    if name == "html":
        from opedarchive.export import html

        return html.export(archive, posts, target, clean=clean, drafts=drafts, force=force)
    if name in PUBLISHING and posts is not None and not drafts:
        posts = published(posts)
    module = exporter(name)
    if module.KIND == "dir":
        result: ExportResult = module.export(archive, posts, target, clean=clean, force=force)
    else:
        result = module.export(archive, posts, target, clean=clean)
    return result


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


__all__ = ["PUBLISHING", "REGISTRY", "ExportResult", "export", "exporter", "published"]
