"""Snippets of search hits: the best paragraph of a body, cut to a window around the first
match at Khmer cluster boundaries, with the matches located in the text as written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from opedarchive.query import Term
from opedarchive.text.khmer import clusters
from opedarchive.text.searchform import search_form

WINDOW = 220
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass
class Snippet:
    """Text to show, the (start, end) character spans to highlight in it, and the index of
    the paragraph it comes from (-1 when the text is not from the body)."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    paragraph: int = -1


def paragraphs(body: str) -> list[str]:
    """A body's paragraphs (split on blank lines), each on one line."""
    return [p for p in (" ".join(part.split()) for part in _BLANK_LINE.split(body)) if p]


@lru_cache(maxsize=8192)
def _unit_form(unit: str) -> str:
    return search_form(unit)


def _units(text: str) -> tuple[list[str], list[int], str, list[int]]:
    """Clusters of `text`, where each starts, their search form joined, and for each
    character of that form the cluster it comes from."""
    units = clusters(text)
    starts: list[int] = []
    folded: list[str] = []
    owner: list[int] = []
    pos = 0
    for n, unit in enumerate(units):
        starts.append(pos)
        pos += len(unit)
        form = " " if unit.isspace() else _unit_form(unit)
        folded.append(form)
        owner.extend([n] * len(form))
    return units, starts, "".join(folded), owner


def highlight(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Spans of `text` (as written) where any of `terms` occurs, merged, in order."""
    if not terms or not text:
        return []
    units, starts, form, owner = _units(text)
    spans = []
    for term in terms:
        for match in term.pattern.finditer(form):
            first, last = owner[match.start()], owner[match.end() - 1]
            spans.append((starts[first], starts[last] + len(units[last])))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _boundaries(text: str) -> list[int]:
    """Offsets where a cut never splits a cluster."""
    out = [0]
    for unit in clusters(text):
        out.append(out[-1] + len(unit))
    return out


def window(text: str, around: int = 0, width: int = WINDOW) -> tuple[int, int]:
    """(start, end) of at most about `width` characters of `text` holding offset `around`,
    on cluster boundaries, at spaces where there are some nearby."""
    if len(text) <= width:
        return 0, len(text)
    cuts = _boundaries(text)
    start = max(0, min(around - width // 3, len(text) - width))
    start = max(c for c in cuts if c <= start)
    space = text.find(" ", start, min(around, start + 40))
    if start > 0 and space != -1:
        start = space + 1
    end = min(c for c in cuts if c >= min(len(text), start + width))
    space = text.rfind(" ", max(around + 1, end - 40), end)
    if end < len(text) and space > start:
        end = space
    return start, end


def cut(text: str, spans: list[tuple[int, int]], around: int = 0, width: int = WINDOW) -> Snippet:
    """`text` cut to a window around offset `around`, with … where it was cut."""
    start, end = window(text, around, width)
    head = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    shift = len(head) - start
    inside = [(max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start]
    return Snippet(head + text[start:end] + tail, inside)


def _paragraph_forms(body: str, body_form: str | None) -> list[str] | None:
    """The search form of each paragraph of `body`, taken from `body_form` (the search form
    of the whole body, as the index keeps it) without folding anything again: the search
    form folds word by word, so its words are the body's words, in order, unless a word
    folded to nothing (then the counts differ and this gives None)."""
    if body_form is None:
        return None
    words = body_form.split(" ") if body_form else []
    forms: list[str] = []
    at = 0
    for part in _BLANK_LINE.split(body):
        count = len(part.split())
        if count:
            forms.append(" ".join(words[at:at + count]))
            at += count
    return forms if at == len(words) else None


def body_snippet(body: str, terms: list[Term], width: int = WINDOW, body_form: str | None = None) -> Snippet:
    """The paragraph that holds the most of `terms` (the first such), cut around its first
    match. `body_form`, the body's search form if known, spares folding each paragraph
    (Khmer folding is the slow part of showing a hit)."""
    paras = paragraphs(body)
    if not paras:
        return Snippet("")
    forms = _paragraph_forms(body, body_form)
    if forms is not None and len(forms) != len(paras):
        forms = None
    best, best_count = 0, 0
    for n, para in enumerate(paras):
        form = forms[n] if forms is not None else search_form(para)
        count = sum(1 for t in terms if t.pattern.search(form))
        if count > best_count:
            best, best_count = n, count
            if count == len(terms):
                break  # none can hold more
    text = paras[best]
    spans = highlight(text, terms) if best_count else []
    snippet = cut(text, spans, spans[0][0] if spans else 0, width)
    snippet.paragraph = best
    return snippet


def parallel_paragraph(body: str, index: int, width: int = WINDOW * 2) -> Snippet | None:
    """The paragraph at position `index` of another version's body, or None if it has none."""
    paras = paragraphs(body)
    if index < 0 or index >= len(paras):
        return None
    snippet = cut(paras[index], [], 0, width)
    snippet.paragraph = index
    return snippet
