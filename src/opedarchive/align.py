"""Paragraph alignment of an original and its translation: Gale–Church by length, helped by
anchors the two share (numbers, Latin-script names, quotations, URLs, list numbers) and by their
sentence counts (docs/alignment.md).

Paragraphs are numbered as `paragraphs(body)` cuts them; an alignment is a list of groups
`([indexes in a], [indexes in b])` that covers every paragraph of both, in order.
"""

from __future__ import annotations

import contextlib
import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import repeat
from typing import TYPE_CHECKING

from opedarchive.errors import OpedError

if TYPE_CHECKING:
    from pathlib import Path

    from opedarchive.archive import Archive

Pair = tuple[list[int], list[int]]

# Non-space characters of a Khmer translation per non-space character of its English original,
# measured on the seed page (1.13–1.31 per paragraph). Used when the archive has nothing better.
DEFAULT_RATIO = 1.2
# Variance of the length difference per character (Gale and Church 1993 measured 6.8).
VARIANCE = 6.8
# How likely each kind of group is; merges and omissions are rare, reordering never happens.
# (Issue 15: with the anchors, 0.01 or 0.02 for 1–0 and 0–1 changed the edited real articles
# aligned exactly by -1 to +2 of 472, and 0.04 cost 2 to 4: Gale and Church's figures stay.)
_PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 2): 0.0445,
    (2, 1): 0.0445,
    (1, 0): 0.005,
    (0, 1): 0.005,
}
_INVISIBLE = re.compile("[\\s\u200b-\u200d\u2060\ufeff]+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"^ {0,3}(?:(?P<bullet>[-*+])|[0-9]{1,9}(?P<delim>[.)]))[ \t]+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _list_kind(block: str) -> str | None:
    """The kind of list a block starts (`-`, `.`, `)`, …), or None when it is no list."""
    m = _LIST_ITEM.match(block)
    if m is None:
        return None
    return m["bullet"] or m["delim"]


def _fence_after(block: str, open_fence: str | None) -> str | None:
    """The ``` or ~~~ fence left open after the block's lines (None: none), given the one open
    before it."""
    if "```" not in block and "~~~" not in block:
        return open_fence
    for line in block.splitlines():
        m = _FENCE.match(line)
        if m is None:
            continue
        mark = m.group(1)
        if open_fence is None:
            open_fence = mark
        elif mark[0] == open_fence[0] and len(mark) >= len(open_fence):
            open_fence = None
    return open_fence


