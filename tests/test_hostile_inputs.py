"""Issue 14 (items 1, 6 and 8): hostile input gets one line and a non-zero exit, never a traceback,
never a file written that a later command refuses; what can be read is read; the limits are
checked before the input is read; an edit or an import racing another loses nothing and
doubles nothing. Each test names the attack it replays."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from test_bad_inputs import _without_root_powers
from test_import_wxr import item, wxr

from conftest import SEED_PAGE, SEED_PROBLEM, Invoke

JOKE = "2022-06-24-candlelight-arrest-is-a-joke"
NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"


def post_files(archive: Path) -> list[Path]:
    return sorted((archive / "posts").rglob("*.md"))


def one_error_line(stderr: str, starts: str = "Error: ") -> str:
    """The only line of `stderr`, which must be an error (and no traceback)."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(starts), stderr
    return lines[0]


def run(args: list[str], cwd: Path, stdin: bytes = b"", env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """`opedarchive ARGS…` in a process of its own (for devices and real file descriptors)."""
    return subprocess.run([sys.executable, "-m", "opedarchive", *args], cwd=cwd, input=stdin, capture_output=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, check=False)


# ---------------------------------------------------------------------------- add: stdin and options


@pytest.mark.parametrize(("data", "reason"), [
    (b"Title\n\nBody \xff here\n", "<stdin>:3: not valid UTF-8 (byte 12)"),
    (b"\xff\xfeT\x00i\x00t\x00", "<stdin>: file is UTF-16; save it as UTF-8"),
    (b"\xfe\xff\x00T\x00i", "<stdin>: file is UTF-16; save it as UTF-8"),
    (b"Title\n\nA surrogate \xed\xa0\x80 encoded\n", "<stdin>:3: not valid UTF-8 (byte 19)"),
])
def test_add_from_stdin_that_is_not_utf8_is_one_line(archive: Path, cli: Invoke, data: bytes, reason: str) -> None:
    result = cli("add", "-", input=data)
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"Error: {reason}"
    assert post_files(archive) == []


@pytest.mark.parametrize("option", ["--title", "--author", "--tag", "--outlet", "--kind", "--source-url"])
def test_an_option_with_a_byte_that_is_not_utf8_writes_nothing(archive: Path, cli: Invoke, option: str) -> None:
    # The shell hands Python the byte 0xFF as the lone surrogate U+DCFF; it was written into
    # the YAML, which no later command could read.
    result = cli("add", "-", option, "X\udcff", input="Title\n\nBody.\n")
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == f"Error: {option}: not valid UTF-8 (byte 0xFF)"
    assert post_files(archive) == []


def test_an_option_with_a_control_character_writes_nothing(archive: Path, cli: Invoke) -> None:
    result = cli("add", "-", "--title", "Clear \x1b[2J", input="Body.\n")
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == "Error: --title: control character U+001B"
    assert post_files(archive) == []


CONTROL_BODIES = ["\x1b[2J", "\x07", "\x0b", "\x7f", "\x0c", "\x08", "\x1b]52;c;aGk=\x07", "\ufffe"]


@pytest.mark.parametrize("control", CONTROL_BODIES)
def test_a_body_with_control_characters_is_refused_not_written(archive: Path, cli: Invoke, control: str) -> None:
    result = cli("add", "-", "--title", "T", input=f"First line.\n\nSecond {control} line.\n")
    assert result.exit_code == 1
    code = f"U+{ord(control[0]):04X}"
    kind = "noncharacter" if control == "\ufffe" else "control character"
    assert one_error_line(result.stderr) == f"Error: <stdin>:3: {kind} {code} in the text"
    assert post_files(archive) == []


def test_a_23_mb_body_from_stdin_is_refused_not_written(archive: Path, cli: Invoke) -> None:
    result = cli("add", "-", "--title", "Big", input=b"word " * (23 * 1024 * 1024 // 5))
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == "Error: <stdin>: too large (more than 16 MB; the limit is 16 MB)"
    assert post_files(archive) == []


def test_a_post_over_the_limit_once_written_is_refused(archive: Path, cli: Invoke) -> None:
    # 16 MB of text less a byte fits; with its front matter the file would not.
    body = ("word " * (16 * 1024 * 1024 // 5))[: 16 * 1024 * 1024 - 2] + "\n"
    result = cli("add", "-", "--title", "Just too big", input=body)
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == (
        "Error: the en version cannot be written: its file is too large (16 MB; the limit is 16 MB)")
    assert post_files(archive) == []


# ---------------------------------------------------------------------------- reading no more than the limit


def test_add_dev_zero_ends_at_once_in_one_line(archive: Path) -> None:
    started = time.monotonic()
    result = run(["add", "/dev/zero"], archive.parent)
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert one_error_line(result.stderr.decode()) == (
        "Error: /dev/zero: file is too large (more than 16 MB; the limit is 16 MB)")


def test_a_huge_file_is_refused_by_its_size_before_it_is_read(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with huge.open("wb") as fh:  # 20 GB, sparse: reading it would take minutes and all memory
        fh.truncate(20 * 1024**3)
    started = time.monotonic()
    result = cli("add", str(huge))
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"Error: {huge}: file is too large (20480 MB; the limit is 16 MB)"


@pytest.mark.parametrize(("fmt", "device", "reason"), [
    ("feed", "/dev/urandom", "failed: /dev/urandom: file is too large (more than 64 MB; the limit is 64 MB)"),
    ("page", "/dev/zero", "failed: /dev/zero: file is too large (more than 64 MB; the limit is 64 MB)"),
    ("jsonl", "/dev/zero",
     "failed /dev/zero:1: a line longer than 64 MB (the limit); the rest of the file was not read"),
    ("json", "/dev/zero", "failed: /dev/zero: not a JSON array of posts"),
    ("wxr", "/dev/zero", "failed /dev/zero:1: not well-formed XML (not well-formed (invalid token)); "
                          "the rest of the file was not read"),
])
def test_import_of_an_endless_device_ends_at_once(archive: Path, fmt: str, device: str, reason: str) -> None:
    started = time.monotonic()
    result = run(["import", "--format", fmt, device], archive.parent, timeout=120)
    assert time.monotonic() - started < 30
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr and "MemoryError" not in stderr
    assert result.returncode == 1
    assert stderr.splitlines()[0] == reason


def test_a_wordpress_item_larger_than_the_limit_stops_the_read(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "endless.xml"
    head = wxr(item(1, "Fine", "<p>A first post that is read.</p>")).split("</channel>")[0]
    with source.open("w", encoding="utf-8") as fh:
        fh.write(head + "<item><title>Endless</title><content:encoded>")
        chunk = "<p>" + "x" * (1 << 20) + "</p>"
        for _ in range(66):
            fh.write(chunk)
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"failed {source}: item 2: an item larger than 64 MB (the limit); the rest of the file was not read")
    assert len(post_files(archive)) == 1  # what came before it is imported


def test_a_wordpress_post_whose_text_is_over_the_post_limit_fails_alone(archive: Path, cli: Invoke,
                                                                        tmp_path: Path) -> None:
    source = tmp_path / "big.xml"
    source.write_text(wxr(item(1, "Big", "<p>" + "word " * (17 * 1024 * 1024 // 5) + "</p>")
                          + item(2, "Small", "<p>Small post.</p>")), encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert f"failed {source}: item 1 (post 1): the post's text is too large for a post (17 MB; the limit is 16 MB)" \
        in result.stderr.splitlines()
    assert [p.name for p in post_files(archive)] == ["2022-06-01-small.en.md"]


def test_a_json_post_larger_than_the_limit(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text('[{"versions": [{"lang": "en", "meta": {"title": "T", "date": "2022-01-01"}, "body": "'
                   + "word " * (20 * 1024 * 1024 // 5) + '"}]}]', encoding="utf-8")
    result = cli("import", str(big))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"failed {big}: post 1 (): the text is too large for a post (20 MB; the limit is 16 MB)".replace(" ()", ""))
    assert post_files(archive) == []


def test_a_json_element_larger_than_the_item_limit_is_not_held(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    big = tmp_path / "endless.json"
    with big.open("w", encoding="utf-8") as fh:
        fh.write('[{"versions": [{"body": "')
        for _ in range(66):
            fh.write("x" * (1 << 20))
    result = cli("import", str(big))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"failed: {big}: post 1 is larger than 64 MB (the limit); the rest of the file was not read")


# ---------------------------------------------------------------------------- nesting


NESTINGS = {
    "div": "<div>" * 400 + "deep text" + "</div>" * 400,
    "b-unclosed": "<b>" * 400 + "deep text",
    "p-unclosed": "<p>" * 400 + "deep text",
    "li-unclosed": "<li>" * 400 + "deep text",
    "blockquote": "<blockquote>" * 400 + "deep text" + "</blockquote>" * 400,
    "table": "<table><tr><td>" * 400 + "deep text",
    "a": '<a href="https://x.example/">' * 400 + "deep text" + "</a>" * 400,
    "span-100k": "<span>" * 100_000 + "deep text",
}


@pytest.mark.parametrize("name", sorted(NESTINGS))
def test_deeply_nested_html_in_a_wordpress_item_is_read(archive: Path, cli: Invoke, tmp_path: Path,
                                                         name: str) -> None:
    source = tmp_path / "deep.xml"
    source.write_text(wxr(item(1, "Deep", NESTINGS[name])), encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "deep text" in post_files(archive)[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["div", "b-unclosed", "table"])
def test_deeply_nested_html_in_a_feed_entry_is_read(archive: Path, cli: Invoke, tmp_path: Path, name: str) -> None:
    from html import escape

    source = tmp_path / "deep-feed.xml"
    source.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>Deep</title>'
        f"<pubDate>Wed, 15 Jun 2022 10:00:00 +0700</pubDate><description>{escape(NESTINGS[name])}</description>"
        "</item></channel></rss>", encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "deep text" in post_files(archive)[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_json_nested_5000_deep_is_one_line(archive: Path, cli: Invoke, tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    source.write_text('{"versions": ' + "[" * 5000 + "]" * 5000 + "}\n" if name.endswith("l")
                      else "[" * 5000 + "]" * 5000, encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].endswith("nested too deeply")


def test_front_matter_nested_too_deeply_is_refused_before_writing(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    # 900 levels pass YAML's own limit (1000) but writing them back recursed out of Python's stack.
    source = tmp_path / "deep.md"
    source.write_text("---\ntitle: T\ndate: 2022-01-01\nlang: en\nx: " + "[" * 900 + "]" * 900 + "\n---\nBody.\n",
                      encoding="utf-8")
    result = cli("add", str(source))
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"Error: {source}: 'x' is nested too deeply (more than 32 levels)"
    assert post_files(archive) == []


# ---------------------------------------------------------------------------- values a post cannot hold


@pytest.mark.parametrize(("line", "reason"), [
    ('title: "Clear \\e[2J"', "control character U+001B in 'title'"),
    ("authors: [\"Set title \\e]0;pwned\\a\"]", "control character U+001B in 'authors'"),
    ('summary: "bell \\a"', "control character U+0007 in 'summary'"),
    ('x: "\\uFFFE"', "noncharacter U+FFFE in 'x'"),
    ("rating: .nan", "'rating' is not a finite number (nan)"),
    ("rating: -.inf", "'rating' is not a finite number (-inf)"),
])
def test_escaped_values_a_post_cannot_hold_are_reported_by_check(archive: Path, cli: Invoke, line: str,
                                                                    reason: str) -> None:
    folder = archive / "posts/2022"
    folder.mkdir(parents=True)
    text = f"---\ntitle: T\ndate: 2022-01-01\nlang: en\n{line}\n---\nBody.\n"
    (folder / "2022-01-01-bad.en.md").write_text(text.replace("title: T\n", "", 1) if line.startswith("title")
                                                  else text, encoding="utf-8")
    checked = cli("check")
    assert checked.exit_code == 1
    assert checked.stdout == f"posts/2022/2022-01-01-bad.en.md: {reason}\n"
    listed = cli("list", "--json")  # read where it can be: the file is skipped with a warning
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []
    assert listed.stderr.startswith("Warning: skipped archive/posts/2022/2022-01-01-bad.en.md")


@pytest.mark.parametrize(("value", "reason"), [
    ("NaN", "'score' is not a finite number (nan)"),
    ("-Infinity", "'score' is not a finite number (-inf)"),
    ('"\\ud800"', "surrogate U+D800 in 'score'"),
])
def test_values_a_json_import_cannot_keep_are_refused_never_written(archive: Path, cli: Invoke, tmp_path: Path,
                                                                   value: str, reason: str) -> None:
    source = tmp_path / "odd.json"
    source.write_text('[{"versions": [{"lang": "en", "meta": {"title": "T", "date": "2022-01-01", "score": '
                      f'{value}}}, "body": "Body."}}]}}]', encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"failed {source}: post 1: {reason}"
    assert post_files(archive) == []


@pytest.mark.parametrize("control", CONTROL_BODIES)
def test_control_characters_in_imported_posts_are_refused(archive: Path, cli: Invoke, tmp_path: Path,
                                                          control: str) -> None:
    source = tmp_path / "posts.jsonl"
    post = {"versions": [{"lang": "en", "meta": {"title": f"T {control} x", "date": "2022-01-01"}, "body": "Body."}]}
    source.write_text(json.dumps(post) + "\n", encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert f"U+{ord(control[0]):04X} in 'title'" in result.stderr.splitlines()[0]
    assert post_files(archive) == []
    assert cli("check").exit_code == 0


# ---------------------------------------------------------------------------- init


@pytest.mark.parametrize(("title", "reason"), [
    ("Caf\udce9", "--title: not valid UTF-8 (byte 0xE9)"),
    ("Clear \x1b[2J", "--title: control character U+001B"),
])
def test_init_refuses_a_title_it_could_not_read_back_and_makes_nothing(tmp_path: Path, cli: Invoke, title: str,
                                                                        reason: str) -> None:
    result = cli("init", "made", "--title", title)
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == f"Error: {reason}"
    assert not (tmp_path / "made").exists()


def test_init_writes_any_other_title_so_that_it_reads_back(tmp_path: Path, cli: Invoke) -> None:
    title = 'Quotes " and \\ backslash\nand a line'
    assert cli("init", "made", "--title", title).exit_code == 0
    from opedarchive.config import load_config

    assert load_config(tmp_path / "made" / "opedarchive.toml").title == title


# ---------------------------------------------------------------------------- search


def _paragraph(archive: Path) -> str:
    text = (archive / f"posts/2022/{NEUTRAL}.en.md").read_text(encoding="utf-8")
    return next(p for p in text.split("\n\n") if p.startswith("Reading the article"))


@pytest.mark.parametrize("fts", ["", "1"])
def test_a_pasted_paragraph_of_64_or_more_words_is_searched(seeded: Path, cli: Invoke, fts: str) -> None:
    paragraph = _paragraph(seeded)
    assert len(paragraph.split()) >= 64
    for text in (paragraph, " ".join([paragraph] * 3)):  # 79 and 237 words: 2 and 4 joins of 60
        result = cli("search", "--json", "--", text, env={"OPEDARCHIVE_NO_FTS5": fts})
        assert result.exit_code == 0, result.stderr
        assert [hit["id"] for hit in json.loads(result.stdout)] == [NEUTRAL]


def test_a_query_of_thousands_of_words_and_filters_is_searched(seeded: Path, cli: Invoke) -> None:
    words = " ".join(["election"] * 1000)
    ors = " OR ".join(f"nothing{i}" for i in range(600)) + " OR candlelight"
    filters = " ".join(["author:seng"] * 400)
    for text in (words, ors, f"{filters} election"):
        result = cli("search", "--json", "--", text)
        assert result.exit_code == 0, result.stderr[:300]
        assert json.loads(result.stdout)


def test_a_query_over_the_limit_is_refused_before_it_is_parsed(seeded: Path, cli: Invoke) -> None:
    result = cli("search", "x" * 10_001)
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == "Error: the query is too long (10,001 characters; the limit is 10,000)"
    assert cli("search", "--json", "--", "election " * 1111).exit_code == 0  # 9,999 characters


def test_a_query_with_a_byte_that_is_not_utf8_is_a_usage_error(seeded: Path, cli: Invoke) -> None:
    result = cli("search", "elect\udcffion")
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == "Error: QUERY: not valid UTF-8 (byte 0xFF)"


# ---------------------------------------------------------------------------- folders and files


def test_an_empty_folder_with_a_name_that_is_not_utf8(seeded: Path, cli: Invoke) -> None:
    os.mkdir(os.fsencode(seeded / "posts") + b"/\xff")
    for args in (["list"], ["search", "election"], ["summary"], ["reindex"]):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    checked = cli("check")
    assert checked.exit_code == 1
    not_utf8 = "posts/\ufffd: folder name is not valid UTF-8; the files in it are not read\n"
    assert checked.stdout == not_utf8 + SEED_PROBLEM
    assert json.loads(cli("check", "--json").stdout)[0]["path"] == "posts/\udcff"


# ---------------------------------------------------------------------------- edit


def _editor(tmp_path: Path, code: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text("import os, sys\npath = sys.argv[1]\n" + code, encoding="utf-8")
    return f"{sys.executable} {script}"


def test_edit_when_the_editor_writes_invalid_utf8(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    path = seeded / f"posts/2022/{JOKE}.en.md"
    before = path.read_bytes()
    result = cli("edit", JOKE, env={"EDITOR": _editor(tmp_path, "open(path, 'ab').write(b'\\xff')\n")})
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert line.startswith(f"Error: {path.relative_to(tmp_path)}: not saved: line ")
    assert line.endswith("not valid UTF-8 (byte 3162)") or "not valid UTF-8" in line
    assert path.read_bytes() == before


def test_edit_when_the_editor_removes_its_file(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    path = seeded / f"posts/2022/{JOKE}.en.md"
    before = path.read_bytes()
    result = cli("edit", JOKE, env={"EDITOR": _editor(tmp_path, "os.remove(path)\n")})
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == "Error: the editor removed the file it was given; nothing saved"
    assert path.read_bytes() == before


def test_an_edit_of_a_file_changed_meanwhile_keeps_both(seeded: Path, cli: Invoke, tmp_path: Path) -> None:
    path = seeded / f"posts/2022/{JOKE}.en.md"
    # The editor saves its change; meanwhile someone else (another `edit`) saved the post.
    code = (f"post = {str(path)!r}\n"
            "other = open(post, encoding='utf-8').read().replace('Kangaroo', 'OTHER')\n"
            "open(post, 'w', encoding='utf-8').write(other)\n"
            "mine = open(path, encoding='utf-8').read().replace('Kangaroo', 'MINE')\n"
            "open(path, 'w', encoding='utf-8').write(mine)\n")
    result = cli("edit", JOKE, env={"EDITOR": _editor(tmp_path, code)})
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    rel = path.relative_to(tmp_path)
    assert line.startswith(f"Error: {rel} was changed by someone else while you were editing it; it is left as it "
                           f"is now, and your version is saved in {rel}.edit-")
    assert "OTHER" in path.read_text(encoding="utf-8")  # the other change is kept …
    recovery = list(path.parent.glob(f"{path.name}.edit-*"))
    assert len(recovery) == 1
    assert "MINE" in recovery[0].read_text(encoding="utf-8")  # … and so is this one
    assert cli("check").stdout == SEED_PROBLEM  # a recovery file is no post file


def test_two_edits_at_once_lose_neither(seeded: Path, tmp_path: Path) -> None:
    path = seeded / f"posts/2022/{JOKE}.en.md"
    slow = _editor(tmp_path, "import time\ntext = open(path, encoding='utf-8').read()\ntime.sleep(2)\n"
                   "open(path, 'w', encoding='utf-8').write(text.replace('Kangaroo', 'FIRST'))\n")
    (tmp_path / "fast.py").write_text("import sys\np = sys.argv[1]\nt = open(p, encoding='utf-8').read()\n"
                                      "open(p, 'w', encoding='utf-8').write(t.replace('Kangaroo', 'SECOND'))\n")
    first = subprocess.Popen([sys.executable, "-m", "opedarchive", "edit", JOKE], cwd=tmp_path,
                             env={**os.environ, "EDITOR": slow}, stderr=subprocess.PIPE)
    time.sleep(0.8)
    second = run(["edit", JOKE], tmp_path, env={"EDITOR": f"{sys.executable} {tmp_path / 'fast.py'}"})
    _, first_err = first.communicate(timeout=60)
    assert second.returncode == 0, second.stderr
    assert first.returncode == 1
    assert "was changed by someone else while you were editing it" in first_err.decode()
    assert "SECOND" in path.read_text(encoding="utf-8")
    (recovery,) = path.parent.glob(f"{path.name}.edit-*")
    assert "FIRST" in recovery.read_text(encoding="utf-8")


def _no_space(*args: object, **kwargs: object) -> Path:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_edit_on_a_full_disk_keeps_the_text(seeded: Path, cli: Invoke, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import opedarchive.archive

    path = seeded / f"posts/2022/{JOKE}.en.md"
    before = path.read_bytes()
    monkeypatch.setattr(opedarchive.archive, "_write_temp", _no_space)
    editor = _editor(tmp_path, "open(path, 'a', encoding='utf-8').write('\\nAdded.\\n')\n")
    result = cli("edit", JOKE, env={"EDITOR": editor})
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert line.startswith(f"Error: {path.relative_to(tmp_path)}: not saved: No space left on device; "
                           "your text is kept in ")
    kept = Path(line.rsplit("your text is kept in ", 1)[1])
    assert kept.read_text(encoding="utf-8").endswith("Added.\n")
    kept.unlink()
    assert path.read_bytes() == before


def test_an_index_build_on_a_full_disk(seeded: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from opedarchive.index import Index

    connect: Callable[[Index], object] = Index._connect

    def full(self: Index) -> object:
        db = connect(self)
        db.execute("PRAGMA max_page_count = 1")  # (never below the file's size: it cannot grow)
        return db

    monkeypatch.setattr(Index, "_connect", full)
    searched = cli("search", "election")
    assert searched.exit_code == 1
    index = seeded / ".opedarchive" / "index.sqlite"
    stderr = searched.stderr.split("\n", 1)[1] if searched.stderr.startswith("Building") else searched.stderr
    assert one_error_line(stderr) == (
        f"Error: {index.relative_to(seeded.parent)}: cannot update the search index: the disk is full")
    listed = cli("list", "--json")  # list and summary read the files instead
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 4




def test_edit_and_watch_in_a_read_only_archive(seeded: Path, tmp_path: Path) -> None:
    shutil.rmtree(seeded / ".opedarchive", ignore_errors=True)
    folders = [seeded, seeded / "posts", seeded / "posts" / "2022"]
    editor = _editor(tmp_path, "open(path, 'a', encoding='utf-8').write('\\nAdded.\\n')\n")
    for folder in folders:
        folder.chmod(0o555)
    try:
        base = [*_without_root_powers(), sys.executable, "-m", "opedarchive"]
        edited = subprocess.run([*base, "edit", JOKE], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                                env={**os.environ, "EDITOR": editor}, check=False)
        watched = subprocess.run([*base, "watch"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                                 check=False)
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert edited.returncode == 1
    line = one_error_line(edited.stderr)
    assert line.startswith("Error: archive: cannot write to the archive: Permission denied; your text is kept in ")
    Path(line.rsplit("your text is kept in ", 1)[1]).unlink()
    assert watched.returncode == 1
    assert one_error_line(watched.stderr) == (
        "Error: archive/.opedarchive: cannot write: Permission denied (the watcher keeps the index there, "
        "so the archive must be writable)")


# ---------------------------------------------------------------------------- ids


@pytest.mark.parametrize("command", ["rm", "edit", "show"])
@pytest.mark.parametrize("empty", ["", "   ", "\t"])
def test_an_empty_id_is_a_usage_error(seeded: Path, cli: Invoke, command: str, empty: str) -> None:
    before = post_files(seeded)
    args = [command, empty, *(["--yes"] if command == "rm" else [])]
    result = cli(*args, env={"EDITOR": "true"})
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == "Error: ID: give a post id or a unique prefix of one, not an empty string"
    assert post_files(seeded) == before


# ---------------------------------------------------------------------------- imports at once


def _waiting_for_locks(count: int, timeout: float = 30) -> bool:
    """Whether `count` processes are waiting for a lock (Linux shows them in /proc/locks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/locks", encoding="ascii") as fh:
            if sum(1 for line in fh if "->" in line) >= count:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="needs Linux's /proc/locks")
@pytest.mark.parametrize("source", ["wxr", "page"])
def test_two_imports_of_one_source_at_once_give_each_post_once(archive: Path, tmp_path: Path, source: str) -> None:
    if source == "wxr":
        path = tmp_path / "site.xml"
        path.write_text(wxr("".join(item(i, f"Post number {i}", f"<p>Text of post {i}.</p>") for i in range(1, 41))),
                        encoding="utf-8")
    else:
        path = SEED_PAGE
    (archive / ".opedarchive").mkdir(exist_ok=True)
    # Both imports read the archive (empty) and then wait for the lock this test holds; let go,
    # one writes every post, and the other, deciding under the lock, must see them.
    with open(archive / ".opedarchive" / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        imports = [subprocess.Popen([sys.executable, "-m", "opedarchive", "import", str(path)], cwd=tmp_path,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        assert _waiting_for_locks(2)
        fcntl.flock(lock, fcntl.LOCK_UN)
    results = [p.communicate(timeout=120) for p in imports]
    assert [p.returncode for p in imports] == [0, 0], results
    expected = 40 if source == "wxr" else 4
    summaries = sorted(err.decode().splitlines()[-1] for _, err in results)
    assert summaries == [f"0 created, {expected} skipped, 0 failed", f"{expected} created, 0 skipped, 0 failed"]
    ids = {p.name.split(".")[0] for p in post_files(archive)}
    assert len(ids) == expected


# ---------------------------------------------------------------------------- found by the property test


def test_a_query_holding_nul_is_no_error(seeded: Path, cli: Invoke) -> None:
    # FTS5 reads a query's text up to a NUL: "unterminated string".
    result = cli("search", "\x000")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "No posts match '\\x000'."


def test_an_imported_item_with_no_text_is_not_written(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    # It was written, and `check` then reported "the body is empty".
    source = tmp_path / "empty.xml"
    source.write_text(wxr(item(1, "Empty", "") + item(2, "Full", "<p>Text.</p>")), encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert f"failed {source}: item 1 (post 1): no text (neither a body nor an image)" in result.stderr.splitlines()
    assert [p.name for p in post_files(archive)] == ["2022-06-01-full.en.md"]
    assert cli("check").exit_code == 0
