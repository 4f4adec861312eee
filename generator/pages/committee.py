"""The committee's record: its page, a pack per meeting, its feed and its open data.

Pages:

* ``committee.md``: the meeting packs, recommendations awaiting a response, every session
  (newest first) with its recommendations and the responses (state of implementation and its
  evidence), and deals compared side by side, grouped by level, with guidance on what the
  figures can and cannot support (no ranking).
* ``pack/<date>.md``: one pack per meeting date (every public session up to the build date),
  at a stable address, leading with what changed after the meeting before it (red first);
  earlier packs stay published as long as their sessions are in the record.

Files: ``feeds/committee.xml`` (Atom: sessions, recommendations and responses) and
``data/committee/`` (``sessions.csv``, ``recommendations.csv``, ``responses.csv`` and a data
package). Each deal's page shows its part of the record (``deal_scrutiny``) and its tables page
each outcome's status history (``status_histories``), through Jinja globals set in
:func:`prepare`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

import pandas as pd

from ..compute.display import per_head
from ..compute.meeting import changes_since, meeting_dates, previous_meeting
from ..compute.final import programme_over
from ..compute.progress import STATUS_ORDER, deal_outcome_progress, outcome_progress
from ..compute.record import as_of, in_force, states_of
from ..compute.tables import Column, Table
from ..model import UNIT_PENCE, Deal, Level
from . import downloads
from .bundle import Bundle, Context, GeneratedPage, Heading, reused
from .evidence import deal_corrections, deal_histories, outcome_evidence, paths
from .downloads import DATA_DIR
from .feeds import FEEDS_DIR, atom
from .links import COMMITTEE_URI, DASHBOARD_URI, DATA_URI, PACK_URI, deal_tables_uri, deal_uri, href, meeting_pack_uri, page_location
from .meeting import meeting_view
from .record import Record, record_of
from .views import LEVEL_LABEL, budget_size

FEED = f"{FEEDS_DIR}/committee.xml"
DATA = f"{DATA_DIR}/committee"


def _record(ctx: Context) -> Record:
    return record_of(ctx)


def prepare(ctx: Context) -> None:
    """Work out once (before per-deal work is shared out) what every deal's pages use, and give
    the templates ``deal_scrutiny(deal)``, ``deal_evidence(deal)``, ``status_histories(deal)`` and
    ``deal_corrections(deal)`` (pages/evidence.py)."""
    paths(ctx)
    record = _record(ctx)

    def deal_scrutiny(deal: Deal) -> dict:
        uri = deal_uri(deal)
        sessions, count = record.deal_sessions(deal, uri)
        return {"sessions": sessions, "count": count, "committee": href(uri, COMMITTEE_URI), "pack": href(uri, PACK_URI)}

    def status_histories(deal: Deal) -> list:
        return deal_histories(ctx, deal, deal_tables_uri(deal))

    def deal_evidence(deal: Deal) -> dict:
        uri = deal_uri(deal)
        return {oid: outcome_evidence(ctx, deal, p, uri) for oid, p in deal_outcome_progress(deal, ctx.now.date()).items()}

    ctx.env.globals["deal_scrutiny"] = deal_scrutiny
    ctx.env.globals["deal_evidence"] = deal_evidence
    ctx.env.globals["status_histories"] = status_histories
    ctx.env.globals["deal_corrections"] = lambda deal: deal_corrections(ctx, deal)


def meetings(ctx: Context) -> list[dt.date]:
    """The dates of the public sessions up to the build date: a pack page each (pack/<date>/)."""
    return meeting_dates(ctx.catalogue, ctx.now.date())


def add(ctx: Context, bundle: Bundle) -> None:
    dates = meetings(ctx)
    _committee_page(ctx, bundle, dates)
    for i, day in enumerate(dates):
        _meeting_pack(ctx, bundle, dates, i)
    bundle.add_file(FEED, committee_feed(ctx))
    _data(ctx, bundle)


# --- comparison without league tables -------------------------------------------------------------


@dataclass(frozen=True)
class Compared:
    deal: Deal
    href: str
    population: Optional[int]
    budget_per_head: Optional[Decimal]  # pence per resident a year, single place budget baseline
    funds_per_head: Optional[Decimal]  # pence per resident a year, funds paid by the year
    funds_as_published: str  # "" exact, or "up to" / "about" when any fund is
    budget_as_published: str  # the same for the budget's lines
    counts: dict  # Status -> outcomes
    outcomes: int
    illustrative: bool
    has_budget: bool = False
    has_yearly_funds: bool = False

    @property
    def population_text(self) -> str:
        return f"{self.population:,}" if self.population else "Not given"

    @property
    def budget_text(self) -> str:
        if self.budget_per_head is None:
            return "Not worked out: no population given" if self.has_budget else "No single place budget"
        return (self.budget_as_published + " " if self.budget_as_published else "") + per_head(self.budget_per_head)

    @property
    def funds_text(self) -> str:
        if self.funds_per_head is None:
            return "Not worked out: no population given" if self.has_yearly_funds else "No yearly fund"
        return (self.funds_as_published + " " if self.funds_as_published else "") + per_head(self.funds_per_head)


@dataclass(frozen=True)
class Group:
    level: str
    deals: list[Compared]


def compared(deal: Deal, from_uri: str, today: dt.date) -> Compared:
    population = deal.place.population
    size = budget_size(deal)
    budget = Decimal(size.total_pence) / size.years / population if size and population else None
    yearly = [f for f in deal.funds if f.per_year is not None]
    funds = sum((f.per_year.amount * UNIT_PENCE[f.unit] for f in yearly), Decimal(0)) / population if yearly and population else None
    published = _as_published({f.per_year.as_published.value for f in yearly})
    lines = _as_published({line.as_published for line in deal.budget.lines}) if budget is not None else ""
    statuses = Counter(p.status for p in deal_outcome_progress(deal, today).values())
    return Compared(
        deal, href(from_uri, deal_uri(deal)), population, budget, funds, published, lines,
        {s: statuses.get(s, 0) for s in STATUS_ORDER}, len(deal.outcomes), bool(deal.illustrative),
        has_budget=size is not None, has_yearly_funds=bool(yearly),
    )


def _as_published(kinds: set[str]) -> str:
    return "up to" if "up-to" in kinds else "about" if "about" in kinds else ""


def groups(ctx: Context, from_uri: str) -> list[Group]:
    """Deals grouped by level (city, county, city region), by place name within a group: similar places side by side, never ranked."""
    today = ctx.now.date()
    found = []
    for level in Level:
        deals = sorted((d for d in ctx.catalogue.deals if d.place.level is level), key=lambda d: (d.place.name.casefold(), d.slug))
        if deals:
            # Kept between preview builds while the deal is the same: 0.3 s of each rebuild at 1,000 deals.
            rows = [reused(ctx, d, f"committee.compared:{from_uri}", lambda d=d: compared(d, from_uri, today)) for d in deals]
            found.append(Group(LEVEL_LABEL[level], rows))
    return found


# --- pages ----------------------------------------------------------------------------------------


def _committee_page(ctx: Context, bundle: Bundle, dates: list[dt.date]) -> None:
    record = _record(ctx)
    uri = COMMITTEE_URI
    sessions = record.all_sessions(uri)
    html = ctx.env.get_template("committee.html").render(
        sessions=sessions,
        open=record.open_recommendations(uri),
        packs=[(d, href(uri, meeting_pack_uri(d))) for d in reversed(dates)],
        groups=groups(ctx, uri),
        statuses=STATUS_ORDER,
        today=ctx.now.date(),
        links={"pack": href(uri, PACK_URI), "dashboard": href(uri, DASHBOARD_URI), "data": href(uri, DATA_URI),
               "feed": f"../{FEED}", "files": f"../{DATA}/"},
    )
    headings = [
        Heading(2, "packs", "Meeting packs"),
        Heading(2, "awaiting", "Recommendations awaiting a response"),
        Heading(2, "sessions", "Sessions"),
        Heading(2, "side-by-side", "Deals side by side, by level"),
        Heading(2, "committee-data", "The record as open data"),
    ]
    bundle.pages.append(GeneratedPage(
        uri, "The committee's record", html, headings,
        description="Every committee session on the deals, its recommendations, the responses and whether what was promised was done.",
    ))


def _meeting_pack(ctx: Context, bundle: Bundle, dates: list[dt.date], i: int) -> None:
    day = dates[i]
    since = previous_meeting(dates, day)
    uri = meeting_pack_uri(day)
    found = paths(ctx)
    changes = changes_since(ctx.catalogue, since, day, found)
    view = meeting_view(changes, ctx.catalogue.deals, uri)
    record = _record(ctx)
    held = [record.session(s, uri) for s in ctx.catalogue.scrutiny.sessions if s.date == day]
    summary = statuses_on(ctx, day, uri)
    html = ctx.env.get_template("progress/meeting.html").render(
        day=day, since=since, view=view, sessions=held, summary=summary, statuses=STATUS_ORDER, standalone=False,
        previous=href(uri, meeting_pack_uri(since)) if since else "",
        following=href(uri, meeting_pack_uri(dates[i + 1])) if i + 1 < len(dates) else "",
        links={"committee": href(uri, COMMITTEE_URI), "pack": href(uri, PACK_URI), "dashboard": href(uri, DASHBOARD_URI)},
    )
    headings = [Heading(2, "pack-changes", "What changed")]
    headings += [Heading(3, s.id, s.title) for s in [view.attention, *view.sections]]
    headings += [Heading(2, "pack-sessions", "Held on this day"), Heading(2, "pack-summary", "Outcomes by status on the day")]
    bundle.pages.append(GeneratedPage(
        uri, f"Committee pack, {day.day} {day:%B %Y}", html, headings,
        description=f"What changed in the deals before the committee's meeting of {day.day} {day:%B %Y}: status changes, targets moved, new readings, overdue milestones, recommendations and responses.",
        search=False,
    ))


@dataclass(frozen=True)
class DayCounts:
    deal: Deal
    href: str
    counts: dict


def statuses_on(ctx: Context, day: dt.date, from_uri: str) -> list[DayCounts]:
    """Each deal's outcomes by status on ``day``: readings dated by then, the target then in force."""
    found = paths(ctx)
    rows = []
    for deal in ctx.catalogue.deals:
        tally = Counter()
        for o in deal.outcomes:
            state = in_force(states_of(o, found.get((deal.slug, o.id)), day), day)
            tally[outcome_progress(as_of(o, state), day, programme_over(deal, day)).status] += 1
        rows.append(DayCounts(deal, href(from_uri, deal_uri(deal)), {s: tally.get(s, 0) for s in STATUS_ORDER}))
    return rows


