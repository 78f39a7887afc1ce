"""Khmer words (`text.words`): accuracy on hand-segmented text, counts, breaks, and the counts and
reading times that `summary`, `show` and the website give (issue 15, items 1 and 3)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bench_khmer_words import load_sample, project_score
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from opedarchive.cli import app
from opedarchive.export.markup import format_reading_time
from opedarchive.text.words import (
    CLUSTERS_PER_WORD,
    count_words,
    khmer_breaks,
    khmer_word_count,
    khmer_words,
    reading_minutes,
    reading_words,
    spaced_words,
    word_spans,
)

SAMPLE = load_sample()
# Measured 0.970 (P 0.962, R 0.978) with khmercut 0.2.0 on the 1,000 khPOS OPEN-TEST sentences
# (docs/khmer-words.md); the floor leaves room for a model update, not for a worse segmenter
# (ICU's dictionary scores 0.869 on the same sentences).
F1_FLOOR = 0.95
RUN_CHARS = "[\u1780-\u17d3\u17dc\u17dd\u17e0-\u17e9\u19e0-\u19ff]"


def test_boundary_f1_on_hand_segmented_khmer() -> None:
    assert len(SAMPLE) == 1000
    score = project_score(SAMPLE)
    assert score.f1 >= F1_FLOOR, score
    assert score.precision >= F1_FLOOR and score.recall >= F1_FLOOR


@pytest.mark.parametrize(("text", "words"), [
    ("", 0),
    ("   \n\t ", 0),
    ("។", 0),
    ("ៗ", 0),
    ("ការបោះឆ្នោតជាតិ", 2),  # ការបោះឆ្នោត | ជាតិ
    ("ការបោះឆ្នោត\u200bជាតិ", 2),  # a zero-width space breaks as a space does
    ("ការបោះឆ្នោត ជាតិ", 2),
    ("ខ្មែរ។", 1),  # ។ ends a sentence; it is not a word
    ("ផ្សេងៗ", 1),  # ៗ repeats the word before it
    ("ផ្សេង ៗ", 1),
    ("២០២២", 1),
    ("2022", 1),
    ("ការបោះឆ្នោត2023", 2),
    ("hello ខ្មែរ world", 3),
    ("NEC ការបោះឆ្នោត", 2),
    ("a_b ___ --", 1),  # as str.isalnum: a run of underscores or dashes is no word
])
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words
    assert spaced_words(text) + khmer_word_count(text) == words


def test_breaks_edge_cases() -> None:
    assert khmer_breaks("") == []
    assert khmer_breaks("no Khmer here") == []
    assert khmer_breaks("ខ្មែរ") == []
    assert khmer_breaks("ការបោះឆ្នោតជាតិ") == [11]
    # spaces and zero-width spaces break already: never reported
    assert khmer_breaks("ការបោះឆ្នោត ជាតិ") == []
    assert khmer_breaks("ការបោះឆ្នោត\u200bជាតិ") == []
    # punctuation and Latin end a run; the break is inside the run only
    text = "abc ការបោះឆ្នោតជាតិ។ ok"
    assert khmer_breaks(text) == [15]
    assert word_spans(text) == [(4, 15), (15, 19)]


def test_count_matches_segmenter_on_real_text() -> None:
    sentences = [s.text for s in SAMPLE[500:700]]
    words = sum(len(khmer_words(run)) for s in sentences for run in [s])
    counted = sum(count_words(s) for s in sentences)
    # count_words leaves out punctuation and ៗ, which the segmenter returns as tokens
    assert 0.9 * words <= counted <= words


KHMER_WORDS = sorted({w for s in SAMPLE for w in s.words if all("\u1780" <= c <= "\u17d3" for c in w)})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(KHMER_WORDS), min_size=1, max_size=12),
       st.lists(st.sampled_from([" ", "\u200b", "។ ", "ok", ""]), min_size=1, max_size=12))
def test_words_join_back_and_breaks_stay_inside_runs(words: list[str], gaps: list[str]) -> None:
    run = "".join(words)
    assert "".join(khmer_words(run)) == run
    text = "".join(w + gaps[i % len(gaps)] for i, w in enumerate(words))
    breaks = khmer_breaks(text)
    assert breaks == sorted(set(breaks))
    import re

    inside = re.compile(RUN_CHARS)
    for at in breaks:
        assert 0 < at < len(text)
        assert inside.match(text[at - 1]) and inside.match(text[at])


def test_reading_minutes() -> None:
    assert reading_minutes(0, "en") == 1
    assert reading_minutes(238 * 5, "en") == 5
    assert reading_minutes(314 * 5, "km") == 5
    assert reading_minutes(238 * 5, "fr") == 5  # other languages read at the English rate
    assert format_reading_time(5, "en") == "5 min read"
    assert format_reading_time(12, "km") == "អានរយៈពេល ១២ នាទី"


# ---------------------------------------------------------------------------- through the CLI

runner = CliRunner()
POST = """---
title: {title}
date: 2023-0{month}-01
lang: {lang}
---

