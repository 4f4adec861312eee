"""Drop what is not yet public, once, right after loading.

Everything downstream (pages, search, feeds, downloads, counts) sees only the
catalogue this returns, so nothing embargoed can leak through a forgotten path.
"""

from __future__ import annotations

import datetime as dt

from .model import Catalogue, Deal, Publishable


def is_public(item: Publishable, now: dt.datetime) -> bool:
    return not item.draft and (item.publish_after is None or item.publish_after <= now)


def public_catalogue(catalogue: Catalogue, now: dt.datetime, *, previews: bool = False) -> Catalogue:
    """The catalogue as the public may see it at ``now``; with previews, everything."""
    if previews:
        return catalogue
    deals = [_public_deal(d, now) for d in catalogue.deals if is_public(d, now)]
    return catalogue.model_copy(update={"deals": deals})


def _public_deal(deal: Deal, now: dt.datetime) -> Deal:
    # The deal itself when nothing in it is held back: a preview server reuses the pages of
    # deals it has already seen (site.DealMemo), recognising them as the same object.
    if all(is_public(r, now) for o in deal.outcomes for r in o.readings):
        return deal
    outcomes = [
        o.model_copy(update={"readings": [r for r in o.readings if is_public(r, now)]}) for o in deal.outcomes
    ]
    return deal.model_copy(update={"outcomes": outcomes})