# --- the feed -------------------------------------------------------------------------------------


def committee_feed(ctx: Context) -> bytes:
    """Atom: every session, recommendation and response, newest first (dated by their own dates);
    each deal's feed has those about it too (pages/updates.py)."""
    record = _record(ctx)
    return atom(
        title="Place deals: the committee's record",
        subtitle="Committee sessions on the deals, their recommendations and the responses.",
        site_url=ctx.site_url, path=FEED, page=page_location(COMMITTEE_URI), updates=record.feed_entries(),
        deal_titles=record.titles, now=ctx.now,
    )


# --- open data ------------------------------------------------------------------------------------

SESSION_COLUMNS = [
    Column("id", "Session id", "string"),
    Column("committee", "Committee", "string"),
    Column("date", "Date", "date"),
    Column("title", "Title", "string"),
    Column("deals", "Deals examined", "string", description="Deal identifiers, separated by spaces"),
    Column("papers", "Transcript or papers", "string", description="A link"),
    Column("illustrative", "Illustrative", "boolean", description="Invented for the example site"),
]
RECOMMENDATION_COLUMNS = [
    Column("id", "Recommendation id", "string"),
    Column("session", "Session id", "string"),
    Column("deal", "Deal", "string", description="The deal it concerns; empty: every deal its session examined"),
    Column("to", "To", "string", description="Whom it is addressed to"),
    Column("text", "Recommendation", "string"),
    Column("due", "Due", "string", description="When a response or action is due: YYYY-MM-DD, YYYY-MM or YYYY"),
    Column("responses", "Responses", "integer", description="How many responses are recorded"),
    Column("late", "Late", "boolean", description="Due before the build date with no response recorded"),
]
RESPONSE_COLUMNS = [
    Column("recommendation", "Recommendation id", "string"),
    Column("date", "Date", "string", description="As precisely as known: YYYY-MM-DD, YYYY-MM or YYYY"),
    Column("by", "By", "string"),
    Column("response", "Response", "string", description="accepted, partly-accepted or rejected"),
    Column("implementation", "Implementation", "string", description="not-started, in-progress, implemented or not-implemented"),
    Column("text", "Response text", "string"),
    Column("evidence", "Evidence", "string", description="Each piece of evidence as 'title <link> (date)', separated by ' | '"),
]


