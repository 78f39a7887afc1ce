"""`export --html`: the site's pages, links, feed, sitemap, incremental re-export and safety."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import pytest

from opedarchive.archive import Archive
from opedarchive.export import html as html_export
from opedarchive.text.searchform import search_form
from sitecheck import broken_links, pages, parse_page, unsafe_things

from conftest import Invoke

CANDLE = "2022-06-24-candlelight-arrest-is-a-joke"
NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"
OUR_SCRIPTS = {"static/search.js"}
REPO = Path(__file__).parent.parent


def build(cli: Invoke, archive: Path, site: Path, *extra: str) -> str:
    result = cli("--archive", str(archive), "export", "--html", "-o", str(site), *extra)
    assert result.exit_code == 0, result.stderr
    return result.stderr


def index_data(site: Path, rel: str) -> Any:
    """The data of a search index file, which must be one JSON value inside a fixed call."""
    text = (site / rel).read_text()
    name = rel.removeprefix("search/").removesuffix(".js")
    prefix = f"opedarchiveSearchData({json.dumps(name)},"
    assert text.startswith(prefix) and text.endswith(");\n"), text[:200]
    return json.loads(text[len(prefix) : -3])


def search_records(site: Path) -> list[dict[str, Any]]:
    """Every record of the site's search index (one per version)."""
    return [index_data(site, p.relative_to(site).as_posix()) for p in sorted((site / "search/d").rglob("*.js"))]


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def snapshot(site: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in site.rglob("*") if p.is_file()}


