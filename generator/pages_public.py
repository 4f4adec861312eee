"""The pages residents read: the home list and a page per deal."""

from __future__ import annotations

from .site import Bundle, Context, GeneratedPage, Heading, deal_uri

DEAL_SECTIONS = [
    (2, "summary", "Summary"),
    (2, "outcomes", "Outcomes"),
    (2, "powers", "Powers"),
    (2, "accountability", "Accountable figure"),
    (2, "budget", "Budget"),
    (2, "negotiation", "Negotiation timeline"),
    (2, "sources", "Sources"),
]


def add(ctx: Context, bundle: Bundle) -> None:
    for deal in ctx.catalogue.deals:
        html = ctx.env.get_template("deal.html").render(deal=deal, catalogue=ctx.catalogue)
        bundle.pages.append(
            GeneratedPage(
                src_uri=deal_uri(deal),
                title=deal.title,
                html=html,
                headings=[Heading(*h) for h in DEAL_SECTIONS],
                description=deal.summary,
            )
        )
    bundle.fragments["deal-list"] = ctx.env.get_template("deal_list.html").render(deals=ctx.catalogue.deals)
