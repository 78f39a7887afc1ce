"""Translation status: which text of its original a translation translates (a hash of the
original's words, kept in the translation's `translation_of` key), whether that text has changed
since, which languages a post still lacks, and rewriting the key in a post file."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opedarchive.model import TRANSLATION_KEY, Post, Version, translates

if TYPE_CHECKING:
    from opedarchive.archive import Archive

HASH_PREFIX = "sha256:"
_HASH_RE = re.compile(r"^sha256:[0-9a-f]{64}$")

# What a translation's status can be (`status`).
ORIGINAL = "original"  # the post's original: it translates nothing
CURRENT = "current"  # its original's words are the ones it recorded
OUTDATED = "outdated"  # its original's words changed since it recorded them
UNRECORDED = "unrecorded"  # it records no original text (added by hand: `check --fix` records it)
UNKNOWN = "unknown"  # the original it names is not in the post, or its words are not known yet


class _WordTable(dict[int, "int | None"]):
    """A `str.translate` table, filled as characters are met: letters, marks and numbers stay,
    zero-width characters go, everything else (space, punctuation, Markdown markup) becomes a space."""

    _DROPPED = frozenset(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u17b4\u17b5"))

    def __missing__(self, code: int) -> int | None:
        kept = None if code in self._DROPPED else code if unicodedata.category(chr(code))[0] in "LMN" else 32
        self[code] = kept
        return kept


_TABLE = _WordTable()
# Bytes of UTF-8: ASCII characters that are not letters or digits become a space; the bytes of
# other characters stay (the non-ASCII characters that do not stay are replaced before encoding).
_ASCII_SPACES = bytes(code if _TABLE[code] == code else 32 for code in range(128)) + bytes(range(128, 256))
_SPACE_RUNS = re.compile(b"  +")
# Blocks whose letters, marks and numbers `_odd_characters` knows without asking: Latin (with
# Latin-1, the extensions, IPA, modifier letters and combining diacritics), Khmer, Khmer symbols.
_KNOWN_BLOCKS = ((0x80, 0x36F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x1E00, 0x1EFF))
_ODD: re.Pattern[str] | None = None
_MOST_REPLACED = 16  # more different characters to replace than this: `str.translate` (one pass)


def _odd_characters() -> re.Pattern[str]:
    """Runs of characters that may not stay as they are: every non-ASCII character except the
    letters, marks and numbers of `_KNOWN_BLOCKS` (built on first use: ~0.6 ms)."""
    global _ODD
    if _ODD is None:
        kept: list[str] = []
        for low, high in _KNOWN_BLOCKS:
            code = low
            while code <= high:
                if _TABLE[code] != code:
                    code += 1
                    continue
                end = code
                while end < high and _TABLE[end + 1] == end + 1:
                    end += 1
                kept.append(re.escape(chr(code)) + ("-" + re.escape(chr(end)) if end > code else ""))
                code = end + 1
        odd = "[^\\x00-\\x7f" + "".join(kept) + "]"
        _ODD = re.compile(odd + odd + "*")  # not `odd+`: `re` finds a lone class ~2x as fast
    return _ODD


def words_of(body: str) -> str:
    """A body's words, as its translation status compares them: NFC; zero-width characters
    (U+200B–U+200D, U+2060, U+FEFF, U+17B4, U+17B5) dropped; every run of other characters that
    are not letters, marks or numbers (white space, line breaks, punctuation, Markdown's `*`,
    `_`, `#`, `>`) one space. Case, digits and spelling are kept as written. This is frozen:
    changing it would make every recorded hash look outdated."""
    # The same as `" ".join(NFC(body).translate(_TABLE).split())` (tests/test_words_of.py proves
    # it), ~3 times as fast: each different non-ASCII character that does not stay is replaced
    # in one `str.replace` pass, then in UTF-8 ASCII punctuation becomes a space in one
    # `bytes.translate` pass and runs of spaces become one. (No letter, mark or number is white
    # space, so the only white space left is the spaces.)
    if body.isascii():
        text = body
    else:
        text = unicodedata.normalize("NFC", body)
        replaced = 0
        for char in set("".join(_odd_characters().findall(text))):
            code = _TABLE[ord(char)]
            if code != ord(char):
                replaced += 1
                if replaced > _MOST_REPLACED:  # (what it replaced, it replaced as the table does)
                    return " ".join(text.translate(_TABLE).split())
                text = text.replace(char, "" if code is None else " ")
    words = _SPACE_RUNS.sub(b" ", text.encode("utf-8").translate(_ASCII_SPACES)).strip(b" ")
    return words.decode("utf-8")


def text_hash(body: str) -> str:
    """`sha256:` and the SHA-256 (hex) of `words_of(body)` in UTF-8."""
    import hashlib  # here: loading it costs a command 7-14 ms (OpenSSL)

    return HASH_PREFIX + hashlib.sha256(words_of(body).encode("utf-8")).hexdigest()


def version_hash(version: Version) -> str | None:
    """The text hash of a version's body (kept by the index for a listed version); None where
    the index does not know it yet."""
    if version.digest is not None:
        return version.digest or None
    return text_hash(version.body)


def recorded(version: Version) -> tuple[str, str] | None:
    """(original's language, text hash) a translation recorded, or None (none, or malformed)."""
    lang = translates(version)
    text = version.meta[TRANSLATION_KEY].get("text") if lang is not None else None
    return (lang, text) if lang is not None and isinstance(text, str) and _HASH_RE.match(text) else None


def record_of(original: Version) -> dict[str, str]:
    """The `translation_of` value of a translation of `original` as it is now."""
    digest = version_hash(original)
    if digest is None:
        raise ValueError(f"the text of the {original.lang} version is not known")
    return {"lang": original.lang, "text": digest}


def record_translations(original: Version, translations: list[Version]) -> None:
    """Give each of `translations` that records no original text the record of `original`
    (before they are first written: `add`, `import`)."""
    if any(v.lang != original.lang and v.meta.get(TRANSLATION_KEY) is None for v in translations):
        give_record(record_of(original), translations)


def give_record(record: dict[str, str], translations: list[Version]) -> None:
    """Give each of `translations` that records no original text `record` (an original's
    `record_of`, kept by an import for a translation that joins the post later)."""
    for version in translations:
        if version.lang != record["lang"] and version.meta.get(TRANSLATION_KEY) is None:
            version.meta[TRANSLATION_KEY] = dict(record)
            version.rendered = None  # its bytes (if an import's worker made them) no longer match


def key_problem(version: Version) -> str | None:
    """What is wrong with a version's `translation_of` key, or None (no key is no problem)."""
    value = version.meta.get(TRANSLATION_KEY)
    if value is None:
        return None
    form = "should be {lang: <language>, text: sha256:<64 hex digits>}"
    if not isinstance(value, dict) or not isinstance(value.get("lang"), str):
        return f"'{TRANSLATION_KEY}' {form}"
    if value["lang"] == version.lang:
        return f"'{TRANSLATION_KEY}' names the version's own language ({version.lang})"
    if recorded(version) is None:
        return f"'{TRANSLATION_KEY}' {form}"
    return None


def status(post: Post, lang: str) -> str:
    """The translation status of one version of a post (ORIGINAL, CURRENT, OUTDATED, UNRECORDED
    or UNKNOWN)."""
    version = post.versions[lang]
    record = recorded(version)
    if record is None:
        if lang == post.original.lang:
            return ORIGINAL
        return UNKNOWN if translates(version) is not None else UNRECORDED
    original = post.versions.get(record[0])
    if original is None:
        return UNKNOWN
    now = version_hash(original)
    if now is None:
        return UNKNOWN
    return CURRENT if now == record[1] else OUTDATED


def outdated_languages(post: Post) -> list[str]:
    """The languages of a post's translations whose original changed since they recorded it."""
    if len(post.versions) < 2:
        return []
    return [lang for lang in post.versions if status(post, lang) == OUTDATED]


def missing_languages(post: Post, languages: list[str]) -> list[str]:
    """The archive's languages a post has no version in, in the archive's order."""
    return [lang for lang in languages if lang not in post.versions]


# ---------------------------------------------------------------------------- the key in a file


_TOP_KEY = re.compile(rf"^{TRANSLATION_KEY}[ \t]*:", re.M)
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


def with_record(text: str, record: dict[str, Any], path: Path | str) -> str:
    """A post file's text with its `translation_of` key set to `record`; every other byte as it
    was where the front matter allows (block YAML), else the file as the tool writes it."""
    from opedarchive.model import dump_yaml, render_post, split_post, validate_version

    meta, body = split_post(text, path)
    first_nl = text.index("\n")
    closing = _CLOSING.search(text, first_nl + 1)
    assert closing is not None  # split_post found it
    front = text[first_nl + 1 : closing.start()]
    block = dump_yaml({TRANSLATION_KEY: record})
    lines = front.splitlines(keepends=True)
    out: list[str] = []
    placed = False
    skipping = False
    for line in lines:
        if skipping and line[:1] in (" ", "\t"):
            continue
        skipping = False
        if _TOP_KEY.match(line):
            skipping = True
            if not placed:
                out.append(block)
                placed = True
            continue
        out.append(line)
    if not placed:
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n"
        out.append(block)
    new = text[: first_nl + 1] + "".join(out) + text[closing.start() :]
    try:
        new_meta, new_body = split_post(new, path)
    except Exception:  # any failure: the file is written as the tool writes it
        new_meta, new_body = {}, None
    if new_body == body and new_meta == {**meta, TRANSLATION_KEY: record}:
        return new
    version = validate_version({**meta, TRANSLATION_KEY: record}, body, path)
    return render_post(version)


def write_record(archive: Archive, version: Version, record: dict[str, Any]) -> Path:
    """Set a version's `translation_of` to `record` in its file, atomically; returns the path."""
    from opedarchive.archive import atomic_write
    from opedarchive.errors import OpedError
    from opedarchive.model import decode_post_bytes, read_limited

    path = version.path
    if path is None:
        raise OpedError(f"the {version.lang} version has no file")
    text = decode_post_bytes(read_limited(path), path)
    try:
        atomic_write(path, with_record(text, record, path).encode("utf-8"))
    except OSError as exc:
        raise OpedError(f"{path}: cannot write: {exc.strerror}") from None
    version.meta[TRANSLATION_KEY] = record
    return path


def record_missing(archive: Archive, post: Post) -> list[Path]:
    """Give every translation of a post that records no original text the record of its
    original as it is now (`check --fix`); returns the files rewritten."""
    if len(post.versions) < 2:
        return []
    original = post.original
    written = []
    for lang, version in post.versions.items():
        if lang != original.lang and version.meta.get(TRANSLATION_KEY) is None:
            written.append(write_record(archive, version, record_of(original)))
    return written


def mark_translated(archive: Archive, post: Post, lang: str) -> tuple[Path, bool]:
    """Record that a post's `lang` version translates its original as it is now (`translated`);
    returns (the file, whether it changed)."""
    from opedarchive.errors import OpedError, PostNotFound

    version = post.versions.get(lang)
    if version is None:
        raise PostNotFound(f"{post.id} has no '{lang}' version (it has {', '.join(post.languages)})")
    claimed = translates(version)
    original = post.versions.get(claimed) if claimed is not None else post.original
    if original is None:
        raise OpedError(f"{post.id}: the {lang} version says it translates the {claimed} version, "
                        f"which the post does not have")
    if original.lang == lang:
        raise OpedError(f"{post.id}: the {lang} version is the post's original, not a translation")
    record = record_of(original)
    if version.meta.get(TRANSLATION_KEY) == record:
        return version.path or archive.path_for(post.id, lang), False
    return write_record(archive, version, record), True
