"""`export --epub FILE`: the booklet of `export --pdf` as an EPUB 3 e-book, made with ebooklib: a
title page, the contents (nav), one chapter per post, the bundled Khmer font embedded."""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path
from typing import Any

from opedarchive.archive import Archive
from opedarchive.errors import OpedError
from opedarchive.export.base import ExportResult, write_if_changed
from opedarchive.export.booklet import Block, BookletOptions, booklet_data
from opedarchive.model import Post

NAME = "epub"
KIND = "booklet"
FONT = Path(__file__).parent / "static" / "fonts" / "NotoSansKhmer-subset.ttf"
STYLE = """@font-face { font-family: "Noto Sans Khmer"; src: url("fonts/NotoSansKhmer-subset.ttf"); }
body { font-family: serif; line-height: 1.45; }
[lang="km"] { font-family: "Noto Sans Khmer", sans-serif; line-height: 1.8; }
.meta { font-size: 0.85em; color: #444; margin: 0 0 1em; }
.meta p { margin: 0.1em 0; }
table.pair { width: 100%; border-collapse: collapse; }
table.pair td { width: 50%; vertical-align: top; padding: 0 0.5em 0.6em 0; }
.title-page { text-align: center; margin-top: 30%; }
pre { white-space: pre-wrap; font-size: 0.85em; }
blockquote { margin-left: 1em; padding-left: 0.6em; border-left: 2px solid #aaa; }
"""


def _ebooklib() -> Any:
    try:
        from ebooklib import epub
    except ImportError:
        raise OpedError("export --epub needs the 'print' extra: pip install 'opedarchive[print]'") from None
    return epub


def inline_html(items: Any) -> str:
    """Inline content (booklet.py) as XHTML."""
    if isinstance(items, str):
        return escape(items, quote=False)
    out = []
    for x in items:
        if isinstance(x, str):
            out.append(escape(x, quote=False))
        elif x["t"] in ("em", "strong"):
            out.append(f"<{x['t']}>{inline_html(x['c'])}</{x['t']}>")
        elif x["t"] == "code":
            out.append(f"<code>{escape(x['c'], quote=False)}</code>")
        elif x["t"] == "link":
            inner = inline_html(x["c"])
            out.append(f'<a href="{escape(x["url"])}">{inner}</a>' if x["url"] else inner)
        elif x["t"] == "img":  # never fetched: a link to the image, as on the website
            label = escape(x["alt"] or "image", quote=False)
            out.append(f'<a href="{escape(x["src"])}">[{label}]</a>' if x["src"] else f"[{label}]")
        elif x["t"] == "br":
            out.append("<br/>")
    return "".join(out)


def blocks_html(blocks: list[Block]) -> str:
    """Blocks (booklet.py) as XHTML."""
    out = []
    for b in blocks:
        t = b["t"]
        if t == "p":
            out.append(f"<p>{inline_html(b['c'])}</p>")
        elif t == "h":
            level = min(6, max(3, b["level"] + 2))  # below the post's own h1 and its versions' h2
            out.append(f"<h{level}>{inline_html(b['c'])}</h{level}>")
        elif t in ("ul", "ol"):
            start = f' start="{b["start"]}"' if t == "ol" and b.get("start", 1) != 1 else ""
            items = "".join(f"<li>{blocks_html(item['c'])}</li>" for item in b["c"])
            out.append(f"<{t}{start}>{items}</{t}>")
        elif t == "quote":
            out.append(f"<blockquote>{blocks_html(b['c'])}</blockquote>")
        elif t == "code":
            out.append(f"<pre>{escape(b['c'], quote=False)}</pre>")
        elif t == "hr":
            out.append("<hr/>")
    return "".join(out)


def _lang(m: dict[str, Any]) -> str:
    return f' lang="{escape(m["lang"])}" xml:lang="{escape(m["lang"])}"'


