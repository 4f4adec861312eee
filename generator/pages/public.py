"""The pages across deals that residents read: the home list, powers, accountability, compare
(the timetable is pages/timetable.py).

Each is one row per deal (or a count per power or round), so it stays small at a
thousand deals; a deal's detail is on its own page.
"""

from __future__ import annotations

from dataclasses import replace

from .bundle import Bundle, Context, GeneratedPage, index_by_summary
from .links import (
    ACCOUNTABILITY_URI,
    COMPARE_URI,
    HOME_URI,
    POWERS_URI,
    href,
    site_links,
)
from .views import NOT_ASKED, POWER_LABEL, Views, matrix_cell, power_counts, toc


def add(ctx: Context, bundle: Bundle) -> None:
    """The pages across deals: the home page's list, powers, accountability, compare.

    Each is one row per deal (or a count per power or round), so it stays small at a thousand
    deals; a deal's detail is on its own page. The views are built once: every one of these
    pages is at the top of the site, so its links to deal pages are the same.
    """
    first = len(bundle.pages)
    views = Views(ctx.catalogue)
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

    # Found by title and description; the powers page by its menu of powers too.
    menu = " ".join(f"{p.title}. {p.description}" for p in ctx.catalogue.powers)
    powers = next(p for p in bundle.pages[first:] if p.src_uri == POWERS_URI)
    index_by_summary(bundle, bundle.pages[first:], {POWERS_URI: f"{powers.description} {menu}"})