def committee_tables(ctx: Context) -> list[Table]:
    record = _record(ctx)
    s = ctx.catalogue.scrutiny
    today = ctx.now.date()

    def frame(columns, rows):
        return pd.DataFrame([[row.get(c.name) for c in columns] for row in rows], columns=[c.name for c in columns], dtype=object)

    sessions = [{"id": x.id, "committee": x.committee, "date": x.date, "title": x.title, "deals": " ".join(x.deals),
                 "papers": x.papers, "illustrative": x.illustrative} for x in s.sessions]
    recs = []
    for r in s.recommendations:
        answered = len(record.responses.get(r.id, []))
        recs.append({"id": r.id, "session": r.session, "deal": r.deal, "to": r.to, "text": r.text, "due": str(r.due) if r.due else None,
                     "responses": answered, "late": bool(r.due and r.due.latest < today and not answered)})
    responses = [{"recommendation": r.recommendation, "date": str(r.date), "by": r.by, "response": r.response,
                  "implementation": r.implementation, "text": r.text,
                  "evidence": " | ".join(e.title + (f" <{e.url}>" if e.url else "") + (f" ({e.date})" if e.date else "") for e in r.evidence) or None}
                 for r in s.responses]
    return [
        Table("sessions", "Committee sessions", SESSION_COLUMNS, frame(SESSION_COLUMNS, sessions), description="Each session of the committee on the deals."),
        Table("recommendations", "Committee recommendations", RECOMMENDATION_COLUMNS, frame(RECOMMENDATION_COLUMNS, recs),
              description=f"Each recommendation, whom it is to, when it is due, and whether it is late as of {today.isoformat()}."),
        Table("responses", "Responses to recommendations", RESPONSE_COLUMNS, frame(RESPONSE_COLUMNS, responses),
              description="Each response: accepted, partly accepted or rejected, the state of implementation and its evidence."),
    ]


def _data(ctx: Context, bundle: Bundle) -> None:
    tables = committee_tables(ctx)
    for table in tables:
        bundle.add_file(f"{DATA}/{table.name}.csv", downloads.table_csv(table))
    description = f"The committee's record: sessions, recommendations and responses. {downloads.FORMULA_NOTE}"
    package = downloads.package("dealsite-committee", "Place deals: the committee's record", description, ctx.now,
                                [downloads.resource(t, f"{t.name}.csv", t.columns) for t in tables])
    bundle.add_file(f"{DATA}/{downloads.PACKAGE}", (json.dumps(package, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
