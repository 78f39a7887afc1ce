"""Dates in English and Khmer text: `June 28, 2022`, ISO dates, and Khmer datelines."""

from __future__ import annotations

import re
from datetime import date, datetime

from opedarchive.text.khmer import khmer_digits_to_ascii

EN_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
KM_MONTHS = {
    name: i + 1
    for i, name in enumerate(
        ["មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា",
         "កក្កដា", "សីហា", "កញ្ញា", "តុលា", "វិច្ឆិកា", "ធ្នូ"]
    )
}
# Parts of the day that move an hour past noon.
_KM_AFTERNOON = ("រសៀល", "ល្ងាច", "យប់")
_KM_NOON = "ថ្ងៃត្រង់"

_EN_DATE = re.compile(
    r"\b(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>[0-9]{4})\b"
)
_EN_DATE_DMY = re.compile(
    r"\b(?P<day>[0-9]{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>[0-9]{4})\b"
)
_KM_DATE = re.compile(
    r"(?:ទី\s*)?(?P<day>[0-9០-៩]{1,2})\s*(?:ខែ\s*)?(?P<month>"
    + "|".join(KM_MONTHS)
    + r")\s*(?:ឆ្នាំ\s*)?(?P<year>[0-9០-៩]{4})"
    r"(?:\s*ម៉ោង\s*(?P<hour>[0-9០-៩]{1,2})\s*[:៖]\s*(?P<minute>[0-9០-៩]{2})\s*(?P<part>\S+)?)?"
)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_english_date(text: str) -> date | None:
    """The first `June 28, 2022` or `28 June 2022` in `text`, else None."""
    for pattern in (_EN_DATE, _EN_DATE_DMY):
        for m in pattern.finditer(text):
            month = EN_MONTHS.get(m["month"].lower())
            if month:
                found = _safe_date(int(m["year"]), month, int(m["day"]))
                if found:
                    return found
    return None


def parse_khmer_date(text: str) -> date | datetime | None:
    """A Khmer dateline such as `ថ្ងៃចន្ទ ទី១៣ ខែមិថុនា ឆ្នាំ២០២២ ម៉ោង ១០:០៣ ព្រឹក`;
    a date-time when it gives the hour."""
    m = _KM_DATE.search(text)
    if not m:
        return None
    day = int(khmer_digits_to_ascii(m["day"]))
    year = int(khmer_digits_to_ascii(m["year"]))
    found = _safe_date(year, KM_MONTHS[m["month"]], day)
    if found is None or m["hour"] is None:
        return found
    hour = int(khmer_digits_to_ascii(m["hour"]))
    minute = int(khmer_digits_to_ascii(m["minute"]))
    part = m["part"] or ""
    if (hour < 12 and part.startswith(_KM_AFTERNOON)) or (hour < 12 and part.startswith(_KM_NOON) and hour < 6):
        hour += 12
    if hour > 23 or minute > 59:
        return found
    return datetime(year, found.month, day, hour, minute)


def parse_any_date(text: str) -> date | datetime | None:
    """An ISO date or date-time, an English date or a Khmer dateline, whichever `text` holds."""
    stripped = text.strip()
    try:
        if len(stripped) == 10:
            return date.fromisoformat(stripped)
        return datetime.fromisoformat(stripped)
    except ValueError:
        pass
    return parse_english_date(stripped) or parse_khmer_date(stripped)


def as_date(value: date | datetime) -> date:
    """The calendar date of a date or date-time."""
    return value.date() if isinstance(value, datetime) else value
