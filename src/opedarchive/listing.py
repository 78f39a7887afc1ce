"""The posts `list` and `summary` show: from the search index where it can be used (after the
freshness check `search` does, or a live watcher's word), else from the post files."""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opedarchive.errors import OpedError, PostFileError
from opedarchive.model import Post
from opedarchive.select import PostFilter, sort_posts

if TYPE_CHECKING:
    from opedarchive.archive import Archive
    from opedarchive.index import Index
    from opedarchive.summary import PostFacts, Summary, Tally
    from opedarchive.wordcounts import Progress

Notice = Callable[[str], None]
# Set to 1 to read the post files even where the index could be used (a check of the index).
NO_INDEX_ENV = "OPEDARCHIVE_LIST_FROM_FILES"


@dataclass
class Selection:
    """The posts to show, how many posts the archive has, and the files that could not be read."""

    posts: list[Post]
    total: int
    problems: list[PostFileError] = field(default_factory=list)


def select_posts(archive: Archive, flt: PostFilter, sort: str = "date", reverse: bool = False,
                 limit: int | None = None, notice: Notice | None = None) -> Selection:
    """The posts that pass `flt`, in `sort_posts` order, at most `limit` of them."""
    index = _fresh_index(archive, notice)
    if index is None:
        loaded = archive.load()
        posts = sort_posts([p for p in loaded.posts if flt.matches(p)], sort, reverse)
        return Selection(posts[:limit] if limit else posts, len(loaded.posts), loaded.problems)
    with index:
        if limit and sort == "date" and flt == PostFilter():
            # The common case, answered by the index alone: only `limit` posts are read from it.
            ids = index.newest(archive.config.languages, limit, oldest_first=reverse)
            by_id = {p.id: p for p in _posts(archive, index, ids)}
            posts = [by_id[i] for i in ids if i in by_id]
        else:
            posts = sort_posts([p for p in _posts(archive, index) if flt.matches(p)], sort, reverse)
            posts = posts[:limit] if limit else posts
        _add_details(index, posts)
        total = len(posts) if posts else index.post_count()
        return Selection(posts, total, _problems(archive, index))


def summarize_posts(archive: Archive, flt: PostFilter, latest: int = 5, notice: Notice | None = None,
                    progress: Progress | None = None) -> tuple[Summary, list[PostFileError]]:
    """The `summary` figures of the posts that pass `flt`, and the files that could not be read.
    Khmer words the index has not counted yet are counted first (`wordcounts`; `progress`)."""
    from opedarchive.summary import PostFacts, summarize, summarize_facts
    from opedarchive.wordcounts import count_khmer_words

    languages = archive.config.languages
    index = _fresh_index(archive, notice)
    if index is None:
        loaded = archive.load()
        return summarize([p for p in loaded.posts if flt.matches(p)], latest, languages), loaded.problems
    with index:
        def load(ids: list[str]) -> list[Post]:
            by_id = {p.id: p for p in _posts(archive, index, ids)}
            posts = [by_id[i] for i in ids]
            _add_details(index, posts)
            return posts

        if flt != PostFilter():
            posts = [p for p in _posts(archive, index) if flt.matches(p)]
            ids = [p.id for p in posts]
            if count_khmer_words(index, ids, progress):
                posts = list(_posts(archive, index, ids))  # with the words just counted
            facts = [PostFacts.of(p, languages) for p in posts]
            return summarize_facts(facts, load, latest, languages), _problems(archive, index)
        count_khmer_words(index, None, progress)
        tally = _tally(archive, index)
        latest_ids = index.newest(languages, latest) if latest else []
        return tally.summary(latest_ids, load, languages), _problems(archive, index)


# The whole archive's counts, kept in the index (see `Index.keep_tally`).
TALLY_KEY = "summary-tally"


