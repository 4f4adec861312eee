"""The publication schedule: every held-back item, when it goes live and what appears then.

Built only from the publication gate's own list (:attr:`embargo.Publication.held`, with each
item's release moment worked out by the gate), never from a rule of its own, so the
schedule cannot disagree with what a build publishes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from ..model import LONDON
from .embargo import HeldBack, Publication, moment_text

APPEARS = {
    "deal": "the deal's page and tables, its downloads and feed, and its place in the lists of deals, search and the dashboard",
    "reading": "the reading on the deal's page, its tables, downloads and the dashboard (the outcome's status may change)",
    "update": "the update's page, in the list of updates, on its deals' pages and in the feeds",
    "session": "the session in the committee's record",
    "recommendation": "the recommendation in the committee's record",
    "response": "the response in the committee's record",
}


@dataclass(frozen=True)
class Scheduled:
    item: HeldBack
    release: Optional[dt.datetime]  # None: a draft, published when draft: true is removed

    @property
    def uk(self) -> str:
        return moment_text(self.release) if self.release else "when draft: true is removed"

    @property
    def utc(self) -> str:
        return self.release.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if self.release else ""

    @property
    def appears(self) -> str:
        where = f" (/{self.item.path})" if self.item.path else ""
        return APPEARS.get(self.item.kind, "the item") + where

    def as_json(self) -> dict:
        return {
            "kind": self.item.kind,
            "name": self.item.name,
            "deal": self.item.deal,
            "release_utc": self.release.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z") if self.release else None,
            "release_uk": self.release.astimezone(LONDON).isoformat() if self.release else None,
            "release_words": self.uk,
            "reason": self.item.reason,
            "appears": self.appears,
            "path": "/" + self.item.path if self.item.path else None,
        }


def schedule(publication: Publication) -> list[Scheduled]:
    """Every held-back item, soonest first; drafts (no moment) last, each kind together."""
    items = [Scheduled(h, h.until) for h in publication.held]
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return sorted(items, key=lambda s: (s.release or far, s.item.kind, s.item.name))


def next_release(publication: Publication) -> Optional[dt.datetime]:
    """The soonest moment something held back goes live, or None."""
    moments = [h.until for h in publication.held if h.until is not None and h.until > publication.now]
    return min(moments) if moments else None
