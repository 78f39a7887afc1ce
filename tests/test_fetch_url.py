"""`add URL` and `import URL`: against a real HTTP server on 127.0.0.1 serving saved real pages
(tests/data/realworld/fetch) and pages built from the seed posts (bench/newspages.py), and
every way a fetch can fail: 404, 5xx, redirect loops, oversize answers, slow answers, the
wrong content type, a page with no article, charsets from the header, the page or neither."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from newspages import seed_pages

from conftest import DATA, REPO, Invoke

REALWORLD = DATA / "realworld" / "fetch"
LATIN_PAGE = """<!DOCTYPE html><html lang="fr"><head>{meta}<title>Élections : le café de la réforme</title></head>
<body><nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav><article><h1>Élections : le café de la réforme</h1>
<p>Les électeurs réclament une commission électorale indépendante, déclarée neutre et reconnue par tous les partis.</p>
<p>Dans les communes, les élus répètent que la réforme électorale doit précéder le prochain scrutin général.</p>
<p>Les observateurs étrangers ont noté des irrégularités à Poipet, où la candidate a déposé une plainte détaillée.</p>
<p>« Nous voulons un arbitre impartial », a déclaré un électeur âgé de soixante-dix ans, sous la pluie de juin.</p>
</article><footer>© 2022</footer></body></html>"""
NO_ARTICLE = b"""<!DOCTYPE html><html lang="en"><head><title>Home</title></head><body>
<nav><a href="/a">A</a> <a href="/b">B</a> <a href="/c">C</a></nav><footer>(c) 2022</footer></body></html>"""

Route = Callable[[BaseHTTPRequestHandler], None]


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
          headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


def _redirect(target: str) -> Route:
    return lambda h: _send(h, 302, b"", headers={"Location": target})


def _slow(h: BaseHTTPRequestHandler) -> None:
    time.sleep(3)
    _send(h, 200, b"<html><body><p>late</p></body></html>")


def _trickle(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    for _ in range(30):
        try:
            h.wfile.write(b"<p>.</p>")
            h.wfile.flush()
        except OSError:
            return
        time.sleep(0.1)


def _endless(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    chunk = b" " * (1024 * 1024)
    try:
        for _ in range(40):  # 40 MB if the client read it all; it stops after 16
            h.wfile.write(chunk)
    except OSError:
        return


def _declared_huge(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(20 * 1024 * 1024))
    h.end_headers()
    h.wfile.write(b"<html>")


class Server:
    """Routes by path; `hits` counts the requests for each path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.agents.append(self.headers.get("User-Agent", ""))
                route = server.routes.get(self.path)
                if route is None:
                    _send(self, 404, b"<html><body>Not found</body></html>")
                else:
                    route(self)

            def log_message(self, *args: object) -> None:
                pass

        self.agents: list[str] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = lambda h: _send(h, 200, body, content_type)
        return self.base + path


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    s.routes.update({
        "/gone": lambda h: _send(h, 404, b"<html><body>gone</body></html>"),
        "/broken": lambda h: _send(h, 503, b"<html><body>down</body></html>"),
        "/loop-a": _redirect("/loop-b"), "/loop-b": _redirect("/loop-a"),
        "/slow": _slow, "/trickle": _trickle, "/endless": _endless,
        "/declared-huge": _declared_huge,
        "/paper.pdf": lambda h: _send(h, 200, b"%PDF-1.4 ...", "application/pdf"),
        "/empty-home": lambda h: _send(h, 200, NO_ARTICLE),
    })
    for n in range(1, 7):  # /hop-6 → /hop-5 → … → /hop-1 → /hop-0 (a page)
        s.routes[f"/hop-{n}"] = _redirect(f"/hop-{n - 1}")
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def _realworld(name: str) -> bytes:
    return gzip.decompress((REALWORLD / "readability" / name / "source.html.gz").read_bytes())


def _files(archive: Path) -> list[Path]:
    return sorted((archive / "posts").rglob("*.md"))


