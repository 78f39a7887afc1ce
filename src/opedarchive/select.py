"""Choosing and ordering posts: the filters shared by `list`, `summary` and `search`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from opedarchive.model import Post

SORT_KEYS = ("date", "title", "id", "outlet")


@dataclass
class PostFilter:
    """Filters of `list`; None or empty means "any"."""

    author: str | None = None
    tag: str | None = None
    lang: str | None = None
    outlet: str | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None
    year: int | None = None
    untranslated: bool = False
    # `--needs-translation`: the archive's languages, one of which the post must lack.
    needs_translation: tuple[str, ...] | None = None
    outdated: bool = False  # only posts with a translation whose original changed since
    include_drafts: bool = True

    def matches(self, post: Post) -> bool:
        original = post.original
        day = original.day
        if self.since and day < self.since:
            return False
        if self.until and day > self.until:
            return False
        if self.year and day.year != self.year:
            return False
        if self.lang and self.lang not in post.versions:
            return False
        if self.untranslated and len(post.versions) > 1:
            return False
        if self.needs_translation is not None and all(lang in post.versions for lang in self.needs_translation):
            return False
        if self.outdated:
            from opedarchive.translation import outdated_languages

            if not outdated_languages(post):
                return False
        if self.author and not _contains_any(post.list_field("authors"), self.author):
            return False
        if self.tag and self.tag.casefold() not in {t.casefold() for t in post.list_field("tags")}:
            return False
        if self.outlet and not _contains_any([v.get("outlet") for v in post.versions.values()], self.outlet):
            return False
        if self.kind and self.kind.casefold() not in {v.get("kind").casefold() for v in post.versions.values()}:
            return False
        return self.include_drafts or not original.meta.get("draft")


def _contains_any(values: list[str], needle: str) -> bool:
    folded = needle.casefold()
    return any(folded in v.casefold() for v in values if v)


def sort_posts(posts: list[Post], key: str = "date", reverse: bool = False) -> list[Post]:
    """Newest first for `date`; alphabetical for the others; `reverse` flips either."""
    if key == "date":
        ordered = sorted(posts, key=lambda p: (p.original.date.isoformat(), p.id), reverse=True)
    elif key == "title":
        ordered = sorted(posts, key=lambda p: (p.original.title.casefold(), p.id))
    elif key == "outlet":
        ordered = sorted(posts, key=lambda p: (p.field("outlet").casefold(), p.id))
    else:
        ordered = sorted(posts, key=lambda p: p.id)
    return ordered[::-1] if reverse else ordered
