"""Paragraph alignment: paragraphs, hand-made cases, the never-drop property, the JSON shape, long inputs."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opedarchive import align as align_module
from opedarchive.align import DEFAULT_RATIO, align, estimate_ratio, paragraphs

from conftest import Invoke

NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"
MACHINE = "2022-06-12-election-disenfranchisement-machine-of-cambodia"


def test_paragraphs_split_on_blank_lines_and_keep_lists_whole() -> None:
    body = ("One\nstill one.\n\n\nTwo.\n\n1. first\n2. second\n\n3. third, loose\n   continued\n\n"
            "- a bullet list\n\nLast.")
    assert paragraphs(body) == [
        "One\nstill one.",
        "Two.",
        "1. first\n2. second\n\n3. third, loose\n   continued",
        "- a bullet list",
        "Last.",
    ]
    assert paragraphs("```\ncode\n\nmore code\n```\n\nafter") == ["```\ncode\n\nmore code\n```", "after"]
    assert paragraphs("\n\n") == []


def test_seed_lists_count_as_one_paragraph_each(bundled: Path) -> None:
    body = (bundled / f"posts/2022/{MACHINE}.en.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    paras = paragraphs(body)
    assert len(paras) == 6
    assert paras[4].startswith("1. NEC structure") and "\n2. Justice system" in paras[4]
    assert paras[5].startswith("1) Upcoming") and "\n3) New credible NEC" in paras[5]


def test_same_counts_align_by_position() -> None:
    assert align(["a" * 10, "b" * 500], ["c" * 900, "d"]) == [([0], [0]), ([1], [1])]
    assert align([], []) == []


def _p(n: int, ch: str = "x") -> str:
    return " ".join([ch * 9] * (n // 10))


def test_a_paragraph_split_in_two_in_the_translation() -> None:
    en = [_p(300), _p(400), _p(250)]
    km = [_p(360), _p(230), _p(250), _p(300)]
    assert align(en, km) == [([0], [0]), ([1], [1, 2]), ([2], [3])]


def test_two_paragraphs_merged_in_the_translation() -> None:
    en = [_p(200), _p(150), _p(150), _p(400)]
    km = [_p(240), _p(360), _p(480)]
    assert align(en, km) == [([0], [0]), ([1, 2], [1]), ([3], [2])]


def test_a_paragraph_missing_from_the_translation() -> None:
    en = [_p(300), _p(200), _p(500)]
    km = [_p(360), _p(600)]
    assert align(en, km) == [([0], [0]), ([1], []), ([2], [1])]


def test_a_note_added_by_the_translator() -> None:
    en = [_p(300), _p(400)]
    km = [_p(150), _p(360), _p(480)]
    assert align(en, km) == [([], [0]), ([0], [1]), ([1], [2])]


def test_estimate_ratio_uses_bodies_whose_counts_match() -> None:
    matching = ("aaaa aaaa\n\n" * 30, "bbbbb bbbbb\n\n" * 30)
    assert estimate_ratio([matching]) == 1.25
    assert estimate_ratio([("a\n\nb", "c")]) == DEFAULT_RATIO  # counts differ: nothing to learn
    assert estimate_ratio([]) == DEFAULT_RATIO
    assert 1.0 < DEFAULT_RATIO < 1.5


def test_the_bundled_archive_ratio_is_close_to_the_default(bundled: Path) -> None:
    from opedarchive.align import archive_ratio
    from opedarchive.archive import Archive

    assert abs(archive_ratio(Archive.open(bundled), "en", "km") - DEFAULT_RATIO) < 0.1


paragraph_lists = st.lists(st.integers(0, 2000).map(lambda n: "x" * n), max_size=12)


@settings(max_examples=200, deadline=None)
@given(paragraph_lists, paragraph_lists, st.none() | st.floats(0.3, 3.0))
def test_alignment_never_drops_or_reorders(a: list[str], b: list[str], ratio: float | None) -> None:
    pairs = align(a, b, ratio)
    assert [i for left, _ in pairs for i in left] == list(range(len(a)))
    assert [j for _, right in pairs for j in right] == list(range(len(b)))
    for left, right in pairs:
        assert left or right
        assert (len(left), len(right)) in {(1, 1), (1, 2), (2, 1), (1, 0), (0, 1)}


def test_show_json_alignment(seeded: Path, cli: Invoke) -> None:
    data = json.loads(cli("show", NEUTRAL, "--json").stdout)
    assert data["alignment"] == {"langs": ["en", "km"], "pairs": [[[0], [0]], [[1], [1]], [[2], [2]], [[3], [3]]]}
    reverse = json.loads(cli("show", NEUTRAL, "--json", "--langs", "km,en").stdout)
    assert reverse["alignment"]["langs"] == ["km", "en"]
    single = json.loads(cli("show", MACHINE, "--json").stdout)
    assert single["alignment"] is None


def test_show_json_alignment_of_a_split_paragraph(seeded: Path, cli: Invoke) -> None:
    path = seeded / f"posts/2022/{NEUTRAL}.km.md"
    text = path.read_text(encoding="utf-8")
    # Split the Khmer third paragraph after its first sentence.
    third = text.index("ការសង្កេតលើរចនាសម្ព័ន្ធ")
    cut = text.index("។ ", third) + 1
    path.write_text(text[:cut] + "\n\n" + text[cut + 1 :], encoding="utf-8")
    data = json.loads(cli("show", NEUTRAL, "--json").stdout)
    assert data["alignment"]["pairs"] == [[[0], [0]], [[1], [1]], [[2], [2, 3]], [[3], [4]]]
    shown = cli("show", NEUTRAL, "--side-by-side", "--no-pager", env={"COLUMNS": "120"})
    assert shown.exit_code == 0
    assert "ប្រព័ន្ធតុលាការដែលត្រូវបានគេប្រើ" in shown.stdout


KINDS = {(1, 1), (1, 2), (2, 1), (1, 0), (0, 1)}


def _covers_both(pairs: list[tuple[list[int], list[int]]], n: int, m: int) -> None:
    """Every paragraph of both sides in exactly one group, in order; every group of a known kind."""
    assert [i for left, _ in pairs for i in left] == list(range(n))
    assert [j for _, right in pairs for j in right] == list(range(m))
    assert all((len(left), len(right)) in KINDS for left, right in pairs)


def test_a_hundred_thousand_paragraphs_align_with_none_dropped() -> None:
    # Issue 14: 100,000 against 99,999 paragraphs ended in MemoryError (every pair was weighed;
    # 4,000 against 3,999 took 97 s and 1.8 GB). Past POSITION_PAST they pair by position.
    rng = random.Random(14)
    a = ["x" * rng.randint(20, 400) for _ in range(100_000)]
    b = ["y" * rng.randint(20, 400) for _ in range(99_999)]
    pairs = align(a, b)
    _covers_both(pairs, len(a), len(b))
    assert pairs[:-1] == [([i], [i]) for i in range(99_999)] and pairs[-1] == ([99_999], [])
    assert align(b, a)[-1] == ([], [99_999])


def test_the_banded_programme_runs_up_to_position_past() -> None:
    # Just under POSITION_PAST the programme still runs (in its band): a paragraph the translation
    # left out near the start is found there, not at the end.
    n = align_module.POSITION_PAST
    a = [f"paragraph {i} " + "x" * (40 + (i * 37) % 300) for i in range(n)]
    b = [p for i, p in enumerate(a) if i != 10]
    pairs = align(a, b, 1.0)
    _covers_both(pairs, n, n - 1)
    assert [p for p in pairs if len(p[0]) != 1 or len(p[1]) != 1] == [([10], [])]  # the rest one to one


def _translation(rng: random.Random, n: int) -> tuple[list[str], list[str], dict[int, tuple[int, int]]]:
    """n paragraphs and a translation 1.2 times as long (±5% each) in which the translator joined
    two paragraphs twice, split one, left one out and added a note (n - 1 paragraphs); the groups
    expected there, by paragraph of the original."""
    la = [rng.randint(50, 800) for _ in range(n)]
    km: list[int] = []
    expected: dict[int, tuple[int, int]] = {}
    i = 0
    while i < n:
        size = int(la[i] * 1.2 * rng.uniform(0.95, 1.05))
        if i in (n // 5, 9 * n // 10):  # two paragraphs made one
            km.append(size + int(la[i + 1] * 1.2))
            expected[i] = (2, 1)
            i += 2
            continue
        if i == 2 * n // 5:  # one made two
            km += [size // 3, size - size // 3]
            expected[i] = (1, 2)
        elif i == 3 * n // 5:  # left out
            expected[i] = (1, 0)
        elif i == 4 * n // 5:  # a translator's note before it
            km += [rng.randint(50, 200), size]
            expected[i] = (1, 1)
        else:
            km.append(size)
        i += 1
    return ["x" * v for v in la], ["y" * v for v in km], expected


def test_a_translation_is_aligned_in_the_band_as_over_all_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Past CELL_BUDGET pairs the programme weighs only a band around its best path so far; on a
    # translation that band holds the cheapest path: the groups are those of the full programme.
    a, b, expected = _translation(random.Random(7), 800)
    full = align(a, b)
    monkeypatch.setattr(align_module, "CELL_BUDGET", 20_000)
    assert (align_module._half_band(len(a), len(b)) or len(b)) < len(b) // 50  # banded indeed
    assert align(a, b) == full
    _covers_both(full, len(a), len(b))
    found = {left[0]: (len(left), len(right)) for left, right in full if left}
    for i, kind in expected.items():
        assert found[i] == kind, (i, kind)


def test_a_large_translation_keeps_its_joins_splits_and_gaps() -> None:
    a, b, expected = _translation(random.Random(8), 30_000)
    pairs = align(a, b)
    _covers_both(pairs, len(a), len(b))
    found = {left[0]: (len(left), len(right)) for left, right in pairs if left}
    for i, kind in expected.items():
        assert found[i] == kind, (i, kind)
    assert sum(kind != (1, 1) for kind in found.values()) <= 2 * len(expected)


def test_paragraphs_of_a_list_of_a_hundred_thousand_items() -> None:
    # One paragraph; it used to be copied (and scanned for code fences) again for every item.
    items = [f"- item {i}" for i in range(100_000)]
    assert paragraphs("\n\n".join(items)) == ["\n\n".join(items)]
    fenced = "```\n" + "\n\n".join(items) + "\n```\n\nafter"
    assert paragraphs(fenced) == [fenced[: -len("\n\nafter")], "after"]


def test_the_archive_ratio_leaves_out_huge_posts(archive: Path) -> None:
    # Showing a post whose counts differ measures the ratio on other posts: a 15 MB one among
    # them was read (and cut into paragraphs) every time. Versions over 512 KB are left out.
    from opedarchive.align import RATIO_MAX_BYTES, archive_ratio
    from opedarchive.archive import Archive

    def post(post_id: str, en: str, km: str) -> None:
        folder = archive / "posts" / post_id[:4]
        folder.mkdir(parents=True, exist_ok=True)
        for lang, body in (("en", en), ("km", km)):
            text = f"---\ntitle: {post_id}\ndate: {post_id[:10]}\nlang: {lang}\n---\n\n{body}\n"
            (folder / f"{post_id}.{lang}.md").write_text(text, encoding="utf-8")

    post("2022-01-01-ordinary", "aaaa aaaa\n\n" * 30, "bbbbb bbbbb\n\n" * 30)  # 1.25
    huge = RATIO_MAX_BYTES // 5 + 1  # paragraphs of 5 bytes and more: both files past the bound
    post("2022-01-02-huge", "a b\n\n" * huge, "bbb bbb\n\n" * huge)  # 3.0, and newer
    assert archive_ratio(Archive.open(archive), "en", "km") == 1.25


@given(st.lists(st.sampled_from(["\n", "\n\n", "\r\n", " ", "\t", "a", "ក", "-", "*", "1.", "2)", "```", "~~~",
                                 "  ", "> ", "x y"]), max_size=40).map("".join))
def test_a_body_without_lists_or_fences_is_cut_as_one_with_them(body: str) -> None:
    # _paragraphs cuts a body that has no line like a list item or a fence at its blank lines
    # alone; whatever the body, that is what the whole walk over its blocks gives.
    fast = align_module._paragraphs(body)
    walked = align_module._list_or_fence
    try:
        align_module._list_or_fence = lambda body: True  # type: ignore[assignment]  # always: the walk
        assert align_module._paragraphs(body) == fast
    finally:
        align_module._list_or_fence = walked
