"""Khmer word segmenters measured on a hand-segmented corpus: boundary accuracy, speed, install weight.

    python bench/bench_khmer_words.py                                   # khmercut from this venv only
    python bench/bench_khmer_words.py --other-python bench/.venv-khmer-words/bin/python

Issue 15, item 1 (`docs/khmer-words.md` holds the table and the choice). The corpus is the
khPOS OPEN-TEST set (tests/data/realworld/khpos/, see its SOURCE.md): 1,000 sentences cut into
words by hand. The gold words are the corpus's own tokens (separated by spaces); `_` and `~`,
which the corpus writes inside compounds and prefixed words, are removed, so `ការ~ប្រកួត` is one
word `ការប្រកួត`. Each sentence is handed to a segmenter with its spaces removed, as one
unspaced run. A boundary is an offset between two words inside a sentence (not its two ends):
precision is the share of a segmenter's boundaries that are gold ones, recall the share of gold
boundaries it finds, F1 their harmonic mean (micro-averaged over every sentence). "F1 fine"
counts the corpus's `_` and `~` as boundaries too (a segmenter that splits compounds is not
wrong there). "word F1" counts whole words (both ends right). "words/gold" is the number of
words found over the number of gold words.

Speed, in characters per second, the best of three: every sentence segmented, one call each
(50,072 characters), and the same sentences joined by spaces as one text in one call; "first
call" is import plus model load plus the first word, in a fresh process (the median of three).
Install weight: the files of the distribution and of everything it requires (extras named),
from their RECORD; for ICU, the system's libicu (Debian package size) besides PyICU, and
Node's own package (Node carries its ICU inside the binary).

khmercut runs in this interpreter; khmer-nltk, khmercut's neural model and PyICU need packages
the project does not install: `make bench-khmer-words` puts them in bench/.venv-khmer-words and
passes its python here. Node's `Intl.Segmenter` runs when `node` is on PATH. Not part of CI.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "realworld" / "khpos" / "OPEN-TEST.word"
COMPOUND_MARKS = "_~"
FIRST_WORD = "ខ្មែរ"
REPEAT = 3

# A segmenter as the worker runs it: (import and return a function text -> tokens, distribution, extras).
BACKENDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "khmercut": ("khmercut", "khmercut", ()),
    "khmercut-nn": ("khmercut.nn", "khmercut", ("nn",)),
    "khmer-nltk": ("khmernltk", "khmer-nltk", ()),
    "icu-pyicu": ("icu", "PyICU", ()),
}

NODE_SCRIPT = r"""
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean).map(JSON.parse);
const t0 = process.hrtime.bigint();
const seg = new Intl.Segmenter('km', {granularity: 'word'});
[...seg.segment('""" + FIRST_WORD + r"""')];
const t1 = process.hrtime.bigint();
const out = lines.map(s => [...seg.segment(s)].map(x => x.segment));
const t2 = process.hrtime.bigint();
[...seg.segment(lines.join(' '))];
const t3 = process.hrtime.bigint();
console.log(JSON.stringify({tokens: out, first_call: Number(t1 - t0) / 1e9, seconds: Number(t2 - t1) / 1e9,
  long_seconds: Number(t3 - t2) / 1e9,
  version: 'node ' + process.versions.node + ', ICU ' + process.versions.icu}));
"""


# ---------------------------------------------------------------------------- the corpus and the score


@dataclass
class Sentence:
    """One hand-segmented sentence: its text without spaces, and its gold words' boundaries."""

    text: str
    words: list[str]  # the corpus's tokens, compound marks removed
    boundaries: set[int]  # offsets between two gold words
    fine: set[int]  # the same, with the compound marks as boundaries too