def _front(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])  # type: ignore[no-any-return]


def test_add_url_writes_a_real_article(archive: Path, cli: Invoke, server: Server) -> None:
    url = server.page("/environment/whales", _realworld("aclu"))
    result = cli("add", url)
    assert result.exit_code == 0, result.stderr
    files = _files(archive)
    assert len(files) == 1
    meta = _front(files[0])
    assert meta["title"] == "Facebook Is Tracking Me Even Though I’m Not on Facebook"
    assert meta["authors"] == ["Daniel Kahn Gillmor"]
    assert meta["lang"] == "en"
    assert meta["outlet"] == "American Civil Liberties Union"
    # The canonical URL, not the address it was fetched from.
    assert meta["source_url"] == "https://www.aclu.org/blog/privacy-technology/internet-privacy/facebook-tracking-me-even-though-im-not-facebook"
    assert str(meta["date"]).startswith("2018-04-05")
    body = files[0].read_text(encoding="utf-8")
    assert "I don't use Facebook." in body
    assert result.stdout.strip() == files[0].name.split(".")[0]
    assert result.stderr == f"wrote {files[0].relative_to(archive)}\n"
    assert server.agents[-1].startswith("opedarchive/")


def test_the_same_page_again_is_reported_not_added(archive: Path, cli: Invoke, server: Server) -> None:
    url = server.page("/a", _realworld("aclu"))
    first = cli("add", url)
    again = cli("add", server.page("/elsewhere", _realworld("aclu")))  # other address, same canonical URL
    assert again.exit_code == 0
    post_id = first.stdout.strip()
    assert again.stderr.startswith(
        f"skipped {server.base}/elsewhere: already in the archive as {post_id} (same source_url)")
    assert len(_files(archive)) == 1
    as_json = json.loads(cli("add", url, "--json").stdout)
    assert as_json == {"id": post_id, "paths": [], "already": "same source_url"}


def test_the_same_text_at_another_url_is_reported(archive: Path, cli: Invoke, server: Server) -> None:
    page = next(p for p in seed_pages(REPO / "archive") if p.name.endswith(".km.lang"))
    cli("add", server.page("/one", page.html.encode()), "--source-url", "https://one.example/x")
    html = page.html.replace('rel="canonical" href="', 'rel="canonical" href="https://other.example')
    again = cli("add", server.page("/two", html.encode()))
    assert "(same text)" in again.stderr
    assert len(_files(archive)) == 1


def test_khmer_pages_keep_every_word_and_their_language(archive: Path, cli: Invoke, server: Server) -> None:
    pages = [p for p in seed_pages(REPO / "archive") if p.lang == "km"]
    assert {p.name.rsplit(".", 1)[1] for p in pages} == {"lang", "nolang", "wronglang"}
    for page in pages:
        result = cli("add", server.page(f"/{page.name}", page.html.encode()), "--dry-run")
        assert result.exit_code == 0, result.stderr
        meta = yaml.safe_load(result.stdout.split("---\n")[1])
        assert meta["lang"] == "km", page.name  # `lang="en"` on a Khmer page does not fool it
        assert meta["title"] == page.title
        assert meta["date"] == page.when  # with its time zone (+07:00)
        assert page.body.split("\n\n")[0][:200] in result.stdout
    assert _files(archive) == []
    from opedarchive.importers.base import content_hash

    for page in pages:
        if page.name.endswith(".lang"):
            assert cli("add", server.page(f"/w/{page.name}", page.html.encode())).exit_code == 0
    written = {content_hash(p.read_text(encoding="utf-8").split("---\n", 2)[2]) for p in _files(archive)}
    assert written == {content_hash(p.body) for p in pages}  # every word kept, nothing added


