"""`check`: every problem in the archive's files, one line each."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from opedarchive.archive import Archive, split_file_name
from opedarchive.errors import ArchiveError, PostFileError
from opedarchive.model import (
    TRANSLATION_KEY,
    conflict_line,
    conflict_lines,
    decode_post_bytes,
    order_languages,
    parse_post,
    read_limited,
    translates,
)
from opedarchive.paths import POSTS_DIR, is_post_folder_name
from opedarchive.translation import key_problem

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


@dataclass
class Report:
    """What `check` found: how many post files it read, the problems, and the posts whose
    translations record no original text (`check --fix` records it)."""

    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)
    conflicted: set[str] = field(default_factory=set)  # posts with a file holding git conflict markers


def conflict_problem(path: str, lines: list[int]) -> Problem:
    """The problem of a file holding git conflict markers (at `lines`)."""
    more = f"; {len(lines)} conflicts in the file" if len(lines) > 1 else ""
    return Problem(path, f"unresolved git merge conflict (<<<<<<< … >>>>>>>{more}): "
                         "resolve it and remove the markers", lines[0])


def check_archive(archive: Archive) -> tuple[int, list[Problem]]:
    """(files checked, problems) over every file under `posts/`."""
    report = check(archive)
    return report.checked, report.problems


def check(archive: Archive) -> Report:
    """Every problem of the archive's files (see `Report`)."""
    problems: list[Problem] = []
    seen_ids: dict[str, str] = {}
    folded: dict[tuple[str, str], str] = {}  # (id, lang case-folded) → file
    conflicted: set[str] = set()
    days: dict[str, dict[str, Facts]] = {}  # post id → lang → (day, file, translates, whether it has the key)
    checked = 0
    root = archive.root

    def rel(path: str) -> str:
        return os.path.relpath(path, root)

    problems.extend(_strays(archive))

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
            if os.path.dirname(dirpath) != str(archive.posts_dir):
                problems.append(Problem(rel(path), f"a post file outside {POSTS_DIR}/YYYY/: it is not read; "
                                                   f"move it to {POSTS_DIR}/{post_id[:4]}/"))
                continue
            if folder != post_id[:4]:
                problems.append(Problem(rel(path), f"in folder {folder!r} but its id starts with {post_id[:4]}"))
            key = f"{post_id}.{lang}"
            if key in seen_ids:
                problems.append(Problem(rel(path), f"duplicate id: {post_id} ({lang}) is also {seen_ids[key]}"))
            elif (post_id, lang.casefold()) in folded:
                problems.append(Problem(rel(path), f"two files claim {post_id} in one language: this one and "
                                                   f"{folded[post_id, lang.casefold()]} (language codes ignore case)"))
            seen_ids[key] = rel(path)
            folded.setdefault((post_id, lang.casefold()), rel(path))
            file_path = archive.posts_dir / os.path.relpath(path, archive.posts_dir)
            try:
                text = decode_post_bytes(read_limited(file_path), file_path)
                conflicts = conflict_lines(text) if "<<<<<<<" in text or ">>>>>>>" in text else []
                if conflicts:
                    problems.append(conflict_problem(rel(path), conflicts))
                    conflicted.add(post_id)
                    continue
                version = parse_post(text, file_path, expected_lang=lang)
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
            problem = key_problem(version)
            if problem is not None:
                problems.append(Problem(rel(path), problem))
            has_key = version.meta.get(TRANSLATION_KEY) is not None
            days.setdefault(post_id, {}).setdefault(lang, (version.day, rel(path), translates(version), has_key))
    languages = archive.config.languages
    problems.extend(_translated_before(days, languages))
    problems.extend(_orphans(days))
    return Report(checked, problems, _unrecorded(days, languages), conflicted)


Facts = tuple[date, str, "str | None", bool]


def _original(by_lang: dict[str, Facts], languages: list[str]) -> list[str]:
    """A post's languages, its original first (as `model.original_order` orders them)."""
    claimed = {t for _, _, t, _ in by_lang.values() if t is not None}
    return order_languages(list(by_lang), languages, claimed)


