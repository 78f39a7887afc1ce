"""`export --csl-json/--ris/--bibtex`: citations of every version, each read back by a library
made to read its format (citeproc-py renders the CSL-JSON, rispy and bibtexparser parse the others)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from opedarchive.archive import Archive
from opedarchive.model import Post, Version, as_list
from opedarchive.text.names import split_name

from conftest import Invoke

NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"
# Every character LaTeX, RIS or JSON could stumble on (a lone brace, `%` a comment in LaTeX, …).
ODD_TITLE = 'Braces {a} and a lone { or } — 100% & "quotes" \'single\' $5 #1 a_b ~x \\back <tag> |pipe|'
ODD_OUTLET = "Post & Co {Weekly} 50%"
KHMER_TITLE = 'ចំណងជើង {ខ្មែរ} 100% & "សម្រង់"'


def add_odd_posts(archive: Path) -> None:
    """An English post with awkward characters and names, its Khmer translation (Khmer-only
    authors, one with an honorific, and a translator), a Khmer-only post, and a draft."""
    folder = archive / "posts" / "2023"
    folder.mkdir()
    (folder / "2023-01-05-odd.en.md").write_text(
        "---\n"
        f"title: '{ODD_TITLE.replace(chr(39), chr(39) * 2)}'\n"
        "date: 2023-01-05T09:30:00+07:00\nlang: en\n"
        "authors:\n- Conor O'Brien\n- García Márquez, Gabriel\n- Committee\n"
        f"outlet: '{ODD_OUTLET}'\n"
        "source_url: https://example.org/op-ed?id=1&page=2#top\n"
        "---\n\nBody.\n", encoding="utf-8")
    (folder / "2023-01-05-odd.km.md").write_text(
        "---\n"
        f"title: '{KHMER_TITLE}'\n"
        "date: 2023-01-06\nlang: km\n"
        "authors:\n- សេង សោភ័ណ្ឌ\n- លោកស្រី ម៉ូ សុខួរ\n"
        "translator: ហ៊ុន សុខា\n"
        "source_url: javascript:alert(1)\n"
        "---\n\nអត្ថបទ។\n", encoding="utf-8")
    (folder / "2023-02-01-khmer-only.km.md").write_text(
        "---\ntitle: ការបោះឆ្នោតឆ្នាំ២០២៣\ndate: 2023-02-01T08:00:00\nlang: km\n"
        "authors:\n- លោកសេង សុភ័ណ\noutlet: វិទ្យុ\nsource_url: https://km.example.org/a\n"
        "---\n\nអត្ថបទ។\n", encoding="utf-8")
    (folder / "2023-03-01-secret.en.md").write_text(
        "---\ntitle: Zebrafinch memo\ndate: 2023-03-01\nlang: en\ndraft: true\n---\n\nNot ready.\n",
        encoding="utf-8")


@pytest.fixture
def odd(bundled: Path) -> Path:
    add_odd_posts(bundled)
    return bundled


def versions_of(archive: Path) -> list[tuple[Post, Version]]:
    """Every published version, in export order (posts oldest first, original first)."""
    posts = sorted(Archive.open(archive).load().posts, key=lambda p: (p.original.day, p.id))
    return [(post, v) for post in posts for v in post.versions.values() if not v.meta.get("draft")]


def expected(post: Post, version: Version) -> dict[str, Any]:
    """What every format must say about one version, straight from its front matter."""
    url = version.get("source_url")
    translation = version is not post.original
    return {
        "key": f"{post.id}.{version.lang}",
        "title": version.title,
        "authors": [split_name(a) for a in version.authors or post.original.authors],
        "date": version.date,
        "outlet": version.get("outlet"),
        "url": url if url.startswith("https://") else "",
        "lang": version.lang,
        "translators": [split_name(t) for t in as_list(version.meta.get("translator"))],
        "original_title": post.original.title if translation else "",
    }


def export(cli: Invoke, archive: Path, *args: str) -> None:
    result = cli("--archive", str(archive), "export", *args)
    assert result.exit_code == 0, result.stderr


def test_names_are_split_family_first_for_khmer() -> None:
    assert split_name("សេង សោភ័ណ្ឌ").family == "សេង" and split_name("សេង សោភ័ណ្ឌ").given == "សោភ័ណ្ឌ"
    # An honorific is dropped, whether written apart or onto the name.
    assert (split_name("លោកសេង សុភ័ណ").family, split_name("លោកសេង សុភ័ណ").given) == ("សេង", "សុភ័ណ")
    assert (split_name("លោកស្រី ម៉ូ សុខួរ").family, split_name("លោកស្រី ម៉ូ សុខួរ").given) == ("ម៉ូ", "សុខួរ")
    assert (split_name("Sophoan Seng").family, split_name("Sophoan Seng").given) == ("Seng", "Sophoan")
    assert (split_name("García Márquez, Gabriel").family, split_name("García Márquez, Gabriel").given) == (
        "García Márquez", "Gabriel")
    assert split_name("Seng, Sophoan").inverted == "Seng, Sophoan"
    assert split_name(" Committee ").literal == "Committee" and split_name("Committee").inverted == "Committee"


def test_csl_json_is_rendered_by_citeproc(cli: Invoke, odd: Path, tmp_path: Path) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    export(cli, odd, "--csl-json", "refs.json")
    items = json.loads((tmp_path / "refs.json").read_text(encoding="utf-8"))
    wanted = [expected(p, v) for p, v in versions_of(odd)]
    assert [item["id"] for item in items] == [w["key"] for w in wanted]  # one per version, no draft
    for item, want in zip(items, wanted, strict=True):
        assert item["type"] == "article-newspaper"
        assert item["title"] == want["title"]
        assert item.get("author", []) == [
            {"family": n.family, "given": n.given} if n.family else {"literal": n.literal} for n in want["authors"]]
        day = want["date"].date() if isinstance(want["date"], dt.datetime) else want["date"]
        assert item["issued"] == {"date-parts": [[day.year, day.month, day.day]]}
        assert item.get("container-title", "") == want["outlet"]
        assert item.get("URL", "") == want["url"]
        assert item["language"] == want["lang"]
        assert item.get("translator", []) == [{"family": n.family, "given": n.given} for n in want["translators"]]
        assert item.get("original-title", "") == want["original_title"]
    by_id = {item["id"]: item for item in items}
    assert by_id[f"{NEUTRAL}.km"]["author"] == [{"family": "សេង", "given": "សោភ័ណ្ឌ"}]
    assert by_id["2023-01-05-odd.km"]["translator"] == [{"family": "ហ៊ុន", "given": "សុខា"}]

    # citeproc-py reads every item and renders it (Harvard, the style it ships).
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    odd_en = next(r for r in rendered if "O'Brien" in r)
    assert ODD_TITLE in odd_en and ODD_OUTLET in odd_en and "(2023)" in odd_en
    assert "https://example.org/op-ed?id=1&page=2#top" in odd_en
    assert any("Seng, S. (2022)" in r and "VOD English" in r for r in rendered)
    odd_km = next(r for r in rendered if KHMER_TITLE in r)
    assert "សេង" in odd_km and "ម៉ូ" in odd_km and "Translated by" in odd_km and "ហ៊ុន" in odd_km


def test_ris_is_read_by_rispy(cli: Invoke, odd: Path, tmp_path: Path) -> None:
    import rispy

    export(cli, odd, "--ris", "refs.ris")
    data = (tmp_path / "refs.ris").read_bytes()
    assert b"\r\nER  - \r\n" in data and data.count(b"\n") == data.count(b"\r\n")  # CR LF, as the spec says
    records = rispy.loads(data.decode("utf-8"))
    wanted = [expected(p, v) for p, v in versions_of(odd)]
    assert [r["id"] for r in records] == [w["key"] for w in wanted]
    for record, want in zip(records, wanted, strict=True):
        assert record["type_of_reference"] == "NEWS"
        assert record["title"] == want["title"]
        assert record.get("authors", []) == [n.inverted for n in want["authors"]]
        date = want["date"]
        day = date.date() if isinstance(date, dt.datetime) else date
        time = date.isoformat().split("T")[1] if isinstance(date, dt.datetime) else ""
        assert record["year"] == str(day.year)
        assert record["date"] == day.strftime("%Y/%m/%d/") + time
        assert record.get("secondary_title", "") == want["outlet"]
        assert record.get("urls", []) == ([want["url"]] if want["url"] else [])
        assert record["language"] == want["lang"]
        assert record.get("subsidiary_authors", []) == [n.inverted for n in want["translators"]]
        assert record.get("original_publication", "") == want["original_title"]
    odd_km = next(r for r in records if r["id"] == "2023-01-05-odd.km")
    assert odd_km["authors"] == ["សេង, សោភ័ណ្ឌ", "ម៉ូ, សុខួរ"] and odd_km["subsidiary_authors"] == ["ហ៊ុន, សុខា"]
    assert odd_km["original_publication"] == ODD_TITLE and "urls" not in odd_km  # javascript: left out
    assert next(r for r in records if r["id"] == "2023-01-05-odd.en")["date"] == "2023/01/05/09:30:00+07:00"


def test_bibtex_is_read_by_bibtexparser(cli: Invoke, odd: Path, tmp_path: Path) -> None:
    import bibtexparser
    from bibtexparser import middlewares

    export(cli, odd, "--bibtex", "refs.bib")
    text = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    raw = bibtexparser.parse_string(text)
    decoded = bibtexparser.parse_string(text, append_middleware=[
        middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    assert not raw.failed_blocks and not decoded.failed_blocks
    wanted = [expected(p, v) for p, v in versions_of(odd)]
    assert [e.key for e in decoded.entries] == [w["key"] for w in wanted]
    for entry, plain, want in zip(decoded.entries, raw.entries, wanted, strict=True):
        fields = {f.key: f.value for f in entry.fields}
        assert entry.entry_type == "article" and fields["entrysubtype"] == "newspaper"
        assert fields["title"] == want["title"]
        names = [(" ".join(p.last), " ".join(p.first)) for p in fields.get("author", [])]
        assert names == [(n.family, n.given) if n.family else (n.literal, "") for n in want["authors"]]
        assert fields.get("journal", "") == want["outlet"]
        assert fields["date"] == want["date"].isoformat()
        day = want["date"].date() if isinstance(want["date"], dt.datetime) else want["date"]
        assert fields["year"] == str(day.year) and fields["month"] == day.strftime("%b").lower()
        assert plain.fields_dict["url"].value.strip("{}") == want["url"] if want["url"] else "url" not in fields
        assert fields["language"] == want["lang"]
        translators = [(" ".join(p.last), " ".join(p.first)) for p in fields.get("translator", [])]
        assert translators == [(n.family, n.given) for n in want["translators"]]
        assert fields.get("origtitle", "") == want["original_title"]
    by_key = {e.key: {f.key: f.value for f in e.fields} for e in decoded.entries}
    assert by_key["2023-01-05-odd.km"]["langid"] == "khmer" and by_key["2023-01-05-odd.km"]["origlanguage"] == "english"
    assert "Zebrafinch" not in text


def test_citations_to_stdout_and_drafts(cli: Invoke, odd: Path) -> None:
    result = cli("--archive", str(odd), "export", "--ris", "-")
    assert result.exit_code == 0 and result.stdout.count("TY  - NEWS") == 9
    assert "Zebrafinch" not in result.stdout
    with_drafts = cli("--archive", str(odd), "export", "--bibtex", "-", "--drafts")
    assert with_drafts.stdout.count("@article{") == 10 and "Zebrafinch" in with_drafts.stdout
    written = cli("--archive", str(odd), "export", "--csl-json", "refs.json")
    assert written.stderr == "csl-json: 6 posts written to refs.json\n"
