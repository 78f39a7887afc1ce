"""The search form of a text: `khmer.fold` with whitespace collapsed and quotes made plain,
fast enough to index 100,000 posts (it caches per word and per Khmer syllable)."""

from __future__ import annotations

import re
import unicodedata

from opedarchive.text.khmer import _DIGIT_TABLE, _INVISIBLE_TABLE, _KHMER_RE, _khnormal

_BASE = "\u1780-\u17a2\u17a5-\u17b3"
# A syllable as khnormal sees it: a base not after a coeng, then signs, coengs and the
# consonants that follow a coeng. khnormal reorders within a syllable and never across one; it
# leaves every syllable of two characters as it is (a base and one sign: a test checks all 1,550),
# so only those of three or more are matched (half of those in Khmer prose).
SYLLABLE_RE = re.compile(f"(?<!\u17d2)[{_BASE}](?:[\u17b6-\u17d3\u17dd]|(?<=\u17d2)[{_BASE}]){{2,}}")
# str.translate with a dict is slow on long texts; most texts need no translating at all.
_INVISIBLE_RE = re.compile("[" + "".join(map(chr, _INVISIBLE_TABLE)) + "]")
_KHMER_DIGIT_RE = re.compile("[\u17e0-\u17e9]")
# Bump when the search form changes: an index made with another one is rebuilt.
FORM_VERSION = 2
# Typographic quotes as typed on a keyboard, so `d'etat` finds `d’etat`.
_QUOTES_RE = re.compile("[\u2018\u2019\u02bc\u201c\u201d]")
_QUOTES = (("\u2018", "'"), ("\u2019", "'"), ("\u02bc", "'"), ("\u201c", '"'), ("\u201d", '"'))
_WORD_CACHE_MAX = 200_000
_words: dict[str, str] = {}
_syllables: dict[str, str] = {}


def _syllable(match: re.Match[str]) -> str:
    text = match[0]
    folded = _syllables.get(text)
    if folded is None:
        folded = _syllables[text] = _khnormal()(text)
    return folded


def fold_word(word: str) -> str:
    """`khmer.fold` of a text without whitespace."""
    folded = _words.get(word)
    if folded is not None:
        return folded
    text = unicodedata.normalize("NFC", word)
    # translate() looks every character up in its table: searched for first, as most words need neither.
    if _INVISIBLE_RE.search(text):
        text = text.translate(_INVISIBLE_TABLE)
    if _KHMER_RE.search(text):
        text = SYLLABLE_RE.sub(_syllable, text).replace("\u17d2\u178a", "\u17d2\u178f")
    folded = text.casefold()
    if _KHMER_DIGIT_RE.search(folded):
        folded = folded.translate(_DIGIT_TABLE)
    if len(_words) >= _WORD_CACHE_MAX:
        _words.clear()
    _words[word] = folded
    return folded


def search_form(text: str) -> str:
    """`khmer.fold(text)` with every run of whitespace as one space, no space at the ends,
    and curly quotes as straight ones. Documents and queries both go through it, so they
    always match alike."""
    if _QUOTES_RE.search(text):
        for curly, straight in _QUOTES:  # five replaces: several times quicker than translate
            text = text.replace(curly, straight)
    if not _KHMER_RE.search(text):
        text = unicodedata.normalize("NFC", text)
        if _INVISIBLE_RE.search(text):
            text = _INVISIBLE_RE.sub("", text)
        return " ".join(text.casefold().split())  # no Khmer, so no Khmer digits
    return " ".join([f for f in map(fold_word, text.split()) if f])
