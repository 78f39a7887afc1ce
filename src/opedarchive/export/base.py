"""What exporters share: the result they report, atomic writes, and output folders that know
which files they wrote (so a re-export rewrites only what changed and removes what is gone)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opedarchive.archive import atomic_write, fsync_path
from opedarchive.errors import OpedError, UsageError
from opedarchive.model import Post

MANIFEST = ".opedarchive-export.json"
LOCK = ".opedarchive-export.lock"
# Files an export is about to create, listed before they are written: an export that fails or
# is killed leaves them here, and the next one treats them as its own (and removes those it
# does not make again). Removed once the manifest lists what was written.
JOURNAL = ".opedarchive-export.journal"
MANIFEST_VERSION = 1


@dataclass
class ExportResult:
    """What an export did: files written, left as they were, removed; and the file to open."""

    target: Path
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    posts: int = 0
    entry: Path | None = None
    notes: list[str] = field(default_factory=list)


def write_file(target: Path, chunks: Iterable[str], posts: int) -> ExportResult:
    """A one-file export written atomically (only when its bytes changed)."""
    if target.is_dir():
        raise UsageError(f"{target}: is a folder; give a file name")
    written = write_if_changed(target, "".join(chunks).encode("utf-8"))
    return ExportResult(target, written=int(written), unchanged=int(not written), posts=posts, entry=target)


def sorted_posts(posts: Iterable[Post]) -> list[Post]:
    """Posts oldest first (by the original's date, then id): the order of file exports."""
    return sorted(posts, key=lambda p: (p.original.day, p.id))


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """`archive.atomic_write` with its failures as one-line errors: readers (and a crash)
    see the old file or the new one, never a part of one."""
    try:
        atomic_write(path, data, durable=durable)
    except OSError as exc:
        raise OpedError(f"{path}: cannot write: {exc.strerror}") from None


def write_if_changed(path: Path, data: bytes, *, durable: bool = True) -> bool:
    """`write_atomic` unless the file already holds exactly `data`; True when written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data, durable=durable)
    return True


def make_room(root: Path, rels: Iterable[str], owned: Container[str]) -> None:
    """Before an export writes the files `rels` in `root`: refuse (one line) if one of them is
    there and the export did not write it (`owned`: the files it did write), then list them all
    in the journal — a file an export rewrites and then dies is as suspect as a new one. Safe
    from several processes at once (appends of whole lines)."""
    listed = []
    for rel in rels:
        if rel not in owned and os.path.lexists(os.path.join(root, rel)):
            raise OpedError(f"{os.path.join(root, rel)}: is in the way: the export would replace a file it did "
                            "not write; move it or choose another folder")
        listed.append(rel)
    if not listed:
        return
    journal = os.path.join(root, JOURNAL)
    try:
        fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            os.write(fd, "".join(f"{rel}\n" for rel in listed).encode("utf-8"))
        finally:
            os.close(fd)
    except OSError as exc:
        raise OpedError(f"{journal}: cannot write: {exc.strerror}") from None


def digest(*parts: str | bytes) -> str:
    """A short stable hash of the inputs of one output file."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\x00")
    return h.hexdigest()[:32]


