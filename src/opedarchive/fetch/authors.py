"""Who wrote the article on a fetched page: the names from the page's own metadata and byline,
cleaned by a few documented rules, checked against what trafilatura found (docs/fetching.md,
"Authors").

Sources, in the order they are trusted (each gives a list of names, or nothing):

1. JSON-LD: `author` of the page's Article node (NewsArticle, BlogPosting, ...; a bare `@id`
   is looked up in the page's graph), else of its WebPage node;
2. `<meta name=author>` (and its synonyms `dc.creator`, `dcterms.creator`, `citation_author`,
   `parsely-author`, `sailthru.author`);
3. `<meta property=article:author>` when it is a name (Open Graph asks for a profile URL there);
4. the byline in the markup: an `itemprop=author` element (its `itemprop=name` when it has one),
   else a `rel=author` link, else an element whose class or id names a byline or an author;
   the first that holds a name;
5. trafilatura's author (the same sources and many byline patterns, but it drops dots from
   names, splits at `&`, and may run on into the date after a byline).

The markup's byline (4) stands for the page's byline only where it extends trafilatura's
(`_extends`: the same names, trafilatura's run on into a date, or co-authors added); otherwise
trafilatura's does. Of the metadata and that byline, the list the most sources give wins (names
compared without case, spaces and punctuation); on a tie, the earlier source. The names are
kept as that source writes them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

# Templates' placeholders in the author's place, never a name.
NOT_NAMES = frozenset({"username", "admin", "administrator", "author", "unknown", "anonymous",
                       "none", "null", "undefined", "by"})
# News agencies: a byline naming a reporter and an agency ("Jane Doe, AFP", "Jane Doe with
# Reuters") is the reporter's; an agency alone stays the author (an agency dispatch).
AGENCIES = frozenset({"afp", "agence france-presse", "agence france presse", "reuters", "ap", "associated press",
                      "the associated press", "dpa", "efe", "ansa", "apa", "čtk", "ctk", "kyodo", "xinhua",
                      "pa", "pa media", "press association", "upi", "anp", "belga", "sda", "ats", "tass",
                      "lusa", "agência brasil", "europa press", "bloomberg news"})
# Degrees after a name ("Brenda Goodman, MA") are not part of it; as written (case counts:
# "Ma" is a surname).
CREDENTIALS = frozenset({"MA", "M.A.", "MS", "M.S.", "MSc", "BA", "B.A.", "BSc", "PhD", "Ph.D.", "PHD", "MD",
                         "M.D.", "DO", "D.O.", "RN", "MPH", "MBA", "JD", "J.D.", "DDS", "DVM", "PharmD",
                         "EdD", "LLM", "LL.M.", "FACP", "FRCP", "CPA", "MSN", "BSN", "LCSW", "RD", "PsyD"})
# Suffixes that are part of the name ("Martin Luther King, Jr."): kept with it.
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "jnr", "snr"})
# Words a byline puts before the name; case counts where the word is also a name (`Von Miller`,
# `Di Wang`).
_BY = re.compile(r"^(?:(?i:written|posted|reported)\s+)?"
                 r"(?:[Bb]y|BY|[Pp]ar|PAR|[Pp]or|POR|von|VON|door|Door|di|DI|af|av)\s+(?=\S)"
                 r"|^(?i:text|texto|autor|autora|author|auteur)\s*:\s*")
# Words that only say when ("před 2 hodinami", "2 hours ago", "updated"), never part of a name:
# dropped from the end of a name wherever it comes from.
_WHEN_WORDS = frozenset({"před", "ago", "vor", "hace", "há", "updated", "published", "posted", "publié", "publiée",
                         "aktualisiert", "veröffentlicht", "actualizado", "publicado", "atualizado",
                         "aktualizováno", "publikováno", "aggiornato", "pubblicato"})
# Month names and the small words before a date: dropped from the end of a byline only when a
# date (a digit) followed them there ("Joshua Sokol May 20, 2019"), since some are
# surnames too (Theresa May, Linh Le).
_MONTHS_AND_SMALL_WORDS = (
    "january february march april may june july august september october november december "
    "jan jan. feb feb. mar mar. apr apr. jun jun. jul jul. aug aug. sep sep. sept sept. oct oct. nov nov. dec dec. "
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
    "januar februar märz juni juli oktober dezember "
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre "
    "janeiro fevereiro março maio junho julho setembro outubro novembro dezembro "
    "monday tuesday wednesday thursday friday saturday sunday "
    "on at the le du de am el em il y a à updated: published: mis jour last modified")
_DATE_WORDS = _WHEN_WORDS | frozenset(_MONTHS_AND_SMALL_WORDS.split())
# Co-authors after the lead ("Martin Untersinger (avec Damien Leloup et Morgane Tual)").
_WITH = re.compile(r"\(\s*(?:with|avec|mit|con|com|met)\s+([^()]*)\)|\s(?:with|avec|mit)\s", re.I)
_AND = re.compile(r"\s*;\s*|\s*\|\s*|\s+(?:and|und|et)\s+", re.I)
_ARTICLE_TYPE = re.compile(r"Article$|Posting$|^Report$|^Review$|^Blog$")
_AUTHOR_META = ("author", "dc.creator", "dcterms.creator", "citation_author", "parsely-author", "sailthru.author")
_BYLINE_CLASS = frozenset({"byline", "bylines", "author", "authors", "authorname", "author-name", "auteur",
                           "autor", "autores", "autoren"})
MAX_WORDS = 6


def key(name: str) -> str:
    """A name compared without case, spaces and punctuation (`John C. Welch` = `JOHN C WELCH`)."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _attr(el: Any, name: str) -> str:
    return str(el.get(name) or "").strip()