def test_an_english_khmer_pair_becomes_one_post(archive: Path, cli: Invoke, server: Server) -> None:
    pages = {p.name: p for p in seed_pages(REPO / "archive")}
    en = pages["2022-06-24-candlelight-arrest-is-a-joke.en.lang"]
    km = pages["2022-06-24-candlelight-arrest-is-a-joke.km.wronglang"]
    post_id = cli("add", server.page("/en", en.html.encode())).stdout.strip()
    result = cli("add", server.page("/km", km.html.encode()), "--translation-of", post_id)
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in _files(archive))
    assert names == [f"{post_id}.en.md", f"{post_id}.km.md"]
    km_meta = _front(archive / "posts" / "2022" / f"{post_id}.km.md")
    assert km_meta["authors"] == ["លោកសេង សុភ័ណ"]
    full = (archive / "posts" / "2022" / f"{post_id}.km.md").read_text(encoding="utf-8")
    assert "ហេង ស៊ីនិត" in full  # the photo credit, from the figure's caption
    assert "ព័ត៌មានជាតិ" not in full and "អត្ថបទទាក់ទង" not in full  # menu and sidebar left out


def test_options_override_what_the_page_says(archive: Path, cli: Invoke, server: Server) -> None:
    url = server.page("/a", _realworld("aclu"))
    result = cli("add", url, "--title", "My title", "--author", "A. N. Other", "--date", "2020-01-02",
                 "--outlet", "Elsewhere", "--lang", "fr", "--tag", "privacy", "--dry-run")
    assert result.exit_code == 0, result.stderr
    meta = yaml.safe_load(result.stdout.split("---\n")[1])
    assert meta["title"] == "My title" and meta["authors"] == ["A. N. Other"]
    assert str(meta["date"]) == "2020-01-02" and meta["outlet"] == "Elsewhere"
    assert meta["lang"] == "fr" and meta["tags"] == ["privacy"]
    assert result.stderr.startswith("would write posts/2020/2020-01-02-my-title.fr.md\n")
    assert result.stderr.endswith("dry run: nothing written\n")
    assert _files(archive) == []


