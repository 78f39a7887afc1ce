"""The exported website's search at scale: bytes loaded and time to first results per query,
measured in headless Chromium against a real HTTP server (issue 13).

    python bench/bench_site_search.py                    # 1,000 and 10,000 posts
    python bench/bench_site_search.py 1000 10000 100000 --repeat 3
    python bench/bench_site_search.py 100000 --latency-ms 50 --mbit 20

For each size, a generated archive (bench/gen_corpus.py, kept under bench/.cache/ and reused)
is exported with `export --html` (incrementally: a re-run only writes what changed) and
served by a `http.server.ThreadingHTTPServer` on 127.0.0.1, once at the root and once mounted
at /sub/path/. Every query opens `search.html?q=QUERY` in a fresh Chromium process with a
fresh profile (a cold cache), driven over the DevTools protocol on a pipe
(`--remote-debugging-pipe`: no websocket client needed), in real time.

- Bytes: counted by the server, which logs every response body it sends (206 ranges
  included). A query's bytes are everything the page loaded except search.html itself and
  the files under static/ (style, search.js, the font: their total is reported once per
  size), up to the moment no request has come for a second. "before first results" counts
  only the resources the page had finished loading by then (Resource Timing `responseEnd`).
  "gzip" is what the same files weigh compressed (level 6), as a host that compresses sends.
- Time to first results: the page's own figure, `document.documentElement.dataset.searchMs`
  (milliseconds from navigation start until the first results or "no match" are shown,
  signalled by `dataset.search == "done"`). A page without that contract is timed by a
  MutationObserver on #status: the `performance.now()` at which its text first changes.

By default the browser talks to the server over loopback (no latency, no bandwidth limit);
`--latency-ms 50 --mbit 20` emulates a slower link (Chromium's Network.emulateNetworkConditions).

The targets (issue 13, at 100,000 posts): at most 500 kB loaded per query, first results
within 1 s. Not part of CI.
"""

from __future__ import annotations

import argparse
import fcntl
import gzip
import json
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import RARE_WORD, generate

from opedarchive.archive import Archive
from opedarchive.export import export

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "bench" / ".cache"
OUT = REPO / "bench" / "out"
QUERIES = [
    ("common word", "election"),
    ("rare word", RARE_WORD),
    ("prefix", "elect*"),
    ("phrase", '"national election committee"'),
    ("Khmer word, inside runs", "ឆ្នោត"),
    ("Khmer word, longer", "បោះឆ្នោត"),
    ("Khmer, 2 characters", "ជា"),
    ("filter and word", "author:seng election"),
    ("filters only", "year:2020 tag:nec"),
]
MOUNTS = ["/", "/sub/path/"]
TARGET_POSTS = 100_000
TARGET_BYTES = 500_000
TARGET_MS = 1000.0
FAVICON = "favicon.ico"  # asked for by the browser itself, at the mount and at the server's root
QUIET_S = 1.0  # the page is done loading when no request has come for this long
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio", "--window-size=1280,2000", "--remote-debugging-pipe",
]
# Installed in every page before its own scripts: times the first change of #status, for a
# search page that does not set dataset.searchMs.
OBSERVER = """(function () {
  function watch(s) {
    var initial = s.textContent;
    new MutationObserver(function () {
      if (window.__benchStatusMs === undefined && s.textContent !== initial) {
        window.__benchStatusMs = performance.now();
      }
    }).observe(s, {childList: true, characterData: true, subtree: true});
  }
  var seen = new MutationObserver(function () {
    var s = document.getElementById("status");
    if (s) { seen.disconnect(); watch(s); }
  });
  seen.observe(document, {childList: true, subtree: true});
})();"""
PROBE = """(function () {
  var d = document.documentElement.dataset, s = document.getElementById("status");
  return {search: d.search || null, ms: d.searchMs === undefined ? null : Number(d.searchMs),
          statusMs: window.__benchStatusMs === undefined ? null : window.__benchStatusMs,
          status: s ? s.textContent : null,
          results: document.querySelectorAll("#results > li").length,
          ready: document.readyState};
})()"""
RESOURCES = """performance.getEntriesByType("resource").map(function (e) {
  return [e.name, e.responseEnd, e.encodedBodySize, e.transferSize];
})"""


# ---------------------------------------------------------------- the HTTP server


@dataclass
class Served:
    at: float
    path: str  # relative to the site folder (a request outside the mount: its whole path)
    status: int
    size: int


