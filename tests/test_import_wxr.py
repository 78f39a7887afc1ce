"""WordPress exports (WXR): posts, metadata, HTML as Markdown, translation pairing, drafts,
pages, and bad input."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from opedarchive.importers.base import bilingual_versions
from opedarchive.importers.htmltext import html_to_markdown
from opedarchive.importers.wxr import _post_date
from opedarchive.translation import text_hash

from conftest import DATA, Invoke

WXR = DATA / "import" / "wordpress.xml"
PLUS7 = timezone(timedelta(hours=7))
RECIPES = "2022-06-28-recipes-towards-democratic-unification"
NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-the-complaint"
CANDLE = "2022-06-24-candlelight-arrest-is-a-joke"
REFEREE = "2022-07-10-voters-deserve-a-neutral-referee"
KHMER_ONLY = "2022-06-06-karbaohchhnaot-khum-sangkat-chhnam-2022"
DRAFT = "2022-07-02-draft-what-the-courts-must-learn"


def read_post(path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, body) of a post file."""
    _, fm, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(fm), body.strip("\n")


def post_files(archive: Path) -> list[str]:
    return sorted(p.name for p in (archive / "posts").rglob("*.md"))


def wxr(items: str, extra_channel: str = "") -> str:
    """A small WordPress export around `items`."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
        f"<channel><title>T</title>{extra_channel}\n{items}\n</channel></rss>\n"
    )


def item(post_id: int, title: str, body: str, *, date: str = "2022-06-01 10:00:00", gmt: str | None = None,
         meta: dict[str, str] | None = None, post_type: str = "post", status: str = "publish") -> str:
    gmt = gmt if gmt is not None else date
    postmeta = "".join(f"<wp:postmeta><wp:meta_key>{k}</wp:meta_key><wp:meta_value>{v}</wp:meta_value></wp:postmeta>"
                       for k, v in (meta or {}).items())
    return (f"<item><title>{title}</title><link>https://x.example/{post_id}</link>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>{post_id}</wp:post_id>"
            f"<wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{gmt}</wp:post_date_gmt>"
            f"<wp:status>{status}</wp:status><wp:post_type>{post_type}</wp:post_type>{postmeta}</item>\n")


def test_posts_are_created_with_translations_paired(archive: Path, cli: Invoke) -> None:
    result = cli("import", str(WXR))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"created {RECIPES} (en)",
        f"created {KHMER_ONLY} (km)",
        f"created {DRAFT} (en)",
        f"created {NEUTRAL} (en, km)",
        f"created {CANDLE} (en, km)",
        f"created {REFEREE} (en, km)",
    ]
    assert result.stderr.splitlines() == [
        f"Notice: {WXR}: not imported: 1 attachment, 1 nav_menu_item, 1 page; "
        "--include-pages imports pages and attachments",
        "6 created, 0 skipped, 0 failed, 3 left out",
    ]
    assert len(post_files(archive)) == 9


def test_metadata_and_markdown_of_a_classic_editor_post(archive: Path, cli: Invoke) -> None:
    cli("import", str(WXR))
    meta, body = read_post(archive / "posts" / "2022" / f"{RECIPES}.en.md")
    assert meta == {
        "title": "Recipes towards democratic unification",
        # post_date_gmt is the instant; the difference to post_date is the blog's time zone.
        "date": datetime(2022, 6, 28, 10, 15, tzinfo=PLUS7),
        "lang": "en",
        "authors": ["Sophoan Seng"],
        "tags": ["Opinion", "Election"],  # categories then tags; "Uncategorized" and case duplicates dropped
        "source_url": "https://notes.example.org/2022/06/28/recipes/",
        "summary": "What the opposition must do after the commune election.",
        "images": [{"caption": "Campaign rally in Phnom Penh under the heavy rain", "credit": "Photo: CLP",
                    "src": "https://notes.example.org/wp-content/uploads/2022/06/rally.jpg"}],
    }
    assert body == (
        "Seeing the election results declared by **NEC** triggered our assessment of what the opposition must do.\n"
        "\n"
        "Three recipes follow:\n"
        "\n"
        "1. Unite behind one list of candidates.\n"
        "2. Watch every polling station.\n"
        "\n"
        "## Why now\n"
        "\n"
        "> Democracy is a habit, not an event.\n"
        "\n"
        "Read the [official results](https://www.nec.gov.kh/results) and *judge for yourself*.\n"
        "The numbers speak."
    )


def test_a_khmer_post(archive: Path, cli: Invoke) -> None:
    cli("import", str(WXR))
    meta, body = read_post(archive / "posts" / "2022" / f"{KHMER_ONLY}.km.md")
    assert meta["title"] == "ការបោះឆ្នោតឃុំសង្កាត់ឆ្នាំ២០២២"
    assert meta["lang"] == "km"
    assert meta["tags"] == ["ខ្មែរ"]
    assert body == ("ការបោះឆ្នោតឃុំសង្កាត់បានបញ្ចប់ដោយសន្តិភាព ប៉ុន្តែមិនមានភាពយុត្តិធម៌ទេ។\n\n"
                    "ប្រជាពលរដ្ឋខ្មែរត្រូវការស្ថាប័នរៀបចំការបោះឆ្នោតអព្យាក្រឹត។")


def test_wpml_translation_pair(archive: Path, cli: Invoke) -> None:
    cli("import", str(WXR))
    en, en_body = read_post(archive / "posts" / "2022" / f"{NEUTRAL}.en.md")
    km, km_body = read_post(archive / "posts" / "2022" / f"{NEUTRAL}.km.md")
    assert en["images"] == [{"caption": "The National Election Committee in Phnom Penh",
                             "credit": "Matt Surrusco/VOD",
                             "src": "https://notes.example.org/wp-content/uploads/nec.jpg"}]
    assert en["tags"] == ["Letters"]
    assert en_body == ("Reading the article on the rejected complaint reminds us how voters returned to the polls "
                       "in 1998.\n\nA neutral body would have accepted it.")
    assert km["title"] == "លិខិត៖ បើស្ថាប័នរៀបចំការបោះឆ្នោតអព្យាក្រឹត គេនឹងទទួលយកពាក្យបណ្តឹង"
    assert km["date"] == datetime(2022, 6, 16, 10, 3, tzinfo=PLUS7)
    assert km["source_url"] == "https://notes.example.org/km/2022/06/15/neutral-election-body/"
    assert km_body.endswith("ស្ថាប័នអព្យាក្រឹតនឹងទទួលយកពាក្យបណ្តឹងនោះ។")
    # WPML states the original (the Khmer post names its source language): the translation records it.
    assert "translation_of" not in en and km["translation_of"] == {"lang": "en", "text": text_hash(en_body)}
    assert cli("list", "--outdated").stderr == "No posts match.\n"


def test_polylang_translation_pair(archive: Path, cli: Invoke) -> None:
    cli("import", str(WXR))
    en, en_body = read_post(archive / "posts" / "2022" / f"{REFEREE}.en.md")
    km, km_body = read_post(archive / "posts" / "2022" / f"{REFEREE}.km.md")
    assert (en["lang"], km["lang"]) == ("en", "km")
    assert km["title"] == "ម្ចាស់ឆ្នោតសមនឹងទទួលបានអាជ្ញាកណ្តាលអព្យាក្រឹត"
    assert km_body == "ម្ចាស់ឆ្នោតសមនឹងទទួលបានអាជ្ញាកណ្តាលដែលមិនលេងឱ្យក្រុមណាមួយ។"
    # Polylang does not say which is the original: the one dated earliest (here the English) is.
    assert "translation_of" not in en and km["translation_of"] == {"lang": "en", "text": text_hash(en_body)}
    assert cli("list", "--outdated").stderr == "No posts match.\n"


def polylang(post_id: int, title: str, body: str, lang: str, date: str) -> str:
    """An item of Polylang group pll_g (of two posts)."""
    return item(post_id, title, body, date=date).replace(
        "</item>", f'<category domain="language" nicename="{lang}">{lang}</category>'
                   '<category domain="post_translations" nicename="pll_g">pll_g</category></item>')


POLYLANG_GROUP = ('<wp:term><wp:term_id>3</wp:term_id><wp:term_taxonomy>post_translations</wp:term_taxonomy>'
                  '<wp:term_slug>pll_g</wp:term_slug><wp:term_name>pll_g</wp:term_name>'
                  '<wp:term_description>a:2:{s:2:"en";i:1;s:2:"km";i:2;}</wp:term_description></wp:term>')


def test_a_group_that_names_no_original_takes_the_earliest_then_the_first_language(
        archive: Path, cli: Invoke, tmp_path: Path) -> None:
    """Polylang states no original: the version dated earliest is it; on the same day, the
    version in the archive's first language (en), though the Khmer one is read first."""
    earlier = tmp_path / "earlier.xml"
    earlier.write_text(wxr(polylang(1, "The vote", "<p>English text.</p>", "en", "2022-06-03 10:00:00")
                           + polylang(2, "ការបោះឆ្នោត", "<p>អត្ថបទខ្មែរ។</p>", "km", "2022-06-02 10:00:00"),
                           POLYLANG_GROUP), encoding="utf-8")
    result = cli("import", str(earlier))
    assert result.stdout.splitlines() == ["created 2022-06-02-the-vote (km, en)"]
    en, _ = read_post(archive / "posts" / "2022" / "2022-06-02-the-vote.en.md")
    km, km_body = read_post(archive / "posts" / "2022" / "2022-06-02-the-vote.km.md")
    assert "translation_of" not in km and en["translation_of"] == {"lang": "km", "text": text_hash(km_body)}
    assert cli("check").exit_code == 0 and cli("list", "--outdated").stderr == "No posts match.\n"

    same_day = tmp_path / "same-day.xml"
    same_day.write_text(wxr(polylang(2, "ការជជែក", "<p>អត្ថបទខ្មែរថ្មី។</p>", "km", "2022-07-01 09:00:00")
                            + polylang(1, "The debate", "<p>New English text.</p>", "en", "2022-07-01 18:00:00"),
                            POLYLANG_GROUP), encoding="utf-8")
    result = cli("import", str(same_day))
    assert result.stdout.splitlines() == ["created 2022-07-01-the-debate (en, km)"]
    en, en_body = read_post(archive / "posts" / "2022" / "2022-07-01-the-debate.en.md")
    km, _ = read_post(archive / "posts" / "2022" / "2022-07-01-the-debate.km.md")
    assert "translation_of" not in en and km["translation_of"] == {"lang": "en", "text": text_hash(en_body)}


