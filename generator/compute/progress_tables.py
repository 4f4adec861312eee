"""The published progress tables of a deal: outcomes, expected paths, readings, milestones, budget.

Floor 2, over the status rule in ``progress.py``: the same progress, as :class:`tables.Table`
objects (pandas) for the deal's page, the dashboard and the downloads. Values stay exact
until here; only these tables round the expected value (4 decimal places) and the share of
expected progress (1 decimal place), half up, and their column descriptions say so.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

import numpy as np
import pandas as pd

from ..model import Deal
from .display import csv_pounds
from .evidence_columns import EVIDENCE_COLUMNS, SOURCE_COLUMNS, evidence_row, source_row
from .progress import (
    EventProgress,
    OutcomeProgress,
    budget_progress,
    deal_event_progress,
    deal_outcome_progress,
    expected_value,
    path,
)
from .tables import Column, Table


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
           description="achieved, on-track, at-risk, off-track, missed (final), no-recent-data, monitoring or cannot-be-rated (rule: dashboard page, 'How status is worked out')"),
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
    Column("state", "State", "string", description="on time, early, late, done (dates too imprecise to say), overdue, not yet due, or not recorded (no actual date and the deal's programme is over)"),
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
