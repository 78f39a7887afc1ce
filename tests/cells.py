"""glibc's wcswidth through ctypes: how tmux and xterm measure a line, for the width tests."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

import pytest


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    if not libc.setlocale(6, b"C.UTF-8"):  # LC_ALL
        pytest.skip("no C.UTF-8 locale for glibc's wcswidth")
    libc.wcswidth.argtypes = [ctypes.c_wchar_p, ctypes.c_size_t]
    libc.wcswidth.restype = ctypes.c_int
    return libc


def wcswidth(text: str) -> int:
    """glibc's width of `text` (-1 when it holds a non-printable character)."""
    return int(_libc().wcswidth(text, len(text)))


def separator_cells(lines: list[str], separator: str) -> set[int]:
    """The cells, in glibc's measure, where `separator` first appears on the lines holding it."""
    return {wcswidth(line[: line.index(separator)]) for line in lines if separator in line}
