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
        db.execute("DROP INDEX docs_conflict")  # migration 7
        for column in ("translates", "translated_text", "text_hash", "conflict"):
            db.execute(f"ALTER TABLE docs DROP COLUMN {column}")
        db.execute("DROP INDEX docs_uncounted")  # migration 6
        db.execute("ALTER TABLE docs DROP COLUMN khmer_words")
        db.execute("DROP TABLE prints")  # migration 5
        for table in ("touched", "tally_facts"):  # migration 4
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP INDEX docs_error")
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


def _write(path: Path, title: str, day: str, lang: str, authors: list[str], tags: list[str], body: str) -> None:
    meta = f"title: {title}\ndate: {day}\nlang: {lang}\nauthors: [{', '.join(authors)}]\ntags: [{', '.join(tags)}]\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{meta}---\n{body}\n", encoding="utf-8")


def test_the_kept_summary_counts_follow_every_change(bundled: Path, cli: Invoke,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole archive's `summary` counts are kept in the index and updated post by post
    from the posts that changed: after each of many random changes (new posts and
    translations, edits of date, authors, tags and body, broken and mended files, removals)
    they are what counting every post file gives, and only the first summary counts every post."""
    import random

    from opedarchive import listing

    rng = random.Random(8)
    full: list[int] = []
    original = listing._facts

    def counting(archive: object, index: object, ids: list[str] | None = None) -> object:
        if ids is None:
            full.append(1)
        return original(archive, index, ids)  # type: ignore[arg-type]

    monkeypatch.setattr(listing, "_facts", counting)
    names = ["Sok Dara", "Chan Vuthy", "ម៉ែន សុខា"]
    tag_words = ["election", "court", "ច្បាប់", "reform"]
    posts = bundled / "posts"
    for step in range(40):
        files = sorted(posts.rglob("*.md"))
        action = rng.choice(["new", "translate", "edit", "break", "remove", "mend"])
        year = rng.choice(["2020", "2022", "2023"])
        day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        authors = rng.sample(names, rng.randint(0, 2))
        tags = rng.sample(tag_words, rng.randint(0, 3))
        body = " ".join(rng.choice(["vote", "ការបោះឆ្នោត", "court", "1", "—"]) for _ in range(rng.randint(0, 30)))
        if action == "new" or not files:
            _write(posts / year / f"{day}-post-{step}.en.md", f"Post {step}", day, "en", authors, tags, body)
        elif action == "translate":
            source = rng.choice(files)
            post_id = source.name.split(".")[0]
            _write(source.parent / f"{post_id}.km.md", f"ប្រកាស {step}", day, "km", authors, tags, body)
        elif action == "edit":
            target = rng.choice(files)
            lang = target.name.split(".")[1]
            _write(target, f"Edited {step}", day, lang, authors, tags, body)
        elif action == "break":
            rng.choice(files).write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
        elif action == "remove":
            rng.choice(files).unlink()
        else:
            for target in files:
                if "[unclosed" in target.read_text(encoding="utf-8"):
                    _write(target, f"Mended {step}", day, target.name.split(".")[1], authors, tags, body)
        if step % 3 == 0:
            continue  # several changes between two summaries
        files_said, index_said = _both(cli, bundled, ["summary", "--json", "--latest", "3"])
        assert index_said == files_said, f"step {step} ({action})"
    assert len(full) == 1
