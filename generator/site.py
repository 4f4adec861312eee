"""The generated part of the site, as data: pages, fragments and files.

Engine-independent: the MkDocs plugin is a thin adapter over :func:`generate`,
so another engine (ProperDocs, Zensical with a small shim) could publish the
same bundle. Pages arrive pre-rendered as HTML so Python-Markdown never parses
our tables, the measured bottleneck of a plain MkDocs build (ARCHITECTURE.md).

Each group of pages lives in its own ``pages_*`` module with one entry point,
``add(ctx, bundle)``; :data:`SECTIONS` lists them in the order they run.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence, TypeVar

from jinja2 import Environment

from .gcpause import paused
from .workers import PARALLEL_FROM, jobs_available
from .model import Catalogue, Deal
from .render import environment

T = TypeVar("T")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    title: str  # plain text; escaped by whoever writes it out


@dataclass
class GeneratedPage:
    src_uri: str  # as if in docs_dir, e.g. "deals/kent.md" -> /deals/kent/
    title: str  # plain text
    html: str  # escaped, ready to place in the theme's content block
    headings: list[Heading] = field(default_factory=list)
    description: str = ""  # plain text
    search: bool = True  # False keeps the page out of the search index
    preview: bool = False  # not yet public: shown only under --drafts, with a banner


@dataclass(frozen=True)
class SearchEntry:
    """One search result, written by us rather than parsed out of a page's HTML.

    Material's search plugin parses every page it indexes; for deal pages that was most of a
    minute at 1,000 deals (bench.py), to index text we already hold as data.
    """

    location: str  # site-relative URL, e.g. "deals/kent/#outcome-jobs"
    title: str  # plain text; escaped by whoever writes it out
    text: str  # plain text


def page_location(src_uri: str) -> str:
    """A page's address in the search index: "powers.md" is "powers/", "index.md" is ""."""
    stem = src_uri.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def index_by_summary(bundle: "Bundle", pages: Sequence[GeneratedPage], text: dict[str, str] | None = None) -> None:
    """Index pages across deals by their title and description (or ``text[src_uri]``) alone.

    Their tables repeat what each deal page is indexed by; Material's search would parse
    half a megabyte of HTML per page at 1,000 deals, on every build and every preview edit.
    """
    for page in pages:
        page.search = False
        bundle.search.append(SearchEntry(page_location(page.src_uri), page.title, (text or {}).get(page.src_uri, page.description)))


@dataclass
class Bundle:
    pages: list[GeneratedPage] = field(default_factory=list)
    fragments: dict[str, str] = field(default_factory=dict)  # replaces <!-- dealsite:NAME --> in content/
    files: dict[str, bytes] = field(default_factory=dict)  # downloads, feeds, images, by site path
    search: list[SearchEntry] = field(default_factory=list)  # for pages generated with search=False
    # When set, add_file writes straight into this directory (the site being built) and only the
    # path is kept: a thousand deals' downloads are hundreds of megabytes (generator/bench.py).
    out_dir: Optional[Path] = None
    written: list[str] = field(default_factory=list)  # site paths add_file wrote to out_dir
    _written: set[str] = field(default_factory=set, repr=False, compare=False)  # the same, to look up
    _indexed: int = field(default=0, repr=False, compare=False)  # how much of written _written holds

    def add_file(self, path: str, content: bytes) -> None:
        """Publish ``content`` at ``path`` in the site (e.g. ``deals/kent/deal.json``)."""
        if self.out_dir is None:
            self.files[path] = content
            return
        target = self.out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        self.written.append(path)

    def read_file(self, path: str) -> bytes:
        """A file published earlier in this build, wherever it is kept."""
        if path in self.files:
            return self.files[path]
        if self.out_dir is not None:
            if self._indexed != len(self.written):  # written to or merged since last asked
                self._written, self._indexed = set(self.written), len(self.written)
            if path in self._written:
                return (self.out_dir / path).read_bytes()
        raise KeyError(path)

    def file_paths(self) -> list[str]:
        return sorted([*self.files, *self.written])

    def merge(self, other: "Bundle") -> None:
        self.pages += other.pages
        self.fragments.update(other.fragments)
        self.files.update(other.files)
        self.search += other.search
        self.written += other.written


