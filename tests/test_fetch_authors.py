"""`add URL`'s authors (src/opedarchive/fetch/authors.py, docs/fetching.md "Authors"): one test
per rule, on small pages; `extracted` stands for what trafilatura said (its names joined by `;`)."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from opedarchive.fetch.article import _json_ld, extract
from opedarchive.fetch.authors import page_authors, split_names
from opedarchive.fetch.http import Fetched


def authors(head: str = "", body: str = "", extracted: str = "") -> list[str]:
    tree = lxml_html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return page_authors(tree, _json_ld(tree), extracted)


def ld(value: str) -> str:
    return f'<script type="application/ld+json">{value}</script>'


def test_json_ld_author_of_the_article_node_comes_first() -> None:
    head = ld('{"@context": "https://schema.org", "@graph": ['
              '{"@type": "WebSite", "name": "Example News", "author": {"name": "Site Team"}},'
              '{"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Jane Doe"}, {"@id": "#roe"}]},'
              '{"@type": "Person", "@id": "#roe", "name": "John Roe"}]}')
    assert authors(head, '<p class="byline">By Someone Else</p>') == ["Jane Doe", "John Roe"]


def test_json_ld_in_cdata_is_read() -> None:
    head = ld('<![CDATA[ {"@type": "ReportageNewsArticle", "author": [{"@type": "Person", '
              '"name": "Bruno (Henrique Zecchin) Rodrigues "}]} ]]>')
    assert authors(head) == ["Bruno (Henrique Zecchin) Rodrigues"]


def test_meta_author_is_kept_as_written() -> None:
    # trafilatura drops the dot; the page's spelling is kept when both name the same person.
    assert authors('<meta name="author" content="John C. Welch">', extracted="John C Welch") == ["John C. Welch"]
    assert authors('<meta name="dc.creator" content="Mac &amp; i">', extracted="Mac; I") == ["Mac & i"]
    assert authors('<meta name="citation_author" content="Doe, Jane"><meta name="citation_author" content="Roe, John">'
                   ) == ["Doe, Jane", "Roe, John"]


def test_article_author_only_when_it_is_a_name() -> None:
    assert authors('<meta property="article:author" content="https://example.org/by/jane">') == []
    assert authors('<meta property="article:author" content="Laurie Oakes">') == ["Laurie Oakes"]


def test_ampersand_splits_only_between_full_names() -> None:
    assert split_names("Mac & i") == ["Mac & i"]
    assert split_names("Simon & Schuster") == ["Simon & Schuster"]
    assert split_names("AT&T Newsroom") == ["AT&T Newsroom"]
    assert split_names("Jane Doe & John Roe") == ["Jane Doe", "John Roe"]
    assert split_names("By Jane Doe and John Roe; Ann Lee") == ["Jane Doe", "John Roe", "Ann Lee"]


def test_credentials_are_dropped_suffixes_kept() -> None:
    assert split_names("Brenda Goodman, MA") == ["Brenda Goodman"]
    assert split_names("Jane Doe, PhD, and John Roe, M.D.") == ["Jane Doe", "John Roe"]
    assert split_names("Martin Luther King, Jr.") == ["Martin Luther King, Jr."]
    assert split_names("Doe, Jane") == ["Doe, Jane"]
    assert split_names("Jack Ma") == ["Jack Ma"]
    # trafilatura splits the credential off as a name: it is dropped there too.
    assert authors('<a rel="author" href="/brenda">Brenda Goodman, MA</a>', extracted="Brenda Goodman; MA") == [
        "Brenda Goodman"]
    assert authors(extracted="Brenda Goodman; MA") == ["Brenda Goodman"]


def test_a_date_after_the_name_is_dropped() -> None:
    assert split_names("By Joshua Sokol May 20, 2019") == ["Joshua Sokol"]
    assert split_names("Aleš Vávra před 2 hodinami") == ["Aleš Vávra"]
    assert split_names("by Ahiza Garcia February 1, 2016: 12:41 PM ET") == ["Ahiza Garcia"]
    # A month name is a surname when no date follows it.
    assert split_names("Theresa May") == ["Theresa May"]
    # Words that only say when go wherever they are (trafilatura keeps them, without the number).
    assert authors(extracted="Aleš Vávra před") == ["Aleš Vávra"]


def test_the_markup_byline_wins_where_trafilatura_ran_into_the_date() -> None:
    body = '<div class="post__title__author-date">By Joshua Sokol May 20, 2019</div>'
    assert authors(body=body, extracted="Joshua Sokol May") == ["Joshua Sokol"]
    # Not where the markup has less of the name than trafilatura: trafilatura's is kept.
    body = '<span class="byline">by Lucas Nolan22 Dec 2016</span>'
    assert split_names("by Lucas Nolan22 Dec 2016") == ["Lucas Nolan"]
    assert authors(body='<span class="byline">By Lucas</span>', extracted="Lucas Nolan") == ["Lucas Nolan"]


def test_placeholders_are_not_names() -> None:
    body = '<span class="pb-byline">By <a href="/people/erin">Erin Cunningham</a></span>'
    assert authors(body=body, extracted="Username") == ["Erin Cunningham"]
    assert authors('<meta name="author" content="admin">', extracted="Username") == []


def test_co_authors_in_brackets() -> None:
    body = '<span class="auteur">Martin Untersinger (avec Damien Leloup et Morgane Tual)</span>'
    assert authors(body=body, extracted="Martin Untersinger") == ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]
    assert split_names("Jane Doe (with John Roe)") == ["Jane Doe", "John Roe"]
    assert split_names("Bruno (Henrique Zecchin) Rodrigues") == ["Bruno (Henrique Zecchin) Rodrigues"]


def test_a_person_rather_than_an_agency_named_with_them() -> None:
    assert authors('<meta name="author" content="Jane Doe, AFP">') == ["Jane Doe"]
    assert authors(body='<p class="byline">By Jane Doe with Reuters</p>') == ["Jane Doe"]
    head = ld('{"@type": "NewsArticle", "author": [{"@type": "Organization", "name": "Reuters"},'
              ' {"@type": "Person", "name": "Jane Doe"}]}')
    assert authors(head) == ["Jane Doe"]
    # An agency dispatch: the agency is the author (not a related article's byline further down).
    body = ('<article><span itemprop="author"><a href="/auteur/afp"><span itemprop="name"> AFP</span></a></span>'
            '<p>Text.</p></article><aside><span class="author">Par <span class="authorname">Sébastien Farcis'
            '</span></span></aside>')
    assert authors(body=body, extracted="AFP") == ["AFP"]


def test_the_better_supported_value_wins() -> None:
    # The markup's first byline-ish element is a team, trafilatura names a person: trafilatura.
    body = '<div class="author-team">Technology Project</div>'
    assert authors(body=body, extracted="Daniel Kahn Gillmor") == ["Daniel Kahn Gillmor"]
    # The JSON-LD names the publisher, the meta tag and trafilatura a person: two sources to one.
    head = (ld('{"@type": "Article", "author": {"@type": "Organization", "name": "Example Media"}}')
            + '<meta name="author" content="Jane Doe">')
    assert authors(head, extracted="Jane Doe") == ["Jane Doe"]
    # Each name once, in the first spelling (pages repeat it in capitals).
    assert authors(extracted="Jeffrey Gettleman; JEFFREY GETTLEMAN") == ["Jeffrey Gettleman"]


def test_comment_authors_are_not_the_articles() -> None:
    body = ('<article><p>Text.</p></article><ol class="comment-list"><li><span class="author">Jane Reader</span>'
            '</li></ol><div id="comments"><span itemprop="author">John Reader</span></div>')
    assert authors(body=body) == []


def test_no_byline_no_authors() -> None:
    assert authors(body='<p class="byline">Quanta Magazine moderates comments to facilitate an informed, '
                        'substantive, civil conversation.</p><span class="tweet-authors">Follow @jane</span>') == []


@pytest.mark.parametrize("name", ["Daniel Kahn Gillmor", "លោកសេង សុភ័ណ"])
def test_extract_uses_these_rules(name: str) -> None:
    page = (f'<html lang="en"><head><title>A title</title><meta name="author" content="{name}"></head><body>'
            '<article><h1>A title</h1>' + "<p>The electoral commission must be neutral and seen to be so. </p>" * 6
            + '</article></body></html>')
    fetched = Fetched(url="https://news.example.org/a", content_type="text/html", charset="utf-8",
                      declared_charset="", body=page.encode("utf-8"))
    assert extract(fetched, "a").authors == [name]
