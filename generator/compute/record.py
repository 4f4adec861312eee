"""The record behind each status: targets in force over time, and each outcome's status history.

A status is worked out by the published rule (:mod:`.progress`) from a baseline, a target and
readings. Its history is the same rule applied on successive dates: the status an outcome
had on a date is the rule's answer on that date, counting the readings dated by then and the
target in force then. Targets are dated by the deal files' public history in git (the day a
moved target became public, :func:`target_paths`); outside git, or for an outcome whose target
never moved, the current target is the target throughout.

The history lists, oldest first:

* every reading (dated by the day it measures), with the status it gave;
* every move of the target (or its interim milestones), with the status it gave;
* every day the status changed with no new reading or target: the day after the target date
  (rule clause 6), the day a reading became too old (clause 7), and the day after the deal's
  review date, when results become final (clause 4; a deal completed or withdrawn without a
  review date has no such day, so its history turns final only by clause 4's time limit).

Each entry names its evidence: the reading (and where it came from) or the move, and the
clause of the rule that produced the status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from ..model import LONDON, Deal, Evidence, Outcome, Point, Reading
from .display import iso_date
from .progress import RECENT_DAYS, OutcomeProgress, Status, outcome_progress
from .progress_tables import _frame, rounded
from .tables import Column, Table


@dataclass(frozen=True)
class PathState:
    """An outcome's target and interim milestones, in force from ``since`` (None: from the start)."""

    since: Optional[dt.date]
    target: Optional[Point]
    milestones: tuple[Point, ...]
    commit: str = ""  # the version of the deal files that made it public ("" for the working copy)

    def same_path(self, outcome: Outcome) -> bool:
        return self.target == outcome.target and self.milestones == tuple(outcome.milestones)


Paths = dict[tuple[str, str], list[PathState]]  # (deal slug, outcome id) -> states, oldest first


def target_paths(revisions: Optional[Sequence]) -> Paths:
    """For every outcome in the public history, its target and milestones each time they
    changed: the first state found, then one per public version that moved them.

    ``revisions``: :class:`compute.history.Revision` (public states, oldest first) or None.
    A deal whose object did not change between two states is not looked at again."""
    found: Paths = {}
    previous: dict[str, Deal] = {}
    for revision in revisions or ():
        catalogue = getattr(revision, "catalogue", None)
        if catalogue is None:
            continue
        day = revision.date.astimezone(LONDON).date()
        for deal in catalogue.deals:
            if previous.get(deal.slug) is deal:
                continue
            for o in deal.outcomes:
                states = found.setdefault((deal.slug, o.id), [])
                if not states:
                    states.append(PathState(None, o.target, tuple(o.milestones), revision.commit))
                elif not states[-1].same_path(o):
                    states.append(PathState(day, o.target, tuple(o.milestones), revision.commit))
            previous[deal.slug] = deal
    return found


def states_of(outcome: Outcome, states: Optional[list[PathState]], today: dt.date) -> list[PathState]:
    """The outcome's path states up to ``today``; the current file's target last, from today
    when it differs from the last public version (an edit not yet committed)."""
    kept = [s for s in states or () if s.since is None or s.since <= today]
    if not kept:
        return [PathState(None, outcome.target, tuple(outcome.milestones))]
    if not kept[-1].same_path(outcome):
        kept.append(PathState(today, outcome.target, tuple(outcome.milestones)))
    return kept


def in_force(states: list[PathState], on: dt.date) -> PathState:
    current = states[0]
    for state in states[1:]:
        if state.since is not None and state.since <= on:
            current = state
    return current


def as_of(outcome: Outcome, state: PathState) -> Outcome:
    """The outcome with the target and milestones of ``state`` (no validation: both were valid)."""
    if state.same_path(outcome):
        return outcome
    return outcome.model_copy(update={"target": state.target, "milestones": list(state.milestones)})


@dataclass(frozen=True)
class StatusEntry:
    """One dated step of an outcome's status history, with its evidence."""

    date: dt.date
    cause: str  # "reading", "target-moved", "target-date-passed", "reading-too-old" or "programme-over"
    progress: OutcomeProgress  # the rule's answer on ``date`` (status, clause, reason, figures)
    previous: Status  # the status before this entry (for the first: before any reading or move)
    path: PathState  # the target in force on ``date``
    moved_from: Optional[PathState] = None  # for a target move, the path it replaced

    @property
    def status(self) -> Status:
        return self.progress.status

    @property
    def changed(self) -> bool:
        return self.previous is not self.status

    @property
    def reading(self) -> Optional[Reading]:
        return self.progress.latest

    @property
    def source(self) -> Optional[Evidence]:
        return self.progress.evidence