# The cuts of the last two long bodies (a body of MEMO_MIN_CHARS or more): an export asks for
# a long post's paragraphs three times (whether they pair one to one, the archive's ratio, the
# page), each 0.2 s for 100,000 paragraphs. Kept by the body's text, so a body read again hits.
MEMO_MIN_CHARS = 64 * 1024
MEMO_BODIES = 2
_CUT: dict[str, list[str]] = {}


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: blocks between blank lines. A Markdown list (items of one kind,
    with any blank lines or indented continuations between them) and a fenced code block
    each count as one paragraph."""
    if len(body) < MEMO_MIN_CHARS:
        return _paragraphs(body)
    cut = _CUT.get(body)
    if cut is None:
        if len(_CUT) >= MEMO_BODIES:
            del _CUT[next(iter(_CUT))]
        cut = _CUT[body] = _paragraphs(body)
    return list(cut)  # a copy: the caller may change its list


# A line that could start a list item or a code fence, anywhere in a body: a body without one is
# cut at its blank lines alone, without looking at each block (a third of the time for 100,000
# paragraphs).
# (A line's start is found as the character after a line end: a literal the regular expression
# engine looks for quickly, three times quicker than `^` in MULTILINE mode.)
_LIST_LINE = re.compile(r"\n {0,3}(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)", re.M)


def _list_or_fence(body: str) -> bool:
    """True when some line of `body` could start a list item or a code fence."""
    return "```" in body or "~~~" in body or _LIST_LINE.search("\n" + body) is not None


def _paragraphs(body: str) -> list[str]:
    body = body.replace("\r\n", "\n")
    if not _list_or_fence(body):
        return [b for b in map(str.strip, _BLANK_LINE.split(body), repeat("\n")) if b.strip()]
    blocks = [b.strip("\n") for b in _BLANK_LINE.split(body)]
    # Each paragraph as its blocks, joined at the end: a list of 100,000 items must not be
    # copied (or scanned for fences) again for each item it gains.
    out: list[list[str]] = []
    kind: str | None = None  # the kind of list the last paragraph is
    fence: str | None = None  # the code fence the last paragraph leaves open
    for block in blocks:
        if not block.strip():
            continue
        if fence is not None:
            out[-1].append(block)
            fence = _fence_after(block, fence)
            continue
        block_kind = _list_kind(block)
        continues_list = kind is not None and (block_kind == kind or block.startswith(("  ", "\t")))
        if out and continues_list:
            out[-1].append(block)
        else:
            out.append([block])
            kind = block_kind
        fence = _fence_after(block, None)
    return ["\n\n".join(parts) for parts in out]


def text_length(paragraph: str) -> int:
    """The length that alignment compares: characters other than spaces and zero-width ones."""
    return len(_INVISIBLE.sub("", paragraph))


# A sentence ends at . ! or ? before a space and a word that does not start in lower case or with
# a digit ("U.S. daily", "Nov. 6"), not after a capital or a title ("J. Smith", "Mr. Smith"), and
# at every Khmer full stop (។, ៕) that text follows, space or not.
_SENTENCE_END = re.compile(
    r"(?<![A-Z])(?<!Mr)(?<!Mrs)(?<!Ms)(?<!Dr)(?<!St)(?<!Prof)(?<!Sen)(?<!Gen)(?<!Gov)(?<!Rep)(?<!No)"
    r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[«]?[^\sa-z0-9])"
    "|[។៕]\\s*(?=\\S)"
)
# What each sentence more on one side than on the other costs a group: translators keep the
# sentences of a paragraph far more often than not (a -log likelihood, as the lengths' cost).
SENTENCE_COST = 2.0


def sentence_count(paragraph: str) -> int:
    """How many sentences the paragraph holds, in English or Khmer (at least 1)."""
    return 1 + len(_SENTENCE_END.findall(paragraph.rstrip()))


# Anchors: what a paragraph and its translation share whatever the language. A number in any
# script (`\d` takes Khmer digits: ២០២២ is 2022), its separators dropped; a run of Latin letters
# (names and acronyms that a Khmer text keeps: NEC, CNRP, UN), casefolded; a URL; how many
# quotations the paragraph holds (English "…" and Khmer “…” alike); the number of a list item.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\"“”]+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_QUOTE_ANY = re.compile("[\"“”«»„‘’']")
# Quotation marks that open a quotation, and those that close one: a translation keeps where its
# original's quotations start and end (a paragraph that only ends one pairs with one that only ends
# one), whatever marks each language uses. A straight double quote opens at the start or after a
# space or bracket, else closes; a single quote (British English quotes with them) opens before a
# letter at the start or after a space, and closes only after a sentence's punctuation — never an
# apostrophe (`won't`, `students' `).
_OPENS = re.compile("[“«„]|(?:^|(?<=[\\s(\\[—–]))(?:\"|['‘](?=\\w))")
_CLOSES = re.compile("[”»]|(?<![\\s(\\[—–])(?<!^)\"|(?<=[.,!?;:])['’](?!\\w)")
_LIST_NUMBER = re.compile(r"\s*(\d{1,9})[.)]\s")
# Anything an anchor can start with: a side without one needs no anchors at all.
_ANCHOR_START = re.compile(r"[\dA-Za-z\u00c0-\u024f\"“”«»„‘’']")
# An anchor found on both sides somewhere weighs 1 / the number of paragraphs it is in (on the
# side where it is in more): a name in every paragraph says little about which ones pair up. A
# group of paragraphs that translate each other gains ANCHOR_GAIN per weight its two sides share
# and loses ANCHOR_MISS per weight that only one side has (a translation keeps its original's
# numbers and names, and adds none); a paragraph that one side lacks gains nothing, and loses
# LEFT_OUT_MISS per weight of the anchors it has that the other side has somewhere.
# Both are -log likelihoods, like the lengths' cost.
ANCHOR_GAIN = 4.0
ANCHOR_MISS = 2.0
# A paragraph left out that holds anchors the other side has elsewhere loses as much per weight
# as a pair that holds them on one side only: otherwise leaving out the paragraph whose anchor the
# translator moved is free, and pairing the true one is not (issue 15: NTREX-128's
# dailymail.co.uk.298759, docs/alignment.md).
LEFT_OUT_MISS = ANCHOR_MISS
# Anchors are read in the first this many characters of a paragraph: a paragraph of megabytes says
# enough in its beginning, and reading all of it would cost seconds.
ANCHOR_CHARS = 20_000


def anchors(paragraph: str) -> set[str]:
    """The anchors of a paragraph, as strings comparable across languages."""
    found: set[str] = set()
    text = paragraph[:ANCHOR_CHARS]
    if "://" in text or "www." in text:
        for url in _URL.findall(text):
            found.add("url:" + url.rstrip(".,;:!?'’").casefold())
        text = _URL.sub(" ", text)
    for number in _NUMBER.findall(text):
        digits = number.replace(",", "").replace(".", "")
        # int() reads any script's digits; past 4,300 of them it refuses, and nothing is that long.
        found.add(str(int(digits)) if len(digits) <= 30 else digits)
    for word in _LATIN.findall(text):
        found.add(word.casefold())
    if _QUOTE_ANY.search(text):
        opens = len(_OPENS.findall(text))
        closes = len(_CLOSES.findall(text))
        if opens:
            found.add(f"opens:{opens}")
        if closes:
            found.add(f"closes:{closes}")
    item = _LIST_NUMBER.match(text)
    if item:
        found.add(f"item:{int(item[1])}")
    return found


def _in_how_many(sets: list[set[str]]) -> dict[str, int]:
    """For each item of the sets, in how many of them it is."""
    return dict(Counter(item for items in sets for item in items))


class _SharedAnchors:
    """What each group of paragraphs the programme weighs gains (a negative number: loses) from
    the anchors of its two sides. Only anchors found on both sides count; b's are looked up by
    anchor."""

    def __init__(self, a: list[str], b: list[str], lexicon: Lexicon | None = None) -> None:
        found_a = [anchors(p) for p in a]
        found_b = [anchors(p) for p in b]
        latin_a, latin_b = _mostly_latin(a), _mostly_latin(b)
        # What a paragraph left out or added costs before its anchors (`_PRIOR_COSTS`' 1–0 and
        # 0–1, or LEXICON_GAP_COST when the lexicon's words are weighed).
        self.gap_cost = _PRIOR_COSTS[1, 0]
        if lexicon and latin_a != latin_b:
            self.gap_cost = LEXICON_GAP_COST
            # The lexicon's words on the side in Latin script, its Khmer forms on the other.
            found_a = [found | lexicon.tokens(p, latin_a) for found, p in zip(found_a, a, strict=True)]
            found_b = [found | lexicon.tokens(p, latin_b) for found, p in zip(found_b, b, strict=True)]
        count_a, count_b = _in_how_many(found_a), _in_how_many(found_b)
        # A token's weight: what one side's alone costs per ANCHOR_MISS. What a group whose two
        # sides share it gains (`bonus`) takes that off both sides again, and gains ANCHOR_GAIN per
        # weight besides (a lexicon's word: LEXICON_GAIN and LEXICON_MISS of them).
        self.weight: dict[str, float] = {}
        self.bonus: dict[str, float] = {}
        for t, n in count_a.items():
            if t in count_b:
                share = 1 / max(n, count_b[t])
                lexical = t.startswith(_LEXICON_PREFIX)
                weight = self.weight[t] = LEXICON_MISS * share if lexical else share
                self.bonus[t] = ANCHOR_GAIN * (LEXICON_GAIN * share if lexical else share) + 2 * ANCHOR_MISS * weight
        self.a = [tokens & self.weight.keys() for tokens in found_a]
        self.b = [tokens & self.weight.keys() for tokens in found_b]
        self.where_b: dict[str, list[int]] = {}
        for j, tokens in enumerate(found_b):
            for token in tokens & self.weight.keys():
                self.where_b.setdefault(token, []).append(j)
        # Each paragraph's anchors, weighed (b's with two paragraphs of nothing before the first),
        # with those the other side has nowhere that a translation would have kept: a number, or
        # a Latin word in a text that is mostly in another script (a Khmer paragraph naming
        # someone the English never does was not translated from it).
        alone_a = _kept_alone(count_a, count_b, latin_a)
        alone_b = _kept_alone(count_b, count_a, latin_b)
        self.weight_a = [
            sum(self.weight[t] for t in shared) + sum(alone_a.get(t, 0.0) for t in tokens)
            for shared, tokens in zip(self.a, found_a, strict=True)
        ]
        self.weight_b = [
            0.0, 0.0, *(sum(self.weight.get(t, alone_b.get(t, 0.0)) for t in tokens) for tokens in found_b)
        ]

        # What leaving a paragraph out costs besides its prior: LEFT_OUT_MISS per weight of the
        # anchors it shares with the other side (which has them somewhere, so they were
        # translated: a paragraph that holds them was not left out).
        # The lexicon's words do not count: a number or a name is kept in translation, a word
        # may be said otherwise, and the same word is in many paragraphs (with them, 54 fewer
        # edited articles of seeds 1-20 were aligned exactly, deletions taken for merges).
        left_out = {t: 0.0 if t.startswith(_LEXICON_PREFIX) else w for t, w in self.weight.items()}
        self.left_out_a = [LEFT_OUT_MISS * sum(left_out[t] for t in tokens) for tokens in self.a]
        self.left_out_b = [LEFT_OUT_MISS * sum(left_out[t] for t in tokens) for tokens in self.b]

    def gain(self, xs: list[int], ys: list[int]) -> float:
        """What the group of a's paragraphs `xs` and b's `ys` (neither empty) gains, as
        `less_gains` weighs it."""
        shared = set().union(*(self.a[x] for x in xs)) & set().union(*(self.b[y] for y in ys))
        unshared = sum(self.weight_a[x] for x in xs) + sum(self.weight_b[y + 2] for y in ys)
        return sum(self.bonus[t] for t in shared) - ANCHOR_MISS * unshared

    def less_gains(
        self, i: int, first: int, last: int, before_11: list[float], before_12: list[float], before_21: list[float]
    ) -> tuple[list[float], list[float], list[float]]:
        """For j from `first` to `last`: the costs before the 1–1, 1–2 and 2–1 groups that end at
        paragraph i of a and j of b (counted from 1), less what each group gains."""
        one = self.a[i - 1]
        two = one | self.a[i - 2] if i >= 2 else one
        a_one = self.weight_a[i - 1]
        a_two = a_one + (self.weight_a[i - 2] if i >= 2 else 0.0)
        # Everything on both sides unshared, to begin with; b's paragraphs j - 1 and j - 2.
        b_one, b_two = self.weight_b[first + 1 : last + 2], self.weight_b[first : last + 1]
        gain_11 = [-ANCHOR_MISS * (a_one + x) for x in b_one]
        gain_12 = [-ANCHOR_MISS * (a_one + x + y) for x, y in zip(b_one, b_two, strict=True)]
        gain_21 = [-ANCHOR_MISS * (a_two + x) for x in b_one]
        # A shared anchor is taken off both sides' unshared weight and gains besides.
        for token in two:
            weight = self.bonus[token]
            where = self.where_b[token]
            # Paragraph p of b (from 0) ends the groups at j = p + 1, and begins a 1–2 at j = p + 2.
            ends: set[int] = set()
            for p in where[bisect_left(where, first - 2) :]:
                if p > last - 1:
                    break
                if p >= first - 1:
                    gain_21[p + 1 - first] += weight
                    if token in one:
                        ends.add(p + 1 - first)
                        gain_11[p + 1 - first] += weight
                if token in one and p <= last - 2:
                    ends.add(p + 2 - first)
            for k in ends:
                gain_12[k] += weight
        return (
            [cost - gain for cost, gain in zip(before_11, gain_11, strict=True)],
            [cost - gain for cost, gain in zip(before_12, gain_12, strict=True)],
            [cost - gain for cost, gain in zip(before_21, gain_21, strict=True)],
        )


def _kept_alone(count: dict[str, int], other: dict[str, int], latin: bool) -> dict[str, float]:
    """The weights of the anchors of one side that the other has nowhere and would have kept."""
    return {t: 1 / n for t, n in count.items() if t not in other and (t.isdigit() or (t.isalpha() and not latin))}


def _mostly_latin(side: list[str]) -> bool:
    """Whether most letters of these paragraphs are Latin ones."""
    latin = sum(len(word) for p in side for word in _LATIN.findall(p[:ANCHOR_CHARS]))
    return 2 * latin > sum(text_length(p[:ANCHOR_CHARS]) for p in side)


# A word of the spaced side (English) and the Khmer form it was found translated by, learned from
# the archive's own translations (`learn_lexicon`), is an anchor too ("lex:" and the word): a
# paragraph of argument with no number or name in it still says "government" and "រដ្ឋាភិបាល".
# Such an anchor is weaker than a number (a translator may choose another word): a group whose
# two sides share one gains LEXICON_GAIN (a fraction of ANCHOR_GAIN) per weight, and one side's
# alone costs LEXICON_MISS (a fraction of ANCHOR_MISS). Both 0.5: the first values tried
# (docs/alignment.md, "The archive's words").
LEXICON_GAIN = 0.5
LEXICON_MISS = 0.5
# With the lexicon's words weighed, a paragraph left out or added is told from a merged or split
# one well enough that its prior need not be as low: 0.01 for each of 1–0 and 0–1 (Gale and
# Church's 0.0099 for both together, halved, is kept without a lexicon: there 0.01 put 21 of
# 18,880 edited articles more than a paragraph off, against 8). Chosen on seeds 1–20 of
# bench_align, checked on 21–40, and on the same articles with names and numbers cut
# (docs/alignment.md, "Session 7").
LEXICON_GAP_COST = -math.log(0.01)
# What a pair must show to be learned: the word and the form in at least LEXICON_MIN_PAIRS pairs
# of paragraphs together, and a Dice coefficient (2 × together / (word's pairs + form's pairs))
# of at least LEXICON_MIN_DICE with the form that has the highest one.
LEXICON_MIN_PAIRS = 3
LEXICON_MIN_DICE = 0.4
# Words of fewer letters are left out ("a", "of", "is" say nothing about a paragraph's partner).
LEXICON_MIN_LETTERS = 3
# Fewer pairs of paragraphs than this teach nothing: learned from 2 or 5 NTREX-128 articles (12-50
# pairs) a lexicon put 5 and 4 of the edited articles of seeds 1-20 more than a paragraph off (3
# without one), from 10 (about 90 pairs) 1, from 50 none (docs/alignment.md).
LEXICON_MIN_TRAINING = 80
_LEXICON_PREFIX = "lex:"


class Lexicon:
    """Words of a spaced language (casefolded) and the Khmer forms they translate to."""

    def __init__(self, forms: dict[str, str]) -> None:
        self.forms = forms
        # The forms by their first two characters: a paragraph's forms are looked for among
        # those whose start it holds, not all of them (a thousand `in` a paragraph, else).
        self._by_start: dict[str, list[tuple[str, str]]] = {}
        self._short: list[tuple[str, str]] = []  # forms of one character (none is learned; a kept file may say)
        for word, form in forms.items():
            if len(form) >= 2:
                self._by_start.setdefault(form[:2], []).append((form, word))
            elif form:
                self._short.append((form, word))

    def __len__(self) -> int:
        return len(self.forms)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lexicon) and other.forms == self.forms

    __hash__ = None  # type: ignore[assignment]

    def tokens(self, paragraph: str, spaced: bool) -> set[str]:
        """The lexicon's anchors in a paragraph of the spaced side (`spaced`) or the Khmer one."""
        text = paragraph[:ANCHOR_CHARS]
        if spaced:
            return {_LEXICON_PREFIX + w for w in {w.casefold() for w in _LATIN.findall(text)} if w in self.forms}
        found = {_LEXICON_PREFIX + word for form, word in self._short if form in text}
        starts = {text[i : i + 2] for i in range(len(text) - 1)} & self._by_start.keys()
        for start in starts:
            for form, word in self._by_start[start]:
                if form in text:
                    found.add(_LEXICON_PREFIX + word)
        return found


