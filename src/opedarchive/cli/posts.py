"""`add`, `edit` and `rm`: the commands that change posts."""

from __future__ import annotations

import glob
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from opedarchive.cli.common import complete_post_id, echo, open_archive, print_json, say
from opedarchive.errors import OpedError, PostFileError, UsageError

if TYPE_CHECKING:
    from opedarchive.adding import AddOptions
    from opedarchive.archive import Archive

ADD_TEMPLATE = """\
Title of the piece

Write or paste the text here. A translation may follow the original: its paragraphs
in the other script become the second language. Lines that start with '#' are dropped.
"""


# Tried in this order when neither $VISUAL nor $EDITOR is set (Debian's choice, then the two
# editors nearly every Unix has).
FALLBACK_EDITORS = ("sensible-editor", "nano", "vi")


def _editor() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor:
        return shlex.split(editor)
    import shutil

    for name in FALLBACK_EDITORS:
        found = shutil.which(name)
        if found:
            return [found]
    raise UsageError("no editor: set $VISUAL or $EDITOR, or install nano or vi (or give a FILE, or '-' for stdin)")


def _run_editor(path: Path) -> None:
    command = _editor()
    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        raise OpedError(f"cannot run the editor {command[0]!r}: {exc.strerror}") from None
    if result.returncode != 0:
        raise OpedError(f"the editor exited with status {result.returncode}; nothing saved")


