"""The freshness check's cheap pass: a fingerprint of each year folder's stat data, kept in
`dirs`, spares the file-by-file comparison of every folder that did not change, and misses
no change (real files, real SQLite; each change is followed by a fresh check)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opedarchive import freshwalk
from opedarchive import index as index_module
from opedarchive.archive import Archive
from opedarchive.index import Index
from opedarchive.launch import archive_option
from opedarchive.query import parse
from test_index import KM_ID, ids, write_post


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust every file at once (the machine's ctimes are fine-grained; each change below is
    made a few milliseconds after the check before it), instead of after RACY_NS."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The folders each check compared file by file with their snapshots."""
    seen: list[list[str]] = []
    original = Index._compare

    def recording(self: Index, known: dict[str, tuple[str | None, int]], names: list[str]) -> object:
        seen.append(list(names))
        return original(self, known, names)

    monkeypatch.setattr(Index, "_compare", recording)
    return seen


def _tick() -> None:
    time.sleep(0.01)


def _sync(idx: Index) -> index_module.SyncStats:
    _tick()
    return idx.sync()


def test_an_unchanged_archive_is_checked_by_the_cheap_pass_alone(
    seeded: Path, settled: None, compared: list[list[str]]
) -> None:
    idx = Index(Archive.open(seeded))
    idx.sync()  # the first build compares every folder and keeps their fingerprints
    assert len(compared) == 1 and compared[0] == sorted(os.listdir(seeded / "posts"))
    rows = idx.db.execute("SELECT name, fingerprint, files FROM prints ORDER BY name").fetchall()
    assert all(fingerprint for _, fingerprint, _ in rows)
    assert sum(files for *_, files in rows) == 6
    compared.clear()
    stats = _sync(idx)
    assert compared == [[]]
    assert (stats.added, stats.changed, stats.removed, stats.files) == (0, 0, 0, 6)


def test_a_folder_changed_too_recently_gets_no_fingerprint(seeded: Path, compared: list[list[str]]) -> None:
    idx = Index(Archive.open(seeded))
    idx.sync()  # the seeded files were written just now: within RACY_NS
    assert idx.db.execute("SELECT count(*) FROM prints WHERE fingerprint IS NOT NULL").fetchone()[0] == 0
    compared.clear()
    idx.sync()
    assert compared and compared[0]  # compared file by file again, until the files settle


