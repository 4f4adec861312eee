"""The pipeline every engine calls: read, pass the publication gate, work out history, render.

::

    read_sources (model: content/, deals/, updates; links in updates and pages) -> Sources
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
import re
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional, Sequence
from urllib.parse import urlsplit

from ..compute.archive import as_known_on
from ..compute.display import long_date
from ..compute.embargo import HeldBack, Publication, is_public, public_deal, publish
from ..compute.history import history, last_public_change
from ..model import LONDON, Catalogue
from ..model.clock import source_date_epoch
from ..model.content import Content, read_content, read_page
from ..model.git import GitError, Reader, last_changed
from ..model.limits import FIRST_YEAR, LAST_YEAR
from ..model.load import SHARED, deal_files, edited_deal, is_deal_name, load_catalogue, name_problem
from ..model.problems import InvalidDeals, Problem
from ..model.updates import Update, load_updates
from ..pages.bundle import Bundle, GeneratedPage
from ..pages.generate import DealMemo, generate, own_pages
from ..pages.site_pages import content_clashes, fragment_problems, generated_page_uris, is_generated_file
from ..pages.written import Targets, fragments_shown, link_problems, site_targets
from .theme_links import theme_link_problems


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
    as_of: Optional[dt.date] = None  # an archive: the public site as it stood at the end of this day
    # mkdocs.yml's exclude_docs and draft_docs, a gitignore-style line each: files of content/
    # the engine leaves out of the site (draft_docs: out of the build; `dealsite serve --drafts`
    # shows them, through show_drafts).
    exclude_docs: tuple[str, ...] = ()
    draft_docs: tuple[str, ...] = ()
    # `dealsite serve --drafts` (showing_drafts): the files draft_docs names are read, checked and
    # shown, an update among them marked as a draft; never set for a build.
    show_drafts: bool = False
    # (setting, path, as written) of files of content/ that mkdocs.yml names (named_in_config),
    # and the file that names them: each must be published.
    named: tuple[tuple[str, str, str], ...] = ()
    config_file: Path = Path("mkdocs.yml")
    theme_dir: Optional[Path] = None  # the theme's custom_dir: templates of the project's own that replace the theme's

    def source_dirs(self) -> tuple[Path, ...]:
        """The folders a build reads and must never write into."""
        return (self.deals_dir, self.content_dir, self.templates_dir)


def showing_drafts(settings: Settings) -> Settings:
    """The settings as `dealsite serve --drafts` reads the project: the files draft_docs names
    read, checked and shown like the others (an update among them with a draft's banner)."""
    return replace(settings, show_drafts=True)


def named_in_config(nav, extra_css, extra_javascript, extra_templates) -> tuple[tuple[str, str, str], ...]:
    """(setting, path in content/, as written) of each file mkdocs.yml names: the pages of
    ``nav`` (not its links to other sites, which MkDocs knows by a scheme or a host), ``extra_css``
    and ``extra_javascript``, to which every page links, and ``extra_templates``. Paths are tidied
    as MkDocs and a browser read them ("./x.md", "/x.md" and "x.md/." are x.md; "x.css?v=2" is
    x.css); one that cannot be in content/ ("../x.md") is ""."""
    def paths(item) -> list[tuple[str, str]]:
        if isinstance(item, dict):
            return [p for value in item.values() for p in paths(value)]
        if isinstance(item, list):
            return [p for value in item for p in paths(value)]
        if isinstance(item, str) and not _elsewhere(item):
            path = PurePosixPath(re.split(r"[?#]", item, maxsplit=1)[0].lstrip("/")).as_posix()
            return [(path if path != "." and ".." not in path.split("/") else "", item)]
        return []

    named = [("nav", path, written) for path, written in paths(nav or [])]
    named += [("extra_css", path, written) for path, written in paths(list(extra_css or []))]
    # A script may be a mapping ({path: x.js, type: module}); only its path names a file.
    named += [
        ("extra_javascript", path, written) for item in extra_javascript or []
        for path, written in paths(item.get("path") if isinstance(item, dict) else str(item))
    ]
    named += [("extra_templates", str(item), str(item)) for item in extra_templates or []]
    return tuple(named)


def _elsewhere(address: str) -> bool:
    """Whether MkDocs reads a path of its configuration as a link to another site (a scheme or a host)."""
    try:
        parts = urlsplit(address)
    except ValueError:  # "http://[::1": no file of content/ either
        return True
    return bool(parts.scheme or parts.netloc)


def _named_problems(settings: Settings, content: Content, everything: Targets, public: Targets) -> list[Problem]:
    """A file of content/ that mkdocs.yml names but the site will not have (left out by
    exclude_docs or draft_docs: MkDocs says so only in an INFO line, even when strict), a page
    of nav MkDocs will not find (its strict build refuses it, after building every page), and
    any extra_templates: MkDocs renders each as a Jinja template, unsandboxed, with the whole
    configuration in reach, so a file of content/ could print what the site leaves out.
    ``everything``: the site's pages and files with nothing held back; ``public``: as built now."""
    site, problems = content.published() | everything.pages, []
    config, folder = str(settings.config_file), settings.content_dir.name
    for key, path, written in settings.named:
        if key == "extra_templates":
            problems.append(Problem(config, 1, key, f"names {path}: dealsite does not support extra_templates, which MkDocs renders from content/ as templates, unchecked (remove it; a file such as robots.txt is published from content/ as it is)"))
        elif path and path not in site and (settings.content_dir / path).is_file():
            problems.append(Problem(config, 1, key, f"names {path}, which exclude_docs or draft_docs leave out of the site: every page would link to a file the site does not have (take it out of one or the other)"))
        elif key == "nav" and not written.startswith("/"):  # MkDocs reads an absolute path as a link elsewhere on the host
            problems += _nav_page_problems(config, folder, written, site, public.pages | public.files)
    return problems


def _nav_page_problems(config: str, folder: str, written: str, site: frozenset[str], public: frozenset[str]) -> list[Problem]:
    """A page of nav as MkDocs looks it up (mkdocs.structure.nav: the path as written, tidied by
    PurePath) that the site will not have, or not yet. Not said of generated data files, nor of
    extra_css and extra_javascript: a theme's folder (custom_dir) may hold those."""
    lookup = PurePosixPath(written).as_posix()
    if lookup in site and lookup not in public:
        return [Problem(config, 1, "nav", f"names {written}, which the site does not show as built now (a draft, under embargo, about a deal that is, or after an archive's day): every page's menu would link to a page the site does not have (take it out of nav)")]
    if lookup in site or (is_generated_file(lookup) and not lookup.endswith(".md")):  # a download: the build makes them
        return []
    if re.search(r"[?#]", written):
        return [Problem(config, 1, "nav", f"names {written}: MkDocs looks a page of the menu up by its file's path alone, and finds no file called that (write the page's file without ?query or #part)")]
    return [Problem(config, 1, "nav", f"names {written}, a page the site will not have ({folder}/ has no such file, and dealsite makes none at that address): every page's menu would link to it (check the path, or take it out of nav)")]


def corrections_address(value: str) -> str:
    """The "suggest a correction" address as configured: a mailto: URL or an http(s) URL of an
    issue form ("" for none); ValueError for anything else (it becomes a link on every page)."""
    value = value.strip()
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("mailto", "https", "http") or not (parts.netloc if parts.scheme.lower() != "mailto" else parts.path):
        raise ValueError(
            f"{value!r} is not a mailto: address or an http(s) URL "
            "(e.g. mailto:corrections@example.org or https://github.com/ORG/REPO/issues/new)"
        )
    if parts.fragment or value.endswith("#"):
        raise ValueError(f"{value!r} has a #fragment: the link's pre-filled fields would be lost after it")
    return value


def parse_as_of(value) -> Optional[dt.date]:
    """The ``as_of`` option: a day (YAML reads 2014-03-31 as one) or an ISO date string; None
    when not given. ValueError, naming the option, for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        raise ValueError(f"as_of: {value.isoformat()} has a time (expected a day, e.g. 2014-03-31)")
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"as_of: {value!r} is not a day (expected e.g. 2014-03-31)") from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:  # the years a deal's dates may have
        raise ValueError(f"as_of: {value.isoformat()} is outside {FIRST_YEAR} to {LAST_YEAR}, the years a deal's dates may have")
    return value


def archive_words(settings: Settings) -> str:
    """An archive's day in words, for the banner on every page ('' when the site is not an archive)."""
    return long_date(settings.as_of) if settings.as_of else ""


def archive_moment(day: dt.date) -> dt.datetime:
    """The moment an archive as of ``day`` is judged at: the last second of that day in the UK."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), LONDON).astimezone(dt.timezone.utc)


class FutureArchive(ValueError):
    """``as_of`` is after today: an archive of the future would publish what is held back."""


def build_moment(settings: Settings, clock: dt.datetime) -> dt.datetime:
    """The ``now`` a build is made as of: the end of ``as_of`` for an archive, else the clock's.
    An archive of a day after the clock's is refused (it would publish the future), and one of
    today is judged at the clock's moment."""
    if settings.as_of is None:
        return clock
    if settings.as_of > clock.astimezone(LONDON).date():
        raise FutureArchive(f"as_of: {settings.as_of.isoformat()} is after today, {clock.astimezone(LONDON).date().isoformat()} (an archive is of a past day)")
    # An archive of today is judged now, not at midnight: what is embargoed until later today stays held back.
    return min(archive_moment(settings.as_of), clock)


@dataclass(frozen=True)
class Sources:
    """Everything read from the files, checked: nothing after this reads a deal or update file."""

    catalogue: Catalogue
    updates: tuple[Update, ...]
    content: Content = Content()  # what content/ publishes besides the updates


def read_sources(settings: Settings, now: Optional[dt.datetime] = None) -> Sources:
    """Every file in content/ accounted for, the deals and updates checked, and every link in an
    update or a hand-written page checked against the pages and files the site will have at
    ``now`` (an update held back then, against the site with nothing held back; without
    ``now``, every update and page so).
    Raises ``InvalidDeals`` naming every problem at once, before anything is built or written:
    `dealsite check`, `dealsite build`, `mkdocs build` and serve all refuse the same way."""
    content, problems = read_content(settings.content_dir, settings.exclude_docs, settings.draft_docs, show_drafts=settings.show_drafts)
    try:
        catalogue = load_catalogue([settings.deals_dir])
        updates = tuple(load_updates(content.update_paths(), catalogue))
    except InvalidDeals as error:
        raise InvalidDeals(problems + error.problems) from None
    # The pages the site will have: each deal's, each meeting's pack, the pages across deals.
    generated = generated_page_uris(catalogue, dt.date.max)
    problems += content_clashes(content, generated, pack_pdf=settings.pack_pdf)
    everything = site_targets(updates, content, generated)
    public, shown = everything, {u.src_uri for u in updates}
    if now is not None:
        publication = publish(catalogue, updates, now, as_of=settings.as_of, drafts=content.drafts)
        public, shown = site_targets(publication.updates, content, generated_page_uris(publication.catalogue, now.date())), {u.src_uri for u in publication.updates}
    # A preview of drafts (serve --drafts) shows what is held back: its menu and theme may link to it.
    on_every_page = everything if settings.show_drafts else public
    problems += _named_problems(settings, content, everything, on_every_page)
    problems += theme_link_problems(settings.theme_dir, content, everything, on_every_page)
    for update in updates:
        problems += link_problems(update, content, public if update.src_uri in shown else everything, everything)
    for uri in sorted(content.pages):  # hand-written pages are always public, but for a draft (draft_docs) in a preview
        page = read_page(content, uri)
        problems += link_problems(page, content, everything if uri in content.drafts else public, everything)
        problems += fragment_problems(str(content.path(uri)), uri, fragments_shown(page))
    if problems:
        raise InvalidDeals(problems)
    return Sources(catalogue, updates, content)


@dataclass
class Session:
    """What a preview server keeps from one build to the next (``dealsite serve``): each deal's
    outputs, keyed by the content they are made from, the templates' included (an edited
    template changes every deal's key).

    A one-off build has none: it starts from nothing and keeps nothing.
    """

    memo: DealMemo = field(default_factory=DealMemo)
    file_times: dict = field(default_factory=dict)  # slug -> when its file last changed, in the last build


def edited_deal_file(settings: Settings, paths: Iterable[str]) -> Optional[Path]:
    """The one deal file among the paths a preview heard were edited, when nothing else a build
    reads was: an editor's swap, lock and backup files in the deals folder, and copies already
    removed again, are passed over (the build passes them over too); anything else, a shared
    file, a deleted deal, a file outside the deals folder, leaves None."""
    folder = settings.deals_dir.resolve()
    found = set()
    for name in paths:
        path = Path(name)
        inside = path.parent.resolve() == folder
        if inside and not is_deal_name(path.name) and path.name not in SHARED:
            continue  # never read
        if inside and name_problem(path.name) is not None and not path.exists():
            continue  # a copy made and removed while saving (kent.yaml~)
        found.add(path)
    if len(found) != 1:
        return None
    (path,) = found
    named_right = path.name not in SHARED and name_problem(path.name) is None and path.suffix == ".yaml"
    return path if path.parent.resolve() == folder and named_right and path.is_file() else None


def _history_moved(settings: Settings, history: Optional[Sequence]) -> bool:
    """Whether the git history of the deals folder is not the one ``history`` read (a commit
    since, or git started or gone)."""
    reader = _reader(settings.deals_dir)
    if reader is None or history is None:
        return (reader is None) != (history is None)
    try:
        newest = [commit for commit, _ in reader.commits(1)]
    except GitError:
        return True
    return newest != [history[-1].commit] if history else bool(newest)


def edited_deal_pages(settings: Settings, session: Session, sources: Sources, path: Path) -> tuple[GeneratedPage, ...]:
    """A preview's early look at one edited deal file: the deal's own pages as the next build
    will make them if nothing else changed, before that build makes every page across deals.

    Nothing (an empty tuple) whenever they might not be safe to show: for a preview of drafts
    or an archive, a file the last build did not publish (a new deal, one held back), a file
    the next build will refuse, and a deal the edit holds back (a draft, an embargo, a reading
    under embargo is left out as the gate does). The deal is judged, and its pages made, as of
    the last build's moment: what was public then is public now. ``sources``: what the last
    build read."""
    before = session.memo.context
    if before is None or before.previews or settings.as_of is not None:
        return ()
    if path.parent.resolve() != settings.deals_dir.resolve() or path.stem not in before.publication.public_slugs():
        return ()
    if _history_moved(settings, before.history):
        return ()  # a commit since the last build: its pages read the history again
    written = edited_deal(path, before.catalogue)
    if written is None or not is_public(written, before.now):
        return ()
    deal = public_deal(written, before.now)
    # Links in updates and pages are checked against the pages the site will have, public and
    # with nothing held back: a letter of the A to Z that comes or goes could fail the build.
    for known, changed, day in ((before.catalogue, deal, before.now.date()), (sources.catalogue, written, dt.date.max)):
        if generated_page_uris(known.with_deal(changed), day) != generated_page_uris(known, day):
            return ()
    # When it last changed, as the build judges it: by the history in git, or, outside git, by
    # its file's time unless something of it is held back (the gate's record of the last build,
    # with this deal's held-back readings as they are now).
    times = session.file_times if before.history else last_changed([path], clamp=source_date_epoch())
    held = tuple(h for h in before.publication.held if h.deal != deal.slug or h.kind not in ("deal", "reading"))
    if deal is not written:
        held += (HeldBack("reading", deal.title, "", deal=deal.slug),)
    published = replace(before.publication, catalogue=before.catalogue.model_copy(update={"deals": [deal]}), held=held)
    file_time = {deal.slug: times[deal.slug]} if deal.slug in times else {}
    changed = last_public_change(before.history, published, file_time, only=[deal.slug])
    return own_pages(before, deal, changed.get(deal.slug))


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
    publication, revisions = public_record(settings, sources, now, previews=previews)
    files, _ = deal_files([settings.deals_dir])
    file_times = last_changed(files, clamp=source_date_epoch())
    if session is not None:
        session.file_times = file_times
    bundle = generate(
        publication,
        settings.templates_dir,
        last_changed=last_public_change(revisions, publication, file_times),
        site_url=settings.site_url,
        history=revisions,
        pack_pdf=settings.pack_pdf,
        corrections=settings.corrections,
        out_dir=out_dir,
        memo=session.memo if session is not None else None,
        jobs=jobs,
        content=sources.content,
    )
    gone = tuple(session.memo.keep_only(publication.catalogue.deals)) if session is not None else ()
    return Built(bundle, publication, gone)


def public_record(settings: Settings, sources: Sources, now: dt.datetime, *, previews: bool = False) -> tuple[Publication, Optional[list]]:
    """What the publication gate lets through at ``now``, and the deals' history in git as judged
    by it (None outside git); for an archive (``as_of``), both as known by the end of its day.
    ``now`` is the build's moment (:func:`build_moment`). Builds and ``dealsite pack`` both start here."""
    publication = publish(sources.catalogue, sources.updates, now, previews=previews, as_of=settings.as_of, drafts=sources.content.drafts)
    revisions = history(_reader(settings.deals_dir, sources.catalogue.deals), publication)
    if settings.as_of is not None and revisions is not None:  # an archive: the history up to its day
        revisions = [replace(r, catalogue=as_known_on(r.catalogue, settings.as_of)) if r.catalogue else r for r in revisions if r.date <= now]
    return publication, revisions


def _reader(deals_dir: Path, known=()) -> Optional[Reader]:
    try:
        return Reader(deals_dir, known)
    except GitError:
        return None
