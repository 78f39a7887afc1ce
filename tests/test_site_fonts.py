"""Khmer is never drawn as boxes (issue 13, item 5). Headless Chromium renders the bundled
archive's site on a font set the test controls: DejaVu Sans alone, no Khmer font, so any Khmer
the bundled web font does not reach comes out as missing-glyph boxes ("tofu").

Every page is rendered three times, each time in a fresh profile, from three copies of the site:
  font      the site as exported;
  forced    the same with every element's font forced to the bundled Khmer face (then DejaVu Sans):
            what the page looks like when all its Khmer is drawn with that face;
  withheld  the site without the font file: what this machine draws for Khmer by itself.
A page passes when font == forced, pixel for pixel (all its Khmer is drawn with the bundled face,
the input box included), and font != withheld (there is Khmer on it, and without the face it would
be boxes). A page of Khmer-only cases (inputs, result lines, authors, tags, the language switch…)
is also checked box by box, and the boxes themselves are looked for: the withheld rendering of
each case is made only of tofu, and none of its glyph images may occur in the case as exported.
Screenshots are saved under test-artifacts/ (khmer-font-*.png)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from opedarchive.archive import Archive
from opedarchive.export import export
from opedarchive.export.html import environment

from conftest import REPO

ARTIFACTS = REPO / "test-artifacts"
FONT = Path("static") / "fonts" / "NotoSansKhmer-subset.woff2"
LATIN_FONTS = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
CANDLE = "2022-06-24-candlelight-arrest-is-a-joke"
QUERY = "ប្លន់"  # robbery: in the Khmer version of the candlelight post
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio", "--force-device-scale-factor=1", "--virtual-time-budget=5000",
]
# Appended to the stylesheet of every copy: no blinking caret in a focused search box.
STILL = "\n* { caret-color: transparent !important; }\n"
FORCED = ('\n:not(pre, pre *, code, kbd, samp) { font-family: "Opedarchive Khmer", "DejaVu Sans" !important; }\n')
VARIANTS = ("font", "forced", "withheld")

# Khmer-only text in the site's markup, one case per box; no lang attribute unless named.
K_PHRASE = "ការបោះឆ្នោតសេរី"
CASES: list[tuple[str, str]] = [
    ("header search box", f'<form class="search-form"><input type="search" value="{QUERY}ឆ្នាំ {K_PHRASE}"></form>'),
    ("text input", f'<input value="{K_PHRASE}">'),
    ("textarea", f'<textarea rows="1" cols="30">{K_PHRASE}</textarea>'),
    ("button", '<button type="button">ស្វែងរក</button>'),
    ("select", '<select><option>ភាសាខ្មែរ</option></select>'),
    ("paragraph", f"<p>ប្រជាធិបតេយ្យ និង{K_PHRASE}</p>"),
    ("result title",
     f'<ol class="entries"><li class="entry"><p class="entry-title"><a href="#">{K_PHRASE}</a></p></li></ol>'),
    ("result author", '<p class="entry-meta"><span class="authors">លោកសេង សុភ័ណ</span></p>'),
    ("result snippet", f'<p class="snippet">ការ<mark>{QUERY}</mark>ឆ្នាំ</p>'),
    ("tag", '<ul class="tags"><li><a href="#">នយោបាយ</a></li></ul>'),
    ("term list", '<ul class="terms"><li><a href="#">សេង សោភ័ណ្ឌ</a></li></ul>'),
    ("language switch", '<nav class="versions"><ul><li><a href="#">ខ្មែរ</a></li></ul></nav>'),
    ("badge", '<a class="badge" href="#">ខ្មែរ</a>'),
    ("heading", f"<h1>{K_PHRASE}</h1>"),
    ("lang=km block", f'<p lang="km">{K_PHRASE}</p>'),
]
# The control: an input that does not take the page's font (the browser's default for controls).
# It must show boxes, which proves that the comparison sees an input box without the font.
CONTROL = ("control: input with the browser's font", f'<input value="{K_PHRASE}" style="font: revert">')
BOX_W, BOX_H = 700, 90


def _cases_page() -> str:
    boxes = "\n".join(f'<div class="case" style="top: {i * BOX_H}px">{html}</div>'
                      for i, (_, html) in enumerate([*CASES, CONTROL]))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Khmer in every place</title>
<link rel="stylesheet" href="static/style.css">
<style>
.case {{ position: absolute; left: 0; width: {BOX_W}px; height: {BOX_H}px; overflow: hidden;
        margin: 0; padding: 4px 8px; }}
</style>
</head>
<body>
{boxes}
</body>
</html>
"""


PAGES: dict[str, tuple[str, int, int]] = {  # name: (path?query, width, height)
    "cases": ("khmer-cases.html", BOX_W, BOX_H * (len(CASES) + 1)),
    "search": ("search.html?q=" + quote(QUERY), 1280, 1400),
    "post": (f"posts/{CANDLE}.html", 1280, 2400),
    "authors": ("authors/index.html", 1280, 700),
}


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if path is None:
        pytest.fail(f"{name} is not installed: run 'make system-deps' (it installs Chromium and fontconfig)")
    return path


