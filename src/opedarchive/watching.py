"""`opedarchive watch`: keep the index fresh from file-system events, so that commands can
skip the stat of every post file, as git's fsmonitor daemon spares `git status` one.

Files in `<archive>/.opedarchive/`:
- `watch.lock`: held (flock) by the watcher for as long as it lives; the kernel lets go of it
  when the process dies, however it dies, so a second watcher is refused and a dead one seen.
- `watch.json`: the watcher's pid and start time, written once the index is up to date; its
  mtime is the heartbeat, renewed every second. Removed when the watcher stops.
- `cookies/`: watched with `posts/`. A command that finds a live watcher creates a cookie file
  there and waits (at most COOKIE_WAIT) for the watcher to delete it. Events reach the watcher
  in the order they happened, and it applies every change it has received before deleting a
  cookie, so a deleted cookie means the index holds every edit made before the command began.
  If the cookie is not acknowledged in time, the command checks the files itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opedarchive.archive import Archive
from opedarchive.errors import OpedError

if TYPE_CHECKING:
    from opedarchive.index import Index

LOCK_NAME = "watch.lock"
HEARTBEAT_NAME = "watch.json"
COOKIES_NAME = "cookies"
HEARTBEAT_EVERY_MS = 1000
STALE_AFTER = 5.0  # seconds without a heartbeat: the watcher is hung (or stopped) and not trusted
COOKIE_WAIT = 0.2
COOKIE_POLL = 0.002
# How long file-system events are gathered before the watcher applies them.
DEBOUNCE_MS = 50
STEP_MS = 5
# After each batch of events (and each heartbeat), Khmer words the index lacks are counted for
# this long at most (`wordcounts.count_some`), of files up to COUNT_LARGEST bytes (about 0.1-0.3 s
# of segmenting each; larger ones are left to `summary`): `summary` then finds them counted.
COUNT_BUDGET_S = 0.1
COUNT_LARGEST = 32_000

Log = Callable[[str], None]


class WatcherRunning(OpedError):
    """Another watcher holds this archive."""


@dataclass
class WatcherStatus:
    """A live watcher: its pid, when it started, and how long ago it last gave a heartbeat."""

    pid: int
    started: str
    heartbeat_age: float


# ---------------------------------------------------------------------------- for commands


def _lock_held(path: Path) -> bool:
    """True while some process holds the flock on `path`."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no watcher there
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # also lets go of a shared lock taken just now
    return False


