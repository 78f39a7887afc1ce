"""Issue 14, item 9: arbitrary bytes and Unicode — control characters, lone surrogates (how Python
passes on bytes of arguments and file names that are not UTF-8), NUL, sizes over the limits,
deep nesting — thrown at `add`, `import` (every format), `search` and `init`. Every command
exits 0, 1 or 2, never with a traceback, and `check` passes on the archive afterwards: nothing
was written that a later command refuses. 100 examples each, about 16 s for the four tests."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from opedarchive.cli import app

from conftest import SEED_PAGE, SEED_PROBLEM

# HOSTILE_EXAMPLES=1000 for a longer hunt than the one every test run makes.
SETTINGS = settings(max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "100")), deadline=None,
                    suppress_health_check=list(HealthCheck))

# Pieces that reach the odd corners: controls (C0, DEL, C1), terminal sequences, lone surrogates,
# noncharacters, byte-order marks, line separators, Khmer, YAML and JSON specials, deep nesting.
PIECES = st.sampled_from([
    "\x00", "\x07", "\x0b", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x7f", "\x85", "\x9b2J", "\ud800", "\udcff",
    "\ufffe", "\uffff", "\ufeff", "\u2028", "\u200b", "\r\n", "\r", "\t", "\n\n", "ការបោះឆ្នោត", "្", "é",
    "---\n", "+++\n", ": ", "- ", "*a", "&a", "!!python/object:os.system", ".nan", "-.inf", "NaN", "null", "~",
    "[" * 1500, "{" * 1500, "<div>" * 500, "<b>" * 500, "]]>", "<![CDATA[", "&#0;", "&#x1b;", "&amp;", '"', "\\",
    "Posted on: June 28, 2022\n", "title: T\n", "date: 2022-01-01\n", "lang: en\n", "2022-02-30", "0000-00-00",
])
TEXT = st.lists(st.one_of(PIECES, st.text(st.characters(blacklist_categories=()), max_size=40)),
                max_size=12).map("".join)
HUGE = 16 * 1024 * 1024 + 1  # one byte over the post limit
Fresh = Callable[[], tuple[CliRunner, Path]]


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


PAYLOAD = st.one_of(
    TEXT.map(_bytes),
    st.binary(max_size=300),
    st.sampled_from([b"\xff\xfe" + "utf-16".encode("utf-16-le"), b"\x00" * 50, b"\xed\xa0\x80", b"x" * HUGE]),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding the seed page, copied for each example."""
    archive = tmp_path_factory.mktemp("template") / "archive"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(archive)]).exit_code == 0
    assert runner.invoke(app, ["--archive", str(archive), "import", str(SEED_PAGE)]).exit_code == 0
    return archive


@pytest.fixture
def runner(template: Path, tmp_path: Path) -> Iterator[Callable[[], tuple[CliRunner, Path]]]:
    """A fresh copy of the template archive for each example (so that a failure is the example's own)."""
    made: list[Path] = []

    def fresh() -> tuple[CliRunner, Path]:
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        made.append(folder)
        shutil.copytree(template, folder / "archive", ignore=shutil.ignore_patterns(".opedarchive"))
        return CliRunner(), folder / "archive"

    yield fresh
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


def _invoke(runner: CliRunner, archive: Path | None, args: list[str], stdin: bytes | None = None) -> None:
    """Run a command: it must end with 0, 1 or 2 and no traceback (an exception fails the test)."""
    full = (["--archive", str(archive)] if archive is not None else []) + args
    result = runner.invoke(app, full, input=stdin, catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr[-500:])
    assert "Traceback" not in result.stderr


def _check_passes(runner: CliRunner, archive: Path) -> None:
    result = runner.invoke(app, ["--archive", str(archive), "check"], catch_exceptions=False)
    assert result.stdout.replace(SEED_PROBLEM, "") == "", result.stdout[-1000:]


@SETTINGS
@given(payload=PAYLOAD, title=st.one_of(st.none(), TEXT), author=st.one_of(st.none(), TEXT),
       date=st.one_of(st.none(), TEXT, st.just("2022-01-01")), lang=st.one_of(st.none(), TEXT, st.just("km")),
       as_file=st.booleans())
