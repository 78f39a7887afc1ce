"""The `import` command across formats: detection, --format, dry runs, several sources, dedupe
across formats, translations added to posts already there, and the progress bar."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from test_import_wxr import WXR, item, post_files, wxr

from conftest import DATA, SEED_PAGE, Invoke, drain_pty

IMPORT = DATA / "import"


@pytest.mark.parametrize(("source", "expected"), [
    (SEED_PAGE, "page"),
    (IMPORT / "wordpress.xml", "wxr"),
    (IMPORT / "feed-rss.xml", "feed"),
    (IMPORT / "feed-atom.xml", "feed"),
    (IMPORT / "hugo", "markdown"),
    (IMPORT / "jekyll", "markdown"),
    (IMPORT / "pelican", "markdown"),
    (IMPORT / "hugo" / "content" / "posts" / "recipes.en.md", "markdown"),
    (IMPORT / "pelican" / "content" / "recipes.md", "markdown"),
])
def test_the_format_is_detected(archive: Path, cli: Invoke, source: Path, expected: str) -> None:
    result = cli("import", "--dry-run", "--json", str(source))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["format"] == expected


def test_json_and_jsonl_are_told_apart(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    one = {"id": "x", "versions": [{"lang": "en", "body": "Text.\n",
                                    "meta": {"title": "T", "date": "2022-01-01", "lang": "en"}}]}
    (tmp_path / "a.json").write_text(json.dumps([one], indent=2), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(one, indent=2), encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps(one) + "\n", encoding="utf-8")
    result = cli("import", "--dry-run", "--json", *(str(tmp_path / n) for n in ("a.json", "b.json", "c.jsonl")))
    assert [r["format"] for r in json.loads(result.stdout)] == ["json", "json", "jsonl"]


@pytest.mark.parametrize("body", ["<rss", '<rss xmlns:wp="http://wordpress.org/export/1.2/">', "Posted on: 2022-06-01"])
def test_json_quoting_a_feed_or_a_page_is_still_json(archive: Path, cli: Invoke, tmp_path: Path, body: str) -> None:
    # Found by hypothesis: a post whose body was "<rss", exported to JSON, came back as a feed.
    one = {"id": "x", "versions": [{"lang": "en", "body": body + "\n",
                                    "meta": {"title": "T", "date": "2022-01-01", "lang": "en"}}]}
    (tmp_path / "a.json").write_text(json.dumps([one], indent=2), encoding="utf-8")
    result = cli("import", "--dry-run", "--json", str(tmp_path / "a.json"))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["format"] == "json"


def test_an_unknown_format_name_is_exit_2(archive: Path, cli: Invoke) -> None:
    result = cli("import", "--format", "docx", str(WXR))
    assert result.exit_code == 2
    assert result.stderr == ("Error: unknown format 'docx' "
                             "(known: auto, page, wxr, feed, jsonfeed, markdown, json, jsonl)\n")


def test_a_folder_with_no_posts_is_not_a_format(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = cli("import", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path / 'empty'}: not a format opedarchive can import "
                             "(known: page, wxr, feed, jsonfeed, markdown, json, jsonl)\n")


def test_an_unknown_source_stops_before_anything_is_written(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("words\n", encoding="utf-8")
    result = cli("import", str(WXR), str(tmp_path / "notes.txt"))
    assert result.exit_code == 2
    assert post_files(archive) == []


def test_dry_run_shows_what_would_be_written(archive: Path, cli: Invoke) -> None:
    result = cli("import", "--dry-run", str(WXR))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "would create Recipes towards democratic unification (en)",
        "would create ការបោះឆ្នោតឃុំសង្កាត់ឆ្នាំ២០២២ (km)",
        "would create Draft: what the courts must learn (en)",
        "would create Letter: A Neutral Election Body Would Accept the Complaint (en, km)",
        "would create Candlelight arrest is a joke (en, km)",
        "would create Voters deserve a neutral referee (en, km)",
    ]
    assert result.stderr.splitlines()[-1] == ("6 would create, 0 skipped, 0 failed, 3 left out "
                                              "(dry run: nothing written)")
    assert post_files(archive) == []
    cli("import", str(WXR))
    again = cli("import", "--dry-run", str(WXR))
    assert again.stdout == ""
    assert again.stderr.splitlines()[-1] == "0 would create, 6 skipped, 0 failed, 3 left out (dry run: nothing written)"


def test_several_sources_in_one_command(archive: Path, cli: Invoke) -> None:
    result = cli("import", str(SEED_PAGE), str(IMPORT / "feed-atom.xml"), str(IMPORT / "jekyll"))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "9 created, 0 skipped, 0 failed"
    # The seed page and the Atom feed both hold "Recipes towards democratic unification", in
    # different words: two posts, two ids.
    assert "2022-06-28-recipes-towards-democratic-unification-2.en.md" in post_files(archive)


def test_the_same_post_from_another_source_is_skipped_by_its_url(archive: Path, cli: Invoke,
                                                                 tmp_path: Path) -> None:
    cli("import", str(WXR))
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Notes</title><item>'
        "<title>Recipes towards democratic unification</title>"
        "<link>https://notes.example.org/2022/06/28/recipes/</link>"
        "<pubDate>Tue, 28 Jun 2022 03:15:00 +0000</pubDate>"
        "<description>A shorter version of the text.</description></item></channel></rss>", encoding="utf-8")
    result = cli("import", str(feed))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-2:] == [
        f"skipped {feed}: entry 1: already in the archive as 2022-06-28-recipes-towards-democratic-unification "
        "(same source_url)",
        "0 created, 1 skipped, 0 failed",
    ]


def test_a_translation_is_added_to_the_post_already_there(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    english = tmp_path / "english.xml"
    english.write_text(wxr(item(1, "The vote", "<p>English text of the vote.</p>")), encoding="utf-8")
    assert cli("import", str(english)).stdout == "created 2022-06-01-the-vote (en)\n"
    pair = tmp_path / "pair.xml"
    group = {"_wpml_import_translation_group": "9"}
    pair.write_text(wxr(
        item(1, "The vote", "<p>English text of the vote.</p>", meta={**group, "_wpml_import_language_code": "en"})
        + item(2, "ការបោះឆ្នោត", "<p>អត្ថបទខ្មែរ។</p>", meta={
            **group, "_wpml_import_language_code": "km", "_wpml_import_source_language_code": "en"})
    ), encoding="utf-8")
    result = cli("import", str(pair))
    assert result.exit_code == 0
    assert result.stdout == "added km to 2022-06-01-the-vote\n"
    assert result.stderr.splitlines()[-1] == "0 created, 1 translation(s) added, 1 skipped, 0 failed"
    assert post_files(archive) == ["2022-06-01-the-vote.en.md", "2022-06-01-the-vote.km.md"]


def _run_in_terminal(args: list[str], cwd: Path) -> tuple[str, str]:
    """Run opedarchive with stderr on a pseudo-terminal; (stdout, what the terminal showed)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "opedarchive", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=follower, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    shown = drain_pty(leader)
    out = proc.stdout.read().decode() if proc.stdout else ""
    proc.wait(timeout=60)
    os.close(leader)
    return out, shown.decode("utf-8", "replace")


