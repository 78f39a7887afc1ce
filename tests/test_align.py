"""Paragraph alignment: paragraphs, hand-made cases, the never-drop property, the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

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
