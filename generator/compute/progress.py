"""Progress of outcomes, milestones and budgets: computed, not prose.

Floor 2: works on the embargo-filtered model and returns small view objects and
:class:`tables.Table` objects (pandas). Values stay exact ``Decimal``; only the
published tables round the expected value (4 decimal places) and the share of
expected progress (1 decimal place), and say so in their column descriptions.

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
4. **Achieved** when the latest reading meets or passes the target value in the
   outcome's direction (whenever it was taken, even after the target date).
5. **Off track** when the target date has passed (``today`` is after it) and
   the target was not achieved, including when the latest reading was taken after
   the target date.
6. **No recent data** when the latest reading is more than
   :data:`RECENT_DAYS` (400) days older than ``today``.
7. Otherwise compare progress with the expected path at the latest reading's
   date: *progress* = (latest - baseline) x direction, *expected progress* =
   (expected - baseline) x direction, *share* = progress / expected progress.
   **On track** when share >= 90%, **at risk** when share >= 60%, **off track**
   below 60%. When the expected progress is zero or less (the reading is at the
   start of the path), the outcome is on track if the reading is no worse than
   expected and off track if it is worse.

The target used is always the deal's current target: when a deal moves a target
the status follows the new one, and the changes page records the move.

A milestone (negotiation or delivery event) is **overdue** when it has no actual
date and its planned date is before ``today``. Its slippage is actual - planned
in days (positive is late); for an overdue milestone, today - planned so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Optional

import numpy as np
import pandas as pd

from ..model import UNIT_PENCE, Deal, Event, Evidence, Outcome, Point, Reading
from .display import csv_pounds
from .tables import Column, Table

RECENT_DAYS = 400
ON_TRACK_SHARE = Decimal("0.9")
AT_RISK_SHARE = Decimal("0.6")


class Status(str, Enum):
    achieved = "achieved"
    on_track = "on-track"
    at_risk = "at-risk"
    off_track = "off-track"
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
    Status.no_recent_data: "No recent data",
    Status.monitoring: "Monitored, no target",
    Status.cannot_rate: "Cannot be rated",
}
STATUS_ORDER = [
    Status.achieved, Status.on_track, Status.at_risk, Status.off_track, Status.no_recent_data, Status.monitoring, Status.cannot_rate,
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
    clause: int = 0  # the clause of the rule (1 to 7, module docstring) that decided the status

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

    @property
    def state(self) -> str:
        if self.overdue:
            return "overdue"
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


def outcome_progress(outcome: Outcome, today: dt.date) -> OutcomeProgress:
    """The status of an outcome on ``today`` by the rule in this module's docstring."""
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
    if (latest.value - outcome.target.value) * sign >= 0:
        return OutcomeProgress(outcome, Status.achieved, "the latest reading meets the target", share=share, clause=4, **common)
    if today > outcome.target.date:
        return OutcomeProgress(outcome, Status.off_track, "the target date has passed without the target being met", share=share, clause=5, **common)
    age = (today - latest.date).days
    if age > RECENT_DAYS:
        return OutcomeProgress(outcome, Status.no_recent_data, f"the latest reading is {age} days old (more than {RECENT_DAYS})", share=share, clause=6, **common)
    if share is None:
        status = Status.on_track if gap * sign >= 0 else Status.off_track
        return OutcomeProgress(outcome, status, "no progress was expected yet", share=None, clause=7, **common)
    if share >= ON_TRACK_SHARE:
        status = Status.on_track
    elif share >= AT_RISK_SHARE:
        status = Status.at_risk
    else:
        status = Status.off_track
    return OutcomeProgress(outcome, status, "share of expected progress", share=share, clause=7, **common)


def deal_outcome_progress(deal: Deal, today: dt.date) -> dict[str, OutcomeProgress]:
    """Outcome id -> progress, in the deal's order."""
    return {o.id: outcome_progress(o, today) for o in deal.outcomes}


# --- milestones ---------------------------------------------------------------------


