"""The public history of ``deals/``: what changed on the public site, and when readings arrived.

History is judged by what the public could see, never by what a file once said. The
site at a moment ``t`` shows the newest revision committed by ``t``, passed through the
publication gate at ``t``; history is that sequence of public states, taken at every
commit and at every embargo moment that falls between two commits. On top, only items
public *today* appear at all: a deal whose embargo was extended, that was withdrawn
before its moment, later made a draft, or is held back only in the working tree, and a
reading whose embargo was extended, never appear in history, whatever past files said.

In a preview (``dealsite serve --drafts``) every revision is shown whole.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Optional, Sequence

from ..model import Catalogue, Deal
from ..model.digest import Bounded, digest
from ..model.git import GitError, Reader
from ..model.problems import InvalidDeals
from .diff import diff_catalogues
from .embargo import Publication, public_catalogue

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Revision:
    """The public state of the deals from ``date``: a commit, or an embargo lifting after it."""

    commit: str
    date: dt.datetime  # the commit date, or the moment an embargo lifted
    catalogue: Optional[Catalogue]  # None when deals/ did not validate at this commit
    lifted: bool = False  # an embargo lifted at ``date``, with no commit

    @property
    def id(self) -> str:
        """A stable, unique name for it (an anchor on the changes page)."""
        return f"{self.commit[:12]}-{self.date:%Y%m%d%H%M}" if self.lifted else self.commit[:12]


@dataclass(frozen=True)
class Change:
    revision: Revision
    lines: list[str]
    invalid: bool = False  # deals/ did not validate at this commit: compared across it

    @property
    def commit(self) -> str:
        return self.revision.commit

    @property
    def date(self) -> dt.datetime:
        return self.revision.date


def history(reader: Optional[Reader], publication: Publication, *, limit: int = HISTORY_LIMIT) -> Optional[list[Revision]]:
    """The public states of deals/ over its last ``limit`` commits, oldest first, plus the
    state before them; None outside git. Each commit's catalogue is checked like the files."""
    if reader is None:
        return None
    try:
        commits = list(reversed(reader.commits(limit + 1)))
    except GitError:
        return None
    today = _Today(publication)
    revisions: list[Revision] = []
    for i, (commit, date) in enumerate(commits):
        try:
            catalogue = reader.catalogue(commit)
        except (InvalidDeals, GitError):
            revisions.append(Revision(commit, date, None))
            continue
        until = commits[i + 1][1] if i + 1 < len(commits) else publication.now
        for moment, lifted in [(date, False), *((m, True) for m in _moments(catalogue, date, until, publication.now, today))]:
            state = catalogue if publication.previews else today.state((reader.prefix, commit), catalogue, moment)
            revisions.append(Revision(commit, moment, state, lifted))
    return revisions


def _moments(catalogue: Catalogue, after: dt.datetime, until: dt.datetime, now: dt.datetime, today: "_Today") -> list[dt.datetime]:
    """Embargo moments in the catalogue strictly after ``after`` and before ``until`` (and not after now)."""
    found = {moment for deal in catalogue.deals for moment in today.moments_of(deal) if after < moment < until and moment <= now}
    return sorted(found)


# What the publication gate let through of a past commit at a moment, by the digest of the
# folder, the commit id and the moment (the one cache policy, model/digest.py): it depends on nothing
# else, so an edit to today's files leaves it valid. At 1,000 deals: 1.5 s of each rebuild.
_STATES = Bounded(1_000)


