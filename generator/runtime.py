"""How bulk work runs: how many processes it may use.

The lowest layer: imports nothing from the rest of the package. Loading deals and
generating their pages both split per-deal work across forked processes once there are
enough deals for it to pay (forking costs tens of milliseconds, a deal about ten).

The cyclic garbage collector is left on: pausing it while deals load and pages are made
saved under 1% of the processor time of a 1,000-deal build (issue 13: 215 s against 217 s,
benchmarks/mechanisms.py --without gc-pause), so the pause was removed.
"""

from __future__ import annotations

import ctypes
import os
import signal

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