def meta_html(m: dict[str, Any], *, title: bool) -> str:
    """A version's title and metadata lines."""
    lines = [f"{m['date']} · {m['language']}" if m["date"] else m["language"], m["byline"], m["outlet"],
             m["translator"]]
    html = [f"<p>{escape(line, quote=False)}</p>" for line in lines if line]
    if m["url"]:
        html.append(f'<p><a href="{escape(m["url"])}">{escape(m["url_text"], quote=False)}</a></p>')
    html += [f"<p><em>{escape(c, quote=False)}</em></p>" for c in m["captions"]]
    head = f"<h2>{escape(m['title'], quote=False)}</h2>" if title else ""
    return f'<div{_lang(m)}>{head}<div class="meta">{"".join(html)}</div></div>'


def post_html(post: dict[str, Any]) -> str:
    """One post's chapter body."""
    versions = post["versions"]
    first = versions[0]
    out = [f"<h1{_lang(first)}>{escape(post['title'], quote=False)}</h1>"]
    if post["rows"]:
        left, right = versions[0], versions[1]
        out.append(f'<table class="pair"><tr><td>{meta_html(left, title=False)}</td>'
                   f"<td>{meta_html(right, title=True)}</td></tr>")
        for a, b in post["rows"]:
            out.append(f"<tr><td{_lang(left)}>{blocks_html(a)}</td><td{_lang(right)}>{blocks_html(b)}</td></tr>")
        out.append("</table>")
    for body in post["bodies"]:
        m = versions[body["index"]]
        out.append(meta_html(m, title=body["index"] > 0))
        out.append(f"<div{_lang(m)}>{blocks_html(body['blocks'])}</div>")
    return "".join(out)


def render(archive: Archive | None, posts: list[Post], options: BookletOptions) -> bytes:
    """The booklet's EPUB bytes."""
    epub = _ebooklib()
    data = booklet_data(archive, posts, options)
    book = epub.EpubBook()
    book.set_identifier("opedarchive-" + "-".join(p["id"] for p in data["posts"])[:200])
    book.set_title(data["title"].replace("\u200b", ""))
    book.set_language("en")
    book.add_metadata("DC", "date", options.made.isoformat())
    css = epub.EpubItem(uid="style", file_name="style.css", media_type="text/css", content=STYLE.encode())
    book.add_item(css)
    book.add_item(epub.EpubItem(uid="khmer-font", file_name="fonts/NotoSansKhmer-subset.ttf",
                                media_type="font/ttf", content=FONT.read_bytes()))
    title = epub.EpubHtml(title="Title page", file_name="title.xhtml", lang="en")
    span = f" · {escape(data['span'])}" if data["span"] else ""
    title.content = (f'<div class="title-page"><h1>{escape(data["title"], quote=False)}</h1>'
                     f"<p>{escape(data['selection'], quote=False)}</p><p>{escape(data['count'])}{span}</p>"
                     f"<p>Made on {escape(data['made'])}</p></div>")
    title.add_item(css)
    book.add_item(title)
    chapters = []
    for i, post in enumerate(data["posts"], 1):
        chapter = epub.EpubHtml(title=post["title"].replace("\u200b", ""), file_name=f"post-{i:04d}.xhtml",
                                lang=post["versions"][0]["lang"])
        chapter.content = post_html(post)
        chapter.add_item(css)
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = chapters
    book.add_item(epub.EpubNcx())  # ebooklib names it in the spine; EPUB 2 readers use it
    book.add_item(epub.EpubNav())
    book.spine = [title, "nav", *chapters]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "booklet.epub"
        epub.write_epub(str(path), book, {"epub2_guide": False, "epub3_pages": False})
        return path.read_bytes()


def export(archive: Archive, posts: list[Post], target: Path, *, options: BookletOptions | None = None) -> ExportResult:
    """Write the e-book of `posts` (in the order given) to `target`."""
    if target.is_dir():
        raise OpedError(f"{target}: is a folder; give a file name")
    written = write_if_changed(target, render(archive, posts, options or BookletOptions()))
    return ExportResult(target, written=int(written), unchanged=int(not written), posts=len(posts), entry=target)
