"""Updates on the site: their own pages, the list page, each deal's updates, and the feeds.

Each public update becomes a generated page (``updates/<stem>.md``, as MkDocs would name its
file, whose own copy the plugin drops): its title, a byline (date, deals) and its body, which
is Markdown rendered and sanitised by the core (``written.py``, ``sanitise.py``), never by the
engine; ``written.py`` checks its links as it checks every hand-written page's.

This module also lists updates on ``updates/`` and on each deal's page (newest first), and
writes the Atom feeds. The deal template reaches its updates through the Jinja global
``deal_news`` (installed by :func:`prepare`), so the deal page's generator does not need to
know about updates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from markupsafe import Markup

from ..model import LONDON, Deal
from ..model.content import Content
from ..model.problems import Problem
from ..model.updates import UPDATES_DIR, InvalidUpdates, Update
from .bundle import Bundle, Context, GeneratedPage
from .feeds import ALL_UPDATES, atom, deal_feed_path
from .record import record_of
from .written import link_problems, render_body, site_targets

UPDATES_PAGE = f"{UPDATES_DIR}/"  # content/updates/index.md


@dataclass(frozen=True)
class DealLink:
    title: str
    href: str


@dataclass(frozen=True)
class UpdateItem:
    """An update as a list shows it, with links relative to the page that lists it."""

    title: str
    href: str
    day: dt.date
    summary: str
    deals: list[DealLink]
    note: str = ""  # previews only: why the public cannot see it yet


@dataclass(frozen=True)
class DealNews:
    updates: list[UpdateItem]
    feed: str  # relative to the deal's page
    last_changed: Optional[dt.date] = None


# --- lists ----------------------------------------------------------------------


def _items(updates, to_root: str, titles: dict[str, str], notes: Optional[dict[str, str]] = None) -> list[UpdateItem]:
    return [
        UpdateItem(
            title=u.title,
            href=f"{to_root}{u.url}",
            day=u.day,
            summary=u.summary,
            deals=[DealLink(titles[s], f"{to_root}deals/{s}/") for s in u.deals if s in titles],
            note=(notes or {}).get(u.src_uri, ""),
        )
        for u in updates
    ]


def _last_changed(ctx: Context, slug: str) -> Optional[dt.date]:
    when = ctx.last_changed.get(slug)
    return when.astimezone(LONDON).date() if when else None


@dataclass(frozen=True)
class _Lookup:
    by_deal: dict[str, list[Update]]  # each deal's updates, newest first
    titles: dict[str, str]  # every deal's title by slug


def _lookup(ctx: Context) -> _Lookup:
    """Worked out once per build: asked for per deal, it was quadratic (1,000 deals, 3,000 updates)."""
    found = ctx.derived.get(__name__)
    if found is None:
        by_deal: dict[str, list[Update]] = {d.slug: [] for d in ctx.catalogue.deals}
        for update in ctx.updates:  # newest first; public only unless previews
            for slug in update.deals:
                if slug in by_deal:
                    by_deal[slug].append(update)
        found = ctx.derived[__name__] = _Lookup(by_deal, {d.slug: d.title for d in ctx.catalogue.deals})
    return found


def prepare(ctx: Context) -> None:
    """Give the deal template its updates: ``deal_news(deal)``."""
    lookup = _lookup(ctx)

    def deal_news(deal: Deal) -> DealNews:
        return DealNews(
            updates=_items(lookup.by_deal.get(deal.slug, []), "../../", lookup.titles),
            feed="feed.xml",
            last_changed=_last_changed(ctx, deal.slug),
        )

    ctx.env.globals["deal_news"] = deal_news


def add_deal(ctx: Context, deal: Deal, bundle: Bundle) -> None:
    """The deal's own feed: its updates, and the committee's sessions, recommendations and responses
    about it (from the record the publication gate let through; empty until there are any)."""
    lookup = _lookup(ctx)
    path = deal_feed_path(deal.slug)
    bundle.add_file(
        path,
        atom(
            title=f"{deal.title}: updates",
            subtitle=f"News about {deal.title}, and the committee's scrutiny of it.",
            site_url=ctx.site_url,
            path=path,
            page=f"deals/{deal.slug}/",
            updates=lookup.by_deal.get(deal.slug, []),
            deal_titles=lookup.titles,
            now=ctx.now,
            extra=record_of(ctx).deal_feed_entries(deal.slug),
        ),
    )


def add(ctx: Context, bundle: Bundle) -> None:
    updates = list(ctx.updates)  # newest first; public only unless previews

    # The list page (content/updates/index.md); the update pages come last (add_pages).
    bundle.fragments["update-list"] = ctx.env.get_template("partials/update_list.html").render(
        items=_items(updates, "../", _lookup(ctx).titles, {h.name: h.reason for h in ctx.publication.held if h.kind == "update"} if ctx.previews else None), feed="../feeds/updates.xml"
    )

    bundle.add_file(
        ALL_UPDATES,
        atom(
            title="Place deals: updates",
            subtitle="News about every deal between central government and places.",
            site_url=ctx.site_url,
            path=ALL_UPDATES,
            page=UPDATES_PAGE,
            updates=updates,
            deal_titles=_lookup(ctx).titles,
            now=ctx.now,
        ),
    )


# --- the update pages -------------------------------------------------------------------


def add_pages(ctx: Context, bundle: Bundle, content: Content) -> None:
    """Each update's own page (public ones, or all in a preview): title, byline and body. Run
    after every other page group, so its links are checked against the pages as built."""
    targets = site_targets(ctx.updates, content, [p.src_uri for p in bundle.pages])
    template = ctx.env.get_template("update.html")
    problems: list[Problem] = []
    for item, update in zip(_items(ctx.updates, "../../", _lookup(ctx).titles), ctx.updates):
        body = render_body(update)
        problems += link_problems(update, content, targets)
        html = template.render(item=item, update=update, body=Markup(body.html))
        bundle.pages.append(GeneratedPage(update.src_uri, update.title, html, body.headings, description=update.summary))
    if problems:
        raise InvalidUpdates(problems)
