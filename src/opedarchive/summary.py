"""The archive at a glance: the figures behind `summary` and its `--json` (an interface)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opedarchive.model import Post, Version
from opedarchive.serialize import json_value, post_summary
from opedarchive.text.summary import plain_text
from opedarchive.text.words import count_words as count_plain_words
from opedarchive.text.words import reading_minutes, reading_words


def count_words(body: str) -> int:
    """Words of a Markdown body: Khmer words as the segmenter cuts them (`text.words`), other
    words between spaces or zero-width spaces (a run that holds a letter or a digit)."""
    return count_plain_words(plain_text(body))


def version_reading_minutes(version: Version) -> int:
    """Minutes to read one version silently: its words between spaces, its Khmer estimated from
    the letter clusters (`text.words.reading_words`; no segmenter, so whole sites stay fast).
    `show`, `show --json` and the website all give this figure."""
    return reading_minutes(reading_words(plain_text(version.body)), version.lang)


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
    needs_translation: list[str] = field(default_factory=list)  # ids of posts lacking an archive language
    outdated: list[str] = field(default_factory=list)  # ids of posts with an outdated translation
    latest: list[Post] = field(default_factory=list)
    latest_ids: list[str] = field(default_factory=list)

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
            "needs_translation": self.needs_translation,
            "outdated": self.outdated,
            "latest": [
                {"id": p.id, "date": json_value(p.original.date), "title": p.original.title,
                 "languages": p.languages, "summary": post_summary(p)}
                for p in self.latest
            ],
        }


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold(), item[0]))


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
    missing: list[str]  # the archive's languages the post has no version in
    outdated: list[str]  # the languages of its outdated translations

    @classmethod
    def of(cls, post: Post, languages: list[str]) -> PostFacts:
        from opedarchive.translation import missing_languages, outdated_languages

        original = post.original
        return cls(
            id=post.id, date=original.date.isoformat(), langs=post.languages,
            words=[v.words if v.words is not None else count_words(v.body) for v in post.versions.values()],
            # The original's names only: a translation spells the same people in its own script.
            authors=original.authors or post.list_field("authors"), outlet=post.field("outlet"),
            tags=post.list_field("tags"), missing=missing_languages(post, languages),
            outdated=outdated_languages(post),
        )

    def plain(self) -> tuple[Any, ...]:
        """Plain values (for marshal)."""
        return (self.id, self.date, self.langs, self.words, self.authors, self.outlet, self.tags, self.missing,
                self.outdated)

    @classmethod
    def from_plain(cls, value: tuple[Any, ...]) -> PostFacts:
        return cls(*value)


def summarize(posts: list[Post], latest: int = 5, languages: list[str] | None = None) -> Summary:
    """The figures for `posts`: counts per language, year and month, who wrote them and where,
    which lack a translation, and the `latest` newest."""
    by_id = {p.id: p for p in posts}
    facts = [PostFacts.of(p, languages or []) for p in posts]
    return summarize_facts(facts, lambda ids: [by_id[i] for i in ids], latest, languages)


def summarize_facts(facts: list[PostFacts], load: Callable[[list[str]], list[Post]], latest: int = 5,
                    languages: list[str] | None = None) -> Summary:
    """`summarize` from the facts of each post; `load` gives the posts of some ids (the latest)."""
    tally = Tally()
    for post in facts:
        tally.add(post)
    newest = sorted(facts, key=lambda f: (f.date, f.id), reverse=True)[:latest]  # as select.sort_posts
    return tally.summary([f.id for f in newest], load, languages or [])


@dataclass
class Tally:
    """The counts behind a `Summary`, kept so that posts can be added and taken away one at a
    time: the index keeps the whole archive's and updates it from the posts that changed."""

    posts: int = 0
    translated: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    words: dict[str, int] = field(default_factory=dict)
    years: dict[str, int] = field(default_factory=dict)
    months: dict[str, int] = field(default_factory=dict)
    authors: dict[str, int] = field(default_factory=dict)
    outlets: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    untranslated: dict[str, str] = field(default_factory=dict)  # post id -> its date
    needs: dict[str, str] = field(default_factory=dict)  # post id -> its date: posts lacking an archive language
    outdated: dict[str, str] = field(default_factory=dict)  # post id -> its date: posts with an outdated translation

    def add(self, post: PostFacts, sign: int = 1) -> None:
        """Count `post` in (sign 1) or out again (sign -1, with the facts it was counted with)."""
        def bump(counts: dict[str, int], key: str, by: int = 1) -> None:
            value = counts.get(key, 0) + sign * by
            if value:
                counts[key] = value
            else:
                counts.pop(key, None)

        self.posts += sign
        for lang, count in zip(post.langs, post.words, strict=True):
            bump(self.languages, lang)
            bump(self.words, lang, count)
        bump(self.years, post.date[:4])
        bump(self.months, post.date[:7])
        for author in post.authors:
            bump(self.authors, author)
        if post.outlet:
            bump(self.outlets, post.outlet)
        for tag in post.tags:
            bump(self.tags, tag)
        if len(post.langs) > 1:
            self.translated += sign
        elif sign > 0:
            self.untranslated[post.id] = post.date
        else:
            self.untranslated.pop(post.id, None)
        for listed, counted in ((self.needs, post.missing), (self.outdated, post.outdated)):
            if counted and sign > 0:
                listed[post.id] = post.date
            elif counted:
                listed.pop(post.id, None)

    def summary(self, latest_ids: list[str], load: Callable[[list[str]], list[Post]],
                languages: list[str]) -> Summary:
        """The figures; languages with as many versions are in the archive's language order."""
        rank = {lang: n for n, lang in enumerate(languages)}
        langs = sorted(self.languages, key=lambda lang: (-self.languages[lang], rank.get(lang, len(rank)), lang))
        def newest_first(dated: dict[str, str]) -> list[str]:
            return [post_id for post_id, _ in sorted(dated.items(), key=lambda item: (item[1], item[0]), reverse=True)]

        result = Summary(
            posts=self.posts, languages={lang: self.languages[lang] for lang in langs},
            words={lang: self.words.get(lang, 0) for lang in langs},
            by_year=dict(sorted(self.years.items())), by_month=dict(sorted(self.months.items())),
            authors=_ranked(self.authors), outlets=_ranked(self.outlets), tags=_ranked(self.tags),
            translated=self.translated, untranslated=newest_first(self.untranslated),
            needs_translation=newest_first(self.needs), outdated=newest_first(self.outdated),
        )
        result.latest = load(latest_ids) if latest_ids else []
        result.latest_ids = latest_ids
        return result

    def plain(self) -> tuple[Any, ...]:
        """Plain values (for marshal)."""
        return (self.posts, self.translated, self.languages, self.words, self.years, self.months, self.authors,
                self.outlets, self.tags, self.untranslated, self.needs, self.outdated)

    @classmethod
    def from_plain(cls, value: tuple[Any, ...]) -> Tally:
        return cls(*value)
