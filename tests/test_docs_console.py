"""Every `console` block of the README and of docs/ runs, and prints what it shows.

Sybil finds the blocks; each document's blocks run in order in one bash process (so `cd` and
`export` carry over from block to block), standing in a scratch copy of the repository's
`archive/`, `docs/examples/` and `tests/data/`, with the installed `opedarchive` on PATH.

How a block is read:
- `$ command` is run; a line ending in `\\` continues it on the next line.
- The lines up to the next `$ ` are its output, stdout and stderr together as on a terminal.
  Trailing spaces and blank lines are not compared; a line `...` stands for any number of
  lines.
- A comment `# COLUMNS=N` after a command sets the terminal width for it (default 100).
Blocks that must not run (they install, serve or wait) are written as `sh`, not `console`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.markdown import CodeBlockParser

REPO = Path(__file__).parent.parent
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
WIDTH = re.compile(r"#\s*COLUMNS=(\d+)")
ANY_LINES = "..."
TIMEOUT = 120


class Shell:
    """One bash process: commands in, their output and status out."""

    def __init__(self, cwd: Path, home: Path) -> None:
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "NO_COLOR": "1",
            "PAGER": "cat",
            # stdout as on a terminal (line by line), so that it interleaves with stderr as there.
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            ["bash", "--norc", "--noprofile"], cwd=cwd, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            start_new_session=True,
        )

    def run(self, command: str, columns: int) -> tuple[str, int]:
        assert self.process.stdin is not None and self.process.stdout is not None
        marker = f"__done_{uuid.uuid4().hex}__"
        # stdin is /dev/null for the command (a piped `add` still reads its pipe), so that it
        # cannot read the commands that follow.
        self.process.stdin.write(f"export COLUMNS={columns}\n{{\n{command}\n}} </dev/null\n"
                                 f"printf '\\n{marker}%s\\n' \"$?\"\n")
        self.process.stdin.flush()
        lines = []
        # A command that waits (a server, an editor) is killed with its shell after TIMEOUT s.
        watchdog = threading.Timer(TIMEOUT, os.killpg, (self.process.pid, signal.SIGKILL))
        watchdog.start()
        try:
            for line in self.process.stdout:
                if line.startswith(marker):
                    return "".join(lines).removesuffix("\n"), int(line[len(marker):])
                lines.append(line)
        finally:
            watchdog.cancel()
        raise AssertionError(f"`{command}` did not finish within {TIMEOUT} s (it printed {''.join(lines)!r})")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def commands(block: str) -> Iterator[tuple[str, list[str]]]:
    """(command, expected output lines) of a console block."""
    command: list[str] = []
    output: list[str] = []
    continued = False
    for line in block.splitlines():
        if continued:
            command.append(line)
            continued = line.endswith("\\")
        elif line.startswith("$ "):
            if command:
                yield "\n".join(command), output
            command, output = [line[2:]], []
            continued = line.endswith("\\")
        else:
            output.append(line)
    if command:
        yield "\n".join(command), output


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected`, trailing spaces and blank lines aside, a `...` line
    standing for any number of lines (wildcard matching over lines, with backtracking)."""
    want = [line.rstrip() for line in expected if line.strip()]
    got = [line.rstrip() for line in actual if line.strip()]
    w = g = 0
    star, resume = -1, 0
    while g < len(got):
        if w < len(want) and want[w] == ANY_LINES:
            star, resume = w, g
            w += 1
        elif w < len(want) and want[w] == got[g]:
            w += 1
            g += 1
        elif star >= 0:
            resume += 1
            w, g = star + 1, resume
        else:
            return False
    while w < len(want) and want[w] == ANY_LINES:
        w += 1
    return w == len(want)


def _evaluator(shell: Shell) -> CodeBlockParser:
    def evaluate(example: object) -> str | None:
        block: str = example.parsed  # type: ignore[attr-defined]
        for command, expected in commands(block):
            found = WIDTH.search(command.splitlines()[0])
            output, status = shell.run(command, int(found.group(1)) if found else 100)
            if not matches(expected, output.splitlines()):
                return (f"`$ {command}` (exit {status}) printed:\n{output}\n--- where the document shows:\n"
                        + "\n".join(expected))
        return None

    return CodeBlockParser(language="console", evaluator=evaluate)


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """A scratch folder holding what the documents' examples read: a copy of the bundled
    archive, docs/examples and tests/data."""
    shutil.copytree(REPO / "archive", tmp_path / "archive")
    shutil.copytree(REPO / "docs" / "examples", tmp_path / "docs" / "examples")
    shutil.copytree(REPO / "tests" / "data", tmp_path / "tests" / "data",
                    ignore=shutil.ignore_patterns("realworld"))
    (tmp_path / "home").mkdir()
    return tmp_path


def test_matches() -> None:
    assert matches(["a", "...", "c"], ["a", "b", "b", "c"])
    assert matches(["a", "...", "c"], ["a", "c"])
    assert matches(["a  ", "", "b"], ["a", "b   ", ""])
    assert matches(["a", "..."], ["a", "x", "y"])
    assert matches(["...", "z"], ["x", "z"])
    assert not matches(["a", "c"], ["a", "b", "c"])
    assert not matches(["a", "...", "c"], ["a", "b"])
    assert not matches(["a.b"], ["axb"])


@pytest.mark.parametrize("document", DOCUMENTS, ids=[str(d.relative_to(REPO)) for d in DOCUMENTS])
def test_console_blocks(document: Path, sandbox: Path) -> None:
    shell = Shell(sandbox, sandbox / "home")
    try:
        parsed = Sybil(parsers=[_evaluator(shell)]).parse(document)
        examples = list(parsed.examples())
        for example in examples:
            try:
                example.evaluate()
            except Exception as exc:  # Sybil raises SybilFailure with our message
                pytest.fail(f"{document.name}, line {example.line}: {exc}", pytrace=False)
    finally:
        shell.close()
    if document.name == "README.md":
        assert examples, "the README has console examples"
