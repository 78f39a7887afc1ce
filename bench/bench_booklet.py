"""Time `opedarchive export --pdf` and `--epub` of a generated archive, each a whole command in a
fresh process; print a table with the load average and the target (issue 20: a 500-post booklet in
under 60 s).

    python bench/bench_booklet.py            # 500 posts (archive kept in bench/.cache/booklet)
    python bench/bench_booklet.py 50 500
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from gen_corpus import generate

TARGET_SECONDS = 60.0
CACHE = Path(__file__).resolve().parent / ".cache" / "booklet"
OPED = Path(sys.executable).with_name("opedarchive")


def timed(args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one command in a fresh process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("posts", nargs="*", type=int, default=[500])
    args = parser.parse_args()
    rows = []
    for count in args.posts:
        root = CACHE / f"{count}"
        if not root.is_dir():
            generate(count, root)
        out = CACHE / f"out-{count}"
        out.mkdir(exist_ok=True)
        for fmt, extra in (("pdf", []), ("pdf", ["--stacked"]), ("epub", [])):
            target = out / f"booklet{'-stacked' if extra else ''}.{fmt}"
            load = os.getloadavg()[0]
            wall, cpu, rss = timed([str(OPED), "--archive", str(root), "export", f"--{fmt}", str(target), *extra])
            what = f"--{fmt} {' '.join(extra)}".strip()
            rows.append((count, what, wall, cpu, rss, target.stat().st_size, load))
    print("| posts | command | wall s | CPU s | peak MB | size MB | load avg (1 min) "
          f"| target < {TARGET_SECONDS:.0f} s |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for count, what, wall, cpu, rss, size, load in rows:
        met = "met" if wall < TARGET_SECONDS else "NOT met"
        print(f"| {count} | `export {what}` | {wall:.1f} | {cpu:.1f} | {rss:.0f} | {size / 1e6:.1f} "
              f"| {load:.2f} | {met} |")
    print(f"cores: {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
