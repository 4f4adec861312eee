"""The pages across deals that residents read: the home list, powers, accountability, compare, timetable.

Each is one row per deal (or a count per power or round), so it stays small at a
thousand deals; a deal's detail is on its own page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Optional

from ..compute.timeline import STATES, bar_chart, round_counts, slippage
from ..compute.timeline import state as event_state
from ..model import PartialDate
from .bundle import Bundle, Context, GeneratedPage, index_by_summary
from .links import (
    ACCOUNTABILITY_URI,
    COMPARE_URI,
    HOME_URI,
    POWERS_URI,
    TIMETABLE_URI,
    href,
    site_links,
)
from .views import NOT_ASKED, POWER_LABEL, DealView, Views, matrix_cell, power_counts, toc


@dataclass(frozen=True)
class DealEvents:
    """One deal's meetings and milestones on the timetable page, counted by state."""

    view: DealView
    counts: dict  # timeline.STATES key -> number
    total: int
    longest_delay: Optional[int]  # days, of those that happened late
    next_planned: Optional[PartialDate]  # the next planned date not yet passed


def deal_events(view: DealView, today: dt.date) -> DealEvents:
    counts = {key: 0 for key, _ in STATES}
    delays, coming = [], []
    for e in view.deal.negotiation.events:
        s = event_state(e, today)
        counts[s] += 1
        if s == "late" and slippage(e).days is not None:
            delays.append(slippage(e).days)
        elif s == "not-due":
            coming.append(e.planned)
    return DealEvents(view, counts, len(view.deal.negotiation.events), max(delays, default=None), min(coming, default=None))


def add(ctx: Context, bundle: Bundle) -> None:
    """The pages across deals: the home page's list, powers, accountability, compare, timetable.

    Each is one row per deal (or a count per power or round), so it stays small at a thousand
    deals; a deal's detail is on its own page. The views are built once: every one of these
    pages is at the top of the site, so its links to deal pages are the same.
    """
    first = len(bundle.pages)
    views = Views(ctx.catalogue)
    rounds = sorted(ctx.catalogue.rounds, key=lambda r: r.start)
    today = ctx.now.date()
    deals = views.deals(POWERS_URI)

    home = href(HOME_URI, "deals/index.md")  # "deals/": the home page is the site's root
    bundle.fragments["deal-list"] = ctx.env.get_template("deal_list.html").render(
        deals=[replace(v, href=f"{home}{v.deal.slug}/") for v in deals], links=site_links(HOME_URI)
    )

    bundle.pages.append(
        GeneratedPage(
            POWERS_URI,
            "Powers",
            ctx.env.get_template("powers.html").render(
                rows=[(v, [matrix_cell(v.grants.get(p.id, [])) for p in ctx.catalogue.powers]) for v in deals],
                menu=ctx.catalogue.powers, counts=power_counts(deals, ctx.catalogue.powers),
                statuses=list(POWER_LABEL.values()) + [NOT_ASKED], links=site_links(POWERS_URI)
            ),
            toc([(2, "menu", "The menu of powers"), (2, "matrix", "Every deal's powers"), (2, "counts", "Powers in numbers")]),
            description="The menu of powers, and which each deal has agreed, requested, deferred or been refused.",
        )
    )

    bundle.pages.append(
        GeneratedPage(
            ACCOUNTABILITY_URI,
            "Accountability",
            ctx.env.get_template("accountability.html").render(deals=deals, links=site_links(ACCOUNTABILITY_URI)),
            toc([(2, "figures", "Every deal's accountable figure")]),
            description="Who answers for each deal, how they are chosen, what they hold and who scrutinises them.",
        )
    )

    bundle.pages.append(
        GeneratedPage(
            COMPARE_URI,
            "Compare deals",
            ctx.env.get_template("compare.html").render(deals=deals, links=site_links(COMPARE_URI)),
            toc([(2, "choose", "Choose deals"), (2, "side-by-side", "Deals side by side")]),
            description="Deals side by side, one row each: budget, outcomes and powers.",
        )
    )

    by_round = round_counts(rounds, [e for d in ctx.catalogue.deals for e in d.negotiation.events], today)
    bundle.pages.append(
        GeneratedPage(
            TIMETABLE_URI,
            "Timetable of negotiation rounds",
            ctx.env.get_template("timetable.html").render(
                by_round=by_round,
                bars=bar_chart(by_round),
                states=STATES,
                deals=[deal_events(v, today) for v in deals if v.deal.negotiation.events],
                without=sum(1 for v in deals if not v.deal.negotiation.events),
                links=site_links(TIMETABLE_URI),
                rounds=rounds,
                now=ctx.now,
            ),
            toc([(2, "rounds", "National rounds"), (2, "chart", "Meetings and milestones by round"), (2, "events", "Each deal's meetings and milestones")]),
            description="The national rounds of negotiation, and every deal's meetings and milestones counted by round: on time, late or still to come.",
        )
    )
    # Found by title and description; the powers page by its menu of powers too.
    menu = " ".join(f"{p.title}. {p.description}" for p in ctx.catalogue.powers)
    powers = next(p for p in bundle.pages[first:] if p.src_uri == POWERS_URI)
    index_by_summary(bundle, bundle.pages[first:], {POWERS_URI: f"{powers.description} {menu}"})


