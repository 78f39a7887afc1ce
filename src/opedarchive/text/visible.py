"""Control characters made visible before text reaches a terminal: a title, a file name or a
query holding ESC (`\\e]52;…`, `\\e[2J`) could otherwise set the window title, clear the
screen or write the clipboard. Every character is replaced by exactly one, so that offsets
into the text (highlighted matches) and its length stay what they were."""

from __future__ import annotations

import re

# C0 controls (U+0000–U+001F) as their Control Pictures (U+2400–U+241F), DEL as ␡; C1 controls
# (U+0080–U+009F, CSI among them) and lone surrogates (an undecodable byte of a file name or
# an argument) have no picture: U+FFFD.
# The bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are shown
# as U+FFFD too: in a terminal an override (U+202E) reverses what follows it, so that a title
# or a file name would read otherwise than it is ("Trojan Source"). English and Khmer never
# need them.
_TABLE = {
    **{code: 0x2400 + code for code in range(0x20)},
    0x7F: 0x2421,
    **{code: 0xFFFD for code in range(0x80, 0xA0)},
    **{code: 0xFFFD for code in range(0xD800, 0xE000)},
    **{code: 0xFFFD for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
_ANY = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_BUT_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_LAYOUT_TABLE = {code: to for code, to in _TABLE.items() if code not in (0x09, 0x0A)}


def visible(text: str) -> str:
    """`text` with every control character shown as a visible character, tab and line feed
    included: for what must stay on one line (a message, a file name, a title in a table)."""
    return text.translate(_TABLE) if _ANY.search(text) else text


def visible_layout(text: str) -> str:
    """`text` with control characters made visible but tab and line feed, which lay out a
    body or a header of several lines."""
    return text.translate(_LAYOUT_TABLE) if _BUT_LAYOUT.search(text) else text
