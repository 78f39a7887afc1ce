"""The website's search index: split so that a query loads only the pieces its terms need.

The page (`export/static/search.js`) implements `docs/search-spec.md` as `opedarchive search`
does; this module writes what it reads, all as scripts (a page opened from file:// may load a
script but not fetch a file):

- `search/manifest.js`: the number of documents (versions), the pieces (each a run of
  document numbers and the folder of their records), and the first term of every term file;
- `search/t/<n>.js`: term files, a contiguous range of the sorted terms each, with each term's
  postings: the documents that hold it and a score between 1 and 63 (title and body folded in,
  BM25-like). Terms are the Latin-script words of the search forms (maximal runs of word
  characters, as the spec defines them), every Khmer 1-, 2- and 3-gram inside Khmer runs, and
  the filters' values (`\\x01author\\x01<form>`, …);
- `search/facets.js`: every value of every filter (the page matches `author:` and `outlet:`
  inside values, so it must see them);
- `search/d/<piece>/<n>.js`: one record per document (post id, language, url, title, date,
  authors, body as written): loaded for the hits a page shows, and to verify the candidates
  whose terms the postings cannot settle alone (phrases, Khmer words longer than 3, words with
  punctuation inside).

Export builds it in two steps: each piece of posts (`export/html.py`, one worker each) writes
its records and a cache of its postings (`.opedarchive-search/<piece>.bin`, by local document
number); then the postings of every piece are joined into the term files. The joined postings
are kept too (`.opedarchive-search/joined.bin`, with where each piece's part sits in each
term's): when a few pieces changed and no piece's number of documents did, only the terms whose
part in those pieces changed are spliced, and only the term files holding them are written
again. The caches are `marshal` data of a few long lists (a dict of small lists in JSON took
ten times as long to load); they are written and read by this program only, inside the site's
folder.
"""

from __future__ import annotations

import bisect
import json
import marshal
import math
import re
import sys
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from itertools import accumulate, chain, pairwise, repeat
from operator import add, and_, lshift, or_, rshift, sub
from typing import Any, NamedTuple

from opedarchive.export.markup import language_name
from opedarchive.model import Version
from opedarchive.text.searchform import search_form

SEARCH_DIR = "search"
CACHE_DIR = ".opedarchive-search"
CACHE_SUFFIX = ".bin"
JOINED = f"{CACHE_DIR}/joined{CACHE_SUFFIX}"
FORMAT = 3
# The layout of the caches in CACHE_DIR (not of the site's files): a new one rebuilds them.
CACHE_VERSION = 1
# marshal's version 2 writes no back-references, which depend on how many references each object
# had: the same values make the same bytes (a re-export's caches equal a fresh export's).
MARSHAL_VERSION = 2
LOADER = "opedarchiveSearchData"
# A term file holds terms until it passes this many bytes (a term bigger than that is alone).
TERM_FILE_BYTES = 40_000
# The spec's word characters: letters and digits outside the Khmer block.
WORD_RE = re.compile(r"[^\W_\u1780-\u17ff]+")
_KHMER_CHAR = re.compile("[\u1780-\u17ff]")
_KHMER_RUN = re.compile("[\u1780-\u17ff]+")
FILTER_MARK = "\x01"
# BM25's constants, and typical field lengths (words, Khmer characters) standing in for the
# averages, which a piece cannot know: the scores only rank, and only roughly.
K1, B = 1.2, 0.75
TITLE_WEIGHT = 10.0
_AVERAGE = {("w", "title"): 8, ("w", "body"): 600, ("k", "title"): 30, ("k", "body"): 3000}
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def encode(number: int) -> str:
    """A number as characters of ALPHABET, 5 bits each, low bits first; 32 marks 'more follows'."""
    out = []
    while number >= 32:
        out.append(ALPHABET[32 | (number & 31)])
        number >>= 5
    out.append(ALPHABET[number])
    return "".join(out)


# A posting is one number: the gap from the previous document times 64, plus the score (1–63).
SCORE_BITS = 6
SCORE_MAX = (1 << SCORE_BITS) - 1
# The encoding of every number below 32,768 (three characters at most), made once.
_CODES = [encode(n) for n in range(1 << 15)]


class _CodeTable(dict[int, str]):
    """encode(n) by n, kept once made: `map(table.__getitem__, numbers)` encodes a list without
    a Python call per number (the postings of a piece are a few hundred thousand numbers)."""

    def __missing__(self, number: int) -> str:
        self[number] = code = encode(number)
        return code


