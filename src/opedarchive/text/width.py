"""Cell widths on a terminal and cluster-safe wrapping, for English and Khmer alike.

Terminals disagree on Khmer: glibc's `wcwidth` (and so tmux, xterm, iTerm2) gives the spacing
vowel signs (category Mc: U+17B6, U+17BE–U+17C5, U+17C7, U+17C8) one cell, while Rich — and
kitty, which shapes Khmer — gives them none. Both models are here; "glibc" is the default.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

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

    Lines break after spaces (which are dropped) or after a zero-width space where they can,
    otherwise between two clusters, never inside one; `\\n` forces a break. A cluster wider than
    `width` gets a line of its own."""
    width = max(1, width)
    spans: list[tuple[int, int]] = []
    start = 0  # where the current line starts
    used = 0  # cells used on it so far
    # The last place the line may end: (end of the line, start of the next, cells used at that start).
    brk: tuple[int, int, int] | None = None
    pos = 0

    def emit(end: int) -> None:
        spans.append((start, end))

    # Punctuation is kept with its neighbour unless the two do not fit on a line together.
    units = [piece for unit in _units(text) for piece in
             ([unit] if cell_width(unit, model) <= width else clusters(unit))]
    for cl in units:
        here = pos
        pos += len(cl)
        if cl == "\n":
            emit(_rstrip(text, start, here))
            start, used, brk = pos, 0, None
            continue
        if cl in _SPACES:
            if here == start:  # spaces at the start of a wrapped line are dropped
                start = pos
                continue
            # A run of spaces widens the gap the line may break at.
            gap_start = brk[0] if brk is not None and brk[1] == here else here
            brk = (gap_start, pos, used + 1)
            used += 1
            continue
        if cl == ZWSP:
            if here == start:
                start = pos
            else:
                brk = (pos, pos, used)
            continue
        w = cell_width(cl, model)
        while used + w > width and pos - len(cl) > start:
            if brk is not None and brk[0] > start:
                emit(brk[0])
                start, used, brk = brk[1], used - brk[2], None
            else:  # no break opportunity on this line: cut between clusters
                emit(here)
                start, used, brk = here, 0, None
        used += w
    if start < len(text) or not spans:
        end = _rstrip(text, start, len(text))
        if end > start or not spans:
            emit(end)
    return spans if text else []


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
