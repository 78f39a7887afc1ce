"""Post pages carry the metadata reference managers read (Highwire `citation_*`, Dublin Core, Open
Graph) and link their versions with `hreflang`: every page's tags checked against its post."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

from opedarchive.archive import Archive
from opedarchive.model import Post, is_draft
from opedarchive.text.names import split_name
from test_export_citations import add_odd_posts

from conftest import Invoke

NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"


class Head(HTMLParser):
    """The <meta name|property> and <link> elements of a page's <head>, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and self.in_head and ("name" in found or "property" in found):
            self.meta.append((found.get("name") or found["property"], found.get("content", "")))
        elif tag == "link" and self.in_head:
            self.links.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False

    def values(self, name: str) -> list[str]:
        return [content for key, content in self.meta if key == name]

    def one(self, name: str) -> str | None:
        found = self.values(name)
        assert len(found) <= 1, (name, found)
        return found[0] if found else None


def head_of(page: Path) -> Head:
    head = Head()
    head.feed(page.read_text(encoding="utf-8"))
    return head


def published(archive: Path) -> list[Post]:
    posts = Archive.open(archive).load().posts
    return [p for p in posts if not all(is_draft(v) for v in p.versions.values())]


def check_page(head: Head, post: Post, page_url: str = "") -> None:
    """The page's tags say what the post's original says, and link every version."""
    v = post.original
    date = v.date
    day = date.date() if isinstance(date, dt.datetime) else date
    url = v.get("source_url") if v.get("source_url").startswith("http") else ""
    assert head.one("citation_title") == head.one("DC.title") == head.one("og:title") == v.title
    assert head.values("citation_author") == [split_name(a).inverted for a in v.authors]
    assert head.values("DC.creator") == head.values("article:author") == v.authors
    assert head.one("citation_publication_date") == f"{day.year:04d}/{day.month:02d}/{day.day:02d}"
    assert head.one("DC.date") == head.one("article:published_time") == date.isoformat()
    assert head.one("citation_language") == head.one("DC.language") == v.lang
    assert head.one("DC.source") == head.one("DC.publisher") == (v.get("outlet") or None)
    assert head.one("citation_public_url") == (url or page_url or None)
    # The item type: `newspaperArticle` to Zotero. `citation_journal_title` would make it a
    # journal article (Zotero's Highwire type overrides DC.type), so it is never there.
    assert head.one("DC.type") == "newspaperArticle" and head.one("og:type") == "article"
    assert head.one("citation_journal_title") is None
    assert head.one("og:url") == (page_url or None)
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == ([page_url] if page_url else [])
    alternates = [(link["hreflang"], link["href"], link["title"]) for link in head.links
                  if link.get("rel") == "alternate" and "hreflang" in link]
    if len(post.versions) > 1:
        assert alternates == [(lang, f"#v-{lang}", x.title) for lang, x in post.versions.items()]
    else:
        assert alternates == []


def test_every_post_page_carries_its_citation_metadata(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    add_odd_posts(bundled)
    site = tmp_path / "site"
    assert cli("--archive", str(bundled), "export", "--html", "-o", str(site)).exit_code == 0
    posts = published(bundled)
    assert len(posts) == 6
    for post in posts:
        check_page(head_of(site / "posts" / f"{post.id}.html"), post)
    assert not (site / "posts" / "2023-03-01-secret.html").exists()

    # The bundled letter: an English original in VOD English with a Khmer translation.
    neutral = head_of(site / "posts" / f"{NEUTRAL}.html")
    assert neutral.values("citation_author") == ["Seng, Sophoan"] and neutral.one("DC.source") == "VOD English"
    assert [link["hreflang"] for link in neutral.links if "hreflang" in link] == ["en", "km"]
    # A Khmer post: a Khmer name is family name first already, its honorific dropped.
    khmer = head_of(site / "posts" / "2023-02-01-khmer-only.html")
    assert khmer.values("citation_author") == ["សេង, សុភ័ណ"] and khmer.values("DC.creator") == ["លោកសេង សុភ័ណ"]
    assert khmer.one("citation_language") == "km" and khmer.one("DC.source") == "វិទ្យុ"
    assert khmer.one("DC.date") == "2023-02-01T08:00:00" and khmer.one("citation_public_url") == "https://km.example.org/a"
    # Special characters reach the attribute escaped and come back exact.
    odd = head_of(site / "posts" / "2023-01-05-odd.html")
    assert odd.values("citation_author") == ["O'Brien, Conor", "García Márquez, Gabriel", "Committee"]


def test_a_base_url_gives_pages_a_canonical_address(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    config = bundled / "opedarchive.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('base_url = ""', 'base_url = "https://oped.example.org/archive"'),
                      encoding="utf-8")
    site = tmp_path / "site"
    assert cli("--archive", str(bundled), "export", "--html", "-o", str(site)).exit_code == 0
    for post in published(bundled):
        check_page(head_of(site / "posts" / f"{post.id}.html"), post,
                   f"https://oped.example.org/archive/posts/{post.id}.html")
