"""Pause Python's cyclic garbage collector around bulk work.

Loading and generating a thousand deals allocates millions of small objects
that live until the build ends. With the collector on, each full collection
walks all of them again, so the cost grows faster than the number of deals
(loading 300 bench deals: 10.1 s with it, 5.3 s paused; generator/bench.py).
Nothing in that work builds reference cycles that need collecting promptly.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """Collect nothing inside the block; afterwards, freeze the survivors.

    Freezing moves every object alive at the end into a generation the collector
    never scans again: the loaded deals and generated pages stay for the whole
    build, so scanning them again would only cost time. Nested use is safe.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
