"""The search index: SQLite at `<archive>/.opedarchive/index.sqlite`, derived from the post files.

- `docs` holds one row per post file (metadata, content hash, or why it could not be read);
  `texts` the search form of its title and body (`text.searchform`); two contentless FTS5
  tables index that text: `words` (unicode61) everything but Khmer, `khmer` (trigram) the
  Khmer runs, so that a Khmer word is found inside a longer run. FTS5 gives candidates and
  BM25; each candidate is then checked against `texts` (word edges, short terms, exclusions).
- `dirs` keeps, per year folder, a snapshot of every file's (size, mtime, ctime) and a
  fingerprint of the folder's stat data. The freshness check stats every file and sums a
  hash of each into the fingerprint (nothing kept per file: the cheap pass); only a folder
  whose fingerprint differs is compared file by file with its snapshot, only files whose
  entry changed are read, and only those whose content hash changed are re-indexed.
- The schema changes only through MIGRATIONS, an append-only list; `PRAGMA user_version`
  counts the ones applied.
- Where SQLite has no FTS5 or no trigram tokenizer (or OPEDARCHIVE_NO_FTS5=1), the same
  tables are kept without the FTS5 ones and a search scans `texts` with instr().
- A missing, damaged or foreign index file is rebuilt from the posts, with one notice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISLNK
from typing import Any, TypeVar

from opedarchive.archive import POSTS_DIR, Archive, split_file_name
from opedarchive.background import Pending, beside
from opedarchive.errors import ArchiveError, OpedError, PostFileError
from opedarchive.freshwalk import RACY_NS, Forked, fingerprints, shares, take_early
from opedarchive.model import TRANSLATION_KEY, Version, decode_post_bytes, parse_post, read_limited
from opedarchive.model import translates as translates_of
from opedarchive.paths import is_post_folder_name
from opedarchive.query import Query, Term
from opedarchive.text.searchform import FORM_VERSION, search_form

INDEX_NAME = "index.sqlite"
NO_FTS_ENV = "OPEDARCHIVE_NO_FTS5"
TITLE_WEIGHT = 10.0
# Above this many files to read, reading and parsing them is spread over processes.
PARALLEL_MIN = 2000
BATCH = 500
READ_WINDOW = 200
# The best hits by score that are reordered whole words first (spec §6): what `search` shows
# by default. The page reorders as many (search.js WHOLE_WORD_POOL).
WHOLE_WORD_POOL = 20
# A one-group search ranks its best candidates first, this many (or this many per hit shown).
CANDIDATES = 200
CANDIDATE_FACTOR = 5
# Folders holding this many files in all are checked by two processes.
FORK_MIN_FILES = 10_000
# From this size of index file, a watched one-group search ranks the upper half of its
# matches in a forked child: ranking every match is CPU-bound (75 ms of the 120 ms a common
# Khmer word takes at 100k posts), and two threads contend inside SQLite.
SPLIT_MIN_BYTES = 400_000_000
LOWER_SHARE = 0.45
# The share of the files a forked child checks while a query runs here beside the check.
CHILD_SHARE = 0.52

RACY = (-1, -1, -1)
Notice = Callable[[str], None]
Snapshot = dict[str, tuple[int, int, int]]


# ---------------------------------------------------------------------------- schema


def _m001_tables(db: sqlite3.Connection, fts: bool) -> None:
    for statement in (
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE dirs(name TEXT PRIMARY KEY, snapshot BLOB NOT NULL)",
        """CREATE TABLE docs(
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,      -- relative to the archive, with '/'
            post_id TEXT NOT NULL,
            lang TEXT NOT NULL,
            title TEXT NOT NULL,            -- as written
            date TEXT NOT NULL,             -- ISO date or date-time, as written
            day TEXT NOT NULL,              -- YYYY-MM-DD
            authors TEXT NOT NULL,          -- search forms, each between newlines
            tags TEXT NOT NULL,
            outlet TEXT NOT NULL,
            kind TEXT NOT NULL,
            hash TEXT NOT NULL,
            error TEXT                      -- why the file could not be read, if it could not
        )""",
        "CREATE INDEX docs_post ON docs(post_id)",
        "CREATE INDEX docs_day ON docs(day)",
        "CREATE TABLE texts(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL)",
    ):
        db.execute(statement)


def _m002_fts(db: sqlite3.Connection, fts: bool) -> None:
    if fts:
        # Words of spaced scripts (Latin, digits): whole words and prefixes, fast for common words.
        db.execute("CREATE VIRTUAL TABLE words USING fts5(title, body, content='', "
                   "tokenize='unicode61 remove_diacritics 0')")
        # Khmer runs: trigrams find a Khmer word inside a longer run of text.
        db.execute("CREATE VIRTUAL TABLE khmer USING fts5(title, body, content='', tokenize='trigram')")


def _m003_listing(db: sqlite3.Connection, fts: bool) -> None:
    # What `list` and `summary` show of a version without reading its file. Existing rows get
    # them when their file is next read: forgetting the folder snapshots makes the next check
    # read every file once (a file whose hash is unchanged is then updated in place, not re-indexed).
    for statement in (
        "ALTER TABLE docs ADD COLUMN meta BLOB",  # marshal: [authors, tags, outlet, kind, summary, draft]
        "ALTER TABLE docs ADD COLUMN words INTEGER",  # summary.count_words of the body
        "ALTER TABLE docs ADD COLUMN abstract TEXT",  # text.summary.extract_summary of the body
        "ALTER TABLE docs ADD COLUMN error_line INTEGER",  # the line of `error`, if it has one
        "CREATE INDEX docs_date ON docs(date, post_id)",
        # Figures computed from every row (the `summary` of the whole archive), valid while
        # meta 'generation' (counted up by every change to `docs`) is the one they were made at.
        "CREATE TABLE cache(key TEXT PRIMARY KEY, generation INTEGER NOT NULL, value BLOB NOT NULL)",
        "INSERT OR REPLACE INTO meta VALUES ('generation', '0')",
        "DELETE FROM dirs",
    ):
        db.execute(statement)


def _m004_tally(db: sqlite3.Connection, fts: bool) -> None:
    # `summary` of the whole archive is kept as counts (`cache`) plus the facts each post was
    # counted with (`tally_facts`); `touched` names the posts whose rows changed, with the
    # generation that changed them, so that the counts are brought up to date post by post.
    for statement in (
        "CREATE TABLE touched(post_id TEXT PRIMARY KEY, generation INTEGER NOT NULL)",
        "CREATE INDEX touched_generation ON touched(generation)",
        "CREATE TABLE tally_facts(post_id TEXT PRIMARY KEY, value BLOB NOT NULL)",
        "CREATE INDEX docs_error ON docs(path) WHERE error IS NOT NULL",
        "DELETE FROM cache WHERE key LIKE 'summary:%'",  # the whole figures migration 003's code kept
    ):
        db.execute(statement)


def _m005_fingerprints(db: sqlite3.Connection, fts: bool) -> None:
    # Per row of `dirs`, a fingerprint of the folder's stat data (see `freshwalk.fingerprint`; NULL until
    # the folder is next compared file by file with its snapshot) and its count of post files.
    # A table of its own: read from `dirs`, a column after the snapshot would cost a walk
    # through the snapshot's overflow pages (7 to 66 ms for 26 folders of 150k files).
    db.execute("CREATE TABLE prints(name TEXT PRIMARY KEY, fingerprint TEXT, files INTEGER NOT NULL)")
    db.execute("INSERT INTO prints SELECT name, NULL, 0 FROM dirs")


def _m006_khmer_words(db: sqlite3.Connection, fts: bool) -> None:
    # A version's words are `words` (between spaces, Khmer left out) plus `khmer_words` (the word
    # segmenter's, issue 15). The segmenter is slow (30-100k characters/s), so reading a file
    # never runs it: `khmer_words` stays NULL until `summary` (or a watcher) counts it
    # (`wordcounts`). Rows without Khmer in their text get 0 here, no file read: those the `khmer`
    # table holds nothing of (0.1 ms for 1,500 files), else (no FTS5) those whose text no GLOB
    # finds Khmer in (0.1 s for 1,500 files); the others' `words` still count each Khmer run
    # as a word until they are counted.
    with_khmer = ("SELECT 1 FROM khmer_docsize k WHERE k.id = docs.id" if fts else
                  "SELECT 1 FROM texts t WHERE t.id = docs.id AND t.body GLOB '*[\u1780-\u17ff]*'")
    for statement in (
        "ALTER TABLE docs ADD COLUMN khmer_words INTEGER",
        f"UPDATE docs SET khmer_words = 0 WHERE error IS NULL AND NOT EXISTS ({with_khmer})",
        "CREATE INDEX docs_uncounted ON docs(post_id) WHERE khmer_words IS NULL AND error IS NULL",
    ):
        db.execute(statement)


def _m007_translations(db: sqlite3.Connection, fts: bool) -> None:
    # Translation status (issue 18): which version a translation says it translates (it decides
    # the post's original), the text hash it recorded and each version's own text hash; and the
    # line of a git conflict marker, so that `export --html` refuses a conflicted archive without
    # reading every file. Existing rows get them when their file is next read: the folder
    # snapshots and fingerprints are forgotten, so the next check reads every file once (a file
    # whose content hash is unchanged is updated in place, not re-indexed). `summary`'s kept
    # counts are dropped: they now count outdated and missing translations too.
    for statement in (
        "ALTER TABLE docs ADD COLUMN translates TEXT",  # `translation_of.lang`, '' if none
        "ALTER TABLE docs ADD COLUMN translated_text TEXT",  # `translation_of.text`, '' if none
        "ALTER TABLE docs ADD COLUMN text_hash TEXT",  # translation.text_hash of the body; NULL: not yet known
        "ALTER TABLE docs ADD COLUMN conflict INTEGER",  # line of the first git conflict marker, if any
        "CREATE INDEX docs_conflict ON docs(path) WHERE conflict IS NOT NULL",
        "UPDATE prints SET fingerprint = NULL",
        "DELETE FROM dirs",
        "DELETE FROM cache",
        "DELETE FROM tally_facts",
    ):
        db.execute(statement)


# Append only: a released migration is never edited, reordered or removed.
MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection, bool], None]]] = [
    ("001-docs-texts-dirs", _m001_tables),
    ("002-fts5-words-and-khmer", _m002_fts),
    ("003-listing-columns", _m003_listing),
    ("004-summary-tally", _m004_tally),
    ("005-folder-fingerprints", _m005_fingerprints),
    ("006-khmer-word-counts", _m006_khmer_words),
    ("007-translation-status", _m007_translations),
]


def fts_available() -> bool:
    """True when this Python's SQLite has FTS5 with the trigram tokenizer (and it is not turned off)."""
    if os.environ.get(NO_FTS_ENV, "") not in ("", "0"):
        return False
    try:
        with contextlib.closing(sqlite3.connect(":memory:")) as db:
            db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    except sqlite3.Error:
        return False
    return True


