"""The evidence behind each figure and status, as the pages show it, and "suggest a correction" links.

For each outcome: which clause of the status rule decided its status and from which reading,
where that reading came from, whether the indicator measures an outcome or an output, the
latest assurance rating (a reviewer's judgement, shown beside the computed status and never
instead of it), and its status history (:mod:`compute.record`), each entry with its evidence.

Targets move in the deal files' public history; :func:`paths` works out once per build when
each outcome's target changed (``ctx.derived``, before per-deal work is shared out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping, Optional
from urllib.parse import quote

from ..compute.display import long_date
from ..compute.final import review_passed_from
from ..compute.progress import RECENT_DAYS, SHARE_CLAUSE, OutcomeProgress, Status
from ..compute.record import Paths, PathState, StatusEntry, status_history, target_paths
from ..model import AssuranceRating, Deal, Evidence, Outcome
from .bundle import Context
from .links import DASHBOARD_URI, deal_tables_uri, deal_uri, href, page_location
from .views import measure

MEASURES_LABEL = {"outcome": "an outcome", "output": "an output (what was done, not what got better)"}
RATING_LABEL = {"red": "Red", "amber-red": "Amber/red", "amber": "Amber", "amber-green": "Amber/green", "green": "Green"}
SCALE_LABEL = {"rag": "red, amber, green", "delivery-confidence": "delivery confidence"}
CLAUSE_ANCHOR = "status-rule-{}"  # on the dashboard's rule, each clause has its own anchor


def paths(ctx: Context) -> Paths:
    """When each outcome's target moved, from the public history (worked out once per build)."""
    found = ctx.derived.get(__name__)
    if found is None:
        found = ctx.derived[__name__] = target_paths(ctx.history)
    return found


_LAST_HISTORIES = f"{__name__}.status_histories"


def status_histories(ctx: Context, deal: Deal) -> Mapping[str, tuple[StatusEntry, ...]]:
    """Every outcome's status history as of the build's day, by outcome id (never to be changed).

    A deal's page, its tables page and its downloads each show them: worked out once per deal
    rather than three times, which was a fifth of making a deal's pages and files at 1,000
    deals. Kept for the deal last asked for only, by its digest (the one cache policy,
    model/digest.py; the day and the target paths are the build's): a process makes one
    deal's pages and files at a time."""
    kept = ctx.derived.get(_LAST_HISTORIES)
    if kept is None or kept[0] != deal.digest:
        found, today, over = paths(ctx), ctx.now.date(), review_passed_from(deal)
        histories = {o.id: tuple(status_history(o, today, found.get((deal.slug, o.id)), over)) for o in deal.outcomes}
        kept = ctx.derived[_LAST_HISTORIES] = (deal.digest, MappingProxyType(histories))
    return kept[1]


# --- corrections -----------------------------------------------------------------------------------


def correction_href(ctx: Context, page_uri: str, anchor: str, item: str) -> str:
    """A "suggest a correction" link for ``item`` on the page ``page_uri`` (the configured address,
    prefilled with the item and the page), or "" when no address is configured.

    A mailto: address gets a subject and body; an issue form's URL gets a title and body."""
    address = ctx.corrections
    if not address:
        return ""
    page = page_location(page_uri) + (f"#{anchor}" if anchor else "")
    where = (ctx.site_url.rstrip("/") + "/" + page) if ctx.site_url else "/" + page
    title = item  # the item in the subject, the page (and its anchor) in the body: short, as it is on every outcome
    body = where
    # Deal text is percent-encoded whole (never markup); the page's address keeps its ':' and '/'.
    fields = f"{'subject' if address.lower().startswith('mailto:') else 'title'}={quote(title, safe='')}&body={quote(body, safe=':/')}"
    return address + ("&" if "?" in address else "?") + fields


@dataclass(frozen=True)
class DealCorrections:
    """A deal's "suggest a correction" links beside its other figures ("" for each without an address):
    each fund and its budget section on its page; on its tables page, each outcome's table of readings, each line of the
    baseline (a row each) and each invest-to-save scheme's table."""

    funds: dict[str, str]  # fund id -> link
    readings: dict[str, str]  # outcome id -> link
    lines: dict[tuple[str, str], str]  # (body, stream) -> link
    schemes: dict[str, str]  # scheme name -> link
    budget: str  # the budget section's figures, or "" without a budget


