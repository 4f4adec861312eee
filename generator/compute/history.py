"""The public history of ``deals/``: what changed between commits, and when readings arrived.

Floor: compute. Reads revisions through :mod:`generator.model.git` and judges each
through the publication gate (:mod:`generator.compute.embargo`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..model import Catalogue
from ..model.git import GitError, Reader
from ..model.problems import InvalidDeals
from .diff import diff_catalogues
from .embargo import public_catalogue

HISTORY_LIMIT = 50

# --- the history of deals/ --------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    commit: str
    date: dt.datetime  # the commit date
    catalogue: Optional[Catalogue]  # None when deals/ did not validate at this commit


@dataclass(frozen=True)
class Change:
    commit: str
    date: dt.datetime
    lines: list[str]
    invalid: bool = False  # deals/ did not validate at this commit: compared across it


def history(deals_dir: Path, now: Optional[dt.datetime] = None, *, previews: bool = False,
            limit: int = HISTORY_LIMIT) -> Optional[list[Revision]]:
    """The last ``limit`` commits touching deals/, oldest first, plus the one before them.

    None when deals/ is not in a git repository. With ``now``, each catalogue is
    embargo-filtered as the public would see it at ``now``, right after loading.
    """
    try:
        reader = Reader(deals_dir)
        commits = reader.commits(limit + 1)
    except GitError:
        return None
    revisions = []
    for commit, date in reversed(commits):
        try:
            catalogue = reader.catalogue(commit)
            if now is not None:
                catalogue = public_catalogue(catalogue, now, previews=previews)
        except (InvalidDeals, GitError):
            catalogue = None
        revisions.append(Revision(commit, date, catalogue))
    return revisions


def changes(revisions: list[Revision], limit: int = HISTORY_LIMIT) -> list[Change]:
    """Consecutive revisions compared, newest first. The oldest of ``limit + 1`` revisions is
    only a starting point unless it is the first commit, when it is compared with nothing."""
    empty = Catalogue(deals=[], rounds=[], powers=[])
    result = []
    previous = None if len(revisions) > limit else empty
    for revision in revisions:
        if revision.catalogue is None:
            result.append(Change(revision.commit, revision.date, [], invalid=True))
            continue
        if previous is not None:
            lines = diff_catalogues(previous, revision.catalogue)
            if lines:
                result.append(Change(revision.commit, revision.date, lines))
        previous = revision.catalogue
    return list(reversed(result))


def reading_added_dates(revisions: list[Revision]) -> dict[tuple[str, str, dt.date], dt.datetime]:
    """(deal slug, outcome id, reading date) -> date of the first commit that had it."""
    first: dict = {}
    for revision in revisions:
        if revision.catalogue is None:
            continue
        for deal in revision.catalogue.deals:
            for o in deal.outcomes:
                for r in o.readings:
                    first.setdefault((deal.slug, o.id, r.date), revision.date)
    return first


