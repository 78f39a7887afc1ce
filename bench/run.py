"""Time whole `opedarchive` commands on generated archives of 1k, 10k and 100k posts.

    python bench/run.py                      # 1000 10000 100000 posts
    python bench/run.py 1000 10000 --repeat 7

For each size: the first index build (a search with no index), warm searches for a common
word, a rare word, a Khmer word and a phrase, `list --limit 20`, `summary`, and a search right
after one file was edited; then the same with `opedarchive watch` running (rows marked
"watcher": commands trust it instead of checking every file); ripgrep (`rg -l -F`) over the
same files as the yardstick when it is installed. Every number is the median wall time of
whole processes (start-up included) and the peak resident memory of the slowest run, taken
with os.wait4. Corpora are generated once (bench/gen_corpus.py) under --work and reused.
Not part of CI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import RARE_WORD, generate

_SCRIPT = Path(sys.executable).with_name("opedarchive")
OPED = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "opedarchive"]
SEARCHES = {
    "search: common word": ["election"],
    "search: rare word": [RARE_WORD],
    "search: Khmer word": ["ឆ្នោត"],
    "search: phrase": ['"national election committee"'],
}
# Measure the program as installed: with its bytecode cached (some shells set this variable,
# and then every run would compile the package's modules again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
RG_TERMS = {"common word": "election", "rare word": RARE_WORD, "Khmer word": "ឆ្នោត",
            "phrase": "national election committee"}


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, proc.returncode


def measure(cmd: list[str], repeat: int, touch: Path | None = None) -> dict[str, float]:
    times, peaks = [], []
    for n in range(repeat):
        if touch is not None:  # an edit by another program: append a line
            with touch.open("a", encoding="utf-8") as fh:
                fh.write(f"\nEdited for the benchmark, run {n}.\n")
        seconds, peak, code = timed(cmd)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)}: exit {code}")
        times.append(seconds)
        peaks.append(peak)
    return {"median": statistics.median(times), "min": min(times), "peak_mb": max(peaks)}


class Watcher:
    """`opedarchive watch` on an archive, for as long as the `with` block lasts."""

    def __init__(self, base: list[str]) -> None:
        self.cmd = [*base, "watch"]

    def __enter__(self) -> Watcher:
        self.proc = subprocess.Popen(self.cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert self.proc.stderr is not None
        said = []
        while True:  # its first full check of the files, then it says it is watching
            ready, _, _ = select.select([self.proc.stderr], [], [], 600)
            line = self.proc.stderr.readline() if ready else ""
            if not line:
                raise SystemExit(f"the watcher did not start: {said}")
            said.append(line.strip())
            if line.startswith("Watching"):
                return self

    def __exit__(self, *exc: object) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def corpus(work: Path, size: int) -> Path:
    target = work / f"archive-{size}"
    if not (target / "opedarchive.toml").is_file():
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        files, nbytes = generate(size, target)
        print(f"generated {size} posts ({files} files, {nbytes / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return target


def text_bytes(archive: Path) -> int:
    return sum(e.stat().st_size for d in os.scandir(archive / "posts") for e in os.scandir(d.path))


def bench_size(work: Path, size: int, repeat: int, keep_index: bool = False, with_list: bool = True,
               with_watcher: bool = True) -> dict[str, object]:
    archive = corpus(work, size)
    base = [*OPED, "--archive", str(archive)]
    results: dict[str, dict[str, float]] = {}
    if not keep_index or not (archive / ".opedarchive" / "index.sqlite").exists():
        shutil.rmtree(archive / ".opedarchive", ignore_errors=True)
        seconds, peak, _ = timed([*base, "search", RARE_WORD])
        results["first index build (search)"] = {"median": seconds, "min": seconds, "peak_mb": peak}
    timed([*base, "search", RARE_WORD])  # settle files the build saw as just written
    for name, query in SEARCHES.items():
        results[name] = measure([*base, "search", *query], repeat)
    edited = sorted((archive / "posts").glob("2010/*.en.md"))[0]
    if with_list:
        results["list --limit 20"] = measure([*base, "list", "--limit", "20"], repeat)
        results["summary"] = measure([*base, "summary"], repeat)
        results["summary after one file edited"] = measure([*base, "summary"], repeat, touch=edited)
    results["search after one file edited"] = measure([*base, "search", "election"], repeat, touch=edited)
    results["--help"] = measure([*OPED, "--help"], repeat)
    if with_watcher:
        with Watcher(base):
            for name in ("search: common word", "search: Khmer word"):
                results[f"{name} (watcher)"] = measure([*base, "search", *SEARCHES[name]], repeat)
            if with_list:
                results["list --limit 20 (watcher)"] = measure([*base, "list", "--limit", "20"], repeat)
                results["summary (watcher)"] = measure([*base, "summary"], repeat)
                results["summary after one file edited (watcher)"] = measure(
                    [*base, "summary"], repeat, touch=edited)
            results["search after one file edited (watcher)"] = measure(
                [*base, "search", "election"], repeat, touch=edited)
    rg = shutil.which("rg")
    if rg:
        for name, term in RG_TERMS.items():
            results[f"rg -l -F: {name}"] = measure([rg, "-l", "-F", term, str(archive / "posts")], repeat)
    index = archive / ".opedarchive" / "index.sqlite"
    index_bytes = sum(p.stat().st_size for p in index.parent.glob("index.sqlite*"))
    return {"posts": size, "files": sum(1 for _ in (archive / "posts").glob("*/*.md")),
            "text_mb": text_bytes(archive) / 1e6, "index_mb": index_bytes / 1e6, "results": results}


def table(runs: list[dict[str, object]]) -> str:
    names: list[str] = []
    for run in runs:
        for name in run["results"]:  # type: ignore[attr-defined]
            if name not in names:
                names.append(name)
    head = "| operation | " + " | ".join(f"{r['posts']:,} posts: median / min s (peak MB)" for r in runs) + " |"
    lines = [head, "|" + " --- |" * (len(runs) + 1)]
    for name in names:
        cells = []
        for run in runs:
            cell = run["results"].get(name)  # type: ignore[attr-defined]
            cells.append(f"{cell['median']:.3f} / {cell['min']:.3f} ({cell['peak_mb']:.0f})" if cell else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| text / index size (MB) | " + " | ".join(
        f"{r['text_mb']:.0f} / {r['index_mb']:.0f} ({r['index_mb'] / r['text_mb']:.2f}×)" for r in runs) + " |")  # type: ignore[operator]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (the median is shown)")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "opedarchive-bench")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument("--keep-index", action="store_true", help="time searches on the index there is (no build)")
    parser.add_argument("--no-list", action="store_true", help="skip `list` and `summary`")
    parser.add_argument("--no-watcher", action="store_true", help="skip the runs with `opedarchive watch`")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    runs = []
    for size in args.sizes:
        print(f"benchmarking {size} posts… (load average {os.getloadavg()[0]:.1f})", file=sys.stderr)
        runs.append(bench_size(args.work, size, args.repeat, args.keep_index, not args.no_list,
                               not args.no_watcher))
        runs[-1]["load_after"] = os.getloadavg()[0]
        print(f"  done (load average {runs[-1]['load_after']:.1f})", file=sys.stderr)
    print(f"{platform.node()}: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, "
          f"load average after the run {os.getloadavg()[0]:.1f}")
    print(table(runs))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
