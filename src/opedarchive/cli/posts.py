"""`add`, `edit` and `rm`: the commands that change posts."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from opedarchive.cli.common import open_archive, print_json, say
from opedarchive.errors import OpedError, PostFileError, UsageError

ADD_TEMPLATE = """\
Title of the piece

Write or paste the text here. A translation may follow the original: its paragraphs
in the other script become the second language. Lines that start with '#' are dropped.
"""


def _editor() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise UsageError("no editor: set $VISUAL or $EDITOR (or give a FILE, or '-' for stdin)")
    return shlex.split(editor)


def _run_editor(path: Path) -> None:
    command = _editor()
    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        raise OpedError(f"cannot run the editor {command[0]!r}: {exc.strerror}") from None
    if result.returncode != 0:
        raise OpedError(f"the editor exited with status {result.returncode}; nothing saved")


def _text_from_editor(initial: str, suffix: str) -> str:
    fd, name = tempfile.mkstemp(prefix="opedarchive-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(initial)
        _run_editor(path)
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)


def add(
    file: Annotated[str | None, typer.Argument(metavar="[FILE|-]", help="A text or Markdown file; '-' reads stdin. Without it: stdin if piped, else $EDITOR.")] = None,
    title: Annotated[str | None, typer.Option(help="Title (else the text's first line when it looks like one).")] = None,
    date: Annotated[str | None, typer.Option(help="Publication date, YYYY-MM-DD (else from a dateline, else today).")] = None,
    author: Annotated[list[str] | None, typer.Option("--author", help="An author; repeat for more (else from the signature).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Where it was published.")] = None,
    kind: Annotated[str | None, typer.Option(help="op-ed, letter, statement, essay, …")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag; repeat for more.")] = None,
    source_url: Annotated[str | None, typer.Option("--source-url", help="Where the piece can be read online.")] = None,
    lang: Annotated[str | None, typer.Option(help="Language code of the text (else detected by script).")] = None,
    translation_of: Annotated[str | None, typer.Option("--translation-of", metavar="ID", help="Add the text as another language of this post.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new post's id and files as JSON.")] = False,
) -> None:
    """Add a post from a file, stdin or $EDITOR. Language, title, dateline and signature are
    detected; an original followed by its translation becomes one post with two files."""
    from opedarchive.adding import AddOptions, add_text, read_input_file

    archive = open_archive()
    if file == "-" or (file is None and not sys.stdin.isatty()):
        text, source = sys.stdin.buffer.read().decode("utf-8", "strict"), "<stdin>"
    elif file is None:
        edited = _text_from_editor(ADD_TEMPLATE, ".txt")
        text = "\n".join(line for line in edited.splitlines() if not line.startswith("#"))
        if text.strip() == ADD_TEMPLATE.strip():
            raise OpedError("nothing added: the text was left as the template")
        source = "<editor>"
    else:
        text, source = read_input_file(Path(file)), file
    options = AddOptions(
        title=title, date=date, authors=author or [], outlet=outlet, kind=kind, tags=tag or [],
        source_url=source_url, lang=lang, translation_of=translation_of,
    )
    post_id, paths = add_text(archive, text, options, source)
    rel = [os.path.relpath(p, archive.root) for p in paths]
    if as_json:
        print_json({"id": post_id, "paths": rel})
        return
    print(post_id)
    for path in rel:
        say(f"wrote {path}")


def edit(
    post_id: Annotated[str, typer.Argument(metavar="ID", help="A post id or any unique prefix of one.")],
    lang: Annotated[str | None, typer.Option(help="Which language to edit (default: the original).")] = None,
) -> None:
    """Open one version of a post in $VISUAL or $EDITOR; the result is validated and saved
    atomically, or refused with the reason (the file is then left as it was)."""
    from opedarchive.adding import validate_edited
    from opedarchive.archive import atomic_write

    archive = open_archive()
    resolved = archive.resolve(post_id)
    post = archive.get(resolved)
    version = post.versions.get(lang) if lang else post.original
    if version is None or version.path is None:
        raise OpedError(f"{resolved} has no '{lang}' version (it has {', '.join(post.languages)})")
    path = version.path
    original_text = path.read_text(encoding="utf-8")
    edited = _text_from_editor(original_text, f".{version.lang}.md")
    if edited == original_text:
        say(f"{resolved}: no changes")
        return
    try:
        validate_edited(archive, path, edited, version.lang)
    except PostFileError as exc:
        where = f"line {exc.line}: " if exc.line else ""
        raise OpedError(f"{path}: not saved: {where}{exc.reason}") from None
    atomic_write(path, edited.encode("utf-8"))
    say(f"saved {os.path.relpath(path, archive.root)}")


def rm(
    post_id: Annotated[str, typer.Argument(metavar="ID", help="A post id or any unique prefix of one.")],
    lang: Annotated[str | None, typer.Option(help="Remove only this language's file.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a post (all its languages) or, with --lang, one translation."""
    archive = open_archive()
    resolved = archive.resolve(post_id)
    post = archive.get(resolved)
    if lang and lang not in post.versions:
        raise OpedError(f"{resolved} has no '{lang}' version (it has {', '.join(post.languages)})")
    what = f"the '{lang}' version of {resolved}" if lang else f"{resolved} ({', '.join(post.languages)})"
    if not yes:
        try:
            confirmed = typer.confirm(f"Remove {what}?", default=False, err=True)
        except typer.Abort:
            confirmed = False
        if not confirmed:
            say("Nothing removed (pass --yes to remove without asking).")
            raise typer.Exit(1)
    removed = archive.remove(resolved, lang)
    for path in removed:
        say(f"removed {os.path.relpath(path, archive.root)}")


def register(app: typer.Typer) -> None:
    app.command()(add)
    app.command()(edit)
    app.command()(rm)