def _text(el: Any) -> str:
    return " ".join(el.text_content().split())


def _trim(name: str) -> str:
    """A name without a date after it: cut at the first digit, then, if that cut anything,
    month names and small date words at its end; words that only say when (`před`, `ago`,
    `updated`) are dropped from its end in any case."""
    head, *tail = re.split(r"\d", name, maxsplit=1)
    words = head.split()
    while words and (words[-1].casefold() in (_DATE_WORDS if tail else _WHEN_WORDS)
                     or not any(ch.isalnum() for ch in words[-1])):
        words.pop()
    return " ".join(words).strip(" ,;:|–—-·•：")


def _plausible(name: str) -> bool:
    """A name, not a sentence, a handle, an address or a placeholder."""
    if not name or name.casefold() in NOT_NAMES or key(name) in NOT_NAMES:
        return False
    if "@" in name or "://" in name or name.startswith("www.") or "©" in name:
        return False
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and not letters[0].islower() and len(name.split()) <= MAX_WORDS and len(name) <= 80


def split_names(text: str) -> list[str]:
    """The names in one author value or byline, as written: `By` and the like dropped; split at
    `;`, `|`, `and`/`und`/`et`, at `with` (co-authors, also in brackets), at ` & ` only between
    two names of two or more words (`Mac & i` is one), and at commas only between names of two
    or more words (`Doe, Jane` is one name); a degree after a comma (`, MA`, `, PhD`) dropped,
    a suffix (`, Jr.`) kept; a date after a name dropped (`_trim`)."""
    text = " ".join(text.split())
    text = _BY.sub("", text, count=1)
    text = _WITH.sub(lambda m: f"; {m[1]}" if m[1] is not None else "; ", text)
    names: list[str] = []
    for part in _AND.split(text):
        part = _BY.sub("", part.strip(), count=1)
        halves = [h.strip() for h in part.split(" & ")]
        if len(halves) > 1 and not all(len(h.split()) >= 2 for h in halves):
            halves = [part]
        for half in halves:
            pieces: list[str] = []
            for piece in (p.strip() for p in half.split(",")):
                if not piece or piece in CREDENTIALS:
                    continue
                if piece.casefold() in SUFFIXES and pieces:
                    pieces[-1] += ", " + piece
                else:
                    pieces.append(piece)
            if len(pieces) > 1 and not all(len(p.split()) >= 2 or p.casefold() in AGENCIES for p in pieces):
                pieces = [", ".join(pieces)]  # `Doe, Jane`: one name, last name first
            names += [_trim(p) for p in pieces]
    return [n for n in names if _plausible(n)]


def _one_list(names: Iterable[str]) -> list[str]:
    """Each name once (its first spelling: pages repeat it in capitals), and no agency when a
    person is named with it."""
    by_key: dict[str, str] = {}
    for name in names:
        if key(name):
            by_key.setdefault(key(name), name)
    found = list(by_key.values())
    people = [n for n in found if n.casefold() not in AGENCIES]
    return people or found


def _ld_names(value: Any, ids: dict[str, dict[str, Any]], depth: int = 0) -> Iterator[str]:
    if depth > 4:
        return
    if isinstance(value, str):
        yield from split_names(value)
    elif isinstance(value, list):
        for item in value:
            yield from _ld_names(item, ids, depth + 1)
    elif isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str) and value["@id"] in ids:
            value = ids[value["@id"]]
        name = value.get("name")
        if isinstance(name, (str, list)):
            yield from _ld_names(name, ids, depth + 1)


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type")
    return [str(t).rsplit("/", 1)[-1] for t in (kind if isinstance(kind, list) else [kind]) if t]