_CODE_TABLE = _CodeTable(enumerate(_CODES))


def encode_posting(docs: list[int], scores: list[int]) -> str:
    """The postings of one term after its first document: (gap << 6 | score) each."""
    values = [(b - a) << SCORE_BITS | sc for a, b, sc in zip(docs, docs[1:], scores[1:], strict=False)]
    return "".join(map(_CODE_TABLE.__getitem__, values))


def decode_first(text: str) -> tuple[int, int]:
    """(the first number encoded in `text`, how many characters it takes)."""
    number = shift = at = 0
    while True:
        value = ALPHABET.index(text[at])
        number |= (value & 31) << shift
        at += 1
        if value < 32:
            return number, at
        shift += 5


# Term frequencies above this count as this (BM25 saturates long before).
_TF_CAP = 15


def _quantised(value: float) -> int:
    """A score (0 < value < K1 + 1) as 1–63 on a log scale (search.js turns it back): the few
    body occurrences of the common case keep enough steps to rank by."""
    return max(1, min(SCORE_MAX, round(SCORE_MAX * math.log1p(value) / _LOG_TOP)))


_LOG_TOP = math.log1p(K1 + 1)


def _scores(kind: str, title: Counter[str], body: Counter[str], title_length: int, body_length: int,
            found: dict[str, int]) -> None:
    """Add each term of `title` and `body` to `found` with its score (1–63): BM25's saturated
    term frequency as SQLite FTS5 computes it for the terminal, where a column's weight
    multiplies its occurrences (the title's TITLE_WEIGHT) and the length is the whole
    document's. Tables per document: there are hundreds of terms in each."""
    average = _AVERAGE[(kind, "title")] + _AVERAGE[(kind, "body")]
    norm = K1 * (1 - B + B * (title_length + body_length) / average)
    in_body = [_quantised(tf * (K1 + 1) / (tf + norm)) for tf in range(_TF_CAP + 1)]
    found.update({term: in_body[tf if tf < _TF_CAP else _TF_CAP] for term, tf in body.items()})
    for term, tf in title.items():
        weighted = TITLE_WEIGHT * tf + body.get(term, 0)
        found[term] = _quantised(weighted * (K1 + 1) / (weighted + norm))


def _khmer_grams(form: str) -> tuple[Counter[str], int]:
    """Every Khmer 1-, 2- and 3-gram inside the Khmer runs of `form`, counted, and how many
    Khmer characters it holds. (The runs joined by spaces, and the grams that hold one dropped.)"""
    runs = _KHMER_RUN.findall(form)
    if not runs:
        return Counter(), 0
    text = " ".join(runs)
    grams = _grams_by_fours(text) if len(text) >= GRAMS_BY_FOURS else _grams_as_strings(text)
    return grams, len(text) - len(runs) + 1


# From this many characters of Khmer runs on, the grams are counted by `_grams_by_fours`: below it
# the three C-level passes of `_grams_as_strings` are quicker (0.7 against 1.2 ms for 2,000
# characters), above it the 4-grams (39 against 28 ms for 128,000, 162 against 66 for 512,000).
GRAMS_BY_FOURS = 32_768


def _grams_as_strings(text: str) -> Counter[str]:
    """The 1-, 2- and 3-grams of `text` (Khmer runs joined by spaces) without a space, counted
    as they are made (a list of a 3-million-character body's pairs is 200 MB of strings)."""
    grams = Counter(text)
    grams.update(map(add, text, text[1:]))
    grams.update(map(add, map(add, text, text[1:]), text[2:]))
    for gram in [gram for gram in grams if " " in gram]:
        del grams[gram]
    return grams