def load_sample(path: Path = SAMPLE) -> list[Sentence]:
    """The sentences of a khPOS `.word` file (one sentence a line, words between spaces)."""
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        tokens = [t for t in line.split() if t.strip(COMPOUND_MARKS)]
        if not tokens:
            continue
        words: list[str] = []
        boundaries: set[int] = set()
        fine: set[int] = set()
        at = 0
        for token in tokens:
            parts = [part for part in re.split(f"[{COMPOUND_MARKS}]+", token) if part]
            if at:
                boundaries.add(at)
                fine.add(at)
            for part in parts[:-1]:
                at += len(part)
                fine.add(at)
            at += len(parts[-1])
            words.append("".join(parts))
        sentences.append(Sentence("".join(words), words, boundaries, fine))
    return sentences


def boundaries_of(tokens: Iterable[str]) -> set[int]:
    """Offsets between consecutive non-empty tokens."""
    out, at = set(), 0
    for token in tokens:
        if not token:
            continue
        if at:
            out.add(at)
        at += len(token)
    return out


def spans_of(boundaries: set[int], length: int) -> set[tuple[int, int]]:
    edges = [0, *sorted(b for b in boundaries if 0 < b < length), length]
    return set(pairwise(edges))


@dataclass
class Score:
    """Boundary and word agreement of a segmenter with the gold segmentation."""

    precision: float
    recall: float
    f1: float
    f1_fine: float
    word_f1: float
    words_ratio: float
    misaligned: int  # sentences whose tokens did not join back to the text (scored as one word)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(sentences: list[Sentence], predicted: list[set[int]], misaligned: int = 0) -> Score:
    """Micro-averaged boundary precision, recall and F1 of `predicted` (one set per sentence)."""
    hit = found = gold = hit_fine = gold_fine = 0
    word_hit = word_found = word_gold = 0
    for sentence, pred in zip(sentences, predicted, strict=True):
        hit += len(pred & sentence.boundaries)
        found += len(pred)
        gold += len(sentence.boundaries)
        hit_fine += len(pred & sentence.fine)
        gold_fine += len(sentence.fine)
        pred_spans = spans_of(pred, len(sentence.text))
        gold_spans = spans_of(sentence.boundaries, len(sentence.text))
        word_hit += len(pred_spans & gold_spans)
        word_found += len(pred_spans)
        word_gold += len(gold_spans)
    p, r = hit / found if found else 0.0, hit / gold if gold else 0.0
    pf, rf = hit_fine / found if found else 0.0, hit_fine / gold_fine if gold_fine else 0.0
    wp, wr = word_hit / word_found, word_hit / word_gold
    return Score(p, r, _f1(p, r), _f1(pf, rf), _f1(wp, wr), word_found / word_gold, misaligned)


def predicted_boundaries(sentences: list[Sentence], tokens: list[list[str]]) -> tuple[list[set[int]], int]:
    """Boundaries of each sentence's tokens; a sentence whose tokens do not join back to it counts as one word."""
    out, misaligned = [], 0
    for sentence, toks in zip(sentences, tokens, strict=True):
        if "".join(toks) != sentence.text:
            misaligned += 1
            out.append(set())
        else:
            out.append(boundaries_of(toks))
    return out, misaligned


# ---------------------------------------------------------------------------- the worker (any interpreter)


def _segmenter(name: str) -> Callable[[str], list[str]]:
    if name == "khmercut":
        import khmercut

        return khmercut.tokenize  # type: ignore[no-any-return]
    if name == "khmercut-nn":
        import khmercut.nn

        return khmercut.nn.tokenize  # type: ignore[no-any-return]
    if name == "khmer-nltk":
        from khmernltk import word_tokenize

        return lambda text: word_tokenize(text, return_tokens=True)  # type: ignore[no-any-return]
    if name == "icu-pyicu":
        import icu

        iterator = icu.BreakIterator.createWordInstance(icu.Locale("km"))

        def icu_tokens(text: str) -> list[str]:
            iterator.setText(text)
            units = text.encode("utf-16-le")
            edges = [0, *iterator]  # UTF-16 offsets
            return [units[2 * a:2 * b].decode("utf-16-le") for a, b in pairwise(edges)]

        return icu_tokens
    raise SystemExit(f"unknown segmenter {name}")