def _font_env(root: Path) -> dict[str, str]:
    """An environment in which fontconfig (so Chromium) knows DejaVu Sans and nothing else."""
    if not (LATIN_FONTS / "DejaVuSans.ttf").is_file():
        pytest.fail(f"{LATIN_FONTS}/DejaVuSans.ttf is missing: run 'make system-deps' (fonts-dejavu-core)")
    fonts = root / "fonts"
    fonts.mkdir()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        (fonts / name).symlink_to(LATIN_FONTS / name)
    conf = root / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{root / "fontconfig-cache"}</cachedir>
</fontconfig>
""")
    return {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(root)}


def _fc_list(env: dict[str, str], pattern: str) -> set[str]:
    """The families fontconfig lists for a pattern, under env."""
    run = subprocess.run([_tool("fc-list"), pattern, "family"], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return {line.strip() for line in run.stdout.splitlines() if line.strip()}


@dataclass
class Shots:
    """Screenshots of every page in every variant, under the controlled fonts."""

    paths: dict[tuple[str, str], Path]  # (page, variant): PNG

    def png(self, page: str, variant: str) -> Path:
        return self.paths[(page, variant)]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shots]:
    root = tmp_path_factory.mktemp("khmer-fonts")
    env = _font_env(root)
    # The machine's own fonts do not matter: Chromium sees DejaVu Sans, which has no Khmer.
    assert _fc_list(env, ":") == {"DejaVu Sans"}
    assert _fc_list(env, ":lang=km") == set() and _fc_list(env, ":charset=1780") == set()

    export("html", Archive.open(REPO / "archive"), None, root / "site")
    sites = {}
    for variant in VARIANTS:
        site = sites[variant] = root / variant
        shutil.copytree(root / "site", site)
        (site / "khmer-cases.html").write_text(_cases_page())
        css = site / "static" / "style.css"
        css.write_text(css.read_text() + STILL + (FORCED if variant == "forced" else ""))
    (sites["withheld"] / FONT).unlink()

    ARTIFACTS.mkdir(exist_ok=True)
    for stale in ARTIFACTS.glob("khmer-font-*.png"):
        stale.unlink()
    chromium = _tool("chromium")
    paths = {}
    for page, (url, width, height) in PAGES.items():
        for variant, site in sites.items():
            target = root / f"{page}-{variant}.png"
            profile = root / f"profile-{page}-{variant}"  # a fresh profile: a first visit
            run = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                  f"--window-size={width},{height}", f"--screenshot={target}",
                                  f"{site.as_uri()}/{url}"],
                                 env=env, capture_output=True, text=True, timeout=120)
            assert run.returncode == 0 and target.is_file(), run.stderr[-2000:]
            paths[(page, variant)] = target
            if variant != "forced":
                shutil.copyfile(target, ARTIFACTS / f"khmer-font-{page}-{variant}.png")
    yield Shots(paths)


@dataclass
class Image:
    width: int
    height: int
    rows: list[bytes]  # RGB

    def crop(self, left: int, top: int, width: int, height: int) -> list[bytes]:
        return [row[left * 3:(left + width) * 3] for row in self.rows[top:top + height]]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def read_png(path: Path) -> Image:
    """Chromium's screenshots: 8-bit RGB or RGBA, not interlaced (no Pillow in the test deps)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, header, idat = 8, b"", []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            header = data[pos + 8:pos + 8 + length]
        elif kind == b"IDAT":
            idat.append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    bpp = 3 if color == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 0xFF
        elif kind == 4:
            for i in range(stride):
                line[i] = (line[i] + _paeth(line[i - bpp] if i >= bpp else 0, prev[i],
                                             prev[i - bpp] if i >= bpp else 0)) & 0xFF
        prev = line
        rows.append(bytes(line) if bpp == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3))
    return Image(width, height, rows)


def _differing_rows(a: Path, b: Path) -> str:
    """Where two screenshots differ, for the failure message."""
    left, right = read_png(a), read_png(b)
    rows = [y for y, (p, q) in enumerate(zip(left.rows, right.rows, strict=True)) if p != q]
    return f"rows {rows[0]}–{rows[-1]} differ" if rows else "same pixels, different files"


def _ink(rows: list[bytes]) -> list[bytes]:
    """Dark pixels as 1, the rest as 0: glyphs, not backgrounds or light borders."""
    return [bytes(int(r + g + b < 450) for r, g, b in zip(row[0::3], row[1::3], row[2::3], strict=True))
            for row in rows]