class _Today:
    """Keeps, in a past state, only what is public today.

    Most deals are the same from one revision to the next, so what is worked out for a deal
    is kept for the history being read, keyed by the deal's digest (its file's bytes, or its
    copy's changes: model/digest.py): a deal is filtered once, and its unchanged copies in
    later revisions are the same object, not 25 copies of it.
    """

    def __init__(self, publication: Publication):
        self.publication = publication
        self.slugs = publication.public_slugs()
        # Deals public today with nothing held back, by digest: a past version with one of
        # these digests is the same file, every reading of which is public today. Most deals
        # in most revisions are, so the readings public today are seldom needed one by one.
        self.whole = set() if publication.previews else {d.digest for d in publication.catalogue.deals}
        self.scrutiny = publication.catalogue.scrutiny  # what of the committee's record is public today
        self._filtered: dict[bytes, Deal] = {}
        self._moments: dict[bytes, frozenset[dt.datetime]] = {}

    def state(self, revision: tuple[str, str], catalogue: Catalogue, moment: dt.datetime) -> Catalogue:
        """The public state of deals/ at ``revision`` (folder, commit id: ``catalogue``) seen at ``moment``, less what
        is not public today. What the gate let through at that moment is the same on every
        rebuild of a preview, so it is worked out once (_STATES); what is public today is
        applied each time (an edit may change it), deal by deal, by digest."""
        key = digest("gated state", *revision, moment.isoformat())
        gated = _STATES.get(key)
        if gated is None:
            gated = _STATES.keep(key, public_catalogue(catalogue, moment))
        return self.filter(gated)

    def moments_of(self, deal: Deal) -> frozenset[dt.datetime]:
        """When the deal or a reading in it is to be published (not drafts)."""
        found = self._moments.get(deal.digest)
        if found is None:
            found = self._moments[deal.digest] = frozenset(
                item.publish_after
                for item in (deal, *(r for o in deal.outcomes for r in o.readings))
                if item.publish_after is not None and not item.draft
            )
        return found

    def filter(self, catalogue: Catalogue) -> Catalogue:
        catalogue = self._record(catalogue)
        deals = []
        for deal in catalogue.deals:
            if deal.slug not in self.slugs:
                continue
            kept = self._filtered.get(deal.digest)
            if kept is None:
                kept = self._filtered[deal.digest] = self._filter(deal)
            deals.append(kept)
        return catalogue.model_copy(update={"deals": deals})

    def _record(self, catalogue: Catalogue) -> Catalogue:
        """The committee's record of a past state, less what is not public today."""
        past, today = catalogue.scrutiny, self.scrutiny
        if past == today:
            return catalogue
        sessions = {s.id for s in today.sessions}
        recommendations = {r.id for r in today.recommendations}
        kept = past.model_copy(update={
            "sessions": [s for s in past.sessions if s.id in sessions],
            "recommendations": [r for r in past.recommendations if r.id in recommendations],
            "responses": [r for r in past.responses if r in today.responses],
        })
        return catalogue.model_copy(update={"scrutiny": kept})

    @functools.cached_property
    def readings(self) -> set[tuple[str, str, dt.date]]:
        return self.publication.public_reading_keys()

    def _filter(self, deal: Deal) -> Deal:
        if deal.digest in self.whole or all((deal.slug, o.id, r.date) in self.readings for o in deal.outcomes for r in o.readings):
            return deal
        outcomes = [
            o.model_copy(update={"readings": [r for r in o.readings if (deal.slug, o.id, r.date) in self.readings]})
            for o in deal.outcomes
        ]
        return deal.model_copy(update={"outcomes": outcomes})


def changes(revisions: Sequence[Revision], limit: int = HISTORY_LIMIT) -> list[Change]:
    """Consecutive public states compared, newest first. The oldest commit is only a starting
    point when there are more than ``limit`` commits; otherwise it is compared with nothing."""
    empty = Catalogue(deals=[], rounds=[], powers=[])
    commits = {r.commit for r in revisions}
    result = []
    previous = None if len(commits) > limit else empty
    for revision in revisions:
        if revision.catalogue is None:
            result.append(Change(revision, [], invalid=True))
            continue
        if previous is not None:
            lines = diff_catalogues(previous, revision.catalogue)
            if lines:
                result.append(Change(revision, lines))
        previous = revision.catalogue
    return list(reversed(result))


def reading_added_dates(revisions: Sequence[Revision]) -> dict[tuple[str, str, dt.date], dt.datetime]:
    """(deal slug, outcome id, reading date) -> when it first appeared on the public site."""
    first: dict = {}
    seen: set[int] = set()  # deals already counted: an unchanged deal is the same object in later revisions
    for revision in revisions:
        if revision.catalogue is None:
            continue
        for deal in revision.catalogue.deals:
            if id(deal) in seen:
                continue
            seen.add(id(deal))
            for o in deal.outcomes:
                for r in o.readings:
                    first.setdefault((deal.slug, o.id, r.date), revision.date)
    return first



def last_public_change(
    revisions: Optional[Sequence[Revision]], publication: Publication, file_times: dict[str, dt.datetime],
    *, only: Optional[Sequence[str]] = None,
) -> dict[str, dt.datetime]:
    """Deal slug -> when what the public sees of it last changed (``only``: of these deals alone).

    Judged by the public history, never by when a file was last written: committing an
    embargoed reading must not move a public deal's "data last changed" date (it would say
    that something unpublished changed). A deal that differs from the newest revision's
    public state (edited but not committed) changed now. A deal that did not change within
    the history read changed at the latest when that history starts, so its file's time
    (``file_times``, from git or the file system) is cut back to that moment. Outside git
    a deal with anything held back gets no date, as its file's time could give it away.
    """
    now = publication.now
    wanted = None if only is None else set(only)
    if not revisions:
        held = {h.deal for h in publication.held}
        return {slug: min(when, now) for slug, when in file_times.items() if slug not in held and (wanted is None or slug in wanted)}
    states = [r for r in revisions if r.catalogue is not None]
    changed: dict[str, dt.datetime] = {}
    previous: dict = {}
    for revision in states:
        current = {d.slug: d for d in revision.catalogue.deals if wanted is None or d.slug in wanted}
        for slug, deal in current.items():
            if slug not in previous or (previous[slug] is not deal and previous[slug] != deal):
                changed[slug] = revision.date
        previous = current
    start = states[0].date if states else now
    result = {}
    for deal in publication.catalogue.deals:
        if wanted is not None and deal.slug not in wanted:
            continue
        if deal.slug in previous and (previous[deal.slug] is deal or previous[deal.slug] == deal):
            first_seen = changed.get(deal.slug)
            if first_seen is None or first_seen <= start:  # unchanged within the history read
                first_seen = min(file_times.get(deal.slug, start), start)
            result[deal.slug] = min(first_seen, now)
        else:
            result[deal.slug] = now
    return result
