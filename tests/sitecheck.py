"""Checks on an exported site shared by the export tests: parse every page, follow every link."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRS = {"href", "src", "action", "srcset", "poster", "data", "formaction", "xlink:href"}
_NOISE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass
class Page:
    """What a page holds that the checks look at."""

    path: Path
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    scripts: list[tuple[dict[str, str], str]] = field(default_factory=list)  # (attrs, inline text)
    ids: set[str] = field(default_factory=set)
    text: str = ""


class _Parser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.in_script: dict[str, str] | None = None
        self.script_text: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.page.tags.append((tag, values))
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "script":
            self.in_script, self.script_text = values, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.in_script is not None:
            self.page.scripts.append((self.in_script, "".join(self.script_text)))
            self.in_script = None

    def handle_data(self, data: str) -> None:
        if self.in_script is not None:
            self.script_text.append(data)
        else:
            self.text.append(data)


def parse_page(path: Path) -> Page:
    page = Page(path)
    parser = _Parser(page)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    page.text = "".join(parser.text)
    return page


def pages(site: Path) -> dict[str, Page]:
    return {p.relative_to(site).as_posix(): parse_page(p) for p in sorted(site.rglob("*.html"))}


def scheme(url: str) -> str:
    """The scheme a browser would see (noise characters removed), lower-case; '' for none."""
    return urlsplit(_NOISE.sub("", url)).scheme.lower()


def unsafe_things(page: Page, allowed_scripts: set[str]) -> list[str]:
    """Everything in a page that could run code: scripts not ours, on* handlers, script URLs,
    and elements that embed or restyle."""
    problems = []
    for attrs, inline in page.scripts:
        src = attrs.get("src", "")
        if inline.strip() or not any(src.endswith(a) for a in allowed_scripts):
            problems.append(f"script {attrs} {inline[:40]!r}")
    for tag, attrs in page.tags:
        if tag in {"iframe", "object", "embed", "svg", "math", "style", "base", "frame"}:
            problems.append(f"<{tag}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            problems.append("meta refresh")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRS and scheme(value) not in {"", "http", "https", "mailto"}:
                problems.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                problems.append(f"<{tag} style=…>")
    return problems


def internal_links(page: Page) -> list[str]:
    """Every URL of the page that points into the site (no scheme)."""
    out = []
    for _, attrs in page.tags:
        for name in ("href", "src", "action"):
            value = attrs.get(name)
            if value is not None and not scheme(value):
                out.append(value)
    return out


def broken_links(site: Path, all_pages: dict[str, Page]) -> list[str]:
    """Internal links whose file (or #fragment in it) does not exist; absolute paths count as broken."""
    problems = []
    for rel, page in all_pages.items():
        for url in internal_links(page):
            parts = urlsplit(url)
            if url.startswith(("/", "\\")) or parts.netloc:
                problems.append(f"{rel}: not relative: {url}")
                continue
            target = (page.path.parent / unquote(parts.path)).resolve() if parts.path else page.path
            if not target.is_file() or not target.is_relative_to(site.resolve()):
                problems.append(f"{rel}: {url}")
                continue
            if parts.fragment and target.suffix == ".html":
                target_rel = target.relative_to(site.resolve()).as_posix()
                if parts.fragment not in all_pages[target_rel].ids:
                    problems.append(f"{rel}: no #{parts.fragment} in {target_rel}")
    return problems
