"""Slugs and post ids: `YYYY-MM-DD-<slug>`, ASCII, lower-case, hyphenated, at most 60 characters."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MAX_SLUG = 60
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Labels that outlets put before a title; they say what kind of piece it is, not what it is about.
_TITLE_LABEL = re.compile(r"^(letter|op-ed|opinion|commentary|statement|editorial|essay)\s*:\s*", re.I)
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

        return "p" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]
    if len(words) > MAX_SLUG:
        cut = words[: MAX_SLUG + 1]
        words = cut[: cut.rfind("-")] if "-" in cut[:MAX_SLUG] else words[:MAX_SLUG]
    return words.strip("-")


def make_id(day: date, title: str) -> str:
    """The id a post of this date and title would get (before collision handling)."""
    return f"{day.isoformat()}-{slugify(title)}"


def is_valid_id(post_id: str) -> bool:
    """True for a well-formed post id."""
    return bool(ID_RE.match(post_id))
