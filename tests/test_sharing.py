"""Safe sharing through git (issue 18 item 2): `check` finds conflict markers, duplicate ids and
post files outside posts/YYYY/; `export --html` refuses a conflicted archive; `init --git`; and
two clones that edit one post, merge to a conflict, are caught, resolve it, and search again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Invoke

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed (.ci/install-system-deps)")

POST = "---\ntitle: The vote\ndate: 2022-06-13\nlang: en\n---\n\n{body}"
CONFLICTED = ("---\ntitle: The vote\ndate: 2022-06-13\nlang: en\n---\n\nFirst paragraph.\n\n"
              "<<<<<<< HEAD\nOurs.\n=======\nTheirs.\n>>>>>>> origin/main\n")


def _git(where: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, check=check, env=env)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_check_reports_conflict_markers_with_their_line(archive: Path, cli: Invoke) -> None:
    folder = archive / "posts" / "2022"
    _write(folder / "2022-06-13-vote.en.md", CONFLICTED)
    # A setext heading (`=======` under a line) and a deep quote are no conflict.
    _write(folder / "2022-06-14-heading.en.md", POST.format(body="A heading\n=======\n\n> > > quoted\n"))
    result = cli("check")
    assert result.exit_code == 1
    assert result.stdout == ("posts/2022/2022-06-13-vote.en.md:9: unresolved git merge conflict "
                             "(<<<<<<< … >>>>>>>): resolve it and remove the markers\n")
    # Markers in the front matter too: one line, not a YAML error.
    _write(folder / "2022-06-13-vote.en.md", "---\n<<<<<<< HEAD\ntitle: A\n=======\ntitle: B\n>>>>>>> x\n"
                                             "date: 2022-06-13\nlang: en\n---\n\nText.\n")
    assert cli("check").stdout.startswith("posts/2022/2022-06-13-vote.en.md:2: unresolved git merge conflict")
    # A conflict whose opening marker was already deleted: `=======` and `>>>>>>>` still say so.
    _write(folder / "2022-06-13-vote.en.md", POST.format(body="Ours.\n=======\nTheirs.\n>>>>>>> origin/main\n"))
    assert cli("check").stdout.startswith("posts/2022/2022-06-13-vote.en.md:8: unresolved git merge conflict")


def test_check_reports_duplicate_ids_and_files_outside_year_folders(archive: Path, cli: Invoke) -> None:
    posts = archive / "posts"
    _write(posts / "2022" / "2022-06-13-vote.en.md", POST.format(body="Text.\n"))
    _write(posts / "2023" / "2022-06-13-vote.en.md", POST.format(body="Text.\n"))  # one id and language, twice
    _write(posts / "2022" / "2022-06-13-vote.EN.md", POST.format(body="Text.\n").replace("lang: en", "lang: EN"))
    _write(posts / "2022-06-15-loose.en.md", POST.format(body="Text.\n"))
    _write(posts / "2022" / "drafts" / "2022-06-16-nested.en.md", POST.format(body="Text.\n"))
    _write(archive / "2022-06-17-beside.en.md", POST.format(body="Text.\n"))
    _write(archive / "2022" / "2022-06-18-year.en.md", POST.format(body="Text.\n"))
    result = cli("check", "--json")
    assert result.exit_code == 1
    found = {(p["path"], p["message"]) for p in json.loads(result.stdout)}
    outside = "a post file outside posts/YYYY/: it is not read; move it to posts/2022/"
    assert found == {
        ("2022-06-17-beside.en.md", outside),
        ("2022/2022-06-18-year.en.md", outside),
        ("posts/2022-06-15-loose.en.md", outside),
        ("posts/2022/drafts/2022-06-16-nested.en.md", outside),
        ("posts/2022/2022-06-13-vote.en.md", "two files claim 2022-06-13-vote in one language: this one and "
                                             "posts/2022/2022-06-13-vote.EN.md (language codes ignore case)"),
        ("posts/2023/2022-06-13-vote.en.md", "in folder '2023' but its id starts with 2022"),
        ("posts/2023/2022-06-13-vote.en.md", "duplicate id: 2022-06-13-vote (en) is also "
                                             "posts/2022/2022-06-13-vote.en.md"),
    }


def test_export_html_refuses_a_conflicted_archive(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    _write(archive / "posts" / "2022" / "2022-06-13-vote.en.md", CONFLICTED)
    result = cli("export", "--html", "-o", "site")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == ("Error: not publishing: posts/2022/2022-06-13-vote.en.md:9 holds an unresolved git "
                             "merge conflict; resolve it, then run 'opedarchive check'\n")
    assert not (tmp_path / "site").exists()
    # Without a usable index (a read-only archive's), the files themselves are read.
    no_index = cli("export", "--html", "-o", "site", env={"OPEDARCHIVE_LIST_FROM_FILES": "1"})
    assert no_index.exit_code == 1 and not (tmp_path / "site").exists()
    _write(archive / "posts" / "2022" / "2022-06-13-vote.en.md", POST.format(body="Resolved.\n"))
    assert cli("export", "--html", "-o", "site").exit_code == 0


def test_init_git_makes_a_repository_ignores_the_index_and_installs_the_hook(cli: Invoke, tmp_path: Path) -> None:
    result = cli("init", "shared", "--git")
    assert result.exit_code == 0, result.stderr
    root = tmp_path / "shared"
    hook = root / ".git" / "hooks" / "pre-commit"
    assert result.stderr.splitlines() == [
        "Created an empty archive in shared",
        "Made a git repository in shared",
        f"Installed a pre-commit hook that runs 'opedarchive check': {hook.relative_to(tmp_path)}",
    ]
    assert (root / ".gitignore").read_text() == ".opedarchive/\n"
    assert os.access(hook, os.X_OK)
    assert "--archive . check" in hook.read_text()
    assert (root / "posts" / ".gitkeep").exists()  # so that a clone has posts/
    # Again, on the archive that now exists: the hook is ours, so it is rewritten; nothing else.
    again = cli("init", "shared", "--git")
    assert again.exit_code == 0
    assert again.stderr.splitlines() == [
        f"Installed a pre-commit hook that runs 'opedarchive check': {hook.relative_to(tmp_path)}"]
    hook.write_text("#!/bin/sh\nrun-my-linter\n")  # someone else's hook is never replaced
    theirs = cli("init", "shared", "--git")
    assert theirs.exit_code == 0
    assert hook.read_text() == "#!/bin/sh\nrun-my-linter\n"
    assert theirs.stderr.startswith(f"Warning: {hook.relative_to(tmp_path)} exists and is not ours; left as it is.")
    assert theirs.stderr.rstrip().endswith("--archive . check")


def test_an_archive_in_a_subfolder_of_a_repository(cli: Invoke, tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "repo")
    result = cli("init", "repo/letters", "--git")
    assert result.exit_code == 0, result.stderr
    assert "Made a git repository" not in result.stderr
    assert "--archive letters check" in (tmp_path / "repo" / ".git" / "hooks" / "pre-commit").read_text()


def _clone(bare: Path, where: Path, name: str) -> Path:
    _git(bare.parent, "clone", "-q", str(bare), str(where))
    _git(where, "config", "user.name", name)
    _git(where, "config", "user.email", f"{name.lower()}@example.org")
    return where


def test_two_clones_merge_to_a_conflict_that_check_catches(cli: Invoke, tmp_path: Path) -> None:
    bare = tmp_path / "shared.git"
    _git(tmp_path, "init", "-q", "--bare", str(bare))
    alice = _clone(bare, tmp_path / "alice", "Alice")
    assert cli("init", str(alice), "--git", "--title", "Committee letters").exit_code == 0
    source = tmp_path / "letter.md"
    source.write_text(POST.format(body="We ask for an independent election body.\n\nSigned, the committee.\n"))
    added = cli("--archive", str(alice), "add", str(source), "--json")
    assert added.exit_code == 0, added.stderr
    post_id = json.loads(added.stdout)["id"]
    rel = f"posts/2022/{post_id}.en.md"
    assert cli("--archive", str(alice), "search", "independent").exit_code == 0  # the index exists…
    _git(alice, "add", "-A")
    assert _git(alice, "status", "--porcelain").stdout.count(".opedarchive") == 0  # …and is not shared
    _git(alice, "commit", "-q", "-m", "A letter")  # (the hook runs `check`: it passes)
    _git(alice, "push", "-q", "origin", "HEAD")
    branch = _git(alice, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()

    bob = _clone(bare, tmp_path / "bob", "Bob")
    assert cli("init", str(bob), "--git").exit_code == 0  # a clone installs its own hook
    post = bob / rel
    post.write_text(post.read_text().replace("an independent election body", "a neutral election body"))
    _git(bob, "commit", "-q", "-am", "Neutral")
    _git(bob, "push", "-q", "origin", "HEAD")

    mine = alice / rel
    mine.write_text(mine.read_text().replace("an independent election body", "an impartial election commission"))
    _git(alice, "commit", "-q", "-am", "Impartial")
    merge = _git(alice, "pull", "-q", "--no-rebase", "origin", branch, check=False)
    assert merge.returncode != 0 and "CONFLICT" in merge.stdout + merge.stderr

    checked = cli("--archive", str(alice), "check")
    assert checked.exit_code == 1
    line = mine.read_text().splitlines().index("<<<<<<< HEAD") + 1
    assert checked.stdout == (f"{rel}:{line}: unresolved git merge conflict (<<<<<<< … >>>>>>>): "
                              "resolve it and remove the markers\n")
    refused = cli("--archive", str(alice), "export", "--html", "-o", str(tmp_path / "site"))
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Error: not publishing: {rel}:{line} holds an unresolved git merge conflict")
    assert not (tmp_path / "site").exists()
    _git(alice, "add", "-A")  # git itself would commit the markers; the hook refuses
    blocked = _git(alice, "commit", "-q", "--no-edit", check=False)
    assert blocked.returncode != 0
    assert f"{rel}:{line}: unresolved git merge conflict" in blocked.stdout + blocked.stderr

    mine.write_text(POST.format(body="We ask for an impartial and neutral election body.\n\nSigned, the committee.\n"))
    assert cli("--archive", str(alice), "check").exit_code == 0
    _git(alice, "commit", "-q", "-am", "Merge: impartial and neutral")
    found = json.loads(cli("--archive", str(alice), "search", "impartial and neutral", "--json").stdout)
    assert [hit["id"] for hit in found] == [post_id]  # the index followed the merge: no reindex needed
    assert cli("--archive", str(alice), "search", "independent").exit_code == 1  # (no match)
    assert cli("--archive", str(alice), "export", "--html", "-o", str(tmp_path / "site")).exit_code == 0
