"""`opedarchive watch`, run for real as a subprocess: commands trust a live watcher (no stat of
every file) and never a dead, stopped or second one."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from opedarchive import watching
from opedarchive.index import Index

from conftest import Invoke

pytest.importorskip("watchfiles")

JOKE = "2022-06-24-candlelight-arrest-is-a-joke"


class Watch:
    """One `opedarchive watch` process and what it printed."""

    def __init__(self, archive: Path, backend: str = "") -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "opedarchive", "--archive", str(archive), "watch"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, watching.BACKEND_ENV: backend},
        )
        self.lines: list[str] = []

    def wait_for(self, text: str, timeout: float = 60, nth: int = 1) -> str:
        """The `nth` line of stderr holding `text` (fails after `timeout` seconds)."""
        assert self.proc.stderr is not None
        while True:
            found = [line for line in self.lines if text in line]
            if len(found) >= nth:
                return found[nth - 1]
            ready, _, _ = select.select([self.proc.stderr], [], [], timeout)
            assert ready, f"no {text!r} from the watcher; it said {self.lines}"
            line = self.proc.stderr.readline()
            assert line, f"the watcher ended; it said {self.lines}"
            self.lines.append(line.rstrip("\n"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture
def start(seeded: Path) -> Iterator[type[Watch]]:
    started: list[Watch] = []

    class Started(Watch):
        def __init__(self, archive: Path = seeded, backend: str = "") -> None:
            super().__init__(archive, backend)
            started.append(self)

    yield Started
    for watch in started:
        watch.stop()


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the stat walks (full or partial freshness checks) of commands run in-process."""
    counted: list[int] = []
    for name in ("_suspects", "sync_folders"):  # every full check starts with the first
        original = getattr(Index, name)

        def counting(self: Index, *args: object, original: Any = original, **kwargs: object) -> object:
            counted.append(1)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Index, name, counting)
    return counted


