"""`opedarchive serve`: the website built from the archive, served on this machine, built again
when a post file or opedarchive.toml changes, with the open page reloading itself.

The pages on disk are the export's own (`export --html`, incremental: one edit re-renders one
page and its share of the search index). Only the HTTP responses of HTML pages get one more
element, `<script src="/__opedarchive/live.js?v=VERSION">`. The site's Content-Security-Policy
already allows it (`script-src 'self'`) and forbids fetch and EventSource (`connect-src 'none'`),
so the script learns the current version by loading another script, `/__opedarchive/version.js`,
which calls it back: the policy stays exactly as the export writes it, and the files never
hold the script.

A changed post file is read before the site is built: while one cannot be read, nothing is
built, its problem is reported in one line, and the last good build is what is served.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from opedarchive.archive import Archive, split_file_name
from opedarchive.errors import OpedError, PostFileError
from opedarchive.export.base import ExportResult
from opedarchive.paths import CONFIG_NAME, DATA_DIR, POSTS_DIR

DEFAULT_PORT = 8000
# Without --port, the next ports are tried when 8000 is taken.
PORT_TRIES = 20
# The preview's own addresses; nothing in an exported site starts with this.
PREFIX = "/__opedarchive/"
SITE_NAME = "serve-site"  # in the archive's .opedarchive/ folder
# Held (flock) in .opedarchive/ while a preview runs: two previews of one archive would build into
# one folder, and the one that finds the other's build done would never reload its pages.
LOCK_NAME = "serve.lock"
POLL_MS = 250

# Reloads the page when the build it came from is no longer the newest. Loaded by a <script>
# element the server adds to each HTML response; it polls with <script> elements, not fetch,
# because the site's policy forbids connections (connect-src 'none') and allows scripts from
# the site's own origin.
LIVE_JS = """// opedarchive serve: reloads this page when the site is built again (never part of an export).
(function () {
  "use strict";
  var shown = new URL(document.currentScript.src).searchParams.get("v");
  window.opedarchivePreview = function (version) {
    if (version !== shown) {
      shown = version;
      location.reload();
    }
  };
  function ask() {
    var script = document.createElement("script");
    script.src = "PREFIXversion.js?t=" + Date.now();
    script.onload = script.onerror = function () {
      script.remove();
      setTimeout(ask, POLL_MS);
    };
    document.head.appendChild(script);
  }
  ask();
})();
""".replace("PREFIX", PREFIX).replace("POLL_MS", str(POLL_MS))

BUILDING_PAGE = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Building the site</title>'
                 "</head><body><p>The site is being built; this page reloads when it is ready.</p></body></html>\n")

Log = Callable[[str], None]


class PortInUse(OpedError):
    """The port asked for is taken."""


class PreviewRunning(OpedError):
    """Another `serve` runs for this archive."""


@dataclass
class Build:
    """One build of the site: what the export did and how long it took."""

    result: ExportResult
    seconds: float


def with_live_script(page: bytes, version: str) -> bytes:
    """An HTML page with the live-reload script before its last `</body>` (at its end if none)."""
    tag = f'<script src="{PREFIX}live.js?v={urllib.parse.quote(version)}"></script>'.encode()
    at = page.rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


class Preview:
    """A site built from one archive into `target`, served over HTTP and built again on changes."""

    def __init__(self, root: Path, target: Path, *, drafts: bool = False, log: Log | None = None) -> None:
        self.root = root
        self.target = target
        self.drafts = drafts
        self.log: Log = log or (lambda message: None)
        # Read by the server's threads; changed by the building thread only.
        self.version = f"{os.urandom(4).hex()}-0"  # new for each run, so pages of a past run reload too
        self.built = False
        self.building = False
        self.problem: str | None = None
        self._builds = 0
        self._notes: set[str] = set()
        self._unreadable: dict[str, str] = {}  # post files that could not be read, with their problem
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None

    # ------------------------------------------------------------------------ serving

    def listen(self, host: str, port: int | None) -> str:
        """Bind `host`:`port` (without a port, DEFAULT_PORT or the next free one); the URL."""
        self._claim()
        try:
            return self._bind(host, port)
        except BaseException:
            self.close()
            raise

    def _bind(self, host: str, port: int | None) -> str:
        first = DEFAULT_PORT if port is None else port
        last = first + (PORT_TRIES if port is None else 1)
        for candidate in range(first, last):
            try:
                server = _Server(host, candidate, self)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    continue
                raise OpedError(f"cannot serve on {host} port {candidate}: {exc.strerror or exc}") from None
            self._server = server
            bound = int(server.server_address[1])
            if port is None and bound != first:
                self.log(f"Port {first} is in use; serving on port {bound} instead.")
            return f"http://{f'[{host}]' if ':' in host else host}:{bound}/"
        if port is not None:
            raise PortInUse(f"port {port} on {host} is in use; choose another with --port (0 picks a free one)")
        raise PortInUse(f"ports {first}-{last - 1} on {host} are in use; choose one with --port (0 picks a free one)")

    def close(self) -> None:
        """Stop serving (waits for the server's loop, at most about 0.1 s)."""
        if self._server is not None:
            if self._thread is not None:
                self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # lets go of the lock
            self._lock_fd = None

    def _claim(self) -> None:
        """Take the archive's preview lock (PreviewRunning when another serve holds it)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return
        data = self.root / DATA_DIR
        try:
            data.mkdir(exist_ok=True)
            fd = os.open(data / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return  # a read-only archive: its site is built elsewhere (-o), and no other preview can lock it either
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise PreviewRunning(f"a preview of {self.root} is already being served; stop it first") from None
        self._lock_fd = fd

    # ------------------------------------------------------------------------ building and watching

    def run(self, ready: Callable[[Build], None], stop_event: Any = None) -> None:
        """Serve, build the site, call `ready`, then build again after each change until stopped
        (KeyboardInterrupt, or `stop_event` set)."""
        from opedarchive.watching import event_batches

        if self._server is None:
            raise OpedError("listen() first")
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="serve", daemon=True)
        self._thread.start()
        posts = self.root / POSTS_DIR
        posts.mkdir(exist_ok=True)
        events = event_batches(posts, self.root, stop_event)
        try:
            # The watches are in place once the first (empty) batch comes: a change made while
            # the first build runs is in the next one.
            if next(events, None) is None:
                return
            first = self._build(Archive(self.root))
            for note in sorted(first.result.notes):
                self.log(f"Warning: {note} (skipped)")
            ready(first)
            for batch in events:
                changed = self._relevant(batch)
                if changed is not None:
                    self.rebuild(changed)
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()

    def rebuild(self, changed: list[Path]) -> Build | None:
        """Build the site again after `changed` post files (and maybe others) changed; None when it
        was not built (a post file or the settings cannot be read; said in one line each)."""
        try:
            archive = Archive(self.root)
        except OpedError as exc:
            self._refuse([str(exc)])
            return None
        for path in changed:
            self._unreadable.pop(str(path), None)
        for path in [*changed, *(Path(p) for p in list(self._unreadable))]:
            problem = _read_problem(archive, path)
            if problem is not None:
                self._unreadable[str(path)] = problem
        if self._unreadable:
            self._refuse(list(self._unreadable.values()))
            return None
        self.problem = None
        try:
            built = self._build(archive)
        except OpedError as exc:
            self._refuse([str(exc)])
            return None
        changes = built.result.written + built.result.removed
        for note in sorted(built.result.notes):
            self.log(f"Warning: {note} (left out of the site)")
        if changes:
            self.log(f"{time.strftime('%H:%M:%S')} built again in {built.seconds:.2f} s: "
                     f"{built.result.written} file(s) written, {built.result.removed} removed")
        return built

    def _build(self, archive: Archive) -> Build:
        from opedarchive.export import export

        started = time.perf_counter()
        self.building = True
        try:
            result = export("html", archive, None, self.target, drafts=self.drafts)
        finally:
            self.building = False
        new_notes = set(result.notes) - self._notes
        self._notes = set(result.notes)
        result.notes = sorted(new_notes)
        if not self.built or result.written or result.removed:
            self._builds += 1
            self.version = f"{self.version.split('-')[0]}-{self._builds}"
        self.built = True
        return Build(result, time.perf_counter() - started)

    def _refuse(self, problems: list[str]) -> None:
        for problem in problems:
            self.log(f"{problem} (still serving the last good build)")
        self.problem = problems[0]

    def _relevant(self, batch: set[tuple[Any, str]]) -> list[Path] | None:
        """The post files among the changed paths; None when no change concerns the site."""
        posts = os.path.abspath(self.root / POSTS_DIR)
        config = os.path.abspath(self.root / CONFIG_NAME)
        found: list[Path] = []
        concerned = False
        for _, raw in batch:
            path = os.path.abspath(raw)
            if path == config:
                concerned = True
                continue
            rel = os.path.relpath(path, posts)
            if rel.startswith("..") or any(part.startswith(".") for part in rel.split(os.sep) if part != "."):
                continue  # elsewhere in the archive; an editor's hidden swap or backup file
            concerned = True
            if rel.count(os.sep) == 1 and split_file_name(os.path.basename(rel)) is not None:
                found.append(self.root / POSTS_DIR / rel)
        return sorted(set(found)) if concerned else None


def _read_problem(archive: Archive, path: Path) -> str | None:
    """Why the post file at `path` cannot be read (as the export would report it), or None."""
    parts = split_file_name(path.name)
    if parts is None or path.is_symlink() or not path.is_file():
        return None  # not a post file, or gone: the export removes its page
    try:
        archive.read_version(path, parts[1])
    except PostFileError as exc:
        return str(exc)
    except OSError:
        return None
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, preview: Preview) -> None:
        self.preview = preview
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that goes away mid-answer is not an error worth a traceback."""


_TYPES = {**SimpleHTTPRequestHandler.extensions_map, ".woff2": "font/woff2", ".js": "text/javascript",
          ".xml": "application/xml"}


class _Handler(SimpleHTTPRequestHandler):
    server: _Server
    extensions_map = _TYPES

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        preview = self.server.preview
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path.startswith(PREFIX):
            self._own(path[len(PREFIX):], body)
            return
        if any(part.startswith(".") for part in path.split("/")):
            self.send_error(404)  # the export's manifest, journal and lock
            return
        self.directory = os.fspath(preview.target)
        local = self.translate_path(self.path)
        if path.endswith("/") and os.path.isdir(local):
            local = os.path.join(local, "index.html")
        if local.endswith(".html") and os.path.isfile(local):
            version = preview.version  # before the page: a page newer than its version reloads once more
            try:
                with open(local, "rb") as fh:
                    page = fh.read()
            except OSError:
                self.send_error(404)
                return
            self._send(200, "text/html; charset=utf-8", with_live_script(page, version), body)
        elif not preview.built and not os.path.exists(local):
            self._send(503, "text/html; charset=utf-8",
                       with_live_script(BUILDING_PAGE.encode(), preview.version), body)
        elif body:
            super().do_GET()
        else:
            super().do_HEAD()

    def _own(self, name: str, body: bool) -> None:
        preview = self.server.preview
        if name == "live.js":
            self._send(200, "text/javascript; charset=utf-8", LIVE_JS.encode(), body)
        elif name == "version.js":
            self._send(200, "text/javascript; charset=utf-8",
                       f"opedarchivePreview({json.dumps(preview.version)});\n".encode(), body)
        elif name == "version":
            state = {"version": preview.version, "built": preview.built, "building": preview.building,
                     "problem": preview.problem}
            self._send(200, "application/json", json.dumps(state, ensure_ascii=False).encode(), body)
        else:
            self.send_error(404)

    def _send(self, status: int, kind: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            with contextlib.suppress(ConnectionError):
                self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a preview is always fresh
        super().end_headers()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(404)
        return None

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are not logged: the terminal shows builds and problems only."""
