"""The JSON shapes of posts (`list --json`, `show --json`, `export --json`): an interface."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from opedarchive.model import Post, Version
from opedarchive.text.summary import extract_summary


def json_value(value: Any) -> Any:
    """Front-matter values as JSON: dates as ISO strings, containers recursively."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def post_summary(post: Post) -> str:
    """The `summary` key of the original (else of any version), else an extractive summary."""
    for version in post.versions.values():
        if version.get("summary"):
            return " ".join(version.get("summary").split())
    original = post.original
    return original.abstract if original.abstract is not None else extract_summary(original.body)


def _rel(path: Path | None, root: Path | None) -> str:
    if path is None:
        return ""
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def version_json(version: Version, root: Path | None, body: bool, status: str | None = None) -> dict[str, Any]:
    from opedarchive.model import translates

    out: dict[str, Any] = {
        "lang": version.lang,
        "title": version.title,
        "date": json_value(version.date),
        "authors": version.authors,
        "path": _rel(version.path, root),
        "translation_of": translates(version),
        "translation": status,
    }
    if body:
        out["meta"] = json_value(version.meta)
        out["body"] = version.body
    return out


def post_json(post: Post, root: Path | None = None, *, bodies: bool = False,
              languages: list[str] | None = None) -> dict[str, Any]:
    """One post as JSON; with `bodies`, each version also carries `meta` and `body`; with the
    archive's `languages`, `needs_translation` names those the post lacks."""
    from opedarchive.translation import OUTDATED, missing_languages, status

    original = post.original
    statuses = {lang: status(post, lang) for lang in post.versions}
    return {
        "id": post.id,
        "date": json_value(original.date),
        "title": original.title,
        "authors": original.authors or post.list_field("authors"),
        "outlet": post.field("outlet"),
        "kind": post.field("kind"),
        "tags": post.list_field("tags"),
        "summary": post_summary(post),
        "languages": post.languages,
        "needs_translation": missing_languages(post, languages) if languages is not None else [],
        "outdated": [lang for lang, state in statuses.items() if state == OUTDATED],
        "versions": [version_json(v, root, bodies, statuses[v.lang]) for v in post.versions.values()],
    }
