"""One version of a post rendered for the terminal: a header of its metadata, then its body.

The text is wrapped here, not by Rich, with the cell widths of `text.width`: Rich measures the
Khmer spacing vowel signs as zero cells where tmux and xterm draw one, and would cut unspaced
Khmer inside a cluster. Each wrapped line goes out as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from opedarchive.align import paragraphs
from opedarchive.model import Post, Version
from opedarchive.text.width import DEFAULT_MODEL, ZWSP, cell_width, wrap_spans

_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|[0-9]{1,9}[.)])[ \t]+(?P<text>.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Inline Markdown: code, links and images, strong and emphasis (one level, no nesting).
_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|!?\[(?P<link>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)"
    r"|(?P<sd>\*\*|__)(?P<strong>(?!\s).+?(?<!\s))(?P=sd)"
    r"|(?<![\w*])\*(?P<em>(?!\s)[^*]+?(?<!\s))\*(?![\w*])"
    r"|(?<![\w_])_(?P<em2>(?!\s)[^_]+?(?<!\s))_(?![\w_])"
)


def inline_text(markdown: str, style: str = "") -> Text:
    """A line of inline Markdown as styled text: **strong**, *emphasis*, `code`, [links](…)."""
    text = Text(style=style)
    pos = 0
    for m in _INLINE.finditer(markdown):
        text.append(markdown[pos : m.start()])
        if m["code"] is not None:
            text.append(m["code"], style="bold")
        elif m["url"] is not None:
            text.append(m["link"] or m["url"], style="underline")
        elif m["strong"] is not None:
            text.append(m["strong"], style="bold")
        else:
            text.append(m["em"] if m["em"] is not None else m["em2"], style="italic")
        pos = m.end()
    text.append(markdown[pos:])
    return text


def wrap_text(text: Text, width: int, model: str = DEFAULT_MODEL, indent: int = 0) -> list[Text]:
    """Styled text wrapped to `width` cells (see `text.width.wrap_spans`); lines after the first
    are indented by `indent` cells. Zero-width spaces, break hints only, are not drawn."""
    first, rest = wrap_spans(text.plain, width, model), []
    if indent and len(first) > 1:
        # The continuation lines are narrower: wrap what follows the first line again.
        start = first[0][1]
        rest = [(start + s, start + e) for s, e in wrap_spans(text.plain[start:].lstrip(" "), width - indent, model)]
        skipped = len(text.plain[start:]) - len(text.plain[start:].lstrip(" "))
        rest = [(s + skipped, e + skipped) for s, e in rest]
        first = first[:1]
    lines = []
    for i, (s, e) in enumerate(first + rest):
        line = text[s:e]
        if ZWSP in line.plain:
            line = Text("").join(line.split(ZWSP, allow_blank=True))
        if indent and i:
            line = Text(" " * indent) + line
        lines.append(line)
    return lines


def _join_lines(lines: Iterable[str]) -> str:
    # A soft line break in Markdown reads as a space.
    return " ".join(line.strip() for line in lines if line.strip())


def block_lines(block: str, width: int, model: str = DEFAULT_MODEL) -> list[Text]:
    """One paragraph of Markdown (as `align.paragraphs` cuts them) as wrapped lines: lists keep
    their markers with a hanging indent, headings are bold, quotes get a bar, code stays as is."""
    block = block.expandtabs(4)
    lines = block.split("\n")
    if _FENCE.match(lines[0]):
        code = [line for line in lines if not _FENCE.match(line)]
        return [wrapped for line in code for wrapped in wrap_text(Text(line, style="dim"), width, model) or [Text("")]]
    heading = _HEADING.match(block) if len(lines) == 1 else None
    if heading:
        return wrap_text(inline_text(heading.group(2), style="bold"), width, model)
    if all(_QUOTE.match(line) for line in lines):
        inner = "\n".join(_QUOTE.sub("", line, count=1) for line in lines)
        bar = Text("┃ ", style="dim")
        return [bar + line for line in block_lines(inner, max(1, width - 2), model)]
    if _LIST_ITEM.match(lines[0]):
        return _list_lines(lines, width, model)
    return wrap_text(inline_text(_join_lines(lines)), width, model)


def _list_lines(lines: list[str], width: int, model: str) -> list[Text]:
    items: list[tuple[str, str, list[str]]] = []  # (indent, marker, lines of text)
    for line in lines:
        m = _LIST_ITEM.match(line)
        if m:
            items.append((m["indent"], m["marker"], [m["text"]]))
        elif items:
            items[-1][2].append(line)
    out: list[Text] = []
    for indent, marker, text_lines in items:
        depth = min(len(indent) // 2, 4) * 2
        shown = "•" if marker in "-*+" else marker
        prefix = " " * depth + shown + " "
        hang = cell_width(prefix, model)
        body = Text(prefix, style="bold") + inline_text(_join_lines(text_lines))
        out.extend(wrap_text(body, width, model, indent=hang))
    return out


def body_lines(version: Version, width: int, model: str = DEFAULT_MODEL,
               indexes: Iterable[int] | None = None) -> list[Text]:
    """The body's paragraphs (all, or those of `indexes`) wrapped, a blank line between them."""
    paras = paragraphs(version.body)
    chosen = [paras[i] for i in indexes] if indexes is not None else paras
    out: list[Text] = []
    for i, para in enumerate(chosen):
        if i:
            out.append(Text(""))
        out.extend(block_lines(para, width, model))
    return out


