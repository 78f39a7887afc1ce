"""Text made safe for the site: Markdown with raw HTML off, URLs limited to harmless schemes,
language names and dates as each language writes them."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from opedarchive.text.khmer import ascii_digits_to_khmer

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Characters browsers drop or ignore inside a URL's scheme (`java\tscript:` runs as `javascript:`).
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
LANGUAGE_NAMES = {
    "en": "English", "km": "ខ្មែរ", "fr": "Français", "th": "ไทย", "vi": "Tiếng Việt",
    "zh": "中文", "ja": "日本語", "de": "Deutsch", "es": "Español",
}
KHMER_MONTHS = ("មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា",
                "តុលា", "វិច្ឆិកា", "ធ្នូ")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")


def safe_url(value: object) -> str | None:
    """The URL if it is http(s), mailto or relative (no scheme); None for `javascript:`,
    `data:`, `vbscript:`, `file:` and every other scheme, however it is disguised."""
    if value is None:
        return None
    url = str(value).strip()
    if not url:
        return None
    probe = _URL_NOISE.sub("", url)
    try:
        parts = urlsplit(probe)
    except ValueError:
        return None
    if parts.scheme:
        return url if parts.scheme.lower() in SAFE_SCHEMES else None
    # No scheme: a relative link, unless something like `javascript&colon;` hides one.
    return None if re.match(r"^[a-z][a-z0-9+.-]*(?:&|%)", probe, re.I) else url


def _validate_link(url: str) -> bool:
    return safe_url(url) is not None


def _render_image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """Images in a post body become links to them: the site makes no request to other hosts."""
    from markdown_it.common.utils import escapeHtml

    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a class="image-link" href="{escapeHtml(src)}">{escapeHtml(alt)}</a>'


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.add_render_rule("image", _render_image)
    return md


# A block of plain prose: no character that Markdown gives a meaning to inside a paragraph, and
# no line that could open another kind of block or end in a hard break. markdown-it renders such
# a block as <p>, the escaped lines, </p> — which `plain_html` writes without parsing (most
# paragraphs of op-eds are like this; a test holds the two equal).
_SPECIAL = re.compile(r"[\\`*_\[\]<>&~\t\r\x00\x0b\x0c]")
# A line that could open another kind of block. (A line that starts or ends with white space,
# or ends in a backslash, is caught before this is tried.)
_BLOCK_START = re.compile(r"[-+*>#=|:]|[0-9]{1,9}[.)]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def plain_html(block: str) -> str | None:
    """The HTML of a block of plain prose, or None when the block needs the Markdown parser."""
    if not block or _SPECIAL.search(block):
        return None
    for line in block.split("\n"):
        # markdown-it strips every kind of white space (str.strip) from a paragraph's lines.
        if not line or line[0].isspace() or line[-1].isspace() or not line[0].isprintable() \
                or _BLOCK_START.match(line):
            return None
    return "<p>" + block.replace('"', "&quot;") + "</p>\n"


def markdown_html(text: str) -> str:
    """A Markdown body as HTML: raw HTML is shown as text, unsafe links stay plain text."""
    block = text.strip("\n")
    # One line of plain prose (most paragraphs of the side-by-side rows): plain_html's tests, inline.
    if "\n" not in block and block and not block[0].isspace() and not block[-1].isspace() \
            and block[0].isprintable() and not _SPECIAL.search(block) and not _BLOCK_START.match(block):
        return "<p>" + block.replace('"', "&quot;") + "</p>\n"
    blocks = _BLANK_LINES.split(block)
    plain = [plain_html(block) for block in blocks]
    if all(html is not None for html in plain):
        return "".join(html for html in plain if html)
    return str(_markdown().render(text))


def language_name(lang: str) -> str:
    """A language's own name for itself (`km` → ខ្មែរ), else its code."""
    return LANGUAGE_NAMES.get(lang.split("-")[0].lower(), lang)


def format_date(value: dt.date, lang: str) -> str:
    """`24 June 2022`; in Khmer `២៤ មិថុនា ២០២២`."""
    if lang.startswith("km"):
        return f"{ascii_digits_to_khmer(str(value.day))} {KHMER_MONTHS[value.month - 1]} " \
               f"{ascii_digits_to_khmer(str(value.year))}"
    return f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}"


# The notice on a translation whose original changed after it was translated, in its language.
OUTDATED_NOTICES = {
    "en": "The original of this translation has changed since it was translated.",
    "km": "អត្ថបទដើមនៃការបកប្រែនេះបានផ្លាស់ប្តូរ បន្ទាប់ពីត្រូវបានបកប្រែ។",
}


def outdated_notice(lang: str) -> str:
    """The outdated-translation notice in `lang` (its base language; else English)."""
    return OUTDATED_NOTICES.get(lang.split("-")[0].lower(), OUTDATED_NOTICES["en"])


def format_reading_time(minutes: int, lang: str) -> str:
    """`5 min read`; in Khmer `អានរយៈពេល ៥ នាទី` (reading time 5 minutes)."""
    if lang.startswith("km"):
        return f"អានរយៈពេល {ascii_digits_to_khmer(str(minutes))} នាទី"
    return f"{minutes} min read"
