"""Updates on the site: their own pages, the list page, each deal's updates, and the feeds.

Each public update becomes a generated page (``updates/<stem>.md``, as MkDocs would name its
file, whose own copy the plugin drops): its title, a byline (date, deals) and its body, which
is Markdown rendered and sanitised here by the core (``sanitise.py``), never by the engine.
Links in a body are written as MkDocs links are, relative to the update's file
(``[the deal](../deals/kent.md)``); they are rewritten for the page's address and checked
against the pages and files the site will have: :func:`link_problems` names each that would
be broken, with its file and line, for ``dealsite check`` and the build alike.

This module also lists updates on ``updates/`` and on each deal's page (newest first), and
writes the Atom feeds. The deal template reaches its updates through the Jinja global
``deal_news`` (installed by :func:`prepare`), so the deal page's generator does not need to
know about updates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from markupsafe import Markup

from ..model import LONDON, Deal
from ..model.content import Content
from ..model.problems import Problem
from ..model.updates import UPDATES_DIR, InvalidUpdates, Update
from .bundle import Bundle, Context, GeneratedPage, Heading
from .feeds import ALL_UPDATES, atom, deal_feed_path
from .links import generated_page_uris, resolve_relative
from .sanitise import clean_update, render_markdown

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


@dataclass(frozen=True)
class UpdateBody:
    """An update's body as its page shows it, and every relative link in it."""

    html: str  # sanitised; relative links rewritten for the page at updates/<stem>/
    headings: tuple[Heading, ...]  # its h2 and h3, for the page's table of contents
    links: tuple[tuple[int, str, str], ...]  # (line in the file, address as written, page or file it points to)
    problems: tuple[tuple[int, str], ...]  # (line, message): links no page or file could ever mend


# Bodies by update, kept while the text is the same: `dealsite check` and the build it runs
# first read the same updates, and `dealsite serve` renders them again on every change.
_BODIES: dict[str, tuple[tuple[str, int], UpdateBody]] = {}


def render_body(update: Update) -> UpdateBody:
    """The update's Markdown rendered (Python-Markdown) and sanitised (nh3), by the core."""
    key = (update.body, update.body_line)
    hit = _BODIES.get(update.src_uri)
    if hit is not None and hit[0] == key:
        return hit[1]
    rendered = render_markdown(update.body)
    links: list[tuple[int, str, str]] = []
    problems: list[tuple[int, str]] = []
    lines = update.body.split("\n")

    def line_of(written: str) -> int:
        """The line the address is written on: as a whole address if it can be found, else
        anywhere, else the body's first line (Markdown keeps no line numbers)."""
        exact = re.compile(r"(?:^|(?<=[(<\"'\s]))" + re.escape(written) + r"(?=$|[)>\"'\s])")
        for found in (lambda line: exact.search(line), lambda line: written and written in line):
            for i, line in enumerate(lines):
                if found(line):
                    return update.body_line + i
        return update.body_line + next((i for i, line in enumerate(lines) if line.strip()), 0)

    def relative(written: str) -> Optional[str]:
        resolved = resolve_relative(update.src_uri, written)
        if resolved.problem:
            problems.append((line_of(written), f"the link {written} {resolved.problem}"))
        elif resolved.target is not None:
            links.append((line_of(written), written, resolved.target))
        return resolved.url

    html = clean_update(rendered.html, relative)
    body = UpdateBody(html, tuple(Heading(*h) for h in rendered.headings), tuple(links), tuple(problems))
    _BODIES[update.src_uri] = (key, body)
    return body


@dataclass(frozen=True)
class Targets:
    """The pages (by src_uri) and files (by path) of a site, which links may point to."""

    pages: frozenset[str]
    files: frozenset[str]


def site_targets(deals: Iterable[Deal], updates: Iterable[Update], content: Content, generated: Optional[Iterable[str]] = None) -> Targets:
    """What a site of these deals and updates has: the generated pages (``generated``, or those
    the deals will have), the update pages, and content/'s pages and files."""
    pages = frozenset(generated if generated is not None else generated_page_uris(deals))
    return Targets(pages | content.pages | {u.src_uri for u in updates}, content.files)


def link_problems(update: Update, content: Content, targets: Targets, everything: Optional[Targets] = None) -> list[Problem]:
    """Every link in the update's body that the site of ``targets`` would leave broken, named with
    file and line. ``everything``: the site with nothing held back, to say when a target is only
    not public yet."""
    file = str(content.path(update.src_uri))
    body = render_body(update)
    found = [Problem(file, line, "", message) for line, message in body.problems]
    for line, written, target in body.links:
        if target in targets.pages or target in targets.files:
            continue
        if everything is not None and (target in everything.pages or target in everything.files):
            why = "is not public yet (a draft, under embargo, or about a deal that is): the link would be broken until it is"
        elif target.endswith(".md"):
            why = "is not a page of this site (link to a page by its .md file, relative to this one, e.g. ../deals/kent.md)"
        elif f"{target}.md" in targets.pages or f"{target}/index.md" in targets.pages:
            why = "is a page's folder, not its file (link to the page's .md file, e.g. ../deals/kent.md)"
        else:
            why = "is not a file in content/ (link to a page by its .md file; a deal's downloads are listed on its page)"
        found.append(Problem(file, line, "", f"the link {written} points to {target}, which {why}"))
    return found


def add_pages(ctx: Context, bundle: Bundle, content: Content) -> None:
    """Each update's own page (public ones, or all in a preview): title, byline and body. Run
    after every other page group, so its links are checked against the pages as built."""
    targets = site_targets((), ctx.updates, content, generated=[p.src_uri for p in bundle.pages])
    template = ctx.env.get_template("update.html")
    problems: list[Problem] = []
    for item, update in zip(_items(ctx.updates, "../../", _lookup(ctx).titles), ctx.updates):
        body = render_body(update)
        problems += link_problems(update, content, targets)
        html = template.render(item=item, update=update, body=Markup(body.html))
        bundle.pages.append(GeneratedPage(update.src_uri, update.title, html, body.headings, description=update.summary))
    if problems:
        raise InvalidUpdates(problems)
