"""Warnings that need the status rule (``progress.py``): a reading too old to count.

An outcome whose latest reading is more than RECENT_DAYS old, before its target date, is
shown as "No recent data" however good the reading was. The editor is told while there is
time to add the newer figure.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..model import Deal
from .display import long_date
from .progress import RECENT_DAYS, Status, outcome_progress


def stale_readings(deal: Deal, today: dt.date) -> Iterator[tuple[tuple, str]]:
    """(path of the latest reading's date, message) for each outcome the rule calls "No recent data"
    because its latest reading is too old."""
    for i, outcome in enumerate(deal.outcomes):
        progress = outcome_progress(outcome, today)
        if progress.status is not Status.no_recent_data or progress.latest is None:
            continue
        j = next(j for j, r in enumerate(outcome.readings) if r is progress.latest)
        age = (today - progress.latest.date).days
        yield ("outcomes", i, "readings", j, "date"), (
            f"the latest reading, of {long_date(progress.latest.date)}, is {age:,} days old on {long_date(today)}: "
            f"the status rule counts readings up to {RECENT_DAYS} days old, so \u201c{outcome.title}\u201d shows "
            "\u201cNo recent data\u201d (add a newer reading)"
        )
