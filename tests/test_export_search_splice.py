"""The website's search index brought up to date: after edits, additions and removals of posts, a
re-export's search files (term files, manifest, facets, records) and the caches they are made from
are byte for byte those of a fresh `--clean` export, whether the joined postings were spliced (a
few pieces changed, none in its number of documents) or joined anew."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from opedarchive.export import html as html_export
from opedarchive.site import searchindex
from searchgen import generate_archive
from test_export_html import build

from conftest import Invoke

POSTS = 40


def search_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for folder in (searchindex.SEARCH_DIR, searchindex.CACHE_DIR) for p in (site / folder).rglob("*")
            if p.is_file()}


def joined(site: Path) -> searchindex.Joined:
    state = searchindex.Joined.load((site / searchindex.JOINED).read_bytes())
    assert state is not None
    return state


class Splices:
    """How many exports spliced the joined postings (and did not join them anew), and how many
    pieces were updated a post at a time (and not made anew)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = self.updates = 0
        spliced, updated = html_export._spliced_search, html_export._updated_search

        def spy_splice(*args: Any) -> Any:
            made = spliced(*args)
            self.count += made is not None
            return made

        def spy_update(*args: Any) -> Any:
            made = updated(*args)
            self.updates += made is not None
            return made

        monkeypatch.setattr(html_export, "_spliced_search", spy_splice)
        monkeypatch.setattr(html_export, "_updated_search", spy_update)


@pytest.fixture
def splices(monkeypatch: pytest.MonkeyPatch) -> Splices:
    monkeypatch.setattr(html_export, "PIECE_POSTS", 3)  # 17 pieces over 7 years: one edit is one piece of many
    return Splices(monkeypatch)


def post_files(archive: Path) -> list[Path]:
    return sorted((archive / "posts").rglob("*.md"))


def edit(path: Path, change: Callable[[str], str]) -> None:
    head, _, body = path.read_text().partition("\n---\n")
    path.write_text(f"{head}\n---\n{change(body)}")


def retitle(path: Path, title: str) -> None:
    lines = path.read_text().split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("title:"))
    lines[at] = f"title: {title}"
    path.write_text("\n".join(lines))


def single(archive: Path, lang: str) -> list[Path]:
    """The versions in `lang` of the posts in one language. (An edit to a post in two languages
    may move the alignment ratio, made from the newest such posts, and so every page's key.)"""
    files = post_files(archive)
    return [f for f in files if f.name.endswith(f".{lang}.md")
            and sum(1 for g in files if g.name.split(".")[0] == f.name.split(".")[0]) == 1]


