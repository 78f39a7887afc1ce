"""`export --markdown DIR`: a Hugo-ready site folder: `content/posts/YYYY/<id>.<lang>.md` (Hugo's
translation-by-file-name, so versions of a post pair up), a two-language `hugo.toml`, and a
minimal set of layouts so that `hugo` builds it with no theme."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from opedarchive.archive import Archive
from opedarchive.export.base import ExportResult, OutputDir, digest
from opedarchive.export.markup import language_name
from opedarchive.importers.base import parse_date_value
from opedarchive.model import Post, Version, dump_yaml, ordered_meta
from opedarchive.serialize import json_value

NAME = "markdown"
KIND = "dir"
LAYOUTS = "hugo-layouts"
# Front-matter keys Hugo reads as dates (any case): `date`, `lastmod`, `publishDate`, `expiryDate`.
HUGO_DATE_KEYS = ("lastmod", "modified", "publishdate", "pubdate", "published", "expirydate", "unpublishdate")
# A shortcode call, `{{< name args >}}` or `{{% /name %}}`, up to the first closing delimiter of its
# kind (as Hugo's lexer reads it); else an opening delimiter with no closing one after it.
_SHORTCODE = re.compile(r"\{\{<(?P<angle>.*?)>\}\}|\{\{%(?P<percent>.*?)%\}\}|\{\{(?=[<%])", re.S)


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def hugo_config(archive: Archive, languages: list[str]) -> str:
    """A minimal `hugo.toml`: the archive's languages (first = default), taxonomies, no theme."""
    config = archive.config
    base_url = str(config.site.get("base_url") or "/")
    lines = [
        "# Written by `opedarchive export --markdown`; edit freely (a re-export rewrites it only",
        "# when the archive's title or languages change).",
        f"baseURL = {_toml_string(base_url)}",
        f"title = {_toml_string(config.title)}",
        f"defaultContentLanguage = {_toml_string(languages[0])}",
        "disableKinds = ['RSS']",
        "",
        "[taxonomies]",
        "tag = 'tags'",
        "author = 'authors'",
        "",
        "[markup.goldmark.renderer]",
        "unsafe = false  # raw HTML in posts is not rendered",
        "",
        "[languages]",
    ]
    for weight, lang in enumerate(languages, start=1):
        lines += [f"  [languages.{_toml_string(lang)}]", f"    languageName = {_toml_string(language_name(lang))}",
                  f"    weight = {weight}"]
    return "\n".join(lines) + "\n"


def front_matter(post: Post, version: Version) -> dict[str, Any]:
    """The version's front matter for Hugo: ours, plus `translationKey` and a `slug` shared by
    every language (so /posts/<id>/ and /km/posts/<id>/ are the same post). A date Hugo would
    read from another key is written as ISO 8601, or left out when it is not a date at all."""
    meta = ordered_meta({**version.meta, "lang": version.lang})
    meta = {k: json_value(v) if k != "date" else v for k, v in meta.items()}
    for key in [k for k in meta if k != "date" and k.lower() in HUGO_DATE_KEYS]:
        when = parse_date_value(meta[key])
        if when is None:
            del meta[key]  # (Hugo stops the build on a date it cannot parse)
        else:
            meta[key] = when.isoformat()
    meta["slug"] = post.id
    meta["translationKey"] = post.id
    return meta


def _shortcode_as_text(match: re.Match[str]) -> str:
    """A Hugo shortcode call in Hugo's comment form (`{{</* name */>}}`), which Hugo prints as
    written; one already in that form as it is; a lone `{{<` with its first brace as an entity."""
    if match["angle"] is not None:
        opening, inner, closing = "{{<", match["angle"], ">}}"
    elif match["percent"] is not None:
        opening, inner, closing = "{{%", match["percent"], "%}}"
    else:
        return "&#123;{"
    if inner.startswith("/*") and inner.endswith("*/") and len(inner) >= 4:
        return match[0]
    return f"{opening}/*{inner}*/{closing}"


def hugo_body(body: str) -> str:
    """The body with every Hugo shortcode (`{{< notice >}}`, `{{% pageinfo %}}`) that came in with
    an import written so that Hugo shows it as text, as the website does: the exported folder has
    none of the old site's shortcode templates, and a built-in one may need what is not there
    (a page for `ref`, the network for `gist`)."""
    return _SHORTCODE.sub(_shortcode_as_text, body) if "{{" in body else body


def _own_aliases(meta: dict[str, Any], post: Post, others: set[str]) -> None:
    """Drop the `aliases` (Hugo redirect pages) that name another post's page: an imported
    alias must not replace that post with a redirect. Aliases of the post's own are kept."""
    aliases = meta.get("aliases")
    if aliases is None:
        return
    kept = [a for a in (aliases if isinstance(aliases, list) else [aliases]) if isinstance(a, str)
            and not any(part in others for part in a.lower().strip("/").split("/"))]
    if kept:
        meta["aliases"] = kept
    else:
        del meta["aliases"]


def render_version(post: Post, version: Version, others: set[str] | None = None) -> str:
    """The text of one Hugo content file (`others`: the ids of the other posts exported)."""
    body = hugo_body(version.body.strip("\n"))
    meta = front_matter(post, version)
    _own_aliases(meta, post, (others or set()) - {post.id})
    return f"---\n{dump_yaml(meta)}---\n\n{body}\n"


def export(archive: Archive, posts: list[Post], target: Path, *, clean: bool = False, force: bool = False
           ) -> ExportResult:
    out = OutputDir(target, NAME, clean=clean, force=force)
    try:
        languages = list(archive.config.languages)
        for post in posts:
            for lang in post.languages:
                if lang not in languages:
                    languages.append(lang)
        out.write("hugo.toml", hugo_config(archive, languages).encode("utf-8"))
        layouts = resources.files("opedarchive.export").joinpath(LAYOUTS)
        for item in sorted(layouts.iterdir(), key=lambda t: t.name):
            if item.name.endswith(".html"):
                out.write(f"layouts/{item.name}", item.read_bytes())
        ids = {post.id.lower() for post in posts}
        for post in posts:
            for version in post.versions.values():
                rel = f"content/posts/{post.id[:4]}/{post.id}.{version.lang}.md"
                text = render_version(post, version, ids)
                key = digest(text)
                if not out.fresh(rel, key):
                    out.write(rel, text.encode("utf-8"), key)
        out.finish()
    finally:
        out.close()
    return out.result(len(posts), target / "hugo.toml")
