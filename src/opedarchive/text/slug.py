"""Slugs and post ids: `YYYY-MM-DD-<slug>`, ASCII, lower-case, hyphenated, at most 60 characters."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MAX_SLUG = 60
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Labels that outlets put before a title; they say what kind of piece it is, not what it is about.
_TITLE_LABEL = re.compile(r"^(letter|op-ed|opinion|commentary|statement|editorial|essay)\s*:\s*"
                          "|^(លិខិត|មតិ|សេចក្[ដត]ីថ្លែងការណ៍)\u200b?\\s*[:៖]\\s*", re.I)
ID_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")


def _ascii_words(text: str) -> str:
    text = text.replace("’", "").replace("'", "").replace("‘", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub("-", text).strip("-")


def slugify(title: str) -> str:
    """A slug from a title; titles with no ASCII letters (Khmer-only) get a short hash."""
    words = _ascii_words(_TITLE_LABEL.sub("", title)) or _ascii_words(title)
    if not words:
        import hashlib

        # (surrogatepass: a lone surrogate, which no post can hold, still gives a slug, not an error)
        return "p" + hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return _cut(words)


# A stretch of Khmer, with the zero-width characters that may sit inside it.
_KHMER_SPAN = re.compile("[\u1780-\u17ff\u19e0-\u19ff\u200b-\u200d\u2060\ufeff]+")
# Khmer letters and signs: a run the segmenter splits into words (digits and punctuation end it).
_KHMER_LETTERS = re.compile("[\u1780-\u17d3\u17dd]+")


def _cut(words: str) -> str:
    """`words` (hyphenated) cut to MAX_SLUG characters at a hyphen where there is one."""
    if len(words) > MAX_SLUG:
        cut = words[: MAX_SLUG + 1]
        words = cut[: cut.rfind("-")] if "-" in cut[:MAX_SLUG] else words[:MAX_SLUG]
    return words.strip("-")


def _romanized(span: str) -> str:
    """A stretch of Khmer as hyphenated Latin words: zero-width characters dropped and spelling
    normalised (as search does), split into words by the segmenter, each word romanised."""
    from opedarchive.text.khmer import fold
    from opedarchive.text.romanize import romanize_word
    from opedarchive.text.words import khmer_words

    folded = fold(span)
    parts: list[str] = []
    at = 0
    for match in _KHMER_LETTERS.finditer(folded):
        parts.append(folded[at:match.start()])  # digits (ASCII by now), punctuation
        parts.extend(romanize_word(word) for word in khmer_words(match.group()))
        at = match.end()
    parts.append(folded[at:])
    return "-".join(parts)


def _title_words(title: str) -> str:
    """Every word of a title in order, Latin as it is and Khmer romanised, hyphenated."""
    if not _KHMER_SPAN.search(title):
        return _ascii_words(title)
    pieces: list[str] = []
    at = 0
    for match in _KHMER_SPAN.finditer(title):
        pieces.append(_ascii_words(title[at:match.start()]))
        pieces.append(_NON_ALNUM.sub("-", _romanized(match.group())).strip("-"))
        at = match.end()
    pieces.append(_ascii_words(title[at:]))
    return "-".join(p for p in pieces if p)


def title_slug(title: str) -> str:
    """The slug of a new post's id: the title's words in order, Khmer romanised by the UNGEGN
    table (`docs/khmer-ids.md`), hyphenated, at most MAX_SLUG characters; the same for two
    spellings search treats as one. A title with no letter or digit at all gets a short hash."""
    words = _title_words(_TITLE_LABEL.sub("", title)) or _title_words(title)
    if not words:
        return slugify(title)
    return _cut(words)


def make_id(day: date, title: str) -> str:
    """The id a post of this date and title would get (before collision handling)."""
    return f"{day.isoformat()}-{title_slug(title)}"


def is_valid_id(post_id: str) -> bool:
    """True for a well-formed post id."""
    return bool(ID_RE.match(post_id))
