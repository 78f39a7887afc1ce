"""Where the lines of a Typst PDF end in the text it was given: the measurement behind the Khmer line
breaks of the booklet (docs/booklets.md, "Khmer line breaks").

A Typst PDF's text layer is not the text as written: the glyphs of one Khmer cluster are drawn in
several text objects (a mark raised or lowered is one of its own), and each carries the cluster's
whole text (as ActualText or through the font's ToUnicode map), so a reader gets `ឆ្នោឆ្នោត` for
`ឆ្នោត`, and now and then loses a vowel sign. What it does get right is the order, and which line
each glyph is on. So:

1. PyMuPDF's `rawdict` gives the characters with their baselines; pieces on one baseline (within
   6 pt: marks sit a little off it) inside the given column form a line, read left to right.
2. Each line is aligned, cluster by cluster, with the text that was typeset, from where the line
   before ended: the extra clusters of the PDF cost nothing, a cluster of the text the PDF lacks
   costs two, a cluster found in both earns one (half when the PDF's has the same first letter
   and a sign lost or repeated, `ស` or `ស្ស្ទា` for `ស្ទា`); the line ends where the
   score is highest, the later of equals (a repeated cluster at the end of a line is not worth
   skipping one of the text to reach).
3. The end found is checked against the first letters of the next line's first two clusters (a
   line's first glyphs carry them, though a vowel sign may be missing, `បន` for `បាន`, or a
   subscript come first, `តា` for `ម្តា`): if the clusters found next do not start so, the
   nearest place within 4 clusters where they do (else where the first does) becomes the end
   (`moved`); none: `unanchored`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opedarchive.text.khmer import CLUSTER_RE

INVISIBLE = re.compile("[\\s\u200b\u200c\u200d\u2060\ufeff]")
_SIGN = re.compile("[\u17b4-\u17d3\u17dd]")  # a dependent vowel, sign or coeng: never a line's start
_DOUBLED_MARK = re.compile("([\u17b6-\u17d1\u17d3\u17dd])\\1+")  # never written twice: an artefact


def pdf_lines(pdf: bytes, x_range: tuple[float, float], y_range: tuple[float, float]) -> list[str]:
    """The text of every line whose first character lies within `x_range` and whose baseline lies
    within `y_range` (points from the top left), page after page, top to bottom."""
    import pymupdf

    out: list[str] = []
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        for page in doc:
            pieces = []
            for block in page.get_text("rawdict", flags=0)["blocks"]:
                for line in block.get("lines", []):
                    chars = [c for span in line["spans"] for c in span["chars"]]
                    if not chars:
                        continue
                    x, y = chars[0]["origin"]
                    if x_range[0] <= x < x_range[1] and y_range[0] <= y <= y_range[1]:
                        pieces.append((y, x, "".join(c["c"] for c in chars)))
            pieces.sort()
            current: list[tuple[float, str]] = []
            baseline = None
            for y, x, text in pieces:
                if baseline is None or y - baseline > 6:
                    if current:
                        out.append("".join(t for _, t in sorted(current)))
                    current, baseline = [], y
                current.append((x, text))
            if current:
                out.append("".join(t for _, t in sorted(current)))
    return out


def _tokens(text: str) -> list[str]:
    return CLUSTER_RE.findall(_DOUBLED_MARK.sub("\\1", INVISIBLE.sub("", text)))


def _heads(line: list[str]) -> tuple[str, set[str]]:
    """The first letter of a line's first cluster as the PDF shows it, and what the first letter
    of the next may be: of the next cluster read, or of the next that is not a repeat of the
    first (`ឃុឃុន`); a sign standing alone is an artefact of reading and is passed over."""
    toks = [tok for tok in line if not _SIGN.match(tok)]
    if not toks:
        return "", set()
    second = {toks[1][0]} if len(toks) > 1 else set()
    second |= {tok[0] for tok in [t for t in toks[1:] if t != toks[0]][:1]}
    return toks[0][0], second


def _near(read: str, cluster: str) -> bool:
    """Whether the PDF's `read` may be `cluster` read wrong (their first letters agree): with a
    sign lost (`ស` for `សា`) or with some repeated (`ម្ម្ម` for `ម្ម`, `ស្ស្ទា` for `ស្ទា`): one
    holds the other's letters in order."""
    short, long = (read, cluster) if len(read) <= len(cluster) else (cluster, read)
    rest = iter(long)
    return all(c in rest for c in short)


