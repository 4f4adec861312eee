"""Geometry of an outcome's progress chart: its readings against the expected path, with the verdict.

The expected path runs from the baseline through each interim milestone to the target (and
flat after it, as the status rule reads it); the readings are a line of dots; the latest
reading carries the status the published rule gives it, in words. A small inline SVG with a
fixed aspect ratio (it scales with the column), drawn from numbers worked out here, so the
template only writes them. Kept lean: a deal page holds twenty of these and stays under its
size budget. Its text alternative is the outcome's figures beside it (baseline, target,
latest reading, status: the chart's ``aria-labelledby``); every reading, with the expected
value on its date, is in a table on the deal's tables page, linked from each outcome.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from ..model import Outcome, PartialDate
from .display import measure, written_places
from .progress import OutcomeProgress, expected_value, path

WIDTH, HEIGHT = 320, 100
LEFT, RIGHT = 8.0, 312.0  # the plot's x range: the first and last dates
TOP, BOTTOM = 22.0, 82.0  # the plot's y range: the largest and smallest values
TEXT = 11  # the labels' size (user units): room a label needs above its baseline
VERDICT_GAP = 9  # the verdict's text sits this far above (or below) the latest reading
TABLE_READINGS = 3  # the latest readings in the chart's table for screen readers (every one: the tables page)


@dataclass(frozen=True)
class TableRow:
    """A reading in the chart's table: its month, its value and the expected value then."""

    month: str
    reading: str
    expected: str  # "" without a target


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str  # start, middle or end


@dataclass(frozen=True)
class OutcomeChart:
    expected: str  # the expected path, as SVG path data ("" without a target)
    readings: str  # the readings, as SVG path data ("" without any)
    dots: list[tuple[float, float]]  # each reading
    latest: Optional[tuple[float, float]]
    status: str  # the Status value, for the verdict's look
    labels: list[Label]  # values at the baseline and target, then the verdict
    table: tuple[TableRow, ...] = ()  # the latest readings (at most TABLE_READINGS), oldest first
    earlier: int = 0  # readings before those in the table

    @property
    def caption(self) -> str:
        shown = len(self.table)
        return f"Latest {shown} of {shown + self.earlier} readings" if self.earlier else f"Reading{'s' if shown != 1 else ''}"

    @property
    def has_expected(self) -> bool:
        return any(r.expected for r in self.table)
    width: int = WIDTH
    height: int = HEIGHT


def _r(value: float) -> int:
    """Whole user units: half a unit is about half a pixel on a phone, and the page stays small."""
    return int(round(value))


def _side(y: float, below: bool) -> int:
    """The baseline of a label beside a point at ``y``: below it, or above it (the other side
    when there is no room)."""
    under, over = y + 4 + TEXT, y - 7
    if below:
        return _r(under if under <= HEIGHT else over)
    return _r(over if over - TEXT >= 0 else under)


def outcome_chart(progress: OutcomeProgress, today: dt.date) -> Optional[OutcomeChart]:
    """The chart of an outcome's progress on ``today``; None for one that cannot be rated."""
    o: Outcome = progress.outcome
    if o.baseline is None:
        return None
    points = path(o)
    readings = sorted((r for r in o.readings if r.date <= today), key=lambda r: r.date)
    days = [p.date for p in points] + [r.date for r in readings]
    start, end = min(days), max(days)
    values = [p.value for p in points] + [r.value for r in readings]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    span_days = (end - start).days or 1

    def x(day: dt.date) -> float:
        return _r(LEFT + (day - start).days / span_days * (RIGHT - LEFT))

    def y(value: Decimal) -> float:
        return _r(BOTTOM - float((value - low) / (high - low)) * (BOTTOM - TOP))

    expected = ""
    if o.target is not None:
        drawn = [(x(p.date), y(p.value)) for p in points]
        if end > o.target.date:  # the path stays at the target after its date
            drawn.append((x(end), y(o.target.value)))
        expected = "M" + " ".join(f"{a} {b}" for a, b in drawn)
    dots = [(x(r.date), y(r.value)) for r in readings]
    # Each reading's dot is a marker of the path (the stylesheet's, not a circle each).
    line = "M" + " ".join(f"{a} {b}" for a, b in dots) if dots else ""
    unit = o.unit
    labels = []
    bx, by = x(o.baseline.date), y(o.baseline.value)
    # Each end's value on the side the path leaves clear: on a rising path the baseline's below
    # its point and the target's above; on a falling one the other way round (if there is room).
    rising = progress.direction > 0
    labels.append(Label(bx, _side(by, below=rising), f"Baseline {measure(o.baseline.value, unit)} ({o.baseline.date.year})", "start"))
    if o.target is not None:
        tx, ty = x(o.target.date), y(o.target.value)
        labels.append(Label(tx, _side(ty, below=not rising), f"Target {measure(o.target.value, unit)} by {o.target.date.year}", "end"))
    latest = dots[-1] if dots else None
    verdict = progress.final.text.split(":")[0] if progress.final else progress.status.label
    if latest is not None:
        lx, ly = latest
        above = ly - VERDICT_GAP - TEXT >= 0
        labels.append(Label(lx, _r(ly - VERDICT_GAP if above else ly + VERDICT_GAP + TEXT), verdict, "end" if lx > WIDTH / 2 else "start"))
    else:
        # In the corner the path leaves clear: below a rising path, above a falling one.
        labels.append(Label(_r((LEFT + RIGHT) / 2), _r(BOTTOM if rising else TOP + TEXT), "No reading yet", "middle"))
    return OutcomeChart(expected, line, dots, latest, progress.status.value, labels, *reading_table(o, readings, points))


def reading_table(o: Outcome, readings: list, points: list) -> tuple[tuple[TableRow, ...], int]:
    """The latest readings against the expected value on each one's date, written to the places
    the deal gives (the more of reading and target): the numbers the chart draws, for screen readers."""
    shown = readings[-TABLE_READINGS:]
    rows = []
    for r in shown:
        places = max(written_places(r.value), written_places(o.target.value) if o.target else 0)
        wanted = measure(expected_value(o, r.date, points), o.unit, places) if o.target else ""
        rows.append(TableRow(PartialDate(r.date.year, r.date.month).words(), measure(r.value, o.unit), wanted))
    return tuple(rows), len(readings) - len(shown)