@pytest.mark.parametrize(("path", "message"), [
    ("/gone", "{url}: no such page (HTTP 404 Not Found)"),
    ("/broken", "{url}: the server failed (HTTP 503 Service Unavailable); nothing was written, try again later"),
    ("/loop-a", "{url}: more than 5 redirects (the last to {base}/loop-a)"),
    ("/hop-6", "{url}: more than 5 redirects (the last to {base}/hop-0)"),
    ("/declared-huge", "{url}: the answer is too large (20 MB; the limit is 16 MB)"),
    ("/endless", "{url}: the answer is too large (more than 16 MB; the limit is 16 MB)"),
    ("/paper.pdf", "{url}: not a web page (application/pdf); `add` reads HTML pages (feeds and WordPress "
                   "exports: `opedarchive import URL`)"),
    ("/empty-home", "{url}: no article found on the page"),
    ("/slow", "{url}: no answer within 1 s"),
    ("/trickle", "{url}: no answer within 1 s (the page came too slowly)"),
])
def test_failures_are_one_line_and_write_nothing(archive: Path, cli: Invoke, server: Server, path: str,
                                                 message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEDARCHIVE_HTTP_TIMEOUT", "1")
    url = server.base + path
    result = cli("add", url)
    assert result.exit_code == 1
    assert result.stderr == "Error: " + message.format(url=url, base=server.base) + "\n"
    assert _files(archive) == []
    # Never retried: one request, or one and the five redirects followed.
    assert sum(server.hits.values()) == (6 if path in ("/loop-a", "/hop-6") else 1)


def test_five_redirects_are_followed(archive: Path, cli: Invoke, server: Server) -> None:
    server.page("/hop-0", _realworld("aclu"))
    result = cli("add", server.base + "/hop-5", "--dry-run")
    assert result.exit_code == 0, result.stderr


def test_network_errors(archive: Path, cli: Invoke) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    result = cli("add", url)
    assert (result.exit_code, result.stderr) == (1, f"Error: {url}: cannot connect to 127.0.0.1: connection refused\n")
    result = cli("add", "http://no-such-host.invalid/x")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: http://no-such-host.invalid/x: cannot find the host no-such-host.invalid")


def test_bad_usage_exits_2(archive: Path, cli: Invoke, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("add", "http://", "--dry-run").exit_code == 2
    assert cli("add", "some.md", "--dry-run").exit_code == 2
    monkeypatch.setenv("OPEDARCHIVE_HTTP_TIMEOUT", "soon")
    result = cli("add", server.base + "/x")
    assert result.exit_code == 2
    assert result.stderr == "Error: OPEDARCHIVE_HTTP_TIMEOUT: 'soon' is not a number of seconds\n"


@pytest.mark.parametrize(("content_type", "meta", "encoding"), [
    ("text/html; charset=iso-8859-1", "", "cp1252"),  # the header says
    ("text/html", '<meta charset="windows-1252">', "cp1252"),  # the page says
    ("text/html", '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', "cp1252"),
    ("text/html; charset=utf-8", '<meta charset="windows-1252">', "utf-8"),  # the header wins
    ("text/html", "", "utf-8"),  # neither: UTF-8
])
def test_charsets(archive: Path, cli: Invoke, server: Server, content_type: str, meta: str, encoding: str) -> None:
    url = server.page("/fr", LATIN_PAGE.format(meta=meta).encode(encoding), content_type)
    result = cli("add", url, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "title: 'Élections : le café de la réforme'" in result.stdout or \
        "title: Élections : le café de la réforme" in result.stdout
    assert "« Nous voulons un arbitre impartial »" in result.stdout or "déclarée neutre" in result.stdout
    assert "lang: fr" in result.stdout


def test_khmer_utf8_without_any_charset(archive: Path, cli: Invoke, server: Server) -> None:
    page = next(p for p in seed_pages(REPO / "archive") if p.name.endswith(".km.nolang"))
    html = page.html.replace('<meta charset="utf-8">', "")
    result = cli("add", server.page("/km", html.encode(), "text/html"), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert page.title in result.stdout and "lang: km" in result.stdout


def test_import_url_reads_feeds_and_wordpress_exports(archive: Path, cli: Invoke, server: Server) -> None:
    feed = server.page("/feed.xml", (DATA / "import" / "feed-rss.xml").read_bytes(), "application/rss+xml")
    wxr = server.page("/export.xml", (DATA / "import" / "wordpress.xml").read_bytes(), "text/xml")
    from_files = cli("import", "--dry-run", "--json", str(DATA / "import" / "feed-rss.xml"),
                     str(DATA / "import" / "wordpress.xml"))
    from_urls = cli("import", "--dry-run", "--json", feed, wxr)
    assert from_urls.exit_code == from_files.exit_code
    got, want = json.loads(from_urls.stdout), json.loads(from_files.stdout)
    assert [r["source"] for r in got] == [feed, wxr]
    for g, w in zip(got, want, strict=True):
        assert g["format"] == w["format"] and g["created"] == w["created"]
        assert len(g["failed"]) == len(w["failed"]) and len(g["skipped"]) == len(w["skipped"])
        assert all(x["where"].startswith(g["source"]) for x in g["failed"] + g["skipped"] if x["where"])
    result = cli("import", feed)
    assert result.exit_code in (0, 1)
    assert len(_files(archive)) > 0
    again = cli("import", feed)
    assert "0 created" in again.stderr


def test_import_url_errors(archive: Path, cli: Invoke, server: Server) -> None:
    url = server.base + "/gone"
    result = cli("import", url)
    assert (result.exit_code, result.stderr) == (1, f"Error: {url}: no such page (HTTP 404 Not Found)\n")
    url = server.page("/page.pdf", b"%PDF-1.4", "application/pdf")
    result = cli("import", url)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {url}: not a format opedarchive can import")
    assert _files(archive) == []
