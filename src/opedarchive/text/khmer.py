"""Khmer text: digits, clusters, and the normalisation that search applies to text and query alike."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"
_DIGIT_TABLE = {ord(k): str(i) for i, k in enumerate(KHMER_DIGITS)}
# Zero-width characters and the two inherent-vowel signs that carry no sound of their own.
_INVISIBLE_TABLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u17b4\u17b5"))
_KHMER_RE = re.compile("[\u1780-\u17ff]")

# A Khmer cluster: a base (consonant, independent vowel or a lone sign), then any number of
# coeng + consonant pairs, dependent vowels, diacritics and joiners.
CLUSTER_RE = re.compile(
    "[\u1780-\u17b3](?:\u17d2[\u1780-\u17b3]|[\u17b4-\u17d1\u17d3\u17dd\u200c\u200d])*"
    "|."
    , re.DOTALL
)


_KHMER_DIGIT_RE = re.compile("[០-៩]")


def khmer_digits_to_ascii(text: str) -> str:
    """`២០២២` → `2022`; every other character unchanged."""
    # Most texts hold no Khmer digit: one C scan instead of a table lookup per character; and
    # ten replaces are far quicker than translate with a table on a long text.
    if not _KHMER_DIGIT_RE.search(text):
        return text
    for n, digit in enumerate(KHMER_DIGITS):
        text = text.replace(digit, str(n))
    return text


def ascii_digits_to_khmer(text: str) -> str:
    """`2022` → `២០២២`."""
    return "".join(KHMER_DIGITS[int(c)] if "0" <= c <= "9" else c for c in text)


def clusters(text: str) -> list[str]:
    """Split text into user-perceived Khmer clusters (other characters stand alone)."""
    return CLUSTER_RE.findall(text)


@lru_cache(maxsize=1)
def _khnormal():  # type: ignore[no-untyped-def]
    from khmerspell import khnormal

    return khnormal


def fold(text: str) -> str:
    """The search form of a text: NFC, no zero-width characters, Khmer spelling normalised,
    case-folded, Khmer digits as ASCII. Applied the same way to documents and queries."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE_TABLE)
    if _KHMER_RE.search(text):
        text = _khnormal()(text)
        # coeng-da and coeng-ta are written interchangeably for the same sound.
        text = text.replace("\u17d2\u178a", "\u17d2\u178f")
    return khmer_digits_to_ascii(text.casefold())
