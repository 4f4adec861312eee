"""``dealsite pack --since DATE``: what changed after a date, as the committee's pack leads with it.

The same lead as each meeting's pack page (pages/meeting.py), as Markdown text for the terminal
or an email: worked out from the public record only (the publication gate, compute/embargo.py),
with targets dated by the deal files' public history in git where there is one.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from ..compute.meeting import changes_since
from ..compute.record import target_paths
from ..model import LONDON
from ..pages.links import PACK_URI
from ..pages.meeting import meeting_markdown, meeting_view
from .pipeline import Settings, public_record, read_sources


def pack_text(settings: Settings, moment: dt.datetime, since: Optional[dt.date], until: Optional[dt.date] = None) -> str:
    """Everything in the public record dated after ``since`` up to ``until`` (default: the day of
    ``moment``, the build's moment: the end of ``as_of``'s day for an archive)."""
    sources = read_sources(settings, moment)
    publication, revisions = public_record(settings, sources, moment)
    # The day as the site's pack page takes it (the build moment's date, pages/committee.py).
    changes = changes_since(publication.catalogue, since, until or moment.date(), target_paths(revisions))
    return meeting_markdown(meeting_view(changes, publication.catalogue.deals, PACK_URI))


def pack_period_problem(since: dt.date, until: Optional[dt.date], moment: dt.datetime, as_of: Optional[dt.date] = None) -> None:
    """ValueError, in a line, when a pack's period cannot be reported: it must end by the day of
    ``moment`` (a pack reports what has happened; an archive, what had by its day ``as_of``) and
    start before it ends."""
    last = moment.astimezone(LONDON).date()
    until = until or last
    if until > last:
        if as_of is not None:
            raise ValueError(f"--until {until.isoformat()} is after as_of, {as_of.isoformat()}: an archive's pack reports what had happened by its day")
        raise ValueError(f"--until {until.isoformat()} is after today, {last.isoformat()}: a pack reports what has happened")
    if since >= until:
        raise ValueError(f"--since {since.isoformat()} is not before {until.isoformat()}, the end of the period")
