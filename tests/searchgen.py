"""A deterministic English/Khmer archive and a deterministic set of search queries of every
kind, for the parity test of the terminal's search and the exported site's search
(tests/test_site_search_parity.py, docs/search-spec.md).

The archive exercises what the search form folds: curly quotes, Khmer digits, zero-width
spaces inside Khmer words, Khmer spelling variants (ស្រ្តី / ស្ត្រី, coeng-da / coeng-ta,
vowels typed in two parts), case, NFC, words that are prefixes of others (elect, election,
elections), punctuation (U.S., co-op, court.), Latin inside Khmer and Khmer inside English,
and metadata whose values share substrings (Chan Dara, Chan Sok, Chanthol Pen).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from gen_corpus import seed_sentences

from opedarchive.archive import Archive
from opedarchive.model import Version, render_post

REPO = Path(__file__).resolve().parent.parent
POSTS = 96
ZWSP = "\u200b"
COENG = "\u17d2"

EN_AUTHORS = ["Chan Dara", "Chan Sok", "Chanthol Pen", "Sok Leakhena", "Sophoan Seng", "Mu Sochua", "Kem Ley",
              "Ou Virak", "Hang Chan Dara", "Dara Chan", "Zoë Brontë"]
KM_AUTHORS = ["ចាន់ ដារ៉ា", "សេង សុភ័ណ", "ស្រ្តី សុខា", "ចាន់ សុខ", "កឹម ឡី"]
EN_TAGS = ["election", "elections", "human rights", "Human Rights", "courts", "nec", "land", "youth", "U.S.",
           "co-op"]
KM_TAGS = ["បោះឆ្នោត", "សិទ្ធិមនុស្ស", "ស្ត្រី", "election"]
OUTLETS = ["VOD English", "Khmer Times", "The Phnom Penh Post", "Cambodia Daily", "Khmer Oversea", "វីអូឌី",
           "Post-Gazette", None, None]
KINDS = ["op-ed", "letter", "Letter", "open letter", "statement", "essay", None]
KM_KINDS = ["លិខិត", "letter", None, None, None]

# Sentences planted among the seed posts' own: the folding and edge cases of the spec.
PLANTED_EN = [
    "The NEC said the elections were free, but few believed it.",
    "An elected official cannot elect to ignore the election law.",
    "Electoral reform is overdue; the U.S. embassy said so in 2021.",
    "The co-op members don’t trust the court.",
    "They called it “quoted” speech, and the Court agreed.",
    "A ﬁscal plan was tabled at the Straße café on Monday.",
    "Human rights groups met the U.S.\u00a0ambassador at noon.",
    "Women (ស្ត្រី) voted in large numbers, and so did ស្រ្តី in the provinces.",
    "The vote of ២០២២ was not the vote of 2018.",
    "Kangaroo courts (Kangaroo Court) rule as told…",
    "#NEC trended, and $100 fines were issued to 30% of voters.",
    "Is the C++ code of the election app open?",
    "Commune chief-elect Nhim Sarom was arrested in Kampong Thom.",
    "Naïve observers say the café vote was fair — it was not.",
    "ΣΊΣΥΦΟΣ rolled the stone; İstanbul watched.",
    "He said: 'election day is a holiday'.",
    "Read **the report** and [the statement](https://example.org/nec-statement) before voting.",
    "The e\u0301lection of 1998 and the élection of 2013 were both disputed.",
    "A court. Another court? The courts!",
    "The ngo and the NGO-led coalition filed a complaint.",
    "They said ឆ្នោត means vote; ការបោះឆ្នោត is the election.",
]
PLANTED_KM = [
    "សិទ្ធិស្ត្រីក្នុងការបោះឆ្នោតឆ្នាំ២០២២។",
    "សិទ្ធិស្រ្តីក្នុងការបោះឆ្នោតឆ្នាំ 2018។",
    "គណៈកម្មាធិការជាតិរៀបចំការបោះឆ្នោត (NEC) បានប្ដឹងតុលាការ។",
    "ការបោះឆ្ន\u17c1\u17b6តនៅខែមិថុនា ២០២១ មិនមានសេរីភាព។",
    "ស្ថានទូត U.S. និង co-op បាននិយាយថា election គឺជាការបោះឆ្នោត។",
    "NECបានប្រកាសលទ្ធផល ហើយ​ប្រជាពលរដ្ឋ​មិន​ទុក​ចិត្ត​ទេ។",
    "ប្រធាន Chan Dara បាននិយាយថា “ការបោះឆ្នោត” មិនយុត្តិធម៌។",
]
EN_TITLES = [
    "Election Day in {place}", "Why the Elections of {year} Matter", "The Court and the Co-op",
    "An Open Letter on U.S. Aid", "Elect or Be Elected", "Human Rights After {year}", "The NEC’s “Reform”",
    "Youth and the Vote in {place}", "Why ឆ្នោត Matters", "The ស្ត្រី Vote in {place}", "Land, Courts and Power",
    "Don’t Blame the Voters", "Straße and Café: Notes from Abroad", "Letter: A Kangaroo Court",
    "Electoral Reform, Again", "The ការបោះឆ្នោត of {year}",
]
PLACES = ["Phnom Penh", "Kampong Thom", "Siem Reap", "Battambang", "Kampot", "Takeo"]
LATIN_IN_KHMER = [" NEC ", " (Kangaroo Court)", " election ", " U.S. ", " Chan Dara ", "COVID-19 "]


@dataclass
class Doc:
    """One version of one post as written to the archive."""

    post_id: str
    lang: str
    meta: dict[str, Any]
    body: str

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @property
    def texts(self) -> tuple[str, str]:
        return self.title, self.body


def _seed_sentences() -> tuple[list[str], list[str]]:
    """English and Khmer sentences of the bundled archive's posts (as the benchmarks' corpus takes them)."""
    english, khmer = seed_sentences()
    assert len(english) > 20 and len(khmer) > 10, "the bundled archive's posts are the material"
    return english, khmer


def _khmer_variant(rng: random.Random, sentence: str) -> str:
    """The sentence with spelling variants, zero-width spaces, digits and Latin words mixed in."""
    if rng.random() < 0.4:  # zero-width spaces before some base consonants, as word breaks
        out = []
        for i, ch in enumerate(sentence):
            if i and "\u1780" <= ch <= "\u17a2" and sentence[i - 1] != COENG and rng.random() < 0.12:
                out.append(ZWSP)
            out.append(ch)
        sentence = "".join(out)
    if rng.random() < 0.3:
        sentence = sentence.replace(COENG + "\u178f", COENG + "\u178a")  # coeng-ta as coeng-da
    elif rng.random() < 0.3:
        sentence = sentence.replace(COENG + "\u178a", COENG + "\u178f")
    if rng.random() < 0.3:
        sentence = sentence.replace("ស្ត្រ", "ស្រ្ត")
    if rng.random() < 0.3:
        sentence = sentence.translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))
    elif rng.random() < 0.3:
        sentence = sentence.translate(str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789"))
    if rng.random() < 0.15:
        sentence = sentence.replace("ឆ្នោត", "ឆ្ន\u17c1\u17b6ត")  # the vowel typed in two parts
    if rng.random() < 0.25:
        cut = rng.randrange(len(sentence))
        while cut > 0 and (sentence[cut - 1] == COENG or "\u17b6" <= sentence[cut] <= "\u17d3"):
            cut -= 1
        sentence = sentence[:cut] + rng.choice(LATIN_IN_KHMER) + sentence[cut:]
    return sentence


class _Writer:
    def __init__(self) -> None:
        self.english, self.khmer = _seed_sentences()
        words = sorted({w.lower() for s in self.english for w in re.findall(r"[A-Za-z]{3,}", s)})
        self.vocabulary = words

    def en_body(self, rng: random.Random) -> str:
        paragraphs = []
        for _ in range(rng.randint(2, 4)):
            sentences = []
            for _ in range(rng.randint(2, 4)):
                pick = rng.random()
                if pick < 0.35:
                    sentences.append(rng.choice(PLANTED_EN))
                elif pick < 0.75:
                    sentences.append(rng.choice(self.english))
                else:
                    words = rng.sample(self.vocabulary, rng.randint(6, 12))
                    if rng.random() < 0.3:
                        words[rng.randrange(len(words))] = words[0].upper()
                    sentences.append(" ".join(words).capitalize() + rng.choice([".", ".", "!", "?", " …"]))
            paragraphs.append(" ".join(sentences))
        if rng.random() < 0.2:
            extra = rng.choice(["## The election", "> “A quote,” he said."])
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), extra)
        return "\n\n".join(paragraphs) + "\n"

    def km_body(self, rng: random.Random) -> str:
        paragraphs = []
        for _ in range(rng.randint(1, 3)):
            sentences = []
            for _ in range(rng.randint(1, 3)):
                base = rng.choice(PLANTED_KM) if rng.random() < 0.3 else rng.choice(self.khmer)
                sentences.append(_khmer_variant(rng, base))
            paragraphs.append(" ".join(sentences))
        return "\n\n".join(paragraphs) + "\n"

    def km_title(self, rng: random.Random) -> str:
        run = rng.choice([r for s in self.khmer for r in s.split() if len(r) > 12])
        start = rng.randrange(0, max(1, len(run) - 20))
        while start and (run[start - 1] == COENG or "\u17b6" <= run[start] <= "\u17d3"):
            start -= 1
        title = run[start : start + rng.randint(8, 24)].rstrip(COENG)
        if rng.random() < 0.3:
            title = rng.choice(["NEC ", "U.S. ", "២០២២ ", "Election "]) + title
        return _khmer_variant(rng, title).strip().rstrip("។")


def generate_archive(target: Path, posts: int = POSTS, seed: int = 13) -> list[Doc]:
    """Write a new archive at `target`; returns every version written."""
    Archive.init(target, title="Search parity archive")
    writer = _Writer()
    docs: list[Doc] = []
    for n in range(posts):
        rng = random.Random(f"{seed}-{n}")
        year = 2018 + n % 7
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        if n % 11 == 3:
            day = date(year, 12, 24) + timedelta(days=rng.randrange(8))  # its translation may be next year's
        shape = rng.random()
        has_en, has_km = shape < 0.85, shape >= 0.35
        place = rng.choice(PLACES)
        en_title = rng.choice(EN_TITLES).format(place=place, year=year)
        post_id = f"{day.isoformat()}-parity-{n:03d}"
        authors = rng.sample(EN_AUTHORS, 2 if rng.random() < 0.2 else 1)
        tags = sorted(set(rng.sample(EN_TAGS, rng.randint(0, 3))))
        outlet, kind = rng.choice(OUTLETS), rng.choice(KINDS)
        versions: list[Doc] = []
        if has_en:
            meta: dict[str, Any] = {"title": en_title, "date": day, "lang": "en", "authors": authors}
            for key, value in (("outlet", outlet), ("kind", kind), ("tags", tags)):
                if value:
                    meta[key] = value
            versions.append(Doc(post_id, "en", meta, writer.en_body(rng)))
        if has_km:
            km_day = day if rng.random() < 0.6 or not has_en else day + timedelta(days=rng.randint(1, 12))
            km_meta: dict[str, Any] = {"title": writer.km_title(rng), "date": km_day, "lang": "km",
                                       "authors": [rng.choice(KM_AUTHORS)] if rng.random() < 0.6 else authors}
            if not has_en or rng.random() < 0.3:
                km_meta["tags"] = sorted(set(rng.sample(KM_TAGS, rng.randint(1, 2))))
            km_kind = kind if not has_en else rng.choice(KM_KINDS)
            if km_kind:
                km_meta["kind"] = km_kind
            if not has_en and outlet:
                km_meta["outlet"] = outlet
            versions.append(Doc(post_id, "km", km_meta, writer.km_body(rng)))
        if has_km and (not has_en or rng.random() < 0.2):
            versions.reverse()  # a Khmer original
        folder = target / "posts" / post_id[:4]
        folder.mkdir(parents=True, exist_ok=True)
        for doc in versions:
            (folder / f"{post_id}.{doc.lang}.md").write_bytes(render_post(Version(doc.lang, doc.meta, doc.body))
                                                              .encode("utf-8"))
        docs.extend(versions)
    return docs


# ---------------------------------------------------------------------------- queries

# Hand-picked queries: the folding, the edges of words, and every malformed form.
FIXED: dict[str, list[str]] = {
    "word": ["elect", "election", "elections", "Elected", "electoral", "u.s.", "U.S.", "US", "co-op", "court.",
        "(Kangaroo", "Court)", "don't", "don’t", "“quoted”", "quoted", "STRASSE", "straße", "fiscal", "ﬁscal", "café",
        "cafe", "naïve", "élection", "e\u0301lection", "σίσυφος", "ΣΊΣΥΦΟΣ", "İstanbul", "#nec", "$100", "30%", "c++",
        "chief-elect", "2022", "២០២២", "2018", "nec", "NGO", "ngo-led", "... election", "holiday'.", "elect\ufeffion",
        "election\x1fcourt", "nec\x85court", "nec\xa0court", "nec\u180ecourt", "nec\u2028court", "nec\u3000court",
        "nec\u200bcourt", "100", "10", "nec -OR", 'nec "OR" ngo', "nec or ngo", "court.*", "(elect*", "example.org",
        "`nec`"],
    "word-upper": ["ELECTION"],
    "partial": ["co", "op", "electio", "lection", "necessar"],
    "word-absent": ["zyxomancy"],
    "khmer": ["ស្រ្តី", "ស្ត្រី", "ប្ដឹង", "ប្តឹង", "ឆ្នោត", "ឆ្ន\u17c1\u17b6ត", "ឆ្នោត។", "«ឆ្នោត»", "រាប់", "ា", "្",
        "ការបោះឆ្នោត", "ឆ្នាំ២០២២", "ឆ្នាំ2022", "NECបាន"],
    "khmer-zws": ["ឆ្នោ\u200bត", "ប្រជាពលរដ្ឋ\u200bមិន"],
    "prefix": ["elect*", "Elect*", "ELECTIO*", "u.s*", "co-*", "elect**", "ឆ្នោ*", "2*", "zyx*", "cour*",
        "chief-ele*", "ngo-le*", "naïv*", "İstan*", "NECបា*", 'court -"election"*'],
    "phrase-prefix": ['"kangaroo cour"*', '"the elect"*', '"u.s. amb"*'],
    "phrase": ['"national election"', '"the election"', '"election committee"*', '"kangaroo court"', '"ការ បោះឆ្នោត"',
        '"ស្ថានទូត U.S."', '"elect"*', '" election "', '"author:chan"'],
    "phrase-punct": ['"u.s. ambassador"', '"U.S. embassy said"', '"court. another"', '"don’t trust"',
        '"don\'t trust"', '"“quoted” speech"', '"elect."', '"..."', '"—"'],
    "exclusion": ["year:2023 -election", '-"rolled the" lang:en', "lang:km -ឆ្នោត", "author:chan -court",
        "election -court", "election -elections", 'election -"the court"', "ឆ្នោត -NEC", "court -court.",
        "nec -—"],
    "or": ["nec OR ngo", "election OR ឆ្នោត", "zyxomancy OR ស្ត្រី", 'elect* OR court OR "human rights"',
        "— nec OR ngo"],
    "filter": ["author:chan election", 'author:"chan dara" court', "author:sok nec", "author:ចាន់ ឆ្នោត",
        "author:ស្ត្រី ឆ្នោត", 'tag:"human rights" court', "tag:election elect*", "tag:elect election",
        "tag:u.s. court", "lang:km court", "LANG:EN ឆ្នោត", "lang:KM ឆ្នោត", "lang:fr nec", "year:2021 election",
        "year:២០២១ ឆ្នោត", "outlet:khmer nec", 'outlet:"phnom penh" court', "outlet:វីអូឌី ឆ្នោត",
        "kind:letter court", 'kind:"open letter" court', "kind:lett court", "kind:លិខិត ឆ្នោត", "Author:CHAN nec",
        "author:dara author:chan nec", "tag:co-op court", 'author:"chan  dara" nec', 'tag:"human\xa0rights" court',
        "author:chan* nec", 'author:chan"dara" nec', "lang:km\u200b ឆ្នោត", "year:2021\u200b nec"],
    "filter-only": ["author:\u200b", "outlet:\u200b", "tag:\u200b", "kind:\u200b", "-kind:\u200b lang:en",
        "-tag:\u200b year:2020", "lang:km", "year:2019", "author:chan -author:sok", 'tag:"human rights"',
        "kind:letter lang:en", "year:២០២៤", "-lang:km year:2020", "outlet:post", "author:zoë", "author:zoe",
        "foo:bar"],
    "negated-filter": ["election -author:chan", 'election -author:"chan dara"', "ឆ្នោត -lang:km", "court -year:2022",
        "nec -tag:nec", "election -kind:letter -outlet:khmer"],
    "combination": ['election "the court" -zyxomancy author:chan', "elect* OR ឆ្នោត -court lang:km",
        '"human rights" OR ស្ត្រី year:2020 -tag:land', "-court election", "ឆ្នោត nec OR ngo -author:sok"],
    "malformed": ['"unclosed', 'election "unclosed', "OR election", "election OR", "a OR -b", "--x", "-", "year:20",
        "year:abcd", "year:02021", "author:", "-author:", "elect*ion", '""', '"" election', "*", "**", 'author:"chan',
        'author:"chan dara"x', 'tag:""', 'foo"bar"', '"a"b', '"a"*b', "a OR OR b", "a OR year:2020", "a OR —",
        "-election", "-author:chan", "—", "OR", 'it\'s"x"', "don't*x", "--don't", "ឆ្នោ\u200b*ត", '-""', "   ", "-—",
        "year:២០", 'kind:"letter', "nec OR", "**the", "— ...", "-nec OR ngo", '"ok" "', "*nec", "*)"],
}


def _words(docs: list[Doc]) -> list[str]:
    """Latin-script words of the archive, as written (inner apostrophes, dots and hyphens kept)."""
    found: Counter[str] = Counter()
    for doc in docs:
        for text in doc.texts:
            found.update(re.findall(r"[^\W\d_](?:[\w'’.-]*[^\W_])?", text))
    return sorted(w for w in found if not re.search(r"[\u1780-\u17ff]", w))


def _runs(docs: list[Doc]) -> list[str]:
    """Runs of Khmer (zero-width spaces kept inside) from the archive's texts."""
    runs = {r for doc in docs for text in doc.texts for r in re.findall(r"[\u1780-\u17ff\u200b]+", text)}
    return sorted(r for r in runs if len(r.strip(ZWSP)) > 2)


