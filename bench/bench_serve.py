"""`opedarchive serve`: edit-to-refresh time at scale (issue 18: at most 1.5 s at 10,000 posts).

    python bench/bench_serve.py                  # 10,000 posts
    python bench/bench_serve.py 1000 10000       # make bench-serve

For each size, a generated archive (bench/gen_corpus.py, kept in bench/.cache/serve-N and reused;
the preview's site is kept in its .opedarchive/serve-site/, so a second run starts from a built
site, as a writer's second `serve` does). One `opedarchive serve --port 0` process is started and
its first build timed; then, one at a time, a post file is edited (a sentence appended to the
body, or the title changed: every listing that shows it is made again; last, a sentence appended to
the newest post, which the home page lists) and the clock runs from
just before the file is written until both `/__opedarchive/version` reports a new version (what
the open page polls every 0.25 s before it reloads) and the post's page as served holds the new
text, polled every 25 ms (not more often: the polls would slow the build they time). Edited
files are restored afterwards. Prints a table, with the CPU time serve used for each edit (about
what it would take on an idle machine); writes bench/out/serve-N.json. Not part of CI.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bench_export import _tree_rss
from gen_corpus import generate

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "bench" / ".cache"
BIN = Path(sys.executable).parent
TARGET_S = 1.5
POLL_S = 0.025


def corpus(size: int) -> Path:
    target = CACHE / f"serve-{size}"
    if not target.is_dir():
        partial = CACHE / f"serve-{size}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        started = time.perf_counter()
        files, nbytes = generate(size, partial)
        partial.rename(target)
        print(f"generated {size:,} posts ({files:,} files, {nbytes / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return target


class Serve:
    """One `opedarchive serve` process; its stderr lines are read by a thread."""

    def __init__(self, archive: Path) -> None:
        self.proc = subprocess.Popen([str(BIN / "opedarchive"), "--archive", str(archive), "serve", "--port", "0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.peak = 0
        self._done = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()
        self.url = re.search(r"http://\S+/", self.wait_for("Serving http://", 60)).group()  # type: ignore[union-attr]

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, _tree_rss(self.proc.pid))
            time.sleep(0.05)

    def wait_for(self, text: str, timeout: float, after: int = 0) -> str:
        assert self.proc.stderr is not None
        deadline = time.monotonic() + timeout
        while True:
            found = [line for line in self.lines[after:] if text in line]
            if found:
                return found[0]
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stderr], [], [], left)[0]:
                sys.exit(f"no {text!r} from serve in {timeout} s; it said {self.lines}")
            line = self.proc.stderr.readline()
            if not line:
                sys.exit(f"serve ended; it said {self.lines}")
            self.lines.append(line.rstrip("\n"))

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return str(response.read().decode("utf-8"))

    def state(self) -> dict[str, object]:
        found: dict[str, object] = json.loads(self.get("__opedarchive/version"))
        return found

    def version(self) -> str:
        return str(self.state()["version"])

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        self.proc.communicate(timeout=60)
        self._done.set()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (its threads included)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def edit_to_refresh(serve: Serve, path: Path, page: str, data: bytes, marker: str) -> tuple[float, float, float]:
    """(seconds to the new version, seconds to both the new version and the new text served, CPU
    seconds serve used meanwhile: what the wall time would be on an idle machine, about)."""
    before = serve.version()
    cpu = cpu_seconds(serve.proc.pid)
    started = time.perf_counter()
    path.write_bytes(data)
    to_version = to_both = 0.0
    while not (to_version and to_both):
        if not to_version and serve.version() != before:
            to_version = time.perf_counter() - started
        if to_version and marker in serve.get(page):
            to_both = time.perf_counter() - started
        if time.perf_counter() - started > 60:
            sys.exit(f"no refresh after 60 s; serve said {serve.lines[-5:]}")
        time.sleep(POLL_S)
    return to_version, to_both, cpu_seconds(serve.proc.pid) - cpu


def run(size: int, edits: int) -> dict[str, object]:
    archive = corpus(size)
    posts = sorted((archive / "posts").rglob("*.en.md"))
    victims = [posts[(i * 7919) % len(posts)] for i in range(edits)]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    serve = Serve(archive)
    first = serve.wait_for("Built ", 900)
    first_s = time.perf_counter() - started
    rows: list[dict[str, object]] = []
    originals: dict[Path, bytes] = {}
    try:
        # Last, the newest post, as a writer edits it: it is on the home page and its year's.
        edits_made = [*(("body", p) for p in victims), *(("title", p) for p in victims[:2]), ("newest", posts[-1])]
        for n, (kind, path) in enumerate(edits_made):
            originals.setdefault(path, path.read_bytes())
            text = path.read_bytes().decode("utf-8")
            marker = f"Serve bench marker {n} {os.urandom(3).hex()}"
            if kind in ("body", "newest"):
                text += f"\n{marker}.\n"
            else:
                text = re.sub(r"^title: .*$", f"title: {marker}", text, count=1, flags=re.M)
            time.sleep(1.0)  # quiet between edits: each is measured alone
            mark = len(serve.lines)
            to_version, to_both, cpu = edit_to_refresh(serve, path, f"posts/{path.name.removesuffix('.en.md')}.html",
                                                  text.encode("utf-8"), marker)
            built = serve.wait_for("built again in", 60, after=mark)
            build_s = float(re.search(r"built again in ([\d.]+) s", built).group(1))  # type: ignore[union-attr]
            rows.append({"edit": kind, "post": path.name, "to_version_s": round(to_version, 3),
                         "to_page_s": round(to_both, 3), "build_s": build_s, "cpu_s": round(cpu, 2)})
            print(f"{size:>7,} {kind:<6} {to_version:6.3f} {to_both:6.3f} {build_s:6.2f} {cpu:5.2f}", file=sys.stderr)
    finally:
        before = serve.version()
        for path, data in originals.items():
            path.write_bytes(data)
        # Serve is stopped once the restored files are built and it has been idle for 2 s: a build
        # cut short leaves a journal, and the next start would spend seconds recovering from it.
        deadline, idle = time.monotonic() + 120, 0.0
        while time.monotonic() < deadline and (serve.version() == before or idle < 2):
            idle = 0.0 if serve.state()["building"] else idle + 0.1
            time.sleep(0.1)
        steady = _tree_rss(serve.proc.pid)
        serve.stop()
    both = [float(r["to_page_s"]) for r in rows]  # type: ignore[arg-type]
    return {"posts": size, "first_build_s": round(first_s, 1), "first_build_line": first, "rows": rows,
            "median_s": round(statistics.median(both), 3), "max_s": round(max(both), 3),
            "peak_rss_mb": serve.peak // 2**20, "rss_after_mb": steady // 2**20, "load_before": load_before,
            "load_after": os.getloadavg()[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--edits", type=int, default=7,
                        help="body edits per size (then two title edits and one of the newest post)")
    args = parser.parse_args()
    results = [run(size, args.edits) for size in args.sizes]
    print("| posts | edit | to new version (s) | to new version and page (s) | build, as serve reported (s) "
          "| serve's CPU meanwhile (s) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for result in results:
        for row in result["rows"]:  # type: ignore[attr-defined]
            print(f"| {result['posts']:,} | {row['edit']} | {row['to_version_s']:.3f} | {row['to_page_s']:.3f} "
                  f"| {row['build_s']:.2f} | {row['cpu_s']:.2f} |")
    print()
    print("| posts | first build (s) | edit-to-refresh median / max (s) | target ≤ 1.5 s | peak / idle RSS (MB) "
          "| load before → after |")
    print("| ---: | ---: | ---: | --- | ---: | --- |")
    for result in results:
        met = "yes" if float(result["max_s"]) <= TARGET_S else "**no**"  # type: ignore[arg-type]
        print(f"| {result['posts']:,} | {result['first_build_s']} | {result['median_s']:.3f} / {result['max_s']:.3f} "
              f"| {met} | {result['peak_rss_mb']} / {result['rss_after_mb']} "
              f"| {result['load_before']:.2f} → {result['load_after']:.2f} |")
        out = REPO / "bench" / "out"
        out.mkdir(exist_ok=True)
        (out / f"serve-{result['posts']}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
