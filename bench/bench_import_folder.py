"""Time `opedarchive import` of a folder of Markdown files (a generated archive read as a Hugo-style
folder, translations paired by file name) and measure its CPU time and peak memory.

    python bench/bench_import_folder.py                 # 10,000 posts
    python bench/bench_import_folder.py 10000 100000    # the target of issue 8 is at 100,000

The source folders are generated archives (bench/gen_corpus.py), made once under --work and
reused (/tmp/opedarchive-bench/archive-N, as bench/run.py makes them); they are only read. Each
import goes into a fresh archive under --into, deleted afterwards. The importer runs in a child
process; every 0.1 s /proc is read for it and its descendants (the worker processes, which
os.wait4 cannot see): the CPU time (user + system) summed over them, the largest process's peak
resident memory (VmHWM) and the peak of their sum. The load average before and after is
printed beside the wall time: the machine is shared. Linux only; not part of CI. Target (issue
8): 100,000 posts in at most 120 s, using both cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import _tree  # pid and its descendants, from /proc

_SCRIPT = Path(sys.executable).with_name("opedarchive")
OPED = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "opedarchive"]
TARGET_SECONDS = {100_000: 120.0}
TICKS = os.sysconf("SC_CLK_TCK")


def _sample(pid: int) -> tuple[float, float, int, int] | None:
    """(user and system CPU seconds, peak RSS kB, current RSS kB) of one process; None once it
    is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    values = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith("Vm")}
    return int(fields[11]) / TICKS, int(fields[12]) / TICKS, int(values.get("VmHWM", 0)), int(values.get("VmRSS", 0))


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(source: Path, target: Path) -> dict[str, object]:
    """Import `source` into a new archive at `target` in a child process, watched from /proc."""
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run([*OPED, "init", str(target)], check=True, capture_output=True)
    load_before = _load()
    started = time.perf_counter()
    proc = subprocess.Popen([*OPED, "--archive", str(target), "import", str(source)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    cpu: dict[int, tuple[float, float]] = {}
    peak: dict[int, int] = {}
    tree_peak = 0
    while proc.poll() is None:
        now = 0
        for pid in _tree(proc.pid):
            sample = _sample(pid)
            if sample is not None:
                cpu[pid], peak[pid] = sample[:2], max(peak.get(pid, 0), sample[2])
                now += sample[3]
        tree_peak = max(tree_peak, now)
        time.sleep(0.1)
    main_user, main_sys = cpu.get(proc.pid, (0.0, 0.0))
    wall = time.perf_counter() - started
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"import failed ({proc.returncode}): {stderr[-2000:]}")
    return {"wall": wall, "cpu": sum(u + k for u, k in cpu.values()), "processes": len(cpu),
            "main": f"{main_user:.1f} user + {main_sys:.1f} sys",
            "others": f"{sum(u for p, (u, _) in cpu.items() if p != proc.pid):.1f} user + "
                      f"{sum(k for p, (_, k) in cpu.items() if p != proc.pid):.1f} sys",
            "peak_kb": max(peak.values(), default=0), "tree_peak_kb": tree_peak,
            "summary": stderr.strip().splitlines()[-1] if stderr.strip() else "",
            "load": f"{load_before} → {_load()}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/opedarchive-bench"))
    parser.add_argument("--into", type=Path, default=Path(tempfile.gettempdir()),
                        help="where the imported archives go (imp-folder-N)")
    parser.add_argument("--keep", action="store_true", help="keep the imported archives")
    args = parser.parse_args()
    for size in args.sizes:
        source = args.work / f"archive-{size}"
        if not (source / "posts").is_dir():
            from gen_corpus import generate

            print(f"generating {size} posts in {source} …", file=sys.stderr)
            generate(size, source)
        target = args.into / f"imp-folder-{size}"
        result = run(source, target)
        if not args.keep:
            shutil.rmtree(target, ignore_errors=True)
        limit = TARGET_SECONDS.get(size)
        met = limit is not None and float(str(result["wall"])) <= limit
        verdict = "" if limit is None else f"  target ≤ {limit:.0f} s: {'met' if met else 'NOT met'}"
        print(f"{size:>7} posts  {result['wall']:7.1f} s wall  {result['cpu']:7.1f} s CPU "
              f"({result['processes']} processes)  largest process {result['peak_kb'] / 1024:5.0f} MB  "
              f"all together {result['tree_peak_kb'] / 1024:5.0f} MB  load {result['load']}{verdict}")
        print(f"         CPU of the importing process {result['main']}, of its workers {result['others']}; "
              f"{result['summary']}")


if __name__ == "__main__":
    main()
