"""A one-word search ranks only its best candidates when they are enough: the hits are the
same as when every match is ranked, ties and filters included."""

from __future__ import annotations

from pathlib import Path

import pytest

from opedarchive import index as index_module
from opedarchive.archive import Archive
from opedarchive.index import Index
from opedarchive.query import parse


@pytest.fixture
def many(archive: Path) -> Archive:
    folder = archive / "posts/2021"
    folder.mkdir(parents=True)
    for n in range(60):
        # Many posts share a score (the same text), so the cut falls among equals.
        words = " ".join(["ballot"] * (1 + n % 4) + ["filler"] * (n % 3))
        lang = "km" if n % 5 == 0 else "en"
        (folder / f"2021-01-{n % 28 + 1:02d}-post-{n}.{lang}.md").write_text(
            f"---\ntitle: Post {n}\ndate: 2021-01-{n % 28 + 1:02d}\nlang: {lang}\n---\n{words} court{n % 2}\n",
            encoding="utf-8")
    return Archive(archive)


@pytest.mark.parametrize("text", ["ballot", "ballot -court1", "ballot lang:en", "ballo*", "filler", "nothing"])
@pytest.mark.parametrize("limit", [1, 3, 7, 20, 100])
def test_best_candidates_give_the_whole_rankings_hits(many: Archive, monkeypatch: pytest.MonkeyPatch,
                                                      text: str, limit: int) -> None:
    monkeypatch.setattr(index_module, "CANDIDATES", 20)
    monkeypatch.setattr(index_module, "CANDIDATE_FACTOR", 2)
    with Index(many) as index:
        index.sync()
        used: list[bool] = []
        best = index._best_candidates

        def spy(*args: object) -> object:
            found = best(*args)  # type: ignore[arg-type]
            used.append(found is not None)
            return found

        monkeypatch.setattr(index, "_best_candidates", spy)
        quick = index.search(parse(text), limit=limit)
        monkeypatch.setattr(index, "_best_candidates", lambda *args: None)
        whole = index.search(parse(text), limit=limit)
    assert quick == whole
    assert len(whole) == min(limit, len(index_module.Index(many).search(parse(text), limit=None)))
    if text == "ballot" and limit <= 7:
        assert used == [True]  # answered from the candidates alone
