"""Open data: every table of every deal as CSV beside the deal's page."""

from __future__ import annotations

from .budget import budget_tables
from .model import Deal
from .progress import progress_tables
from .site import Bundle, Context
from .tables import Table


def deal_tables(ctx: Context, deal: Deal) -> list[Table]:
    return budget_tables(deal, ctx.catalogue.deflators) + progress_tables(deal, ctx.now.date())


def table_path(deal: Deal, table: Table) -> str:
    """Beside the deal's page (deals/<slug>/), so pages link to it by bare file name."""
    return f"deals/{deal.slug}/{table.name}.csv"


def add(ctx: Context, bundle: Bundle) -> None:
    for deal in ctx.catalogue.deals:
        for table in deal_tables(ctx, deal):
            bundle.files[table_path(deal, table)] = table.to_csv()
