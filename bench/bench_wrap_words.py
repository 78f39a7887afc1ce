"""Line breaks inside Khmer words: how often the terminal views cut a word that fits the column.

    python bench/bench_wrap_words.py                          # this checkout
    PYTHONPATH=<old checkout>/src python bench/bench_wrap_words.py   # another checkout's code

Issue 15, item 2. Each text is wrapped with `text.width.wrap_spans` (what `show`, the side-by-side
view and the search snippets use) at several column widths, in the glibc width model. Every line
end that falls inside an unspaced stretch (no space or zero-width space on either side) is judged:

- khPOS (tests/data/realworld/khpos, hand-segmented; ye-kyaw-thu/khPOS OPEN-TEST): a sentence's
  words run together, sentences one space apart, five sentences a paragraph. A break is on a hand
  word boundary, between the parts of a hand-marked compound (`_`, `~`, `^`), or inside a hand
  word — in a word that fits the column (the fault) or in one wider than it (allowed).
- The seed page (tests/data/blog-page-2022-06.txt) and NTREX-128 (tests/data/realworld/ntrex,
  human Khmer translations of 123 news articles) as they are written, with their own spaces:
  judged by the segmenter's words (text.words.word_spans), so the new code is right by
  construction there; the old code's numbers are the point.

"next line gets one cluster": the word's rest on the next line is a single cluster (`លោ⏎ក`).
The segmenter budget of `show` (WORD_BREAK_BUDGET) is lifted here: this measures the rule.
Not part of CI; the numbers are in docs/khmer-words.md.
"""

from __future__ import annotations

import json
import re
import sys
import time
from bisect import bisect_right
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the khPOS reader and judge the tmux test uses

import khpos  # noqa: E402
from opedarchive.text import width as width_module  # noqa: E402
from opedarchive.text.width import cell_width, clusters, wrap_spans  # noqa: E402

SEED = ROOT / "tests" / "data" / "blog-page-2022-06.txt"
NTREX = ROOT / "tests" / "data" / "realworld" / "ntrex" / "ntrex-128-en-km.jsonl"
WIDTHS = (20, 30, 40, 58, 78, 100)
_KHMER = re.compile("[\u1780-\u17ff]")
CITED = ("ច្បា\nស់លាស់", "មិ\nន", "ប៉ារី\nស")  # the seed page's cuts that issue 15 quotes


def segmenter_paragraphs(texts: list[str]) -> list[khpos.Paragraph]:
    """Each Khmer paragraph with the segmenter's word boundaries as its bounds."""
    from opedarchive.text.words import word_spans

    return [khpos.Paragraph(text, {edge for span in word_spans(text) for edge in span}) for text in texts]


def seed_texts() -> list[str]:
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if _KHMER.search(line)]


def ntrex_texts() -> list[str]:
    docs = [json.loads(line) for line in NTREX.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [para for doc in docs for para in doc["km"] if _KHMER.search(para)]


def judge(paragraphs: list[khpos.Paragraph], width: int) -> dict[str, int]:
    counts = dict.fromkeys(("lines", "in runs", "boundary", "joint", "fits", "one cluster", "wider word"), 0)
    for para in paragraphs:
        spans = wrap_spans(para.text, width)
        counts["lines"] += len(spans)
        # A line end where the next line starts at once: no space was dropped there.
        cuts = [end for (_, end), (start, _) in pairwise(spans) if end == start]
        verdicts = khpos.judge(para, cuts, width, cell_width)
        ordered = sorted(para.bounds | {len(para.text)})
        for verdict, at in verdicts.items():
            counts[verdict] += len(at)
            counts["in runs"] += len(at)
        for cut in verdicts["fits"]:
            rest = para.text[cut : ordered[bisect_right(ordered, cut)]]
            counts["one cluster"] += len(clusters(rest)) == 1
    return counts


def cited_cuts() -> list[str]:
    """The cuts issue 15 quotes that the seed page's Khmer still shows, at any width from 10 to 120."""
    found: set[str] = set()
    for text in seed_texts():
        for width in range(10, 121):
            spans = wrap_spans(text, width)
            joined = "\n".join(text[s:e] for s, e in spans)
            found.update(cut for cut in CITED if cut in joined)
    return sorted(found)


def main() -> int:
    segmented = getattr(width_module, "_SEGMENTED", None)
    if segmented is not None:
        segmented.budget = 10**9
    corpora = {
        "khPOS (hand segmentation)": khpos.paragraphs(),
        "seed page (segmenter)": segmenter_paragraphs(seed_texts()),
        "NTREX-128 Khmer (segmenter)": segmenter_paragraphs(ntrex_texts()),
    }
    print(f"code: {width_module.__file__}")
    print("| text | width | lines | breaks in runs | on a word boundary | compound joint "
          "| inside a word that fits | of which one cluster left | inside a wider word |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    totals: dict[str, dict[str, int]] = {}
    for name, paragraphs in corpora.items():
        started = time.perf_counter()
        for width in WIDTHS:
            c = judge(paragraphs, width)
            total = totals.setdefault(name, dict.fromkeys(c, 0))
            for key, value in c.items():
                total[key] += value
            print(f"| {name} | {width} | {c['lines']} | {c['in runs']} | {c['boundary']} | {c['joint']} "
                  f"| {c['fits']} | {c['one cluster']} | {c['wider word']} |")
        c = totals[name]
        print(f"| {name} | all | {c['lines']} | {c['in runs']} | {c['boundary']} | {c['joint']} "
              f"| **{c['fits']}** | {c['one cluster']} | {c['wider word']} |")
        print(f"<!-- {name}: {time.perf_counter() - started:.1f} s -->", file=sys.stderr)
    print(f"\nissue 15's cited cuts on the seed page at widths 10-120: {cited_cuts() or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
