"""`export --json/--jsonl/--csv/--markdown`: the data formats, and the command's errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from opedarchive.archive import Archive
from opedarchive.serialize import post_json

from conftest import Invoke

CANDLE = "2022-06-24-candlelight-arrest-is-a-joke"


def expected_json(archive: Path) -> list[dict[str, object]]:
    opened = Archive.open(archive)
    posts = sorted(opened.load().posts, key=lambda p: (p.original.day, p.id))
    return [post_json(p, opened.root, bodies=True, languages=opened.config.languages) for p in posts]


def test_json_and_jsonl_hold_the_show_json_objects(cli: Invoke, seeded: Path, tmp_path: Path) -> None:
    result = cli("export", "--json", "all.json", "--jsonl", "all.jsonl")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == ["json: 4 posts written to all.json", "jsonl: 4 posts written to all.jsonl"]
    expected = expected_json(seeded)
    assert json.loads((tmp_path / "all.json").read_text()) == expected
    lines = (tmp_path / "all.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == expected
    candle = next(p for p in expected if p["id"] == CANDLE)
    shown = json.loads(cli("show", CANDLE, "--json").stdout)
    assert {k: v for k, v in candle.items() if k != "versions"} == {k: shown[k] for k in candle if k != "versions"}
    versions = candle["versions"]
    assert isinstance(versions, list) and [v["lang"] for v in versions] == ["en", "km"]
    assert "ការចាប់ខ្លួននេះ" in versions[1]["body"]
    # A second export of an unchanged archive leaves the file alone.
    again = cli("export", "--json", "all.json")
    assert again.stderr == "json: 4 posts unchanged in all.json\n"


def test_json_to_stdout(cli: Invoke, seeded: Path) -> None:
    result = cli("export", "--jsonl", "-")
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [p["id"] for p in expected_json(seeded)]
    assert cli("export", "--json", "-", "--csv", "-").exit_code == 2


def test_csv_has_one_row_per_version(cli: Invoke, seeded: Path, tmp_path: Path) -> None:
    result = cli("export", "--csv", "all.csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "all.csv").read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 6  # 4 posts, 2 with a Khmer version
    candle = [r for r in rows if r["id"] == CANDLE]
    assert [(r["lang"], r["original"]) for r in candle] == [("en", "yes"), ("km", "no")]
    assert candle[0]["authors"] == "Sophoan Seng" and candle[0]["date"] == "2022-06-24"
    assert candle[1]["body"] == Archive.open(seeded).get(CANDLE).versions["km"].body  # multi-line, exact
    assert candle[1]["path"] == f"posts/2022/{CANDLE}.km.md"


def test_markdown_is_a_hugo_content_folder(cli: Invoke, seeded: Path, tmp_path: Path) -> None:
    result = cli("export", "--markdown", "hugo")
    assert result.exit_code == 0, result.stderr
    hugo = tmp_path / "hugo"
    files = sorted(p.relative_to(hugo).as_posix() for p in hugo.rglob("*.md"))
    assert files == sorted(f"content/{p.relative_to(seeded).as_posix()}" for p in seeded.rglob("posts/*/*.md"))
    config = (hugo / "hugo.toml").read_text()
    assert 'defaultContentLanguage = "en"' in config
    assert '[languages."km"]' in config and 'languageName = "ខ្មែរ"' in config
    assert {p.name for p in (hugo / "layouts").iterdir()} == {"home.html", "list.html", "single.html"}
    km = (hugo / f"content/posts/2022/{CANDLE}.km.md").read_text()
    assert f"translationKey: {CANDLE}\n" in km and f"slug: {CANDLE}\n" in km and "date: 2022-06-24\n" in km
    assert km.split("---\n", 2)[2].strip() == Archive.open(seeded).get(CANDLE).versions["km"].body.strip()
    # Incremental: a removed post's files go; nothing else is rewritten.
    assert cli("rm", "--yes", CANDLE).exit_code == 0
    again = cli("export", "--markdown", "hugo")
    assert "0 file(s) written" in again.stderr and "2 removed" in again.stderr
    assert not (hugo / f"content/posts/2022/{CANDLE}.en.md").exists()


def test_export_needs_a_format(cli: Invoke, seeded: Path) -> None:
    result = cli("export")
    assert result.exit_code == 2
    assert result.stderr == ("Error: nothing to export: give --html, --json FILE, --jsonl FILE, --csv FILE, "
                             "--markdown DIR, --csl-json FILE, --ris FILE or --bibtex FILE\n")


def test_unreadable_posts_are_reported_and_skipped(cli: Invoke, seeded: Path, tmp_path: Path) -> None:
    (seeded / "posts/2022/2022-06-30-broken.en.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    result = cli("export", "--json", "all.json")
    assert result.exit_code == 0
    warning = "Warning: archive/posts/2022/2022-06-30-broken.en.md:3: invalid YAML"
    assert result.stderr.splitlines()[0].startswith(warning)
    assert result.stderr.splitlines()[0].endswith(" (skipped)")
    assert len(json.loads((tmp_path / "all.json").read_text())) == 4


def test_json_and_jsonl_exports_import_back_identically(cli: Invoke, bundled: Path, tmp_path: Path) -> None:
    """Issue 5, item 7: export, import into an empty archive, and the post files come out identical."""
    assert cli("--archive", str(bundled), "export", "--json", "all.json", "--jsonl", "all.jsonl").exit_code == 0
    originals = {p.relative_to(bundled): p.read_bytes() for p in (bundled / "posts").rglob("*.md")}
    assert len(originals) == 6
    for name in ("all.json", "all.jsonl"):
        target = tmp_path / f"from-{name}"
        assert cli("init", str(target)).exit_code == 0
        result = cli("--archive", str(target), "import", name)
        assert result.exit_code == 0, result.stderr
        copies = {p.relative_to(target): p.read_bytes() for p in (target / "posts").rglob("*.md")}
        assert copies == originals


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(cli: Invoke, archive: Path,
                                                                    tmp_path: Path) -> None:
    folder = archive / "posts" / "2023"
    folder.mkdir(parents=True)
    (folder / "2023-01-01-formula.en.md").write_text(
        '---\ntitle: "=HYPERLINK(\\"https://evil.example/\\",\\"click\\")"\ndate: 2023-01-01\nlang: en\n'
        'authors: ["@SUM(A1:A9)"]\ntags: ["+1", "-2"]\n---\n\n- a list item first\n')
    assert cli("export", "--csv", str(tmp_path / "posts.csv")).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "posts.csv").read_text(encoding="utf-8"))))
    assert rows[0]["title"] == "'=HYPERLINK(\"https://evil.example/\",\"click\")"
    assert rows[0]["authors"] == "'@SUM(A1:A9)" and rows[0]["tags"] == "'+1; -2"
    assert rows[0]["body"].startswith("'- a list item")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_hugo_aliases_never_name_another_posts_page(cli: Invoke, archive: Path, tmp_path: Path) -> None:
    """An imported `aliases:` naming another post's URL would replace its page with a redirect."""
    folder = archive / "posts" / "2023"
    folder.mkdir(parents=True)
    (folder / "2023-01-01-victim.en.md").write_text("---\ntitle: Victim\ndate: 2023-01-01\nlang: en\n---\n\nReal.\n")
    (folder / "2023-01-02-attacker.en.md").write_text(
        "---\ntitle: Attacker\ndate: 2023-01-02\nlang: en\naliases: [/posts/2023-01-01-victim/, /old/attacker/]\n"
        "---\n\nFake.\n")
    assert cli("export", "--markdown", str(tmp_path / "hugo")).exit_code == 0
    attacker = (tmp_path / "hugo/content/posts/2023/2023-01-02-attacker.en.md").read_text()
    assert "victim" not in attacker and "/old/attacker/" in attacker  # its own old address is kept
