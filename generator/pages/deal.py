"""A deal's own pages: its page, its tables page, and its entries in the search index.

Size: a deal page holds only its own deal, so it stays the same size however many deals
there are; every reading, the baseline line by line and each scheme year by year are on
the tables page (``deals/<slug>/tables/``), which the deal page links to.
"""

from __future__ import annotations

from dataclasses import replace

from ..compute.budget import budget_view
from ..compute.final import programme_over
from ..compute.progress_chart import outcome_chart
from ..compute.timeline import deal_chart
from ..model import Deal
from .bundle import Bundle, Context, GeneratedPage, Heading, SearchEntry
from .links import deal_tables_uri, deal_uri, href, site_links
from .accountable import figure_history
from .agreements import condition_views, follow_on_views, stage
from .money import budget_kinds, fund_views, funds_summary, line_marks
from .progress import deal_progress
from .views import Views, key_dates, outcome_view

DEAL_SECTIONS = [
    ("summary", "Summary"),
    ("conditions", "Conditions"),  # only for a deal subject to conditions
    ("outcomes", "Outcomes"),
    ("powers", "Powers"),
    ("accountability", "Accountable figure"),
    ("money", "Funds and other money"),  # only for a deal with funds
    ("budget", "Budget"),
    ("follow-ons", "Later agreements"),  # only for a deal with follow-on agreements
    ("negotiation", "Negotiation timeline"),
    ("updates", "Updates"),
    ("scrutiny", "Committee scrutiny"),  # partials/scrutiny.html (pages/committee.py)
    ("sources", "Sources"),
]

# A deal with more outcomes than this is "large": its contents list does not name each outcome
# (the summary links every one), and its outcome charts carry no table of readings for screen
# readers (the tables page, linked under each outcome, has every reading). On the benchmark's
# 20-outcome page the titles in the sidebar were 4 KB and the charts' tables 8 KB of an 80 KB budget.
TOC_OUTCOMES = 8

def outcome_charts(rows: dict, today, *, tables: bool) -> dict:
    """Each outcome's chart by id (compute/progress_chart.py), without its screen-reader table
    unless ``tables`` (see TOC_OUTCOMES)."""
    charts = {oid: outcome_chart(row.progress, today) for oid, row in rows.items()}
    if tables:
        return charts
    return {oid: c and replace(c, table=(), earlier=0) for oid, c in charts.items()}


def deal_sections(deal: Deal) -> list[tuple[str, str]]:
    """The sections of this deal's page, in order: those that would be empty are left out."""
    present = {"conditions": bool(deal.conditions), "money": bool(deal.funds), "follow-ons": bool(deal.follow_ons)}
    return [(anchor, title) for anchor, title in DEAL_SECTIONS if present.get(anchor, True)]


def deal_parts(ctx: Context, deal: Deal, view, views: Views) -> dict:
    """The views of the deal page's sections for the deals signed since 2014: conditions, funds,
    later agreements, the figure over time, and the summary's words for them."""
    funds = fund_views(deal, ctx.now.date())
    return dict(
        stage=stage(deal, view.status_label),
        conditions=condition_views(deal),
        funds=funds,
        funds_summary=funds_summary(funds),
        follow_ons=follow_on_views(deal, {pid: p.title for pid, p in views.menu.items()}),
        history=figure_history(deal.accountable_figure),
        has_readings=any(o.readings for o in deal.outcomes),
    )


def budget_context(deal: Deal, view, budget, tables: str) -> dict:
    """What partials/budget.html reads: the deal and its view, its budget view (or none), the
    link to its tables page, and the words on the kinds of money in the budget."""
    return dict(deal=deal, view=view, budget=budget, tables=tables, budget_kinds=budget_kinds(deal))


def tables_context(deal: Deal, view, outcomes: list, budget, deal_page: str, events=(), finished: bool = False) -> dict:
    """What deal_tables.html reads: the deal and its view, its outcome views, its budget view
    (or none), the link back to its page, whether it has readings and marked lines, and its
    meetings and milestones (events, with finished: the programme is over)."""
    return dict(
        deal=deal, view=view, outcomes=outcomes, budget=budget, deal_page=deal_page,
        has_readings=any(o.readings for o in deal.outcomes), line_marks=line_marks(deal),
        events=events, finished=finished,
    )


