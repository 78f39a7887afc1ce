"""Large Markdown folders: paired cheaply by file name, read in worker processes, written a batch
at a time with one sync — and all of it giving what the plain one-process reading gives."""

from __future__ import annotations

import string
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from opedarchive.archive import Archive
from opedarchive.importers import markdown
from opedarchive.importers.base import ImportItem
from opedarchive.importing import Writer
from opedarchive.model import Version, dump_yaml
from opedarchive.yamlio import _Dumper

from conftest import DATA, Invoke

SITES = [DATA / "import" / "hugo", DATA / "import" / "jekyll", DATA / "import" / "pelican"]


def _mixed_folder(root: Path) -> Path:
    """Files paired in every way the importer knows, with bad ones among them."""
    folder = root / "mixed"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    (folder / "bundle").mkdir()

    def post(path: Path, front: str, body: str = "") -> None:
        body = body or f"The words of {path.relative_to(folder)}."
        path.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")

    post(folder / "one.en.md", "title: One\ndate: 2022-01-01\n")
    post(folder / "one.km.md", "title: មួយ\ndate: 2022-01-02\n", "ពាក្យខ្លះ។")
    post(folder / "two.en.md", "title: [unclosed\ndate: 2022-01-01\n")  # bad, beside a good translation
    post(folder / "two.km.md", "title: ពីរ\ndate: 2022-01-03\n", "ពាក្យពីរ។")
    post(folder / "a" / "three.md", "title: Three\ndate: 2022-02-01\ntranslationKey: three\n")
    post(folder / "b" / "trois.md", "title: Trois\ndate: 2022-02-01\nlang: fr\ntranslationKey: three\n", "Des mots.")
    post(folder / "a" / "four.md", 'title: Four\ndate: 2022-03-01\n"translation\\u004bey": four\n')  # an escaped key
    post(folder / "b" / "quatre.md", "title: Quatre\ndate: 2022-03-01\nlang: fr\nTranslationKey: four\n", "Quatre.")
    post(folder / "bundle" / "index.en.md", "title: Bundle\ndate: 2022-04-01\n")
    post(folder / "bundle" / "index.km.md", "title: កញ្ចប់\ndate: 2022-04-01\n", "កញ្ចប់។")
    post(folder / "five.en.md", "title: Five\ndate: 2022-05-01\n")
    post(folder / "five.fr.md", "title: Cinq\ndate: 2022-05-01\nlang: en\n", "Cinq mots.")  # a second 'en'
    (folder / "six.md").write_text("Title: Six\nDate: 2022-06-01\nSlug: six\n\nPelican text.\n", encoding="utf-8")
    (folder / "seven.md").write_bytes(b"---\x00binary")
    post(folder / "eight.md", "date: 2022-08-01\n")  # no title
    return folder


def _folders(tmp_path: Path) -> list[Path]:
    return [*SITES, _mixed_folder(tmp_path)]


def _summary(items: list[ImportItem]) -> list[tuple[Any, ...]]:
    out = []
    for item in items:
        versions = [(v.lang, v.meta, v.body) for v in item.versions()] if item.ready else []
        out.append((item.where, item.error, item.notices, versions))
    return out


def test_pairing_by_name_agrees_with_a_full_read(tmp_path: Path) -> None:
    for folder in _folders(tmp_path):
        site = markdown._site(folder)
        files, _ = markdown._files(folder, include_pages=True)
        for file in files:
            doc = markdown._read_doc(file, site)
            cheap = markdown._pairing_key(file, site)
            if doc.key:
                assert cheap == doc.key, file
            else:  # a bad file: its own key, or the group its name puts it in
                assert cheap in (("error", str(file)), markdown._name_key(file)), file


def test_a_large_folder_is_read_in_worker_processes_as_in_this_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in _folders(tmp_path):
        here = list(markdown.read(folder, include_pages=True))
        monkeypatch.setattr(markdown, "PARALLEL_MIN", 1)
        monkeypatch.setattr(markdown, "KEY_BATCH", 2)
        monkeypatch.setattr(markdown, "GROUP_BATCH", 2)
        there = list(markdown.read(folder, include_pages=True))
        monkeypatch.undo()
        assert _summary(there) == _summary(here), folder
        assert all(item.prepared is not None for item in there if item.ready and not item.error)


def test_a_bad_file_comes_before_its_translations_post(tmp_path: Path) -> None:
    folder = _mixed_folder(tmp_path)
    wheres = [(item.where, bool(item.error)) for item in markdown.read(folder)]
    bad = wheres.index((str(folder / "two.en.md"), True))
    assert wheres[bad + 1] == (str(folder / "two.km.md"), False)


