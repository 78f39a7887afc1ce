"""The lexicon an archive's own translations teach the aligner (issue 15, item 6): English words and
the Khmer words found with them, learned from the posts whose paragraphs pair one to one, used as
weaker anchors, and kept in the archive's derived-data folder."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import bench_align
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opedarchive import align as align_module
from opedarchive.align import Lexicon, align, archive_lexicon, learn_lexicon
from opedarchive.archive import Archive

from conftest import Invoke

REALWORLD = Path(__file__).parent / "data" / "realworld"


@pytest.fixture(scope="module")
def articles() -> list[bench_align.Article]:
    return bench_align.load_articles()


@pytest.fixture(scope="module")
def lexicons(articles: list[bench_align.Article]) -> dict[str, Lexicon]:
    return bench_align.fold_lexicons(articles)


def test_tokens_on_both_sides() -> None:
    lexicon = Lexicon({"government": "រដ្ឋាភិបាល", "police": "ប៉ូលិស"})
    assert lexicon.tokens("The Government said the police would act.", spaced=True) == {"lex:government", "lex:police"}
    assert lexicon.tokens("រដ្ឋាភិបាលបាននិយាយថា ប៉ូលិសនឹងធ្វើសកម្មភាព។", spaced=False) == {"lex:government", "lex:police"}
    assert lexicon.tokens("ប៉ូលិស", spaced=False) == {"lex:police"}
    assert lexicon.tokens("", spaced=False) == set() == lexicon.tokens("", spaced=True)
    assert not Lexicon({})  # an empty lexicon is none


def test_learned_words_agree_with_an_independent_word_list(articles: list[bench_align.Article]) -> None:
    # Unicode CLDR's English and Khmer names (countries, cities, months, days, units, emoji;
    # tests/data/realworld/cldr-en-km/SOURCE.md) were made by nobody who saw NTREX-128. Of the
    # words learned from all 123 articles that CLDR also has, 54 of 84 have a Khmer form CLDR
    # gives (or one inside the other: ខែមិថុនា for June); most of the rest are spelling variants
    # (ស្ត្រី / ស្រ្តី) or another sense (won: ឈ្នះ, not the currency).
    learned = learn_lexicon(pair for x in articles for pair in zip(*x.bodies(), strict=True))
    cldr: dict[str, set[str]] = {}
    for line in (REALWORLD / "cldr-en-km" / "lexicon_en_km.tsv").read_text(encoding="utf-8").splitlines():
        english, _, khmer = line.partition("\t")
        if khmer and not english.startswith("#"):
            cldr.setdefault(english.casefold(), set()).add(khmer)
    both = [w for w in learned.forms if w in cldr]
    agree = [w for w in both if any(learned.forms[w] in k or k in learned.forms[w] for k in cldr[w])]
    assert len(learned) > 700
    assert len(both) >= 60
    assert len(agree) / len(both) >= 0.6, (len(agree), len(both))
    for word, form in {"hospital": "មន្ទីរពេទ្យ", "world": "ពិភពលោក", "friday": "ថ្ងៃសុក្រ"}.items():
        assert learned.forms[word] == form


def test_each_article_is_aligned_with_a_lexicon_learned_without_it(
        articles: list[bench_align.Article], lexicons: dict[str, Lexicon]) -> None:
    # bench_align cuts the articles into 5 folds; an article's lexicon is the one the articles of
    # the other folds teach, as an archive of them would: never learned from the article itself.
    article = articles[0]
    own_fold = [x for x in articles if lexicons[x.doc] is lexicons[article.doc]]
    assert article in own_fold and 20 <= len(own_fold) <= 30
    assert lexicons[article.doc] == learn_lexicon(
        pair for x in articles if x not in own_fold for pair in zip(*x.bodies(), strict=True))


def test_real_articles_with_an_edit_align_exactly_with_the_lexicon(
        articles: list[bench_align.Article], lexicons: dict[str, Lexicon]) -> None:
    cases = bench_align.cases(articles, seed=1)
    scores = bench_align.score(align, cases, bench_align.corpus_ratio(articles), lexicons)
    for kind, result in scores.items():
        assert result.rate >= 0.9, (kind, result.exact, result.cases)
    assert sum(s.exact for s in scores.values()) / len(cases) >= 0.97
    assert [doc for result in scores.values() for doc in result.far] == []


def test_without_names_or_numbers_the_lexicon_keeps_the_pairs_near(
        articles: list[bench_align.Article], lexicons: dict[str, Lexicon], monkeypatch: pytest.MonkeyPatch) -> None:
    # Paragraphs of argument (an op-ed's) have few numbers and names: with the anchors cut down to
    # quotations, the edits of seed 2 put 6 articles' pairs more than 1 paragraph off (94 on
    # seeds 1-20; docs/alignment.md); with the lexicon, 1 (upi.176275; 1 on seeds 1-20).
    monkeypatch.setattr(align_module, "anchors", bench_align.prose_anchors(align_module.anchors))
    cases = bench_align.cases(articles, seed=2)
    ratio = bench_align.corpus_ratio(articles)
    without = bench_align.score(align, cases, ratio)
    with_lexicon = bench_align.score(align, cases, ratio, lexicons)
    far_without = [doc for result in without.values() for doc in result.far]
    far_with = [doc for result in with_lexicon.values() for doc in result.far]
    assert len(far_without) >= 3
    assert len(far_with) <= 1
    exact = sum(s.exact for s in with_lexicon.values())
    assert exact > sum(s.exact for s in without.values())
    assert exact / len(cases) >= 0.95


def _write_post(root: Path, post_id: str, en: list[str], km: list[str]) -> None:
    folder = root / "posts" / post_id[:4]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{post_id}.en.md").write_text(
        f"---\ntitle: Article {post_id}\ndate: {post_id[:10]}\nlang: en\n---\n\n" + "\n\n".join(en) + "\n",
        encoding="utf-8")
    (folder / f"{post_id}.km.md").write_text(
        f"---\ntitle: អត្ថបទ {post_id}\ndate: {post_id[:10]}\nlang: km\ntranslation_of:\n  lang: en\n---\n\n"
        + "\n\n".join(km) + "\n", encoding="utf-8")


def _fill(root: Path, articles: list[bench_align.Article], count: int) -> list[str]:
    ids = []
    for n, article in enumerate(articles[:count]):
        post_id = f"2019-01-{1 + n % 28:02d}-article-{n:03d}"
        _write_post(root, post_id, *article.bodies())
        ids.append(post_id)
    return ids


def test_the_archive_learns_its_lexicon_once_and_keeps_it(
        archive: Path, articles: list[bench_align.Article], monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _fill(archive, articles, 40)
    opened = Archive(archive)
    learned = archive_lexicon(opened, "en", "km")
    assert learned is not None and len(learned) > 100
    kept = archive / ".opedarchive" / "lexicon-en-km.json"
    record = json.loads(kept.read_text(encoding="utf-8"))
    assert record["forms"] == learned.forms
    assert len(record["learned_from"]) == 40

    # Kept: not learned again, in either order of the languages...
    def refuse(pairs: object) -> Lexicon:
        raise AssertionError("learned again")

    monkeypatch.setattr(align_module, "learn_lexicon", refuse)
    assert archive_lexicon(Archive(archive), "km", "en") == learned
    # ... nor after one post of 40 was edited (a word's translation does not change with one post).
    path = archive / "posts" / "2019" / f"{ids[0]}.km.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nថែម។\n", encoding="utf-8")
    assert archive_lexicon(Archive(archive), "en", "km") == learned
    # Five posts of 40 changed: learned again.
    for post_id in ids[1:5]:
        path = archive / "posts" / "2019" / f"{post_id}.en.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="learned again"):
        archive_lexicon(Archive(archive), "en", "km")
    monkeypatch.undo()
    # A damaged file is learned again and written anew; so is a file of another version.
    kept.write_text("{not json", encoding="utf-8")
    assert archive_lexicon(Archive(archive), "en", "km") is not None
    assert json.loads(kept.read_text(encoding="utf-8"))["version"] == align_module.LEXICON_VERSION


def test_no_lexicon_without_translations_to_learn_from(archive: Path) -> None:
    assert archive_lexicon(Archive(archive), "en", "km") is None
    # English against French: no side is Khmer, nothing is learned (numbers and names still are anchors).
    folder = archive / "posts" / "2019"
    folder.mkdir(parents=True)
    for lang, text in (("en", "The government met."), ("fr", "Le gouvernement s'est réuni.")):
        (folder / f"2019-01-01-met.{lang}.md").write_text(
            f"---\ntitle: Met\ndate: 2019-01-01\nlang: {lang}\n---\n\n{text}\n", encoding="utf-8")
    assert archive_lexicon(Archive(archive), "en", "fr") is None


def _palu(archive: Path, articles: list[bench_align.Article]) -> bench_align.Case:
    """60 articles as posts, and NTREX-128's newsweek.51340 with a paragraph of another article
    inserted after its third (seed 22 of bench_align) as 2019-02-01-palu."""
    case = next(c for c in bench_align.cases(articles, 22) if c.doc == "newsweek.51340" and c.kind == "insert")
    _fill(archive, [x for x in articles if x.doc != case.doc], 60)
    _write_post(archive, "2019-02-01-palu", case.a, case.b)
    return case


def test_show_aligns_an_edited_translation_with_the_archives_lexicon(
        archive: Path, articles: list[bench_align.Article], cli: Invoke,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # NTREX-128's newsweek.51340 with a paragraph of another article inserted after its third
    # (seed 22 of bench_align): lengths, numbers and names put the insertion two paragraphs off;
    # the lexicon of the archive's other 60 articles puts it where it is.
    case = _palu(archive, articles)
    truth = [[list(x), list(y)] for x, y in case.truth]

    result = cli("show", "2019-02-01-palu", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["alignment"]["pairs"] == truth
    assert (archive / ".opedarchive" / "lexicon-en-km.json").is_file()

    # Without the lexicon (the archive's ratio alone), the same post is aligned wrong.
    monkeypatch.setattr(align_module, "archive_lexicon", lambda *args: None)
    result = cli("show", "2019-02-01-palu", "--json")
    assert json.loads(result.stdout)["alignment"]["pairs"] != truth


def test_the_website_aligns_with_the_archives_lexicon(
        archive: Path, articles: list[bench_align.Article], cli: Invoke, tmp_path: Path) -> None:
    case = _palu(archive, articles)
    inserted = next(ys[0] for xs, ys in case.truth if not xs)
    site = tmp_path / "site"
    result = cli("--archive", str(archive), "export", "--html", "-o", str(site))
    assert result.exit_code == 0, result.stderr
    page = (site / "posts" / "2019-02-01-palu.html").read_text(encoding="utf-8")
    left = re.findall(r'<div class="cell v0 body" lang="en">(.*?)</div>', page, re.S)
    assert len(left) == len(case.truth)
    assert [n for n, cell in enumerate(left) if not cell.strip()] == [inserted]
    state = json.loads((site / ".opedarchive-export.json").read_text(encoding="utf-8"))["state"]
    assert state["lexicon_key"]


def test_a_paragraph_left_out_is_likelier_with_the_lexicon_only() -> None:
    # With the lexicon's words weighed, 1–0 and 0–1 groups have the prior 0.01 (seeds 1–40:
    # exact 18,500 -> 18,590, deletions >= 90% on every seed); without a lexicon Gale and
    # Church's stays (0.01 there put 21 edited articles more than a paragraph off, against 8).
    from opedarchive.align import _PRIOR_COSTS, LEXICON_GAP_COST, _SharedAnchors

    english = ["The government met on Friday.", "The police said nothing."]
    khmer = ["រដ្ឋាភិបាលបានប្រជុំនៅថ្ងៃសុក្រ។", "ប៉ូលិសមិនបាននិយាយអ្វីទេ។"]
    lexicon = Lexicon({"government": "រដ្ឋាភិបាល", "police": "ប៉ូលិស", "friday": "ថ្ងៃសុក្រ"})
    assert _SharedAnchors(english, khmer, lexicon).gap_cost == LEXICON_GAP_COST < _PRIOR_COSTS[1, 0]
    assert _SharedAnchors(khmer, english, lexicon).gap_cost == LEXICON_GAP_COST
    assert _SharedAnchors(english, khmer).gap_cost == _PRIOR_COSTS[1, 0]
    french = ["Le gouvernement s'est réuni vendredi.", "La police n'a rien dit."]
    assert _SharedAnchors(english, french, lexicon).gap_cost == _PRIOR_COSTS[1, 0]
    # And the words count: "police" pairs the second paragraphs.
    shared = _SharedAnchors(english, khmer, lexicon)
    assert "lex:police" in shared.a[1] and "lex:police" in shared.b[1]
    assert shared.gain([1], [1]) > shared.gain([1], [0])


KHMER_PIECES = ["រដ្ឋ", "ាភិបាល", "ប៉ូលិស", "ថ្ងៃ", "សុក្រ", "ក", "្", "ា", " ", "។", "Police", "the"]


@given(forms=st.dictionaries(st.sampled_from(["government", "police", "friday", "day", "state", "x"]),
                             st.lists(st.sampled_from(KHMER_PIECES), min_size=1, max_size=3).map("".join),
                             max_size=6),
       text=st.lists(st.sampled_from(KHMER_PIECES), max_size=30).map("".join))
@settings(max_examples=300, deadline=None)
def test_khmer_forms_are_found_as_a_plain_search_finds_them(forms: dict[str, str], text: str) -> None:
    # Lexicon.tokens looks a paragraph's forms up by their first two characters, not all of
    # them: it must find what `form in text` finds, for every form (a form of one character was
    # never found, until this test; none is learned, but a kept file may hold one).
    lexicon = Lexicon(forms)
    assert lexicon.tokens(text, spaced=False) == {"lex:" + w for w, f in forms.items() if f and f in text}


def test_a_few_translations_teach_no_lexicon(archive: Path, articles: list[bench_align.Article]) -> None:
    # The bundled archive's two translated posts (about 20 pairs of paragraphs) learned "party" as
    # ដោយ ("by"); fewer than 80 pairs teach nothing, and the aligner keeps Gale and Church's prior.
    _fill(archive, articles, 3)
    assert archive_lexicon(Archive(archive), "en", "km") is None
    assert not learn_lexicon([("The government met.", "រដ្ឋាភិបាលបានប្រជុំ។")] * 79)
    assert learn_lexicon([("The government met.", "រដ្ឋាភិបាលបានប្រជុំ។")] * 80).forms["government"] == "រដ្ឋាភិបាល"


WORDS = ["The government", "police", "said", "on Friday", "12", '"', "«", "»", "រដ្ឋាភិបាល", "ប៉ូលិស",
         "ថ្ងៃសុក្រ", "បាននិយាយ", "១២", "។", ".", " "]
mixed_paragraphs = st.lists(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join), max_size=12)


@given(mixed_paragraphs, mixed_paragraphs, st.none() | st.floats(0.3, 3.0))
@settings(max_examples=200, deadline=None)
def test_with_a_lexicon_alignment_never_drops_or_reorders(a: list[str], b: list[str], ratio: float | None) -> None:
    lexicon = Lexicon({"government": "រដ្ឋាភិបាល", "police": "ប៉ូលិស", "friday": "ថ្ងៃសុក្រ", "said": "និយាយ"})
    pairs = align(a, b, ratio, lexicon)
    assert [i for left, _ in pairs for i in left] == list(range(len(a)))
    assert [j for _, right in pairs for j in right] == list(range(len(b)))
    assert all((len(left), len(right)) in {(1, 1), (1, 2), (2, 1), (1, 0), (0, 1)} for left, right in pairs)


def test_a_version_removed_while_the_lexicon_is_learned_is_passed_over(
        archive: Path, articles: list[bench_align.Article]) -> None:
    # The posts are listed first and read after: a version removed meanwhile (an `rm` in another
    # terminal) is passed over, not a KeyError in the middle of `show`.
    ids = _fill(archive, articles, 20)
    opened = Archive(archive)
    listed = {post_id: {lang: (1, 1) for lang in ("en", "km")} for post_id in ids}
    (archive / "posts" / "2019" / f"{ids[0]}.km.md").unlink()
    learned = archive_lexicon(opened, "en", "km", listed)
    assert learned is not None and len(learned) > 50


def test_a_changed_lexicon_makes_the_pages_it_aligns_again(
        archive: Path, articles: list[bench_align.Article], cli: Invoke, tmp_path: Path) -> None:
    # A post page whose paragraphs do not pair one to one is aligned with the lexicon: when the
    # lexicon changes, that page is made again (its key in the manifest changes), and only the
    # pages like it.
    _palu(archive, articles)
    site = tmp_path / "site"
    export = ("--archive", str(archive), "export", "--html", "-o", str(site))

    def manifest() -> dict[str, Any]:
        return json.loads((site / ".opedarchive-export.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    assert cli(*export).exit_code == 0
    first = manifest()
    assert cli(*export).exit_code == 0
    assert manifest()["files"] == first["files"]  # nothing changed: the same keys
    kept = archive / ".opedarchive" / "lexicon-en-km.json"
    record = json.loads(kept.read_text(encoding="utf-8"))
    record["forms"] = dict(list(record["forms"].items())[:10])  # the same posts, other words
    kept.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = cli(*export)
    assert result.exit_code == 0, result.stderr
    again = manifest()
    assert again["state"]["lexicon_key"] and again["state"]["lexicon_key"] != first["state"]["lexicon_key"]
    changed = {rel for rel, key in again["files"].items()
               if rel.startswith("posts/") and first["files"].get(rel) != key}
    assert changed == {"posts/2019-02-01-palu.html"}
