"""One version of a post rendered for the terminal: a header of its metadata, then its body.

The text is wrapped here, not by Rich, with the cell widths of `text.width`: Rich measures the
Khmer spacing vowel signs as zero cells where tmux and xterm draw one, and would cut unspaced
Khmer inside a cluster. Each wrapped line goes out as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from opedarchive.align import paragraphs
from opedarchive.model import Post, Version
from opedarchive.summary import version_reading_minutes
from opedarchive.text.width import DEFAULT_MODEL, ZWSP, cell_width, wrap_spans

_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|[0-9]{1,9}[.)])[ \t]+(?P<text>.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$")  # the text: group 2 without trailing spaces and #s
_QUOTE = re.compile(r"^ {0,3}> ?")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Inline Markdown: code, links and images, strong and emphasis (one level, no nesting). No
# bracket inside a link's text or address, and no `**` inside `**strong**` (nor `__` in `__…__`):
# each try then stops at the next such mark, so a paragraph of unclosed `[`, `](` or `**` costs
# time in proportion to its length (issue 14), not to its length squared.
_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|!?\[(?P<link>[^\[\]]*)\]\((?P<url>[^)\s\[\]]*)(?:\s+\"[^\"]*\")?\)"
    r"|(?P<sd>\*\*|__)(?P<strong>(?!\s)(?:(?!(?P=sd)).)+?(?<!\s))(?P=sd)"
    r"|(?<![\w*])\*(?P<em>(?!\s)[^*]+?(?<!\s))\*(?![\w*])"
    r"|(?<![\w_])_(?P<em2>(?!\s)[^_]+?(?<!\s))_(?![\w_])"
)
_INLINE_START = re.compile(r"[`!\[*_]")  # where a match of _INLINE can start
# How a block that may be a fence, a heading, a quote or a list starts (a block that does not is
# a paragraph: the patterns above all look at its first line only).
_MAYBE_SPECIAL = re.compile(r"[ \t]*[`~#>*+\-0-9]")
_STRIPPED = re.compile("[\x07\x08\x0b\x0c\x0d]")  # what `Text` strips (rich.control)

# A wrapped line: plain text when it has no style, as most lines of a long post (a `Text` for
# each cost more than finding where to cut it), else `Text`. What reaches the screen is the same.
Line = Text | str


def inline_text(markdown: str, style: str = "") -> Text:
    """A line of inline Markdown as styled text: **strong**, *emphasis*, `code`, [links](…)."""
    text = Text(style=style)
    pos = 0
    for m in _inline_matches(markdown):
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


def _inline_matches(markdown: str) -> Iterator[re.Match[str]]:
    """The matches of `_INLINE`, as `finditer` finds them; the pattern is tried only where one
    of its first characters stands (a long paragraph without markup costs one scan in C)."""
    pos = 0
    while (start := _INLINE_START.search(markdown, pos)) is not None:
        m = _INLINE.match(markdown, start.start())
        if m is None:
            pos = start.start() + 1
            continue
        yield m
        pos = m.end()


def wrap_text(text: Text, width: int, model: str = DEFAULT_MODEL, indent: int = 0) -> list[Text]:
    """Styled text wrapped to `width` cells (see `text.width.wrap_spans`); lines after the first
    are indented by `indent` cells. Zero-width spaces, break hints only, are not drawn."""
    return [Text(line, justify=text.justify, overflow=text.overflow) if isinstance(line, str) else line
            for line in _wrapped(text, width, model, indent)]


def as_text(line: Line) -> Text:
    """A line as `Text`."""
    return Text(line) if isinstance(line, str) else line


# The views below make their lines one at a time (generators), and the renderables take them so:
# a 15 MB paragraph is 200,000 lines, and holding them all as Text at once took 80 MB a column.

def _wrapped(text: Text, width: int, model: str, indent: int = 0) -> Iterator[Line]:
    """The lines of `wrap_text`, one at a time (plain when the text has no style)."""
    if not text.spans and not text.style:
        return _plain_wrapped(text.plain, width, model, indent)
    return _styled_wrapped(text, width, model, indent)


def _line_spans(plain: str, width: int, model: str, indent: int) -> list[tuple[int, int]]:
    """Where `_wrapped` cuts the lines (the continuation lines `indent` cells narrower)."""
    spans = wrap_spans(plain, width, model)
    if indent and len(spans) > 1:
        # The continuation lines are narrower: wrap what follows the first line again.
        start = spans[0][1]
        rest = plain[start:]
        skipped = len(rest) - len(rest.lstrip(" "))
        offset = start + skipped
        spans = spans[:1] + [(offset + s, offset + e) for s, e in wrap_spans(rest[skipped:], width - indent, model)]
    return spans


def _plain_wrapped(plain: str, width: int, model: str, indent: int = 0) -> Iterator[str]:
    """The lines of text without styles (and without the control codes `Text` strips)."""
    pad = " " * indent
    for i, (s, e) in enumerate(_line_spans(plain, width, model, indent)):
        line = plain[s:e]
        if ZWSP in line:
            line = line.replace(ZWSP, "")
        yield pad + line if indent and i else line


def _styled_wrapped(text: Text, width: int, model: str, indent: int) -> Iterator[Text]:
    for i, line in enumerate(_cut(text, _line_spans(text.plain, width, model, indent))):
        if ZWSP in line.plain:
            line = Text("").join(line.split(ZWSP, allow_blank=True))
        if indent and i:
            line = Text(" " * indent) + line
        yield line


def _cut(text: Text, spans: list[tuple[int, int]]) -> Iterator[Text]:
    """`text[s:e]` for each (s, e) of `spans` (in order, not overlapping), in one pass over the
    text: slicing a Rich Text copies all of it each time."""
    if not text.spans:
        plain, style, justify, overflow = text.plain, text.style, text.justify, text.overflow
        return (Text(plain[s:e], style=style, justify=justify, overflow=overflow) for s, e in spans)
    pieces = text.divide([offset for span in spans for offset in span])
    return (pieces[2 * i + 1] for i in range(len(spans)))


def _join_lines(lines: Iterable[str]) -> str:
    # A soft line break in Markdown reads as a space.
    return " ".join(line.strip() for line in lines if line.strip())


def block_lines(block: str, width: int, model: str = DEFAULT_MODEL) -> list[Text]:
    """One paragraph of Markdown (as `align.paragraphs` cuts them) as wrapped lines: lists keep
    their markers with a hanging indent, headings are bold, quotes get a bar, code stays as is."""
    return [as_text(line) for line in _block_lines(block, width, model)]


# Quotes nested deeper than this show their further `>` as text (a paragraph of 20,000 `> `
# ended in RecursionError, and each level costs a pass over the paragraph).
MAX_QUOTE_DEPTH = 16


def _block_lines(block: str, width: int, model: str) -> Iterator[Line]:
    """The lines of `block_lines`, one at a time."""
    if _MAYBE_SPECIAL.match(block) is None:  # a paragraph (most blocks)
        text = block.expandtabs(4)
        return _paragraph(_join_lines(text.split("\n")) if "\n" in text else text.strip(), width, model)
    lines = block.expandtabs(4).split("\n")
    depth = 0  # levels of quote taken off
    while depth < MAX_QUOTE_DEPTH and not _FENCE.match(lines[0]) and _heading(lines) is None and (
            all(_QUOTE.match(line) for line in lines)):
        lines = [_QUOTE.sub("", line, count=1) for line in lines]
        depth += 1
        width = max(1, width - 2)
    inner = _unquoted_lines(lines, width, model)
    if not depth:
        return inner
    bar = Text("┃ ", style="dim")
    return (_quoted(bar, line, depth) for line in inner)


def _quoted(bar: Text, line: Line, depth: int) -> Text:
    quoted = as_text(line)
    for _ in range(depth):
        quoted = bar + quoted
    return quoted


def _heading(lines: list[str]) -> str | None:
    """The text of a heading when the block is one (a single line of #s, a space and text)."""
    heading = _HEADING.match(lines[0]) if len(lines) == 1 else None
    return heading.group(2).rstrip(" \t#") if heading else None


def _unquoted_lines(lines: list[str], width: int, model: str) -> Iterator[Line]:
    """The lines of a block that is no quote: code, a heading, a list or a paragraph."""
    if _FENCE.match(lines[0]):
        code = [line for line in lines if not _FENCE.match(line)]
        return (wrapped for line in code for wrapped in wrap_text(Text(line, style="dim"), width, model) or [Text("")])
    heading = _heading(lines)
    if heading is not None:
        return _wrapped(inline_text(heading, style="bold"), width, model)
    if _LIST_ITEM.match(lines[0]):
        return _list_lines(lines, width, model)
    return _paragraph(_join_lines(lines), width, model)


def _paragraph(markdown: str, width: int, model: str) -> Iterator[Line]:
    """A paragraph's inline Markdown wrapped (without a Text when it holds no markup)."""
    if _INLINE_START.search(markdown) is None:
        return _plain_wrapped(strip_control_codes(markdown) if _STRIPPED.search(markdown) else markdown, width, model)
    return _wrapped(inline_text(markdown), width, model)


def _list_lines(lines: list[str], width: int, model: str) -> Iterator[Line]:
    items: list[tuple[str, str, list[str]]] = []  # (indent, marker, lines of text)
    for line in lines:
        m = _LIST_ITEM.match(line)
        if m:
            items.append((m["indent"], m["marker"], [m["text"]]))
        elif items:
            items[-1][2].append(line)
    for indent, marker, text_lines in items:
        depth = min(len(indent) // 2, 4) * 2
        shown = "•" if marker in "-*+" else marker
        prefix = " " * depth + shown + " "
        hang = cell_width(prefix, model)
        body = Text(prefix, style="bold") + inline_text(_join_lines(text_lines))
        yield from _wrapped(body, width, model, indent=hang)


def body_lines(version: Version, width: int, model: str = DEFAULT_MODEL,
               indexes: Iterable[int] | None = None) -> list[Text]:
    """The body's paragraphs (all, or those of `indexes`) wrapped, a blank line between them."""
    paras = paragraphs(version.body)
    chosen = [paras[i] for i in indexes] if indexes is not None else paras
    return [as_text(line) for line in paragraph_lines(chosen, width, model)]


# A paragraph that `_block_lines` gives back as its one line: no leading or trailing space, no
# start of a fence, heading, quote or list, no inline Markdown, tab, line break, zero-width space
# or what `Text` strips (and short enough: see `paragraph_lines`).
_AS_IS = re.compile(r"(?![`~#>*+\-0-9])(?!\s)[^\n\t`!\[*_\x07\x08\x0b\x0c\x0d\u200b]*(?<!\s)")


def paragraph_lines(paras: Iterable[str], width: int, model: str = DEFAULT_MODEL) -> Iterator[Line]:
    """Paragraphs (as `align.paragraphs` cuts them) wrapped, a blank line between them, one line
    at a time."""
    for i, para in enumerate(paras):
        if i:
            yield ""
        # A short plain paragraph is its own line, found without the calls of `_block_lines` and
        # `wrap_spans` (issue 14: 2 µs a paragraph, 0.4 s of a view of 100,000 a side).
        n = len(para)
        if (n > 0 and (2 * n <= width or (n <= width and para.isascii() and para.isprintable()))
                and _AS_IS.fullmatch(para)):
            yield para
        else:
            yield from _block_lines(para, width, model)


def post_header(post: Post, version: Version) -> Text:
    """Title, then date · authors · outlet · kind · reading time, then the other languages."""
    header = Text()
    header.append(version.title, style="bold")
    header.append("\n")
    details = [version.date.isoformat().replace("T", " ")]
    if version.authors:
        details.append(", ".join(version.authors))
    for key in ("affiliation", "outlet", "kind"):
        if version.get(key):
            details.append(version.get(key))
    details.append(f"{version_reading_minutes(version)} min read")
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

    def __init__(self, make: Callable[[int], Iterable[Line]]) -> None:
        self.make = make

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return line_segments(self.make(options.max_width), console)


# Lines without styles go out this many to a segment: each segment costs Rich a trip through
# its generators, and a long post has hundreds of thousands of lines.
LINES_PER_SEGMENT = 200


def line_segments(lines: Iterable[Line], console: Console) -> Iterator[Segment]:
    """The segments of lines, each ended by a line break."""
    newline = Segment.line()
    styled = console.color_system is not None  # else styles do not show: a line is its text
    held: list[str] = []  # lines without styles, each with its line break, not yet given out
    for line in lines:
        if isinstance(line, str):
            held.append(line + "\n")
        elif styled and (line.spans or line.style):
            if held:
                yield Segment("".join(held))
                held = []
            yield from line.render(console)
            yield newline
            continue
        else:  # what `Text.render` gives, without its cost (a long post has many lines)
            held.append(line.plain + "\n")
        if len(held) >= LINES_PER_SEGMENT:
            yield Segment("".join(held))
            held = []
    if held:
        yield Segment("".join(held))


def version_lines(post: Post, version: Version, width: int, model: str = DEFAULT_MODEL) -> list[Text]:
    """The whole post in one language as wrapped lines: header, captions, body."""
    return [as_text(line) for line in _version_lines(post, version, width, model)]


def _version_lines(post: Post, version: Version, width: int, model: str) -> Iterator[Line]:
    yield from wrap_text(post_header(post, version), width, model)
    yield Text("")
    if captions(version):
        yield from caption_lines(version, width, model)
        yield Text("")
    yield from paragraph_lines(paragraphs(version.body), width, model)


def render_version(post: Post, version: Version, model: str = DEFAULT_MODEL) -> RenderableType:
    """The whole post in one language."""
    return Lines(lambda width: _version_lines(post, version, width, model))


def render_stacked(post: Post, versions: list[Version], model: str = DEFAULT_MODEL) -> RenderableType:
    """Several languages of a post, one after the other, a rule between them."""
    parts: list[RenderableType] = []
    for i, version in enumerate(versions):
        if i:
            parts.append(Lines(lambda width: [Text(""), Text("─" * width, style=Style(dim=True)), Text("")]))
        parts.append(render_version(post, version, model))
    return Group(*parts)
