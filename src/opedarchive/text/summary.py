"""Extractive one-line summaries: the first sentences of a body, up to about 200 characters."""

from __future__ import annotations

import re
from collections.abc import Iterator

_SENTENCE_END = re.compile(r"(?<=[.!?។៕])[\"”’»)]*\s+|(?<=[។៕])")
_MARKDOWN_NOISE = re.compile(r"^\s*(?:#+|[-*+]|[0-9]+[.)]|>)\s+", re.M)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")


def plain_text(markdown: str) -> str:
    """A rough plain-text form of Markdown, for summaries and word counts."""
    # Each pass only where it can change something: a pass over a book-length body costs 20 ms.
    text = _LINK.sub(r"\1", markdown) if "](" in markdown else markdown
    text = _MARKDOWN_NOISE.sub("", text)
    return _EMPHASIS.sub("", text) if "*" in text or "_" in text or "`" in text else text


def sentences(text: str) -> list[str]:
    """Split into sentences at `.`, `!`, `?`, `។` and `៕`."""
    return list(_sentences(text))


def _sentences(text: str) -> Iterator[str]:
    """`sentences`, one at a time (a summary needs only the first few of a long text)."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        piece = text[start:end.start()].strip()
        start = end.end()
        if piece:
            yield piece
    piece = text[start:].strip()
    if piece:
        yield piece


# A summary is made of the first three paragraphs that hold text: the body's first SUMMARY_BLOCKS
# blocks between blank lines are made plain, not all of it (a book-length body's whole plain text
# cost its export 0.2 s).
SUMMARY_BLOCKS = 64


def extract_summary(body: str, limit: int = 200) -> str:
    """The first sentences of `body` that fit in about `limit` characters (at least one,
    cut at a word boundary with an ellipsis when that one is longer)."""
    end = -2
    for _ in range(SUMMARY_BLOCKS):
        end = body.find("\n\n", end + 2)
        if end < 0:
            break
    return summary_of_plain(plain_text(body[:end] if end >= 0 else body), limit)


def _first_sentences(pieces: list[str], limit: int) -> tuple[str, int]:
    """The first sentences that fit in about `limit` characters, and how many were looked at."""
    out = ""
    looked = 0
    for sentence in pieces:
        looked += 1
        candidate = f"{out} {sentence}".strip()
        if out and len(candidate) > limit:
            break
        out = candidate
        if len(out) >= limit:
            break
    return out, looked


def summary_of_plain(plain: str, limit: int = 200) -> str:
    """`extract_summary` of a body already made plain text by `plain_text`."""
    paragraphs = [p for p in plain.split("\n\n", SUMMARY_BLOCKS)[:SUMMARY_BLOCKS] if p.strip()]
    if not paragraphs:
        return ""
    # The sentences are looked for in the first `head` characters of the first three paragraphs,
    # not in all of them (a 15 MB paragraph's words, listed to collapse its spaces, held 130 MB).
    # When the last sentence of that head was looked at, the whole text could have said otherwise:
    # the head grows and it is done again, so the summary is always that of all three.
    head = 8 * (limit + 40)
    while True:
        parts: list[str] = []
        room, shortened = head, False
        for paragraph in paragraphs[:3]:
            if len(paragraph) > room:
                parts.append(paragraph[:room])
                shortened = True
                break
            parts.append(paragraph)
            room -= len(paragraph)
        pieces = sentences(" ".join(" ".join(p.split()) for p in parts))
        out, looked = _first_sentences(pieces, limit)
        if not shortened or looked < len(pieces):
            break
        head *= 4
    return ellipsized(out, limit)


def ellipsized(text: str, limit: int) -> str:
    """`text`, or when it is longer than `limit` + 40 its first `limit` characters cut at a word
    boundary (if one is past the middle) with an ellipsis."""
    if len(text) <= limit + 40:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"
