"""Posts and their language versions; the front-matter schema, its validation and its YAML form."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from opedarchive.errors import PostFileError
from opedarchive.text.dates import as_date

REQUIRED_KEYS = ("title", "date", "lang")
# The order keys are written in; keys the tool does not know follow in their own order.
KNOWN_KEYS = (
    "title", "date", "lang", "authors", "affiliation", "outlet", "kind", "tags",
    "source_url", "summary", "images", "translator", "translation_of", "draft",
)
# A translation's record of the text it translates: `{lang: <its original's language>, text:
# sha256:<hash of the original's words>}` (see `translation`).
TRANSLATION_KEY = "translation_of"
LIST_KEYS = ("authors", "tags")
LANG_RE = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")
# The largest post file (bytes): checked from its size, and by reading no more, before it is read.
MAX_POST_BYTES = 16 * 1024 * 1024
MB = 1024 * 1024
# C0 controls other than tab and line feed, DEL, and the noncharacters U+FFFE and U+FFFF: no
# text of a post holds them (a terminal would obey them; XML, and so the site's feed, cannot
# carry them). Nor lone surrogates, which no UTF-8 file holds but a YAML or JSON escape makes.
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Front-matter values nested deeper than this (lists in mappings in lists…) are refused: real
# front matter nests two or three levels, and writing a deep value back would recurse.
MAX_VALUE_DEPTH = 32


@dataclass
class Version:
    """One language of a post: its front matter (every key, in file order) and its Markdown body."""

    lang: str
    meta: dict[str, Any]
    body: str
    path: Path | None = None
    # Figures of the body, kept by the search index so that `list` and `summary` can show a
    # version without reading its file (its `body` is then empty); None: compute from `body`.
    abstract: str | None = field(default=None, compare=False, repr=False)
    words: int | None = field(default=None, compare=False, repr=False)
    # The file's bytes, when an import's worker process has already rendered them (render_post);
    # whoever changes `meta` or `body` after that must set it back to None.
    rendered: bytes | None = field(default=None, compare=False, repr=False)
    # `translation.text_hash` of the body, kept by the search index for versions it lists
    # without their body; "" where the index does not know it yet; None: compute from `body`.
    digest: str | None = field(default=None, compare=False, repr=False)

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))

    @property
    def date(self) -> dt.date | dt.datetime:
        value = self.meta.get("date")
        return value if isinstance(value, (dt.date, dt.datetime)) else dt.date.min

    @property
    def day(self) -> dt.date:
        return as_date(self.date)

    @property
    def authors(self) -> list[str]:
        return as_list(self.meta.get("authors"))

    @property
    def tags(self) -> list[str]:
        return as_list(self.meta.get("tags"))

    def get(self, key: str, default: str = "") -> str:
        value = self.meta.get(key)
        return default if value is None else str(value)


def is_draft(version: Version) -> bool:
    """True when the version's `draft` key marks it unpublished (anything but an explicit no)."""
    value = version.meta.get("draft")
    return bool(value) and str(value).strip().lower() not in ("false", "no", "off", "0")


@dataclass
class Post:
    """All language versions that share one id; the first is the original."""

    id: str
    versions: dict[str, Version] = field(default_factory=dict)

    @property
    def original(self) -> Version:
        return next(iter(self.versions.values()))

    @property
    def languages(self) -> list[str]:
        return list(self.versions)

    def field(self, key: str) -> str:
        """A metadata value of the original, else of the first version that has it."""
        for version in self.versions.values():
            value = version.get(key)
            if value:
                return value
        return ""

    def list_field(self, key: str) -> list[str]:
        """The union, in order, of a list key (authors, tags) over every version."""
        seen: dict[str, None] = {}
        for version in self.versions.values():
            for item in as_list(version.meta.get(key)):
                seen.setdefault(item, None)
        return list(seen)


def as_list(value: Any) -> list[str]:
    """A list key's value as a list of strings (a lone string counts as a one-item list)."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and str(v) != ""]
    return [str(value)]


def order_languages(langs: list[str], preferred: list[str],
                    claimed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Languages in the archive's order first, others after in alphabetical order; languages in
    `claimed` (those another version says it translates) before all of them."""
    rank = {lang: i for i, lang in enumerate(preferred)}
    return sorted(langs, key=lambda lang: (-1 if lang in claimed else rank.get(lang, len(rank)), lang))


def translates(version: Version) -> str | None:
    """The language of the original that a version says it translates (`translation_of.lang`),
    or None (no such key, or not one naming a language)."""
    record = version.meta.get(TRANSLATION_KEY)
    lang = record.get("lang") if isinstance(record, dict) else None
    return lang if isinstance(lang, str) and lang != version.lang and validate_lang(lang) else None


