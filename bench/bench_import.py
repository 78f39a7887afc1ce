"""Time `opedarchive import` of a generated WordPress export (WXR) and measure its peak memory.

    python bench/bench_import.py               # 10,000 posts, and 2,500 to compare memory
    python bench/bench_import.py --posts 20000 --compare 0

The export is generated deterministically (a fixed seed): classic-editor and block-editor
HTML with lists, links, emphasis, headings, quotes and captioned images, about one post in
five with a Khmer translation paired by WPML, one in ten holding English then Khmer in one
post, drafts, pages and attachments. Each run imports into a fresh archive in a separate
process; peak memory is sampled from /proc every 0.1 s: the importing process's RSS, and the
sum over it and its worker processes. The target (issue 6): 10,000
posts in at most 30 s, with memory that does not grow with the file.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 30.0
WORDS = [
    "election", "commune", "vote", "court", "party", "voter", "body", "neutral", "committee", "reform",
    "justice", "citizen", "freedom", "assembly", "candidate", "ballot", "count", "observer", "result",
    "complaint", "democracy", "rights", "law", "press", "province", "capital", "minister", "council",
    "opposition", "unity", "recipe", "trust",
]
KHMER = [
    "ការបោះឆ្នោត", "ឃុំ", "សង្កាត់", "តុលាការ", "គណបក្ស", "អ្នកបោះឆ្នោត", "អព្យាក្រឹត", "គណៈកម្មាធិការ",
    "កំណែទម្រង់", "យុត្តិធម៌", "ពលរដ្ឋ", "សេរីភាព", "បេក្ខជន", "សន្លឹកឆ្នោត", "លទ្ធផល", "ប្រជាធិបតេយ្យ",
    "សិទ្ធិ", "ច្បាប់",
]
AUTHORS = [("sseng", "Sophoan Seng"), ("dchan", "Dara Chan"), ("lsok", "Leakhena Sok"), ("vou", "Virak Ou")]


def _sentence(rng: random.Random, khmer: bool = False) -> str:
    if khmer:
        return "".join(rng.choice(KHMER) for _ in range(rng.randint(6, 14))) + "។"
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, khmer: bool = False) -> str:
    return " ".join(_sentence(rng, khmer) for _ in range(rng.randint(2, 5)))


def _html(rng: random.Random, n: int, block_editor: bool, khmer: bool = False) -> str:
    pars = [_paragraph(rng, khmer) for _ in range(rng.randint(5, 10))]
    if not khmer:
        i = rng.randrange(len(pars))
        pars[i] = pars[i].replace(" vote ", ' <a href="https://example.org/vote">vote</a> ', 1)
        pars[i] = pars[i].replace(" court ", " <em>court</em> ", 1).replace(" law ", " <strong>law</strong> ", 1)
    extra = [
        f"<ul><li>{_sentence(rng, khmer)}</li><li>{_sentence(rng, khmer)}</li></ul>",
        f"<h2>{_sentence(rng, khmer)[:40]}</h2>",
        f"<blockquote>{_sentence(rng, khmer)}</blockquote>",
    ]
    if block_editor:
        body = "\n".join(f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in pars)
        image = (f'<figure class="wp-block-image"><img src="https://example.org/{n}.jpg" alt=""/>'
                 f"<figcaption>Rally number {n} (Photo: CLP)</figcaption></figure>")
    else:
        body = "\n\n".join(pars)
        image = (f'[caption id="attachment_{n}" width="640"]<img src="https://example.org/{n}.jpg" alt="" /> '
                 f"Rally number {n} (Photo: CLP)[/caption]")
    return image + "\n\n" + body + "\n" + "\n".join(extra)


def _item(rng: random.Random, n: int, post_type: str = "post", status: str = "publish", lang: str = "",
          group: int = 0, source: str = "", html: str | None = None, title: str | None = None) -> str:
    day = 1 + n % 28
    month = 1 + (n // 28) % 12
    year = 2005 + n % 20
    hour = n % 17
    login, _ = AUTHORS[n % len(AUTHORS)]
    title = title or " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize() + f" {n}"
    html = html if html is not None else _html(rng, n, block_editor=n % 2 == 0)
    meta = ""
    if group:
        meta += (f"<wp:postmeta><wp:meta_key>_wpml_import_translation_group</wp:meta_key>"
                 f"<wp:meta_value>{group}</wp:meta_value></wp:postmeta>"
                 f"<wp:postmeta><wp:meta_key>_wpml_import_language_code</wp:meta_key>"
                 f"<wp:meta_value>{lang}</wp:meta_value></wp:postmeta>")
    if source:
        meta += (f"<wp:postmeta><wp:meta_key>_wpml_import_source_language_code</wp:meta_key>"
                 f"<wp:meta_value>{source}</wp:meta_value></wp:postmeta>")
    return f"""
