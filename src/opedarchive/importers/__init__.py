"""Importers: one module per source format, a registry, and format detection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

from opedarchive.errors import ImportFormatError
from opedarchive.importers.base import ImportItem

# Format name → module path; each module has NAME, detect(path, head) and read(path); a module
# whose source can hold pages as well as posts also has HAS_PAGES and read(path, include_pages=…).
# Detection asks them in this order.
REGISTRY: dict[str, str] = {
    "page": "opedarchive.importers.page",
    "wxr": "opedarchive.importers.wxr",
    "feed": "opedarchive.importers.feed",
    "jsonfeed": "opedarchive.importers.jsonfeed",
    "markdown": "opedarchive.importers.markdown",
    "json": "opedarchive.importers.jsonfile",
    "jsonl": "opedarchive.importers.jsonlines",
}


def _module(name: str) -> ModuleType:
    import importlib

    return importlib.import_module(REGISTRY[name])


def formats() -> list[str]:
    return list(REGISTRY)


def detect_format(path: Path) -> str:
    """The format of a source, from its first few kilobytes (or, for a folder, its files)."""
    head = ""
    if path.is_file():
        try:
            with path.open("rb") as fh:
                head = fh.read(65536).decode("utf-8", "replace")
        except OSError as exc:
            raise ImportFormatError(f"{path}: cannot read: {exc.strerror}") from None
    for name in REGISTRY:
        if _module(name).detect(path, head):
            return name
    raise ImportFormatError(f"{path}: not a format opedarchive can import (known: {', '.join(REGISTRY)})")


def reader(name: str) -> Callable[[Path], Iterator[ImportItem]]:
    """The `read` function of the named format."""
    if name not in REGISTRY:
        raise ImportFormatError(f"unknown format '{name}' (known: auto, {', '.join(REGISTRY)})")
    return _module(name).read  # type: ignore[no-any-return]


def read_source(name: str, path: Path, *, include_pages: bool = False) -> Iterator[ImportItem]:
    """The items of `path` read as the named format; pages too where the format has them."""
    read = reader(name)
    if include_pages and getattr(_module(name), "HAS_PAGES", False):
        return read(path, include_pages=True)  # type: ignore[call-arg]
    return read(path)


def estimate_count(name: str, path: Path) -> int | None:
    """How many items the source holds, where its format can tell cheaply (for progress)."""
    count = getattr(_module(name), "count", None)
    return count(path) if count is not None else None  # type: ignore[no-any-return]
