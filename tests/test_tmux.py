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

import khpos
from cells import separator_cells, wcswidth
from opedarchive.text.width import clusters
from opedarchive.text.words import khmer_breaks

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


KHPOS_ID = "2016-01-01-khpos-open-test"
KHPOS_SENTENCES = 250  # about 10,600 characters of Khmer: within what `show` segments (WORD_BREAK_BUDGET)


def _archive_with_khpos(root: Path) -> tuple[Path, list[khpos.Paragraph]]:
    """An archive of one post: real Khmer (the hand-segmented khPOS sample, its words run
    together) against a placeholder English paragraph for each Khmer one."""
    paras = khpos.paragraphs(KHPOS_SENTENCES)
    folder = root / "posts" / "2016"
    folder.mkdir(parents=True)
    (root / "opedarchive.toml").write_text("", encoding="utf-8")
    english = "\n\n".join(f"Paragraph {i + 1} of the khPOS sample." for i in range(len(paras)))
    khmer = "\n\n".join(para.text for para in paras)
    for lang, title, body in (("en", "khPOS sample", english), ("km", "គំរូ khPOS", khmer)):
        (folder / f"{KHPOS_ID}.{lang}.md").write_text(
            f"---\ntitle: {title}\ndate: 2016-01-01\nlang: {lang}\n---\n\n{body}\n", encoding="utf-8")
    return root, paras


def _line_ends(pieces: list[str], paras: list[khpos.Paragraph]) -> list[list[int]]:
    """Where each paragraph's lines end, read back from the pieces of text the pane shows (in
    order; pieces that are no paragraph's, such as the header, are skipped). Every paragraph
    must be found whole: nothing lost, nothing added."""
    ends: list[list[int]] = [[] for _ in paras]
    p, pos = 0, 0
    for piece in pieces:
        if p == len(paras):
            break
        text = paras[p].text
        at = pos
        while at < len(text) and text[at] in khpos.SEPARATORS:
            at += 1
        if not piece or not text.startswith(piece, at):
            assert pos == 0, f"paragraph {p} is cut short at {pos}: {piece!r}"
            continue
        pos = at + len(piece)
        ends[p].append(pos)
        if pos >= len(text.rstrip()):
            p, pos = p + 1, 0
    assert p == len(paras), f"only {p} of {len(paras)} paragraphs were shown whole"
    return [e[:-1] for e in ends]  # a paragraph's last line ends with it, not at a break


@pytest.mark.parametrize(("view", "pane_width"), [("side by side", 100), ("side by side", 160), ("stacked", 50)])
def test_real_khmer_breaks_between_words_in_tmux(tmux: list[str], tmp_path: Path, view: str, pane_width: int) -> None:
    # Issue 15: no line ends inside a word that fits the column. The words are the corpus's own,
    # segmented by hand (khPOS), not the segmenter's; where the two disagree a line may end
    # inside a hand word at a segmenter boundary: counted, and bounded.
    archive, paras = _archive_with_khpos(tmp_path / "khpos-archive")
    args = "--side-by-side" if view == "side by side" else "--lang km"
    command = f"{shlex.quote(str(EXE))} --archive {shlex.quote(str(archive))} show {KHPOS_ID} {args} --no-pager"
    rows = _run_in_pane(tmux, command, tmp_path, width=pane_width)
    assert all(wcswidth(row) <= pane_width for row in rows), [row for row in rows if wcswidth(row) > pane_width]
    if view == "side by side":
        column = (pane_width - 3) - (pane_width - 3) // 2
        pieces = [row.split("│ ", 1)[1] if "│ " in row else "" for row in rows]
    else:
        column = pane_width
        pieces = [row.rstrip() for row in rows]
    counts = {"boundary": 0, "joint": 0, "wider word": 0, "fits": 0}
    disagreements = []
    for para, ends in zip(paras, _line_ends(pieces, paras), strict=True):
        verdicts = khpos.judge(para, ends, column, wcswidth)
        for verdict, cuts in verdicts.items():
            counts[verdict] += len(cuts)
        segmenter = set(khmer_breaks(para.text))
        for cut in verdicts["fits"]:
            # Inside a hand word that fits: only where the segmenter sees two words.
            assert cut in segmenter, f"{para.text[max(0, cut - 15):cut]}⏎{para.text[cut:cut + 15]}"
            disagreements.append(f"{para.text[max(0, cut - 8):cut]}⏎{para.text[cut:cut + 8]}")
    in_runs = sum(counts.values())
    assert in_runs > 50, counts  # most lines end inside unspaced text: the test tests something
    # Measured: 1753 of 3771 such breaks fell inside a hand word before issue 15, 35 of 5046 after
    # (bench/bench_wrap_words.py, six widths); in this pane about 1%.
    assert counts["fits"] <= 0.02 * in_runs, (counts, disagreements)
