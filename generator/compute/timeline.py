"""Geometry of the negotiation charts: planned against actual, at build time.

A chart is a time axis with the national rounds as bands behind it, and rows: on a deal's
page a row per meeting, milestone and follow-on agreement; on the timetable a row per deal.
Each meeting or milestone has a planned mark and, once it happened, an actual mark, joined
by a line when it was late or early, so slippage is visible; one still waited for is joined
to today. A date known only to the month or the year is drawn as a span of that month or
year, never as a made-up day.

Positions are percentages of the track's width (0 at the axis start, 100 at its end), so a
track stretches to any screen while its text (in HTML beside it) keeps its size and wraps
whole. Everything is computed here; the templates only write the numbers into inline SVG.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from ..model import Event, FollowOn, NegotiationRound, PartialDate

TRACK_HEIGHT = 24  # px: a row's strip; marks sit on its centre line
MID = 12
YEAR_Y = 13  # px: baseline of the year labels in the axis strip
LANE_Y = (29, 41)  # px: baselines of the round numbers, in up to two lanes
AXIS_HEIGHT = 46
LABEL_GAP = 2.5  # percent: round numbers closer than this to the last in a lane go to the next lane
LAST_LABEL = 94.0  # percent: a year label starting further right would run off the chart
MIN_SPAN = 1.5  # percent: a month or year narrower than this is drawn as a mark at its middle


def year_step(years: int) -> int:
    """Label every year on a short axis, every other on a middling one, every fifth on a long one."""
    return 1 if years <= 8 else 2 if years <= 16 else 5


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


# --- the axis --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Where a date sits: from ``x`` for ``width`` percent (0 wide when known to the day)."""

    x: float
    width: float

    @property
    def end(self) -> float:
        return round(self.x + self.width, 2)

    @property
    def mid(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def drawn_wide(self) -> bool:
        """Drawn as a bar across its month or year: only when that is wide enough to see (a
        month on a long axis is a sliver; it is drawn as a mark at its middle, and its words
        say it is known only to the month)."""
        return self.width >= MIN_SPAN


@dataclass(frozen=True)
class Tick:
    x: float
    label: str  # "" for a year left unlabelled (see year_step)


@dataclass(frozen=True)
class Band:
    number: int  # the round's number in the national timetable (the key and the rounds table)
    round: NegotiationRound
    x: float
    width: float
    label_x: float
    label_y: Optional[int]  # None: too close to its neighbours to number in the chart (the key has it)


@dataclass(frozen=True)
class Axis:
    """Whole calendar years, from 1 January of the first to 1 January after the last."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def x(self, day: dt.date) -> float:
        return round((day - self.start).days / self.days * 100, 2)

    def span(self, when: PartialDate) -> Span:
        x = self.x(when.earliest)
        if when.exact is not None:
            return Span(x, 0.0)
        return Span(x, round(self.x(when.latest + dt.timedelta(days=1)) - x, 2))

    def holds(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def ticks(self) -> list[Tick]:
        years = self.end.year - self.start.year
        step = year_step(years)
        ticks = []
        for year in range(self.start.year, self.end.year):
            x = self.x(dt.date(year, 1, 1))
            labelled = (year - self.start.year) % step == 0 and x <= LAST_LABEL
            ticks.append(Tick(x, str(year) if labelled else ""))
        return ticks

    def bands(self, rounds: Sequence[NegotiationRound], numbers: dict[str, int]) -> list[Band]:
        """The rounds that overlap the axis, cut to it, numbered as in the national timetable;
        each number goes in the first lane where it clears the last one by LABEL_GAP percent."""
        lanes: list[Optional[float]] = [None] * len(LANE_Y)
        bands = []
        for r in sorted(rounds, key=lambda r: r.start):
            first, after = max(r.start, self.start), min(r.end + dt.timedelta(days=1), self.end)
            if first >= after:
                continue
            x0, x1 = self.x(first), self.x(after)
            centre = round((x0 + x1) / 2, 2)
            lane = next((i for i, last in enumerate(lanes) if last is None or centre - last >= LABEL_GAP), None)
            if lane is not None:
                lanes[lane] = centre
            bands.append(Band(numbers[r.id], r, x0, round(x1 - x0, 2), centre, LANE_Y[lane] if lane is not None else None))
        return bands


def axis_for(days: Iterable[dt.date]) -> Axis:
    found = list(days)
    if not found:
        return Axis(dt.date(2010, 1, 1), dt.date(2011, 1, 1))
    return Axis(dt.date(min(found).year, 1, 1), dt.date(max(found).year + 1, 1, 1))


def event_days(events: Iterable[Event]) -> list[dt.date]:
    return [d for e in events for w in (e.planned, e.actual) if w for d in (w.earliest, w.latest)]


def follow_on_days(follow_ons: Iterable[FollowOn]) -> list[dt.date]:
    return [d for f in follow_ons for w in (f.date, f.signed, f.withdrawn) if w for d in (w.earliest, w.latest)]


# --- marks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One meeting, milestone or follow-on agreement on a track.

    ``state``: on-time, early, late, happened (the dates are too imprecise to say), overdue
    (planned date passed, not yet happened), not-due, not-recorded (no actual date, and the
    deal's programme is over, so it is no longer waited for), agreed or withdrawn (follow-ons).
    ``line``: the stretch drawn between planned and actual (late or early), from the planned
    date to today (overdue), or from a follow-on to its withdrawal.
    """

    kind: str  # meeting, milestone or follow-on
    planned: Optional[Span]  # None for a follow-on: it is drawn where it happened
    actual: Optional[Span]
    state: str
    line: Optional[tuple[float, float]] = None
    withdrawn: Optional[Span] = None


def event_state(event: Event, today: dt.date, finished: bool = False) -> str:
    if event.actual is not None:
        days = slippage(event).days
        if days is None:
            if event.planned.before(event.actual):
                return "late"
            return "early" if event.actual.before(event.planned) else "happened"
        return "late" if days > 0 else "early" if days < 0 else "on-time"
    if event.planned.latest < today:
        return "not-recorded" if finished else "overdue"
    return "not-due"


def event_mark(axis: Axis, event: Event, today: dt.date, finished: bool = False) -> Mark:
    planned = axis.span(event.planned)
    actual = axis.span(event.actual) if event.actual else None
    state = event_state(event, today, finished)
    line = None
    if actual is not None and state in ("late", "early"):
        line = (planned.mid, actual.mid)
    elif state == "overdue":
        line = (planned.end, axis.x(today) if axis.holds(today) else 100.0)
    return Mark(event.kind, planned, actual, state, line)


STATE_WORDS = {
    "on-time": "on time", "early": "early", "late": "late", "happened": "happened",
    "overdue": "planned date passed, not yet happened", "not-due": "not yet due",
    "not-recorded": "no date recorded, and the programme is over",
}


def event_words(event: Event, today: dt.date, finished: bool = False) -> str:
    """The row's marks in words, for its text alternative: 'Planned 9 March 2011; happened 22 June 2011: 105 days late'."""
    planned = f"Planned {event.planned.words()}"
    if event.actual is None:
        return f"{planned}: {STATE_WORDS[event_state(event, today, finished)]}"
    slip = slippage(event)
    how = slip.text if slip.days is not None else STATE_WORDS[event_state(event, today, finished)]
    done = f"{planned}; happened {event.actual.words()}"
    return done if how == "happened" else f"{done}: {how}"  # dates too imprecise to say more


def follow_on_words(follow_on: FollowOn) -> str:
    """'Announced 2 December 2022; withdrawn 5 April 2023'."""
    text = f"Announced {follow_on.date.words()}"
    if follow_on.signed is not None and follow_on.signed != follow_on.date:
        text += f"; signed {follow_on.signed.words()}"
    return text + (f"; withdrawn {follow_on.withdrawn.words()}" if follow_on.withdrawn else "")


def follow_on_mark(axis: Axis, follow_on: FollowOn) -> Mark:
    at = axis.span(follow_on.date)
    if follow_on.withdrawn is None:
        return Mark("follow-on", None, at, "agreed")
    gone = axis.span(follow_on.withdrawn)
    return Mark("follow-on", None, at, "withdrawn", (at.mid, gone.mid), gone)


# --- charts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str  # whole: the page wraps it, never cuts it
    marks: tuple[Mark, ...]
    words: str = ""  # the marks in words: the track's text alternative
    tag: str = ""  # what kind of row, where the label does not say: "Follow-on agreement"
    key: object = None  # what the row stands for (an Event, a FollowOn or a deal view), for the template


@dataclass(frozen=True)
class Chart:
    axis: Axis
    bands: list[Band]
    ticks: list[Tick]
    today: Optional[float]  # x of the build date, when it falls on the axis
    rows: list[Row]
    drawn: frozenset = frozenset()  # what the key must explain (see shown)
    track_height: int = TRACK_HEIGHT
    mid: int = MID
    axis_height: int = AXIS_HEIGHT
    year_y: int = YEAR_Y


def numbering(rounds: Sequence[NegotiationRound]) -> dict[str, int]:
    """Each round's number in the national timetable: 1 for the earliest."""
    return {r.id: i for i, r in enumerate(sorted(rounds, key=lambda r: r.start), start=1)}


def shown(rows: Sequence[Row]) -> frozenset:
    """What the rows draw, for the key to explain only that: 'planned', the kinds of what happened
    (milestone, meeting, follow-on), 'span' (a date known only to the month or year) and the
    states drawn differently (late, early, overdue, not-recorded, withdrawn)."""
    found = set()
    for row in rows:
        for m in row.marks:
            if m.planned is not None:
                found.add("planned")
            if m.actual is not None:
                found.add(m.kind)
            if any(s is not None and s.drawn_wide for s in (m.planned, m.actual)):
                found.add("span")
            if m.state in ("late", "early", "overdue", "not-recorded", "withdrawn"):
                found.add(m.state)
    return frozenset(found)


def _chart(axis: Axis, rounds: Sequence[NegotiationRound], rows: list[Row], today: dt.date, own: Optional[set] = None) -> Chart:
    """``own``: draw only these rounds (by id), still numbered as in the national timetable."""
    today_x = axis.x(today) if axis.holds(today) else None
    drawn = [r for r in rounds if own is None or r.id in own]
    return Chart(axis, axis.bands(drawn, numbering(rounds)), axis.ticks(), today_x, rows, shown(rows))


def deal_chart(
    rounds: Sequence[NegotiationRound], events: Sequence[Event], follow_ons: Sequence[FollowOn], today: dt.date,
    finished: bool = False, own: Optional[set] = None,
) -> Chart:
    """A deal's own chart: a row per meeting or milestone and per follow-on agreement, in date
    order, on an axis spanning that deal's own dates (whole years), not the programme's; bands
    for its ``own`` rounds only (all when None)."""
    axis = axis_for(event_days(events) + follow_on_days(follow_ons))
    dated = [
        (e.planned.earliest, 0, Row(e.title, (event_mark(axis, e, today, finished),), event_words(e, today, finished), key=e))
        for e in events
    ]
    dated += [(f.date.earliest, 1, Row(f.title, (follow_on_mark(axis, f),), follow_on_words(f), "Follow-on agreement", f)) for f in follow_ons]
    rows = [row for _, _, row in sorted(dated, key=lambda t: (t[0], t[1]))]
    return _chart(axis, rounds, rows, today, own)


def timetable_axis(rounds: Sequence[NegotiationRound], deals: Iterable, today: dt.date) -> Axis:
    """One axis for every page of the timetable: the rounds, every deal's dates and today."""
    days = [d for r in rounds for d in (r.start, r.end)] + [today]
    for deal in deals:
        days += event_days(deal.negotiation.events) + follow_on_days(deal.follow_ons)
    return axis_for(days)


def deal_row(axis: Axis, deal, label: str, today: dt.date, finished: bool = False, key: object = None) -> Row:
    """A deal's row on the timetable: its meetings and milestones, then its follow-on agreements."""
    events = sorted(deal.negotiation.events, key=lambda e: e.planned)
    marks = [event_mark(axis, e, today, finished) for e in events]
    marks += [follow_on_mark(axis, f) for f in deal.follow_ons]
    return Row(label, tuple(marks), row_words([m.state for m in marks[: len(events)]], len(deal.follow_ons)), key=key)


def row_words(states: Sequence[str], follow_ons: int) -> str:
    """A timetable row in words: '7 meetings and milestones: 2 on time, 4 late, 1 planned date passed, not yet happened; 2 follow-on agreements'."""
    if not states:
        text = "No meetings or milestones recorded"
    else:
        counted = {}
        for s in states:
            key = "on-time" if s in ("on-time", "early", "happened") else s
            counted[key] = counted.get(key, 0) + 1
        shown = {"on-time": "happened on time or early", **{k: v for k, v in STATE_WORDS.items() if k != "on-time"}}
        parts = [f"{counted[k]} {shown[k]}" for k in ("on-time", "late", "overdue", "not-due", "not-recorded") if k in counted]
        noun = "meeting or milestone" if len(states) == 1 else "meetings and milestones"
        text = f"{len(states)} {noun}: " + ", ".join(parts)
    if follow_ons:
        text += f"; {follow_ons} follow-on agreement{'s' if follow_ons != 1 else ''}"
    return text


def timetable_chart(axis: Axis, rounds: Sequence[NegotiationRound], rows: list[Row], today: dt.date) -> Chart:
    return _chart(axis, rounds, rows, today)


# --- the timetable page: meetings and milestones counted by round -----------------------------

# An event's state on the build date, in the order the counts table gives them.
STATES = [
    ("on-time", "Happened on time or early"),
    ("late", "Happened late"),
    ("overdue", "Planned date passed, not yet happened"),
    ("not-due", "Not yet due"),
    ("not-recorded", "No date recorded, programme over"),
]
NO_ROUND = "Not in a national round"


def state(event: Event, today: dt.date, finished: bool = False) -> str:
    """The event's column in the counts: happened early or on time (or, with imprecise dates, not
    certainly late), happened late, overdue, not yet due, or no longer waited for."""
    if event.actual is not None:
        return "late" if event.planned.before(event.actual) else "on-time"
    if event.planned.latest < today:
        return "not-recorded" if finished else "overdue"
    return "not-due"


@dataclass(frozen=True)
class RoundCount:
    """The meetings and milestones of every deal in one national round (or in none)."""

    id: str  # row anchor
    title: str
    round: Optional[NegotiationRound]
    counts: dict  # state -> number, in STATES order
    total: int
    longest_delay: Optional[int]  # days: the longest delay of those that happened late


def round_counts(rounds: Sequence[NegotiationRound], events: Sequence[tuple[Event, bool]], today: dt.date) -> list[RoundCount]:
    """Every event (with whether its deal's programme is over) counted by round (rounds in date
    order, then events in no known round) and state."""
    ordered = sorted(rounds, key=lambda r: r.start)
    known = {r.id for r in ordered}
    found: dict[Optional[str], dict[str, int]] = {}
    delay: dict[Optional[str], int] = {}
    for e, finished in events:
        key = e.round if e.round in known else None
        s = state(e, today, finished)
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
