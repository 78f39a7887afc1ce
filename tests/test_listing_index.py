"""`list` and `summary` answered from the search index print exactly what reading every post
file prints; the index is only skipped where it cannot be kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from opedarchive import index as index_module
from opedarchive.listing import NO_INDEX_ENV

from conftest import Invoke

COMMANDS = [
    ["list"], ["list", "--json"], ["list", "--limit", "2"], ["list", "--limit", "2", "--reverse"],
    ["list", "--sort", "title", "--limit", "3", "--json"], ["list", "--author", "sok", "--json"],
    ["list", "--lang", "km"], ["list", "--untranslated", "--json"], ["list", "--year", "2021", "--json"],
    ["list", "--tag", "election", "--since", "2022-06-01", "--json"], ["list", "--outlet", "post"],
    ["summary"], ["summary", "--json"], ["summary", "--year", "2022", "--latest", "2"],
    ["summary", "--lang", "km", "--json"], ["summary", "--latest", "0", "--json"],
]


@pytest.fixture
def bundled(bundled: Path) -> Path:
    """The bundled archive without whatever index the working copy holds."""
    shutil.rmtree(bundled / ".opedarchive", ignore_errors=True)
    return bundled


def _both(cli: Invoke, archive: Path, args: list[str]) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    from_files = cli("--archive", str(archive), *args, env={NO_INDEX_ENV: "1"})
    from_index = cli("--archive", str(archive), *args)
    return ((from_files.exit_code, from_files.stdout, from_files.stderr),
            (from_index.exit_code, from_index.stdout, from_index.stderr))


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_the_index_answers_as_the_files_do(bundled: Path, cli: Invoke, args: list[str]) -> None:
    files, indexed = _both(cli, bundled, args)
    assert indexed == files
    assert files[1] or files[2]  # something was printed
    assert (bundled / ".opedarchive/index.sqlite").exists()


def test_a_broken_file_is_the_same_warning_from_the_index(bundled: Path, cli: Invoke) -> None:
    broken = bundled / "posts/2022/2022-06-01-broken.en.md"
    broken.write_text("---\ntitle: [unclosed\ndate: 2022-06-01\nlang: en\n---\nBody\n", encoding="utf-8")
    files, indexed = _both(cli, bundled, ["list", "--json"])
    assert indexed == files
    assert files[2].startswith(f"Warning: skipped {bundled}/posts/2022/2022-06-01-broken.en.md:3: invalid YAML")


def test_an_index_from_before_migration_3_is_completed(bundled: Path, cli: Invoke) -> None:
    assert cli("--archive", str(bundled), "search", "election").exit_code == 0
    with sqlite3.connect(bundled / ".opedarchive/index.sqlite") as db:  # as the previous release left it
        db.execute("DROP INDEX docs_date")
        db.execute("DROP TABLE cache")
        db.execute("DELETE FROM meta WHERE key = 'generation'")
        for column in ("meta", "words", "abstract", "error_line"):
            db.execute(f"ALTER TABLE docs DROP COLUMN {column}")
        db.execute("PRAGMA user_version = 2")
    files, indexed = _both(cli, bundled, ["summary", "--json"])
    assert indexed == files
    with sqlite3.connect(bundled / ".opedarchive/index.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(index_module.MIGRATIONS)
        assert db.execute("SELECT count(*) FROM docs WHERE meta IS NULL").fetchone()[0] == 0


def test_an_edit_is_seen_by_the_next_list(bundled: Path, cli: Invoke) -> None:
    assert cli("--archive", str(bundled), "list").exit_code == 0
    post = next((bundled / "posts").glob("*/*.en.md"))
    text = post.read_text(encoding="utf-8")
    start = text.index("\ntitle: ") + len("\ntitle: ")
    post.write_text(text[:start] + "Edited elsewhere" + text[text.index("\n", start):], encoding="utf-8")
    assert "Edited elsewhere" in cli("--archive", str(bundled), "list", "--json").stdout


def test_the_kept_summary_is_dropped_by_a_change(bundled: Path, cli: Invoke) -> None:
    before = cli("--archive", str(bundled), "summary", "--json").stdout
    with sqlite3.connect(bundled / ".opedarchive/index.sqlite") as db:
        assert db.execute("SELECT count(*) FROM cache").fetchone()[0] == 1
    assert cli("--archive", str(bundled), "summary", "--json").stdout == before  # from what was kept
    new = bundled / "posts/2023/2023-01-02-a-new-one.en.md"
    new.parent.mkdir()
    new.write_text("---\ntitle: New\ndate: 2023-01-02\nlang: en\nauthors: [Quokka]\n---\nOne two.\n", encoding="utf-8")
    files, indexed = _both(cli, bundled, ["summary", "--json"])
    assert indexed == files
    assert '"name": "Quokka"' in indexed[1] and indexed[1] != before
