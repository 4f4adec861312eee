"""The timetable across deals: the national rounds as bands on one time axis, a row per deal.

Each deal's row shows its meetings and milestones, planned against actual, its follow-on
agreements, and where it stands today. Deals are grouped by the national round they
entered (the earliest of their rounds), then those negotiated outside the rounds, and the
groups are laid out in pages of at most :data:`PAGE_ROWS` deals (``timetable/``, then
``timetable/2/`` and on), so a page stays the same size however many deals there are.
Beside each page's chart: the same deals in a table, and every milestone of every deal in
the download ``data/milestones.csv``. The first page also has the national rounds and the
meetings and milestones counted by round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from ..compute.final import programme_over
from ..compute.timeline import (
    NO_ROUND,
    STATES,
    Row,
    deal_row,
    round_counts,
    slippage,
    timetable_axis,
    timetable_chart,
)
from ..compute.timeline import state as event_state
from ..model import Deal, NegotiationRound, PartialDate
from .bundle import Bundle, Context, GeneratedPage, Heading, index_by_summary
from .links import DATA_URI, TIMETABLE_URI, href, site_links, timetable_page_uri
from .views import DealView, Views

PAGE_ROWS = 50  # deals on one page of the timetable (benchmark: the largest page at 1,000 deals)


@dataclass(frozen=True)
class DealEvents:
    """One deal on the timetable: its meetings and milestones counted by state, and where it stands."""

    view: DealView
    counts: dict  # timeline.STATES key -> number
    total: int
    longest_delay: Optional[int]  # days, of those that happened late
    next_planned: Optional[PartialDate]  # the next planned date not yet passed
    finished: bool  # the programme is over
    stands: str  # where it stands today, in words


def deal_events(view: DealView, today: dt.date) -> DealEvents:
    deal = view.deal
    finished = programme_over(deal, today)
    counts = {key: 0 for key, _ in STATES}
    delays, coming = [], []
    for e in deal.negotiation.events:
        s = event_state(e, today, finished)
        counts[s] += 1
        if s == "late" and slippage(e).days is not None:
            delays.append(slippage(e).days)
        elif s == "not-due":
            coming.append(e.planned)
    next_planned = min(coming, default=None)
    if finished:
        review = deal.dates.review
        stands = f"Programme over (review {review.words()})" if review else "Programme over"
    elif counts["overdue"]:
        stands = f"{counts['overdue']} overdue"
    elif next_planned is not None:
        stands = f"Next: {next_planned.words()}"
    elif deal.negotiation.events:
        stands = "Every meeting and milestone has happened"
    else:
        stands = "No meetings or milestones recorded"
    return DealEvents(view, counts, len(deal.negotiation.events), max(delays, default=None), next_planned, finished, stands)


def entry_round(deal: Deal, order: dict[str, int]) -> Optional[str]:
    """The round a deal entered: the earliest of its rounds (or of its events' rounds); None outside the rounds."""
    ids = [r for r in deal.negotiation.rounds if r in order] or [e.round for e in deal.negotiation.events if e.round in order]
    return min(ids, key=lambda r: order[r]) if ids else None


def _first_day(deal: Deal) -> dt.date:
    days = [e.planned.earliest for e in deal.negotiation.events] + [f.date.earliest for f in deal.follow_ons]
    days += [getattr(deal.dates, k).earliest for k in ("invited", "proposed", "agreed", "signed") if getattr(deal.dates, k)]
    return min(days, default=dt.date.max)


@dataclass(frozen=True)
class Group:
    """A round's deals on one page (a round with more deals than a page holds runs over several)."""

    id: str  # heading anchor: round-<id>, or round-none
    title: str
    round: Optional[NegotiationRound]
    rows: list[Row]  # Row.key: the deal's DealEvents
    first: int  # the number of the group's first deal on this page within its round, from 1
    size: int  # deals in the whole round

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


@dataclass(frozen=True)
class Page:
    number: int
    uri: str
    groups: list[Group]

    @property
    def rows(self) -> list[Row]:
        return [r for g in self.groups for r in g.rows]

    @property
    def title(self) -> str:
        return "; ".join(g.title + ("" if len(g.rows) == g.size else f" ({g.first} to {g.last} of {g.size})") for g in self.groups)


def page_uris(deals: int) -> list[str]:
    """The timetable's pages for this many deals: as :func:`paginate` fills them, at least one."""
    return [timetable_page_uri(n) for n in range(1, max(1, -(-deals // PAGE_ROWS)) + 1)]


def paginate(groups: list[tuple[str, str, Optional[NegotiationRound], list[Row]]], per_page: int = PAGE_ROWS) -> list[Page]:
    """Groups (id, title, round, rows) in order, laid out in pages of at most ``per_page`` rows:
    a group that does not fit in what is left of a page continues on the next."""
    pages: list[list[Group]] = [[]]
    room = per_page
    for gid, title, rnd, rows in groups:
        start = 0
        while start < len(rows):
            if room == 0:
                pages.append([])
                room = per_page
            part = rows[start : start + room]
            pages[-1].append(Group(gid, title, rnd, part, start + 1, len(rows)))
            start += len(part)
            room -= len(part)
    return [Page(n, timetable_page_uri(n), groups) for n, groups in enumerate(pages, start=1)]


def add(ctx: Context, bundle: Bundle) -> None:
    views = Views(ctx.catalogue)
    rounds = sorted(ctx.catalogue.rounds, key=lambda r: r.start)
    order = {r.id: i for i, r in enumerate(rounds)}
    today = ctx.now.date()
    deals = sorted(ctx.catalogue.deals, key=lambda d: (_first_day(d), d.title.casefold(), d.slug))
    axis = timetable_axis(rounds, deals, today)
    by_round: dict[Optional[str], list[Row]] = {}
    for deal in deals:
        view = views.deal(deal, TIMETABLE_URI)
        events = deal_events(view, today)
        by_round.setdefault(entry_round(deal, order), []).append(deal_row(axis, deal, deal.title, today, events.finished, events))
    groups = [(f"round-{r.id}", r.title, r, by_round[r.id]) for r in rounds if r.id in by_round]
    if None in by_round:
        groups.append(("round-none", NO_ROUND, None, by_round[None]))
    pages = paginate(groups)
    counts = round_counts(rounds, [(e, programme_over(d, today)) for d in deals for e in d.negotiation.events], today)
    made = [_page(ctx, page, pages, axis, rounds, counts) for page in pages]
    bundle.pages += made
    # Found by the first page's title and description; the deals on every page are found by
    # their own pages' entries.
    index_by_summary(bundle, made[:1])


def _page(ctx: Context, page: Page, pages: list[Page], axis, rounds, counts) -> GeneratedPage:
    uri = page.uri
    chart = timetable_chart(axis, rounds, page.rows, ctx.now.date())
    # Each row's deal link, from this page (the views were made for the first page's folder).
    links_to = {r.key.view.deal.slug: href(uri, f"deals/{r.key.view.deal.slug}.md", "negotiation") for r in page.rows}
    html = ctx.env.get_template("timetable.html").render(
        page=page,
        pages=[(p, href(uri, p.uri)) for p in pages],
        chart=chart,
        links_to=links_to,
        by_round=counts if page.number == 1 else None,
        states=STATES,
        links=site_links(uri),
        data=href(uri, DATA_URI),
        rounds=rounds,
        now=ctx.now,
        deals=sum(len(p.rows) for p in pages),
    )
    headings = [Heading(2, "chart", "Every deal's timetable")]
    headings += [Heading(3, f"{g.id}-{g.first}" if g.first > 1 else g.id, g.title) for g in page.groups]
    headings.append(Heading(2, "events", "The same in a table"))
    if page.number == 1:
        headings += [Heading(2, "rounds", "National rounds"), Heading(2, "by-round", "Meetings and milestones by round")]
    # Short enough for a phone's heading: the list of pages under it says which rounds each holds.
    title = "Timetable of negotiation rounds" + ("" if page.number == 1 else f", page {page.number} of {len(pages)}")
    return GeneratedPage(
        uri, title, html, headings, search=page.number == 1,
        description="The national rounds of negotiation on a time line, with every deal's meetings and milestones planned against actual, its follow-on agreements and where it stands today.",
    )