def _version(name: str) -> str:
    from importlib import metadata

    dist = BACKENDS[name][1]
    text = f"{dist} {metadata.version(dist)}"
    if name == "icu-pyicu":
        import icu

        text += f", ICU {icu.ICU_VERSION}"
    return text


def _installed_bytes(dist: str, extras: tuple[str, ...]) -> tuple[int, list[str]]:
    """Bytes of `dist`'s files and of every distribution it requires, and their names."""
    from importlib import metadata

    seen: dict[str, int] = {}

    def walk(name: str, extras: tuple[str, ...]) -> None:
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            return
        try:
            found = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            return
        seen[key] = sum((f.size or 0) for f in found.files or [])
        for requirement in found.requires or []:
            marker = requirement.partition(";")[2]
            extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
            if extra and extra.group(1) not in extras:
                continue
            match = re.match(r"[A-Za-z0-9._-]+", requirement)
            if match:
                walk(match.group(), ())

    walk(dist, extras)
    return sum(seen.values()), sorted(seen)


def worker(name: str, first_call_only: bool) -> None:
    """Segment the JSON-lines sentences on stdin with `name`; print tokens, timings and weight."""
    t0 = time.perf_counter()
    segment = _segmenter(name)
    segment(FIRST_WORD)
    first_call = time.perf_counter() - t0
    if first_call_only:
        print(json.dumps({"first_call": first_call}))
        return
    texts = [json.loads(line) for line in sys.stdin if line.strip()]
    seconds = long_seconds = float("inf")
    long_text = " ".join(texts)
    for _ in range(REPEAT):  # the best of a few: the machine is shared
        t1 = time.perf_counter()
        tokens = [list(segment(text)) for text in texts]
        seconds = min(seconds, time.perf_counter() - t1)
        t2 = time.perf_counter()
        segment(long_text)
        long_seconds = min(long_seconds, time.perf_counter() - t2)
    size, dists = _installed_bytes(BACKENDS[name][1], BACKENDS[name][2])
    print(json.dumps({"tokens": tokens, "seconds": seconds, "long_seconds": long_seconds,
                      "first_call": first_call, "version": _version(name),
                      "bytes": size, "dists": dists}))


# ---------------------------------------------------------------------------- the table


@dataclass
class Row:
    name: str
    version: str
    score: Score
    chars_per_second: float
    long_chars_per_second: float
    first_call: float
    megabytes: float
    dependencies: str


def _deb_bytes(package: str) -> int:
    if not shutil.which("dpkg-query"):
        return 0
    done = subprocess.run(["dpkg-query", "-W", "-f=${Installed-Size}", package], capture_output=True, text=True)
    return int(done.stdout) * 1024 if done.returncode == 0 and done.stdout.strip().isdigit() else 0


def _run_worker(python: str, name: str, payload: str, sentences: list[Sentence]) -> Row | str:
    command = [python, str(Path(__file__).resolve()), "--worker", name]
    done = subprocess.run(command, input=payload, capture_output=True, text=True)
    if done.returncode:
        return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
    result = json.loads(done.stdout)
    # First call again in fresh processes (the one above shares its start with the rest); the median of three.
    firsts = sorted(json.loads(subprocess.run([*command, "--first-call"], capture_output=True, text=True,
                                              check=True).stdout)["first_call"] for _ in range(3))
    predicted, misaligned = predicted_boundaries(sentences, result["tokens"])
    size = result["bytes"]
    deps = [d for d in result["dists"] if d != re.sub(r"[-_.]+", "-", BACKENDS[name][1]).lower()]
    if name == "icu-pyicu":
        size += _deb_bytes("libicu72")
        deps.append("libicu72 (system)")
    chars = sum(len(s.text) for s in sentences)
    return Row(name, result["version"], score(sentences, predicted, misaligned), chars / result["seconds"],
               (chars + len(sentences) - 1) / result["long_seconds"], firsts[1], size / 1e6,
               ", ".join(deps) or "none")


