"""The archive at a glance: the figures behind `summary` and its `--json` (an interface)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from opedarchive.model import Post
from opedarchive.select import sort_posts
from opedarchive.serialize import json_value, post_summary
from opedarchive.text.summary import plain_text


def count_words(body: str) -> int:
    """Words of a Markdown body: runs between spaces or zero-width spaces that hold a letter or
    a digit. Khmer written without spaces counts one word per unbroken run (an undercount)."""
    return sum(1 for token in plain_text(body).replace("\u200b", " ").split() if any(c.isalnum() for c in token))


@dataclass
class Summary:
    """The figures of `summary` for a selection of posts."""

    posts: int = 0
    languages: dict[str, int] = field(default_factory=dict)  # versions per language
    words: dict[str, int] = field(default_factory=dict)  # words per language
    by_year: dict[str, int] = field(default_factory=dict)  # "2022" -> posts, oldest first
    by_month: dict[str, int] = field(default_factory=dict)  # "2022-06" -> posts, oldest first
    authors: list[tuple[str, int]] = field(default_factory=list)  # most posts first
    outlets: list[tuple[str, int]] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    translated: int = 0  # posts with more than one language
    untranslated: list[str] = field(default_factory=list)  # ids of posts in one language, newest first
    latest: list[Post] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `summary --json` object."""
        def ranked(items: list[tuple[str, int]]) -> list[dict[str, Any]]:
            return [{"name": name, "posts": n} for name, n in items]

        return {
            "posts": self.posts,
            "translated": self.translated,
            "languages": self.languages,
            "words": self.words,
            "by_year": self.by_year,
            "by_month": self.by_month,
            "authors": ranked(self.authors),
            "outlets": ranked(self.outlets),
            "tags": ranked(self.tags),
            "untranslated": self.untranslated,
            "latest": [
                {"id": p.id, "date": json_value(p.original.date), "title": p.original.title,
                 "languages": p.languages, "summary": post_summary(p)}
                for p in self.latest
            ],
        }


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0].casefold()))


def summarize(posts: list[Post], latest: int = 5) -> Summary:
    """The figures for `posts`: counts per language, year and month, who wrote them and where,
    which lack a translation, and the `latest` newest."""
    result = Summary(posts=len(posts))
    languages: Counter[str] = Counter()
    words: Counter[str] = Counter()
    years: Counter[str] = Counter()
    months: Counter[str] = Counter()
    authors: Counter[str] = Counter()
    outlets: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    newest_first = sort_posts(posts, "date")
    for post in newest_first:
        for lang, version in post.versions.items():
            languages[lang] += 1
            words[lang] += count_words(version.body)
        day = post.original.day
        years[f"{day.year:04d}"] += 1
        months[f"{day.year:04d}-{day.month:02d}"] += 1
        # The original's names only: a translation spells the same people in its own script.
        authors.update(post.original.authors or post.list_field("authors"))
        outlet = post.field("outlet")
        if outlet:
            outlets[outlet] += 1
        tags.update(post.list_field("tags"))
        if len(post.versions) > 1:
            result.translated += 1
        else:
            result.untranslated.append(post.id)
    result.languages = dict(sorted(languages.items(), key=lambda item: -item[1]))
    result.words = {lang: words[lang] for lang in result.languages}
    result.by_year = dict(sorted(years.items()))
    result.by_month = dict(sorted(months.items()))
    result.authors = _ranked(authors)
    result.outlets = _ranked(outlets)
    result.tags = _ranked(tags)
    result.latest = newest_first[:latest]
    return result
