"""`summary` (figures, filters, the dashboard, --json) and the per-post summaries it lists."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cells import wcswidth
from opedarchive.text.summary import extract_summary, sentences

from conftest import Invoke

JOKE = "2022-06-24-candlelight-arrest-is-a-joke"
NEUTRAL = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"
MACHINE = "2022-06-12-election-disenfranchisement-machine-of-cambodia"
RECIPES = "2022-06-28-recipes-towards-democratic-unification"


def figures(cli: Invoke, *args: str) -> dict:  # type: ignore[type-arg]
    result = cli("summary", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_summary_json_of_the_seed(seeded: Path, cli: Invoke) -> None:
    data = figures(cli)
    assert data["posts"] == 4 and data["translated"] == 2
    assert data["languages"] == {"en": 4, "km": 2}
    assert set(data["words"]) == {"en", "km"} and 1100 < data["words"]["en"] < 1300
    assert data["by_year"] == {"2022": 4}
    assert data["by_month"] == {"2022-06": 4}
    assert data["authors"] == [{"name": "Sophoan Seng", "posts": 3}]
    assert data["outlets"] == [{"name": "VOD English", "posts": 1}]
    assert data["tags"] == []
    assert data["untranslated"] == [RECIPES, MACHINE]
    assert [p["id"] for p in data["latest"]] == [RECIPES, JOKE, NEUTRAL, MACHINE]
    assert data["latest"][1]["summary"].startswith("Regarding “Candlelight Commune Chief-Elect Arrested")


def test_summary_filters_are_those_of_list(seeded: Path, cli: Invoke) -> None:
    assert figures(cli, "--untranslated")["posts"] == 2
    assert figures(cli, "--lang", "km")["untranslated"] == []
    assert figures(cli, "--since", "2022-06-20")["posts"] == 2
    assert figures(cli, "--year", "2021")["posts"] == 0
    assert figures(cli, "--outlet", "vod")["latest"][0]["id"] == NEUTRAL
    assert figures(cli, "--kind", "letter")["posts"] == 2
    bad = cli("summary", "--until", "June")
    assert (bad.exit_code, bad.stderr) == (2, "Error: --until: 'June' is not a date (YYYY-MM-DD)\n")


def test_summary_counts_years_tags_and_outlets(archive: Path, cli: Invoke) -> None:
    for day, title, tag in (("2020-01-05", "Old", "courts"), ("2021-03-01", "Middle", "courts"),
                            ("2021-07-09", "Newer", "elections")):
        added = cli("add", "-", "--title", title, "--date", day, "--tag", tag, "--outlet", "Khmer Times",
                    "--author", "A. Writer", input=f"{title} body text here.\n")
        assert added.exit_code == 0, added.stderr
    data = figures(cli)
    assert data["by_year"] == {"2020": 1, "2021": 2}
    assert data["tags"] == [{"name": "courts", "posts": 2}, {"name": "elections", "posts": 1}]
    assert data["outlets"] == [{"name": "Khmer Times", "posts": 3}]
    text = cli("summary", env={"COLUMNS": "100"}).stdout
    assert "Posts per year" in text
    bars = [line for line in text.splitlines() if line.startswith(("2020 ", "2021 "))]
    assert len(bars) == 2 and bars[1].count("█") == 2 * bars[0].count("█")
    month = cli("summary", "--year", "2021", env={"COLUMNS": "100"}).stdout
    assert "Posts per month" in month and "2021-03 █" in month and "2021-07 █" in month


def test_summary_dashboard(seeded: Path, cli: Invoke) -> None:
    for columns in (60, 120):
        result = cli("summary", env={"COLUMNS": str(columns)})
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert lines[0] == "Op-ed archive"
        assert lines[1] == "4 posts · 2 translated (50%) · versions: en 4, km 2"
        assert "Posts per month" in lines and any(line.startswith("2022-06 █") for line in lines)
        assert "Lacking a translation (2)" in lines and RECIPES in lines and MACHINE in lines
        assert any(line.startswith("2022-06-24  Letter: Candlelight Arrest Is a ‘Joke’") for line in lines)
        assert any("Sophoan Seng" in line for line in lines)
        assert all(wcswidth(line) <= columns for line in lines)


def test_summary_of_an_empty_archive(archive: Path, cli: Invoke) -> None:
    assert figures(cli)["posts"] == 0
    result = cli("summary")
    assert result.exit_code == 0 and "0 posts · 0 translated" in result.stdout


def test_khmer_sentences_end_at_khan() -> None:
    assert sentences("ប្រយោគទីមួយ។ ប្រយោគទីពីរ៕") == ["ប្រយោគទីមួយ។", "ប្រយោគទីពីរ៕"]
    assert sentences("គ្មានដកឃ្លា។បន្ទាប់") == ["គ្មានដកឃ្លា។", "បន្ទាប់"]
    first = "ក" * 150 + "។"
    assert extract_summary(f"{first} {'ខ' * 120}។\n\nមួយទៀត។") == first


def test_summary_key_wins_over_the_extract(seeded: Path, cli: Invoke) -> None:
    path = seeded / f"posts/2022/{JOKE}.en.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: letter\n", "kind: letter\nsummary: A court's joke.\n"), encoding="utf-8")
    latest = {p["id"]: p["summary"] for p in figures(cli)["latest"]}
    assert latest[JOKE] == "A court's joke."
    assert latest[NEUTRAL].startswith("Reading the article “Election Committee Rejects")
    listed = {p["id"]: p["summary"] for p in json.loads(cli("list", "--json").stdout)}
    assert listed[JOKE] == "A court's joke."


def test_the_dashboard_names_twenty_untranslated_posts_and_counts_the_rest(archive: Path, cli: Invoke) -> None:
    for i in range(25):
        added = cli("add", "-", "--title", f"Post {i:02d}", "--date", f"2021-03-{i + 1:02d}", input="Body.\n")
        assert added.exit_code == 0
    result = cli("summary")
    assert result.exit_code == 0
    assert "Lacking a translation (25)" in result.stdout
    assert "2021-03-25-post-24" in result.stdout and "2021-03-06-post-05" in result.stdout
    assert "2021-03-05-post-04" not in result.stdout.split("Latest")[0]
    assert "… and 5 more ('list --untranslated' or 'summary --json' gives them all)" in result.stdout
    assert len(json.loads(cli("summary", "--json").stdout)["untranslated"]) == 25


def _summary_whole(plain: str, limit: int = 200) -> str:
    """summary_of_plain as it was before it looked at a head only: every paragraph made whole."""
    from opedarchive.text.summary import SUMMARY_BLOCKS, _first_sentences, ellipsized

    paragraphs = [p for p in plain.split("\n\n", SUMMARY_BLOCKS)[:SUMMARY_BLOCKS] if p.strip()]
    if not paragraphs:
        return ""
    # All the sentences of the three paragraphs made whole; the choice among them and the cut
    # after it are the shared ones (what is tested is which text they are taken from).
    text = " ".join(" ".join(p.split()) for p in paragraphs[:3])
    return ellipsized(_first_sentences(sentences(text), limit)[0], limit)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["a", "bc", " ", "   ", "\n", "\n\n", ".", ". ", "!", "?", '"', "”", "»", "។", "៕",
                                 "ក", "ខ្មែរ", "x" * 30, " " * 60, "Mr. ", "U.S. daily", "\t", "\u3000"]),
                max_size=60).map("".join), st.integers(3, 60))
def test_the_summary_of_a_head_is_the_summary_of_the_whole(plain: str, limit: int) -> None:
    # summary_of_plain looks at the first 8 × (limit + 40) characters, and again at more when the
    # head's last sentence was reached: small limits make every path run.
    from opedarchive.text.summary import summary_of_plain

    assert summary_of_plain(plain, limit) == _summary_whole(plain, limit)


def test_the_summary_of_a_15_mb_paragraph_does_not_list_its_words() -> None:
    import tracemalloc

    from opedarchive.text.summary import summary_of_plain

    body = "The provincial court heard the complaint again. " * 300_000  # 14 MB, one paragraph
    tracemalloc.start()
    try:
        summary = summary_of_plain(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary == _summary_whole(body[:10_000])
    assert peak < 2 * len(body), peak  # a copy of the paragraph at most; its words listed: over 100 MB
