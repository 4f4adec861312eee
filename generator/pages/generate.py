"""Generate the site as data: every page group, for every deal, into one :class:`Bundle`.

Each page group is a module with ``add(ctx, bundle)`` for what spans deals, and optionally
``prepare(ctx)`` (run first, in every process) and ``add_deal(ctx, deal, bundle)`` for
what belongs to one deal (run for every deal before any ``add``, possibly in parallel and
reused between previews: it may use only ``ctx`` and that deal).
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import replace
from pathlib import Path
from typing import Optional, Sequence

from ..compute.embargo import Publication
from ..model import Deal
from ..model.content import Content
from ..model.digest import cache, digest, digest_of
from ..runtime import PARALLEL_FROM, forked_map, jobs_available
from . import committee, deal, downloads, home, progress, public, timetable, updates
from .bundle import Bundle, Context, GeneratedPage
from .site_pages import FRAGMENT_PAGES, generated_page_uris, is_generated_file
from .previews import with_banners
from .render import environment, templates_digest

# The page groups, in the order they run. updates first: it gives the deal template its
# updates (the deal_news global); committee's prepare gives it the committee's record.
SECTIONS = [updates, deal, public, home, timetable, progress, downloads, committee]


class DealMemo:
    """Each deal's outputs from the previous build, reused while nothing they are made from changed.

    ``dealsite serve`` keeps one across rebuilds so that editing one deal regenerates one
    deal. A deal's outputs are keyed by a digest (model/digest.py) of all they are made from:
    the deal (its file's bytes), its updates (theirs) and the titles of the deals those name,
    the titles of the deals the committee examined in the same sessions,
    when its file last changed, and what every deal shares (:meth:`shared_key`). The build
    date, not time, is in the key: a preview's downloads keep the time they were made. A kept
    bundle is frozen: it is merged into each build, and never changed.
    """

    def __init__(self) -> None:
        self.shared: Optional[bytes] = None
        self.entries: dict[str, tuple[bytes, Bundle]] = {}  # slug -> (key, frozen bundle)
        self.keys: dict[str, bytes] = {}  # this build's deal keys
        self.values: dict = {}  # what reused() keeps: (name, slug) -> (deal digest, value)
        self.context: Optional[Context] = None  # what the last build's pages were made with (own_pages)
        _MEMOS.add(self)

    @staticmethod
    def shared_key(ctx: Context, templates: bytes) -> bytes:
        """What every deal's pages are made from: the shared files' content, the build date,
        previews, site_url, pack_pdf, and the templates (``render.templates_digest``)."""
        catalogue = ctx.catalogue
        # The committee's record, the corrections address and the public versions (which date moved
        # targets) are on every deal's page too.
        versions = tuple(getattr(r, "commit", None) for r in ctx.history or ())
        made_with = (ctx.now.date(), ctx.previews, ctx.site_url, ctx.pack_pdf, catalogue.rounds, catalogue.powers, catalogue.deflators,
                     catalogue.scrutiny, ctx.corrections, versions)
        return digest("shared", templates, digest_of(made_with))

    def start(self, ctx: Context, templates: bytes) -> None:
        shared = self.shared_key(ctx, templates)
        if shared != self.shared:  # every key has changed: keep nothing of the old ones
            self.clear()
            self.shared = shared
        titles = {d.slug: d.title for d in ctx.catalogue.deals}
        updates: dict[str, list] = {slug: [] for slug in titles}
        for update in ctx.updates:
            for slug in update.deals:
                if slug in updates:
                    updates[slug].append(update)
        # A deal's updates name the other deals they are about, and the committee's sessions that
        # examined it (in its feed) the other deals they examined: those titles are in its key too.
        examined_with: dict[str, set[str]] = {slug: set() for slug in titles}
        for session in ctx.catalogue.scrutiny.sessions:
            for slug in session.deals:
                if slug in examined_with:
                    examined_with[slug].update(session.deals)
        self.keys = {
            deal.slug: digest(
                "deal outputs", shared, deal.digest,
                digest_of(updates[deal.slug]),
                digest_of([titles.get(s) for u in updates[deal.slug] for s in u.deals]),
                digest_of([titles.get(s) for s in sorted(examined_with[deal.slug])]),
                digest_of(ctx.last_changed.get(deal.slug)),
            )
            for deal in ctx.catalogue.deals
        }

    def get(self, deal: Deal) -> Optional[Bundle]:
        hit = self.entries.get(deal.slug)
        if hit is not None and hit[0] == self.keys[deal.slug]:
            return hit[1]
        return None

    def put(self, deal: Deal, bundle: Bundle) -> Bundle:
        """Keep a frozen copy of the deal's bundle under this build's key; returns it."""
        kept = bundle.frozen()
        self.entries[deal.slug] = (self.keys[deal.slug], kept)
        return kept

    def clear(self) -> None:
        self.shared = None
        self.context = None
        self.entries.clear()
        self.keys.clear()
        self.values.clear()

    def keep_only(self, deals: Sequence[Deal]) -> list[str]:
        """Forget deals no longer published; returns their slugs."""
        live = {d.slug for d in deals}
        gone = [slug for slug in self.entries if slug not in live]
        for slug in gone:
            del self.entries[slug]
        for key in [k for k in self.values if k[1] not in live]:
            del self.values[key]
        return gone


# Every memo alive, so that forget_caches() empties preview servers' kept pages too.
_MEMOS: "weakref.WeakSet[DealMemo]" = weakref.WeakSet()


@cache
def _forget_memos() -> None:
    for memo in list(_MEMOS):
        memo.clear()


def deal_bundle(ctx: Context, deal: Deal, sections: list, out_dir: Optional[Path]) -> Bundle:
    bundle = Bundle(out_dir=out_dir)
    for section in sections:
        if hasattr(section, "add_deal"):
            section.add_deal(ctx, deal, bundle)
    return bundle


RETURN_BATCH = 20  # deals a worker sends back at a time


def _deal_bundles(ctx: Context, deals: list[Deal], sections: list, out_dir: Optional[Path], jobs: Optional[int]) -> list[Bundle]:
    """Every deal's bundle, in the order given, made by ``jobs`` processes.

    Deals do not depend on each other, so forked workers make the same bytes as one
    process; only their pages and search entries travel back (files are written to
    ``out_dir`` where the build gives one). This process takes the first share itself: a
    worker that only waited would still hold its own copy of every page it touches. Shares
    are contiguous: deals loaded one after another sit together in memory, so each process
    touches (and, copy-on-write, copies) only the pages holding its own deals. Workers send
    deals back a few at a time: one 500-deal reply was 70 MB pickled at once on each side.
    """
    workers = jobs if jobs is not None else (jobs_available() if len(deals) >= PARALLEL_FROM else 1)
    return forked_map(lambda deal: deal_bundle(ctx, deal, sections, out_dir), deals, workers,
                      run_size=RETURN_BATCH, parent_share=True)


def generate(
    publication: Publication,
    templates_dir: Path,
    *,
    last_changed: dict | None = None,
    site_url: str = "",
    history: Optional[Sequence] = None,
    pack_pdf: bool = False,
    corrections: str = "",
    out_dir: Optional[Path] = None,
    memo: Optional[DealMemo] = None,
    jobs: Optional[int] = None,
    content: Optional[Content] = None,
) -> Bundle:
    """The whole generated site, from what the publication gate lets through.

    ``out_dir``: write files there rather than keep them; ``memo``: reuse unchanged deals'
    outputs from an earlier call (previews); ``jobs``: worker processes for per-deal work
    (default: the cores, above a few dozen deals); ``content``: content/'s pages and files,
    which links in updates may point to. In a preview, every page showing something held
    back carries a banner saying what and why."""
    catalogue = publication.catalogue
    ctx = Context(
        publication, environment(templates_dir), last_changed or {}, site_url, history, pack_pdf,
        reuse=memo.values if memo is not None else None, corrections=corrections,
    )
    sections = SECTIONS
    for section in sections:
        if hasattr(section, "prepare"):
            section.prepare(ctx)
    if memo is not None:
        memo.start(ctx, templates_digest(templates_dir))
    kept = {d.slug: memo.get(d) for d in catalogue.deals} if memo is not None else {}
    todo = [d for d in catalogue.deals if kept.get(d.slug) is None]
    made = dict(zip((d.slug for d in todo), _deal_bundles(ctx, todo, sections, out_dir, jobs)))
    bundle = Bundle(out_dir=out_dir)
    for one in catalogue.deals:  # not `deal`: that is the page group imported above
        part = kept.get(one.slug)
        if part is None:
            part = made[one.slug] if memo is None else memo.put(one, made[one.slug])
        bundle.merge(part)
    for section in sections:
        if hasattr(section, "add"):
            section.add(ctx, bundle)
    made_pages = {p.src_uri for p in bundle.pages}
    expected = generated_page_uris(catalogue, ctx.now.date())  # what `dealsite check` checks update links against
    if made_pages != expected:
        raise RuntimeError(f"site_pages.generated_page_uris is out of date: {sorted(made_pages ^ expected)}")
    unlisted = set(bundle.fragments) - set(FRAGMENT_PAGES)
    if unlisted:  # `dealsite check` checks where each fragment is placed by this list
        raise RuntimeError(f"site_pages.FRAGMENT_PAGES is out of date: {sorted(unlisted)}")
    elsewhere = [path for path in bundle.file_paths() if not is_generated_file(path)]
    if elsewhere:  # `dealsite check` refuses content files where generated files go, and only there
        raise RuntimeError(f"site_pages.GENERATED_FOLDERS is out of date: {elsewhere}")
    updates.add_pages(ctx, bundle, content if content is not None else Content())
    if memo is not None:
        memo.context = ctx
    return with_banners(bundle, publication) if publication.previews else bundle


def own_pages(before: Context, edited: Deal, last_changed: dt.datetime | None) -> tuple[GeneratedPage, ...]:
    """The pages of one deal alone (its page and its tables page), made from the context of the
    last build with only that deal changed: what the next build makes of them when nothing else
    changed. For a preview to show an edit before the pages across deals are made again.

    ``edited`` must be the deal as the public may see it at ``before.now``; ``last_changed``,
    when what the public sees of it last changed (compute.history.last_public_change)."""
    catalogue = before.catalogue.with_deal(edited)
    changed = {**before.last_changed, edited.slug: last_changed} if last_changed is not None else {
        k: v for k, v in before.last_changed.items() if k != edited.slug
    }
    # A fresh `derived`: the sections' lookups name the deal's old title. The kept per-deal
    # values are shared: they are keyed by each deal's digest.
    ctx = replace(before, publication=replace(before.publication, catalogue=catalogue), last_changed=changed, derived={})
    for section in SECTIONS:
        if hasattr(section, "prepare"):
            section.prepare(ctx)
    return tuple(deal_bundle(ctx, edited, [deal], None).pages)
