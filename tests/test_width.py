"""Cell widths (checked against glibc's wcswidth and Rich's cell_len) and cluster-safe wrapping,
of long unbroken lines too."""

from __future__ import annotations

import unicodedata
from itertools import accumulate, pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from cells import wcswidth
from opedarchive.text import width as width_module
from opedarchive.text.khmer import clusters as khmer_clusters
from opedarchive.text.width import cell_width, char_width, check_model, clusters, pad, truncate, wrap, wrap_spans

ELECTION_BODY = "គណៈកម្មាធិការជាតិរៀបចំការបោះឆ្នោត"
DATELINE = "ថ្ងៃចន្ទ ទី១៣ ខែមិថុនា ឆ្នាំ២០២២"
COENG = "\u17d2"


def test_measured_khmer_widths() -> None:
    # The numbers of ../shared/KHMER.md: Rich / glibc.
    assert (cell_width(ELECTION_BODY, "rich"), cell_width(ELECTION_BODY)) == (19, 28)
    assert (cell_width(DATELINE, "rich"), cell_width(DATELINE, "glibc")) == (21, 25)
    assert (cell_width("ខ្មែរ", "rich"), cell_width("ខ្មែរ")) == (3, 4)


def test_glibc_model_matches_wcswidth() -> None:
    assigned = [chr(cp) for cp in range(0x1780, 0x1800) if unicodedata.category(chr(cp)) != "Cn"]
    assigned += [chr(cp) for cp in range(0x19E0, 0x1A00)]
    assigned += [chr(cp) for cp in range(0x20, 0x7F)] + list("—–“”‘’…·•▣│─┬█«»\u200b\u00e9\u0301")
    for ch in assigned:
        assert char_width(ch, "glibc") == wcswidth(ch), f"U+{ord(ch):04X}"
    samples = (ELECTION_BODY, DATELINE, "ខ្មែរ", "ស្ត្រី ប្រជាពលរដ្ឋ ២០២២។", "Kangaroo Court (តុលាការ)", "漢字 ｗｉｄｅ")
    for text in samples:
        assert cell_width(text) == wcswidth(text), text


def test_rich_model_matches_rich() -> None:
    for cp in range(0x1780, 0x1800):
        ch = chr(cp)
        if unicodedata.category(ch) != "Cn":
            assert char_width(ch, "rich") == cell_len(ch), f"U+{cp:04X}"
    assert cell_width(DATELINE, "rich") == cell_len(DATELINE)


def test_unknown_model() -> None:
    assert check_model("rich") == "rich"
    with pytest.raises(ValueError, match="unknown width model 'kitty'"):
        check_model("kitty")


def test_clusters_agree_with_the_khmer_module() -> None:
    for text in (ELECTION_BODY, DATELINE, "ស្រ្តី ក្ស័ត្រ ព្រះរាជាណាចក្រកម្ពុជា"):
        assert clusters(text) == khmer_clusters(text)
    assert clusters("ខ្មែរ") == ["ខ្មែ", "រ"]
    assert clusters("e\u0301t\u00e9") == ["e\u0301", "t", "\u00e9"]


def test_wrap_prefers_spaces_and_zero_width_spaces() -> None:
    assert wrap("the quick brown fox", 10) == ["the quick", "brown fox"]
    assert wrap("ការបោះឆ្នោត\u200bជាតិ\u200bកម្ពុជា", 10) == ["ការបោះឆ្នោត\u200b", "ជាតិ\u200bកម្ពុជា"]
    # No break opportunity: cut between clusters, never after a coeng.
    lines = wrap(ELECTION_BODY, 7)
    assert "".join(lines) == ELECTION_BODY
    assert all(cell_width(line) <= 7 for line in lines)
    assert lines[0] == "គណៈកម្មា"  # 7 cells in glibc; Rich would take more
    assert not any(line.endswith(COENG) for line in lines)
    # Khmer full stops and closing quotes never start a line (where the segmenter finds words
    # in these letters is its business: the full stop stays with the letter before it).
    lines = wrap("ក ខគឃងចឆជ។ ញ", 7)
    assert "".join(lines).replace(" ", "") == "កខគឃងចឆជ។ញ"
    assert not any(line.startswith("។") for line in lines) and any("ជ។" in line for line in lines)


