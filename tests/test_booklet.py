"""`export --pdf` and `--epub` (issue 20): the bundled archive and 50 generated posts render; the PDF
holds every paragraph of every version in order and no ink outside its text area; the EPUB passes
epubcheck and holds its Khmer text as written; the PDF's Khmer lines end between words, never after
a coeng (read back from the PDF by tests/pdf_lines.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

import pdf_lines
from opedarchive.archive import Archive
from opedarchive.cli import app
from opedarchive.export.booklet import plain_paragraphs
from opedarchive.export.markup import format_date
from opedarchive.model import Post
from opedarchive.text.khmer import clusters

REPO = Path(__file__).resolve().parent.parent
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 20 * MM, 20 * MM, 22 * MM  # booklet.typ
GUTTER = 7 * MM
_KHMER = re.compile("[\u1780-\u17ff]")
_SPACE = re.compile("[\\s\u200b]+")


def need(program: str) -> str:
    """The program's path; a missing one fails the test (never skips it)."""
    path = shutil.which(program)
    if path is None:
        pytest.fail(f"{program} is not installed: run `make system-deps`")
    return path


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=300).stdout


def export(root: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--archive", str(root), "export", *args])
    assert result.exit_code == 0, result.output
    return result.output


# --- what the PDF's text is compared on -------------------------------------------------------
# pdftotext gives Latin text exactly, but Khmer from a Typst PDF comes out with clusters repeated
# or split (a glyph of a cluster is mapped to the whole cluster's text, marks drawn apart from
# their base are read as text of their own). So: white space is dropped everywhere (line ends
# move it), a paragraph without Khmer must appear exactly, and a Khmer paragraph's clusters must
# appear in order, with at most two extra clusters per cluster of the paragraph between them.

def tokens(text: str) -> list[str]:
    return list(clusters(_SPACE.sub("", text)))


def find_paragraph(haystack: list[str], joined: str, offsets: list[int], para: str, start: int) -> int:
    """Where `para` ends in the extracted tokens, looking from `start`; -1 when it is not there."""
    want = tokens(para)
    if not want:
        return start
    if not _KHMER.search(para):
        at = joined.find("".join(want), offsets[start] if start < len(offsets) else len(joined))
        if at < 0:
            return -1
        end = at + len("".join(want))
        return next(i for i, off in enumerate([*offsets, len(joined)]) if off >= end)
    limit = 3 * len(want) + 20
    i = start
    while True:
        try:
            i = haystack.index(want[0], i)
        except ValueError:
            return -1
        j, k = i, 0
        while k < len(want) and j < len(haystack) and j - i <= limit:
            if haystack[j] == want[k]:
                k += 1
            j += 1
        if k == len(want):
            return j
        i += 1


def extracted(pdf: Path, crop: tuple[float, float] | None = None) -> tuple[list[str], str, list[int]]:
    """The PDF's tokens (page numbers left out), joined, and each token's offset in the join."""
    args = ["-raw"]
    if crop is not None:
        x, w = crop
        args += ["-x", str(int(x)), "-y", str(int(MARGIN_TOP - 6)), "-W", str(int(w)),
                 "-H", str(int(PAGE_H - MARGIN_TOP - MARGIN_BOTTOM + 12))]
    text = run(need("pdftotext"), *args, str(pdf), "-")
    lines = [line for line in text.replace("\f", "\n").split("\n") if not line.strip().isdigit()]
    toks = tokens("".join(lines))
    offsets, at = [], 0
    for tok in toks:
        offsets.append(at)
        at += len(tok)
    return toks, "".join(toks), offsets


def assert_in_order(found: tuple[list[str], str, list[int]], paragraphs: list[str], what: str) -> None:
    toks, joined, offsets = found
    at = 0
    for n, para in enumerate(paragraphs):
        end = find_paragraph(toks, joined, offsets, para, at)
        assert end >= 0, f"{what}: paragraph {n + 1} is missing (or out of order): {para[:80]!r}"
        at = end


def versions_in_order(posts: list[Post]) -> list[tuple[str, list[str]]]:
    return [(f"{p.id}.{v.lang}", [v.title, *plain_paragraphs(v.body)]) for p in posts for v in p.versions.values()]


# --- ink outside the text area ------------------------------------------------------------------

def pages_gray(pdf: Path, tmp: Path, dpi: int = 50) -> list[tuple[int, int, bytes]]:
    run(need("pdftoppm"), "-r", str(dpi), "-gray", str(pdf), str(tmp / "page"))
    pages = []
    for path in sorted(tmp.glob("page-*.pgm")):
        data = path.read_bytes()
        header = data.split(b"\n", 3)  # P5, "w h", maxval, pixels (pdftoppm writes no comments)
        width, height = map(int, header[1].split())
        pages.append((width, height, header[3]))
    return pages


def ink_outside(pdf: Path, tmp: Path, dpi: int = 50) -> list[str]:
    """Pages with a dark pixel in a margin (the page number's box in the bottom margin excepted)."""
    scale = dpi / 72
    bad = []
    slack = 1 * MM  # anti-aliasing of a glyph that touches the text area's edge
    for number, (width, height, pixels) in enumerate(pages_gray(pdf, tmp, dpi), 1):
        left, right = (MARGIN_X - slack) * scale, (PAGE_W - MARGIN_X + slack) * scale
        top, bottom = (MARGIN_TOP - slack) * scale, (PAGE_H - MARGIN_BOTTOM + slack) * scale
        footer_x = (PAGE_W / 2 - 15 * MM) * scale, (PAGE_W / 2 + 15 * MM) * scale
        for y in range(height):
            row = pixels[y * width : (y + 1) * width]
            for x in range(width):
                if row[x] < 160 and (x < left or x > right or y < top or y > bottom):
                    if y > bottom and footer_x[0] <= x <= footer_x[1]:
                        continue
                    bad.append(f"page {number}: ink at {x / scale / MM:.0f} mm, {y / scale / MM:.0f} mm")
                    break
            if bad and bad[-1].startswith(f"page {number}:"):
                break
    return bad


# --- the EPUB ----------------------------------------------------------------------------------

def epub_check(epub: Path) -> None:
    java = need("java")
    if not EPUBCHECK.is_file():
        pytest.fail("epubcheck is not installed: run `make system-deps`")
    result = subprocess.run([java, "-jar", str(EPUBCHECK), str(epub)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "No errors or warnings" in result.stdout + result.stderr, \
        result.stdout + result.stderr


def epub_chapters(epub: Path) -> list[str]:
    """The text of each post's chapter, zero-width spaces left out, white space made single."""
    out = []
    with zipfile.ZipFile(epub) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"EPUB/post-\d+\.xhtml", n)):
            root = ElementTree.fromstring(z.read(name))
            out.append(_SPACE.sub(" ", " ".join(root.itertext()).replace("\u200b", "")))
    return out


def assert_epub_text(epub: Path, posts: list[Post]) -> None:
    chapters = epub_chapters(epub)
    assert len(chapters) == len(posts)
    for text, post in zip(chapters, posts, strict=True):
        squeezed = text.replace(" ", "")
        for version in post.versions.values():
            at = 0
            for para in plain_paragraphs(version.body):
                want = _SPACE.sub("", para)
                found = squeezed.find(want, at)
                assert found >= 0, f"{post.id}.{version.lang}: not in the EPUB as written: {para[:80]!r}"
                at = found + len(want)


# --- the tests ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("seed") / "archive"
    shutil.copytree(REPO / "archive", root)
    return root


def check_pdf(pdf: Path, posts: list[Post], tmp: Path, *, stacked: bool) -> None:
    page = extracted(pdf)
    if stacked:
        for what, paragraphs in versions_in_order(posts):
            assert_in_order(page, paragraphs, what)
    else:
        column = (PAGE_W - 2 * MARGIN_X - GUTTER) / 2
        left = extracted(pdf, (MARGIN_X - 2, column + 4))
        right = extracted(pdf, (MARGIN_X + column + GUTTER - 2, column + 4))
        for post in posts:
            versions = list(post.versions.values())
            if len(versions) == 1:
                assert_in_order(page, plain_paragraphs(versions[0].body), f"{post.id}.{versions[0].lang}")
                continue
            assert_in_order(left, plain_paragraphs(versions[0].body), f"{post.id}.{versions[0].lang} (left)")
            assert_in_order(right, plain_paragraphs(versions[1].body), f"{post.id}.{versions[1].lang} (right)")
    assert ink_outside(pdf, tmp) == []


@pytest.mark.parametrize("stacked", [False, True], ids=["side-by-side", "stacked"])
def test_seed_booklet(seed: Path, tmp_path: Path, stacked: bool) -> None:
    pdf, epub = tmp_path / "seed.pdf", tmp_path / "seed.epub"
    out = export(seed, "--pdf", str(pdf), "--epub", str(epub), *(["--stacked"] if stacked else []))
    assert f"pdf: 4 posts written to {pdf}" in out
    posts = sorted(Archive.open(seed).load().posts, key=lambda p: (p.original.day, p.id))
    check_pdf(pdf, posts, tmp_path, stacked=stacked)
    text = _SPACE.sub(" ", run(need("pdftotext"), str(pdf), "-"))
    assert "Committee for Election Right of Overseas Cambodians" in text  # the title page
    assert "All posts" in text and "Contents" in text
    assert "Chao Ratanak, Candlelight Party" in text  # an image's caption
    fonts = run(need("pdffonts"), str(pdf))
    assert "NotoSansKhmer" in fonts  # embedded (pdffonts lists only what the file holds)
    epub_check(epub)
    assert_epub_text(epub, posts)


def test_generated_booklet(tmp_path: Path) -> None:
    from gen_corpus import generate

    root = tmp_path / "archive"
    generate(50, root)
    pdf, epub = tmp_path / "gen.pdf", tmp_path / "gen.epub"
    out = export(root, "--pdf", str(pdf), "--epub", str(epub))
    assert "pdf: 50 posts written to" in out
    posts = sorted(Archive.open(root).load().posts, key=lambda p: (p.original.day, p.id))
    check_pdf(pdf, posts, tmp_path, stacked=False)
    epub_check(epub)
    assert_epub_text(epub, posts)


def test_selection_and_title_page(seed: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "sel.pdf"
    out = export(seed, "--pdf", str(pdf), "--since", "2022-06-14", "--until", "2022-06-25", "--lang", "km")
    assert f"pdf: 2 posts written to {pdf}" in out
    text = _SPACE.sub(" ", run(need("pdftotext"), str(pdf), "-"))
    assert "Posts from 14 June 2022, until 25 June 2022" in text
    assert "Recipes towards democratic unification" not in text
    pdf2 = tmp_path / "ids.pdf"
    out = export(seed, "--pdf", str(pdf2), "2022-06-28", "2022-06-12")
    assert "pdf: 2 posts written to" in out
    text = _SPACE.sub(" ", run(need("pdftotext"), str(pdf2), "-"))
    assert text.index("Recipes towards democratic") < text.index("Election disenfranchisement machine")
    assert format_date(__import__("datetime").date.today(), "en") in text  # the date it was made


def test_booklet_options_need_a_booklet(seed: Path) -> None:
    result = CliRunner().invoke(app, ["--archive", str(seed), "export", "--json", "x.json", "--tag", "nec"])
    assert result.exit_code == 2
    assert "give --pdf FILE or --epub FILE" in result.output
    result = CliRunner().invoke(app, ["--archive", str(seed), "export", "--pdf", os.devnull + ".pdf", "--tag", "nope"])
    assert result.exit_code == 2
    assert "no post matches" in result.output


# --- Khmer line ends -------------------------------------------------------------------------------

def khmer_texts(khpos_sentences: int | None = 300, ntrex_docs: int | None = 8) -> list[pdf_lines.Text]:
    """The seed archive's Khmer bodies, khPOS sentences (words run together, five a paragraph;
    with their hand segmentation) and NTREX-128's Khmer articles as written."""
    import json

    import khpos

    seed = [v.body for p in Archive.open(REPO / "archive").load().posts for v in p.versions.values() if v.lang == "km"]
    texts = [pdf_lines.Text("seed", [para for body in seed for para in re.split(r"\n\s*\n", body.strip())])]
    hand = khpos.paragraphs(khpos_sentences)
    texts.append(pdf_lines.Text("khpos", [p.text for p in hand], hand))
    docs = [json.loads(line) for line in (REPO / "tests/data/realworld/ntrex/ntrex-128-en-km.jsonl")
            .read_text(encoding="utf-8").splitlines() if line.strip()]
    texts.append(pdf_lines.Text("ntrex", [s for doc in docs[:ntrex_docs] for s in doc["km"]]))
    return texts


@pytest.mark.parametrize("stacked", [True, False], ids=["one-column", "side-by-side"])
def test_khmer_lines_end_between_words(tmp_path: Path, stacked: bool) -> None:
    """Where Typst ends the booklet's Khmer lines, read back from the PDF (tests/pdf_lines.py):
    never inside a word of the segmenter that fits on a line, never after a coeng."""
    texts = khmer_texts()
    root = tmp_path / "archive"
    pdf_lines.write_archive(root, texts, side_by_side=not stacked)
    pdf = tmp_path / "km.pdf"
    export(root, "--pdf", str(pdf))
    found = pdf_lines.measure(pdf.read_bytes(), texts, "whole" if stacked else "right")
    assert found.lines > (300 if stacked else 600)
    assert found.unanchored == 0
    assert found.inside_word == []
    assert found.coeng == []
    # khPOS's hand segmentation disagrees with the segmenter's now and then: a few, never many
    assert len(found.inside_hand_word) <= found.lines // 50


def test_word_joiners_only_between_whole_clusters() -> None:
    from opedarchive.export.booklet import LONG_KHMER_WORD, WJ, ZWSP, breakable, join_clusters, join_khmer_words

    text = join_khmer_words(breakable("ការបោះឆ្នោតនៅកម្ពុជា ឆ្ងាយៗ។ កម្ពស់១,៧៣ម៉ែត្រ គ.ជ.បនិងអ្នកផ្សេងៗទៀត"))
    assert text.replace(WJ, "").replace(ZWSP, "") == "ការបោះឆ្នោតនៅកម្ពុជា ឆ្ងាយៗ។ កម្ពស់១,៧៣ម៉ែត្រ គ.ជ.បនិងអ្នកផ្សេងៗទៀត"
    assert "ឆ្នោ" + WJ + "ត" in text and "យ" + WJ + "ៗ" in text
    assert "១," + ZWSP not in text and "គ.ជ.ប" in text  # no break inside a number or an abbreviation
    for i, ch in enumerate(text):
        if ch == WJ:
            assert text[i - 1] not in "\u17d2\u200d" and not "\u17b4" <= text[i + 1] <= "\u17d3"
    assert join_clusters("ក្ម" + "\u17d2") == "ក្ម" + "\u17d2"  # a stray coeng keeps its cluster
    long_word = "កខគឃង" * 4
    assert len(long_word) > LONG_KHMER_WORD and join_clusters(long_word) == long_word
