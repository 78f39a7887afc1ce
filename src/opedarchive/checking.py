"""`check`: every problem in the archive's files, one line each."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from datetime import date

from opedarchive.archive import Archive, split_file_name
from opedarchive.errors import ArchiveError, PostFileError
from opedarchive.model import order_languages
from opedarchive.paths import is_post_folder_name

LINKED = "is a symbolic link: not part of the archive (nothing is read, listed, searched or published through one)"


@dataclass
class Problem:
    """One problem: the file (relative to the archive), the line if known, and what is wrong."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def check_archive(archive: Archive) -> tuple[int, list[Problem]]:
    """(files checked, problems) over every file under `posts/`."""
    problems: list[Problem] = []
    seen_ids: dict[str, str] = {}
    days: dict[str, dict[str, tuple[date, str]]] = {}  # post id → lang → (day, file)
    checked = 0
    root = archive.root

    def rel(path: str) -> str:
        return os.path.relpath(path, root)

    if not archive.posts_dir.is_dir():
        raise ArchiveError(f"{archive.posts_dir}: no posts folder")
    for dirpath, dirnames, filenames in os.walk(archive.posts_dir):
        for name in dirnames:
            if os.path.islink(os.path.join(dirpath, name)):
                problems.append(Problem(rel(os.path.join(dirpath, name)), LINKED))
                continue
            if not name.startswith(".") and not is_post_folder_name(name):
                problems.append(Problem(rel(os.path.join(dirpath, name)),
                                        "folder name is not valid UTF-8; the files in it are not read"))
        dirnames[:] = sorted(d for d in dirnames if is_post_folder_name(d))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if name.startswith("."):
                continue
            if os.path.islink(path):
                problems.append(Problem(rel(path), LINKED))
                continue
            parts = split_file_name(name)
            if parts is None:
                if name.endswith(".md"):
                    problems.append(Problem(rel(path), "file name is not <YYYY-MM-DD-slug>.<lang>.md"))
                continue
            post_id, lang = parts
            checked += 1
            folder = os.path.basename(dirpath)
            if folder != post_id[:4]:
                problems.append(Problem(rel(path), f"in folder {folder!r} but its id starts with {post_id[:4]}"))
            key = f"{post_id}.{lang}"
            if key in seen_ids:
                problems.append(Problem(rel(path), f"duplicate id: {post_id} ({lang}) is also {seen_ids[key]}"))
            seen_ids[key] = rel(path)
            try:
                version = archive.read_version(archive.posts_dir / os.path.relpath(path, archive.posts_dir), lang)
            except PostFileError as exc:
                problems.append(Problem(rel(path), exc.reason, exc.line))
                continue
            texts = [version.body, *(str(v) for v in version.meta.values() if isinstance(v, str))]
            if any(not unicodedata.is_normalized("NFC", t) for t in texts):
                problems.append(Problem(rel(path), "text is not in Unicode NFC form"))
            if not version.body.strip() and not version.meta.get("images"):  # (an image's post may have none)
                problems.append(Problem(rel(path), "the body is empty"))
            if not isinstance(version.meta.get("authors", []), list):
                problems.append(Problem(rel(path), "'authors' should be a list"))
            if not isinstance(version.meta.get("tags", []), list):
                problems.append(Problem(rel(path), "'tags' should be a list"))
            days.setdefault(post_id, {}).setdefault(lang, (version.day, rel(path)))
    problems.extend(_translated_before(days, archive.config.languages))
    return checked, problems


def _translated_before(days: dict[str, dict[str, tuple[date, str]]], languages: list[str]) -> list[Problem]:
    """A post whose original (its first language in the archive's order) is dated after one
    of its translations: the post's date is its original's, so one of the two is wrong."""
    problems: list[Problem] = []
    for by_lang in days.values():
        if len(by_lang) < 2:
            continue
        original, *others = order_languages(list(by_lang), languages)
        day, path = by_lang[original]
        earlier = [(by_lang[lang][0], lang) for lang in others if by_lang[lang][0] < day]
        if earlier:
            first, lang = min(earlier)
            problems.append(Problem(path, f"the original ({original}) is dated {day.isoformat()}, after its "
                                          f"{lang} translation ({first.isoformat()})"))
    return problems
