"""Atom feeds of updates: one for the whole site, one per deal.

Written with ``feedgen`` (a maintained feed writer that escapes text and emits
valid Atom). Output is deterministic: entries come newest first from the data,
every date is the update's own, and the feed's ``updated`` is its newest entry
(or the build's ``now`` for an empty feed), never the wall clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence, Union

from feedgen.feed import FeedGenerator

from ..model.updates import Update

FEEDS_DIR = "feeds"
ALL_UPDATES = f"{FEEDS_DIR}/updates.xml"


@dataclass(frozen=True)
class Entry:
    """A feed entry that is not an update: the committee's sessions, recommendations and
    responses (pages/record.py), in the committee's feed and in the feeds of the deals they concern."""

    date: dt.datetime
    title: str
    url: str  # site-relative, with its anchor on the committee page
    summary: str
    deals: tuple[str, ...]
    key: str = ""  # the entry's id, site-relative, where several entries share a url ("": the url)


def deal_feed_path(slug: str) -> str:
    """Beside the deal's page (deals/<slug>/), so the page links to it as feed.xml."""
    return f"deals/{slug}/feed.xml"


def absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def atom(
    *,
    title: str,
    subtitle: str,
    site_url: str,
    path: str,
    page: str,
    updates: Sequence[Union[Update, Entry]],
    deal_titles: dict[str, str],
    now: dt.datetime,
    extra: Sequence[Entry] = (),
) -> bytes:
    """An Atom feed at ``path`` for ``updates`` (already newest first), whose web page is ``page``;
    ``extra`` entries (newest first too) are merged in by date, an update first on the same date."""
    if extra:
        updates = sorted([*updates, *extra], key=lambda u: u.date, reverse=True)  # stable: each list keeps its order
    fg = FeedGenerator()
    fg.id(absolute(site_url, path))
    fg.title(title)
    fg.subtitle(subtitle)
    fg.language("en")
    fg.link(href=absolute(site_url, path), rel="self", type="application/atom+xml")
    fg.link(href=absolute(site_url, page), rel="alternate", type="text/html")
    fg.updated(max((u.date for u in updates), default=now))
    for update in updates:
        entry = fg.add_entry(order="append")
        url = absolute(site_url, update.url)
        entry.id(absolute(site_url, update.key) if getattr(update, "key", "") else url)
        entry.title(update.title)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(update.date)
        entry.updated(update.date)
        entry.summary(update.summary)
        for slug in update.deals:
            entry.category(term=slug, label=deal_titles.get(slug, slug))
    return fg.atom_str(pretty=True)
