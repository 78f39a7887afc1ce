"""Markdown folders: Hugo (file-name translations, translationKey, page bundles, TOML), Jekyll
(_posts, _drafts), Pelican (headers, slug translations, pages), single files, bad files, and
an archive folder imported as it stands."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from opedarchive.translation import text_hash
from test_import_wxr import post_files, read_post

from conftest import DATA, REPO, Invoke

HUGO = DATA / "import" / "hugo"
JEKYLL = DATA / "import" / "jekyll"
PELICAN = DATA / "import" / "pelican"
PLUS7 = timezone(timedelta(hours=7))
RECIPES = "2022-06-28-recipes-towards-democratic-unification"
# Hugo states no original: the Khmer letter, dated two days before the English one, is it
# (docs/importing.md), so the post is filed under its date.
NEUTRAL = "2022-06-13-a-neutral-election-body-would-accept-chao-ratanak-complaint"


def test_hugo_site(archive: Path, cli: Invoke) -> None:
    result = cli("import", str(HUGO))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "created 2022-06-24-candlelight-arrest-is-a-joke (en, km)",  # by translationKey
        f"created {NEUTRAL} (km, en)",  # a page bundle: neutral/index.en.md + index.km.md
        f"created {RECIPES} (en, km)",  # by file name: recipes.en.md + recipes.km.md
        "created 2022-07-02-notes-on-the-courts (en)",
    ]
    assert result.stderr.splitlines() == [
        f"Notice: {HUGO}: not imported: 1 Hugo section page(s) (_index.md)",
        "4 created, 0 skipped, 0 failed, 1 left out",
    ]
    posts = archive / "posts" / "2022"
    recipes, body = read_post(posts / f"{RECIPES}.en.md")
    assert recipes == {
        "title": "Recipes towards democratic unification",
        "date": datetime(2022, 6, 28, 10, 0, tzinfo=PLUS7),
        "lang": "en",
        "authors": ["Sophoan Seng"],
        "tags": ["Opinion", "elections", "unity"],
        "summary": "What the opposition must do now.",  # from description
        "slug": "recipes",  # a key the tool does not know is kept
    }
    assert body == ("Seeing the election results declared by NEC triggered our assessment.\n\n"
                    "1. Unite behind one list.\n2. Watch every polling station.")
    recipes_km, _ = read_post(posts / f"{RECIPES}.km.md")
    assert recipes_km["translator"] == "Dara Chan"
    neutral_km, km_body = read_post(posts / f"{NEUTRAL}.km.md")
    assert neutral_km["date"] == datetime(2022, 6, 13, 10, 3)  # a TOML local date-time
    assert "translation_of" not in neutral_km  # the original
    neutral, _ = read_post(posts / f"{NEUTRAL}.en.md")
    assert neutral == {
        "title": "Letter: A Neutral Election Body Would Accept Chao Ratanak Complaint",
        "date": date(2022, 6, 15), "lang": "en", "authors": ["Sophoan Seng"], "outlet": "VOD English",
        "kind": "letter", "tags": ["letters"],
        "source_url": "https://vod.example.org/letter-neutral-election-body/",  # canonicalURL
        "translation_of": {"lang": "km", "text": text_hash(km_body)},
    }
    courts, _ = read_post(posts / "2022-07-02-notes-on-the-courts.en.md")
    assert courts == {"title": "Notes on the courts", "date": datetime(2022, 7, 2, 21, 5, tzinfo=timezone.utc),
                      "lang": "en", "tags": ["Justice"], "draft": True, "visibility": "draft", "weight": 3}


def test_jekyll_site(archive: Path, cli: Invoke) -> None:
    result = cli("import", str(JEKYLL))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "created 2022-06-12-election-disenfranchisement-machine-of-cambodia (en)",
        "created 2022-06-24-candlelight-arrest-is-a-joke (en)",
        "created 2022-08-01-unfinished-thoughts-on-reform (en)",
    ]  # about.md is a page of the site, not a post
    posts = archive / "posts" / "2022"
    machine, body = read_post(posts / "2022-06-12-election-disenfranchisement-machine-of-cambodia.en.md")
    assert machine == {
        "title": "Election disenfranchisement machine of Cambodia",
        "date": date(2022, 6, 12),  # from the file name
        "lang": "en",
        "authors": ["Sophoan Seng"],
        "tags": ["opinion", "elections", "cambodia"],  # Jekyll's space-separated tags
        "summary": "Observing the commune election of Cambodia this June.",
    }  # `layout` only told the old site how to lay the page out
    assert body.endswith("\n\n> The voters were there; the choice was not.")
    candle, _ = read_post(posts / "2022-06-24-candlelight-arrest-is-a-joke.en.md")
    assert candle["date"] == datetime(2022, 6, 24, 12, 0, tzinfo=PLUS7)  # "2022-06-24 12:00:00 +0700"
    assert candle["authors"] == ["Sophoan Seng", "Dara Chan"]
    assert candle["tags"] == ["courts", "Candlelight Party"]
    draft, _ = read_post(posts / "2022-08-01-unfinished-thoughts-on-reform.en.md")
    assert draft["draft"] is True  # from _drafts/


def test_pelican_site(archive: Path, cli: Invoke) -> None:
    result = cli("import", str(PELICAN))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "created 2022-07-20-statement-on-the-july-vote (en)",
        f"created {RECIPES} (en, km)",  # paired by Slug; the Khmer one says Translation: true
    ]
    assert result.stderr.splitlines()[0] == (
        f"Notice: {PELICAN}: not imported: 1 page(s) under {PELICAN / 'content' / 'pages'}; "
        "--include-pages imports them")
    recipes, body = read_post(archive / "posts" / "2022" / f"{RECIPES}.en.md")
    assert recipes == {
        "title": "Recipes towards democratic unification", "date": datetime(2022, 6, 28, 10, 20), "lang": "en",
        "authors": ["Sophoan Seng"], "tags": ["Opinion", "elections", "unity"],
        "summary": "What the opposition must do after the commune election.",  # an indented line continues it
        "modified": "2022-06-29T08:00:00", "slug": "recipes",
    }
    assert body == "Seeing the election results declared by NEC triggered our assessment."
    statement, _ = read_post(archive / "posts" / "2022" / "2022-07-20-statement-on-the-july-vote.en.md")
    assert statement["draft"] is True  # Status: draft
    pages = cli("import", "--include-pages", str(PELICAN))
    assert pages.stdout == "created 2021-01-01-about-cerc (en)\n"
    assert pages.stderr.splitlines()[-1] == "1 created, 2 skipped, 0 failed"


def test_one_markdown_file(archive: Path, cli: Invoke) -> None:
    result = cli("import", str(HUGO / "content" / "posts" / "unfinished.md"))
    assert result.exit_code == 0
    assert result.stdout == "created 2022-07-02-notes-on-the-courts (en)\n"


def test_bad_files_are_reported_and_the_rest_imported(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a-good.md").write_text("---\ntitle: Good\ndate: 2022-01-01\n---\n\nFine.\n", encoding="utf-8")
    (folder / "b-yaml.md").write_text("---\ntitle: [unclosed\ndate: 2022-01-01\n---\n\nText.\n", encoding="utf-8")
    (folder / "c-alias.md").write_text("---\na: &x [1]\ntitle: *x\ndate: 2022-01-01\n---\nText.\n", encoding="utf-8")
    (folder / "d-notitle.md").write_text("---\ndate: 2022-01-01\n---\n\nNo title here.\n", encoding="utf-8")
    (folder / "e-binary.md").write_bytes(b"---\x00\x01binary")
    (folder / "f-open.md").write_text("---\ntitle: Never closed\n\nText.\n", encoding="utf-8")
    (folder / "g-heading.md").write_text("# A heading for a title\n\nDate-less text.\n", encoding="utf-8")
    (folder / "h-date.md").write_text("---\ntitle: Odd date\ndate: someday\n---\nText.\n", encoding="utf-8")
    result = cli("import", str(folder))
    assert result.exit_code == 1
    assert result.stdout == "created 2022-01-01-good (en)\n"
    assert result.stderr.splitlines() == [
        f"failed {folder / 'b-yaml.md'}: invalid YAML in front matter (line 3): did not find expected ',' or ']'",
        f"failed {folder / 'c-alias.md'}: invalid YAML in front matter (line 3): "
        "YAML aliases (*name) are not allowed in front matter",
        f"failed {folder / 'd-notitle.md'}: no title (no 'title' in the front matter and no '# heading' first)",
        f"failed {folder / 'e-binary.md'}: binary file (contains NUL bytes), not a Markdown post",
        f"failed {folder / 'f-open.md'}: front matter is not closed by a '---' line",
        f"failed {folder / 'g-heading.md'}: no date",
        f"failed {folder / 'h-date.md'}: cannot read the date 'someday'",
        "1 created, 0 skipped, 7 failed",
    ]


def test_an_archive_folder_imports_as_it_stands(bundled: Path, archive: Path, cli: Invoke) -> None:
    """The archive's own layout is Hugo's translation-by-file-name: importing it gives the same files."""
    result = cli("import", str(bundled))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "4 created, 0 skipped, 0 failed"
    assert post_files(archive) == post_files(REPO / "archive")
    for path in sorted((REPO / "archive" / "posts").rglob("*.md")):
        twin = archive / path.relative_to(REPO / "archive")
        assert twin.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_a_link_to_a_file_outside_the_folder_is_not_imported(archive: Path, cli: Invoke, tmp_path: Path) -> None:
    """Nothing from elsewhere comes into the archive (and onto its website) through a link."""
    secret = tmp_path / "private" / "diary.md"
    secret.parent.mkdir()
    secret.write_text("---\ntitle: Private diary\ndate: 2021-01-01\n---\n\nNot for the archive.\n")
    folder = tmp_path / "blog"
    folder.mkdir()
    (folder / "post.md").write_text("---\ntitle: Public post\ndate: 2021-02-01\n---\n\nHello.\n")
    (folder / "diary.md").symlink_to(secret)
    (folder / "again.md").symlink_to(folder / "post.md")  # a link inside the folder is read
    result = cli("import", str(folder))
    assert result.exit_code == 0, result.stderr
    listed = cli("list", "--json").stdout
    assert "Public post" in listed and "Private diary" not in listed
