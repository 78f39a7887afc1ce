"""The seed page imported: four posts, two with Khmer translations, nothing lost."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import yaml

from opedarchive.archive import Archive
from opedarchive.importers.page import parse_page

from conftest import SEED_PAGE, Invoke

IDS = [
    "2022-06-12-election-disenfranchisement-machine-of-cambodia",
    "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint",
    "2022-06-24-candlelight-arrest-is-a-joke",
    "2022-06-28-recipes-towards-democratic-unification",
]


def _meta(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])  # type: ignore[no-any-return]


def test_import_creates_four_posts_with_translations(seeded: Path) -> None:
    files = sorted(p.relative_to(seeded).as_posix() for p in (seeded / "posts").rglob("*.md"))
    assert files == [
        f"posts/2022/{IDS[0]}.en.md",
        f"posts/2022/{IDS[1]}.en.md",
        f"posts/2022/{IDS[1]}.km.md",
        f"posts/2022/{IDS[2]}.en.md",
        f"posts/2022/{IDS[2]}.km.md",
        f"posts/2022/{IDS[3]}.en.md",
    ]


def test_metadata_of_the_posts(seeded: Path) -> None:
    posts = seeded / "posts" / "2022"
    recipes = _meta(posts / f"{IDS[3]}.en.md")
    assert recipes["title"] == "Recipes towards democratic unification"
    assert recipes["date"] == date(2022, 6, 28)
    assert recipes["authors"] == ["Sophoan Seng"]

    joke = _meta(posts / f"{IDS[2]}.en.md")
    assert joke["title"] == "Letter: Candlelight Arrest Is a ‘Joke’"
    assert joke["kind"] == "letter"
    assert joke["affiliation"] == "President, Committee for Election Right of Overseas Cambodians"
    # The caption was given twice (alt text and caption, with different apostrophes): kept once.
    assert joke["images"] == [{"caption": "Nhim Sarom", "credit": "Candlelight Party’s Facebook page"}]

    joke_km = _meta(posts / f"{IDS[2]}.km.md")
    assert joke_km["lang"] == "km"
    assert joke_km["authors"] == ["លោកសេង សុភ័ណ"]
    assert joke_km["affiliation"] == "ប្រធាន គណៈកម្មាធិការដើម្បីសិទ្ធិបោះឆ្នោតរបស់ពលរដ្ឋខ្មែរនៅក្រៅប្រទេស"

    neutral = _meta(posts / f"{IDS[1]}.en.md")
    assert neutral["outlet"] == "VOD English"
    assert neutral["kind"] == "op-ed"
    assert neutral["date"] == date(2022, 6, 15)
    images = neutral["images"]
    assert isinstance(images, list) and len(images) == 1
    assert images[0]["credit"] == "Matt Surrusco/VOD"

    neutral_km = _meta(posts / f"{IDS[1]}.km.md")
    assert neutral_km["title"] == "លិខិត៖ បើស្ថាប័នរៀបចំការបោះឆ្នោតអព្យាក្រឹត គេនឹងទទួលយកពាក្យបណ្តឹង ចៅ រតនៈ"
    # ថ្ងៃចន្ទ ទី១៣ ខែមិថុនា ឆ្នាំ២០២២ ម៉ោង ១០:០៣ ព្រឹក
    assert neutral_km["date"] == datetime(2022, 6, 13, 10, 3)
    assert neutral_km["authors"] == ["សេង សោភ័ណ្ឌ"]

    machine = _meta(posts / f"{IDS[0]}.en.md")
    assert machine["images"] == [
        {"caption": "Scene of Campaign Rally of CLP in Final Day in Phnom Penh under the Heavy Rain on June 3, 3022"}
    ]


def test_numbered_lists_become_markdown_lists(seeded: Path) -> None:
    body = (seeded / "posts" / "2022" / f"{IDS[0]}.en.md").read_text(encoding="utf-8")
    assert "\n1. NEC structure and bureaucrats:" in body
    assert "\n2. Justice system is known" in body
    # The second list restarts at 1, so it must not run on as items 3–5.
    assert "\n1) Upcoming national election 2023" in body
    assert "\n3) New credible NEC" in body


def _sentences(text: str) -> list[str]:
    pieces = re.split(r"(?<=[.?!។])\s+|\n", text)
    return [" ".join(p.split()) for p in pieces if len(p.split()) > 0]


def _stored_text(archive_root: Path) -> str:
    """Every body and front-matter value of the archive; a caption with its credit as the page gave it."""
    stored = ""
    for path in sorted((archive_root / "posts").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        stored += text + "\n"
        for image in _meta(path).get("images") or []:  # type: ignore[attr-defined]
            stored += f"{image['caption']} ({image['credit']})\n" if "credit" in image else ""
    return stored


def test_nothing_of_the_page_is_lost(seeded: Path) -> None:
    stored = _stored_text(seeded)
    flat = " ".join(stored.split()).replace("’", "'")
    page = SEED_PAGE.read_text(encoding="utf-8")
    missing = []
    for sentence in _sentences(page):
        if sentence.startswith(("Posted by:", "| ")) or sentence == "June, 2022":
            continue  # the page's own heading and post separators; their dates are in front matter
        if sentence == "Op-Ed: Khmer Oversea, VOD English":
            # Kept as its parts: kind op-ed, outlet VOD English, via Khmer Oversea.
            assert "kind: op-ed" in stored and "outlet: VOD English" in stored and "via: Khmer Oversea" in stored
            continue
        probe = re.sub(r"^[0-9]+\.\s+", "", sentence).replace("’", "'")
        if probe not in flat:
            missing.append(sentence)
    assert missing == []


def test_reimport_adds_nothing(seeded: Path, cli: Invoke) -> None:
    result = cli("import", str(SEED_PAGE))
    assert result.exit_code == 0
    assert "0 created, 4 skipped, 0 failed" in result.stderr
    assert len(list((seeded / "posts").rglob("*.md"))) == 6


def test_dry_run_writes_nothing(archive: Path, cli: Invoke) -> None:
    result = cli("import", "--dry-run", str(SEED_PAGE))
    assert result.exit_code == 0
    assert "would create Recipes towards democratic unification (en)" in result.stdout
    assert "4 would create, 0 skipped, 0 failed (dry run: nothing written)" in result.stderr
    assert list((archive / "posts").rglob("*.md")) == []


def test_import_json_report(archive: Path, cli: Invoke) -> None:
    import json

    result = cli("import", "--json", str(SEED_PAGE))
    report = json.loads(result.stdout)
    assert report[0]["format"] == "page"
    assert [c["id"] for c in report[0]["created"]] == IDS[::-1]
    assert report[0]["created"][1]["languages"] == ["en", "km"]


def test_unknown_format_is_exit_2(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("just some words\n", encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"Error: {source}: not a format opedarchive can import "
                                     "(known: page, wxr, feed, jsonfeed, markdown, json, jsonl)")


def test_missing_source(archive: Path, cli: Invoke) -> None:
    result = cli("import", "nope.txt")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: nope.txt: no such file"


def test_bad_section_is_reported_and_the_rest_imported(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "page.txt"
    source.write_text(
        "Posted by: | Posted on: Someday, 2022\n\nA title\n\nA body.\n\n"
        "Posted by: | Posted on: June 1, 2022\n\nAnother title\n\nAnother body.\n",
        encoding="utf-8",
    )
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert f"failed {source}:1: cannot read the date 'Someday, 2022'" in result.stderr
    assert "1 created, 0 skipped, 1 failed" in result.stderr
    assert (archive / "posts" / "2022" / "2022-06-01-another-title.en.md").exists()


def test_bundled_archive_is_the_seed_import(bundled: Path, tmp_path: Path) -> None:
    """The repo's archive/ is exactly what importing the seed page writes."""
    fresh = Archive.init(tmp_path / "fresh")
    from opedarchive.importing import run_import

    run_import(fresh, parse_page(SEED_PAGE.read_text(encoding="utf-8")))
    for path in sorted((bundled / "posts").rglob("*.md")):
        twin = fresh.root / path.relative_to(bundled)
        assert twin.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name
