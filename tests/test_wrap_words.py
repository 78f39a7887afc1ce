"""Lines break between Khmer words (issue 15, item 2): at spaces, zero-width spaces and the
segmenter's word boundaries; inside a word only when it alone is wider than the line, and then
between clusters. Judged on real text: the seed page and the hand-segmented khPOS sample."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import khpos
from opedarchive.text import width as width_module
from opedarchive.text.width import WORD_BREAK_MAX_TEXT, cell_width, clusters, wrap, wrap_spans
from opedarchive.text.words import khmer_breaks

DATA = Path(__file__).parent / "data"
SEED_PAGE = DATA / "blog-page-2022-06.txt"
COENG = "\u17d2"
ZWSP = "\u200b"
_KHMER = re.compile("[\u1780-\u17ff]")


def _seed_khmer() -> list[str]:
    return [line.strip() for line in SEED_PAGE.read_text(encoding="utf-8").splitlines() if _KHMER.search(line)]


@lru_cache(maxsize=1)
def _khpos_words() -> list[str]:
    """Every hand-segmented word of the khPOS sample (compound markers removed), once."""
    text = khpos.KHPOS.read_text(encoding="utf-8")
    return sorted({re.sub("[_~^]", "", token) for token in text.split() if _KHMER.search(token)})


def _fresh_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(width_module, "_SEGMENTED", width_module._Segmented())


def _opportunities(text: str) -> list[int]:
    """Where a line may end by the rule: after a run of spaces or a zero-width space, or between
    two words by the segmenter (or after a Khmer full stop), never inside a cluster."""
    words = set(khmer_breaks(text)) | {m.start() for m in re.finditer("(?<=[។៕])(?=[\u1780-\u17b3])", text)}
    at = {p for p in words if width_module._unit_start(text, p)}
    at |= {i + 1 for i, ch in enumerate(text) if ch in " " + ZWSP}
    return sorted(at | {0, len(text)})


def _cuts_inside_words_that_fit(text: str, width: int, model: str = "glibc") -> list[str]:
    """Line ends of `wrap_spans` that are no break opportunity although the stretch between the
    opportunities around them fits on a line (each shown as `left⏎right`)."""
    spans = wrap_spans(text, width, model)
    at = _opportunities(text)
    bad = []
    for (_, end), (start, _) in pairwise(spans):
        if end != start or end in at:
            continue  # a space was dropped there, or an opportunity
        i = bisect_right(at, end)
        word = text[at[i - 1] : at[i]].rstrip(" " + ZWSP)
        if cell_width(word, model) <= width:
            bad.append(f"{text[at[i - 1]:end]}⏎{text[end:at[i]]}")
    return bad


def test_the_seed_pages_cut_words_are_whole() -> None:
    # Issue 15 quotes these cuts of the seed page's Khmer; the cluster rules alone made all three.
    for text in _seed_khmer():
        for width in range(10, 121):
            shown = "\n".join(wrap(text, width))
            for cut in ("ច្បា\nស់លាស់", "មិ\nន", "ប៉ារី\nស"):
                assert cut not in shown, (width, cut)


@pytest.mark.parametrize("width", [12, 20, 31, 40, 58, 78])
def test_no_line_of_real_khmer_ends_inside_a_word_that_fits(width: int) -> None:
    # khPOS sentences with their words run together, as Khmer is written.
    texts = _seed_khmer() + [para.text for para in khpos.paragraphs(200)]
    for text in texts:
        assert _cuts_inside_words_that_fit(text, width) == [], text


def test_a_word_wider_than_the_line_is_cut_between_clusters() -> None:
    word = "គណៈកម្មាធិការ"  # one word to the segmenter, 12 cells in glibc
    assert khmer_breaks(word) == []
    for width in (3, 5, 7, 11):
        lines = wrap(f"ក {word} ខ", width)
        assert word in "".join(lines)
        for line in lines:
            assert cell_width(line) <= width
            assert not line.endswith(COENG)
            assert unicodedata.category(line[0]) not in ("Mn", "Mc", "Me")
    # It starts a line of its own, then fills it: the space before it is where the line breaks.
    assert wrap(f"ក {word}", 8)[0] == "ក"


def test_spaces_and_zero_width_spaces_break_whatever_the_segmenter_says() -> None:
    # A space or a zero-width space is a break even inside what the segmenter takes for one word:
    # the writer put it there.
    assert khmer_breaks("ការបោះឆ្នោត") == []
    assert wrap("ការបោះ\u200bឆ្នោត", 7) == ["ការបោះ\u200b", "ឆ្នោត"]
    assert wrap("ការបោះឆ្នោត\u200bជាតិ\u200bកម្ពុជា", 10) == ["ការបោះឆ្នោត\u200b", "ជាតិ\u200bកម្ពុជា"]
    assert wrap("abc ការបោះឆ្នោត", 10) == ["abc", "ការបោះឆ្នោត"]
    # Between the last space and the overflow, the last word boundary ends the line: lines fill.
    assert wrap("ខ្ញុំ ច្បាស់លាស់មិនប៉ារីស", 14) == ["ខ្ញុំ ច្បាស់លាស់មិន", "ប៉ារីស"]


def test_a_paragraph_over_the_limit_is_cut_by_the_clusters_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # `show` of a 15 MB body must not wait for the segmenter (issue 14): past the limit it is
    # never asked, and the text is cut as before issue 15.
    calls: list[str] = []

    def segmented(stretch: str) -> tuple[int, ...]:
        calls.append(stretch)
        return ()

    monkeypatch.setattr(width_module, "_SEGMENTED", segmented)
    long_text = ("ច្បាស់លាស់មិនប៉ារីស " * (WORD_BREAK_MAX_TEXT // 10))[: WORD_BREAK_MAX_TEXT + 1]
    wrap_spans(long_text, 30)
    assert calls == []
    short = long_text[:200]
    wrap_spans(short, 30)
    assert calls  # under the limit, it is asked


def test_the_segmenter_is_asked_only_where_lines_end(monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_budget(monkeypatch)
    asked: list[str] = []
    real = width_module._SEGMENTED

    def segmented(stretch: str) -> tuple[int, ...]:
        asked.append(stretch)
        return real(stretch)

    monkeypatch.setattr(width_module, "_SEGMENTED", segmented)
    stretches = ["ខ្ញុំ", "ច្បាស់លាស់មិនប៉ារីស", "ការបោះឆ្នោត", "ក"]
    wrap_spans(" ".join(stretches), 200)
    assert asked == []  # it fits on one line: nothing to ask
    wrap_spans(" ".join(stretches), 16)
    assert 0 < len(asked) < len(stretches)


def test_past_the_budget_khmer_is_cut_by_the_clusters(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "ខ្ញុំច្បាស់លាស់មិនប៉ារីសការបោះឆ្នោត"
    _fresh_budget(monkeypatch)
    with_words = wrap(text, 12)
    with monkeypatch.context() as patch:
        patch.setattr(width_module, "WORD_BREAK_MAX_TEXT", -1)
        by_clusters = wrap(text, 12)
    assert with_words != by_clusters
    # A process that has handed the segmenter WORD_BREAK_BUDGET characters asks it no more.
    spent = width_module._Segmented()
    spent.budget = len(text) - 1
    monkeypatch.setattr(width_module, "_SEGMENTED", spent)
    assert wrap(text, 12) == by_clusters
    wrap("ខ្ញុំ ច្បាស់លាស់មិន", 6)  # a shorter stretch afterwards is not asked about either
    assert spent.budget == 0 and spent.breaks == {}


_LATIN = st.sampled_from(["Hun", "Sen", "NEC", "2022", "(CNRP)", "“Paris”", "e\u0301te\u0301"])
_GLUE = st.sampled_from(["", "", "", "", " ", ZWSP, "។", "។ ", ", ", "ៗ"])


@st.composite
def _mixed_text(draw: st.DrawFn) -> str:
    words = _khpos_words()
    parts = draw(st.lists(st.tuples(st.one_of(st.sampled_from(words), _LATIN), _GLUE), min_size=1, max_size=40))
    return "".join(word + glue for word, glue in parts).strip()


@settings(max_examples=150, deadline=None)
@given(_mixed_text(), st.integers(3, 60), st.sampled_from(["glibc", "rich"]))
def test_random_khmer_and_latin_breaks_only_where_a_reader_would(text: str, width: int, model: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        _fresh_budget(patch)
        spans = wrap_spans(text, width, model)
        # Nothing lost: what lies between two lines is only spaces or a zero-width space.
        previous = 0
        for i, (start, end) in enumerate(spans):
            assert text[previous:start].strip(" " + ZWSP) == ""
            previous = end
            line = text[start:end]
            if not line:
                continue
            widest = max(cell_width(cl, model) for cl in clusters(line))
            assert cell_width(line, model) <= max(width, widest), (line, width)
            assert not line.endswith(COENG)
            if i:
                assert unicodedata.category(line[0]) not in ("Mn", "Mc", "Me"), line
        assert text[previous:].strip(" ") == ""
        assert _cuts_inside_words_that_fit(text, width, model) == []
        # The scans that run in C and the rule taken one unit at a time agree, word breaks and all.
        patch.setattr(width_module, "_line_fast", lambda *args: width_module._UNSURE)
        assert wrap_spans(text, width, model) == spans
