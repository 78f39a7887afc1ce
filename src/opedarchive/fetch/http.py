"""An HTTP(S) GET with limits: a deadline, at most MAX_REDIRECTS redirects, a size cap (no more
is read), the charset from the headers or the page, one request per call (never a retry), a
`User-Agent` naming the tool, and one-line errors (FetchError) for every way it can fail."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import ssl
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any
from urllib import error, request
from urllib.parse import urlsplit

from opedarchive.errors import OpedError, UsageError

# Seconds for the whole answer (connecting, waiting, reading); OPEDARCHIVE_HTTP_TIMEOUT changes it.
TIMEOUT = 20.0
MAX_REDIRECTS = 5
MB = 1024 * 1024
# A page is a post's source: the limit of a post file. A feed or export: the limit of a source
# read whole by `import`.
MAX_PAGE_BYTES = 16 * MB
MAX_SOURCE_BYTES = 64 * MB
_CHUNK = 64 * 1024
HTML_TYPES = ("text/html", "application/xhtml+xml")
_URL = re.compile(r"^https?://", re.I)
# `<meta charset="…">` or `<meta http-equiv="Content-Type" content="text/html; charset=…">`,
# looked for where the HTML standard says a browser looks: the first 1024 bytes (we allow 4096).
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_PREFETCH_SIZE = 4096


class FetchError(OpedError):
    """A page or source could not be fetched (HTTP error, network, limits, wrong content)."""


@dataclass
class Fetched:
    """What a GET returned: the final URL (after redirects), the content type and its
    charset (as the headers, else the page, say), and the body (no more than the cap)."""

    url: str
    content_type: str
    charset: str
    declared_charset: str
    body: bytes

    def text(self) -> str:
        """The body decoded with its charset (undecodable bytes replaced)."""
        return self.body.decode(self.charset, "replace")


def is_url(text: str) -> bool:
    """An http:// or https:// URL (what `add` and `import` fetch rather than open)."""
    return bool(_URL.match(text))


def timeout() -> float:
    """The deadline in seconds: OPEDARCHIVE_HTTP_TIMEOUT when set (for slow links and tests)."""
    value = os.environ.get("OPEDARCHIVE_HTTP_TIMEOUT", "")
    try:
        seconds = float(value) if value else TIMEOUT
    except ValueError:
        raise UsageError(f"OPEDARCHIVE_HTTP_TIMEOUT: {value!r} is not a number of seconds") from None
    if not seconds > 0:
        raise UsageError(f"OPEDARCHIVE_HTTP_TIMEOUT: {value!r} is not a positive number of seconds")
    return seconds


def user_agent() -> str:
    """`opedarchive/<version>`, with the project's URL where its metadata names one."""
    from opedarchive import __version__

    url = ""
    with contextlib.suppress(Exception):  # not installed (a source tree): the name and version say enough
        from importlib.metadata import metadata

        meta = metadata("opedarchive")
        urls = [u.split(",", 1)[-1].strip() for u in meta.get_all("Project-URL") or []]
        url = (urls[0] if urls else "") or meta["Home-page"] or ""
    return f"opedarchive/{__version__}" + (f" (+{url})" if url else "")


class _Redirects(request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects in all (urllib's own count allows a loop
    between two URLs to go round several times)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def redirect_request(self, req: request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage,
                         newurl: str) -> request.Request | None:
        if not is_url(newurl):
            raise FetchError(f"{self.url}: redirected to {newurl}, which is not http(s)")
        hops = getattr(req, "hops", 0) + 1
        if hops > MAX_REDIRECTS:
            raise FetchError(f"{self.url}: more than {MAX_REDIRECTS} redirects (the last to {newurl})")
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.hops = hops  # type: ignore[attr-defined]
        return new


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url}: not an http:// or https:// URL")


def _http_error(url: str, exc: error.HTTPError) -> FetchError:
    code = exc.code
    reason = exc.reason if isinstance(exc.reason, str) else ""
    if code in (301, 302, 303, 307, 308):
        return FetchError(f"{url}: a redirect that cannot be followed ({reason or code})")
    said = f"HTTP {code}{' ' + reason if reason else ''}"
    if code == 404 or code == 410:
        return FetchError(f"{url}: no such page ({said})")
    if code >= 500:
        return FetchError(f"{url}: the server failed ({said}); nothing was written, try again later")
    if code in (401, 403):
        return FetchError(f"{url}: the server refused access ({said})")
    if code == 429:
        return FetchError(f"{url}: the server asks for fewer requests ({said}); try again later")
    return FetchError(f"{url}: the server answered {said}")