def _glyphs(ink: list[bytes]) -> list[list[bytes]]:
    """The connected ink shapes of glyph size, each cut to its bounding box."""
    height, width = len(ink), len(ink[0]) if ink else 0
    seen: set[tuple[int, int]] = set()
    shapes = []
    for y0 in range(height):
        for x0 in range(width):
            if not ink[y0][x0] or (x0, y0) in seen:
                continue
            todo, points = [(x0, y0)], []
            seen.add((x0, y0))
            while todo:
                x, y = todo.pop()
                points.append((x, y))
                for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                    if 0 <= nx < width and 0 <= ny < height and ink[ny][nx] and (nx, ny) not in seen:
                        seen.add((nx, ny))
                        todo.append((nx, ny))
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            left, top, right, bottom = min(xs), min(ys), max(xs) + 1, max(ys) + 1
            if 4 <= right - left <= 40 and 8 <= bottom - top <= 60:
                shapes.append([row[left:right] for row in ink[top:bottom]])
    return shapes


def _contains(ink: list[bytes], shape: list[bytes]) -> bool:
    first, height = shape[0], len(shape)
    for y in range(len(ink) - height + 1):
        x = ink[y].find(first)
        while x != -1:
            if all(ink[y + i][x:x + len(first)] == shape[i] for i in range(1, height)):
                return True
            x = ink[y].find(first, x + 1)
    return False


@pytest.mark.parametrize("page", [p for p in PAGES if p != "cases"])
def test_site_pages_draw_their_khmer_with_the_bundled_font(shots: Shots, page: str) -> None:
    font, forced, withheld = (shots.png(page, v) for v in VARIANTS)
    assert font.read_bytes() != withheld.read_bytes(), f"{page}: no Khmer drawn, or a Khmer font on the machine"
    if font.read_bytes() != forced.read_bytes():
        shutil.copyfile(forced, ARTIFACTS / f"khmer-font-{page}-forced.png")
        pytest.fail(f"{page}: Khmer not drawn with the bundled font ({_differing_rows(font, forced)}); "
                    f"see test-artifacts/khmer-font-{page}-font.png against -forced.png")


def test_every_place_khmer_can_appear_uses_the_bundled_font(shots: Shots) -> None:
    font, forced, withheld = (read_png(shots.png("cases", v)) for v in VARIANTS)
    seen = {}
    for i, (name, _) in enumerate([*CASES, CONTROL]):
        box = (0, i * BOX_H, BOX_W, BOX_H)
        drawn, tofu = font.crop(*box), withheld.crop(*box)
        boxes = _glyphs(_ink(tofu))  # without the font every glyph of the case is a box: these
        assert boxes, f"{name}: nothing drawn without the font"
        seen[name] = (
            "boxes" if any(_contains(_ink(drawn), shape) for shape in boxes) else "no boxes",
            "as the bundled font draws it" if drawn == forced.crop(*box) else "unlike the bundled font",
            "unlike without it" if drawn != tofu else "as without it",
        )
    good = ("no boxes", "as the bundled font draws it", "unlike without it")
    assert {name: how for name, how in seen.items() if how != good} == {
        # The control shows boxes, unlike the bundled font: the checks do catch such an input.
        CONTROL[0]: ("boxes", "unlike the bundled font", "as without it"),
    }


def test_khmer_names_in_listings_are_marked_khmer(tmp_path: Path) -> None:
    """An author, outlet or tag written in Khmer gets lang="km" where the block around it is in
    another language: the Khmer line height, and the right voice in a screen reader."""
    export("html", Archive.open(REPO / "archive"), None, tmp_path / "site")
    terms = (tmp_path / "site" / "authors" / "index.html").read_text().split('<ul class="terms">')[1].split("</ul>")[0]
    assert re.findall(r'<a href="[^"]+"([^>]*)>([^<]+)</a>', terms) == [
        ("", "Sophoan Seng"), (' lang="km"', "លោកសេង សុភ័ណ"), (' lang="km"', "សេង សោភ័ណ្ឌ")]
    headings = [re.findall(r"<h1[^>]*>[^<]*</h1>", page.read_text())
                for page in sorted((tmp_path / "site" / "authors").glob("p*.html"))]
    assert headings == [['<h1 lang="km">លោកសេង សុភ័ណ</h1>'], ['<h1 lang="km">សេង សោភ័ណ្ឌ</h1>']]

    def entry(title: str, lang: str, authors: list[str], outlet: str) -> SimpleNamespace:
        return SimpleNamespace(url="posts/x.html", title=title, lang=lang, date="2024-01-02", authors=authors,
                               outlet=outlet, kind="", languages=[], summary="", summary_lang=lang)

    template = environment().from_string('{% from "_entries.html" import entry_list %}{{ entry_list(groups, "", 2) }}')
    listing = template.render(groups=[SimpleNamespace(year="2024", entries=[
        entry("ចំណងជើង", "km", ["សេង សោភ័ណ្ឌ"], "ភ្នំពេញប៉ុស្តិ៍"),
        entry("Title", "en", ["Sophoan Seng", "Sam Rainsy"], "Khmer Times")])])
    assert '<span class="authors" lang="km">សេង សោភ័ណ្ឌ</span>' in listing
    assert '<span class="outlet" lang="km">ភ្នំពេញប៉ុស្តិ៍</span>' in listing
    assert '<span class="authors">Sophoan Seng, Sam Rainsy</span>' in listing
    assert '<span class="outlet">Khmer Times</span>' in listing
