"""Fuzz the search query parser: any text must parse or raise UsageError, never anything else.

Run: make fuzz (FUZZ_SECONDS=60 by default); the corpus grows in fuzz/corpus/query.
"""

from __future__ import annotations

import sys

import atheris

from opedarchive.errors import UsageError
from opedarchive.query import parse


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        query = parse(text)
    except UsageError:
        return
    assert query is not None


if __name__ == "__main__":
    atheris.instrument_all()
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
