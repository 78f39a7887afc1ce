"""Running an import: items from an importer, deduplicated by content hash and source URL,
written as new posts; a report of what was created, skipped and failed."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from opedarchive.archive import (
    Archive,
    checked_post_bytes,
    fsync_path,
    id_title,
    publish_staged,
    remove_stale_temps,
    stage_file,
    sync_staged,
)
from opedarchive.errors import OpedError
from opedarchive.importers.base import ImportItem, content_hash
from opedarchive.model import Version, order_languages
from opedarchive.text.dates import as_date
from opedarchive.translation import give_record, record_of, record_translations

EMPTY_HASH = content_hash("")
# Posts written per hold of the archive lock, and threads writing their files.
WRITE_BATCH = 512
WRITE_THREADS = 4


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    created: list[tuple[str, list[str]]] = field(default_factory=list)  # (id or title, languages)
    added: list[tuple[str, list[str]]] = field(default_factory=list)  # (id, languages added to it)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    notices: list[str] = field(default_factory=list)
    left_out: list[tuple[str, str, int]] = field(default_factory=list)  # (where, what, how many)


@dataclass
class Seen:
    """What the archive holds (and this import has added): body hashes and source URLs, each
    with the post it belongs to, and each post's languages."""

    hashes: dict[str, str] = field(default_factory=dict)
    # source URL → (post, title key, day) of each version that gave it: a URL alone is not the
    # post (link posts share the page they link to), a URL with the same title or day is.
    urls: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    languages: dict[str, frozenset[str]] = field(default_factory=dict)
    # One shared set per combination of languages: a post then costs a dict entry, not a set.
    _shared: dict[frozenset[str], frozenset[str]] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)  # translation group in the source → post
    # Translation group → (language, text hash) of its post's original: the `translation_of` of
    # a member that joins the post later (a WPML translation read long after its original).
    group_records: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Each post's (language, day ordinal) pairs, and the archive's languages (first = primary):
    # a version joining a post must not be dated before the post's original (`check` refuses it).
    days: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    preferred: list[str] = field(default_factory=list)

    def add(self, post_id: str, versions: list[Version], keys: list[str] | None = None) -> None:
        langs = self.languages.get(post_id, frozenset()) | {v.lang for v in versions}
        self.languages[post_id] = self._shared.setdefault(langs, langs)
        self.days[post_id] = self.days.get(post_id, ()) + tuple((v.lang, v.day.toordinal()) for v in versions)
        for i, version in enumerate(versions):
            key = dedupe_key(version, keys[i] if keys is not None else None)
            if key != EMPTY_HASH:
                self.hashes.setdefault(key, post_id)
            url = version.get("source_url")
            if url:
                self.urls.setdefault(url, []).append((post_id, _title_key(version), version.day.isoformat()))

    def match(self, versions: list[Version], keys: list[str]) -> tuple[str, str]:
        """(post, why) of the post these versions (with these body hashes) are already part
        of, else ("", "")."""
        for version, key in zip(versions, keys, strict=False):
            key = dedupe_key(version, key)
            post_id = self.hashes.get(key, "") if key != EMPTY_HASH else ""
            if post_id:
                return post_id, "same text"
        for version in versions:
            url = version.get("source_url")
            if not url or url not in self.urls:
                continue
            title, day = _title_key(version), version.day.isoformat()
            for post_id, their_title, their_day in self.urls[url]:
                if title == their_title or day == their_day:
                    return post_id, "same source_url"
        return "", ""

    def dated_before(self, post_id: str, versions: list[Version]) -> bool:
        """Whether the post with these versions added would have its original dated after one
        of its translations (as `check` sees it: the original is its first language in the
        archive's order)."""
        days = dict(self.days.get(post_id, ()))
        for version in versions:
            days.setdefault(version.lang, version.day.toordinal())
        original, *others = order_languages(list(days), self.preferred)
        return any(days[lang] < days[original] for lang in others)


