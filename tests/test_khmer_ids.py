"""Ids of Khmer titles: romanised by the UNGEGN table, the same for every spelling search treats
as one, all the words of a mixed title; existing ids never change. And `add --translation-of`:
a translation takes its original's date; `check` reports an original dated after a translation."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from opedarchive.text.slug import MAX_SLUG, make_id, title_slug

from conftest import Invoke

# Published UNGEGN (BGN/PCGN 1972) romanisations, with their diacritics, against which the slugs
# are measured. Sources:
# - PCGN, "Toponymic factfile: Cambodia" (UK Permanent Committee on Geographical Names):
#   Kâmpŭchéa, Preăh Réachéanachâkr Kâmpŭchéa, Phnum Pénh.
# - English Wikipedia, the "Khmer: …, UNGEGN: …" forms in the lead or infobox of each province's
#   article (Battambang province: Bătdâmbâng; Kampong Thom province: Kâmpóng Thum; …), of
#   "Kampuchea Krom" (Kâmpŭchéa Kraôm, Kâmpŭchéa Lĭch Tœ̆k), "Angkor Wat" and "Tonlé Sap".
# They are place names: the conventional English spellings (Phnom Penh, Siem Reap, Battambang)
# are not romanisations and are not used here.
UNGEGN = [
    ("បន្ទាយមានជ័យ", "Bântéay Méanchey"),
    ("បាត់ដំបង", "Bătdâmbâng"),
    ("កំពង់ចាម", "Kâmpóng Cham"),
    ("កំពង់ឆ្នាំង", "Kâmpóng Chhnăng"),
    ("កំពង់ស្ពឺ", "Kâmpóng Spœ"),
    ("កំពង់ធំ", "Kâmpóng Thum"),
    ("កំពត", "Kâmpôt"),
    ("កណ្ដាល", "Kândal"),
    ("កោះកុង", "Kaôh Kŏng"),
    ("ក្រចេះ", "Krâchéh"),
    ("មណ្ឌលគិរី", "Môndôl Kiri"),
    ("ភ្នំពេញ", "Phnum Pénh"),
    ("ព្រះវិហារ", "Preăh Vihéar"),
    ("ព្រៃវែង", "Prey Vêng"),
    ("ពោធិ៍សាត់", "Poŭthĭsăt"),
    ("រតនគិរី", "Rôtânôkiri"),
    ("សៀមរាប", "Siĕmréab"),
    ("ស្ទឹងត្រែង", "Stœ̆ng Trêng"),
    ("ស្វាយរៀង", "Svay Riĕng"),
    ("តាកែវ", "Takêv"),
    ("ឧត្ដរមានជ័យ", "Ŏtdâr Méanchey"),
    ("កែប", "Kêb"),
    ("ប៉ៃលិន", "Pailĭn"),
    ("កម្ពុជា", "Kâmpŭchéa"),
    ("ព្រះរាជាណាចក្រកម្ពុជា", "Preăh Réachéanachâkr Kâmpŭchéa"),
    ("កម្ពុជាក្រោម", "Kâmpŭchéa Kraôm"),
    ("កម្ពុជាលិចទឹក", "Kâmpŭchéa Lĭch Tœ̆k"),
    ("អង្គរវត្ត", "Ângkôr Vôtt"),
    ("តន្លេសាប", "Tônlé Sab"),
]


def _reference_slug(romanised: str) -> str:
    """A published romanisation as a slug: diacritics dropped, lower case, hyphenated."""
    plain = unicodedata.normalize("NFKD", romanised.replace("œ", "oe")).encode("ascii", "ignore").decode()
    return "-".join(plain.lower().split())


def test_slugs_agree_with_published_ungegn_romanisations() -> None:
    exact = [km for km, ref in UNGEGN if title_slug(km) == _reference_slug(ref)]
    letters = [km for km, ref in UNGEGN
               if title_slug(km).replace("-", "") == _reference_slug(ref).replace("-", "")]
    # Measured: 13 of 29 exactly, 25 of 29 letter for letter. The segmenter keeps a compound name
    # as one word (kampongcham, phnumpenh), where the gazetteer writes two; the letters differ
    # only where a reader needs the word's sound (docs/khmer-ids.md, "Known differences").
    assert len(exact) >= 13, sorted(set(km for km, _ in UNGEGN) - set(exact))
    assert len(letters) >= 25, sorted(set(km for km, _ in UNGEGN) - set(letters))


def test_zero_width_characters_and_spelling_variants_give_one_slug() -> None:
    assert title_slug("ខ្មែរក្រហម") == title_slug("ខ្មែរ\u200bក្រហម") == title_slug("\ufeffខ្មែរ\u200cក្រហម\u200b")
    assert title_slug("ខ្មែរក្រហម") == "khmer-kraham"
    # coeng-ro typed before coeng-ta, a vowel typed in two parts, coeng-da for coeng-ta.
    assert title_slug("ស្រ្តី") == title_slug("ស្ត្រី")
    assert title_slug("ការបោះឆ្នោត") == title_slug("ការបេាះឆ្នោត")
    assert title_slug("ក្ដី") == title_slug("ក្តី")
    assert title_slug("ឆ្នាំ២០២២") == title_slug("ឆ្នាំ2022") == "chhnam-2022"


def test_a_mixed_script_title_keeps_all_its_words_in_order() -> None:
    assert title_slug("ASEAN និងកម្ពុជា 2023") == "asean-ning-kampuchea-2023"
    assert title_slug("ហ៊ុន សែន meets D.C. lawmakers") == "hun-sen-meets-d-c-lawmakers"
    assert title_slug("Letter: កម្ពុជា") == "kampuchea"  # a label says what kind of piece it is
    assert title_slug("លិខិត៖ កម្ពុជា") == "kampuchea"
    assert make_id(date(2019, 5, 11), "សេចក្ដីថ្លែងការណ៍ Washington D.C.").startswith("2019-05-11-")
    assert title_slug("សេចក្ដីថ្លែងការណ៍ Washington D.C.").endswith("-washington-d-c")


def test_a_title_with_no_letter_gets_a_hash() -> None:
    assert title_slug("។ ៖").startswith("p") and len(title_slug("។ ៖")) == 9


def test_a_long_khmer_title_is_cut_at_a_word() -> None:
    slug = title_slug("ការបោះឆ្នោតអព្យាក្រឹត " * 10)
    assert len(slug) <= MAX_SLUG and slug.endswith(("karbaohchhnaot", "apyeakroet"))


_KHMER = st.characters(min_codepoint=0x1780, max_codepoint=0x17FF)
_ANY = st.one_of(_KHMER, st.sampled_from("\u200b\u200c\u200d\ufeff \t-.:៖។"), st.characters())


@settings(max_examples=300, deadline=None)
@given(st.text(_ANY, min_size=1, max_size=80))
@example("\ud800")  # a lone surrogate: found by the explore profile (UnicodeEncodeError in the hash)
def test_slugs_are_always_ascii_words_bounded(title: str) -> None:
    slug = title_slug(title)
    assert 1 <= len(slug) <= MAX_SLUG
    assert all(c in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in slug)
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug


OLD_ID = "2019-07-10-p1bb6774b"  # made for a Khmer title before ids were romanised
OLD_FILE = """---
title: តុលាការមិនមែនជាល្ខោនទេ
date: 2019-07-10
lang: km
---

