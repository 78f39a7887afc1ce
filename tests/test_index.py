"""The search index on real SQLite: schema, freshness, damage, ranking and the scan fallback."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from opedarchive import index as index_module
from opedarchive.archive import Archive
from opedarchive.index import INDEX_NAME, MIGRATIONS, Index
from opedarchive.query import parse

KM_ID = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"


def write_post(root: Path, post_id: str, lang: str, title: str, body: str, **meta: str) -> Path:
    path = root / "posts" / post_id[:4] / f"{post_id}.{lang}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = "".join(f"{k}: {v}\n" for k, v in meta.items())
    text = f"---\ntitle: {title}\ndate: {post_id[:10]}\nlang: {lang}\n{extra}---\n\n{body}\n"
    path.write_text(text, encoding="utf-8")
    return path


def ids(idx: Index, text: str) -> list[tuple[str, str]]:
    return [(h.post_id, h.lang) for h in idx.search(parse(text), limit=None)]


@pytest.fixture
def notices() -> list[str]:
    return []


@pytest.fixture
def idx(seeded: Path, notices: list[str]) -> Index:
    index = Index(Archive.open(seeded), notices.append)
    index.sync()
    return index


def test_first_use_builds_the_index_with_a_notice(seeded: Path, idx: Index, notices: list[str]) -> None:
    assert (seeded / ".opedarchive" / INDEX_NAME).is_file()
    assert notices == ["Building the search index (first use)…"]
    assert idx.count() == 6


def test_schema_version_counts_the_migrations(idx: Index) -> None:
    assert idx.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    names = [name for name, _ in MIGRATIONS]
    assert names == sorted(names) and len(set(names)) == len(names)
    assert idx.db.execute("SELECT value FROM meta WHERE key = 'migration'").fetchone()[0] == names[-1]
    assert idx.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_up_to_date_index_reads_no_file(idx: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    idx.sync()  # settle files written within the racy window
    def no_reading(item: object) -> None:
        raise AssertionError(f"read {item}")
    monkeypatch.setattr(index_module, "_read_row", no_reading)
    stats = idx.sync()
    assert (stats.added, stats.changed, stats.removed, stats.files) == (0, 0, 0, 6)


def test_new_changed_and_deleted_files(seeded: Path, idx: Index) -> None:
    new = write_post(seeded, "2023-01-02-fresh", "en", "Fresh", "A zyxomancy of ballots.")
    assert idx.sync().added == 1
    assert ids(idx, "zyxomancy") == [("2023-01-02-fresh", "en")]
    new.write_text(new.read_text(encoding="utf-8").replace("zyxomancy", "quorum"), encoding="utf-8")
    stats = idx.sync()
    assert stats.changed == 1
    assert ids(idx, "zyxomancy") == []
    assert ids(idx, "quorum") == [("2023-01-02-fresh", "en")]
    new.unlink()
    assert idx.sync().removed == 1
    assert ids(idx, "quorum") == []
    assert idx.count() == 6


def test_an_edit_keeping_size_and_mtime_is_still_seen(seeded: Path, idx: Index) -> None:
    path = seeded / "posts" / "2022" / f"{KM_ID}.en.md"
    idx.sync()
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "UNTAC" in text
    path.write_text(text.replace("UNTAC", "QWXYZ"), encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert idx.sync().changed == 1  # the ctime moved
    assert ids(idx, "qwxyz") == [(KM_ID, "en")]
    assert ids(idx, "untac") == []


def test_recently_changed_files_are_checked_again(seeded: Path, idx: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    # Within one timestamp tick a second edit could leave size and times unchanged; so a file
    # changed in the last RACY_NS is read again by the next check (its hash then decides).
    path = write_post(seeded, "2023-01-02-fresh", "en", "Fresh", "Words.")
    assert idx.sync().added == 1
    snapshot = idx.db.execute("SELECT snapshot FROM dirs WHERE name = '2023'").fetchone()[0]
    assert marshal.loads(snapshot)[path.name] == index_module.RACY
    read: list[object] = []
    real = index_module._read_row
    monkeypatch.setattr(index_module, "_read_row", lambda item: read.append(item) or real(item))
    assert idx.sync().changed == 0
    assert f"posts/2023/{path.name}" in [item[1] for item in read]  # type: ignore[index]


def test_a_file_that_cannot_be_read_is_reported_not_indexed(seeded: Path, idx: Index) -> None:
    bad = seeded / "posts" / "2022" / "2022-07-01-broken.en.md"
    bad.write_text("---\ntitle: [unclosed\n---\nzyxomancy\n", encoding="utf-8")
    stats = idx.sync()
    assert stats.added == 1 and stats.unreadable == 1
    assert ids(idx, "zyxomancy") == []
    assert [p for p, _ in idx.problems()] == ["posts/2022/2022-07-01-broken.en.md"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "deleted"])
def test_a_damaged_index_is_rebuilt_with_one_notice(seeded: Path, idx: Index, notices: list[str], damage: str) -> None:
    idx.close()
    path = seeded / ".opedarchive" / INDEX_NAME
    if damage == "garbage":
        path.write_bytes(os.urandom(8192) * 4)
    elif damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    else:
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    notices.clear()
    fresh = Index(Archive.open(seeded), notices.append)
    fresh.sync()
    assert ids(fresh, "candlelight")
    assert len(notices) == 1
    if damage == "deleted":
        assert notices == ["Building the search index (first use)…"]
    else:
        assert "rebuilding it" in notices[0]
    assert fresh.count() == 6


def test_an_index_from_a_newer_version_is_rebuilt(seeded: Path, idx: Index, notices: list[str]) -> None:
    idx.db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    idx.close()
    notices.clear()
    again = Index(Archive.open(seeded), notices.append)
    again.sync()
    assert notices and "newer opedarchive" in notices[0]
    assert again.count() == 6


def test_scan_fallback_finds_the_same_posts(seeded: Path, idx: Index, notices: list[str]) -> None:
    queries = ["election", "ឆ្នោត", "ទេ", '"national election committee"', "nec -candlelight",
               "court OR តុលាការ", "kangaroo lang:km", "author:seng"]
    with_fts = {q: sorted(ids(idx, q)) for q in queries}
    idx.close()
    scan = Index(Archive.open(seeded), notices.append, use_fts=False)
    scan.sync()
    assert any("built for fts5 search" in n for n in notices)  # the other mode's index is rebuilt
    assert scan.db.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('words', 'khmer')").fetchone()[0] == 0
    assert {q: sorted(ids(scan, q)) for q in queries} == with_fts
    assert [q for q in queries if not with_fts[q]] == []


def test_no_fts5_environment_variable_turns_the_fallback_on(monkeypatch: pytest.MonkeyPatch) -> None:
    assert index_module.fts_available()
    monkeypatch.setenv("OPEDARCHIVE_NO_FTS5", "1")
    assert not index_module.fts_available()


def test_title_weighs_more_than_body_and_ties_go_to_the_newest(archive: Path) -> None:
    filler = "Words about other things entirely. " * 20
    write_post(archive, "2021-01-01-a", "en", "Quorum rules", filler)
    write_post(archive, "2021-02-01-b", "en", "Other rules", filler + "Quorum.")
    write_post(archive, "2020-01-01-c", "en", "Same text", "A plebiscite today.")
    write_post(archive, "2021-01-01-d", "en", "Same text", "A plebiscite today.")
    idx = Index(Archive.open(archive))
    idx.sync()
    assert [h.post_id for h in idx.search(parse("quorum"))] == ["2021-01-01-a", "2021-02-01-b"]
    assert [h.post_id for h in idx.search(parse("plebiscite"))] == ["2021-01-01-d", "2020-01-01-c"]
    hits = idx.search(parse("quorum"))
    assert hits[0].score > hits[1].score


def test_filters_look_at_every_version_of_a_post(idx: Index) -> None:
    # the Khmer version names its author in Khmer; the English original's author finds it
    assert (KM_ID, "km") in ids(idx, "ឆ្នោត author:seng")
    assert ids(idx, "ឆ្នោត outlet:vod") == [(KM_ID, "km")]
    assert sorted(ids(idx, "election kind:letter lang:en")) == [
        ("2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint", "en"),
        ("2022-06-24-candlelight-arrest-is-a-joke", "en")]
    assert ids(idx, "election year:2021") == []
    assert sorted(ids(idx, "nec -kind:letter")) == [
        ("2022-06-12-election-disenfranchisement-machine-of-cambodia", "en"),
        ("2022-06-28-recipes-towards-democratic-unification", "en")]


def test_since_and_until_use_each_versions_date(idx: Index) -> None:
    hits = idx.search(parse("ឆ្នោត"), limit=None, since="2022-06-14")
    assert (KM_ID, "km") not in [(h.post_id, h.lang) for h in hits]  # the Khmer version is dated 06-13
    hits = idx.search(parse("ឆ្នោត"), limit=None, until="2022-06-13")
    assert [(h.post_id, h.lang) for h in hits] == [(KM_ID, "km")]


def test_a_removed_year_folder_removes_its_posts(seeded: Path, idx: Index) -> None:
    write_post(seeded, "2023-01-02-fresh", "en", "Fresh", "A zyxomancy.")
    write_post(seeded, "2023-05-06-more", "en", "More", "Another zyxomancy.")
    assert idx.sync().added == 2
    for path in (seeded / "posts" / "2023").iterdir():
        path.unlink()
    (seeded / "posts" / "2023").rmdir()
    assert idx.sync().removed == 2
    assert ids(idx, "zyxomancy") == []
    for table in ("dirs", "prints"):
        assert idx.db.execute(f"SELECT count(*) FROM {table} WHERE name = '2023'").fetchone()[0] == 0


def test_big_builds_read_in_worker_processes(seeded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "PARALLEL_MIN", 1)
    monkeypatch.setattr(index_module, "READ_WINDOW", 2)  # several windows
    idx = Index(Archive.open(seeded))
    stats = idx.sync()
    assert (stats.added, stats.files) == (6, 6)
    assert ids(idx, "ឆ្នោត") and ids(idx, "untac") == [(KM_ID, "en")]


def test_search_fresh_checks_the_files_while_it_searches(seeded: Path, idx: Index) -> None:
    assert idx.search_fresh(parse("zyxomancy")) == []
    write_post(seeded, "2023-01-02-fresh", "en", "Fresh", "A zyxomancy.")
    assert [h.post_id for h in idx.search_fresh(parse("zyxomancy"))] == ["2023-01-02-fresh"]
    (seeded / "posts" / "2023" / "2023-01-02-fresh.en.md").unlink()
    assert idx.search_fresh(parse("zyxomancy")) == []


def test_big_archives_are_checked_by_two_processes(seeded: Path, idx: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "FORK_MIN_FILES", 0)
    write_post(seeded, "2023-01-02-fresh", "en", "Fresh", "A zyxomancy.")
    write_post(seeded, "2024-01-02-later", "en", "Later", "Another zyxomancy.")
    stats = idx.sync()
    assert (stats.added, stats.files) == (2, 8)
    (seeded / "posts" / "2024" / "2024-01-02-later.en.md").unlink()
    assert [h.post_id for h in idx.search_fresh(parse("zyxomancy"))] == ["2023-01-02-fresh"]


def test_an_index_made_with_another_normalisation_is_rebuilt(seeded: Path, idx: Index, notices: list[str]) -> None:
    idx.db.execute("UPDATE meta SET value = '1' WHERE key = 'form'")
    idx.close()
    notices.clear()
    again = Index(Archive.open(seeded), notices.append)
    again.sync()
    assert notices == ["The search index was unusable (made with another text normalisation); rebuilding it."]
    assert again.count() == 6


def _ranked_hits(idx: Index, text: str, half: object = None) -> list[tuple[str, str, float]]:
    hits = idx._search(parse(text), 20, None, None, half)  # type: ignore[arg-type]
    return [(h.post_id, h.lang, h.score) for h in hits]


@pytest.mark.parametrize("text", ["ឆ្នោត", "election", "election OR ឆ្នោត", "zyxomancy"])
def test_a_query_ranked_in_two_processes_gives_the_whole_ranking(
    seeded: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    # On a big index, a watched search ranks the ids above a middle one in a forked child.
    monkeypatch.setattr(Index, "connections", 0)  # other tests' Index objects, never closed, count too
    for n in range(30):
        write_post(seeded, f"2023-02-{n % 28 + 1:02d}-more-{n}", "en", f"More {n}", "election " * (n % 7 + 1))
        write_post(seeded, f"2023-02-{n % 28 + 1:02d}-more-{n}", "km", f"ឆ្នោត {n}", "ការបោះឆ្នោត " * (n % 5 + 1))
    with Index(Archive.open(seeded)) as whole:
        whole.sync()
        expected = _ranked_hits(whole, text)
    monkeypatch.setattr(index_module, "SPLIT_MIN_BYTES", 0)
    split = Index(Archive.open(seeded))
    assert Index.connections == 0
    half = split._forked_half(parse(text), 20)
    if text == "zyxomancy":
        assert half is not None and _ranked_hits(split, text, half) == expected == []
        return
    assert half is not None
    assert _ranked_hits(split, text, half) == expected
    assert half.done
    split.close()


def test_no_ranking_child_while_a_connection_is_open(idx: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "SPLIT_MIN_BYTES", 0)
    assert idx.db is not None and Index.connections >= 1
    assert Index(Archive.open(idx.archive.root))._forked_half(parse("election"), 20) is None


def test_a_ranking_child_that_saw_another_generation_is_not_used(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Index, "connections", 0)
    with Index(Archive.open(seeded)) as first:
        first.sync()
    monkeypatch.setattr(index_module, "SPLIT_MIN_BYTES", 0)
    split = Index(Archive.open(seeded))
    half = split._forked_half(parse("zyxomancy"), 20)
    assert half is not None
    half.collect()  # the child ranked the index as it was
    write_post(seeded, "2023-03-01-late", "en", "Late", "A zyxomancy.")
    split.sync()  # a new generation
    stale = index_module.Forked.start(lambda: (0, 0, [(1, -1.0)]))  # an answer from another generation
    assert stale is not None
    assert _ranked_hits(split, "zyxomancy", stale)[0][:2] == ("2023-03-01-late", "en")
    split.close()
