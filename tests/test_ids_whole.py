"""Ids are never wrapped nor cut in `list` and `search`, at any width, so they can be copied;
and the shell completes them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Invoke

WIDTHS = [20, 40, 60, 79, 80, 100, 119, 120, 140, 200]


def _ids(cli: Invoke) -> list[str]:
    listed = cli("list", "--json")
    assert listed.exit_code == 0, listed.stderr
    return [post["id"] for post in json.loads(listed.stdout)]


@pytest.mark.parametrize("width", WIDTHS)
def test_list_shows_every_id_whole_on_one_line(seeded: Path, cli: Invoke, width: int) -> None:
    ids = _ids(cli)
    assert max(map(len, ids)) > 60  # the seed's longest id does not fit beside a title at 80
    result = cli("list", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    for post_id in ids:
        assert any(post_id in line for line in lines), (post_id, result.stdout)


@pytest.mark.parametrize("width", WIDTHS)
def test_search_shows_every_id_whole_on_one_line(seeded: Path, cli: Invoke, width: int) -> None:
    hits = json.loads(cli("search", "election", "--json").stdout)
    result = cli("search", "election", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    for hit in hits:
        assert any(hit["id"] in line for line in lines), (hit["id"], result.stdout)


def test_the_shell_completes_post_ids(seeded: Path) -> None:
    """Bash completion through the installed console script, as the shell would call it."""
    script = Path(sys.executable).parent / "opedarchive"
    env = {**os.environ, "_OPEDARCHIVE_COMPLETE": "complete_bash", "COMP_WORDS": "opedarchive show 2022-06-2",
           "COMP_CWORD": "2"}
    done = subprocess.run([str(script)], env=env, cwd=seeded.parent, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["2022-06-24-candlelight-arrest-is-a-joke",
                                   "2022-06-28-recipes-towards-democratic-unification"]
    env.update(COMP_WORDS=f"opedarchive --archive {seeded} rm 2022-06-1", COMP_CWORD="4")
    done = subprocess.run([str(script)], env=env, cwd="/", capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["2022-06-12-election-disenfranchisement-machine-of-cambodia",
                                   "2022-06-15-a-neutral-election-body-would-accept-chao-ratanak-complaint"]
