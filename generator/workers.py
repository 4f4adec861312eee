"""How many processes bulk work (loading deals, generating their pages) may use.

Both loading and generating split per-deal work across forked processes once there are
enough deals for it to pay: forking costs tens of milliseconds, a deal about ten.
"""

from __future__ import annotations

import os

# Below this many deals to work on, forking workers costs more than it saves.
PARALLEL_FROM = 48


def jobs_available() -> int:
    """Worker processes for per-deal work: the cores this process may use, or DEALSITE_JOBS."""
    configured = os.environ.get("DEALSITE_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
