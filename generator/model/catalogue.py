"""Everything loaded from ``deals/``: the deals and the shared files."""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel

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



# --- memory -------------------------------------------------------------------------------------

_FIELD_SETS: dict[frozenset, set] = {}


def share_field_sets(value: object) -> None:
    """Let every model below ``value`` with the same fields set share one record of them.

    pydantic keeps a set of the fields given per model instance (216 to 728 bytes each); a
    deal has about 400 models, so at 1,000 deals the sets alone were over 100 MB of a build's
    memory (benchmarks/bench.py). Models are frozen, and pydantic copies the set before adding
    to it (model_copy), so sharing one never lets a change leak from one model to another.
    """
    if isinstance(value, BaseModel):
        fields = value.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault(frozenset(fields), fields)
        if shared is not fields:
            object.__setattr__(value, "__pydantic_fields_set__", shared)
        for item in value.__dict__.values():
            share_field_sets(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            share_field_sets(item)
    elif isinstance(value, dict):
        for item in value.values():
            share_field_sets(item)
