"""Geometry of the negotiation timeline charts: planned against actual, at build time.

The national rounds are bands across the chart; each row holds events, each a
planned mark and, once it happened, an actual mark joined to it, so slippage is
a visible line. Positions are computed here, in Python, so the templates only
write the numbers into inline SVG (deal text stays escaped by Jinja there).
The same code draws the timetable page (a row per deal) and each deal page
(a row per event).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional, Sequence

from ..model import Event, NegotiationRound

WIDTH = 720  # the SVG's user units: about the content column's width, so text stays near 12px
LABEL_WIDTH = 190  # left column for row labels
RIGHT_PAD = 16
TOP = 46  # room for the round numbers and the year axis
ROW_HEIGHT = 24
BOTTOM = 12
LABEL_CHARS = 28  # longer labels are shortened in the chart (the table has them whole)


@dataclass(frozen=True)
class Slippage:
    """How late (positive) or early (negative) an event happened, in days: None if not yet, or
    if either date is known only to the month or year (then ``happened`` says whether it did)."""

    days: Optional[int]
    happened: bool = False

    @property
    def text(self) -> str:
        if self.days is None:
            return "happened" if self.happened else "no actual date yet"
        if self.days == 0:
            return "on time"
        unit = "day" if abs(self.days) == 1 else "days"
        return f"{abs(self.days):,} {unit} {'late' if self.days > 0 else 'early'}"

    @property
    def kind(self) -> str:
        if self.days is None:
            return "happened" if self.happened else "pending"
        return "late" if self.days > 0 else ("early" if self.days < 0 else "on-time")


def slippage(event: Event) -> Slippage:
    if event.actual is None:
        return Slippage(None)
    planned, actual = event.planned.exact, event.actual.exact
    return Slippage((actual - planned).days if planned and actual else None, happened=True)


@dataclass(frozen=True)
class Band:
    number: int  # the key's number, shown in the band and beside the round in the key
    round: NegotiationRound
    x: float
    width: float
    text_x: float


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Mark:
    kind: str  # "meeting" or "milestone"
    planned_x: float
    actual_x: Optional[float]
    slip: Slippage


@dataclass(frozen=True)
class Row:
    label: str  # shortened for the chart
    y: float  # centre line of the row
    marks: list[Mark]
    stripe: bool  # alternate rows are shaded


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    label_x: float
    bands: list[Band]
    ticks: list[Tick]
    rows: list[Row]
    start: dt.date
    end: dt.date

    # One path each for the shaded rows and the year lines, rather than an element per row or
    # year: the same drawing in a third of the bytes (issue 13: deal pages at most 80 KB).
    @property
    def stripes_path(self) -> str:
        return "".join(f"M0 {num(r.y - ROW_HEIGHT / 2)}h{self.width}v{ROW_HEIGHT}H0z" for r in self.rows if r.stripe)

    @property
    def ticks_path(self) -> str:
        return "".join(f"M{num(t.x)} {num(self.top - 30)}V{num(self.bottom)}" for t in self.ticks)


def num(value: float) -> str:
    """A coordinate as short as it can be written: 58 rather than 58.0."""
    return str(int(value)) if value == int(value) else str(round(value, 1))


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _extent(rounds: Sequence[NegotiationRound], rows: Sequence[tuple[str, Sequence[Event]]]) -> tuple[dt.date, dt.date]:
    dates = [d for r in rounds for d in (r.start, r.end)]
    dates += [d.earliest for _, events in rows for e in events for d in (e.planned, e.actual) if d]
    if not dates:
        return dt.date(2010, 1, 1), dt.date(2011, 1, 1)
    # Whole calendar years either side, so the axis starts and ends on a year tick.
    return dt.date(min(dates).year, 1, 1), dt.date(max(dates).year + 1, 1, 1)


def chart(rounds: Sequence[NegotiationRound], rows: Sequence[tuple[str, Sequence[Event]]]) -> Chart:
    """Lay out rows of events (label, events) against the national rounds."""
    start, end = _extent(rounds, rows)
    left, right = float(LABEL_WIDTH), float(WIDTH - RIGHT_PAD)
    span = (end - start).days

    def x(day: dt.date) -> float:
        return round(left + (day - start).days / span * (right - left), 1)

    height = TOP + ROW_HEIGHT * max(len(rows), 1) + BOTTOM
    bands = []
    for number, r in enumerate(sorted(rounds, key=lambda r: r.start), start=1):
        # A round lasts to the end of its last day.
        x0, x1 = x(r.start), x(r.end + dt.timedelta(days=1))
        bands.append(Band(number, r, x0, round(x1 - x0, 1), round((x0 + x1) / 2, 1)))
    # A tick at the start of each year; the end boundary (the next 1 January) gets none.
    ticks = [Tick(x(dt.date(year, 1, 1)), str(year)) for year in range(start.year, end.year)]
    laid = []
    for i, (label, events) in enumerate(rows):
        marks = [
            Mark(e.kind, x(e.planned.earliest), x(e.actual.earliest) if e.actual else None, slippage(e))
            for e in sorted(events, key=lambda e: e.planned)
        ]
        laid.append(Row(shorten(label), TOP + ROW_HEIGHT * i + ROW_HEIGHT // 2, marks, i % 2 == 1))
    return Chart(WIDTH, height, left, right, TOP, height - BOTTOM, 8, bands, ticks, laid, start, end)


# --- the timetable page: meetings and milestones counted by round -----------------------------

# An event's state on the build date, in the order the bars stack them (left to right).
STATES = [
    ("on-time", "Happened on time or early"),
    ("late", "Happened late"),
    ("overdue", "Planned date passed, not yet happened"),
    ("not-due", "Not yet due"),
]
NO_ROUND = "Not in a national round"
BAR_HEIGHT = 18
BAR_GAP = 10
BAR_TOP = 8
BAR_LABEL_WIDTH = 250
COUNT_ROOM = 60  # right of the longest bar, for its total
MIN_SEGMENT_TEXT = 26  # a segment narrower than this (user units) carries no figure; the table has it


def state(event: Event, today: dt.date) -> str:
    if event.actual is not None:
        return "late" if event.planned.before(event.actual) else "on-time"
    return "overdue" if event.planned.latest < today else "not-due"


@dataclass(frozen=True)
class RoundCount:
    """The meetings and milestones of every deal in one national round (or in none)."""

    id: str  # row anchor
    title: str
    round: Optional[NegotiationRound]
    counts: dict  # state -> number, in STATES order
    total: int
    longest_delay: Optional[int]  # days: the longest delay of those that happened late


@dataclass(frozen=True)
class Segment:
    state: str
    x: float
    width: float
    count: int
    text_x: float
    labelled: bool  # wide enough to carry its figure


@dataclass(frozen=True)
class Bar:
    label: str  # shortened for the chart
    y: float  # top of the bar
    height: float
    text_y: float  # baseline of the bar's texts
    segments: list[Segment]
    total: int
    total_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_x: float
    bars: list[Bar]


def round_counts(rounds: Sequence[NegotiationRound], events: Sequence[Event], today: dt.date) -> list[RoundCount]:
    """Every event counted by round (rounds in date order, then events in no known round) and state."""
    ordered = sorted(rounds, key=lambda r: r.start)
    known = {r.id for r in ordered}
    found: dict[Optional[str], dict[str, int]] = {}
    delay: dict[Optional[str], int] = {}
    for e in events:
        key = e.round if e.round in known else None
        s = state(e, today)
        counts = found.setdefault(key, {k: 0 for k, _ in STATES})
        counts[s] += 1
        days = slippage(e).days
        if s == "late" and days is not None:
            delay[key] = max(delay.get(key, 0), days)
    rows = [
        RoundCount(f"round-{r.id}", r.title, r, found.get(r.id, {k: 0 for k, _ in STATES}), sum(found.get(r.id, {}).values()), delay.get(r.id))
        for r in ordered
    ]
    if None in found:
        rows.append(RoundCount("round-none", NO_ROUND, None, found[None], sum(found[None].values()), delay.get(None)))
    return rows


def bar_chart(rows: Sequence[RoundCount]) -> BarChart:
    """Stacked horizontal bars, one per round, scaled to the largest total."""
    left, right = float(BAR_LABEL_WIDTH), float(WIDTH - COUNT_ROOM)
    most = max((r.total for r in rows), default=0) or 1
    bars = []
    for i, r in enumerate(rows):
        y = BAR_TOP + i * (BAR_HEIGHT + BAR_GAP)
        x, segments = left, []
        for key, _ in STATES:
            n = r.counts[key]
            if not n:
                continue
            width = round(n / most * (right - left), 1)
            segments.append(Segment(key, round(x, 1), width, n, round(x + width / 2, 1), width >= MIN_SEGMENT_TEXT))
            x += width
        bars.append(Bar(shorten(r.title, 36), y, BAR_HEIGHT, y + BAR_HEIGHT - 5, segments, r.total, round(x + 6, 1)))
    height = BAR_TOP * 2 + len(rows) * (BAR_HEIGHT + BAR_GAP)
    return BarChart(WIDTH, height, 8.0, bars)
