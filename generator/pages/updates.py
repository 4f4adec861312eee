"""Updates on the site: the list page, each deal's updates, the feeds, and preview banners.

The update pages themselves are Markdown in ``content/updates/`` that MkDocs
renders; the plugin drops the ones that are not yet public before MkDocs sees
them. This module gives those pages their byline (date, deals) and previews
their banner, lists updates on ``updates/`` and on each deal's page (newest
first), and writes the Atom feeds.

The deal template reaches its updates through the Jinja global ``deal_news``
(installed by :func:`add`, which ``site._sections`` runs first), so the deal
page's generator does not need to know about updates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from markupsafe import escape

from ..compute.display import long_date
from ..compute.embargo import is_public
from ..model import LONDON, Catalogue, Deal, Publishable
from ..model.updates import UPDATES_DIR, Update
from .bundle import Bundle, Context
from .feeds import ALL_UPDATES, atom, deal_feed_path

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


# --- previews -------------------------------------------------------------------


def moment_text(moment: dt.datetime) -> str:
    """'2 March 2026 at 09:30 UK time'."""
    local = moment.astimezone(LONDON)
    return f"{long_date(local.date())} at {local:%H:%M} UK time"


def hold_reason(item: Publishable, now: dt.datetime) -> str:
    """Why the public cannot see item yet ('' if it can)."""
    if item.draft:
        return "Draft: not published until draft: true is removed"
    if item.publish_after is not None and item.publish_after > now:
        return f"Embargoed until {moment_text(item.publish_after)}"
    return ""


def update_hold_reason(update: Update, catalogue: Catalogue, now: dt.datetime) -> str:
    own = hold_reason(update, now)
    if own:
        return own
    held = [d.title for d in catalogue.deals if d.slug in update.deals and not is_public(d, now)]
    if held:
        return "Held back: it is about a deal that is not yet public (" + ", ".join(held) + ")"
    return ""


def deal_hold_notes(deal: Deal, now: dt.datetime) -> list[str]:
    """What on a deal's page the public cannot see yet: the deal itself, or some readings."""
    notes = []
    own = hold_reason(deal, now)
    if own:
        notes.append(f"This deal: {_lower_first(own)}")
    for outcome in deal.outcomes:
        for reading in outcome.readings:
            reason = hold_reason(reading, now)
            if reason:
                notes.append(f"The reading of {long_date(reading.date)} for \u201c{outcome.title}\u201d: {_lower_first(reason)}")
    return notes


def banner_html(notes: list[str]) -> str:
    """A visible, escaped banner: 'Preview: not yet public' and why."""
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return (
        '<div class="admonition warning dealsite-preview" role="note" data-search-exclude>'
        '<p class="admonition-title">Preview: not yet public</p>'
        f"<p>This page is shown only in a preview (dealsite serve --drafts). The public site leaves out:</p><ul>{items}</ul>"
        "</div>\n"
    )


def _after_h1(html: str, banner: str) -> str:
    end = html.find("</h1>")
    if end < 0:
        return banner + html
    end += len("</h1>")
    return html[:end] + "\n" + banner + html[end:]


def mark_previews(bundle: Bundle, catalogue: Catalogue, now: dt.datetime) -> None:
    """Previews only: flag and banner every generated page that shows something not yet public.

    A deal's own pages (deals/<slug>.md and deals/<slug>/...) say what of the deal is held
    back; any other page or fragment that links to a held-back deal names it.
    """
    notes = {d.slug: deal_hold_notes(d, now) for d in catalogue.deals}
    held = {d.slug: f"The deal {d.title}: {_lower_first(hold_reason(d, now))}" for d in catalogue.deals if not is_public(d, now)}

    def mentioned(html: str) -> list[str]:
        return [note for slug, note in held.items() if f"deals/{slug}/" in html]

    for page in bundle.pages:
        slug = _deal_of(page.src_uri)
        found = notes.get(slug, []) if slug else mentioned(page.html)
        if found:
            page.preview = True
            page.html = _after_h1(page.html, banner_html(found))
    for name, html in list(bundle.fragments.items()):
        found = mentioned(html)
        if found and not name.startswith(f"{UPDATES_DIR}/"):
            bundle.fragments[name] = banner_html(found) + html


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _deal_of(src_uri: str) -> Optional[str]:
    """'deals/kent.md' or 'deals/kent/progress.md' -> 'kent'."""
    if not src_uri.startswith("deals/"):
        return None
    rest = src_uri[len("deals/") :]
    return rest.split("/", 1)[0] if "/" in rest else rest.removesuffix(".md")


# --- lists ----------------------------------------------------------------------


def _items(updates, catalogue: Catalogue, now: dt.datetime, to_root: str, previews: bool, titles: dict[str, str]) -> list[UpdateItem]:
    return [
        UpdateItem(
            title=u.title,
            href=f"{to_root}{u.url}",
            day=u.day,
            summary=u.summary,
            deals=[DealLink(titles[s], f"{to_root}deals/{s}/") for s in u.deals if s in titles],
            note=update_hold_reason(u, catalogue, now) if previews else "",
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
            updates=_items(lookup.by_deal.get(deal.slug, []), ctx.catalogue, ctx.now, "../../", ctx.previews, lookup.titles),
            feed="feed.xml",
            last_changed=_last_changed(ctx, deal.slug),
        )

    ctx.env.globals["deal_news"] = deal_news


def add_deal(ctx: Context, deal: Deal, bundle: Bundle) -> None:
    """The deal's own feed (empty until the deal has updates)."""
    lookup = _lookup(ctx)
    path = deal_feed_path(deal.slug)
    bundle.add_file(
        path,
        atom(
            title=f"{deal.title}: updates",
            subtitle=f"News about {deal.title}.",
            site_url=ctx.site_url,
            path=path,
            page=f"deals/{deal.slug}/",
            updates=lookup.by_deal.get(deal.slug, []),
            deal_titles=lookup.titles,
            now=ctx.now,
        ),
    )


def add(ctx: Context, bundle: Bundle) -> None:
    updates = list(ctx.updates)  # newest first; public only unless previews
    catalogue = ctx.catalogue

    # The list page (content/updates/index.md) and each update's byline.
    bundle.fragments["update-list"] = ctx.env.get_template("partials/update_list.html").render(
        items=_items(updates, catalogue, ctx.now, "../", ctx.previews, _lookup(ctx).titles), feed="../feeds/updates.xml"
    )
    for item, update in zip(_items(updates, catalogue, ctx.now, "../../", ctx.previews, _lookup(ctx).titles), updates):
        byline = ctx.env.get_template("partials/update_byline.html").render(item=item, update=update)
        if item.note:
            byline = banner_html([f"This update: {_lower_first(item.note)}"]) + byline
        bundle.fragments[f"{UPDATES_DIR}/{update.stem}"] = byline

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
