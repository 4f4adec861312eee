"""Budget tables of a deal's single place budget (pandas). Placeholder: the budget work fills this in."""

from __future__ import annotations

from typing import Optional

from .model import Deal, Deflators
from .tables import Table


def budget_tables(deal: Deal, deflators: Optional[Deflators]) -> list[Table]:
    """Every budget table of a deal, for its page and its CSV downloads."""
    return []


def budget_view(deal: Deal, deflators: Optional[Deflators]):
    """What partials/budget.html shows, or None when the deal has no budget."""
    return None
