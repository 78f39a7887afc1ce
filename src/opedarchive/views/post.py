"""One version of a post rendered for the terminal: a header of its metadata, then its body."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.text import Text

from opedarchive.model import Post, Version


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


def _captions(version: Version) -> list[RenderableType]:
    images = version.meta.get("images") or []
    out: list[RenderableType] = []
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


def render_version(post: Post, version: Version) -> RenderableType:
    """The whole post in one language."""
    parts: list[RenderableType] = [post_header(post, version), Text("")]
    captions = _captions(version)
    if captions:
        parts.extend([*captions, Text("")])
    parts.append(Markdown(version.body, hyperlinks=False))
    return Group(*parts)