def original_order(versions: list[Version], preferred: list[str]) -> list[str]:
    """The languages of one post's versions, its original first: the version the others say they
    translate (`translation_of`), else the first in the archive's language order."""
    claimed = {lang for lang in map(translates, versions) if lang is not None}
    return order_languages([v.lang for v in versions], preferred, claimed)


# ---------------------------------------------------------------------------- YAML


# Only text that could hold an anchor or alias needs the slower, alias-refusing loader.
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s]", re.M)


def load_yaml(text: str) -> Any:
    """Parse front matter YAML safely (no tags, no aliases)."""
    from opedarchive import yamlio  # PyYAML loads only where front matter is read or written

    return yamlio.load(text, refuse_aliases=_MAYBE_ALIAS.search(text) is not None)


# Strings that some YAML reader (1.1 or 1.2) would take for something else.
_AMBIGUOUS = re.compile(
    r"""^(?:
        y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
        |null|Null|NULL|~|
        |[-+]?(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
        |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?0[0-7_]+|0o[0-7]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+
        |[-+]?(?:[0-9][0-9_]*)(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
        |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
        |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?
        |<<|=
    )$""",
    re.X,
)


# Characters a plain or block scalar would not keep as they are (line separators, controls).
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


# What PyYAML surely writes as a plain scalar in a block mapping or sequence, as it is: a letter,
# then letters, digits, single spaces and printable characters that are no YAML indicator inside
# a scalar (not `:` or `#`; no control, line separator or byte-order mark), no space at the end;
# not so long that it would be folded; neither quoted by _represent_str nor read back by the
# resolver as something other than a string.
_PLAIN_TEXT = re.compile(
    "[^\\W\\d_](?:[\\w!\"$%&'()*+,./;<=>?@\\[\\\\\\]^`{|}~\\-"
    "\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffd]| (?=[^ ]))*"
)
_PLAIN_MAX = 1000
_KEY_MAX = 100


def _plain(text: str) -> bool:
    from opedarchive import yamlio

    return (len(text) <= _PLAIN_MAX and _PLAIN_TEXT.fullmatch(text) is not None and not _AMBIGUOUS.match(text)
            and yamlio.resolves_to_str(text))


def _fast_yaml(meta: dict[str, Any]) -> str | None:
    """`dump_yaml(meta)` for the common front matter (plain text, dates, flags, lists of plain
    text), byte for byte, six times faster than PyYAML's emitter (measured); None for anything
    else (PyYAML writes that)."""
    lines: list[str] = []
    for key, value in meta.items():
        if not isinstance(key, str) or len(key) > _KEY_MAX or not _plain(key):
            return None
        kind = type(value)
        if kind is str:
            if not _plain(value):
                return None
            lines.append(f"{key}: {value}\n")
        elif kind is date:
            lines.append(f"{key}: {value.isoformat()}\n")
        elif kind is bool:
            lines.append(f"{key}: {'true' if value else 'false'}\n")
        elif kind is list and value and all(type(item) is str and _plain(item) for item in value):
            lines.append(f"{key}:\n")
            lines.extend(f"- {item}\n" for item in value)
        else:
            return None
    return "".join(lines) if lines else None


def dump_yaml(meta: dict[str, Any]) -> str:
    """YAML for front matter: keys in order, Unicode as is, ambiguous strings quoted."""
    fast = _fast_yaml(meta)
    if fast is not None:
        return fast
    from opedarchive import yamlio

    return yamlio.dump(meta)


# ---------------------------------------------------------------------------- files


def _fm_split(text: str) -> tuple[str, str, int]:
    """Split `---` front matter from the body; returns (yaml, body, line the yaml starts on)."""
    if not text.startswith("---"):
        raise ValueError("no front matter: the file must start with a '---' line")
    first_nl = text.find("\n")
    if first_nl == -1 or text[:first_nl].strip() != "---":
        raise ValueError("no front matter: the file must start with a '---' line")
    match = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M).search(text, first_nl + 1)
    if match is None:
        raise ValueError("front matter is not closed by a '---' line")
    fm = text[first_nl + 1 : match.start()]
    body = text[match.end() :]
    return fm, body.removeprefix("\n").lstrip("\n"), 2


# Git's conflict markers: `<<<<<<< ours`, `=======`, `>>>>>>> theirs` (`|||||||` with diff3).
# `=======` alone is a Markdown heading's underline, and `>>>>>>> x` could be a deep quote: a
# conflict is a `<<<<<<<` line, or a `>>>>>>>` line after a `=======` line.
_CONFLICT_OPEN = re.compile(r"^<{7}(?: |$)", re.M)
_CONFLICT_SPLIT = re.compile(r"^={7}[ \t]*$", re.M)
_CONFLICT_CLOSE = re.compile(r"^>{7}(?: |$)", re.M)


