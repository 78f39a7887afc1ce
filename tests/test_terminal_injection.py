"""Issue 14, item 5: no control character from a post, a file name or the archive's settings
reaches the terminal: `list`, `show`, `search`, `summary`, `check` and `import` show them as
visible characters (␛ for ESC, � for a C1 control such as CSI). Posts may hold C1 controls
(YAML escapes them); C0 controls are refused when a post is read (tests/test_hostile_inputs.py)."""

from __future__ import annotations

import json
import os
import pty
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Invoke, drain_pty

# CSI (clear the screen), OSC (set the window title; write the clipboard), DCS, NEL, as C1 controls;
# and a right-to-left override and isolate, which make a terminal show the text reversed.
C1 = "\x9b2J \x9d0;pwned\x9c \x9d52;c;aGk=\x9c \x90q\x9c \x85 \u202egnp.exe\u202c \u2067x\u2069"
POST_ID = "2022-01-01-hostile"
# What a terminal could obey: C0 controls but line feed (tab too: it is laid out), DEL, C1.
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # Rich's own colour codes, on a terminal


def _yaml(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar (escapes included)


@pytest.fixture
def hostile(archive: Path) -> Path:
    """An archive with a post holding C1 controls in every field and its body, in two languages."""
    folder = archive / "posts" / "2022"
    folder.mkdir(parents=True)
    meta = (f"date: 2022-01-01\nauthors: [{_yaml('Author ' + C1)}]\ntags: [{_yaml('tag ' + C1)}]\n"
            f"outlet: {_yaml('Outlet ' + C1)}\nsummary: {_yaml('Summary ' + C1)}\nkind: {_yaml('kind ' + C1)}\n"
            f"images: [{{caption: {_yaml('Caption ' + C1)}, credit: {_yaml('Credit ' + C1)}}}]\n")
    (folder / f"{POST_ID}.en.md").write_text(
        f"---\ntitle: {_yaml('Hostile election ' + C1)}\n{meta}lang: en\n---\n\n"
        f"The election body {C1} first.\n\nSecond paragraph {C1} election.\n", encoding="utf-8")
    (folder / f"{POST_ID}.km.md").write_text(
        f"---\ntitle: {_yaml('ការបោះឆ្នោត ' + C1)}\n{meta}lang: km\n---\n\nកថាខណ្ឌ {C1} ទីមួយ។\n\nកថាខណ្ឌ {C1} ទីពីរ។\n",
        encoding="utf-8")
    return archive


def _assert_shown_not_obeyed(text: str) -> None:
    leftover = OBEYED.findall(SGR.sub("", text))
    assert not leftover, leftover


COMMANDS = [
    ["list"],
    ["show", POST_ID, "--stacked"],
    ["show", POST_ID, "--side-by-side"],
    ["show", POST_ID, "--lang", "km"],
    ["search", "election"],
    ["search", "election", "--parallel"],
    ["search", "ការបោះឆ្នោត"],
    ["summary"],
]


@pytest.mark.parametrize("color", ["", "1"], ids=["plain", "terminal"])
@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_no_control_character_of_a_post_reaches_the_terminal(hostile: Path, cli: Invoke, args: list[str],
                                                             color: str) -> None:
    env = {"FORCE_COLOR": "1", "NO_COLOR": ""} if color else {}
    result = cli(*args, env=env)
    assert result.exit_code == 0, result.stderr
    _assert_shown_not_obeyed(result.stdout)
    _assert_shown_not_obeyed(result.stderr)
    assert "\ufffd2J" in result.stdout  # CSI shown, as U+FFFD


def test_json_output_escapes_what_a_terminal_would_obey(hostile: Path, cli: Invoke) -> None:
    for args in (["show", POST_ID, "--json"], ["list", "--json"], ["search", "election", "--json"],
                 ["summary", "--json"]):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        _assert_shown_not_obeyed(result.stdout)
        assert "\\u009b2J" in result.stdout
    shown = json.loads(cli("show", POST_ID, "--json").stdout)
    assert shown["title"] == "Hostile election " + C1  # the data is intact


def test_file_names_and_the_archive_title_are_shown_not_obeyed(archive: Path, cli: Invoke) -> None:
    folder = archive / "posts" / "2022"
    folder.mkdir(parents=True)
    (folder / "2022-01-01-fine.en.md").write_text("---\ntitle: Fine\ndate: 2022-01-01\nlang: en\n---\nBody.\n")
    (folder / "\x1b]2;pwned\x07\n\x1b[2J.md").write_text("x", encoding="utf-8")
    (folder / "\x1b[31m").mkdir()
    (folder / "\x1b[31m" / "x\x9b.md").write_text("x", encoding="utf-8")
    config = archive / "opedarchive.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('title = "Op-ed archive"',
                                                                 'title = "Archive \\u001b]2;pwned\\u0007"'))
    checked = cli("check")
    assert checked.exit_code == 1
    assert checked.stdout.splitlines() == [
        "posts/2022/␛]2;pwned␇␊␛[2J.md: file name is not <YYYY-MM-DD-slug>.<lang>.md",
        "posts/2022/␛[31m/x\ufffd.md: file name is not <YYYY-MM-DD-slug>.<lang>.md",
    ]
    summary = cli("summary")
    _assert_shown_not_obeyed(summary.stdout)
    assert summary.stdout.startswith("Archive ␛]2;pwned␇\n")
    as_json = cli("check", "--json")
    assert json.loads(as_json.stdout)[0]["path"] == "posts/2022/\x1b]2;pwned\x07\n\x1b[2J.md"


