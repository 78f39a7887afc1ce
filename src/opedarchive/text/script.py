"""Language detection by script: Khmer letters against Latin letters."""

from __future__ import annotations

KHMER_FIRST = 0x1780
KHMER_LAST = 0x17FF
KHMER_SYMBOLS_FIRST = 0x19E0
KHMER_SYMBOLS_LAST = 0x19FF


def is_khmer_char(ch: str) -> bool:
    """True for a character of the Khmer or Khmer Symbols blocks."""
    cp = ord(ch)
    return KHMER_FIRST <= cp <= KHMER_LAST or KHMER_SYMBOLS_FIRST <= cp <= KHMER_SYMBOLS_LAST


def khmer_ratio(text: str) -> float:
    """The share of Khmer among the letters of `text` (0.0 when it has no letters)."""
    khmer = latin = 0
    for ch in text:
        if is_khmer_char(ch):
            khmer += 1
        elif ch.isalpha():
            latin += 1
    total = khmer + latin
    return khmer / total if total else 0.0


def detect_language(text: str, default: str = "en") -> str:
    """`km` when most letters are Khmer, `en` when there are letters and few are Khmer."""
    ratio = khmer_ratio(text)
    if ratio >= 0.5:
        return "km"
    if any(ch.isalpha() for ch in text):
        return "en"
    return default
