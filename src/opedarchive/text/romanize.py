"""Khmer in Latin letters for ids: the UNGEGN / BGN-PCGN 1972 romanisation, diacritics dropped.

The table is the one the UN Group of Experts on Geographical Names publishes for Khmer (the
BGN/PCGN 1972 system, itself the Service Géographique Khmère's 1959 system modified), as
`docs/khmer-ids.md` sets it out with its sources. It is a transliteration: every letter is
written, silent ones too, and a consonant with no vowel sign is read with the inherent vowel
of its series unless it closes the syllable before it. Text given here is expected in the
search form (`text.khmer.fold`: zero-width characters gone, spelling normalised, coeng-da
written as coeng-ta).
"""

from __future__ import annotations

import re

COENG = "\u17d2"
BANTOC = "\u17cb"  # ់ shortens the vowel; its consonant closes the syllable
MUUSIKATOAN = "\u17c9"  # ៉ turns a second-series consonant into the first series
TRIISAP = "\u17ca"  # ៊ turns a first-series consonant into the second series
SAMYOK = "\u17d0"  # ័
NIKAHIT = "\u17c6"  # ំ
REAHMUK = "\u17c7"  # ះ
YUUKALEAPINTU = "\u17c8"  # ៈ

# Consonants: romanisation and series (1: â series, 2: ô series). អ is a glottal stop,
# written ' with diacritics and left out here.
CONSONANTS: dict[str, tuple[str, int]] = {
    "ក": ("k", 1), "ខ": ("kh", 1), "គ": ("k", 2), "ឃ": ("kh", 2), "ង": ("ng", 2),
    "ច": ("ch", 1), "ឆ": ("chh", 1), "ជ": ("ch", 2), "ឈ": ("chh", 2), "ញ": ("nh", 2),
    "ដ": ("d", 1), "ឋ": ("th", 1), "ឌ": ("d", 2), "ឍ": ("th", 2), "ណ": ("n", 1),
    "ត": ("t", 1), "ថ": ("th", 1), "ទ": ("t", 2), "ធ": ("th", 2), "ន": ("n", 2),
    "ប": ("b", 1), "ផ": ("ph", 1), "ព": ("p", 2), "ភ": ("ph", 2), "ម": ("m", 2),
    "យ": ("y", 2), "រ": ("r", 2), "ល": ("l", 2), "វ": ("v", 2), "ឝ": ("s", 1),
    "ឞ": ("s", 1), "ស": ("s", 1), "ហ": ("h", 1), "ឡ": ("l", 1), "អ": ("", 1),
}
# As a subscript, ្ត stands for ដ as often as for ត (the two look alike; `fold` writes both as
# ្ត): BGN/PCGN reads it d (ក្ដី kdei).
SUBSCRIPT = {"ត": "d"}
# A subscript sonorant leaves the cluster in its base's series; any other subscript gives
# the cluster its own series (ស្ព is ô series: ស្ពាន spéan).
SONORANTS = set("ងញនមយរលវណ")

# Independent vowels.
INDEPENDENT = {
    "ឥ": "e", "ឦ": "ei", "ឧ": "o", "ឨ": "ou", "ឩ": "u", "ឪ": "ou", "ឫ": "roe", "ឬ": "roe",
    "ឭ": "loe", "ឮ": "loe", "ឯ": "e", "ឰ": "ai", "ឱ": "ao", "ឲ": "ao", "ឳ": "au",
}

# Dependent vowels (and the signs that make one with them), first and second series; the
# longest spelling is tried first.
VOWELS: dict[str, tuple[str, str]] = {
    "": ("a", "o"),  # the inherent vowel: â, ô
    "ា": ("a", "ea"),
    "ិ": ("e", "i"),
    "ី": ("ei", "i"),
    "ឹ": ("oe", "oe"),
    "ឺ": ("oe", "oe"),
    "ុ": ("o", "u"),
    "ូ": ("o", "ou"),
    "ួ": ("uo", "uo"),
    "ើ": ("aeu", "eu"),
    "ឿ": ("oea", "oea"),
    "ៀ": ("ie", "ie"),
    "េ": ("e", "e"),
    "ែ": ("e", "e"),
    "ៃ": ("ai", "ey"),
    "ោ": ("ao", "ou"),
    "ៅ": ("au", "ou"),
    "ុំ": ("om", "um"),
    "ំ": ("am", "um"),
    "ាំ": ("am", "oam"),
    "ះ": ("ah", "eah"),
    "ុះ": ("oh", "uh"),
    "េះ": ("eh", "eh"),
    "ោះ": ("aoh", "uoh"),
    "ៈ": ("a", "ea"),
    "ិះ": ("eh", "ih"),
    "ឹះ": ("oeh", "oeh"),
    "ែះ": ("eh", "eh"),
    "ៀះ": ("ieh", "ieh"),
    "ួះ": ("uoh", "uoh"),
    "័": ("a", "oa"),
}
# ាំ before ង is ăng / eăng, not ăm + ng.
VOWEL_BEFORE_NG = {"ាំ": ("a", "ea")}
# ័យ is ai / ey.
SAMYOK_Y = ("ai", "ey")

