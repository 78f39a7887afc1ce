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
its records and a cache of its postings (`.opedarchive-search/<piece>.json`, by local document
number); then the postings of every piece are joined into the term files. A piece that did
not change is not read again: its cache is.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from opedarchive.export.markup import language_name
from opedarchive.model import Version
from opedarchive.text.searchform import search_form

SEARCH_DIR = "search"
CACHE_DIR = ".opedarchive-search"
FORMAT = 3
LOADER = "opedarchiveSearchData"
# A term file holds terms until it passes this many bytes (a term bigger than that is alone).
TERM_FILE_BYTES = 40_000
# The spec's word characters: letters and digits outside the Khmer block.
WORD_RE = re.compile(r"[^\W_\u1780-\u17ff]+")
_KHMER_CHAR = re.compile("[\u1780-\u17ff]")
_KHMER_2 = re.compile("(?=([\u1780-\u17ff]{2}))")
_KHMER_3 = re.compile("(?=([\u1780-\u17ff]{3}))")
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


def encode_posting(docs: list[int], scores: list[int]) -> str:
    """The postings of one term after its first document: (gap << 6 | score) each."""
    values = [(b - a) << SCORE_BITS | sc for a, b, sc in zip(docs, docs[1:], scores[1:], strict=False)]
    return "".join([_CODES[v] if v < 32768 else encode(v) for v in values])


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


def _khmer_grams(form: str) -> Counter[str]:
    grams = Counter(_KHMER_3.findall(form))
    grams.update(_KHMER_2.findall(form))
    grams.update(_KHMER_CHAR.findall(form))
    return grams


def document_terms(title_form: str, body_form: str) -> dict[str, int]:
    """Every term of a document with its score (1–63)."""
    found: dict[str, int] = {}
    title, body = Counter(WORD_RE.findall(title_form)), Counter(WORD_RE.findall(body_form))
    _scores("w", title, body, sum(title.values()), sum(body.values()), found)
    if _KHMER_CHAR.search(title_form) or _KHMER_CHAR.search(body_form):
        title, body = _khmer_grams(title_form), _khmer_grams(body_form)
        _scores("k", title, body, len(_KHMER_CHAR.findall(title_form)), len(_KHMER_CHAR.findall(body_form)), found)
    return found


def filter_terms(post_versions: Iterable[Version], version: Version) -> list[str]:
    """The filter terms of one version: author, tag, outlet and kind of any version of its post
    (as the terminal's filters look at every version), its own language and year."""
    terms = {f"{FILTER_MARK}lang{FILTER_MARK}{version.lang.lower()}",
             f"{FILTER_MARK}year{FILTER_MARK}{version.day.year:04d}"}
    for other in post_versions:
        for key, values in (("author", other.authors), ("tag", other.tags),
                            ("outlet", [other.get("outlet")]), ("kind", [other.get("kind")])):
            forms = [form for form in (search_form(str(value or "")) for value in values) if form]
            terms.update(f"{FILTER_MARK}{key}{FILTER_MARK}{form}" for form in forms)
            if not forms and key in ("tag", "kind"):
                # `tag:` and `kind:` compare whole values: one that folds to nothing (`tag:"\u200b"`)
                # finds the versions that have none, as the terminal's SQL does.
                terms.add(f"{FILTER_MARK}{key}{FILTER_MARK}")
    return sorted(terms)


def _js(name: str, data: Any) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{LOADER}({json.dumps(name)},{text});\n".encode()


@dataclass
class PieceIndex:
    """What one piece adds to the index: its records (rel → bytes) and its postings."""

    name: str
    records: dict[str, bytes]
    cache: dict[str, Any]


def record_rel(piece: str, number: int) -> str:
    return f"{SEARCH_DIR}/d/{piece}/{number}.js"


