"""`export --bibtex FILE`: one `@article` entry per version of a post, for BibTeX and biblatex.

BibTeX has no newspaper type; `@article` with `journal` is what BibTeX styles, biblatex (which
reads `journal` as `journaltitle`), Zotero, JabRef and bibtexparser all read, and biblatex's
`entrysubtype = {newspaper}` marks it as a newspaper article for the styles that care. Dates are
given twice: `year` and `month` for BibTeX styles, and biblatex's `date` (ISO 8601, with the
time when it is known), which biblatex, Zotero and JabRef prefer when both are there. The text
is UTF-8 (biber, or BibTeX with inputenc); LaTeX's special characters are escaped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from opedarchive.archive import Archive
from opedarchive.citation import Citation, cite_post
from opedarchive.export.base import ExportResult, sorted_posts, write_file
from opedarchive.model import Post
from opedarchive.text.names import PersonName

NAME = "bibtex"
KIND = "file"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# babel and polyglossia names of the languages we know: biblatex's `langid` and `origlanguage`
# (`language` keeps the BCP 47 code, as Zotero's BibTeX export writes it).
LANGIDS = {"en": "english", "km": "khmer", "fr": "french", "de": "german", "es": "spanish", "th": "thai",
           "vi": "vietnamese", "zh": "chinese", "ja": "japanese", "pt": "portuguese"}
# A lone brace would unbalance the entry (BibTeX counts `\{` too): each escaped brace carries an
# invisible partner, as Zotero's BibTeX export does. (`<`, `>` and `|` are left as they are: the
# T1 and Unicode font encodings print them, and Khmer needs XeLaTeX or LuaLaTeX anyway.)
_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{\vphantom{\}}", "}": r"\vphantom{\{}\}", "%": r"\%", "&": r"\&",
    "#": r"\#", "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_LATEX = str.maketrans(_ESCAPES)
# Characters a URL cannot hold as they are (RFC 3986) that would break a `.bib` field: encoded.
_URL = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20", '"': "%22"})


def latex(text: str) -> str:
    """Text with LaTeX's special characters escaped."""
    return text.translate(_LATEX)


def _part(text: str, *, whole: bool = False) -> str:
    # A word `and` would split the name list, a comma the name: braced, the part stays whole.
    escaped = latex(text)
    if whole or "," in text or " and " in f" {text.lower()} ":
        return "{" + escaped + "}"
    return escaped


def bib_name(name: PersonName) -> str:
    """`Family, Given`; a name that cannot be split in braces, so BibTeX keeps it whole."""
    if not name.family:
        return _part(name.literal, whole=True)
    return f"{_part(name.family)}, {_part(name.given)}"


def _babel(lang: str) -> str:
    """The babel name of a language (`km` → `khmer`), else its code: biblatex's language keys."""
    return LANGIDS.get(lang.split("-")[0].lower()) or latex(lang)


def bib_fields(citation: Citation) -> list[tuple[str, str]]:
    """The entry's (field, value as written) pairs; titles in double braces keep their case."""
    day = citation.day
    fields = [("title", "{{" + latex(citation.title) + "}}")]
    if citation.authors:
        fields.append(("author", "{" + " and ".join(bib_name(n) for n in citation.author_names) + "}"))
    if citation.outlet:
        fields.append(("journal", "{" + latex(citation.outlet) + "}"))
    fields.append(("entrysubtype", "{newspaper}"))
    fields.append(("date", "{" + citation.date.isoformat() + "}"))
    fields.append(("year", "{" + f"{day.year:04d}" + "}"))
    fields.append(("month", MONTHS[day.month - 1]))
    if citation.url:
        fields.append(("url", "{" + citation.url.translate(_URL) + "}"))
    fields.append(("language", "{" + latex(citation.lang) + "}"))
    if citation.lang.split("-")[0].lower() in LANGIDS:
        fields.append(("langid", "{" + _babel(citation.lang) + "}"))
    if citation.translators:
        fields.append(("translator", "{" + " and ".join(bib_name(n) for n in citation.translator_names) + "}"))
    if citation.original_title:
        fields.append(("origtitle", "{{" + latex(citation.original_title) + "}}"))
        fields.append(("origlanguage", "{" + _babel(citation.original_lang) + "}"))
    return fields


def entry(citation: Citation) -> str:
    """One `@article{key, …}` entry, a field a line."""
    body = ",\n".join(f"  {name} = {value}" for name, value in bib_fields(citation))
    return f"@article{{{citation.key},\n{body},\n}}\n"


def chunks(archive: Archive, posts: list[Post]) -> Iterator[str]:
    """The entries, a version at a time, a blank line between them."""
    first = True
    for post in sorted_posts(posts):
        for citation in cite_post(post):
            yield ("" if first else "\n") + entry(citation)
            first = False


def export(archive: Archive, posts: list[Post], target: Path, *, clean: bool = False) -> ExportResult:
    return write_file(target, chunks(archive, posts), len(posts))
