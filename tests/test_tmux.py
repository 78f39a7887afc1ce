"""The side-by-side view in a real terminal: tmux draws it, `capture-pane` reads it back, and
glibc's wcswidth (what tmux itself uses) measures every row."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cells import separator_cells, wcswidth
from opedarchive.text.width import clusters

JOKE = "2022-06-24-candlelight-arrest-is-a-joke"
NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"
LONG_RUN_ID = "2022-06-30-a-long-khmer-run"
LONG_RUN = "គណៈកម្មាធិការជាតិរៀបចំការបោះឆ្នោតស្ត្រីប្រជាពលរដ្ឋកម្ពុជា" * 8 + "។"
WIDTH, HEIGHT = 120, 60
DONE = "__VIEW_DONE__"
EXE = Path(sys.executable).parent / "opedarchive"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (make system-deps)")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[list[str]]:
    """The tmux command line for a private server (its own socket and config), killed afterwards."""
    config = tmp_path / "tmux.conf"
    config.write_text("set -g history-limit 20000\nset -g status off\n", encoding="utf-8")
    base = ["tmux", "-L", f"oped-{os.getpid()}-{uuid.uuid4().hex[:8]}", "-f", str(config)]
    yield base
    subprocess.run([*base, "kill-server"], capture_output=True, check=False)


def _run_in_pane(tmux: list[str], command: str, tmp_path: Path, width: int = WIDTH, height: int = HEIGHT) -> list[str]:
    """Run `command` in a new detached pane; the whole pane history once it has finished."""
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"}
    env.pop("COLUMNS", None)  # the pane's own width must decide
    env.pop("TMUX", None)
    script = tmp_path / f"run-{uuid.uuid4().hex[:6]}.sh"
    script.write_text(f"unset COLUMNS LINES\n{command}\necho {DONE}\nsleep 60\n", encoding="utf-8")
    subprocess.run([*tmux, "new-session", "-d", "-s", "view", "-x", str(width), "-y", str(height),
                    f"sh {shlex.quote(str(script))}"], check=True, env=env)
    deadline = time.monotonic() + 30
    while True:
        captured = subprocess.run([*tmux, "capture-pane", "-p", "-S", "-", "-t", "view"],
                                  capture_output=True, text=True, check=True, env=env).stdout
        if any(line.strip() == DONE for line in captured.splitlines()):
            break
        assert time.monotonic() < deadline, f"the view did not finish in tmux:\n{captured}"
        time.sleep(0.2)
    lines = captured.splitlines()
    return lines[: next(i for i, line in enumerate(lines) if line.strip() == DONE)]


def _archive_with_long_run(bundled: Path) -> Path:
    folder = bundled / "posts" / "2022"
    (folder / f"{LONG_RUN_ID}.en.md").write_text(
        "---\ntitle: A long Khmer run\ndate: 2022-06-30\nlang: en\nauthors:\n- Test Writer\n---\n\n"
        "The Khmer column holds one run of text with no space and no zero-width space in it.\n\n"
        "A second paragraph, in English only on this side.\n",
        encoding="utf-8",
    )
    (folder / f"{LONG_RUN_ID}.km.md").write_text(
        f"---\ntitle: អត្ថបទវែង\ndate: 2022-06-30\nlang: km\n---\n\n{LONG_RUN}\n\nកថាខណ្ឌទីពីរ។\n",
        encoding="utf-8",
    )
    return bundled


def _assert_columns_line_up(rows: list[str]) -> int:
    assert rows, "nothing captured"
    assert all(wcswidth(row) <= WIDTH for row in rows), [row for row in rows if wcswidth(row) > WIDTH]
    start = next(i for i, row in enumerate(rows) if "┬" in row)
    body = [row for row in rows[start + 1 :] if row.strip()]
    # Every row of the columns has the separator: a row wider than the pane would have been
    # wrapped by tmux onto a row without one.
    assert all("│" in row for row in body), [row for row in body if "│" not in row]
    cells = separator_cells(body, "│") | separator_cells([rows[start]], "┬")
    assert len(cells) == 1, cells
    return cells.pop()


@pytest.mark.parametrize("post_id", [JOKE, NEUTRAL, LONG_RUN_ID])
def test_side_by_side_in_tmux(tmux: list[str], tmp_path: Path, bundled: Path, post_id: str) -> None:
    archive = _archive_with_long_run(bundled)
    command = f"{shlex.quote(str(EXE))} --archive {shlex.quote(str(archive))} show {post_id} --side-by-side --no-pager"
    rows = _run_in_pane(tmux, command, tmp_path)
    assert _assert_columns_line_up(rows) == (WIDTH - 3) // 2 + 1
    if post_id == LONG_RUN_ID:
        pieces = [row.split("│ ", 1)[1] for row in rows if "│ " in row]
        run_rows = [piece for piece in pieces if piece and set(piece) <= set(LONG_RUN)]
        assert len(run_rows) > 5
        assert "".join(run_rows) == LONG_RUN  # nothing lost, nothing added
        # Every row ends between two clusters: rejoined, the clusters are the run's own.
        assert [c for piece in run_rows for c in clusters(piece)] == clusters(LONG_RUN)
        assert max(wcswidth(piece) for piece in run_rows) > (WIDTH - 3) // 2 - 4  # rows are filled
    else:
        assert any("│ " in row and any("\u1780" <= ch <= "\u17ff" for ch in row) for row in rows)


def test_pager_runs_on_a_terminal_when_the_view_is_taller(tmux: list[str], tmp_path: Path, bundled: Path) -> None:
    paged = tmp_path / "paged.txt"
    command = (f"PAGER={shlex.quote(f'cat > {paged}')} {shlex.quote(str(EXE))} --archive {shlex.quote(str(bundled))} "
               f"show {NEUTRAL} --side-by-side")
    rows = _run_in_pane(tmux, command, tmp_path, height=20)
    assert paged.exists(), rows
    text = paged.read_text(encoding="utf-8")
    assert "Reading the article" in text and "ការអានអត្ថបទ" in text
    assert not any("Reading the article" in row for row in rows)  # it went to the pager, not the screen