def deal_corrections(ctx: Context, deal: Deal) -> DealCorrections:
    page, tables = deal_uri(deal), deal_tables_uri(deal)
    budget = deal.budget
    return DealCorrections(
        funds={f.id: correction_href(ctx, page, f"fund-{f.id}", f"Fund: {f.name}") for f in deal.funds},
        readings={o.id: correction_href(ctx, tables, f"outcome-{o.id}", f"{o.title}: readings") for o in deal.outcomes},
        lines={(line.body, line.stream): correction_href(ctx, tables, "budget-lines", f"Baseline budget: {line.body}, {line.stream}")
               for line in (budget.lines if budget else [])},
        schemes={s.name: correction_href(ctx, tables, "invest-to-save-by-year", f"Invest to save: {s.name}")
                 for s in (budget.schemes if budget else [])},
        budget=correction_href(ctx, page, "budget", f"Budget: {deal.title}") if budget else "",
    )


# --- an outcome's evidence -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assurance:
    rating: AssuranceRating
    label: str  # "Amber/green"
    scale: str  # "delivery confidence"


@dataclass(frozen=True)
class HistoryRow:
    date: dt.date
    status: Status
    previous: Status
    changed: bool
    what: str  # the cause, in words, with its figures
    clause: int
    clause_href: str
    reason: str
    source: Optional[Evidence]


@dataclass(frozen=True)
class OutcomeEvidence:
    """Why an outcome's status is what it is, and who else has judged it."""

    outcome: Outcome
    clause: int
    clause_href: str  # the clause on the dashboard's rule
    reason: str
    reading: str  # "48.9% on 31 March 2013", or "" when no reading was used
    source: Optional[Evidence]
    measures: str  # "an outcome (what got better)"
    assurance: Optional[Assurance]  # the latest rating
    ratings: int  # how many ratings there are
    history_count: int  # entries of its status history (on the tables page and in status-history.csv)
    correction: str  # the "suggest a correction" link, or ""
    explained: bool = False  # the status line already gives the share of expected progress (the reason)

    @property
    def cannot_rate(self) -> bool:
        return self.outcome.cannot_rate is not None


def assurance(outcome: Outcome) -> Optional[Assurance]:
    if not outcome.assurance:
        return None
    rating = outcome.assurance[-1]
    return Assurance(rating, RATING_LABEL[rating.rating], SCALE_LABEL[rating.scale])


def _point(state: PathState, unit: str) -> str:
    if state.target is None:
        return "no target"
    return f"{measure(state.target.value, unit)} by {long_date(state.target.date)}"


def cause_text(entry: StatusEntry, unit: str) -> str:
    """What happened on the entry's date, in words."""
    if entry.cause == "reading":
        return f"New reading: {measure(entry.reading.value, unit)}"
    if entry.cause == "target-moved":
        before = _point(entry.moved_from, unit) if entry.moved_from else "no target"
        return f"Target moved from {before} to {_point(entry.path, unit)}"
    if entry.cause == "target-date-passed":
        return f"The target date ({long_date(entry.path.target.date)}) passed without the target being met"
    if entry.cause == "programme-over":
        return "The deal's review date passed: the result is final"
    return f"The latest reading ({long_date(entry.reading.date)}) became more than {RECENT_DAYS} days old"


def history_rows(outcome: Outcome, entries: list[StatusEntry], rule_href: str) -> list[HistoryRow]:
    return [
        HistoryRow(
            date=e.date, status=e.status, previous=e.previous, changed=e.changed, what=cause_text(e, outcome.unit),
            clause=e.progress.clause, clause_href=f"{rule_href}-{e.progress.clause}", reason=e.progress.reason,
            source=e.source if e.cause == "reading" else None,
        )
        for e in entries
    ]


def outcome_evidence(ctx: Context, deal: Deal, p: OutcomeProgress, page_uri: str) -> OutcomeEvidence:
    o = p.outcome
    rule = href(page_uri, DASHBOARD_URI, "status-rule")
    entries = status_histories(ctx, deal)[o.id]
    anchor = f"outcome-{o.id}"
    return OutcomeEvidence(
        outcome=o,
        clause=p.clause,
        clause_href=f"{rule}-{p.clause}",
        reason=p.reason,
        reading=f"{measure(p.latest.value, o.unit)} on {long_date(p.latest.date)}" if p.latest and p.clause >= 4 else "",
        source=p.evidence if p.latest else o.source,
        measures=MEASURES_LABEL[o.measures],
        assurance=assurance(o),
        ratings=len(o.assurance),
        history_count=len(entries),
        correction=correction_href(ctx, page_uri, anchor, o.title),  # the page's address names the deal
        explained=p.share is not None and p.final is None and p.clause == SHARE_CLAUSE,
    )


def deal_histories(ctx: Context, deal: Deal, page_uri: str) -> dict[str, list[HistoryRow]]:
    """Every outcome's whole status history, by outcome id (the tables page)."""
    rule = href(page_uri, DASHBOARD_URI, "status-rule")
    histories = status_histories(ctx, deal)
    return {o.id: history_rows(o, histories[o.id], rule) for o in deal.outcomes}