def dedupe_key(version: Version, key: str | None = None) -> str:
    """The dedupe key of a version: its body's content hash (`key`, where already known); for a
    version with no words (an image post), one made of its title, day and images instead, so
    that importing it again finds it."""
    key = key if key is not None else content_hash(version.body)
    if key != EMPTY_HASH:
        return key
    images = version.meta.get("images")
    srcs = [str(i.get("src", "")) for i in images if isinstance(i, dict)] if isinstance(images, list) else []
    return "empty:" + content_hash("\n".join([_title_key(version), version.day.isoformat(), *srcs]))


def _title_key(version: Version) -> str:
    return " ".join(version.title.casefold().split())


def existing_keys(archive: Archive) -> Seen:
    """Content hashes and source URLs of every version already in the archive."""
    seen = Seen(preferred=list(archive.config.languages))
    for post in archive.load().posts:
        seen.add(post.id, list(post.versions.values()))
    return seen


def catch_up(archive: Archive, seen: Seen) -> None:
    """Add to `seen` the versions written since it was made (by another process, while the
    archive was not locked): those whose file it does not know."""
    from opedarchive.errors import PostFileError

    for path, post_id, lang in archive.files():
        if lang in seen.languages.get(post_id, ()):
            continue
        try:
            version = archive.read_version(path, lang)
        except PostFileError:
            continue
        seen.add(post_id, [version])


class Writer:
    """Writes an import's posts a batch at a time, so that the cost of making them durable is
    paid once a batch, not once a file. Ids are allocated while the archive is locked (so no
    other writer can take them); each post's files go to hidden temp files beside their places
    as the post comes (a few threads write them while the next posts are read); at the end of
    a batch one sync flushes them all, then each is linked into place and each folder synced,
    and the lock is let go. Killed at any moment, an import leaves whole files or none (and
    perhaps hidden temp files, which nothing reads); a machine that crashes loses at most the
    batch being written, never a file's content under its name."""

    def __init__(self, archive: Archive, batch: int = WRITE_BATCH, threads: int = WRITE_THREADS,
                 seen: Seen | None = None, mark: str = "") -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.archive = archive
        # What the archive held (and its written mark when that was read): brought up to date
        # each time the lock is taken, so that whether a post is new is decided under it.
        self.seen = seen
        self.mark = mark
        self.held = 0  # items decided while the lock was held, since it was taken
        self.batch = batch
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="import-writer")
        self.stack = contextlib.ExitStack()
        self.locked = False
        self.taken: dict[int, set[str]] = {}
        self.swept: set[int] = set()
        self.jobs: list[tuple[str, Future[list[tuple[Path, Path, Version]]]]] = []

    def _lock(self) -> None:
        if not self.locked:
            self.stack.enter_context(self.archive.lock())
            self.locked = True
            self.taken = {}
            self.held = 0
            if self.seen is not None:
                mark = self.archive.written_mark()
                if mark != self.mark:  # posts were added since the archive was read: see them
                    catch_up(self.archive, self.seen)
                    self.mark = mark

    def hold(self) -> None:
        """Take the lock (if not held) before deciding whether an item is new."""
        self._lock()
        self.held += 1

    def _taken(self, year: int) -> set[str]:
        if year not in self.taken:
            if year not in self.swept:  # what killed imports (this one's earlier runs) left behind
                remove_stale_temps(self.archive.posts_dir / f"{year:04d}")
                self.swept.add(year)
            self.taken[year] = self.archive.taken_ids(year)
        return self.taken[year]

    def create(self, versions: list[Version]) -> str:
        """A new post's id, its files queued to be written."""
        self._lock()
        day = as_date(versions[0].meta["date"])
        taken = self._taken(day.year)
        candidate = self.archive.allocate_id(day, id_title(versions), taken)
        taken.add(candidate)
        self.add(candidate, versions)
        return candidate

    def add(self, post_id: str, versions: list[Version]) -> None:
        """Queue versions to be written to a post."""
        self._lock()
        self.jobs.append((post_id, self.pool.submit(self._stage, post_id, versions)))

    def _stage(self, post_id: str, versions: list[Version]) -> list[tuple[Path, Path, Version]]:
        """(temp file, path, version) of each version, written but not yet in place."""
        staged: list[tuple[Path, Path, Version]] = []
        try:
            for version in versions:
                path = self.archive.path_for(post_id, version.lang)
                data = checked_post_bytes(version)  # (what a later read would refuse fails the post)
                try:
                    staged.append((stage_file(path, data), path, version))
                except OSError as exc:
                    raise OpedError(f"{path}: cannot write: {exc.strerror}") from None
        except BaseException:
            for tmp, _, _ in staged:
                tmp.unlink(missing_ok=True)
            raise
        return staged

    def full(self) -> bool:
        """Time to write the batch and let the lock go (others wait for it meanwhile)."""
        return len(self.jobs) >= self.batch or self.held >= self.batch

    def flush(self) -> dict[str, str]:
        """Put the queued posts' files in place and let the lock go; the posts that failed,
        with why."""
        failed: dict[str, str] = {}
        staged: list[tuple[str, list[tuple[Path, Path, Version]]]] = []
        for post_id, job in self.jobs:
            try:
                staged.append((post_id, job.result()))
            except OpedError as exc:
                failed[post_id] = str(exc)
        self.jobs = []
        try:
            sync_staged([tmp for _, files in staged for tmp, _, _ in files])
            folders: set[Path] = set()
            for post_id, files in staged:
                why = ""
                for tmp, path, version in files:
                    if why:  # an earlier file of the post failed: as before, the rest is not written
                        tmp.unlink(missing_ok=True)
                        continue
                    try:
                        publish_staged(tmp, path)
                    except FileExistsError:
                        why = f"{path}: already exists; not replacing it"
                    except OSError as exc:
                        why = f"{path}: cannot write: {exc.strerror}"
                    except OpedError as exc:
                        why = str(exc)
                    else:
                        version.path = path
                        folders.add(path.parent)
                if why:
                    failed[post_id] = why
            for folder in sorted(folders):
                fsync_path(folder)
        finally:
            if self.locked and staged:
                self.archive.mark_written()
                self.mark = self.archive.written_mark()
            self.stack.close()
            self.locked = False
        return failed

    def close(self) -> dict[str, str]:
        try:
            return self.flush()
        finally:
            self.pool.shutdown()


