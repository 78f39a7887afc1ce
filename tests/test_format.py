"""The on-disk contract: YAML strings that read back exactly, unknown keys kept, ids, slugs,
discovery order, atomic exclusive writes and bad files."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opedarchive.archive import Archive, atomic_write, find_archive_root
from opedarchive.errors import PostFileError
from opedarchive.model import Version, dump_yaml, load_yaml, parse_post, render_post
from opedarchive.text.slug import MAX_SLUG, make_id, slugify

from conftest import Invoke

TRICKY = ["no", "yes: sir", "null", "~", "2022-06-15", "0o17", "@handle", "# x", "- x", "'quoted'",
          "on", "Off", "y", "1e3", "0x1F", ".inf", "12:30", "*star", "&anchor", "!tag", "%pct", "| pipe",
          "> gt", "[list]", "{map}", " leading", "trailing ", "a: b", "a #b", "", "true", "=", "<<"]


@pytest.mark.parametrize("value", TRICKY)
def test_yaml_strings_read_back_exactly(value: str) -> None:
    assert load_yaml(dump_yaml({"title": value})) == {"title": value}


@given(st.text())
def test_any_string_reads_back(value: str) -> None:
    assert load_yaml(dump_yaml({"title": value, "tags": [value]})) == {"title": value, "tags": [value]}


@pytest.mark.parametrize("title", ["no", "2022-06-15", "@handle", "yes: sir", "'quoted'", "# x", "- x"])
def test_tricky_titles_through_the_cli(archive: Path, cli: Invoke, title: str) -> None:
    result = cli("add", "-", "--title", title, "--date", "2022-01-02", "--json", input="Body.\n")
    assert result.exit_code == 0, result.stderr
    post_id = __import__("json").loads(result.stdout)["id"]
    shown = __import__("json").loads(cli("show", post_id, "--json").stdout)
    assert shown["title"] == title


def test_unknown_keys_survive_a_rewrite(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\ndate: 2022-01-01T10:30:00+07:00\nlang: en\nweight: 3\n"
        "params: {x: [1, 2]}\nzeta: last\n---\n\nBody.\n"
    )
    version = parse_post(text, tmp_path / "x.en.md")
    again = parse_post(render_post(version), tmp_path / "x.en.md")
    assert again.meta == version.meta
    assert list(again.meta)[-3:] == ["weight", "params", "zeta"]
    assert isinstance(again.meta["date"], datetime) and again.meta["date"].utcoffset() is not None
    assert "date: 2022-01-01T10:30:00+07:00\n" in render_post(version)


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    bomb = "---\ntitle: T\ndate: 2022-01-01\nlang: en\na: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n---\n"
    with pytest.raises(PostFileError, match="YAML aliases"):
        parse_post(bomb, tmp_path / "x.en.md")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Recipes towards democratic unification", "recipes-towards-democratic-unification"),
        ("Letter: Candlelight Arrest Is a ‘Joke’", "candlelight-arrest-is-a-joke"),
        ("Café déjà vu — 2023!", "cafe-deja-vu-2023"),
        ("../../x", "x"),
        ("CON", "con"),
    ],
)
def test_slugs(title: str, slug: str) -> None:
    assert slugify(title) == slug


@given(st.text(min_size=1))
def test_slugs_are_always_safe(title: str) -> None:
    slug = slugify(title)
    assert 1 <= len(slug) <= MAX_SLUG
    assert all(c in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in slug)
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug


def test_long_titles_are_cut_at_a_word() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= MAX_SLUG and slug.endswith("word")
    # Khmer is romanised, in order with the Latin words (tests/test_khmer_ids.py has more).
    assert make_id(date(2022, 1, 2), "Khmer only: ខ្មែរ") == "2022-01-02-khmer-only-khmer"
    assert make_id(date(2022, 1, 2), "ខ្មែរ") == "2022-01-02-khmer"


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (tmp_path / "a" / "opedarchive.toml").write_text("")
    assert find_archive_root(cwd=nested) == (tmp_path / "a").resolve()
    monkeypatch.setenv("OPEDARCHIVE_DIR", str(tmp_path / "env"))
    assert find_archive_root(cwd=nested) == tmp_path / "env"
    assert find_archive_root(Path("explicit"), cwd=nested) == Path("explicit")
    monkeypatch.delenv("OPEDARCHIVE_DIR")
    assert find_archive_root(cwd=tmp_path) == tmp_path / "archive"


def test_archive_found_upward_through_the_cli(seeded: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(seeded / "posts" / "2022")
    assert cli("list", "--json").stdout.count('"id"') == 4
    monkeypatch.chdir(seeded.parent)
    env_result = cli("list", "--json", env={"OPEDARCHIVE_DIR": str(seeded)})
    assert env_result.stdout.count('"id"') == 4


def test_exclusive_write_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "f.md"
    atomic_write(target, b"first", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic_write(target, b"second", exclusive=True)
    assert target.read_bytes() == b"first"
    atomic_write(target, b"third")
    assert target.read_bytes() == b"third"
    assert [p.name for p in tmp_path.iterdir()] == ["f.md"]  # no temp file left


def test_two_versions_same_file_refused(archive: Path) -> None:
    arc = Archive(archive)
    version = Version("en", {"title": "T", "date": date(2022, 1, 1), "lang": "en"}, "Body.\n")
    arc.write_version("2022-01-01-t", version)
    with pytest.raises(Exception, match="already exists; not replacing it"):
        arc.write_version("2022-01-01-t", version)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"---\ntitle: T\x00\n---\n", "binary file (contains NUL bytes)"),
        (b"\xff\xfe-\x00-\x00", "file is UTF-16; save it as UTF-8"),
        (b"---\ntitle: caf\xe9\n---\n", "2: not valid UTF-8"),
        (b"", "1: no front matter"),
        (b"---\ntitle: T\ndate: 2022-01-01\nlang: en\n", "front matter is not closed"),
        (b"---\n- a list\n---\n", "front matter is not a mapping"),
    ],
)
def test_bad_files_one_line_naming_the_file(archive: Path, cli: Invoke, data: bytes, message: str) -> None:
    folder = archive / "posts/2022"
    folder.mkdir(parents=True)
    (folder / "2022-01-01-bad.en.md").write_bytes(data)
    result = cli("check")
    assert result.exit_code == 1
    assert result.stdout.startswith("posts/2022/2022-01-01-bad.en.md")
    assert message in result.stdout
    assert result.stdout.count("\n") == 1


def test_bom_and_crlf_are_read(archive: Path, cli: Invoke) -> None:
    folder = archive / "posts/2022"
    folder.mkdir(parents=True)
    (folder / "2022-01-01-ok.en.md").write_bytes(
        "\ufeff---\r\ntitle: Windows\r\ndate: 2022-01-01\r\nlang: en\r\n---\r\n\r\nBody.\r\n".encode()
    )
    assert cli("check").exit_code == 0
    assert '"title": "Windows"' in cli("list", "--json").stdout


def test_symlinked_target_is_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("keep")
    link = tmp_path / "link.md"
    os.symlink(outside, link)
    with pytest.raises(Exception, match="symbolic link"):
        atomic_write(link, b"new")
    assert outside.read_text() == "keep"