def conflict_lines(text: str) -> list[int]:
    """The lines where unresolved git merge conflicts begin in a file's text (none: [])."""
    opened = [text.count("\n", 0, m.start()) + 1 for m in _CONFLICT_OPEN.finditer(text)]
    if opened:
        return opened
    split = _CONFLICT_SPLIT.search(text)
    if split is None:
        return []
    close = _CONFLICT_CLOSE.search(text, split.end())
    return [text.count("\n", 0, split.start()) + 1] if close is not None else []


def conflict_line(text: str) -> int | None:
    """The line of the first unresolved git merge conflict in a file's text, or None."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return None
    found = conflict_lines(text)
    return found[0] if found else None


def body_of(text: str) -> str:
    """The body of a post file's text, its front matter skipped unparsed (ValueError if none)."""
    return _fm_split(text)[1]


def too_large(size: int | None, limit: int = MAX_POST_BYTES) -> str:
    """The reason given for input over `limit` bytes (`size` None: a stream read up to it)."""
    held = f"{size // MB} MB" if size is not None else f"more than {limit // MB} MB"
    return f"file is too large ({held}; the limit is {limit // MB} MB)"


def read_limited(path: Path | str, limit: int = MAX_POST_BYTES) -> bytes:
    """The bytes of a file, never more than `limit` of them read: a regular file is judged by
    its size first, anything else (a device, a pipe: `/dev/zero`) read up to the limit.
    PostFileError when it is larger or cannot be read."""
    try:
        with open(path, "rb") as fh:
            found = os.fstat(fh.fileno())
            size = found.st_size if stat.S_ISREG(found.st_mode) else None
            if size is not None and size > limit:
                raise PostFileError(path, too_large(size, limit))
            data = fh.read(limit + 1)
    except OSError as exc:
        raise PostFileError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise PostFileError(path, too_large(None, limit))
    return data


