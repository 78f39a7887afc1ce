"""Time `opedarchive show` of huge bodies and of posts with many paragraphs, the alignment alone,
and a site export of the longest post, each as a whole command; print the table of targets.

    python bench/bench_show.py                    # every case (the archives are kept in bench/.cache/show)
    python bench/bench_show.py --only "1 MB" --timeout 60

Issue 14, item 7: `show`, the side-by-side view and the alignment bounded in time and memory;
targets under 2 s and 200 MB for each case. The archive is generated deterministically (fixed
seeds): a post whose English and Khmer bodies are each one single-line paragraph of 1 MB (and one
of 15 MB; UTF-8 bytes), posts of 4,000 against 3,999 and 100,000 against 99,999 short paragraphs
(counts that differ, so the length-based alignment runs), one of 10,000 against 10,000, and real
news: NTREX-128's articles as one post of about 1,100 paragraphs, three left out of the Khmer and
one added (real lengths seldom repeat: the programme's costs are worked out anew far more). Each
command runs in a fresh process with its output to a file (wide views with COLUMNS=160); its
peak RSS is that process's own (`os.wait4`). A case that runs past `--timeout` is killed and
reported as such. With PYTHONPATH pointing at another checkout's `src`, the same cases time that
code (how the "before" column of docs/performance.md (issue 14, item 7) was measured).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TARGET_SECONDS = 2.0
TARGET_MB = 200.0
ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache" / "show"
OPED = Path(sys.executable).with_name("opedarchive")
WORDS = [
    "election", "commune", "vote", "court", "party", "voter", "body", "neutral", "committee", "reform",
    "justice", "citizen", "freedom", "assembly", "candidate", "ballot", "count", "observer", "result",
    "complaint", "democracy", "rights", "law", "press", "province", "capital", "minister", "council",
]
KHMER = [
    "ការបោះឆ្នោត", "ឃុំ", "សង្កាត់", "តុលាការ", "គណបក្ស", "អ្នកបោះឆ្នោត", "អព្យាក្រឹត", "គណៈកម្មាធិការ",
    "កំណែទម្រង់", "យុត្តិធម៌", "ពលរដ្ឋ", "សេរីភាព", "បេក្ខជន", "សន្លឹកឆ្នោត", "លទ្ធផល", "ប្រជាធិបតេយ្យ",
    "សិទ្ធិ", "ច្បាប់",
]
MB = 1024 * 1024


def english_sentence(rng: random.Random, low: int = 8, high: int = 20) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def khmer_sentence(rng: random.Random, low: int = 6, high: int = 14) -> str:
    # Khmer words run together; a sentence ends with ។ and a space separates sentences.
    return "".join(rng.choice(KHMER) for _ in range(rng.randint(low, high))) + "។"


def one_line(rng: random.Random, size: int, khmer: bool) -> str:
    """One paragraph on one line of about `size` UTF-8 bytes."""
    parts: list[str] = []
    total = 0
    while total < size:
        sentence = khmer_sentence(rng) if khmer else english_sentence(rng)
        parts.append(sentence)
        total += len(sentence.encode("utf-8")) + 1
    return " ".join(parts)


def many_paragraphs(rng: random.Random, count: int, khmer: bool) -> str:
    """`count` short paragraphs (one sentence each) between blank lines. The two versions' lengths
    are drawn independently: the alignment finds no easy path (a translation's lengths follow
    its original's, which is the easier case)."""
    if khmer:
        return "\n\n".join(khmer_sentence(rng, 1, 5) for _ in range(count))
    return "\n\n".join(english_sentence(rng, 3, 9) for _ in range(count))


def both(make: Callable[[random.Random, bool], str]) -> Callable[[random.Random], tuple[str, str]]:
    """A maker of (English body, Khmer body) from a maker of one body."""
    return lambda rng: (make(rng, False), make(rng, True))


def write_post(archive: Path, post_id: str, lang: str, title: str, body: str) -> None:
    folder = archive / "posts" / post_id[:4]
    folder.mkdir(parents=True, exist_ok=True)
    text = f"---\ntitle: {title}\ndate: {post_id[:10]}\nlang: {lang}\n---\n\n{body}\n"
    (folder / f"{post_id}.{lang}.md").write_text(text, encoding="utf-8")


NTREX = ROOT.parent / "tests" / "data" / "realworld" / "ntrex" / "ntrex-128-en-km.jsonl"


def ntrex_paragraphs(record: dict[str, list[str]], rng: random.Random) -> tuple[list[str], list[str]]:
    """An NTREX-128 article's sentences (headline left out) as paragraphs of one to three of
    them, in the same cut on both sides."""
    english: list[str] = []
    khmer: list[str] = []
    i = 1
    while i < len(record["en"]):
        size = rng.choice((1, 1, 2, 2, 3))
        english.append(" ".join(record["en"][i : i + size]))
        khmer.append(" ".join(record["km"][i : i + size]))
        i += size
    return english, khmer


def real_news(rng: random.Random) -> tuple[str, str]:
    """Real text (NTREX-128, tests/data/realworld/ntrex/SOURCE.md): the sentences of all 123
    articles as paragraphs of one to three lines, in the same cut on both sides, about 1,100 of
    them; in the Khmer, three paragraphs left out and one added (so the counts differ and the
    programme runs on text whose lengths seldom repeat)."""
    import json

    english: list[str] = []
    khmer: list[str] = []
    for line in NTREX.read_text(encoding="utf-8").splitlines():
        en, km = ntrex_paragraphs(json.loads(line), rng)
        english += en
        khmer += km
    for k in sorted(rng.sample(range(len(khmer)), 3), reverse=True):
        del khmer[k]
    khmer.insert(rng.randrange(len(khmer)), "ការកត់សម្គាល់របស់អ្នកបកប្រែ។")
    return "\n\n".join(english), "\n\n".join(khmer)


# Post ids, each with an English and a Khmer version: (English body, Khmer body) makers.
POSTS: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "2024-01-01-body-1mb": both(lambda rng, khmer: one_line(rng, MB, khmer)),
    "2024-01-02-body-15mb": both(lambda rng, khmer: one_line(rng, 15 * MB, khmer)),
    "2024-01-03-paragraphs-4000": both(lambda rng, khmer: many_paragraphs(rng, 3999 if khmer else 4000, khmer)),
    "2024-01-04-paragraphs-10000": both(lambda rng, khmer: many_paragraphs(rng, 10_000, khmer)),
    "2024-01-05-paragraphs-100000": both(lambda rng, khmer: many_paragraphs(rng, 99_999 if khmer else 100_000, khmer)),
    "2024-01-06-real-news": real_news,
}
# The site export (which aligns every post) runs on an archive of that last post alone.
EXPORTED = "2024-01-05-paragraphs-100000"