@dataclass
class LineEnds:
    ends: list[int] = field(default_factory=list)  # offsets in the text, one a line
    moved: int = 0
    unanchored: int = 0
    unanchored_at: list[int] = field(default_factory=list)  # line numbers


def line_ends(lines: list[str], text: str) -> LineEnds:
    """Where each of `lines` (read from the PDF, in order) ends in `text` (what was typeset: the
    lines' text in the same order; zero-width and white space are ignored on both sides)."""
    src: list[str] = []
    end_of: list[int] = []  # offset in `text` just after each cluster of `src`
    for m in CLUSTER_RE.finditer(text):
        if not INVISIBLE.fullmatch(m.group()):
            src.append(m.group())
            end_of.append(m.end())
    found = LineEnds()
    p = 0
    toks = [_tokens(line) for line in lines]
    for i, line in enumerate(toks):
        window = src[p : p + len(line) + 15]
        row = [-2.0 * s for s in range(len(window) + 1)]
        for tok in line:
            nxt = row[:]
            for s in range(1, len(window) + 1):
                here = window[s - 1]
                score = 1.0 if here == tok else 0.5 if here[0] == tok[0] and _near(tok, here) else 0.0
                if score and row[s - 1] + score > nxt[s]:
                    nxt[s] = row[s - 1] + score
            for s in range(1, len(window) + 1):  # skipping a cluster of the text costs two
                if nxt[s - 1] - 2 > nxt[s]:
                    nxt[s] = nxt[s - 1] - 2
            row = nxt
        best = max(row)
        p += max(s for s, score in enumerate(row) if score == best)  # the last of equals
        first, second = _heads(toks[i + 1]) if i + 1 < len(toks) else ("", set())

        def fits(q: int, first: str = first, second: set[str] = second) -> bool:
            cluster, after = src[q], src[q + 1][0] if q + 1 < len(src) else None
            if cluster[0] == first:
                return not second or after is None or after in second
            if "\u17d2" + first in cluster:  # its subscript was drawn first: then its base
                return not second or cluster[0] in second or after is None or after in second
            return False

        if first and p < len(src) and not fits(p):
            near = [q for q in range(max(0, p - 4), min(len(src), p + 5)) if fits(q)]
            if not near:  # the second cluster may be read wrong: the first alone
                near = [q for q in range(max(0, p - 4), min(len(src), p + 5)) if fits(q, second=set())]
            if near:
                p = min(near, key=lambda q: abs(q - p))
                found.moved += 1
            else:
                found.unanchored += 1
                found.unanchored_at.append(i)
        found.ends.append(end_of[p - 1] if p else 0)
    return found


# --- a booklet of Khmer text, and where its lines end -------------------------------------------

MM = 72 / 25.4
PAGE_W = 595.28
MARGIN_X, GUTTER = 20 * MM, 7 * MM  # booklet.typ
BODY_Y = (19 * MM, 841.89 - 21 * MM)  # baselines inside the text area: no page number


@dataclass
class Text:
    """A Khmer post to measure: its paragraphs, and (khPOS) the hand-segmented words of each."""

    name: str
    paragraphs: list[str]
    hand: list[Any] | None = None  # khpos.Paragraph per paragraph


@dataclass
class Measured:
    lines: int = 0
    inside_runs: int = 0  # line ends with no space or zero-width space on either side
    inside_word: list[str] = field(default_factory=list)  # inside a segmenter word that fits a line
    inside_long_word: int = 0  # inside a segmenter word of more than LONG_KHMER_WORD clusters
    inside_hand_word: list[str] = field(default_factory=list)  # khPOS: inside a hand word
    hand_joint: int = 0  # khPOS: between the parts of a hand-marked compound
    coeng: list[str] = field(default_factory=list)  # lines ending in a coeng
    moved: int = 0
    unanchored: int = 0
    unanchored_at: list[int] = field(default_factory=list)  # line numbers