def test_add_anything(runner: Fresh, tmp_path: Path, payload: bytes, title: str | None,
                      author: str | None, date: str | None, lang: str | None, as_file: bool) -> None:
    cli, archive = runner()
    args = ["add"]
    for option, value in (("--title", title), ("--author", author), ("--date", date), ("--lang", lang)):
        if value is not None:
            args += [option, value]
    if as_file:
        source = archive.parent / "input.md"
        source.write_bytes(payload)
        _invoke(cli, archive, [*args, str(source)])
    else:
        _invoke(cli, archive, [*args, "-"], stdin=payload)
    _check_passes(cli, archive)


def _wrapped(fmt: str, text: str, title: str) -> str:
    """`text` and `title` inside a document of the format, so that its reader gets past detection."""
    if fmt == "wxr":
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">'
                f"<channel><item><title>{title}</title><content:encoded><![CDATA[{text}]]></content:encoded>"
                "<wp:post_date>2022-06-01 10:00:00</wp:post_date><wp:post_type>post</wp:post_type>"
                "<wp:status>publish</wp:status></item></channel></rss>")
    if fmt == "feed":
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><item><title>{title}</title>'
                f"<pubDate>Wed, 15 Jun 2022 10:00:00 +0700</pubDate><description>{text}</description></item>"
                "</channel></rss>")
    if fmt in ("json", "jsonl"):
        post: dict[str, Any] = {"versions": [{"lang": "en", "meta": {"title": title, "date": "2022-01-01"},
                                              "body": text}]}
        return json.dumps([post]) if fmt == "json" else json.dumps(post) + "\n"
    if fmt == "markdown":
        return f"---\ntitle: {json.dumps(title)}\ndate: 2022-01-01\n---\n{text}\n"
    return f"Posted on: June 28, 2022\n{title}\n\n{text}\n"  # page


FORMATS = ["auto", "page", "wxr", "feed", "markdown", "json", "jsonl"]


@SETTINGS
@given(fmt=st.sampled_from(FORMATS), wrap=st.booleans(), text=TEXT, title=TEXT, payload=PAYLOAD,
       dry_run=st.booleans())
def test_import_anything(runner: Fresh, tmp_path: Path, fmt: str, wrap: bool, text: str,
                         title: str, payload: bytes, dry_run: bool) -> None:
    cli, archive = runner()
    source = archive.parent / ("source.md" if fmt == "markdown" else "source.txt")
    source.write_bytes(_bytes(_wrapped("wxr" if fmt == "auto" else fmt, text, title)) if wrap else payload)
    _invoke(cli, archive, ["import", "--format", fmt, *(["--dry-run"] if dry_run else []), str(source)])
    _check_passes(cli, archive)


@SETTINGS
@given(words=st.lists(TEXT, max_size=6), author=st.one_of(st.none(), TEXT), lang=st.one_of(st.none(), TEXT),
       since=st.one_of(st.none(), TEXT), json_out=st.booleans(), parallel=st.booleans(),
       many=st.integers(min_value=0, max_value=300))
def test_search_anything(runner: Fresh, words: list[str], author: str | None, lang: str | None,
                         since: str | None, json_out: bool, parallel: bool, many: int) -> None:
    cli, archive = runner()
    args = ["search", *(["--json"] if json_out else []), *(["--parallel"] if parallel else [])]
    for option, value in (("--author", author), ("--lang", lang), ("--since", since)):
        if value is not None:
            args += [option, value]
    _invoke(cli, archive, [*args, "--", *words, *(["election"] * many)])
    _check_passes(cli, archive)


@SETTINGS
@given(name=st.text(st.characters(blacklist_categories=(), blacklist_characters="/\x00"), min_size=1, max_size=30),
       title=st.one_of(st.none(), TEXT))
@example(name="\ud800", title=None)  # found by this test in CI: Click stats the path before `init` runs
def test_init_anything(tmp_path: Path, name: str, title: str | None) -> None:
    cli = CliRunner()
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / f"a{name}"  # (never "." or "..")
    args = ["init", str(folder), *(["--title", title] if title is not None else [])]
    result = cli.invoke(app, args, catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        _invoke(cli, folder, ["summary"])
        _check_passes(cli, folder)
        _invoke(cli, folder, ["add", "-", "--title", "A post"], stdin=b"Body of it.\n")
        _check_passes(cli, folder)
