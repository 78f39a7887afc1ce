"""Start-up stays fast because heavy modules load only where used (checked by module, not by clock)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ["rich.markdown", "sqlite3", "jinja2", "markdown_it", "khmerspell", "pydantic", "hypothesis"]

PROBE = """
import json, sys
sys.argv = ["opedarchive", *json.loads(sys.argv[1])]
from opedarchive.cli import app
try:
    app()
except SystemExit:
    pass
sys.stdout.flush()
print("\\nMODULES" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules(args: list[str], cwd: Path) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, cwd=cwd, check=True
    )
    marker = result.stderr.rindex("MODULES")
    return set(json.loads(result.stderr[marker + len("MODULES") :]))


def test_help_imports_nothing_heavy(tmp_path: Path) -> None:
    loaded = _modules(["--help"], tmp_path)
    assert "typer" in loaded
    assert [m for m in [*HEAVY, "yaml", "rich.table", "hashlib", "secrets"] if m in loaded] == []


def test_list_imports_only_what_it_needs(seeded: Path) -> None:
    # `list` reads the search index (sqlite3); the first run builds it, which normalises the
    # Khmer text (khmerspell). Once the index is up to date, nothing else heavy is loaded.
    first = _modules(["--archive", str(seeded), "list"], seeded.parent)
    assert "sqlite3" in first
    loaded = _modules(["--archive", str(seeded), "list"], seeded.parent)
    assert "rich.table" in loaded and "sqlite3" in loaded
    assert [m for m in [*HEAVY, "yaml"] if m in loaded and m != "sqlite3"] == []


def test_search_reads_no_front_matter(seeded: Path) -> None:
    # Hits come from the index and their bodies from the files, front matter skipped: no PyYAML.
    _modules(["--archive", str(seeded), "search", "election"], seeded.parent)
    loaded = _modules(["--archive", str(seeded), "search", "election"], seeded.parent)
    assert "opedarchive.snippet" in loaded and "sqlite3" in loaded
    assert [m for m in [*HEAVY, "yaml", "concurrent.futures"] if m in loaded and m != "sqlite3"] == []
