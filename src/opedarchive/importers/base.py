"""What every importer yields: items holding one post's language versions, or an error with its
place; and what importers share: date and list values, the dedupe key, bilingual bodies."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from opedarchive.errors import OpedError
from opedarchive.importers.textpost import Part, paragraphs_of, parse_part, split_languages
from opedarchive.model import (
    MAX_POST_BYTES,
    MB,
    Version,
    body_problem,
    decode_post_bytes,
    nfc,
    read_limited,
    render_post,
    validate_lang,
    value_problem,
)
from opedarchive.text.script import detect_language

# The largest source read whole (a saved page; a feed, which feedparser reads whole): checked
# from its size, or by reading no more, before it is read.
MAX_SOURCE_BYTES = 64 * MB
# The largest item of a source read as a stream: a line of JSON Lines, a post object of a JSON
# export, a WordPress <item> (its XML): its text must then fit a post (MAX_POST_BYTES).
MAX_ITEM_BYTES = 64 * MB


class SourceError(OpedError):
    """A whole source cannot be read or parsed."""


@dataclass
class ImportItem:
    """One post from a source, or the reason it could not be read (`error`), with its place.

    An importer gives the post either as `parts` (parsed from plain text) or as `ready`
    versions (front matter and Markdown body already made); `extra_meta` goes on every part."""

    where: str
    parts: list[Part] = field(default_factory=list)
    error: str = ""
    notices: list[str] = field(default_factory=list)
    # What the source holds but the import leaves out on purpose: (place, what, how many).
    left_out: list[tuple[str, str, int]] = field(default_factory=list)
    extra_meta: dict[str, object] = field(default_factory=dict)
    ready: list[Version] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)  # content_hash of each version, where known
    # A translation group within the source: a later item of the same group joins this post.
    group: str = ""
    # Versions joined from separate items of the source (WPML or Polylang posts of one group,
    # Markdown files paired by name, folder or translationKey), and whether the source says which
    # is the original (then it comes first). When it does not, the import takes the one dated
    # earliest, else the one in the archive's first language, else the first read (docs/importing.md).
    joined: bool = False
    original_stated: bool = False
    # Versions as our own export wrote them (JSON, JSONL): imported as they are, with no
    # translation status added (`translation_of` is recorded for versions an import pairs).
    as_written: bool = False
    # The result of versions(), when prepare() has made it already (in a worker process).
    prepared: list[Version] | None = field(default=None, repr=False)

    def prepare(self) -> None:
        """Do the per-post work that needs no archive, where it can run in another process:
        the versions, their dedupe hashes and their files' bytes. A version that cannot be
        made is left for versions() to report."""
        try:
            versions = self.versions()
        except OpedError:
            return
        self.hashes = [content_hash(v.body) for v in versions]
        for version in versions:
            version.rendered = render_post(version).encode("utf-8")
        self.prepared = versions
        if not self.parts:
            self.ready = versions  # the same, made again (so one copy travels between processes)

    def versions(self) -> list[Version]:
        """The post's versions to write, the original first; one version per language.
        Raises SourceError when a version lacks a title, a date or a valid language."""
        if self.prepared is not None:
            return self.prepared
        out: list[Version] = []
        seen: set[str] = set()
        for part in self.parts:
            if part.lang in seen:
                continue
            seen.add(part.lang)
            meta = {**part.meta(), **self.extra_meta}
            meta["title"] = nfc(str(meta["title"]))
            out.append(Version(lang=part.lang, meta=meta, body=nfc(part.body)))
        for version in self.ready:
            if version.lang in seen:
                continue
            seen.add(version.lang)
            meta = {**version.meta, "lang": version.lang}
            meta["title"] = nfc(str(meta.get("title") or "").strip())
            out.append(Version(lang=version.lang, meta=meta, body=nfc(version.body)))
        for version in out:
            check_version(version)
        return out


def check_version(version: Version) -> None:
    """Refuse a version that could not be written as a valid post file, or not read back."""
    if not validate_lang(version.lang):
        raise SourceError(f"not a language code: {version.lang!r}")
    if not str(version.meta.get("title") or "").strip():
        raise SourceError("no title")
    if not isinstance(version.meta.get("date"), (date, datetime)):
        raise SourceError("no date")
    problem = value_problem(version.meta) or body_problem(version.body)
    if problem is not None:
        raise SourceError(problem)
    if not version.body.strip() and not version.meta.get("images"):
        raise SourceError("no text (neither a body nor an image)")
    check_text_size(len(version.body.encode("utf-8", "surrogatepass")), "the text")


def check_text_size(size: int, what: str) -> None:
    """Refuse a text of `size` bytes that no post file could hold."""
    if size > MAX_POST_BYTES:
        raise SourceError(f"{what} is too large for a post ({size // MB} MB; the limit is {MAX_POST_BYTES // MB} MB)")


_NOT_WORDS = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|[^\w\u17b4-\u17d3\u0300-\u036f]+|_+")
# Without a link target (`](`), _NOT_WORDS removes exactly what lies outside these runs, and
# joining the runs is twice as fast as substituting every gap between them (measured).
_WORD_RUNS = re.compile(r"[\w\u17b4-\u17d3\u0300-\u036f]+")
# A regex, not str.translate: translate with a table is a dict lookup per character (3 s for
# 15,000 posts, measured), a regex with nothing to replace is one C scan.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u17b4\u17b5]")
_KHMER_DIGIT = re.compile("[\u17e0-\u17e9]")
# In ASCII text the words are the letters and digits: every other byte is dropped in one C pass.
_ASCII_NOT_WORDS = bytes(c for c in range(128) if not chr(c).isalnum())


def _fold_khmer_digits(text: str) -> str:
    """Khmer digits as ASCII: ten C replaces take 4 µs where str.translate takes 220 µs on a
    4,000-character Khmer text (measured)."""
    for i, digit in enumerate("\u17e0\u17e1\u17e2\u17e3\u17e4\u17e5\u17e6\u17e7\u17e8\u17e9"):
        text = text.replace(digit, str(i))
    return text


def content_hash(body: str) -> str:
    """The dedupe key of a body: its words only — NFC, case-folded, Khmer digits as ASCII, no
    zero-width characters, white space, punctuation, Markdown marks or link targets — so the
    same text converted by two tools (a WordPress export and a feed, say) gives the same key.
    (Khmer spelling variants are search's business: normalising them costs 30 ms a post.)"""
    if body.isascii() and "](" not in body:  # most English posts: 20 µs instead of 120 (measured)
        return hashlib.sha256(body.encode("ascii").translate(None, _ASCII_NOT_WORDS).lower()).hexdigest()[:32]
    text = unicodedata.normalize("NFC", body)
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    text = text.casefold()
    if _KHMER_DIGIT.search(text):
        text = _fold_khmer_digits(text)
    if "](" in text:
        words = _NOT_WORDS.sub("", text)
    else:  # white space is never a word character: str.split drops it faster than a regex
        words = "".join(_WORD_RUNS.findall("".join(text.split()))).replace("_", "")
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:32]