def test_one_post_holding_english_then_khmer_becomes_two_versions(archive: Path, cli: Invoke) -> None:
    cli("import", str(WXR))
    en, en_body = read_post(archive / "posts" / "2022" / f"{CANDLE}.en.md")
    km, km_body = read_post(archive / "posts" / "2022" / f"{CANDLE}.km.md")
    assert en["title"] == "Candlelight arrest is a joke"
    assert en_body == ("Regarding the arrest of a commune chief-elect for a 2002 robbery case, it is a joke for the "
                       "provincial court to have handcuffed him.\n\n"
                       "The arrest is one more proof of the incompetence of the courts.")
    assert km == {"title": "លិខិត៖ ការចាប់ខ្លួនមេឃុំភ្លើងទៀនគឺជារឿងកំប្លែង",
                  "date": date(2022, 6, 24),  # from the Khmer dateline ថ្ងៃសុក្រ ទី២៤ ខែមិថុនា ឆ្នាំ២០២២
                  "lang": "km", "authors": ["Sophoan Seng"], "kind": "letter",
                  "translation_of": {"lang": "en", "text": text_hash(en_body)}}  # paired: it records its original
    assert km_body == ("ការចាប់ខ្លួនមេឃុំជាប់ឆ្នោតពីករណីប្លន់ឆ្នាំ ២០០២ ជារឿងកំប្លែងសម្រាប់សាលាដំបូងខេត្ត។\n\n"
                       "ការចាប់ខ្លួននេះ គឺជាសក្ខីកម្មមួយទៀតនៃអសមត្ថភាពរបស់តុលាការ។")