def _case(rng: random.Random, word: str) -> str:
    shown = rng.choice([word, word.lower(), word.capitalize(), word.upper()])
    return "or" if shown == "OR" else shown  # OR is an operator, not a word


def generate_queries(docs: list[Doc], seed: int = 13) -> list[tuple[str, str]]:
    """(kind, query) pairs: the hand-picked ones, then generated ones of every kind."""
    rng = random.Random(seed)
    words, runs = _words(docs), _runs(docs)
    latin = [w for w in words if w.isascii() and len(w) > 1]
    long_words = [w for w in latin if len(w) >= 6 and w.isalpha()]
    raw_tokens = [doc.body.split() + doc.title.split() for doc in docs]
    queries = [(kind, query) for kind, fixed in FIXED.items() for query in fixed]

    def word() -> str:
        return _case(rng, rng.choice(latin))

    def khmer(length: int | None = None) -> str:
        while True:
            run = rng.choice(runs)
            size = length or rng.randint(1, 8)
            start = rng.randrange(max(1, len(run) - size + 1))
            if run[start : start + size].strip(ZWSP + "។៕៖"):  # not only what a word loses (spec §3)
                return run[start : start + size]

    def after_coeng() -> str:
        run = rng.choice([r for r in runs if COENG in r[:-1]])
        starts = [i + 1 for i, ch in enumerate(run[:-1]) if ch == COENG]
        start = rng.choice(starts)
        return run[start : start + rng.randint(1, 6)]

    def across_zws() -> str:
        run = rng.choice([r for r in runs if ZWSP in r.strip(ZWSP)])
        at = rng.choice([i for i, ch in enumerate(run) if ch == ZWSP])
        return run[max(0, at - rng.randint(1, 4)) : at + rng.randint(2, 5)]

    def term() -> str:
        pick = rng.random()
        if pick < 0.5:
            return word()
        if pick < 0.8:
            return khmer(rng.randint(2, 6))
        return phrase()

    def phrase(punctuated: bool = False) -> str:
        for _ in range(1000):
            tokens = rng.choice(raw_tokens)
            size = rng.randint(2, 3)
            start = rng.randrange(max(1, len(tokens) - size + 1))
            window = tokens[start : start + size]
            text = " ".join(window)
            if '"' in text or len(window) < 2:
                continue
            if punctuated != bool(re.search(r"[^\w\s\u1780-\u17ff]", text)):
                continue
            return f'"{text}"'
        raise AssertionError("no phrase found")

    def partial() -> str:
        """The start or the end of a longer word: a word of its own only by chance."""
        whole = rng.choice(long_words)
        return rng.choice([whole[: rng.randint(3, len(whole) - 1)], whole[rng.randint(1, len(whole) - 3) :]])

    def phrase_prefix() -> str:
        """A phrase with the end of its last word cut off, as `"kangaroo cour"*`."""
        while True:
            text = phrase(punctuated=rng.random() < 0.3)[1:-1]
            kept = text[: len(text) - rng.randint(1, 3)]
            if len("".join(kept.replace(ZWSP, "").split())) >= 2:
                return f'"{kept}"*'

    values = {
        "author": ["chan", '"chan dara"', "sok", "dara", "pen", "ចាន់", "ស្ត្រី", "seng", "nobody", '"dara chan"',
                   "CHAN", "zoë", "ley"],
        "tag": ['"human rights"', "election", "elections", "nec", "u.s.", "co-op", "courts", "court", "បោះឆ្នោត",
                "ស្ត្រី", "ស្រ្តី", "ELECTION", "rights"],
        "lang": ["km", "en", "KM", "En", "fr", "k"],
        "outlet": ["khmer", '"phnom penh"', "vod", "daily", "វីអូឌី", "post", "gazette", "post-gazette", "nowhere"],
        "kind": ["letter", '"open letter"', "op-ed", "statement", "essay", "លិខិត", "lett", "LETTER", "open"],
        "year": [str(y) for y in range(2017, 2027)] + ["២០២១", "២០១៨", "២០2៣"],
    }

    def filt(negated: bool = False) -> str:
        key = rng.choice(list(values))
        shown = rng.choice([key, key, key.upper(), key.capitalize()])
        return ("-" if negated else "") + f"{shown}:{rng.choice(values[key])}"

    makers: dict[str, Callable[[], str]] = {
        "word": word,
        "word-upper": lambda: rng.choice([w for w in latin if w.upper() != "OR"]).upper(),
        "word-absent": lambda: rng.choice(["zq", "xv", "qj"]) + "".join(rng.choices("aeioulnrst", k=rng.randint(3, 7))),
        "partial": partial,
        "khmer": khmer,
        "khmer-after-coeng": after_coeng,
        "khmer-zws": across_zws,
        "prefix": lambda: (rng.choice(long_words)[: rng.randint(2, 5)] if rng.random() < 0.6
                           else khmer(rng.randint(1, 4))) + "*",
        "phrase": phrase,
        "phrase-punct": lambda: phrase(punctuated=True),
        "phrase-prefix": phrase_prefix,
        "exclusion": lambda: f"{term()} -{term()}" if rng.random() < 0.8 else f"-{term()} {term()}",
        "or": lambda: " OR ".join(term() for _ in range(rng.randint(2, 3))),
        "filter": lambda: f"{term()} {filt()}" if rng.random() < 0.8 else f"{filt()} {term()} {filt()}",
        "negated-filter": lambda: f"{term()} {filt(negated=True)}",
        "filter-only": lambda: " ".join(filt(negated=i > 0 and rng.random() < 0.4) for i in range(rng.randint(1, 3))),
        "combination": lambda: " ".join(
            rng.sample([term(), f"{term()} OR {term()}", f"-{term()}", filt(), filt(negated=True)], rng.randint(3, 5))),
    }
    counts = {"word": 24, "word-upper": 6, "word-absent": 5, "partial": 10, "khmer": 30, "khmer-after-coeng": 10,
              "khmer-zws": 6, "prefix": 16, "phrase": 14, "phrase-punct": 8, "phrase-prefix": 8, "exclusion": 14,
              "or": 14, "filter": 24, "negated-filter": 10, "filter-only": 12, "combination": 20}
    for kind, count in counts.items():
        for _ in range(count):
            queries.append((kind, makers[kind]()))
    # Malformed ones made from good ones: a quote left open, OR at an edge, a '*' inside.
    for _ in range(12):
        good = f"{term()} {term()}"
        queries.append(("malformed", rng.choice([f'{good} "{word()}', f"OR {good}", f"{good} OR",
                                                  f"{good} {word()}*{word()}", f"{good} year:{rng.randint(1, 999)}",
                                                  f"{good} -", f"{good} {rng.choice(list(values))}:"])))
    return queries