@dataclass(frozen=True)
class Context:
    """What every page generator may use; nothing else reaches it."""

    catalogue: Catalogue  # already embargo-filtered (unless previews)
    now: dt.datetime  # the build time (clock.build_time)
    env: Environment
    previews: bool = False
    updates: Sequence = ()  # generator.updates.Update, public ones only unless previews
    last_changed: dict = field(default_factory=dict)  # slug -> datetime the deal file last changed
    site_url: str = ""  # mkdocs.yml site_url, for the absolute links feeds need
    history: Optional[Sequence] = None  # diff.Revision of deals/ in git, oldest first; None outside git
    pack_pdf: bool = False  # also render the committee pack as pack.pdf (WeasyPrint)
    # Lookups a section works out once per build from the fields above (in its prepare, so
    # forked workers inherit them), keyed by the section's module name.
    derived: dict = field(default_factory=dict)
    # Under `dealsite serve`, per-deal values kept from earlier builds (see reused); None otherwise.
    reuse: Optional[dict] = None


def reused(ctx: Context, deal: Deal, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, a value about ``deal`` alone (and what every deal shares), kept between
    preview builds while the deal is the same object, so pages across deals need not work out
    every deal again after one edit. In a one-off build it is simply ``compute()``."""
    if ctx.reuse is None:
        return compute()
    hit = ctx.reuse.get((name, deal.slug))
    if hit is not None and hit[0] is deal:
        return hit[1]
    value = compute()
    ctx.reuse[(name, deal.slug)] = (deal, value)
    return value


def deal_uri(deal: Deal) -> str:
    return f"deals/{deal.slug}.md"


def _sections() -> list:
    """The page groups, in the order they run. Each is a module with ``add(ctx, bundle)`` for
    what spans deals, and optionally ``prepare(ctx)`` (run first, in every process) and
    ``add_deal(ctx, deal, bundle)`` for what belongs to one deal (run for every deal before
    any ``add``, possibly in parallel and reused between previews: it may use only ``ctx`` and
    that deal)."""
    # Imported here so each pages_* module can import Context and friends from this one.
    from . import downloads, pages_progress, pages_public, pages_updates

    # pages_updates first: it gives the deal template its updates (the deal_news global).
    return [pages_updates, pages_public, pages_progress, downloads]


class DealMemo:
    """Each deal's outputs from the previous build, reused while nothing they depend on changed.

    ``dealsite serve`` keeps one across rebuilds so that editing one deal regenerates one
    deal. A deal's outputs depend on the deal (the loader hands back the same object for an
    unchanged file), its updates (and the titles of the deals they name), when its file last
    changed, and what every deal shares (``shared_key``). The build date, not time, is in the key: a preview's downloads keep
    the time they were made.
    """

    def __init__(self) -> None:
        self.shared: object = None
        self.entries: dict[str, tuple[Deal, object, Bundle]] = {}
        self.keys: dict[str, tuple] = {}  # this build's deal keys
        self.values: dict = {}  # what reused() keeps: (name, slug) -> (deal, value)

    @staticmethod
    def shared_key(ctx: Context) -> tuple:
        catalogue = ctx.catalogue
        return (ctx.now.date(), ctx.previews, ctx.site_url, ctx.pack_pdf, catalogue.rounds, catalogue.powers, catalogue.deflators)

    def start(self, ctx: Context) -> None:
        shared = self.shared_key(ctx)
        if shared != self.shared:
            self.shared, self.entries = shared, {}
            self.values.clear()
        titles = {d.slug: d.title for d in ctx.catalogue.deals}
        updates: dict[str, list] = {slug: [] for slug in titles}
        for update in ctx.updates:
            for slug in update.deals:
                if slug in updates:
                    updates[slug].append(update)
        # A deal's updates name the other deals they are about, so those titles are in its key too.
        self.keys = {
            slug: (tuple(found), tuple(titles.get(s) for u in found for s in u.deals), ctx.last_changed.get(slug))
            for slug, found in updates.items()
        }

    def get(self, deal: Deal) -> Optional[Bundle]:
        hit = self.entries.get(deal.slug)
        if hit is not None and hit[0] is deal and hit[1] == self.keys[deal.slug]:
            return hit[2]
        return None

    def put(self, deal: Deal, bundle: Bundle) -> None:
        self.entries[deal.slug] = (deal, self.keys[deal.slug], bundle)

    def keep_only(self, deals: Sequence[Deal]) -> list[str]:
        """Forget deals no longer published; returns their slugs."""
        live = {d.slug for d in deals}
        gone = [slug for slug in self.entries if slug not in live]
        for slug in gone:
            del self.entries[slug]
        for key in [k for k in self.values if k[1] not in live]:
            del self.values[key]
        return gone


def deal_bundle(ctx: Context, deal: Deal, sections: list, out_dir: Optional[Path]) -> Bundle:
    bundle = Bundle(out_dir=out_dir)
    for section in sections:
        if hasattr(section, "add_deal"):
            section.add_deal(ctx, deal, bundle)
    return bundle


RETURN_BATCH = 20  # deals a worker sends back at a time

# What forked workers generate from: set just before the fork, inherited rather than pickled.
_WORK: Optional[tuple[Context, list[Deal], list, Optional[Path]]] = None


def _work(indices: list[int]) -> list[Bundle]:
    assert _WORK is not None
    ctx, deals, sections, out_dir = _WORK
    return [deal_bundle(ctx, deals[i], sections, out_dir) for i in indices]


def _deal_bundles(ctx: Context, deals: list[Deal], sections: list, out_dir: Optional[Path], jobs: Optional[int]) -> list[Bundle]:
    """Every deal's bundle, in the order given, made by ``jobs`` processes.

    Deals do not depend on each other, so forked workers make the same bytes as one
    process; only their pages and search entries travel back (files are written to
    ``out_dir`` where the build gives one). This process takes a share too: a worker
    that only waited would still hold its own copy of every page it touches.
    """
    workers = jobs if jobs is not None else (jobs_available() if len(deals) >= PARALLEL_FROM else 1)
    workers = min(workers, len(deals))
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return [deal_bundle(ctx, deal, sections, out_dir) for deal in deals]
    # Contiguous shares: deals loaded one after another sit together in memory, so each process
    # touches (and, copy-on-write, copies) only the pages holding its own deals.
    size = -(-len(deals) // workers)
    shares = [list(range(start, min(start + size, len(deals)))) for start in range(0, len(deals), size)]
    # Workers send their deals back a few at a time: one 500-deal reply was 70 MB pickled at
    # once on each side (generator/bench.py measures the memory of both processes together).
    batches = [share[i : i + RETURN_BATCH] for share in shares[1:] for i in range(0, len(share), RETURN_BATCH)]
    global _WORK
    _WORK = (ctx, deals, sections, out_dir)
    try:
        with mp.get_context("fork").Pool(len(shares) - 1) as pool:
            pending = pool.imap(_work, batches)
            mine = _work(shares[0])
            theirs = [bundle for results in pending for bundle in results]
    finally:
        _WORK = None
    return mine + theirs


def generate(
    catalogue: Catalogue,
    now: dt.datetime,
    templates_dir: Path,
    *,
    previews: bool = False,
    updates: Sequence = (),
    last_changed: dict | None = None,
    site_url: str = "",
    history: Optional[Sequence] = None,
    pack_pdf: bool = False,
    out_dir: Optional[Path] = None,
    memo: Optional[DealMemo] = None,
    jobs: Optional[int] = None,
) -> Bundle:
    """The whole generated site. ``out_dir``: write files there rather than keep them;
    ``memo``: reuse unchanged deals' outputs from an earlier call (previews);
    ``jobs``: worker processes for per-deal work (default: the cores, above a few dozen deals)."""
    ctx = Context(
        catalogue, now, environment(templates_dir), previews, tuple(updates), last_changed or {}, site_url, history, pack_pdf,
        reuse=memo.values if memo is not None else None,
    )
    sections = _sections()
    with paused():
        for section in sections:
            if hasattr(section, "prepare"):
                section.prepare(ctx)
        if memo is not None:
            memo.start(ctx)
        kept = {d.slug: memo.get(d) for d in catalogue.deals} if memo is not None else {}
        todo = [d for d in catalogue.deals if kept.get(d.slug) is None]
        made = dict(zip((d.slug for d in todo), _deal_bundles(ctx, todo, sections, out_dir, jobs)))
        bundle = Bundle(out_dir=out_dir)
        for deal in catalogue.deals:
            part = kept.get(deal.slug) or made[deal.slug]
            if memo is not None:
                memo.put(deal, part)
            bundle.merge(part)
        for section in sections:
            section.add(ctx, bundle)
    return bundle
