"""The committee's record as the pages show it: sessions, their recommendations, and the responses.

Views only (labels, links, what is late); ``compute/meeting.py`` works out what changed
between meetings. Links are relative to the page that shows them; every session and
recommendation has an anchor on the committee page (``session-<id>``, ``rec-<id>``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from ..model import LONDON, Catalogue, Deal, EvidenceLink, PartialDate, Recommendation, Response, Session
from .bundle import Context
from .feeds import Entry
from .links import COMMITTEE_URI, deal_uri, href, page_location

RESPONSE_LABEL = {"accepted": "Accepted", "partly-accepted": "Partly accepted", "rejected": "Rejected"}
IMPLEMENTATION_LABEL = {
    "not-started": "Not started",
    "in-progress": "In progress",
    "implemented": "Implemented",
    "not-implemented": "Not implemented",
}
DEAL_SESSIONS_SHOWN = 3  # on a deal's page, in brief; every session, in full, is on the committee page


@dataclass(frozen=True)
class ResponseView:
    response: Response
    date: PartialDate
    by: str
    label: str  # Accepted, Partly accepted, Rejected
    implementation: str  # Not started, In progress, Implemented, Not implemented
    text: str
    evidence: list[EvidenceLink]

    @property
    def kind(self) -> str:
        return self.response.response

    @property
    def state(self) -> str:
        return self.response.implementation


@dataclass(frozen=True)
class RecommendationView:
    recommendation: Recommendation
    anchor: str  # rec-<id> on the committee page
    href: str  # to it on the committee page
    to: str
    text: str
    due: Optional[PartialDate]
    deal: Optional[tuple[str, str]]  # (title, link) of the deal it concerns, None for every deal of its session
    responses: list[ResponseView]  # oldest first
    late: bool  # due before today with no response
    state: str  # in words: the latest response, or whether one is awaited or late
    illustrative: bool


@dataclass(frozen=True)
class SessionView:
    session: Session
    anchor: str  # session-<id> on the committee page
    href: str
    deals: list[tuple[str, str]]  # (title, link) of each deal examined
    recommendations: list[RecommendationView]
    illustrative: bool


def response_view(r: Response) -> ResponseView:
    return ResponseView(r, r.date, r.by, RESPONSE_LABEL[r.response], IMPLEMENTATION_LABEL[r.implementation], r.text, list(r.evidence))


def recommendation_state(responses: list[ResponseView], due: Optional[PartialDate], today: dt.date) -> tuple[bool, str]:
    """(late, the state in words)."""
    if responses:
        last = responses[-1]
        return False, f"{last.label}; {last.implementation.lower()}"
    if due is not None and due.latest < today:
        return True, f"No response recorded, due {due.words()}"
    return False, "Awaiting a response" + (f", due {due.words()}" if due else "")


def record_of(ctx: Context) -> "Record":
    """The build's record (from what the publication gate let through), looked up once per build."""
    found = ctx.derived.get(__name__)
    if found is None:
        found = ctx.derived[__name__] = Record(ctx.catalogue, ctx.now.date())
    return found


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=LONDON)


