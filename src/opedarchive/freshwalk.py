"""The freshness check's cheap pass, light enough to start before anything else is loaded.

The index (`opedarchive.index`) keeps a fingerprint of each year folder's stat data; a
folder whose fingerprint is unchanged needs no further look. At 100,000 posts the pass stats
150,000 files, which is CPU-bound: it is split with a forked child. `start_early`, called by
the console script for `search`, `list` and `summary`, forks that child before Typer, Rich
and SQLite are loaded (about 70 ms of start-up it then runs beside); the index takes its
fingerprints when it checks the files (`take_early`). This module imports only the standard
library's lightest parts, and nothing here touches SQLite, so the fork is safe.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import signal
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from opedarchive.paths import is_post_folder_name

T = TypeVar("T")
# A file changed this recently may change again within the same timestamp tick without its
# size or times moving; such a file is checked again by the next command (as git does).
RACY_NS = 2_000_000_000
# From this many files (counted by the folders' own sizes), the early child pays off.
EARLY_MIN_BYTES = 400_000
# The share of the year folders (by size) the early child takes: it starts about 70 ms
# before this process gets to its own share.
EARLY_SHARE = 0.6
# A watcher whose heartbeat file (watching.HEARTBEAT_NAME) is this fresh may vouch for the
# index, and then no walk is needed (watching.STALE_AFTER).
HEARTBEAT_FRESH = 5.0


def fingerprint(folder: str, racy_after: int) -> str | None:
    """A digest of the stat data (inode, size, mtime, ctime) of a folder and of every entry in
    it. Equal to the one stored with the folder's snapshot, the folder is as it was then and
    none of its files needs a look. None when the folder cannot be read or something in it
    changed after `racy_after` (it may change again unseen within one timestamp tick).

    Nothing is kept per file, which is what makes this pass cheaper than the snapshot's. No
    change goes unseen: a write moves the file's ctime, adding, removing or renaming an entry
    moves the folder's times (POSIX), and a file's ctime cannot be set back. The hash of a
    tuple of ints is the same in every Python process (only str hashes are salted); another
    Python that hashes differently just compares every snapshot once."""
    try:
        own = os.stat(folder)
        if own.st_mtime_ns > racy_after or own.st_ctime_ns > racy_after:
            return None
        total = 0
        with os.scandir(folder) as entries:
            for entry in entries:
                st = entry.stat(follow_symlinks=False)
                if st.st_ctime_ns > racy_after:
                    return None
                total += hash((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    except OSError:
        return None
    return f"{own.st_ino}:{own.st_mtime_ns}:{own.st_ctime_ns}:{total}"


def fingerprints(posts: str, names: list[str], racy_after: int) -> dict[str, str | None]:
    """The fingerprint of each year folder of `names` under `posts`."""
    return {name: fingerprint(os.path.join(posts, name), racy_after) for name in names}


def shares(names: list[str], weights: dict[str, int], share: float) -> tuple[list[str], list[str]]:
    """`names` split in two: the second (for a forked child) about `share` of the weight."""
    total = sum(weights.get(n, 1) for n in names) or 1
    mine: list[str] = []
    theirs: list[str] = []
    theirs_weight = 0
    for name in sorted(names, key=lambda n: -weights.get(n, 1)):
        weight = weights.get(name, 1)
        if theirs_weight + weight / 2 <= share * total:
            theirs.append(name)
            theirs_weight += weight
        else:
            mine.append(name)
    return sorted(mine), sorted(theirs)



class Forked(Generic[T]):
    """`work` run in a forked child, its (marshallable) result read back through a pipe. The
    child leaves with os._exit: no atexit handler, no buffered output of this process's."""

    def __init__(self, pid: int, read_end: int) -> None:
        self.pid = pid
        self.read_end = read_end
        self.done = False

    @classmethod
    def start(cls, work: Callable[[], T]) -> Forked[T] | None:
        """None if no child could be started."""
        try:
            read_end, write_end = os.pipe()
            pid = os.fork()
        except OSError:
            return None
        if pid == 0:  # pragma: no cover - runs in the child, whose coverage is not collected
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as fh:
                    fh.write(marshal.dumps(work()))  # type: ignore[arg-type]
            finally:
                os._exit(0)
        os.close(write_end)
        return cls(pid, read_end)

    def collect(self) -> T | None:
        """The child's result; None if it failed (the caller then does the work itself)."""
        self.done = True
        with os.fdopen(self.read_end, "rb") as fh:
            data = fh.read()
        os.waitpid(self.pid, 0)
        try:
            return marshal.loads(data)  # type: ignore[no-any-return]
        except (EOFError, ValueError, TypeError):
            return None

    def cancel(self) -> None:
        """Stop the child, its result unwanted."""
        self.done = True
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.read_end)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


# What start_early started: (the posts folder, the year folders it covers, its child).
_early: tuple[str, list[str], Forked[dict[str, str | None]]] | None = None


def _year_sizes(posts: str) -> dict[str, int]:
    """Each year folder of `posts` with the size of the folder itself (it grows with the
    number of entries: a cheap weight)."""
    sizes: dict[str, int] = {}
    with os.scandir(posts) as entries:
        for entry in entries:
            if is_post_folder_name(entry.name) and entry.is_dir(follow_symlinks=False):
                sizes[entry.name] = max(entry.stat(follow_symlinks=False).st_size, 1)
    return sizes


def start_early(explicit: str | None) -> None:
    """Fork the child that fingerprints about EARLY_SHARE of the year folders of the archive
    (`explicit`, the --archive option, else found as `paths.archive_root` finds it), if it
    has an index, no live watcher and enough files to pay for it. Any doubt (no archive
    found, a folder that cannot be read) means no child: the check then runs as it would
    without one."""
    global _early
    if _early is not None or not hasattr(os, "fork"):
        return
    from opedarchive.paths import DATA_DIR, POSTS_DIR, archive_root

    try:
        root = archive_root(explicit)
        data = os.path.join(root, DATA_DIR)
        if not os.path.exists(os.path.join(data, "index.sqlite")):
            return  # a first build reads every file anyway
        with contextlib.suppress(FileNotFoundError):
            if time.time() - os.stat(os.path.join(data, "watch.json")).st_mtime < HEARTBEAT_FRESH:
                return
        posts = os.path.realpath(os.path.join(root, POSTS_DIR))
        sizes = _year_sizes(posts)
    except (OSError, ValueError):
        return
    if sum(sizes.values()) < EARLY_MIN_BYTES:
        return
    _, theirs = shares(list(sizes), sizes, EARLY_SHARE)
    racy_after = time.time_ns() - RACY_NS
    child = Forked.start(lambda: fingerprints(posts, theirs, racy_after))
    if child is not None:
        _early = (posts, theirs, child)


def take_early(posts: str) -> tuple[list[str], Forked[dict[str, str | None]]] | None:
    """The early child's folders and the child itself, if one was started for `posts`; it is
    then the caller's to collect."""
    global _early
    if _early is None:
        return None
    started, names, child = _early
    if started != os.path.realpath(posts):
        return None
    _early = None
    return names, child


def cancel_early() -> None:
    """Stop the early child if no check took it (the command needed none)."""
    global _early
    if _early is not None:
        _early[2].cancel()
        _early = None