def run_import(
    archive: Archive,
    items: Iterable[ImportItem],
    *,
    dry_run: bool = False,
    on_item: Callable[[ImportItem], None] | None = None,
    seen: Seen | None = None,
) -> ImportReport:
    """Write every new item as a post. An item already present (a body with the same words,
    or the same source URL) is skipped — or, when it brings a language the post lacks, that
    language is added to it. A bad item is reported with its place and the rest go on. A dry
    run of several sources passes one `seen` to each (from `existing_keys`), so that a post the
    first would create counts as there for the next."""
    report = ImportReport()
    mark = archive.written_mark()  # before reading: a post added meanwhile changes it
    if seen is None or not dry_run:
        seen = existing_keys(archive)
    writer = None if dry_run else Writer(archive, seen=seen, mark=mark)
    where_of: dict[str, str] = {}
    try:
        _run(report, seen, iter(items), writer, where_of, on_item)
    finally:
        failed = writer.close() if writer is not None else {}
    if failed:
        _retract(report, failed, where_of)
    return report


def _retract(report: ImportReport, failed: dict[str, str], where_of: dict[str, str]) -> None:
    """Posts whose files could not be written move from created (or added) to failed."""
    if not failed:
        return  # (rebuilding the lists after every batch made a 100k import quadratic: 17 s)
    report.created = [(i, langs) for i, langs in report.created if i not in failed]
    report.added = [(i, langs) for i, langs in report.added if i not in failed]
    report.failed.extend((where_of.get(post_id, post_id), why) for post_id, why in failed.items())


def _original_first(versions: list[Version], keys: list[str], preferred: list[str]) -> tuple[list[Version], list[str]]:
    """A translation group joined from separate items, whose source does not say which version
    is the original (Polylang, Hugo), with its original first: the version dated earliest (by
    day), else the one in the archive's first language, else the first read."""
    first_lang = preferred[0] if preferred else ""
    i = min(range(len(versions)), key=lambda i: (versions[i].day.toordinal(), versions[i].lang != first_lang, i))
    if i == 0:
        return versions, keys
    return [versions[i], *versions[:i], *versions[i + 1:]], [keys[i], *keys[:i], *keys[i + 1:]]