def deal_search_entries(deal: Deal, outcomes: list) -> list[SearchEntry]:
    """What search finds a deal by: its page (title, summary, place, partners, the places and
    councils it covers, figure) and each
    outcome by its title, which leads straight to it. Figures and tables stay out, as on the
    page itself; the search page shows each outcome under its deal, so the outcome entry
    repeats nothing (the index must stay under 5 MB at 1,000 deals of 20 outcomes)."""
    base = f"deals/{deal.slug}/"
    figure = deal.accountable_figure
    # Every place and council it names finds it: a resident may know only their district or town.
    about = [
        deal.summary, deal.place.name, *(p.name for p in deal.place.partners), *deal.place.covers,
        figure.title or figure.role, figure.holder.name if figure.holder else "",
    ]
    entries = [SearchEntry(base, deal.title, " ".join(t for t in about if t))]
    entries += [SearchEntry(f"{base}#{view.anchor}", view.outcome.title, "") for view in outcomes]
    return entries


def add_deal(ctx: Context, deal: Deal, bundle: Bundle) -> None:
    """The deal's page, its tables page (deals/<slug>/tables/: every reading, the baseline line
    by line, each invest-to-save scheme year by year; the deal page summarises them and links
    there, which keeps it small) and its entries in the search index."""
    views = Views(ctx.catalogue)
    rounds = sorted(ctx.catalogue.rounds, key=lambda r: r.start)
    uri = deal_uri(deal)
    view = views.deal(deal, uri)
    outcomes = [outcome_view(o, views.menu) for o in deal.outcomes]
    events = views.events(view)
    today = ctx.now.date()
    finished = programme_over(deal, today)
    timeline = deal_chart(rounds, deal.negotiation.events, deal.follow_ons, today, finished, own=_own_rounds(deal))
    budget = budget_view(deal, ctx.catalogue.deflators)
    tables_uri = deal_tables_uri(deal)
    progress = deal_progress(ctx, deal, uri)  # statuses by the progress rule (pages/progress.py)
    html = ctx.env.get_template("deal.html").render(
        **budget_context(deal, view, budget, href(uri, tables_uri)),
        outcomes=outcomes,
        events=events,
        timeline=timeline,
        finished=finished,
        key_dates=key_dates(deal),
        links=site_links(uri),
        progress=progress,
        charts=outcome_charts(progress["outcomes"], today, tables=len(outcomes) <= TOC_OUTCOMES),
        rounds=rounds,
        now=ctx.now,
        **deal_parts(ctx, deal, view, views),
    )
    headings = []
    for anchor, title in deal_sections(deal):
        headings.append(Heading(2, anchor, title))
        if anchor == "outcomes" and len(outcomes) <= TOC_OUTCOMES:
            headings += [Heading(3, o.anchor, o.outcome.title) for o in outcomes]
    bundle.pages.append(GeneratedPage(uri, deal.title, html, headings, description=deal.summary, search=False))
    bundle.search += deal_search_entries(deal, outcomes)
    html = ctx.env.get_template("deal_tables.html").render(
        **tables_context(deal, view, outcomes, budget, href(tables_uri, uri), events, finished),
    )
    headings = [Heading(2, "milestones", "Meetings and milestones")] if events else []
    headings.append(Heading(2, "readings", "Readings by outcome"))
    headings += [Heading(3, o.anchor, o.outcome.title) for o in outcomes]
    if outcomes:  # each outcome's status history (partials/status_history.html, pages/evidence.py)
        headings.append(Heading(2, "status-history", "Status history by outcome"))
    headings.append(Heading(2, "budget-lines", "Baseline by body and stream"))
    if budget and budget.schemes:
        headings.append(Heading(2, "invest-to-save-by-year", "Invest to save year by year"))
    bundle.pages.append(
        GeneratedPage(
            tables_uri, f"{deal.title}: the figures in full", html, headings,
            description=f"Every reading of each outcome of {deal.title}, its baseline budget line by line and each invest-to-save scheme year by year.",
            search=False,
        )
    )



def _own_rounds(deal: Deal) -> set[str]:
    """The national rounds the deal's timeline draws as bands: those it took part in or its
    events belong to. The others are on the national timetable; drawing them too cost a band
    and a key line each (issue 13)."""
    return set(deal.negotiation.rounds) | {e.round for e in deal.negotiation.events if e.round}