តុលាការត្រូវបម្រើយុត្តិធម៌។
"""


def test_existing_ids_never_change(archive: Path, cli: Invoke) -> None:
    folder = archive / "posts/2019"
    folder.mkdir(parents=True)
    (folder / f"{OLD_ID}.km.md").write_text(OLD_FILE, encoding="utf-8")
    for args in (("reindex",), ("check",), ("list", "--json")):
        assert cli(*args).exit_code == 0
    assert '"id": "2019-07-10-p1bb6774b"' in cli("list", "--json").stdout
    added = cli("add", "-", "--translation-of", OLD_ID, input="Courts Are Not Theatres\n\nThe court.\n")
    assert added.exit_code == 0, added.stderr
    assert added.stdout.strip() == OLD_ID
    assert sorted(p.name for p in folder.iterdir()) == [f"{OLD_ID}.en.md", f"{OLD_ID}.km.md"]
    assert cli("check").stdout == ""


KHMER_POST = "តុលាការមិនមែនជាល្ខោនទេ\n\nតុលាការត្រូវបម្រើយុត្តិធម៌។\n\nសុខ សាន\n"
ENGLISH_POST = "Courts Are Not Theatres\n\nThe court must serve justice.\n\nSok San\n"
KHMER_ID = "2022-07-01-toleakar-min-men-chea-lkhaon-te"
ENGLISH_ID = "2022-07-01-courts-are-not-theatres"


def _date_line(path: Path) -> str:
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("date:"))


def test_an_english_translation_of_a_khmer_original_takes_its_date(archive: Path, cli: Invoke) -> None:
    assert cli("add", "-", "--date", "2022-07-01", input=KHMER_POST).stdout.strip() == KHMER_ID
    added = cli("add", "-", "--translation-of", KHMER_ID[:16], input=ENGLISH_POST)
    assert added.exit_code == 0, added.stderr
    assert added.stdout == KHMER_ID + "\n"
    assert _date_line(archive / f"posts/2022/{KHMER_ID}.en.md") == "date: 2022-07-01"
    listed = cli("list", "--json").stdout
    assert '"date": "2022-07-01"' in listed and str(date.today()) not in listed
    checked = cli("check")
    assert (checked.exit_code, checked.stdout) == (0, "")


def test_a_khmer_translation_of_an_english_original_takes_its_date(archive: Path, cli: Invoke) -> None:
    assert cli("add", "-", "--date", "2022-07-01", input=ENGLISH_POST).stdout.strip() == ENGLISH_ID
    added = cli("add", "-", "--translation-of", ENGLISH_ID, input=KHMER_POST)
    assert added.exit_code == 0, added.stderr
    assert _date_line(archive / f"posts/2022/{ENGLISH_ID}.km.md") == "date: 2022-07-01"
    assert cli("check").exit_code == 0


def test_date_option_wins_and_check_reports_an_original_dated_after_a_translation(
        archive: Path, cli: Invoke) -> None:
    cli("add", "-", "--date", "2022-07-01", input=ENGLISH_POST)
    added = cli("add", "-", "--translation-of", ENGLISH_ID, "--date", "2022-06-30", input=KHMER_POST)
    assert added.exit_code == 0, added.stderr
    assert _date_line(archive / f"posts/2022/{ENGLISH_ID}.km.md") == "date: 2022-06-30"
    checked = cli("check")
    assert checked.exit_code == 1
    assert checked.stdout == (f"posts/2022/{ENGLISH_ID}.en.md: the original (en) is dated 2022-07-01, "
                              "after its km translation (2022-06-30)\n")


def test_a_khmer_original_stays_the_original_of_its_later_english_translation(archive: Path, cli: Invoke) -> None:
    # The English translation records that it translates the Khmer text (`translation_of`), so the
    # Khmer version stays the post's original although English is the archive's first language
    # (issue 18): an English translation dated after it is as it should be, and the post keeps
    # the Khmer title and date.
    cli("add", "-", "--date", "2022-07-01", input=KHMER_POST)
    cli("add", "-", "--translation-of", KHMER_ID, "--date", "2022-07-09", input=ENGLISH_POST)
    assert cli("check").exit_code == 0
    listed = json.loads(cli("list", "--json").stdout)
    assert (listed[0]["date"], listed[0]["languages"]) == ("2022-07-01", ["km", "en"])
    # A Khmer original dated after its English translation is reported, naming the Khmer file.
    path = archive / f"posts/2022/{KHMER_ID}.km.md"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2022-07-01", "date: 2022-07-10"), encoding="utf-8")
    checked = cli("check")
    assert checked.exit_code == 1
    assert checked.stdout == (f"posts/2022/{KHMER_ID}.km.md: the original (km) is dated 2022-07-10, "
                              "after its en translation (2022-07-09)\n")