def test_site_of_the_bundled_archive(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = cli("--archive", str(bundled), "export", "--html", "-o", str(site))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str((site / "index.html").resolve())
    assert re.match(r"html: 4 posts in .*site: \d+ file\(s\) written, 0 unchanged, 0 removed", result.stderr)
    all_pages = pages(site)
    for post_id in (CANDLE, NEUTRAL, "2022-06-12-election-disenfranchisement-machine-of-cambodia"):
        assert f"posts/{post_id}.html" in all_pages
    assert {"index.html", "search.html", "years/2022.html", "authors/index.html", "outlets/index.html",
            "outlets/vod-english.html"} <= set(all_pages)
    assert (site / "static/fonts/NotoSansKhmer-subset.woff2").stat().st_size > 20_000
    assert "SIL OPEN FONT LICENSE" in (site / "static/fonts/OFL.txt").read_text()
    assert broken_links(site, all_pages) == []
    for rel, page in all_pages.items():
        assert unsafe_things(page, OUR_SCRIPTS) == [], rel
        html_tag = next(attrs for tag, attrs in page.tags if tag == "html")
        assert html_tag["lang"] == "en"
        csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "default-src 'self'" in csp[0] and "http" not in csp[0]
    # The CSS asks for nothing outside the site either.
    css = (site / "static/style.css").read_text()
    assert re.findall(r"url\(\"?([^\")]+)", css) == ["fonts/NotoSansKhmer-subset.woff2"]
    assert "1.8" in css and '"Noto Sans Khmer"' in css and "@media print" in css and "prefers-color-scheme: dark" in css


def test_post_page_side_by_side_with_lang_on_every_block(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(cli, bundled, site)
    page = parse_page(site / f"posts/{CANDLE}.html")
    cells = [(a["class"], a.get("lang")) for t, a in page.tags if "cell" in a.get("class", "").split()]
    archive = Archive.open(bundled)
    post = archive.get(CANDLE)
    from opedarchive.align import align, paragraphs

    groups = align(paragraphs(post.versions["en"].body), paragraphs(post.versions["km"].body))
    # A header per language, then one row of two cells per aligned group, alternating en/km.
    assert len(cells) == 2 + 2 * len(groups)
    assert [lang for _, lang in cells] == ["en", "km"] * (1 + len(groups))
    assert "Nhim Sarom" in page.text and "Candlelight Party’s Facebook page" in page.text  # the caption
    assert "២៤ មិថុនា ២០២២" in page.text  # the Khmer version's date, as Khmer writes it
    assert {"v-en", "v-km"} <= page.ids
    links = [a["href"] for t, a in page.tags if t == "a" and "author" in a.get("class", "")]
    assert links == ["../authors/sophoan-seng.html", links[1]] and links[1].startswith("../authors/p")
    # A one-language post is a single column.
    single = parse_page(site / "posts/2022-06-12-election-disenfranchisement-machine-of-cambodia.html")
    assert not any("cell" in a.get("class", "").split() for t, a in single.tags)


def test_home_lists_years_newest_first_with_summaries_and_badges(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(cli, bundled, site)
    home = parse_page(site / "index.html")
    titles = [a["href"] for t, a in home.tags
              if t == "a" and a.get("href", "").startswith("posts/") and "#" not in a["href"]]
    assert titles == [f"posts/{i}.html" for i in sorted(
        p.name.split(".")[0] for p in (bundled / "posts/2022").glob("*.en.md"))][::-1]
    badges = [(a["href"], a["lang"]) for t, a in home.tags if t == "a" and a.get("class") == "badge"]
    assert (f"posts/{CANDLE}.html#v-km", "km") in badges and (f"posts/{CANDLE}.html#v-en", "en") in badges
    assert len(badges) == 6  # 2 + 2 + 1 + 1 languages
    assert sum(1 for t, a in home.tags if a.get("class") == "summary") == 4
    assert next(a.get("id") for t, a in home.tags if t == "h2") == "y2022"


def test_feed_parses_with_the_right_entries_and_languages(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(cli, bundled, site)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title.startswith("Committee for Election Right")
    assert [e.link for e in feed.entries] == [f"posts/{i}.html" for i in (
        "2022-06-28-recipes-towards-democratic-unification", CANDLE, NEUTRAL,
        "2022-06-12-election-disenfranchisement-machine-of-cambodia")]
    assert [e.title_detail.language for e in feed.entries] == ["en"] * 4
    candle = feed.entries[1]
    assert candle.published.startswith("2022-06-24") and candle.author == "Sophoan Seng"
    assert [(link.rel, link.hreflang, link.href) for link in candle.links] == [
        ("alternate", "en", f"posts/{CANDLE}.html"), ("related", "km", f"posts/{CANDLE}.html#v-km")]
    assert "Kampong Thom Provincial Court" in candle.content[0].value
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "index.html" in locs and f"posts/{CANDLE}.html" in locs and all((site / str(loc)).is_file() for loc in locs)


def test_a_book_length_post_is_in_the_feed_by_its_summary_and_link(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    from opedarchive.export.html import FEED_BODY_MAX

    source = next((bundled / "posts").rglob(f"{CANDLE}.en.md"))
    paragraph = "The provincial court heard the complaint again and again. " * 20
    source.write_text(source.read_text(encoding="utf-8") + ("\n\n" + paragraph) * (FEED_BODY_MAX // len(paragraph)),
                      encoding="utf-8")
    site = tmp_path / "site"
    build(cli, bundled, site)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    candle, other = feed.entries[1], feed.entries[0]
    assert candle.link == f"posts/{CANDLE}.html" and candle.summary and "content" not in candle
    assert "heard the complaint" in (site / "posts" / f"{CANDLE}.html").read_text(encoding="utf-8")
    assert other.content[0].value  # ordinary posts keep their whole text
    assert (site / "feed.xml").stat().st_size < FEED_BODY_MAX


def test_long_cells_put_in_place_as_bytes_give_the_same_pages(cli: Invoke, bundled: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # A post whose side-by-side cells pass _CELLS_APART (1 MB) is rendered with a mark where they
    # go and the cells' bytes put in its place; every page of the bundled archive made that way
    # is the page made the ordinary way.
    from opedarchive.export import html as html_module

    build(cli, bundled, tmp_path / "ordinary")
    monkeypatch.setattr(html_module, "_CELLS_APART", 0)
    build(cli, bundled, tmp_path / "apart")
    pages = sorted((tmp_path / "ordinary" / "posts").glob("*.html"))
    assert len(pages) == 4 and any("cell v1" in page.read_text(encoding="utf-8") for page in pages)
    for page in pages:
        assert (tmp_path / "apart" / "posts" / page.name).read_bytes() == page.read_bytes(), page.name


def test_feed_and_sitemap_use_base_url_when_set(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    config = bundled / "opedarchive.toml"
    config.write_text(config.read_text().replace('base_url = ""', 'base_url = "https://example.org/ops"'))
    site = tmp_path / "site"
    build(cli, bundled, site)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.entries[1].link == f"https://example.org/ops/posts/{CANDLE}.html"
    assert "<loc>https://example.org/ops/index.html</loc>" in (site / "sitemap.xml").read_text()
    # Pages still link relatively.
    assert "https://example.org" not in (site / "index.html").read_text()


def test_reexport_rewrites_only_what_changed_and_removes_deleted_posts(
        cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(cli, bundled, site)
    first = snapshot(site)
    assert "0 file(s) written" in build(cli, bundled, site)
    assert snapshot(site) == first  # same inodes: nothing was even replaced

    km = bundled / f"posts/2022/{CANDLE}.km.md"
    km.write_text(km.read_text().replace("ការចាប់ខ្លួននេះ", "ការចាប់ខ្លួនលើកនេះ"))
    assert "file(s) written" in build(cli, bundled, site)
    after = snapshot(site)
    changed = {rel for rel in first if after[rel] != first[rel]}
    index = {rel for rel in changed if rel.startswith("search/t/")}
    km_record = next(r for r in first if r.startswith("search/d/") and '"lang":"km"' in (site / r).read_text()
                     and CANDLE in (site / r).read_text())
    # The manifest names the first term of each term file: it changes when a file's first term does.
    assert changed - {"search/manifest.js"} == {f"posts/{CANDLE}.html", ".opedarchive-search/2022.bin", km_record,
                                                ".opedarchive-search/joined.bin", *index,
                                                ".opedarchive-export.json"} and index
    assert "ការចាប់ខ្លួនលើកនេះ" in (site / f"posts/{CANDLE}.html").read_text()

    (site / "notes.txt").write_text("mine")  # a file the export did not write is left alone
    assert cli("--archive", str(bundled), "rm", "--yes", "2022-06-12").exit_code == 0
    stderr = build(cli, bundled, site)
    assert "2 removed" in stderr  # its page and its search record (the last record number goes)
    assert not (site / "posts/2022-06-12-election-disenfranchisement-machine-of-cambodia.html").exists()
    assert "2022-06-12" not in (site / "index.html").read_text()
    assert (site / "notes.txt").read_text() == "mine"
    manifest = json.loads((site / ".opedarchive-export.json").read_text())
    assert all((site / rel).is_file() for rel in manifest["files"])

    before = snapshot(site)
    stderr = build(cli, bundled, site, "--clean")
    assert "0 unchanged" in stderr
    after = snapshot(site)
    assert {rel: data for rel, (_, data) in after.items()} == {rel: data for rel, (_, data) in before.items()}
    files = json.loads((site / ".opedarchive-export.json").read_text())["files"]
    assert f"{len(files)} file(s) written, 0 unchanged" in stderr


def test_refuses_a_folder_it_did_not_make(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.txt").write_text("keep")
    result = cli("--archive", str(bundled), "export", "--html", "-o", str(tmp_path / "docs"))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path / 'docs'}: is not empty and holds no earlier export; "
                             "choose a new or empty folder (or --force to export beside its files, which are "
                             "never replaced)\n")
    assert os.listdir(tmp_path / "docs") == ["thesis.txt"]
    assert cli("--archive", str(bundled), "export").exit_code == 2
    # With --force it exports beside the files there, and never over one of them.
    (tmp_path / "docs" / "tags").mkdir()
    (tmp_path / "docs" / "tags" / "election.html").write_text("my own page")
    english = bundled / "posts/2022" / f"{CANDLE}.en.md"
    english.write_text(english.read_text().replace("kind: letter", "kind: letter\ntags: [election]", 1))
    result = cli("--archive", str(bundled), "export", "--html", "--force", "-o", str(tmp_path / "docs"))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'docs/tags/election.html'}: is in the way: the export would "
                             "replace a file it did not write; move it or choose another folder\n")
    assert (tmp_path / "docs" / "tags" / "election.html").read_text() == "my own page"
    (tmp_path / "docs" / "tags" / "election.html").unlink()
    result = cli("--archive", str(bundled), "export", "--html", "--force", "-o", str(tmp_path / "docs"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "docs" / "thesis.txt").read_text() == "keep"
    assert (tmp_path / "docs" / "tags" / "election.html").is_file()


def test_a_failed_export_leaves_no_page_behind(cli: Invoke, bundled: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The export lists the files it is about to create before it creates them: pages written
    by an export that then failed are removed by the next one once their posts are gone."""
    site = tmp_path / "site"
    build(cli, bundled, site)
    new = bundled / "posts/2023"
    new.mkdir()
    for n in range(3):
        (new / f"2023-01-0{n + 1}-late-{n}.en.md").write_text(
            f"---\ntitle: Late {n}\ndate: 2023-01-0{n + 1}\nlang: en\n---\n\nLate news {n}.\n")
    real_finish = html_export.OutputDir.finish

    def crash(self: html_export.OutputDir) -> None:
        raise OSError("the disk went away")

    monkeypatch.setattr(html_export.OutputDir, "finish", crash)
    with pytest.raises(OSError):
        html_export.export(Archive.open(bundled), None, site, workers=1)
    assert (site / "posts/2023-01-01-late-0.html").is_file()  # written, never recorded in the manifest
    monkeypatch.setattr(html_export.OutputDir, "finish", real_finish)
    for path in new.iterdir():
        path.unlink()
    stderr = build(cli, bundled, site)
    assert not list((site / "posts").glob("2023-*")), stderr
    assert not (site / ".opedarchive-export.journal").exists()
    build(cli, bundled, tmp_path / "fresh")
    assert {k: v for k, v in files(site).items() if not k.startswith(".opedarchive-export")} == {
        k: v for k, v in files(tmp_path / "fresh").items() if not k.startswith(".opedarchive-export")}
    # The same after --clean: what the failed export made goes too.
    monkeypatch.setattr(html_export.OutputDir, "finish", crash)
    new.mkdir(exist_ok=True)
    (new / "2023-02-01-later.en.md").write_text("---\ntitle: Later\ndate: 2023-02-01\nlang: en\n---\n\nLater.\n")
    with pytest.raises(OSError):
        html_export.export(Archive.open(bundled), None, site, workers=1)
    monkeypatch.setattr(html_export.OutputDir, "finish", real_finish)
    (new / "2023-02-01-later.en.md").unlink()
    build(cli, bundled, site, "--clean")
    assert not list((site / "posts").glob("2023-*"))


def test_parallel_build_matches_a_serial_one(bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = Archive.open(bundled)
    monkeypatch.setattr(html_export, "PIECE_POSTS", 1)  # a piece per post: 4 pieces, 4 postings caches
    html_export.export(archive, None, tmp_path / "serial", workers=1)
    monkeypatch.setattr(html_export, "PARALLEL_MIN_PAGES", 1)
    result = html_export.export(archive, None, tmp_path / "parallel", workers=2)  # reads and renders in 2 processes
    assert result.written > 10 and result.posts == 4
    assert sorted(p.name for p in (tmp_path / "parallel/search/d").iterdir()) == ["2022", "2022-2", "2022-3", "2022-4"]
    assert index_data(tmp_path / "parallel", "search/manifest.js")["pieces"] == [
        ["2022", 0, 1], ["2022-2", 1, 2], ["2022-3", 3, 2], ["2022-4", 5, 1]]
    assert files(tmp_path / "serial") == files(tmp_path / "parallel")


INJECTIONS = {
    "title": '<script>alert(1)</script>"><svg onload=alert(2)>',
    "authors": ['"><script>alert(3)</script>', "' onmouseover='alert(4)", "<img src=x onerror=alert(5)>"],
    "tags": ["<img src=x onerror=alert(6)>", "javascript:alert(7)", "{{ 7*7 }}"],
    "outlet": "</title><script>alert(8)</script>",
    "kind": "<iframe src=javascript:alert(9)>",
    "affiliation": "<style>body{display:none}</style>",
    "source_url": " JaVaScRiPt:alert(10)",
    "summary": "</p><script>alert(11)</script>",
    "translator": '"><a href="javascript:alert(12)">x</a>',
    "images": [
        {"caption": "<img src=x onerror=alert(13)>", "credit": "<b onclick=alert(14)>x</b>",
         "src": "data:image/svg+xml,<svg onload=alert(15)>"},
        {"caption": "c", "credit": "", "src": "java\tscript:alert(16)"},
        {"caption": "d", "credit": "", "src": "//evil.example/x.png"},
    ],
}
BODY = """<script>alert(17)</script>

<img src=x onerror=alert(18)> and <a href="javascript:alert(19)">raw link</a>

[click](javascript:alert(20)) [d](data:text/html;base64,PHNjcmlwdD4=) [v](vbscript:msgbox) [ok](https://example.org/)

![i](javascript:alert(21)) ![j](data:image/png;base64,AAAA) <javascript:alert(22)> <style>*{}</style>

<iframe src="https://evil.example/"></iframe><svg><script>alert(23)</script></svg>
"""


def write_injection_post(archive: Path) -> None:
    """A post in two languages whose every field and body holds a script or markup payload."""
    import yaml

    folder = archive / "posts" / "2023"
    folder.mkdir(parents=True)
    for lang in ("en", "km"):
        meta = {**INJECTIONS, "date": "2023-01-02", "lang": lang}
        (folder / f"2023-01-02-x.{lang}.md").write_text(
            "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\n" + BODY, encoding="utf-8")


def test_injections_produce_nothing_executable(cli: Invoke, archive: Path, tmp_path: Path) -> None:
    config = archive / "opedarchive.toml"
    config.write_text(config.read_text().replace('title = "', 'title = "<script>alert(0)</script>', 1)
                      .replace('description = ""', 'description = "\\"><script>alert(24)</script>"'))
    write_injection_post(archive)
    site = tmp_path / "site"
    build(cli, archive, site)
    all_pages = pages(site)
    assert "posts/2023-01-02-x.html" in all_pages
    for rel, page in all_pages.items():
        assert unsafe_things(page, OUR_SCRIPTS) == [], rel
    post = all_pages["posts/2023-01-02-x.html"]
    # The text is all there, shown as text.
    for value in ('<script>alert(1)</script>"><svg onload=alert(2)>', "<script>alert(17)</script>",
                  "<img src=x onerror=alert(13)>", "{{ 7*7 }}", "</title><script>alert(8)</script>"):
        assert value in post.text
    assert "49" not in post.text
    links = [a.get("href", "") for t, a in post.tags if t == "a"]
    assert "https://example.org/" in links
    assert not any(t == "img" for t, _ in post.tags)
    # The feed is well-formed XML, and the HTML it carries is as safe as the pages.
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    content = feed.entries[0].content[0].value
    assert "<script" not in content and "onerror" not in content.replace("onerror=alert(18)&gt;", "")
    ET.parse(site / "sitemap.xml")
    # The search index is data: one JSON value inside a fixed call.
    assert {r["title"] for r in search_records(site)} == {INJECTIONS["title"]}  # both versions


def test_search_index_is_split_into_terms_facets_and_records(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(cli, bundled, site)
    records = {(r["id"], r["lang"]): r for r in search_records(site)}
    assert len(records) == 6  # four posts, two of them in Khmer too
    km = records[(CANDLE, "km")]
    body = (bundled / f"posts/2022/{CANDLE}.km.md").read_text().split("\n---\n", 1)[1]
    assert km["body"] == body.lstrip("\n") and km["url"] == f"posts/{CANDLE}.html" and km["language"] == "ខ្មែរ"
    manifest = index_data(site, "search/manifest.js")
    assert manifest["docs"] == 6 and manifest["pieces"] == [["2022", 0, 6]]
    terms = {row[0]: row for n in range(len(manifest["terms"])) for row in index_data(site, f"search/t/{n}.js")}
    assert [row[0] for row in terms.values()] == sorted(terms, key=lambda t: t.encode("utf-16-be"))
    # Latin words whole, Khmer 1-3-grams, filter values; each posting lists its documents.
    assert terms["election"][1] == 4 and terms["ប្ល"][1] >= 1 and "ប្លន" not in terms
    assert terms["\x01lang\x01km"][1] == 2 and terms["\x01year\x012022"][1] == 6
    facets = index_data(site, "search/facets.js")
    assert "sophoan seng" in facets["author"] and facets["lang"] == ["en", "km"]
    search_page = parse_page(site / "search.html")
    assert [a["src"] for a, _ in search_page.scripts] == ["static/search.js"]


NODE = shutil.which("node")


def test_javascript_fold_is_the_python_fold(tmp_path: Path) -> None:
    """search.js folds queries exactly as the index was folded at export time."""
    if NODE is None:
        pytest.fail("node is not installed: run 'make system-deps' (it installs Node.js when missing)")
    import random

    samples = [line for p in (REPO / "archive/posts").rglob("*.md") for line in p.read_text().splitlines() if line]
    samples += ["ស្រ្តី", "ស្ត្រី", "ក\u17c1\u17b6", "កោ", "ប្ដូរ", "ប្តូរ", "ឆ្នោ\u200bត", "២០២២ ១៣", "STRASSE Straße",
                "ΣΊΣΥΦΟΣ", "İstanbul", "\ufeffe\u0301", "ក\u17c1\u17b8", "ក\u17be\u17b6", "ក\u17d2\u179a\u17d2\u178f"]
    rng = random.Random(5)
    alphabet = [chr(c) for c in range(0x1780, 0x1800)] + ["\u200c", "\u200d", " ", "a", "\u17d2"] * 6
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    (tmp_path / "in.json").write_text(json.dumps(samples))
    script = tmp_path / "run.js"
    script.write_text(
        "const fs = require('fs'); global.window = {};\n"
        f"eval(fs.readFileSync({json.dumps(str(REPO / 'src/opedarchive/export/static/search.js'))}, 'utf8'));\n"
        "const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));\n"
        "process.stdout.write(JSON.stringify(input.map(window.opedarchiveFold)));\n")
    out = subprocess.run([str(NODE), str(script), str(tmp_path / "in.json")], capture_output=True, text=True,
                         check=True, timeout=60)
    folded = json.loads(out.stdout)
    mismatches = [(s, js, search_form(s)) for s, js in zip(samples, folded, strict=True) if js != search_form(s)]
    assert mismatches == []


def test_images_beside_a_post_are_copied_and_nothing_else(cli: Invoke, archive: Path, tmp_path: Path) -> None:
    folder = archive / "posts" / "2023"
    folder.mkdir(parents=True)
    (folder / "crowd.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    (tmp_path / "secret.txt").write_text("secret")
    (folder / "2023-03-04-pictures.en.md").write_text(
        "---\ntitle: Pictures\ndate: 2023-03-04\nlang: en\nimages:\n"
        "- {caption: The crowd, credit: Me, src: crowd.png}\n"
        "- {caption: Escape, src: ../../../secret.txt}\n"
        "- {caption: Absolute, src: /etc/passwd}\n"
        "- {caption: Missing, src: gone.png}\n"
        "- {caption: Remote, src: 'https://example.org/x.png'}\n---\n\nText.\n")
    site = tmp_path / "site"
    build(cli, archive, site)
    page = parse_page(site / "posts/2023-03-04-pictures.html")
    assert [a["src"] for t, a in page.tags if t == "img"] == ["2023-03-04-pictures/crowd.png"]
    assert (site / "posts/2023-03-04-pictures/crowd.png").read_bytes().startswith(b"\x89PNG")
    assert not list(site.rglob("secret.txt")) and not list(site.rglob("passwd"))
    assert "https://example.org/x.png" in [a.get("href") for t, a in page.tags if t == "a"]
    assert all(caption in page.text for caption in ("The crowd", "Escape", "Absolute", "Missing", "Remote"))
    assert broken_links(site, pages(site)) == []
    # The copy survives a re-export that does not read the post again, and goes with the post.
    assert "0 file(s) written" in build(cli, archive, site)
    assert (site / "posts/2023-03-04-pictures/crowd.png").is_file()
    (folder / "2023-03-04-pictures.en.md").unlink()
    build(cli, archive, site)
    assert not (site / "posts/2023-03-04-pictures").exists()


def test_an_unreadable_file_is_reported_at_every_export(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    km = bundled / f"posts/2022/{CANDLE}.km.md"
    good = km.read_text()
    km.write_text("---\ntitle: [broken\n---\n")
    site = tmp_path / "site"
    for _ in range(2):
        result = cli("--archive", str(bundled), "export", "--html", "-o", str(site))
        assert result.exit_code == 0
        warning = result.stderr.splitlines()[0]
        assert warning.startswith(f"Warning: {km}:3: invalid YAML in front matter") and warning.endswith("(skipped)")
    page = parse_page(site / f"posts/{CANDLE}.html")
    assert not any(a.get("lang") == "km" for t, a in page.tags if "cell" in a.get("class", ""))
    assert "Kampong Thom" in page.text  # the English version is still there
    km.write_text(good.replace("title: 'Letter: Candlelight", "title: 'Fixed: Candlelight"))
    result = cli("--archive", str(bundled), "export", "--html", "-o", str(site))
    assert "Warning" not in result.stderr
    assert "Fixed: Candlelight" in (site / f"posts/{CANDLE}.html").read_text()


def test_an_interrupted_first_export_can_be_run_again(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    from opedarchive.export.base import OutputDir

    site = tmp_path / "site"
    # Claims the folder, lists the page it is about to write, writes part of it, and "dies".
    OutputDir(site, "html").make_room(["index.html"])
    (site / "index.html").write_text("half a page")
    build(cli, bundled, site)
    assert "Candlelight" in (site / "index.html").read_text()
    assert cli("--archive", str(bundled), "export", "--markdown", str(site)).exit_code == 2  # not a Hugo folder


def test_drafts_are_never_published_unless_asked(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    """A draft's title and words appear nowhere in the site (pages, listings, term pages, feed,
    sitemap, search index) nor in the Hugo folder; a draft translation leaves its original alone."""
    folder = bundled / "posts" / "2023"
    folder.mkdir()
    (folder / "2023-03-01-zebrafinch-plans.en.md").write_text(
        "---\ntitle: Zebrafinch plans\ndate: 2023-03-01\nlang: en\nauthors: [Quillon Draftsman]\n"
        "tags: [secretive]\ndraft: true\n---\n\nThe zebrafinch memo is not ready.\n")
    (bundled / "posts/2022" / f"{CANDLE}.fr.md").write_text(
        "---\ntitle: Brouillon ornithorynque\ndate: 2022-06-24\nlang: fr\ndraft: yes\n---\n\nOrnithorynque.\n")
    site = tmp_path / "site"
    build(cli, bundled, site)
    for marker in ("zebrafinch", "Zebrafinch", "Draftsman", "secretive", "ornithorynque", "Ornithorynque"):
        holding = [rel for rel, data in files(site).items() if marker.encode() in data]
        assert holding == [], (marker, holding)
    assert (site / f"posts/{CANDLE}.html").is_file()  # its published versions still are
    markdown = tmp_path / "hugo"
    assert cli("--archive", str(bundled), "export", "--markdown", str(markdown)).exit_code == 0
    assert not [rel for rel, data in files(markdown).items() if b"ebrafinch" in data or b"rnithorynque" in data]
    # With --drafts they are published (and the site is rebuilt for it).
    stderr = build(cli, bundled, site, "--drafts")
    assert "5 posts" in stderr
    assert "Zebrafinch plans" in (site / "posts/2023-03-01-zebrafinch-plans.html").read_text()
    assert any(b"Brouillon ornithorynque" in data for rel, data in files(site).items() if rel.startswith("search/d/"))
    # And left out again without it.
    build(cli, bundled, site)
    assert not [rel for rel, data in files(site).items() if b"ebrafinch" in data]


def test_nothing_outside_the_archive_is_published_through_a_symbolic_link(cli: Invoke, bundled: Path,
                                                                         tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "2019").mkdir(parents=True)
    secret = "---\ntitle: Private diary\ndate: 2019-01-01\nlang: en\n---\n\nNot for the web.\n"
    (elsewhere / "2019" / "2019-01-01-private-diary.en.md").write_text(secret)
    (elsewhere / "2020-01-01-linked.en.md").write_text(secret.replace("2019", "2020"))
    (bundled / "posts" / "2019").symlink_to(elsewhere / "2019")  # a year folder that is a link
    (bundled / "posts" / "2022" / "2022-01-01-linked.en.md").symlink_to(elsewhere / "2020-01-01-linked.en.md")
    site = tmp_path / "site"
    build(cli, bundled, site)
    assert not [rel for rel, data in files(site).items() if b"Private diary" in data or b"Not for the web" in data]
    listed = cli("--archive", str(bundled), "list", "--json")
    assert "Private diary" not in listed.stdout  # the same rule as the terminal's commands


def test_a_post_removed_during_an_export_is_gone_from_the_next(cli: Invoke, bundled: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An `rm` while the export runs (after it listed the files) does not fail the export, and
    the next export leaves no page of the removed post."""
    site = tmp_path / "site"
    scan = html_export._scan

    def scan_then_remove(archive: Archive) -> dict[str, list[list[object]]]:
        found = scan(archive)
        for path in (bundled / "posts/2022").glob(f"{CANDLE}.*.md"):
            path.unlink()  # listed, then gone before it is read
        return found

    monkeypatch.setattr(html_export, "_scan", scan_then_remove)
    result = html_export.export(Archive.open(bundled), None, site, workers=1)
    assert result.posts == 3
    monkeypatch.setattr(html_export, "_scan", scan)
    build(cli, bundled, site)
    assert not [rel for rel, data in files(site).items() if CANDLE.encode() in data and not rel.startswith(".")]
    build(cli, bundled, tmp_path / "fresh")
    assert {k: v for k, v in files(site).items() if not k.startswith(".opedarchive-export")} == {
        k: v for k, v in files(tmp_path / "fresh").items() if not k.startswith(".opedarchive-export")}
