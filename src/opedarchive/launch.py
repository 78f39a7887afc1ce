"""The console script's first steps, before Typer, Rich and SQLite are loaded: which command
runs, and for the commands that check the files, the start of that check in a child process
(`freshwalk.start_early`); then the command line itself (`cli.main`)."""

from __future__ import annotations

import sys

# Global options that take a value, so that the value is not taken for the command's name.
VALUED_OPTIONS = ("--archive", "-a")
# Commands that check the files (without a live watcher).
CHECKS_FILES = frozenset({"search", "list", "summary"})


def invoked_command(args: list[str]) -> str | None:
    """The command `args` name (the first word that is not a global option or its value)."""
    words = iter(args)
    for word in words:
        if word in VALUED_OPTIONS:
            next(words, None)
        elif word == "--":
            return None
        elif not word.startswith("-"):
            return word
    return None


def archive_option(args: list[str]) -> str | None:
    """The value of the global --archive/-a option, if given (before the command)."""
    words = iter(args)
    for word in words:
        if word in VALUED_OPTIONS:
            return next(words, None)
        if word.startswith("--archive="):
            return word.partition("=")[2]
        if word.startswith("-a") and len(word) > 2:
            return word[2:]
        if not word.startswith("-"):
            return None  # the command: options after it are the command's
    return None


def main() -> None:
    """The console script."""
    args = sys.argv[1:]
    if invoked_command(args) in CHECKS_FILES and not {"-h", "--help"} & set(args):
        from opedarchive.freshwalk import start_early

        start_early(archive_option(args))
    from opedarchive.cli import main as run

    run()
