"""Nothing lost, nothing half-written: exports killed mid-way, searches during imports, and a
damaged or locked index never touching the post files."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from test_faults import _big_page

from conftest import Invoke


def _tree(folder: Path, suffixes: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and (not suffixes or p.name.endswith(suffixes))
    }


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name, data in _tree(folder / "posts").items():
        h.update(name.encode() + b"\0" + data)
    return h.hexdigest()


def test_export_killed_at_random_moments_leaves_old_or_new_pages(archive: Path, tmp_path: Path, cli: Invoke) -> None:
    source = tmp_path / "page.txt"
    source.write_text(_big_page(300), encoding="utf-8")
    assert cli("import", str(source)).exit_code == 0
    old_site = tmp_path / "old-site"
    assert cli("export", "--html", "-o", str(old_site)).exit_code == 0
    # Every post changes, so every post page, list page and the search index change.
    for path in (archive / "posts").rglob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("Paragraph two", "Paragraph 2"), encoding="utf-8")
    new_site = tmp_path / "new-site"
    assert cli("export", "--html", "-o", str(new_site)).exit_code == 0
    old, new = _tree(old_site, (".html", ".js", ".xml")), _tree(new_site, (".html", ".js", ".xml"))
    assert len(old) > 300 and old.keys() == new.keys()
    changed = [name for name in old if old[name] != new[name]]
    assert len(changed) > 300

    rng = random.Random(5)
    site = tmp_path / "site"
    command = [sys.executable, "-m", "opedarchive", "--archive", str(archive), "export", "--html", "-o", str(site)]
    mixed = 0
    watched = changed[:: max(1, len(changed) // 40)]
    for attempt in range(10):
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(old_site, site)
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt % 2:
            time.sleep(rng.uniform(0.2, 2.5))  # any moment
        else:
            # While pages are being written (how soon that is depends on the machine): as soon
            # as one watched page is new, then a random moment later.
            while proc.poll() is None and not any(
                (site / name).is_file() and (site / name).read_bytes() == new[name] for name in watched
            ):
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = _tree(site, (".html", ".js", ".xml"))
        for name, data in now.items():
            assert data in (old.get(name), new.get(name)), f"{name} is neither the old nor the new page"
        mixed += any(now[n] == new[n] for n in changed) and any(now[n] == old[n] for n in changed)
        rerun = subprocess.run(command, capture_output=True, text=True, check=False)
        assert rerun.returncode == 0, rerun.stderr
        assert _tree(site, (".html", ".js", ".xml")) == new
    assert mixed >= 1  # at least one kill landed mid-way, with some pages old and some new


def test_searches_during_an_import_see_a_consistent_index(archive: Path, tmp_path: Path, cli: Invoke) -> None:
    source = tmp_path / "page.txt"
    source.write_text(_big_page(1500), encoding="utf-8")
    assert cli("search", "zyxomancy").exit_code == 1  # builds the (empty) index first
    importer = subprocess.Popen(
        [sys.executable, "-m", "opedarchive", "--archive", str(archive), "import", str(source)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    counts = []
    search = [sys.executable, "-m", "opedarchive", "--archive", str(archive), "search", "committee", "--json",
              "--limit", "100000"]
    while importer.poll() is None:
        result = subprocess.run(search, capture_output=True, text=True, check=False)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
        if result.returncode == 0:
            hits = __import__("json").loads(result.stdout)
            for hit in hits:
                assert (archive / hit["path"]).is_file()  # never a hit for a file that is not there
            counts.append(len(hits))
        else:
            counts.append(0)
    assert importer.returncode == 0, importer.stderr.read() if importer.stderr else ""
    assert counts == sorted(counts)  # the archive only grows during an import; so do the hits
    final = subprocess.run(search, capture_output=True, text=True, check=True)
    assert len(__import__("json").loads(final.stdout)) == 1500


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "newer-schema", "not-a-file"])
def test_a_damaged_index_never_touches_the_posts(seeded: Path, cli: Invoke, damage: str) -> None:
    assert cli("search", "candlelight").exit_code == 0
    before = _digest(seeded)
    index = seeded / ".opedarchive" / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    if damage == "garbage":
        index.write_bytes(os.urandom(40_000))
    elif damage == "truncated":
        index.write_bytes(index.read_bytes()[:5000])
    elif damage == "empty":
        index.write_bytes(b"")
    elif damage == "newer-schema":
        with sqlite3.connect(index) as db:
            db.execute("PRAGMA user_version = 9999")
    else:
        index.unlink()
        index.mkdir()
    result = cli("search", "candlelight", "--json")
    if damage == "not-a-file":
        # Nothing can be rebuilt in its place: one notice, then one clear error naming it.
        assert result.exit_code == 1
        assert result.stderr.splitlines()[-1] == (
            "Error: archive/.opedarchive/index.sqlite: cannot remove the old search index: Is a directory"
        )
    else:
        assert result.exit_code == 0, result.stderr
        assert "2022-06-24-candlelight-arrest-is-a-joke" in result.stdout
        # One notice that the index was rebuilt; an empty file is simply a new index.
        assert result.stderr.count("\n") == (0 if damage == "empty" else 1)
    assert _digest(seeded) == before


def test_a_locked_index_is_waited_for(seeded: Path, cli: Invoke) -> None:
    assert cli("search", "candlelight").exit_code == 0
    before = _digest(seeded)
    index = seeded / ".opedarchive" / "index.sqlite"
    holder = sqlite3.connect(index, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(2.0, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        (seeded / "posts/2022/2022-06-24-candlelight-arrest-is-a-joke.en.md").touch()  # the search must write
        result = subprocess.run(
            [sys.executable, "-m", "opedarchive", "--archive", str(seeded), "search", "candlelight", "--json"],
            capture_output=True, text=True, check=False,
        )
    finally:
        release.join()
        holder.close()
    assert result.returncode == 0, result.stderr
    assert "2022-06-24-candlelight-arrest-is-a-joke" in result.stdout
    assert _digest(seeded) == before


def test_a_large_folder_import_killed_leaves_no_worker_and_its_temp_files_are_swept(
        archive: Path, tmp_path: Path, cli: Invoke) -> None:
    """An import of a Markdown folder big enough for worker processes, killed with SIGKILL while
    it writes: no worker process outlives it, no post file is partial, and the re-run ends with
    every post once and the hidden temp files of the killed run deleted."""
    source = tmp_path / "folder"
    source.mkdir()
    for i in range(1500):
        (source / f"post-{i:04d}.md").write_text(
            f"---\ntitle: Post number {i} about elections\ndate: 2022-06-{1 + i % 28:02d}\n---\n\n"
            f"Body {i} of a post on voter lists and election counts.\n", encoding="utf-8")
    command = [sys.executable, "-m", "opedarchive", "--archive", str(archive), "import", str(source)]
    year = archive / "posts" / "2022"
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (year.is_dir() and any(n.startswith(".tmp-") for n in os.listdir(year))):
        time.sleep(0.005)
    table = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    parents = dict((int(pid), int(ppid)) for pid, ppid in (line.split() for line in table.splitlines()))
    tree, grew = {proc.pid}, True
    while grew:  # its fork server and resource tracker, and the workers under the fork server
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(tree) >= 4  # workers were started
    time.sleep(2)  # the workers look for the importing process every half second
    alive = [pid for pid in tree - {proc.pid} if Path(f"/proc/{pid}").exists()
             and Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"]
    assert alive == []
    assert all(f.stat().st_size > 0 for f in year.glob("*.md"))
    temps = [year / n for n in os.listdir(year) if n.startswith(".tmp-")]
    for temp in temps:  # as if the kill was a while ago
        os.utime(temp, (time.time() - 120, time.time() - 120))
    final = subprocess.run(command, capture_output=True, text=True, check=False)
    assert final.returncode == 0, final.stderr
    assert len(list(year.glob("*.md"))) == 1500
    assert [n for n in os.listdir(year) if n.startswith(".tmp-")] == []
    assert cli("check").exit_code == 0


def test_only_stale_temp_files_of_dead_writers_are_swept(tmp_path: Path) -> None:
    from opedarchive.archive import remove_stale_temps

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    old = time.time() - 120
    names = {f".tmp-{gone}-aaaa": old, f".tmp-{gone}-bbbb": time.time(), f".tmp-{os.getpid()}-cccc": old,
             "2022-01-01-x.en.md": old, ".tmp-notapid": old}
    for name, when in names.items():
        (tmp_path / name).write_text("x", encoding="utf-8")
        os.utime(tmp_path / name, (when, when))
    assert remove_stale_temps(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(set(names) - {f".tmp-{gone}-aaaa"})


def test_ctrl_c_during_a_first_index_build_is_one_line(archive: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group) while worker processes read the posts for
    the first index build: "Interrupted.", exit 130, no worker's name or traceback, no
    process left behind; the next search builds the index."""
    year = archive / "posts" / "2021"
    year.mkdir(parents=True)
    body = "Election law and the commune vote. " * 80
    for n in range(6000):
        (year / f"2021-01-01-post-{n}.en.md").write_text(
            f"---\ntitle: Post {n}\ndate: 2021-01-01\nlang: en\n---\n{body}{n}\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "opedarchive", "--archive", str(archive), "search", "commune"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stderr is not None
    assert "Building the search index" in proc.stderr.readline()
    time.sleep(0.5)
    children = [c for task in Path(f"/proc/{proc.pid}/task").iterdir() for c in (task / "children").read_text().split()]
    assert proc.poll() is None and children, "the build ended (or had no workers) before Ctrl-C"
    os.killpg(proc.pid, signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130
    assert rest == "Interrupted.\n"
    for child in children:
        assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]
    with sqlite3.connect(archive / ".opedarchive/index.sqlite") as db:  # stopped, not finished first
        assert db.execute("SELECT count(*) FROM docs").fetchone()[0] == 0
    again = subprocess.run([sys.executable, "-m", "opedarchive", "--archive", str(archive), "search", "commune",
                            "--json"], capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
