"""The home page's parts beside the deal list: when the figures were last updated, and an A to Z
of places and councils leading to their deals.

A resident may know only their district council or their town, not the deal it belongs to.
The A to Z lists every place a deal names (the place itself, the places and councils it
covers) and every council, combined or strategic authority among its partners, each
leading to its deals; a council named "Council of the Borough of Kirklees" is listed under
K. With up to :data:`INLINE_MAX` names it is on the home page itself; with more (a
national programme), the home page has the letters, and each letter has a page of its own
(``places/a/``), so no page grows past a letter's share.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from ..model import LONDON, Deal, PartialDate
from .bundle import Bundle, Context, GeneratedPage, Heading
from .links import HOME_URI, href

INLINE_MAX = 300  # names on the home page itself; past this, a page per letter
PARTNER_KINDS = {"council", "combined-authority", "strategic-authority"}
_PREFIX = re.compile(
    r"^(?:the |royal borough of |london borough of |metropolitan borough of |borough council of |"
    r"council of the (?:city|borough|county|isles) of |council of |city and county of |city of |county of |borough of )",
    re.IGNORECASE,
)
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
OTHER = "0-9"  # names that do not start with a letter


def sort_key(name: str) -> str:
    """How a name is filed: 'Council of the Borough of Kirklees' under K, 'City of York Council' under Y."""
    stripped = _PREFIX.sub("", name.strip())
    return (stripped or name).casefold()


def letter_of(key: str) -> str:
    first = key[:1].upper()
    return first if first in LETTERS else OTHER


@dataclass(frozen=True)
class Link:
    title: str
    href: str


@dataclass(frozen=True)
class Name:
    name: str
    key: str
    deals: tuple[Link, ...]


def area_names(deal: Deal) -> list[str]:
    """The places and councils a deal names: its place, what it covers, its council partners."""
    found = [deal.place.name, *deal.place.covers, *(p.name for p in deal.place.partners if p.kind in PARTNER_KINDS)]
    seen, names = set(), []
    for n in found:
        if n.casefold() not in seen:
            seen.add(n.casefold())
            names.append(n)
    return names


def a_to_z(deals: list[Deal], from_uri: str) -> dict[str, list[Name]]:
    """Letter -> the names filed under it, in order, each with its deals (links from ``from_uri``)."""
    by_name: dict[str, tuple[str, list[Deal]]] = {}
    for deal in deals:
        for n in area_names(deal):
            by_name.setdefault(n.casefold(), (n, []))[1].append(deal)
    base = href(from_uri, "deals/index.md")  # + "<slug>/"
    letters: dict[str, list[Name]] = {}
    for shown, found in by_name.values():
        key = sort_key(shown)
        links = tuple(Link(short_title(d), f"{base}{d.slug}/") for d in sorted(found, key=lambda d: (d.title.casefold(), d.slug)))
        letters.setdefault(letter_of(key), []).append(Name(shown, key, links))
    return {letter: sorted(names, key=lambda n: (n.key, n.name)) for letter, names in sorted(letters.items(), key=lambda kv: (kv[0] == OTHER, kv[0]))}


def short_title(deal: Deal) -> str:
    """A deal's title up to a colon: 'Greater Manchester Agreement: devolution to ...' is the Greater Manchester Agreement."""
    head = deal.title.split(":", 1)[0].strip()
    return head or deal.title


def letter_uri(letter: str) -> str:
    return f"places/{'other' if letter == OTHER else letter.lower()}.md"


def _inline(deals) -> bool:
    return sum(1 for d in deals for _ in area_names(d)) <= INLINE_MAX


def letter_page_uris(deals) -> list[str]:
    """The A to Z's pages, one a letter that has names; none while it fits on the home page."""
    return [] if _inline(deals) else [letter_uri(letter) for letter in a_to_z(list(deals), HOME_URI)]


def figures_updated(ctx: Context) -> Optional[dt.date]:
    """The day the public figures last changed: the latest of every deal's last public change."""
    when = max(ctx.last_changed.values(), default=None)
    if when is None:
        return None
    return when.astimezone(LONDON).date() if when.tzinfo else when.date()


def latest_figure(deals) -> Optional[PartialDate]:
    """The latest dated fact among the deals: a reading, a meeting or milestone that happened, a
    follow-on, a key date (not the review, which is a plan). In an archive, what 'last updated'
    can truthfully say: when the files changed is later than the archive's day."""
    found: list[PartialDate] = []
    for d in deals:
        found += [PartialDate.of(r.date) for o in d.outcomes for r in o.readings]
        found += [e.actual for e in d.negotiation.events if e.actual] + [f.date for f in d.follow_ons]
        found += [getattr(d.dates, k) for k in ("invited", "proposed", "agreed", "signed") if getattr(d.dates, k)]
    return max(found, key=lambda w: w.latest, default=None)


def add(ctx: Context, bundle: Bundle) -> None:
    archive = ctx.publication.archive
    bundle.fragments["figures-updated"] = ctx.env.get_template("home_updated.html").render(
        updated=None if archive else figures_updated(ctx), latest=latest_figure(ctx.catalogue.deals) if archive else None, archive=archive
    )
    inline = _inline(ctx.catalogue.deals)
    names = a_to_z(list(ctx.catalogue.deals), HOME_URI)
    letters = [(letter, f"#az-{letter.lower()}" if inline else href(HOME_URI, letter_uri(letter))) for letter in names]
    bundle.fragments["places"] = ctx.env.get_template("places.html").render(
        names=names if inline else None, letters=letters, all_letters=LETTERS, current=None
    )
    if inline:
        return
    deep = a_to_z(list(ctx.catalogue.deals), letter_uri(LETTERS[0]))  # every letter's page is as deep
    for letter in names:
        uri = letter_uri(letter)
        own = deep[letter]
        others = [(other, href(uri, letter_uri(other))) for other in names]
        html = ctx.env.get_template("places.html").render(names={letter: own}, letters=others, all_letters=LETTERS, current=letter)
        title = f"Places and councils: {letter}"
        bundle.pages.append(
            GeneratedPage(uri, title, html, [Heading(2, f"az-{letter.lower()}", letter)], search=False,
                          description=f"Every place and council whose name is filed under {letter}, and the deals that cover it.")
        )
