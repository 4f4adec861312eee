"""How bulk work runs: how many processes it may use.

The lowest layer: imports nothing from the rest of the package. Loading deals and
generating their pages both split per-deal work across forked processes once there are
enough deals for it to pay (forking costs tens of milliseconds, a deal about ten); the last
check splits the files of a large site the same way (:func:`forked_map`).

The cyclic garbage collector runs its young generations only in a one-off build
(:func:`young_collections_only`): full collections walk every object alive, and a build keeps
nearly everything it makes until it ends, so they grew faster than the deals did.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing as mp
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, Optional, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many deals to work on, forking workers costs more than it saves. Above it, the
# workers save 26% of wall time at N=1,000 (one paired run, 2 cores, a loaded machine:
# 390 s against 525 s; benchmarks/mechanisms.py --without workers).
PARALLEL_FROM = 48


def jobs_available() -> int:
    """Worker processes for per-deal work: the cores this process may use, or DEALSITE_JOBS."""
    configured = os.environ.get("DEALSITE_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def worker_started() -> None:
    """The first thing a forked worker does (a Pool's initializer): leave Ctrl-C to its parent,
    and die of SIGTERM as a process does by default.

    A worker inherits its parent's signal handlers: Python's, which would print a
    KeyboardInterrupt traceback from every worker when Ctrl-C reaches the whole terminal, or
    one that turns SIGTERM into KeyboardInterrupt (``dealsite build``), which would print one
    when the pool ends its workers. The parent stops the workers in either case."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A preview server forks its workers with the cycle collector off (engine/mkdocs/serve.py
    # IdleCollection): a worker runs its share as in any build, with it on.
    gc.enable()
    _die_with_parent()


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """Have the kernel end this worker when its parent dies (Linux; elsewhere nothing).

    A parent ended by SIGTERM (``timeout``, a cancelled CI job) runs no clean-up, and an
    executor's worker holds both ends of its reply pipe: it would wait to write for ever."""
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def forget_handled_interrupt() -> None:
    """Tell CPython that a Ctrl-C this process caught and handled is done with.

    CPython 3.11 notes a KeyboardInterrupt that leaves any ``exec`` or ``eval`` of a string
    (dataclasses and named tuples make their methods that way, often while a module is first
    imported) and, at exit, ends the process by SIGINT even if the program caught it: a
    ``dealsite serve`` stopped cleanly by Ctrl-C would exit with -2 now and then instead of 0.
    The note is a global of the interpreter (``_Py_UnhandledKeyboardInterrupt``); where it is
    not found (other Pythons), there is nothing to do. tests/test_runtime.py fails if it moves.
    """
    try:
        ctypes.c_int.in_dll(ctypes.pythonapi, "_Py_UnhandledKeyboardInterrupt").value = 0
    except (ValueError, AttributeError):  # not this interpreter's
        pass


# What forked_map's workers run: set just before the fork, inherited rather than pickled.
_FORKED: Optional[tuple[Callable, Sequence]] = None


def _run_forked(indices: range) -> list:
    assert _FORKED is not None
    work, items = _FORKED
    return [work(items[i]) for i in indices]


def forked_map(
    work: Callable[[T], R], items: Sequence[T], jobs: int, *, run_size: Optional[int] = None, parent_share: bool = False,
) -> list[R]:
    """``[work(item) for item in items]``, by ``jobs`` processes forked from this one.

    ``work`` and everything it reads are inherited by the fork, not pickled: only ranges of
    indices go out and results come back, ``run_size`` items at a time (default: eight runs
    per job, so one long item does not leave a process idle; a smaller run bounds what is
    pickled at once). With ``parent_share``, this process does the first ``1/jobs`` of the
    items itself while ``jobs - 1`` workers do the rest: worth it where receiving a result
    costs much less than making it (deals: a quarter), so the parent would otherwise wait.
    Runs in this process alone where fork is missing, or for one job. An exception here (a
    Ctrl-C) ends the workers at once rather than after the work queued for them."""
    global _FORKED
    jobs = min(jobs, len(items))
    if jobs <= 1 or "fork" not in mp.get_all_start_methods() or _FORKED is not None:
        # Also when nested (work that itself calls forked_map): the inner call runs here,
        # as the outer one's workers already use the cores.
        return [work(item) for item in items]
    own = range(0, len(items) // jobs if parent_share else 0)
    workers = jobs - 1 if parent_share else jobs
    size = run_size or max(1, -(-(len(items) - len(own)) // (workers * 8)))
    runs = [range(start, min(start + size, len(items))) for start in range(len(own), len(items), size)]
    _FORKED = (work, items)
    # Out of the collector's reach until the workers are done: a worker's collection would
    # otherwise write to every inherited object and so copy the parent's memory page by page
    # (the last check at 1,000 deals: 1,355 MB summed over the processes without, 1,227 with).
    gc.freeze()
    give_back_free_memory()
    before = set(mp.active_children())
    # An executor, not a Pool: a worker that dies (the kernel's out-of-memory killer) or whose
    # exception cannot be sent back raises BrokenProcessPool here; a Pool would wait for ever.
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=worker_started)
    try:
        # Futures, not pool.map: map cancels what is left when a result raises, and the
        # executor then prints a thread's traceback failing the cancelled futures.
        pending = [pool.submit(_run_forked, run) for run in runs]
        mine = _run_forked(own)
        results = mine + [result for future in pending for result in future.result()]
    except BaseException:
        # The executor's own exit would first run every run already queued (a minute of the
        # last check at 1,000 deals) before Ctrl-C took effect. Its futures are not cancelled:
        # the executor fails those left when it sees its workers gone (InvalidStateError, in
        # a thread's traceback, for any it finds cancelled).
        for worker in set(mp.active_children()) - before:
            worker.terminate()
        pool.shutdown(wait=False)
        raise
    finally:
        _FORKED = None
        gc.unfreeze()
    pool.shutdown()
    return results


def give_back_free_memory() -> None:
    """Return to the kernel the memory this process has freed but its C heap still holds
    (glibc's ``malloc_trim``; elsewhere nothing).

    Python frees objects to the C heap, which keeps most of what it once held: after MkDocs
    has written 5,000 pages at 1,000 deals the builder held 1,015 MB resident, 363 MB of it
    free. Workers forked then would each add their own to that. Memory is given back
    before forking (forked_map), where a build's phases end."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def in_finalizer(frame) -> bool:
    """Whether code at ``frame`` runs inside an object's ``__del__``.

    Python prints an exception raised in a ``__del__`` ("Exception ignored in ...") and drops
    it, and the garbage collector runs WeasyPrint's font clean-up in the middle of builds: a
    Ctrl-C raised there would be lost. Signal handlers ask this and raise it again later."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


# A threshold the count of young collections never reaches: no full collection.
_NO_FULL_COLLECTION = 2**31 - 1


def stop_full_collections() -> tuple[int, int, int]:
    """Collect the young generations only, from now on; gives the thresholds to restore.

    A one-off build keeps nearly all it makes (the deals, their history, the pages) until it
    ends, and every full collection walks all of that: 5.1 s of a 42 s generation at 1,000
    deals, 17.7 s of 124 s at 3,000 (3.5 times the time for 3 times the deals). Garbage is
    still freed as it is made: by reference counts, and cycles by the young collections, which
    catch those that die young (a render's). Without full collections the generation at 3,000
    deals took 107 s, with the same peak memory (benchmarks/mechanisms.py --without young-only).
    A preview server collects its own way (engine/mkdocs/serve.py IdleCollection)."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], _NO_FULL_COLLECTION)
    return before


@contextmanager
def young_collections_only() -> Iterator[None]:
    """:func:`stop_full_collections` until the block ends (the thresholds it found restored)."""
    before = stop_full_collections()
    try:
        yield
    finally:
        gc.set_threshold(*before)