class OutputDir:
    """A folder an exporter owns. `MANIFEST` records each file it wrote with the hash of that
    file's inputs: a file whose inputs have the same hash is not rendered again, and files of
    the last export that this one does not produce are removed. Files it did not write are
    never touched."""

    def __init__(self, root: Path, kind: str, *, clean: bool = False, force: bool = False) -> None:
        self.root = root
        self.kind = kind
        self.old: dict[str, str] = {}
        self.new: dict[str, str] = {}
        # What an exporter wants to remember between exports (e.g. what each source looked like).
        self.state: dict[str, Any] = {}
        self.new_state: dict[str, Any] = {}
        self.written = 0
        self.dirty: list[str] = []  # files written without fsync, synced before the manifest
        self.unchanged = 0
        self.removed = 0
        manifest = root / MANIFEST
        if root.exists() and not root.is_dir():
            raise UsageError(f"{root}: exists and is not a folder")
        if (not manifest.is_file() and not force and root.is_dir()
                and any(p.name not in (LOCK, JOURNAL) for p in root.iterdir())):
            raise UsageError(f"{root}: is not empty and holds no earlier export; choose a new or empty folder "
                             "(or --force to export beside its files, which are never replaced)")
        try:
            root.mkdir(parents=True, exist_ok=True)
            self._lock = open(root / LOCK, "a")  # held until finish()
        except OSError as exc:
            raise OpedError(f"{root}: cannot write: {exc.strerror}") from None
        with contextlib.suppress(ImportError):
            import fcntl

            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX)  # a second export into this folder waits
        if not manifest.is_file():
            # Claimed at once: a first export that is interrupted leaves a folder a re-run accepts.
            write_atomic(manifest, json.dumps({"version": MANIFEST_VERSION, "kind": kind, "files": {}}).encode())
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            files = data["files"] if data.get("version") == MANIFEST_VERSION else {}
            found_kind = data.get("kind")
            state = data.get("state") if data.get("version") == MANIFEST_VERSION else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            files, found_kind, state = {}, kind, {}
        if found_kind != kind:
            self._lock.close()
            raise UsageError(f"{root}: holds a '{found_kind}' export, not '{kind}'; choose another folder")
        self.old = {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
        self.state = state if isinstance(state, dict) else {}
        for rel in self._journaled():
            self.old[rel] = ""  # written by an export that did not finish: ours, but to be made again
        if clean:
            for rel in self.old:
                self._remove(rel)
            self.old, self.state = {}, {}

    def _journaled(self) -> list[str]:
        try:
            text = (self.root / JOURNAL).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [rel for rel in text.split("\n") if rel and not rel.startswith(("/", "..")) and "/../" not in rel]

    def make_room(self, rels: Iterable[str]) -> None:
        """`make_room` for files this process is about to create."""
        make_room(self.root, rels, self.old)

    def fresh(self, rel: str, key: str) -> bool:
        """True (and the file is kept) when `rel` was written last time from inputs hashing to `key`."""
        if self.old.get(rel) == key and os.path.isfile(os.path.join(self.root, rel)):
            self.keep(rel, key)
            return True
        return False

    def keep(self, rel: str, key: str) -> None:
        """Keep a file the caller found as it was last time (see `fresh`)."""
        self.new[rel] = key
        self.unchanged += 1

    def write(self, rel: str, data: bytes, key: str | None = None) -> None:
        """Write one file (only if its bytes changed) and record it."""
        self.make_room([rel])
        self.record(rel, key or digest(data), write_if_changed(self.root / rel, data, durable=False))

    def record(self, rel: str, key: str, written: bool) -> None:
        """Record a file that a worker process wrote (or found unchanged)."""
        self.new[rel] = key
        if written:
            self.written += 1
            self.dirty.append(rel)
        else:
            self.unchanged += 1

    def copy(self, rel: str, source: Path) -> str:
        """Copy a file into the folder (when its bytes changed); returns its key."""
        data = source.read_bytes()
        key = digest(data)
        self.write(rel, data, key)
        return key

    def _remove(self, rel: str) -> None:
        path = self.root / rel
        if not path.resolve().is_relative_to(self.root.resolve()):
            return  # a hand-edited manifest must not make us delete files elsewhere
        try:
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise OpedError(f"{path}: cannot remove: {exc.strerror}") from None
        self.removed += 1
        with contextlib.suppress(OSError):
            parent = path.parent
            while parent != self.root and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent

    def finish(self) -> None:
        """Remove the files of the last export that this one did not produce; save the manifest."""
        for rel in sorted(set(self.old) - set(self.new)):
            self._remove(rel)
        self._sync()
        data = {"version": MANIFEST_VERSION, "kind": self.kind, "files": dict(sorted(self.new.items())),
                "state": self.new_state}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # no indent: the C encoder
        write_if_changed(self.root / MANIFEST, (text + "\n").encode("utf-8"))
        with contextlib.suppress(FileNotFoundError):
            (self.root / JOURNAL).unlink()  # every file in it is now in the manifest or removed
        self._lock.close()

    def _sync(self) -> None:
        """Every file written reaches the disk before the manifest that vouches for them: one
        fsync each after a small update, one sync of everything after a big build."""
        if len(self.dirty) > 200:
            os.sync()
            return
        for rel in self.dirty:
            fsync_path(os.path.join(self.root, rel))
        for folder in {os.path.dirname(os.path.join(self.root, rel)) for rel in self.dirty}:
            fsync_path(folder)

    def close(self) -> None:
        """Let go of the folder's lock (after `finish`, or when the export failed)."""
        self._lock.close()

    def result(self, posts: int, entry: Path | None = None) -> ExportResult:
        return ExportResult(self.root, self.written, self.unchanged, self.removed, posts, entry)

