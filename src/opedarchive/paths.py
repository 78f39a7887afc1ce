"""Where an archive is, and the names inside it: light enough for the console script's first
steps (`launch`), before anything else is loaded."""

from __future__ import annotations

import os

ENV_VAR = "OPEDARCHIVE_DIR"
CONFIG_NAME = "opedarchive.toml"
DATA_DIR = ".opedarchive"
POSTS_DIR = "posts"


def archive_root(explicit: str | None = None, cwd: str | None = None) -> str:
    """`--archive`, else `$OPEDARCHIVE_DIR`, else the nearest folder upward with
    `opedarchive.toml`, else `./archive`."""
    if explicit is not None:
        return explicit
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    here = os.path.realpath(cwd if cwd is not None else os.getcwd())
    while True:
        if os.path.isfile(os.path.join(here, CONFIG_NAME)):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    return os.path.join(cwd, "archive") if cwd is not None else "archive"


def is_post_folder_name(name: str) -> bool:
    """Whether a folder under `posts/` is read: not hidden, and its name valid UTF-8 (a name
    with an undecodable byte cannot be stored in the index, nor be a year)."""
    if name.startswith("."):
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