def _network_error(url: str, exc: BaseException, seconds: float) -> FetchError:
    reason: Any = exc.reason if isinstance(exc, error.URLError) else exc
    host = urlsplit(url).hostname or url
    if isinstance(reason, socket.gaierror):
        return FetchError(f"{url}: cannot find the host {host} (DNS: {reason.strerror or reason})")
    if isinstance(reason, TimeoutError):
        return FetchError(f"{url}: no answer within {seconds:g} s")
    if isinstance(reason, ConnectionRefusedError):
        return FetchError(f"{url}: cannot connect to {host}: connection refused")
    if isinstance(reason, ssl.SSLCertVerificationError):
        return FetchError(f"{url}: the secure connection failed: {reason.verify_message or reason}")
    if isinstance(reason, ssl.SSLError):
        return FetchError(f"{url}: the secure connection failed: {reason.reason or reason}")
    if isinstance(reason, OSError):
        return FetchError(f"{url}: cannot connect to {host}: {reason.strerror or reason}")
    return FetchError(f"{url}: cannot fetch it: {reason}")


def _too_large(url: str, size: int | None, limit: int) -> FetchError:
    shown = f"{size / MB:.0f} MB" if size is not None else f"more than {limit // MB} MB"
    return FetchError(f"{url}: the answer is too large ({shown}; the limit is {limit // MB} MB)")


def _charset_of(content_type_header: str) -> str:
    msg = Message()
    msg["content-type"] = content_type_header
    return str(msg.get_param("charset") or "").strip().lower()


def _usable(charset: str) -> str:
    """`charset` if Python knows it (as browsers read it: Latin-1 is Windows-1252), else ""."""
    import codecs

    if not charset:
        return ""
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return ""
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def sniff_charset(head: bytes) -> str:
    """The charset a page states in its first bytes: a byte-order mark or a `<meta>` tag."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    m = _META_CHARSET.search(head[:_PREFETCH_SIZE])
    return m[1].decode("ascii").lower() if m else ""


def get(url: str, *, max_bytes: int = MAX_PAGE_BYTES, accept: str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        seconds: float | None = None) -> Fetched:
    """GET `url` once. FetchError (exit 1) for an HTTP error, a network failure, an answer
    over `max_bytes` or later than the deadline; UsageError (exit 2) for a URL that is not
    http(s)."""
    _check_url(url)
    seconds = timeout() if seconds is None else seconds
    deadline = time.monotonic() + seconds
    opener = request.build_opener(_Redirects(url))
    req = request.Request(url, headers={"User-Agent": user_agent(), "Accept": accept,
                                        "Accept-Encoding": "gzip", "Accept-Language": "*"})
    try:
        response = opener.open(req, timeout=seconds)
    except error.HTTPError as exc:
        exc.close()
        raise _http_error(url, exc) from None
    except (error.URLError, OSError) as exc:
        raise _network_error(url, exc, seconds) from None
    except ValueError as exc:  # a malformed URL that urlsplit let through
        raise UsageError(f"{url}: not a URL opedarchive can fetch ({exc})") from None
    with response:
        headers = response.headers
        length = headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise _too_large(url, int(length), max_bytes)
        gzipped = headers.get("Content-Encoding", "").strip().lower() in ("gzip", "x-gzip")
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: no answer within {seconds:g} s (the page came too slowly)")
                chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
                if not chunk:
                    break
                if inflate is not None:
                    chunk = inflate.decompress(chunk, max_bytes + 1 - size)
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(url, None, max_bytes)
                chunks.append(chunk)
        except TimeoutError:
            raise FetchError(f"{url}: no answer within {seconds:g} s") from None
        except zlib.error:
            raise FetchError(f"{url}: the answer is not valid gzip, as its headers say") from None
        except OSError as exc:
            raise _network_error(url, exc, seconds) from None
        final = response.geturl()
        header_type = headers.get("Content-Type", "")
    body = b"".join(chunks)
    content_type = header_type.split(";", 1)[0].strip().lower()
    declared = _charset_of(header_type) if header_type else ""
    charset = _usable(declared) or _usable(sniff_charset(body[:_PREFETCH_SIZE])) or "utf-8"
    return Fetched(url=final, content_type=content_type, charset=charset, declared_charset=declared, body=body)


def get_page(url: str) -> Fetched:
    """An HTML page (for `add URL`): FetchError when the answer is not HTML."""
    fetched = get(url)
    looks_html = fetched.body[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html"))
    if fetched.content_type not in HTML_TYPES and not (not fetched.content_type and looks_html):
        shown = fetched.content_type or "no content type"
        raise FetchError(f"{url}: not a web page ({shown}); `add` reads HTML pages "
                         "(feeds and WordPress exports: `opedarchive import URL`)")
    return fetched


@contextlib.contextmanager
def downloaded(url: str, max_bytes: int = MAX_SOURCE_BYTES) -> Iterator[Path]:
    """A source (a feed, a WordPress export) fetched into a temporary file that is removed
    afterwards, so that importers read it as they read a file."""
    fetched = get(url, max_bytes=max_bytes, accept="application/rss+xml,application/atom+xml,application/xml,"
                                                   "text/xml,application/json,*/*;q=0.5")
    suffix = Path(urlsplit(fetched.url).path).suffix[:10]
    fd, name = tempfile.mkstemp(prefix="opedarchive-import-", suffix=suffix if suffix.isascii() else "")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(fetched.body)
        yield path
    finally:
        path.unlink(missing_ok=True)
