"""The pipeline every engine calls: read, pass the publication gate, work out history, render.

::

    read_sources (model: deals/, updates)       -> Sources
    publish      (compute.embargo: the one gate) -> Publication
    history      (compute.history: git, judged by today's publication state)
    generate     (pages: views rendered into a Bundle of pages, fragments, files, search entries)

An engine adapter (the MkDocs plugin) calls :func:`read_sources` and :func:`build` and only
translates the :class:`Built` result into its own files and pages. Nothing here knows an
engine, and previews exist only when the caller asks for them explicitly (``dealsite serve
--drafts``), never from the environment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..compute.embargo import Publication, publish
from ..compute.history import history, last_public_change
from ..model import Catalogue
from ..model.clock import source_date_epoch
from ..model.git import GitError, Reader, last_changed
from ..model.load import deal_files, load_catalogue
from ..model.updates import UPDATES_DIR, Update, load_updates
from ..pages.bundle import Bundle
from ..pages.generate import DealMemo, generate


@dataclass(frozen=True)
class Settings:
    """What a build reads and how, validated once by the adapter from its configuration."""

    deals_dir: Path
    content_dir: Path  # the engine's docs folder (hand-written pages, updates/)
    templates_dir: Path
    site_url: str = ""  # for the absolute links feeds need
    pack_pdf: bool = False  # the committee pack as PDF too
    # Where readers suggest a correction: a mailto: address or an issue form's URL ("": no links)
    corrections: str = ""

    @property
    def updates_dir(self) -> Path:
        return self.content_dir / UPDATES_DIR

    def source_dirs(self) -> tuple[Path, ...]:
        """The folders a build reads and must never write into."""
        return (self.deals_dir, self.content_dir, self.templates_dir)


def corrections_address(value: str) -> str:
    """The "suggest a correction" address as configured: a mailto: URL or an http(s) URL of an
    issue form ("" for none); ValueError for anything else (it becomes a link on every page)."""
    value = value.strip()
    if value and not value.lower().startswith(("mailto:", "https://", "http://")):
        raise ValueError(
            f"{value!r} is not a mailto: address or an http(s) URL "
            "(e.g. mailto:corrections@example.org or https://github.com/ORG/REPO/issues/new)"
        )
    return value


@dataclass(frozen=True)
class Sources:
    """Everything read from the files, checked: nothing after this reads a deal or update file."""

    catalogue: Catalogue
    updates: tuple[Update, ...]


def read_sources(settings: Settings) -> Sources:
    """The deals and updates, checked; raises ``InvalidDeals`` naming every problem at once."""
    catalogue = load_catalogue([settings.deals_dir])
    return Sources(catalogue, tuple(load_updates(settings.updates_dir, catalogue)))


@dataclass
class Session:
    """What a preview server keeps from one build to the next (``dealsite serve``).

    A one-off build has none: it starts from nothing and keeps nothing.
    """

    memo: DealMemo = field(default_factory=DealMemo)
    templates_stamp: Optional[int] = None

    def start(self, settings: Settings) -> None:
        """An edited template changes every deal's pages: forget them all."""
        stamp = max((f.stat().st_mtime_ns for f in settings.templates_dir.rglob("*") if f.is_file()), default=0)
        if stamp != self.templates_stamp:
            self.memo, self.templates_stamp = DealMemo(), stamp


@dataclass(frozen=True)
class Built:
    bundle: Bundle
    publication: Publication
    gone: tuple[str, ...] = ()  # deals a preview showed before and no longer publishes (their folders go)


def build(
    settings: Settings,
    sources: Sources,
    now: dt.datetime,
    *,
    previews: bool = False,
    out_dir: Optional[Path] = None,
    session: Optional[Session] = None,
    jobs: Optional[int] = None,
) -> Built:
    """The generated site as of ``now``. ``out_dir``: write data files straight into it;
    ``session``: reuse what an earlier build of the same preview made."""
    publication = publish(sources.catalogue, sources.updates, now, previews=previews)
    if session is not None:
        session.start(settings)
    files, _ = deal_files([settings.deals_dir])
    revisions = history(_reader(settings.deals_dir), publication)
    bundle = generate(
        publication,
        settings.templates_dir,
        last_changed=last_public_change(revisions, publication, last_changed(files, clamp=source_date_epoch())),
        site_url=settings.site_url,
        history=revisions,
        pack_pdf=settings.pack_pdf,
        corrections=settings.corrections,
        out_dir=out_dir,
        memo=session.memo if session is not None else None,
        jobs=jobs,
    )
    gone = tuple(session.memo.keep_only(publication.catalogue.deals)) if session is not None else ()
    return Built(bundle, publication, gone)


def _reader(deals_dir: Path) -> Optional[Reader]:
    try:
        return Reader(deals_dir)
    except GitError:
        return None
