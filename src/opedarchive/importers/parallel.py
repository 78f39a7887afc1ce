"""Work of an importer spread over worker processes: jobs run in order, a bounded number ahead
of the reading (so memory stays flat), and in this process where workers cannot start."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

# Two cores is what the tool is measured on; more workers than cores only adds pickling.
WORKERS = 2
# Jobs submitted ahead of the one being consumed.
IN_FLIGHT = 8


class Workers:
    """A few worker processes, started by a fork server that has imported `preload`, for one
    `with` block; `map` runs jobs on them."""

    def __init__(self, preload: list[str], workers: int = WORKERS, in_flight: int = IN_FLIGHT) -> None:
        self.preload = preload
        self.workers = max(1, min(workers, os.cpu_count() or 1))
        self.in_flight = in_flight
        self.pool: ProcessPoolExecutor | None = None
        self.broken = False

    def __enter__(self) -> Workers:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(self.preload)
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                        initializer=worker_start, initargs=(os.getpid(),))
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def map(self, fn: Callable[..., list[R]], jobs: Iterable[tuple[Any, ...]]) -> Iterator[R]:
        """The results of `fn(*job)` for each job, in order, one list after another. A job is
        taken from `jobs` only when a worker can soon take it. Where the workers cannot start
        or die (no usable main module, say), the work is done here."""
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        pending: deque[tuple[tuple[Any, ...], Future[list[R]]]] = deque()

        def drain(n: int) -> Iterator[R]:
            for _ in range(n):
                job, future = pending.popleft()
                if self.broken:
                    yield from fn(*job)
                    continue
                try:
                    results = future.result()
                except BrokenProcessPool:
                    self.broken = True
                    results = fn(*job)
                yield from results

        for job in jobs:
            if not self.broken and self.pool is not None:
                try:
                    pending.append((job, self.pool.submit(fn, *job)))
                except (BrokenProcessPool, RuntimeError, OSError):
                    self.broken = True
            else:
                self.broken = True
            if self.broken:
                yield from drain(len(pending))
                yield from fn(*job)
            elif len(pending) > self.in_flight:
                yield from drain(1)
        yield from drain(len(pending))


def _process_state(pid: int) -> tuple[str, str] | None:
    """(state, start time) of a process from /proc, ("", "") where there is no /proc, None
    when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
    except FileNotFoundError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return ("", "") if not os.path.isdir("/proc/self") else None
    except OSError:
        return ("", "")
    fields = stat[stat.rindex(")") + 2:].split()
    return fields[0], fields[19]


def worker_start(parent: int) -> None:
    """The start of every worker process of ours (imports, index builds, exports): Ctrl-C is
    left to `parent`, which stops its workers and says "Interrupted." (each worker printed its
    own traceback or name before), and the worker exits once `parent` is gone."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _orphan_watch(parent)


def _orphan_watch(importer: int) -> None:
    """In a worker: exit once the importing process is gone. A worker waits for its next job on
    a pipe that it holds the writing end of too, and the fork server lives as long as its
    workers: when the importing process is killed (SIGKILL: nothing runs in it), they would
    otherwise wait for ever."""
    import threading
    import time

    started = _process_state(importer)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            now = _process_state(importer)
            if now is None or now[0] == "Z" or (started is not None and now[1] != started[1]):
                os._exit(1)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last one shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
