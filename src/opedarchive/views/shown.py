"""Posts as the terminal is given them: every string a post holds — front matter (nested values
too), body, summary — with its control characters made visible (`text.visible`). The commands
that draw posts (`list`, `show`, `summary`) pass them through here first, so that no view, nor
the width and alignment computed from the text, ever sees one."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from opedarchive.model import Post, Version
from opedarchive.summary import Summary
from opedarchive.text.visible import visible, visible_layout


def shown_value(value: Any) -> Any:
    """A front-matter value with its strings (keys too) made visible; other values as they are.
    (Values are nested at most `model.MAX_VALUE_DEPTH` deep: this recursion is bounded.)"""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {shown_value(k): shown_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shown_value(v) for v in value]
    return value


def shown_version(version: Version) -> Version:
    """A copy of `version` to show: one-line values made visible; the body keeping its line
    feeds and tabs, which lay it out."""
    return Version(
        lang=visible(version.lang),
        meta=shown_value(version.meta),
        body=visible_layout(version.body),
        path=version.path,
        abstract=None if version.abstract is None else visible(version.abstract),
        words=version.words,
    )


def shown_post(post: Post) -> Post:
    """A copy of `post` whose every version is `shown_version`."""
    return Post(post.id, {lang: shown_version(version) for lang, version in post.versions.items()})


def shown_summary(figures: Summary) -> Summary:
    """A copy of `summary`'s figures to show: names, languages and the latest posts made visible."""
    def ranked(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
        return [(visible(name), n) for name, n in items]

    return replace(
        figures,
        languages={visible(k): n for k, n in figures.languages.items()},
        words={visible(k): n for k, n in figures.words.items()},
        authors=ranked(figures.authors), outlets=ranked(figures.outlets), tags=ranked(figures.tags),
        untranslated=[visible(i) for i in figures.untranslated],
        needs_translation=[visible(i) for i in figures.needs_translation],
        outdated=[visible(i) for i in figures.outdated],
        latest=[shown_post(post) for post in figures.latest],
    )