def read_text_source(path: Path) -> str:
    """A text source as a string, with a one-line error for anything unreadable."""
    try:
        return decode_post_bytes(read_limited(path, MAX_SOURCE_BYTES), path, MAX_SOURCE_BYTES)
    except OpedError as exc:
        raise SourceError(str(exc)) from None


# ---------------------------------------------------------------------------- values

_LOOSE_DATETIME = re.compile(
    r"^(?P<day>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?:[T ]+(?P<h>[0-9]{1,2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2}))?"
    r"(?:\.(?P<frac>[0-9]+))?\s*(?P<tz>Z|[+-][0-9]{2}:?[0-9]{2})?)?$"
)


def parse_date_value(value: Any) -> date | datetime | None:
    """A date from a front-matter or export value: a date or date-time, an ISO string, a
    Jekyll or Pelican string (`2022-06-15 10:00:00 +0700`, `2022-06-15 10:00`) or an RFC 822
    one (`Wed, 15 Jun 2022 10:00:00 +0700`); None when it is none of these."""
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    m = _LOOSE_DATETIME.match(text)
    if m:
        try:
            y, mo, d = (int(x) for x in m["day"].split("-"))
            if m["h"] is None:
                return date(y, mo, d)
            tz = None
            if m["tz"] == "Z":
                tz = timezone.utc
            elif m["tz"]:
                digits = m["tz"][1:].replace(":", "")
                offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                tz = timezone(-offset if m["tz"][0] == "-" else offset)
            micro = int((m["frac"] or "0")[:6].ljust(6, "0"))  # (kept: a round trip is exact)
            return datetime(y, mo, d, int(m["h"]), int(m["m"]), int(m["s"] or 0), micro, tzinfo=tz)
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def as_list(value: Any, *, sep: str | None = ",") -> list[str]:
    """A list value from a string (split at `sep`; at white space when `sep` is None) or a list."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [s.strip() for s in str(value).split(sep) if s.strip()]


def metadata_list(value: Any) -> list[str]:
    """A list of names as Pelican reads one (and Docutils its `authors` field): a list as it is;
    a string split at semicolons when it has any, else at commas."""
    if isinstance(value, str):
        return as_list(value, sep=";" if ";" in value else ",")
    return as_list(value)


def unique(values: list[str], drop: tuple[str, ...] = ()) -> list[str]:
    """Values in order, each once (case-insensitively), without those in `drop`."""
    out: dict[str, str] = {}
    for value in values:
        key = value.casefold()
        if key not in out and key not in drop:
            out[key] = value
    return list(out.values())


# ---------------------------------------------------------------------------- bilingual bodies

_KHMER = re.compile("[\u1780-\u17ff]")
SAMPLE = 4000
# The shorter language run of a body must hold this share of its text to be a translation.
MIN_PART_SHARE = 0.15
_LATIN = re.compile("[A-Za-z]{3}")


def _size(run: list[list[str]]) -> int:
    return sum(len(block[0]) for block in run)


def language_of(body: str, title: str = "") -> str:
    """The language of a text the source says nothing about: Khmer by its script; any other by
    a language detector (`text.langid`) on its title and first few thousand characters; else
    English."""
    if not body.strip() and not title.strip():
        return "en"
    by_script = detect_language(body[:SAMPLE]) if body.strip() else "en"
    if by_script != "en":
        return by_script
    from opedarchive.text.langid import guess_language

    return guess_language(f"{title}\n\n{body[:SAMPLE]}") or "en"


def bilingual_versions(meta: dict[str, Any], body: str, lang: str = "") -> list[Version]:
    """One version for `body` in `lang` (else in the language of its script), or two when it
    holds a run of paragraphs in one language and then a run in another: an original and its
    translation, split as the page importer splits them (the shorter run holding at least
    MIN_PART_SHARE of the text). The original keeps `meta` and its text as written; the
    translation takes its title, dateline, authors and captions from its own first and last
    lines where it has them, else the original's."""
    if lang:
        return [Version(lang=lang, meta={**meta, "lang": lang}, body=body)]
    blocks = [b.strip("\n") for b in re.split(r"\n[ \t]*\n", body) if b.strip()]
    runs = split_languages([[b] for b in blocks]) if _KHMER.search(body) and _LATIN.search(body) else []
    if len(runs) == 2 and min(_size(run) for _, run in runs) < MIN_PART_SHARE * _size(runs[0][1] + runs[1][1]):
        runs = []  # a line or two in the other language (a note, a link) is not a translation
    if len(runs) != 2:
        found = language_of(body)
        return [Version(lang=found, meta={**meta, "lang": found}, body=body)]
    (first_lang, first), (second_lang, second) = runs
    part = parse_part(second_lang, paragraphs_of("\n\n".join(b[0] for b in second)), title_first=False)
    translation: dict[str, Any] = {"title": part.title or meta.get("title", ""), "date": part.date or meta.get("date"),
                                   "lang": second_lang}
    extra = {"authors": part.authors or meta.get("authors"), "affiliation": part.affiliation,
             "kind": part.kind or meta.get("kind"), "images": part.images, "draft": meta.get("draft")}
    translation.update({k: v for k, v in extra.items() if v})
    return [
        Version(lang=first_lang, meta={**meta, "lang": first_lang}, body="\n\n".join(b[0] for b in first)),
        Version(lang=second_lang, meta=translation, body=part.body),
    ]
