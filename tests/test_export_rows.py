"""The shortcuts of a long two-language post (issue 14 item 7), each held equal to what it
replaces: the side-by-side rows of a page made from each paragraph's HTML (not one conversion per
aligned group), the rows joined in Python (not a template loop), the paragraphs' cut remembered,
and `show --json`'s alignment written without json's encoder."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from opedarchive.align import MEMO_MIN_CHARS, _paragraphs, paragraphs
from opedarchive.cli.browse import alignment_text
from opedarchive.export.html import _rows_html, cells, environment
from opedarchive.export.markup import markdown_html

# Pieces of Markdown: plain prose, lines that open other blocks, characters the parser cares
# about, white space of every kind, blank lines inside a "paragraph" (a list, a fence).
PIECES = [*"ab ក្ខ\n-+*#>=|:1.)\"'&<>_[]`~\\\t\u00a0\u200b\u3000xy.,;", "Plain words here.", "ប្រជាធិបតេយ្យ។",
          "\n\n", "  \n", "1. ", "- ", "    ", "&amp;", "---", "```", "[a](b)", "<b>", "**x**", "\r\n"]


def _old_rows(pa: list[str], pb: list[str], pairs: list[tuple[list[int], list[int]]]) -> list[list[str]]:
    """The rows as they were made before: each group's paragraphs joined and converted."""
    def html_of(paras: list[str], indexes: list[int]) -> str:
        return markdown_html("\n\n".join(paras[i] for i in indexes)) if indexes else ""
    return [[html_of(pa, ia), html_of(pb, ib)] for ia, ib in pairs]


def _groups(rng: random.Random, n: int, m: int) -> list[tuple[list[int], list[int]]]:
    """A random monotone grouping of n and m paragraphs (groups of 0 to 3 a side, never 0-0)."""
    pairs, i, j = [], 0, 0
    while i < n or j < m:
        di, dj = rng.randint(0, min(3, n - i)), rng.randint(0, min(3, m - j))
        if di or dj:
            pairs.append((list(range(i, i + di)), list(range(j, j + dj))))
            i, j = i + di, j + dj
    return pairs


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join), max_size=12),
       st.lists(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join), max_size=12),
       st.integers(0, 2**32))
def test_rows_from_each_paragraphs_html_equal_one_conversion_per_group(a: list[str], b: list[str], seed: int) -> None:
    pa, pb = paragraphs("\n\n".join(a)), paragraphs("\n\n".join(b))
    pairs = _groups(random.Random(seed), len(pa), len(pb))
    assert _rows_html(pa, pb, pairs) == _old_rows(pa, pb, pairs)


def test_a_page_of_many_paragraphs_renders_as_the_template_loop_did() -> None:
    rng = random.Random(7)
    words = ["vote", "court", "a*b", "<i>", "&", "ការ", "ប្រជា", "1.", "- x", "`c`", "[l](u)", "\"q\""]

    def paragraph() -> str:
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 3))]
        return "\n".join(lines)

    pa = [paragraph() for _ in range(3000)]
    pb = [paragraph() for _ in range(2900)]
    pairs = _groups(rng, len(pa), len(pb))
    rows = _rows_html(pa, pb, pairs)
    assert rows == _old_rows(pa, pb, pairs)
    loop = environment().from_string(
        '{% for row in rows %}\n<div class="cell v0 body" lang="{{ a }}">{{ row[0] | safe }}</div>\n'
        '<div class="cell v1 body" lang="{{ b }}">{{ row[1] | safe }}</div>\n{% endfor %}\n')
    joined = environment().from_string("{{ cells }}\n")
    for a, b in (("en", "km"), ('x"<', "&")):
        assert joined.render(cells=cells(rows, a, b)) == loop.render(rows=rows, a=a, b=b)
    assert isinstance(cells(rows, "en", "km"), Markup)


def test_a_long_bodys_paragraphs_are_remembered_and_each_caller_gets_its_own_list() -> None:
    body = "\n\n".join(f"Paragraph {i}." for i in range(MEMO_MIN_CHARS // 10))
    first = paragraphs(body)
    assert first == _paragraphs(body)
    first.append("changed")
    assert paragraphs("".join(body)) == _paragraphs(body)  # an equal body read again
    for i in range(6):  # others push it out; it is cut again, the same
        paragraphs(body + "\n\nmore" * (i + 1))
    assert paragraphs(body) == _paragraphs(body)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 10**6), max_size=4), st.lists(st.integers(0, 10**6), max_size=4)),
                max_size=8),
       st.lists(st.sampled_from(["en", "km", "x\u0085", 'q"\\', "\u2028"]), min_size=2, max_size=2))
def test_the_alignments_json_text_is_what_json_writes(pairs: list[tuple[list[int], list[int]]],
                                                      langs: list[str]) -> None:
    value = {"langs": langs, "pairs": [[list(x), list(y)] for x, y in pairs]}
    expected = json.dumps({"k": value}, ensure_ascii=False, indent=2)
    assert expected == '{\n  "k": ' + alignment_text(langs, pairs) + "\n}"
