"""RSS 2.0 and Atom feeds: full text or the summary (with a notice), dates, authors,
categories, links; bad entries and sources that are not feeds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from test_import_wxr import post_files, read_post

from conftest import DATA, Invoke

RSS = DATA / "import" / "feed-rss.xml"
ATOM = DATA / "import" / "feed-atom.xml"
PLUS7 = timezone(timedelta(hours=7))
NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"


def test_rss_entries(archive: Path, cli: Invoke) -> None:
    result = cli("import", str(RSS))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"created {NEUTRAL} (en)",
        "created 2022-06-24-commune-chief-elect-arrested (en)",
        "created 2022-06-27-karbaohchhnaot-del-kmean-mchas-chhnaot (km)",
    ]
    assert result.stderr.splitlines() == [
        f"Notice: {RSS}: entry 2: the feed has no full text for 'Commune chief-elect arrested'; "
        "its summary was imported",
        "3 created, 0 skipped, 0 failed",
    ]
    meta, body = read_post(archive / "posts" / "2022" / f"{NEUTRAL}.en.md")
    assert meta == {
        "title": "Letter: A Neutral Election Body Would Accept Chao Ratanak Complaint",
        "date": datetime(2022, 6, 15, 10, 3, tzinfo=PLUS7),
        "lang": "en",
        "authors": ["Sophoan Seng"],
        "outlet": "VOD English Opinion",
        "tags": ["Letters", "Elections"],
        "source_url": "https://vod.example.org/letter-neutral-election-body/",
        "summary": "Reading the article reminds us of 1998.",
    }
    assert body == ("Reading the article “Election Committee Rejects Candlelight Complaint” reminds us of 1998.\n\n"
                    "A neutral body would have **accepted** the complaint.\n\n"
                    "- Train the commune officials.\n- Protect them from reprisals.")
    summary_only, body = read_post(archive / "posts" / "2022" / "2022-06-24-commune-chief-elect-arrested.en.md")
    assert summary_only["authors"] == ["Mech Dara"]  # from "newsroom@… (Mech Dara)"
    assert summary_only["date"] == datetime(2022, 6, 24, 8, 0, tzinfo=timezone.utc)
    assert "summary" not in summary_only
    assert body == ("A Candlelight commune chief-elect was arrested over a 2002 robbery case. "
                    "[Read more](https://vod.example.org/commune-chief-arrested/)")
    khmer, _ = read_post(archive / "posts" / "2022" / "2022-06-27-karbaohchhnaot-del-kmean-mchas-chhnaot.km.md")
    assert (khmer["lang"], khmer["authors"]) == ("km", ["សេង សោភ័ណ្ឌ"])


def test_atom_entries(archive: Path, cli: Invoke) -> None:
    result = cli("import", str(ATOM))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["2 created, 0 skipped, 0 failed"]
    meta, body = read_post(archive / "posts" / "2022" / "2022-06-28-recipes-towards-democratic-unification.en.md")
    assert meta == {
        "title": "Recipes towards democratic unification",
        "date": datetime(2022, 6, 28, 10, 0, tzinfo=PLUS7),  # published, not updated
        "lang": "en",
        "authors": ["Sophoan Seng"],
        "outlet": "Committee for Election Right of Overseas Cambodians",
        "tags": ["Elections", "opposition"],
        "source_url": "https://cerc.example.org/2022/06/recipes",
        "summary": "What the opposition must do now.",
        "images": [{"caption": "Rally in Phnom Penh", "credit": "CLP", "src": "https://cerc.example.org/rally.jpg"}],
    }
    assert body == ("Seeing the election results declared by NEC triggered our assessment.\n\n"
                    "### First recipe\n\nUnite behind *one* list.")  # the script is gone
    khmer, km_body = read_post(archive / "posts" / "2022" /
                                "2022-06-29-roubmond-chhpuoh-tourok-karbangruobbangruom-pracheathibteyy.km.md")
    assert khmer["title"] == "រូបមន្តឆ្ពោះទៅរកការបង្រួបបង្រួមប្រជាធិបតេយ្យ"
    assert km_body == "ការប្រកាសលទ្ធផលបោះឆ្នោតដោយ គ.ជ.ប បានជំរុញឱ្យយើងវាយតម្លៃ។"


def test_reimporting_a_feed_adds_nothing(archive: Path, cli: Invoke) -> None:
    cli("import", str(RSS), str(ATOM))
    result = cli("import", str(RSS), str(ATOM))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "0 created, 5 skipped, 0 failed"
    assert len(post_files(archive)) == 5


def test_an_entry_without_a_date_fails_and_the_rest_is_imported(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "feed.xml"
    source.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>'
        '<entry><title>Dated</title><id>a</id><published>2022-01-02T00:00:00Z</published>'
        '<content type="text">Some text.</content></entry>'
        '<entry><title>Undated</title><id>b</id><content type="text">More text.</content></entry>'
        '<entry><id>c</id><published>2022-01-03T00:00:00Z</published><content type="text">No title.</content></entry>'
        "</feed>", encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert result.stdout == "created 2022-01-02-dated (en)\n"
    assert result.stderr.splitlines() == [
        f"failed {source}: entry 2: an entry with no date (no published or updated)",
        f"failed {source}: entry 3: an entry with no title",
        "1 created, 0 skipped, 2 failed",
    ]


def test_a_file_that_is_not_a_feed(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("just words, no feed\n", encoding="utf-8")
    result = cli("import", "--format", "feed", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"failed: {source}: not a readable feed: ")
    assert result.stderr.splitlines()[-1] == "0 created, 0 skipped, 1 failed"
