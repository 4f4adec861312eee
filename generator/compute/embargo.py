"""The publication gate: what the public may see at a moment, decided once, right after loading.

Everything downstream (pages, search, feeds, downloads, counts, history) sees only what
this returns, so nothing held back can leak through a forgotten path. An item is held
back while it is a draft or before its ``publish_after`` moment; an update is held back
too while any deal it is about is held back (it would give the deal away).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from ..model import Catalogue, Deal, Publishable
from ..model.updates import Update


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
    # deals it has already seen, recognising them as the same object.
    if all(is_public(r, now) for o in deal.outcomes for r in o.readings):
        return deal
    outcomes = [
        o.model_copy(update={"readings": [r for r in o.readings if is_public(r, now)]}) for o in deal.outcomes
    ]
    return deal.model_copy(update={"outcomes": outcomes})


def visible(update: Update, public_deals: set[str], now: dt.datetime) -> bool:
    """Public: not a draft, past its embargo, and every deal it is about is public too
    (an update about an embargoed deal would give the deal away)."""
    return is_public(update, now) and all(slug in public_deals for slug in update.deals)


def public_updates(updates: Iterable[Update], public: Catalogue, now: dt.datetime, *, previews: bool = False) -> list[Update]:
    """The updates the public may see at ``now`` given the embargo-filtered catalogue;
    with previews, all of them."""
    if previews:
        return list(updates)
    slugs = {d.slug for d in public.deals}
    return [u for u in updates if visible(u, slugs, now)]
