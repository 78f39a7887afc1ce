"""Translation status (issue 18 item 1; issue 15 item 7): a translation records which text of its
original it translates; `list --outdated`/`--needs-translation`, `summary`, `--json`,
`translated`, `check --fix`, the site's notice, and the post's original taken from the record."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from opedarchive import index as index_module
from opedarchive.translation import text_hash, with_record, words_of

from conftest import Invoke

KM_BODY = "ការបោះឆ្នោតឃុំ​សង្កាត់ឆ្នាំ២០២២ មិនមានភាពយុត្តិធម៌ទេ។\n\nគណៈកម្មាធិការជាតិរៀបចំការបោះឆ្នោតត្រូវតែឯករាជ្យ។\n"
EN_BODY = "The commune election of 2022 was not fair.\n\nThe National Election Committee must be independent.\n"


def _post(path: Path, title: str, day: str, lang: str, body: str, extra: str = "") -> None:
    path.write_text(f"---\ntitle: {title}\ndate: {day}\nlang: {lang}\n{extra}---\n\n{body}", encoding="utf-8")


def _add(cli: Invoke, tmp_path: Path, name: str, text: str, *args: str) -> str:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = cli("add", str(source), "--json", *args)
    assert result.exit_code == 0, result.stderr
    return str(json.loads(result.stdout)["id"])


@pytest.fixture
def khmer_first(archive: Path, cli: Invoke, tmp_path: Path) -> tuple[str, Path, Path]:
    """A Khmer original (13 June) with an English translation added a day later."""
    km_text = f"---\ntitle: ការបោះឆ្នោតមិនយុត្តិធម៌\ndate: 2022-06-13\nlang: km\n---\n\n{KM_BODY}"
    post_id = _add(cli, tmp_path, "km.md", km_text)
    en_text = f"---\ntitle: An unfair election\nlang: en\n---\n\n{EN_BODY}"
    _add(cli, tmp_path, "en.md", en_text, "--translation-of", post_id)
    folder = archive / "posts" / "2022"
    return post_id, folder / f"{post_id}.km.md", folder / f"{post_id}.en.md"


def test_the_text_hash_counts_words_only() -> None:
    body = "A *free* election,\nfor all.\n\nក​ម្ពុជា"
    same = ["A free election, for all. កម្ពុជា", "A   _free_ election,\n\n\nfor all!\nក\u200bម្ពុជា",
            "# A free election for all\n\n> កម្ពុជា\n"]
    assert all(text_hash(other) == text_hash(body) for other in same)
    assert words_of(body) == "A free election for all កម្ពុជា"
    for changed in ["A free election, for some.", "A Free election, for all. កម្ពុជា", "A free election for all កម្ពុជ"]:
        assert text_hash(changed) != text_hash(body)
    assert text_hash(body).startswith("sha256:") and len(text_hash(body)) == 7 + 64


def test_a_translation_records_its_original_and_the_post_keeps_the_khmer_original(
        khmer_first: tuple[str, Path, Path], cli: Invoke) -> None:
    post_id, _, en = khmer_first
    assert post_id.startswith("2022-06-13-")
    text = en.read_text(encoding="utf-8")
    assert f"translation_of:\n  lang: km\n  text: {text_hash(KM_BODY)}\n" in text
    assert "date: 2022-06-13\n" in text  # the original's date (issue 15 item 7)
    for env in ({}, {"OPEDARCHIVE_LIST_FROM_FILES": "1"}):  # from the index, and from the files
        listed = json.loads(cli("list", "--json", env=env).stdout)
        assert [(p["id"], p["title"], p["date"], p["languages"]) for p in listed] == [
            (post_id, "ការបោះឆ្នោតមិនយុត្តិធម៌", "2022-06-13", ["km", "en"])]
        assert [(v["lang"], v["translation_of"], v["translation"]) for v in listed[0]["versions"]] == [
            ("km", None, "original"), ("en", "km", "current")]
        assert "ការបោះឆ្នោតមិនយុត្តិធម៌" in cli("list", env=env).stdout
        summary = json.loads(cli("summary", "--json", env=env).stdout)
        assert summary["latest"][0]["title"] == "ការបោះឆ្នោតមិនយុត្តិធម៌"
        assert (summary["outdated"], summary["needs_translation"]) == ([], [])
    assert cli("check").exit_code == 0


def test_an_edit_of_the_originals_words_makes_the_translation_outdated(
        khmer_first: tuple[str, Path, Path], cli: Invoke) -> None:
    post_id, km, en = khmer_first
    original = km.read_text(encoding="utf-8")
    # Front matter, white space and line wrapping only: still current.
    km.write_text(original.replace("date: 2022-06-13\n", "date: 2022-06-13\ntags:\n- election\n")
                  .replace("ទេ។\n\n", "ទេ។\n\n\n").replace(" មិន", "\nមិន"), encoding="utf-8")
    assert cli("list", "--outdated").stderr == "No posts match.\n"
    km.write_text(original.replace("មិនមានភាពយុត្តិធម៌ទេ", "គឺយុត្តិធម៌"), encoding="utf-8")
    for env in ({}, {"OPEDARCHIVE_LIST_FROM_FILES": "1"}):
        listed = json.loads(cli("list", "--outdated", "--json", env=env).stdout)
        assert [(p["id"], p["outdated"]) for p in listed] == [(post_id, ["en"])]
        assert listed[0]["versions"][1]["translation"] == "outdated"
        assert json.loads(cli("summary", "--json", env=env).stdout)["outdated"] == [post_id]
    shown = cli("summary").stdout
    assert "1 with an outdated translation ('list --outdated')" in shown
    assert "Outdated translations (1)" in shown and post_id in shown
    before = en.read_text(encoding="utf-8")
    result = cli("translated", post_id[:12], "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"posts/2022/{post_id}.en.md: marked as translating the original as it is now\n"
    after = en.read_text(encoding="utf-8")
    new_hash = text_hash(km.read_text(encoding="utf-8").split("---\n", 2)[2])
    assert after == before.replace(text_hash(KM_BODY), new_hash)  # nothing else changed
    assert cli("list", "--outdated").stderr == "No posts match.\n"
    again = cli("translated", post_id, "--lang", "en")
    assert again.stderr.endswith("already records the original as it is now; nothing changed\n")
    refused = cli("translated", post_id, "--lang", "km")
    assert refused.exit_code == 1
    assert refused.stderr == f"Error: {post_id}: the km version is the post's original, not a translation\n"
    missing = cli("translated", post_id, "--lang", "fr")
    assert missing.stderr == f"Error: {post_id} has no 'fr' version (it has km, en)\n"


def test_needs_translation_and_untranslated(archive: Path, cli: Invoke) -> None:
    folder = archive / "posts" / "2022"
    folder.mkdir()
    _post(folder / "2022-01-01-alone.en.md", "Alone", "2022-01-01", "en", "Only English.\n")
    _post(folder / "2022-01-02-french.en.md", "French", "2022-01-02", "en", "English.\n")
    _post(folder / "2022-01-02-french.fr.md", "Français", "2022-01-02", "fr", "Français.\n")
    _post(folder / "2022-01-03-both.en.md", "Both", "2022-01-03", "en", "English.\n")
    _post(folder / "2022-01-03-both.km.md", "ទាំងពីរ", "2022-01-03", "km", "ខ្មែរ។\n")

    def ids(*args: str) -> list[str]:
        return [p["id"] for p in json.loads(cli("list", "--json", *args).stdout)]

    assert ids("--untranslated") == ["2022-01-01-alone"]
    assert ids("--needs-translation") == ["2022-01-02-french", "2022-01-01-alone"]
    assert json.loads(cli("list", "--json").stdout)[1]["needs_translation"] == ["km"]
    needs = json.loads(cli("summary", "--json").stdout)["needs_translation"]
    assert needs == ["2022-01-02-french", "2022-01-01-alone"]
    assert json.loads(cli("summary", "--json", "--needs-translation").stdout)["posts"] == 2


def test_check_fix_records_a_translation_added_by_hand(archive: Path, cli: Invoke) -> None:
    folder = archive / "posts" / "2022"
    folder.mkdir()
    _post(folder / "2022-06-13-vote.km.md", "ការបោះឆ្នោត", "2022-06-13", "km", KM_BODY, "tags: [vote]\n")
    _post(folder / "2022-06-13-vote.en.md", "The vote", "2022-06-13", "en", EN_BODY,
          "tags: [vote]  # a comment stays\nodd_key: {a: 1}\n")
    hand = (folder / "2022-06-13-vote.en.md").read_text(encoding="utf-8")
    result = cli("check")
    assert result.exit_code == 0
    hint = "1 post with a translation that records no original text: 'opedarchive check --fix' records it."
    assert hint in result.stderr
    # Without a record, the first of the archive's languages is the original, as before.
    assert json.loads(cli("list", "--json").stdout)[0]["title"] == "The vote"
    fixed = cli("check", "--fix")
    assert fixed.exit_code == 0
    assert "Recorded the original text posts/2022/2022-06-13-vote.km.md translates" in fixed.stderr
    written = (folder / "2022-06-13-vote.km.md").read_text(encoding="utf-8")
    assert written.startswith("---\ntitle: ការបោះឆ្នោត\ndate: 2022-06-13\nlang: km\ntags: [vote]\n"
                              f"translation_of:\n  lang: en\n  text: {text_hash(EN_BODY)}\n---\n")
    assert (folder / "2022-06-13-vote.en.md").read_text(encoding="utf-8") == hand  # the original is left alone
    again = cli("check", "--fix")
    assert "Recorded" not in again.stderr and "records no original text" not in cli("check").stderr


def test_with_record_keeps_every_other_byte() -> None:
    text = ("---\ntitle: 'Yes: a title'   # comment\ndate: 2022-06-13\nlang: km\n"
            "translation_of:\n  lang: en\n  text: sha256:old\nsummary: >\n  folded\n  text\n---\n\nBody\n")
    record = {"lang": "en", "text": "sha256:" + "0" * 64}
    assert with_record(text, record, "x.md") == text.replace("sha256:old", record["text"])
    flow = "---\n{title: T, date: 2022-06-13, lang: km}\n---\n\nBody\n"  # not block YAML: written afresh
    assert with_record(flow, record, "x.md") == (f"---\ntitle: T\ndate: 2022-06-13\nlang: km\ntranslation_of:\n"
                                                 f"  lang: en\n  text: {record['text']}\n---\n\nBody\n")


def test_check_reports_a_malformed_or_orphaned_record(archive: Path, cli: Invoke) -> None:
    folder = archive / "posts" / "2022"
    folder.mkdir()
    _post(folder / "2022-01-01-a.en.md", "A", "2022-01-01", "en", "Text.\n")
    _post(folder / "2022-01-01-a.km.md", "ក", "2022-01-01", "km", "អត្ថបទ។\n", "translation_of: en\n")
    _post(folder / "2022-01-02-b.km.md", "ខ", "2022-01-02", "km", "អត្ថបទ។\n",
          f"translation_of: {{lang: fr, text: '{text_hash('x')}'}}\n")
    result = cli("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "posts/2022/2022-01-01-a.km.md: 'translation_of' should be "
        "{lang: <language>, text: sha256:<64 hex digits>}",
        "posts/2022/2022-01-02-b.km.md: 'translation_of' names the fr version, which this post does not have",
    ]


def test_the_site_shows_a_notice_on_an_outdated_translation(khmer_first: tuple[str, Path, Path], cli: Invoke,
                                                             tmp_path: Path) -> None:
    post_id, km, _ = khmer_first
    assert cli("export", "--html", "-o", "site").exit_code == 0
    page = (tmp_path / "site" / "posts" / f"{post_id}.html").read_text(encoding="utf-8")
    assert 'class="outdated"' not in page
    assert page.index('id="v-km"') < page.index('id="v-en"')  # the original first
    _post(km, "ការបោះឆ្នោតមិនយុត្តិធម៌", "2022-06-13", "km", KM_BODY + "\nកថាខណ្ឌថ្មី។\n")
    result = cli("export", "--html", "-o", "site")
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "site" / "posts" / f"{post_id}.html").read_text(encoding="utf-8")
    assert ('<p class="outdated" role="note" lang="en">The original of this translation has changed since it '
            'was translated.</p>') in page
    assert page.count('class="outdated"') == 1


def test_the_khmer_notice(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    folder = archive / "posts" / "2022"
    folder.mkdir()
    _post(folder / "2022-01-01-a.en.md", "A", "2022-01-01", "en", "Changed text.\n")
    _post(folder / "2022-01-01-a.km.md", "ក", "2022-01-01", "km", "អត្ថបទ។\n",
          f"translation_of:\n  lang: en\n  text: {text_hash('Original text.')}\n")
    assert cli("export", "--html", "-o", "site").exit_code == 0
    page = (tmp_path / "site" / "posts" / "2022-01-01-a.html").read_text(encoding="utf-8")
    assert ('<p class="outdated" role="note" lang="km">អត្ថបទដើមនៃការបកប្រែនេះបានផ្លាស់ប្តូរ '
            'បន្ទាប់ពីត្រូវបានបកប្រែ។</p>') in page


def test_a_paste_and_an_import_record_the_pairing(seeded: Path, cli: Invoke) -> None:
    km = next((seeded / "posts" / "2022").glob("*joke.km.md"))
    en = km.with_name(km.name.replace(".km.md", ".en.md"))
    assert "translation_of:\n  lang: en\n  text: sha256:" in km.read_text(encoding="utf-8")
    assert "translation_of" not in en.read_text(encoding="utf-8")


def test_an_index_of_the_previous_release_is_completed(khmer_first: tuple[str, Path, Path], cli: Invoke,
                                                       archive: Path) -> None:
    post_id = khmer_first[0]
    expected = cli("list", "--json").stdout
    with sqlite3.connect(archive / ".opedarchive/index.sqlite") as db:  # as release 6 left it
        db.execute("DROP INDEX docs_conflict")
        for column in ("translates", "translated_text", "text_hash", "conflict"):
            db.execute(f"ALTER TABLE docs DROP COLUMN {column}")
        db.execute("PRAGMA user_version = 6")
    assert cli("list", "--json").stdout == expected
    assert json.loads(expected)[0]["title"] == "ការបោះឆ្នោតមិនយុត្តិធម៌"
    with sqlite3.connect(archive / ".opedarchive/index.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(index_module.MIGRATIONS)
        assert db.execute("SELECT count(*) FROM docs WHERE text_hash IS NULL").fetchone()[0] == 0
        assert db.execute("SELECT translates FROM docs WHERE lang = 'en'").fetchone()[0] == "km"
    assert post_id