@dataclass
class Log:
    lock: threading.Lock = field(default_factory=threading.Lock)
    entries: list[Served] = field(default_factory=list)

    def add(self, entry: Served) -> None:
        with self.lock:
            self.entries.append(entry)

    def take(self) -> list[Served]:
        with self.lock:
            out, self.entries = self.entries, []
        return out

    def last(self) -> float:
        with self.lock:
            return self.entries[-1].at if self.entries else 0.0


class Handler(SimpleHTTPRequestHandler):
    """Serves the site folder at `mount`, logs each response body's size, honours one Range."""

    protocol_version = "HTTP/1.1"
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".wasm": "application/wasm", ".json": "application/json"}

    def __init__(self, *args: Any, mount: str, log: Log, **kwargs: Any) -> None:
        self.mount, self.log = mount, log
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _relative(self) -> str | None:
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(self.mount):
            return None  # logged as its full path
        return path[len(self.mount):]

    def translate_path(self, path: str) -> str:
        rel = self._relative()
        return str(Path(self.directory) / "__outside_the_mount__") if rel is None else super().translate_path(
            "/" + rel)

    def do_GET(self) -> None:
        rel = self._relative()
        rel = unquote(urlsplit(self.path).path) if rel is None else rel or "index.html"
        spec = self.headers.get("Range", "")
        target = Path(self.translate_path(self.path))
        if spec.startswith("bytes=") and "," not in spec and target.is_file():
            self._range(target, spec[6:], rel)
            return
        f = self.send_head()
        if f is None:
            self.log.add(Served(time.perf_counter(), rel, 404, 0))
            return
        try:
            size = os.fstat(f.fileno()).st_size if hasattr(f, "fileno") else 0
            self.copyfile(f, self.wfile)
        finally:
            f.close()
        self.log.add(Served(time.perf_counter(), rel, 200, size))

    def _range(self, target: Path, spec: str, rel: str) -> None:
        total = target.stat().st_size
        first, _, last = spec.partition("-")
        start = total - int(last) if first == "" else int(first)
        end = total - 1 if first == "" or last == "" else min(int(last), total - 1)
        if start > end or start >= total:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{total}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.log.add(Served(time.perf_counter(), rel, 416, 0))
            return
        with target.open("rb") as fh:
            fh.seek(start)
            data = fh.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(target)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{total}")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.wfile.write(data)
        self.log.add(Served(time.perf_counter(), rel, 206, len(data)))


class Server:
    """The site folder served at http://127.0.0.1:PORT{mount} for as long as the `with` block lasts."""

    def __init__(self, site: Path, mount: str) -> None:
        self.log = Log()
        handler = partial(Handler, directory=str(site), mount=mount, log=self.log)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}{mount}"

    def __enter__(self) -> Server:
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------- Chromium over the DevTools pipe