def write_archive(root: Path, texts: list[Text], side_by_side: bool) -> None:
    """An archive of one Khmer post per text (with an English version when `side_by_side`)."""
    from opedarchive.archive import Archive

    Archive.init(root, title="Khmer line ends")
    folder = root / "posts" / "2022"
    folder.mkdir(parents=True)
    for n, text in enumerate(texts, 1):
        stem = f"2022-01-{n:02d}-{text.name}"
        head = f"---\ntitle: {text.name}\ndate: 2022-01-{n:02d}\nlang: km\n---\n\n"
        (folder / f"{stem}.km.md").write_text(head + "\n\n".join(text.paragraphs) + "\n", encoding="utf-8")
        if side_by_side:
            english = "\n\n".join(f"Paragraph {i}." for i in range(1, len(text.paragraphs) + 1))
            (folder / f"{stem}.en.md").write_text(head.replace("lang: km", "lang: en") + english + "\n",
                                                   encoding="utf-8")


def measure(pdf: bytes, texts: list[Text], column: str) -> Measured:
    """Every line end of the Khmer `texts` in the booklet `pdf` (each text a post, in order, its
    Khmer in the `column` "whole", "left" or "right"), judged by the segmenter's words and, for
    khPOS, by the hand segmentation."""
    from opedarchive.export.booklet import LONG_KHMER_WORD, plain_paragraphs
    from opedarchive.export.markup import format_date, language_name
    from opedarchive.text.khmer import clusters
    from opedarchive.text.words import word_spans

    width = (PAGE_W - 2 * MARGIN_X - GUTTER) / 2
    x_range = {"whole": (0.0, PAGE_W), "left": (0.0, MARGIN_X + width + GUTTER / 2),
               "right": (MARGIN_X + width + GUTTER / 2, PAGE_W)}[column]
    lines = pdf_lines(pdf, x_range, BODY_Y)
    out = Measured()
    for n, text in enumerate(texts, 1):
        # What the column shows of this post: its title (side by side: the Khmer version's
        # title in the Khmer column; alone: the post's heading), the date line, the paragraphs.
        date = f"{format_date(dt.date(2022, 1, n), 'km')} · {language_name('km')}"
        paras = [p for para in text.paragraphs for p in plain_paragraphs(para)]
        shown = [text.name, date, *paras]
        start = next(i for i, line in enumerate(lines) if INVISIBLE.sub("", line) == text.name)
        lines = lines[start:]
        joined = "\n".join(shown)
        found = line_ends(lines, joined)
        # the post's lines: up to the line that ends at the end of its text
        count = found.ends.index(len(joined)) + 1
        out.lines += count - 2
        out.moved += found.moved
        out.unanchored += found.unanchored
        offset = len(text.name) + len(date) + 2
        starts = [offset]
        for para in paras:
            starts.append(starts[-1] + len(para) + 1)
        for end in found.ends[2 : count - 1]:
            k = max(i for i, s in enumerate(starts[:-1]) if s <= end)
            para, at = paras[k], end - starts[k]
            if not 0 < at < len(para):
                continue
            where = f"{text.name}: …{para[max(0, at - 12):at]}⏎{para[at:at + 8]}…"
            if para[at - 1] == "\u17d2":
                out.coeng.append(where)
            if para[at - 1].isspace() or para[at].isspace():
                continue
            out.inside_runs += 1
            spans = word_spans(para)
            word = next((s for s in spans if s[0] < at < s[1]), None)
            if word is not None:
                if len(clusters(para[word[0] : word[1]])) > LONG_KHMER_WORD:
                    out.inside_long_word += 1
                else:
                    out.inside_word.append(where)
            if text.hand is not None:
                hand = text.hand[k]
                if at in hand.joints:
                    out.hand_joint += 1
                elif at not in hand.bounds:
                    out.inside_hand_word.append(where)
        lines = lines[count:]
    return out