class Record:
    """The committee's record of one catalogue, looked up once; views with links from ``page_uri``."""

    def __init__(self, catalogue: Catalogue, today: dt.date):
        self.today = today
        self.scrutiny = catalogue.scrutiny
        self.titles = {d.slug: d.title for d in catalogue.deals}
        self.deals = {d.slug: d for d in catalogue.deals}
        self.sessions = {s.id: s for s in self.scrutiny.sessions}
        self.responses: dict[str, list[Response]] = {}
        for response in sorted(self.scrutiny.responses, key=lambda r: r.date):
            self.responses.setdefault(response.recommendation, []).append(response)
        self.by_session: dict[str, list[Recommendation]] = {}
        for rec in self.scrutiny.recommendations:
            self.by_session.setdefault(rec.session, []).append(rec)
        self._by_deal: Optional[dict[str, list[Entry]]] = None  # feed entries by deal, made when first asked for

    def _deal(self, slug: str, page_uri: str) -> tuple[str, str]:
        deal = self.deals.get(slug)
        return (self.titles.get(slug, slug), href(page_uri, deal_uri(deal)) if deal else "")

    def recommendation(self, rec: Recommendation, page_uri: str) -> RecommendationView:
        responses = [response_view(r) for r in self.responses.get(rec.id, [])]
        late, state = recommendation_state(responses, rec.due, self.today)
        session = self.sessions.get(rec.session)
        return RecommendationView(
            recommendation=rec,
            anchor=f"rec-{rec.id}",
            href=href(page_uri, COMMITTEE_URI, f"rec-{rec.id}"),
            to=rec.to,
            text=rec.text,
            due=rec.due,
            deal=self._deal(rec.deal, page_uri) if rec.deal else None,
            responses=responses,
            late=late,
            state=state,
            illustrative=bool(session and session.illustrative),
        )

    def session(self, session: Session, page_uri: str, deal: Optional[str] = None) -> SessionView:
        """A session and its recommendations (with ``deal``: only those about that deal or every deal)."""
        recs = [r for r in self.by_session.get(session.id, []) if deal is None or r.deal in (None, deal)]
        return SessionView(
            session=session,
            anchor=f"session-{session.id}",
            href=href(page_uri, COMMITTEE_URI, f"session-{session.id}"),
            deals=[self._deal(s, page_uri) for s in session.deals],
            recommendations=[self.recommendation(r, page_uri) for r in recs],
            illustrative=session.illustrative,
        )

    def all_sessions(self, page_uri: str) -> list[SessionView]:
        """Every session, newest first."""
        ordered = sorted(self.scrutiny.sessions, key=lambda s: (s.date, s.id), reverse=True)
        return [self.session(s, page_uri) for s in ordered]

    def deal_sessions(self, deal: Deal, page_uri: str) -> tuple[list[SessionView], int]:
        """The sessions that examined ``deal``, newest first (at most DEAL_SESSIONS_SHOWN), and how many there are."""
        found = sorted((s for s in self.scrutiny.sessions if deal.slug in s.deals), key=lambda s: (s.date, s.id), reverse=True)
        return [self.session(s, page_uri, deal.slug) for s in found[:DEAL_SESSIONS_SHOWN]], len(found)

    def open_recommendations(self, page_uri: str) -> list[RecommendationView]:
        """Recommendations without a response, late ones first, then by when they are due."""
        views = [self.recommendation(r, page_uri) for r in self.scrutiny.recommendations if r.id not in self.responses]
        far = dt.date.max
        return sorted(views, key=lambda v: (not v.late, v.due.latest if v.due else far, v.recommendation.id))

    # --- as feed entries ------------------------------------------------------------------------

    def feed_entries(self) -> list[Entry]:
        """Every session, recommendation and response, newest first, each naming the deals it
        concerns (a recommendation without a deal: every deal its session examined)."""
        page = page_location(COMMITTEE_URI)
        entries = []
        for s in self.scrutiny.sessions:
            deals = ", ".join(self.titles.get(slug, slug) for slug in s.deals)
            entries.append(Entry(_moment(s.date), f"Committee session: {s.title}", f"{page}#session-{s.id}",
                                 f"{s.committee}, {s.date.day} {s.date:%B %Y}. Deals examined: {deals}.", tuple(s.deals)))
        about = {}
        for r in self.scrutiny.recommendations:
            session = self.sessions.get(r.session)
            if session is not None:
                about[r.id] = (r.deal,) if r.deal else tuple(session.deals)
                entries.append(Entry(_moment(session.date), f"Recommendation to {r.to}", f"{page}#rec-{r.id}", r.text, about[r.id]))
        for i, r in enumerate(sorted(self.scrutiny.responses, key=lambda r: (r.date, r.recommendation))):
            entries.append(Entry(_moment(r.date.earliest), f"Response by {r.by}: {r.response.replace('-', ' ')}",
                                 f"{page}#rec-{r.recommendation}", r.text, about.get(r.recommendation, ()),
                                 key=f"{page}#rec-{r.recommendation}-response-{i}"))
        return sorted(entries, key=lambda e: (e.date, e.key or e.url, e.title), reverse=True)

    def deal_feed_entries(self, slug: str) -> list[Entry]:
        """The entries about one deal, newest first (its own feed, beside its updates)."""
        if self._by_deal is None:
            self._by_deal = {}
            for entry in self.feed_entries():
                for about in entry.deals:
                    self._by_deal.setdefault(about, []).append(entry)
        return self._by_deal.get(slug, [])