@pytest.mark.parametrize("change", [
    "edit-same-size-and-mtime", "append", "delete", "rename", "new-file", "move-to-another-year", "replace",
])
def test_the_cheap_pass_sees_every_kind_of_change(
    seeded: Path, settled: None, compared: list[list[str]], change: str
) -> None:
    idx = Index(Archive.open(seeded))
    idx.sync()
    path = seeded / "posts" / "2022" / f"{KM_ID}.en.md"
    text = path.read_text(encoding="utf-8")
    _tick()
    compared.clear()
    if change == "edit-same-size-and-mtime":
        before = path.stat()
        path.write_text(text.replace("UNTAC", "QWXYZ"), encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert _sync(idx).changed == 1
        assert ids(idx, "qwxyz") == [(KM_ID, "en")]
    elif change == "append":
        path.write_text(text + "\nA zyxomancy.\n", encoding="utf-8")
        assert _sync(idx).changed == 1
        assert ids(idx, "zyxomancy") == [(KM_ID, "en")]
    elif change == "delete":
        path.unlink()
        assert _sync(idx).removed == 1
        assert ids(idx, "untac") == []
    elif change == "rename":
        path.rename(path.with_name("2022-06-16-renamed.en.md"))
        stats = _sync(idx)
        assert (stats.added, stats.removed) == (1, 1)
        assert ids(idx, "untac") == [("2022-06-16-renamed", "en")]
    elif change == "new-file":
        write_post(seeded, "2022-07-01-fresh", "en", "Fresh", "A zyxomancy.")
        assert _sync(idx).added == 1
        assert ids(idx, "zyxomancy") == [("2022-07-01-fresh", "en")]
    elif change == "move-to-another-year":
        (seeded / "posts" / "2030").mkdir()
        path.rename(seeded / "posts" / "2030" / path.name)
        stats = _sync(idx)
        assert (stats.added, stats.removed) == (1, 1)
        assert [h.path for h in idx.search(parse("untac"))] == [f"posts/2030/{path.name}"]
    elif change == "replace":  # an editor's atomic save: a new file renamed over the old one
        fresh = path.with_name(".save.tmp")
        fresh.write_text(text.replace("UNTAC", "QWXYZ"), encoding="utf-8")
        os.replace(fresh, path)
        assert _sync(idx).changed == 1
        assert ids(idx, "qwxyz") == [(KM_ID, "en")]
    assert compared and compared[0]  # the changed folder was compared file by file
    compared.clear()
    stats = _sync(idx)
    assert compared == [[]] and stats.touched == 0  # and its new fingerprint kept


def test_a_stray_file_costs_a_comparison_but_changes_nothing(
    seeded: Path, settled: None, compared: list[list[str]]
) -> None:
    idx = Index(Archive.open(seeded))
    idx.sync()
    generation = idx.generation()
    _tick()
    (seeded / "posts" / "2022" / ".notes.swp").write_bytes(b"editor state")
    compared.clear()
    stats = _sync(idx)
    assert compared == [["2022"]] and stats.touched == 0
    assert idx.generation() == generation  # nothing the index shows changed
    compared.clear()
    _sync(idx)
    assert compared == [[]]  # the folder's new fingerprint was kept


def test_fingerprints_are_the_same_in_every_process(seeded: Path) -> None:
    # str hashes are salted per process; the fingerprint hashes only ints.
    code = ("import sys; from opedarchive.freshwalk import fingerprint; "
            "print(fingerprint(sys.argv[1], 2**62))")
    folder = str(seeded / "posts" / "2022")
    outputs = {
        subprocess.run([sys.executable, "-c", code, folder], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "random")
    }
    assert len(outputs) == 1 and outputs.pop().strip() not in ("", "None")


def _truth(root: Path) -> list[tuple[str, str]]:
    """(path, content hash) of every post file: what a correct index holds."""
    return sorted((path.relative_to(root).as_posix(), hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest())
                  for path in (root / "posts").glob("*/*.md") if not path.name.startswith("."))


OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["write", "append", "same-size", "delete", "rename", "touch", "stray", "mkdir"]),
    st.integers(0, 5), st.integers(2020, 2023)), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_after_any_changes_the_index_holds_exactly_the_files(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, operations: list[tuple[str, int, int]]
) -> None:
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    root = tmp_path_factory.mktemp("fingerprint")
    (root / "opedarchive.toml").write_text('languages = ["en", "km"]\n', encoding="utf-8")
    for n in range(3):
        write_post(root, f"2021-01-0{n + 1}-seed-{n}", "en", f"Seed {n}", f"Body {n}.")
    idx = Index(Archive.open(root))
    idx.sync()
    for operation, n, year in operations:
        _tick()
        files = sorted((root / "posts").glob("*/*.md"))
        path = files[n % len(files)] if files else None
        if operation == "write" or path is None:
            write_post(root, f"{year}-02-0{n + 1}-new-{n}", "en", f"New {n}", f"Text {n} of {year}.")
        elif operation == "append":
            path.write_text(path.read_text(encoding="utf-8") + "More.\n", encoding="utf-8")
        elif operation == "same-size":
            before = path.stat()
            text = path.read_text(encoding="utf-8")
            path.write_text(text[:-2] + ("X" if text[-2] != "X" else "Y") + "\n", encoding="utf-8")
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        elif operation == "delete":
            path.unlink()
        elif operation == "rename":
            path.rename(path.with_name(f"{path.name[:10]}-moved-{n}.en.md"))
        elif operation == "touch":
            os.utime(path)
        elif operation == "stray":
            (path.parent / f".stray-{n}").write_text("x", encoding="utf-8")
        elif operation == "mkdir":
            (root / "posts" / str(year + 10)).mkdir(exist_ok=True)
        _tick()
        idx.sync()
        indexed = sorted(idx.db.execute("SELECT path, hash FROM docs"))
        assert indexed == _truth(root), operation
    idx.close()
    shutil.rmtree(root)