def read_stream_limited(stream: BinaryIO, source: str, limit: int = MAX_POST_BYTES) -> bytes:
    """At most `limit` bytes of a stream (stdin); PostFileError naming `source` if it holds more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PostFileError(source, f"too large (more than {limit // MB} MB; the limit is {limit // MB} MB)")
    return data


def decode_post_bytes(data: bytes, path: Path | str, limit: int = MAX_POST_BYTES) -> str:
    """Bytes of a post file (or another text of at most `limit` bytes) as text: UTF-8 (a
    byte-order mark is dropped), LF line ends."""
    if len(data) > limit:
        raise PostFileError(path, too_large(len(data), limit))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PostFileError(path, "file is UTF-16; save it as UTF-8")
    if b"\x00" in data:
        raise PostFileError(path, "binary file (contains NUL bytes), not a Markdown post")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PostFileError(path, f"not valid UTF-8 (byte {exc.start})", line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_date(value: Any) -> date | datetime:
    if isinstance(value, (date, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"'date' is not an ISO date or date-time: {value!r}")


def split_post(text: str, path: Path | str) -> tuple[dict[str, Any], str]:
    """Front matter (parsed, unvalidated) and body of a post file's text."""
    check_text(text, path)
    try:
        fm_text, body, offset = _fm_split(text)
    except ValueError as exc:
        raise PostFileError(path, str(exc), 1) from None
    import yaml

    try:
        meta = load_yaml(fm_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise PostFileError(path, f"invalid YAML in front matter: {reason}", line) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise PostFileError(path, f"invalid YAML in front matter: {exc}") from None
    except RecursionError:
        raise PostFileError(path, "invalid YAML in front matter: nested too deeply") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise PostFileError(path, "front matter is not a mapping of keys to values", offset)
    return {str(k): v for k, v in meta.items()}, body


def parse_post(text: str, path: Path | str, expected_lang: str | None = None) -> Version:
    """A version from a post file's text; raises PostFileError naming the file and line."""
    meta, body = split_post(text, path)
    return validate_version(meta, body, path, expected_lang)


def check_text(text: str, source: Path | str) -> None:
    """Refuse text that holds a character no post may hold (PostFileError with its line)."""
    m = _NOT_TEXT.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        raise PostFileError(source, f"{_what(m.group())} in the text", line)


def char_problem(text: str) -> str | None:
    """The first character of `text` that no text of a post may hold, described, or None.
    (A lone surrogate U+DC80–U+DCFF is how Python passes on a byte of a command-line argument
    or a file name that is not UTF-8.)"""
    m = _NOT_TEXT.search(text)
    if m is None:
        return None
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"not valid UTF-8 (byte 0x{code - 0xDC00:02X})"
    return _what(m.group())


def _what(ch: str) -> str:
    if ch in "\ufffe\uffff":
        return f"noncharacter U+{ord(ch):04X}"
    kind = "surrogate" if "\ud800" <= ch <= "\udfff" else "control character"
    return f"{kind} U+{ord(ch):04X}"


def body_problem(body: str) -> str | None:
    """Why a body could not be kept in a post file and read back the same, or None."""
    m = _NOT_TEXT.search(body)
    if m:
        return f"{_what(m.group())} in the text (line {body.count(chr(10), 0, m.start()) + 1})"
    return None


def _named(key: str) -> str:
    return repr(key) if not _NOT_TEXT.search(key) else "a key"


def _value_problem(key: str, value: Any) -> str | None:
    """What is wrong with one value itself (not what it holds), or None."""
    if isinstance(value, str):
        m = _NOT_TEXT.search(value)
        return f"{_what(m.group())} in {_named(key)}" if m else None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{_named(key)} is not a finite number ({value!r})"
    return None


def value_problem(meta: dict[str, Any]) -> str | None:
    """Why front matter could not be kept in a post file and read back the same, or None: a
    control character, a surrogate or a noncharacter in a key or a string (YAML and JSON
    escapes can make them), a number that is not finite (NaN, infinity: JSON has no such
    thing), or values nested more than MAX_VALUE_DEPTH deep. Walks without recursion."""
    stack: list[tuple[str, Any, int]] = [(str(k), v, 1) for k, v in meta.items()]
    for key in meta:
        m = _NOT_TEXT.search(str(key))
        if m:
            return f"{_what(m.group())} in a key"
    while stack:
        key, value, depth = stack.pop()
        problem = _value_problem(key, value)
        if problem is not None:
            return problem
        if isinstance(value, (list, tuple, set, frozenset, dict)):
            if depth >= MAX_VALUE_DEPTH:
                return f"{_named(key)} is nested too deeply (more than {MAX_VALUE_DEPTH} levels)"
            if isinstance(value, dict):
                for inner in value:
                    problem = _value_problem(key, inner)
                    if problem is not None:
                        return problem
                stack.extend((key, v, depth + 1) for v in value.values())
            else:
                stack.extend((key, v, depth + 1) for v in value)
    return None


def validate_version(meta: dict[str, Any], body: str, path: Path | str, expected_lang: str | None = None) -> Version:
    """A version from front matter and body, checked against the schema."""
    missing = [k for k in REQUIRED_KEYS if meta.get(k) in (None, "")]
    if missing:
        raise PostFileError(path, "missing required key" + ("s " if len(missing) > 1 else " ")
                            + ", ".join(f"'{k}'" for k in missing))
    try:
        meta["date"] = _check_date(meta["date"])
    except ValueError as exc:
        raise PostFileError(path, str(exc)) from None
    if not isinstance(meta["title"], (str, int, float)) or isinstance(meta["title"], bool):
        raise PostFileError(path, "'title' must be text")
    meta["title"] = str(meta["title"])
    lang = str(meta["lang"])
    if not validate_lang(lang):
        raise PostFileError(path, f"'lang' is not a language code such as en or km: {lang!r}")
    if expected_lang is not None and lang != expected_lang:
        raise PostFileError(path, f"'lang' is {lang!r} but the file name says {expected_lang!r}")
    problem = value_problem(meta)
    if problem is not None:
        raise PostFileError(path, problem)
    return Version(lang=lang, meta=meta, body=body.rstrip("\n") + "\n" if body.strip() else "",
                   path=Path(path))


def ordered_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """Known keys in schema order, then unknown keys in their own order; empty values dropped."""
    out = {k: meta[k] for k in KNOWN_KEYS if k in meta and meta[k] not in (None, "", [])}
    out.update({k: v for k, v in meta.items() if k not in out and k not in KNOWN_KEYS})
    return out


def render_post(version: Version) -> str:
    """The text of a post file for `version`."""
    meta = ordered_meta({**version.meta, "lang": version.lang})
    body = version.body.strip("\n")
    return f"---\n{dump_yaml(meta)}---\n\n{body}\n" if body else f"---\n{dump_yaml(meta)}---\n"


def nfc(text: str) -> str:
    """Text in Unicode NFC, as posts are stored."""
    return unicodedata.normalize("NFC", text)


def validate_lang(lang: str) -> bool:
    """True for a plausible BCP 47 language tag."""
    return bool(LANG_RE.match(lang))
