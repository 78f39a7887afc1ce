"""The exported site's search (static/search.js in headless Chromium) and `opedarchive search`
give the same hits: the same set of (post id, language) for hundreds of generated queries of
every kind over a generated English/Khmer archive, and the same message for a malformed query
(docs/search-spec.md; GitHub issue 13). Also: the page's search form of every code point is
Python's `search_form`."""

from __future__ import annotations

import functools
import html
import json
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing

from opedarchive.archive import Archive
from opedarchive.export import export
from opedarchive.text.searchform import search_form
from searchgen import Doc, generate_archive, generate_queries

from conftest import REPO, Invoke

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio",
]
ARTIFACTS = REPO / "test-artifacts"
KINDS = ("word", "word-upper", "word-absent", "partial", "khmer", "khmer-after-coeng", "khmer-zws", "prefix", "phrase",
         "phrase-punct", "phrase-prefix", "exclusion", "or", "filter", "negated-filter", "filter-only", "combination",
         "malformed")
# Every message of the spec's list (its fixed words): each must be met by some query.
MESSAGES = [
    'a quote (") is not closed', "stray quote in ", 'an empty phrase ("")', "'*' goes only at the end of a word",
    "'*' must follow a word", "OR must stand between two words", "OR joins words, not filters",
    "nothing to search for after OR in ", "an excluded word cannot be part of OR",
    "'-' must be followed by a word to exclude", "use one '-' to exclude a word", "the quote after '",
    "needs a value, as in", "is not a year (four digits)", "nothing to search for; '-' only excludes",
    "malformed query: nothing to search for\n",
]

# Loaded first: gathers the page's errors (search.js failing to load shows up here).
ERRORS_JS = """window.PARITY_ERRORS = [];
window.addEventListener("error", function (e) {
  window.PARITY_ERRORS.push(String(e.message) + " at " + e.filename + ":" + e.lineno);
});
window.addEventListener("unhandledrejection", function (e) {
  window.PARITY_ERRORS.push("unhandled rejection: " + String(e.reason && e.reason.stack || e.reason));
});
function parityFinish(data) {
  data.errors = window.PARITY_ERRORS;
  // ASCII only, so that nothing depends on how the DOM dump encodes the rest.
  document.getElementById("out").textContent = JSON.stringify(data).replace(/[^\\x20-\\x7e]/g, function (c) {
    return "\\\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
  });
  document.title = "done";
}
"""

PARITY_JS = """(async function () {
  "use strict";
  var api = window.opedarchiveSearch;
  if (!api) { parityFinish({fatal: "window.opedarchiveSearch is not defined"}); return; }
  var results = [];
  try {
    for (var i = 0; i < window.PARITY_QUERIES.length; i++) {
      var q = window.PARITY_QUERIES[i], entry = {q: q};
      try {
        entry.parse = api.parse(q).error;
        var r = await api.run(q, {all: true});
        entry.error = r.error;
        entry.total = r.total;
        entry.exact = r.exact;
        entry.hits = (r.hits || []).map(function (h) { return [h.id, h.lang]; });
      } catch (e) {
        entry.exception = String(e && e.stack || e);
      }
      results.push(entry);
    }
    parityFinish({results: results});
  } catch (e) {
    parityFinish({fatal: String(e && e.stack || e), results: results});
  }
})();
"""

FOLD_JS = """(async function () {
  "use strict";
  var api = window.opedarchiveSearch, data = window.FOLD_DATA, bad = [], count = 0, checked = 0;
  if (!api) { parityFinish({fatal: "window.opedarchiveSearch is not defined"}); return; }
  function check(kind, key, input, want) {
    var got;
    try { got = api.searchForm(input); } catch (e) { got = "exception: " + String(e); }
    checked++;
    if (got !== want) {
      count++;
      if (bad.length < 5000) { bad.push([kind, key, got, want]); }
    }
  }
  try {
    for (var start = 0x20; start <= 0x2ffff; start += 4096) {  // chunks, each its own task
      for (var cp = start; cp < start + 4096 && cp <= 0x2ffff; cp++) {
        if (cp >= 0xd800 && cp <= 0xdfff) { continue; }
        var ch = String.fromCodePoint(cp);
        check("char", cp, ch, Object.prototype.hasOwnProperty.call(data.one, cp) ? data.one[cp] : ch);
        check("in-word", cp, "A" + ch + "b",
              Object.prototype.hasOwnProperty.call(data.two, cp) ? data.two[cp] : "a" + ch + "b");
      }
      await new Promise(function (resolve) { setTimeout(resolve, 0); });
    }
    for (var i = 0; i < data.samples.length; i++) { check("sample", i, data.samples[i], data.expected[i]); }
    parityFinish({count: count, checked: checked, bad: bad});
  } catch (e) {
    parityFinish({fatal: String(e && e.stack || e), count: count, checked: checked, bad: bad});
  }
})();
"""


