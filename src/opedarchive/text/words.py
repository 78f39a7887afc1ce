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
_KHMER_ANY = re.compile("[\u1780-\u17ff\u19e0-\u19ff]+")
# What makes a Khmer word countable (`_countable`): a letter, an independent vowel or a digit.
_KHMER_COUNTABLE = re.compile("[\u1780-\u17b3\u17e0-\u17e9]")
# A Khmer letter cluster, as a reader sees one: a consonant or independent vowel that is not
# written below another (after a coeng), with its signs; or a number. Counting them is one
# regex pass in C, hundreds of times faster than the segmenter.
_CLUSTER = re.compile("(?<!\u17d2)[\u1780-\u17b3]|[\u17e0-\u17e9]+")
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


def khmer_run_words(text: str) -> list[str]:
    """The segmenter's words of every unspaced Khmer run in `text`, in order."""
    return [word for match in _KHMER_RUN.finditer(text) for word in khmer_words(match.group())]


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
    digit) plus once per Khmer word in it, so `ការបោះឆ្នោត2023` is two words. The sum of
    `spaced_words` (no segmenter) and `khmer_word_count` (the segmenter)."""
    return spaced_words(text) + khmer_word_count(text)


# Words and clusters are counted a slice of about this many characters at a time: counting a
# whole 15 MB body at once held one object per word or cluster (110 MB of words for Latin, 135 MB
# of pieces for Khmer; issue 14).
_SLICE = 1 << 16
# A token between spaces that holds a letter or a digit, matched from its first one to its end:
# one match per word of `spaced_words` (\S is what `str.split` does not split at).
_SPACED_WORD = re.compile(r"[^\W_]\S*")
# Where a slice may end: at a space (`spaced_words`); not inside a cluster (after a coeng) or a
# number (`_CLUSTER`).
_SPACE = re.compile(" ")
_CLUSTER_CUT = re.compile("(?<![\u17d2\u17e0-\u17e9])|(?<=[\u17e0-\u17e9])(?![\u17e0-\u17e9])")


def _count(pattern: re.Pattern[str], text: str, cut: re.Pattern[str]) -> int:
    """The matches of `pattern` in `text`, counted a slice at a time; each slice ends where `cut`
    matches, so that no match spans two."""
    total = start = 0
    while start < len(text):
        found = cut.search(text, start + _SLICE) if len(text) - start > _SLICE else None
        end = found.start() if found else len(text)
        total += pattern.subn("", text[start:end])[1]
        start = end
    return total


def spaced_words(text: str) -> int:
    """The words of plain text that are not Khmer: runs between spaces or zero-width spaces that
    hold a letter or a digit once their Khmer is taken out. Never runs the segmenter."""
    if _HAS_KHMER.search(text):
        # A NUL stands in for the Khmer: it neither splits a token nor is a letter.
        text = _KHMER_ANY.sub("\0", text)
    return _count(_SPACED_WORD, text.replace("\u200b", " "), _SPACE)


def needs_segmenter(text: str) -> bool:
    """True when `text` holds Khmer letters or digits: its `khmer_word_count` is not 0."""
    return _KHMER_COUNTABLE.search(text) is not None


def khmer_word_count(text: str) -> int:
    """The Khmer words of `text` by the segmenter (punctuation, ៗ and lone signs are not words)."""
    if not _HAS_KHMER.search(text):
        return 0
    return sum(_countable(w) for m in _KHMER_RUN.finditer(text) for w in khmer_words(m.group()))


def _countable(word: str) -> int:
    # The repetition sign ៗ and lone signs are not words of their own.
    return 1 if any("\u1780" <= c <= "\u17b3" or "\u17e0" <= c <= "\u17e9" for c in word) else 0


# Silent reading of non-fiction in English: 238 words a minute (Brysbaert 2019, a meta-analysis
# of 190 studies). A Khmer text has 1.32 segmenter words per English word of the same text
# (measured on 124 human translations, `docs/khmer-words.md`), so 238 × 1.32 ≈ 314.
WORDS_PER_MINUTE = {"en": 238, "km": 314}
# Khmer letter clusters (`_CLUSTER`) per segmenter word: 25,148 clusters in the 10,352 Khmer
# words of the khPOS OPEN-TEST sentences (`docs/khmer-words.md`). 314 words a minute is then
# 763 clusters a minute.
CLUSTERS_PER_WORD = 2.43


def reading_words(text: str) -> float:
    """The words to time a reading of plain text by, without the segmenter: `spaced_words`, plus
    the Khmer as its letter clusters ÷ CLUSTERS_PER_WORD (an estimate of `khmer_word_count`,
    within 8% on every 50 khPOS sentences). A regex pass: whole archives stay fast."""
    words: float = spaced_words(text)
    if _HAS_KHMER.search(text):
        words += _count(_CLUSTER, text, _CLUSTER_CUT) / CLUSTERS_PER_WORD
    return words


def reading_minutes(words: float, lang: str) -> int:
    """Minutes to read `words` words of `lang` silently, at least 1."""
    rate = WORDS_PER_MINUTE.get(lang, WORDS_PER_MINUTE["en"])
    return max(1, round(words / rate))
