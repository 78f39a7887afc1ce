"""Plain text of one post, possibly with its translation after it: title, dateline, byline,
outlet line, captions, numbered lists, signature, and the split into languages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from opedarchive.text.dates import parse_english_date, parse_khmer_date
from opedarchive.text.script import detect_language, khmer_ratio

_LIST_ITEM = re.compile(r"^\s*(?P<num>[0-9]{1,3})[.)]\s+(?P<text>\S.*)$")
_BULLET_ITEM = re.compile(r"^\s*[-*•]\s+(?P<text>\S.*)$")
_OUTLET_LINE = re.compile(
    r"^(?P<kind>op-?ed|opinion|commentary|letter|statement|editorial|essay|analysis)\s*[:៖]\s*(?P<rest>.+)$",
    re.I,
)
_TITLE_KIND = re.compile(r"^(?P<kind>letter|op-?ed|opinion|statement|editorial|essay|commentary)\s*[:៖]", re.I)
_KM_TITLE_KIND = {"លិខិត": "letter", "សេចក្តីថ្លែងការណ៍": "statement"}
_SENTENCE_END = (".", "!", "?", "។", "៕", ":", ";", "…", "\"", "”")
_CREDIT = re.compile(r"^(?P<caption>.*?)\s*\((?P<credit>[^()]{2,80})\)\s*$")
_BY = re.compile(r"^(?:by|ដោយ)\s+", re.I)


@dataclass
class Part:
    """One language of a parsed post."""

    lang: str
    title: str = ""
    date: date | datetime | None = None
    authors: list[str] = field(default_factory=list)
    affiliation: str = ""
    outlet: str = ""
    via: str = ""
    kind: str = ""
    images: list[dict[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    def meta(self) -> dict[str, Any]:
        """Front matter for this part (keys with no value left out)."""
        meta: dict[str, Any] = {"title": self.title, "date": self.date, "lang": self.lang}
        optional: dict[str, Any] = {
            "authors": self.authors, "affiliation": self.affiliation, "outlet": self.outlet,
            "kind": self.kind, "images": self.images, "via": self.via,
        }
        meta.update({k: v for k, v in optional.items() if v})
        return meta


def _clean_line(line: str) -> str:
    return unicodedata.normalize("NFC", line).rstrip().replace("\u00a0", " ")


def paragraphs_of(text: str) -> list[list[str]]:
    """Paragraphs as lists of lines; blank lines separate them, and every list item is a
    paragraph of its own."""
    out: list[list[str]] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _clean_line(raw)
        if not line.strip():
            if current:
                out.append(current)
            current = []
        elif _LIST_ITEM.match(line) or _BULLET_ITEM.match(line):
            if current:
                out.append(current)
            out.append([line])
            current = []
        else:
            current.append(line)
    if current:
        out.append(current)
    return out


def _text(par: list[str]) -> str:
    return " ".join(line.strip() for line in par)


def _is_list_item(par: list[str]) -> bool:
    return len(par) == 1 and bool(_LIST_ITEM.match(par[0]) or _BULLET_ITEM.match(par[0]))


def _lang_of(par: list[str]) -> str | None:
    text = _text(par)
    if not any(ch.isalpha() for ch in text):
        return None
    return detect_language(text)


def _fold_quotes(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').split())


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def _is_short_line(par: list[str], limit: int = 200) -> bool:
    return len(par) == 1 and len(par[0].strip()) <= limit


def _dateline(par: list[str]) -> tuple[date | datetime | None, list[str]]:
    """A byline paragraph: (the date it gives, the other lines), or (None, []) when it is not one."""
    if len(par) > 3 or any(len(line.strip()) > 120 for line in par):
        return None, []
    found: date | datetime | None = None
    others: list[str] = []
    for line in par:
        stripped = line.strip().strip("|").strip()
        when = parse_khmer_date(stripped) or parse_english_date(stripped)
        if when is not None and found is None and len(stripped) <= 80:
            found = when
        elif stripped:
            others.append(_BY.sub("", stripped))
    return (found, others) if found is not None else (None, [])


def _looks_like_signature(par: list[str]) -> bool:
    if len(par) > 3 or _is_list_item(par):
        return False
    text = _text(par)
    if len(text) > 160 or _ends_sentence(text) or text.endswith("?"):
        return False
    words = text.split()
    return 1 <= len(words) <= 16


def _caption(par: list[str]) -> dict[str, str]:
    text = _text(par)
    m = _CREDIT.match(text)
    if m and m["caption"]:
        return {"caption": m["caption"].rstrip(), "credit": m["credit"].strip()}
    return {"caption": text}


def _markdown_paragraphs(pars: list[list[str]]) -> list[str]:
    """Body paragraphs as Markdown; numbered lists restart where the text restarts them."""
    out: list[str] = []
    list_style = "."
    in_list = False
    for par in pars:
        m = _LIST_ITEM.match(par[0]) if _is_list_item(par) else None
        bullet = _BULLET_ITEM.match(par[0]) if _is_list_item(par) else None
        if m:
            if int(m["num"]) == 1 and in_list:
                # CommonMark joins adjacent ordered lists unless the delimiter changes.
                list_style = ")" if list_style == "." else "."
            item = f"{m['num']}{list_style} {m['text'].strip()}"
            if in_list and int(m["num"]) != 1:
                out[-1] += "\n" + item
            else:
                out.append(item)
            in_list = True
        elif bullet:
            item = f"- {bullet['text'].strip()}"
            if in_list and out[-1].startswith("- "):
                out[-1] += "\n" + item
            else:
                out.append(item)
            in_list = True
        else:
            in_list = False
            out.append("\n".join(line.strip() for line in par))
    return out


def split_languages(pars: list[list[str]]) -> list[tuple[str, list[list[str]]]]:
    """Runs of paragraphs by language; paragraphs with no letters join the run before them.
    More than two runs (text that alternates) stays one run in the majority language."""
    runs: list[tuple[str, list[list[str]]]] = []
    for par in pars:
        lang = _lang_of(par)
        if runs and (lang is None or lang == runs[-1][0]):
            runs[-1][1].append(par)
        else:
            runs.append((lang or "en", [par]))
    if len(runs) <= 2:
        return runs
    weights: dict[str, int] = {}
    for lang, run in runs:
        weights[lang] = weights.get(lang, 0) + sum(len(_text(p)) for p in run)
    majority = max(weights, key=lambda k: weights[k])
    return [(majority, [p for _, run in runs for p in run])]


def parse_part(lang: str, pars: list[list[str]], *, title_first: bool) -> Part:
    """Title, dateline, outlet, captions, body and signature of one language's paragraphs."""
    part = Part(lang=lang)
    pars = list(pars)
    if pars and _is_short_line(pars[0]) and not _is_list_item(pars[0]) and (
        title_first or (not _ends_sentence(_text(pars[0])) and len(pars) > 1)
    ):
        part.title = _text(pars.pop(0))
    # Front: bylines, an outlet line and captions, in any order, before the first body paragraph.
    while pars:
        par = pars[0]
        text = _text(par)
        when, others = _dateline(par)
        outlet = _OUTLET_LINE.match(text) if len(par) == 1 and len(text) <= 120 else None
        if when is not None:
            part.date = when
            part.authors.extend(o for o in others if o)
        elif outlet:
            part.kind = outlet["kind"].lower().replace("oped", "op-ed")
            names = [n.strip() for n in outlet["rest"].split(",") if n.strip()]
            part.outlet = names[-1] if names else ""
            part.via = ", ".join(names[:-1])
        elif len(pars) > 1 and len(par) == 1 and _fold_quotes(text) == _fold_quotes(_text(pars[1])):
            # A caption given twice (as alt text and as caption) is kept once.
            part.images.append(_caption(par))
            pars.pop(0)
        elif _is_short_line(par) and not _ends_sentence(text) and not _is_list_item(par) and (
            len(text.split()) >= 4 or khmer_ratio(text) > 0.5
        ) and len(pars) > 1 and (part.title or part.images):
            part.images.append(_caption(par))
        else:
            break
        pars.pop(0)
    # Back: a signature (name, then affiliation) in one or two short paragraphs.
    signature: list[str] = []
    while pars and len(signature) < 3 and _looks_like_signature(pars[-1]) and len(pars) > 1:
        signature = [line.strip() for line in pars.pop()] + signature
    if signature:
        name = _BY.sub("", signature[0])
        if name not in part.authors:
            part.authors.append(name)
        part.affiliation = " ".join(signature[1:])
    if not part.kind and part.title:
        m = _TITLE_KIND.match(part.title)
        if m:
            part.kind = m["kind"].lower().replace("oped", "op-ed")
        else:
            part.kind = next((k for prefix, k in _KM_TITLE_KIND.items() if part.title.startswith(prefix)), "")
    part.paragraphs = _markdown_paragraphs(pars)
    return part


def parse_post_text(text: str, *, title_first: bool = False) -> list[Part]:
    """One post from plain text: one Part per language, the original first."""
    pars = paragraphs_of(text)
    runs = split_languages(pars)
    parts = []
    for i, (lang, run) in enumerate(runs):
        parts.append(parse_part(lang, run, title_first=title_first and i == 0))
    return parts