def event_progress(event: Event, today: dt.date) -> EventProgress:
    """Slippage in days where both dates are known to the day; an event planned for a month or
    a year is overdue once that whole month or year has passed."""
    if event.actual is not None:
        planned, actual = event.planned.exact, event.actual.exact
        if planned is not None and actual is not None:
            return EventProgress(event, (actual - planned).days, False)
        return EventProgress(event, None, False)
    if event.planned.latest < today:
        return EventProgress(event, (today - event.planned.latest).days, True)
    return EventProgress(event, None, False)


def deal_event_progress(deal: Deal, today: dt.date) -> list[EventProgress]:
    return [event_progress(e, today) for e in deal.negotiation.events]


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


# --- tables ------------------------------------------------------------------------


def rounded(value: Optional[Decimal], places: int) -> Optional[Decimal]:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _frame(columns: list[Column], rows: list[dict]) -> pd.DataFrame:
    """Object columns in one block, built from an array: about 0.07 ms a frame, where pandas'
    list-of-dicts constructor took 0.3 to 0.4 ms (five frames a deal, for every download build)."""
    names = [c.name for c in columns]
    flat = [row.get(name) for row in rows for name in names]
    data = np.fromiter(flat, dtype=object, count=len(flat)).reshape(len(rows), len(names))
    return pd.DataFrame(data, columns=pd.Index(names, dtype=object), dtype=object, copy=False)


SOURCE_COLUMNS = [
    Column("source_publisher", "Source: publisher", "string", description="Who published the figure; empty where no source is given"),
    Column("source_dataset", "Source: dataset", "string", description="The dataset or document the figure comes from"),
    Column("source_released", "Source: released", "string", description="When that release was published: YYYY-MM-DD, YYYY-MM or YYYY"),
    Column("source_url", "Source: link", "string", description="Where the release can be read"),
]

# Why a status is what it is, and a reviewer's judgement beside it (never instead of it).
EVIDENCE_COLUMNS = [
    Column("measures", "Measures", "string", description="outcome (what got better) or output (what was done)"),
    Column("status_clause", "Status rule clause", "integer",
           description="The numbered clause of the status rule that decided the status (1 to 7, 'How status is worked out')"),
    Column("status_reason", "Status reason", "string",
           description="In words, why the clause applies; for a status of cannot-be-rated, the reason the outcome cannot be measured"),
    *(Column(c.name, c.title.replace("Source:", "Latest reading's source:"), c.type, description=c.description) for c in SOURCE_COLUMNS),
    Column("assurance_rating", "Latest assurance rating", "string",
           description="A reviewer's judgement (red, amber-red, amber, amber-green or green), shown beside the computed status; it never changes it"),
    Column("assurance_scale", "Assurance scale", "string", description="rag (red, amber, green) or delivery-confidence (five points)"),
    Column("assurance_reviewer", "Assurance reviewer", "string"),
    Column("assurance_date", "Assurance date", "date"),
]

OUTCOME_COLUMNS = [
    Column("outcome_id", "Outcome id", "string", description="The outcome's identifier within the deal"),
    Column("outcome", "Outcome", "string"),
    Column("indicator", "Indicator", "string", description="What is measured"),
    Column("unit", "Unit", "string", description="The unit of every value in this row"),
    Column("baseline_value", "Baseline", "number", "outcome unit"),
    Column("baseline_date", "Baseline date", "date"),
    Column("target_value", "Target", "number", "outcome unit", "The deal's current target"),
    Column("target_date", "Target date", "date"),
    Column("latest_value", "Latest reading", "number", "outcome unit", "Empty when there is no reading"),
    Column("latest_date", "Latest reading date", "date"),
    Column("expected_value", "Expected at the latest reading's date", "number", "outcome unit",
           "Straight line through baseline, interim milestones and target; rounded half up to 4 decimal places"),
    Column("gap", "Latest minus expected", "number", "outcome unit", "Rounded half up to 4 decimal places"),
    Column("progress_percent", "Share of expected progress", "number", "percent",
           "(latest - baseline) / (expected - baseline) x 100, rounded half up to 1 decimal place"),
    Column("status", "Status", "string",
           description="achieved, on-track, at-risk, off-track, no-recent-data, monitoring (no target) or cannot-be-rated "
           "(rule: dashboard page, 'How status is worked out')"),
    Column("commentary", "Commentary", "string", description="With the latest reading"),
    Column("remedial_action", "Planned remedial action", "string", description="With the latest reading"),
    *EVIDENCE_COLUMNS,
]