def _grams_by_fours(text: str) -> Counter[str]:
    """`_grams_as_strings`, for long texts: each character taken as one byte (the low byte of its
    code point: the runs hold U+1780–U+17FF only, 0x80–0xFF, and the space is 0x20); the 4-grams
    counted as 32-bit numbers in four C-level passes, and each position's 1-, 2- and 3-grams are
    the prefixes of the 4-gram that starts there (three spaces after the end give the last
    positions one). It makes no string per position."""
    low = memoryview(text.encode("utf-16-le")[::2] + b"   ")
    fours: Counter[int] = Counter()
    for start in range(4):
        fours.update(low[start : start + (len(low) - start) // 4 * 4].cast("I"))
    prefixes: Counter[bytes] = Counter()
    for number, count in fours.items():
        four = number.to_bytes(4, sys.byteorder)  # as cast("I") read it
        prefixes[four[:1]] += count
        prefixes[four[:2]] += count
        prefixes[four[:3]] += count
    return Counter({"".join([_KHMER_OF_BYTE[b] for b in gram]): count
                    for gram, count in prefixes.items() if _SPACE_BYTE not in gram})


_KHMER_OF_BYTE = [chr(0x1700 + b) for b in range(256)]
_SPACE_BYTE = ord(" ")


# A search form longer than this has its words counted a slice at a time, each slice ending at a
# space (no word holds one): the list of all the words of 15 MB of English held 130 MB at once.
WORDS_SLICE = 1 << 20


def _words_counted(form: str) -> Counter[str]:
    """The words (WORD_RE) of a search form, counted."""
    if len(form) <= WORDS_SLICE:
        return Counter(WORD_RE.findall(form))
    counted: Counter[str] = Counter()
    start = 0
    while start < len(form):
        end = form.find(" ", start + WORDS_SLICE)
        end = len(form) if end < 0 else end
        counted.update(WORD_RE.findall(form, start, end))
        start = end
    return counted


def document_terms(title_form: str, body_form: str) -> dict[str, int]:
    """Every term of a document with its score (1–63)."""
    found: dict[str, int] = {}
    title, body = Counter(WORD_RE.findall(title_form)), _words_counted(body_form)
    _scores("w", title, body, sum(title.values()), sum(body.values()), found)
    if _KHMER_CHAR.search(title_form) or _KHMER_CHAR.search(body_form):
        (title, title_length), (body, body_length) = _khmer_grams(title_form), _khmer_grams(body_form)
        _scores("k", title, body, title_length, body_length, found)
    return found


def _post_filter_terms(post_versions: Iterable[Version]) -> set[str]:
    """The filter terms every version of a post shares: author, tag, outlet and kind of any of
    its versions (as the terminal's filters look at every version)."""
    terms: set[str] = set()
    for other in post_versions:
        for key, values in (("author", other.authors), ("tag", other.tags),
                            ("outlet", [other.get("outlet")]), ("kind", [other.get("kind")])):
            forms = [form for form in (search_form(str(value or "")) for value in values) if form]
            terms.update(f"{FILTER_MARK}{key}{FILTER_MARK}{form}" for form in forms)
            if not forms and key in ("tag", "kind"):
                # `tag:` and `kind:` compare whole values: one that folds to nothing (`tag:"\u200b"`)
                # finds the versions that have none, as the terminal's SQL does.
                terms.add(f"{FILTER_MARK}{key}{FILTER_MARK}")
    return terms


def _version_filter_terms(shared: set[str], version: Version) -> list[str]:
    return sorted(shared | {f"{FILTER_MARK}lang{FILTER_MARK}{version.lang.lower()}",
                            f"{FILTER_MARK}year{FILTER_MARK}{version.day.year:04d}"})


def filter_terms(post_versions: Iterable[Version], version: Version) -> list[str]:
    """The filter terms of one version: author, tag, outlet and kind of any version of its post
    (as the terminal's filters look at every version), its own language and year."""
    return _version_filter_terms(_post_filter_terms(post_versions), version)


def _js(name: str, data: Any) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{LOADER}({json.dumps(name)},{text});\n".encode()


class Postings(NamedTuple):
    """A piece's postings, a column per field, a row per term (in Python's order): its first
    and last document (the piece's own numbers), how many documents hold it, the first one's
    score, the rest as `encode_posting` writes them, and the gaps alone ("" unless the term is in
    at least 1/DENSE_SHARE of the piece's documents: it may be dense in the whole site). Then the
    piece's posts and their numbers of documents, and each document's terms (their rows, as
    array("i") bytes, `widths` of them each): what `update_piece` needs to take a post out."""

    docs: int
    terms: list[str]
    firsts: list[int]
    lasts: list[int]
    counts: list[int]
    scores: list[int]
    rests: list[str]
    gaps: list[str]
    posts: list[str]
    sizes: list[int]
    forward: bytes
    widths: bytes

    def segments(self) -> dict[str, tuple[int, int, int, int, str, str]]:
        """Each term's row (first, last, count, score, rest, gaps), by term."""
        return dict(zip(self.terms, zip(self.firsts, self.lasts, self.counts, self.scores, self.rests, self.gaps,
                                        strict=True), strict=True))


def dump_postings(postings: Postings) -> bytes:
    """A piece's postings as its cache file holds them."""
    return marshal.dumps((FORMAT, CACHE_VERSION, tuple(postings)), MARSHAL_VERSION)


def load_postings(data: bytes) -> Postings:
    """A piece's postings from its cache file; ValueError when it is not one of this version."""
    try:
        form, version, fields = marshal.loads(data)
        if (form, version) != (FORMAT, CACHE_VERSION) or len(fields) != len(Postings._fields):
            raise ValueError("not a postings cache of this version")
        postings = Postings(*fields)
    except (EOFError, ValueError, TypeError) as exc:
        raise ValueError(f"not a postings cache: {exc}") from None
    if not isinstance(postings.docs, int) or not all(isinstance(c, list) and len(c) == len(postings.terms)
                                                     for c in postings[1:8]):
        raise ValueError("not a postings cache: its columns differ in length")
    return postings


@dataclass
class PieceIndex:
    """What one piece adds to the index: its records (rel → bytes) and its postings."""

    name: str
    records: dict[str, bytes]
    postings: Postings


def record_rel(piece: str, number: int) -> str:
    return f"{SEARCH_DIR}/d/{piece}/{number}.js"


def _post_documents(name: str, first: int, post_id: str, url: str, versions: list[Version],
                    records: dict[str, bytes]) -> list[dict[str, int]]:
    """The terms and scores of each version of a post (documents `first`, `first` + 1, …), whose
    records are put in `records`."""
    shared = _post_filter_terms(versions)
    documents = []
    for number, version in enumerate(versions, first):
        terms = document_terms(search_form(version.title), search_form(version.body))
        terms.update(dict.fromkeys(_version_filter_terms(shared, version), 1))
        documents.append(terms)
        rel = record_rel(name, number)
        records[rel] = _js(rel[len(SEARCH_DIR) + 1 : -3], {
            "id": post_id, "lang": version.lang, "url": url, "title": version.title,
            "date": version.date.isoformat(), "authors": list(version.authors),
            "language": language_name(version.lang), "body": version.body})
    return documents


def _row(packed: list[int], docs: int) -> tuple[int, int, int, int, str, str]:
    """A term's row of a piece's postings from its (document << 6 | score) numbers, in order."""
    first = packed[0]
    if len(packed) == 1:
        return first >> SCORE_BITS, first >> SCORE_BITS, 1, first & SCORE_MAX, "", ""
    code = _CODE_TABLE.__getitem__
    # (gap << 6 | score) is a packed number less the one before without its score.
    values = list(map(sub, packed[1:], map(and_, packed, repeat(-1 << SCORE_BITS))))
    dense = len(packed) * DENSE_SHARE >= docs  # may be dense in the whole site: gaps alone too
    return (first >> SCORE_BITS, packed[-1] >> SCORE_BITS, len(packed), first & SCORE_MAX, "".join(map(code, values)),
            "".join(map(code, map(rshift, values, repeat(SCORE_BITS)))) if dense else "")


# One number of a posting: characters that say "more follows", then one that does not.
_NUMBER = re.compile("[W-Za-z_-]*[0-9A-V]")


class _DecodeTable(dict[str, int]):
    def __missing__(self, code: str) -> int:
        self[code] = number = decode_first(code)[0]
        return number


_DECODE_TABLE = _DecodeTable((code, n) for n, code in enumerate(_CODES))


def _packed(row: tuple[int, int, int, int, str, str]) -> list[int]:
    """A term's (document << 6 | score) numbers from its row of a piece's postings."""
    first, _, _, score, rest, _ = row
    values = list(map(_DECODE_TABLE.__getitem__, _NUMBER.findall(rest)))
    docs = accumulate(map(rshift, values, repeat(SCORE_BITS)), initial=first)
    return list(map(or_, map(lshift, docs, repeat(SCORE_BITS)), chain([score], map(and_, values, repeat(SCORE_MAX)))))


def _postings(rows: dict[str, tuple[int, int, int, int, str, str]], docs: int, documents: Iterable[Iterable[str]],
              posts: list[str], sizes: list[int]) -> Postings:
    """A piece's postings from its terms' rows, its documents' terms and its posts."""
    terms = sorted(rows)
    columns = Postings(docs, terms, [], [], [], [], [], [], posts, sizes, b"", b"")
    for term in terms:
        first, last, count, score, rest, gaps = rows[term]
        columns.firsts.append(first)
        columns.lasts.append(last)
        columns.counts.append(count)
        columns.scores.append(score)
        columns.rests.append(rest)
        columns.gaps.append(gaps)
    index = {term: n for n, term in enumerate(terms)}.__getitem__
    forward, widths = array("i"), array("i")
    for document in documents:
        before = len(forward)
        forward.extend(map(index, document))
        widths.append(len(forward) - before)
    return columns._replace(forward=forward.tobytes(), widths=widths.tobytes())


def build_piece(name: str, posts: Iterable[tuple[str, str, list[Version]]]) -> PieceIndex:
    """The records and postings of one piece's posts: (post id, page url, versions) each."""
    records: dict[str, bytes] = {}
    documents: list[dict[str, int]] = []
    ids, sizes = [], []
    for post_id, url, versions in posts:
        documents += _post_documents(name, len(documents), post_id, url, versions, records)
        ids.append(post_id)
        sizes.append(len(versions))
    # Documents by term: a document's number and its score in one int each, in document order.
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for number, terms in enumerate(documents):
        shifted = number << SCORE_BITS
        for term, score in terms.items():
            postings[term].append(shifted | score)
    rows = {term: _row(packed, len(documents)) for term, packed in postings.items()}
    return PieceIndex(name, records, _postings(rows, len(documents), documents, ids, sizes))


def update_piece(name: str, old: Postings, posts: list[tuple[str, str, list[Version] | None]]) -> PieceIndex | None:
    """`build_piece` of a piece whose posts are those of `old`, in the same order, where only the
    posts given with their versions changed (None: as it was), each keeping its number of
    versions: their documents are taken out of `old` and put back from their versions. The
    records are those of the changed posts. None when the posts are not `old`'s."""
    if [post_id for post_id, _, _ in posts] != old.posts or any(
            versions is not None and len(versions) != size for (_, _, versions), size in zip(posts, old.sizes,
                                                                                           strict=True)):
        return None
    records: dict[str, bytes] = {}
    forward, widths = array("i"), array("i")
    forward.frombytes(old.forward)
    widths.frombytes(old.widths)
    if len(widths) != old.docs or len(forward) != sum(widths):
        return None
    starts = list(accumulate(widths, initial=0))
    changed: dict[int, dict[str, int]] = {}  # the changed posts' documents: term → score each
    for (post_id, url, versions), first in zip(posts, accumulate(old.sizes, initial=0), strict=False):
        if versions is not None:
            for number, terms in enumerate(_post_documents(name, first, post_id, url, versions, records), first):
                changed[number] = terms
    rows = old.segments()
    moved: defaultdict[str, list[int]] = defaultdict(list)  # term → its new (document << 6 | score)s
    for number, terms in changed.items():
        for term in map(old.terms.__getitem__, forward[starts[number] : starts[number + 1]]):
            moved.setdefault(term, [])
        shifted = number << SCORE_BITS
        for term, score in terms.items():
            moved[term].append(shifted | score)
    for term, added in moved.items():
        packed = [p for p in _packed(rows[term]) if p >> SCORE_BITS not in changed] if term in rows else []
        packed += added
        packed.sort()
        if packed:
            rows[term] = _row(packed, old.docs)
        else:
            del rows[term]
    # Each document's terms, in the order build_piece finds them.
    terms_of = old.terms.__getitem__
    documents: list[Iterable[str]] = [changed[n] if n in changed else map(terms_of, forward[starts[n] : starts[n + 1]])
                                      for n in range(old.docs)]
    return PieceIndex(name, records, _postings(rows, old.docs, documents, old.posts, old.sizes))


def _utf16(text: str) -> bytes:
    """The order of JavaScript's string comparison (UTF-16 code units)."""
    return text.encode("utf-16-be", "surrogatepass")


# A term in at least 1/DENSE_SHARE of the documents (and DENSE_MIN of them) keeps its documents'
# numbers only, not their scores: its postings take half the bytes (a gap of 1–31 is one
# character), and its weight in a ranking is small anyway (BM25's IDF of a common word). A query
# of such a word alone lists its documents newest first.
DENSE_SHARE = 8
DENSE_MIN = 2000
_DIGITS = {c: n for n, c in enumerate(ALPHABET)}


def _without_scores(posting: str) -> str:
    """A posting of (gap << 6 | score) numbers as its gaps alone."""
    out = []
    number = shift = 0
    for char in posting:
        value = _DIGITS[char]
        number |= (value & 31) << shift
        if value < 32:
            gap = number >> SCORE_BITS
            out.append(_CODES[gap] if gap < 32768 else encode(gap))
            number = shift = 0
        else:
            shift += 5
    return "".join(out)


def _code(number: int) -> str:
    return _CODES[number] if number < 32768 else encode(number)


def _separator(before: str, first: str) -> str:
    """The shortest start of `first` that sorts after `before` (UTF-16 order): what the manifest
    needs to find the file that begins with `first`."""
    for end in range(1, len(first)):
        if _utf16(first[:end]) > _utf16(before):
            return first[:end]
    return first


# A term's segment: the part of its postings that one piece holds, as the join sees it:
# (piece, first, last, count, score, rest, gaps), first and last numbered over the whole site.
_Segment = tuple[int, int, int, int, int, str, str]
# The numbers kept of each segment in Joined.tables: piece, first, last, and where the segment
# starts in the term's postings with scores and in its postings without them.
_ROW = 5


@dataclass
class Joined:
    """Every term of the site with its postings as the term files hold them (with and without
    scores), and where each piece's segment sits in them: what the term files are made from,
    kept between exports so that a piece that changed is spliced in (see `splice`)."""

    params: list[int]  # the constants the files are made with: a state made with others is not used
    pieces: list[str]  # in site order
    docs: list[int]  # each piece's number of documents
    terms: list[str]  # in UTF-16 order
    counts: list[int]
    scored: list[str]  # each term's postings over the site, (gap << 6 | score) each
    plain: list[str]  # ... gaps alone, for the terms that are dense ("" for the others)
    tables: list[bytes]  # array("i") of _ROW numbers per segment (see _ROW)
    files: list[int]  # how many terms each term file holds, in order

    @staticmethod
    def current_params() -> list[int]:
        return [FORMAT, CACHE_VERSION, TERM_FILE_BYTES, DENSE_SHARE, DENSE_MIN]

    @property
    def total(self) -> int:
        return sum(self.docs)

    def dense_at(self) -> int:
        return max(self.total // DENSE_SHARE, DENSE_MIN)

    def dump(self) -> bytes:
        return marshal.dumps((FORMAT, CACHE_VERSION, self.params, self.pieces, self.docs, self.terms, self.counts,
                              self.scored, self.plain, self.tables, self.files), MARSHAL_VERSION)

    @classmethod
    def load(cls, data: bytes) -> Joined | None:
        """The state in `data`, or None when it is not one made with this version's constants."""
        try:
            form, version, *fields = marshal.loads(data)
            if (form, version) != (FORMAT, CACHE_VERSION) or len(fields) != 9:
                return None
            joined = cls(*fields)
        except (EOFError, ValueError, TypeError):
            return None
        columns: list[list[Any]] = [joined.counts, joined.scored, joined.plain, joined.tables]
        if joined.params != cls.current_params() or any(len(c) != len(joined.terms) for c in columns):
            return None
        return joined

    def _make(self, segments: list[_Segment], count: int) -> tuple[str, str, bytes]:
        """A term's postings with scores, without them (only if it is dense, else "") and its
        table, from its segments in site order."""
        dense = count >= self.dense_at()
        scored: list[str] = []
        plain: list[str] = []
        table: list[int] = []
        at_scored = at_plain = 0
        previous = -1
        code = _CODE_TABLE.__getitem__
        for piece, first, last, _, score, rest, gaps in segments:
            lead = code((first - previous) << SCORE_BITS | score)
            table += (piece, first, last, at_scored, at_plain)
            scored += (lead, rest)
            at_scored += len(lead) + len(rest)
            if dense:
                lead = code(first - previous)
                gaps = gaps or _without_scores(rest)
                plain += (lead, gaps)
                at_plain += len(lead) + len(gaps)
            previous = last
        return "".join(scored), "".join(plain), array("i", table).tobytes()

    def _segments(self, n: int, leaving: Container[int]) -> list[_Segment]:
        """Term n's segments but those of the pieces in `leaving`, read back from its postings."""
        scored, plain, table = self.scored[n], self.plain[n], array("i", self.tables[n])
        found: list[_Segment] = []
        for row in range(0, len(table), _ROW):
            if table[row] in leaving:
                continue
            following = row + _ROW < len(table)
            start, end = table[row + 3], table[row + 3 + _ROW] if following else len(scored)
            number, width = decode_first(scored[start : start + 8])
            rest = scored[start + width : end]
            gaps = ""
            if plain:
                start, end = table[row + 4], table[row + 4 + _ROW] if following else len(plain)
                gaps = plain[start + decode_first(plain[start : start + 8])[1] : end]
            found.append((table[row], table[row + 1], table[row + 2], 0, number & SCORE_MAX, rest, gaps))
        return found

    def splice(self, changes: dict[str, tuple[Postings, Postings]]) -> set[str] | None:
        """Put the new postings of the pieces named in `changes` ((old postings, new postings)
        each; the old ones are those this state was made with) in place of the old. Only when
        no piece's number of documents changed (else None: every later document's number moved).
        Returns the terms whose postings changed, came or went."""
        index = {name: n for n, name in enumerate(self.pieces)}
        if any(name not in index or old.docs != self.docs[index[name]] or new.docs != old.docs
               for name, (old, new) in changes.items()):
            return None
        bases = [0]
        for docs in self.docs:
            bases.append(bases[-1] + docs)
        # term → {piece: its new segment, None if the term left it}; and how its count moves
        moved: dict[str, dict[int, _Segment | None]] = {}
        delta: dict[str, int] = {}
        for name, (old, new) in changes.items():
            piece = index[name]
            base = bases[piece]
            before, after = old.segments(), new.segments()
            for term, row in after.items():
                was = before.get(term)
                if was != row:
                    first, last, count, score, rest, gaps = row
                    moved.setdefault(term, {})[piece] = (piece, base + first, base + last, count, score, rest, gaps)
                    delta[term] = delta.get(term, 0) + count - (was[2] if was else 0)
            for term, was in before.items():
                if term not in after:
                    moved.setdefault(term, {})[piece] = None
                    delta[term] = delta.get(term, 0) - was[2]
        at = {term: n for n, term in enumerate(self.terms)} if moved else {}
        gone: list[int] = []
        came: list[tuple[str, int, tuple[str, str, bytes]]] = []
        for term, pieces in moved.items():
            n = at.get(term, -1)
            count = (self.counts[n] if n >= 0 else 0) + delta[term]
            segments = self._segments(n, pieces) if n >= 0 else []
            segments += [segment for segment in pieces.values() if segment is not None]
            segments.sort(key=lambda segment: segment[0])
            if not segments:
                gone.append(n)
            elif n < 0:
                came.append((term, count, self._make(segments, count)))
            else:
                self.counts[n] = count
                self.scored[n], self.plain[n], self.tables[n] = self._make(segments, count)
        for n in sorted(gone, reverse=True):
            for column in (self.terms, self.counts, self.scored, self.plain, self.tables):
                del column[n]
        for term, count, (scored, plain, table) in came:
            n = bisect.bisect_left(self.terms, _utf16(term), key=_utf16)
            self.terms.insert(n, term)
            self.counts.insert(n, count)
            self.scored.insert(n, scored)
            self.plain.insert(n, plain)
            self.tables.insert(n, table)
        return set(moved)

    def files_made(self, before: tuple[list[str], list[int]] | None, changed: set[str],
                   present: Callable[[str], bool] | None = None) -> dict[str, bytes | None]:
        """Every file under `search/` but the records, rel → bytes; None for a term file that
        holds the same terms as the one of that name in `before` (the terms and files of the
        state this one was spliced from), none of `changed`, and is `present` as last made."""
        terms, counts, scored, plain = self.terms, self.counts, self.scored, self.plain
        dense = self.dense_at()
        bounds: list[int] = [0]  # where each term file starts, and where the last ends
        size = 0
        for n, term in enumerate(terms):
            length = len(plain[n]) if counts[n] >= dense else len(scored[n])
            if size and size + length > TERM_FILE_BYTES:
                bounds.append(n)
                size = 0
            size += length + len(term.encode()) + 8
        if terms:
            bounds.append(len(terms))
        self.files = [end - start for start, end in pairwise(bounds)]
        old_bounds: list[int] = [0]
        if before is not None:
            for length in before[1]:
                old_bounds.append(old_bounds[-1] + length)
        files: dict[str, bytes | None] = {}
        firsts: list[str] = []
        for number, (start, end) in enumerate(pairwise(bounds)):
            firsts.append(_separator(terms[start - 1], terms[start]) if number else terms[start])
            name = f"t/{number}"
            rel = f"{SEARCH_DIR}/{name}.js"
            if (before is not None and number + 1 < len(old_bounds)
                    and before[0][old_bounds[number] : old_bounds[number + 1]] == terms[start:end]
                    and changed.isdisjoint(terms[start:end]) and (present is None or present(rel))):
                files[rel] = None
                continue
            rows = [[terms[n], counts[n], plain[n], 1] if counts[n] >= dense else [terms[n], counts[n], scored[n]]
                    for n in range(start, end)]
            files[rel] = _js(name, rows)
        facets: dict[str, list[str]] = {}
        for term in terms:
            if term.startswith(FILTER_MARK):
                _, key, value = term.split(FILTER_MARK, 2)
                facets.setdefault(key, []).append(value)
        bases: list[list[Any]] = []
        total = 0
        for name, docs in zip(self.pieces, self.docs, strict=True):
            bases.append([name, total, docs])
            total += docs
        files[f"{SEARCH_DIR}/facets.js"] = _js("facets", facets)
        files[f"{SEARCH_DIR}/manifest.js"] = _js("manifest", {
            "format": FORMAT, "docs": total, "pieces": bases, "terms": firsts})
        return files


# The full join joins each term's postings so far after this many pieces (see `join`).
_COLLAPSE = 16


def join(pieces: Iterable[tuple[str, Postings]]) -> Joined:
    """The joined postings of every piece ((name, postings) each, in site order; read one at a
    time: each piece's postings can be let go once they are added)."""
    joined = Joined(Joined.current_params(), [], [], [], [], [], [], [], [])
    # By term number (in order of first sight): its count, last document so far, length so far,
    # postings' parts, table and each segment's gaps. A piece is added a column at a time with
    # `map`, without a Python step per segment (there are a few million at 100,000 posts).
    number_of: dict[str, int] = {}
    counts: list[int] = []
    lasts: list[int] = []
    lengths: list[int] = []
    parts: list[list[str]] = []
    tables: list[array[int]] = []
    gaps: list[list[str]] = []
    code = _CODE_TABLE.__getitem__
    run: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend  # runs an iterator to its end
    base = 0
    for piece, (name, postings) in enumerate(pieces):
        joined.pieces.append(name)
        joined.docs.append(postings.docs)
        for term in postings.terms:
            if term not in number_of:
                number_of[term] = len(counts)
                counts.append(0)
                lasts.append(-1)
                lengths.append(0)
                parts.append([])
                tables.append(array("i"))
                gaps.append([])
        ids = list(map(number_of.__getitem__, postings.terms))
        firsts = list(map(add, postings.firsts, repeat(base)))
        last = list(map(add, postings.lasts, repeat(base)))
        gap = map(sub, firsts, map(lasts.__getitem__, ids))
        leads = list(map(code, map(or_, map(lshift, gap, repeat(SCORE_BITS)), postings.scores)))
        at = list(map(lengths.__getitem__, ids))
        run(map(array.extend, map(tables.__getitem__, ids), zip(repeat(piece), firsts, last, at, repeat(0))))
        run(map(lengths.__setitem__, ids, map(add, at, map(add, map(len, leads), map(len, postings.rests)))))
        run(map(list.extend, map(parts.__getitem__, ids), zip(leads, postings.rests, strict=True)))
        run(map(list.append, map(gaps.__getitem__, ids), postings.gaps))
        run(map(counts.__setitem__, ids, map(add, map(counts.__getitem__, ids), postings.counts)))
        run(map(lasts.__setitem__, ids, last))
        base += postings.docs
        if piece % _COLLAPSE == _COLLAPSE - 1:
            # Each segment's postings is a string object of its own: at 100,000 posts millions of
            # them, which weigh more than their characters. Joined now and then, they are few.
            for n, found in enumerate(parts):
                if len(found) > 2:
                    parts[n] = ["".join(found)]
    dense_at = joined.dense_at()
    for term in sorted(number_of, key=_utf16):
        n = number_of[term]
        table = tables[n]
        scored = "".join(parts[n])
        parts[n] = []  # (let go as they are joined)
        plain: list[str] = []
        if counts[n] >= dense_at:  # its numbers alone too (see DENSE_SHARE)
            previous = -1
            length = 0
            for segment, segment_gaps in enumerate(gaps[n]):
                row = segment * _ROW
                lead = code(table[row + 1] - previous)
                if not segment_gaps:
                    start = table[row + 3]
                    end = table[row + 3 + _ROW] if row + _ROW < len(table) else len(scored)
                    segment_gaps = _without_scores(scored[start + decode_first(scored[start : start + 8])[1] : end])
                table[row + 4] = length
                plain += (lead, segment_gaps)
                length += len(lead) + len(segment_gaps)
                previous = table[row + 2]
        gaps[n] = []
        joined.terms.append(term)
        joined.counts.append(counts[n])
        joined.scored.append(scored)
        joined.plain.append("".join(plain))
        joined.tables.append(table.tobytes())
        tables[n] = array("i")
    return joined


def join_pieces(pieces: list[tuple[str, Postings]]) -> dict[str, bytes]:
    """Every file under `search/` but the records, from the pieces' postings in site order."""
    made = join(pieces).files_made(None, set())
    return {rel: data for rel, data in made.items() if data is not None}