def _many_posts(path: Path, n: int) -> None:
    path.write_text("".join(
        json.dumps({"versions": [{"lang": "en", "body": f"Post number {i} says something new.\n",
                                  "meta": {"title": f"Post {i}", "date": "2022-03-01", "lang": "en"}}]}) + "\n"
        for i in range(n)), encoding="utf-8")


def test_a_progress_bar_on_a_terminal_only(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    _many_posts(source, 60)
    out, shown = _run_in_terminal(["import", "--dry-run", str(source)], tmp_path)
    assert out.count("would create Post ") == 60
    assert "importing" in shown and "60/60" in shown  # the bar, with its count
    assert "60 would create, 0 skipped, 0 failed" in shown
    piped = subprocess.run([sys.executable, "-m", "opedarchive", "import", "--dry-run", str(source)],
                           cwd=tmp_path, capture_output=True, text=True, check=False)
    assert piped.stderr == "60 would create, 0 skipped, 0 failed (dry run: nothing written)\n"


def test_no_progress_bar_for_a_few_posts(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "few.jsonl"
    _many_posts(source, 10)
    _, shown = _run_in_terminal(["import", "--dry-run", str(source)], tmp_path)
    assert "importing" not in shown
    assert "10 would create, 0 skipped, 0 failed" in shown


def test_an_import_and_adds_at_the_same_time_lose_nothing(archive: Path, tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    _many_posts(source, 80)
    command = [sys.executable, "-m", "opedarchive"]
    importing = subprocess.Popen([*command, "import", str(source)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
    for i in range(5):  # the same titles and date as posts of the import: their ids collide
        note = tmp_path / f"note{i}.txt"
        note.write_text(f"A note added by hand, number {i}.\n", encoding="utf-8")
        added = subprocess.run([*command, "add", str(note), "--title", f"Post {i * 15}", "--date", "2022-03-01",
                                "--lang", "en"], cwd=tmp_path, capture_output=True, text=True, check=False)
        assert added.returncode == 0, added.stderr
    _, stderr = importing.communicate(timeout=120)
    assert importing.returncode == 0, stderr
    assert stderr.splitlines()[-1] == "80 created, 0 skipped, 0 failed"
    files = list((archive / "posts" / "2022").glob("*.md"))
    assert len(files) == 85
    bodies = {f.read_text(encoding="utf-8").split("---\n", 2)[2].strip() for f in files}
    assert {f"Post number {i} says something new." for i in range(80)} <= bodies
    assert {f"A note added by hand, number {i}." for i in range(5)} <= bodies