def _run(
    report: ImportReport,
    seen: Seen,
    iterator: Iterator[ImportItem],
    writer: Writer | None,
    where_of: dict[str, str],
    on_item: Callable[[ImportItem], None] | None,
) -> None:
    while True:
        if writer is not None and writer.full():
            _retract(report, writer.flush(), where_of)
            where_of.clear()  # only the places of posts still being written are needed
        try:
            item = next(iterator)
        except StopIteration:
            break
        except OpedError as exc:  # the source broke off; what was read before stays imported
            report.failed.append(("", str(exc)))
            break
        if on_item is not None:
            on_item(item)
        report.notices.extend(item.notices)
        report.left_out.extend(item.left_out)
        if item.error:
            report.failed.append((item.where, item.error))
            continue
        if not item.parts and not item.ready:
            continue  # an item that only carries notices
        try:
            versions = item.versions()
        except OpedError as exc:
            report.failed.append((item.where, str(exc)))
            continue
        if writer is not None:
            writer.hold()  # whether it is new is decided under the archive's lock
        keys = item.hashes if len(item.hashes) == len(versions) else [content_hash(v.body) for v in versions]
        if item.joined and not item.original_stated and not item.as_written:
            versions, keys = _original_first(versions, keys, seen.preferred)
        post_id, why = seen.match(versions, keys)
        if not post_id and item.group in seen.groups:
            post_id, why = seen.groups[item.group], "same translation group"
            if seen.languages.get(post_id, frozenset()) & {v.lang for v in versions}:
                report.notices.append(f"{item.where}: a language that post {post_id} of its translation "
                                      "group already has; imported as a post of its own")
                post_id = ""
        if post_id:
            if item.group:
                seen.groups.setdefault(item.group, post_id)
            have = seen.languages.get(post_id, frozenset())
            new = [(v, key) for v, key in zip(versions, keys, strict=True)
                   if v.lang not in have and not seen.match([v], [key])[0]]
            if not new:
                report.skipped.append((item.where, f"already in the archive as {post_id} ({why})"))
                continue
            if len(new) < len(versions):  # the versions it already has are skipped, and said so
                kept = {v.lang for v, _ in new}
                old = [v.lang for v in versions if v.lang not in kept]
                report.skipped.append((item.where, f"the {', '.join(old)} version(s) already in the archive as "
                                                   f"{post_id} ({why})"))
            if not seen.dated_before(post_id, [v for v, _ in new]):
                if not item.as_written and all(v is not versions[0] for v, _ in new):  # its original is here
                    record_translations(versions[0], [v for v, _ in new])
                elif not item.as_written and item.group in seen.group_records \
                        and seen.groups.get(item.group) == post_id:  # a later member of its group
                    lang, text = seen.group_records[item.group]
                    give_record({"lang": lang, "text": text}, [v for v, _ in new])
                if writer is not None:
                    writer.add(post_id, [v for v, _ in new])
                    where_of[post_id] = item.where
                seen.add(post_id, [v for v, _ in new], [key for _, key in new])
                report.added.append((post_id, [v.lang for v, _ in new]))
                continue
            # Dated before the original of the post found: two posts with the same text (a
            # template's placeholder, a letter run again) under different dates, not a translation.
            report.notices.append(f"{item.where}: dated before the original of {post_id} ({why}); "
                                  f"its {', '.join(v.lang for v, _ in new)} version(s) imported as a post of their own")
            versions, keys = [v for v, _ in new], [key for _, key in new]
        record = record_of(versions[0]) if item.group and not item.as_written else None
        if record is not None:  # kept for a member of its group that comes later
            give_record(record, versions[1:])
        elif not item.as_written:
            record_translations(versions[0], versions[1:])  # an original and its translation, paired
        label = versions[0].title if writer is None else writer.create(versions)
        where_of[label] = item.where
        if item.group:
            seen.groups[item.group] = label
            if record is not None:
                seen.group_records[item.group] = (record["lang"], record["text"])
        seen.add(label, versions, keys)
        report.created.append((label, [v.lang for v in versions]))