def test_import_reports_show_titles_and_places_not_obeyed(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "posts\x1b[2J.jsonl"
    good = {"versions": [{"lang": "en", "meta": {"title": "Title \x9b2J here", "date": "2022-01-01"}, "body": "Text."}]}
    bad = {"versions": [{"lang": "en", "meta": {"title": "No date"}, "body": "Text."}]}
    source.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = cli("import", "--dry-run", str(source))
    assert result.exit_code == 1
    _assert_shown_not_obeyed(result.stdout)
    _assert_shown_not_obeyed(result.stderr)
    assert result.stdout == "would create Title \ufffd2J here (en)\n"
    assert result.stderr.startswith(f"failed {str(source).replace(chr(27), '␛')}:2: version 1: cannot read the date")


def _on_a_terminal(args: list[str], cwd: Path) -> str:
    """What opedarchive writes when stdout and stderr are a pseudo-terminal."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "opedarchive", *args], cwd=cwd, stdout=follower,
                            stderr=follower, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    shown = drain_pty(leader)
    proc.wait(timeout=60)
    os.close(leader)
    return shown.decode("utf-8", "replace")


def test_on_a_terminal_raw_files_and_the_progress_bar_show_controls(hostile: Path, tmp_path: Path) -> None:
    raw = _on_a_terminal(["show", POST_ID, "--raw", "--lang", "en"], tmp_path)
    _assert_shown_not_obeyed(raw.replace("\r\n", "\n"))
    assert "The election body \ufffd2J" in raw  # the file's raw C1 (CSI), shown
    source = tmp_path / "many\x1b]2;pwned\x07.jsonl"
    source.write_text("".join(json.dumps({"versions": [{"lang": "en", "body": f"Post {i} text.", "meta": {
        "title": f"Post {i}", "date": "2022-03-01"}}]}) + "\n" for i in range(60)), encoding="utf-8")
    shown = _on_a_terminal(["import", "--dry-run", str(source)], tmp_path)
    assert "importing" in shown and "␛]2;pwned␇" in shown  # the bar's label
    assert "\x1b]2;pwned" not in shown


# ---------------------------------------------------------------------------- a real terminal

DONE = "__DONE__"
EXE = Path(sys.executable).parent / "opedarchive"


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[list[str]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (make system-deps)")
    config = tmp_path / "tmux.conf"
    config.write_text("set -g history-limit 5000\nset -g status off\n", encoding="utf-8")
    base = ["tmux", "-L", f"oped-{os.getpid()}-{uuid.uuid4().hex[:8]}", "-f", str(config)]
    yield base
    subprocess.run([*base, "kill-server"], capture_output=True, check=False)


def test_in_tmux_a_hostile_file_name_and_title_set_no_window_title(tmux: list[str], archive: Path,
                                                                    tmp_path: Path) -> None:
    folder = archive / "posts" / "2022"
    folder.mkdir(parents=True)
    (folder / "2022-01-01-fine.en.md").write_text("---\ntitle: Fine\ndate: 2022-01-01\nlang: en\n---\nBody.\n")
    (folder / "\x1b]2;PWNED-CHECK\x07.md").write_text("x", encoding="utf-8")
    config = archive / "opedarchive.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'title = "Op-ed archive"', 'title = "Archive \\u001b]2;PWNED-SUMMARY\\u0007 \\u001b[2J"'))
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"}
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    script = tmp_path / "run.sh"
    exe, where = shlex.quote(str(EXE)), shlex.quote(str(archive))
    script.write_text(f"echo BEFORE\n{exe} --archive {where} check\n{exe} --archive {where} summary\n"
                      f"echo {DONE}\nsleep 60\n", encoding="utf-8")
    subprocess.run([*tmux, "new-session", "-d", "-s", "view", "-x", "120", "-y", "40",
                    f"sh {shlex.quote(str(script))}"], check=True, env=env)
    deadline = time.monotonic() + 30
    while True:
        rows = subprocess.run([*tmux, "capture-pane", "-p", "-S", "-", "-t", "view"], capture_output=True, text=True,
                              check=True, env=env).stdout.splitlines()
        if any(row.strip() == DONE for row in rows):
            break
        assert time.monotonic() < deadline, rows
        time.sleep(0.2)
    title = subprocess.run([*tmux, "display", "-p", "-t", "view", "#{pane_title}"], capture_output=True, text=True,
                           check=True, env=env).stdout
    assert "PWNED" not in title
    assert rows[0] == "BEFORE"  # the screen was not cleared
    assert any("␛]2;PWNED-CHECK␇.md: file name is not" in row for row in rows)
    assert any(row.startswith("Archive ␛]2;PWNED-SUMMARY␇ ␛[2J") for row in rows)
