"""The site index's Khmer 1-, 2- and 3-grams (`searchindex._khmer_grams`: three passes over
strings for short texts, 4-gram numbers for long ones) equal the grams counted one slice at a
time, both ways: on arbitrary text and on real Khmer news."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opedarchive.site import searchindex
from opedarchive.site.searchindex import _KHMER_RUN, _khmer_grams
from opedarchive.text.searchform import search_form

NTREX = Path(__file__).parent / "data" / "realworld" / "ntrex" / "ntrex-128-en-km.jsonl"


def grams_simply(form: str) -> tuple[Counter[str], int]:
    """Every 1-, 2- and 3-gram of each Khmer run, one slice at a time, and the runs' length."""
    runs = _KHMER_RUN.findall(form)
    grams: Counter[str] = Counter()
    for run in runs:
        for size in (1, 2, 3):
            grams.update(run[i : i + size] for i in range(len(run) - size + 1))
    return grams, sum(map(len, runs))


@given(st.text(alphabet=st.one_of(st.characters(min_codepoint=0x1780, max_codepoint=0x17FF),
                                  st.sampled_from(" a1\n\u200b\u00e9"), st.characters()), max_size=60))
def test_grams_of_any_text(text: str) -> None:
    assert _khmer_grams(text) == grams_simply(text)
    runs = " ".join(_KHMER_RUN.findall(text))
    if runs:
        assert searchindex._grams_by_fours(runs) == searchindex._grams_as_strings(runs) == grams_simply(text)[0]


@pytest.fixture(params=[0, 10**9], ids=["by fours", "as strings"])
def both_ways(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(searchindex, "GRAMS_BY_FOURS", request.param)


@pytest.mark.usefixtures("both_ways")
def test_grams_of_short_runs_at_every_length() -> None:
    # Every length modulo 4, runs of one to three letters at the end, where the padding matters.
    for text in ["ក", "កខ", "កខគ", "កខគឃ", "កខគឃង", "a ក", "ក a ខគ", "ខ្មែរ ក", "ក ខ គ ឃ", ""]:
        assert _khmer_grams(text) == grams_simply(text), text


@pytest.mark.usefixtures("both_ways")
def test_grams_of_real_khmer_news() -> None:
    lines = NTREX.read_text(encoding="utf-8").splitlines()
    bodies = [search_form("\n\n".join(json.loads(line)["km"])) for line in lines[:40]]
    whole = " ".join(bodies)
    assert _khmer_grams(whole) == grams_simply(whole)
    for body in bodies:
        assert _khmer_grams(body) == grams_simply(body)


def test_search_form_of_real_khmer_news_is_fold_with_plain_quotes() -> None:
    from opedarchive.text.khmer import fold

    for line in NTREX.read_text(encoding="utf-8").splitlines()[:40]:
        body = "\n\n".join(json.loads(line)["km"])
        plain = body.translate(str.maketrans("\u2018\u2019\u02bc\u201c\u201d", "\'\'\'\"\""))  # as typed
        assert search_form(body) == " ".join(fold(plain).split())


def test_words_of_a_long_form_counted_a_slice_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # No word holds a space, so slices ending at a space count what the whole text counts.
    from collections import Counter

    body = search_form(" ".join(json.loads(line)["en"][0] for line in NTREX.read_text(encoding="utf-8").splitlines()))
    whole = Counter(searchindex.WORD_RE.findall(body))
    for size in (1, 7, 64, 1000):
        monkeypatch.setattr(searchindex, "WORDS_SLICE", size)
        assert searchindex._words_counted(body) == whole, size