def _unrecorded(days: dict[str, dict[str, Facts]], languages: list[str]) -> list[str]:
    """The posts with a translation (a version other than the original) that records no original text."""
    return sorted(post_id for post_id, by_lang in days.items() if len(by_lang) > 1
                  and any(not by_lang[lang][3] for lang in _original(by_lang, languages)[1:]))


def _strays(archive: Archive) -> list[Problem]:
    """Post files beside `posts/` (in the archive's folder, or a year folder there): not read."""
    found: list[Problem] = []
    try:
        entries = sorted(os.scandir(archive.root), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        if entry.name.startswith(".") or entry.name == POSTS_DIR:
            continue
        names: list[str] = []
        if entry.is_file(follow_symlinks=False):
            names = [entry.name]
        elif entry.is_dir(follow_symlinks=False) and len(entry.name) == 4 and entry.name.isdigit():
            try:
                names = sorted(f"{entry.name}/{n}" for n in os.listdir(entry.path))
            except OSError:
                continue
        for name in names:
            parts = split_file_name(name.rpartition("/")[2])
            if parts is not None:
                found.append(Problem(name, f"a post file outside {POSTS_DIR}/YYYY/: it is not read; "
                                           f"move it to {POSTS_DIR}/{parts[0][:4]}/"))
    return found


def _orphans(days: dict[str, dict[str, Facts]]) -> list[Problem]:
    """Translations whose `translation_of` names a language their post does not have."""
    return [Problem(path, f"'{TRANSLATION_KEY}' names the {claimed} version, which this post does not have")
            for by_lang in days.values() for _, path, claimed, _ in by_lang.values()
            if claimed is not None and claimed not in by_lang]


def _translated_before(days: dict[str, dict[str, Facts]], languages: list[str]) -> list[Problem]:
    """A post whose original (the version the others say they translate, else its first
    language in the archive's order) is dated after one of its translations: the post's date
    is its original's, so one of the two is wrong."""
    problems: list[Problem] = []
    for by_lang in days.values():
        if len(by_lang) < 2:
            continue
        original, *others = _original(by_lang, languages)
        day, path, _, _ = by_lang[original]
        earlier = [(by_lang[lang][0], lang) for lang in others if by_lang[lang][0] < day]
        if earlier:
            first, lang = min(earlier)
            problems.append(Problem(path, f"the original ({original}) is dated {day.isoformat()}, after its "
                                          f"{lang} translation ({first.isoformat()})"))
    return problems


def fix(archive: Archive, report: Report) -> list[str]:
    """`check --fix`, its one safe fix: give the translations that record no original text
    (`report.unrecorded`) the record of their original as it is now, each file rewritten
    atomically; a post with a file that cannot be read or holds git conflict markers is left
    alone. Returns the files rewritten, relative to the archive."""
    from opedarchive.translation import record_missing

    written: list[str] = []
    for post_id in report.unrecorded:
        if post_id in report.conflicted:
            continue
        try:
            post = archive.get(post_id)
        except PostFileError:
            continue  # (reported by `check`)
        written.extend(os.path.relpath(path, archive.root) for path in record_missing(archive, post))
    return written


def conflicts(archive: Archive) -> list[Problem]:
    """Every post file holding git conflict markers (what `export --html` refuses to publish):
    from the search index, brought up to date (it reads only the files that changed), else,
    where the index cannot be used, by reading every file."""
    import sqlite3

    from opedarchive.errors import OpedError
    from opedarchive.index import Index

    try:
        with Index(archive, announce_build=False) as index:
            index.refresh()
            return [Problem(path, "unresolved git merge conflict", line) for path, line in index.conflicts()]
    except (OpedError, sqlite3.Error, OSError):
        pass
    found: list[Problem] = []
    for path, _, _ in archive.files():
        try:
            line = conflict_line(decode_post_bytes(read_limited(path), path))
        except PostFileError:
            continue
        if line is not None:
            found.append(Problem(os.path.relpath(path, archive.root), "unresolved git merge conflict", line))
    return found
