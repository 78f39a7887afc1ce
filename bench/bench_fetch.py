"""Issue 17: how well `add URL` reads articles. On saved real pages (tests/data/realworld/fetch:
the Zyte article-extraction benchmark's hand-annotated bodies and Mozilla Readability's test
pages with hand-checked metadata) and on pages built from the seed posts (English and Khmer,
bench/newspages.py), each read by the code `add URL` runs (fetch.article.extract, no network):
body F1 as the Zyte benchmark defines it (4-word shingles of `\\w+` tokens, precision and
recall averaged over pages), and title, date, author and language right on how many pages.
Targets: body F1 >= 0.95, each field right on >= 90% of pages.

    .venv/bin/python bench/bench_fetch.py [--show-misses]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from newspages import seed_pages  # noqa: E402

from opedarchive.fetch.article import extract  # noqa: E402
from opedarchive.fetch.http import Fetched, sniff_charset  # noqa: E402

DATA = ROOT / "tests" / "data" / "realworld" / "fetch"
_TOKEN = re.compile(r"\w+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """The Zyte benchmark's string_shingle_matching, normalised per page."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def f1_of(results: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def prec(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def rec(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(prec(*r) for r in results if r[0] + r[1] > 0)
    r = statistics.mean(rec(*x) for x in results if x[0] + x[2] > 0)
    return 2 * p * r / (p + r), p, r


def plain(markdown: str) -> str:
    """A post body as text: link targets and Markdown marks do not count as words."""
    return _LINK_TARGET.sub("]", markdown)


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split()).casefold()


def html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for block in soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "blockquote", "pre", "figcaption", "tr", "br"]):
        block.insert_after("\n")
    return soup.get_text()


def fetched(body: bytes, url: str) -> Fetched:
    charset = sniff_charset(body[:4096]) or "utf-8"
    return Fetched(url=url, content_type="text/html", charset=charset, declared_charset="", body=body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show-misses", action="store_true", help="print each wrong field")
    args = parser.parse_args()
    rows: list[tuple[str, int, float, float, float, dict[str, tuple[int, int]], float]] = []
    misses: list[str] = []

    # 1. Zyte: body only (its ground truth holds the body and the URL).
    truth = json.loads((DATA / "zyte" / "ground-truth.json").read_text(encoding="utf-8"))
    results, started = [], time.perf_counter()
    for key, gt in sorted(truth.items()):
        body = gzip.decompress((DATA / "zyte" / f"{key}.html.gz").read_bytes())
        try:
            article = extract(fetched(body, gt["url"]), key)
            text = plain(article.body)
        except Exception as exc:  # a page with no article scores 0
            misses.append(f"zyte {key}: {exc}")
            text = ""
        results.append(tp_fp_fn(gt["articleBody"], text))
    rows.append(("Zyte benchmark (hand-annotated body)", len(results), *f1_of(results), {},
                 time.perf_counter() - started))

    # 2. Readability's test pages: body against its expected article, fields against pages.json.
    expected = json.loads((DATA / "readability" / "pages.json").read_text(encoding="utf-8"))
    results, fields, started = [], {k: [0, 0] for k in ("title", "date", "authors", "lang")}, time.perf_counter()
    for name, want in sorted(expected.items()):
        folder = DATA / "readability" / name
        body = gzip.decompress((folder / "source.html.gz").read_bytes())
        article = extract(fetched(body, want["url"]), name)
        gold = html_text(gzip.decompress((folder / "expected.html.gz").read_bytes()).decode("utf-8"))
        results.append(tp_fp_fn(gold, plain(article.body)))
        got = {"title": norm(article.title), "date": article.date.isoformat()[:10] if article.date else None,
               "authors": sorted(norm(a) for a in article.authors), "lang": article.lang or None}
        wanted = {"title": norm(want["title"]), "date": want["date"],
                  "authors": sorted(norm(a) for a in want["authors"]), "lang": want["lang"]}
        for key in fields:
            if key == "date" and wanted[key] is None:
                continue  # no date checked by hand on this page (pages.json says so)
            fields[key][1] += 1
            if got[key] == wanted[key]:
                fields[key][0] += 1
            else:
                misses.append(f"readability {name} {key}: got {got[key]!r}, want {wanted[key]!r}")
    rows.append(("Readability test pages (hand-checked fields)", len(results), *f1_of(results),
                 {k: (v[0], v[1]) for k, v in fields.items()}, time.perf_counter() - started))

    # 3. Pages built from the seed posts, English and Khmer (language from <html lang>, or detected).
    results, fields, started = [], {k: [0, 0] for k in ("title", "date", "authors", "lang")}, time.perf_counter()
    from opedarchive.adding import article_language

    for page in seed_pages(ROOT / "archive"):
        article = extract(fetched(page.html.encode("utf-8"), f"https://news.example.org/{page.name}"), page.name)
        results.append(tp_fp_fn(page.body, plain(article.body)))
        got = {"title": norm(article.title), "date": article.date.isoformat() if article.date else None,
               "authors": sorted(norm(a) for a in article.authors), "lang": article_language(article)}
        wanted = {"title": norm(page.title), "date": page.when.isoformat(),
                  "authors": sorted(norm(a) for a in page.authors), "lang": page.lang}
        for key in fields:
            fields[key][1] += 1
            if got[key] == wanted[key]:
                fields[key][0] += 1
            else:
                misses.append(f"seed {page.name} {key}: got {got[key]!r}, want {wanted[key]!r}")
    rows.append(("Seed posts as news pages (en + km)", len(results), *f1_of(results),
                 {k: (v[0], v[1]) for k, v in fields.items()}, time.perf_counter() - started))

    print(f"{'pages':<46} {'n':>3}  {'body F1':>7} {'prec':>5} {'recall':>6}  {'title':>7} {'date':>7} "
          f"{'author':>7} {'lang':>7}  {'time':>6}")
    all_fields: dict[str, list[int]] = {k: [0, 0] for k in ("title", "date", "authors", "lang")}
    for label, n, f1, p, r, fl, secs in rows:
        cells = []
        for key in ("title", "date", "authors", "lang"):
            if key in fl:
                ok, total = fl[key]
                all_fields[key][0] += ok
                all_fields[key][1] += total
                cells.append(f"{ok:>3}/{total:<3}")
            else:
                cells.append(f"{'—':>7}")
        print(f"{label:<46} {n:>3}  {f1:7.3f} {p:5.3f} {r:6.3f}  {' '.join(cells)}  {secs:5.1f}s")
    body_f1 = [row[2] for row in rows]
    print()
    ok_body = all(f >= 0.95 for f in body_f1)
    print(f"target: body F1 >= 0.95 on each set: {'ok' if ok_body else 'MISSED'} "
          f"({', '.join(f'{f:.3f}' for f in body_f1)})")
    for key, (ok, total) in all_fields.items():
        share = ok / total if total else 0.0
        print(f"target: {key} right on >= 90% of pages: {'ok' if share >= 0.9 else 'MISSED'} "
              f"({ok}/{total} = {share:.0%})")
    if args.show_misses:
        print()
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