def test_a_large_folder_imports_the_same_files(tmp_path: Path, cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _mixed_folder(tmp_path)
    assert cli("init", str(tmp_path / "here")).exit_code == 0
    assert cli("init", str(tmp_path / "there")).exit_code == 0
    first = cli("--archive", str(tmp_path / "here"), "import", str(folder))
    monkeypatch.setattr(markdown, "PARALLEL_MIN", 1)
    monkeypatch.setattr(markdown, "GROUP_BATCH", 2)
    second = cli("--archive", str(tmp_path / "there"), "import", str(folder))
    assert (second.exit_code, second.stdout) == (first.exit_code, first.stdout)
    assert second.stderr == first.stderr
    assert first.stderr.splitlines()[-1] == "8 created, 0 skipped, 3 failed"
    here = {p.relative_to(tmp_path / "here"): p.read_bytes() for p in (tmp_path / "here" / "posts").rglob("*.md")}
    there = {p.relative_to(tmp_path / "there"): p.read_bytes() for p in (tmp_path / "there" / "posts").rglob("*.md")}
    assert there == here
    assert len(here) == 12
    assert not [p for p in (tmp_path / "there").rglob(".tmp-*")]


def test_a_post_whose_file_appeared_meanwhile_fails_alone(tmp_path: Path) -> None:
    archive = Archive.init(tmp_path / "archive")
    writer = Writer(archive, batch=10, threads=2)

    def version(title: str) -> Version:
        return Version(lang="en", meta={"title": title, "date": date(2022, 1, 1), "lang": "en"}, body="Text.\n")

    first = writer.create([version("First")])
    second = writer.create([version("Second")])
    taken = archive.path_for(second, "en")
    taken.parent.mkdir(parents=True, exist_ok=True)
    taken.write_text("someone else's\n", encoding="utf-8")  # written by another process meanwhile
    failed = writer.close()
    assert failed == {second: f"{taken}: already exists; not replacing it"}
    assert taken.read_text(encoding="utf-8") == "someone else's\n"
    assert archive.path_for(first, "en").read_text(encoding="utf-8").startswith("---\ntitle: First\n")
    assert sorted(p.name for p in taken.parent.iterdir()) == sorted([f"{first}.en.md", f"{second}.en.md"])


# Text that is often plain YAML and sometimes not: indicators, spaces, YAML 1.1 words, digits,
# Khmer, zero-width and line-separating characters, emoji.
_TEXT = st.one_of(
    st.text(alphabet=string.ascii_letters + " -'.,", min_size=1, max_size=20),
    st.text(alphabet=st.sampled_from([*string.printable, "\u00a0", "\u0085", "\u200b", "\u2028", "\ufeff", "\u1780",
                                       "\u17b6", "\u17d2", "\u17d4", "\u0301", "é", "😀", "\ue000", "\x9f"]),
            max_size=12),
    st.sampled_from(["yes", "No", "on", "y", "null", "~", "1", "1.5", "0x1F", "2022-01-01", "<<", "=", ".inf", "a:b",
                     "a: b", "a #b", "- a", "? a", "Title  two", "Title "]),
)
_VALUE = st.one_of(
    _TEXT, st.lists(_TEXT, max_size=3), st.booleans(), st.dates(min_value=date(1, 1, 1)),
    st.datetimes(timezones=st.sampled_from([None, timezone.utc, timezone(timedelta(hours=7))])),
    st.integers(), st.none(),
)
_KEYS = st.one_of(st.sampled_from(["title", "date", "lang", "authors", "tags", "draft", "translationKey"]), _TEXT)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_KEYS, _VALUE, min_size=1, max_size=5))
def test_front_matter_is_written_as_pyyaml_writes_it(meta: dict[str, Any]) -> None:
    """The fast path of dump_yaml gives PyYAML's bytes, or leaves the writing to PyYAML."""
    expected = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000,
                         default_flow_style=False)
    assert dump_yaml(meta) == expected


def test_common_front_matter_takes_the_fast_path() -> None:
    from opedarchive.model import _fast_yaml

    meta = {"title": "ការបោះឆ្នោត: no", "date": date(2022, 6, 15), "lang": "km"}
    assert _fast_yaml(meta) is None  # `: ` needs quotes
    meta = {"title": "The NEC’s count (again), 2022", "date": date(2022, 6, 15), "lang": "en",
            "authors": ["Sophoan Seng"], "tags": ["elections", "ឆ្នោត"], "draft": False}
    assert _fast_yaml(meta) == ("title: The NEC’s count (again), 2022\ndate: 2022-06-15\nlang: en\n"
                                "authors:\n- Sophoan Seng\ntags:\n- elections\n- ឆ្នោត\ndraft: false\n")
    assert _fast_yaml({"date": datetime(2022, 6, 15, 10, 0)}) is None
