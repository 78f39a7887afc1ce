"""Text helpers: scripts, Khmer digits and dates, summaries, the search fold."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opedarchive.importers.textpost import parse_post_text
from opedarchive.text.dates import parse_any_date, parse_english_date, parse_khmer_date
from opedarchive.text.khmer import ascii_digits_to_khmer, clusters, fold, khmer_digits_to_ascii
from opedarchive.text.script import detect_language
from opedarchive.text.summary import extract_summary


def test_language_by_script() -> None:
    assert detect_language("The court (តុលាការ) ruled.") == "en"
    assert detect_language("តុលាការនៅកម្ពុជា (Kangaroo Court) បាន") == "km"
    assert detect_language("2022 — 10") == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("| ថ្ងៃចន្ទ ទី១៣ ខែមិថុនា ឆ្នាំ២០២២ ម៉ោង ១០:០៣ ព្រឹក", datetime(2022, 6, 13, 10, 3)),
        ("ថ្ងៃសុក្រ ទី៣ ខែធ្នូ ឆ្នាំ២០២១ ម៉ោង ៤:១៥ រសៀល", datetime(2021, 12, 3, 16, 15)),
        ("ថ្ងៃអង្គារ ទី១ ខែកុម្ភៈ ឆ្នាំ២០២២ ម៉ោង ៨៖៣០ យប់", datetime(2022, 2, 1, 20, 30)),
        ("១៣ មិថុនា ២០២២", date(2022, 6, 13)),
        ("ទី៣០ ខែកុម្ភៈ ឆ្នាំ២០២២", None),
    ],
)
def test_khmer_datelines(text: str, expected: date | None) -> None:
    assert parse_khmer_date(text) == expected


def test_english_and_iso_dates() -> None:
    assert parse_english_date("Posted on: June 28, 2022") == date(2022, 6, 28)
    assert parse_english_date("on 5 Sept 2021") == date(2021, 9, 5)
    assert parse_english_date("February 30, 2022") is None
    assert parse_any_date("2022-06-13") == date(2022, 6, 13)
    assert parse_any_date("2022-06-13T10:03:00") == datetime(2022, 6, 13, 10, 3)
    assert parse_any_date("never") is None


def test_digits() -> None:
    assert khmer_digits_to_ascii("ឆ្នាំ២០២២") == "ឆ្នាំ2022"
    assert ascii_digits_to_khmer("2022") == "២០២២"


def test_clusters_keep_coeng_with_its_base() -> None:
    assert clusters("ខ្មែរ") == ["ខ្មែ", "រ"]
    assert clusters("ស្ត្រី") == ["ស្ត្រី"]
    assert "".join(clusters("abc ខ្មែរ\u200bភាសា")) == "abc ខ្មែរ\u200bភាសា"


@given(st.text(alphabet=st.characters(min_codepoint=0x1780, max_codepoint=0x17FF) | st.sampled_from(" a\u200b")))
def test_clusters_cover_the_text(text: str) -> None:
    assert "".join(clusters(text)) == text


def test_fold_matches_variants() -> None:
    assert fold("ស្រ្តី") == fold("ស្ត្រី")
    assert fold("\u1780\u17c1\u17b6") == fold("\u1780\u17c4")  # vowel typed in two parts
    assert fold("ការ\u200bបោះ\u200bឆ្នោត") == fold("ការបោះឆ្នោត")
    assert fold("២០២២ NEC") == "2022 nec"


def test_extractive_summaries() -> None:
    english = "First sentence here. Second one is longer than that. " + "Third sentence. " * 20
    summary = extract_summary(english)
    assert summary.startswith("First sentence here. Second one is longer than that.")
    assert len(summary) <= 200
    khmer = "ប្រយោគទីមួយ។ ប្រយោគទីពីរ។ " + "ប្រយោគវែង " * 40 + "។"
    assert extract_summary(khmer).startswith("ប្រយោគទីមួយ។ ប្រយោគទីពីរ។")
    long_one = "word " * 100
    assert extract_summary(long_one).endswith("…") and len(extract_summary(long_one)) <= 201
    assert extract_summary("") == ""


def test_text_parser_splits_languages_and_lists() -> None:
    parts = parse_post_text("Title\n\nIntro:\n\n  1. one.\n  2. two.\n\nតុលាការ\n\nតុលាការនៅកម្ពុជា។\n")
    assert [p.lang for p in parts] == ["en", "km"]
    assert parts[0].title == "Title"
    assert parts[0].paragraphs == ["Intro:", "1. one.\n2. two."]
    assert parts[1].title == "តុលាការ"


@given(st.text())
def test_text_parser_never_crashes(text: str) -> None:
    for part in parse_post_text(text):
        assert part.lang in {"en", "km"}
