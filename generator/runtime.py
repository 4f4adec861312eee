"""How bulk work runs: how many processes it may use, and the garbage collector around it.

The lowest layer: imports nothing from the rest of the package. Loading deals and
generating their pages both split per-deal work across forked processes once there are
enough deals for it to pay (forking costs tens of milliseconds, a deal about ten), and
both pause the cyclic garbage collector while they allocate objects that live until the
build ends.
"""

from __future__ import annotations

import gc
import os
import signal
from contextlib import contextmanager
from typing import Iterator

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


@contextmanager
def paused() -> Iterator[None]:
    """Collect nothing inside the block. Nested use is safe.

    Loading and generating a thousand deals allocates millions of small objects that live
    until the build ends. With the collector on, each full collection walks all of them
    again, so the cost grows faster than the number of deals: pausing it saved 8 to 14% of
    the processor time of a one-off build of 300 deals.

    The survivors are not frozen (``gc.freeze``): that saved nothing measurable on top of the
    pause, and frozen objects are never collected, so a preview server, which builds again
    on every edit, kept every build's cyclic garbage for as long as it ran (about 1.5 MiB an
    edit on the example project; tests/test_serve_memory.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