def learn_lexicon(pairs: Iterable[tuple[str, str]]) -> Lexicon:
    """What the words of the spaced side's paragraphs translate to, from pairs (spaced paragraph,
    Khmer paragraph) that translate each other: for each word, the Khmer word (by the segmenter)
    that is found with it most consistently, when consistent enough (LEXICON_MIN_PAIRS,
    LEXICON_MIN_DICE); nothing from fewer than LEXICON_MIN_TRAINING pairs. Names and numbers
    are anchors already; a Latin word the Khmer paragraph keeps as it is is left out."""
    pairs = list(pairs)
    if len(pairs) < LEXICON_MIN_TRAINING:
        return Lexicon({})
    words: list[set[str]] = []
    forms: list[set[str]] = []
    for spaced, khmer in pairs:
        kept = {w.casefold() for w in _LATIN.findall(khmer[:ANCHOR_CHARS])}
        words.append({w for w in {w.casefold() for w in _LATIN.findall(spaced[:ANCHOR_CHARS])}
                      if len(w) >= LEXICON_MIN_LETTERS and w not in kept})
        forms.append(_khmer_words(khmer[:ANCHOR_CHARS]))
    in_pairs_w, in_pairs_f = _in_how_many(words), _in_how_many(forms)
    together: dict[str, dict[str, int]] = {}
    for ws, fs in zip(words, forms, strict=True):
        common = [f for f in fs if in_pairs_f[f] >= LEXICON_MIN_PAIRS]
        for w in ws:
            if in_pairs_w[w] >= LEXICON_MIN_PAIRS:
                counts = together.setdefault(w, {})
                for f in common:
                    counts[f] = counts.get(f, 0) + 1
    learned: dict[str, str] = {}
    for w, counts in together.items():
        if not counts:
            continue
        # The highest Dice; among equals the form found with the word more often, then the first.
        form, n = max(counts.items(), key=lambda fc: (fc[1] / (in_pairs_w[w] + in_pairs_f[fc[0]]), fc[1], fc[0]))
        if n >= LEXICON_MIN_PAIRS and 2 * n / (in_pairs_w[w] + in_pairs_f[form]) >= LEXICON_MIN_DICE:
            learned[w] = form
    return Lexicon(learned)


