"""Extractive one-line summaries: the first sentences of a body, up to about 200 characters."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?។៕])[\"”’»)]*\s+|(?<=[។៕])")
_MARKDOWN_NOISE = re.compile(r"^\s*(?:#+|[-*+]|[0-9]+[.)]|>)\s+", re.M)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")


def plain_text(markdown: str) -> str:
    """A rough plain-text form of Markdown, for summaries and word counts."""
    text = _LINK.sub(r"\1", markdown)
    text = _MARKDOWN_NOISE.sub("", text)
    return _EMPHASIS.sub("", text)


def sentences(text: str) -> list[str]:
    """Split into sentences at `.`, `!`, `?`, `។` and `៕`."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def extract_summary(body: str, limit: int = 200) -> str:
    """The first sentences of `body` that fit in about `limit` characters (at least one,
    cut at a word boundary with an ellipsis when that one is longer)."""
    paragraphs = [p for p in plain_text(body).split("\n\n") if p.strip()]
    if not paragraphs:
        return ""
    text = " ".join(" ".join(p.split()) for p in paragraphs[:3])
    out = ""
    for sentence in sentences(text):
        candidate = f"{out} {sentence}".strip()
        if out and len(candidate) > limit:
            break
        out = candidate
        if len(out) >= limit:
            break
    if len(out) > limit + 40:
        cut = out[:limit]
        space = cut.rfind(" ")
        out = (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"
    return out
