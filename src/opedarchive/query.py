"""The search query language: words, "phrases", word* prefixes, -exclusion, OR, and filters.

    election "national election committee" -court nec OR ngo author:seng year:2022

Every term is matched against the search form of a text (`text.searchform`), so case,
zero-width characters, Khmer spelling variants and Khmer digits never matter. A term whose
edge is a letter or digit of a spaced script (Latin, …) must start and end a word there
(`nec` does not match `necessary`; `elect*` matches `election`); Khmer, written without
spaces, is matched inside longer runs (`ឆ្នោត` inside `ការបោះឆ្នោត`) but never through a
letter group: `រាប់` is not found in `សម្រាប់`, where its `រ` is a subscript.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from opedarchive.errors import UsageError
from opedarchive.text.searchform import search_form

FILTER_KEYS = ("author", "tag", "lang", "outlet", "kind", "year")
# The longest query (characters, i.e. code points), refused before it is parsed: a pasted page
# (about 1,500 words) is searched; more is no search. Its cost grows with its words.
MAX_QUERY_CHARS = 10_000
# A letter or digit that is not Khmer: such a character next to a term means the term is
# only part of a word.
_WORD_CHAR = r"[^\W_\u1780-\u17ff]"
# Khmer clusters (spec §4): a base (consonant or independent vowel), then dependent vowels and
# signs, or a coeng (U+17D2) with the consonant it puts beneath. A match may not cut one.
COENG = "\u17d2"
_BASE = "\u1780-\u17b3"
_SIGN = "\u17b6-\u17d1\u17d3\u17dd"
_IN_CLUSTER = "\u1780-\u17d3\u17dd"  # what a sign or a subscript attaches to: base, sign or coeng
_BASE_RE = re.compile(f"[{_BASE}]")
_SIGN_RE = re.compile(f"[{_SIGN}]")
_IN_CLUSTER_RE = re.compile(f"[{_IN_CLUSTER}]")
_FILTER_RE = re.compile(r"(-?)([A-Za-z]+):(.*)\Z", re.S)
_YEAR_RE = re.compile(r"[0-9]{4}\Z")
# The matches of a term in one text looked at for a whole-word one (ranking, spec §6).
WHOLE_CHECKS = 16


def _trimmed(ch: str) -> bool:
    """Punctuation trimmed from the ends of a bare word: `(Kangaroo`, `court.`, `ឆ្នោត។`."""
    return ch in "។៕៖" or (ord(ch) < 0x2100 and ch not in "*#@$%&+" and unicodedata.category(ch)[0] in "PS")


def _trim(word: str) -> str:
    start, end = 0, len(word)
    while start < end and _trimmed(word[start]):
        start += 1
    while end > start and _trimmed(word[end - 1]):
        end -= 1
    return word[start:end]


@dataclass(frozen=True)
class Term:
    """One word, prefix or phrase, in its search form."""

    text: str
    form: str
    prefix: bool = False

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Where the term occurs in a search form, honouring word edges of spaced scripts and
        Khmer cluster edges (`splits_cluster`, as lookarounds)."""
        form = self.form
        body = re.escape(form)
        if re.match(_WORD_CHAR, form[0]):
            body = f"(?<!{_WORD_CHAR})" + body
        if not self.prefix and re.match(_WORD_CHAR, form[-1]):
            body += f"(?!{_WORD_CHAR})"
        return re.compile(_cluster_start(form) + body + ("" if self.prefix else _cluster_end(form)))

    @property
    def khmer_edges(self) -> tuple[bool, bool]:
        """Whether the term starts, and ends (not a prefix), with a Khmer letter or sign: there a
        match may fall inside a segmenter word."""
        return bool(_IN_CLUSTER_RE.match(self.form[0])), not self.prefix and bool(_IN_CLUSTER_RE.match(self.form[-1]))

    def whole_in(self, form: str, is_break: Callable[[str, int], bool]) -> bool:
        """True when the term occurs in `form` (a search form) as whole words: each Khmer edge
        of the match on a word boundary (`is_break(form, offset)`; spec §6). Only the first
        WHOLE_CHECKS matches are looked at."""
        check_start, check_end = self.khmer_edges
        match = self.pattern.search(form)
        for _ in range(WHOLE_CHECKS):  # overlapping matches too, as search.js finds them
            if match is None:
                break
            if (not check_start or is_break(form, match.start())) and (not check_end or is_break(form, match.end())):
                return True
            match = self.pattern.search(form, match.start() + 1)
        return False

    def found_in(self, *forms: str) -> bool:
        return any(self.pattern.search(f) for f in forms)

    def __str__(self) -> str:
        return self.text


