"""The `summary` dashboard: totals, a bar chart of posts per year or month, top authors,
outlets and tags, translation coverage and the latest posts."""

from __future__ import annotations

from itertools import zip_longest

from rich.console import RenderableType
from rich.text import Text

from opedarchive.serialize import post_summary
from opedarchive.summary import Summary
from opedarchive.text.width import DEFAULT_MODEL, cell_width, truncate
from opedarchive.views.post import Lines, wrap_text

BAR = "█"
BAR_MAX = 50
TOP = 10
# Three top-lists side by side need this many cells; fewer, and they go one under the other.
COLUMNS_MIN_WIDTH = 72


# The dashboard names this many untranslated posts (newest first); --json has every one.
UNTRANSLATED_SHOWN = 20

def _fit(text: str, width: int, model: str) -> str:
    shown = truncate(text, width, model)
    return shown + " " * max(0, width - cell_width(shown, model))


def bar_chart(counts: dict[str, int], width: int, model: str = DEFAULT_MODEL) -> list[Text]:
    """One line per label: label, a bar as long as its share of the largest count, the count."""
    if not counts:
        return []
    label_width = max(cell_width(label, model) for label in counts)
    biggest = max(counts.values())
    number_width = len(str(biggest))
    room = max(1, min(BAR_MAX, width - label_width - number_width - 2))
    lines = []
    for label, n in counts.items():
        length = max(1, round(n / biggest * room)) if n else 0
        line = Text(_fit(label, label_width, model) + " ")
        line.append(BAR * length, style="cyan")
        line.append(" " + str(n).rjust(number_width) if length < room else " " + str(n))
        lines.append(line)
    return lines


def _ranked(title: str, items: list[tuple[str, int]], width: int, model: str) -> list[Text]:
    lines = [Text(_fit(title, width, model), style="bold")]
    if not items:
        lines.append(Text(_fit("(none)", width, model), style="dim"))
    number_width = max((len(str(n)) for _, n in items[:TOP]), default=1)
    for name, n in items[:TOP]:
        lines.append(Text(str(n).rjust(number_width) + " " + _fit(name, width - number_width - 1, model)))
    if len(items) > TOP:
        lines.append(Text(_fit(f"… {len(items) - TOP} more", width, model), style="dim"))
    return lines


def _side_by_side(blocks: list[list[Text]], width: int, model: str) -> list[Text]:
    if width < COLUMNS_MIN_WIDTH:
        return [line for i, block in enumerate(blocks) for line in ([Text("")] if i else []) + block]
    gap = 3
    column = (width - gap * (len(blocks) - 1)) // len(blocks)
    out = []
    for row in zip_longest(*blocks, fillvalue=Text(" " * column)):
        line = Text()
        for i, cell in enumerate(row):
            if i:
                line.append(" " * gap)
            line.append_text(cell)
        line.rstrip()
        out.append(line)
    return out


def summary_lines(summary: Summary, title: str, width: int, model: str = DEFAULT_MODEL,
                  by_month: bool = False) -> list[Text]:
    """The whole dashboard as lines no wider than `width` cells."""
    lines: list[Text] = [*wrap_text(Text(title, style="bold"), width, model)]
    posts = summary.posts
    share = f" ({summary.translated * 100 // posts}%)" if posts else ""
    totals = f"{posts} post{'s' if posts != 1 else ''} · {summary.translated} translated{share}"
    if summary.languages:
        totals += " · versions: " + ", ".join(f"{lang} {n}" for lang, n in summary.languages.items())
    lines.extend(wrap_text(Text(totals), width, model))
    if summary.words:
        words = "words: " + ", ".join(f"{lang} {n:,}" for lang, n in summary.words.items())
        if any(lang.startswith("km") for lang in summary.words):
            # Khmer has no spaces between words: its count is the segmenter's (text.words).
            words += " (Khmer words as a word segmenter cuts them)"
        lines.extend(wrap_text(Text(words, style="dim"), width, model))
    if not posts:
        return lines
    chart, heading = (summary.by_month, "Posts per month") if by_month else (summary.by_year, "Posts per year")
    lines += [Text(""), Text(heading, style="bold"), *bar_chart(chart, width, model)]
    lines.append(Text(""))
    column = (width - 6) // 3 if width >= COLUMNS_MIN_WIDTH else width
    lines.extend(_side_by_side([
        _ranked("Authors", summary.authors, column, model),
        _ranked("Outlets", summary.outlets, column, model),
        _ranked("Tags", summary.tags, column, model),
    ], width, model))
    lines += [Text(""), Text(f"Lacking a translation ({len(summary.untranslated)})", style="bold")]
    if not summary.untranslated:
        lines.append(Text("(none: every post has a translation)", style="dim"))
    shown = summary.untranslated[:UNTRANSLATED_SHOWN]
    lines.extend(Text(truncate(post_id, width, model)) for post_id in shown)
    if len(summary.untranslated) > len(shown):
        more = len(summary.untranslated) - len(shown)
        lines.append(Text(f"… and {more:,} more ('list --untranslated' or 'summary --json' gives them all)",
                          style="dim"))
    status = (f"{len(summary.needs_translation):,} lacking one of the archive's languages ('list --needs-translation')"
              f" · {len(summary.outdated):,} with an outdated translation ('list --outdated')")
    lines.extend(wrap_text(Text(status, style="dim"), width, model))
    if summary.outdated:
        lines += [Text(""), Text(f"Outdated translations ({len(summary.outdated)})", style="bold")]
        lines.extend(Text(truncate(post_id, width, model)) for post_id in summary.outdated[:UNTRANSLATED_SHOWN])
        if len(summary.outdated) > UNTRANSLATED_SHOWN:
            more = len(summary.outdated) - UNTRANSLATED_SHOWN
            lines.append(Text(f"… and {more:,} more ('list --outdated' gives them all)", style="dim"))
    lines += [Text(""), Text("Latest", style="bold")]
    for post in summary.latest:
        head = Text(post.original.day.isoformat() + "  ", style="cyan")
        head.append(truncate(post.original.title, max(1, width - 17 - len(" ".join(post.languages))), model))
        head.append("  " + " ".join(post.languages), style="green")
        lines.append(head)
        brief = post_summary(post)
        if brief:
            lines.append(Text("            " + truncate(brief, max(1, width - 12), model), style="dim"))
    for line in lines:
        line.rstrip()
    return lines


def render_summary(summary: Summary, title: str, model: str = DEFAULT_MODEL, by_month: bool = False) -> RenderableType:
    """The dashboard as a renderable that fits the console's width."""
    return Lines(lambda width: summary_lines(summary, title, width, model, by_month))
