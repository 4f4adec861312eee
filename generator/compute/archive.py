"""The deals as they were known on a day: what an archive of the site as of that day may show.

An archive (``as_of`` in ``mkdocs.yml``) is the public site as it stood on a date, built
from today's files: the embargoes are judged at that date (``embargo.publish``, the one
gate, calls :func:`as_known_on`), and nothing that happened after it is shown. A date known
only to the month or the year counts as known once its whole month or year has passed,
so an archive never shows as done what may not have happened yet.

What is cut, deal by deal:

* a deal whose first step (invitation, proposal, agreement, signature, a meeting or
  milestone, a follow-on) is after the day: it was not yet a deal;
* readings dated after the day, and assurance ratings given after it;
* actual dates after the day (the meeting or milestone had not happened yet), key dates
  after it (the review date stays: it is a plan), a power's first use after it;
* follow-on agreements announced after the day, with the powers, funds and conditions
  they added; a signature or withdrawal after the day;
* a condition met (or not met) after the day is outstanding; a holder who took office
  after it is not shown, and one who left after it still holds the role;
* a gateway decided after the day has no result yet; actual spend and savings for a
  financial year that ended after the day are not yet known;
* sources dated after the day.

What cannot be cut from today's files: a target moved or a status changed since (the files
hold only the current ones). The changes page, made from git history, shows the commits
up to the day.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from ..model import Catalogue, ConditionStatus, Deal, DealStatus, PartialDate, Scrutiny


def _known(when: Optional[PartialDate], day: dt.date) -> bool:
    """Certainly on or before the day (the whole month or year, when known only to that)."""
    return when is not None and when.latest <= day


def _kept(when: Optional[PartialDate], day: dt.date) -> Optional[PartialDate]:
    return when if _known(when, day) else None


def _year_ended(year: str, day: dt.date) -> bool:
    """Financial year '2013-14' ended on 31 March 2014."""
    return dt.date(int(year[:4]) + 1, 3, 31) <= day


def first_step(deal: Deal) -> Optional[dt.date]:
    """The earliest day of the deal's record: a key date (not the review), a meeting or milestone, a follow-on."""
    days = [getattr(deal.dates, k).earliest for k in ("invited", "proposed", "agreed", "signed") if getattr(deal.dates, k)]
    days += [e.planned.earliest for e in deal.negotiation.events] + [e.actual.earliest for e in deal.negotiation.events if e.actual]
    days += [f.date.earliest for f in deal.follow_ons]
    return min(days, default=None)


def known_deal(deal: Deal, day: dt.date) -> Optional[Deal]:
    """The deal as it was known on ``day``, or None when it was not yet a deal."""
    first = first_step(deal)
    if first is not None and first > day:
        return None
    follow_ons = [
        f.model_copy(update={
            "signed": _kept(f.signed, day),
            "withdrawn": _kept(f.withdrawn, day),
            "status": f.status if f.withdrawn is None or _known(f.withdrawn, day) else DealStatus.agreed,
        })
        for f in deal.follow_ons
        if _known(f.date, day)
    ]
    later = {f.id for f in deal.follow_ons} - {f.id for f in follow_ons}
    dates = deal.dates.model_copy(update={k: _kept(getattr(deal.dates, k), day) for k in ("invited", "proposed", "agreed", "signed")})
    events = [e.model_copy(update={"actual": _kept(e.actual, day)}) for e in deal.negotiation.events]
    outcomes = [
        o.model_copy(update={"readings": [r for r in o.readings if r.date <= day], "assurance": [a for a in o.assurance if a.date <= day]})
        for o in deal.outcomes
    ]
    powers = [p.model_copy(update={"first_used": _kept(p.first_used, day)}) for p in deal.powers if p.added_by not in later]
    conditions = [
        c if c.status in (ConditionStatus.outstanding, ConditionStatus.unknown) or c.date is None or _known(c.date, day)
        else c.model_copy(update={"status": ConditionStatus.outstanding})
        for c in deal.conditions
        if c.added_by not in later
    ]
    funds = [
        f.model_copy(update={"gateways": [
            g if g.decided is None or _known(g.decided, day) else g.model_copy(update={"outcome": None, "decided": None})
            for g in f.gateways
        ]})
        for f in deal.funds
        if f.added_by not in later
    ]
    figure = deal.accountable_figure
    holders = [
        h.model_copy(update={"until": _kept(h.until, day)})
        for h in figure.holders
        if (h.since or h.elected) is None or _known(h.since or h.elected, day)
    ]
    update = {
        "dates": dates,
        "follow_ons": follow_ons,
        "negotiation": deal.negotiation.model_copy(update={"events": events}),
        "outcomes": outcomes,
        "powers": powers,
        "conditions": conditions,
        "funds": funds,
        "accountable_figure": figure.model_copy(update={"holders": holders}),
        "sources": [s for s in deal.sources if s.date is None or _known(s.date, day)],
    }
    if deal.budget is not None:
        budget = deal.budget
        lines = [line.model_copy(update={"actuals": {y: a for y, a in line.actuals.items() if _year_ended(y, day)}}) for line in budget.lines]
        saved = {y: a for y, a in budget.savings_achieved.items() if _year_ended(y, day)}
        update["budget"] = budget.model_copy(update={"lines": lines, "savings_achieved": saved})
    return deal.model_copy(update=update)


def as_known_on(catalogue: Catalogue, day: dt.date) -> Catalogue:
    """The catalogue as it was known on ``day``: deals not yet made dropped, later facts cut,
    and the committee's record as it stood (known_record)."""
    deals = [d for d in (known_deal(deal, day) for deal in catalogue.deals) if d is not None]
    return catalogue.model_copy(update={"deals": deals, "scrutiny": known_record(catalogue.scrutiny, day)})


def known_record(record: Scrutiny, day: dt.date) -> Scrutiny:
    """The committee's record on ``day``: sessions held by then, the recommendations they made,
    the responses given by then (each with the evidence dated by then)."""
    sessions = [s for s in record.sessions if s.date <= day]
    held = {s.id for s in sessions}
    recommendations = [r for r in record.recommendations if r.session in held]
    made = {r.id for r in recommendations}
    responses = [
        r.model_copy(update={"evidence": [e for e in r.evidence if e.date is None or _known(e.date, day)]})
        for r in record.responses if r.recommendation in made and _known(r.date, day)
    ]
    return record.model_copy(update={"sessions": sessions, "recommendations": recommendations, "responses": responses})