# The archive the lexicon is learned from: NTREX-128's first LEXICON_ARTICLES articles as posts
# in English and Khmer (paragraphs pair one to one), and the next one with a Khmer paragraph left
# out (EDITED), which `show` aligns with the lexicon of the others.
LEXICON_ARTICLES = 100
EDITED = "2019-06-01-edited"


def translated_articles(root: Path) -> None:
    """NTREX-128's articles (tests/data/realworld/ntrex/SOURCE.md) as posts, paragraphs of one to
    three sentences as in `real_news`, headline as title; the last one edited."""
    import json

    records = [json.loads(line) for line in NTREX.read_text(encoding="utf-8").splitlines()]
    rng = random.Random("lexicon")
    for n, record in enumerate(records[: LEXICON_ARTICLES + 1]):
        english, khmer = ntrex_paragraphs(record, rng)
        post_id = f"2019-05-{1 + n % 28:02d}-article-{n:03d}"
        if n == LEXICON_ARTICLES:
            post_id = EDITED
            del khmer[rng.randrange(len(khmer))]
        write_post(root, post_id, "en", json.dumps(record["en"][0], ensure_ascii=False), "\n\n".join(english))
        write_post(root, post_id, "km", "ខ្មែរ " + post_id, "\n\n".join(khmer))


