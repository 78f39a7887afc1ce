"""`show` with two languages: side by side or stacked, --langs, widths, lists, paging, goldens.

Goldens live in tests/golden/; after a deliberate change to the views, rewrite them with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_sidebyside.py` and review the diff.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from cells import wcswidth
from opedarchive.cli import paging
from opedarchive.cli.common import out
from opedarchive.cli.paging import page
from opedarchive.text.width import cell_width
from opedarchive.views import post as post_view
from opedarchive.views.post import Line, Lines, paragraph_lines

from conftest import Invoke

GOLDEN = Path(__file__).parent / "golden"
JOKE = "2022-06-24-candlelight-arrest-is-a-joke"
NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"
MACHINE = "2022-06-12-election-disenfranchisement-machine-of-cambodia"
RECIPES = "2022-06-28-recipes-towards-democratic-unification"


def show(cli: Invoke, *args: str, columns: int = 120) -> str:
    result = cli("show", *args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _columns_line_up(text: str, width: int, measure: object = wcswidth) -> int:
    """Asserts the view fits `width` and its separator sits in one cell; returns that cell."""
    lines = text.splitlines()
    assert all(measure(line) <= width for line in lines)  # type: ignore[operator]
    body = lines[lines.index(next(line for line in lines if "┬" in line)) :]
    cells = {measure(line[: line.index("│")]) for line in body if "│" in line}  # type: ignore[operator]
    cells |= {measure(line[: line.index("┬")]) for line in body if "┬" in line}  # type: ignore[operator]
    assert len(cells) == 1, cells
    assert sum("│" in line for line in body) > 10
    return cells.pop()


@pytest.mark.parametrize("post_id", [JOKE, NEUTRAL])
@pytest.mark.parametrize("columns", [80, 120])
def test_golden_renders(seeded: Path, cli: Invoke, post_id: str, columns: int) -> None:
    rendered = show(cli, post_id, columns=columns)
    golden = GOLDEN / f"show-{post_id[:10]}-{columns}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_wide_terminal_shows_both_languages_side_by_side(seeded: Path, cli: Invoke) -> None:
    text = show(cli, NEUTRAL, columns=120)
    assert text.startswith("Letter: A Neutral Election Body Would Accept Chao Ratanak Complaint\n")
    assert _columns_line_up(text, 120) == 59
    rows = text.splitlines()
    heading = next(line for line in rows if "│ លិខិត៖" in line)
    assert heading.startswith("Letter: A Neutral Election Body")
    dates = next(line for line in rows if line.startswith("2022-06-15 · Sophoan Seng") and "│" in line)
    assert dates.endswith("│ 2022-06-13 10:03:00 · សេង សោភ័ណ្ឌ")
    # The captions, then each English paragraph starts on the row of its Khmer translation.
    assert any(line.startswith("▣ Chao Ratanak, Candlelight Party’s") for line in rows)
    assert any(line.startswith("Reading the article") and "│ ការអានអត្ថបទ" in line for line in rows)
    assert any(line.startswith("Since Cambodia has conducted") and "│ ចាប់តាំងពីប្រទេសកម្ពុជា" in line for line in rows)


def test_side_by_side_fits_every_width(seeded: Path, cli: Invoke) -> None:
    for columns in (100, 137, 200):
        _columns_line_up(show(cli, JOKE, "--no-pager", columns=columns), columns)


def test_narrow_terminal_stacks(seeded: Path, cli: Invoke) -> None:
    text = show(cli, NEUTRAL, columns=99)
    assert "│" not in text
    english, khmer = text.index("Reading the article"), text.index("លិខិត៖ បើស្ថាប័ន")
    assert english < khmer < text.index("ការអានអត្ថបទ")
    assert all(wcswidth(line) <= 99 for line in text.splitlines())


def test_stacked_and_side_by_side_flags(seeded: Path, cli: Invoke) -> None:
    assert "│" not in show(cli, NEUTRAL, "--stacked", columns=160)
    _columns_line_up(show(cli, NEUTRAL, "--side-by-side", columns=80), 80)


def test_langs_picks_the_order(seeded: Path, cli: Invoke) -> None:
    text = show(cli, NEUTRAL, "--langs", "km,en")
    assert text.startswith("លិខិត៖ បើស្ថាប័នរៀបចំការបោះឆ្នោតអព្យាក្រឹត")
    assert any(line.startswith("ការអានអត្ថបទ") and "│ Reading the article" in line for line in text.splitlines())
    assert _columns_line_up(text, 120) == 59
    only_km = show(cli, NEUTRAL, "--langs", "km")
    assert "Reading the article" not in only_km and "ការអានអត្ថបទ" in only_km


def test_khmer_width_option_and_config_key(seeded: Path, cli: Invoke) -> None:
    glibc = show(cli, NEUTRAL, "--langs", "km,en")
    rich = show(cli, NEUTRAL, "--langs", "km,en", "--khmer-width", "rich")
    assert glibc != rich
    # Each is aligned in its own measure: Rich's model puts the separator where kitty draws it.
    assert _columns_line_up(rich, 120, measure=cell_len) == 59
    config = seeded / "opedarchive.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('khmer_width = "glibc"', 'khmer_width = "rich"'),
                      encoding="utf-8")
    assert show(cli, NEUTRAL, "--langs", "km,en") == rich
    assert show(cli, NEUTRAL, "--langs", "km,en", "--khmer-width", "glibc") == glibc
    config.write_text(config.read_text(encoding="utf-8").replace('khmer_width = "rich"', 'khmer_width = "wide"'),
                      encoding="utf-8")
    bad = cli("show", NEUTRAL)
    assert bad.exit_code == 1
    assert bad.stderr.endswith('opedarchive.toml: [terminal] khmer_width must be "glibc" or "rich", not \'wide\'\n')


def test_lists_keep_their_numbers_with_a_hanging_indent(seeded: Path, cli: Invoke) -> None:
    lines = show(cli, MACHINE, columns=80).splitlines()
    first = lines.index(next(line for line in lines if line.startswith("1. NEC structure and bureaucrats:")))
    assert lines[first + 1].startswith("   ") and lines[first + 1][3] != " "
    assert any(line.startswith("2. Justice system is known") for line in lines)
    assert any(line.startswith("3) New credible NEC") for line in lines)
    assert "▣ Scene of Campaign Rally of CLP" in "\n".join(lines)


def test_one_language_and_errors(seeded: Path, cli: Invoke) -> None:
    text = show(cli, RECIPES, columns=200)
    assert text.startswith("Recipes towards democratic unification\n") and "│" not in text
    both = cli("show", NEUTRAL, "--lang", "en", "--langs", "en,km")
    assert (both.exit_code, both.stderr) == (2, "Error: give --lang or --langs, not both\n")
    missing = cli("show", NEUTRAL, "--langs", "en,fr")
    assert (missing.exit_code, missing.stderr) == (1, f"Error: {NEUTRAL} has no 'fr' version (it has en, km)\n")
    single = cli("show", RECIPES, "--side-by-side")
    assert single.exit_code == 2
    assert single.stderr == f"Error: {RECIPES} has only one language to show (en); side by side needs two\n"
    bad_width = cli("show", NEUTRAL, "--khmer-width", "kitty")
    assert bad_width.exit_code == 2 and "kitty" in bad_width.stderr


def test_a_long_khmer_run_wraps_between_clusters(seeded: Path, cli: Invoke) -> None:
    path = seeded / f"posts/2022/{NEUTRAL}.km.md"
    run = "គណៈកម្មាធិការជាតិរៀបចំការបោះឆ្នោត" * 12
    path.write_text(path.read_text(encoding="utf-8") + "\n" + run + "\n", encoding="utf-8")
    text = show(cli, NEUTRAL, columns=120)
    _columns_line_up(text, 120)
    right = [line.split("│ ", 1)[1] for line in text.splitlines() if "│ គណៈ" in line or "│ " in line]
    pieces = [piece for piece in right if piece and set(piece) <= set(run)]
    assert "".join(pieces).endswith(run[-40:])
    assert not any(piece.endswith("\u17d2") for piece in pieces)
    assert all(cell_width(piece) <= 120 - 61 for piece in pieces)


def test_colour_only_on_a_terminal_and_never_with_no_color(seeded: Path, cli: Invoke) -> None:
    plain = cli("show", NEUTRAL, env={"COLUMNS": "120"}).stdout
    assert "\x1b[" not in plain
    forced = cli("show", NEUTRAL, env={"COLUMNS": "120", "FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    assert "\x1b[1m" in forced  # bold titles on a terminal
    summary = cli("summary", env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    assert "\x1b[36m" in summary  # cyan bars
    no_color = cli("summary", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[36m" not in no_color


def test_pager_only_for_a_terminal_and_a_long_text(tmp_path: Path) -> None:
    target = tmp_path / "paged.txt"
    pager = f"cat > {target}"
    text = "".join(f"line {i}\n" for i in range(50))
    assert not page(text, is_terminal=False, height=20, pager=pager)
    assert not page(text, is_terminal=True, height=60, pager=pager)
    assert not target.exists()
    assert page(text, is_terminal=True, height=20, pager=pager)
    assert target.read_text(encoding="utf-8") == text
    assert not page(text, is_terminal=True, height=20, pager="no-such-pager-here -R")


def test_pager_defaults_to_less(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # $PAGER unset: `less -R`; a fake `less` on PATH records its arguments.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "less").write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat > {tmp_path}/paged\n', encoding="utf-8")
    (fake / "less").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    assert page("x\n" * 30, is_terminal=True, height=10)
    assert (tmp_path / "args").read_text(encoding="utf-8") == "-R\n"
    assert (tmp_path / "paged").read_text(encoding="utf-8") == "x\n" * 30


def test_a_long_view_is_printed_a_piece_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 14: Rich's print holds all it prints until the end (230 MB for 15 MB bodies side by
    # side). The view goes out as it is made, and what goes out is what Rich would print.
    stdout = StringIO()
    written_before_the_end: list[int] = []

    def lines(width: int) -> Iterator[Line]:
        for i in range(3000):
            yield Text.assemble((f"line {i}", "bold")) if i % 7 == 0 else f"line {i} " + "x" * (i % 90)
        written_before_the_end.append(len(stdout.getvalue()))

    monkeypatch.setattr(paging, "CHUNK_CHARS", 10_000)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setattr("sys.stdout", stdout)
    paging.print_paged(Lines(lines), paging=False)
    shown = stdout.getvalue()
    assert "\x1b[1mline 0\x1b[0m\nline 1 x\n" in shown
    assert 0 < written_before_the_end[0] < len(shown)
    console = out()
    with console.capture() as capture:
        console.print(Lines(lines), crop=False)
    assert capture.get() == shown


def test_help_lists_the_new_options(cli: Invoke) -> None:
    text = cli("show", "--help", env={"COLUMNS": "200"}).stdout
    for option in ("--side-by-side", "--stacked", "--langs", "--no-pager", "--khmer-width"):
        assert option in text


def test_long_one_line_bodies_side_by_side(seeded: Path, cli: Invoke) -> None:
    # Issue 14: `show` of a 1.6 MB one-line body took 12 s (Latin) and 150 s (Khmer); each line cut
    # from the paragraph copied all of it. Every line still fits its column, and nothing is lost.
    english = " ".join(["election", "commune", "neutral", "complaint."] * 8_000)
    khmer = "គណៈកម្មាធិការជាតិរៀបចំការបោះឆ្នោត។" * 3_000
    for lang, run in (("en", english), ("km", khmer)):
        path = seeded / f"posts/2022/{NEUTRAL}.{lang}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n" + run + "\n", encoding="utf-8")
    text = show(cli, NEUTRAL, "--no-pager", columns=120)
    _columns_line_up(text, 120)
    rows = [line.split("│", 1) for line in text.splitlines() if "│" in line]
    right = "".join(cells[1].strip() for cells in rows)
    left = " ".join(cells[0].strip() for cells in rows)
    assert khmer in right
    assert english in " ".join(left.split())


def test_thousands_of_paragraphs_side_by_side_each_once(seeded: Path, cli: Invoke) -> None:
    # Issue 14: 10,000 paragraphs a side took 91 s: each row cut the whole body into paragraphs
    # again. Counts differ by one, so the alignment runs; every paragraph shows once, in order.
    words = [1 + i * 7919 % 13 for i in range(3000)]  # lengths that tell the paragraphs apart
    english = [f"Paragraph {i} of the original: " + "the commune election " * words[i] for i in range(3000)]
    khmer = [f"កថាខណ្ឌ {i} នៃការបកប្រែដើម៖ " + "ការបោះឆ្នោតក្រុមប្រឹក្សា " * words[i] for i in range(3000) if i != 1500]
    for lang, paras in (("en", english), ("km", khmer)):
        path = seeded / f"posts/2022/{NEUTRAL}.{lang}.md"
        front = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        path.write_text(front + "\n---\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    text = show(cli, NEUTRAL, "--no-pager", columns=160)
    _columns_line_up(text, 160)
    rows = [line.split("│", 1) for line in text.splitlines() if "│" in line]
    left = [int(cells[0].split()[1]) for cells in rows if cells[0].startswith("Paragraph ")]
    right = [int(cells[1].split()[1]) for cells in rows if cells[1].strip().startswith("កថាខណ្ឌ ")]
    assert left == list(range(3000))
    assert right == [i for i in range(3000) if i != 1500]
    # Each English paragraph is on the row of its translation, but the one left untranslated.
    same_row = [cells for cells in rows if cells[0].startswith("Paragraph ") and "កថាខណ្ឌ" in cells[1]]
    assert all(cells[0].split()[1] == cells[1].split()[1] for cells in same_row)
    assert len(same_row) == 2999


PARAGRAPH = st.lists(st.sampled_from(
    [*"ab .,-#>*+_`~![]()0\t\n\u200b\x07\x0b\xa0\u3000漢é\x1b", "ក្ម", "ា", "word ", "  ", "1. ", "- "]
), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(PARAGRAPH, max_size=6), st.integers(0, 40), st.sampled_from(["glibc", "rich"]))
@example(["plain", " lead", "trail ", "#x", "1x", "a_b", "a\u200bb", "\xa0a"], 12, "glibc")
def test_a_short_plain_paragraph_is_its_own_line(paras: list[str], width: int, model: str) -> None:
    # Issue 14: a short paragraph without Markdown is given back as its line without the calls of
    # `_block_lines`; what comes out must be what they give.
    fast = list(paragraph_lines(paras, width, model))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(post_view, "_AS_IS", re.compile("(?!)"))
        assert fast == list(paragraph_lines(paras, width, model))