PATH_COLUMNS = [
    Column("outcome_id", "Outcome id", "string"),
    Column("point", "Point", "string", description="baseline, milestone or target"),
    Column("date", "Date", "date"),
    Column("value", "Value", "number", "outcome unit"),
    Column("unit", "Unit", "string"),
]

READING_COLUMNS = [
    Column("outcome_id", "Outcome id", "string"),
    Column("date", "Date", "date", description="The date the reading measures"),
    Column("value", "Value", "number", "outcome unit"),
    Column("unit", "Unit", "string"),
    Column("expected_value", "Expected on that date", "number", "outcome unit", "Rounded half up to 4 decimal places"),
    Column("commentary", "Commentary", "string"),
    Column("remedial_action", "Planned remedial action", "string"),
    *SOURCE_COLUMNS,
]

MILESTONE_COLUMNS = [
    Column("title", "Milestone", "string"),
    Column("kind", "Kind", "string", description="meeting or milestone"),
    Column("round", "Round", "string", description="An id from the negotiation rounds; empty if none"),
    Column("planned", "Planned", "string", description="As precisely as known: YYYY-MM-DD, YYYY-MM or YYYY"),
    Column("actual", "Actual", "string", description="As precisely as known; empty until it happens"),
    Column("slippage_days", "Slippage", "integer", "days",
           "Actual minus planned (positive is late), where both are known to the day; for an overdue milestone, "
           "build date minus the last day it was planned for"),
    Column("overdue", "Overdue", "boolean", description="No actual date and the planned date is before the build date"),
    Column("state", "State", "string", description="on time, early, late, done (dates too imprecise to say), overdue or not yet due"),
    Column("note", "Note", "string"),
]

BUDGET_COLUMNS = [
    Column("financial_year", "Financial year", "string", description="e.g. 2012-13"),
    Column("planned_gbp", "Planned spend", "number", "GBP", "Sum of the budget lines' amounts; exact pounds, 2 decimal places"),
    Column("actual_gbp", "Actual spend", "number", "GBP", "Sum of the lines' recorded actuals; empty where none is recorded"),
    Column("variance_gbp", "Actual minus planned", "number", "GBP", "Positive is overspend; empty where no actual is recorded"),
    Column("savings_committed_gbp", "Savings committed", "number", "GBP",
           "Planned spend x the deal's reduction percent / 100; exact (more than 2 decimal places only for fractions of a penny)"),
    Column("savings_achieved_gbp", "Savings achieved", "number", "GBP", "As recorded by the deal; empty where none is recorded"),
]


