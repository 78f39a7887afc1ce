"""Shared fixtures: every test runs in its own folder, with a clean environment."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opedarchive.cli import app

DATA = Path(__file__).parent / "data"
SEED_PAGE = DATA / "blog-page-2022-06.txt"
REPO = Path(__file__).parent.parent


@dataclass
class Run:
    """The outcome of one command."""

    exit_code: int
    stdout: str
    stderr: str


Invoke = Callable[..., Run]


@pytest.fixture(autouse=True)
def _clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPEDARCHIVE_DIR", "VISUAL", "EDITOR", "PAGER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def cli() -> Invoke:
    """Run `opedarchive ARGS…` in-process; returns exit code, stdout and stderr apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str | None] | None = None) -> Run:
        result = runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def archive(tmp_path: Path, cli: Invoke) -> Path:
    """An empty archive at tmp_path/archive (found as ./archive)."""
    assert cli("init").exit_code == 0
    return tmp_path / "archive"


@pytest.fixture
def seeded(archive: Path, cli: Invoke) -> Path:
    """The archive with the seed page imported."""
    result = cli("import", str(SEED_PAGE))
    assert result.exit_code == 0, result.stderr
    return archive


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    """A copy of the repository's bundled archive/."""
    target = tmp_path / "bundled"
    shutil.copytree(REPO / "archive", target)
    return target


def drain_pty(leader: int, timeout: float = 30) -> bytes:
    """Everything written to a pseudo-terminal until its writers close it (or `timeout` s of quiet)."""
    import os
    import select

    shown = b""
    while select.select([leader], [], [], timeout)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # Linux: EIO once every writer has closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    return shown