def _run_node(payload: str, sentences: list[Sentence]) -> Row | str:
    node = shutil.which("node")
    if not node:
        return "node is not on PATH"
    done = subprocess.run([node, "-e", NODE_SCRIPT], input=payload, capture_output=True, text=True)
    if done.returncode:
        return done.stderr.strip()[-200:]
    result = json.loads(done.stdout)
    predicted, misaligned = predicted_boundaries(sentences, result["tokens"])
    chars = sum(len(s.text) for s in sentences)
    size = _deb_bytes("nodejs") or Path(node).resolve().stat().st_size
    return Row("icu-node", result["version"], score(sentences, predicted, misaligned), chars / result["seconds"],
               (chars + len(sentences) - 1) / result["long_seconds"], result["first_call"], size / 1e6,
               "none (ICU built into node)")


def project_score(sentences: list[Sentence]) -> Score:
    """The score of `opedarchive.text.words` itself, on the boundaries it can place: those inside or
    at the edge of a Khmer run (a boundary between two punctuation marks is no business of it)."""
    from opedarchive.text import words

    in_run = re.compile("[\u1780-\u17d3\u17dc\u17dd\u17e0-\u17e9\u19e0-\u19ff]")
    predicted, kept = [], []
    for sentence in sentences:
        text = sentence.text
        touching = {b for b in range(1, len(text)) if in_run.match(text[b - 1]) or in_run.match(text[b])}
        edges = {e for span in words.word_spans(text) for e in span if 0 < e < len(text)}
        predicted.append(edges & touching)
        kept.append(Sentence(text, sentence.words, sentence.boundaries & touching, sentence.fine & touching))
    return score(kept, predicted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other-python", help="an interpreter with khmer-nltk, khmercut[nn] and PyICU installed")
    parser.add_argument("--worker", choices=sorted(BACKENDS), help=argparse.SUPPRESS)
    parser.add_argument("--first-call", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.first_call)
        return 0

    sentences = load_sample()
    payload = "\n".join(json.dumps(s.text) for s in sentences) + "\n"
    chars = sum(len(s.text) for s in sentences)
    gold_words = sum(len(s.words) for s in sentences)
    print(f"khPOS OPEN-TEST: {len(sentences)} sentences, {gold_words} gold words, {chars} characters\n")
    rows: list[Row] = []
    plan = [(sys.executable, "khmercut")]
    if args.other_python:
        plan += [(args.other_python, name) for name in ("khmercut-nn", "khmer-nltk", "icu-pyicu")]
    for python, name in plan:
        outcome = _run_worker(python, name, payload, sentences)
        if isinstance(outcome, str):
            print(f"{name}: not measured ({outcome})", file=sys.stderr)
        else:
            rows.append(outcome)
    outcome = _run_node(payload, sentences)
    if isinstance(outcome, str):
        print(f"icu-node: not measured ({outcome})", file=sys.stderr)
    else:
        rows.append(outcome)

    print("| segmenter | version | boundary P | boundary R | boundary F1 | F1 fine | word F1 | words/gold "
          "| chars/s (by sentence) | chars/s (one text) | first call | installed | requires |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        s = row.score
        note = f" ({s.misaligned} sentences changed)" if s.misaligned else ""
        print(f"| {row.name} | {row.version} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.f1_fine:.3f} "
              f"| {s.word_f1:.3f} | {s.words_ratio:.2f}{note} | {row.chars_per_second:,.0f} "
              f"| {row.long_chars_per_second:,.0f} "
              f"| {row.first_call * 1000:,.0f} ms | {row.megabytes:,.0f} MB | {row.dependencies} |")
    from opedarchive.text import words

    long_text = " ".join(s.text for s in sentences)
    t0 = time.perf_counter()
    count = words.count_words(long_text)
    cold = time.perf_counter() - t0
    print(f"\nopedarchive.text.words.count_words of the sentences as one text (cold, model load included): "
          f"{count:,} words, {len(long_text) / cold:,.0f} characters/s")
    ours = project_score(sentences)
    print(f"opedarchive.text.words (boundaries touching a Khmer run): P {ours.precision:.3f} R {ours.recall:.3f} "
          f"F1 {ours.f1:.3f}, word F1 {ours.word_f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
