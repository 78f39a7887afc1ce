"""The language of a text that its source says nothing about, by a statistical detector.

The detector is py3langid (langid.py's model, 97 languages), an optional dependency
(`pip install opedarchive[langid]`), loaded on first use: docs/import-languages.md gives the
measurements it was chosen on. Without it, a text in Latin script is taken for English, as
before. Khmer is told by its script before this is asked (text.script)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

# Shorter texts are not judged: on a few words every detector guesses (measured).
MIN_LETTERS = 12
# A guess less sure than this (py3langid's normalised probability) is no guess.
MIN_CONFIDENCE = 0.5
# The text judged: its first characters (the title and a paragraph or two) are enough.
SAMPLE = 1500
# py3langid names Norwegian Bokmål `no`; ISO 639-1 codes otherwise, which are BCP 47 tags.


@lru_cache(maxsize=1)
def _classifier() -> Callable[[str], tuple[str, float]] | None:
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]
    except ImportError:
        return None
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return identifier.classify  # type: ignore[no-any-return]


def available() -> bool:
    """Whether a language detector is installed."""
    return _classifier() is not None


def guess_language(text: str) -> str:
    """The BCP 47 code of the language `text` is most likely written in, or "" when no detector
    is installed, the text is too short to tell, or the detector is not sure."""
    sample = text[:SAMPLE]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return ""
    classify = _classifier()
    if classify is None:
        return ""
    lang, confidence = classify(sample)
    return str(lang) if confidence >= MIN_CONFIDENCE else ""
