"""Khmer search hits a reader accepts (issue 15 item 4, docs/search-spec.md §4 and §6): a match
never cuts a letter group (it does not start on a subscript consonant, nor end before a
dependent vowel, a sign or a subscript), in the terminal and on the exported site; and hits
where the term is a whole word by the segmenter come before hits inside longer words.

The real text is the hand-segmented khPOS corpus (tests/data/realworld/khpos): its words joined
back into unspaced prose. What counts as a cluster cut is computed here with a plain regular
expression, independently of `opedarchive.query`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdp import Browser
from opedarchive.archive import Archive
from opedarchive.index import Index
from opedarchive.query import parse
from opedarchive.text.searchform import search_form

from conftest import DATA, Invoke

KHPOS = DATA / "realworld" / "khpos" / "OPEN-TEST.word"
SENTENCES_PER_POST = 20
# The reference: an occurrence that starts right after a coeng (on a subscript consonant) or
# ends right before a dependent vowel or sign, or before a coeng with its consonant.
CUT_START = re.compile("\u17d2\\Z")
CUT_END = re.compile("[\u17b6-\u17d1\u17d3\u17dd]|\u17d2[\u1780-\u17b3]")
# Words whose letters also occur as part of longer letter groups: រ in ស្រី, ន in ក្នុង, …
FIXED_TERMS = ["រាប់", "រី", "ការ", "នង", "ជា", "មាន", "ត្រូវ", "រដ្ឋ", "ពល", "នា", "ក", "តែ", "ទី", "បាន", "លោក"]


def _prose(line: str) -> str:
    """A khPOS sentence as written: its words (spaces between them) and compound marks removed."""
    return re.sub("[ ~_^]", "", line.strip())


def _gold_words(lines: list[str]) -> list[str]:
    return [w for line in lines for w in re.split("[ ~_^]+", line.strip()) if w]


@pytest.fixture(scope="module")
def khpos_lines() -> list[str]:
    if not KHPOS.is_file():
        pytest.skip(f"{KHPOS} is not there")
    lines = [line for line in KHPOS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 900
    return lines


def _write_post(archive: Path, post_id: str, title: str, body: str, lang: str = "km") -> None:
    path = archive / "posts" / post_id[:4] / f"{post_id}.{lang}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {post_id[:10]}\nlang: {lang}\n---\n\n"
                    f"{body}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def real_archive(khpos_lines: list[str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """An archive of the khPOS sentences, 20 to a post (five to a paragraph), with Latin titles;
    and each post's body by id."""
    from typer.testing import CliRunner

    from opedarchive.cli import app

    root = tmp_path_factory.mktemp("khpos")
    archive = root / "archive"
    assert CliRunner().invoke(app, ["--archive", str(archive), "init"]).exit_code == 0
    bodies: dict[str, str] = {}
    for n in range(0, len(khpos_lines), SENTENCES_PER_POST):
        sentences = [_prose(line) for line in khpos_lines[n:n + SENTENCES_PER_POST]]
        body = "\n\n".join(" ".join(sentences[p:p + 5]) for p in range(0, len(sentences), 5))
        post_id = f"2020-{1 + n // 600:02d}-{1 + (n // 20) % 28:02d}-khpos-{n // 20}"
        _write_post(archive, post_id, f"khPOS part {n // 20}", body)
        bodies[post_id] = body
    return archive, bodies


def _search(cli: Invoke, archive: Path, query: str) -> list[dict[str, Any]]:
    run = cli("--archive", str(archive), "search", "--json", "--limit", "100000", "--", query)
    if run.exit_code == 1:
        assert "No posts match" in run.stderr
        return []
    assert run.exit_code == 0, run.stderr
    hits: list[dict[str, Any]] = json.loads(run.stdout)
    return hits


def _occurrences(form: str, term: str) -> Iterator[tuple[int, int]]:
    at = form.find(term)
    while at != -1:
        yield at, at + len(term)
        at = form.find(term, at + 1)


def _cuts(form: str, start: int, end: int) -> bool:
    return bool(CUT_START.search(form[:start]) or CUT_END.match(form, end))


def _terms(khpos_lines: list[str]) -> list[str]:
    """The fixed words and every Khmer word of the corpus seen three times or more."""
    counts: dict[str, int] = {}
    for word in _gold_words(khpos_lines):
        if re.fullmatch("[\u1780-\u17d3\u17dd]+", word):
            counts[word] = counts.get(word, 0) + 1
    common = sorted(w for w, c in counts.items() if c >= 3)
    return list(dict.fromkeys(FIXED_TERMS + common))


def test_raab_is_found_as_a_word_and_never_as_the_subscript_in_samrab(
        real_archive: tuple[Path, dict[str, str]], cli: Invoke) -> None:
    archive, bodies = real_archive
    got = {h["id"] for h in _search(cli, archive, "រាប់")}
    form = {post_id: search_form(body) for post_id, body in bodies.items()}
    as_word = {p for p, f in form.items() if any(not _cuts(f, s, e) for s, e in _occurrences(f, "រាប់"))}
    inside = {p for p, f in form.items() if "្រាប់" in f}
    assert as_word and inside - as_word, "the corpus has both"
    assert got == as_word
    for hit in _search(cli, archive, "រាប់"):
        marked = [hit["snippet"][s:e] for s, e in hit["highlights"]]
        assert marked and set(marked) == {"រាប់"}, marked
        for s, _ in hit["highlights"]:
            assert hit["snippet"][s - 1] != "\u17d2"


