"""Running a build's independent work on several processes.

Workers are forked from the build process, so they inherit what it has already
read (the config, the library, the plan, compiled templates) instead of receiving
it pickled: only an item's index goes out and only its result comes back. The
workers ignore Ctrl-C; the build process, when interrupted, terminates them all
before the interrupt goes on, so none is left behind.

`hubgen serve` forks its workers from its rebuild thread while the server's
threads run. A fork copies only the forking thread, and every lock as it was:
the workers run nothing of the server, and write through standard streams of
their own (see _worker_started). What rendering imports is imported before the
fork (Renderer.prepare). A worker that reads may still import a lexer for a
language the server has not highlighted yet: that could wait for ever only if,
at the fork, a server thread was importing that same module, and they import
nothing once started.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from hubgen.build.collector import set_aside_for_workers
from hubgen.build.output import stopping_signals
from hubgen.content.sources import serial_map
from hubgen.errors import HubgenError

# Below this many items per worker, forking costs more than it saves.
MIN_ITEMS_PER_WORKER = 16

# What a thread other than the main one blocks while it forks workers.
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}

# The work of the map in progress; set before the fork, so every worker has it.
_work: Callable[[Any], Any] | None = None


def default_jobs() -> int:
    """The number of workers a build uses unless told: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def _interrupts_held() -> Iterator[list[int]]:
    """Fork the workers in this scope: they never take a Ctrl-C for their own (each
    ignores it once set up, _worker_started); this process hears it once they are made.

    In the main thread, a Ctrl-C (or a SIGTERM taken as one) that comes meanwhile is
    noted in the list yielded, for the caller to act on where it can end the workers:
    ignored, it would be lost. Only the main thread may set a signal's handler. Another thread
    blocks Ctrl-C and SIGTERM instead (the system then hands them to a thread that does
    not), and its workers, which inherit its mask, unblock them once set up.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
        try:
            yield received
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        return
    # SIGTERM is blocked, not noted: a worker is born with this process's handlers, and the
    # pool's terminate (a SIGTERM) must end one not yet set up; it unblocks once it is.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked | {signal.SIGTERM})
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)
        if signal.SIGTERM not in blocked:
            if signal.SIGTERM in stopping_signals() and signal.SIGTERM in signal.sigpending():
                signal.sigwait({signal.SIGTERM})   # taken here, as a Ctrl-C noted meanwhile
                received.append(signal.SIGTERM)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _worker_started() -> None:
    """Set a forked worker up: deaf to Ctrl-C, ended by the pool's SIGTERM, own streams.

    A worker forked from the main thread is born noting a Ctrl-C in its own copy of
    a list, which nobody reads; one forked from another thread (serve's rebuilds) is
    born with it blocked, since only the main thread may set signal handlers. A
    handler for SIGTERM (serve's, which stops it cleanly) would turn the pool's
    terminate into a traceback. And another thread (serve's)
    may have been writing to stdout or stderr at the moment of the fork, leaving the
    stream's lock held in this copy for good: the worker writes, and flushes as it
    ends, through streams of its own on the same files.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD_SIGNALS)
    for name, descriptor in (("stdout", 1), ("stderr", 2)):
        inherited = getattr(sys, name)
        if inherited is None:
            continue
        try:
            # The worker's own, for its whole life: nothing to close.
            stream = open(descriptor, "w", buffering=1, encoding=inherited.encoding,  # noqa: SIM115
                          errors=inherited.errors, closefd=False)
            stream.reconfigure(write_through=getattr(inherited, "write_through", False))
        except (OSError, ValueError, AttributeError):
            stream = None
        setattr(sys, name, stream)


def _run_chunk(chunk: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
    assert _work is not None
    return [(index, _work(item)) for index, item in chunk]


def _chunks(items: Sequence[Any], jobs: int, spread: bool = True
            ) -> list[list[tuple[int, Any]]]:
    # Chunks shrink as the work runs out (guided scheduling): big ones while there is
    # plenty keep the round trips few; small ones at the end leave no worker waiting
    # long for another to finish its last. Spread, items go out every n-th one: like
    # items sit together (the threads after all the posts), and would otherwise share
    # a chunk; else in their order, for work that gains from neighbours sharing a worker.
    count = len(items)
    stride = jobs * 8 if spread else 1
    order = [index for start in range(stride) for index in range(start, count, stride)]
    smallest = max(1, count // (jobs * 64))
    chunks = []
    position = 0
    while position < count:
        size = max(smallest, (count - position) // (jobs * 4))
        chunks.append([(index, items[index]) for index in order[position:position + size]])
        position += size
    return chunks


def can_fork() -> bool:
    """True where workers can be forked (not on Windows or macOS' spawn-only setups)."""
    return "fork" in multiprocessing.get_all_start_methods()


class WorkerLost(HubgenError):
    """A worker process died in the middle of the work (killed, most often for memory)."""


class WorkStopped(HubgenError):
    """The work was called off from another thread (`hubgen serve` stopping, say)."""


def _stop_if_asked(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise WorkStopped("the work was stopped")


# How often a map waiting for results looks whether its workers are still alive.
_WATCH_SECONDS = 0.5


def _results(pool: Any, chunks: list[list[tuple[int, Any]]], stop: threading.Event | None
             ) -> Iterator[tuple[int, Any]]:
    """Every result of `chunks`, handed to `pool` at once; raises WorkerLost when a
    worker dies, WorkStopped once `stop` is set.

    A pool replaces a worker that dies, but the chunk it held is never finished:
    waiting for it would hang the build for ever.
    """
    workers = list(pool._pool)   # the pool's own processes (Pool keeps them there)
    return _collect(pool.imap_unordered(_run_chunk, chunks), workers, stop)


def _collect(results: Any, workers: list[Any], stop: threading.Event | None
             ) -> Iterator[tuple[int, Any]]:
    while True:
        _stop_if_asked(stop)
        try:
            chunk = results.next(timeout=_WATCH_SECONDS)
        except StopIteration:
            return
        except multiprocessing.TimeoutError:
            dead = [worker for worker in workers if worker.exitcode is not None]
            if dead:
                code = dead[0].exitcode
                how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
                raise WorkerLost(
                    f"a build worker process died ({how}), most often because the machine "
                    "ran out of memory; the output is untouched. Try again with fewer "
                    "workers, e.g. --jobs 1.") from None
            continue
        yield from chunk


def map_unordered(work: Callable[[Any], Any], items: Sequence[Any], jobs: int,
                  meanwhile: Callable[[], None] | None = None,
                  spread: bool = True, stop: threading.Event | None = None
                  ) -> Iterator[tuple[int, Any]]:
    """Yield `(index, work(item))` for every item, in the order they finish.

    With one job, few items, or no fork, the work runs here, in order. Otherwise
    `meanwhile` runs here once the workers have started, before their results are
    taken; without `spread`, neighbouring items mostly go to the same worker. An
    exception in a worker is raised here; an interrupt (or any exception while the
    results are consumed) terminates every worker first. Once another thread sets
    `stop`, WorkStopped is raised: after the item in progress here, within half a
    second on workers (which are terminated).
    """
    global _work
    _stop_if_asked(stop)
    if jobs <= 1 or len(items) < 2 * MIN_ITEMS_PER_WORKER or not can_fork():
        for result in serial_map(work, items):
            yield result
            _stop_if_asked(stop)
        return
    jobs = min(jobs, len(items) // MIN_ITEMS_PER_WORKER)
    _work = work
    pool = None
    try:
        # What exists now is shared with the workers until written to.
        with set_aside_for_workers():
            try:
                # A signal let through as the scope ends finds the pool made: it is ended.
                with _interrupts_held() as interrupted:
                    pool = multiprocessing.get_context("fork").Pool(
                        jobs, initializer=_worker_started)
                if interrupted:   # a Ctrl-C while the workers were made: now it ends them
                    raise KeyboardInterrupt
                results = _results(pool, _chunks(items, jobs, spread), stop)
                if meanwhile is not None:
                    meanwhile()
                yield from results
                pool.close()
            except BaseException:
                if pool is not None:
                    pool.terminate()
                raise
            finally:
                if pool is not None:
                    pool.join()
    finally:
        _work = None