_SIGNS = "\u17b6-\u17d1\u17d3\u17dd"
# One written cluster: a consonant or an independent vowel, its subscripts, then its signs.
_CLUSTER = re.compile(f"([\u1780-\u17a2])((?:{COENG}[\u1780-\u17a2])*)([{_SIGNS}]*)|([\u17a3-\u17b3])([{_SIGNS}]*)|(.)")
_SILENT_SIGNS = str.maketrans("", "", "\u17cc\u17cd\u17ce\u17cf\u17d1\u17d3\u17dd\u17c9\u17ca\u17cb")


class _Cluster:
    __slots__ = ("bantoc", "onset", "series", "subscripts", "text", "vowel")

    def __init__(self, onset: str, series: int, vowel: str, bantoc: bool, subscripts: int, text: str) -> None:
        self.onset, self.series, self.vowel, self.bantoc = onset, series, vowel, bantoc
        self.subscripts, self.text = subscripts, text


def _parse(word: str) -> list[_Cluster | str]:
    out: list[_Cluster | str] = []
    for m in _CLUSTER.finditer(word):
        base, subs, signs, independent, ind_signs, other = m.groups()
        if other is not None:
            out.append(other)
            continue
        if independent is not None:
            vowel = ind_signs.translate(_SILENT_SIGNS)
            out.append(_Cluster(INDEPENDENT.get(independent, ""), 0, vowel, BANTOC in ind_signs, 0, m.group()))
            continue
        onset, series = CONSONANTS[base]
        subscripts = subs[1::2]
        if subscripts and base == "ប":
            onset = "p"  # ប before a subscript is p (ប្រាសាទ prasat)
        for sub in subscripts:
            sub_roman, sub_series = CONSONANTS[sub]
            onset += sub_roman if base == sub else SUBSCRIPT.get(sub, sub_roman)  # ត្ត is tt
            if sub not in SONORANTS:
                series = sub_series
        if MUUSIKATOAN in signs:
            series = 1
            onset = {"b": "p"}.get(onset, onset)  # ប៉ is p
        elif TRIISAP in signs:
            series = 2
        out.append(_Cluster(onset, series, signs.translate(_SILENT_SIGNS), BANTOC in signs, len(subscripts), m.group()))
    return out


def _series_index(cluster: _Cluster) -> int:
    return 0 if cluster.series == 1 else 1


def romanize_word(word: str) -> str:
    """One Khmer word (in the search form) in lower-case ASCII letters and digits."""
    clusters = _parse(word)
    out: list[str] = []
    open_syllable = False  # the last syllable has a vowel and no final consonant yet
    skip = False
    for n, cluster in enumerate(clusters):
        if skip:
            skip = False
            continue
        if isinstance(cluster, str):  # a sign with no letter to carry it: nothing to write
            open_syllable = False
            continue
        following = clusters[n + 1] if n + 1 < len(clusters) else None
        follows = following if isinstance(following, _Cluster) and following.series and not following.vowel else None
        vowel, series = cluster.vowel, _series_index(cluster)
        if cluster.series == 0:  # an independent vowel, perhaps with a sign after it
            out.append(cluster.onset + (VOWELS.get(vowel, ("", ""))[0] if vowel else ""))
            open_syllable = not vowel.endswith((NIKAHIT, REAHMUK, YUUKALEAPINTU))
            continue
        if vowel == SAMYOK and follows is not None and follows.onset == "y":
            out.append(cluster.onset + SAMYOK_Y[series])  # ័យ: the y is part of the vowel
            skip, open_syllable = True, False
            continue
        if vowel in VOWEL_BEFORE_NG and follows is not None and follows.onset == "ng":
            out.append(cluster.onset + VOWEL_BEFORE_NG[vowel][series])
            open_syllable = True  # the ng that follows closes it
            continue
        if vowel:
            pair = VOWELS.get(vowel)
            text = pair[series] if pair else "".join(VOWELS.get(ch, ("", ""))[series] for ch in vowel)
            out.append(cluster.onset + text)
            open_syllable = not vowel.endswith((NIKAHIT, REAHMUK, YUUKALEAPINTU))
            continue
        # No vowel sign: the final consonant of the syllable before, or a syllable of its own
        # with the inherent vowel. A consonant followed by a lone final one (the word's last,
        # or one marked with ់) opens a syllable: កំពង់ kampong, មង្គល mongkol.
        last = not isinstance(following, _Cluster)
        next_is_final = follows is not None and (
            follows.bantoc or n + 2 >= len(clusters) or not isinstance(clusters[n + 2], _Cluster))
        if open_syllable and (cluster.bantoc or last or not (cluster.subscripts or next_is_final)):
            out.append(cluster.onset)
            open_syllable = False
        else:
            out.append(cluster.onset + VOWELS[""][series])
            open_syllable = True
    return "".join(out)