def _khmer_words(text: str) -> set[str]:
    """The Khmer words (by the segmenter) of at least two characters in a text."""
    from opedarchive.text.words import khmer_run_words

    return {w for w in khmer_run_words(text) if len(w) >= 2}


def _shared_anchors(a: list[str], b: list[str], lexicon: Lexicon | None = None) -> _SharedAnchors | None:
    """The shared anchors of a and b, or None when one side has none at all (then the search
    for them costs one scan of each text)."""
    if not lexicon:
        for side in (b, a):
            if not any(_ANCHOR_START.search(p) for p in side):
                return None
    return _SharedAnchors(a, b, lexicon)


# -log of each kind's prior: all that a paragraph that one side lacks costs (its length says
# nothing about a partner it does not have), and the least any group of that kind costs.
_PRIOR_COSTS = {kind: -math.log(p) for kind, p in _PRIORS.items()}
_SQRT2 = math.sqrt(2)


# Marks that a paragraph and its translation have both or neither, and what a group whose one side
# has one and whose other side has none costs. On the 1,133 paragraphs of the articles of
# docs/alignment.md one side alone opens a quotation in 2.8% of the true pairs and in 40% of the
# neighbours' (a paragraph beside its partner), closes one in 6.6% and 39%, has a question mark
# in 0.1% and 6%, a colon in 3% and 16%. Quotations open and close as `_OPENS` and `_CLOSES` find
# them (any quotation mark: 2.7% and 39%, which told a paragraph that only opens a quotation from
# one that only closes it no better than from one with none).
OPEN_COST = 2.0
CLOSE_COST = 2.0
QUESTION_COST = 3.0
COLON_COST = 1.0
_MARKS = (
    (_OPENS, "OPEN_COST"),
    (_CLOSES, "CLOSE_COST"),
    (re.compile("[?？]"), "QUESTION_COST"),
    (re.compile("[:៖]"), "COLON_COST"),
)

