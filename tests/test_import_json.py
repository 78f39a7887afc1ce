"""Our own JSON and JSON Lines exports imported back: round trips give identical files; a
list without bodies, broken JSON and bad lines are reported."""

from __future__ import annotations

import json
from pathlib import Path

from opedarchive.archive import Archive
from opedarchive.serialize import post_json
from test_import_wxr import post_files

from conftest import REPO, Invoke


def export_objects(root: Path) -> list[dict[str, object]]:
    archive = Archive.open(root)
    return [post_json(post, archive.root, bodies=True) for post in archive.load().posts]


def assert_same_files(a: Path, b: Path) -> None:
    assert post_files(a) == post_files(b)
    for path in sorted((a / "posts").rglob("*.md")):
        assert (b / path.relative_to(a)).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def fresh(cli: Invoke, tmp_path: Path, name: str) -> Path:
    assert cli("init", str(tmp_path / name)).exit_code == 0
    return tmp_path / name


def test_json_round_trip(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "posts.json"
    source.write_text(json.dumps(export_objects(seeded), ensure_ascii=False, indent=2), encoding="utf-8")
    target = fresh(cli, tmp_path, "copy")
    result = cli("--archive", str(target), "import", str(source))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["4 created, 0 skipped, 0 failed"]
    assert_same_files(seeded, target)
    again = cli("--archive", str(target), "import", str(source))
    assert again.stderr.splitlines()[-1] == "0 created, 4 skipped, 0 failed"


def test_jsonl_round_trip(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in export_objects(seeded)),
                      encoding="utf-8")
    target = fresh(cli, tmp_path, "copy")
    result = cli("--archive", str(target), "import", "--json", str(source))
    report = json.loads(result.stdout)
    assert report[0]["format"] == "jsonl"
    assert [c["languages"] for c in report[0]["created"]] == [["en"], ["en", "km"], ["en", "km"], ["en"]]
    assert_same_files(seeded, target)


def test_round_trip_through_the_exporter(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    """`export --json` then `import` gives the same files (the exporter's own output, not ours)."""
    for flag, name in (("--json", "all.json"), ("--jsonl", "all.jsonl")):
        assert cli("export", flag, str(tmp_path / name)).exit_code == 0
        target = fresh(cli, tmp_path, f"copy-{flag[2:]}")
        result = cli("--archive", str(target), "import", str(tmp_path / name))
        assert result.stderr.splitlines() == ["4 created, 0 skipped, 0 failed"], flag
        assert_same_files(seeded, target)


def test_one_post_from_show_json(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    shown = cli("show", "2022-06-24", "--json")
    source = tmp_path / "one.json"
    source.write_text(shown.stdout, encoding="utf-8")
    target = fresh(cli, tmp_path, "copy")
    result = cli("--archive", str(target), "import", str(source))
    assert result.stdout == "created 2022-06-24-candlelight-arrest-is-a-joke (en, km)\n"
    for lang in ("en", "km"):
        name = f"posts/2022/2022-06-24-candlelight-arrest-is-a-joke.{lang}.md"
        assert (target / name).read_text(encoding="utf-8") == (seeded / name).read_text(encoding="utf-8")


def test_a_list_without_bodies_is_refused_post_by_post(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "list.json"
    source.write_text(cli("list", "--json").stdout, encoding="utf-8")
    target = fresh(cli, tmp_path, "copy")
    result = cli("--archive", str(target), "import", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"failed {source}: post 1 (2022-06-28-recipes-towards-democratic-unification): version 1 has no 'meta' "
        "and 'body' (a list without bodies; export with 'export --json')")
    assert result.stderr.splitlines()[-1] == "0 created, 0 skipped, 4 failed"


def test_broken_json_keeps_the_posts_before_it(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    objects = export_objects(seeded)
    text = json.dumps(objects[:2], ensure_ascii=False)[:-1] + ", {broken"
    source = tmp_path / "cut.json"
    source.write_text(text, encoding="utf-8")
    target = fresh(cli, tmp_path, "copy")
    result = cli("--archive", str(target), "import", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"failed: {source}: not valid JSON after 2 post(s): Expecting property name enclosed in double quotes: "
        f"line 1 column {len(text) - 5} (char {len(text) - 6})",
        "2 created, 0 skipped, 1 failed",
    ]


def test_a_bad_line_of_jsonl(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    objects = export_objects(seeded)
    bad_date = json.loads(json.dumps(objects[1]))
    bad_date["versions"][0]["meta"]["date"] = "June-ish"
    lines = [json.dumps(objects[0]), "{not json", json.dumps(bad_date), "[1, 2]"]
    source = tmp_path / "bad.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = fresh(cli, tmp_path, "copy")
    result = cli("--archive", str(target), "import", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"failed {source}:2: not valid JSON: Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1)",
        f"failed {source}:3: version 1: cannot read the date 'June-ish'",
        f"failed {source}:4: not a JSON object",
        "1 created, 0 skipped, 3 failed",
    ]


def test_the_bundled_archive_exports_and_imports_unchanged(bundled: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "bundled.jsonl"
    source.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in export_objects(bundled)),
                      encoding="utf-8")
    target = fresh(cli, tmp_path, "copy")
    assert cli("--archive", str(target), "import", str(source)).exit_code == 0
    assert_same_files(REPO / "archive", target)
