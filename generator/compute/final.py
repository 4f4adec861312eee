"""Final results: what an outcome came to once its deal's programme is over.

A deal whose review date passed years ago should read as a result ("Target met: 72.4%
against 72.0% by March 2014", "Missed by 1.6 points"), not as "off track" with its
milestones thousands of days overdue. The status rule (``progress.py``, published on the
dashboard) asks :func:`final_result` first; this module holds only that step, so the rule
around it stays where it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from ..model import Deal, DealStatus, Outcome, PartialDate, Reading
from .display import is_percent, measure, number, written_places

FINAL_AFTER_DAYS = 730  # an outcome's result is final this long after its target date, whatever the deal's dates


def programme_over(deal: Deal, today: dt.date) -> bool:
    """Is the deal's programme over: its review date passed (the whole month or year, for a date
    known only to the month or year), or the deal completed or withdrawn?"""
    over_from = review_passed_from(deal)
    return (over_from is not None and over_from <= today) or deal.status in (DealStatus.completed, DealStatus.withdrawn)


def review_passed_from(deal: Deal) -> Optional[dt.date]:
    """The first day the deal's review date has passed (the day after the last day it could
    mean), or None without one: the dated part of programme_over, for a status history."""
    review = deal.dates.review
    return review.latest + dt.timedelta(days=1) if review is not None else None


@dataclass(frozen=True)
class FinalResult:
    """An outcome's result once it is final: met, or missed by ``short`` (in its unit)."""

    met: bool
    short: Decimal  # how far the latest reading falls short of the target (0 when met)
    text: str  # "Target met: 72.4% against 72.0% by March 2014", "Missed by 1.6 points: ..."


def _month(day: dt.date) -> str:
    return PartialDate(day.year, day.month).words()


def final_result(outcome: Outcome, latest: Optional[Reading], today: dt.date, over: bool = False) -> Optional[FinalResult]:
    """The outcome's final result, or None while it is not final.

    Final once ``over`` (the deal's programme is over: :func:`programme_over`) or more than
    FINAL_AFTER_DAYS after the target date; judged on ``latest``, the latest reading on or
    before ``today``, against the target in the outcome's direction (met when it meets or
    passes it, whenever it was taken). None without a target or a reading: nothing to judge.
    Figures are written to the places the deal gives them (the more of reading and target).
    """
    target, baseline = outcome.target, outcome.baseline
    if target is None or baseline is None or latest is None or outcome.cannot_rate:
        return None
    if not over and (today - target.date).days <= FINAL_AFTER_DAYS:
        return None
    sign = -1 if target.value < baseline.value else 1
    places = max(written_places(latest.value), written_places(target.value))
    reading, wanted = measure(latest.value, outcome.unit, places), measure(target.value, outcome.unit, places)
    by = f"{wanted} by {_month(target.date)}"
    short = (target.value - latest.value) * sign
    if short <= 0:
        if latest.date <= target.date:
            return FinalResult(True, Decimal(0), f"Target met: {reading} against {by}")
        return FinalResult(True, Decimal(0), f"Target met late: {reading} in {_month(latest.date)} against {by}")
    gap = number(short, places)
    unit = ("point" if gap == "1" else "points") if is_percent(outcome.unit) else outcome.unit
    return FinalResult(False, short, f"Missed by {gap} {unit}: {reading} in {_month(latest.date)} against {by}")
