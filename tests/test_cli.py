"""The command line as a whole: version, `python -m`, and help text for every command and option."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer.main

from opedarchive import __version__
from opedarchive.cli import app

from conftest import Invoke


def test_version(cli: Invoke) -> None:
    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"opedarchive {__version__}\n")


def test_python_dash_m(seeded: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "opedarchive", "--archive", str(seeded), "list", "--json"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('"id"') == 4


def test_every_command_and_option_has_help(cli: Invoke) -> None:
    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    assert {"init", "add", "import", "list", "show", "edit", "rm", "check"} <= set(commands)
    for name, command in commands.items():
        assert command.help, f"{name} has no help text"
        for param in command.params:
            if param.param_type_name == "option":
                assert getattr(param, "help", None), f"{name} {param.opts} has no help text"
        result = cli(name, "--help")
        assert result.exit_code == 0
        assert result.stdout.startswith(f"Usage: opedarchive {name}")


def test_no_arguments_shows_help(cli: Invoke) -> None:
    result = cli()
    assert "Commands" in result.stdout + result.stderr


def test_unknown_option_is_a_usage_error(seeded: Path, cli: Invoke) -> None:
    result = cli("list", "--bogus")
    assert result.exit_code == 2
    assert "No such option: --bogus" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_console_script_builds_only_the_command_it_runs() -> None:
    from opedarchive.cli import invoked_command, narrowed

    assert invoked_command(["--archive", "search", "list", "x"]) == "list"
    assert invoked_command(["-a", "p", "search", "-w"]) == "search"
    assert invoked_command(["--archive=p", "show", "x"]) == "show"
    assert invoked_command(["--version"]) is None
    assert invoked_command(["--", "list"]) is None
    names = [c.name or c.callback.__name__ for c in narrowed(["-a", "p", "list", "--limit", "2"]).registered_commands]
    assert names == ["list"]
    assert len(app.registered_commands) > 10  # the app itself is not changed
    for args in (["--help"], [], ["serch"], ["--archive", "p"]):
        assert narrowed(args) is app


def test_narrowed_and_whole_app_agree(tmp_path: Path) -> None:
    """Help, errors and suggestions read the same through the console script (narrowed) as
    through the whole app."""
    run = "import sys; sys.argv[0] = 'opedarchive'; from opedarchive.cli import app, main; "
    for args in (["search", "--help"], ["list", "--bogus"], ["serch"], ["--help"], ["-a", str(tmp_path), "list"]):
        script, whole = (subprocess.run([sys.executable, "-c", run + call, *args], capture_output=True, text=True,
                                        cwd=tmp_path, check=False) for call in ("main()", "app()"))
        assert (script.returncode, script.stdout, script.stderr) == (whole.returncode, whole.stdout, whole.stderr)


def test_commands_that_end_quickly_print_and_exit_as_the_app_does(seeded: Path) -> None:
    """search, list, summary and show end without Python's teardown (os._exit): all they
    printed is still there, and the exit code is the app's."""
    run = "import sys; sys.argv[0] = 'opedarchive'; from opedarchive.cli import app, main; "
    subprocess.run([sys.executable, "-m", "opedarchive", "-a", str(seeded), "list"], capture_output=True, check=True)
    for args in (["search", "election"], ["search", "zyxomancy"], ["search", "--json", "ឆ្នោត"], ["list"],
                 ["summary"], ["show", "nope"], ["search", "--limit", "0", "x"]):
        script, whole = (subprocess.run([sys.executable, "-c", run + call, "-a", str(seeded), *args],
                                        capture_output=True, text=True, cwd=seeded, check=False)
                         for call in ("main()", "app()"))
        assert (script.returncode, script.stdout, script.stderr) == (whole.returncode, whole.stdout, whole.stderr)
        assert script.stdout or script.stderr


def test_a_reader_that_quits_early_is_no_error(seeded: Path) -> None:
    script = subprocess.Popen([sys.executable, "-m", "opedarchive", "-a", str(seeded), "list"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=seeded)
    assert script.stdout is not None and script.stderr is not None
    script.stdout.read(10)
    script.stdout.close()
    assert script.wait(timeout=60) == 0
    assert script.stderr.read() == b""
