"""The site's Markdown and URL safety: markdown-it-py with raw HTML off, the plain-prose shortcut
equal to it, and links limited to harmless schemes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opedarchive.align import paragraphs
from opedarchive.export.markup import _markdown, format_date, language_name, markdown_html, safe_url

REPO = Path(__file__).parent.parent
# Characters Markdown cares about, white space of every kind, Khmer, and ordinary letters.
ALPHABET = [*"ab ក្ខ\n-+*#>=|:1.)\"'&<>_[]`~!\\\t\u00a0\u2028\u200b\u3000\u0085\x0bxy.,;",
            "\n\n", "  \n", "1. ", "- ", "    ", "&amp;", "---", "===", "\r\n", "```", "[a](b)", "<b>"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=16).map("".join))
def test_the_plain_prose_shortcut_renders_exactly_as_markdown_it(text: str) -> None:
    assert markdown_html(text) == _markdown().render(text)


def test_the_shortcut_on_the_bundled_posts() -> None:
    blocks = [p for path in (REPO / "archive/posts").rglob("*.md")
              for p in paragraphs(path.read_text(encoding="utf-8").split("---\n", 2)[2])]
    assert len(blocks) > 20
    assert all(markdown_html(b) == _markdown().render(b) for b in blocks)


def test_raw_html_is_text_and_unsafe_links_are_not_links() -> None:
    html = markdown_html('<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](data:text/html,x) '
                         "[z](https://example.org/?a=1&b=2) ![i](https://example.org/i.png) <javascript:alert(2)>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and 'href="data' not in html
    assert '<a href="https://example.org/?a=1&amp;b=2">z</a>' in html
    assert '<a class="image-link" href="https://example.org/i.png">i</a>' in html and "<img" not in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:x", "data:text/html,x",
                                 "vbscript:x", "file:///etc/passwd", "javascript&colon;alert(1)", "", None])
def test_unsafe_urls_are_dropped(url: str | None) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize("url", ["https://example.org/a?b=c", "http://x.y", "mailto:a@b.c", "../x.html", "#v-km",
                                 "img/photo.jpg"])
def test_safe_urls_are_kept(url: str) -> None:
    assert safe_url(url) == url


def test_dates_and_language_names() -> None:
    from datetime import date

    assert format_date(date(2022, 6, 24), "km") == "២៤ មិថុនា ២០២២"
    assert format_date(date(2022, 6, 24), "en") == "24 June 2022"
    assert language_name("km") == "ខ្មែរ" and language_name("xx") == "xx"
