"""What the PDF and EPUB booklets share: the selected posts gathered into plain data (title page,
each post's metadata, its Markdown bodies as blocks, bilingual posts as aligned rows), with
line-break opportunities put into unspaced Khmer where the project's word segmenter finds words.

The blocks are JSON-ready: a block is `{"t": "p" | "h" | "ul" | "ol" | "li" | "quote" | "code" |
"hr", …}`; inline content is a list of strings and `{"t": "em" | "strong" | "code" | "link" |
"img" | "br", …}`. `pdf.py` hands them to Typst as data (never as markup); `epub.py` writes XHTML.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from opedarchive.export.markup import format_date, language_name, safe_url
from opedarchive.model import Post, Version

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from opedarchive.archive import Archive
    from opedarchive.select import PostFilter

Block = dict[str, Any]
Inline = str | dict[str, Any]
ZWSP = "\u200b"
# WORD JOINER: no line may end here (UAX #14, LB11). The PDF puts one between every two clusters of
# a Khmer word (`join_khmer_words`), so that Typst can end a line only between words.
WJ = "\u2060"
# A Khmer word of more clusters than this gets no word joiners: Typst's own rules may break it.
# The segmenter's longest word in khPOS and NTREX-128 (62,895 words) has 12 clusters; a line of
# the narrowest column (side by side, 81.5 mm at 10 pt) holds about 25-35.
LONG_KHMER_WORD = 16
# A run without spaces this long (a URL, a made-up compound) gets break opportunities after its
# slashes, dots, hyphens and the like, so that it cannot run past the text area.
LONG_RUN = 24
_LONG = re.compile(r"\S{" + str(LONG_RUN) + ",}")
_BREAK_AFTER = re.compile(r"([/.\-_?&=#:,;])(?=[^/.\-_?&=#:,;\s])")
_HAS_KHMER = re.compile("[\u1780-\u17ff]")
# A `.` or `,` between two of these is part of a number or an abbreviation (`breakable`).
_DIGIT = re.compile("[0-9\u17e0-\u17e9]")
_KHMER_LETTER = re.compile("[\u1780-\u17d3\u17dd]")
# One Khmer word of a text that `breakable` has been through: a run of Khmer letters, signs and
# digits that no space, zero-width space or punctuation interrupts (`text.words`' unit).
_KHMER_WORD = re.compile("[\u1780-\u17d3\u17dc\u17dd\u17e0-\u17e9\u19e0-\u19ff]{2,}")
# Where a cluster may start: a consonant, independent vowel or digit (never a sign or coeng).
_CLUSTER_BASE = re.compile("[\u1780-\u17b3\u17e0-\u17e9\u19e0-\u19ff]")
# The repetition sign ៗ repeats the word before it: it never starts a line.
_BEFORE_REPEAT = re.compile("(?<=[\u1780-\u17d3\u17dd])(?=\u17d7)")
# Keys of the booklet's data whose strings are not text set on the page.
_NOT_TEXT = frozenset({"t", "url", "src", "lang", "tlang", "id"})


@dataclass
class BookletOptions:
    """How a booklet is made: its title page and whether bilingual posts are stacked."""

    title: str = "Op-ed archive"
    selection: str = "All posts"
    made: dt.date = field(default_factory=dt.date.today)
    stacked: bool = False


def breakable(text: str) -> str:
    """`text` with a zero-width space wherever a line may end but nothing says so: between two
    Khmer words of an unspaced run (`text.words.khmer_breaks`), and inside long runs without
    spaces such as URLs. Typst and e-readers then break lines there, never inside a word."""
    if _HAS_KHMER.search(text):
        from opedarchive.text.words import khmer_breaks

        cuts = khmer_breaks(text)
        if cuts:
            parts, last = [], 0
            for cut in cuts:
                parts.append(text[last:cut])
                last = cut
            parts.append(text[last:])
            text = ZWSP.join(parts)
    if len(text) >= LONG_RUN:
        text = _LONG.sub(lambda m: _BREAK_AFTER.sub(_break_after, m.group()), text)
    return text


def _break_after(m: re.Match[str]) -> str:
    """A zero-width space after the punctuation of a long run, unless it is a `.` or `,` inside a
    number (`១,៧៣`) or a Khmer abbreviation (`គ.ជ.ប`)."""
    mark, at = m.group(1), m.start()
    if mark in ".," and at > 0 and m.end() < len(m.string):
        before, after = m.string[at - 1], m.string[m.end()]
        if all(map(_DIGIT.match, (before, after))) or all(map(_KHMER_LETTER.match, (before, after))):
            return mark
    return mark + ZWSP


def join_clusters(word: str) -> str:
    """A Khmer word with a word joiner between every two of its clusters
    (`text.khmer.clusters`), so that no line can end inside it; unchanged when it has more than
    `LONG_KHMER_WORD` clusters. A joiner goes only between two whole clusters: never after a
    coeng or a ZWJ, never before a sign (a stray one is its own cluster), so shaping is untouched."""
    from opedarchive.text.khmer import clusters

    parts = clusters(word)
    if len(parts) < 2 or len(parts) > LONG_KHMER_WORD:
        return word
    out = [parts[0]]
    for before, cluster in pairwise(parts):
        if _CLUSTER_BASE.match(cluster) and before[-1] not in "\u17d2\u200d":
            out.append(WJ)
        out.append(cluster)
    return "".join(out)


def join_khmer_words(text: str) -> str:
    """`text` (already through `breakable`) with word joiners inside its Khmer words and before a
    repetition sign ៗ: a line can then end only at a space, a zero-width space (a word boundary)
    or after punctuation."""
    if not _HAS_KHMER.search(text):
        return text
    text = _KHMER_WORD.sub(lambda m: join_clusters(m.group()), text)
    return _BEFORE_REPEAT.sub(WJ, text) if "\u17d7" in text else text


def joined(data: Any) -> Any:
    """The booklet's data (`booklet_data`) with `join_khmer_words` applied to every text it
    shows (not to URLs, languages or ids): what the PDF is made from."""
    if isinstance(data, str):
        return join_khmer_words(data)
    if isinstance(data, list):
        return [joined(x) for x in data]
    if isinstance(data, dict):
        return {k: v if k in _NOT_TEXT else joined(v) for k, v in data.items()}
    return data


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = lambda url: safe_url(url) is not None  # type: ignore[method-assign]
    return md


_BLOCK_KINDS = {"paragraph_open": "p", "heading_open": "h", "bullet_list_open": "ul",
                "ordered_list_open": "ol", "list_item_open": "li", "blockquote_open": "quote"}


def blocks(markdown: str) -> list[Block]:
    """A Markdown text as blocks (see the module's docstring); raw HTML stays text."""
    root: list[Block] = []
    stack: list[list[Any]] = [root]
    for token in _parser().parse(markdown):
        if token.nesting == 1:
            kind = _BLOCK_KINDS.get(token.type, "quote")
            node: Block = {"t": kind, "c": []}
            if kind == "h":
                node["level"] = int(token.tag[1:]) if token.tag[1:].isdigit() else 2
            elif kind == "ol":
                start = token.attrGet("start")
                node["start"] = int(start) if isinstance(start, (int, str)) and str(start).isdigit() else 1
            stack[-1].append(node)
            stack.append(node["c"])
        elif token.nesting == -1:
            stack.pop()
        elif token.type == "inline":
            stack[-1].extend(inlines(token.children or []))
        elif token.type in ("fence", "code_block"):
            stack[-1].append({"t": "code", "c": token.content.rstrip("\n")})
        elif token.type == "hr":
            stack[-1].append({"t": "hr"})
    return root


_INLINE_KINDS = {"em_open": "em", "strong_open": "strong", "link_open": "link", "s_open": "em"}


def inlines(tokens: list[Token]) -> list[Inline]:
    """markdown-it's inline tokens as inline content; neighbouring text is merged."""
    root: list[Inline] = []
    stack: list[list[Inline]] = [root]

    def text(value: str) -> None:
        here = stack[-1]
        if here and isinstance(here[-1], str):
            here[-1] += value
        else:
            here.append(value)

    for token in tokens:
        if token.type == "text":
            text(token.content)
        elif token.type == "softbreak":
            text(" ")
        elif token.type == "hardbreak":
            stack[-1].append({"t": "br"})
        elif token.type == "code_inline":
            stack[-1].append({"t": "code", "c": breakable(token.content)})
        elif token.type == "image":
            alt = "".join(child.content for child in token.children or []) or ""
            src = safe_url(token.attrGet("src"))
            stack[-1].append({"t": "img", "alt": breakable(alt), "src": src})
        elif token.nesting == 1:
            node: dict[str, Any] = {"t": _INLINE_KINDS.get(token.type, "em"), "c": []}
            if node["t"] == "link":
                node["url"] = safe_url(token.attrGet("href")) or ""
            stack[-1].append(node)
            stack.append(node["c"])
        elif token.nesting == -1 and len(stack) > 1:
            stack.pop()
        elif token.content:
            text(token.content)
    _finish(root)
    return root


def _finish(items: list[Inline]) -> None:
    """Break opportunities into every text, once it is whole (a Khmer word must not be cut
    where markdown-it happened to split the text into two tokens)."""
    for i, item in enumerate(items):
        if isinstance(item, str):
            items[i] = breakable(item)
        elif "c" in item and isinstance(item["c"], list):
            _finish(item["c"])


def _meta(version: Version) -> dict[str, Any]:
    """A version's title and the metadata lines a reader wants: date, authors, outlet, source."""
    lang = version.lang
    byline = ", ".join(version.authors)
    if version.get("affiliation"):
        byline = f"{byline} ({version.get('affiliation')})" if byline else version.get("affiliation")
    url = safe_url(version.get("source_url")) or ""
    captions = []
    images = version.meta.get("images")
    for image in images if isinstance(images, list) else []:
        if isinstance(image, dict) and (image.get("caption") or image.get("credit")):
            credit = str(image.get("credit") or "")
            caption = str(image.get("caption") or "")
            captions.append(breakable(f"{caption} ({credit})" if caption and credit else caption or credit))
    return {
        "lang": lang,
        # Typst takes an ISO 639 code only: `km`, `en`; a region or script subtag is left off.
        "tlang": primary if re.fullmatch("[a-z]{2,3}", primary := lang.split("-")[0].lower()) else "",
        "language": language_name(lang),
        "title": breakable(version.title or "(untitled)"),
        "date": format_date(version.day, lang) if version.day != dt.date.min else "",
        "byline": breakable(byline),
        "outlet": breakable(", ".join(x for x in (version.get("outlet"), version.get("kind")) if x)),
        "translator": breakable(version.get("translator")),
        "url": url,
        "url_text": breakable(url),
        "captions": captions,
    }


def post_data(archive: Archive | None, post: Post, stacked: bool) -> dict[str, Any]:
    """One post as data: `versions` (their metadata and whole bodies as blocks) and, when two
    languages go side by side, `rows`: pairs of aligned paragraphs, as `show` aligns them."""
    from opedarchive.align import alignment_for, paragraphs

    versions = list(post.versions.values())
    data: dict[str, Any] = {"id": post.id, "title": breakable(post.original.title or post.id),
                            "versions": [_meta(v) for v in versions], "rows": []}
    if len(versions) >= 2 and not stacked:
        left, right = versions[0], versions[1]
        a, b = paragraphs(left.body), paragraphs(right.body)
        for xs, ys in alignment_for(archive, left.body, right.body, left.lang, right.lang):
            data["rows"].append([[blk for i in xs for blk in blocks(a[i])],
                                 [blk for i in ys for blk in blocks(b[i])]])
        rest = versions[2:]
    else:
        rest = versions
    data["bodies"] = [{"lang": v.lang, "index": versions.index(v), "blocks": blocks(v.body)} for v in rest]
    return data


def booklet_data(archive: Archive | None, posts: list[Post], options: BookletOptions) -> dict[str, Any]:
    """The whole booklet as data: the title page's lines and every post (in the given order)."""
    days = [p.original.day for p in posts if p.original.day != dt.date.min]
    span = ""
    if days:
        first, last = format_date(min(days), "en"), format_date(max(days), "en")
        span = first if first == last else f"{first} – {last}"
    count = f"{len(posts)} post{'' if len(posts) == 1 else 's'}"
    return {
        "title": breakable(options.title),
        "selection": breakable(options.selection),
        "count": count,
        "span": span,
        "made": format_date(options.made, "en"),
        "stacked": options.stacked,
        "posts": [post_data(archive, post, options.stacked) for post in posts],
    }


def plain_paragraphs(markdown: str) -> list[str]:
    """The text of each paragraph, heading and list item of a Markdown body, as a reader sees it
    (no zero-width spaces): what a test looks for in a booklet."""
    out: list[str] = []

    def flat(items: list[Any]) -> str:
        parts = []
        for item in items:
            if isinstance(item, str):
                parts.append(item)
            elif item.get("t") == "img":
                parts.append(item.get("alt", ""))
            elif item.get("t") == "br":
                parts.append(" ")
            elif isinstance(item.get("c"), list):
                parts.append(flat(item["c"]))
            elif isinstance(item.get("c"), str):
                parts.append(item["c"])
        return "".join(parts)

    def walk(items: list[Block]) -> None:
        for block in items:
            if block["t"] in ("p", "h"):
                out.append(flat(block["c"]).replace(ZWSP, ""))
            elif block["t"] == "code":
                out.append(block["c"].replace(ZWSP, ""))
            elif block["t"] != "hr":
                walk(block["c"])

    walk(blocks(markdown))
    return [p for p in out if p.strip()]


def describe(flt: PostFilter, ids: list[str]) -> str:
    """The selection in words, for the title page: `Posts by Sophoan Seng, tagged election, 2022`."""
    parts = []
    if flt.author:
        parts.append(f"by {flt.author}")
    if flt.tag:
        parts.append(f"tagged {flt.tag}")
    if flt.outlet:
        parts.append(f"in {flt.outlet}")
    if flt.kind:
        parts.append(f"of kind {flt.kind}")
    if flt.year:
        parts.append(str(flt.year))
    if flt.since:
        parts.append(f"from {format_date(flt.since, 'en')}")
    if flt.until:
        parts.append(f"until {format_date(flt.until, 'en')}")
    if flt.lang:
        parts.append(f"with a version in {language_name(flt.lang)}")
    if flt.untranslated:
        parts.append("in one language only")
    if ids:
        parts.insert(0, "chosen by id")
    return "Posts " + ", ".join(parts) if parts else "All posts"


def select(posts: list[Post], flt: PostFilter, ids: list[Post] | None) -> list[Post]:
    """The booklet's posts: those `ids` names (in that order) or all, that pass `flt`, oldest
    first unless named."""
    from opedarchive.export.base import sorted_posts

    chosen = ids if ids is not None else sorted_posts(posts)
    return [post for post in chosen if flt.matches(post)]
