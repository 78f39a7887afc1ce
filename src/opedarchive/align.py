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


def _open_fence(block: str) -> bool:
    """True when the block leaves a ``` or ~~~ code fence open."""
    open_fence: str | None = None
    for line in block.splitlines():
        m = _FENCE.match(line)
        if m is None:
            continue
        mark = m.group(1)
        if open_fence is None:
            open_fence = mark
        elif mark[0] == open_fence[0] and len(mark) >= len(open_fence):
            open_fence = None
    return open_fence is not None


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: blocks between blank lines. A Markdown list (items of one kind,
    with any blank lines or indented continuations between them) and a fenced code block
    each count as one paragraph."""
    blocks = [b.strip("\n") for b in _BLANK_LINE.split(body.replace("\r\n", "\n"))]
    out: list[str] = []
    kind: str | None = None  # the kind of list the last paragraph is
    in_fence = False
    for block in blocks:
        if not block.strip():
            continue
        if in_fence:
            out[-1] += "\n\n" + block
            in_fence = _open_fence(out[-1])
            continue
        block_kind = _list_kind(block)
        continues_list = kind is not None and (block_kind == kind or block.startswith(("  ", "\t")))
        if out and continues_list:
            out[-1] += "\n\n" + block
        else:
            out.append(block)
            kind = block_kind
        in_fence = _open_fence(out[-1])
    return out


def text_length(paragraph: str) -> int:
    """The length that alignment compares: characters other than spaces and zero-width ones."""
    return len(_INVISIBLE.sub("", paragraph))


def _cost(len_a: int, len_b: int, ratio: float, kind: tuple[int, int]) -> float:
    """-log of how likely it is that `len_a` characters translate into `len_b` as a group of
    this kind (Gale and Church's normal model of the length difference). A paragraph that one
    side lacks costs its prior only: its length says nothing about a partner it does not have."""
    if 0 in kind:
        return -math.log(_PRIORS[kind])
    mean = (len_a + len_b / ratio) / 2
    delta = (len_b - len_a * ratio) / math.sqrt(max(mean, 1.0) * VARIANCE)
    tail = math.erfc(abs(delta) / math.sqrt(2))  # two-sided probability of a difference this large
    return -math.log(_PRIORS[kind]) - math.log(max(tail, 1e-300))


def align(a: list[str], b: list[str], ratio: float | None = None) -> list[Pair]:
    """Groups of paragraphs of `a` and `b` that translate each other, in order, covering all of
    both. By position when the counts match; else a length-based dynamic programme with groups
    1–1, 1–2, 2–1, 1–0 and 0–1, `ratio` being len(b) / len(a) (default: DEFAULT_RATIO)."""
    if len(a) == len(b):
        return [([i], [i]) for i in range(len(a))]
    ratio = ratio if ratio and ratio > 0 else DEFAULT_RATIO
    la = [text_length(p) for p in a]
    lb = [text_length(p) for p in b]
    n, m = len(a), len(b)
    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            for di, dj in _PRIORS:
                if di > i or dj > j or best[i - di][j - dj] == inf:
                    continue
                cost = best[i - di][j - dj] + _cost(sum(la[i - di : i]), sum(lb[j - dj : j]), ratio, (di, dj))
                if cost < best[i][j]:
                    best[i][j] = cost
                    step[i][j] = (di, dj)
    pairs: list[Pair] = []
    i, j = n, m
    while i or j:
        di, dj = step[i][j]
        pairs.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    pairs.reverse()
    return pairs


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


def archive_ratio(archive: Archive, lang_a: str, lang_b: str, limit: int = 50) -> float:
    """The ratio of `lang_b` to `lang_a` measured on the archive's newest `limit` posts that have
    both (file names are listed without reading the other posts, so this stays cheap)."""
    ids = sorted((pid for pid, langs in archive.ids().items() if lang_a in langs and lang_b in langs), reverse=True)
    bodies: list[tuple[str, str]] = []
    for post_id in ids[:limit]:
        try:
            post = archive.get(post_id)
        except OpedError:  # a broken file elsewhere must not stop this post's view
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