# A paragraph's measure is its length, its marks and its sentence count in one int (`length *
# _PER_LENGTH + marks + sentences`, sentences at most _MAX_SENTENCES, each mark in two bits), so
# that a group's is the sum of its paragraphs' and one memo key holds them all.
_SENTENCE_BITS = 11
_SENTENCES = (1 << _SENTENCE_BITS) - 1  # the mask of the sentences' bits
_MAX_SENTENCES = 1000
_MARK_MASKS = tuple(3 << (_SENTENCE_BITS + 2 * k) for k in range(len(_MARKS)))
_PER_LENGTH = 1 << (_SENTENCE_BITS + 2 * len(_MARKS))
_LENGTH_SHIFT = _SENTENCE_BITS + 2 * len(_MARKS)


def _marks(paragraph: str) -> int:
    """The marks of a paragraph, in the bits of a measure."""
    text = paragraph[:ANCHOR_CHARS]
    return sum(1 << (_SENTENCE_BITS + 2 * k) for k, (pattern, _) in enumerate(_MARKS) if pattern.search(text))


def _measures(side: list[str]) -> list[int]:
    """The measure of each paragraph."""
    return [
        length * _PER_LENGTH + _marks(p) + min(sentence_count(p), _MAX_SENTENCES)
        for length, p in zip(map(text_length, side), side, strict=True)
    ]


def _measured_cost(measure_a: int, measure_b: int, ratio: float, prior_cost: float) -> float:
    """-log of how likely it is that a group's side of measure `measure_a` translates into one of
    `measure_b`, the group's kind's prior costing `prior_cost`: the lengths' cost, SENTENCE_COST
    per sentence that one side has more, and the cost of each mark that one side alone has."""
    cost = prior_cost + SENTENCE_COST * abs((measure_a & _SENTENCES) - (measure_b & _SENTENCES))
    for mask, (_, name) in zip(_MARK_MASKS, _MARKS, strict=True):
        if bool(measure_a & mask) != bool(measure_b & mask):
            cost += globals()[name]
    return _length_cost(measure_a >> _LENGTH_SHIFT, measure_b >> _LENGTH_SHIFT, ratio, cost)


def _length_cost(len_a: int, len_b: int, ratio: float, prior_cost: float) -> float:
    """-log of how likely it is that `len_a` characters translate into `len_b` as a group whose
    kind's prior costs `prior_cost` (Gale and Church's normal model of the length difference)."""
    mean = (len_a + len_b / ratio) / 2
    delta = (len_b - len_a * ratio) / math.sqrt(max(mean, 1.0) * VARIANCE)
    tail = math.erfc(abs(delta) / _SQRT2)  # two-sided probability of a difference this large
    return prior_cost - math.log(max(tail, 1e-300))


# Past this many paragraphs on either side (a book, not an op-ed: the longest post of the bundled
# archive has 14), paragraphs pair by position and the longer side's last ones stand alone. The
# banded programme is linear but still costs about 7 µs a paragraph: 0.75 s of the 2 s that issue
# 14 allows the export of a post of 100,000 paragraphs. Up to it (a test aligns 30,000 against
# 29,999 with its joins, splits and gaps found) the programme runs.
POSITION_PAST = 50_000


def by_position(n: int, m: int) -> list[Pair]:
    """The i-th paragraph of each side together, the longer side's last ones alone."""
    pairs: list[Pair] = [([i], [i]) for i in range(min(n, m))]
    pairs += [([i], []) for i in range(m, n)]
    pairs += [([], [j]) for j in range(n, m)]
    return pairs


def align(a: list[str], b: list[str], ratio: float | None = None, lexicon: Lexicon | None = None) -> list[Pair]:
    """Groups of paragraphs of `a` and `b` that translate each other, in order, covering all of
    both. By position when the counts match or either side has more than POSITION_PAST
    paragraphs; else a dynamic programme with groups 1–1, 1–2, 2–1,
    1–0 and 0–1 weighing lengths (`ratio` being len(b) / len(a), default DEFAULT_RATIO) and the
    anchors a group's two sides share (with `lexicon`, its words too), and their sentences.
    Past CELL_BUDGET pairs of paragraphs
    it keeps to a band around its best path so far; past MEASURED_PARAGRAPHS in all it weighs
    lengths only; below REFIT_CELLS it runs again with the ratio of the pairs it found."""
    if len(a) == len(b) or max(len(a), len(b)) > POSITION_PAST:
        return by_position(len(a), len(b))
    ratio = ratio if ratio and ratio > 0 else DEFAULT_RATIO
    half = _half_band(len(a), len(b))
    # Past MEASURED_PARAGRAPHS the programme weighs lengths only: counting the sentences of
    # 200,000 short paragraphs took 0.3 s of the 2 s that issue 14 allows, and reading the
    # anchors of 100,000 paragraphs of news 5-6 s.
    if len(a) + len(b) > MEASURED_PARAGRAPHS:
        la, lb = [text_length(p) for p in a], [text_length(p) for p in b]
        return _path(*_programme(la, lb, ratio, half, None, _length_cost))
    shared = _shared_anchors(a, b, lexicon)
    la, lb = _measures(a), _measures(b)
    pairs = _path(*_programme(la, lb, ratio, half, shared, _measured_cost))
    if (len(a) + 1) * (len(b) + 1) <= REFIT_CELLS:
        own = _own_ratio(pairs, la, lb)
        if own is not None and own != ratio:
            second = _path(*_programme(la, lb, own, half, shared, _measured_cost))
            # The own ratio is measured on the first run's pairs: kept when its alignment costs no
            # more than the first one at a ratio between the two (REFIT_WEIGHT of the way to it).
            between = _group_cost(la, lb, ratio ** (1 - REFIT_WEIGHT) * own ** REFIT_WEIGHT, shared)
            if second == pairs or sum(between(*g) for g in second) <= sum(between(*g) for g in pairs):
                pairs, ratio = second, own
    return _straightened(pairs, _group_cost(la, lb, ratio, shared))