def test_a_draft(archive: Path, cli: Invoke) -> None:
    cli("import", str(WXR))
    meta, _ = read_post(archive / "posts" / "2022" / f"{DRAFT}.en.md")
    assert meta["draft"] is True
    assert meta["date"] == datetime(2022, 7, 2, 21, 5)  # a draft has no post_date_gmt: post_date as it is
    assert meta["authors"] == ["Dara Chan"]  # no display name: first and last name


def test_include_pages_imports_pages_and_attachments(archive: Path, cli: Invoke) -> None:
    result = cli("import", "--include-pages", str(WXR))
    assert result.exit_code == 0
    assert "created 2021-01-01-about-this-site (en)" in result.stdout
    assert "created 2022-06-28-rally (en)" in result.stdout
    assert f"Notice: {WXR}: not imported: 1 nav_menu_item" in result.stderr
    page, _ = read_post(archive / "posts" / "2021" / "2021-01-01-about-this-site.en.md")
    assert page["kind"] == "page"
    attachment, body = read_post(archive / "posts" / "2022" / "2022-06-28-rally.en.md")
    assert attachment["images"] == [{"caption": "Campaign rally in Phnom Penh", "credit": "Photo: CLP",
                                     "src": "https://notes.example.org/wp-content/uploads/2022/06/rally.jpg"}]
    assert body == ""


