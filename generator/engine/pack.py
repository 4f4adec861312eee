"""``dealsite pack --since DATE``: what changed after a date, as the committee's pack leads with it.

The same lead as each meeting's pack page (pages/meeting.py), as Markdown text for the terminal
or an email: worked out from the public record only (the publication gate, compute/embargo.py),
with targets dated by the deal files' public history in git where there is one.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from ..compute.embargo import publish
from ..compute.history import history
from ..compute.meeting import changes_since
from ..compute.record import target_paths
from ..model import LONDON
from ..pages.links import PACK_URI
from ..pages.meeting import meeting_markdown, meeting_view
from .pipeline import Settings, _reader, read_sources


def pack_text(settings: Settings, now: dt.datetime, since: Optional[dt.date], until: Optional[dt.date] = None) -> str:
    """Everything in the public record dated after ``since`` up to ``until`` (default: today)."""
    sources = read_sources(settings, now)
    publication = publish(sources.catalogue, sources.updates, now)
    paths = target_paths(history(_reader(settings.deals_dir), publication))
    changes = changes_since(publication.catalogue, since, until or now.date(), paths)
    return meeting_markdown(meeting_view(changes, publication.catalogue.deals, PACK_URI))


def pack_period_problem(since: dt.date, until: Optional[dt.date], now: dt.datetime) -> None:
    """ValueError, in a line, when a pack's period cannot be reported: it must end by today
    (a pack reports what has happened) and start before it ends."""
    today = now.astimezone(LONDON).date()
    until = until or today
    if until > today:
        raise ValueError(f"--until {until.isoformat()} is after today, {today.isoformat()}: a pack reports what has happened")
    if since >= until:
        raise ValueError(f"--since {since.isoformat()} is not before {until.isoformat()}, the end of the period")
