"""Khmer word counts that the index leaves for later, counted and kept in the index.

The word segmenter reads 30-100k characters a second: run whenever the index reads a file, it
would add minutes to a first `search` of a big archive. So the index keeps each version's words
between spaces at once and its Khmer words as not yet counted (`Index.uncounted`); `summary`
counts those it is about to total (in worker processes when there are many) and a watcher
those it indexed, and both keep them (`Index.keep_khmer_counts`): each is counted once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opedarchive.index import Index

# (versions counted, versions to count): called with 0 first, then after each version.
Progress = Callable[[int, int], None]
Item = tuple[int, str, str, str]  # row id, post id, path (relative to the archive), content hash
Counted = tuple[int, str, str, int, int]  # row id, post id, content hash, words, Khmer words
# Versions per job of a worker: a few, so that Ctrl-C (which waits for the jobs begun) is quick.
CHUNK = 8
# Fewer versions than this are counted in this process: starting the workers would cost more.
POOL_MIN = 24


def count_file(root: str, item: Item) -> Counted | None:
    """The counts of one version's file (`text.words.spaced_words` and `khmer_word_count` of its
    body as plain text); None when it is gone, unreadable, or changed since it was indexed."""
    import hashlib

    from opedarchive.errors import PostFileError
    from opedarchive.model import decode_post_bytes, parse_post, read_limited
    from opedarchive.text.summary import plain_text
    from opedarchive.text.words import khmer_word_count, spaced_words

    row_id, post_id, rel, digest = item
    path = Path(root) / rel
    try:
        data = read_limited(path)
        if hashlib.blake2b(data, digest_size=16).hexdigest() != digest:
            return None  # the next freshness check indexes it anew
        plain = plain_text(parse_post(decode_post_bytes(data, path), path).body)
    except (OSError, PostFileError):
        return None
    return row_id, post_id, digest, spaced_words(plain), khmer_word_count(plain)


def _count_files(root: str, items: list[Item]) -> list[Counted | None]:
    return [count_file(root, item) for item in items]


def count_khmer_words(index: Index, post_ids: list[str] | None = None, progress: Progress | None = None) -> int:
    """Count the Khmer words the index lacks, of every version (of `post_ids` only, if given),
    and keep them in the index in one transaction; how many versions were counted. On Ctrl-C
    (or any failure) what was counted is kept before the exception goes on."""
    items = index.uncounted(post_ids)
    if not items:
        return 0
    root = str(index.archive.root)
    counted: list[Counted] = []
    total = len(items)
    if progress is not None:
        progress(0, total)
    try:
        results = _in_workers(root, items) if total >= POOL_MIN else (count_file(root, item) for item in items)
        for n, result in enumerate(results, 1):
            if result is not None:
                counted.append(result)
            if progress is not None:
                progress(n, total)
    finally:
        if counted:
            index.keep_khmer_counts(counted)
    return len(counted)


def _in_workers(root: str, items: list[Item]) -> Iterator[Counted | None]:
    """`count_file` of each of `items`, in order, on one worker process per core."""
    from opedarchive.importers.parallel import Workers, batches

    with Workers(["opedarchive.wordcounts", "khmercut"], workers=os.cpu_count() or 1) as workers:
        yield from workers.map(_count_files, ((root, chunk) for chunk in batches(items, CHUNK)))


def count_some(index: Index, budget: float, skip: set[int], largest: int) -> int:
    """For a watcher between its events: count, in this process, the Khmer words the index lacks
    of versions whose file is at most `largest` bytes (bigger ones are left to `summary`),
    one at least, then until `budget` seconds have passed; rows in `skip` are not tried again, and those that
    cannot be counted join it. How many are left to count."""
    root = index.archive.root
    items = [item for item in index.uncounted() if item[0] not in skip]
    deadline = time.monotonic() + budget
    counted: list[Counted] = []
    left = len(items)
    for item in items:
        if left < len(items) and time.monotonic() > deadline:
            break  # (one at least is tried: the counting always gets on)
        left -= 1
        try:
            small = os.stat(root / item[2]).st_size <= largest
        except OSError:
            small = False
        result = count_file(str(root), item) if small else None
        if result is None:
            skip.add(item[0])
        else:
            counted.append(result)
    if counted:
        index.keep_khmer_counts(counted)
    return left