def post_header(post: Post, version: Version) -> Text:
    """Title, then date · authors · outlet · kind, then the other languages."""
    header = Text()
    header.append(version.title, style="bold")
    header.append("\n")
    details = [version.date.isoformat().replace("T", " ")]
    if version.authors:
        details.append(", ".join(version.authors))
    for key in ("affiliation", "outlet", "kind"):
        if version.get(key):
            details.append(version.get(key))
    header.append(" · ".join(details), style="dim")
    others = [lang for lang in post.languages if lang != version.lang]
    header.append(f"\n{post.id}  [{version.lang}]", style="dim")
    if others:
        header.append(f"  also in: {', '.join(others)}", style="dim")
    if version.tags:
        header.append("\ntags: " + ", ".join(version.tags), style="dim")
    if version.get("source_url"):
        header.append("\n" + version.get("source_url"), style="dim underline")
    return header


def version_details(version: Version) -> Text:
    """Date · authors of one version, under its title in a side-by-side column."""
    details = [version.date.isoformat().replace("T", " "), *([", ".join(version.authors)] if version.authors else [])]
    return Text(" · ".join(details), style="dim")


def captions(version: Version) -> list[Text]:
    """One line of text per image of the version: ▣ caption (credit)."""
    images = version.meta.get("images") or []
    out: list[Text] = []
    for image in images if isinstance(images, list) else []:
        if not isinstance(image, dict):
            continue
        caption = str(image.get("caption") or "")
        credit = str(image.get("credit") or "")
        text = Text("▣ ", style="dim")
        text.append(caption, style="italic")
        if credit:
            text.append(f" ({credit})", style="dim")
        out.append(text)
    return out


def caption_lines(version: Version, width: int, model: str = DEFAULT_MODEL) -> list[Text]:
    """The captions wrapped (a hanging indent under the ▣)."""
    return [line for caption in captions(version) for line in wrap_text(caption, width, model, indent=2)]


class Lines:
    """A renderable made of lines the program wrapped itself, for the console's width."""

    def __init__(self, make: Callable[[int], list[Text]]) -> None:
        self.make = make

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.make(options.max_width):
            yield from line.render(console)
            yield Segment.line()


def version_lines(post: Post, version: Version, width: int, model: str = DEFAULT_MODEL) -> list[Text]:
    """The whole post in one language as wrapped lines: header, captions, body."""
    return [
        *wrap_text(post_header(post, version), width, model),
        Text(""),
        *[*caption_lines(version, width, model), Text("")][: None if captions(version) else 0],
        *body_lines(version, width, model),
    ]


def render_version(post: Post, version: Version, model: str = DEFAULT_MODEL) -> RenderableType:
    """The whole post in one language."""
    return Lines(lambda width: version_lines(post, version, width, model))


def render_stacked(post: Post, versions: list[Version], model: str = DEFAULT_MODEL) -> RenderableType:
    """Several languages of a post, one after the other, a rule between them."""
    parts: list[RenderableType] = []
    for i, version in enumerate(versions):
        if i:
            parts.append(Lines(lambda width: [Text(""), Text("─" * width, style=Style(dim=True)), Text("")]))
        parts.append(render_version(post, version, model))
    return Group(*parts)
