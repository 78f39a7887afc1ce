"""Khmer words: where an unspaced Khmer run may be broken, and word counts in any script.

Khmer is written without spaces between words, so its word boundaries come from a segmenter:
khmercut's CRF model (chosen in `docs/khmer-words.md`). It is loaded on first use, by the
commands that wrap, count or rank Khmer, never at start-up.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A run of Khmer letters, signs and digits with no space, zero-width space or punctuation in it:
# the unit handed to the segmenter. Khmer punctuation (U+17D4–U+17DA) ends a run.
_KHMER_RUN = re.compile("[\u1780-\u17d3\u17dc\u17dd\u17e0-\u17e9\u19e0-\u19ff]+")
_HAS_KHMER = re.compile("[\u1780-\u17ff]")
# A word of a script with spaces: a run between spaces that holds a letter or a digit.
_ALNUM = re.compile(r"\w")
_WORD_CACHE = 4096


@lru_cache(maxsize=1)
def _tokenize():  # type: ignore[no-untyped-def]
    import khmercut

    return khmercut.tokenize


@lru_cache(maxsize=_WORD_CACHE)
def khmer_words(run: str) -> tuple[str, ...]:
    """The words of one unspaced Khmer run, in order; joined they give the run back."""
    if len(run) < 2:
        return (run,) if run else ()
    words = tuple(w for w in _tokenize()(run) if w)
    # khmercut keeps every character; should a future version not, fall back to one word.
    return words if "".join(words) == run else (run,)


def khmer_breaks(text: str) -> list[int]:
    """Offsets inside `text`'s unspaced Khmer runs where one word ends and the next begins,
    in increasing order. Spaces and zero-width spaces are not included: they break already."""
    out: list[int] = []
    if not _HAS_KHMER.search(text):
        return out
    for match in _KHMER_RUN.finditer(text):
        at = match.start()
        words = khmer_words(match.group())
        for word in words[:-1]:
            at += len(word)
            out.append(at)
    return out


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every Khmer word in `text` by the segmenter, in order."""
    spans: list[tuple[int, int]] = []
    for match in _KHMER_RUN.finditer(text):
        at = match.start()
        for word in khmer_words(match.group()):
            spans.append((at, at + len(word)))
            at += len(word)
    return spans


def count_words(text: str) -> int:
    """Words of plain text: Khmer words by the segmenter, other words between spaces.

    A token between spaces counts once for its non-Khmer part (when it holds a letter or a
    digit) plus once per Khmer word in it, so `ការបោះឆ្នោត2023` is two words."""
    total = 0
    for token in text.replace("\u200b", " ").split():
        if not _HAS_KHMER.search(token):
            total += bool(_ALNUM.search(token))
            continue
        rest = _KHMER_RUN.sub(" ", token)
        total += bool(_ALNUM.search(rest))
        total += sum(_countable(w) for m in _KHMER_RUN.finditer(token) for w in khmer_words(m.group()))
    return total


def _countable(word: str) -> int:
    # The repetition sign ៗ and lone signs are not words of their own.
    return 1 if any("\u1780" <= c <= "\u17b3" or "\u17e0" <= c <= "\u17e9" for c in word) else 0


# Silent reading of non-fiction in English: 238 words a minute (Brysbaert 2019, a meta-analysis
# of 190 studies). A Khmer text has 1.32 segmenter words per English word of the same text
# (measured on 124 human translations, `docs/khmer-words.md`), so 238 × 1.32 ≈ 314.
WORDS_PER_MINUTE = {"en": 238, "km": 314}


def reading_minutes(words: int, lang: str) -> int:
    """Minutes to read `words` words of `lang` silently, at least 1."""
    rate = WORDS_PER_MINUTE.get(lang, WORDS_PER_MINUTE["en"])
    return max(1, round(words / rate))

