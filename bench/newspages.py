"""News-like web pages built from the seed posts in archive/ (English originals and their Khmer
translations), for `add URL` tests and bench/bench_fetch.py. No real Khmer news page with a
licence that lets us keep it was found in public test fixtures, so these stand in: the text is
real (the seed page's), the page around it is made here — a site header and menu, a byline,
a dateline, a captioned photo, a "related" sidebar, share links and a footer, as Cambodian news
sites have them — in three styles: `<html lang>` right, missing, and wrong (`en` on a Khmer
page, which real sites do)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import frontmatter
from markdown_it import MarkdownIt

PHNOM_PENH = timezone(timedelta(hours=7))
STYLES = ("lang", "nolang", "wronglang")


@dataclass
class SeedPage:
    """A built page and what `add URL` should find on it."""

    name: str
    html: str
    title: str
    day: date
    when: datetime
    authors: list[str]
    lang: str
    outlet: str
    body: str  # the post's Markdown


def _chrome(lang_attr: str, title: str, outlet: str, canonical: str, when: datetime, authors: list[str],
            article: str, figure: str, khmer: bool) -> str:
    menu = ["ព័ត៌មានជាតិ", "អន្តរជាតិ", "សេដ្ឋកិច្ច", "មតិ", "កីឡា"] if khmer else [
        "National", "World", "Business", "Opinion", "Sport"]
    related = ["គណបក្សភ្លើងទៀនប្រកាសបេក្ខជន", "តម្លៃប្រេងឡើងថ្លៃម្តងទៀត", "ភ្លៀងធ្លាក់ខ្លាំងនៅភ្នំពេញ"] if khmer else [
        "Candlelight Party names its candidates", "Fuel prices rise again", "Heavy rain floods Phnom Penh"]
    byline = ", ".join(authors)
    by = f"ដោយ {html.escape(byline)}" if khmer else f"By {html.escape(byline)}"
    return f"""<!DOCTYPE html>
<html{lang_attr}>
<head>
<meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(outlet)}</title>
<link rel="canonical" href="{html.escape(canonical)}">
<meta property="og:site_name" content="{html.escape(outlet)}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{when.isoformat()}">
<meta name="author" content="{html.escape(byline)}">
<script>window.dataLayer = window.dataLayer || [];</script>
</head>
<body>
<header class="site-header"><a class="logo" href="/">{html.escape(outlet)}</a>
<nav><ul>{"".join(f'<li><a href="/c/{i}">{html.escape(m)}</a></li>' for i, m in enumerate(menu))}</ul></nav>
</header>
<main>
<article class="post">
<h1 class="entry-title">{html.escape(title)}</h1>
<div class="meta"><span class="byline">{by}</span> ·
<time datetime="{when.isoformat()}">{when:%Y-%m-%d %H:%M}</time></div>
{figure}
<div class="entry-content">
{article}
</div>
<div class="share"><a href="https://facebook.com/sharer">Facebook</a> <a href="https://t.me/share">Telegram</a></div>
</article>
<aside class="related"><h3>{"អត្ថបទទាក់ទង" if khmer else "Related"}</h3><ul>
{"".join(f'<li><a href="/r/{i}">{html.escape(r)}</a></li>' for i, r in enumerate(related))}
</ul></aside>
</main>
<footer><p>© 2022 {html.escape(outlet)}. {"រក្សាសិទ្ធិគ្រប់យ៉ាង។" if khmer else "All rights reserved."}</p></footer>
</body>
</html>
"""


def seed_pages(archive: Path, base_url: str = "https://news.example.org") -> list[SeedPage]:
    """Every post file in `archive` as a page (Khmer ones in each of STYLES)."""
    md = MarkdownIt("commonmark")
    pages = []
    for path in sorted((archive / "posts").rglob("*.md")):
        post = frontmatter.load(path)
        meta: dict[str, Any] = dict(post.metadata)
        lang = str(meta["lang"])
        khmer = lang == "km"
        raw = meta["date"]
        when = raw if isinstance(raw, datetime) else datetime(raw.year, raw.month, raw.day, 9, 30)
        when = when.replace(tzinfo=PHNOM_PENH)
        authors = [str(a) for a in meta.get("authors") or []] or ["Sophoan Seng"]
        outlet = "សារព័ត៌មានគំរូ" if khmer else str(meta.get("outlet") or "Example News")
        images = meta.get("images") or []
        caption = str(images[0].get("caption", "")) if images else ("រូបថតឯកសារ" if khmer else "A file photo")
        credit = "ហេង ស៊ីនិត" if khmer else "Heng Sinith"
        slug = path.name.split(".")[0]
        figure = (f'<figure class="wp-caption"><img src="/images/{slug}.jpg" alt="">'
                  f'<figcaption>{html.escape(caption)} <span class="credit">{html.escape(credit)}</span>'
                  "</figcaption></figure>")
        article = md.render(post.content)
        for style in STYLES if khmer else ("lang",):
            lang_attr = {"lang": f' lang="{lang}"', "nolang": "", "wronglang": ' lang="en"'}[style]
            name = f"{slug}.{lang}.{style}"
            canonical = f"{base_url}/{lang}/{slug}"
            pages.append(SeedPage(name=name, html=_chrome(lang_attr, str(meta["title"]), outlet, canonical, when,
                                                          authors, article, figure, khmer),
                                  title=str(meta["title"]), day=when.date(), when=when, authors=authors, lang=lang,
                                  outlet=outlet, body=post.content))
    return pages
