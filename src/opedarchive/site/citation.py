"""The citation metadata of a post page: the meta tags that Zotero's "Embedded Metadata"
translator, Google Scholar and link previews read, and the `hreflang` links between versions.

A page shows every version of a post, the original first; its metadata describes the original
(one page is one item to a reference manager), and each version is linked as an alternate.

The item type: Zotero types a page `journalArticle` as soon as it holds `citation_journal_title`
(its Highwire type wins over every other), so the outlet is not given in that tag but as
`DC.source`, which Zotero reads as the publication of a `DC.type` of `newspaperArticle`.
`og:type` `article` is only a guess to Zotero and does not override it."""

from __future__ import annotations

from dataclasses import dataclass, field

from opedarchive.citation import cite_version
from opedarchive.model import Post

# Zotero's item type name: its RDF import takes a DC.type that names an item type as it is.
DC_TYPE = "newspaperArticle"


@dataclass(frozen=True)
class PageMetadata:
    """`meta`: (attribute, name, content) of each <meta>; `links`: (rel, href, hreflang, title) of each <link>."""

    meta: list[tuple[str, str, str]] = field(default_factory=list)
    links: list[tuple[str, str, str, str]] = field(default_factory=list)


def page_metadata(post: Post, page_url: str = "") -> PageMetadata:
    """The metadata of `post`'s page; `page_url` is its absolute address when the site has a
    `base_url` (then the canonical link), else ""."""
    cite = cite_version(post, post.original)
    day = cite.day
    meta: list[tuple[str, str, str]] = []

    def add(name: str, content: str, attribute: str = "name") -> None:
        if content:
            meta.append((attribute, name, content))

    # Highwire Press (Google Scholar, Zotero).
    add("citation_title", cite.title)
    for name in cite.author_names:
        add("citation_author", name.inverted)  # `Family, Given`: a Khmer name is not reversed
    add("citation_publication_date", f"{day.year:04d}/{day.month:02d}/{day.day:02d}")
    add("citation_language", cite.lang)
    add("citation_public_url", cite.url or page_url)
    # Dublin Core.
    add("DC.title", cite.title)
    for author in cite.authors:
        add("DC.creator", author)
    add("DC.date", cite.date.isoformat())
    add("DC.language", cite.lang)
    add("DC.type", DC_TYPE)
    add("DC.source", cite.outlet)
    add("DC.publisher", cite.outlet)
    # Open Graph.
    add("og:type", "article", "property")
    add("og:title", cite.title, "property")
    add("og:url", page_url, "property")
    add("article:published_time", cite.date.isoformat(), "property")
    for author in cite.authors:
        add("article:author", author, "property")

    links: list[tuple[str, str, str, str]] = []
    if page_url:
        links.append(("canonical", page_url, "", ""))
    if len(post.versions) > 1:
        # Every version, this page's first one included (hreflang sets name themselves too).
        links += [("alternate", f"#v-{v.lang}", v.lang, " ".join(v.title.split())) for v in post.versions.values()]
    return PageMetadata(meta, links)