def _tally(archive: Archive, index: Index) -> Tally:
    """The whole archive's `summary` counts: those kept in the index, brought up to date from
    the posts touched since they were kept; made from every row when none are kept (or the
    archive's languages, which decide each post's original, changed since)."""
    import secrets

    from opedarchive.summary import PostFacts, Tally

    languages = archive.config.languages
    now, kept_at, kept, touched = index.kept_tally(TALLY_KEY)
    usable = kept is not None and kept[1] == languages
    if usable and kept_at == now:
        return Tally.from_plain(kept[2])
    token = secrets.token_hex(8)
    if usable and len(touched) <= max(1000, kept[2][0] // 4):  # else counting every post is quicker
        tally = Tally.from_plain(kept[2])
        for plain in index.tally_facts(touched).values():
            tally.add(PostFacts.from_plain(plain), -1)
        changed: dict[str, Any] = dict.fromkeys(touched)
        for fact in _facts(archive, index, touched):
            tally.add(fact)
            changed[fact.id] = fact.plain()
        index.keep_tally(TALLY_KEY, kept[0], now, lambda: (token, languages, tally.plain()), changed.items(),
                         replace_all=False)
        return tally
    tally = Tally()

    def counted() -> Iterator[tuple[str, Any]]:  # every post's facts, counted as they are kept
        for fact in _facts(archive, index):
            tally.add(fact)
            yield fact.id, fact.plain()

    if not index.keep_tally(TALLY_KEY, None, now, lambda: (token, languages, tally.plain()), counted(),
                            replace_all=True):
        tally = Tally()
        for fact in _facts(archive, index):
            tally.add(fact)
    return tally


def _usable(archive: Archive) -> bool:
    """False where the index cannot be kept (a read-only archive) or is turned off."""
    if os.environ.get(NO_INDEX_ENV, "") not in ("", "0"):
        return False
    folder = archive.data_dir if archive.data_dir.is_dir() else archive.root
    return os.access(folder, os.W_OK)


def _fresh_index(archive: Archive, notice: Notice | None) -> Index | None:
    """The archive's index brought up to date, or None where it cannot be used."""
    if not _usable(archive):
        return None
    import sqlite3

    from opedarchive.index import Index

    index = Index(archive, notice=notice, announce_build=False)
    try:
        index.refresh()
    except (OpedError, sqlite3.Error):
        index.close()
        return None  # the files are read instead; a real problem with them is reported from there
    return index


def _grouped(index: Index, ids: list[str] | None = None, titles: bool = True) -> Iterator[list[tuple[Any, ...]]]:
    """The index's rows of each post's readable versions, post by post."""
    current: str | None = None
    rows: list[tuple[Any, ...]] = []
    for row in index.listed_versions(ids, titles=titles):
        if row[0] != current:
            if rows:
                yield rows
            current, rows = row[0], []
        rows.append(row)
    if rows:
        yield rows


def _posts(archive: Archive, index: Index, ids: list[str] | None = None) -> Iterator[Post]:
    """Posts as the index knows them (front matter as far as `list` uses it; no bodies, no paths)."""
    from opedarchive.index import listed_version

    for rows in _grouped(index, ids):
        yield archive.assemble(rows[0][0], [listed_version(row) for row in rows])


def _facts(archive: Archive, index: Index, ids: list[str] | None = None) -> Iterator[PostFacts]:
    """`summary.PostFacts` of every post (or those of `ids`) straight from the index's rows, without building
    posts: the same figures as `PostFacts.of(post)` (the original is the version the others say
    they translate, else the first in the archive's language order; authors are the original's,
    else everyone's; the outlet is the first version's that has one; tags are everyone's)."""
    from opedarchive.summary import PostFacts

    languages = archive.config.languages
    rank = {lang: n for n, lang in enumerate(languages)}
    last = len(rank)
    loads = marshal.loads
    for rows in _grouped(index, ids, titles=False):
        missing = [lang for lang in languages if all(r[1] != lang for r in rows)]
        outdated: list[str] = []
        if len(rows) > 1:
            claimed = {r[7] for r in rows if r[7]}
            rows.sort(key=lambda r: (-1 if r[1] in claimed else rank.get(r[1], last), r[1]))
            hashes = {r[1]: r[9] for r in rows}
            # A translation is outdated when the version it names has another text now (as
            # `translation.status` decides; a hash not yet known decides nothing).
            outdated = [r[1] for r in rows if r[7] and r[8] and hashes.get(r[7]) and r[8] != hashes[r[7]]]
        _, _, _, date, _, meta = rows[0][:6]
        authors, tags, outlet = loads(meta)[:3]
        if len(rows) > 1:
            metas = [loads(r[5]) for r in rows]
            if not authors:
                authors = list(dict.fromkeys(a for m in metas for a in m[0]))
            tags = list(dict.fromkeys(t for m in metas for t in m[1]))
            outlet = next((m[2] for m in metas if m[2]), "")
        elif len(tags) > 1:
            tags = list(dict.fromkeys(tags))
        yield PostFacts(rows[0][0], date, [r[1] for r in rows], [r[6] for r in rows], authors, outlet, tags,
                        missing, outdated)


def _add_details(index: Index, posts: list[Post]) -> None:
    """Give every version of `posts` its path, and each original the summary extracted from
    its body (both kept in the index)."""
    root = index.archive.root
    found = index.details([p.id for p in posts])
    for post in posts:
        for lang, version in post.versions.items():
            path, abstract = found.get((post.id, lang), ("", ""))
            version.path = root / path
            version.abstract = abstract


def _problems(archive: Archive, index: Index) -> list[PostFileError]:
    return [PostFileError(archive.root / path, reason, line) for path, reason, line in index.unreadable()]
