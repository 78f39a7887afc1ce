"""Paragraph alignment of an original and its translation (Gale–Church style, by length).

Paragraphs are numbered as `paragraphs(body)` cuts them; an alignment is a list of groups
`([indexes in a], [indexes in b])` that covers every paragraph of both, in order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from opedarchive.errors import OpedError

if TYPE_CHECKING:
    from opedarchive.archive import Archive

Pair = tuple[list[int], list[int]]

# Non-space characters of a Khmer translation per non-space character of its English original,
# measured on the seed page (1.13–1.31 per paragraph). Used when the archive has nothing better.
DEFAULT_RATIO = 1.2
# Variance of the length difference per character (Gale and Church 1993 measured 6.8).
VARIANCE = 6.8
# How likely each kind of group is; merges and omissions are rare, reordering never happens.
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


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: blocks between blank lines. A Markdown list (items of one kind,
    with any blank lines or indented continuations between them) and a fenced code block
    each count as one paragraph."""
    blocks = [b.strip("\n") for b in _BLANK_LINE.split(body.replace("\r\n", "\n"))]
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


# -log of each kind's prior: all that a paragraph that one side lacks costs (its length says
# nothing about a partner it does not have), and the least any group of that kind costs.
_PRIOR_COSTS = {kind: -math.log(p) for kind, p in _PRIORS.items()}
_SQRT2 = math.sqrt(2)


def _length_cost(len_a: int, len_b: int, ratio: float, prior_cost: float) -> float:
    """-log of how likely it is that `len_a` characters translate into `len_b` as a group whose
    kind's prior costs `prior_cost` (Gale and Church's normal model of the length difference)."""
    mean = (len_a + len_b / ratio) / 2
    delta = (len_b - len_a * ratio) / math.sqrt(max(mean, 1.0) * VARIANCE)
    tail = math.erfc(abs(delta) / _SQRT2)  # two-sided probability of a difference this large
    return prior_cost - math.log(max(tail, 1e-300))


def align(a: list[str], b: list[str], ratio: float | None = None) -> list[Pair]:
    """Groups of paragraphs of `a` and `b` that translate each other, in order, covering all of
    both. By position when the counts match; else a length-based dynamic programme with groups
    1–1, 1–2, 2–1, 1–0 and 0–1, `ratio` being len(b) / len(a) (default: DEFAULT_RATIO). Past
    CELL_BUDGET pairs of paragraphs the programme keeps to a band around its best path so far."""
    if len(a) == len(b):
        return [([i], [i]) for i in range(len(a))]
    ratio = ratio if ratio and ratio > 0 else DEFAULT_RATIO
    la = [text_length(p) for p in a]
    lb = [text_length(p) for p in b]
    steps, low = _programme(la, lb, ratio, _half_band(len(a), len(b)))
    pairs: list[Pair] = []
    i, j = len(a), len(b)
    while i or j:
        di, dj = _MOVES[steps[i][j - low[i]]]
        pairs.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    pairs.reverse()
    return pairs


# Pairs of paragraph positions the programme weighs at most, about. Below it (every post a person
# writes: 1,000 paragraphs against 999) it weighs them all. Past it, each row i weighs only the j
# within a band around the cheapest cell of row i - 1, as wide as the budget allows, at least
# MIN_BAND paragraphs either side (issue 14: 4,000 against 3,999 paragraphs took 97 s and 1.8 GB
# over all 16 million pairs; 100,000 against 99,999 ended in MemoryError). The band follows the
# path as it goes: a fixed diagonal drifts away from it on a long translation (lengths that are
# each 5% off add up to 8 paragraphs off over 10,000).
CELL_BUDGET = 1_000_000
MIN_BAND = 4
# The groups, in the order the programme tries them (the first of equal costs wins).
_MOVES = ((0, 0), *_PRIORS)


def _half_band(n: int, m: int) -> int | None:
    """How far either side of its guide a row of the programme reaches; None: all of it."""
    if (n + 1) * (m + 1) <= CELL_BUDGET:
        return None
    return max(MIN_BAND, CELL_BUDGET // (2 * (n + m)))


def _programme(la: list[int], lb: list[int], ratio: float, half: int | None) -> tuple[list[bytearray], list[int]]:
    """The cheapest way to each (i, j) the programme weighs, as the index in _MOVES of its last
    group, row by row, and the first j of each row. Three rows of costs are kept, not all."""
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
    # Row 0: paragraphs of b that a lacks, one after the other.
    costs = [0.0]
    for _ in range(reach):
        costs.append(costs[-1] + gap_b)
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
        # Per j: the costs at (i-1, j), (i-1, j-1), (i-1, j-2), (i-2, j-1); b's paragraphs j-1, j-2.
        for up_0, up_1, up_2, up2_1, len_b, len_b2 in zip(
            up[first + 2 : last + 3], up[first + 1 : last + 2], up[first : last + 1], up2[first + 1 : last + 2],
            lbs[first + 1 : last + 2], lbs[first : last + 1], strict=True,
        ):
            left, best, move = best, inf, 0  # left: the cost at (i, j-1)
            if up_1 < inf:
                cost = costs_11.get(len_b)
                if cost is None:
                    cost = costs_11[len_b] = _length_cost(len_a, len_b, ratio, prior_11)
                best, move = up_1 + cost, 1
            # A 1–2 or 2–1 group costs at least its prior: one that cannot beat the best so far
            # even so is not weighed (the result is the same; the erfc is the dear part).
            if up_2 + prior_12 < best:
                cost = costs_12.get(len_b2 + len_b)
                if cost is None:
                    cost = costs_12[len_b2 + len_b] = _length_cost(len_a, len_b2 + len_b, ratio, prior_12)
                if up_2 + cost < best:
                    best, move = up_2 + cost, 2
            if up2_1 + prior_21 < best:
                cost = costs_21.get(len_b)
                if cost is None:
                    cost = costs_21[len_b] = _length_cost(len_aa, len_b, ratio, prior_21)
                if up2_1 + cost < best:
                    best, move = up2_1 + cost, 3
            if up_0 + gap_a < best:
                best, move = up_0 + gap_a, 4
            if left + gap_b < best:
                best, move = left + gap_b, 5
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


def alignment_for(archive: Archive | None, body_a: str, body_b: str, lang_a: str, lang_b: str) -> list[Pair]:
    """The alignment of two versions' bodies; the archive's ratio is measured only when needed."""
    a, b = paragraphs(body_a), paragraphs(body_b)
    ratio = None
    if len(a) != len(b) and archive is not None:
        ratio = archive_ratio(archive, lang_a, lang_b)
    return align(a, b, ratio)
