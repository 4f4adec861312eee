"""Everything loaded from ``deals/``: the deals and the shared files."""

from __future__ import annotations

from typing import Optional

from .deal import Deal
from .scrutiny import Scrutiny
from .shared import Deflators, MenuPower, NegotiationRound
from .types import Model


class Catalogue(Model):
    """Everything loaded from ``deals/``: the deals and the shared files."""

    deals: list[Deal]
    rounds: list[NegotiationRound]
    powers: list[MenuPower]
    deflators: Optional[Deflators] = None
    scrutiny: Scrutiny = Scrutiny()

    def deal(self, slug: str) -> Deal:
        return next(d for d in self.deals if d.slug == slug)

    def with_deal(self, deal: Deal) -> "Catalogue":
        """The catalogue with ``deal`` in place of the deal of its slug (a preview's edit)."""
        return self.model_copy(update={"deals": [deal if d.slug == deal.slug else d for d in self.deals]})