{body}
"""


def _archive(tmp_path: Path) -> tuple[Path, dict[str, int], dict[str, str]]:
    """Four posts whose Khmer versions are khPOS sentences (spaces removed, as Khmer is written)
    in paragraphs of five; returns the archive, the segmenter's count per post, each Khmer body."""
    root = tmp_path / "archive"
    (root / "posts" / "2023").mkdir(parents=True)
    (root / "opedarchive.toml").write_text('title = "t"\nlanguages = ["en", "km"]\n', encoding="utf-8")
    counts: dict[str, int] = {}
    bodies: dict[str, str] = {}
    prose = [s.text for s in SAMPLE if len(s.words) >= 12]
    for n in range(4):
        chunk = prose[n * 60:(n + 1) * 60]
        body = "\n\n".join(" ".join(chunk[i:i + 5]) for i in range(0, len(chunk), 5))
        post_id = f"2023-0{n + 1}-01-post-{n}"
        for lang, text in (("en", "word " * (100 * (n + 1))), ("km", body)):
            path = root / "posts" / "2023" / f"{post_id}.{lang}.md"
            path.write_text(POST.format(title=f"Post {n}", month=n + 1, lang=lang, body=text), encoding="utf-8")
        counts[post_id] = count_words(body)
        bodies[post_id] = body
    return root, counts, bodies


