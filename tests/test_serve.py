"""`opedarchive serve`, run for real as a subprocess: it builds the site, serves it on 127.0.0.1
only, builds again after an edit (the new text is served, the open page reloads itself), keeps
the last good build while a post cannot be read, and stops on Ctrl-C in one line."""

from __future__ import annotations

import fcntl
import json
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from opedarchive.site import serve

from conftest import Invoke

JOKE = "2022-06-24-candlelight-arrest-is-a-joke"
LIVE = '<script src="/__opedarchive/live.js?v='


class Served:
    """One `opedarchive serve` process, what it printed, and its address."""

    def __init__(self, archive: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "opedarchive", "--archive", str(archive), "serve", "--port", "0", *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.url = re.search(r"http://\S+/", self.wait_for("Serving http://")).group()  # type: ignore[union-attr]
        self.wait_for("Built ")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """The first line of stderr holding `text` (fails after `timeout` seconds)."""
        assert self.proc.stderr is not None
        while True:
            found = [line for line in self.lines if text in line]
            if found:
                return found[0]
            ready, _, _ = select.select([self.proc.stderr], [], [], timeout)
            assert ready, f"no {text!r} from serve; it said {self.lines}"
            line = self.proc.stderr.readline()
            assert line, f"serve ended; it said {self.lines}"
            self.lines.append(line.rstrip("\n"))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def version(self) -> dict[str, object]:
        state: dict[str, object] = json.loads(self.get("__opedarchive/version")[1])
        return state

    def stop(self) -> tuple[int, str]:
        """Ctrl-C: the exit code and the rest of stderr."""
        self.proc.send_signal(signal.SIGINT)
        _, rest = self.proc.communicate(timeout=30)
        return self.proc.returncode, rest


@pytest.fixture
def start() -> Iterator[type[Served]]:
    started: list[Served] = []

    class Started(Served):
        def __init__(self, archive: Path, *args: str) -> None:
            started.append(self)
            super().__init__(archive, *args)

    yield Started
    for served in started:
        if served.proc.poll() is None:
            served.proc.kill()
        served.proc.communicate(timeout=30)


def served_text(served: Served, path: str, text: str, timeout: float = 20) -> str:
    """The page at `path` once it holds `text` (fails after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        status, page = served.get(path)
        if status == 200 and text in page:
            return page
        assert time.monotonic() < deadline, f"{path} never showed {text!r}; serve said {served.lines}"
        time.sleep(0.05)


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the TCP sockets listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for name in ("tcp", "tcp6"):
        with open(f"/proc/net/{name}") as fh:
            for line in list(fh)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    if len(address) == 8:
                        found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                    else:
                        found.add(address)
    return found


def test_serve_builds_serves_an_edit_and_stops_on_ctrl_c(bundled: Path, start: type[Served], cli: Invoke,
                                                         tmp_path: Path) -> None:
    served = start(bundled)
    assert served.url.startswith("http://127.0.0.1:")
    port = int(served.url.rstrip("/").rsplit(":", 1)[1])
    assert listening_addresses(port) == {"127.0.0.1"}

    status, page = served.get(f"posts/{JOKE}.html")
    assert status == 200 and "Candlelight" in page
    assert page.count(LIVE) == 1 and page.index(LIVE) < page.rindex("</body>")
    status, home = served.get("")
    assert status == 200 and LIVE in home
    status, script = served.get("__opedarchive/live.js")
    assert status == 200 and "location.reload()" in script
    assert served.get(".opedarchive-export.json")[0] == 404

    post = bundled / "posts" / "2022" / f"{JOKE}.en.md"
    before = served.version()["version"]
    post.write_text(post.read_text(encoding="utf-8") + "\nA sentence added while serving.\n", encoding="utf-8")
    page = served_text(served, f"posts/{JOKE}.html", "A sentence added while serving.")
    assert LIVE in page
    deadline = time.monotonic() + 20  # (the page is written before the build ends and the version moves)
    while served.version()["version"] == before:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    served.wait_for("built again")

    # The files on disk are the export's, byte for byte: no script, the same policy.
    site = bundled / ".opedarchive" / "serve-site"
    exported = tmp_path / "exported"
    assert cli("--archive", str(bundled), "export", "--html", "-o", str(exported)).exit_code == 0
    built = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert built == sorted(p.relative_to(exported) for p in exported.rglob("*")
                           if p.is_file() and not p.name.startswith("."))
    for rel in built:
        assert (site / rel).read_bytes() == (exported / rel).read_bytes(), rel
        assert b"__opedarchive" not in (site / rel).read_bytes()
    assert "connect-src 'none'" in (site / "posts" / f"{JOKE}.html").read_text(encoding="utf-8")

    code, rest = served.stop()
    lines = [*served.lines, *rest.splitlines()]
    assert code in (0, 130)
    assert lines[-1] == "Stopped serving."
    assert not any("Traceback" in line for line in lines), lines


def test_a_post_that_cannot_be_read_keeps_the_last_good_build(bundled: Path, start: type[Served]) -> None:
    served = start(bundled)
    post = bundled / "posts" / "2022" / f"{JOKE}.en.md"
    good = post.read_text(encoding="utf-8")
    post.write_text("---\ntitle: [broken\n", encoding="utf-8")
    line = served.wait_for("still serving the last good build")
    assert line == f"{post}:1: front matter is not closed by a '---' line (still serving the last good build)"
    assert served.version()["problem"] == line.removesuffix(" (still serving the last good build)")
    status, page = served.get(f"posts/{JOKE}.html")
    assert status == 200 and "Candlelight" in page

    # Another post's edit waits too: the site never shows a build without the broken post.
    other = next(p for p in (bundled / "posts" / "2022").glob("*.en.md") if JOKE not in p.name)
    other.write_text(other.read_text(encoding="utf-8") + "\nAn edit made meanwhile.\n", encoding="utf-8")
    time.sleep(1)
    assert "An edit made meanwhile." not in served.get(f"posts/{other.name.removesuffix('.en.md')}.html")[1]

    post.write_text(good + "\nFixed again.\n", encoding="utf-8")
    served_text(served, f"posts/{JOKE}.html", "Fixed again.")
    served_text(served, f"posts/{other.name.removesuffix('.en.md')}.html", "An edit made meanwhile.")
    assert served.version()["problem"] is None
    code, _ = served.stop()
    assert code in (0, 130)


def test_the_open_page_reloads_itself_after_an_edit(bundled: Path, start: type[Served], tmp_path: Path) -> None:
    from cdp import Browser

    served = start(bundled)
    browser = Browser(tmp_path / "profile")
    try:
        browser.goto(f"{served.url}posts/{JOKE}.html")
        assert browser.evaluate("typeof window.opedarchivePreview") == "function"  # the policy let it run
        browser.evaluate("window.notReloaded = true")
        post = bundled / "posts" / "2022" / f"{JOKE}.en.md"
        post.write_text(post.read_text(encoding="utf-8") + "\nSeen without pressing reload.\n", encoding="utf-8")
        browser.wait_for("document.body !== null && document.body.innerText.includes('Seen without pressing reload.')",
                         timeout=20)  # (no body while the new page loads)
        assert browser.evaluate("window.notReloaded === undefined")
    finally:
        browser.close()
    served.stop()


def test_a_second_preview_and_a_taken_port_are_refused_in_one_line(bundled: Path, cli: Invoke) -> None:
    data = bundled / ".opedarchive"
    data.mkdir(exist_ok=True)
    with open(data / serve.LOCK_NAME, "a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        result = cli("--archive", str(bundled), "serve")
    assert result.exit_code == 1
    assert result.stderr == f"Error: a preview of {bundled} is already being served; stop it first\n"

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("--archive", str(bundled), "serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: port {port} on 127.0.0.1 is in use; choose another with --port "
                             "(0 picks a free one)\n")


def test_without_a_port_the_next_free_one_is_taken_and_named(bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(serve, "DEFAULT_PORT", port)
        preview = serve.Preview(bundled, bundled / ".opedarchive" / "serve-site", log=said.append)
        try:
            url = preview.listen("127.0.0.1", None)
        finally:
            preview.close()
    bound = int(url.rstrip("/").rsplit(":", 1)[1])
    assert bound > port
    assert said == [f"Port {port} is in use; serving on port {bound} instead."]


def test_the_live_script_goes_before_the_last_body_end() -> None:
    page = b"<html><body><p>&lt;/body&gt;</p></body></html>"
    assert serve.with_live_script(page, "ab-3") == (
        b'<html><body><p>&lt;/body&gt;</p><script src="/__opedarchive/live.js?v=ab-3"></script></body></html>')
    assert serve.with_live_script(b"<p>no end", "1").endswith(b'live.js?v=1"></script>')