# A detour: the path leaves its diagonal and comes back within DETOUR_SPAN 1–1 groups (a paragraph
# left out and another added, a split and a merge, ...). It is what a phrase that the translator
# moved into the paragraph before or after looks like to the lengths and the anchors, far more
# often than two edits so close: one is kept only when it costs DETOUR_COST (as much as a third
# paragraph left out) less than pairing its paragraphs one to one. Straightened or not, a wrong
# detour's groups stay between its ends. (Issue 15: on the articles of docs/alignment.md every
# detour the programme found was wrong, all in one article, 2 to 10 paragraphs from the edit.)
DETOUR_SPAN = 2
DETOUR_COST = _PRIOR_COSTS[1, 0]


def _group_cost(
    la: list[int], lb: list[int], ratio: float, shared: _SharedAnchors | None
) -> Callable[[list[int], list[int]], float]:
    """What the programme charges a group, given the measures of both sides."""

    def cost(xs: list[int], ys: list[int]) -> float:
        if not xs or not ys:
            if shared is None:
                return _PRIOR_COSTS[len(xs), len(ys)]
            return shared.gap_cost + sum(shared.left_out_a[x] for x in xs) + sum(shared.left_out_b[y] for y in ys)
        gain = shared.gain(xs, ys) if shared is not None else 0.0
        prior = _PRIOR_COSTS[len(xs), len(ys)]
        return _measured_cost(sum(la[x] for x in xs), sum(lb[y] for y in ys), ratio, prior) - gain

    return cost


def _straightened(pairs: list[Pair], cost: Callable[[list[int], list[int]], float]) -> list[Pair]:
    """The groups, each detour that does not cost DETOUR_COST less than one-to-one pairs replaced
    by them."""
    out: list[Pair] = []
    i = 0
    while i < len(pairs):
        group = pairs[i]
        shift = len(group[1]) - len(group[0])
        k = i + 1
        if shift:
            while k < len(pairs) and k - i - 1 < DETOUR_SPAN and len(pairs[k][0]) == len(pairs[k][1]) == 1:
                k += 1
            if k < len(pairs) and len(pairs[k][1]) - len(pairs[k][0]) == -shift:
                span = pairs[i : k + 1]
                xs = [x for g in span for x in g[0]]
                ys = [y for g in span for y in g[1]]
                straight = [([x], [y]) for x, y in zip(xs, ys, strict=True)]
                if sum(cost(*g) for g in straight) <= sum(cost(*g) for g in span) + DETOUR_COST:
                    out.extend(straight)
                    i = k + 1
                    continue
        out.append(group)
        i += 1
    return out


# Up to this many pairs of paragraphs (500 against 499), the programme runs a second time with
# this translation's own ratio, measured on the 1–1 pairs of the first run: translators differ
# (on NTREX's 123 articles, from 1.04 to 1.67 Khmer characters per English one), and the second
# run aligned 17 more of 472 edited articles exactly (docs/alignment.md). Past it, twice the time
# is not worth it.
REFIT_CELLS = 250_000
# How far from the archive's ratio toward the translation's own the ratio lies at which the two
# runs' alignments are compared (geometrically). Without the comparison the second run was always
# taken: in all three of the edited articles still aligned more than a paragraph off the edit
# (docs/alignment.md), the archive's ratio put the true alignment first and the own ratio the
# wrong one. 0.7 was chosen on seeds 1–8 (0.5 cost exact alignments), then checked on 9–12.
REFIT_WEIGHT = 0.7


def _own_ratio(pairs: list[Pair], la: list[int], lb: list[int]) -> float | None:
    """len(b) / len(a) over the 1–1 pairs, or None when they hold too little text to say."""
    total_a = sum(la[x[0]] for x, y in pairs if len(x) == 1 and len(y) == 1) // _PER_LENGTH
    total_b = sum(lb[y[0]] for x, y in pairs if len(x) == 1 and len(y) == 1) // _PER_LENGTH
    if total_a < 200 or total_b == 0:
        return None
    ratio = total_b / total_a
    return ratio if 0.2 <= ratio <= 5.0 else None


def _path(steps: list[bytearray], low: list[int]) -> list[Pair]:
    """The groups of the cheapest way through the programme, first to last."""
    pairs: list[Pair] = []
    i, j = len(steps) - 1, len(steps[-1]) - 1 + low[-1]
    while i or j:
        di, dj = _MOVES[steps[i][j - low[i]]]
        pairs.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    pairs.reverse()
    return pairs


# Pairs of paragraph positions the programme weighs at most, about. Below it (posts of up to about
# 390 paragraphs against as many) it weighs them all. Past it, each row i weighs only the j
# within a band around the cheapest cell of row i - 1, as wide as the budget allows, at least
# MIN_BAND paragraphs either side (issue 14: 4,000 against 3,999 paragraphs took 97 s and 1.8 GB
# over all 16 million pairs; 100,000 against 99,999 ended in MemoryError). The band follows the
# path as it goes: a fixed diagonal drifts away from it on a long translation (lengths that are
# each 5% off add up to 8 paragraphs off over 10,000).
CELL_BUDGET = 150_000
MIN_BAND = 4
# Up to this many paragraphs in all, the programme weighs anchors, sentences and marks, in its
# band if it has one; past it lengths only. (Until session 6 a band meant lengths only, and the
# budget was 1,000,000 pairs: 990 real paragraphs against 988 took 3.5 s over all pairs, while 1,100
# against 1,098, banded on lengths, put 9 groups wrong where the anchors put none; the band with
# anchors takes 0.3 s and finds what the whole programme finds, docs/alignment.md.)
MEASURED_PARAGRAPHS = 10_000
# The groups, in the order the programme tries them (the first of equal costs wins).
_MOVES = ((0, 0), *_PRIORS)