def test_wrap_keeps_newlines_and_drops_spaces_at_breaks() -> None:
    assert wrap("one two\nthree   four", 5) == ["one", "two", "three", "four"]
    assert wrap_spans("", 10) == []
    assert wrap("a b", 10) == ["a b"]


def test_pad_and_truncate_count_cells() -> None:
    assert pad("ខ្មែរ", 6) == "ខ្មែរ  "
    assert pad("ខ្មែរ", 6, "rich") == "ខ្មែរ   "
    assert truncate("Kampong Thom", 8) == "Kampong…"
    cut = truncate(ELECTION_BODY, 10)
    assert cut.endswith("…") and cell_width(cut) <= 10 and not cut[:-1].endswith(COENG)


KHMER_LETTERS = st.sampled_from(
    [chr(c) for c in range(0x1780, 0x17B4)]  # consonants and independent vowels
    + [chr(c) for c in range(0x17B6, 0x17D4)]  # vowel signs, coeng and other marks
    + [" ", "\u200b", "។", "a", "b", "(", "”"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(KHMER_LETTERS, min_size=1, max_size=120).map("".join), st.integers(3, 40),
       st.sampled_from(["glibc", "rich"]))
@example("\u17d2 ", 3, "glibc")  # found by CI: a coeng took the space after it into its cluster
@example("\u17d2\u200b\u1780 \u17d2", 3, "rich")
def test_wrapping_khmer_never_splits_a_cluster(text: str, width: int, model: str) -> None:
    spans = wrap_spans(text, width, model)
    boundaries = {0}
    for cl in clusters(text):
        boundaries.add(max(boundaries) + len(cl))
    previous_end = 0
    for i, (start, end) in enumerate(spans):
        line = text[start:end]
        assert start in boundaries and end in boundaries, (text, spans)
        assert start >= previous_end
        # What a break drops is only spaces (and a zero-width space starting a line).
        assert text[previous_end:start].strip(" \u200b") == ""
        previous_end = end
        if not line:
            continue
        assert not line.endswith(COENG) or end == len(text.rstrip(" "))
        if i or start:
            assert unicodedata.category(line[0]) not in ("Mn", "Mc", "Me"), (text, spans)
        widest = max(cell_width(cl, model) for cl in clusters(line))
        assert cell_width(line, model) <= max(width, widest)
    assert text[previous_end:].strip(" ") == ""


KHMER_RUN = st.sampled_from(
    [chr(c) for c in range(0x1780, 0x17B4)] + [chr(c) for c in range(0x17B6, 0x17D4)] + ["។", "ៗ", "(", "”"]
)


@settings(max_examples=10, deadline=None)
@given(st.lists(KHMER_RUN, min_size=1, max_size=300).map("".join), st.integers(3, 120),
       st.sampled_from(["glibc", "rich"]))
def test_a_very_long_unbroken_khmer_line_wraps_without_splitting_a_cluster(seed: str, width: int, model: str) -> None:
    # Issue 14: a 1.6 MB one-line Khmer body took 150 s to show. No space, no zero-width space:
    # every line is cut between two clusters, and the lines hold all of the text, in order.
    text = seed * (100_000 // len(seed) + 1)
    spans = wrap_spans(text, width, model)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(end == start for (_, end), (start, _) in pairwise(spans))
    boundaries = set(accumulate(map(len, clusters(text)), initial=0))
    for start, end in spans:
        line = text[start:end]
        assert start in boundaries and end in boundaries, (start, end)
        assert not line.endswith(COENG) or end == len(text)
        assert cell_width(line, model) <= width or len(clusters(line)) == 1


ANY_TEXT = st.lists(st.sampled_from(
    [chr(c) for c in range(0x1780, 0x17B4)] + [chr(c) for c in range(0x17B6, 0x17D4)]
    + list(" \u200b។a.b,(”“«»)[]{}%…\t\n漢\u0301\x1b\xa0\u2060\u17d7\u3000\u200c\u200d")
    + ["  ", "xyz", "ab cd", "e\u0301"]
), max_size=400).map("".join)


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT, st.integers(1, 40), st.sampled_from(["glibc", "rich"]))
@example("(\n( x", 3, "glibc")  # a line break held by a bracket is no break
@example("x" + "." * 50 + " y", 10, "glibc")  # a unit wider than the line is cut between its clusters
def test_wrapping_by_the_line_agrees_with_the_rule_unit_by_unit(text: str, width: int, model: str) -> None:
    # wrap_spans finds most lines with scans that run in C; `_line_by_units`, which it falls back
    # to, applies the rule one unit at a time. Both must cut every text the same way.
    fast = wrap_spans(text, width, model)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(width_module, "_line_fast", lambda *args: width_module._UNSURE)
        assert fast == wrap_spans(text, width, model)


SHORT_TEXT = st.lists(st.sampled_from(
    [chr(c) for c in range(0x1780, 0x17B4)] + [chr(c) for c in range(0x17B6, 0x17D4)]
    + list(" \u200b។a.b,(”“«»)[]%…漢\u0301\x1b\xa0\u2060\u17d7\u3000\u200c\u200d\u17d2")
    + ["  ", "xyz", "ab cd", "e\u0301", "\u17d2 "]
), min_size=1, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(SHORT_TEXT | st.text(" ab.,()[]\u200b", min_size=1, max_size=80), st.integers(1, 80),
       st.sampled_from(["glibc", "rich"]))
def test_a_text_that_fits_is_cut_as_the_scans_would(text: str, width: int, model: str) -> None:
    # A text that fits whatever its characters is taken as one line without the scans (issue 14:
    # 100,000 short paragraphs); the scans must cut it the same way.
    fast = wrap_spans(text, width, model)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(width_module, "_one_line", lambda *args: None)
        assert fast == wrap_spans(text, width, model)


ASCII_TEXT = st.lists(st.sampled_from(
    [*" .,;:!?()[]{}%\t\nab", "  ", "xyz", "word ", "a (b", "( ", "x,", " .", "longerword", "\x1b"]
), max_size=300).map("".join)


@settings(max_examples=400, deadline=None)
@given(ASCII_TEXT, st.integers(1, 40), st.sampled_from(["glibc", "rich"]))
@example("ab cd ef", 4, "glibc")
@example("ab  ,cd ef", 5, "glibc")
def test_ascii_lines_are_cut_as_the_general_scans_would(text: str, width: int, model: str) -> None:
    # ASCII text takes a shortcut to where its lines end (`_line_after_a_break`, issue 14: 15 MB of Latin
    # side by side); the scans without it must cut every such text the same way.
    fast = wrap_spans(text, width, model)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(width_module, "_line_after_a_break", lambda *args: None)
        assert fast == wrap_spans(text, width, model)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(width_module, "_line_fast", lambda *args: width_module._UNSURE)
        assert fast == wrap_spans(text, width, model)


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT, st.integers(1, 40), st.sampled_from(["glibc", "rich"]))
@example("ab \u17d2 cd ef", 4, "glibc")
@example("\u1780\u17b6 \u1781\u200b\u1782\u17d2\u1783 ab", 3, "rich")
def test_a_long_paragraph_ends_its_lines_at_a_break_as_the_rule_would(text: str, width: int, model: str) -> None:
    # A paragraph longer than WORD_BREAK_MAX_TEXT (no Khmer word boundaries) ends a line at the
    # last break before the overflow without finding where the overflowing unit starts
    # (`_line_after_a_break`, issue 14: 15 MB of Khmer); the rule unit by unit must agree.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(width_module, "WORD_BREAK_MAX_TEXT", 0)
        fast = wrap_spans(text, width, model)
        patch.setattr(width_module, "_line_after_a_break", lambda *args: None)
        assert fast == wrap_spans(text, width, model)
        patch.setattr(width_module, "_line_fast", lambda *args: width_module._UNSURE)
        assert fast == wrap_spans(text, width, model)
