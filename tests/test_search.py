"""`opedarchive search` and `reindex` through the command line, on the seed page's posts."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from opedarchive.snippet import paragraphs
from opedarchive.text.khmer import clusters
from opedarchive.text.searchform import search_form

from conftest import Invoke

EN_15 = "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"
CANDLE = "2022-06-24-candlelight-arrest-is-a-joke"
MACHINE = "2022-06-12-election-disenfranchisement-machine-of-cambodia"
RECIPES = "2022-06-28-recipes-towards-democratic-unification"
KHMER_POSTS = {(EN_15, "km"), (CANDLE, "km")}


def hits(cli: Invoke, *args: str) -> list[dict[str, Any]]:
    """The hits of a search as JSON; none when it exits 1 with nothing on stdout."""
    result = cli("search", "--json", "--limit", "100", *args)
    if result.exit_code == 1 and result.stdout == "":
        assert "No posts match" in result.stderr
        return []
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def found(cli: Invoke, *args: str) -> set[tuple[str, str]]:
    return {(h["id"], h["lang"]) for h in hits(cli, *args)}


def post_file(archive: Path, post_id: str, lang: str) -> Path:
    return archive / "posts" / post_id[:4] / f"{post_id}.{lang}.md"


def add_file(archive: Path, post_id: str, lang: str, title: str, body: str) -> Path:
    path = post_file(archive, post_id, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: {post_id[:10]}\nlang: {lang}\n---\n\n{body}\n", encoding="utf-8")
    return path


def test_english_word_in_the_seed(seeded: Path, cli: Invoke) -> None:
    result = cli("search", "election")
    assert result.exit_code == 0
    assert {MACHINE, EN_15, CANDLE, RECIPES} <= {line.split()[2] for line in result.stdout.splitlines()
                                                  if line[:4] == "2022"}
    assert "Building the search index (first use)…" in result.stderr


def test_english_matches_whole_words_case_insensitively(seeded: Path, cli: Invoke) -> None:
    assert found(cli, "NEC") == {(MACHINE, "en"), (EN_15, "en"), (RECIPES, "en")}
    assert found(cli, "neCessary") == {(EN_15, "en")}  # "nec" did not find it: not a whole word
    assert (EN_15, "en") in found(cli, "disenfranchis*") | found(cli, "professional*")
    assert found(cli, "disenfranchis") == set()


def test_khmer_word_inside_a_longer_run(seeded: Path, cli: Invoke) -> None:
    # ឆ្នោត occurs only inside longer runs such as ការបោះឆ្នោត
    assert found(cli, "ឆ្នោត") == KHMER_POSTS
    assert found(cli, "បោះឆ្នោត") == KHMER_POSTS


def test_two_code_point_khmer_query(seeded: Path, cli: Invoke) -> None:
    assert len("ទេ") == 2
    got = hits(cli, "ទេ")
    assert {(h["id"], h["lang"]) for h in got} == KHMER_POSTS
    for hit in got:
        assert any(hit["snippet"][s:e] == "ទេ" for s, e in hit["highlights"])


def test_zero_width_spaces_inside_the_query(seeded: Path, cli: Invoke) -> None:
    assert found(cli, "ឆ្\u200bនោ\u200bត") == KHMER_POSTS
    assert found(cli, "ជាតិ\u200bរៀបចំ") == found(cli, "ជាតិរៀបចំ") != set()


def test_both_coeng_ro_spellings_find_each_other(archive: Path, cli: Invoke) -> None:
    add_file(archive, "2023-03-08-a", "km", "ទិវានារី", "សិទ្ធិស្ត្រីក្នុងការបោះឆ្នោត។")  # ta + coeng ro
    add_file(archive, "2023-03-09-b", "km", "ទិវានារី", "សិទ្ធិស្រ្តីក្នុងនយោបាយ។")  # ro + coeng ta, typed the other way
    both = {("2023-03-08-a", "km"), ("2023-03-09-b", "km")}
    assert found(cli, "ស្ត្រី") == both
    assert found(cli, "ស្រ្តី") == both


def test_khmer_digits_find_ascii_digits_and_back(seeded: Path, cli: Invoke) -> None:
    assert (MACHINE, "en") in found(cli, "២០២២")  # "June 5, 2022"
    assert found(cli, "2017") >= {(EN_15, "km"), (EN_15, "en")}  # ២០១៧ in the Khmer text


def test_phrase_or_and_exclusion(seeded: Path, cli: Invoke) -> None:
    assert found(cli, '"national election committee"') == {(EN_15, "en"), (MACHINE, "en")}
    assert found(cli, "untac OR pragmatism") == {(EN_15, "en"), (MACHINE, "en")}
    assert found(cli, "election -candlelight") == {(MACHINE, "en"), (RECIPES, "en")}
    assert found(cli, "--", "election", "-candlelight") == {(MACHINE, "en"), (RECIPES, "en")}
    assert found(cli, "ឆ្នោត -ភ្លើងទៀន") == set()  # both Khmer posts name the Candlelight Party


def test_a_query_word_starting_with_a_dash_is_not_an_option(seeded: Path, cli: Invoke) -> None:
    """`search '-kind:letter election'` and `search election -candlelight --limit 5` work as the
    help says; a mistyped long option is still an error, not a search."""
    assert found(cli, "-kind:letter election") == found(cli, "election", "-kind:letter") == {
        (MACHINE, "en"), (RECIPES, "en")}
    assert found(cli, "election", "-candlelight", "--lang", "en") == {(MACHINE, "en"), (RECIPES, "en")}
    assert found(cli, "-candlelight", "election") == {(MACHINE, "en"), (RECIPES, "en")}
    result = cli("search", "-candlelight")
    assert result.exit_code == 2
    assert "nothing to search for" in result.stderr
    result = cli("search", "--limt", "3", "election")
    assert result.exit_code == 2
    assert "No such option: --limt" in result.stderr


def test_exclusion_of_khmer(seeded: Path, cli: Invoke) -> None:
    assert found(cli, "--", "ឆ្នោត", "-កំពង់ធំ") == {(EN_15, "km")}
    assert found(cli, "ឆ្នោត -កំពង់ធំ") == {(EN_15, "km")}


def test_filters_in_the_query_and_as_options(seeded: Path, cli: Invoke) -> None:
    assert found(cli, "election lang:km") == set()  # the Khmer texts say ការបោះឆ្នោត
    assert found(cli, "kangaroo lang:km") == found(cli, "kangaroo", "--lang", "km") == {(CANDLE, "km")}
    assert found(cli, "court author:seng") == found(cli, "court", "--author", "Seng") != set()
    assert found(cli, 'outlet:"VOD English"') == {(EN_15, "en"), (EN_15, "km")}
    assert found(cli, "election", "--tag", "nothing") == set()
    assert found(cli, "election kind:letter lang:en") == {(EN_15, "en"), (CANDLE, "en")}
    assert found(cli, "election", "--since", "2022-06-20") == {(CANDLE, "en"), (RECIPES, "en")}
    assert found(cli, "ឆ្នោត", "--since", "2022-06-14") == {(CANDLE, "km")}  # the other is dated 06-13
    assert found(cli, "election", "--until", "2022-06-12") == {(MACHINE, "en")}
    assert found(cli, "election year:២០២២") == found(cli, "election")


def test_filters_alone(seeded: Path, cli: Invoke) -> None:
    assert found(cli, "--lang", "km") == KHMER_POSTS
    assert found(cli, "lang:km author:seng") == KHMER_POSTS


def test_json_shape_and_snippets_hold_the_match(seeded: Path, cli: Invoke) -> None:
    got = hits(cli, "ឆ្នោត")
    for hit in got:
        assert set(hit) == {"id", "lang", "title", "date", "score", "snippet", "highlights", "path"}
        assert isinstance(hit["score"], float)
        assert hit["path"] == f"posts/2022/{hit['id']}.{hit['lang']}.md"
        assert hit["highlights"]
        for start, end in hit["highlights"]:
            assert "ឆ្នោត" in search_form(hit["snippet"][start:end])
    assert got[0]["date"] in ("2022-06-13T10:03:00", "2022-06-24")


def test_khmer_snippets_never_cut_a_cluster(seeded: Path, cli: Invoke) -> None:
    for query in ("ទេ", "ឆ្នោត", "តុលាការ"):
        for hit in hits(cli, query):
            if hit["lang"] != "km":
                continue
            body = post_file(seeded, hit["id"], "km").read_text(encoding="utf-8")
            inner = hit["snippet"].removeprefix("…").removesuffix("…")
            para = next(p for p in paragraphs(body.split("\n---\n", 1)[1]) if inner in p)
            cuts = {0}
            for unit in clusters(para):
                cuts.add(max(cuts) + len(unit))
            start = para.index(inner)
            assert start in cuts and start + len(inner) in cuts, (query, hit["snippet"][:20])


def test_ranking_title_above_body(archive: Path, cli: Invoke) -> None:
    filler = "Words about other things entirely. " * 20
    add_file(archive, "2021-02-01-body", "en", "Other", filler + "Quorum.")
    add_file(archive, "2021-01-01-title", "en", "Quorum", filler)
    assert [h["id"] for h in hits(cli, "quorum")] == ["2021-01-01-title", "2021-02-01-body"]


def test_human_output_shows_date_lang_id_title_and_snippet(seeded: Path, cli: Invoke) -> None:
    result = cli("search", "untac")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["2022-06-15", "en", EN_15]
    assert lines[1] == "  Letter: A Neutral Election Body Would Accept Chao Ratanak Complaint"
    assert "UNTAC" in result.stdout


def test_limit(seeded: Path, cli: Invoke) -> None:
    assert len(hits(cli, "election")) == 4
    result = cli("search", "election", "--json", "--limit", "2")
    assert len(json.loads(result.stdout)) == 2


def test_parallel_shows_the_other_languages_paragraph(seeded: Path, cli: Invoke) -> None:
    result = cli("search", "កំពង់ធំ", "--parallel", "--json")
    assert result.exit_code == 0
    [hit] = json.loads(result.stdout)
    assert (hit["id"], hit["lang"]) == (CANDLE, "km")
    assert hit["parallel"]["lang"] == "en"
    assert hit["parallel"]["paragraph"].startswith("Regarding “Candlelight Commune Chief-Elect Arrested")
    human = cli("search", "កំពង់ធំ", "--parallel")
    assert "  en│ Regarding “Candlelight Commune Chief-Elect" in human.stdout


def test_no_hits_is_exit_1_with_a_message(seeded: Path, cli: Invoke) -> None:
    result = cli("search", "zyxomancy")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No posts match 'zyxomancy'." in result.stderr


@pytest.mark.parametrize("query", ['"unclosed', "nec OR", "-", "year:abc"])
def test_malformed_query_is_exit_2(seeded: Path, cli: Invoke, query: str) -> None:
    result = cli("search", query)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: malformed query")


def test_bad_date_option_is_exit_2(seeded: Path, cli: Invoke) -> None:
    result = cli("search", "nec", "--since", "June")
    assert result.exit_code == 2
    assert "--since: 'June' is not a date (YYYY-MM-DD)" in result.stderr


def test_an_edit_by_another_program_is_seen_by_the_next_search(seeded: Path, cli: Invoke) -> None:
    assert found(cli, "untac") == {(EN_15, "en")}
    path = post_file(seeded, EN_15, "en")
    before = path.stat()
    text = path.read_text(encoding="utf-8").replace("UNTAC", "ZYXOMANCY")  # same size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # even with the old mtime
    assert found(cli, "zyxomancy") == {(EN_15, "en")}
    assert cli("search", "untac").exit_code == 1


def test_an_edit_long_after_indexing_is_seen(seeded: Path, cli: Invoke) -> None:
    assert cli("search", "untac").exit_code == 0
    path = post_file(seeded, CANDLE, "en")
    old = time.time() - 3600
    os.utime(path, (old, old))
    assert cli("search", "candlelight").exit_code == 0  # the index now holds the settled file
    path.write_text(path.read_text(encoding="utf-8") + "\nA zyxomancy.\n", encoding="utf-8")
    assert found(cli, "zyxomancy") == {(CANDLE, "en")}


def test_a_deleted_file_is_gone_from_results(seeded: Path, cli: Invoke) -> None:
    assert (CANDLE, "km") in found(cli, "ឆ្នោត")
    post_file(seeded, CANDLE, "km").unlink()
    assert found(cli, "ឆ្នោត") == {(EN_15, "km")}


def test_a_corrupted_index_is_rebuilt_with_a_notice(seeded: Path, cli: Invoke) -> None:
    assert cli("search", "nec").exit_code == 0
    index = seeded / ".opedarchive" / "index.sqlite"
    index.write_bytes(b"\x00garbage\xff" * 5000)
    result = cli("search", "nec")
    assert result.exit_code == 0
    assert [line for line in result.stderr.splitlines() if "rebuilding" in line] == [
        "The search index was unusable (file is not a database); rebuilding it."]
    assert MACHINE in result.stdout
    assert "rebuilding" not in cli("search", "nec").stderr


def test_no_fts5_fallback_says_so_once_and_finds_the_same(seeded: Path, cli: Invoke) -> None:
    queries = ["election", "ឆ្នោត", "ទេ", "nec -candlelight", '"national election committee"']
    expected = {q: found(cli, q) for q in queries}
    result = cli("search", "ឆ្នោត", env={"OPEDARCHIVE_NO_FTS5": "1"})
    assert result.exit_code == 0
    assert result.stderr.count("no FTS5") == 1
    for query in queries:
        run = cli("search", query, "--json", "--limit", "100", env={"OPEDARCHIVE_NO_FTS5": "1"})
        assert {(h["id"], h["lang"]) for h in json.loads(run.stdout)} == expected[query]


def test_reindex(seeded: Path, cli: Invoke) -> None:
    result = cli("reindex")
    assert result.exit_code == 0
    assert result.stderr.startswith("Indexed 6 post files in ")
    assert "first use" not in result.stderr
    (seeded / "posts" / "2022" / "2022-07-01-broken.en.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    result = cli("reindex")
    assert "Warning: not searchable: posts/2022/2022-07-01-broken.en.md:" in result.stderr
    assert "(1 unreadable)." in result.stderr
    assert cli("search", "nec").exit_code == 0


def test_search_on_the_bundled_archive(bundled: Path, cli: Invoke) -> None:
    for query in ("election", "ឆ្នោត"):
        result = cli("--archive", str(bundled), "search", query)
        assert result.exit_code == 0
        assert "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint" in result.stdout


def test_a_straight_apostrophe_finds_a_curly_one(seeded: Path, cli: Invoke) -> None:
    assert found(cli, "coup d'etat") == {(EN_15, "en")}


def test_dates_alone_are_a_query(seeded: Path, cli: Invoke) -> None:
    assert found(cli, "--since", "2022-06-25") == {(RECIPES, "en")}
    result = cli("search", "--since", "2030-01-01")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (1, "No posts match these filters.")