def _half_band(n: int, m: int) -> int | None:
    """How far either side of its guide a row of the programme reaches; None: all of it."""
    if (n + 1) * (m + 1) <= CELL_BUDGET:
        return None
    return max(MIN_BAND, CELL_BUDGET // (2 * (n + m)))


def _programme(
    la: list[int], lb: list[int], ratio: float, half: int | None, shared: _SharedAnchors | None,
    group_cost: Callable[[int, int, float, float], float],
) -> tuple[list[bytearray], list[int]]:
    """The cheapest way to each (i, j) the programme weighs, as the index in _MOVES of its last
    group, row by row, and the first j of each row; `la` and `lb` are what `group_cost` takes
    (lengths, or measures). Three rows of costs are kept, not all."""
    n, m = len(la), len(lb)
    inf = math.inf
    # Two columns of nothing before j = 0, so that j - 1 and j - 2 are always in the lists.
    rows = [[inf] * (m + 3) for _ in range(3)]
    lbs = [0, 0, *lb]
    steps: list[bytearray] = []
    low: list[int] = []
    high: list[int] = []
    # How far a row's band reaches past its guide: the half band, and b's paragraphs per a's.
    reach = m if half is None else min(m, half + math.ceil(m / max(n, 1)))
    # Costs repeat when lengths do: kept per group kind and length of a's side, up to a bound.
    memo: list[dict[int, dict[int, float]]] = [{}, {}, {}]
    prior_11, prior_12, prior_21, gap_a, gap_b = _PRIOR_COSTS.values()
    if shared is not None:
        gap_a = gap_b = shared.gap_cost
    # What leaving out each paragraph of b costs (b's paragraph j - 1 at index j), and of a.
    gaps_b = [gap_b] * (m + 1) if shared is None else [gap_b, *(gap_b + c for c in shared.left_out_b)]
    gaps_a = [gap_a] * n if shared is None else [gap_a + c for c in shared.left_out_a]
    # Row 0: paragraphs of b that a lacks, one after the other.
    costs = [0.0]
    for j in range(1, reach + 1):
        costs.append(costs[-1] + gaps_b[j])
    rows[0][2 : reach + 3] = costs
    steps.append(bytearray([0] + [5] * reach))
    low.append(0)
    high.append(reach)
    weighed = 0  # pairs weighed since the costs were last forgotten
    for i in range(1, n + 1):
        if half is None:
            first, last = 0, m
        else:
            # Around the cheapest cell of the row before (which this row reaches by a 1–0 group):
            # never before the row before starts, so j only grows along the rows.
            guide = low[-1] + costs.index(min(costs))
            first = max(low[-1], guide - half)
            last = m if i == n else min(m, max(high[-1], guide + reach))
        low.append(first)
        high.append(last)
        # Column j of row i is at index j + 2 of its list; this list held row i - 3: clear it.
        here, up, up2 = rows[i % 3], rows[(i - 1) % 3], rows[(i - 2) % 3]
        if i >= 3:
            here[low[i - 3] + 2 : high[i - 3] + 3] = [inf] * (high[i - 3] - low[i - 3] + 1)
        len_a = la[i - 1]
        gap_i = gaps_a[i - 1]
        len_aa = len_a + la[i - 2] if i >= 2 else 0
        weighed += last - first + 1
        if weighed > 150_000:  # a text of many lengths must not fill memory with their costs
            memo, weighed = [{}, {}, {}], 0
        costs_11 = memo[0].setdefault(len_a, {})
        costs_12 = memo[1].setdefault(len_a, {})
        costs_21 = memo[2].setdefault(len_aa, {})
        best = inf
        costs = []
        moves = bytearray()
        # The costs at (i-1, j-1), (i-1, j-2) and (i-2, j-1), before a 1–1, 1–2 or 2–1 group; what
        # each group gains from the anchors its sides share is taken off them here, once a row.
        before_11, before_12, before_21 = up[first + 1 : last + 2], up[first : last + 1], up2[first + 1 : last + 2]
        if shared is not None:
            before_11, before_12, before_21 = shared.less_gains(i, first, last, before_11, before_12, before_21)
        # Per j: the costs at (i-1, j), then those three; b's paragraphs j-1, j-2.
        for up_0, up_1, up_2, up2_1, len_b, len_b2, gap_j in zip(
            up[first + 2 : last + 3], before_11, before_12, before_21, lbs[first + 1 : last + 2],
            lbs[first : last + 1], gaps_b[first : last + 1], strict=True,
        ):
            left, best, move = best, inf, 0  # left: the cost at (i, j-1)
            if up_1 < inf:
                cost = costs_11.get(len_b)
                if cost is None:
                    cost = costs_11[len_b] = group_cost(len_a, len_b, ratio, prior_11)
                best, move = up_1 + cost, 1
            # A 1–2 or 2–1 group costs at least its prior: one that cannot beat the best so far
            # even so is not weighed (the result is the same; the erfc is the dear part).
            if up_2 + prior_12 < best:
                cost = costs_12.get(len_b2 + len_b)
                if cost is None:
                    cost = costs_12[len_b2 + len_b] = group_cost(len_a, len_b2 + len_b, ratio, prior_12)
                if up_2 + cost < best:
                    best, move = up_2 + cost, 2
            if up2_1 + prior_21 < best:
                cost = costs_21.get(len_b)
                if cost is None:
                    cost = costs_21[len_b] = group_cost(len_aa, len_b, ratio, prior_21)
                if up2_1 + cost < best:
                    best, move = up2_1 + cost, 3
            if up_0 + gap_i < best:
                best, move = up_0 + gap_i, 4
            if left + gap_j < best:
                best, move = left + gap_j, 5
            costs.append(best)
            moves.append(move)
        here[first + 2 : last + 3] = costs
        steps.append(moves)
    return steps, low


def estimate_ratio(pairs_of_bodies: Iterable[tuple[str, str]], default: float = DEFAULT_RATIO) -> float:
    """len(b) / len(a) over the bodies whose paragraph counts match (those align one to one);
    `default` when there are none or the result is implausible."""
    total_a = total_b = 0
    for body_a, body_b in pairs_of_bodies:
        pa, pb = paragraphs(body_a), paragraphs(body_b)
        if pa and len(pa) == len(pb):
            total_a += sum(map(text_length, pa))
            total_b += sum(map(text_length, pb))
    if total_a < 200 or total_b == 0:
        return default
    ratio = total_b / total_a
    return ratio if 0.2 <= ratio <= 5.0 else default


# Posts larger than this are left out of the ratio: an ordinary post says as much, and one huge
# post (a 15 MB body) would cost every view of an unaligned post the time to read it.
RATIO_MAX_BYTES = 512 * 1024


def archive_ratio(archive: Archive, lang_a: str, lang_b: str, limit: int = 50) -> float:
    """The ratio of `lang_b` to `lang_a` measured on the archive's newest `limit` posts that have
    both, each version at most RATIO_MAX_BYTES (file names are listed and sizes looked up
    without reading the other posts, so this stays cheap)."""
    ids = sorted((pid for pid, langs in archive.ids().items() if lang_a in langs and lang_b in langs), reverse=True)
    bodies: list[tuple[str, str]] = []
    for post_id in ids[:limit]:
        try:
            if any(archive.path_for(post_id, lang).stat().st_size > RATIO_MAX_BYTES for lang in (lang_a, lang_b)):
                continue
            post = archive.get(post_id)
        except (OpedError, OSError):  # a broken file elsewhere must not stop this post's view
            continue
        bodies.append((post.versions[lang_a].body, post.versions[lang_b].body))
    return estimate_ratio(bodies)


# The lexicon is learned from the archive's newest this many posts in both languages whose
# paragraphs pair one to one (each version at most RATIO_MAX_BYTES; at most LEXICON_CHARS
# characters of them), and kept in the archive's derived-data folder. It is learned again only
# when more than LEXICON_CHANGED of the posts it was learned from are not as they were (edited,
# removed or new): one edit must not cost every view the second or two that learning takes
# (1.2 s for 100 NTREX-128 articles, 235,000 Khmer characters), and a word's translation does
# not change with one post.
LEXICON_POSTS = 100
LEXICON_CHARS = 1_000_000
LEXICON_CHANGED = 0.1
# Bumped when what is learned changes, so that a kept lexicon is learned again.
LEXICON_VERSION = 2


def archive_lexicon(archive: Archive, lang_a: str, lang_b: str,
                    files: dict[str, dict[str, tuple[int, int]]] | None = None) -> Lexicon | None:
    """The lexicon of the archive's translations between `lang_a` and `lang_b` (None when it
    has no words: no posts to learn from, or no side in Latin script against a Khmer one).
    `files`, when the caller has listed them: each post's files' (mtime_ns, size) by language."""
    import json

    from opedarchive.archive import atomic_write

    first, second = sorted((lang_a, lang_b))
    langs_of = archive.ids() if files is None else files
    learned_from: list[list[object]] = []
    for post_id in sorted((pid for pid, langs in langs_of.items() if first in langs and second in langs), reverse=True):
        if len(learned_from) == LEXICON_POSTS:
            break
        try:
            stats = [files[post_id][lang] if files is not None else _mtime_size(archive.path_for(post_id, lang))
                     for lang in (first, second)]
        except OSError:
            continue
        if all(size <= RATIO_MAX_BYTES for _, size in stats):
            learned_from.append([post_id, *(f"{mtime} {size}" for mtime, size in stats)])
    kept = archive.data_dir / f"lexicon-{first}-{second}.json"
    try:
        data = json.loads(kept.read_text(encoding="utf-8"))
        if data["version"] == LEXICON_VERSION:
            was = {str(entry[0]): entry for entry in data["learned_from"]}
            now = {str(entry[0]): entry for entry in learned_from}
            changed = sum(1 for post_id in was.keys() | now.keys() if was.get(post_id) != now.get(post_id))
            if changed <= LEXICON_CHANGED * max(len(was), len(now)) and (now or not was):
                return Lexicon(dict(data["forms"])) or None
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none kept, or unreadable: learned again
    pairs: list[tuple[str, str]] = []
    chars = 0
    for entry in learned_from:
        try:
            post = archive.get(str(entry[0]))
        except (OpedError, OSError):  # a broken file elsewhere must not stop this post's view
            continue
        if first not in post.versions or second not in post.versions:  # a version removed meanwhile
            continue
        pa, pb = paragraphs(post.versions[first].body), paragraphs(post.versions[second].body)
        if not pa or len(pa) != len(pb):
            continue
        latin_a, latin_b = _mostly_latin(pa), _mostly_latin(pb)
        if latin_a != latin_b:
            pairs.extend(zip(pa, pb, strict=True) if latin_a else zip(pb, pa, strict=True))
            chars += sum(map(len, pa)) + sum(map(len, pb))
            if chars > LEXICON_CHARS:
                break
    lexicon = learn_lexicon(pairs)
    record = {"version": LEXICON_VERSION, "learned_from": learned_from, "forms": lexicon.forms}
    with contextlib.suppress(OSError, OpedError):  # a read-only archive: learned again next time
        atomic_write(kept, json.dumps(record, ensure_ascii=False).encode("utf-8"), durable=False)
    return lexicon or None


def _mtime_size(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


def alignment_for(archive: Archive | None, body_a: str, body_b: str, lang_a: str, lang_b: str) -> list[Pair]:
    """The alignment of two versions' bodies; the archive's ratio is measured only when needed."""
    return paragraph_alignment(archive, paragraphs(body_a), paragraphs(body_b), lang_a, lang_b)


def paragraph_alignment(archive: Archive | None, a: list[str], b: list[str], lang_a: str, lang_b: str) -> list[Pair]:
    """`alignment_for` of bodies already cut by `paragraphs` (a view that shows the paragraphs
    too need not cut a long body twice)."""
    ratio = lexicon = None
    if len(a) != len(b) and archive is not None:
        ratio = archive_ratio(archive, lang_a, lang_b)
        lexicon = archive_lexicon(archive, lang_a, lang_b)
    return align(a, b, ratio, lexicon)
