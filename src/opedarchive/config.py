"""`opedarchive.toml`: the archive's title, languages (first = primary), defaults and site settings."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opedarchive.errors import ArchiveError
from opedarchive.paths import CONFIG_NAME as CONFIG_NAME

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


DEFAULT_CONFIG = """\
# opedarchive settings. The post files under posts/ are the archive; this file only
# says how to present them.
title = {title}
# BCP 47 codes; the first is the primary language (originals are usually in it).
languages = ["en", "km"]

[defaults]
# Used by `add` when the text and the options say nothing.
authors = []
outlet = ""
kind = "op-ed"

[site]
# For `export --html`. Links in the site are relative; base_url is used only in the feed.
base_url = ""
description = ""

[terminal]
# How Khmer is measured on screen: "glibc" (tmux, xterm, iTerm2, most terminals) or "rich" (kitty).
khmer_width = "glibc"
"""


@dataclass
class Config:
    """The settings of one archive."""

    title: str = "Op-ed archive"
    languages: list[str] = field(default_factory=lambda: ["en", "km"])
    defaults: dict[str, Any] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)
    terminal: dict[str, Any] = field(default_factory=dict)

    @property
    def primary_language(self) -> str:
        return self.languages[0]


def _expect(kind: type, value: Any, key: str, path: Path) -> Any:
    if not isinstance(value, kind):
        raise ArchiveError(f"{path}: '{key}' must be a {kind.__name__}")
    return value


def load_config(path: Path) -> Config:
    """Read `opedarchive.toml`; a missing file gives the defaults."""
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read: {exc.strerror}") from None
    config = Config()
    if "title" in data:
        config.title = _expect(str, data["title"], "title", path)
    if "languages" in data:
        langs = _expect(list, data["languages"], "languages", path)
        if not langs or not all(isinstance(x, str) and x for x in langs):
            raise ArchiveError(f"{path}: 'languages' must be a non-empty list of language codes")
        config.languages = langs
    for table in ("defaults", "site", "terminal"):
        if table in data:
            setattr(config, table, _expect(dict, data[table], table, path))
    return config


def toml_string(value: str) -> str:
    """`value` as a TOML basic string: JSON's escapes are TOML's, and DEL must be escaped too.
    (A lone surrogate cannot be written: the caller refuses it.)"""
    import json

    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def default_config_text(title: str) -> str:
    """The text of a new archive's `opedarchive.toml`."""
    return DEFAULT_CONFIG.format(title=toml_string(title))
