"""What changed between two meetings of the committee: the pack's lead, worked out from the record.

:func:`changes_since` takes the public catalogue and a period *after* ``since`` up to and
including ``until`` (a meeting's date, or the build date) and returns everything dated in it:

* **status changes**: each outcome's status history (:mod:`.record`) entries in the period
  whose status differs from the one before, each with its evidence and the rule's clause;
* **targets moved**: a target or its milestones changed by a public version of the deal files
  dated in the period (known only from git history);
* **new readings**: readings whose date (the day they measure) is in the period;
* **milestones now overdue**: meetings and milestones overdue on ``until`` that were not
  overdue on ``since`` (planned before ``until``, not done by it);
* **recommendations**: those made at sessions in the period, those due in it, and those due
  earlier that still have no response by ``until``; **responses** given in it.

Dates known only to the month or year (a response "in November 2016", a recommendation due
"2016-11") count from their last day, so each falls in exactly one period.

Each item has a severity: ``red`` (off track, overdue, a recommendation past its date with no
response, a promise recorded as not implemented), ``amber`` (at risk, no recent data, a
rejected recommendation) or none. Lists come red first, then amber, then the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from ..model import Catalogue, Deal, Event, Outcome, Reading, Recommendation, Response, Session
from .progress import EventProgress, Status, event_progress
from .final import review_passed_from
from .record import PathState, Paths, StatusEntry, states_of, status_history

RED, AMBER, NONE = "red", "amber", ""
SEVERITY_ORDER = {RED: 0, AMBER: 1, NONE: 2}
STATUS_SEVERITY = {Status.off_track: RED, Status.at_risk: AMBER, Status.no_recent_data: AMBER}


def in_period(day: dt.date, since: Optional[dt.date], until: dt.date) -> bool:
    """After ``since`` (None: from the start of the record) and on or before ``until``."""
    return (since is None or day > since) and day <= until


@dataclass(frozen=True)
class StatusChange:
    deal: Deal
    outcome: Outcome
    entry: StatusEntry

    @property
    def severity(self) -> str:
        return STATUS_SEVERITY.get(self.entry.status, NONE)


@dataclass(frozen=True)
class TargetMove:
    deal: Deal
    outcome: Outcome
    before: PathState
    after: PathState
    severity: str = NONE


@dataclass(frozen=True)
class NewReading:
    deal: Deal
    outcome: Outcome
    reading: Reading
    severity: str = NONE


@dataclass(frozen=True)
class NewlyOverdue:
    deal: Deal
    progress: EventProgress  # as of ``until``
    severity: str = RED

    @property
    def event(self) -> Event:
        return self.progress.event


@dataclass(frozen=True)
class RecommendationState:
    """A recommendation as of ``until``: its session, the responses given by then, and why it is listed."""

    recommendation: Recommendation
    session: Session
    responses: tuple[Response, ...]
    made: bool  # made at a session in the period
    due: bool  # due in the period
    late: bool  # due on or before ``until`` with no response by then

    @property
    def severity(self) -> str:
        return RED if self.late else NONE


@dataclass(frozen=True)
class ResponseGiven:
    response: Response
    recommendation: Recommendation
    session: Session

    @property
    def severity(self) -> str:
        if self.response.implementation == "not-implemented":
            return RED
        return AMBER if self.response.response == "rejected" else NONE


@dataclass(frozen=True)
class Changes:
    since: Optional[dt.date]  # None: from the start of the record
    until: dt.date
    status_changes: list[StatusChange] = field(default_factory=list)
    target_moves: list[TargetMove] = field(default_factory=list)
    readings: list[NewReading] = field(default_factory=list)
    overdue: list[NewlyOverdue] = field(default_factory=list)
    recommendations: list[RecommendationState] = field(default_factory=list)
    responses: list[ResponseGiven] = field(default_factory=list)

    @property
    def attention(self) -> list:
        """Every red and amber item, red first."""
        items = [*self.status_changes, *self.overdue, *self.recommendations, *self.responses]
        return by_severity([i for i in items if i.severity])

    @property
    def empty(self) -> bool:
        return not any((self.status_changes, self.target_moves, self.readings, self.overdue, self.recommendations, self.responses))


def by_severity(items: list) -> list:
    """Red first, then amber, then the rest; otherwise in the order given (stable)."""
    return sorted(items, key=lambda i: SEVERITY_ORDER[i.severity])


def overdue_on(event: Event, day: dt.date) -> bool:
    """Planned (to its last possible day) before ``day`` and not done by then."""
    done = event.actual is not None and event.actual.latest <= day
    return event.planned.latest < day and not done


def changes_since(catalogue: Catalogue, since: Optional[dt.date], until: dt.date, paths: Optional[Paths] = None) -> Changes:
    """Everything in the record dated after ``since`` up to ``until`` (module docstring)."""
    paths = paths or {}
    statuses, moves, readings, overdue = [], [], [], []
    for deal in catalogue.deals:
        for o in deal.outcomes:
            states = paths.get((deal.slug, o.id))
            for entry in status_history(o, until, states, review_passed_from(deal)):
                if entry.changed and in_period(entry.date, since, until):
                    statuses.append(StatusChange(deal, o, entry))
            kept = states_of(o, states, until)
            for before, after in zip(kept, kept[1:]):
                if after.since is not None and in_period(after.since, since, until):
                    moves.append(TargetMove(deal, o, before, after))
            readings += [NewReading(deal, o, r) for r in sorted(o.readings, key=lambda r: r.date) if in_period(r.date, since, until)]
        for event in deal.negotiation.events:
            if overdue_on(event, until) and (since is None or not overdue_on(event, since)):
                overdue.append(NewlyOverdue(deal, event_progress(_as_known_on(event, until), until)))
    recommendations, responses = _record(catalogue, since, until)
    return Changes(
        since, until,
        status_changes=by_severity(statuses),
        target_moves=moves,
        readings=readings,
        overdue=overdue,
        recommendations=by_severity(recommendations),
        responses=by_severity(responses),
    )


def _as_known_on(event: Event, day: dt.date) -> Event:
    """The event as the record stood on ``day``: an actual date after it was not yet known."""
    if event.actual is not None and event.actual.latest > day:
        return event.model_copy(update={"actual": None})
    return event


def _record(catalogue: Catalogue, since: Optional[dt.date], until: dt.date) -> tuple[list, list]:
    record = catalogue.scrutiny
    sessions = {s.id: s for s in record.sessions}
    answers: dict[str, list[Response]] = {}
    for response in sorted(record.responses, key=lambda r: r.date):
        answers.setdefault(response.recommendation, []).append(response)
    recommendations, responses = [], []
    for rec in record.recommendations:
        session = sessions.get(rec.session)
        if session is None or session.date > until:
            continue
        given = tuple(r for r in answers.get(rec.id, []) if r.date.latest <= until)
        made = in_period(session.date, since, until)
        due = rec.due is not None and in_period(rec.due.latest, since, until)
        late = rec.due is not None and rec.due.latest <= until and not given
        if made or due or late:
            recommendations.append(RecommendationState(rec, session, given, made, due, late))
        for response in answers.get(rec.id, []):
            if in_period(response.date.latest, since, until):
                responses.append(ResponseGiven(response, rec, session))
    return recommendations, responses


def meeting_dates(catalogue: Catalogue, today: dt.date) -> list[dt.date]:
    """The dates of the committee's public sessions up to ``today``, oldest first: one pack each."""
    return sorted({s.date for s in catalogue.scrutiny.sessions if s.date <= today})


def previous_meeting(dates: list[dt.date], day: dt.date) -> Optional[dt.date]:
    """The last meeting before ``day`` (None when there is none)."""
    earlier = [d for d in dates if d < day]
    return earlier[-1] if earlier else None
