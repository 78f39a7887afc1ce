"""What a citation of one version of a post says: the record that the citation exports (CSL-JSON,
RIS, BibTeX) and the post pages' citation meta tags are all written from.

Every version is cited as a newspaper article: its own title, authors (the original's when it
names none: a translation is still their text), date (with its time when the file gives one),
outlet, URL (`source_url`, http and https only) and language; a translation also names its
translator and the original's title and language."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from opedarchive.model import Post, Version, as_list
from opedarchive.text.names import PersonName, split_name

_WEB_URL = re.compile(r"(?i)https?://\S+")


@dataclass(frozen=True)
class Citation:
    """One version of a post as a reference manager sees it."""

    key: str  # `<id>.<lang>`: unique in the archive, like the version's file name
    post_id: str
    lang: str
    title: str
    authors: list[str]  # as written in the front matter
    date: dt.date | dt.datetime
    outlet: str = ""
    url: str = ""
    translators: list[str] = field(default_factory=list)
    original_title: str = ""  # set on a translation only
    original_lang: str = ""

    @property
    def author_names(self) -> list[PersonName]:
        return [split_name(name) for name in self.authors]

    @property
    def translator_names(self) -> list[PersonName]:
        return [split_name(name) for name in self.translators]

    @property
    def has_time(self) -> bool:
        return isinstance(self.date, dt.datetime)

    @property
    def day(self) -> dt.date:
        return self.date.date() if isinstance(self.date, dt.datetime) else self.date


def one_line(text: str) -> str:
    """Text with every run of white space (line breaks included) made one space: citation
    formats are line-based."""
    return " ".join(text.split())


def web_url(value: str) -> str:
    """`value` if it is an http(s) URL, else "" (no `javascript:` link reaches a reference manager)."""
    value = value.strip()
    return value if _WEB_URL.fullmatch(value) else ""


def cite_version(post: Post, version: Version) -> Citation:
    """The citation of one version of `post`."""
    original = post.original
    translation = version is not original
    authors = version.authors or original.authors
    return Citation(
        key=f"{post.id}.{version.lang}",
        post_id=post.id,
        lang=version.lang,
        title=one_line(version.title),
        authors=[one_line(name) for name in authors if one_line(name)],
        date=version.date,
        outlet=one_line(version.get("outlet")),
        url=web_url(version.get("source_url")),
        translators=[one_line(name) for name in as_list(version.meta.get("translator")) if one_line(name)],
        original_title=one_line(original.title) if translation else "",
        original_lang=original.lang if translation else "",
    )


def cite_post(post: Post) -> list[Citation]:
    """One citation per version of `post`, the original first."""
    return [cite_version(post, version) for version in post.versions.values()]
