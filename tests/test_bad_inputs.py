"""A corpus of bad inputs (tests/data/bad/): each has its exit code and exact message, for `add`
and, placed inside an archive, for `check`; plus the ones too big or too odd to keep as files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from opedarchive.config import tomllib

from conftest import DATA, Invoke

BAD = DATA / "bad"
EXPECTED: dict[str, dict[str, object]] = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))
# `add` refuses these for reasons of its own; `check` sees them as files with other problems.
CHECK_REASON = {
    "empty.md": "1: no front matter",
    "whitespace-only.md": "1: no front matter",
    "plain-no-title.md": "1: no front matter",
    "front-matter-only.md": "the body is empty",
}


def test_the_corpus_is_large_enough() -> None:
    assert len(EXPECTED) >= 40
    assert sorted(EXPECTED) == sorted(p.name for p in BAD.iterdir() if p.name != "expected.toml")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_add(archive: Path, cli: Invoke, name: str) -> None:
    expected = EXPECTED[name]
    path = BAD / name
    result = cli("add", str(path))
    assert result.exit_code == expected["exit"], result.stderr
    written = list((archive / "posts").rglob("*.md"))
    if expected["exit"] == 0:
        assert len(written) == 1
        assert written[0].parent == archive / "posts" / "2022"  # never outside the archive
        assert cli("check").exit_code == 0
        assert "Traceback" not in result.stderr
    else:
        assert result.stderr == str(expected["stderr"]).replace("{path}", str(path)) + "\n"
        assert written == []


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["exit"] != 0))
def test_check(archive: Path, cli: Invoke, name: str) -> None:
    folder = archive / "posts" / "2022"
    folder.mkdir(parents=True)
    (folder / "2022-01-01-good.en.md").write_text("---\ntitle: G\ndate: 2022-01-01\nlang: en\n---\nBody.\n")
    shutil.copyfile(BAD / name, folder / "2022-01-01-bad.en.md")
    result = cli("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("posts/2022/2022-01-01-bad.en.md")
    reason = CHECK_REASON.get(name) or str(EXPECTED[name]["stderr"]).split("{path}", 1)[1].lstrip(":")
    assert reason.strip() in lines[0]
    # `list` warns about the bad file and still lists the good one.
    listed = cli("list", "--json")
    assert listed.exit_code == 0
    assert listed.stdout.count('"id"') == (2 if name == "front-matter-only.md" else 1)


def test_a_20_mb_post_is_refused(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text("---\ntitle: Big\ndate: 2022-01-01\nlang: en\n---\n" + "word " * 4_200_000)
    result = cli("add", str(big))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {big}: file is too large (20 MB; the limit is 16 MB)\n"


def test_a_1_mb_line_is_fine(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    long_line = tmp_path / "line.md"
    long_line.write_text("---\ntitle: Line\ndate: 2022-01-01\nlang: en\n---\n" + "x" * 1_000_000 + "\n")
    assert cli("add", str(long_line)).exit_code == 0
    shown = cli("list", "--json")
    assert '"title": "Line"' in shown.stdout


def test_a_symlink_out_of_the_archive_is_never_written_through(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Outside\ndate: 2022-01-01\nlang: en\n---\nSecret.\n")
    link = seeded / "posts/2022/2022-01-01-link.en.md"
    os.symlink(outside, link)
    editor = f"{sys.executable} -c \"import sys; p=sys.argv[1]; open(p,'a').write('more')\""
    # A symbolic link is not part of the archive: there is no such post to edit, and `check` says why.
    result = cli("edit", "2022-01-01-link", env={"EDITOR": editor})
    assert result.exit_code == 1
    assert result.stderr == "Error: no post with id '2022-01-01-link' (see 'opedarchive list')\n"
    assert outside.read_text().endswith("Secret.\n")
    checked = cli("check")
    assert checked.exit_code == 1
    assert ("posts/2022/2022-01-01-link.en.md: is a symbolic link: not part of the archive (nothing is read, "
            "listed, searched or published through one)") in checked.stdout + checked.stderr


def _without_root_powers() -> list[str]:
    """Root ignores file permissions; drop that power so the permission checks are real."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test permissions as root"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def _run(args: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [*_without_root_powers(), sys.executable, "-m", "opedarchive", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, input=stdin, check=False)


def test_an_unreadable_posts_folder(seeded: Path) -> None:
    posts = seeded / "posts" / "2022"
    posts.chmod(0)
    try:
        result = _run(["list"], seeded.parent)
    finally:
        posts.chmod(0o755)
    assert result.returncode == 1
    assert result.stderr == "Error: archive/posts/2022: cannot read: Permission denied\n"


def test_a_read_only_archive(seeded: Path) -> None:
    before = sorted(p.name for p in (seeded / "posts" / "2022").iterdir())
    for folder in (seeded, seeded / "posts", seeded / "posts" / "2022"):
        folder.chmod(0o555)
    try:
        added = _run(["add", "-", "--title", "T", "--date", "2022-01-01"], seeded.parent, "Body.\n")
        removed = _run(["rm", "2022-06-24", "--yes"], seeded.parent)
        listed = _run(["list", "--json"], seeded.parent)
    finally:
        for folder in (seeded, seeded / "posts", seeded / "posts" / "2022"):
            folder.chmod(0o755)
    assert added.returncode == 1
    assert added.stderr == "Error: archive/posts/2022/2022-01-01-t.en.md: cannot write: Permission denied\n"
    assert removed.returncode == 1
    assert removed.stderr.startswith("Error: archive/posts/2022/2022-06-24-candlelight-arrest-is-a-joke.")
    assert removed.stderr.endswith(": cannot remove: Permission denied\n")
    assert listed.returncode == 0 and listed.stdout.count('"id"') == 4
    assert sorted(p.name for p in (seeded / "posts" / "2022").iterdir()) == before