# -- the early child: the console script starts the cheap pass before loading the rest


@pytest.fixture
def early(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An early child for any archive size, trusting files at once (as `settled`)."""
    monkeypatch.setattr(freshwalk, "EARLY_MIN_BYTES", 0)
    monkeypatch.setattr(freshwalk, "RACY_NS", 0)
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    yield
    freshwalk.cancel_early()


def test_the_archive_option_is_read_before_the_command() -> None:
    read = archive_option
    assert read(["--archive", "a", "search", "x"]) == "a"
    assert read(["-a", "b", "list"]) == "b"
    assert read(["--archive=c", "summary"]) == "c"
    assert read(["-ad", "summary"]) == "d"
    assert read(["search", "-a", "x"]) is None  # after the command: the command's own option
    assert read([]) is None


@pytest.mark.parametrize("change", ["edit", "delete", "new-year"])
def test_the_early_childs_fingerprints_see_changes(seeded: Path, early: None, compared: list[list[str]],
                                                   change: str) -> None:
    idx = Index(Archive.open(seeded))
    idx.sync()
    idx.close()
    path = seeded / "posts" / "2022" / f"{KM_ID}.en.md"
    _tick()
    if change == "edit":
        path.write_text(path.read_text(encoding="utf-8").replace("UNTAC", "QWXYZ"), encoding="utf-8")
    elif change == "delete":
        path.unlink()
    else:
        write_post(seeded, "2031-01-01-later", "en", "Later", "QWXYZ again.")
    _tick()
    freshwalk.start_early(str(seeded))
    assert freshwalk._early is not None
    covered = freshwalk._early[1]
    assert covered  # the child has folders of its own
    again = Index(Archive.open(seeded))
    compared.clear()
    stats = again.sync()
    assert freshwalk._early is None  # taken
    assert stats.touched == 1
    expected = {"edit": [(KM_ID, "en")], "delete": [], "new-year": [("2031-01-01-later", "en")]}[change]
    assert ids(again, "qwxyz") == expected
    assert compared == [["2031" if change == "new-year" else "2022"]]  # the others' fingerprints matched


def test_no_early_child_without_an_index_or_with_a_live_watcher(seeded: Path, early: None) -> None:
    freshwalk.start_early(str(seeded))
    assert freshwalk._early is None  # no index yet: a first build reads every file anyway
    Index(Archive.open(seeded)).sync()
    (seeded / ".opedarchive" / "watch.json").write_text("{}", encoding="utf-8")  # a fresh heartbeat
    freshwalk.start_early(str(seeded))
    assert freshwalk._early is None
    os.utime(seeded / ".opedarchive" / "watch.json", (0, 0))  # left behind by a watcher long gone
    freshwalk.start_early(str(seeded))
    assert freshwalk._early is not None


def test_an_early_child_for_another_archive_is_not_taken(seeded: Path, tmp_path: Path, early: None) -> None:
    Index(Archive.open(seeded)).sync()
    freshwalk.start_early(str(seeded))
    assert freshwalk.take_early(str(tmp_path / "posts")) is None
    assert freshwalk._early is not None
    freshwalk.cancel_early()
    assert freshwalk._early is None


def test_the_console_script_sees_an_edit_made_just_before(seeded: Path) -> None:
    run = [sys.executable, "-m", "opedarchive", "--archive", str(seeded)]
    subprocess.run([*run, "list"], capture_output=True, check=True)
    path = seeded / "posts" / "2022" / f"{KM_ID}.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("UNTAC", "QWXYZ"), encoding="utf-8")
    found = subprocess.run([*run, "search", "--json", "qwxyz"], capture_output=True, text=True, check=True)
    assert [hit["id"] for hit in json.loads(found.stdout)] == [KM_ID]
