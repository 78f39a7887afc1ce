"""A deterministic archive of N generated op-eds for benchmarks: seed-page sentences plus a
Zipf-distributed vocabulary, about half of the posts with a Khmer translation.

    python bench/gen_corpus.py 10000 /tmp/bench-10k

The same N and seed always give the same files, and the first N posts of a larger corpus
are the posts of a smaller one. Posts are laid out as PRODUCT.md says:
`posts/YYYY/<id>.<lang>.md` under an archive made by `Archive.init`.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from opedarchive.archive import Archive
from opedarchive.model import Version, render_post
from opedarchive.text.khmer import clusters
from opedarchive.text.slug import make_id

REPO = Path(__file__).resolve().parent.parent
SEED_POSTS = REPO / "archive" / "posts"
FIRST_DAY = date(2000, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days
# A word planted in about one post in 2,000, for "rare word" timings.
RARE_WORD = "zyxomancy"
AUTHORS = ["Sophoan Seng", "Chan Dara", "Mu Sochua", "Kem Ley", "Sok Leakhena", "Pen Bona",
           "Lim Sovann", "Meas Rithy", "Ou Virak", "Chhim Sothy"]
OUTLETS = ["VOD English", "Khmer Times", "The Phnom Penh Post", "Cambodia Daily", "Khmer Oversea", ""]
KINDS = ["op-ed", "letter", "statement", "essay"]
TAGS = ["election", "nec", "courts", "land", "youth", "diaspora", "media", "economy", "human rights"]
SYLLABLES = ["ka", "ro", "mi", "san", "tek", "vo", "lin", "da", "pra", "chu", "neth", "bo", "ry", "sam", "el"]


def seed_sentences() -> tuple[list[str], list[str]]:
    """English and Khmer sentences of the bundled seed posts."""
    english: list[str] = []
    khmer: list[str] = []
    for path in sorted(SEED_POSTS.glob("*/*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        for para in body.split("\n\n"):
            para = " ".join(para.split())
            if not para:
                continue
            if path.name.endswith(".km.md"):
                khmer.extend(s.strip() + "។" for s in para.split("។") if len(s.strip()) > 10)
            else:
                english.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", para) if len(s.strip()) > 20)
    return english, khmer


class Zipf:
    """Draws words with probability proportional to 1 / rank^s."""

    def __init__(self, words: list[str], s: float = 1.07) -> None:
        self.words = words
        self.cum = list(itertools.accumulate(1.0 / (r ** s) for r in range(1, len(words) + 1)))

    def draw(self, rng: random.Random, k: int) -> list[str]:
        total = self.cum[-1]
        return [self.words[bisect.bisect_left(self.cum, rng.random() * total)] for _ in range(k)]


def _vocabularies(english: list[str], khmer: list[str]) -> tuple[Zipf, Zipf]:
    rng = random.Random(7)
    counts: dict[str, int] = {}
    for sentence in english:
        for word in re.findall(r"[A-Za-z]+", sentence):
            counts[word.lower()] = counts.get(word.lower(), 0) + 1
    en_words = sorted(counts, key=lambda w: (-counts[w], w))
    seen = set(en_words)
    while len(en_words) < 30_000:  # the long tail: made-up words, each rare
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            en_words.append(word)
    km_counts: dict[str, int] = {}
    for sentence in khmer:
        for run in sentence.replace("។", " ").split():
            parts = clusters(run)
            for i in range(0, len(parts), 3):  # Khmer has no spaces: words of 2–4 clusters
                word = "".join(parts[i : i + rng.randint(2, 4)])
                if len(word) > 1:
                    km_counts[word] = km_counts.get(word, 0) + 1
    km_words = sorted(km_counts, key=lambda w: (-km_counts[w], w))
    return Zipf(en_words), Zipf(km_words)


class Generator:
    """Posts number 0, 1, 2, … as (id, day, versions), each from its own random stream."""

    def __init__(self, seed: int = 1) -> None:
        self.seed = seed
        self.english, self.khmer = seed_sentences()
        self.en_vocab, self.km_vocab = _vocabularies(self.english, self.khmer)

    def _en_sentence(self, rng: random.Random) -> str:
        if rng.random() < 0.4:
            return rng.choice(self.english)
        words = self.en_vocab.draw(rng, rng.randint(10, 28))
        return " ".join(words).capitalize() + "."

    def _km_sentence(self, rng: random.Random) -> str:
        if rng.random() < 0.4:
            return rng.choice(self.khmer)
        words = self.km_vocab.draw(rng, rng.randint(12, 30))
        # Khmer writes phrases without spaces; a space every few words, as in the seed.
        out = []
        for i, word in enumerate(words):
            out.append(word)
            if i % rng.randint(3, 6) == 0:
                out.append(" ")
        return "".join(out).strip() + "។"

    def post(self, n: int) -> tuple[date, str, list[Version]]:
        rng = random.Random(f"{self.seed}-{n}")
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        title = " ".join(self.en_vocab.draw(rng, rng.randint(3, 9))).title()
        paragraphs = []
        for _ in range(max(3, int(rng.lognormvariate(2.0, 0.4)))):  # about 8 paragraphs
            paragraphs.append(" ".join(self._en_sentence(rng) for _ in range(rng.randint(2, 6))))
        if rng.random() < 0.0005 * 2:
            paragraphs[rng.randrange(len(paragraphs))] += f" The {RARE_WORD} of it all."
        meta = {
            "title": title, "date": day, "lang": "en",
            "authors": [rng.choice(AUTHORS)], "outlet": rng.choice(OUTLETS),
            "kind": rng.choice(KINDS), "tags": sorted(set(rng.sample(TAGS, rng.randint(1, 3)))),
        }
        versions = [Version("en", meta, "\n\n".join(paragraphs) + "\n")]
        if rng.random() < 0.5:
            km_paragraphs = [" ".join(self._km_sentence(rng) for _ in range(max(1, len(p) // 180)))
                             for p in paragraphs]
            km_title = "".join(self.km_vocab.draw(rng, rng.randint(3, 7)))
            km_meta = {"title": km_title, "date": day, "lang": "km", "authors": meta["authors"]}
            versions.append(Version("km", km_meta, "\n\n".join(km_paragraphs) + "\n"))
        return day, title, versions


def generate(count: int, target: Path, seed: int = 1) -> tuple[int, int]:
    """Write `count` posts into a new archive at `target`; returns (files, bytes)."""
    Archive.init(target, title=f"Benchmark archive ({count} posts)")
    gen = Generator(seed)
    taken: set[str] = set()
    files = size = 0
    for n in range(count):
        day, title, versions = gen.post(n)
        base = post_id = make_id(day, title)
        k = 1
        while post_id in taken:
            k += 1
            post_id = f"{base}-{k}"
        taken.add(post_id)
        folder = target / "posts" / f"{day.year:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        for version in versions:
            data = render_post(version).encode("utf-8")
            (folder / f"{post_id}.{version.lang}.md").write_bytes(data)
            files += 1
            size += len(data)
    return files, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many posts")
    parser.add_argument("target", type=Path, help="a folder that does not exist yet")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.target.exists():
        print(f"{args.target}: already exists", file=sys.stderr)
        return 2
    started = time.perf_counter()
    files, size = generate(args.count, args.target, args.seed)
    print(f"{args.count} posts, {files} files, {size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