def build_piece(name: str, posts: Iterable[tuple[str, str, list[Version]]]) -> PieceIndex:
    """The records and postings of one piece's posts: (post id, page url, versions) each."""
    documents: list[dict[str, int]] = []
    records: dict[str, bytes] = {}
    for post_id, url, versions in posts:
        for version in versions:
            terms = document_terms(search_form(version.title), search_form(version.body))
            terms.update(dict.fromkeys(filter_terms(versions, version), 1))
            documents.append(terms)
            rel = record_rel(name, len(documents) - 1)
            records[rel] = _js(rel[len(SEARCH_DIR) + 1 : -3], {
                "id": post_id, "lang": version.lang, "url": url, "title": version.title,
                "date": version.date.isoformat(), "authors": list(version.authors),
                "language": language_name(version.lang), "body": version.body})
    # Documents by term: a document number and its score in one int.
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for number, terms in enumerate(documents):
        shifted = number << SCORE_BITS
        for term, score in terms.items():
            postings[term].append(shifted | score)
    terms_out: dict[str, list[Any]] = {}
    for term, packed in postings.items():
        docs = [p >> SCORE_BITS for p in packed]
        scores = [p & SCORE_MAX for p in packed]
        entry = [docs[0], docs[-1], len(docs), scores[0], encode_posting(docs, scores)]
        if len(docs) * DENSE_SHARE >= len(documents):  # may be dense in the whole site: gaps alone too
            entry.append("".join([_code(b - a) for a, b in itertools.pairwise(docs)]))
        terms_out[term] = entry
    number = len(documents)
    return PieceIndex(name, records, {"format": FORMAT, "docs": number, "terms": terms_out})


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


def _joined(segments: list[tuple[int, list[Any]]], scores: bool) -> str:
    """One term's postings over the whole site from its pieces' segments ([first, last, count,
    first score, rest, gaps alone if the piece kept them]), with or without the scores."""
    parts = []
    previous = -1
    for base, (first, last, _, score, rest, *gaps) in segments:
        gap = base + first - previous
        if scores:
            parts += [_code(gap << SCORE_BITS | score), rest]
        else:
            parts += [_code(gap), gaps[0] if gaps else _without_scores(rest)]
        previous = base + last
    return "".join(parts)


def _separator(before: str, first: str) -> str:
    """The shortest start of `first` that sorts after `before` (UTF-16 order): what the manifest
    needs to find the file that begins with `first`."""
    for end in range(1, len(first)):
        if _utf16(first[:end]) > _utf16(before):
            return first[:end]
    return first


def join_pieces(pieces: list[tuple[str, dict[str, Any]]]) -> dict[str, bytes]:
    """Every file under `search/` but the records, from the pieces' caches in site order."""
    bases: list[list[Any]] = []
    total = 0
    for name, cache in pieces:
        bases.append([name, total, int(cache["docs"])])
        total += int(cache["docs"])
    merged: dict[str, list[Any]] = {}  # term → [count, segments]
    for (_, base, _), (_, cache) in zip(bases, pieces, strict=True):
        for term, segment in cache["terms"].items():
            entry = merged.get(term)
            if entry is None:
                merged[term] = [segment[2], [(base, segment)]]
            else:
                entry[0] += segment[2]
                entry[1].append((base, segment))
    files: dict[str, bytes] = {}
    firsts: list[str] = []  # what the manifest names each term file by
    bucket: list[list[Any]] = []
    size = 0
    last = ""  # the last term of the file before
    dense = max(total // DENSE_SHARE, DENSE_MIN)

    def flush() -> None:
        nonlocal bucket, size, last
        if bucket:
            rel = f"t/{len(firsts)}"
            firsts.append(_separator(last, bucket[0][0]) if firsts else bucket[0][0])
            files[f"{SEARCH_DIR}/{rel}.js"] = _js(rel, bucket)
            last = bucket[-1][0]
            bucket, size = [], 0

    facets: dict[str, list[str]] = {}
    for term in sorted(merged, key=_utf16):
        count, segments = merged[term]
        if count >= dense:  # in a large share of the documents: their numbers only (see DENSE_SHARE)
            row: list[Any] = [term, count, _joined(segments, scores=False), 1]
        else:
            row = [term, count, _joined(segments, scores=True)]
        if term.startswith(FILTER_MARK):
            _, key, value = term.split(FILTER_MARK, 2)
            facets.setdefault(key, []).append(value)
        if size and size + len(row[2]) > TERM_FILE_BYTES:
            flush()
        bucket.append(row)
        size += len(row[2].encode()) + len(term.encode()) + 8
    flush()
    files[f"{SEARCH_DIR}/facets.js"] = _js("facets", facets)
    files[f"{SEARCH_DIR}/manifest.js"] = _js("manifest", {
        "format": FORMAT, "docs": total, "pieces": bases, "terms": firsts})
    return files
