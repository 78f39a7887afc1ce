"""The article on a fetched page as the makings of a post: title, date (with its time zone when
the page gives one), authors, outlet, language, canonical URL, the body as Markdown and its
images with captions and credits.

The body and most metadata come from trafilatura (chosen on measured merit: docs/fetching.md),
an optional dependency (`pip install 'opedarchive[url]'`) imported only here; the page's own
`<head>` decides the canonical URL, the language and the date's time of day."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from opedarchive.errors import OpedError
from opedarchive.fetch.authors import page_authors
from opedarchive.fetch.http import Fetched, FetchError, is_url

# Elements of a figure caption that hold its credit, by class name.
_CREDIT_CLASS = re.compile(r"credit|copyright|byline|attribution|source|photographer", re.I)
# `… Photograph: Jane Doe`, `… Photo by Jane Doe`, `… (Photo: Jane Doe)`.
_CREDIT_TEXT = re.compile(
    r"^(?P<caption>.*?)[\s.,;–—-]*\(?\b(?:photograph|photo|picture|image|credit|foto|source)s?"
    r"(?:\s*:\s*|\s+by\s+)(?P<credit>[^()]{2,80}?)\)?\s*$", re.I | re.S)
# Dates a page states with their time and zone, where they are stated (first found wins).
_DATE_META = ("article:published_time", "article:published", "og:published_time", "datepublished", "date", "pubdate",
              "publishdate", "publish-date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.issued",
              "sailthru.date", "parsely-pub-date", "article.published")
# Fewer letters than this is a menu, a footer or a caption, not an article (a short Khmer
# sentence has about 40).
MIN_LETTERS = 40
_LETTERS = re.compile(r"[^\W\d_]")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")


def _need_trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError:
        raise OpedError("`add URL` needs trafilatura, an optional dependency: pip install 'opedarchive[url]'") from None
    return trafilatura


@dataclass
class Article:
    """What a page says about its article; empty strings where it says nothing."""

    url: str
    title: str
    date: date | datetime | None
    authors: list[str]
    outlet: str
    lang: str
    body: str
    images: list[dict[str, str]] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _attr(el: Any, name: str) -> str:
    return str(el.get(name) or "").strip()


def _metas(tree: Any) -> dict[str, str]:
    """`<meta>` name/property/itemprop (lower-cased) → content, the first of each."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (_attr(meta, "property") or _attr(meta, "name") or _attr(meta, "itemprop")
               or _attr(meta, "http-equiv")).lower()
        content = _attr(meta, "content")
        if key and content:
            found.setdefault(key, content)
    return found


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    """The objects of the page's JSON-LD blocks (graphs flattened); broken blocks ignored."""
    objects: list[dict[str, Any]] = []

    def walk(value: Any, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(value, list):
            for v in value:
                walk(v, depth + 1)
        elif isinstance(value, dict):
            objects.append(value)
            if "@graph" in value:
                walk(value["@graph"], depth + 1)

    for script in tree.iter("script"):
        if _attr(script, "type").lower() != "application/ld+json" or not script.text:
            continue
        # Some pages wrap the JSON in `<![CDATA[ … ]]>` or an HTML comment, as for XHTML.
        text = re.sub(r"^\s*(?:<!\[CDATA\[|<!--)|(?:\]\]>|-->)\s*$", "", script.text)
        try:
            walk(json.loads(text))
        except (ValueError, RecursionError):
            continue
    return objects


def canonical_url(tree: Any, final_url: str) -> str:
    """`<link rel=canonical>`, else `og:url`, else the URL the page was fetched from."""
    for link in tree.iter("link"):
        if "canonical" in _attr(link, "rel").lower().split() and _attr(link, "href"):
            url = urljoin(final_url, _attr(link, "href"))
            if is_url(url):
                return url
    og = _metas(tree).get("og:url", "")
    if og and is_url(urljoin(final_url, og)):
        return urljoin(final_url, og)
    return final_url


def declared_language(tree: Any) -> str:
    """The language the page declares (`<html lang>`, Content-Language, `og:locale`) as its
    primary subtag (`en-US` → `en`), or ""."""
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    metas = _metas(tree)
    for value in (_attr(root, "lang"), _attr(root, "{http://www.w3.org/XML/1998/namespace}lang"),
                  metas.get("content-language", ""), metas.get("og:locale", ""), metas.get("dc.language", "")):
        primary = re.split(r"[-_,;\s]", value.strip(), maxsplit=1)[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary
    return ""


def stated_datetime(tree: Any, day: date | None) -> date | datetime | None:
    """The publication date the page states in its metadata (meta tags, JSON-LD), with its
    time and zone when it gives both; else a `<time datetime>` on `day` with a zone; else None."""
    from opedarchive.importers.base import parse_date_value

    metas = _metas(tree)
    # What the page names its publication time wins over trafilatura's day (which may come from
    # a date in the URL); a `<time>` element may be any time (an update, a comment), so it only
    # adds the time of day to trafilatura's day.
    stated = [metas[k] for k in _DATE_META if k in metas]
    stated += [str(o.get("datePublished")) for o in _json_ld(tree) if o.get("datePublished")]
    for value in stated:
        when = parse_date_value(value.strip())
        if isinstance(when, datetime):
            return when if when.tzinfo is not None else when.date()
        if when is not None:
            return when
    for t in tree.iter("time"):
        when = parse_date_value(_attr(t, "datetime"))
        if isinstance(when, datetime) and when.tzinfo is not None and when.date() == day:
            return when
    return None


def _figure_captions(tree: Any, base: str) -> dict[str, tuple[str, str]]:
    """Image URL → (caption, credit) of each `<figure>` on the page with a `<figcaption>`."""
    captions: dict[str, tuple[str, str]] = {}
    for figure in tree.iter("figure"):
        figcaption = next(figure.iter("figcaption"), None)
        if figcaption is None:
            continue
        credit = ""
        for el in figcaption.iter():
            if el is not figcaption and _CREDIT_CLASS.search(_attr(el, "class")):
                credit = " ".join(el.text_content().split())
                el.drop_tree()
                break
        caption = " ".join(figcaption.text_content().split())
        if not credit:
            m = _CREDIT_TEXT.match(caption)
            if m and m["caption"]:
                caption, credit = m["caption"].strip(), m["credit"].strip()
        caption = caption.rstrip(" .,;–—-") if credit else caption
        for img in figure.iter("img"):
            for key in ("src", "data-src", "data-original"):
                if _attr(img, key):
                    captions.setdefault(urljoin(base, _attr(img, key)), (caption, credit))
    return captions


def _better_title(title: str, tree: Any, outlet: str) -> str:
    """The headline: the page title without the site's name after it, or the `<h1>` it starts with."""
    title = " ".join(title.split())
    if outlet:
        for sep in _TITLE_SEPARATORS:
            head, found, tail = title.rpartition(sep)
            if found and head and _norm(tail) in (_norm(outlet), _norm(outlet).removeprefix("the ")):
                title = head
                break
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().split())
        if text and len(text) >= 0.5 * len(title) and _norm(title).startswith(_norm(text)) and text != title:
            return text
        break
    return title


def _body(html: str, tree: Any, base: str, title: str) -> tuple[str, list[dict[str, str]]]:
    """trafilatura's HTML as Markdown: links and images made absolute, images that stand in a
    captioned figure on the page given that caption (and its credit), and the copy of the
    caption that trafilatura leaves after the image dropped."""
    from bs4 import BeautifulSoup

    from opedarchive.importers.htmltext import html_to_markdown

    captions = _figure_captions(tree, base)
    soup = BeautifulSoup(html, "html.parser")
    for a in soup.find_all("a", href=True):
        a["href"] = urljoin(base, str(a["href"]))
    first = soup.find(["h1", "h2"])
    if first is not None and _norm(first.get_text(" ")) == _norm(title) and not first.find_previous("p"):
        first.decompose()  # the headline, which is the post's title
    for img in soup.find_all("img"):
        src = urljoin(base, str(img.get("src") or ""))
        img["src"] = src
        caption, credit = captions.get(src, ("", ""))
        if not caption and not credit:
            continue
        follower = img.find_next_sibling()
        if follower is not None and follower.name != "img":
            said = _norm(follower.get_text(" "))
            if said and (said in _norm(caption + " " + credit) or _norm(caption) in said):
                follower.decompose()
        figure = soup.new_tag("figure")
        img.replace_with(figure)
        figure.append(img)
        figcaption = soup.new_tag("figcaption")
        figcaption.string = f"{caption} ({credit})" if credit else caption
        figure.append(figcaption)
    return html_to_markdown(str(soup))


def extract(fetched: Fetched, source: str) -> Article:
    """The article on a fetched HTML page; FetchError when the page holds none."""
    trafilatura = _need_trafilatura()
    from lxml import html as lxml_html

    text = fetched.text()
    if not text.strip():
        raise FetchError(f"{source}: the page is empty")
    try:
        tree = lxml_html.document_fromstring(text.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8"))
    except Exception:  # lxml's ParserError and friends: a page that is not HTML at all
        raise FetchError(f"{source}: the page cannot be read as HTML") from None
    base_el = next(tree.iter("base"), None)
    base = urljoin(fetched.url, _attr(base_el, "href")) if base_el is not None else fetched.url
    html = trafilatura.extract(text, url=fetched.url, output_format="html", with_metadata=False,
                               include_comments=False, include_images=True, include_links=True,
                               include_formatting=True, include_tables=True, deduplicate=False)
    meta = trafilatura.extract_metadata(text, default_url=fetched.url)
    if not html or len(_LETTERS.findall(re.sub(r"<[^>]*>", "", html))) < MIN_LETTERS:
        raise FetchError(f"{source}: no article found on the page")
    outlet = " ".join(str(getattr(meta, "sitename", "") or "").split())
    title = _better_title(str(getattr(meta, "title", "") or ""), tree, outlet)
    day: date | None = None
    raw_date = str(getattr(meta, "date", "") or "")
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw_date):
        day = date.fromisoformat(raw_date)
    when: date | datetime | None = stated_datetime(tree, day) or day
    authors = page_authors(tree, _json_ld(tree), str(getattr(meta, "author", "") or ""))
    body, images = _body(html, tree, base, title)
    if not body.strip():
        raise FetchError(f"{source}: no article found on the page (only images)")
    url = canonical_url(tree, fetched.url)
    if urlsplit(url).netloc == "":
        url = fetched.url
    return Article(url=url, title=title, date=when, authors=authors, outlet=outlet,
                   lang=declared_language(tree), body=body, images=images)
