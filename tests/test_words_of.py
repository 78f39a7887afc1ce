"""`words_of` (whose SHA-256 is the text hash a translation records) gives exactly what it gave
before it was made fast: the implementation of then is kept here as the reference, and any text
(arbitrary Unicode, combining marks, NFC-changing sequences, zero-width characters, lone
surrogates, characters outside the blocks the fast path knows) and the real texts must match."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opedarchive import translation
from opedarchive.translation import text_hash, words_of

REPO = Path(__file__).resolve().parent.parent
NTREX = REPO / "tests" / "data" / "realworld" / "ntrex" / "ntrex-128-en-km.jsonl"


# ------------------------------------------------------------ the reference: words_of as it was


class _ReferenceTable(dict[int, "int | None"]):
    _DROPPED = frozenset(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u17b4\u17b5"))

    def __missing__(self, code: int) -> int | None:
        kept = None if code in self._DROPPED else code if unicodedata.category(chr(code))[0] in "LMN" else 32
        self[code] = kept
        return kept


_REFERENCE_TABLE = _ReferenceTable()
_ASCII_WORDS = re.compile("[A-Za-z0-9]+")


def reference(body: str) -> str:
    if body.isascii():
        return " ".join(_ASCII_WORDS.findall(body))
    return " ".join(unicodedata.normalize("NFC", body).translate(_REFERENCE_TABLE).split())


def reference_general(body: str) -> str:
    """The reference without its ASCII shortcut (which it claimed to be the same)."""
    return " ".join(unicodedata.normalize("NFC", body).translate(_REFERENCE_TABLE).split())


# ------------------------------------------------------------------------------- any text

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u17b4\u17b5"
# Characters that make words_of work: ASCII punctuation and white space, Latin-1 and General
# Punctuation (curly quotes, dashes, no-break space, ellipsis), Khmer signs and punctuation,
# combining marks and what NFC composes or reorders, white space Python splits on.
SPECIAL = st.sampled_from(
    list(ZERO_WIDTH) + list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u205f\u3000")
    + list("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb\u00a3\u20ac\u00b7\u2022")
    + list("\u17d4\u17d5\u17d6\u17d7\u17d8\u17d9\u17da\u17db\u17dc\u17dd\u17b6\u17c6\u17d2\u17e0\u19e0")
    + ["e\u0301", "\u0301", "\u0308", "\u0323\u0302", "A\u030a", "\u212b", "\u1100\u1161\u11a8", "\u0344",
       "\u0958", "\u2126", "\ufb01", "\u00bd", "\u2460", "\u0660", "\U0001d7d8", "\U0001f5f3", "\u4e2d\u6587",
       "\ud800", "\udfff", "\ud83d\udde3", "\ufffe", "\U000e0001", "\u0378", "\U0010ffff", "*", "_", "#", ">"]
)
ANY = st.characters()  # every code point, surrogates included
KNOWN = st.one_of([st.characters(min_codepoint=low, max_codepoint=high)
                   for low, high in ((0, 0x36F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x1E00, 0x206F))])
TEXT = st.lists(st.one_of(SPECIAL, ANY, KNOWN, st.text(st.characters(max_codepoint=0x7F), max_size=8)),
                max_size=80).map("".join)
# Many different characters that do not stay: the path that gives up replacing them one by one.
MANY = st.lists(st.one_of(SPECIAL, st.characters(whitelist_categories=("P", "S", "Z", "C")), ANY),
                min_size=15, max_size=120).map("".join)


@settings(max_examples=1500, deadline=None)
@given(TEXT)
def test_words_of_is_the_reference_on_any_text(body: str) -> None:
    assert words_of(body) == reference(body) == reference_general(body)


@settings(max_examples=300, deadline=None)
@given(MANY)
def test_words_of_is_the_reference_with_many_different_characters(body: str) -> None:
    assert words_of(body) == reference(body)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=0x7F)))
def test_words_of_is_the_reference_on_ascii(body: str) -> None:
    assert words_of(body) == reference(body) == reference_general(body)


def test_no_letter_mark_or_number_is_white_space() -> None:
    """What lets the fast path collapse only spaces: nothing that stays is white space."""
    assert not [code for code in range(0x110000)
                if unicodedata.category(chr(code))[0] in "LMN" and chr(code).isspace()]


def test_each_character_alone_and_in_words() -> None:
    """Every BMP character, and a sample beyond, between words and next to a letter."""
    codes = [*range(0x10000), *range(0x10000, 0x110000, 97)]
    for start in range(0, len(codes), 2048):
        chunk = "".join(f"a{chr(c)}b {chr(c)} \u1780{chr(c)}" for c in codes[start:start + 2048])
        assert words_of(chunk) == reference(chunk)
    for code in range(0x80, 0x3000):
        assert words_of(chr(code)) == reference(chr(code))


def test_the_many_characters_fallback_is_taken() -> None:
    body = "a" + "".join(chr(c) for c in range(0x2010, 0x2030)) + "b\u200bc \u00e9\u17d4"
    assert len({c for c in body if reference(f"x{c}y") == "x y"}) > translation._MOST_REPLACED
    assert words_of(body) == reference(body) == "a bc \u00e9"


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(0, 3))
def test_giving_up_after_some_replacements_is_the_same(body: str, most: int) -> None:
    """Whatever it replaced before it gives up and translates, it replaced as the table does."""
    kept = translation._MOST_REPLACED
    translation._MOST_REPLACED = most
    try:
        assert words_of(body) == reference(body)
    finally:
        translation._MOST_REPLACED = kept


# ------------------------------------------------------------------------------- real text


def _ntrex() -> list[str]:
    texts = []
    for line in NTREX.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts += ["\n".join(record["en"]), "\n".join(record["km"]), line]
    return texts


def _bundled() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted((REPO / "archive").rglob("*.md"))]


@pytest.mark.parametrize("source", [_ntrex, _bundled])
def test_words_of_is_the_reference_on_real_text(source: object) -> None:
    texts = source()  # type: ignore[operator]
    assert texts
    for text in texts:
        # as written, with typographic quotes and dashes, and with zero-width spaces between words
        curly = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text).replace("'", "\u2019").replace(" - ", " \u2014 ")
        for body in (text, curly, curly.replace(" ", "\u200b "), unicodedata.normalize("NFD", curly)):
            assert words_of(body) == reference(body)
            assert text_hash(body) == "sha256:" + hashlib.sha256(reference(body).encode()).hexdigest()