def test_no_hit_cuts_a_cluster_and_none_that_does_not_is_lost(
        real_archive: tuple[Path, dict[str, str]], khpos_lines: list[str], cli: Invoke) -> None:
    archive, bodies = real_archive
    forms = {post_id: search_form(body) for post_id, body in bodies.items()}
    terms = _terms(khpos_lines)
    index = Index(Archive.open(archive))
    assert len(terms) >= 300
    old_hits = bad_hits = occurrences = bad_occurrences = 0
    lost: list[tuple[str, str]] = []
    wrong: list[tuple[str, str]] = []
    for term in terms:
        good, old = set(), set()
        for post_id, form in forms.items():
            cuts = [_cuts(form, s, e) for s, e in _occurrences(form, search_form(term))]
            occurrences += len(cuts)
            bad_occurrences += sum(cuts)
            if cuts:
                old.add(post_id)
            if not all(cuts):
                good.add(post_id)
        old_hits += len(old)
        bad_hits += len(old - good)
        got = {h.post_id for h in index.search(parse(term), limit=None)}
        lost.extend((term, p) for p in good - got)
        wrong.extend((term, p) for p in got - good)
    print(f"{len(terms)} Khmer words searched in {len(forms)} posts: the substring rule gave {old_hits} hits, "
          f"{bad_hits} ({bad_hits / old_hits:.1%}) only by cutting a cluster; of {occurrences} occurrences "
          f"{bad_occurrences} ({bad_occurrences / occurrences:.1%}) cut one")
    assert bad_hits > 0, "the corpus has hits that cut a cluster"
    assert wrong == [], wrong[:20]  # no hit that exists only by cutting a cluster
    assert lost == [], lost[:20]  # and every hit on cluster boundaries kept
    index.close()


def _whole_and_inside(archive: Path) -> None:
    """Two posts: in one the terms are whole words (ពួកគេ|បោះឆ្នោត, សន្លឹក|ឆ្នោត, មាន|ពលរដ្ឋ), in
    the other only parts of longer ones (ការបោះឆ្នោត, ប្រជាពលរដ្ឋ), in its title too: the title
    weighs ten times the body in the score, so by score alone that one comes first."""
    _write_post(archive, "2021-03-01-inside", "ការបោះឆ្នោតជាតិ និង ប្រជាពលរដ្ឋ", "ការបោះឆ្នោតជាតិ។ ប្រជាពលរដ្ឋ។")
    _write_post(archive, "2021-02-01-whole", "Sunday", "ពួកគេបោះឆ្នោតនៅថ្ងៃអាទិត្យ។ សន្លឹកឆ្នោត។ " + "លោក " * 30
                + "\n\nទីក្រុងនេះមានពលរដ្ឋច្រើន។")


def test_whole_words_rank_above_matches_inside_longer_words(archive: Path, cli: Invoke) -> None:
    _whole_and_inside(archive)
    for query in ("ឆ្នោត", "បោះឆ្នោត", "បោះឆ្នោត ពលរដ្ឋ"):
        hits = _search(cli, archive, query)
        assert [h["id"] for h in hits] == ["2021-02-01-whole", "2021-03-01-inside"], query
        assert hits[1]["score"] > hits[0]["score"], "the score alone would put the other first"
    # A query with no Khmer edge keeps the score's order.
    assert [h["id"] for h in _search(cli, archive, "sunday")] == ["2021-02-01-whole"]


def _page_hits(browser: Browser, site: Path, queries: list[str]) -> list[list[str]]:
    browser.goto((site / "search.html").as_uri())
    browser.wait_for("window.opedarchiveSearch !== undefined && document.documentElement.dataset.search === 'done'")
    script = ("Promise.all(" + json.dumps(queries) + ".map(q => window.opedarchiveSearch.run(q, {all: true})"
              ".then(r => r.hits.map(h => h.id))))")
    found: list[list[str]] = browser.evaluate(script, timeout=120)
    return found


def test_the_site_finds_the_same_khmer_hits_and_puts_whole_words_first(
        real_archive: tuple[Path, dict[str, str]], khpos_lines: list[str], archive: Path, cli: Invoke,
        tmp_path: Path, browser: Browser) -> None:
    real, _ = real_archive
    site = tmp_path / "real-site"
    assert cli("--archive", str(real), "export", "--html", "-o", str(site)).exit_code == 0
    queries = FIXED_TERMS + _terms(khpos_lines)[len(FIXED_TERMS)::7] + ["រាប់*", "ស្រ*", "ា", "្រ"]
    page = _page_hits(browser, site, queries)
    for query, got in zip(queries, page, strict=True):
        assert set(got) == {h["id"] for h in _search(cli, real, query)}, query

    _whole_and_inside(archive)
    small = tmp_path / "small-site"
    assert cli("--archive", str(archive), "export", "--html", "-o", str(small)).exit_code == 0
    assert browser.evaluate("typeof Intl.Segmenter") == "function"
    # The page segments with the browser's Intl.Segmenter: Chromium's splits ការ|បោះឆ្នោត and
    # ប្រជា|ពលរដ្ឋ where khmercut does not, but both keep ឆ្នោត inside ការបោះឆ្នោត (spec §6).
    assert _page_hits(browser, small, ["ឆ្នោត"]) == [["2021-02-01-whole", "2021-03-01-inside"]]
