"""Fuzz the saved-page importer: any bytes must give items or a SourceError, never a crash.

Run: make fuzz (FUZZ_SECONDS=60 by default); the corpus grows in fuzz/corpus/page.
"""

from __future__ import annotations

import sys

import atheris

from opedarchive.importers.base import SourceError
from opedarchive.importers.page import parse_page


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        for item in parse_page(text):
            if not item.error:
                for version in item.versions():
                    assert version.title, "a version with no title"
    except SourceError:
        pass


if __name__ == "__main__":
    atheris.instrument_all()
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