def progress_tables(deal: Deal, today: dt.date) -> list[Table]:
    """The progress tables of a deal, for its page, the dashboard and the downloads."""
    progress = deal_outcome_progress(deal, today)
    tables = [
        Table("outcomes-progress", "Outcome progress", OUTCOME_COLUMNS, _frame(OUTCOME_COLUMNS, [_outcome_row(p) for p in progress.values()]),
              description=f"Each outcome's latest reading against the expected path and its status as of {today.isoformat()}."),
        Table("outcome-path", "Expected path of each outcome", PATH_COLUMNS, _frame(PATH_COLUMNS, [
            {"outcome_id": o.id, "point": kind, "date": p.date, "value": p.value, "unit": o.unit}
            for o in deal.outcomes
            for kind, p in [*([("baseline", o.baseline)] if o.baseline else []), *(("milestone", m) for m in sorted(o.milestones, key=lambda m: m.date)), *([("target", o.target)] if o.target else [])]
        ]), description="Baseline, interim milestones and target: the points the expected straight-line path runs through."),
        Table("readings", "Readings", READING_COLUMNS, _frame(READING_COLUMNS, [
            {"outcome_id": o.id, "date": r.date, "value": r.value, "unit": o.unit,
             "expected_value": rounded(expected_value(o, r.date, points), 4) if o.target else None,
             "commentary": r.commentary, "remedial_action": r.remedial_action, **source_row(o.source_of(r))}
            for o in deal.outcomes for points in [path(o)] for r in sorted(o.readings, key=lambda r: r.date)
        ]), description="Every published reading of every outcome, with the expected value on its date."),
        Table("milestones", "Milestones", MILESTONE_COLUMNS, _frame(MILESTONE_COLUMNS, [
            _event_row(p) for p in deal_event_progress(deal, today)
        ]), description=f"Planned against actual dates of the deal's meetings and milestones, as of {today.isoformat()}."),
    ]
    budget = budget_progress(deal)
    if budget is not None:
        tables.append(Table("budget-actuals", "Budget: planned and actual spend, savings", BUDGET_COLUMNS, _frame(BUDGET_COLUMNS, [
            {"financial_year": y.year, "planned_gbp": _gbp(y.planned_pence), "actual_gbp": _gbp(y.actual_pence),
             "variance_gbp": _gbp(y.variance_pence), "savings_committed_gbp": _gbp(y.savings_committed_pence),
             "savings_achieved_gbp": _gbp(y.savings_achieved_pence)}
            for y in budget.years
        ]), description="Planned against actual spend by year, and savings achieved against savings committed."))
    return tables


def _gbp(pence) -> Optional[str]:
    return None if pence is None else csv_pounds(pence)


def _outcome_row(p: OutcomeProgress) -> dict:
    o = p.outcome
    return {
        "outcome_id": o.id,
        "outcome": o.title,
        "indicator": o.indicator,
        "unit": o.unit,
        "baseline_value": o.baseline.value if o.baseline else None,
        "baseline_date": o.baseline.date if o.baseline else None,
        "target_value": o.target.value if o.target else None,
        "target_date": o.target.date if o.target else None,
        "latest_value": p.latest.value if p.latest else None,
        "latest_date": p.latest.date if p.latest else None,
        "expected_value": rounded(p.expected, 4),
        "gap": rounded(p.gap, 4),
        "progress_percent": rounded(p.share_percent, 1),
        "status": p.status.value,
        "commentary": p.commentary,
        "remedial_action": p.remedial_action,
        **evidence_row(p),
    }


def source_row(source: Optional[Evidence], prefix: str = "source_") -> dict:
    """A figure's source as table cells (empty where none is given)."""
    if source is None:
        return {f"{prefix}{k}": None for k in ("publisher", "dataset", "released", "url")}
    return {f"{prefix}publisher": source.publisher, f"{prefix}dataset": source.dataset,
            f"{prefix}released": str(source.released) if source.released else None, f"{prefix}url": source.url}


def evidence_row(p: OutcomeProgress) -> dict:
    """Why the status is what it is (clause, reason, the latest reading's source) and the latest assurance rating beside it."""
    rating = p.outcome.assurance[-1] if p.outcome.assurance else None
    return {
        "measures": p.outcome.measures,
        "status_clause": p.clause,
        "status_reason": p.reason,
        **source_row(p.evidence),
        "assurance_rating": rating.rating if rating else None,
        "assurance_scale": rating.scale if rating else None,
        "assurance_reviewer": rating.reviewer if rating else None,
        "assurance_date": rating.date if rating else None,
    }


def _event_row(p: EventProgress) -> dict:
    e = p.event
    return {
        "title": e.title,
        "kind": e.kind,
        "round": e.round,
        "planned": str(e.planned),
        "actual": str(e.actual) if e.actual else None,
        "slippage_days": p.slippage_days,
        "overdue": p.overdue,
        "state": p.state,
        "note": e.note,
    }
