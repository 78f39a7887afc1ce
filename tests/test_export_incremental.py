"""`export --html` brought up to date: after each kind of change a re-export renders exactly the
pages that change, and the site it leaves is byte for byte the site a fresh export makes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from opedarchive.export import html as html_export
from opedarchive.export.base import MANIFEST
from test_export_html import CANDLE, build, files, snapshot

from conftest import Invoke

RECIPES = "2022-06-28-recipes-towards-democratic-unification"
MACHINE = "2022-06-12-election-disenfranchisement-machine-of-cambodia"
# Pages a change to any listed post shows on (each post of the bundled archive is in the feed).
LISTINGS = {"index.html", "years/2022.html", "feed.xml"}


class Rendered:
    """The site files the html exporter renders and offers to write, by path in the site."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.site: Path | None = None
        self.paths: set[str] = set()
        original = html_export.write_if_changed

        def spy(path: Path, data: bytes, *, durable: bool = True) -> bool:
            if self.site is not None:
                self.paths.add(path.relative_to(self.site).as_posix())
            return original(path, data, durable=durable)

        monkeypatch.setattr(html_export, "write_if_changed", spy)


@pytest.fixture(params=[html_export.PIECE_POSTS, 1], ids=["one-piece", "piece-per-post"])
def rendered(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Rendered:
    """Every scenario runs with all posts in one piece, and with one piece (and shard) per post."""
    monkeypatch.setattr(html_export, "PIECE_POSTS", request.param)
    return Rendered(monkeypatch)


def reexport(cli: Invoke, bundled: Path, tmp_path: Path, rendered: Rendered,
             change: Callable[[Path], None]) -> tuple[set[str], set[str], set[str]]:
    """Export, make the change, export again. Returns the files rendered, the files whose bytes
    changed (new ones included) and the files removed; checks the result against a fresh export."""
    site = tmp_path / "site"
    build(cli, bundled, site)
    before = snapshot(site)
    change(site)
    rendered.site, rendered.paths = site, set()
    build(cli, bundled, site)
    after = snapshot(site)
    made = rendered.paths - {MANIFEST}
    rendered.site = None
    build(cli, bundled, tmp_path / "fresh")
    assert {k: v for k, v in files(site).items() if k != MANIFEST} == {
        k: v for k, v in files(tmp_path / "fresh").items() if k != MANIFEST}
    changed = {rel for rel in after if rel != MANIFEST and (rel not in before or after[rel] != before[rel])}
    return made, changed, set(before) - set(after)


def shard_of(post_id: str) -> str:
    """The cache of the search postings of a post's piece (one piece per post when PIECE_POSTS is 1)."""
    if html_export.PIECE_POSTS > 1:
        return ".opedarchive-search/2022.bin"
    ids = sorted([RECIPES, CANDLE, MACHINE, "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"],
                 reverse=True)
    n = ids.index(post_id)
    return f".opedarchive-search/2022{'' if n == 0 else f'-{n + 1}'}.bin"


def pages(paths: set[str]) -> set[str]:
    """The paths that are not the search index (its term files change with any post's words)."""
    return {p for p in paths if not p.startswith(("search/", ".opedarchive-search/"))}


def records_of(site: Path, post_id: str) -> set[str]:
    """The search records of a post's versions."""
    return {p.relative_to(site).as_posix() for p in (site / "search/d").rglob("*.js")
            if f'"id":"{post_id}"' in p.read_text()}


def test_nothing_changed_renders_nothing(cli: Invoke, bundled: Path, tmp_path: Path, rendered: Rendered) -> None:
    made, changed, removed = reexport(cli, bundled, tmp_path, rendered, lambda site: None)
    assert (made, changed, removed) == (set(), set(), set())


def test_a_body_edit_renders_its_page_shard_and_feed(cli: Invoke, bundled: Path, tmp_path: Path,
                                                    rendered: Rendered) -> None:
    en = bundled / f"posts/2022/{RECIPES}.en.md"
    made, changed, removed = reexport(cli, bundled, tmp_path, rendered,
                                      lambda site: en.write_text(en.read_text() + "\nOne more sentence.\n"))
    page = f"posts/{RECIPES}.html"
    assert pages(made) == {page, "feed.xml"}  # no listing: its entry is as it was
    assert pages(changed) == {page, "feed.xml"} and not removed
    site = tmp_path / "site"
    # The search: the piece's postings, the version's record, the term files of its words and
    # the joined postings.
    assert changed - pages(changed) - {"search/manifest.js"} == {
        shard_of(RECIPES), *records_of(site, RECIPES), *[p for p in changed if p.startswith("search/t/")],
        ".opedarchive-search/joined.bin"}
    assert any(p.startswith("search/t/") for p in changed)


def test_a_title_edit_renders_every_listing_that_shows_the_post(cli: Invoke, bundled: Path, tmp_path: Path,
                                                                rendered: Rendered) -> None:
    en = bundled / f"posts/2022/{MACHINE}.en.md"
    made, changed, removed = reexport(
        cli, bundled, tmp_path, rendered,
        lambda site: en.write_text(en.read_text().replace("title: Election", "title: The election", 1)))
    page = f"posts/{MACHINE}.html"
    assert changed >= {page, shard_of(MACHINE), *LISTINGS}
    assert pages(made) == pages(changed)  # no page rendered that did not change (the piece's records are)
    assert not any(rel.startswith("posts/") and rel != page for rel in made) and not removed


def test_a_deleted_post_is_removed_everywhere(cli: Invoke, bundled: Path, tmp_path: Path, rendered: Rendered) -> None:
    made, changed, removed = reexport(cli, bundled, tmp_path, rendered,
                                      lambda site: (bundled / f"posts/2022/{MACHINE}.en.md").unlink())
    assert f"posts/{MACHINE}.html" in removed
    assert changed >= LISTINGS | {"sitemap.xml"}
    assert not any(rel.startswith("posts/") for rel in made)


def test_a_new_translation_renders_its_post_and_the_listings(cli: Invoke, bundled: Path, tmp_path: Path,
                                                             rendered: Rendered) -> None:
    def translate(site: Path) -> None:
        (bundled / f"posts/2022/{RECIPES}.km.md").write_text(
            "---\ntitle: រូបមន្តឆ្ពោះទៅរកការបង្រួបបង្រួម\ndate: 2022-06-28\nlang: km\n---\n\nអត្ថបទ។\n")

    made, changed, removed = reexport(cli, bundled, tmp_path, rendered, translate)
    page = f"posts/{RECIPES}.html"
    assert changed >= {page, shard_of(RECIPES), *LISTINGS}  # the listings show a ខ្មែរ badge
    assert "ខ្មែរ" in (tmp_path / "site" / page).read_text()
    assert not any(rel.startswith("posts/") and rel != page for rel in made) and not removed


def test_a_settings_change_renders_every_page(cli: Invoke, bundled: Path, tmp_path: Path, rendered: Rendered) -> None:
    config = bundled / "opedarchive.toml"
    made, changed, removed = reexport(cli, bundled, tmp_path, rendered,
                                      lambda site: config.write_text(config.read_text().replace(
                                          'description = ""', 'description = "Letters and op-eds"')))
    every = {rel for rel in files(tmp_path / "site") if rel.endswith((".html", ".xml")) and rel != "search.html"}
    assert made >= every and changed >= every - {"sitemap.xml"} and not removed


def test_a_template_change_renders_every_page(cli: Invoke, bundled: Path, tmp_path: Path, rendered: Rendered,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    made, changed, _ = reexport(cli, bundled, tmp_path, rendered, lambda site: monkeypatch.setattr(
        html_export, "_templates_digest", lambda: "another template"))
    assert made >= {rel for rel in files(tmp_path / "site") if rel.endswith((".html", ".xml", ".js"))
                    and not rel.startswith("static/")}
    assert changed == set()  # the same templates in fact: every page rendered, none rewritten


def test_pages_deleted_from_the_site_are_made_again(cli: Invoke, bundled: Path, tmp_path: Path,
                                                    rendered: Rendered) -> None:
    gone = {f"posts/{CANDLE}.html", "years/2022.html", "feed.xml", shard_of(MACHINE)}

    def delete(site: Path) -> None:
        for rel in gone:
            (site / rel).unlink()

    made, _, removed = reexport(cli, bundled, tmp_path, rendered, delete)
    # (a new file may get the old one's inode: `changed` cannot tell)
    assert pages(made) == pages(gone) and shard_of(MACHINE) in made and not removed
