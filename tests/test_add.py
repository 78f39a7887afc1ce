"""`add`: from a file, stdin or $EDITOR; options, detection, translations, and its errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from conftest import Invoke

ENGLISH = """Courts Are Not Theatres

Phnom Penh, June 2, 2022. The court must serve justice, not politics.

A second paragraph follows here.

Jane Doe
Director, Example Institute
"""

KHMER = """តុលាការមិនមែនជាល្ខោនទេ

តុលាការត្រូវតែបម្រើយុត្តិធម៌ មិនមែននយោបាយទេ។

កថាខណ្ឌទីពីរ។
"""


def _front(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])  # type: ignore[no-any-return]


def test_add_a_file_detects_title_and_signature(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "piece.txt"
    source.write_text(ENGLISH, encoding="utf-8")
    result = cli("add", str(source), "--date", "2022-06-02", "--tag", "courts", "--tag", "justice")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2022-06-02-courts-are-not-theatres\n"
    path = archive / "posts/2022/2022-06-02-courts-are-not-theatres.en.md"
    assert result.stderr == "wrote posts/2022/2022-06-02-courts-are-not-theatres.en.md\n"
    meta = _front(path)
    assert meta["title"] == "Courts Are Not Theatres"
    assert meta["authors"] == ["Jane Doe"]
    assert meta["affiliation"] == "Director, Example Institute"
    assert meta["tags"] == ["courts", "justice"]
    assert meta["lang"] == "en"
    assert "A second paragraph follows here." in path.read_text(encoding="utf-8")


def test_add_from_stdin_with_options(archive: Path, cli: Invoke) -> None:
    result = cli(
        "add", "-", "--title", "no", "--date", "2023-01-05", "--author", "A. Writer", "--outlet", "VOD English",
        "--kind", "letter", "--source-url", "https://example.org/x", input="Body text.\n",
    )
    assert result.exit_code == 0, result.stderr
    post_id = result.stdout.strip()
    assert post_id == "2023-01-05-no"
    meta = _front(archive / "posts/2023/2023-01-05-no.en.md")
    assert meta == {
        "title": "no", "date": __import__("datetime").date(2023, 1, 5), "lang": "en", "authors": ["A. Writer"],
        "outlet": "VOD English", "kind": "letter", "source_url": "https://example.org/x",
    }


def test_khmer_only_post_gets_a_romanised_slug(archive: Path, cli: Invoke) -> None:
    result = cli("add", "-", "--date", "2022-06-13", input=KHMER)
    assert result.exit_code == 0, result.stderr
    post_id = result.stdout.strip()
    assert post_id == "2022-06-13-toleakar-min-men-chea-lkhaon-te"  # UNGEGN: tŏléakar mĭn mên chéa lkhaôn té
    meta = _front(archive / "posts/2022" / f"{post_id}.km.md")
    assert meta["lang"] == "km"
    assert meta["title"] == "តុលាការមិនមែនជាល្ខោនទេ"


def test_a_paste_with_original_and_translation_becomes_two_files(archive: Path, cli: Invoke) -> None:
    result = cli("add", "-", "--date", "2022-06-02", input=ENGLISH + "\n" + KHMER)
    assert result.exit_code == 0, result.stderr
    folder = archive / "posts/2022"
    assert sorted(p.name for p in folder.iterdir()) == [
        "2022-06-02-courts-are-not-theatres.en.md",
        "2022-06-02-courts-are-not-theatres.km.md",
    ]
    km = _front(folder / "2022-06-02-courts-are-not-theatres.km.md")
    assert km["title"] == "តុលាការមិនមែនជាល្ខោនទេ"
    assert "Jane Doe" not in (folder / "2022-06-02-courts-are-not-theatres.km.md").read_text(encoding="utf-8")


def test_translation_of_adds_a_language(archive: Path, cli: Invoke) -> None:
    cli("add", "-", "--date", "2022-06-02", input=ENGLISH)
    result = cli("add", "-", "--translation-of", "2022-06-02-courts", input=KHMER)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "2022-06-02-courts-are-not-theatres"
    km = _front(archive / "posts/2022/2022-06-02-courts-are-not-theatres.km.md")
    assert km["date"] == __import__("datetime").date(2022, 6, 2)  # no date in the text or options: the original's
    again = cli("add", "-", "--translation-of", "2022-06-02-courts", input=KHMER)
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: 2022-06-02-courts-are-not-theatres already has a 'km' version")


def test_same_title_and_date_gets_a_suffix(archive: Path, cli: Invoke) -> None:
    ids = [cli("add", "-", "--title", "Same", "--date", "2022-01-01", input=f"Body {i}.\n").stdout.strip()
           for i in range(3)]
    assert ids == ["2022-01-01-same", "2022-01-01-same-2", "2022-01-01-same-3"]


def test_add_a_markdown_file_keeps_unknown_keys(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "post.md"
    source.write_text(
        "---\ntitle: Hello\ndate: 2021-03-04\ncustom_key: {nested: [1, 2]}\nweight: 7\n---\n\nThe body.\n",
        encoding="utf-8",
    )
    result = cli("add", str(source))
    assert result.exit_code == 0, result.stderr
    meta = _front(archive / "posts/2021/2021-03-04-hello.en.md")
    assert meta["custom_key"] == {"nested": [1, 2]}
    assert meta["weight"] == 7
    assert meta["lang"] == "en"


def test_add_through_the_editor(archive: Path, cli: Invoke, tmp_path: Path, monkeypatch: object) -> None:
    script = tmp_path / "fake-editor.py"
    script.write_text(
        "import sys\nopen(sys.argv[1], 'w', encoding='utf-8').write('Edited Title\\n\\nWritten in the editor.\\n')\n",
        encoding="utf-8",
    )
    # The editor path is taken only when stdin is a terminal; CliRunner's is not, so call the helper.
    import os

    from opedarchive.cli.posts import _text_from_editor

    os.environ["EDITOR"] = f"{sys.executable} {script}"
    try:
        assert _text_from_editor("template", ".txt") == "Edited Title\n\nWritten in the editor.\n"
    finally:
        del os.environ["EDITOR"]


def test_add_json_output(archive: Path, cli: Invoke) -> None:
    result = cli("add", "-", "--title", "T", "--date", "2020-02-02", "--json", input="Body.\n")
    assert json.loads(result.stdout) == {"id": "2020-02-02-t", "paths": ["posts/2020/2020-02-02-t.en.md"]}


def test_add_errors(archive: Path, cli: Invoke) -> None:
    empty = cli("add", "-", input="   \n")
    assert (empty.exit_code, empty.stderr) == (1, "Error: <stdin>: nothing to add (the text is empty)\n")
    no_title = cli("add", "-", input="Just one sentence with a full stop.\n")
    assert no_title.exit_code == 2
    assert no_title.stderr == "Error: <stdin>: no title found in the text; give one with --title\n"
    bad_date = cli("add", "-", "--title", "T", "--date", "yesterday-ish", input="Body.\n")
    assert (bad_date.exit_code, bad_date.stderr) == (2, "Error: --date: cannot read 'yesterday-ish'; use YYYY-MM-DD\n")
    bad_lang = cli("add", "-", "--title", "T", "--lang", "english!", input="Body.\n")
    assert bad_lang.exit_code == 2
    missing = cli("add", "nope.txt")
    assert (missing.exit_code, missing.stderr) == (1, "Error: nope.txt: cannot read: No such file or directory\n")
    assert list((archive / "posts").rglob("*.md")) == []


def test_add_without_an_archive(tmp_path: Path, cli: Invoke) -> None:
    result = cli("add", "-", "--title", "T", input="Body.\n")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no archive at {Path('archive')}: run 'opedarchive init archive' or pass --archive\n"
    )


def test_option_values_are_stored_in_nfc(archive: Path, cli: Invoke) -> None:
    # U+2F800 is a compatibility ideograph whose NFC form is U+4E3D; "e" + U+0301 composes to "é".
    result = cli("add", "-", "--title", "\U0002f800 Cafe\u0301", "--author", "Jose\u0301", "--date", "2022-01-01",
                 input="Body.\n")
    assert result.exit_code == 0, result.stderr
    meta = _front(archive / "posts/2022" / f"{result.stdout.strip()}.en.md")
    assert meta["title"] == "\u4e3d Café"
    assert meta["authors"] == ["José"]
