"""The website's search page used as a reader uses it, in a real headless Chromium driven over
the DevTools protocol: typing, Enter, the arrow keys, Back, a shared address, a site served
from a sub-path, malformed queries, and hostile text in queries and in the posts."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path
from urllib.parse import quote

from cdp import Browser

from conftest import Invoke

CANDLE = "2022-06-24-candlelight-arrest-is-a-joke"
STATUS = "document.getElementById('status').textContent"
DONE = "document.documentElement.dataset.search === 'done'"
# The elements a result list is built from; anything else in it came from the data.
RESULT_TAGS = {"LI", "P", "A", "TIME", "SPAN", "MARK"}


def export_site(cli: Invoke, archive: Path, site: Path) -> None:
    result = cli("--archive", str(archive), "export", "--html", "-o", str(site))
    assert result.exit_code == 0, result.stderr


def search_done(browser: Browser, query: str) -> str:
    """Wait until the page has answered `query`; its status line."""
    status: str = browser.wait_for(f"{DONE} && {STATUS}.includes({json.dumps(query)}) && {STATUS}")
    return status


def results(browser: Browser) -> list[dict[str, str]]:
    found: list[dict[str, str]] = browser.evaluate(
        "Array.from(document.querySelectorAll('#results li')).map(li => ({lang: li.lang, "
        "href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent, "
        "marked: Array.from(li.querySelectorAll('mark')).map(m => m.textContent).join('|'), "
        "snippet: (li.querySelector('.snippet') || {}).textContent || ''}))")
    return found


def test_a_reader_types_a_query_presses_enter_uses_the_arrows_and_goes_back(
        cli: Invoke, bundled: Path, tmp_path: Path, browser: Browser) -> None:
    site = tmp_path / "site"
    export_site(cli, bundled, site)
    # A shared address opens straight on its results.
    browser.goto((site / "search.html").as_uri() + "?q=" + quote("ឆ្នោត"))
    assert search_done(browser, "ឆ្នោត") == "2 results for “ឆ្នោត”."
    assert {r["lang"] for r in results(browser)} == {"km"}
    assert browser.evaluate("document.getElementById('q').value") == "ឆ្នោត"

    # Typing a new query and pressing Enter: the address follows, the results change.
    browser.evaluate("document.getElementById('q').value = ''; document.getElementById('q').focus(); true")
    browser.type('"national election" -court')
    browser.key("Enter", "\r")
    status = search_done(browser, "national election")
    assert status == "2 results for “\"national election\" -court”."
    assert browser.evaluate("new URLSearchParams(location.search).get('q')") == '"national election" -court'
    hits = results(browser)
    assert all(r["lang"] == "en" and "national election" in r["marked"].lower() for r in hits), hits
    assert all(r["href"].startswith("posts/") for r in hits)

    # The arrow keys go from the box to the results and back.
    browser.key("ArrowDown")
    assert browser.evaluate("document.activeElement.textContent") == hits[0]["title"]
    browser.key("ArrowDown")
    assert browser.evaluate("document.activeElement.textContent") == hits[1]["title"]
    browser.key("ArrowUp")
    browser.key("ArrowUp")
    assert browser.evaluate("document.activeElement.id") == "q"

    # Back returns to the first query and its results.
    entries = browser.call("Page.getNavigationHistory")["entries"]
    browser.call("Page.navigateToHistoryEntry", {"entryId": entries[-2]["id"]})
    browser.wait_for(f"{STATUS}.includes('ឆ្នោត')")
    assert browser.evaluate("document.getElementById('q').value") == "ឆ្នោត"
    assert len(results(browser)) == 2


def test_each_hit_shows_its_own_version_and_a_snippet_of_the_text_as_written(
        cli: Invoke, bundled: Path, tmp_path: Path, browser: Browser) -> None:
    site = tmp_path / "site"
    export_site(cli, bundled, site)
    browser.goto((site / "search.html").as_uri() + "?q=" + quote("២០០២ candlelight"))
    search_done(browser, "candlelight")
    browser.goto((site / "search.html").as_uri() + "?q=" + quote("២០០២ OR candlelight"))
    search_done(browser, "candlelight")
    hits = {r["lang"]: r for r in results(browser) if r["href"] == f"posts/{CANDLE}.html"}
    # The Khmer version's hit has the Khmer title, and its snippet the Khmer digits as written.
    km_title = (bundled / f"posts/2022/{CANDLE}.km.md").read_text().split("title: ", 1)[1].split("\n", 1)[0]
    assert hits["km"]["title"] == km_title.strip("'\"")
    assert "២០០២" in hits["km"]["marked"] and "២០០២»" in hits["km"]["snippet"]
    assert hits["en"]["title"].startswith("Letter: Candlelight")
    # No snippet starts or ends inside a Khmer cluster (a sign on a dotted circle).
    for hit in hits.values():
        text = hit["snippet"].strip("…")
        assert text and not ("\u17b6" <= text[0] <= "\u17d3") and text[-1] != "\u17d2", text


def test_a_malformed_query_gets_the_terminal_message(cli: Invoke, bundled: Path, tmp_path: Path,
                                                      browser: Browser) -> None:
    site = tmp_path / "site"
    export_site(cli, bundled, site)
    for query in ['election "committee', "a OR", "year:22", "elect*ion", "-court", "ឆ្នោត " * 1700]:
        terminal = cli("--archive", str(bundled), "search", "--", query)
        assert terminal.exit_code == 2
        message = terminal.stderr.strip().removeprefix("Error: ")
        browser.goto((site / "search.html").as_uri() + "?q=" + quote(query))
        browser.wait_for(DONE)
        assert browser.evaluate(STATUS) == message + "."


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_the_site_served_from_a_sub_path_searches(cli: Invoke, bundled: Path, tmp_path: Path,
                                                  browser: Browser) -> None:
    root = tmp_path / "www"
    export_site(cli, bundled, root / "ops" / "archive")
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/ops/archive/"
        browser.goto(base + "search.html?q=" + quote("ប្លន់"))
        assert search_done(browser, "ប្លន់") == "1 result for “ប្លន់”."
        link = browser.evaluate("document.querySelector('#results a').href")
        assert link == base + f"posts/{CANDLE}.html"
        loaded = browser.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        # (the browser itself asks the server's root for /favicon.ico; the site names no icon)
        assert [name for name in loaded if not name.startswith(base) and not name.endswith("/favicon.ico")] == []
        assert any(name == base + "search/manifest.js" for name in loaded)
    finally:
        server.shutdown()
        server.server_close()


def test_hostile_text_in_queries_and_posts_runs_nothing(cli: Invoke, archive: Path, tmp_path: Path,
                                                        browser: Browser) -> None:
    from test_export_html import INJECTIONS, write_injection_post

    write_injection_post(archive)
    site = tmp_path / "site"
    export_site(cli, archive, site)
    queries = ["script", "alert", "onerror", "<script>alert(1)</script>", '"><svg onload=alert(2)>',
               "author:script", "javascript:alert(7)", "<img src=x onerror=alert(99)>", "iframe OR svg",
               '"<script>alert(17)</script>"']
    for query in queries:
        browser.goto((site / "search.html").as_uri() + "?q=" + quote(query))
        browser.wait_for(DONE)
        tags = set(browser.evaluate("Array.from(document.querySelectorAll('#results *')).map(e => e.tagName)"))
        assert tags <= RESULT_TAGS, (query, tags)
        handlers = browser.evaluate(
            "Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
            ".filter(a => a.name.startsWith('on')).map(a => a.name)")
        assert handlers == [], query
        scripts = browser.evaluate("Array.from(document.scripts).map(s => s.getAttribute('src'))")
        assert scripts == ["static/search.js"], (query, scripts)
        assert browser.evaluate("typeof window.alert === 'function' && !window.__pwned"), query
        assert query.split()[0].strip('"') in browser.evaluate(STATUS) or "malformed" in browser.evaluate(STATUS)
    # The hostile title is shown as text in a result.
    browser.goto((site / "search.html").as_uri() + "?q=" + quote("svg onload"))
    search_done(browser, "svg onload")
    assert [r["title"] for r in results(browser)] == [INJECTIONS["title"]] * 2
