"""The archive at a glance: the figures behind `summary` and its `--json` (an interface)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opedarchive.model import Post
from opedarchive.serialize import json_value, post_summary
from opedarchive.text.summary import plain_text


def count_words(body: str) -> int:
    """Words of a Markdown body: runs between spaces or zero-width spaces that hold a letter or
    a digit. Khmer written without spaces counts one word per unbroken run (an undercount)."""
    return words_of_plain(plain_text(body))


def words_of_plain(plain: str) -> int:
    """`count_words` of a body already made plain text by `text.summary.plain_text`."""
    return sum(1 for token in plain.replace("\u200b", " ").split() if any(c.isalnum() for c in token))


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
    latest_ids: list[str] = field(default_factory=list)

    def figures(self) -> tuple[Any, ...]:
        """Everything but `latest`, as plain values (what the index keeps between runs)."""
        return (self.posts, self.languages, self.words, self.by_year, self.by_month, self.authors, self.outlets,
                self.tags, self.translated, self.untranslated)

    @classmethod
    def from_figures(cls, figures: tuple[Any, ...], latest: list[Post]) -> Summary:
        posts, languages, words, by_year, by_month, authors, outlets, tags, translated, untranslated = figures
        return cls(posts, languages, words, by_year, by_month, [tuple(a) for a in authors],
                   [tuple(o) for o in outlets], [tuple(t) for t in tags], translated, untranslated, latest)

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


@dataclass(slots=True)
class PostFacts:
    """What `summary` counts of one post: small, so that 100,000 of them fit in little memory."""

    id: str
    date: str  # the original's date (or date-time), ISO: the order of `list`; [:10] is its day
    langs: list[str]  # in the archive's order, the original first
    words: list[int]  # per language, in the same order
    authors: list[str]  # the original's, else those of every version
    outlet: str
    tags: list[str]

    @classmethod
    def of(cls, post: Post) -> PostFacts:
        original = post.original
        return cls(
            id=post.id, date=original.date.isoformat(), langs=post.languages,
            words=[v.words if v.words is not None else count_words(v.body) for v in post.versions.values()],
            # The original's names only: a translation spells the same people in its own script.
            authors=original.authors or post.list_field("authors"), outlet=post.field("outlet"),
            tags=post.list_field("tags"),
        )


def summarize(posts: list[Post], latest: int = 5) -> Summary:
    """The figures for `posts`: counts per language, year and month, who wrote them and where,
    which lack a translation, and the `latest` newest."""
    by_id = {p.id: p for p in posts}
    return summarize_facts([PostFacts.of(p) for p in posts], lambda ids: [by_id[i] for i in ids], latest)


def summarize_facts(facts: list[PostFacts], load: Callable[[list[str]], list[Post]], latest: int = 5) -> Summary:
    """`summarize` from the facts of each post; `load` gives the posts of some ids (the latest)."""
    result = Summary(posts=len(facts))
    languages: Counter[str] = Counter()
    words: Counter[str] = Counter()
    years: Counter[str] = Counter()
    months: Counter[str] = Counter()
    authors: Counter[str] = Counter()
    outlets: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    newest_first = sorted(facts, key=lambda f: (f.date, f.id), reverse=True)  # as select.sort_posts
    for post in newest_first:
        for lang, count in zip(post.langs, post.words, strict=True):
            languages[lang] += 1
            words[lang] += count
        years[post.date[:4]] += 1
        months[post.date[:7]] += 1
        authors.update(post.authors)
        if post.outlet:
            outlets[post.outlet] += 1
        tags.update(post.tags)
        if len(post.langs) > 1:
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
    result.latest = load([f.id for f in newest_first[:latest]]) if latest else []
    result.latest_ids = [f.id for f in newest_first[:latest]]
    return result
