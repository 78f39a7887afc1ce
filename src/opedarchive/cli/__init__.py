"""The `opedarchive` command line: the app, global options, and errors turned into exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from opedarchive import __version__
from opedarchive.cli.common import State, say
from opedarchive.errors import OpedError
from opedarchive.launch import invoked_command


class OpedGroup(TyperGroup):
    """Turns OpedError into `Error: …` on stderr and its exit code, never a traceback; gives
    each command its examples and, in the list of commands, its whole first sentence."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        from opedarchive.cli.examples import epilog

        command = super().get_command(ctx, cmd_name)
        if command is not None and command.epilog is None:
            command.epilog = epilog(cmd_name)
        if command is not None and command.short_help is None and command.help:
            # Click cuts the description at the column's width with "..."; the whole first
            # sentence is wrapped instead.
            first = command.help.split("\n\n")[0]
            command.short_help = " ".join(first.split()).split(". ")[0].rstrip(".") + "."
        return command

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except OpedError as exc:
            say(f"Error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            say("Interrupted.")
            raise typer.Exit(130) from None
        except UnicodeEncodeError as exc:
            # A lone surrogate in an argument (a path Click stats before any command runs):
            # no file name or text can hold it.
            bad = exc.object[exc.start:exc.end] if isinstance(exc.object, str) else ""
            say(f"Error: an argument holds {bad.encode('unicode_escape').decode()!s}, which is not a "
                "character (no file name or text can hold it)")
            raise typer.Exit(2) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as exc:  # the file system said no where no command expected it: one line
            where = f"{exc.filename}: " if exc.filename else ""
            say(f"Error: {where}{exc.strerror or exc}")
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=OpedGroup,
    name="opedarchive",
    help="Keep, search and publish op-eds in English and Khmer as plain Markdown files.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"opedarchive {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    archive: Annotated[
        Path | None,
        typer.Option(
            "--archive", "-a", metavar="PATH",
            help="The archive folder. Default: $OPEDARCHIVE_DIR, else the nearest folder upward "
            "holding opedarchive.toml, else ./archive.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Keep, search and publish op-eds in English and Khmer as plain Markdown files."""
    State.archive_path = archive


from opedarchive.cli import archive_cmds, browse, importing, posts, translations  # noqa: E402
from opedarchive.cli import export as export_cmd  # noqa: E402
from opedarchive.cli import search as search_cmd  # noqa: E402
from opedarchive.cli import serve as serve_cmd  # noqa: E402
from opedarchive.cli import summary as summary_cmd  # noqa: E402
from opedarchive.cli import watch as watch_cmd  # noqa: E402

archive_cmds.register(app)
posts.register(app)
browse.register(app)
importing.register(app)
search_cmd.register(app)
summary_cmd.register(app)
translations.register(app)
watch_cmd.register(app)
export_cmd.register(app)
serve_cmd.register(app)


# Commands that leave nothing to finish when they return (their files and index connections
# are closed by then, no pool or temporary file outlives them): their process ends without
# Python's teardown of every loaded module, 10-30 ms after a search.
QUICK_EXIT = frozenset({"search", "list", "summary", "show"})


def main() -> None:
    """The console script: the app narrowed to the command asked for (see `narrowed`)."""
    args = sys.argv[1:]
    if invoked_command(args) not in QUICK_EXIT:
        narrowed(args)()
        return
    try:
        narrowed(args)()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    _leave(code)


def _leave(code: object) -> None:
    """Flush what was printed and end the process with `code` (as SystemExit would take it)."""
    import contextlib
    import os

    from opedarchive.freshwalk import cancel_early

    cancel_early()
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    status = code if isinstance(code, int) else 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError):  # the reader went away; a closed stream
            stream.flush()
    os._exit(status)


def _command_name(info: Any) -> str:
    return str(info.name or typer.main.get_command_name(info.callback.__name__))


def narrowed(args: list[str]) -> typer.Typer:
    """`app` holding only the command that `args` run, when they name one: Typer builds a
    Click command from every registered function's signature on each run (about 12 ms for
    all of them), and a run needs one. Without a known command name (no arguments, --help,
    --version, a misspelt command, shell completion) it is the whole app."""
    import copy
    import os

    name = invoked_command(args)
    if name is None or any(key.endswith("_COMPLETE") for key in os.environ):
        return app
    chosen = [info for info in app.registered_commands if _command_name(info) == name]
    if not chosen:
        return app
    narrow = copy.copy(app)
    narrow.registered_commands = chosen
    return narrow
