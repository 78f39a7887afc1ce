"""Where the PDF booklet ends its Khmer lines: inside a word or between words, with and without
the word joiners that `export --pdf` puts between the clusters of a Khmer word.

    python bench/bench_booklet_breaks.py [--khpos N] [--ntrex N]

Issue 20, item 2. A booklet of three Khmer posts (the seed archive's Khmer bodies, khPOS OPEN-TEST
sentences run together with their hand segmentation, NTREX-128's Khmer articles) is exported
through the CLI, one column (each post alone) and side by side (an English version beside it);
the line ends are read back from the PDF (tests/pdf_lines.py) and judged by the segmenter's words
and by khPOS's hand segmentation. "before" is the same export with the joiners left out (zero-width
spaces at the segmenter's word boundaries only, as before the change). Not part of CI (the test,
tests/test_booklet.py::test_khmer_lines_end_between_words, measures a smaller booklet); the
numbers are in docs/booklets.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import pdf_lines  # noqa: E402
import test_booklet  # noqa: E402
from opedarchive.export import pdf as pdf_module  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--khpos", type=int, default=1000, help="khPOS sentences (of 1,000)")
    parser.add_argument("--ntrex", type=int, default=40, help="NTREX-128 articles (of 123)")
    args = parser.parse_args(argv)
    texts = test_booklet.khmer_texts(args.khpos, args.ntrex)
    joined = vars(pdf_module)["joined"]
    print("| layout | word joiners | lines | ends inside unspaced Khmer | inside a segmenter word | "
          "inside a khPOS hand word | between parts of a khPOS compound | after a coeng | re-anchored | s |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for stacked in (True, False):
        for joiners in (False, True):
            vars(pdf_module)["joined"] = joined if joiners else (lambda data: data)
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / "archive"
                pdf_lines.write_archive(root, texts, side_by_side=not stacked)
                started = time.perf_counter()
                test_booklet.export(root, "--pdf", str(Path(tmp) / "km.pdf"))
                found = pdf_lines.measure((Path(tmp) / "km.pdf").read_bytes(), texts,
                                          "whole" if stacked else "right")
                took = time.perf_counter() - started
            print(f"| {'one column' if stacked else 'side by side'} | {'yes' if joiners else 'no (before)'} "
                  f"| {found.lines} | {found.inside_runs} | {len(found.inside_word) + found.inside_long_word} "
                  f"| {len(found.inside_hand_word)} | {found.hand_joint} | {len(found.coeng)} "
                  f"| {found.moved} moved, {found.unanchored} not | {took:.1f} |", flush=True)
            for where in (found.inside_word + found.inside_hand_word)[:6] if joiners else []:
                print("    ", where)
    vars(pdf_module)["joined"] = joined
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
