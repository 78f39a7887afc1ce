"""`list` and `show`: the table, filters, sorting, the JSON shapes, id prefixes."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Invoke

JOKE = "2022-06-24-candlelight-arrest-is-a-joke"
NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"
RECIPES = "2022-06-28-recipes-towards-democratic-unification"
MACHINE = "2022-06-12-election-disenfranchisement-machine-of-cambodia"


def _ids(cli: Invoke, *args: str) -> list[str]:
    result = cli("list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return [p["id"] for p in json.loads(result.stdout)]


def test_list_table(seeded: Path, cli: Invoke) -> None:
    result = cli("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["date", "id", "title", "·", "summary", "authors", "outlet", "lang"]
    assert "Letter: Candlelight Arrest Is a ‘Joke’" in result.stdout
    assert "Sophoan Seng" in result.stdout and "VOD English" in result.stdout
    assert "en km" in result.stdout
    # newest first
    assert result.stdout.index("2022-06-28") < result.stdout.index("2022-06-12")


def test_list_narrow_terminal_drops_columns(seeded: Path, cli: Invoke) -> None:
    result = cli("list", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "authors" not in result.stdout.splitlines()[0]
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_list_json_shape(seeded: Path, cli: Invoke) -> None:
    posts = json.loads(cli("list", "--json").stdout)
    joke = next(p for p in posts if p["id"] == JOKE)
    assert list(joke) == [
        "id", "date", "title", "authors", "outlet", "kind", "tags", "summary", "languages", "needs_translation",
        "outdated", "versions",
    ]
    assert joke["date"] == "2022-06-24"
    assert joke["languages"] == ["en", "km"]
    assert joke["kind"] == "letter"
    assert joke["summary"].startswith("Regarding “Candlelight Commune Chief-Elect Arrested")
    assert joke["versions"][1] == {
        "lang": "km",
        "title": "Letter: Candlelight Arrest Is a ‘Joke’",
        "date": "2022-06-24",
        "authors": ["លោកសេង សុភ័ណ"],
        "path": f"posts/2022/{JOKE}.km.md",
        "translation_of": "en",
        "translation": "current",
    }
    assert (joke["needs_translation"], joke["outdated"]) == ([], [])


def test_filters(seeded: Path, cli: Invoke) -> None:
    assert _ids(cli, "--untranslated") == [RECIPES, MACHINE]
    assert _ids(cli, "--lang", "km") == [JOKE, NEUTRAL]
    assert _ids(cli, "--outlet", "vod") == [NEUTRAL]
    assert _ids(cli, "--kind", "op-ed") == [NEUTRAL]
    assert _ids(cli, "--kind", "letter") == [JOKE, NEUTRAL]  # the Khmer version of NEUTRAL is a letter
    assert _ids(cli, "--author", "sophoan") == [RECIPES, JOKE, NEUTRAL]
    assert _ids(cli, "--author", "សេង") == [JOKE, NEUTRAL]
    assert _ids(cli, "--since", "2022-06-15", "--until", "2022-06-24") == [JOKE, NEUTRAL]
    assert _ids(cli, "--year", "2022", "--limit", "1") == [RECIPES]
    assert _ids(cli, "--year", "2021") == []
    assert _ids(cli, "--tag", "none") == []


def test_sorting(seeded: Path, cli: Invoke) -> None:
    assert _ids(cli, "--sort", "date", "--reverse") == [MACHINE, NEUTRAL, JOKE, RECIPES]
    assert _ids(cli, "--sort", "title") == [MACHINE, NEUTRAL, JOKE, RECIPES]
    assert _ids(cli, "--sort", "id") == [MACHINE, NEUTRAL, JOKE, RECIPES]


def test_list_bad_option_values(seeded: Path, cli: Invoke) -> None:
    result = cli("list", "--since", "June")
    assert (result.exit_code, result.stderr) == (2, "Error: --since: 'June' is not a date (YYYY-MM-DD)\n")
    assert cli("list", "--sort", "colour").exit_code == 2


def test_list_empty_archive(archive: Path, cli: Invoke) -> None:
    result = cli("list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "The archive is empty" in result.stderr


def test_list_warns_about_a_broken_file_and_goes_on(seeded: Path, cli: Invoke) -> None:
    broken = seeded / "posts/2022/2022-06-01-broken.en.md"
    broken.write_text("---\ntitle: [unclosed\ndate: 2022-06-01\nlang: en\n---\nBody\n", encoding="utf-8")
    result = cli("list", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 4
    assert result.stderr.startswith("Warning: skipped archive/posts/2022/2022-06-01-broken.en.md:3: invalid YAML")


def test_show_renders_the_original(seeded: Path, cli: Invoke) -> None:
    result = cli("show", "2022-06-24")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Letter: Candlelight Arrest Is a ‘Joke’\n2022-06-24 · Sophoan Seng")
    assert "also in: km" in result.stdout
    assert "Nhim Sarom (Candlelight Party’s Facebook page)" in result.stdout
    assert "Kangaroo Court" in result.stdout


def test_show_khmer(seeded: Path, cli: Invoke) -> None:
    result = cli("show", "2022-06-15", "--lang", "km")
    assert result.exit_code == 0
    assert result.stdout.startswith("លិខិត៖ បើស្ថាប័នរៀបចំការបោះឆ្នោតអព្យាក្រឹត")
    assert "2022-06-13 10:03:00 · សេង សោភ័ណ្ឌ" in result.stdout
    missing = cli("show", "2022-06-28", "--lang", "km")
    assert missing.exit_code == 1
    assert missing.stderr == f"Error: {RECIPES} has no 'km' version (it has en)\n"


def test_show_raw_is_the_file(seeded: Path, cli: Invoke) -> None:
    result = cli("show", JOKE, "--raw", "--lang", "km")
    assert result.stdout == (seeded / f"posts/2022/{JOKE}.km.md").read_text(encoding="utf-8")


def test_show_json_has_bodies(seeded: Path, cli: Invoke) -> None:
    data = json.loads(cli("show", "2022-06-15", "--json").stdout)
    assert data["id"] == NEUTRAL
    assert [v["lang"] for v in data["versions"]] == ["en", "km"]
    assert data["versions"][1]["body"].startswith("ការអានអត្ថបទ “គណៈកម្មាធិការរៀបចំការបោះឆ្នោត")
    assert data["versions"][1]["date"] == "2022-06-13T10:03:00"
    assert data["versions"][0]["meta"]["outlet"] == "VOD English"


def test_ids_by_prefix(seeded: Path, cli: Invoke) -> None:
    assert cli("show", "2022-06-2", "--json").exit_code == 1
    ambiguous = cli("show", "2022-06-1")
    assert ambiguous.exit_code == 1
    assert ambiguous.stderr == f"Error: '2022-06-1' matches 2 posts: {MACHINE}, {NEUTRAL}\n"
    unknown = cli("show", "1999")
    assert (unknown.exit_code, unknown.stderr) == (1, "Error: no post with id '1999' (see 'opedarchive list')\n")
    assert json.loads(cli("show", "2022-06-28", "--json").stdout)["id"] == RECIPES


def test_show_of_hostile_markdown_prints_all_of_it(seeded: Path, cli: Invoke) -> None:
    # Issue 14: quotes nested 5,000 deep ended in RecursionError; unclosed `**`, `[` and `![a](`, and
    # a heading of 50,000 `#`, made the Markdown patterns retry the rest of the paragraph from each.
    path = seeded / f"posts/2022/{MACHINE}.en.md"
    front = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    body = ["> " * 5000 + "deep", "**a " * 20_000, "[a " * 20_000, "![a](" * 20_000, "# " + "#" * 50_000 + " x"]
    path.write_text(front + "\n---\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    result = cli("show", MACHINE, "--no-pager", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.count("┃ ") >= 16 and "deep" in out  # 16 levels drawn, the rest shown as text
    assert out.count("**a") == 20_000 and out.count("[a ") + out.count("[a\n") == 20_000
    assert "".join(out.split()).count("![a](") == 20_000
    assert all(len(line) <= 100 for line in out.splitlines())