def steps(archive: Path) -> list[tuple[str, bool, Callable[[], object]]]:
    """(name, whether the export after it can splice, the change)."""
    en, km = single(archive, "en"), single(archive, "km")

    def two_pieces() -> None:
        edit(en[0], lambda b: b.replace("e", "é"))
        edit(km[-1], lambda b: b + "\nខ្មែរ\n")

    return [
        ("a body gains new and known words", True,
         lambda: edit(en[3], lambda b: b + "\nZyxomantic quorum-words, and the election again.\n")),
        ("a Khmer body changes", True, lambda: edit(km[0], lambda b: "ការបោះឆ្នោតថ្មី " + b[: len(b) // 2])),
        ("a body loses most of its words", True, lambda: edit(en[-1], lambda b: "Nothing else.\n")),
        ("two posts in two pieces change", True, two_pieces),
        ("a title changes", True, lambda: retitle(en[5], "Zyxomancy and the courts")),
        ("a word leaves the only post that had it", True, lambda: edit(en[3], lambda b: b.replace("Zyxomantic", ""))),
        ("a translation is added", False, lambda: en[1].with_name(en[1].name.replace(".en.md", ".km.md"))
         .write_text(en[1].read_text().replace("lang: en", "lang: km"))),
        ("a post is removed", False, lambda: en[7].unlink()),
        ("a post is added", False, lambda: en[8].with_name(en[8].name.replace("parity", "parity-copy"))
         .write_text(en[8].read_text())),
        ("nothing changed", False, lambda: None),
    ]


def test_a_spliced_search_index_equals_a_fresh_one(cli: Invoke, tmp_path: Path, splices: Splices) -> None:
    archive, site = tmp_path / "archive", tmp_path / "site"
    generate_archive(archive, POSTS)
    build(cli, archive, site)
    assert len(joined(site).pieces) >= 12
    for n, (name, splice, change) in enumerate(steps(archive)):
        change()
        before, updates = splices.count, splices.updates
        build(cli, archive, site)
        assert splices.count == before + splice, name
        assert splices.updates > updates or not splice, name  # (the changed posts' pieces)
        fresh = tmp_path / f"fresh-{n}"
        build(cli, archive, fresh, "--clean")
        assert search_files(site) == search_files(fresh), name


def test_a_term_crossing_into_and_out_of_the_dense_encoding(cli: Invoke, tmp_path: Path, splices: Splices,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A term whose count reaches DENSE_MIN keeps its documents' numbers only; one edit takes it
    there and back, and the spliced index still equals a fresh one."""
    archive, site = tmp_path / "archive", tmp_path / "site"
    generate_archive(archive, POSTS)
    build(cli, archive, tmp_path / "first")
    state = joined(tmp_path / "first")
    # A plain Latin word in 5-30 documents, and an English version that lacks it.
    docs = state.total
    word = next(t for t, c in zip(state.terms, state.counts, strict=True)
                if 5 <= c <= 30 and c < docs and t.isascii() and t.isalpha() and len(t) > 5)
    count = state.counts[state.terms.index(word)]
    lacking = next(f for f in single(archive, "en") if word not in f.read_text().lower())
    monkeypatch.setattr(searchindex, "DENSE_SHARE", 10**9)
    monkeypatch.setattr(searchindex, "DENSE_MIN", count + 1)
    build(cli, archive, site)
    assert not joined(site).plain[joined(site).terms.index(word)]
    original = lacking.read_text()
    for change, dense in ((lambda: edit(lacking, lambda b: f"{b}\n{word}\n"), True),
                          (lambda: lacking.write_text(original), False)):
        change()
        before = splices.count
        build(cli, archive, site)
        assert splices.count == before + 1
        state = joined(site)
        assert bool(state.plain[state.terms.index(word)]) is dense
        fresh = tmp_path / f"fresh-{dense}"
        build(cli, archive, fresh, "--clean")
        assert search_files(site) == search_files(fresh)


def test_a_joined_state_that_is_not_the_last_exports_is_not_spliced(cli: Invoke, tmp_path: Path,
                                                                    splices: Splices) -> None:
    """The joined postings are trusted only as the last finished export left them: a damaged
    file is joined anew, and the index still equals a fresh one."""
    archive, site = tmp_path / "archive", tmp_path / "site"
    generate_archive(archive, POSTS)
    build(cli, archive, site)
    (site / searchindex.JOINED).write_bytes(b"not marshal data")
    first = post_files(archive)[0]
    edit(first, lambda b: b + "\nA sentence more.\n")
    build(cli, archive, site)
    assert splices.count == 0
    build(cli, archive, tmp_path / "fresh", "--clean")
    assert search_files(site) == search_files(tmp_path / "fresh")
    edit(first, lambda b: b + "\nAnd one more.\n")
    build(cli, archive, site)
    assert splices.count == 1


def two_language_posts(archive: Path) -> list[Path]:
    """The first version's file of each post in two languages, newest first."""
    files = post_files(archive)
    ids = sorted({f.name.split(".")[0] for f in files if f.name.endswith(".km.md")}
                 & {f.name.split(".")[0] for f in files if f.name.endswith(".en.md")}, reverse=True)
    return [next(f for f in files if f.name == f"{i}.en.md") for i in ids]


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.name != ".opedarchive-export.json"}


class PostPages:
    """The ids of the post pages rendered, and the alignment ratio of each export."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ids: list[str] = []
        self.ratios: list[float | None] = []
        context, estimate = html_export.post_context, html_export._alignment_ratio

        def spy_context(post: Any, *args: Any) -> Any:
            self.ids.append(post.id)
            return context(post, *args)

        def spy_ratio(*args: Any) -> Any:
            found = estimate(*args)
            self.ratios.append(found[0])
            return found

        monkeypatch.setattr(html_export, "post_context", spy_context)
        monkeypatch.setattr(html_export, "_alignment_ratio", spy_ratio)


def mismatched(archive: Path) -> set[str]:
    """The posts whose first two versions differ in their number of paragraphs."""
    from opedarchive.align import paragraphs
    from opedarchive.archive import Archive

    opened = Archive.open(archive)
    found = set()
    for post_id in opened.ids():
        versions = list(opened.get(post_id).versions.values())
        if len(versions) >= 2 and len(paragraphs(versions[0].body)) != len(paragraphs(versions[1].body)):
            found.add(post_id)
    return found


@pytest.mark.parametrize("step", ["rounded", "moving"])
def test_an_edit_of_a_newest_two_language_post(cli: Invoke, tmp_path: Path, splices: Splices,
                                               monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """The alignment ratio is estimated from the newest 50 posts in two languages. Rounded, an
    edit of one of them leaves it as it was: that post's page alone is made again and the search
    spliced. When the ratio does move (a step too small to hold it), the pages of the posts
    whose paragraphs do not pair one to one are made again too, and the search is still spliced
    (no other piece's cache changed). Either way the site equals a fresh export."""
    if step == "moving":
        monkeypatch.setattr(html_export, "RATIO_STEP", 1e-9)
    pages = PostPages(monkeypatch)
    archive, site = tmp_path / "archive", tmp_path / "site"
    generate_archive(archive, POSTS)
    build(cli, archive, site)
    newest = next(f for f in two_language_posts(archive) if f.stem.split(".")[0] not in mismatched(archive))
    post_id = newest.name.split(".")[0]
    edit(newest, lambda b: b + "\nA sentence more, and another, to move the ratio a little.\n")
    pages.ids = []
    build(cli, archive, site)
    assert splices.count == 1
    if step == "rounded":
        assert pages.ratios[-1] == pages.ratios[0] and pages.ids == [post_id]
    else:
        assert pages.ratios[-1] != pages.ratios[0]
        assert set(pages.ids) == mismatched(archive) | {post_id} and len(pages.ids) < POSTS // 2
    fresh = tmp_path / "fresh"
    build(cli, archive, fresh, "--clean")
    assert site_files(site) == site_files(fresh)