def _edited(initial: str, suffix: str) -> tuple[str, Path]:
    """Run the editor on a temporary file holding `initial`: (the text it saved, that file).
    The file is the caller's to delete; it is gone already when this raises."""
    from opedarchive.model import decode_post_bytes, read_limited

    fd, name = tempfile.mkstemp(prefix="opedarchive-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(initial)
        _run_editor(path)
        if not path.exists():
            raise OpedError("the editor removed the file it was given; nothing saved")
        return decode_post_bytes(read_limited(path), path), path
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _text_from_editor(initial: str, suffix: str) -> str:
    try:
        text, path = _edited(initial, suffix)
    except PostFileError as exc:  # named after the temporary file, which is gone
        raise PostFileError("<editor>", exc.reason, exc.line) from None
    path.unlink(missing_ok=True)
    return text


def add(
    file: Annotated[str | None, typer.Argument(metavar="[FILE|-|URL]", help="A text or Markdown file; '-' reads stdin; an http(s) URL fetches the article on that page. Without it: stdin if piped, else $EDITOR.")] = None,
    title: Annotated[str | None, typer.Option(help="Title (else the text's first line when it looks like one).")] = None,
    date: Annotated[str | None, typer.Option(help="Publication date, YYYY-MM-DD (else from a dateline, else today).")] = None,
    author: Annotated[list[str] | None, typer.Option("--author", help="An author; repeat for more (else from the signature).")] = None,
    outlet: Annotated[str | None, typer.Option(help="Where it was published.")] = None,
    kind: Annotated[str | None, typer.Option(help="op-ed, letter, statement, essay, …")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag; repeat for more.")] = None,
    source_url: Annotated[str | None, typer.Option("--source-url", help="Where the piece can be read online.")] = None,
    lang: Annotated[str | None, typer.Option(help="Language code of the text (else detected by script).")] = None,
    translation_of: Annotated[str | None, typer.Option("--translation-of", metavar="ID", autocompletion=complete_post_id, help="Add the text as another language of this post.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the new post's id and files as JSON.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="With a URL: print the file(s) that would be written; write nothing.")] = False,
) -> None:
    """Add a post from a file, stdin, $EDITOR or a web page (URL). Language, title, dateline and
    signature are detected; an original followed by its translation becomes one post with two
    files. From a URL: the article's title, date, authors, outlet, language, body, images and
    canonical URL; a page already in the archive is reported, not added again."""
    from opedarchive.adding import AddOptions, add_text, read_input_file

    archive = open_archive()
    options = AddOptions(
        title=title, date=date, authors=author or [], outlet=outlet, kind=kind, tags=tag or [],
        source_url=source_url, lang=lang, translation_of=translation_of,
    )
    from opedarchive.fetch.http import is_url

    if file is not None and is_url(file):
        _add_url(archive, file, options, dry_run=dry_run, as_json=as_json)
        return
    if dry_run:
        raise UsageError("--dry-run works with a URL (add FILE writes one post: check it with `show` or `rm` it)")
    if file == "-" or (file is None and not sys.stdin.isatty()):
        from opedarchive.model import decode_post_bytes, read_stream_limited

        source = "<stdin>"
        text = decode_post_bytes(read_stream_limited(sys.stdin.buffer, source), source)
    elif file is None:
        edited = _text_from_editor(ADD_TEMPLATE, ".txt")
        text = "\n".join(line for line in edited.splitlines() if not line.startswith("#"))
        if text.strip() == ADD_TEMPLATE.strip():
            raise OpedError("nothing added: the text was left as the template")
        source = "<editor>"
    else:
        text, source = read_input_file(Path(file)), file
    post_id, paths = add_text(archive, text, options, source)
    rel = [os.path.relpath(p, archive.root) for p in paths]
    if as_json:
        print_json({"id": post_id, "paths": rel})
        return
    echo(post_id)
    for path in rel:
        say(f"wrote {path}")


# Lines of a body a dry run shows.
DRY_RUN_LINES = 12


def _add_url(archive: Archive, url: str, options: AddOptions, *, dry_run: bool, as_json: bool) -> None:
    """`add URL`: fetch, extract, add (or, in a dry run, show) the post; report a page already there."""
    from opedarchive.adding import add_url
    from opedarchive.model import render_post

    added = add_url(archive, url, options, dry_run=dry_run)
    rel = [os.path.relpath(p, archive.root) for p in added.paths]
    if as_json:
        result: dict[str, object] = {"id": added.post_id, "paths": [] if dry_run else rel}
        if added.already:
            result["already"] = added.already
        if dry_run:
            result["dry_run"] = True
            result["would_write"] = rel
        print_json(result)
        return
    if added.already:
        say(f"skipped {url}: already in the archive as {added.post_id} ({added.already}); nothing added")
        return
    if dry_run:
        for path, version in zip(rel, added.versions, strict=True):
            say(f"would write {path}")
            text = render_post(version)
            head, _, body = text.partition("\n---\n")
            lines = body.strip("\n").splitlines()
            for line in [*head.splitlines(), "---", "", *lines[:DRY_RUN_LINES]]:
                echo(line)
            if len(lines) > DRY_RUN_LINES:
                echo(f"… ({len(lines) - DRY_RUN_LINES} more lines)")
        say("dry run: nothing written")
        return
    echo(added.post_id)
    for path in rel:
        say(f"wrote {path}")


def edit(
    post_id: Annotated[str, typer.Argument(metavar="ID", help="A post id or any unique prefix of one.", autocompletion=complete_post_id)],
    lang: Annotated[str | None, typer.Option(help="Which language to edit (default: the original).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Reopen the text of an edit that was not saved (kept in a recovery file beside the post).")] = False,
) -> None:
    """Open one version of a post in $VISUAL or $EDITOR (else sensible-editor, nano or vi);
    the result is validated and saved atomically. An edit that is refused is kept in a
    recovery file beside the post, whose path is printed; --resume reopens it.
    """
    from opedarchive.adding import validate_edited
    from opedarchive.model import decode_post_bytes, read_limited

    archive = open_archive()
    resolved = archive.resolve(post_id)
    post = archive.get(resolved)
    version = post.versions.get(lang) if lang else post.original
    if version is None or version.path is None:
        raise OpedError(f"{resolved} has no '{lang}' version (it has {', '.join(post.languages)})")
    path = version.path
    shown = os.path.relpath(path, archive.root)
    before = read_limited(path)
    original_text = decode_post_bytes(before, path)
    recovered = _recovery_files(path)
    if resume and not recovered:
        raise OpedError(f"{resolved}: no unsaved edit of its '{version.lang}' version to resume")
    start = decode_post_bytes(read_limited(recovered[-1]), recovered[-1]) if resume else original_text
    kept: Path | None
    try:
        edited, kept = _edited(start, f".{version.lang}.md")
    except PostFileError as exc:
        where = f"line {exc.line}: " if exc.line else ""
        raise OpedError(f"{path}: not saved: {where}{exc.reason}") from None
    again = f"; `opedarchive edit {resolved}{'' if lang is None else f' --lang {lang}'} --resume` reopens it"
    try:
        if edited == original_text:
            say(f"{resolved}: no changes")
            _forget(recovered if resume else [])
            return
        try:
            validate_edited(archive, path, edited, version.lang)
        except PostFileError as exc:
            where = f"line {exc.line}: " if exc.line else ""
            recovery = _recovery_file(path, edited.encode("utf-8"))
            _forget(recovered if resume else [])
            raise OpedError(f"{path}: not saved: {where}{exc.reason}; your text is kept in "
                            f"{os.path.relpath(recovery)}{again}") from None
        try:
            _save(archive, path, before, edited)
        except EditConflict as exc:
            _forget(recovered if resume else [])
            raise EditConflict(f"{exc}{again}") from None
        except OpedError as exc:
            kept_name, kept = kept, None  # the only copy of the edit now: left for the user
            raise OpedError(f"{exc}; your text is kept in {kept_name}") from None
        _forget(recovered if resume else [])
        say(f"saved {shown}")
    finally:
        if kept is not None:
            kept.unlink(missing_ok=True)


def _recovery_files(path: Path) -> list[Path]:
    """The recovery files of `path` (`<name>.edit-<time>`), oldest first."""
    try:
        return sorted(path.parent.glob(f"{glob.escape(path.name)}.edit-*"), key=lambda p: p.name)
    except OSError:
        return []


def _forget(paths: list[Path]) -> None:
    """Remove recovery files whose text is now saved or kept in a newer one."""
    for stale in paths:
        stale.unlink(missing_ok=True)


class EditConflict(OpedError):
    """The file changed while it was being edited: both versions are kept."""


def _save(archive: Archive, path: Path, before: bytes, edited: str) -> None:
    """Replace `path` with `edited`, unless it is no longer `before` (someone saved it, or
    removed it, meanwhile): then it is left as it is and the edit goes to a recovery file
    beside it (EditConflict says where). Under the archive's lock, so that of two `edit`s
    saving at once, one sees the other's change."""
    from opedarchive.archive import atomic_write

    data = edited.encode("utf-8")
    with archive.lock():
        try:
            with path.open("rb") as fh:
                now: bytes | None = fh.read(len(before) + 1)  # more than before: changed
        except FileNotFoundError:
            now = None
        except OSError as exc:
            raise OpedError(f"{path}: not saved: cannot read it again: {exc.strerror}") from None
        if now == before:
            try:
                atomic_write(path, data)
            except OSError as exc:
                raise OpedError(f"{path}: not saved: {exc.strerror}") from None
            return
        recovery = _recovery_file(path, data)
        what = "was removed" if now is None else "was changed by someone else"
        raise EditConflict(f"{path} {what} while you were editing it; it is left as it is now, and your "
                           f"version is saved in {recovery}: compare the two and edit again")


def _recovery_file(path: Path, data: bytes) -> Path:
    """`data` in a new file beside `path`, `<name>.edit-<time>` (not a post file: `list`,
    `check` and the index leave it alone)."""
    import time

    from opedarchive.archive import atomic_write

    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 100):
        recovery = path.with_name(f"{path.name}.edit-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            atomic_write(recovery, data, exclusive=True)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OpedError(f"{path}: not saved: it changed while you were editing it, and your version "
                            f"could not be saved beside it: {exc.strerror}") from None
        return recovery
    raise OpedError(f"{path}: not saved: it changed while you were editing it")


def rm(
    post_id: Annotated[str, typer.Argument(metavar="ID", help="A post id or any unique prefix of one.", autocompletion=complete_post_id)],
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