def _invoke(root: Path, *args: str, columns: int = 100) -> str:
    result = runner.invoke(app, ["--archive", str(root), *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout  # (stderr may say that Khmer words are being counted)


def test_summary_counts_khmer_words_by_the_segmenter(tmp_path: Path) -> None:
    root, counts, bodies = _archive(tmp_path)
    data = json.loads(_invoke(root, "summary", "--json"))
    segmenter = sum(len(khmer_words(run)) for body in bodies.values() for run in body.split())
    assert data["words"]["en"] == 1000
    assert data["words"]["km"] == sum(counts.values())
    assert abs(data["words"]["km"] - segmenter) <= 0.05 * segmenter
    # between spaces, the same text would count a few times fewer
    assert data["words"]["km"] > 3 * sum(len(body.split()) for body in bodies.values())
    text = _invoke(root, "summary")
    assert f"words: km {data['words']['km']:,}, en 1,000 (Khmer words as a word segmenter cuts them)" in text \
        or f"words: en 1,000, km {data['words']['km']:,} (Khmer words as a word segmenter cuts them)" in text


def _uncounted(root: Path) -> list[tuple[str, int | None]]:
    import sqlite3

    with sqlite3.connect(root / ".opedarchive" / "index.sqlite") as db:
        return db.execute("SELECT lang, khmer_words FROM docs WHERE khmer_words IS NULL OR lang = 'km' "
                          "ORDER BY path").fetchall()


def test_list_and_search_never_count_khmer_words(tmp_path: Path) -> None:
    """Building the index (by the first `list`, then `search`) stores words between spaces and
    leaves the Khmer uncounted: the segmenter is not even imported."""
    import subprocess
    import sys

    root, _, _ = _archive(tmp_path)
    script = (
        "import sys\n"
        "from opedarchive.cli import app\n"
        "for args in (['list'], ['search', 'word']):\n"
        "    try:\n"
        f"        app(['--archive', {str(root)!r}, *args])\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
        "print('segmenter loaded:', 'khmercut' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "segmenter loaded: False" in done.stdout
    assert _uncounted(root) == [("km", None)] * 4
    # `summary` counts them, once; the English versions needed no counting
    _invoke(root, "summary", "--json")
    assert [n is not None and n > 100 for _, n in _uncounted(root)] == [True] * 4


def test_a_second_summary_counts_nothing_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opedarchive import wordcounts

    root, counts, _ = _archive(tmp_path)
    first = json.loads(_invoke(root, "summary", "--json"))
    assert first["words"]["km"] == sum(counts.values())

    def refuse(*args: object) -> None:
        raise AssertionError("counted again")

    monkeypatch.setattr(wordcounts, "count_file", refuse)
    assert json.loads(_invoke(root, "summary", "--json")) == first
    assert json.loads(_invoke(root, "summary", "--json", "--lang", "km"))["words"] == first["words"]  # a filter
    # an edited Khmer version is counted anew (and only it)
    monkeypatch.undo()
    path = root / "posts" / "2023" / "2023-01-01-post-0.km.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nការបោះឆ្នោតជាតិ\n", encoding="utf-8")
    assert json.loads(_invoke(root, "summary", "--json"))["words"]["km"] == first["words"]["km"] + 2


def test_summary_of_some_posts_counts_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opedarchive import wordcounts

    monkeypatch.setattr(wordcounts, "POOL_MIN", 2)
    monkeypatch.setattr(wordcounts, "CHUNK", 1)
    root, counts, _ = _archive(tmp_path)
    data = json.loads(_invoke(root, "summary", "--json", "--since", "2023-02-01"))
    assert data["words"]["km"] == sum(n for post_id, n in counts.items() if post_id >= "2023-02")
    assert [n is None for _, n in _uncounted(root)] == [True, False, False, False]  # January's: not asked for
    assert json.loads(_invoke(root, "summary", "--json"))["words"]["km"] == sum(counts.values())


@pytest.mark.parametrize("fts", [True, False])
def test_an_index_made_before_khmer_counts_is_upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       fts: bool) -> None:
    import sqlite3

    from opedarchive.index import NO_FTS_ENV

    monkeypatch.setenv(NO_FTS_ENV, "" if fts else "1")
    root, counts, bodies = _archive(tmp_path)
    _invoke(root, "list")
    # as opedarchive left it before migration 006: Khmer counted one word per unspaced run, the
    # whole archive's summary kept with those counts, and no `khmer_words` column
    old = sum(len(body.split()) for body in bodies.values())
    index = root / ".opedarchive" / "index.sqlite"
    with sqlite3.connect(index) as db:
        for post_id, body in bodies.items():
            db.execute("UPDATE docs SET words = ?, khmer_words = 0 WHERE post_id = ? AND lang = 'km'",
                       (len(body.split()), post_id))
    assert json.loads(_invoke(root, "summary", "--json"))["words"]["km"] == old
    with sqlite3.connect(index) as db:
        db.execute("DROP INDEX docs_uncounted")
        db.execute("ALTER TABLE docs DROP COLUMN khmer_words")
        db.execute("PRAGMA user_version = 5")
    _invoke(root, "list")
    # migrated without reading a file: English rows have no Khmer to count, Khmer ones wait
    assert _uncounted(root) == [("km", None)] * 4
    data = json.loads(_invoke(root, "summary", "--json"))
    assert data["words"]["km"] == sum(counts.values()) and data["words"]["en"] == 1000
    assert all(n is not None for _, n in _uncounted(root))


def test_reading_time_estimates_khmer_words_from_clusters() -> None:
    """Within 10% of the segmenter's count on every 100 khPOS sentences, and never loads it."""
    import subprocess
    import sys

    for start in range(0, 1000, 100):
        text = " ".join(s.text for s in SAMPLE[start:start + 100])
        assert abs(reading_words(text) - count_words(text)) <= 0.1 * count_words(text), start
    assert reading_words("hello world") == 2
    assert reading_words("ក្រុង ២០២២") == pytest.approx(3 / CLUSTERS_PER_WORD)  # ក្រុ, ង, then a number
    script = ("import sys; from opedarchive.model import Version; "
              "from opedarchive.summary import version_reading_minutes; "
              "print(version_reading_minutes(Version(lang='km', meta={}, body='ការបោះឆ្នោត' * 2000)), "
              "'khmercut' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == [str(round(2000 * 5 / CLUSTERS_PER_WORD / 314)), "False"], done.stderr


def _km_minutes(body: str) -> int:
    return reading_minutes(reading_words(body), "km")


def test_show_gives_a_reading_time_per_version(tmp_path: Path) -> None:
    root, _, bodies = _archive(tmp_path)
    post_id = "2023-04-01-post-3"
    km_minutes = _km_minutes(bodies[post_id])
    assert km_minutes >= 2
    stacked = _invoke(root, "show", post_id, "--stacked", "--no-pager", columns=160)
    assert "2023-04-01 · 2 min read\n" in stacked  # 400 English words at 238 a minute
    assert f"2023-04-01 · {km_minutes} min read\n" in stacked
    data = json.loads(_invoke(root, "show", post_id, "--json"))
    assert [(v["lang"], v["reading_minutes"]) for v in data["versions"]] == [("en", 2), ("km", km_minutes)]


def test_the_website_gives_the_reading_time_in_the_page_language(tmp_path: Path) -> None:
    root, _, bodies = _archive(tmp_path)
    post_id = "2023-04-01-post-3"
    site = tmp_path / "site"
    _invoke(root, "export", "--html", "-o", str(site))
    page = next(site.rglob(f"{post_id}*.html")).read_text(encoding="utf-8")
    km = format_reading_time(_km_minutes(bodies[post_id]), "km")
    assert '<span class="reading">2 min read</span>' in page
    assert f'<span class="reading">{km}</span>' in page and km.startswith("អានរយៈពេល ")


def test_a_watcher_counts_khmer_words_between_its_events(tmp_path: Path) -> None:
    from opedarchive.archive import Archive
    from opedarchive.index import Index
    from opedarchive.wordcounts import count_some

    root, counts, _ = _archive(tmp_path)
    _invoke(root, "list")
    with Index(Archive.open(root)) as index:
        skip: set[int] = set()
        assert count_some(index, 0.0, skip, 10**6) == 3  # the time is up after the first
        assert count_some(index, 60.0, skip, 1000) == 0  # too big for a watcher: left to summary
        assert len(index.uncounted()) == 3 and len(skip) == 3
        assert count_some(index, 60.0, set(), 10**6) == 0
        assert index.uncounted() == []
    assert json.loads(_invoke(root, "summary", "--json"))["words"]["km"] == sum(counts.values())


def test_spaced_words_counts_a_slice_at_a_time_as_split_would(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long body is counted a slice at a time (memory stays flat); the count is `split()`'s."""
    import random

    from opedarchive.text import words

    monkeypatch.setattr(words, "_SLICE", 7)
    rng = random.Random(3)
    alnum = re.compile(r"[^\W_]")
    tokens = ["election", "the", "ការបោះឆ្នោត", "--", "2022,", "a\u200bb", "—", "x_y", "\u200b", " ", "…", "_", "\n",
              "a\u3000b", "c\x1cd", "e\xa0f", "\t", "é"]
    for _ in range(2000):
        text = " ".join(rng.choice(tokens) for _ in range(rng.randint(0, 30)))
        plain = words._KHMER_ANY.sub("\0", text).replace("\u200b", " ")
        assert words.spaced_words(text) == sum(1 for t in plain.split() if alnum.search(t)), text


def test_khmer_clusters_are_counted_a_slice_at_a_time_as_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reading time's Khmer clusters, counted a slice at a time (issue 14: 135 MB for a 15 MB
    body in one pass), never cut a cluster after its coeng nor a number in two."""
    import random

    from opedarchive.text import words

    rng = random.Random(5)
    pieces = ["ក", "្ក", "ា", "១២", "៣", "២០២៤", "។", " ", "ស្ត្រី", "a", "\u17d2"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        whole = words.reading_words(text)
        with monkeypatch.context() as patch:
            patch.setattr(words, "_SLICE", rng.randint(1, 5))
            assert words.reading_words(text) == whole, text
        assert whole == words.spaced_words(text) + len(words._CLUSTER.findall(text)) / words.CLUSTERS_PER_WORD
