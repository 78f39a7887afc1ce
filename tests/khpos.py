"""The hand-segmented khPOS sample (data/realworld/khpos) as running Khmer text, and a judge of
line breaks against its hand word boundaries: the independent reference for issue 15's wrapping."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

KHPOS = Path(__file__).parent / "data" / "realworld" / "khpos" / "OPEN-TEST.word"
_COMPOUND = re.compile("[_~^]")  # the corpus's marks between the parts of a compound word
SEPARATORS = " \u200b\t\n"


@dataclass
class Paragraph:
    """Running text with where its hand-segmented words begin and end, and the joints inside its
    compound words (a compound is one word to the corpus; its parts are words of their own)."""

    text: str
    bounds: set[int] = field(default_factory=set)
    joints: set[int] = field(default_factory=set)


def paragraphs(sentences: int | None = None, per_paragraph: int = 5) -> list[Paragraph]:
    """The first `sentences` sentences (all by default), their words run together as Khmer is
    written, sentences one space apart, `per_paragraph` sentences to a paragraph."""
    lines = [line.split() for line in KHPOS.read_text(encoding="utf-8").splitlines() if line.split()]
    lines = lines[:sentences] if sentences is not None else lines
    out = []
    for i in range(0, len(lines), per_paragraph):
        para = Paragraph("")
        for tokens in lines[i : i + per_paragraph]:
            if para.text:
                para.text += " "
            for token in tokens:
                para.bounds.add(len(para.text))
                *parts, last = _COMPOUND.split(token)
                for part in parts:
                    para.text += part
                    para.joints.add(len(para.text))
                para.text += last
            para.bounds.add(len(para.text))
        out.append(para)
    return out


def judge(para: Paragraph, cuts: list[int], width: int, cells: Callable[[str], int]) -> dict[str, list[int]]:
    """Each line end of `cuts` inside an unspaced stretch (no space or zero-width space on either
    side) by what it cuts: "boundary" (between two hand words), "joint" (between the parts of a
    compound), "wider word" (inside a word wider than `width` cells: allowed) or "fits" (inside a
    word that fits: the fault). `cells` measures a string (a width model's `cell_width`)."""
    text = para.text
    ordered = sorted(para.bounds | {0, len(text)})
    verdicts: dict[str, list[int]] = {"boundary": [], "joint": [], "wider word": [], "fits": []}
    for cut in cuts:
        if not 0 < cut < len(text) or text[cut - 1] in SEPARATORS or text[cut] in SEPARATORS:
            continue
        if cut in para.bounds:
            verdicts["boundary"].append(cut)
        elif cut in para.joints:
            verdicts["joint"].append(cut)
        else:
            i = bisect_right(ordered, cut)
            word = text[ordered[i - 1] : ordered[i]]
            verdicts["wider word" if cells(word) > width else "fits"].append(cut)
    return verdicts
