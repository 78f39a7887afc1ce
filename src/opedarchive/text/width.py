"""Cell widths on a terminal and cluster-safe wrapping, for English and Khmer alike.

Terminals disagree on Khmer: glibc's `wcwidth` (and so tmux, xterm, iTerm2) gives the spacing
vowel signs (category Mc: U+17B6, U+17BE–U+17C5, U+17C7, U+17C8) one cell, while Rich — and
kitty, which shapes Khmer — gives them none. Both models are here; "glibc" is the default.

Lines break at spaces, zero-width spaces and, inside unspaced Khmer, between two words as the
segmenter (`text.words`) finds them; inside a word only when that word alone is wider than the
line. The segmenter is asked only about the runs where a line ends, within the limits below.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate

WIDTH_MODELS = ("glibc", "rich")
DEFAULT_MODEL = "glibc"

ZWSP = "\u200b"
COENG = "\u17d2"
# Characters that join the cluster before them without being marks themselves.
_JOINERS = frozenset("\u200c\u200d\u034f") | frozenset(chr(c) for c in range(0xFE00, 0xFE10))
# Zero-width format characters that glibc nevertheless gives a cell (prepended concatenation marks).
_GLIBC_WIDE_FORMAT = frozenset("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2")
_ZERO_WIDTH_MARKS = frozenset(("Mn", "Me", "Cf", "Cc"))
_SPACES = frozenset(" \t")  # no-break spaces are not breaks
_BREAKS = _SPACES | {"\n", ZWSP}
_NO_LINE_START = frozenset("។៕៖,.;:!?)]}»”’%…") | {"\u17d7", "\u17da"}
_NO_LINE_END = frozenset("([{«“‘")


def check_model(model: str) -> str:
    """`model` if it is a known width model, else ValueError naming the known ones."""
    if model not in WIDTH_MODELS:
        raise ValueError(f"unknown width model {model!r} (use {' or '.join(WIDTH_MODELS)})")
    return model


@lru_cache(maxsize=4096)
def char_width(ch: str, model: str = DEFAULT_MODEL) -> int:
    """Cells that one code point takes: 0, 1 or 2."""
    cp = ord(ch)
    if 0x20 <= cp < 0x7F:
        return 1
    category = unicodedata.category(ch)
    if category == "Mc":
        # The one place the two models disagree on Khmer (and on every other Indic script).
        return 0 if model == "rich" else 1
    if category in _ZERO_WIDTH_MARKS:
        return 1 if model == "glibc" and ch in _GLIBC_WIDE_FORMAT else 0
    if 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
        return 0  # Hangul medial vowels and final consonants join the syllable before them
    if category in ("Zl", "Zp"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str, model: str = DEFAULT_MODEL) -> int:
    """Cells that `text` (one line) takes on a terminal of the given model."""
    if text.isascii():
        return len(text) if text.isprintable() else sum(1 for ch in text if " " <= ch < "\x7f")
    return sum(char_width(ch, model) for ch in text)


def _joins_previous(ch: str, previous: str) -> bool:
    if previous.endswith((COENG, "\u200d")):
        # coeng + consonant is a subscript consonant; a line never ends on a coeng. A space
        # after one (a typo) is still a space: where a line may break, and dropped there.
        return not ch.isspace() and ch != ZWSP
    return ch in _JOINERS or unicodedata.category(ch) in ("Mn", "Mc", "Me")


def clusters(text: str) -> list[str]:
    """`text` cut into clusters that must never be split across lines: a base character with its
    coeng + consonant pairs, vowel signs and marks (Khmer), or with its combining marks (others)."""
    out: list[str] = []
    for ch in text:
        if out and ch != "\n" and out[-1] != "\n" and _joins_previous(ch, out[-1]):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _units(text: str) -> list[str]:
    """Clusters, with closing punctuation (`។`, `,`, `)`, `”`…) kept with the cluster before it
    and opening punctuation (`(`, `“`, `«`…) with the cluster after it: no line starts or ends
    with them."""
    units: list[str] = []
    glue_next = False
    for cl in clusters(text):
        if units and (glue_next or (cl[0] in _NO_LINE_START and units[-1] not in _BREAKS)):
            units[-1] += cl
        else:
            units.append(cl)
        glue_next = cl in _NO_LINE_END
    return units


def wrap_spans(text: str, width: int, model: str = DEFAULT_MODEL) -> list[tuple[int, int]]:
    """Where to cut `text` into lines of at most `width` cells: (start, end) offsets of each line.

    Lines break after spaces (which are dropped), after a zero-width space or between two Khmer
    words where they can, otherwise between two clusters, never inside one; `\\n` forces a break.
    A cluster wider than `width` gets a line of its own. Time and memory grow with the length of
    the text only."""
    width = max(1, width)
    if not text:
        return []
    one = _one_line(text, width)
    if one is not None:
        return one
    words = _WordBreaks(text) if len(text) <= WORD_BREAK_MAX_TEXT else None
    n = len(text)
    spans: list[tuple[int, int]] = []
    s = _skip_breaks(text, 0)
    newline = -1  # the first "\n" at or after s: searched for once per "\n", not once per line
    held = False  # whether that "\n" is held by an opening bracket before it: no line break then
    # The pattern tries every character; most long paragraphs hold none of its first ones (found
    # by `in`, a scan in C fifty times faster: 2 ms against 90 ms for 15 MB).
    unsure = [m.end() - 1 for m in _UNSURE_AT.finditer(text)] if any(c in text for c in _UNSURE_FIRST) else []
    while s < n:
        if newline < s:
            newline = text.find("\n", s)
            newline = n if newline < 0 else newline
            held = newline < n and not _unit_start(text, newline)
        line = _UNSURE if held else _line_fast(text, s, newline, width, model, unsure, words)
        if line is _UNSURE:
            line = _line_by_units(text, s, width, model, words)
        if line is None:  # the rest fits on this line
            end = _rstrip(text, s, n)
            if end > s or not spans:
                spans.append((s, end))
            return spans
        start, end, s, after_newline = line
        spans.append((start, end))
        if after_newline:
            s = _skip_breaks(text, s)
    if not spans:
        spans.append((n, n))
    return spans


def _one_line(text: str, width: int) -> list[tuple[int, int]] | None:
    """The spans of a text that fits on one line whatever its characters (none takes more than 2
    cells, and printable ASCII 1), else None: found without the scans below, which cost more than
    such a line (issue 14: a post of 100,000 short paragraphs)."""
    n = len(text)
    if 2 * n > width and not (n <= width and text.isascii() and text.isprintable()):
        return None
    if "\n" in text or "\t" in text:
        return None
    s = _skip_breaks(text, 0)
    return [(s, _rstrip(text, s, n))] if s < n else [(n, n)]


# A line is found in one of two ways that agree (tests/test_width.py checks it on random text).
# `_line_by_units` is the rule itself: the text cut into units (clusters with the punctuation
# kept with them), taken one at a time. `_line_fast` reaches the same line with scans that run
# in C — the cells counted by a regular expression (or summed over a window), `rfind` for the
# last break — and looks at units only where the line ends, so a long paragraph costs time per
# line, not per character (issue 14: wrapping 15 MB of Latin took 9.5 s, now 0.6 s). Where it
# meets what it does not model (a tab, a break held by an opening bracket, a long walk through
# combining marks), it hands that one line to `_line_by_units`.
_Line = tuple[int, int, int, bool]  # (start, end, where the next line starts, ended by "\n")
_UNSURE: _Line = (-1, -1, -1, False)
_BREAK_CHARS = " \t" + ZWSP  # breaks that do not force a new line
_BREAK_RUN = re.compile(f"[{_BREAK_CHARS}]*")
# What `_line_fast` does not model, found in one scan of the text: a tab, and a break held by an
# opening bracket before it (the match's last character is where).
_UNSURE_AT = re.compile("[" + re.escape("".join(_NO_LINE_END)) + "][ \t\n\u200b]|\t")
_UNSURE_FIRST = "\t" + "".join(sorted(_NO_LINE_END))
_JOIN_NEXT = (COENG, "\u200d")  # a cluster goes on after these whatever follows (but a space)


def _cluster_start(text: str, p: int) -> bool:
    """Whether `clusters` starts a cluster at `p` (0 < p < len(text))."""
    ch, prev = text[p], text[p - 1]
    if ch == "\n" or prev == "\n":
        return True
    if prev in _JOIN_NEXT:
        return ch.isspace() or ch == ZWSP
    if ch < "\u0300":  # nothing below U+0300 is a combining mark or a joiner
        return True
    return not _joins_previous(ch, prev)


def _unit_start(text: str, p: int) -> bool:
    """Whether `_units` starts a unit at `p`."""
    if p <= 0 or p >= len(text):
        return True
    if not _cluster_start(text, p):
        return False
    prev = text[p - 1]
    if prev in _NO_LINE_END and (p == 1 or _cluster_start(text, p - 1)):
        return False  # the cluster before is an opening bracket alone: it holds on to this one
    if text[p] in _NO_LINE_START:
        return prev in _BREAKS and _unit_start(text, p - 1)
    return True


def _break_unit(text: str, p: int) -> bool:
    """Whether text[p] is a space, tab or zero-width space that is a unit of its own."""
    return (text[p] in _BREAK_CHARS and _unit_start(text, p)
            and (p + 1 >= len(text) or _cluster_start(text, p + 1)))


def _skip_breaks(text: str, p: int) -> int:
    """`p` moved past the break units there (as a line's leading spaces are dropped)."""
    end = _BREAK_RUN.match(text, p).end()  # type: ignore[union-attr]  # `*` always matches
    if end == p or not _break_unit(text, p):
        return p
    # Inside the run every character is a break of its own; only its ends can belong to a
    # bracket before or a combining mark after.
    return end if _break_unit(text, end - 1) else end - 1


class _Widths(dict[str, int]):
    """Cells of each character seen, filled on first sight; a tab counts one, as a break."""

    def __init__(self, model: str) -> None:
        super().__init__()
        self.model = model

    def __missing__(self, ch: str) -> int:
        if len(self) > 65536:  # a text of every character there is must not grow this forever
            self.clear()
        width = 1 if ch == "\t" else char_width(ch, self.model)
        self[ch] = width
        return width


_WIDTHS = {model: _Widths(model) for model in WIDTH_MODELS}


# Characters whose cells `_overflow` counts with one regular expression, in C: each of them is
# 0 or 1 cell wide. Any other (a wide CJK character, a tab) has the cells summed one by one.
_COUNTED = ((0x20, 0x7E), (0xA0, 0x36F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x2000, 0x206F))


@lru_cache(maxsize=64)
def _cells_pattern(model: str, cells: int) -> re.Pattern[str]:
    """A pattern that matches the shortest run of characters taking `cells` cells (all of them
    counted ones), with the zero-width ones after it left out; with `cells` 0, any run of
    counted characters."""
    widths = {cp: char_width.__wrapped__(chr(cp), model) for lo, hi in _COUNTED for cp in range(lo, hi + 1)}
    zero = _char_class(cp for cp, w in widths.items() if w == 0)
    one = _char_class(cp for cp, w in widths.items() if w == 1)
    return re.compile(f"(?:{zero}*{one}){{{cells}}}" if cells else f"(?:{zero}|{one})*")


def _char_class(codepoints: Iterable[int]) -> str:
    """A regular-expression class of the code points, as ranges."""
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[" + "".join(re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "") for lo, hi in ranges) + "]"


def _overflow(text: str, s: int, stop: int, width: int, model: str) -> int:
    """The end of the first character of text[s:stop] that takes the line past `width` cells;
    -1 when all of it fits."""
    end = min(stop, s + width + 1)
    window = text[s:end]
    if window.isascii() and window.isprintable():  # one cell each
        if end - s > width:
            return end
        if end >= stop:
            return -1
    found = _cells_pattern(model, width + 1).match(text, s, stop)
    if found is not None:
        return found.end()
    if _cells_pattern(model, 0).match(text, s, stop).end() == stop:  # type: ignore[union-attr]
        return -1  # counted characters only, fewer cells than the line has
    cells_of = _WIDTHS[model].__getitem__
    used, pos, size = 0, s, 2 * width + 2
    while pos < stop:
        end = min(stop, pos + size)
        # cells[k]: cells used once the first k characters from pos are on the line
        cells = list(accumulate(map(cells_of, text[pos:end]), initial=used))
        over = bisect_right(cells, width)
        if over < len(cells):
            return pos + over
        used, pos, size = cells[-1], end, size * 2
    return -1


def _line_fast(text: str, s: int, newline: int, width: int, model: str, unsure: list[int],
               words: _WordBreaks | None = None) -> _Line | None:
    """The line that starts at `s`, ending by the line break at `newline` at the latest (see the
    note above); None when the rest of the text fits. `unsure`: where `_UNSURE_AT` matched."""
    n = len(text)
    q = _overflow(text, s, newline, width, model)
    if q >= 0 and unsure:
        first = bisect_left(unsure, s)
        if first < len(unsure) and unsure[first] <= q:
            return _UNSURE
    if q > s and (words is None or text.isascii()):
        line = _line_after_a_break(text, s, q)
        if line is not None:
            return line
    walk = 4 * width + 64  # characters a unit may take before this hands over
    if q < 0:
        h = newline
    elif _break_unit(text, q - 1):  # a space went past the width: the next unit overflows
        h = _skip_breaks(text, q)
    else:
        h = _overflowing_unit(text, s, q - 1, width, model, walk)
        if h <= s:
            return _UNSURE  # a unit wider than the line at its start, or a long walk
    if h >= newline:  # everything up to the "\n" fits
        if newline >= n:
            return None
        return s, _rstrip(text, s, newline), newline + 1, True
    # The line ends at the last break before h (a space, a zero-width space or between two Khmer
    # words), else at h.
    b = _last_break(text, s, h)
    while b >= s and not _break_unit(text, b):
        b = _last_break(text, s, b)
    w = words.last(s, h) if words is not None else -1
    if w > b:  # between two words, after the last space: a word boundary lies inside a run
        return s, w, w, False
    if b < s:
        return s, h, h, False
    if text[b] == ZWSP:
        return s, b + 1, b + 1, False
    gap = b  # the line ends where the run of spaces before the break starts
    while gap > s and text[gap - 1] in _SPACES and _break_unit(text, gap - 1):
        gap -= 1
    return (s, gap, b + 1, False) if gap > s else (s, h, h, False)


def _line_after_a_break(text: str, s: int, q: int) -> _Line | None:
    """The line that `_line_fast` finds when text[q - 1] overflows, in the common case: not a
    break itself, with a space, tab or zero-width space before it (other than at s) that is a
    break. None otherwise (the rest of `_line_fast` decides). Only where no Khmer word boundary
    can end the line (`words` None: a long paragraph; or ASCII text).

    The unit that overflows starts after that break (a break is a unit of its own), so the line
    ends at the break without finding where that unit starts, which walked back and forth
    through its clusters (issue 14: three quarters of printing a 15 MB body side by side was
    `wrap_spans`)."""
    if text[q - 1] in _BREAKS:
        return None
    if text.isascii():
        # Each character a cluster, no zero-width space, and no tab or held space in text[s:q]
        # (`unsure`): every space there is a break. The test of each (`_break_unit`) was half
        # the time of a Latin line.
        b = text.rfind(" ", s, q - 1)
        gap = b
        while gap > s and text[gap - 1] == " ":
            gap -= 1
        return (s, gap, b + 1, False) if gap > s else None
    b = _last_break(text, s, q - 1)
    if b <= s or not _break_unit(text, b):
        return None
    if text[b] == ZWSP:
        return s, b + 1, b + 1, False
    gap = b  # the line ends where the run of spaces before the break starts
    while gap > s and text[gap - 1] in _SPACES and _break_unit(text, gap - 1):
        gap -= 1
    return (s, gap, b + 1, False) if gap > s else None


def _last_break(text: str, s: int, h: int) -> int:
    """The last space, tab or zero-width space in text[s:h]; -1 when there is none."""
    return max(text.rfind(" ", s, h), text.rfind(ZWSP, s, h), text.rfind("\t", s, h))


def _overflowing_unit(text: str, s: int, p: int, width: int, model: str, walk: int) -> int:
    """Where the unit that holds text[p] starts — its cluster's start when the unit is wider
    than `width` (such a unit is cut between its clusters); -1 when that takes a longer walk."""
    u, cells = p, 0
    while u > s and not _unit_start(text, u):
        u -= 1
        cells += char_width(text[u], model)
        if text[u] in _BREAKS or p - u > walk:
            return -1
        if cells > width:
            break  # wider than the line: its clusters are the units
    else:
        if u > s:
            e = p + 1
            cells = cell_width(text[u:e], model)
            while e < len(text) and cells <= width and not _unit_start(text, e):
                if text[e] in _BREAKS or e - u > walk:
                    return -1
                cells += char_width(text[e], model)
                e += 1
            if cells <= width:
                return u
    # A unit wider than the line, cut between its clusters: the cluster that holds p.
    c = p
    while c > s and not _cluster_start(text, c):
        c -= 1
        if p - c > walk:
            return -1
    return c


def _line_by_units(text: str, s: int, width: int, model: str, words: _WordBreaks | None = None) -> _Line | None:
    """The line that starts at `s`, found one unit at a time; None when the rest fits."""
    n = len(text)
    size = 4 * width + 64
    while True:
        stop = min(n, s + size)
        pieces = _pieces(text, s, stop, width, model)
        line = _first_line(text, s, pieces, width, model, words)
        if line is not None or stop >= n:
            return line
        size *= 4


def _pieces(text: str, s: int, stop: int, width: int, model: str) -> list[tuple[str, bool]]:
    """The units of text[s:stop] as lines take them, each with whether a unit starts there: a
    unit wider than `width` comes as its clusters. When s lies inside a unit (a line was cut
    between its clusters), the rest of its clusters come first. A unit that may go on past
    `stop` is left out."""
    unit_end = s
    if not _unit_start(text, s):
        unit_end += 1
        while unit_end < stop and not _unit_start(text, unit_end):
            unit_end += 1
    pieces = [(cl, False) for cl in clusters(text[s:unit_end])]
    if unit_end >= stop and stop < len(text):
        return pieces[:-1]  # the last cluster may go on
    first = len(pieces)
    for unit in _units(text[unit_end:stop]):
        if cell_width(unit, model) <= width:
            pieces.append((unit, True))
        else:
            pieces.extend((cl, i == 0) for i, cl in enumerate(clusters(unit)))
    if stop < len(text):
        while len(pieces) > first and not pieces[-1][1]:
            pieces.pop()
        if len(pieces) > first:
            pieces.pop()
    return pieces


def _first_line(text: str, s: int, pieces: list[tuple[str, bool]], width: int, model: str,
                words: _WordBreaks | None = None) -> _Line | None:
    """The first line that `pieces` (starting at s) make; None when they all fit on it."""
    start = s  # where the line starts
    used = 0  # cells used on it so far
    # The last place the line may end: (end of the line, start of the next, cells used at that start).
    brk: tuple[int, int, int] | None = None
    pos = s
    for piece, _ in pieces:
        here = pos
        pos += len(piece)
        if piece == "\n":
            return start, _rstrip(text, start, here), pos, True
        if piece in _SPACES:
            if here == start:  # spaces at the start of a wrapped line are dropped
                start = pos
                continue
            # A run of spaces widens the gap the line may break at.
            gap_start = brk[0] if brk is not None and brk[1] == here else here
            brk = (gap_start, pos, used + 1)
            used += 1
            continue
        if piece == ZWSP:
            if here == start:
                start = pos
            else:
                brk = (pos, pos, used)
            continue
        w = cell_width(piece, model)
        if used + w > width and here > start:
            between = words.last(start, here) if words is not None else -1  # two Khmer words
            if brk is not None and brk[0] > start and brk[1] > between:
                return start, brk[0], brk[1], False
            if between > start:
                return start, between, between, False
            return start, here, here, False  # no break opportunity on this line: cut between units
        used += w
    return None


# Word boundaries inside unspaced Khmer (issue 15). The segmenter (khmercut, about 40k–114k
# characters a second) is asked only about the stretch between two spaces where a line ends, and
# what it said is kept. Two limits keep `show` of a huge body fast (issue 14): a text (one
# paragraph) longer than WORD_BREAK_MAX_TEXT characters is wrapped by the cluster rules alone, and
# a process hands at most WORD_BREAK_BUDGET characters to the segmenter — past that, Khmer is
# wrapped by the cluster rules too. docs/khmer-words.md states both.
WORD_BREAK_MAX_TEXT = 20_000
WORD_BREAK_BUDGET = 60_000
_HAS_KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
_STRETCH_END = re.compile("[ \t\n\u200b]")
# A new word begins after a Khmer full stop even where no space follows it.
_AFTER_FULL_STOP = re.compile("(?<=[\u17d4\u17d5])(?=[\u1780-\u17b3])")


class _Segmented:
    """What the segmenter said about each stretch between spaces, and what it may still be asked."""

    def __init__(self) -> None:
        self.breaks: dict[str, tuple[int, ...]] = {}
        self.budget = WORD_BREAK_BUDGET

    def __call__(self, stretch: str) -> tuple[int, ...]:
        """Offsets inside `stretch` (which holds no space) where a line may end between two words."""
        found = self.breaks.get(stretch)
        if found is not None:
            return found
        if not _HAS_KHMER.search(stretch):
            return ()
        if len(stretch) > self.budget:
            self.budget = 0  # spent: from here on every line is cut by the cluster rules
            return ()
        self.budget -= len(stretch)
        from opedarchive.text.words import khmer_breaks

        found = tuple(sorted({*khmer_breaks(stretch), *(m.start() for m in _AFTER_FULL_STOP.finditer(stretch))}))
        if len(self.breaks) >= 8192:
            self.breaks.clear()
        self.breaks[stretch] = found
        return found


_SEGMENTED = _Segmented()


class _WordBreaks:
    """Where `text` may break between two Khmer words, found where a line needs it."""

    __slots__ = ("khmer", "stretches", "text")  # one is made per paragraph wrapped: kept light

    def __init__(self, text: str) -> None:
        self.text = text
        self.khmer: bool | None = None  # whether the text holds Khmer: looked at on the first call
        self.stretches: dict[int, tuple[int, ...]] = {}  # a stretch's start: its breaks (offsets in text)

    def last(self, s: int, h: int) -> int:
        """The last place in (s, h] where a line may end between two words (never inside a
        cluster nor before closing punctuation); -1 when there is none."""
        text = self.text
        if self.khmer is None:
            self.khmer = _HAS_KHMER.search(text) is not None
        if not self.khmer:
            return -1
        # Only the stretch between two spaces that holds h: a space before it breaks later than
        # any word boundary further back.
        a = max(text.rfind(" ", s, h), text.rfind("\t", s, h), text.rfind("\n", s, h), text.rfind(ZWSP, s, h)) + 1
        if a <= s:
            a = max(text.rfind(" ", 0, h), text.rfind("\t", 0, h), text.rfind("\n", 0, h), text.rfind(ZWSP, 0, h)) + 1
        breaks = self.stretches.get(a)
        if breaks is None:
            end = _STRETCH_END.search(text, h)
            breaks = tuple(a + p for p in _SEGMENTED(text[a : end.start() if end else len(text)]))
            self.stretches[a] = breaks
        i = bisect_right(breaks, h) - 1
        while i >= 0 and breaks[i] > s:
            if _unit_start(text, breaks[i]):
                return breaks[i]
            i -= 1
        return -1


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _SPACES:
        end -= 1
    return end


def wrap(text: str, width: int, model: str = DEFAULT_MODEL) -> list[str]:
    """`text` wrapped to lines of at most `width` cells (see `wrap_spans`)."""
    return [text[s:e] for s, e in wrap_spans(text, width, model)]


def pad(text: str, width: int, model: str = DEFAULT_MODEL) -> str:
    """`text` with spaces added up to `width` cells (unchanged when already as wide)."""
    return text + " " * max(0, width - cell_width(text, model))


def truncate(text: str, width: int, model: str = DEFAULT_MODEL, ellipsis: str = "…") -> str:
    """`text` cut at a cluster boundary to fit in `width` cells, ending with `ellipsis` if cut."""
    if cell_width(text, model) <= width:
        return text
    room = width - cell_width(ellipsis, model)
    out = ""
    used = 0
    for cl in clusters(text):
        w = cell_width(cl, model)
        if used + w > room:
            break
        out += cl
        used += w
    return out.rstrip() + ellipsis if room >= 0 else ""