def from_json_ld(objects: list[dict[str, Any]]) -> list[str]:
    ids = {str(o["@id"]): o for o in objects if isinstance(o.get("@id"), str) and "name" in o}
    for wanted in (lambda t: bool(_ARTICLE_TYPE.search(t)), lambda t: t == "WebPage"):
        for node in objects:
            if any(wanted(t) for t in _types(node)) and node.get("author"):
                names = list(_ld_names(node["author"], ids))
                if names:
                    return names
    return []


def from_meta(tree: Any) -> tuple[list[str], list[str]]:
    """(`<meta name=author>` and its synonyms: the first of them named, every value of it,
    as `citation_author` comes once per author; `article:author` when it is not a URL)."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        name = (_attr(meta, "name") or _attr(meta, "property") or _attr(meta, "itemprop")).lower()
        if _attr(meta, "content"):
            values.setdefault(name, []).append(_attr(meta, "content"))
    named: list[str] = []
    for name in _AUTHOR_META:
        named = [n for v in values.get(name, []) for n in split_names(v)]
        if named:
            break
    article = [n for v in values.get("article:author", []) if not re.match(r"https?:|/|www\.", v)
               for n in split_names(v)]
    return named, article


def _is_byline(el: Any) -> bool:
    for token in (_attr(el, "class") + " " + _attr(el, "id")).lower().split():
        parts = set(re.split(r"[-_]+", token))
        if token in _BYLINE_CLASS or parts & _BYLINE_CLASS:
            return True
    return False


def _in_comments(el: Any) -> bool:
    """Whether an element stands in the comments (its or an ancestor's class or id says so):
    their authors are not the article's."""
    return any("comment" in (_attr(a, "class") + _attr(a, "id")).lower() for a in (el, *el.iterancestors()))


def from_markup(tree: Any) -> list[str]:
    """The first byline in the markup that holds a name: `itemprop=author`, else `rel=author`,
    else class or id `byline`/`author` (`author__name`, `pb-byline`, ...); not in the comments;
    texts of more than 120 characters are blocks around a byline, not one."""
    elements = [el for el in tree.iter() if isinstance(el.tag, str) and el.tag not in ("meta", "link", "script",
                                                                                   "style", "input", "html", "body")]
    itemprop = [el for el in elements if "author" in _attr(el, "itemprop").lower().split()]
    rel = [el for el in elements if el.tag == "a" and "author" in _attr(el, "rel").lower().split()]
    marked = [el for el in elements if _is_byline(el)]
    for group in (itemprop, rel, marked):
        for el in group:
            if _in_comments(el):
                continue
            inner = [n for n in el.iter() if n is not el and "name" in _attr(n, "itemprop").lower().split()]
            texts = [_text(n) for n in inner] or [_text(el)]
            names = [n for t in texts if len(t) <= 120 for n in split_names(t)]
            if names:
                return names
    return []


def from_trafilatura(value: str) -> list[str]:
    """trafilatura's author, its names joined by `;`."""
    return [n for part in value.split(";") for n in split_names(part)]


def _extends(markup: list[str], extracted: list[str]) -> bool:
    """Whether the markup's byline says what trafilatura says, and more: each of trafilatura's
    names is one of the markup's, or one of them followed by date words only (`Joshua Sokol
    May` for `Joshua Sokol`: trafilatura ran on into the date); the markup may add co-authors."""
    def covered(name: str) -> bool:
        for known in markup:
            words, known_words = name.split(), known.split()
            if key(name) == key(known) or (words[:len(known_words)] == known_words and all(
                    w.casefold() in _DATE_WORDS for w in words[len(known_words):])):
                return True
        return False

    return all(covered(n) for n in extracted)


def page_authors(tree: Any, json_ld: list[dict[str, Any]], extracted: str) -> list[str]:
    """The article's authors (docs/fetching.md, "Authors"): the page's metadata (JSON-LD, then
    `<meta name=author>`, then `article:author`) and its byline, the byline being the markup's
    when it extends trafilatura's (`_extends`) and trafilatura's otherwise (its byline patterns
    are many more than ours); of these, the list the most sources give, the earliest on a tie."""
    named, article = from_meta(tree)
    markup, found = _one_list(from_markup(tree)), _one_list(from_trafilatura(extracted))
    byline = markup if markup and (not found or _extends(markup, found)) else found
    candidates = [c for c in (_one_list(from_json_ld(json_ld)), _one_list(named), _one_list(article), byline) if c]
    sources = [*candidates[:-1], markup, found] if byline else candidates

    def support(names: list[str]) -> int:
        keys = {key(n) for n in names}
        return sum({key(n) for n in other} == keys for other in sources)

    return max(candidates, key=support) if candidates else []  # max keeps the first of equals
