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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from jinja2 import Environment

from .model import Catalogue, Deal
from .render import environment


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


@dataclass
class Bundle:
    pages: list[GeneratedPage] = field(default_factory=list)
    fragments: dict[str, str] = field(default_factory=dict)  # replaces <!-- dealsite:NAME --> in content/
    files: dict[str, bytes] = field(default_factory=dict)  # downloads, feeds, images, by site path
    search: list[SearchEntry] = field(default_factory=list)  # for pages generated with search=False


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


def deal_uri(deal: Deal) -> str:
    return f"deals/{deal.slug}.md"


def _sections() -> list[Callable]:
    # Imported here so each pages_* module can import Context and friends from this one.
    from . import downloads, pages_progress, pages_public, pages_updates

    # pages_updates first: it gives the deal template its updates (the deal_news global).
    return [pages_updates.add, pages_public.add, pages_progress.add, downloads.add]


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
) -> Bundle:
    ctx = Context(
        catalogue, now, environment(templates_dir), previews, tuple(updates), last_changed or {}, site_url, history, pack_pdf
    )
    bundle = Bundle()
    for add in _sections():
        add(ctx, bundle)
    return bundle
