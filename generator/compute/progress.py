"""Progress of outcomes, milestones and budgets: computed, not prose.

Floor 2: works on the embargo-filtered model and returns small view objects. Values
stay exact ``Decimal``; the published tables (``progress_tables.py``) are the only place
that rounds them, and say so in their column descriptions.

The status rule (also published on the dashboard, ``dashboard.md#status-rule``)
===============================================================================

An outcome has a baseline (value, date), a target (value, date) and optional
interim milestones (value, date) between them. ``today`` is the build date.

* **Direction.** Higher is better when the target is at or above the baseline,
  lower is better when it is below.
* **Expected path.** The expected value on a date is the straight line through
  the baseline, each interim milestone (in date order) and the target,
  interpolated by days; after the target date it is the target value.
* **Latest reading.** The reading with the latest date on or before ``today``
  (readings dated after the build date are not yet counted).

The status is the first of these that applies (its number is the *clause* a status names
as its evidence, with the reading it was worked out from):

1. **Cannot be rated** when the outcome says why it is too vague to measure
   (``cannot_rate``); the reason is shown with the status, never "no recent data".
2. **Monitored, no target** when the outcome has no target: its readings are shown and no
   progress is judged.
3. **No recent data** when there is no reading.
4. **A final result** (``final.py``) once the deal's programme is over or the target date is
   long past: **achieved** ("Target met") or **missed**, by how much.
5. **Achieved** when the latest reading meets or passes the target value in the
   outcome's direction (whenever it was taken, even after the target date).
6. **Off track** when the target date has passed (``today`` is after it) and
   the target was not achieved, including when the latest reading was taken after
   the target date.
7. **No recent data** when the latest reading is more than
   :data:`RECENT_DAYS` (400) days older than ``today``.
8. Otherwise compare progress with the expected path at the latest reading's
   date: *progress* = (latest - baseline) x direction, *expected progress* =
   (expected - baseline) x direction, *share* = progress / expected progress.
   **On track** when share >= 90%, **at risk** when share >= 60%, **off track**
   below 60%. When the expected progress is zero or less (the reading is at the
   start of the path), the outcome is on track if the reading is no worse than
   expected and off track if it is worse.

The target used is always the deal's current target: when a deal moves a target
the status follows the new one, and the changes page records the move.

A milestone (negotiation or delivery event) is **overdue** when it has no actual
date and its planned date is before ``today`` (once the programme is over: "not recorded"). Its slippage is actual - planned
in days (positive is late); for an overdue milestone, today - planned so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Optional

from ..model import UNIT_PENCE, Deal, Event, Evidence, Outcome, Point, Reading
from .final import FinalResult, final_result, programme_over

RECENT_DAYS = 400
SHARE_CLAUSE = 8  # the last clause of the rule: the share of expected progress
ON_TRACK_SHARE = Decimal("0.9")
AT_RISK_SHARE = Decimal("0.6")


class Status(str, Enum):
    achieved = "achieved"
    on_track = "on-track"
    at_risk = "at-risk"
    off_track = "off-track"
    missed = "missed"  # final: the programme is over and the target was not met
    no_recent_data = "no-recent-data"
    monitoring = "monitoring"  # no target: readings are shown, no status is judged
    cannot_rate = "cannot-be-rated"  # too vague to measure, with the reason

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.achieved: "Achieved",
    Status.on_track: "On track",
    Status.at_risk: "At risk",
    Status.off_track: "Off track",
    Status.missed: "Target missed",
    Status.no_recent_data: "No recent data",
    Status.monitoring: "Monitored, no target",
    Status.cannot_rate: "Cannot be rated",
}
STATUS_ORDER = [
    Status.achieved, Status.on_track, Status.at_risk, Status.off_track, Status.missed, Status.no_recent_data, Status.monitoring, Status.cannot_rate,
]


@dataclass(frozen=True)
class OutcomeProgress:
    outcome: Outcome
    status: Status
    reason: str  # plain text: which step of the rule decided the status
    latest: Optional[Reading] = None
    expected: Optional[Decimal] = None  # on the expected path at the latest reading's date
    gap: Optional[Decimal] = None  # latest - expected (in the outcome's unit; sign as measured)
    share: Optional[Decimal] = None  # progress / expected progress, as a fraction (1 = on the path)
    direction: int = 1  # +1 higher is better, -1 lower is better
    final: Optional[FinalResult] = None  # set once the result is final (final_result)
    clause: int = 0  # the clause of the rule (1 to 8, module docstring) that decided the status

    @property
    def evidence(self) -> Optional[Evidence]:
        """Where the reading the status was worked out from came from (the reading's own source, or the outcome's)."""
        return self.outcome.source_of(self.latest) if self.latest else None

    @property
    def commentary(self) -> Optional[str]:
        return self.latest.commentary if self.latest else None

    @property
    def remedial_action(self) -> Optional[str]:
        return self.latest.remedial_action if self.latest else None

    @property
    def share_percent(self) -> Optional[Decimal]:
        return None if self.share is None else self.share * 100


@dataclass(frozen=True)
class EventProgress:
    event: Event
    slippage_days: Optional[int]  # actual - planned; today - planned while overdue; None if not due
    overdue: bool
    not_recorded: bool = False  # no actual date, and the deal's programme is over: no longer waited for

    @property
    def state(self) -> str:
        if self.overdue:
            return "overdue"
        if self.not_recorded:
            return "not recorded"
        if self.event.actual is None:
            return "not yet due"
        if self.slippage_days is None:  # a date known only to the month or year
            if self.event.planned.before(self.event.actual):
                return "late"
            return "early" if self.event.actual.before(self.event.planned) else "done"
        if self.slippage_days > 0:
            return "late"
        if self.slippage_days < 0:
            return "early"
        return "on time"


@dataclass(frozen=True)
class YearSpend:
    year: str
    planned_pence: int
    actual_pence: Optional[int]  # None where no line records an actual for the year
    variance_pence: Optional[int]  # actual - planned
    savings_committed_pence: Optional[Decimal]  # planned x reduction_percent / 100 (exact; may hold part-pence); None unless more for less
    savings_achieved_pence: Optional[int]


@dataclass(frozen=True)
class BudgetProgress:
    unit: str
    reduction_percent: Optional[Decimal]  # None: not a "more for less" budget
    years: list[YearSpend]
    has_actuals: bool
    has_savings: bool

    @property
    def savings_committed_pence(self) -> Optional[Decimal]:
        if self.reduction_percent is None:
            return None
        return sum((y.savings_committed_pence for y in self.years), Decimal(0))

    @property
    def savings_achieved_pence(self) -> int:
        return sum(y.savings_achieved_pence or 0 for y in self.years)


# --- outcomes ---------------------------------------------------------------------


def direction(outcome: Outcome) -> int:
    if outcome.target is None or outcome.baseline is None:
        return 1
    return -1 if outcome.target.value < outcome.baseline.value else 1


def path(outcome: Outcome) -> list[Point]:
    """Baseline, milestones and target: the expected path (an outcome without a target has none)."""
    return [outcome.baseline, *sorted(outcome.milestones, key=lambda p: p.date), *([outcome.target] if outcome.target else [])]


def expected_value(outcome: Outcome, on: dt.date, points: Optional[list[Point]] = None) -> Decimal:
    """The straight-line expected value on a date, through baseline, milestones and target
    (``points``: the outcome's :func:`path`, where the caller already has it)."""
    if points is None:
        points = path(outcome)
    if on <= points[0].date:
        return points[0].value
    for a, b in zip(points, points[1:]):
        if on <= b.date:
            return a.value + (b.value - a.value) * Decimal((on - a.date).days) / Decimal((b.date - a.date).days)
    return points[-1].value


def latest_reading(outcome: Outcome, today: dt.date) -> Optional[Reading]:
    counted = [r for r in outcome.readings if r.date <= today]
    return max(counted, key=lambda r: r.date) if counted else None


def outcome_progress(outcome: Outcome, today: dt.date, over: bool = False) -> OutcomeProgress:
    """The status of an outcome on ``today`` by the rule in this module's docstring (``over``: the deal's programme is)."""
    sign = direction(outcome)
    latest = latest_reading(outcome, today)
    if outcome.cannot_rate:
        return OutcomeProgress(outcome, Status.cannot_rate, outcome.cannot_rate, latest=latest, direction=sign, clause=1)
    if outcome.target is None:
        return OutcomeProgress(outcome, Status.monitoring, "it is monitored without a target", latest=latest, direction=sign, clause=2)
    if latest is None:
        return OutcomeProgress(outcome, Status.no_recent_data, "no reading yet", direction=sign, clause=3)
    expected = expected_value(outcome, latest.date)
    gap = latest.value - expected
    common = dict(latest=latest, expected=expected, gap=gap, direction=sign)
    progress = (latest.value - outcome.baseline.value) * sign
    wanted = (expected - outcome.baseline.value) * sign
    share = progress / wanted if wanted > 0 else None
    final = final_result(outcome, latest, today, over)
    if final is not None:
        status = Status.achieved if final.met else Status.missed
        return OutcomeProgress(outcome, status, "the result is final: " + final.text, share=share, final=final, clause=4, **common)
    if (latest.value - outcome.target.value) * sign >= 0:
        return OutcomeProgress(outcome, Status.achieved, "the latest reading meets the target", share=share, clause=5, **common)
    if today > outcome.target.date:
        return OutcomeProgress(outcome, Status.off_track, "the target date has passed without the target being met", share=share, clause=6, **common)
    age = (today - latest.date).days
    if age > RECENT_DAYS:
        return OutcomeProgress(outcome, Status.no_recent_data, f"the latest reading is {age} days old (more than {RECENT_DAYS})", share=share, clause=7, **common)
    if share is None:
        status = Status.on_track if gap * sign >= 0 else Status.off_track
        return OutcomeProgress(outcome, status, "no progress was expected yet", share=None, clause=SHARE_CLAUSE, **common)
    if share >= ON_TRACK_SHARE:
        status = Status.on_track
    elif share >= AT_RISK_SHARE:
        status = Status.at_risk
    else:
        status = Status.off_track
    return OutcomeProgress(outcome, status, "share of expected progress", share=share, clause=SHARE_CLAUSE, **common)


def deal_outcome_progress(deal: Deal, today: dt.date) -> dict[str, OutcomeProgress]:
    """Outcome id -> progress, in the deal's order."""
    over = programme_over(deal, today)
    return {o.id: outcome_progress(o, today, over) for o in deal.outcomes}


# --- milestones ---------------------------------------------------------------------


def event_progress(event: Event, today: dt.date, over: bool = False) -> EventProgress:
    """Slippage in days where both dates are known to the day; an event planned for a month or
    a year is overdue once that whole month or year has passed (not recorded once ``over``)."""
    if event.actual is not None:
        planned, actual = event.planned.exact, event.actual.exact
        if planned is not None and actual is not None:
            return EventProgress(event, (actual - planned).days, False)
        return EventProgress(event, None, False)
    if event.planned.latest < today:
        if over:
            return EventProgress(event, None, False, not_recorded=True)
        return EventProgress(event, (today - event.planned.latest).days, True)
    return EventProgress(event, None, False)


def deal_event_progress(deal: Deal, today: dt.date) -> list[EventProgress]:
    over = programme_over(deal, today)
    return [event_progress(e, today, over) for e in deal.negotiation.events]


# --- budget ----------------------------------------------------------------------


def budget_progress(deal: Deal) -> Optional[BudgetProgress]:
    """Planned against actual spend by year, and savings achieved against committed.

    Committed savings for a year are the year's baseline (the lines' amounts) times
    ``reduction_percent`` / 100, exact. Actual spend for a year is the sum of the
    lines' actuals for it, shown only where at least one line records one.
    """
    budget = deal.budget
    if budget is None:
        return None
    per_pence = UNIT_PENCE[budget.unit]
    rows = []
    for year in budget.years:
        planned = sum(int(line.amounts.get(year, Decimal(0)) * per_pence) for line in budget.lines)
        recorded = [line.actuals[year] for line in budget.lines if year in line.actuals]
        actual = sum(int(a * per_pence) for a in recorded) if recorded else None
        achieved = budget.savings_achieved.get(year)
        rows.append(
            YearSpend(
                year=year,
                planned_pence=planned,
                actual_pence=actual,
                variance_pence=None if actual is None else actual - planned,
                savings_committed_pence=Decimal(planned) * budget.reduction_percent / 100 if budget.more_for_less else None,
                savings_achieved_pence=None if achieved is None else int(achieved * per_pence),
            )
        )
    return BudgetProgress(
        unit=budget.unit.value,
        reduction_percent=budget.reduction_percent,
        years=rows,
        has_actuals=any(r.actual_pence is not None for r in rows),
        has_savings=bool(budget.savings_achieved),
    )