def watcher_status(archive: Archive) -> WatcherStatus | None:
    """The live watcher of `archive`, or None: none started, stopped, killed or hung."""
    data = archive.data_dir
    try:
        beat = os.stat(data / HEARTBEAT_NAME)
        info = json.loads((data / HEARTBEAT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    age = time.time() - beat.st_mtime
    if age > STALE_AFTER or not _lock_held(data / LOCK_NAME):
        return None
    return WatcherStatus(pid=int(info.get("pid", 0)), started=str(info.get("started", "")), heartbeat_age=age)


def watcher_vouches(archive: Archive) -> bool:
    """True when a live watcher has applied to the index every change made before this call."""
    if watcher_status(archive) is None:
        return False
    cookie = archive.data_dir / COOKIES_NAME / f"{os.getpid()}-{os.urandom(4).hex()}"
    try:
        os.close(os.open(cookie, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except OSError:
        return False
    deadline = time.monotonic() + COOKIE_WAIT
    while os.path.lexists(cookie):
        if time.monotonic() > deadline:
            with contextlib.suppress(OSError):
                cookie.unlink()
            return False
        time.sleep(COOKIE_POLL)
    return True


# ---------------------------------------------------------------------------- the watcher


class Watcher:
    """Keeps one archive's index up to date from file-system events until stopped."""

    def __init__(self, archive: Archive, log: Log | None = None) -> None:
        self.archive = archive
        self.log: Log = log or (lambda message: None)
        self.data = archive.data_dir
        self.cookies = self.data / COOKIES_NAME
        self._lock_fd: int | None = None
        self._index: Index | None = None
        self._index_inode: int | None = None
        self._dirty = True  # the index is not known to hold every change
        self._uncountable: set[int] = set()  # index rows whose Khmer words could not be counted

    def run(self, ready: Callable[[int], None] | None = None, stop_event: Any = None) -> None:
        """Watch until stopped (KeyboardInterrupt, or `stop_event` set); `ready` is called with
        the number of post files once the index is up to date and commands may trust it."""
        self._take_lock()
        try:
            try:
                self.cookies.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OpedError(f"{self.cookies}: cannot write: {exc.strerror}") from None
            for old in self.cookies.iterdir():
                with contextlib.suppress(OSError):
                    old.unlink()
            self.archive.posts_dir.mkdir(exist_ok=True)
            watched = self._watched_inodes()
            events = event_batches(self.archive.posts_dir, self.cookies, stop_event)
            # The first batch comes once the watches are in place: only then is the full check
            # made, so that no edit falls between the two.
            first = next(events, None)
            if first is None:
                return
            files = self._full_sync()
            self._beat(new=True)
            if ready is not None:
                ready(files)
            self._ack(first)
            for changes in events:
                self._handle(changes)
                if self._watched_inodes() != watched:
                    # `posts/` or `.opedarchive/` was removed or replaced: its watch is gone.
                    self.log("A watched folder was removed or replaced; starting again.")
                    self._stop()
                    self.run(ready=ready, stop_event=stop_event)
                    return
        finally:
            self._stop()

    def _watched_inodes(self) -> tuple[int, ...]:
        """What identifies the watched folders and the lock file (0 for one that is gone)."""
        found = []
        for path in (self.archive.posts_dir, self.cookies, self.data / LOCK_NAME):
            try:
                found.append(os.stat(path).st_ino)
            except OSError:
                found.append(0)
        return tuple(found)

    def _take_lock(self) -> None:
        import fcntl

        try:
            self.data.mkdir(exist_ok=True)
            fd = os.open(self.data / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OpedError(f"{self.data}: cannot write: {exc.strerror} (the watcher keeps the index there, "
                            "so the archive must be writable)") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            status = watcher_status(self.archive)
            pid = f" (pid {status.pid})" if status else ""
            raise WatcherRunning(f"a watcher is already running for {self.archive.root}{pid}; "
                                 "see 'opedarchive watch --status'") from None
        self._lock_fd = fd

    def _stop(self) -> None:
        with contextlib.suppress(OSError):
            (self.data / HEARTBEAT_NAME).unlink()
        if self._index is not None:
            self._index.close()
            self._index = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # lets go of the lock
            self._lock_fd = None

    def _beat(self, new: bool = False) -> None:
        path = self.data / HEARTBEAT_NAME
        if not new:
            try:
                os.utime(path)
                return
            except FileNotFoundError:
                pass
        info = {"pid": os.getpid(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        tmp = path.with_name(f".{HEARTBEAT_NAME}.{os.getpid()}")
        tmp.write_text(json.dumps(info) + "\n", encoding="utf-8")
        os.replace(tmp, path)

    def _open_index(self) -> Index:
        """The index; opened again, and checked in full, when its file was replaced or deleted."""
        from opedarchive.index import INDEX_NAME, Index

        path = self.data / INDEX_NAME
        try:
            inode: int | None = os.stat(path).st_ino
        except FileNotFoundError:
            inode = None
        if self._index is not None and inode == self._index_inode:
            return self._index
        if self._index is not None:
            self.log("The index file was replaced or deleted; checking every file again.")
            self._index.close()
        self._index = Index(self.archive, notice=self.log)
        self._dirty = True
        self._index_inode = None
        return self._index

    def _full_sync(self) -> int:
        from opedarchive.index import INDEX_NAME

        index = self._open_index()
        stats = index.sync()
        self._index_inode = os.stat(self.data / INDEX_NAME).st_ino
        self._dirty = False
        return stats.files

    def _handle(self, changes: set[tuple[Any, str]]) -> None:
        """Apply a batch of events to the index, then acknowledge its cookies, then beat."""
        posts = os.path.abspath(self.archive.posts_dir)
        folders: set[str] = set()
        everything = False
        for _, raw in changes:
            rel = os.path.relpath(os.path.abspath(raw), posts)
            if rel.startswith(".."):
                continue  # a cookie
            if rel == ".":
                everything = True  # the posts folder itself was removed or replaced
            elif not rel.startswith("."):
                folders.add(rel.split(os.sep, 1)[0])
        try:
            index = self._open_index()
            if self._dirty or everything:
                self._full_sync()
            elif folders:
                stats = index.sync_folders(folders)
                if stats.touched:
                    self.log(f"{time.strftime('%H:%M:%S')} indexed: {stats.added} new, {stats.changed} changed, "
                             f"{stats.removed} removed")
        except (OpedError, OSError, _sqlite_error()) as exc:
            # Not acknowledged: commands check the files themselves until a full check succeeds.
            self._dirty = True
            self.log(f"Could not update the index ({exc}); commands check the files until it can.")
            return
        self._ack(changes)
        self._beat()
        self._count_words()

    def _count_words(self) -> None:
        """Count some of the Khmer words the index lacks (after acknowledging: commands never wait)."""
        from opedarchive.wordcounts import count_some

        if self._index is None or self._dirty:
            return
        try:
            count_some(self._index, COUNT_BUDGET_S, self._uncountable, COUNT_LARGEST)
        except (OpedError, OSError, _sqlite_error()) as exc:
            self.log(f"Could not count Khmer words ({exc}); summary counts them.")

    def _ack(self, changes: Iterable[tuple[Any, str]]) -> None:
        cookies = os.path.abspath(self.cookies)
        for _, raw in changes:
            if os.path.dirname(os.path.abspath(raw)) == cookies:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(raw)


Batches = Iterator[set[tuple[Any, str]]]
# Set to "watchfiles" to watch through the watchfiles package on Linux too (as elsewhere).
BACKEND_ENV = "OPEDARCHIVE_WATCH_BACKEND"


def event_batches(posts: Path, cookies: Path, stop_event: Any) -> Batches:
    """Batches of (event, path) under `posts` (and its year folders) and in `cookies` (that folder
    alone; `serve` passes the archive's root, for opedarchive.toml): the first, empty, once the
    watches are in place; then one per group of events, or an empty one every HEARTBEAT_EVERY_MS."""
    import sys

    if sys.platform.startswith("linux") and os.environ.get(BACKEND_ENV, "") != "watchfiles":
        return _inotify_batches(posts, cookies, stop_event)
    import watchfiles

    return watchfiles.watch(  # type: ignore[no-any-return]
        posts, cookies, watch_filter=None, debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=HEARTBEAT_EVERY_MS,
        yield_on_timeout=True, stop_event=stop_event, force_polling=False,
    )


def _inotify_batches(posts: Path, cookies: Path, stop_event: Any) -> Batches:
    """`event_batches` from inotify, asking only for changes (writes, creations, removals,
    renames, attributes). watchfiles also asks for every open and close of a file: with
    150,000 files watched, that made a `rg` over the archive take twice as long (0.56 →
    1.0 s, measured), and any reader of the archive pays the same."""
    from inotify_simple import INotify, flags

    changes = (flags.MODIFY | flags.ATTRIB | flags.CLOSE_WRITE | flags.MOVED_FROM | flags.MOVED_TO
               | flags.CREATE | flags.DELETE | flags.DELETE_SELF | flags.MOVE_SELF)
    notify = INotify()
    folders: dict[int, str] = {}

    def watch(path: str) -> None:
        with contextlib.suppress(OSError):  # gone already: its removal is an event of its parent
            folders[notify.add_watch(path, changes)] = path

    try:
        root = os.path.abspath(posts)
        watch(root)
        watch(os.path.abspath(cookies))
        with os.scandir(root) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    watch(entry.path)
        yield set()
        while stop_event is None or not stop_event.is_set():
            events = notify.read(timeout=HEARTBEAT_EVERY_MS)
            started = time.monotonic()
            while events and time.monotonic() - started < DEBOUNCE_MS / 1000:
                more = notify.read(timeout=STEP_MS)  # gather a burst; stop at a pause
                if not more:
                    break
                events.extend(more)
            batch: set[tuple[Any, str]] = set()
            for event in events:
                if event.mask & flags.Q_OVERFLOW:
                    batch.add((event.mask, root))  # events were lost: check everything
                    continue
                folder = folders.get(event.wd)
                if folder is None:
                    continue
                if event.mask & flags.IGNORED:
                    del folders[event.wd]
                    continue
                path = os.path.join(folder, event.name) if event.name else folder
                if folder == root and event.mask & flags.ISDIR and event.mask & (flags.CREATE | flags.MOVED_TO):
                    watch(path)  # a new year folder; files made before this watch are found by its check
                batch.add((event.mask, path))
            yield batch
    finally:
        notify.close()


def _sqlite_error() -> type[Exception]:
    import sqlite3

    return sqlite3.Error
