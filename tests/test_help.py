"""Every command's `--help` has examples that name only options it has; `opedarchive --help`
shows every command's whole first sentence."""

from __future__ import annotations

import shlex

import pytest

from opedarchive.cli import app
from opedarchive.cli.examples import EXAMPLES

from conftest import Invoke


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_one_to_three_examples() -> None:
    assert set(EXAMPLES) == set(_commands())
    assert all(1 <= len(lines) <= 3 for lines in EXAMPLES.values())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_examples_are_in_the_help_and_parse(name: str, cli: Invoke) -> None:
    import typer.main

    result = cli(name, "--help", env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    group = typer.main.get_command(app)
    for line in EXAMPLES[name]:
        assert f"    {line}" in result.stdout.splitlines()
        words = shlex.split(line.rstrip("&").split("|")[-1])
        assert words[0] == "opedarchive"
        words = words[1:]
        if words[:1] == ["--archive"]:
            words = words[2:]
        assert words[0] == name
        command = group.get_command(group.make_context("opedarchive", [name], resilient_parsing=True), name)
        # Parsing alone (no callback): an unknown option or a bad value raises here.
        command.make_context(name, words[1:])  # type: ignore[union-attr]


def test_the_command_list_shows_whole_first_sentences(cli: Invoke) -> None:
    result = cli("--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    listing = result.stdout.split("Commands:")[1]
    assert "..." not in listing
    joined = " ".join(listing.split())
    assert "Validate every post file: required keys, dates, lang against the file name, YAML (with its line)" in joined