def status_history(outcome: Outcome, today: dt.date, states: Optional[list[PathState]] = None,
                   over_from: Optional[dt.date] = None) -> list[StatusEntry]:
    """The outcome's status history up to ``today``, oldest first (see the module docstring);
    ``over_from``: the day the deal's programme counts as over (final.review_passed_from)."""
    states = states_of(outcome, states, today)
    readings = sorted((r for r in outcome.readings if r.date <= today), key=lambda r: r.date)
    # (date, order on the day, cause, payload): a move counts before a reading of the same day.
    events: list[tuple] = [(s.since, 0, "target-moved", i) for i, s in enumerate(states) if i]
    events += [(r.date, 1, "reading", r) for r in readings]
    for state in states:
        if state.target is not None:
            events.append((state.target.date + dt.timedelta(days=1), 2, "target-date-passed", state))
    events += [(r.date + dt.timedelta(days=RECENT_DAYS + 1), 3, "reading-too-old", r) for r in readings]
    if over_from is not None:
        events.append((over_from, 4, "programme-over", None))
    entries: list[StatusEntry] = []
    events = sorted((e for e in events if e[0] <= today), key=lambda e: (e[0], e[1]))
    if not events:
        return entries
    # Before anything happened: "no reading yet", "monitored, no target" or "cannot be rated".
    first = events[0][0] - dt.timedelta(days=1)
    initial = outcome_progress(as_of(outcome, states[0]), first, over_from is not None and over_from <= first).status
    for day, _, cause, payload in events:
        state = in_force(states, day)
        if cause == "target-date-passed" and payload is not state:
            continue  # that target was no longer in force by its date
        progress = outcome_progress(as_of(outcome, state), day, over_from is not None and over_from <= day)
        previous = entries[-1].status if entries else initial
        if cause in ("target-date-passed", "reading-too-old", "programme-over") and previous is progress.status:
            continue  # time passing is listed only when it changed the status
        if cause == "reading-too-old" and (progress.latest is None or progress.latest.date != payload.date):
            continue  # a newer reading had arrived
        moved_from = states[payload - 1] if cause == "target-moved" else None
        entries.append(StatusEntry(day, cause, progress, previous, state, moved_from))
    return entries


# --- the download ------------------------------------------------------------------------------------

HISTORY_COLUMNS = [
    Column("outcome_id", "Outcome id", "string"),
    Column("date", "Date", "date", description="The day the status applies from: a reading's date, the day a moved target became public, or the day time changed it"),
    Column("cause", "Cause", "string", description="reading, target-moved, target-date-passed, reading-too-old or programme-over"),
    Column("status", "Status", "string", description="As the status rule gives it on that date (the status column of outcomes-progress)"),
    Column("changed", "Status changed", "boolean", description="Whether the status differs from the entry before"),
    Column("previous_status", "Previous status", "string"),
    Column("status_clause", "Status rule clause", "integer", description="The clause of the status rule that decided it (1 to 7)"),
    Column("status_reason", "Status reason", "string"),
    Column("reading_date", "Reading date", "date", description="The latest reading counted on that date"),
    Column("reading_value", "Reading", "number", "outcome unit"),
    Column("unit", "Unit", "string"),
    Column("progress_percent", "Share of expected progress", "number", "percent", "Rounded half up to 1 decimal place"),
    Column("target_value", "Target in force", "number", "outcome unit"),
    Column("target_date", "Target date in force", "date"),
    Column("version", "Version", "string", description="For a moved target, the version of the deal files (git commit) that made it public"),
    Column("source_publisher", "Source: publisher", "string", description="Where the reading came from"),
    Column("source_dataset", "Source: dataset", "string"),
    Column("source_released", "Source: released", "string"),
    Column("source_url", "Source: link", "string"),
]


def history_rows(outcome: Outcome, entries: list[StatusEntry]) -> list[dict]:
    rows = []
    for e in entries:
        source = e.source
        rows.append({
            "outcome_id": outcome.id,
            "date": e.date,
            "cause": e.cause,
            "status": e.status.value,
            "changed": e.changed,
            "previous_status": e.previous.value,
            "status_clause": e.progress.clause,
            "status_reason": e.progress.reason,
            "reading_date": e.reading.date if e.reading else None,
            "reading_value": e.reading.value if e.reading else None,
            "unit": outcome.unit,
            "progress_percent": rounded(e.progress.share_percent, 1),
            "target_value": e.path.target.value if e.path.target else None,
            "target_date": e.path.target.date if e.path.target else None,
            "version": e.path.commit[:12] if e.cause == "target-moved" and e.path.commit else None,
            "source_publisher": source.publisher if source else None,
            "source_dataset": source.dataset if source else None,
            "source_released": iso_date(source.released) if source and source.released else None,
            "source_url": source.url if source else None,
        })
    return rows


def history_table(deal: Deal, today: dt.date, histories: Mapping[str, Sequence[StatusEntry]]) -> Table:
    """status-history: every outcome's status history (``histories``: status_history by
    outcome id, as of ``today``), for the downloads."""
    rows = [row for o in deal.outcomes for row in history_rows(o, histories[o.id])]
    return Table(
        "status-history", "Status history of each outcome", HISTORY_COLUMNS, _frame(HISTORY_COLUMNS, rows),
        description=f"Each outcome's status on each date it could change, as of {today.isoformat()}, with its evidence: "
        "the reading or the moved target, and the clause of the status rule.",
    )