<item>
<title><![CDATA[{title}]]></title>
<link>https://example.org/{year}/{month:02d}/{n}/</link>
<dc:creator><![CDATA[{login}]]></dc:creator>
<content:encoded><![CDATA[{html}]]></content:encoded>
<excerpt:encoded><![CDATA[{_sentence(rng) if n % 3 == 0 else ""}]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id>
<wp:post_date><![CDATA[{year}-{month:02d}-{day:02d} {hour + 7:02d}:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[{year}-{month:02d}-{day:02d} {hour:02d}:00:00]]></wp:post_date_gmt>
<wp:status><![CDATA[{status}]]></wp:status>
<wp:post_type><![CDATA[{post_type}]]></wp:post_type>
<category domain="category" nicename="c{n % 7}"><![CDATA[Category {n % 7}]]></category>
<category domain="post_tag" nicename="{WORDS[n % len(WORDS)]}"><![CDATA[{WORDS[n % len(WORDS)]}]]></category>
{meta}
</item>"""


def generate(posts: int, path: Path, seed: int = 6) -> int:
    """Write a WXR file with `posts` posts (plus some pages and attachments); returns its size."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                 'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
                 'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                 'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
                 "<channel><title>Bench</title><wp:wxr_version>1.2</wp:wxr_version>\n")
        for login, name in AUTHORS:
            fh.write(f"<wp:author><wp:author_login>{login}</wp:author_login>"
                     f"<wp:author_display_name><![CDATA[{name}]]></wp:author_display_name></wp:author>\n")
        n = 0
        written = 0
        while written < posts:
            n += 1
            if n % 5 == 0 and written + 2 <= posts:  # a WPML pair: English original, Khmer translation
                fh.write(_item(rng, n, lang="en", group=n))
                khmer = _html(rng, n, block_editor=True, khmer=True)
                fh.write(_item(rng, n + 100_000, lang="km", group=n, source="en", html=khmer,
                               title="".join(rng.choice(KHMER) for _ in range(4))))
                written += 2
            elif n % 10 == 3:  # English then Khmer in one post
                both = _html(rng, n, block_editor=False) + "\n\n" + _html(rng, n, block_editor=False, khmer=True)
                fh.write(_item(rng, n, html=both))
                written += 1
            else:
                fh.write(_item(rng, n, status="draft" if n % 50 == 7 else "publish"))
                written += 1
            if n % 100 == 0:  # things a real export also holds, which are not imported
                fh.write(_item(rng, n + 200_000, post_type="page"))
                fh.write(_item(rng, n + 300_000, post_type="attachment", status="inherit", html=""))
        fh.write("\n</channel>\n</rss>\n")
    return path.stat().st_size


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def run_import(source: Path, workdir: Path) -> dict[str, Any]:
    """Import `source` into a fresh archive in a child process: seconds, and peak memory — of
    the importing process itself and of it with its worker processes — sampled from /proc."""
    archive = workdir / "archive"
    cli = [sys.executable, "-m", "opedarchive", "--archive", str(archive)]
    subprocess.run([*cli, "init"], check=True, capture_output=True)
    start = time.perf_counter()
    proc = subprocess.Popen([*cli, "import", str(source)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    main_peak = tree_peak = 0
    on_linux = Path("/proc/self/status").exists()
    while proc.poll() is None:
        if on_linux:
            main_peak = max(main_peak, _rss_kb(proc.pid))
            tree_peak = max(tree_peak, sum(_rss_kb(p) for p in _tree(proc.pid)))
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"import failed ({proc.returncode}): {stderr[-2000:]}")
    if not on_linux:
        main_peak = tree_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    files = sum(1 for _ in (archive / "posts").rglob("*.md"))
    return {"seconds": round(seconds, 2), "main_rss_mb": round(main_peak / 1024, 1),
            "all_rss_mb": round(tree_peak / 1024, 1), "files": files,
            "closing_line": stderr.strip().splitlines()[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--compare", type=int, default=2_500, help="a smaller run to compare memory (0: none)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        for posts in [p for p in (args.compare, args.posts) if p]:
            work = Path(tmp) / str(posts)
            work.mkdir()
            source = work / "export.xml"
            size = generate(posts, source)
            result = run_import(source, work)
            result["file_mb"] = round(size / 2**20, 1)
            results[posts] = result
            print(f"{posts:>6} posts  {result['file_mb']:>5} MB WXR  {result['seconds']:>6.2f} s  "
                  f"peak RSS {result['main_rss_mb']} MB (with workers {result['all_rss_mb']} MB)  "
                  f"{result['files']} files  [{result['closing_line']}]")
    big = results[args.posts]
    verdict = "ok" if big["seconds"] <= TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"target: {args.posts} posts in <= {TARGET_SECONDS:.0f} s: {verdict}")
    print(json.dumps({str(k): v for k, v in results.items()}))


if __name__ == "__main__":
    main()