def test_reimport_adds_nothing_and_says_so(archive: Path, cli: Invoke) -> None:
    cli("import", str(WXR))
    result = cli("import", str(WXR))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"skipped {WXR}: item 1 (post 101): already in the archive as {RECIPES} (same text)" in result.stderr
    assert f"skipped {WXR}: item 3 (post 110) + item 5 (post 111): already in the archive as {NEUTRAL} (same text)" \
        in result.stderr
    assert result.stderr.splitlines()[-1] == "0 created, 6 skipped, 0 failed, 3 left out"
    assert len(post_files(archive)) == 9


def test_translation_before_its_original_and_a_late_third_language(archive: Path, cli: Invoke,
                                                                   tmp_path: Path) -> None:
    source = tmp_path / "wpml.xml"
    group = {"_wpml_import_translation_group": "5"}
    source.write_text(wxr(
        item(2, "ការបោះឆ្នោត", "<p>អត្ថបទខ្មែរ។</p>", date="2022-06-02 10:00:00",
             meta={**group, "_wpml_import_language_code": "km", "_wpml_import_source_language_code": "en"})
        + item(1, "The vote", "<p>English text.</p>", meta={**group, "_wpml_import_language_code": "en"})
        + item(3, "Le vote", "<p>Texte français.</p>", date="2022-06-03 10:00:00",
               meta={**group, "_wpml_import_language_code": "fr", "_wpml_import_source_language_code": "en"})
    ), encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 0, result.stderr
    # The original names the post; the French version came after the pair was written and joins it.
    assert result.stdout.splitlines() == ["created 2022-06-01-the-vote (en, km)", "added fr to 2022-06-01-the-vote"]
    assert result.stderr.splitlines()[-1] == "1 created, 1 translation(s) added, 0 skipped, 0 failed"
    assert post_files(archive) == ["2022-06-01-the-vote.en.md", "2022-06-01-the-vote.fr.md",
                                   "2022-06-01-the-vote.km.md"]
    # The late French version records the original of the post it joins, as the Khmer one does.
    _, en_body = read_post(archive / "posts" / "2022" / "2022-06-01-the-vote.en.md")
    for lang in ("km", "fr"):
        meta, _ = read_post(archive / "posts" / "2022" / f"2022-06-01-the-vote.{lang}.md")
        assert meta["translation_of"] == {"lang": "en", "text": text_hash(en_body)}
    assert cli("list", "--outdated").stderr == "No posts match.\n"


def test_a_bad_item_is_reported_with_its_place_and_the_rest_imported(archive: Path, cli: Invoke,
                                                                      tmp_path: Path) -> None:
    source = tmp_path / "bad.xml"
    source.write_text(wxr(
        item(7, "Good one", "<p>Fine.</p>")
        + item(8, "Bad date", "<p>Broken.</p>", date="garbage", gmt="0000-00-00 00:00:00")
        + item(9, "", "<p>No title.</p>")
        + item(10, "Another good one", "<p>Also fine.</p>")
    ), encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"failed {source}: item 2 (post 8): cannot read the date 'garbage'",
        f"failed {source}: item 3 (post 9): no title",
        "2 created, 0 skipped, 2 failed",
    ]
    assert post_files(archive) == ["2022-06-01-another-good-one.en.md", "2022-06-01-good-one.en.md"]


def test_broken_xml_keeps_what_came_before(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "cut.xml"
    text = wxr(item(1, "First", "<p>One.</p>") + item(2, "Second", "<p>Two.</p>"))
    source.write_text(text[: text.index("<item><title>Second") + 40], encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 1
    assert "created 2022-06-01-first (en)" in result.stdout
    assert result.stderr.splitlines() == [
        f"failed {source}:5: not well-formed XML (no element found); the rest of the file was not read",
        "1 created, 0 skipped, 1 failed",
    ]


def test_entity_expansion_is_refused(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "bomb.xml"
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>\n'
            + wxr(item(1, "&b;", "<p>x</p>")).split("\n", 1)[1])
    source.write_text(bomb, encoding="utf-8")
    result = cli("import", "--format", "wxr", str(source))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"failed: {source}: refused: EntitiesForbidden(name='a'")
    assert post_files(archive) == []


def test_post_date_prefers_gmt_in_the_blog_time_zone() -> None:
    assert _post_date("2022-06-28 10:15:00", "2022-06-28 03:15:00", "") == datetime(2022, 6, 28, 10, 15, tzinfo=PLUS7)
    assert _post_date("2022-06-28 03:15:00", "2022-06-28 03:15:00", "") == \
        datetime(2022, 6, 28, 3, 15, tzinfo=timezone.utc)
    assert _post_date("2022-06-28 10:15:00", "0000-00-00 00:00:00", "") == datetime(2022, 6, 28, 10, 15)
    assert _post_date("", "", "Tue, 28 Jun 2022 03:15:00 +0000") == datetime(2022, 6, 28, 3, 15, tzinfo=timezone.utc)
    assert _post_date("", "", "") is None


def test_html_is_made_clean_markdown() -> None:
    markdown, images = html_to_markdown(
        '<p>A <a href="javascript:alert(1)">bad link</a>, a <a href="https://ok.example/">good one</a>'
        "<script>alert(1)</script><br>and a break.</p><ul><li>one</li><li><strong>two</strong></li></ul>"
        '<h3>Heading</h3><blockquote><p>Quoted.</p></blockquote><img src="data:image/png;base64,xx" alt="Alt text">'
        "<iframe src='https://evil.example/'></iframe>"
    )
    assert markdown == ("A bad link, a [good one](https://ok.example/)\nand a break.\n\n- one\n- **two**\n\n"
                        "### Heading\n\n> Quoted.")
    assert images == [{"caption": "Alt text"}]  # a data: URL is not kept as the source


def test_a_line_in_the_other_language_is_not_a_translation() -> None:
    khmer = "ការបោះឆ្នោតឃុំសង្កាត់បានបញ្ចប់ដោយសន្តិភាព ប៉ុន្តែមិនមានភាពយុត្តិធម៌ទេ។"
    body = f"{khmer}\n\n{khmer}\n\nRead it in English."
    versions = bilingual_versions({"title": "T", "date": date(2022, 1, 1)}, body)
    assert [(v.lang, v.body) for v in versions] == [("km", body)]
    both = bilingual_versions({"title": "T", "date": date(2022, 1, 1)},
                              "An English paragraph that says the same thing.\n\n" + khmer)
    assert [(v.lang, v.body, v.meta["title"]) for v in both] == [
        ("en", "An English paragraph that says the same thing.", "T"), ("km", khmer, "T")]
