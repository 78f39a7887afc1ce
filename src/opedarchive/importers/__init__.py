"""Importers: one module per source format, a registry, and format detection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

from opedarchive.errors import ImportFormatError
from opedarchive.importers.base import ImportItem

# Format name → module path; each module has NAME, detect(path, head) and read(path).
REGISTRY: dict[str, str] = {
    "page": "opedarchive.importers.page",
}


def _module(name: str) -> ModuleType:
    import importlib

    return importlib.import_module(REGISTRY[name])


def formats() -> list[str]:
    return list(REGISTRY)


def detect_format(path: Path) -> str:
    """The format of a source, from its first few kilobytes."""
    head = ""
    if path.is_file():
        with path.open("rb") as fh:
            head = fh.read(65536).decode("utf-8", "replace")
    for name in REGISTRY:
        if _module(name).detect(path, head):
            return name
    raise ImportFormatError(f"{path}: not a format opedarchive can import (known: {', '.join(REGISTRY)})")


def reader(name: str) -> Callable[[Path], Iterator[ImportItem]]:
    """The `read` function of the named format."""
    if name not in REGISTRY:
        raise ImportFormatError(f"unknown format '{name}' (known: auto, {', '.join(REGISTRY)})")
    return _module(name).read  # type: ignore[no-any-return]
