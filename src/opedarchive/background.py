"""Run one function on another thread while this one goes on (SQLite and file reads release
Python's lock, so the two overlap). Lighter to import than concurrent.futures, which costs a
command about 3 ms of start-up."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Pending(Generic[T]):
    """The result of a function running on its own thread."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._value: list[T] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function,), daemon=True)
        self._thread.start()

    def _run(self, function: Callable[[], T]) -> None:
        try:
            self._value.append(function())
        except BaseException as exc:
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> T:
        """The function's return value; its exception is raised here."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._value[0]


@contextmanager
def beside(function: Callable[[], T]) -> Iterator[Pending[T]]:
    """Start `function` on another thread; leaving the block waits for it, so that nothing it
    uses (an SQLite connection) is closed under it."""
    pending = Pending(function)
    try:
        yield pending
    finally:
        pending.wait()