class IndexDamaged(Exception):
    """The index file cannot be used as it is; it is rebuilt from the posts."""


# ---------------------------------------------------------------------------- rows


@dataclass
class DocRow:
    """What the index keeps of one post file."""

    path: str
    post_id: str
    lang: str
    title: str
    date: str
    day: str
    authors: str
    tags: str
    outlet: str
    kind: str
    hash: str
    error: str | None
    title_form: str
    body_form: str
    meta: bytes = b""
    words: int = 0  # text.words.spaced_words of the body (Khmer left out)
    khmer_words: int | None = 0  # None: the body holds Khmer words, not yet counted
    abstract: str = ""
    error_line: int | None = None
    translates: str = ""  # see migration 007
    translated_text: str = ""
    text_hash: str = ""
    conflict: int | None = None
    projections: tuple[tuple[str, str], tuple[str, str]] = (("", ""), ("", ""))

    def project(self) -> DocRow:
        """Compute what the two FTS tables index (done in worker processes on big builds)."""
        self.projections = _projections(self.title_form, self.body_form)
        return self


def _joined(values: Iterable[str]) -> str:
    forms = [search_form(v) for v in values]
    return "\n" + "\n".join(f for f in forms if f) + "\n"


def _doc_row(rel: str, post_id: str, lang: str, data: bytes, path: Path) -> DocRow:
    import hashlib  # here: loading it costs every command 7-14 ms (OpenSSL)

    from opedarchive.model import conflict_line

    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    conflict = None
    try:
        text = decode_post_bytes(data, path)
        conflict = conflict_line(text)
        version = parse_post(text, path, expected_lang=lang)
    except PostFileError as exc:
        return DocRow(rel, post_id, lang, "", "", "", "\n", "\n", "", "", digest, exc.reason, "", "",
                      error_line=exc.line, conflict=conflict)
    row = _version_row(rel, post_id, version, digest)
    row.conflict = conflict
    return row


def _version_row(rel: str, post_id: str, version: Version, digest: str) -> DocRow:
    from opedarchive.text.summary import plain_text, summary_of_plain  # here: a search needs neither
    from opedarchive.text.words import needs_segmenter, spaced_words
    from opedarchive.translation import recorded, text_hash

    date = version.date
    listed = [version.authors, version.tags, version.get("outlet"), version.get("kind"), version.get("summary"),
              bool(version.meta.get("draft"))]
    plain = plain_text(version.body)
    translates, translated_text = recorded(version) or (translates_of(version) or "", "")
    return DocRow(
        path=rel, post_id=post_id, lang=version.lang, title=version.title, date=date.isoformat(),
        day=version.day.isoformat(), authors=_joined(version.authors), tags=_joined(version.tags),
        outlet=search_form(version.get("outlet")), kind=search_form(version.get("kind")),
        hash=digest, error=None, title_form=search_form(version.title), body_form=search_form(version.body),
        meta=marshal.dumps(listed), words=spaced_words(plain), khmer_words=None if needs_segmenter(plain) else 0,
        # Only a version without a `summary` key can need the summary extracted from its body.
        abstract="" if version.get("summary") else summary_of_plain(plain),
        translates=translates, translated_text=translated_text, text_hash=text_hash(version.body),
    )


_META_KEYS = ("authors", "tags", "outlet", "kind", "summary", "draft")


def listed_version(row: tuple[Any, ...]) -> Version:
    """A version as `list` and `summary` see it, from a row of `Index.listed_versions`: its
    front matter as far as they use it; no body, no path (see `Index.details`)."""
    _, lang, title, date, _, meta, words, translates, translated_text, text_hash = row
    values = dict(zip(_META_KEYS, marshal.loads(meta), strict=True))
    front: dict[str, Any] = {"title": title, "date": _iso_date(date), "lang": lang}
    front.update((k, v) for k, v in values.items() if v not in ("", [], False))
    if translates:
        front[TRANSLATION_KEY] = {"lang": translates, "text": translated_text or ""}
    return Version(lang=lang, meta=front, body="", words=words, digest=text_hash or "")


def _iso_date(text: str) -> dt.date | dt.datetime:
    return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)


Item = tuple[str, str, str, str, str | None]


def _read_row(item: Item) -> DocRow | None:
    """The row of one file (run in worker processes on big builds); None if it vanished. A file
    whose content hash is `known` (the indexed one) is not parsed again: only its hash is set."""
    root, rel, post_id, lang, known = item
    path = Path(root) / rel
    try:
        data = read_limited(path)
    except PostFileError as exc:
        if not os.path.lexists(path):
            return None
        return DocRow(rel, post_id, lang, "", "", "", "\n", "\n", "", "", "", exc.reason, "", "")
    import hashlib

    if known is not None and hashlib.blake2b(data, digest_size=16).hexdigest() == known:
        return DocRow(rel, post_id, lang, "", "", "", "\n", "\n", "", "", known, None, "", "")
    return _doc_row(rel, post_id, lang, data, path).project()


# ---------------------------------------------------------------------------- freshness


