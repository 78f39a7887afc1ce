"""HTML of blog posts (WordPress, feeds) as clean Markdown — paragraphs, lists, links,
emphasis, headings, blockquotes — with its images taken out as captions."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter

from opedarchive.importers.textpost import _caption

# WordPress's classic editor keeps captions as a shortcode around the image.
_CAPTION_SHORTCODE = re.compile(r"\[caption\b[^\]]*\](.*?)\[/caption\]", re.S | re.I)
_BLOCK_TAG = re.compile(r"<(?:p|div|h[1-6]|ul|ol|blockquote|pre|table|figure)\b", re.I)
_BLOCK_START = re.compile(r"^<(?:/?(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr)\b|!--)", re.I)
# Links that lead somewhere; `javascript:` and `data:` links keep their text only.
_SAFE_HREF = re.compile(r"^(?:https?:|mailto:|ftp:|/|#|\?|\.|[^:]*$)", re.I)
_BLOCKS = r"(?:p|div|h[1-6]|ul|ol|blockquote|pre|table|figure|hr)"
_BLOCK_OPEN = re.compile(rf"(<{_BLOCKS}\b[^>]*>)", re.I)
_BLOCK_CLOSE = re.compile(rf"(</{_BLOCKS}>)", re.I)
_MANY_BLANKS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "form", "button", "svg")
# Tags nested deeper than this are left out as the HTML is parsed, their text kept in the
# deepest tag kept: the conversion to Markdown recurses a few frames per level, and 400 nested
# or unclosed tags ran out of Python's stack. Real posts nest a dozen levels or so.
MAX_HTML_DEPTH = 64
# Tags that hold no other tag (void elements, and those whose content is raw text) are kept at
# any depth: leaving one out would lose an image, or turn a script into text.
_LEAF_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                        "track", "wbr", "script", "style", "textarea", "title", "noscript", "iframe", "xmp"})


class _ShallowSoup(BeautifulSoup):
    """BeautifulSoup that leaves out the tags nested deeper than MAX_HTML_DEPTH (and their
    end tags), keeping what they hold: the tree it builds is never deeper than that, plus
    one level of tags that hold no tag."""

    def reset(self) -> None:
        super().reset()
        self.left_out: dict[str, int] = {}

    def handle_starttag(self, name: str, namespace: str | None, nsprefix: str | None, attrs: Any,
                        sourceline: int | None = None, sourcepos: int | None = None,
                        namespaces: dict[str, str] | None = None) -> Tag | None:
        if len(self.tagStack) > MAX_HTML_DEPTH and name not in _LEAF_TAGS:
            self.left_out[name] = self.left_out.get(name, 0) + 1
            return None
        return super().handle_starttag(name, namespace, nsprefix, attrs, sourceline, sourcepos, namespaces)

    def handle_endtag(self, name: str, nsprefix: str | None = None) -> None:
        if self.left_out.get(name):
            self.left_out[name] -= 1
            return
        super().handle_endtag(name, nsprefix)


class _Converter(MarkdownConverter):
    """markdownify with line breaks kept as plain new lines and unsafe links made text."""

    def convert_br(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return " " if "_inline" in parent_tags else "\n"

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        href = str(el.get("href") or "").strip()
        if href and not _SAFE_HREF.match(href):
            del el["href"]
        return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]


_CONVERTER = _Converter(heading_style="ATX", bullets="-", escape_underscores=False, escape_asterisks=True)


def autop(html: str) -> str:
    """WordPress's classic editor stores paragraphs as blank lines and line breaks as new
    lines (wpautop makes them HTML when the post is shown); do the same here."""
    html = _BLOCK_OPEN.sub(r"\n\n\1", html.replace("\r\n", "\n"))
    html = _BLOCK_CLOSE.sub(r"\1\n\n", html)
    chunks = [c.strip() for c in re.split(r"\n\s*\n", html) if c.strip()]
    out = []
    for chunk in chunks:
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>") + "</p>")
    return "\n".join(out)


def _image(img: Tag, caption: str = "") -> dict[str, str]:
    text = " ".join((caption or str(img.get("alt") or "") or str(img.get("title") or "")).split())
    image = _caption([text]) if text else {}  # `Caption (Credit)` split as the page importer does
    src = str(img.get("src") or "").strip()
    if src and _SAFE_HREF.match(src):
        image["src"] = src
    return image


def html_to_markdown(html: str, *, stored: bool = False) -> tuple[str, list[dict[str, str]]]:
    """(Markdown body, images as `{caption, credit, src}`) of a post's HTML. `stored` HTML is as
    WordPress keeps it (classic-editor paragraphs as blank lines, caption shortcodes); the rest
    is HTML as a browser gets it."""
    if stored:
        html = _CAPTION_SHORTCODE.sub(lambda m: f"<figure>{_caption_figure(m[1])}</figure>", html)
        if "<!-- wp:" not in html:  # block-editor posts are stored as finished HTML
            html = autop(html)
    elif not _BLOCK_TAG.search(html):
        html = autop(html)
    soup = _ShallowSoup(html, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    images: list[dict[str, str]] = []
    for figure in soup.find_all("figure"):
        caption_tag = figure.find("figcaption")
        caption = caption_tag.get_text(" ", strip=True) if caption_tag else ""
        found = figure.find_all("img")
        if not found:
            continue  # a figure of a quote or code: its text stays in the body
        for i, img in enumerate(found):
            image = _image(img, caption if i == 0 else "")
            if image:
                images.append(image)
        figure.decompose()
    for img in soup.find_all("img"):
        image = _image(img)
        if image:
            images.append(image)
        img.decompose()
    markdown = _CONVERTER.convert_soup(soup)
    markdown = _MANY_BLANKS.sub("\n\n", _TRAILING_SPACE.sub("\n", markdown)).strip()
    return markdown, images


def _caption_figure(inner: str) -> str:
    """`<img …/> Caption text` of a caption shortcode as an image and a figcaption."""
    m = re.search(r"(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", inner, re.I)
    if not m:
        return inner
    caption = inner[m.end():].strip()
    return f"{m[0]}<figcaption>{caption}</figcaption>" if caption else m[0]


def plain(html: str) -> str:
    """The text of an HTML fragment on one line (for summaries)."""
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