def make_archives(root: Path) -> tuple[Path, Path]:
    """The generated archive, one of EXPORTED alone and one of translated articles (made once:
    the bodies depend on the seed only)."""
    archive, alone, translated = root / "archive", root / "archive-export", root / "archive-translated"
    stamp = root / ".generated-v3"
    if stamp.exists():
        return archive, alone
    shutil.rmtree(archive, ignore_errors=True)
    shutil.rmtree(alone, ignore_errors=True)
    shutil.rmtree(translated, ignore_errors=True)
    for folder in (archive, alone, translated):
        subprocess.run([str(OPED), "--archive", str(folder), "init"], check=True, capture_output=True)
    translated_articles(translated)
    for post_id, make in POSTS.items():
        english, khmer = make(random.Random(post_id))
        for folder in (archive, alone) if post_id == EXPORTED else (archive,):
            write_post(folder, post_id, "en", f"English {post_id[11:]}", english)
            write_post(folder, post_id, "km", f"ខ្មែរ {post_id[11:]}", khmer)
    stamp.touch()
    return archive, alone


@dataclass
class Result:
    name: str
    seconds: float
    peak_mb: float
    status: str  # "ok", "exit N" or "timeout"
    output_mb: float


def run(name: str, argv: list[str], env: dict[str, str], timeout: float, out: Path) -> Result:
    """One command in a fresh process, stdout to `out`; wall time and that process's peak RSS."""
    with out.open("wb") as stdout, out.with_suffix(".err").open("wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=stdout, stderr=stderr, env=env, start_new_session=True)
        deadline = start + timeout
        status = "ok"
        while True:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, code, usage = os.wait4(proc.pid, 0)
                status = "timeout"
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(code)
    if status == "ok" and proc.returncode != 0:
        status = f"exit {proc.returncode}"
    return Result(name, seconds, usage.ru_maxrss / 1024, status, out.stat().st_size / MB)


ALIGN_ONLY = """
import sys, time
from pathlib import Path
from opedarchive.align import align, paragraphs
from opedarchive.model import body_of
a = paragraphs(body_of(Path(sys.argv[1]).read_text(encoding="utf-8")))
b = paragraphs(body_of(Path(sys.argv[2]).read_text(encoding="utf-8")))
start = time.perf_counter()
pairs = align(a, b)
seconds = time.perf_counter() - start
assert [i for x, _ in pairs for i in x] == list(range(len(a)))
assert [j for _, y in pairs for j in y] == list(range(len(b)))
print(f"{len(a)} {len(b)} {len(pairs)} {seconds:.3f}")
"""


def cases(archive: Path, alone: Path, site: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    """(name, argv, extra environment) of every timed command."""
    show = [str(OPED), "--archive", str(archive), "show"]
    wide = {"COLUMNS": "160"}
    out: list[tuple[str, list[str], dict[str, str]]] = []
    for size, post in (("1 MB", "2024-01-01-body-1mb"), ("15 MB", "2024-01-02-body-15mb")):
        out.append((f"show, {size} one-line Latin body", [*show, post, "--lang", "en", "--no-pager"], {}))
        out.append((f"show, {size} one-line Khmer body", [*show, post, "--lang", "km", "--no-pager"], {}))
        out.append((f"show --side-by-side, {size} Latin and {size} Khmer",
                    [*show, post, "--side-by-side", "--no-pager"], wide))
    for count, post in (("4,000/3,999", "2024-01-03-paragraphs-4000"), ("10,000/10,000", "2024-01-04-paragraphs-10000"),
                        ("100,000/99,999", "2024-01-05-paragraphs-100000")):
        out.append((f"show --side-by-side, {count} paragraphs", [*show, post, "--side-by-side", "--no-pager"], wide))
        out.append((f"show --stacked, {count} paragraphs", [*show, post, "--stacked", "--no-pager"], {}))
        out.append((f"show --json (with the alignment), {count} paragraphs", [*show, post, "--json"], {}))
    real = "2024-01-06-real-news"
    out.append(("show --side-by-side, real news (NTREX-128), about 1,100 paragraphs",
                [*show, real, "--side-by-side", "--no-pager"], wide))
    out.append(("show --json (with the alignment), real news (NTREX-128)", [*show, real, "--json"], {}))
    # The lexicon learned from 100 translated articles (the kept one removed first), then kept.
    translated = archive.parent / "archive-translated"
    kept = translated / ".opedarchive" / "lexicon-en-km.json"
    edited = [str(OPED), "--archive", str(translated), "show", EDITED, "--json"]
    out.append(("show --json, an edited article among 100 translated ones: lexicon learned",
                ["sh", "-c", f'rm -f "{kept}" && exec "$0" "$@"', *edited], {}))
    out.append(("show --json, an edited article among 100 translated ones: lexicon kept", edited, {}))
    files = archive / "posts" / "2024" / EXPORTED
    out.append(("align alone, 100,000/99,999 paragraphs (in a process)",
                [sys.executable, "-c", ALIGN_ONLY, f"{files}.en.md", f"{files}.km.md"], {}))
    out.append(("export --html --clean, one post of 100,000/99,999 paragraphs",
                [str(OPED), "--archive", str(alone), "export", "--html", "--clean", "-o", str(site)], {}))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a case is killed")
    parser.add_argument("--only", default="", help="run only the cases whose name holds this text")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each case; the table shows the fastest and the largest peak")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the generated archive is kept")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.generate_only:
        make_archives(args.cache)
        return 0
    started = time.perf_counter()
    # Generated in a child: a child of this process starts with this one's memory counted in
    # its peak RSS until it execs, so this one stays small.
    subprocess.run([sys.executable, __file__, "--generate-only", "--cache", str(args.cache)], check=True)
    archive, alone = make_archives(args.cache)
    print(f"archive: {archive} (generated/checked in {time.perf_counter() - started:.1f} s)", flush=True)
    env = {**os.environ, "NO_COLOR": "1", "PAGER": "cat"}
    env.pop("COLUMNS", None)
    results: list[Result] = []
    load = os.getloadavg()[0]
    for i, (name, argv, extra) in enumerate(cases(archive, alone, args.cache / "site")):
        if args.only not in name:
            continue
        runs = [run(name, argv, {**env, **extra}, args.timeout, args.cache / f"out-{i}.txt")
                for _ in range(max(1, args.repeat))]
        # A shared machine slows a run down, never speeds it up: the fastest run is the cost.
        result = min(runs, key=lambda r: (r.status != "ok", r.seconds))
        result.peak_mb = max(r.peak_mb for r in runs)
        results.append(result)
        print(f"  {name}: {result.seconds:.2f} s, {result.peak_mb:.0f} MB, {result.status}", flush=True)
    print(f"\n{os.cpu_count()} CPUs; load average (1 min) {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print(f"| case | seconds | peak RSS MB | output MB | status | < {TARGET_SECONDS:g} s | < {TARGET_MB:g} MB |")
    print("| --- | ---: | ---: | ---: | --- | --- | --- |")
    missed = 0
    for r in results:
        fast = r.status == "ok" and r.seconds < TARGET_SECONDS
        small = r.status == "ok" and r.peak_mb < TARGET_MB
        missed += not (fast and small)
        print(f"| {r.name} | {r.seconds:.2f} | {r.peak_mb:.0f} | {r.output_mb:.1f} | {r.status} | "
              f"{'met' if fast else 'NOT met'} | {'met' if small else 'NOT met'} |")
    print(f"\n{len(results) - missed} of {len(results)} cases meet both targets.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