def _high(fd: int) -> int:
    """The same pipe end on a descriptor numbered 10 or more (the original is closed)."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Chromium:
    """One headless Chromium with a fresh profile, spoken to over --remote-debugging-pipe."""

    def __init__(self, binary: str, network: dict[str, float] | None = None) -> None:
        self.network = network
        self.profile = tempfile.mkdtemp(prefix="bench-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Above fd 4, so that the shell's redirections below cannot overwrite one another.
        to_chrome_r, from_chrome_w = (_high(to_chrome_r), _high(from_chrome_w))
        # The protocol is read from fd 3 and written to fd 4; bash puts the pipes there (dash takes no fd above 9).
        command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        script = f'exec "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-'
        self.proc = subprocess.Popen(["bash", "-c", script, "bash", *command], pass_fds=(to_chrome_r, from_chrome_w),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.session: str | None = None

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.from_chrome], [], [], max(0.0, left))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)  # type: ignore[no-any-return]

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30.0,
             session: bool = True) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self.next_id:  # events (no id) are not needed
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})  # type: ignore[no-any-return]

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def __enter__(self) -> Chromium:
        try:
            return self._attach()
        except BaseException:
            self.__exit__()  # `with` does not call it when __enter__ fails: the process and profile go now
            raise

    def _attach(self) -> Chromium:
        targets = self.call("Target.getTargets", session=False)["targetInfos"]
        pages = [t["targetId"] for t in targets if t["type"] == "page"]
        target = pages[0] if pages else self.call("Target.createTarget", {"url": "about:blank"},
                                                  session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.call("Page.enable")
        self.call("Network.enable")
        self.call("Network.setCacheDisabled", {"cacheDisabled": True})
        if self.network:  # a slower link than loopback: latency per request, bytes per second
            self.call("Network.emulateNetworkConditions", {"offline": False, **self.network})
        self.call("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER})
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.call("Browser.close", session=False, timeout=10)
            self.proc.wait(timeout=10)
        except (OSError, RuntimeError, TimeoutError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # our own process group, started above
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)


# ---------------------------------------------------------------- one query


_gzip_sizes: dict[tuple[str, int, float], int] = {}


def gzip_size(path: Path) -> int:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime)
    if key not in _gzip_sizes:
        _gzip_sizes[key] = len(gzip.compress(path.read_bytes(), 6))
    return _gzip_sizes[key]


def is_static(rel: str) -> bool:
    return rel.startswith("static/") or rel == "search.html"


def run_query(binary: str, server: Server, site: Path, query: str, timeout: float,
              network: dict[str, float] | None = None) -> dict[str, Any]:
    url = f"{server.base}search.html?q={quote(query)}"
    with Chromium(binary, network) as browser:
        server.log.take()
        started = time.perf_counter()
        browser.call("Page.navigate", {"url": url})
        state: dict[str, Any] = {}
        while time.perf_counter() - started < timeout:
            try:
                state = browser.evaluate(PROBE) or {}
            except RuntimeError:  # the context went away: the navigation committed meanwhile
                state = {}
            if state.get("search") == "done" or (state.get("search") is None and state.get("statusMs") is not None
                                                 and state.get("ready") == "complete"):
                break
            time.sleep(0.01)
        else:
            state["timed_out"] = True
        wall_ms = (time.perf_counter() - started) * 1000
        while time.perf_counter() - max(server.log.last(), started) < QUIET_S:
            time.sleep(0.05)
            if time.perf_counter() - started > timeout + 30:
                break
        final = browser.evaluate(PROBE) or {}
        resources = browser.evaluate(RESOURCES) or []
    served = server.log.take()
    ms = state.get("ms") if state.get("search") == "done" else state.get("statusMs")
    mount_path = urlsplit(server.base).path
    before: set[str] = set()
    for name, response_end, _, _ in resources:
        path = unquote(urlsplit(name).path)
        if ms is not None and path.startswith(mount_path) and response_end <= ms:
            before.add(path[len(mount_path):])
    query_files = [s for s in served if s.status in (200, 206) and not is_static(s.path)]
    return {
        "query": query,
        "ms": ms,
        "contract": "dataset.searchMs" if state.get("search") == "done" else "#status observer",
        "wall_ms": round(wall_ms),
        "timed_out": bool(state.get("timed_out")),
        "status": (final.get("status") or "").strip(),
        "results": final.get("results", 0),
        "requests": len(query_files),
        "bytes": sum(s.size for s in query_files),
        "gzip": sum(gzip_size(site / s.path) for s in query_files if s.status == 200),
        "bytes_before_results": sum(s.size for s in query_files if s.path in before),
        "static": {s.path: s.size for s in served if s.status == 200 and s.path.startswith("static/")},
        "missing": sorted({s.path for s in served
                           if s.status not in (200, 206) and s.path.rsplit("/", 1)[-1] != FAVICON}),
        "files": sorted(s.path for s in query_files),
    }


def attempt(binary: str, server: Server, site: Path, query: str, timeout: float,
            network: dict[str, float] | None = None, tries: int = 3) -> dict[str, Any]:
    """run_query, again in a new Chromium when the browser stops answering (seen once on a loaded machine)."""
    errors = []
    for _ in range(tries):
        try:
            return {**run_query(binary, server, site, query, timeout, network), "errors": errors}
        except (TimeoutError, RuntimeError) as error:
            errors.append(repr(error))
            print(f"  {query}: {error!r}; again", file=sys.stderr)
    return {"query": query, "ms": None, "contract": None, "wall_ms": None, "timed_out": True,
            "status": f"failed {tries} times: {errors[-1]}", "results": 0, "requests": 0, "bytes": 0, "gzip": 0,
            "bytes_before_results": 0, "static": {}, "missing": [], "files": [], "errors": errors}


# ---------------------------------------------------------------- sizes, tables, targets


def corpus(cache: Path, size: int) -> Path:
    target = cache / f"site-search-{size}"
    if not target.is_dir():
        partial_dir = cache / f"site-search-{size}.partial"
        shutil.rmtree(partial_dir, ignore_errors=True)
        started = time.perf_counter()
        files, nbytes = generate(size, partial_dir)
        partial_dir.rename(target)
        print(f"generated {size:,} posts ({files:,} files, {nbytes / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return target


def build_site(cache: Path, size: int) -> tuple[Path, float]:
    archive = corpus(cache, size)
    site = cache / f"site-search-{size}.site"
    started = time.perf_counter()
    export("html", Archive.open(archive), None, site)
    return site, time.perf_counter() - started


def site_stats(site: Path) -> dict[str, int]:
    """Files and bytes of the site; "data": what is neither a page, a static file nor the feed/sitemap."""
    stats = {"files": 0, "bytes": 0, "html_files": 0, "data_files": 0, "data_bytes": 0}
    for folder, _, names in os.walk(site):
        top = Path(folder).relative_to(site).parts[:1]
        not_data = top == ("static",) or (top and top[0].startswith("."))  # the export's own state: ".opedarchive-…"
        for name in names:
            size = os.stat(os.path.join(folder, name)).st_size
            stats["files"] += 1
            stats["bytes"] += size
            if name.endswith(".html"):
                stats["html_files"] += 1
            elif not not_data and not name.endswith((".xml", ".json")):
                stats["data_files"] += 1
                stats["data_bytes"] += size
    return stats


def kb(n: float) -> str:
    return f"{n / 1000:,.1f}"


def bench_size(binary: str, cache: Path, size: int, repeat: int, timeout: float,
               network: dict[str, float] | None = None) -> dict[str, Any]:
    print(f"{size:,} posts: exporting… (load average {os.getloadavg()[0]:.2f})", file=sys.stderr)
    site, export_s = build_site(cache, size)
    stats = site_stats(site)
    print(f"  exported in {export_s:.0f} s: {stats['files']:,} files, {stats['bytes'] / 1e6:.0f} MB", file=sys.stderr)
    rows = []
    load_before = os.getloadavg()
    for mount in MOUNTS:
        with Server(site, mount) as server:
            for name, query in QUERIES:
                runs = [attempt(binary, server, site, query, timeout, network) for _ in range(repeat)]
                times = [r["ms"] for r in runs if r["ms"] is not None]
                row = {**runs[-1], "name": name, "mount": mount, "runs": len(runs),
                       "ms": statistics.median(times) if times else None, "ms_worst": max(times) if times else None,
                       "bytes": max(r["bytes"] for r in runs), "gzip": max(r["gzip"] for r in runs),
                       "bytes_before_results": max(r["bytes_before_results"] for r in runs),
                       "timed_out": any(r["timed_out"] for r in runs),
                       "browser_retries": sum(len(r["errors"]) for r in runs)}
                rows.append(row)
                print(f"  {mount} {query}: {kb(row['bytes'])} kB, {row['ms']} ms, {row['status'][:60]!r}",
                      file=sys.stderr)
    static: dict[str, int] = {}
    for row in rows:
        static.update(row["static"])
    # Data files that every query loaded (a manifest, say): part of each query's bytes, listed once.
    always = set.intersection(*(set(row["files"]) for row in rows)) if rows else set()
    every = {path: (site / path).stat().st_size for path in sorted(always)}
    return {"posts": size, "export_s": round(export_s, 1), "site": stats, "rows": rows, "static": static,
            "every_query": every,
            "load_before": load_before, "load_after": os.getloadavg()}


def fmt_ms(ms: float | None) -> str:
    return "—" if ms is None else f"{ms:,.0f}"


def table(runs: list[dict[str, Any]]) -> str:
    lines = ["| posts | served at | query | requests | kB loaded (gzip) | kB before first results "
             "| first results ms, median (worst) | page says |",
             "| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for run in runs:
        for r in run["rows"]:
            status = r["status"] if len(r["status"]) <= 70 else r["status"][:67] + "…"
            if r["timed_out"]:
                status = "TIMED OUT: " + status
            if r["browser_retries"]:
                status += f" ({r['browser_retries']} run(s) repeated: Chromium stopped answering)"
            if r["missing"]:
                status += f" (not found: {', '.join(r['missing'])})"
            lines.append(f"| {run['posts']:,} | {r['mount']} | {r['name']}: `{r['query']}` | {r['requests']} "
                         f"| {kb(r['bytes'])} ({kb(r['gzip'])}) | {kb(r['bytes_before_results'])} "
                         f"| {fmt_ms(r['ms'])} ({fmt_ms(r['ms_worst'])}) | {status.replace('|', '/')} |")
    return "\n".join(lines)


def summary(runs: list[dict[str, Any]]) -> str:
    lines = ["| posts | export s | site files / MB | search data files / MB | static (always loaded) kB "
             "| median kB per query | max kB per query | max ms to first results | load average before → after |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for run in runs:
        rows = run["rows"]
        sizes = [r["bytes"] for r in rows]
        times = [r["ms_worst"] for r in rows if r["ms_worst"] is not None]
        worst = "—" if not times or any(r["timed_out"] for r in rows) else f"{max(times):,.0f}"
        site = run["site"]
        lines.append(f"| {run['posts']:,} | {run['export_s']} | {site['files']:,} / {site['bytes'] / 1e6:.0f} "
                     f"| {site['data_files']:,} / {site['data_bytes'] / 1e6:.0f} "
                     f"| {kb(sum(run['static'].values()))} | {kb(statistics.median(sizes))} | {kb(max(sizes))} "
                     f"| {worst} | {run['load_before'][0]:.2f} → {run['load_after'][0]:.2f} |")
    return "\n".join(lines)


def targets(runs: list[dict[str, Any]]) -> str:
    run = next((r for r in runs if r["posts"] == TARGET_POSTS), None)
    if run is None:
        return f"Targets (issue 13, at {TARGET_POSTS:,} posts): not measured (add {TARGET_POSTS} to the sizes)."

    rows = run["rows"]
    most = max(rows, key=lambda r: r["bytes"])
    slow = [r for r in rows if r["timed_out"] or r["ms_worst"] is None]
    slowest = max((r for r in rows if r["ms_worst"] is not None), key=lambda r: r["ms_worst"], default=None)
    bytes_met = most["bytes"] <= TARGET_BYTES
    time_met = not slow and slowest is not None and slowest["ms_worst"] <= TARGET_MS
    slow_text = (f"{slowest['ms_worst']:,.0f} ms (`{slowest['query']}`, at {slowest['mount']})" if slowest else "—")
    if slow:
        slow_text += f"; no results shown for {', '.join(repr(r['query']) for r in slow)}"
    return "\n".join([
        f"Targets (issue 13, at {TARGET_POSTS:,} posts):",
        f"- at most {kb(TARGET_BYTES)} kB loaded per query: {'met' if bytes_met else 'NOT met'} "
        f"(most: {kb(most['bytes'])} kB for `{most['query']}`; static files {kb(sum(run['static'].values()))} kB "
        "besides, loaded by every search page and cached after the first)",
        f"- first results within {TARGET_MS / 1000:g} s: {'met' if time_met else 'NOT met'} (slowest: {slow_text})",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 10_000], help="posts (default: 1000 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="Chromium runs per query (median time shown)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for first results")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="emulate a link with this much latency per request (Chromium's network emulation)")
    parser.add_argument("--mbit", type=float, default=0.0, help="... and this bandwidth, in Mbit/s (0: unlimited)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="generated archives and their sites")
    parser.add_argument("--json", type=Path, default=OUT / "site-search.json",
                        help="the raw numbers are written here, the report beside it (.md)")
    args = parser.parse_args(argv)
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary is None:
        sys.exit("chromium is not installed: run 'make system-deps'")
    args.cache.mkdir(parents=True, exist_ok=True)
    network = None
    if args.latency_ms or args.mbit:
        rate = args.mbit * 1e6 / 8 if args.mbit else -1  # bytes per second; -1: no limit
        network = {"latency": args.latency_ms, "downloadThroughput": rate, "uploadThroughput": rate}
    runs = [bench_size(binary, args.cache, size, args.repeat, args.timeout, network) for size in args.sizes]
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    with open("/proc/loadavg", encoding="ascii") as fh:
        loadavg = fh.read().strip()
    lines = [f"{platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, {version}; /proc/loadavg after the run: {loadavg}; network: "
             + (f"{args.latency_ms:g} ms latency, {args.mbit:g} Mbit/s (emulated)" if network else "loopback"),
             "", table(runs), "", summary(runs), "",
             "Static files (loaded by every search page, not counted per query): " + ", ".join(
                 f"{path} {kb(size)} kB" for path, size in sorted(runs[-1]["static"].items()))]
    for run in runs:
        lines.append(f"Loaded by every query at {run['posts']:,} posts (counted in each query's bytes): " + (
            ", ".join(f"{path} {kb(size)} kB" for path, size in run["every_query"].items()) or "nothing"))
    lines += ["", targets(runs)]
    report = "\n".join(lines)
    print(report)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.with_suffix(".md").write_text(report + "\n", encoding="utf-8")
    args.json.write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