@dataclass
class Query:
    """All of `groups` (each: any one of its terms), none of `excluded`, and every filter."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    filters: list[tuple[str, str]] = field(default_factory=list)
    negated_filters: list[tuple[str, str]] = field(default_factory=list)

    @property
    def terms(self) -> list[Term]:
        """Every term to look for (not the excluded ones), in query order."""
        return [t for group in self.groups for t in group]

    def matches(self, *forms: str) -> bool:
        """True when the texts (search forms: title, body) satisfy the words of the query."""
        return all(any(t.found_in(*forms) for t in group) for group in self.groups) and not any(
            t.found_in(*forms) for t in self.excluded
        )

    @property
    def ranks_words(self) -> bool:
        """Whether the order depends on word boundaries: some term has a Khmer edge (spec §6)."""
        return any(any(t.khmer_edges) for t in self.terms)

    def whole_groups(self, forms: tuple[str, ...], is_break: Callable[[str, int], bool]) -> int:
        """How many groups have a term occurring in one of `forms` as whole words (a term
        without a Khmer edge counts when it occurs)."""
        return sum(any(t.whole_in(f, is_break) for t in group for f in forms) for group in self.groups)


def splits_cluster(text: str, at: int) -> bool:
    """True when cutting `text` at offset `at` splits a Khmer cluster: before a dependent vowel
    or sign, before a coeng that has its consonant, or between a coeng and its consonant (the
    character before must be a Khmer base, sign or coeng)."""
    if at <= 0 or at >= len(text) or not _IN_CLUSTER_RE.match(text[at - 1]):
        return False
    ch = text[at]
    if _SIGN_RE.match(ch):
        return True
    if ch == COENG:
        return at + 1 < len(text) and bool(_BASE_RE.match(text[at + 1]))
    return text[at - 1] == COENG and bool(_BASE_RE.match(ch))


def _cluster_start(form: str) -> str:
    """A lookbehind that keeps a match of `form` from starting inside a cluster (`splits_cluster`
    at its start, where the characters after the cut are the term's)."""
    first = form[0]
    if _BASE_RE.match(first):
        return f"(?<!{COENG})"
    if _SIGN_RE.match(first) or (first == COENG and len(form) > 1 and _BASE_RE.match(form[1])):
        return f"(?<![{_IN_CLUSTER}])"
    if form == COENG:
        return f"(?:(?<![{_IN_CLUSTER}])|(?![{COENG}][{_BASE}]))"
    return ""


def _cluster_end(form: str) -> str:
    """A lookahead that keeps a match of `form` from ending inside a cluster."""
    last = form[-1]
    if not _IN_CLUSTER_RE.match(last):
        return ""
    after = f"{_SIGN}{_BASE}" if last == COENG else _SIGN
    return f"(?![{after}]|{COENG}[{_BASE}])"


def _unquote_value(value: str, key: str) -> str:
    if value.startswith('"'):
        if len(value) < 2 or not value.endswith('"'):
            raise UsageError(f"malformed query: the quote after '{key}:' is not closed")
        value = value[1:-1]
    value = " ".join(value.split())
    if not value:
        raise UsageError(f"malformed query: '{key}:' needs a value, as in {key}:{_EXAMPLES[key]}")
    return value


_EXAMPLES = {"author": "seng", "tag": "election", "lang": "km", "outlet": "vod", "kind": "letter", "year": "2022"}


def _tokens(text: str) -> list[str]:
    """Split on whitespace, keeping "quoted phrases" (also after `-` or `key:`) whole."""
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace():
            if text[i] == '"':
                close = text.find('"', i + 1)
                if close == -1:
                    raise UsageError('malformed query: a quote (") is not closed')
                i = close + 1
            else:
                i += 1
        tokens.append(text[start:i])
    return tokens


def _term(token: str) -> Term | None:
    """A word, `word*` or `"phrase"` as a Term; None for a token with nothing to search."""
    if token.startswith('"'):
        prefix = token.endswith('"*')
        inner = token[1 : -2 if prefix else -1]
        if '"' in inner or not token.endswith(('"', '"*')):
            raise UsageError(f"malformed query: stray quote in {token!r}")
        form = search_form(inner)
        if not form:
            raise UsageError('malformed query: an empty phrase ("")')
        return Term(inner, form, prefix)
    prefix = token.endswith("*")
    word = token.rstrip("*") if prefix else token
    if "*" in word:
        raise UsageError(f"malformed query: '*' goes only at the end of a word, as in elect* (not {token!r})")
    if '"' in word:
        raise UsageError(f"malformed query: stray quote in {token!r}")
    form = _trim(search_form(word))
    if not form:
        if prefix:
            raise UsageError("malformed query: '*' must follow a word, as in elect*")
        return None
    return Term(word, form, prefix)


def parse(text: str, *, allow_empty: bool = False) -> Query:
    """The Query for `text`; UsageError (exit 2) says what is wrong with a malformed one.
    With `allow_empty`, a query with nothing to search for is valid (filters come from elsewhere)."""
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(f"the query is too long ({len(text):,} characters; the limit is {MAX_QUERY_CHARS:,})")
    query = Query()
    tokens = _tokens(text)
    pending_or = False
    for index, token in enumerate(tokens):
        if token == "OR":
            if not query.groups or pending_or or index == len(tokens) - 1:
                raise UsageError("malformed query: OR must stand between two words, as in nec OR ngo")
            pending_or = True
            continue
        negated = token.startswith("-")
        body = token[1:] if negated else token
        filt = _FILTER_RE.match(token)
        if filt and filt[2].lower() in FILTER_KEYS:
            if pending_or:
                raise UsageError("malformed query: OR joins words, not filters")
            key = filt[2].lower()
            value = _unquote_value(filt[3], key)
            if key == "year":
                value = search_form(value)
                if not _YEAR_RE.match(value):
                    raise UsageError(f"malformed query: year:{filt[3]} is not a year (four digits)")
            (query.negated_filters if filt[1] else query.filters).append((key, value))
            continue
        if negated and not body:
            raise UsageError("malformed query: '-' must be followed by a word to exclude, as in -court")
        if negated and body.startswith("-"):
            raise UsageError(f"malformed query: {token!r}: use one '-' to exclude a word")
        term = _term(body)
        if term is None:
            if pending_or:
                raise UsageError(f"malformed query: nothing to search for after OR in {token!r}")
            continue
        if negated:
            if pending_or:
                raise UsageError("malformed query: an excluded word cannot be part of OR")
            query.excluded.append(term)
        elif pending_or:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or = False
    if not query.groups and not query.filters and not allow_empty:
        if query.excluded or query.negated_filters:
            raise UsageError("malformed query: nothing to search for; '-' only excludes, add a word or a filter")
        raise UsageError("malformed query: nothing to search for")
    return query