def _scan_dir(folder: str, racy_after: int) -> tuple[Snapshot, str | None]:
    """(size, mtime, ctime) of every `.md` file in a year folder, and the folder's fingerprint
    (None if it cannot be trusted yet). Times of files changed after `racy_after` are -1:
    such a file is read again by every check until it settles."""
    snap: Snapshot = {}
    try:
        own = os.stat(folder)
        entries = os.scandir(folder)
    except FileNotFoundError:
        return snap, None
    except OSError as exc:
        raise ArchiveError(f"{folder}: cannot read: {exc.strerror}") from None
    trusted = own.st_mtime_ns <= racy_after and own.st_ctime_ns <= racy_after
    total = 0
    with entries:
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                trusted = False
                continue
            total += hash((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
            name = entry.name
            if S_ISLNK(st.st_mode):
                continue  # a symbolic link is not part of the archive (Archive.files skips it too)
            if not name.endswith(".md") or name.startswith("."):
                trusted = trusted and st.st_ctime_ns <= racy_after
            elif st.st_mtime_ns > racy_after or st.st_ctime_ns > racy_after:
                snap[name] = RACY
                trusted = False
            else:
                snap[name] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return snap, f"{own.st_ino}:{own.st_mtime_ns}:{own.st_ctime_ns}:{total}" if trusted else None


def _year_dirs(posts: Path) -> list[str]:
    try:
        with os.scandir(posts) as entries:
            return sorted(e.name for e in entries if is_post_folder_name(e.name) and e.is_dir(follow_symlinks=False))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise OpedError(f"{posts}: cannot read: {exc.strerror}") from None


# (new snapshots of the folders that changed, files gone, files to read, files seen,
#  (fingerprint, files) of every folder compared)
ScanPart = tuple[dict[str, bytes], list[str], int, int, dict[str, tuple[str | None, int]]]


def _compare_dirs(posts: str, names: list[str], stored: dict[str, bytes], racy_after: int) -> ScanPart:
    """Each folder of `names` compared file by file with its stored snapshot."""
    changed: dict[str, bytes] = {}
    gone: list[str] = []
    prints: dict[str, tuple[str | None, int]] = {}
    to_read = files = 0
    for name in names:
        new, fingerprint = _scan_dir(os.path.join(posts, name), racy_after)
        files += len(new)
        prints[name] = (fingerprint, len(new))
        old: Snapshot = marshal.loads(stored[name]) if name in stored else {}
        if old == new and (name in stored or not new) and RACY not in new.values():
            continue  # (a folder without post files is not kept)
        changed[name] = marshal.dumps(new)
        to_read += sum(1 for _ in _changed_names(old, new))
        gone.extend(f"{POSTS_DIR}/{name}/{f}" for f in old if f not in new)
    return changed, gone, to_read, files, prints


T = TypeVar("T")


def _in_two(work: Callable[[list[str]], T], names: list[str], weights: dict[str, int],
            share: float = 0.5) -> tuple[T, T | None]:
    """`work` on `names`, split with a forked child (about `share` of the weight) when the
    folders are many and big enough to be worth a second core: stat() is CPU-bound here."""
    if len(names) < 2 or sum(weights.get(n, 1) for n in names) < FORK_MIN_FILES or not hasattr(os, "fork"):
        return work(names), None
    mine, theirs = shares(names, weights, share)
    child = Forked.start(lambda: work(theirs))
    if child is None:
        return work(names), None
    ours = work(mine)
    found = child.collect()
    return ours, (found if found is not None else work(theirs))


Ranked = list[tuple[int, float]]  # (text id, BM25 rank), best first
# What a forked child ranked: (generation, middle id, the best of the texts above it).
Half = tuple[int, int, Ranked]


def _generation_and_middle(db: sqlite3.Connection) -> tuple[int, int]:
    """The index's generation, and the id that splits its texts in two parts: this process
    ranks the lower one while it also loads what the output needs."""
    generation = int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
    return generation, int((db.execute("SELECT max(id) FROM docs").fetchone()[0] or 0) * LOWER_SHARE)


def _ranked_sql(sql: str, wanted: int) -> str:
    return f"SELECT id, r FROM ({sql}) ORDER BY r LIMIT {int(wanted)}"


def _ranked_upper_half(path: Path, group: list[Term], wanted: int) -> Half:
    """In a forked child: the `wanted` best texts with ids above the middle, on a connection
    of its own, read-only, in one read transaction with the generation it saw."""
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA query_only = 1")
        db.execute("PRAGMA cache_size = -8000")
        db.execute("BEGIN")
        generation, middle = _generation_and_middle(db)
        plan = _group_plan(group, f" AND rowid > {middle}")
        if plan is None:
            raise ValueError("no plan")
        rows: Ranked = db.execute(_ranked_sql(plan[0], wanted), plan[1]).fetchall()
        db.execute("COMMIT")
    finally:
        db.close()
    return generation, middle, rows


# Only onto the snapshot compared: another process may have stored a newer one since.
KEEP_PRINT = ("UPDATE prints SET fingerprint = ?, files = ? WHERE name = ? "
              "AND EXISTS (SELECT 1 FROM dirs WHERE dirs.name = prints.name AND snapshot = ?)")


def _print_rows(scan: ScanResult) -> list[tuple[str, int, str, bytes]]:
    """KEEP_PRINT's rows: the trusted fingerprints of folders compared and found unchanged."""
    return [(fingerprint, files, name, scan.stored[name]) for name, (fingerprint, files) in scan.prints.items()
            if fingerprint is not None and name in scan.stored and name not in scan.changed]


def _changed_names(old: Snapshot, new: Snapshot) -> Iterator[str]:
    """Files of a folder to read again: new, changed, or changed too recently to trust."""
    for name, stat in new.items():
        if stat == RACY or old.get(name) != stat:
            yield name


@dataclass
class ScanResult:
    """What a freshness check found: the changed folders' new snapshots (and the old ones of
    the folders compared), files gone, and fingerprints to keep."""

    stored: dict[str, bytes] = field(default_factory=dict)
    changed: dict[str, bytes] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)
    to_read: int = 0
    files: int = 0
    prints: dict[str, tuple[str | None, int]] = field(default_factory=dict)


@dataclass
class SyncStats:
    """What one freshness check did."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    unreadable: int = 0
    files: int = 0

    @property
    def touched(self) -> int:
        return self.added + self.changed + self.removed


class _Meanwhile:
    """What the caller of `search_fresh` runs on a thread of its own beside the search (the
    output's imports), started once, when no more forking is to come first."""

    def __init__(self, function: Callable[[], object] | None) -> None:
        self.function = function
        self.pending: Pending[object] | None = None

    def start(self) -> None:
        if self.function is not None and self.pending is None:
            self.pending = Pending(self.function)

    def wait(self) -> None:
        if self.pending is not None:
            self.pending.wait()


# ---------------------------------------------------------------------------- results


@dataclass
class Hit:
    """One matching post version."""

    doc_id: int
    path: str
    post_id: str
    lang: str
    title: str
    date: str
    score: float
    body_form: str | None = None  # the search form of the body, as indexed (when the search read it)


_DOC_COLUMNS = "d.id, d.path, d.post_id, d.lang, d.title, d.date"


class Index:
    """The search index of one archive."""

    # SQLite connections held open by Index objects of this process: a query is split with a
    # forked child only while there are none (SQLite's state must not cross a fork).
    connections = 0

    def __init__(self, archive: Archive, notice: Notice | None = None, *, use_fts: bool | None = None,
                 announce_build: bool = True) -> None:
        self.archive = archive
        self.announce_build = announce_build
        self.path = archive.data_dir / INDEX_NAME
        self.notice: Notice = notice or (lambda message: None)
        self.use_fts = fts_available() if use_fts is None else use_fts
        self._db: sqlite3.Connection | None = None
        self._rebuilding = False
        self.created = False  # the index file was made (or made again) by this object

    # -- opening

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
            Index.connections -= 1

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
            Index.connections += 1
        return self._db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA cache_size = -8000")
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection:
        fresh = not self.path.exists()
        try:
            self.archive.data_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise OpedError(f"{self.archive.data_dir}: cannot create the search index folder: {exc.strerror}") from None
        if fresh and not self._rebuilding and self.announce_build:
            self.notice("Building the search index (first use)…")
        self.created = self.created or fresh
        try:
            return self._connect()
        except (sqlite3.DatabaseError, IndexDamaged) as exc:
            self._refuse_if_not_damage(exc)
            self.notice(f"The search index was unusable ({_reason(exc)}); rebuilding it.")
            self._delete_files()
            self.created = True
            return self._connect()

    def _delete_files(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                Path(f"{self.path}{suffix}").unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise OpedError(f"{self.path}{suffix}: cannot remove the old search index: {exc.strerror}") from None

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise IndexDamaged("made by a newer opedarchive")
        mode = "fts5" if self.use_fts else "scan"
        if version > 0:
            stored = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('mode', 'form')").fetchall())
            if stored.get("mode") != mode:
                raise IndexDamaged(f"built for {stored.get('mode')} search, this one uses {mode}")
            if stored.get("form") != str(FORM_VERSION):
                raise IndexDamaged("made with another text normalisation")
        if version == len(MIGRATIONS):
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            for name, migration in MIGRATIONS[version:]:
                migration(db, self.use_fts)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('migration', ?)", (name,))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('mode', ?)", (mode,))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('form', ?)", (str(FORM_VERSION),))
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def guarded(self, operation: Callable[[], Any]) -> Any:
        """Run `operation`; if the index turns out damaged midway, rebuild it and run it again."""
        try:
            return operation()
        except (sqlite3.DatabaseError, IndexDamaged) as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise OpedError(f"{self.path}: the search index is busy (locked by another process)") from None
            self._refuse_if_not_damage(exc)
            self.notice(f"The search index was damaged ({_reason(exc)}); rebuilding it.")
            self._delete_files()
            self.created = True
            return operation()

    def _refuse_if_not_damage(self, exc: BaseException) -> None:
        """An OpedError for a failure that rebuilding the index cannot mend (a full disk, a
        read-only folder): the index is not at fault, and deleting it would not help."""
        if not isinstance(exc, sqlite3.OperationalError):
            return
        text = str(exc).lower()
        for sign, what, always in _NOT_DAMAGE:
            # (a read-only index file in a folder that can be written is mended by a rebuild)
            if sign in text and (always or not os.access(self.archive.data_dir, os.W_OK)):
                raise OpedError(f"{self.path}: cannot update the search index: {what}") from None

    # -- freshness

    def sync(self) -> SyncStats:
        """Bring the index up to date with the post files: new, changed and deleted ones."""
        return self.guarded(self._sync)  # type: ignore[no-any-return]

    def rebuild(self) -> SyncStats:
        """Throw the index away and build it again from the files."""
        self._delete_files()
        self._rebuilding = True
        try:
            return self.sync()
        finally:
            self._rebuilding = False

    def refresh(self) -> None:
        """Bring the index up to date: trust a live watcher (`opedarchive watch`) that has
        applied every change up to now, else check the files (`sync`)."""
        if not self._watched():
            self.sync()

    def _watched(self) -> bool:
        """True when a watcher vouches that this index holds every change made before now."""
        if not self.path.exists():
            return False
        from opedarchive.watching import watcher_vouches

        if not watcher_vouches(self.archive):
            return False
        self.guarded(lambda: self.db)
        return not self.created  # a file made just now holds nothing yet

    def sync_folders(self, names: Iterable[str]) -> SyncStats:
        """Bring the index up to date with the year folders `names` only (where a watcher saw
        events); a name that is neither a folder nor known to the index is ignored."""
        def run() -> SyncStats:
            known = self._known()
            posts = self.archive.posts_dir
            wanted = sorted({n for n in names if n in known or (is_post_folder_name(n) and (posts / n).is_dir())})
            return self._apply(self._compare(known, wanted)) if wanted else SyncStats()

        return self.guarded(run)  # type: ignore[no-any-return]

    def _sync(self) -> SyncStats:
        known = self._known()
        return self._apply(self._compare(known, self._suspects(known)))

    def _known(self) -> dict[str, tuple[str | None, int]]:
        """(fingerprint, files) of every year folder the index knows."""
        return {name: (fingerprint, files) for name, fingerprint, files
                in self.db.execute("SELECT name, fingerprint, files FROM prints")}

    def _suspects(self, known: dict[str, tuple[str | None, int]], share: float = 0.5) -> list[str]:
        """The year folders whose fingerprint is not the one stored: new, gone, changed, or
        not yet trusted. Stats every file, runs no SQL (safe beside a query); on a big archive
        a forked child takes `share` of the folders, or the child the console script forked
        at start-up (`freshwalk.start_early`) takes its own share."""
        posts = str(self.archive.posts_dir)
        names = sorted(set(_year_dirs(self.archive.posts_dir)) | known.keys())
        racy_after = time.time_ns() - RACY_NS
        early = take_early(posts)
        if early is not None:  # the console script's child has been at its share since start-up
            covered, child = early
            found = fingerprints(posts, [n for n in names if n not in covered], racy_after)
            theirs = child.collect()
            if theirs is None:  # the child failed: its folders are done here
                theirs = fingerprints(posts, covered, racy_after)
            found.update((name, value) for name, value in theirs.items() if name in names)
        else:
            weights = {name: files for name, (_, files) in known.items()}
            ours, more = _in_two(lambda part: fingerprints(posts, part, racy_after), names, weights, share)
            found = {**ours, **(more or {})}
        return [name for name in names if found.get(name) is None or found[name] != known.get(name, (None, 0))[0]]

    def _compare(self, known: dict[str, tuple[str | None, int]], names: list[str]) -> ScanResult:
        """The folders `names` compared file by file with their snapshots."""
        posts = str(self.archive.posts_dir)
        result = ScanResult()
        result.files = sum(files for name, (_, files) in known.items() if name not in names)
        if not names:
            return result
        stored = self._snapshots(names)
        racy_after = time.time_ns() - RACY_NS
        weights = {name: known.get(name, (None, 1))[1] for name in names}
        parts = _in_two(lambda part: _compare_dirs(posts, part, stored, racy_after), names, weights)
        result.stored = stored
        for part in parts:
            if part is not None:
                changed, gone, to_read, files, prints = part
                result.changed.update(changed)
                result.gone.extend(gone)
                result.to_read += to_read
                result.files += files
                result.prints.update(prints)
        return result

    def _snapshots(self, names: list[str]) -> dict[str, bytes]:
        # Snapshots stay marshalled but for the folder at hand: memory stays small at 150k files.
        marks = ", ".join("?" for _ in names)
        return dict(self.db.execute(f"SELECT name, snapshot FROM dirs WHERE name IN ({marks})", names).fetchall())

    def _keep_prints(self, scan: ScanResult) -> None:
        """Store the fingerprints of folders found unchanged, so that the next check of each is
        the cheap pass; skipped (until a later check) when another process is writing."""
        rows = _print_rows(scan)
        if not rows:
            return
        db = self.db
        db.execute("PRAGMA busy_timeout = 0")
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return
        finally:
            db.execute("PRAGMA busy_timeout = 30000")
        try:
            db.executemany(KEEP_PRINT, rows)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def _apply(self, scan: ScanResult) -> SyncStats:
        """Read what the scan found changed, and write it to the index in one transaction."""
        db = self.db
        stats = SyncStats(files=scan.files)
        stored, changed, gone = scan.stored, scan.changed, scan.gone
        if not changed:
            self._keep_prints(scan)
            return stats
        items = self._items(stored, changed)
        rows = self._read_parallel(items) if scan.to_read >= PARALLEL_MIN else map(_read_row, items)
        touched: set[str] = set()
        db.execute("BEGIN IMMEDIATE")
        try:
            for rel in gone:
                stats.removed += self._delete_doc(db, rel)
                parts = split_file_name(rel.rpartition("/")[2])
                if parts:
                    touched.add(parts[0])
            next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM docs").fetchone()[0]
            batch: list[tuple[int, DocRow]] = []
            for row in rows:
                if row is None:
                    continue
                found = db.execute("SELECT hash, meta, text_hash FROM docs WHERE path = ?", (row.path,)).fetchone()
                if found is not None and found[0] == row.hash:
                    if found[1] is None or found[2] is None:  # indexed before migration 003 or 007
                        db.execute("UPDATE docs SET meta = ?, words = ?, khmer_words = ?, abstract = ?, "
                                   "error_line = ?, translates = ?, translated_text = ?, text_hash = ?, "
                                   "conflict = ? WHERE path = ?",
                                   (row.meta, row.words, row.khmer_words, row.abstract, row.error_line,
                                    row.translates, row.translated_text, row.text_hash, row.conflict, row.path))
                        touched.add(row.post_id)
                    continue  # touched, not changed
                touched.add(row.post_id)
                if row.error:
                    stats.unreadable += 1
                if found is None:
                    stats.added += 1
                else:
                    stats.changed += 1
                    self._delete_doc(db, row.path)
                batch.append((next_id, row))
                next_id += 1
                if len(batch) >= BATCH:
                    self._insert_docs(db, batch)
                    batch = []
            self._insert_docs(db, batch)
            self._touch(db, touched)
            kept = {name: blob for name, blob in changed.items() if marshal.loads(blob)}  # a folder emptied goes
            db.executemany("INSERT OR REPLACE INTO dirs VALUES (?, ?)", kept.items())
            db.executemany("INSERT OR REPLACE INTO prints VALUES (?, ?, ?)",
                           [(name, *scan.prints.get(name, (None, 0))) for name in kept])
            emptied = [(name,) for name in changed.keys() - kept.keys()]
            for table in ("dirs", "prints"):
                db.executemany(f"DELETE FROM {table} WHERE name = ?", emptied)
            db.executemany(KEEP_PRINT, _print_rows(scan))
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        return stats

    def _touch(self, db: sqlite3.Connection, post_ids: Iterable[str]) -> None:
        """Count the generation up and name `post_ids` as touched by it: their `summary` counts follow."""
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
        generation = self._generation()
        db.executemany("INSERT OR REPLACE INTO touched VALUES (?, ?)", [(p, generation) for p in post_ids])

    def _items(self, stored: dict[str, bytes], changed: dict[str, bytes]) -> Iterator[Item]:
        """(archive root, relative path, id, lang, indexed hash) of every post file to read again;
        the hash is None where the index has no complete row of the file."""
        root = str(self.archive.root)
        db = self.db
        for name, blob in changed.items():
            old = marshal.loads(stored[name]) if name in stored else {}
            for file_name in _changed_names(old, marshal.loads(blob)):
                parts = split_file_name(file_name)
                if parts:
                    rel = f"{POSTS_DIR}/{name}/{file_name}"
                    found = db.execute("SELECT hash FROM docs WHERE path = ? AND meta IS NOT NULL "
                                       "AND text_hash IS NOT NULL", (rel,)).fetchone()
                    yield root, rel, *parts, found[0] if found else None

    @staticmethod
    def _read_parallel(items: Iterable[Item]) -> Iterator[DocRow | None]:
        """Rows of `items` read and parsed by worker processes while this one writes to SQLite,
        one window ahead at most, so that memory stays small however slow the writing."""
        import itertools
        import multiprocessing

        context = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
        source = iter(items)
        from opedarchive.importers.parallel import worker_start

        pool = context.Pool(processes=max(1, min(2, os.cpu_count() or 2)), initializer=worker_start,
                            initargs=(os.getpid(),))
        try:
            window = list(itertools.islice(source, READ_WINDOW))
            pending = pool.map_async(_read_row, window, chunksize=32)
            while window:
                rows = pending.get()
                window = list(itertools.islice(source, READ_WINDOW))
                if window:
                    pending = pool.map_async(_read_row, window, chunksize=32)
                yield from rows
        finally:
            # Also after Ctrl-C (which the workers ignore): they finish the window they were
            # given (at most two) and leave. Pool.terminate() would kill them, and a worker
            # killed while sending its rows leaves the queue's lock taken: the pool's own
            # threads then wait for it for ever.
            pool.close()
            pool.join()

    def _insert_docs(self, db: sqlite3.Connection, batch: list[tuple[int, DocRow]]) -> None:
        db.executemany(
            "INSERT INTO docs (id, path, post_id, lang, title, date, day, authors, tags, outlet, kind, hash, error, "
            "meta, words, khmer_words, abstract, error_line, translates, translated_text, text_hash, conflict) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, r.path, r.post_id, r.lang, r.title, r.date, r.day, r.authors, r.tags, r.outlet, r.kind,
              r.hash, r.error, r.meta, r.words, r.khmer_words, r.abstract, r.error_line, r.translates,
              r.translated_text, r.text_hash, r.conflict) for i, r in batch],
        )
        readable = [(i, r) for i, r in batch if not r.error]
        db.executemany("INSERT INTO texts VALUES (?, ?, ?)", [(i, r.title_form, r.body_form) for i, r in readable])
        if self.use_fts:
            for n, table in enumerate(FTS_TABLES):
                db.executemany(
                    f"INSERT INTO {table} (rowid, title, body) VALUES (?, ?, ?)",
                    [(i, *r.projections[n]) for i, r in readable if any(r.projections[n])],
                )

    @staticmethod
    def _fts_write(db: sqlite3.Connection, command: str, doc_id: int, title: str, body: str) -> None:
        """Run an FTS5 command ("delete") on a text in both FTS tables; the tables store no
        text, so a removal passes the very values that were added."""
        for table, (t, b) in zip(FTS_TABLES, _projections(title, body), strict=True):
            if t or b:
                db.execute(f"INSERT INTO {table} ({table}, rowid, title, body) VALUES (?, ?, ?, ?)",
                           (command, doc_id, t, b))

    def _delete_doc(self, db: sqlite3.Connection, rel: str) -> int:
        found = db.execute("SELECT id FROM docs WHERE path = ?", (rel,)).fetchone()
        if found is None:
            return 0
        doc_id = found[0]
        text = db.execute("SELECT title, body FROM texts WHERE id = ?", (doc_id,)).fetchone()
        if text is not None:
            if self.use_fts:
                self._fts_write(db, "delete", doc_id, *text)
            db.execute("DELETE FROM texts WHERE id = ?", (doc_id,))
        db.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
        return 1

    # -- searching

    def search(self, query: Query, *, limit: int | None = 20, since: str | None = None,
               until: str | None = None) -> list[Hit]:
        """The best `limit` hits for `query`, best first (BM25, title above body), ties newest first."""
        return self.guarded(lambda: self._search(query, limit, since, until))  # type: ignore[no-any-return]

    def search_fresh(self, query: Query, *, limit: int | None = 20, since: str | None = None,
                     until: str | None = None, meanwhile: Callable[[], object] | None = None) -> list[Hit]:
        """`sync()` then `search()`, overlapped: the query runs while the files are checked
        (the cheap pass, on both cores); if a folder's fingerprint moved, it is compared file
        by file, and if anything changed the index is updated and the query run again.
        With a live watcher, the query runs while the watcher is asked for its word instead.
        `meanwhile` runs on a thread of its own beside all this (started after any fork)."""
        later = _Meanwhile(meanwhile)
        try:
            return self._search_fresh(query, limit, since, until, later)
        finally:
            later.wait()  # nothing it uses may be closed under it

    def _search_fresh(self, query: Query, limit: int | None, since: str | None, until: str | None,
                      meanwhile: _Meanwhile) -> list[Hit]:
        if self.path.exists():
            from opedarchive.watching import watcher_status

            if watcher_status(self.archive) is not None:
                hits = self._search_watched(query, limit, since, until, meanwhile)
                if hits is not None:
                    return hits

        def run() -> list[Hit]:
            known = self._known()
            with beside(lambda: self._search(query, limit, since, until)) as pending:
                meanwhile.start()
                suspects = self._suspects(known, CHILD_SHARE)
            hits = pending.result()
            if suspects:
                scan = self._compare(known, suspects)
                if scan.changed:
                    meanwhile.wait()  # no fork (of the workers reading files) while it imports
                    self._apply(scan)
                    hits = self._search(query, limit, since, until)
                else:
                    self._keep_prints(scan)
            return hits

        return self.guarded(run)  # type: ignore[no-any-return]

    def _search_watched(self, query: Query, limit: int | None, since: str | None, until: str | None,
                        meanwhile: _Meanwhile | None = None) -> list[Hit] | None:
        """The hits, run while a live watcher is asked (cookie file) to vouch for the index;
        None when it does not vouch. The generation read before the query and again after
        the watcher's word tells whether a change reached the index meanwhile: then the query
        runs again, on an index that now holds every change made before the question.
        On a big index, a forked child ranks half the matches meanwhile (`_forked_half`)."""
        from opedarchive.watching import watcher_vouches

        def run() -> list[Hit] | None:
            half = self._forked_half(query, limit)
            try:
                before = self._generation()
                if self.created:
                    return None  # a file made just now holds nothing yet
                with beside(lambda: self._search(query, limit, since, until, half)) as pending:
                    if meanwhile is not None:
                        meanwhile.start()  # after the query has started: its imports hold Python's lock
                    vouched = watcher_vouches(self.archive)
                hits = pending.result()
            finally:
                if half is not None and not half.done:
                    half.cancel()
            if not vouched:
                return None
            if self._generation() != before:
                hits = self._search(query, limit, since, until)
            return hits

        return self.guarded(run)  # type: ignore[no-any-return]

    def _forked_half(self, query: Query, limit: int | None) -> Forked[Half] | None:
        """A forked child ranking the upper half (by id) of the matches of a one-group query
        on a big index; None where that does not pay or is not safe: the fork happens only
        while this process holds no SQLite connection and runs no other thread, and the
        child opens its own (read-only) connection."""
        if (Index.connections or self._db is not None or not hasattr(os, "fork") or not self.use_fts
                or not limit or len(query.groups) != 1 or threading.active_count() > 1):
            return None
        try:
            if os.path.getsize(self.path) < SPLIT_MIN_BYTES:
                return None
        except OSError:
            return None
        group = query.groups[0]
        if _group_plan(group) is None:
            return None
        wanted = max(CANDIDATE_FACTOR * (_pooled(query, limit) or limit), CANDIDATES)
        return Forked.start(lambda: _ranked_upper_half(self.path, group, wanted))

    def _filters(self, query: Query, since: str | None, until: str | None) -> tuple[list[str], list[Any]]:
        where = ["d.error IS NULL"]
        args: list[Any] = []
        for negated, pairs in ((False, query.filters), (True, query.negated_filters)):
            for key, value in pairs:
                clause, arg = _filter_sql(key, value)
                where.append(f"NOT ({clause})" if negated else clause)
                args.append(arg)
        if since:
            where.append("d.day >= ?")
            args.append(since)
        if until:
            where.append("d.day <= ?")
            args.append(until)
        return where, args

    def _search(self, query: Query, limit: int | None, since: str | None, until: str | None,
                 half: Forked[Half] | None = None) -> list[Hit]:
        try:
            hits = self._search_in(query, _pooled(query, limit), since, until, half)
        finally:
            if half is not None and not half.done:
                half.cancel()
        if query.ranks_words:
            hits = whole_words_first(hits, query)
        return hits[:limit] if limit else hits

    def _search_in(self, query: Query, limit: int | None, since: str | None, until: str | None,
                   half: Forked[Half] | None) -> list[Hit]:
        db = self.db
        where, args = self._filters(query, since, until)
        if not query.groups:
            sql = f"SELECT {_DOC_COLUMNS}, 0 FROM docs d WHERE {_all(where)} ORDER BY d.date DESC, d.id"
            if query.excluded:  # filters and exclusions only: each version's text is checked
                return self._verified(db, db.execute(sql, args), query, limit, ranked=True)
            if limit:
                sql += f" LIMIT {int(limit)}"
            return [_hit(r, 0.0) for r in db.execute(sql, args)]
        plans = [plan for plan in (_group_plan(g) for g in query.groups) if plan] if self.use_fts else []
        if len(plans) == 1 and limit:
            hits = self._best_candidates(db, plans[0], where, args, query, limit, half)
            if hits is not None:
                return hits
        if len(plans) > MAX_JOINED:
            return self._search_many(db, plans, where, args, query, limit)
        if plans:
            ctes, match_args = _materialized(plans)
            joins = " ".join(f"JOIN g{n} ON g{n}.id = d.id" for n in range(len(plans)))
            ranks = " + ".join(f"g{n}.r" for n in range(len(plans)))
            sql = (
                f"WITH {ctes} SELECT {_DOC_COLUMNS}, {ranks} AS rank "
                f"FROM docs d {joins} WHERE {_all(where)} ORDER BY rank, d.date DESC, d.id"
            )
            return self._verified(db, db.execute(sql, [*match_args, *args]), query, limit, ranked=True)
        # No FTS5, or only Khmer terms shorter than a trigram: scan the stored text with
        # instr(), which is right where LIKE on a trigram table is not (SQLite 3.40). The
        # first SCANNED_GROUPS groups (of at most FLAT_AND terms) narrow the scan; every group
        # is checked in `_verified`.
        for group in [g for g in query.groups if len(g) <= FLAT_AND][:SCANNED_GROUPS]:
            where.append("(" + " OR ".join("instr(t.title, ?) OR instr(t.body, ?)" for _ in group) + ")")
            args.extend(a for t in group for a in (t.form, t.form))
        sql = (f"SELECT {_DOC_COLUMNS}, 0 FROM docs d JOIN texts t ON t.id = d.id "
               f"WHERE {_all(where)} ORDER BY d.date DESC, d.id")
        return self._verified(db, db.execute(sql, args), query, limit, ranked=False)

    def _search_many(self, db: sqlite3.Connection, plans: list[tuple[str, list[str]]], where: list[str],
                     args: list[Any], query: Query, limit: int | None) -> list[Hit]:
        """The hits of a query of more groups than one SELECT may join (SQLite joins at most 64
        tables; a pasted paragraph has more words): the groups' matches are joined
        MAX_JOINED at a time into temporary tables, level after level, all in one read
        transaction. A statement joining thousands of groups at once held about 200 kB per
        group (2 GB for 10,000 words); this holds one chunk's at a time. The ranks are the
        same sums, added in another order (equal but for rounding)."""
        made: list[str] = []
        db.execute("BEGIN")
        try:
            sources = plans
            level = 0
            while len(sources) > MAX_JOINED:
                merged: list[tuple[str, list[str]]] = []
                for start in range(0, len(sources), MAX_JOINED):
                    chunk = sources[start:start + MAX_JOINED]
                    name = f"oped_many_{level}_{start // MAX_JOINED}"
                    ctes, chunk_args = _materialized(chunk)
                    joins = " ".join(f"JOIN g{n} ON g{n}.id = g0.id" for n in range(1, len(chunk)))
                    ranks = " + ".join(f"g{n}.r" for n in range(len(chunk)))
                    db.execute(f"CREATE TEMP TABLE {name} AS WITH {ctes} SELECT g0.id AS id, {ranks} AS r "
                               f"FROM g0 {joins}", chunk_args)
                    made.append(name)
                    merged.append((f"SELECT id, r FROM temp.{name}", []))
                sources = merged
                level += 1
            ctes, match_args = _materialized(sources)
            joins = " ".join(f"JOIN g{n} ON g{n}.id = d.id" for n in range(len(sources)))
            ranks = " + ".join(f"g{n}.r" for n in range(len(sources)))
            sql = (f"WITH {ctes} SELECT {_DOC_COLUMNS}, {ranks} AS rank FROM docs d {joins} "
                   f"WHERE {_all(where)} ORDER BY rank, d.date DESC, d.id")
            return self._verified(db, db.execute(sql, [*match_args, *args]).fetchall(), query, limit, ranked=True)
        finally:
            for name in made:
                db.execute(f"DROP TABLE IF EXISTS temp.{name}")
            db.execute("COMMIT")

    def _best_candidates(self, db: sqlite3.Connection, plan: tuple[str, list[str]], where: list[str],
                         args: list[Any], query: Query, limit: int, half: Forked[Half] | None = None
                         ) -> list[Hit] | None:
        """The hits of a one-group query from its best-ranked candidates only, when they are
        enough; None when the whole ranking is needed. A common word matches most posts, and
        ranking them all (and joining each to `docs`) is what costs; FTS5 keeps only the best
        `CANDIDATES` cheaply. Candidates ranked equal to the last one kept may have company
        left out, so only those ranked strictly better count: the answer is the same as the
        whole ranking's."""
        wanted = max(CANDIDATE_FACTOR * limit, CANDIDATES)
        if wanted > 10_000:  # SQLite takes at most 32,766 values in one statement
            return None
        best = self._ranked(db, query.groups[0], plan, wanted, half)
        complete = len(best) < wanted  # every match is a candidate
        if not complete:
            cutoff = best[-1][1]
            best = [c for c in best if c[1] < cutoff]
        if not best:
            return [] if complete else None
        values = ", ".join("(?, ?)" for _ in best)
        rows = db.execute(
            f"WITH c(id, r) AS (VALUES {values}) SELECT {_DOC_COLUMNS}, c.r AS rank FROM docs d "
            f"JOIN c ON c.id = d.id WHERE {_all(where)} ORDER BY rank, d.date DESC, d.id",
            [*(v for c in best for v in c), *args])
        hits = self._verified(db, rows, query, limit, ranked=True)
        return hits if complete or len(hits) >= limit else None

    def _ranked(self, db: sqlite3.Connection, group: list[Term], plan: tuple[str, list[str]], wanted: int,
                half: Forked[Half] | None) -> Ranked:
        """The `wanted` best (id, rank) of a one-group plan. With `half`, this process ranks
        the lower half of the ids and the child the upper one; the child's answer counts
        when it saw the same generation (the ranks are then the same as the whole query's:
        BM25's statistics are the whole table's, whatever the rowid range)."""
        if half is not None:
            db.execute("BEGIN")
            try:
                generation, middle = _generation_and_middle(db)
                lower = _group_plan(group, f" AND rowid <= {middle}")
                mine: Ranked = db.execute(_ranked_sql(lower[0], wanted), lower[1]).fetchall() if lower else []
            finally:
                db.execute("COMMIT")
            theirs = half.collect()
            if lower is not None and theirs is not None and theirs[:2] == (generation, middle):
                return sorted([*mine, *theirs[2]], key=lambda c: c[1])[:wanted]
        sql, match_args = plan
        return db.execute(_ranked_sql(sql, wanted), match_args).fetchall()  # type: ignore[no-any-return]

    def _verified(self, db: sqlite3.Connection, rows: Iterable[tuple[Any, ...]], query: Query,
                  limit: int | None, ranked: bool) -> list[Hit]:
        """Candidates that really match (word edges, short terms, exclusions), in order."""
        hits: list[Hit] = []
        for row in rows:
            text = db.execute("SELECT title, body FROM texts WHERE id = ?", (row[0],)).fetchone()
            if text is None or not query.matches(*text):
                continue
            if ranked:
                hits.append(_hit(row, float(f"{-float(row[6]):.4g}"), text[1]))
                if limit and len(hits) >= limit:
                    break
            else:
                hits.append(_hit(row, _simple_score(query.terms, *text), text[1]))
        if not ranked:
            hits.sort(key=lambda h: h.date, reverse=True)  # stable: newest first among equal scores
            hits.sort(key=lambda h: -h.score)
            hits = hits[:limit] if limit else hits
        return hits

    # -- listing: what `list` and `summary` show, without reading the post files

    def unreadable(self) -> list[tuple[str, str, int | None]]:
        """(path, reason, line) of every post file that could not be read, in path order."""
        rows = self.guarded(lambda: self.db.execute(
            "SELECT path, error, error_line FROM docs WHERE error IS NOT NULL ORDER BY path").fetchall())
        return [(str(p), str(e), line) for p, e, line in rows]

    def conflicts(self) -> list[tuple[str, int]]:
        """(path, line) of every post file holding a git conflict marker, in path order."""
        rows = self.guarded(lambda: self.db.execute(
            "SELECT path, conflict FROM docs WHERE conflict IS NOT NULL ORDER BY path").fetchall())
        return [(str(p), int(line)) for p, line in rows]

    def newest(self, languages: list[str], limit: int, oldest_first: bool = False) -> list[str]:
        """Ids of the `limit` posts whose original (the version the others say they translate,
        else the first in the archive's language order: `model.original_order`) is newest,
        newest first, ties by id as `select.sort_posts` orders them."""
        def rank(table: str) -> str:
            claimed = (f"EXISTS (SELECT 1 FROM docs c WHERE c.post_id = {table}.post_id AND c.error IS NULL "
                       f"AND c.translates = {table}.lang)")
            whens = "".join(f" WHEN {table}.lang = {_literal(code)} THEN {n}" for n, code in enumerate(languages))
            return f"(CASE WHEN {claimed} THEN -1{whens} ELSE {len(languages)} END)"

        order = "ASC" if oldest_first else "DESC"
        sql = (
            "SELECT d.post_id FROM docs d WHERE d.error IS NULL AND NOT EXISTS ("
            "SELECT 1 FROM docs o WHERE o.post_id = d.post_id AND o.error IS NULL AND o.id <> d.id "
            f"AND ({rank('o')} < {rank('d')} OR ({rank('o')} = {rank('d')} AND o.lang < d.lang))) "
            f"ORDER BY d.date {order}, d.post_id {order} LIMIT ?"
        )
        return [r[0] for r in self.guarded(lambda: self.db.execute(sql, (limit,)).fetchall())]

    def listed_versions(self, post_ids: list[str] | None = None, *, titles: bool = True) -> Iterator[tuple[Any, ...]]:
        """(post id, lang, title, date, day, meta, words) of every readable version (of
        `post_ids` only, if given), grouped by post (see `listed_version`); without `titles`,
        title and day are None (less to read for `summary`). Khmer words not yet counted
        (`uncounted`) are left out of `words`."""
        columns = ("post_id, lang, " + ("title, date, day" if titles else "NULL, date, NULL")
                   + ", meta, words + coalesce(khmer_words, 0), translates, translated_text, text_hash")
        rows: Iterable[tuple[Any, ...]]
        if post_ids is None:  # row by row: 150,000 of them at once would cost memory
            rows = self.guarded(lambda: self.db.execute(
                f"SELECT {columns} FROM docs WHERE error IS NULL ORDER BY post_id"))
        else:
            rows = self._by_posts(columns, post_ids)
            rows.sort(key=lambda r: r[0])  # grouped by post
        yield from rows

    def _by_posts(self, columns: str, post_ids: list[str]) -> list[tuple[Any, ...]]:
        """`columns` of the readable versions of `post_ids`, in order of path within a post."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(post_ids), 500):
            chunk = post_ids[start:start + 500]
            sql = (f"SELECT {columns} FROM docs WHERE error IS NULL AND post_id IN "
                   f"({', '.join('?' * len(chunk))}) ORDER BY post_id")
            rows.extend(self.guarded(lambda: self.db.execute(sql, chunk).fetchall()))  # noqa: B023 - run at once
        return rows

    def details(self, post_ids: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
        """(path, abstract) of every readable version of `post_ids`, by (post id, lang); the
        abstract is the summary extracted from the body."""
        rows = self._by_posts("post_id, lang, path, abstract", post_ids)
        return {(post_id, lang): (path, abstract or "") for post_id, lang, path, abstract in rows}

    def uncounted(self, post_ids: list[str] | None = None) -> list[tuple[int, str, str, str]]:
        """(row id, post id, path, content hash) of the readable versions (of `post_ids` only, if
        given) whose Khmer words are not yet counted (see migration 006, `wordcounts`)."""
        columns = "id, post_id, path, hash"
        if post_ids is not None:
            return [r[:4] for r in self._by_posts(columns + ", khmer_words", post_ids) if r[4] is None]
        return self.guarded(lambda: self.db.execute(  # type: ignore[no-any-return]
            f"SELECT {columns} FROM docs WHERE khmer_words IS NULL AND error IS NULL").fetchall())

    def keep_khmer_counts(self, counts: Iterable[tuple[int, str, str, int, int]]) -> int:
        """Store (row id, post id, content hash, words, Khmer words) of versions counted by
        `wordcounts`, in one transaction; a row whose file changed since (another hash, or
        gone) is left alone. The touched posts' `summary` counts follow. How many were stored."""
        db = self.db
        stored: set[str] = set()
        rows = 0
        db.execute("BEGIN IMMEDIATE")
        try:
            for row_id, post_id, digest, words, khmer in counts:
                cursor = db.execute("UPDATE docs SET words = ?, khmer_words = ? WHERE id = ? AND hash = ? "
                                    "AND khmer_words IS NULL", (words, khmer, row_id, digest))
                if cursor.rowcount:
                    stored.add(post_id)
                    rows += 1
            if stored:
                self._touch(db, stored)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        return rows

    def generation(self) -> int:
        """A number that changes whenever the index's rows may have changed."""
        return self.guarded(self._generation)  # type: ignore[no-any-return]

    def _generation(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else -1

    def kept_tally(self, key: str) -> tuple[int, int | None, Any, list[str]]:
        """For the counts kept under `key` (see `keep_tally`): the generation now, the one they
        were kept at (None: none kept), their value, and the posts touched since then."""
        def run() -> tuple[int, int | None, Any, list[str]]:
            db = self.db
            now = self._generation()
            row = db.execute("SELECT generation, value FROM cache WHERE key = ?", (key,)).fetchone()
            if row is None:
                return now, None, None, []
            kept, value = int(row[0]), marshal.loads(row[1])
            touched = [r[0] for r in db.execute("SELECT post_id FROM touched WHERE generation > ?", (kept,))]
            return now, kept, value, touched

        return self.guarded(run)  # type: ignore[no-any-return]

    def tally_facts(self, post_ids: list[str]) -> dict[str, Any]:
        """The facts `keep_tally` kept of each of `post_ids` that has them."""
        found: dict[str, Any] = {}
        for start in range(0, len(post_ids), 500):
            chunk = post_ids[start:start + 500]
            sql = f"SELECT post_id, value FROM tally_facts WHERE post_id IN ({', '.join('?' * len(chunk))})"
            rows = self.guarded(lambda: self.db.execute(sql, chunk).fetchall())  # noqa: B023 - run at once
            found.update((post_id, marshal.loads(value)) for post_id, value in rows)
        return found

    def keep_tally(self, key: str, based_on: Any, generation: int, value: Callable[[], tuple[Any, ...]],
                   facts: Iterable[tuple[str, Any]], *, replace_all: bool) -> bool:
        """Keep counts (`value()`, plain data, its first item a token naming them) under `key`,
        made at `generation` from the facts of every post; `facts` are (post id, facts) of the
        posts counted anew (None: a post now gone), or of every post with `replace_all`, and
        are all consumed before `value` is called. Without `replace_all`, only if the kept
        counts are still those named `based_on`. False if not kept (another process got there
        first, or the index is busy: they are made again next time; `facts` is not consumed)."""
        db = self.db
        db.execute("PRAGMA busy_timeout = 100")  # never wait long for what is only a cache
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT value FROM cache WHERE key = ?", (key,)).fetchone()
                if not replace_all and (row is None or marshal.loads(row[0])[0] != based_on):
                    db.execute("ROLLBACK")
                    return False
                if replace_all:
                    db.execute("DELETE FROM tally_facts")
                for post_id, fact in facts:
                    if fact is None:
                        db.execute("DELETE FROM tally_facts WHERE post_id = ?", (post_id,))
                    else:
                        db.execute("INSERT OR REPLACE INTO tally_facts VALUES (?, ?)", (post_id, marshal.dumps(fact)))
                db.execute("INSERT OR REPLACE INTO cache VALUES (?, ?, ?)", (key, generation, marshal.dumps(value())))
                db.execute("COMMIT")
                return True
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError:
            return False
        finally:
            db.execute("PRAGMA busy_timeout = 30000")

    def post_count(self) -> int:
        """How many posts have at least one readable version."""
        return int(self.guarded(lambda: self.db.execute(
            "SELECT count(DISTINCT post_id) FROM docs WHERE error IS NULL").fetchone()[0]))

    def count(self) -> int:
        """How many post files the index holds."""
        return int(self.guarded(lambda: self.db.execute("SELECT count(*) FROM docs").fetchone()[0]))

    def problems(self) -> list[tuple[str, str]]:
        """(path, reason) of every post file the index could not read."""
        rows = self.guarded(lambda: self.db.execute(
            "SELECT path, error FROM docs WHERE error IS NOT NULL ORDER BY path").fetchall())
        return [(str(p), str(e)) for p, e in rows]


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _hit(row: tuple[Any, ...], score: float, body_form: str | None = None) -> Hit:
    return Hit(doc_id=row[0], path=row[1], post_id=row[2], lang=row[3], title=row[4], date=row[5], score=score,
               body_form=body_form)


def _pooled(query: Query, limit: int | None) -> int | None:
    """How many hits to rank by score before `whole_words_first` reorders them: at least its pool."""
    return max(limit, WHOLE_WORD_POOL) if limit and query.ranks_words else limit


def whole_words_first(hits: list[Hit], query: Query) -> list[Hit]:
    """The best WHOLE_WORD_POOL hits (by score) reordered: those where more of the query's
    groups occur as whole words by the segmenter first, in score order otherwise (spec §6)."""
    pool = hits[:WHOLE_WORD_POOL]
    if len(pool) < 2:
        return hits  # nothing to reorder: the segmenter is not loaded
    whole = [query.whole_groups((search_form(h.title), h.body_form or ""), word_break) for h in pool]
    order = sorted(range(len(pool)), key=lambda n: -whole[n])
    return [pool[n] for n in order] + hits[WHOLE_WORD_POOL:]


# What text.words segments: a run of Khmer letters, signs and digits.
_SEGMENTED = re.compile("[\u1780-\u17d3\u17dc\u17dd\u17e0-\u17e9\u19e0-\u19ff]")


def word_break(form: str, at: int) -> bool:
    """True when offset `at` of a search form is a word boundary: not inside an unspaced Khmer
    run, or where the segmenter (`text.words`) ends a word of that run."""
    if at <= 0 or at >= len(form) or not (_SEGMENTED.match(form[at - 1]) and _SEGMENTED.match(form[at])):
        return True
    start, end = at - 1, at + 1
    while start > 0 and _SEGMENTED.match(form[start - 1]):
        start -= 1
    while end < len(form) and _SEGMENTED.match(form[end]):
        end += 1
    from opedarchive.text.words import khmer_breaks

    return at - start in khmer_breaks(form[start:end])


def _simple_score(terms: list[Term], title: str, body: str) -> float:
    """The fallback's rank: occurrences, the title's counted TITLE_WEIGHT times, per 1,000 characters."""
    found = sum(TITLE_WEIGHT * len(t.pattern.findall(title)) + len(t.pattern.findall(body)) for t in terms)
    return float(f"{found * 1000 / (len(title) + len(body) + 1000):.4g}")


_KHMER_RUN = re.compile("[\u1780-\u17ff]+")
_HAS_WORD = re.compile(r"[^\W_]")


FTS_TABLES = ("words", "khmer")


def _projections(title: str, body: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """(title, body) as the `words` table indexes them, then as the `khmer` table does."""
    return (spaced_part(title), spaced_part(body)), (khmer_part(title), khmer_part(body))


def spaced_part(form: str) -> str:
    """What the `words` table indexes of a search form: everything but Khmer."""
    return " ".join(_KHMER_RUN.sub(" ", form).split())


def khmer_part(form: str) -> str:
    """What the `khmer` trigram table indexes of a search form: its Khmer runs."""
    return " ".join(_KHMER_RUN.findall(form))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quoted(text: str) -> str:
    """`text` as an FTS5 string. A NUL would end the query's text there ("unterminated string"):
    it is left out, which can only widen the candidates (`_verified` checks the term as it is)."""
    return '"' + text.replace('"', '""').replace("\x00", "") + '"'


def _term_plan(term: Term) -> tuple[str, str] | None:
    """(table, FTS5 expression) that finds every text holding `term`, maybe more (the
    candidates are checked against the term afterwards); None if no table can."""
    runs = [r for r in _KHMER_RUN.findall(term.form) if len(r) >= 3]
    if runs:
        return "khmer", " ".join(_quoted(r) for r in runs)
    spaced = spaced_part(term.form)
    if not _HAS_WORD.search(spaced):
        return None
    star = "*" if term.prefix and _HAS_WORD.match(term.form[-1]) else ""
    return "words", _quoted(spaced) + star


def _group_plan(group: list[Term], rowids: str = "") -> tuple[str, list[str]] | None:
    """SQL giving (id, r) for every text that may match any term of `group`, r its best BM25;
    `rowids` (such as " AND rowid <= 5") narrows the texts."""
    by_table: dict[str, list[str]] = {}
    for term in group:
        plan = _term_plan(term)
        if plan is None:
            return None
        by_table.setdefault(plan[0], []).append(f"({plan[1]})")
    selects = [
        f"SELECT rowid AS id, bm25({table}, {TITLE_WEIGHT}, 1.0) AS r FROM {table} WHERE {table} MATCH ?{rowids}"
        for table in by_table
    ]
    args = [" OR ".join(exprs) for exprs in by_table.values()]
    if len(selects) == 1:
        return selects[0], args
    return f"SELECT id, min(r) AS r FROM ({' UNION ALL '.join(selects)}) GROUP BY id", args


# SQLite joins at most 64 tables in one SELECT: `docs` and this many groups' matches (more
# are joined in chunks first: `Index._search_many`).
MAX_JOINED = 60
# Groups of a query (words, each with its ORs) that narrow a scan without FTS5 in SQL.
SCANNED_GROUPS = 60
# An AND of more clauses than this is nested in halves: SQLite parses `a AND b AND c …` as a
# tree as deep as the list is long, and refuses one deeper than 1000.
FLAT_AND = 64


# SQLite errors that say the index is fine but cannot be written (or opened) where it is.
_NOT_DAMAGE = (
    ("disk is full", "the disk is full", True),
    ("disk i/o error", "a disk input/output error", True),
    ("readonly database", "its folder is read-only", False),
    ("unable to open database", "its folder cannot be written", False),
)


def _materialized(plans: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
    """The CTEs `g0`, `g1`, … of the groups' plans, materialized, and their arguments."""
    ctes = ", ".join(f"g{n} AS MATERIALIZED ({sql})" for n, (sql, _) in enumerate(plans))
    return ctes, [arg for _, group_args in plans for arg in group_args]


def _all(clauses: list[str]) -> str:
    """SQL for all of `clauses` (AND), nested in halves when they are many (see FLAT_AND)."""
    if len(clauses) <= FLAT_AND:
        return " AND ".join(clauses)
    middle = len(clauses) // 2
    return f"({_all(clauses[:middle])}) AND ({_all(clauses[middle:])})"


def _filter_sql(key: str, value: str) -> tuple[str, str]:
    """A WHERE clause on `docs d` for one filter; author, tag, outlet and kind look at every
    version of the post, so a Khmer version is found by its English original's author."""
    form = search_form(value)
    if key == "lang":
        return "d.lang = ? COLLATE NOCASE", value
    if key == "year":
        return "substr(d.day, 1, 4) = ?", form
    test = {
        "author": "instr(o.authors, ?) > 0",
        "tag": "instr(o.tags, char(10) || ? || char(10)) > 0",
        "outlet": "instr(o.outlet, ?) > 0",
        "kind": "o.kind = ?",
    }[key]
    return f"d.post_id IN (SELECT o.post_id FROM docs o WHERE {test})", form
