"""Which pages the page groups generate for a set of deals, worked out without rendering them.

An update may link to a generated page before the pages exist (``dealsite check`` reads the
updates before any page is made), and ``generate`` checks this list is exact after it makes
them, so a page group that adds pages must say here how many.
"""

from __future__ import annotations

import datetime as dt

from ..compute.meeting import meeting_dates
from ..model import Catalogue
from .home import letter_page_uris
from .links import (
    ACCOUNTABILITY_URI,
    CHANGES_URI,
    COMMITTEE_URI,
    COMPARE_URI,
    DASHBOARD_URI,
    DATA_URI,
    PACK_URI,
    POWERS_URI,
    deal_tables_uri,
    deal_uri,
    meeting_pack_uri,
)
from .timetable import page_uris as timetable_page_uris


def generated_page_uris(catalogue: Catalogue, today: dt.date) -> frozenset[str]:
    """Every page the page groups generate for a catalogue built on ``today`` (not the update
    pages): the fixed pages, each deal's two, a pack for each meeting held by then, the
    timetable's pages and the A to Z's letter pages."""
    deals = list(catalogue.deals)
    fixed = {POWERS_URI, ACCOUNTABILITY_URI, COMPARE_URI, DASHBOARD_URI, PACK_URI, CHANGES_URI, DATA_URI, COMMITTEE_URI}
    packs = {meeting_pack_uri(day) for day in meeting_dates(catalogue, today)}
    each_deal = {uri for deal in deals for uri in (deal_uri(deal), deal_tables_uri(deal))}
    return frozenset(fixed | packs | each_deal | set(timetable_page_uris(len(deals))) | set(letter_page_uris(deals)))