@pytest.fixture
def patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands wait up to 10 s for the watcher's answer, not 0.2 s: on a loaded machine a
    slow answer would make them check the files, and the tests that count walks would fail."""
    monkeypatch.setattr(watching, "COOKIE_WAIT", 10.0)


def _edit_title(seeded: Path, title: str) -> None:
    """An edit in place by another program: same file, new title."""
    path = seeded / f"posts/2022/{JOKE}.en.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("\ntitle: ") + len("\ntitle: ")
    path.write_text(text[:start] + title + text[text.index("\n", start):], encoding="utf-8")


def _titles(cli: Invoke) -> dict[str, str]:
    result = cli("list", "--json")
    assert result.exit_code == 0, result.stderr
    return {p["id"]: p["title"] for p in json.loads(result.stdout)}


@pytest.mark.usefixtures("patient")
@pytest.mark.parametrize("backend", ["", "watchfiles"])  # inotify itself on Linux; watchfiles elsewhere
def test_a_live_watcher_keeps_search_and_list_fresh_without_a_walk(
    seeded: Path, cli: Invoke, start: type[Watch], scans: list[int], backend: str
) -> None:
    watch = start(backend=backend)
    assert "the index is up to date (6 post files)" in watch.wait_for("Watching")
    status = cli("watch", "--status")
    assert status.exit_code == 0 and f"(pid {watch.proc.pid}," in status.stderr
    _edit_title(seeded, "Zebracorn arrest")
    found = cli("search", "zebracorn", "--json")
    assert found.exit_code == 0 and [h["id"] for h in json.loads(found.stdout)] == [JOKE]
    assert _titles(cli)[JOKE] == "Zebracorn arrest"
    new = seeded / "posts/2023/2023-01-02-a-new-one.en.md"
    new.parent.mkdir()
    new.write_text("---\ntitle: Quokkas vote\ndate: 2023-01-02\nlang: en\n---\nBody.\n", encoding="utf-8")
    (seeded / f"posts/2022/{JOKE}.km.md").unlink()
    assert _titles(cli)["2023-01-02-a-new-one"] == "Quokkas vote"
    summary = json.loads(cli("summary", "--json").stdout)
    assert summary["posts"] == 5 and summary["languages"] == {"en": 5, "km": 1}
    assert scans == []  # every command trusted the watcher: not one stat walk


def test_commands_check_the_files_when_the_watcher_was_killed(
    seeded: Path, cli: Invoke, start: type[Watch], scans: list[int]
) -> None:
    watch = start()
    watch.wait_for("Watching")
    watch.proc.send_signal(signal.SIGKILL)
    watch.proc.wait(timeout=30)
    assert (seeded / ".opedarchive/watch.json").exists()  # left behind: a kill -9 cleans nothing
    status = cli("watch", "--status")
    assert (status.exit_code, status.stderr) == (1, f"No watcher is running for {seeded.name}.\n")
    _edit_title(seeded, "Killed watcher")
    assert _titles(cli)[JOKE] == "Killed watcher"
    assert len(scans) == 1


def test_a_stopped_watcher_is_not_waited_for(seeded: Path, cli: Invoke, start: type[Watch], scans: list[int]) -> None:
    watch = start()
    watch.wait_for("Watching")
    os.kill(watch.proc.pid, signal.SIGSTOP)  # alive, heartbeat fresh, but it answers no cookie
    try:
        _edit_title(seeded, "Frozen watcher")
        assert _titles(cli)[JOKE] == "Frozen watcher"
        assert len(scans) == 1
        assert os.listdir(seeded / ".opedarchive/cookies") == []  # the command took its cookie back
    finally:
        os.kill(watch.proc.pid, signal.SIGCONT)


def test_sigterm_stops_the_watcher_cleanly(seeded: Path, cli: Invoke, start: type[Watch]) -> None:
    watch = start()
    watch.wait_for("Watching")
    assert (seeded / ".opedarchive/watch.json").exists()
    watch.proc.send_signal(signal.SIGTERM)
    assert watch.wait_for("Stopped") == "Stopped watching."
    assert watch.proc.wait(timeout=30) == 0
    assert not (seeded / ".opedarchive/watch.json").exists()
    assert cli("watch", "--status").exit_code == 1
    again = start()  # the lock was let go: a new watcher may start
    again.wait_for("Watching")


def test_a_second_watcher_is_refused(seeded: Path, start: type[Watch]) -> None:
    first = start()
    first.wait_for("Watching")
    second = start()
    assert second.proc.wait(timeout=60) == 1
    assert second.wait_for("Error") == (
        f"Error: a watcher is already running for {seeded} (pid {first.proc.pid}); "
        "see 'opedarchive watch --status'"
    )
    assert first.proc.poll() is None


@pytest.mark.usefixtures("patient")
def test_the_watcher_survives_the_index_being_deleted(
    seeded: Path, cli: Invoke, start: type[Watch], scans: list[int]
) -> None:
    watch = start()
    watch.wait_for("Watching")
    for name in os.listdir(seeded / ".opedarchive"):
        if name.startswith("index.sqlite"):
            (seeded / ".opedarchive" / name).unlink()
    _edit_title(seeded, "No index")
    # The watcher or this command (whichever comes first) makes a new index file.
    assert _titles(cli)[JOKE] == "No index"
    walks = len(scans)
    watch.wait_for("The index file was replaced or deleted")
    _edit_title(seeded, "New index")
    assert _titles(cli)[JOKE] == "New index"  # the watcher moved to the new file and keeps it fresh
    assert len(scans) == walks
    assert watch.proc.poll() is None


@pytest.mark.usefixtures("patient")
def test_the_watcher_starts_again_when_its_folder_is_removed(
    seeded: Path, cli: Invoke, start: type[Watch], scans: list[int]
) -> None:
    watch = start()
    watch.wait_for("Watching")
    shutil.rmtree(seeded / ".opedarchive")
    watch.wait_for("starting again")
    watch.wait_for("Watching", nth=2)
    _edit_title(seeded, "After the folder went")
    assert _titles(cli)[JOKE] == "After the folder went"
    assert scans == []
    assert cli("watch", "--status").exit_code == 0


def test_a_change_indexed_while_a_watched_search_runs_is_found(
    seeded: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch, scans: list[int]
) -> None:
    """A watched search runs its query while it waits for the watcher's word; a change the
    watcher commits in between must not be missed: the query runs again on the new index."""
    from opedarchive.archive import Archive
    from opedarchive.index import Index

    assert cli("search", "candlelight").exit_code == 0  # the index is built and up to date
    monkeypatch.setattr(watching, "watcher_status", lambda archive: object())

    def vouches_after_a_change(archive: Archive) -> bool:
        # What a watcher does on an event: apply the change to the index, then answer; after
        # the command's query has run (on this tiny archive it takes a few milliseconds).
        time.sleep(0.3)
        _edit_title(seeded, "Zebracorn arrest")
        with Index(archive) as index:
            index.sync()
        return True

    monkeypatch.setattr(watching, "watcher_vouches", vouches_after_a_change)
    scans.clear()
    found = cli("search", "zebracorn", "--json")
    assert found.exit_code == 0, found.stderr
    assert [h["id"] for h in json.loads(found.stdout)] == [JOKE]
    assert len(scans) == 1  # the change's own sync; the command itself trusted the "watcher"


def test_a_watched_search_checks_the_files_when_the_watcher_does_not_answer(
    seeded: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch, scans: list[int]
) -> None:
    assert cli("search", "candlelight").exit_code == 0
    monkeypatch.setattr(watching, "watcher_status", lambda archive: object())
    monkeypatch.setattr(watching, "watcher_vouches", lambda archive: False)
    _edit_title(seeded, "Zebracorn arrest")
    scans.clear()
    found = cli("search", "zebracorn", "--json")
    assert found.exit_code == 0 and [h["id"] for h in json.loads(found.stdout)] == [JOKE]
    assert scans == [1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_the_watcher_is_not_told_of_every_read(seeded: Path, start: type[Watch]) -> None:
    """Its inotify watches ask for changes only, not for every open, read and close of a file:
    those would slow down every program that reads the archive (ripgrep took twice as long)."""
    watch = start()
    watch.wait_for("Watching")
    masks = []
    for fd in Path(f"/proc/{watch.proc.pid}/fd").iterdir():
        if os.readlink(fd) == "anon_inode:inotify":
            info = Path(f"/proc/{watch.proc.pid}/fdinfo/{fd.name}").read_text()
            masks += [int(word[5:], 16) for word in info.split() if word.startswith("mask:")]
    assert len(masks) >= 3  # posts/, its year folder, the cookies
    in_access, in_close_nowrite, in_open = 0x1, 0x10, 0x20
    assert [hex(m) for m in masks if m & (in_access | in_close_nowrite | in_open)] == []
