"""`edit`, `rm` and `check`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import SEED_PROBLEM, Invoke

JOKE = "2022-06-24-candlelight-arrest-is-a-joke"


def _editor(tmp_path: Path, python_code: str) -> str:
    """An $EDITOR command that runs `python_code` with the file's path in `path`."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\npath = sys.argv[1]\ntext = open(path, encoding='utf-8').read()\n" + python_code,
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def test_edit_saves_a_valid_change(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    editor = _editor(tmp_path, "open(path, 'w', encoding='utf-8').write(text.replace('Kangaroo', 'Kangarooo'))\n")
    result = cli("edit", "2022-06-24", env={"EDITOR": editor})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"saved posts/2022/{JOKE}.en.md\n"
    assert "Kangarooo Court" in (seeded / f"posts/2022/{JOKE}.en.md").read_text(encoding="utf-8")


def test_edit_refuses_broken_front_matter(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    path = seeded / f"posts/2022/{JOKE}.km.md"
    before = path.read_bytes()
    editor = _editor(tmp_path, "open(path, 'w', encoding='utf-8').write(text.replace('lang: km', 'lang: [km'))\n")
    result = cli("edit", JOKE, "--lang", "km", env={"VISUAL": editor})
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path.relative_to(seeded.parent)}: not saved: line 5: invalid YAML")
    assert path.read_bytes() == before


def test_edit_refuses_a_missing_title(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    editor = _editor(tmp_path, "open(path, 'w', encoding='utf-8').write(text.replace('title:', 'titel:', 1))\n")
    result = cli("edit", JOKE, env={"EDITOR": editor})
    assert result.exit_code == 1
    assert "not saved: missing required key 'title'; your text is kept in " in result.stderr


def test_edit_without_changes_and_without_editor(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    unchanged = cli("edit", JOKE, env={"EDITOR": _editor(tmp_path, "")})
    assert (unchanged.exit_code, unchanged.stderr) == (0, f"{JOKE}: no changes\n")
    empty = tmp_path / "no-editors"
    empty.mkdir()
    no_editor = cli("edit", JOKE, env={"PATH": str(empty)})
    assert no_editor.exit_code == 2
    assert no_editor.stderr == ("Error: no editor: set $VISUAL or $EDITOR, or install nano or vi "
                                "(or give a FILE, or '-' for stdin)\n")
    failing = cli("edit", JOKE, env={"EDITOR": f"{sys.executable} -c 'raise SystemExit(3)'"})
    assert (failing.exit_code, failing.stderr) == (1, "Error: the editor exited with status 3; nothing saved\n")


def test_rm_asks_and_removes(seeded: Path, cli: Invoke) -> None:
    declined = cli("rm", JOKE, input="n\n")
    assert declined.exit_code == 1
    assert (seeded / f"posts/2022/{JOKE}.en.md").exists()
    accepted = cli("rm", JOKE, input="y\n")
    assert accepted.exit_code == 0
    assert not (seeded / f"posts/2022/{JOKE}.en.md").exists()
    assert not (seeded / f"posts/2022/{JOKE}.km.md").exists()
    assert f"removed posts/2022/{JOKE}.km.md" in accepted.stderr


def test_rm_one_language(seeded: Path, cli: Invoke) -> None:
    result = cli("rm", JOKE, "--lang", "km", "--yes")
    assert result.exit_code == 0
    assert result.stderr == f"removed posts/2022/{JOKE}.km.md\n"
    assert (seeded / f"posts/2022/{JOKE}.en.md").exists()
    missing = cli("rm", "2022-06-28", "--lang", "km", "--yes")
    assert missing.exit_code == 1
    assert missing.stderr == (
        "Error: 2022-06-28-recipes-towards-democratic-unification has no 'km' version (it has en)\n"
    )


def test_check_seeded_archive(seeded: Path, cli: Invoke) -> None:
    result = cli("check")
    assert result.exit_code == 1
    assert result.stdout == SEED_PROBLEM
    assert result.stderr == "6 files checked, 1 problem.\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("2022-01-01-a.en.md", "---\ntitle: A\ndate: 2022-01-01\n---\nx\n", "missing required key 'lang'"),
        ("2022-01-01-b.en.md", "---\ntitle: B\ndate: 2022-02-30\nlang: en\n---\nx\n", "invalid YAML in front matter"),
        ("2022-01-01-c.en.md", "---\ntitle: C\ndate: someday\nlang: en\n---\nx\n",
         "'date' is not an ISO date or date-time: 'someday'"),
        ("2022-01-01-d.en.md", "---\ntitle: D\ndate: 2022-01-01\nlang: km\n---\nx\n",
         "'lang' is 'km' but the file name says 'en'"),
        ("2022-01-01-e.en.md", "---\ntitle: E\n  bad: indent\ndate: 2022-01-01\n---\n", "3: invalid YAML"),
        ("2022-01-01-f.en.md", "no front matter\n", "1: no front matter"),
        ("2022-01-01-g.en.md", "---\ntitle: Cafe\u0301\ndate: 2022-01-01\nlang: en\n---\nx\n",
         "text is not in Unicode NFC form"),
        ("notes.md", "anything", "file name is not <YYYY-MM-DD-slug>.<lang>.md"),
    ],
)
def test_check_reports_problems(archive: Path, cli: Invoke, name: str, content: str, expected: str) -> None:
    folder = archive / "posts/2022"
    folder.mkdir(parents=True)
    (folder / name).write_text(content, encoding="utf-8")
    result = cli("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"posts/2022/{name}")
    assert expected in lines[0]


def test_check_wrong_folder_and_json(archive: Path, cli: Invoke) -> None:
    folder = archive / "posts/2021"
    folder.mkdir(parents=True)
    (folder / "2022-01-01-x.en.md").write_text("---\ntitle: X\ndate: 2022-01-01\nlang: en\n---\nx\n", encoding="utf-8")
    result = cli("check", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": "posts/2021/2022-01-01-x.en.md",
            "line": None,
            "message": "in folder '2021' but its id starts with 2022",
        }
    ]


def test_init_twice(archive: Path, cli: Invoke) -> None:
    result = cli("init")
    assert result.exit_code == 1
    assert result.stderr == "Error: archive is already an archive (opedarchive.toml exists)\n"
    assert (archive / ".gitignore").read_text() == ".opedarchive/\n"
    assert 'languages = ["en", "km"]' in (archive / "opedarchive.toml").read_text()


def _on_path(folder: Path, name: str, python_code: str) -> None:
    """An executable `name` in `folder` that runs `python_code` with the file's path in `path`."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f"#!{sys.executable}\nimport sys\npath = sys.argv[1]\n"
                      "text = open(path, encoding='utf-8').read()\n" + python_code, encoding="utf-8")
    script.chmod(0o755)


def test_edit_without_visual_or_editor_falls_back_to_nano_then_vi(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    _on_path(bin_dir, "vi", "open(path, 'w', encoding='utf-8').write(text.replace('Kangaroo', 'Vi'))\n")
    result = cli("edit", JOKE, env={"PATH": str(bin_dir), "VISUAL": None, "EDITOR": None})
    assert (result.exit_code, result.stderr) == (0, f"saved posts/2022/{JOKE}.en.md\n")
    assert "Vi Court" in (seeded / f"posts/2022/{JOKE}.en.md").read_text(encoding="utf-8")
    _on_path(bin_dir, "nano", "open(path, 'w', encoding='utf-8').write(text.replace('Vi Court', 'Nano Court'))\n")
    result = cli("edit", JOKE, env={"PATH": str(bin_dir), "VISUAL": None, "EDITOR": None})
    assert result.exit_code == 0, result.stderr
    assert "Nano Court" in (seeded / f"posts/2022/{JOKE}.en.md").read_text(encoding="utf-8")


def test_a_refused_edit_is_kept_and_resume_reopens_it(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    path = seeded / f"posts/2022/{JOKE}.en.md"
    before = path.read_bytes()
    breaking = _editor(tmp_path, "open(path, 'w', encoding='utf-8').write("
                                 "text.replace('title:', 'titel:', 1) + 'My long paragraph of new text.\\n')\n")
    result = cli("edit", JOKE, env={"EDITOR": breaking})
    assert result.exit_code == 1
    assert path.read_bytes() == before
    [recovery] = list(path.parent.glob(f"{path.name}.edit-*"))
    assert "My long paragraph of new text." in recovery.read_text(encoding="utf-8")
    assert result.stderr.count("\n") == 1
    assert "not saved: missing required key 'title'; your text is kept in " in result.stderr
    assert recovery.name in result.stderr
    assert result.stderr.endswith(f"`opedarchive edit {JOKE} --resume` reopens it\n")
    # The recovery file is not a post: list and check leave it alone.
    assert cli("check").stdout == SEED_PROBLEM
    fixing = tmp_path / "fix"
    fixing.mkdir()
    editor = _editor(fixing, "assert 'My long paragraph' in text\n"
                             "open(path, 'w', encoding='utf-8').write(text.replace('titel:', 'title:', 1))\n")
    resumed = cli("edit", JOKE, "--resume", env={"EDITOR": editor})
    assert (resumed.exit_code, resumed.stderr) == (0, f"saved posts/2022/{JOKE}.en.md\n")
    assert "My long paragraph of new text." in path.read_text(encoding="utf-8")
    assert not recovery.exists()
    nothing = cli("edit", JOKE, "--resume", env={"EDITOR": editor})
    assert (nothing.exit_code, nothing.stderr) == (1, f"Error: {JOKE}: no unsaved edit of its 'en' version to resume\n")
