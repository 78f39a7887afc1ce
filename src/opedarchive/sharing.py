"""Sharing an archive through git (`init --git`): the repository, the `.gitignore` that keeps
the index out of it, and a pre-commit hook that runs `opedarchive check`."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from opedarchive.archive import atomic_write
from opedarchive.errors import OpedError
from opedarchive.paths import DATA_DIR, POSTS_DIR

# The hook's second line: how a hook of ours is told from someone else's (never replaced).
HOOK_MARK = "# opedarchive pre-commit hook"


@dataclass
class GitSetup:
    """What `init --git` did, one line each."""

    done: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)


def command_line() -> list[str]:
    """How this opedarchive is run again: the console script being run (by its absolute path),
    else this interpreter with `-m opedarchive`."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == "opedarchive" and script.is_file() and os.access(script, os.X_OK):
        return [str(script.resolve())]
    return [os.path.abspath(sys.executable), "-m", "opedarchive"]


def hook_text(archive_rel: str, command: list[str]) -> str:
    """The pre-commit hook: `opedarchive check` on the archive at `archive_rel` (relative to the
    top of the work tree, where git runs hooks), by `command`, else by `opedarchive` on PATH."""
    installed = " ".join(shlex.quote(part) for part in command)
    return f"""#!/bin/sh
{HOOK_MARK} (written by 'opedarchive init --git'): a commit goes ahead only when
# 'opedarchive check' finds no problem in the archive (conflict markers, broken front matter,
# duplicate ids). It checks the files as they are in the work tree. Skip it once with
# 'git commit --no-verify'.
set -e
if {shlex.quote(command[0])} --version >/dev/null 2>&1; then
    run() {{ {installed} "$@"; }}
elif command -v opedarchive >/dev/null 2>&1; then
    run() {{ opedarchive "$@"; }}
else
    echo "pre-commit: opedarchive is not installed here (this hook was made for {shlex.quote(command[0])});" \\
         "install it, or commit with --no-verify to skip the check" >&2
    exit 1
fi
run --archive {shlex.quote(archive_rel)} check
"""


def set_up_git(root: Path) -> GitSetup:
    """Make `root` (an archive) ready to be shared through git: `git init` unless it is already
    in a work tree, `.opedarchive/` in its `.gitignore`, and the pre-commit hook (unless another
    hook is there: then a warning says what to add to it)."""
    result = GitSetup()
    if shutil.which("git") is None:
        raise OpedError("git is not installed: install it (https://git-scm.com) and run 'opedarchive init --git' again")
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        made = _git(root, "init")
        if made.returncode != 0:
            raise OpedError(f"git init failed in {root}: {made.stderr.strip() or made.stdout.strip()}")
        result.done.append(f"Made a git repository in {root}")
        top = _git(root, "rev-parse", "--show-toplevel")
    toplevel = Path(top.stdout.strip())
    _ignore_index(root, result)
    posts = root / POSTS_DIR
    if posts.is_dir() and not any(posts.iterdir()):  # git keeps no empty folder; a clone needs it
        atomic_write(posts / ".gitkeep", b"")
    hooks = _git(root, "rev-parse", "--git-path", "hooks")
    hooks_dir = Path(hooks.stdout.strip())
    if not hooks_dir.is_absolute():
        hooks_dir = root / hooks_dir
    hook = hooks_dir / "pre-commit"
    archive_rel = os.path.relpath(root.resolve(), toplevel.resolve())
    text = hook_text(archive_rel, command_line())
    if hook.exists() and HOOK_MARK not in hook.read_text(encoding="utf-8", errors="replace"):
        result.warnings.append(
            f"{hook} exists and is not ours; left as it is. Add this line to it to check the archive "
            f"before each commit: {' '.join(shlex.quote(p) for p in command_line())} "
            f"--archive {shlex.quote(archive_rel)} check")
        return result
    try:
        atomic_write(hook, text.encode("utf-8"))
        os.chmod(hook, 0o755)
    except OSError as exc:
        raise OpedError(f"{hook}: cannot write: {exc.strerror}") from None
    result.done.append(f"Installed a pre-commit hook that runs 'opedarchive check': {hook}")
    return result


def _ignore_index(root: Path, result: GitSetup) -> None:
    """`.opedarchive/` (the index: derived, rebuilt by every command) in the archive's `.gitignore`."""
    path = root / ".gitignore"
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise OpedError(f"{path}: cannot read: {exc}") from None
    wanted = f"{DATA_DIR}/"
    if any(line.strip() in (wanted, DATA_DIR, f"/{wanted}", f"/{DATA_DIR}") for line in text.splitlines()):
        return
    if text and not text.endswith("\n"):
        text += "\n"
    atomic_write(path, (text + wanted + "\n").encode("utf-8"))
    result.done.append(f"Added {wanted} (the search index, rebuilt from the files) to {path}")
