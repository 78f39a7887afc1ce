"""Personal names split into family and given parts, for citations (CSL-JSON, RIS, BibTeX, meta tags).

The rule, in order:
1. `Family, Given` (a comma): split at the first comma, as written — the way to say anything
   the rules below would get wrong (`Seng, Sophoan` for a Khmer name written in Latin letters,
   `García Márquez, Gabriel`).
2. A name holding Khmer letters: family name first (`សេង សោភ័ណ្ឌ` → family `សេង`, given
   `សោភ័ណ្ឌ`), after dropping a leading honorific such as `លោក` (Mr), whether it stands
   apart or is written onto the name (`លោកសេង សុភ័ណ` → `សេង`, `សុភ័ណ`).
3. Any other name: the last word is the family name (`Sophoan Seng` → `Seng`, `Sophoan`).
A name of one word (an honorific aside) is kept whole, as a literal: a reference manager shows it
as written.
"""

from __future__ import annotations

from dataclasses import dataclass

from opedarchive.text.script import is_khmer_char

# Titles written before a Khmer name, longest first (so `លោកស្រី` is not taken for `លោក`):
# Her Excellency, Mrs, Madam, His Excellency, Samdech (twice: with coeng-ta and coeng-da),
# Doctor, Miss, Mr.
KHMER_HONORIFICS = (
    "លោកជំទាវ", "លោកស្រី", "អ្នកស្រី", "ឯកឧត្តម", "សម្តេច", "សម្ដេច", "បណ្ឌិត", "កញ្ញា", "លោក",
)


@dataclass(frozen=True)
class PersonName:
    """A name as citations want it: `family` and `given`, or only `literal` when it cannot be split."""

    family: str = ""
    given: str = ""
    literal: str = ""

    @property
    def inverted(self) -> str:
        """`Family, Given` (RIS, BibTeX, `citation_author`), or the literal."""
        return f"{self.family}, {self.given}" if self.family else self.literal


def _drop_honorific(words: list[str]) -> list[str]:
    first = words[0]
    for title in KHMER_HONORIFICS:
        if first == title and len(words) > 1:
            return words[1:]
        if first.startswith(title) and len(first) > len(title) and is_khmer_char(first[len(title)]):
            return [first[len(title):], *words[1:]]
    return words


def split_name(name: str) -> PersonName:
    """`name` split by the module's rule (Khmer family name first, else the last word)."""
    text = " ".join(name.split())
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        if family and given:
            return PersonName(family=family, given=given)
        text = family or given
    words = text.split()
    if any(is_khmer_char(ch) for ch in text):
        words = _drop_honorific(words) if words else words
        if len(words) >= 2:
            return PersonName(family=words[0], given=" ".join(words[1:]))
    elif len(words) >= 2:
        return PersonName(family=words[-1], given=" ".join(words[:-1]))
    return PersonName(literal=" ".join(words))