def _page(name: str) -> str:
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>running</title></head>\n'
            f'<body><pre id="out"></pre>\n<script src="{name}-data.js"></script>\n'
            '<script src="static/search.js"></script>\n'
            f'<script src="{name}.js"></script>\n</body></html>\n')


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if path is None:
        pytest.fail(f"{name} is not installed: run 'make system-deps' (it installs Java and Chromium when missing)")
    return path


def _start_page(site: Path, name: str, data_js: str, page_js: str, profile: Path) -> subprocess.Popen[str]:
    """Write NAME.html (with NAME-data.js and NAME.js) at the site's root and open it in
    headless Chromium, which prints the DOM when the page is done (or its time is up)."""
    (site / f"{name}-data.js").write_text(ERRORS_JS + data_js, encoding="utf-8")
    (site / f"{name}.js").write_text(page_js, encoding="utf-8")
    (site / f"{name}.html").write_text(_page(name), encoding="utf-8")
    return subprocess.Popen(
        [_tool("chromium"), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=120000",
         "--dump-dom", (site / f"{name}.html").as_uri()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")


def _page_output(process: subprocess.Popen[str], timeout: int = 90) -> dict[str, Any]:
    """What the page wrote into <pre id="out">, parsed; the test fails when it wrote nothing."""
    try:
        dom, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        dom, stderr = process.communicate()
        pytest.fail(f"Chromium did not finish in {timeout} s\n{stderr[-3000:]}")
    found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
    if process.returncode != 0 or "<title>done</title>" not in dom or found is None or not found[1]:
        pytest.fail(f"the page did not finish (exit {process.returncode})\nDOM: {dom[:3000]}\nstderr: {stderr[-3000:]}")
    data: dict[str, Any] = json.loads(html.unescape(found[1]))
    if data.get("fatal"):
        pytest.fail(f"the page failed: {data['fatal']}\npage errors: {data.get('errors')}")
    return data


@dataclass
class Answer:
    """One implementation's answer to a query: a set of hits, or the message of a malformed query."""

    hits: frozenset[tuple[str, str]] = frozenset()
    error: str | None = None
    order: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # best first

    def __str__(self) -> str:
        if self.error is not None:
            return f"error {self.error!r}"
        return f"{len(self.hits)} hits"


def _cli_answer(cli: Invoke, archive: Path, query: str) -> Answer:
    run = cli("--archive", str(archive), "search", "--json", "--limit", "100000", "--", query)
    if run.exit_code == 0:
        hits = [(hit["id"], hit["lang"]) for hit in json.loads(run.stdout)]
        assert len(hits) == len(set(hits)), query
        return Answer(frozenset(hits), order=tuple(hits))
    if run.exit_code == 1:
        assert "No posts match" in run.stderr, (query, run.stderr)
        return Answer()
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error: ")]
    assert run.exit_code == 2 and len(errors) == 1, (query, run.exit_code, run.stderr)
    assert errors[0].startswith("Error: malformed query: "), (query, run.stderr)
    return Answer(error=errors[0].removeprefix("Error: "))


def _page_answer(entry: dict[str, Any]) -> tuple[Answer, list[str]]:
    """The page's answer, and what else is wrong with it (an exception, parse and run disagreeing,
    duplicate hits, an inexact or miscounted result in `all` mode)."""
    if "exception" in entry:
        return Answer(error=f"exception: {entry['exception']}"), []
    problems = []
    if entry["parse"] != entry["error"]:
        problems.append(f"parse() says {entry['parse']!r} but run() says {entry['error']!r}")
    if entry["error"] is not None:
        return Answer(error=entry["error"]), problems
    hits = [(h[0], h[1]) for h in entry["hits"]]
    if len(hits) != len(set(hits)):
        problems.append(f"duplicate hits: {sorted(h for h, n in Counter(hits).items() if n > 1)}")
    if entry["exact"] is not True or entry["total"] != len(hits):
        problems.append(f"all=true gave exact={entry['exact']!r}, total={entry['total']!r} for {len(hits)} hits")
    return Answer(frozenset(hits), order=tuple(hits)), problems


def _texts(docs: list[Doc]) -> dict[tuple[str, str], Doc]:
    return {(doc.post_id, doc.lang): doc for doc in docs}


def _describe(kind: str, query: str, cli: Answer, page: Answer, problems: list[str],
              docs: dict[tuple[str, str], Doc]) -> str:
    lines = [f"[{kind}] {query!r}  (search form {search_form(query)!r})",
             f"  terminal: {cli}", f"  page:     {page}"]
    if cli.error is None and page.error is None:
        for label, extra in (("only in the terminal", cli.hits - page.hits),
                             ("only on the page", page.hits - cli.hits)):
            for hit in sorted(extra)[:4]:
                doc = docs.get(hit)
                title = doc.title if doc else "?"
                lines.append(f"  {label}: {hit[0]} {hit[1]} ({title!r})")
            if len(extra) > 4:
                lines.append(f"  {label}: … {len(extra) - 4} more")
    lines.extend(f"  page problem: {p}" for p in problems)
    return "\n".join(lines)


@pytest.fixture(scope="module", params=["scored", "dense"])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, Path, list[Doc]]:
    """A generated English/Khmer archive and its exported site (archive, site, every version).
    "dense": every term's postings kept as document numbers only, as a big archive keeps its
    commonest words (searchindex.DENSE_SHARE), so that encoding meets the same queries."""
    from opedarchive.site import searchindex

    root = tmp_path_factory.mktemp("parity")
    docs = generate_archive(root / "archive")
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "dense":
            patch.setattr(searchindex, "DENSE_MIN", 1)
            patch.setattr(searchindex, "DENSE_SHARE", 10**9)
        export("html", Archive.open(root / "archive"), None, root / "site")
    assert (root / "site" / "static" / "search.js").is_file()
    dense = '1]' in (root / "site" / "search" / "t" / "0.js").read_text()
    assert dense == (request.param == "dense")
    return root / "archive", root / "site", docs


def test_site_search_gives_the_terminals_hits(generated: tuple[Path, Path, list[Doc]], cli: Invoke,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive, site, docs = generated
    # The runner builds the click command of the app at every call (35 ms); once is enough.
    monkeypatch.setattr(typer.testing, "_get_command", functools.cache(typer.main.get_command))
    (ARTIFACTS / "parity-failures.txt").unlink(missing_ok=True)
    queries = generate_queries(docs)
    kinds = Counter(kind for kind, _ in queries)
    assert len(queries) >= 200
    assert all(kinds[k] >= 3 for k in KINDS), kinds
    for key in ("author:", "tag:", "lang:", "outlet:", "kind:", "year:"):
        assert sum(key in q.lower() for _, q in queries) >= 5, key
        assert sum(f"-{key}" in q.lower() for _, q in queries) >= 2, key
    # The page runs while the terminal answers.
    page = _start_page(site, "parity", f"window.PARITY_QUERIES = {json.dumps([q for _, q in queries])};\n",
                       PARITY_JS, tmp_path / "profile")
    try:
        terminal = [_cli_answer(cli, archive, query) for _, query in queries]
    except BaseException:
        page.kill()
        raise
    output = _page_output(page)
    results = output["results"]
    assert [entry["q"] for entry in results] == [q for _, q in queries], "the page ran other queries"

    # The generator's own promises: malformed means malformed, every message and kind is met.
    assert [kind == "malformed" for kind, _ in queries] == [a.error is not None for a in terminal], [
        (kind, q, str(a)) for (kind, q), a in zip(queries, terminal, strict=True)
        if (kind == "malformed") != (a.error is not None)]
    errors = {a.error for a in terminal if a.error is not None}
    missing = [m for m in MESSAGES if not any(m in e + "\n" for e in errors)]
    assert not missing, missing
    with_hits = Counter(kind for (kind, _), a in zip(queries, terminal, strict=True) if a.hits)
    assert sum(with_hits.values()) >= 0.4 * len(queries), with_hits
    assert all(with_hits[k] >= 2 for k in kinds if k not in ("word-absent", "malformed")), with_hits
    assert len({hit for a in terminal for hit in a.hits}) >= 0.8 * len(docs)

    by_hit = _texts(docs)
    mismatches = []
    for (kind, query), cli_answer, entry in zip(queries, terminal, results, strict=True):
        page_answer, problems = _page_answer(entry)
        if page_answer != cli_answer or problems:
            mismatches.append(_describe(kind, query, cli_answer, page_answer, problems, by_hit))
    # The order: close to the terminal's (spec §6), measured as the share of the terminal's best 5
    # among the page's best 5, over queries with at least 5 hits.
    ranked = [(cli_answer.order[:5], _page_answer(entry)[0].order[:5]) for cli_answer, entry
              in zip(terminal, results, strict=True) if len(cli_answer.hits) >= 5 and cli_answer.error is None]
    overlap = sum(len(set(a) & set(b)) / 5 for a, b in ranked) / len(ranked)
    same_first = sum(a[0] == b[0] for a, b in ranked) / len(ranked)
    print(f"order: best-5 overlap {overlap:.2f}, same best hit {same_first:.2f} over {len(ranked)} queries")
    # Measured 0.77 and 0.55 (docs/search-spec.md §6); a fall below these floors is a regression.
    # (With every term dense there are no scores to rank by: only the hits are compared.)
    dense = "1]" in (site / "search" / "t" / "0.js").read_text()
    assert dense or (overlap >= 0.7 and same_first >= 0.45), (overlap, same_first)
    print(f"{len(queries)} queries ({len(queries) - sum(not a.hits for a in terminal)} with hits, "
          f"{sum(len(a.hits) for a in terminal)} hits in all, {len(errors)} distinct messages); "
          f"{len(mismatches)} differ")
    if mismatches:
        head = f"{len(mismatches)} of {len(queries)} queries differ (page errors: {output['errors']})"
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "parity-failures.txt").write_text("\n\n".join([head, *mismatches]) + "\n", encoding="utf-8")
        pytest.fail("\n\n".join([head, *mismatches[:25], f"(all of them in {ARTIFACTS / 'parity-failures.txt'})"]),
                    pytrace=False)
    assert output["errors"] == []


def _fold_samples() -> list[str]:
    """Lines of the bundled archive, spelling variants, and 3,000 random Khmer strings
    (as tests/test_export_html.py::test_javascript_fold_is_the_python_fold)."""
    samples = [line for p in sorted((REPO / "archive/posts").rglob("*.md")) for line in p.read_text().splitlines()
               if line]
    samples += ["ស្រ្តី", "ស្ត្រី", "ក\u17c1\u17b6", "កោ", "ប្ដូរ", "ប្តូរ", "ឆ្នោ\u200bត", "២០២២ ១៣", "STRASSE Straße",
                "ΣΊΣΥΦΟΣ", "İstanbul", "\ufeffe\u0301", "ក\u17c1\u17b8", "ក\u17be\u17b6", "ក\u17d2\u179a\u17d2\u178f",
                "don’t “quote”", " a\u00a0b\u3000c\x1cd\x85e\u2028 ", "ǅ ǈ ß ẞ ﬁ ŉ ΐ ſ ς Σ", "\u1e9e\u0130\u0049\u0307"]
    rng = random.Random(5)
    alphabet = [chr(c) for c in range(0x1780, 0x1800)] + ["\u200c", "\u200d", " ", "a", "\u17d2"] * 6
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    return samples


def _unassigned(cp: int) -> bool:
    """Not a character in Python's Unicode (unicodedata): newer browsers may know it."""
    return unicodedata.category(chr(cp)) == "Cn"


def test_search_form_matches_python_on_every_code_point(generated: tuple[Path, Path, list[Doc]],
                                                        tmp_path: Path) -> None:
    _, site, _ = generated
    (ARTIFACTS / "parity-fold-mismatches.txt").unlink(missing_ok=True)
    one: dict[int, str] = {}
    two: dict[int, str] = {}
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if (form := search_form(ch)) != ch:
            one[cp] = form
        if (form := search_form("A" + ch + "b")) != "a" + ch + "b":
            two[cp] = form
    samples = _fold_samples()
    data = {"one": one, "two": two, "samples": samples, "expected": [search_form(s) for s in samples]}
    output = _page_output(_start_page(site, "fold", f"window.FOLD_DATA = {json.dumps(data)};\n", FOLD_JS,
                                      tmp_path / "profile"))
    code_points = 0x30000 - 0x20 - 0x800
    assert output["checked"] == 2 * code_points + len(samples)

    def line(kind: str, key: int, got: str, want: str) -> str:
        if kind == "sample":
            return f"sample {samples[key]!r}: page {got!r}, Python {want!r}"
        ch = chr(key)
        return (f"U+{key:04X} {unicodedata.name(ch, '(unassigned in Unicode ' + unicodedata.unidata_version + ')')}"
                f" [{unicodedata.category(ch)}] {kind}: page {got!r}, Python {want!r}")

    bad = output["bad"]
    assigned = [line(*b) for b in bad if b[0] == "sample" or not _unassigned(b[1])]
    recent = [line(*b) for b in bad if b[0] != "sample" and _unassigned(b[1])]
    report = (f"{output['count']} mismatches ({len(output['bad'])} listed): {len(assigned)} on characters of "
              f"Python's Unicode {unicodedata.unidata_version}, {len(recent)} on code points unassigned there\n"
              + "\n".join(assigned + recent))
    print(f"{output['checked']} strings folded on the page, {output['count']} differ from Python")
    if bad:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "parity-fold-mismatches.txt").write_text(report + "\n", encoding="utf-8")
        print(report)
    # Code points unassigned in Python's Unicode are a known difference (docs/search-spec.md, §7).
    if output["count"] != len(bad) or assigned:
        pytest.fail("\n".join(report.splitlines()[:60]), pytrace=False)
    assert output["errors"] == []
