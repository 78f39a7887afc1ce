"""Running an import: items from an importer, deduplicated by content hash and source URL,
written as new posts; a report of what was created, skipped and failed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from opedarchive.archive import Archive
from opedarchive.errors import OpedError
from opedarchive.importers.base import ImportItem, content_hash
from opedarchive.text.dates import as_date


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    created: list[tuple[str, list[str]]] = field(default_factory=list)  # (id or title, languages)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    notices: list[str] = field(default_factory=list)


def existing_keys(archive: Archive) -> tuple[set[str], set[str]]:
    """Content hashes of every version body and every source URL already in the archive."""
    hashes: set[str] = set()
    urls: set[str] = set()
    for post in archive.load().posts:
        for version in post.versions.values():
            hashes.add(content_hash(version.body))
            if version.get("source_url"):
                urls.add(version.get("source_url"))
    return hashes, urls


def run_import(
    archive: Archive,
    items: Iterable[ImportItem],
    *,
    dry_run: bool = False,
    on_item: Callable[[ImportItem], None] | None = None,
) -> ImportReport:
    """Write every new item as a post; an item already present (by body hash or source URL) is
    skipped, a bad one is reported with its place and the rest go on."""
    report = ImportReport()
    hashes, urls = existing_keys(archive)
    for item in items:
        if on_item is not None:
            on_item(item)
        report.notices.extend(item.notices)
        if item.error:
            report.failed.append((item.where, item.error))
            continue
        try:
            versions = item.versions()
        except OpedError as exc:
            report.failed.append((item.where, str(exc)))
            continue
        keys = {content_hash(v.body) for v in versions}
        url = next((v.get("source_url") for v in versions if v.get("source_url")), "")
        if keys & hashes or (url and url in urls):
            report.skipped.append((item.where, f"already in the archive: {versions[0].title}"))
            continue
        hashes |= keys
        if url:
            urls.add(url)
        if dry_run:
            report.created.append((versions[0].title, [v.lang for v in versions]))
            continue
        try:
            post_id = archive.create_post(as_date(versions[0].meta["date"]), versions)
        except OpedError as exc:
            report.failed.append((item.where, str(exc)))
            continue
        report.created.append((post_id, [v.lang for v in versions]))
    return report
