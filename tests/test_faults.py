"""Faults injected for real: writers at the same moment, and processes killed with SIGKILL."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from opedarchive.archive import Archive

from conftest import SEED_PROBLEM, Invoke


def _add_many(root: str, worker: int, count: int, barrier: multiprocessing.synchronize.Barrier) -> None:
    from opedarchive.adding import AddOptions, add_text

    archive = Archive(Path(root))
    barrier.wait()
    for i in range(count):
        add_text(archive, f"Body of worker {worker}, post {i}.\n", AddOptions(title="Same title", date="2022-01-01"))


def test_four_writers_at_once_lose_nothing(archive: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(4)
    workers = [ctx.Process(target=_add_many, args=(str(archive), w, 100, barrier)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    files = sorted((archive / "posts" / "2022").glob("*.md"))
    assert len(files) == 400
    bodies = {f.read_text(encoding="utf-8").split("---\n", 2)[2].strip() for f in files}
    assert bodies == {f"Body of worker {w}, post {i}." for w in range(4) for i in range(100)}
    ids = {f.name.split(".")[0] for f in files}
    assert "2022-01-01-same-title" in ids and "2022-01-01-same-title-400" in ids


EDITOR = """
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(text.replace("Kangaroo", "Wallaby") + ("New paragraph. " * 200_000))
"""


def test_edit_killed_at_random_moments_leaves_old_or_new(seeded: Path, tmp_path: Path, cli: Invoke) -> None:
    target = seeded / "posts/2022/2022-06-24-candlelight-arrest-is-a-joke.en.md"
    old = target.read_text(encoding="utf-8")
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    env = {**os.environ, "EDITOR": f"{sys.executable} {script}"}
    rng = random.Random(7)
    for _ in range(10):
        target.write_text(old, encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "opedarchive", "--archive", str(seeded), "edit", "2022-06-24"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        time.sleep(rng.uniform(0.05, 0.6))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        now = target.read_text(encoding="utf-8")
        assert now == old or (now.startswith(old.replace("Kangaroo", "Wallaby")) and now.endswith("New paragraph. "))
        assert cli("check").stdout == SEED_PROBLEM  # no other
        assert not [p for p in target.parent.iterdir() if not p.name.startswith(".") and not p.name.endswith(".md")]


def _big_page(count: int) -> str:
    sections = []
    for i in range(count):
        day = 1 + i % 28
        section = (
            f"Posted by: | Posted on: June {day}, 2022\n\nPost number {i} about elections\n\n"
            f"Paragraph one of post {i}. It talks about the election committee.\n\n"
            f"Paragraph two of post {i}.\n\nSophoan Seng\n"
        )
        if i % 2 == 0:
            section += f"\nអត្ថបទលេខ {i}\n\nកថាខណ្ឌទីមួយនៃអត្ថបទ {i} អំពីការបោះឆ្នោត។\n\nកថាខណ្ឌទីពីរ {i}។\n"
        sections.append(section)
    return "\n".join(sections)


def test_import_killed_at_random_moments_then_rerun_completes_once(archive: Path, tmp_path: Path, cli: Invoke) -> None:
    source = tmp_path / "big-page.txt"
    source.write_text(_big_page(2000), encoding="utf-8")
    command = [sys.executable, "-m", "opedarchive", "--archive", str(archive), "import", str(source)]
    rng = random.Random(2022)
    for _ in range(10):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        files = list((archive / "posts").rglob("*.md"))
        assert all(f.stat().st_size > 0 for f in files)
        checked = cli("check")
        assert checked.exit_code == 0, checked.stdout
    final = subprocess.run(command, capture_output=True, text=True, check=False)
    assert final.returncode == 0, final.stderr
    files = sorted((archive / "posts").rglob("*.md"))
    assert len(files) == 3000  # 2000 English originals, 1000 Khmer translations
    titles = sorted(f.read_text(encoding="utf-8").split("\n", 2)[1] for f in files if f.name.endswith(".en.md"))
    assert titles == sorted(f"title: Post number {i} about elections" for i in range(2000))
    ids = {f.name.split(".")[0] for f in files}
    assert len(ids) == 2000
    km = {f.name.split(".")[0] for f in files if f.name.endswith(".km.md")}
    assert len(km) == 1000
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert "0 created, 2000 skipped, 0 failed" in again.stderr
