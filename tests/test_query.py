"""The search query language and the search form of text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opedarchive.errors import OpedError, UsageError
from opedarchive.query import parse
from opedarchive.text.khmer import fold
from opedarchive.text.searchform import search_form


def forms(groups: list[list[object]]) -> list[list[str]]:
    return [[t.form for t in g] for g in groups]  # type: ignore[attr-defined]


def test_words_phrases_prefixes_exclusions_or_and_filters() -> None:
    q = parse('Election "National  Election Committee" disenfranchis* -court nec OR ngo author:seng year:២០២២')
    assert forms(q.groups) == [["election"], ["national election committee"], ["disenfranchis"], ["nec", "ngo"]]
    assert [t.prefix for t in q.terms] == [False, False, True, False, False]
    assert [t.form for t in q.excluded] == ["court"]
    assert q.filters == [("author", "seng"), ("year", "2022")]


def test_quoted_filter_values_and_negated_filters() -> None:
    q = parse('nec outlet:"VOD English" -kind:letter TAG:Election')
    assert q.filters == [("outlet", "VOD English"), ("tag", "Election")]
    assert q.negated_filters == [("kind", "letter")]


def test_punctuation_around_a_word_is_not_part_of_it() -> None:
    assert forms(parse("(Kangaroo court. ឆ្នោត។").groups) == [["kangaroo"], ["court"], ["ឆ្នោត"]]


def test_a_word_with_a_colon_that_is_no_filter_is_a_word() -> None:
    assert forms(parse("letter: http://x").groups) == [["letter"], ["http://x"]]


def test_lowercase_or_is_a_word() -> None:
    assert forms(parse("nec or ngo").groups) == [["nec"], ["or"], ["ngo"]]


def test_query_terms_are_folded_like_text() -> None:
    # zero-width space, coeng-ro order, Khmer digits, case
    q = parse("ឆ្\u200bនោត ស្រ្តី ២០២២ NEC")
    assert forms(q.groups) == [["ឆ្នោត"], [fold("ស្ត្រី")], ["2022"], ["nec"]]


def test_only_filters_is_a_query() -> None:
    assert parse("author:seng").filters == [("author", "seng")]


def test_empty_query_allowed_when_options_give_filters() -> None:
    assert parse("", allow_empty=True).groups == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"national election', "quote"),
        ("OR nec", "OR must stand between two words"),
        ("nec OR", "OR must stand between two words"),
        ("nec OR OR ngo", "OR must stand between two words"),
        ("nec OR -ngo", "excluded word cannot be part of OR"),
        ("nec OR author:x", "OR joins words"),
        ("-", "'-' must be followed"),
        ("--nec", "use one '-'"),
        ("*", "'*' must follow a word"),
        ("el*ect", "'*' goes only at the end"),
        ("author:", "'author:' needs a value"),
        ('author:"seng', "not closed"),
        ("year:22", "not a year"),
        ('""', "empty phrase"),
        ("-court", "nothing to search for; '-' only excludes"),
        ("", "nothing to search for"),
        ("  …  ", "nothing to search for"),
    ],
)
def test_malformed_queries_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(text)
    assert caught.value.exit_code == 2
    assert message in str(caught.value)
    assert str(caught.value).startswith("malformed query")


def test_latin_terms_match_whole_words_khmer_terms_inside_words() -> None:
    nec = parse("nec").terms[0]
    assert nec.found_in("the nec said") and nec.found_in("(nec)") and nec.found_in("ឆ្នាំnec")
    assert not nec.found_in("it is necessary") and not nec.found_in("connec")
    elect = parse("elect*").terms[0]
    assert elect.found_in("the elections") and not elect.found_in("selection")
    assert parse("ឆ្នោត").terms[0].found_in(search_form("ការបោះឆ្នោតជាតិ"))
    assert parse("២០២២").terms[0].found_in(search_form("ឆ្នាំ២០២២"))


def test_matches_needs_every_group_and_no_excluded_word() -> None:
    q = parse("nec OR ngo election -court")
    assert q.matches("nec election", "")
    assert q.matches("", "ngo election")
    assert not q.matches("nec", "")
    assert not q.matches("nec election", "the court")


khmer_text = st.text(alphabet=st.sampled_from(list("កខគងចឆជញដណតថទធនបផពមយរលវសហឡអឥឧាិីឹឺុូួើឿៀេែៃោៅំះៈ់៉៊៍្ ​‌‍០១២៣៤៥៦៧៨៩aZ .,\n")))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), khmer_text, st.text(alphabet='ab -:*"OR() ២\u200b', max_size=30)))
def test_parser_never_crashes(text: str) -> None:
    try:
        query = parse(text)
    except UsageError as exc:
        assert str(exc).startswith("malformed query")
        return
    except OpedError as exc:  # pragma: no cover - any other error is a bug
        raise AssertionError(exc) from exc
    assert query.groups or query.filters
    for term in query.terms + query.excluded:
        assert term.form
        term.pattern.search(search_form(text))


@settings(max_examples=300, deadline=None)
@given(khmer_text)
def test_search_form_is_fold_with_whitespace_collapsed(text: str) -> None:
    assert search_form(text) == " ".join(fold(text).split())


def test_curly_quotes_match_straight_ones() -> None:
    assert search_form("the coup d’etat, “in 1997”") == "the coup d'etat, \"in 1997\""
    assert parse("d'etat").terms[0].found_in(search_form("coup d’etat"))


def test_two_character_khmer_syllables_need_no_khnormal() -> None:
    # search_form's SYLLABLE_RE matches syllables of three characters or more: every syllable of
    # two (a base and one sign), tried here, comes out of khnormal unchanged, and none is matched.
    from khmerspell import khnormal

    from opedarchive.text.searchform import _BASE, SYLLABLE_RE

    any_syllable = re.compile(f"(?<!\u17d2)[{_BASE}](?:[\u17b6-\u17d3\u17dd]|(?<=\u17d2)[{_BASE}])+")
    pairs = [chr(a) + chr(b) for a in range(0x1780, 0x1800) for b in [*range(0x1780, 0x1800), 0x200C, 0x200D]]
    syllables = [pair for pair in pairs if any_syllable.fullmatch(pair)]
    assert len(syllables) == 1550
    assert [s for s in syllables if khnormal(s) != s] == []
    assert [s for s in syllables if SYLLABLE_RE.search(s)] == []
    assert SYLLABLE_RE.fullmatch("\u1781\u17d2\u1798") and SYLLABLE_RE.fullmatch("\u1780\u17c1\u17c7")
