"""The pages residents read: the home list, a page per deal, and the cross-deal views.

Views are computed here as small dataclasses (labels, totals, slippage, links);
the templates in ``site_templates/`` only lay them out and format them with the
filters of ``display.py``. Deal text reaches the templates as plain strings and
is escaped there by Jinja's autoescape.

Size: a deal page holds only its own deal, so it stays the same size however
many deals there are; the cross-deal pages (powers, accountability, compare,
timetable) grow linearly with the number of deals and keep their markup lean.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Optional

from .budget import budget_view
from .display import number
from .model import Catalogue, Deal, DealStatus, Event, Level, MenuPower, Outcome, PowerStatus, Reading
from .site import Bundle, Context, GeneratedPage, Heading, SearchEntry, deal_uri, index_by_summary
from .timeline import STATES, Chart, Slippage, bar_chart, chart, round_counts, slippage
from .timeline import state as event_state

# --- labels -----------------------------------------------------------------

LEVEL_LABEL = {Level.city: "City", Level.county: "County", Level.city_region: "City region"}
STATUS_LABEL = {
    DealStatus.proposed: "Proposed",
    DealStatus.negotiating: "Negotiating",
    DealStatus.agreed: "Agreed",
    DealStatus.in_delivery: "In delivery",
    DealStatus.completed: "Completed",
    DealStatus.withdrawn: "Withdrawn",
}
STATUS_ORDER = {status: i for i, status in enumerate(STATUS_LABEL)}
POWER_LABEL = {
    PowerStatus.agreed: "Agreed",
    PowerStatus.requested: "Requested",
    PowerStatus.deferred: "Deferred",
    PowerStatus.declined: "Declined",
}
POWER_ORDER = {status: i for i, status in enumerate(POWER_LABEL)}
NOT_ASKED = "Not asked"
ROLE_LABEL = {"mayor": "Mayor", "sheriff": "Sheriff", "governor": "Governor", "commissioner": "Commissioner"}
CHOSEN_LABEL = {
    "directly-elected": "Directly elected",
    "indirectly-elected": "Indirectly elected",
    "appointed": "Appointed",
    "to-be-decided": "To be decided",
}
KEY_DATE_LABEL = {
    "invited": "Invited to negotiate",
    "proposed": "Proposal submitted",
    "agreed": "Deal agreed",
    "signed": "Deal signed",
    "review": "Review due",
}

HOME_URI = "index.md"
POWERS_URI = "powers.md"
ACCOUNTABILITY_URI = "accountability.md"
COMPARE_URI = "compare.md"
TIMETABLE_URI = "timetable.md"

DEAL_SECTIONS = [
    ("summary", "Summary"),
    ("outcomes", "Outcomes"),
    ("powers", "Powers"),
    ("accountability", "Accountable figure"),
    ("budget", "Budget"),
    ("negotiation", "Negotiation timeline"),
    ("updates", "Updates"),
    ("sources", "Sources"),
]


def href(from_uri: str, to_uri: str, anchor: str = "") -> str:
    """A relative link between two pages' directory URLs: 'powers.md' -> 'deals/kent.md' is '../deals/kent/'."""

    path = _relative_directory(from_uri, to_uri)
    return path + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=65536)  # posixpath.relpath is slow, and pages across deals ask thousands of times
def _relative_directory(from_uri: str, to_uri: str) -> str:
    def directory(uri: str) -> str:
        stem = uri[: -len(".md")]
        if stem == "index":
            return "."
        return stem[: -len("/index")] if stem.endswith("/index") else stem

    path = posixpath.relpath(directory(to_uri), directory(from_uri))
    return "./" if path == "." else path + "/"


# --- views --------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetSize:
    """The single place budget's baseline, summed over its years in exact pence."""

    total_pence: int
    first_year: str
    last_year: str
    years: int
    reduction_percent: Decimal
    savings_share_percent: Decimal


def budget_size(deal: Deal) -> Optional[BudgetSize]:
    budget = deal.budget
    if budget is None:
        return None
    total = sum(budget.pence(amount) for line in budget.lines for amount in line.amounts.values())
    return BudgetSize(
        total, budget.years[0], budget.years[-1], len(budget.years), budget.reduction_percent, budget.savings_share_percent
    )


@dataclass(frozen=True)
class Figure:
    """The accountable figure, in words."""

    role: str  # "Mayor", or the title given for an 'other' role
    chosen: str
    holder: str
    other_roles: list[str]
    visibility: str
    scrutinised_by: list[str]

    @property
    def summary(self) -> str:
        return f"{self.role} ({self.chosen.lower()})"


def figure(deal: Deal) -> Figure:
    f = deal.accountable_figure
    role = f.title if f.role == "other" or f.title else ROLE_LABEL[f.role]
    return Figure(
        role=role or "",
        chosen=CHOSEN_LABEL[f.chosen],
        holder=f.holder or "Not yet known",
        other_roles=list(f.other_roles),
        visibility=f.visibility or "",
        scrutinised_by=list(f.scrutinised_by),
    )


def measure(value: Decimal, unit: str) -> str:
    """A reading as written, with thousands separators: 2140 admissions per 100,000; 46.0%."""
    places = max(0, -value.as_tuple().exponent) if isinstance(value.as_tuple().exponent, int) else 0
    text = number(value, places)
    return f"{text}%" if unit.strip().lower() in ("percent", "%", "per cent") else f"{text} {unit}"


@dataclass(frozen=True)
class ValueAt:
    text: str
    date: dt.date


@dataclass(frozen=True)
class ReadingView:
    value: ValueAt
    commentary: str
    remedial_action: str


@dataclass(frozen=True)
class OutcomeView:
    outcome: Outcome  # the model, for partials that compute more (progress status)
    anchor: str
    baseline: ValueAt
    target: ValueAt
    milestones: list[ValueAt]
    latest: Optional[ReadingView]
    readings: list[ReadingView]  # every reading, oldest first
    powers: list[str]  # titles of the menu powers it relies on


def _reading(r: Reading, unit: str) -> ReadingView:
    return ReadingView(ValueAt(measure(r.value, unit), r.date), r.commentary or "", r.remedial_action or "")


def outcome_view(o: Outcome, menu: dict[str, MenuPower]) -> OutcomeView:
    readings = [_reading(r, o.unit) for r in sorted(o.readings, key=lambda r: r.date)]
    return OutcomeView(
        outcome=o,
        anchor=f"outcome-{o.id}",
        baseline=ValueAt(measure(o.baseline.value, o.unit), o.baseline.date),
        target=ValueAt(measure(o.target.value, o.unit), o.target.date),
        milestones=[ValueAt(measure(m.value, o.unit), m.date) for m in sorted(o.milestones, key=lambda m: m.date)],
        latest=readings[-1] if readings else None,
        readings=readings,
        powers=[menu[p].title if p in menu else p for p in o.powers],
    )


@dataclass(frozen=True)
class PowerView:
    id: str
    title: str
    description: str
    status: str  # the enum value, for CSS
    status_label: str
    from_body: str
    conditions: str
    note: str
    round: str  # the round's title, or ""


@dataclass(frozen=True)
class EventView:
    title: str
    kind: str
    planned: dt.date
    actual: Optional[dt.date]
    slip: Slippage
    round: str
    note: str


@dataclass(frozen=True)
class DealView:
    """One deal as every public page shows it; links are relative to ``page_uri``."""

    deal: Deal
    href: str
    place: str
    level: str
    status: str  # enum value, for CSS and sorting
    status_label: str
    figure: Figure
    budget: Optional[BudgetSize]
    powers: list[PowerView]  # this deal's powers, agreed first
    power_status: dict[str, PowerView] = field(default_factory=dict)  # by menu id

    def powers_with(self, status: str) -> list[PowerView]:
        return [p for p in self.powers if p.status == status]


class Views:
    """Builds views against one catalogue (menu and rounds looked up once)."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.menu = {p.id: p for p in catalogue.powers}
        self.rounds = {r.id: r for r in catalogue.rounds}

    def power(self, p) -> PowerView:
        item = self.menu.get(p.power)
        return PowerView(
            id=p.power,
            title=item.title if item else p.power,
            description=item.description if item else "",
            status=p.status.value,
            status_label=POWER_LABEL[p.status],
            from_body=p.from_body,
            conditions=p.conditions or "",
            note=p.note or "",
            round=self.rounds[p.round].title if p.round in self.rounds else "",
        )

    def deal(self, deal: Deal, page_uri: str) -> DealView:
        powers = sorted((self.power(p) for p in deal.powers), key=lambda p: POWER_ORDER[PowerStatus(p.status)])
        return DealView(
            deal=deal,
            href=href(page_uri, deal_uri(deal)),
            place=deal.place.name,
            level=LEVEL_LABEL[deal.place.level],
            status=deal.status.value,
            status_label=STATUS_LABEL[deal.status],
            figure=figure(deal),
            budget=budget_size(deal),
            powers=powers,
            power_status={p.id: p for p in powers},
        )

    def deals(self, page_uri: str) -> list[DealView]:
        """Every deal, in the default order: by place name."""
        views = [self.deal(d, page_uri) for d in self.catalogue.deals]
        return sorted(views, key=lambda v: (v.place.casefold(), v.deal.slug))

    def events(self, view: DealView) -> list[EventView]:
        return [
            EventView(
                title=e.title,
                kind=e.kind,
                planned=e.planned,
                actual=e.actual,
                slip=slippage(e),
                round=self.rounds[e.round].title if e.round in self.rounds else "",
                note=e.note or "",
            )
            for e in sorted(view.deal.negotiation.events, key=lambda e: (e.planned, e.title))
        ]


@dataclass(frozen=True)
class KeyDate:
    label: str
    date: dt.date


def key_dates(deal: Deal) -> list[KeyDate]:
    return [KeyDate(label, getattr(deal.dates, name)) for name, label in KEY_DATE_LABEL.items() if getattr(deal.dates, name)]


@dataclass(frozen=True)
class PowerCount:
    power: MenuPower
    counts: list[tuple[str, int]]  # (status label, deals), in POWER_LABEL order, then "Not asked"


def power_counts(views: list[DealView], menu: list[MenuPower]) -> list[PowerCount]:
    result = []
    for item in menu:
        statuses = [v.power_status[item.id].status_label if item.id in v.power_status else NOT_ASKED for v in views]
        labels = list(POWER_LABEL.values()) + [NOT_ASKED]
        result.append(PowerCount(item, [(label, statuses.count(label)) for label in labels]))
    return result


def _toc(pairs) -> list[Heading]:
    return [Heading(level, anchor, title) for level, anchor, title in pairs]


# --- pages --------------------------------------------------------------------


def deal_search_entries(deal: Deal, outcomes: list) -> list[SearchEntry]:
    """What search finds a deal by: its page (title, summary, place, figure, partners) and each
    outcome by its title, which leads straight to it. Figures and tables stay out, as on the
    page itself; the search page shows each outcome under its deal, so the outcome entry
    repeats nothing (the index must stay under 5 MB at 1,000 deals of 20 outcomes)."""
    base = f"deals/{deal.slug}/"
    figure = deal.accountable_figure
    about = [deal.summary, deal.place.name, *(p.name for p in deal.place.partners), figure.title or figure.role, figure.holder or ""]
    entries = [SearchEntry(base, deal.title, " ".join(t for t in about if t))]
    entries += [SearchEntry(f"{base}#{view.anchor}", view.outcome.title, "") for view in outcomes]
    return entries


def add_deal(ctx: Context, deal: Deal, bundle: Bundle) -> None:
    """The deal's page, its tables page (deals/<slug>/tables/: every reading, the baseline line
    by line, each invest-to-save scheme year by year; the deal page summarises them and links
    there, which keeps it small) and its entries in the search index."""
    from .pages_progress import deal_progress  # imported here: pages_progress uses href and measure from this module

    views = Views(ctx.catalogue)
    rounds = sorted(ctx.catalogue.rounds, key=lambda r: r.start)
    uri = deal_uri(deal)
    view = views.deal(deal, uri)
    outcomes = [outcome_view(o, views.menu) for o in deal.outcomes]
    events = views.events(view)
    timeline = chart(rounds, [(e.title, [ev]) for e, ev in zip(events, _sorted_events(deal))])
    budget = budget_view(deal, ctx.catalogue.deflators)
    tables_uri = deal_tables_uri(deal)
    html = ctx.env.get_template("deal.html").render(
        deal=deal,
        view=view,
        outcomes=outcomes,
        events=events,
        timeline=timeline,
        key_dates=key_dates(deal),
        budget=budget,
        tables=href(uri, tables_uri),
        links=_links(uri),
        progress=deal_progress(ctx, deal, uri),  # statuses by the progress rule (pages_progress)
        rounds=rounds,
        now=ctx.now,
    )
    headings = []
    for anchor, title in DEAL_SECTIONS:
        headings.append(Heading(2, anchor, title))
        if anchor == "outcomes":
            headings += [Heading(3, o.anchor, o.outcome.title) for o in outcomes]
    bundle.pages.append(GeneratedPage(uri, deal.title, html, headings, description=deal.summary, search=False))
    bundle.search += deal_search_entries(deal, outcomes)
    html = ctx.env.get_template("deal_tables.html").render(
        deal=deal, outcomes=outcomes, budget=budget, deal_page=href(tables_uri, uri)
    )
    headings = [Heading(2, "readings", "Readings by outcome")]
    headings += [Heading(3, o.anchor, o.outcome.title) for o in outcomes]
    headings.append(Heading(2, "budget-lines", "Baseline by body and stream"))
    if budget and budget.schemes:
        headings.append(Heading(2, "invest-to-save-by-year", "Invest to save year by year"))
    bundle.pages.append(
        GeneratedPage(
            tables_uri, f"{deal.title}: the figures in full", html, headings,
            description=f"Every reading of each outcome of {deal.title}, its baseline budget line by line and each invest-to-save scheme year by year.",
            search=False,
        )
    )


def deal_tables_uri(deal: Deal) -> str:
    """The deal's tables page, beside its page: deals/<slug>/tables/."""
    return f"deals/{deal.slug}/tables.md"


@dataclass(frozen=True)
class DealEvents:
    """One deal's meetings and milestones on the timetable page, counted by state."""

    view: DealView
    counts: dict  # timeline.STATES key -> number
    total: int
    longest_delay: Optional[int]  # days, of those that happened late
    next_planned: Optional[dt.date]  # the next planned date not yet passed


def deal_events(view: DealView, today: dt.date) -> DealEvents:
    counts = {key: 0 for key, _ in STATES}
    delays, coming = [], []
    for e in view.deal.negotiation.events:
        s = event_state(e, today)
        counts[s] += 1
        if s == "late":
            delays.append((e.actual - e.planned).days)
        elif s == "not-due":
            coming.append(e.planned)
    return DealEvents(view, counts, len(view.deal.negotiation.events), max(delays, default=None), min(coming, default=None))


def add(ctx: Context, bundle: Bundle) -> None:
    """The pages across deals: the home page's list, powers, accountability, compare, timetable.

    Each is one row per deal (or a count per power or round), so it stays small at a thousand
    deals; a deal's detail is on its own page. The views are built once: every one of these
    pages is at the top of the site, so its links to deal pages are the same.
    """
    first = len(bundle.pages)
    views = Views(ctx.catalogue)
    rounds = sorted(ctx.catalogue.rounds, key=lambda r: r.start)
    today = ctx.now.date()
    deals = views.deals(POWERS_URI)

    home = href(HOME_URI, "deals/index.md")  # "deals/": the home page is the site's root
    bundle.fragments["deal-list"] = ctx.env.get_template("deal_list.html").render(
        deals=[replace(v, href=f"{home}{v.deal.slug}/") for v in deals], links=_links(HOME_URI)
    )

    bundle.pages.append(
        GeneratedPage(
            POWERS_URI,
            "Powers",
            ctx.env.get_template("powers.html").render(
                deals=deals, menu=ctx.catalogue.powers, counts=power_counts(deals, ctx.catalogue.powers),
                statuses=list(POWER_LABEL.values()) + [NOT_ASKED], links=_links(POWERS_URI)
            ),
            _toc([(2, "menu", "The menu of powers"), (2, "matrix", "Every deal's powers"), (2, "counts", "Powers in numbers")]),
            description="The menu of powers, and which each deal has agreed, requested, deferred or been refused.",
        )
    )

    bundle.pages.append(
        GeneratedPage(
            ACCOUNTABILITY_URI,
            "Accountability",
            ctx.env.get_template("accountability.html").render(deals=deals, links=_links(ACCOUNTABILITY_URI)),
            _toc([(2, "figures", "Every deal's accountable figure")]),
            description="Who answers for each deal, how they are chosen, what they hold and who scrutinises them.",
        )
    )

    bundle.pages.append(
        GeneratedPage(
            COMPARE_URI,
            "Compare deals",
            ctx.env.get_template("compare.html").render(deals=deals, links=_links(COMPARE_URI)),
            _toc([(2, "choose", "Choose deals"), (2, "side-by-side", "Deals side by side")]),
            description="Deals side by side, one row each: budget, outcomes and powers.",
        )
    )

    by_round = round_counts(rounds, [e for d in ctx.catalogue.deals for e in d.negotiation.events], today)
    bundle.pages.append(
        GeneratedPage(
            TIMETABLE_URI,
            "Timetable of negotiation rounds",
            ctx.env.get_template("timetable.html").render(
                by_round=by_round,
                bars=bar_chart(by_round),
                states=STATES,
                deals=[deal_events(v, today) for v in deals if v.deal.negotiation.events],
                without=sum(1 for v in deals if not v.deal.negotiation.events),
                links=_links(TIMETABLE_URI),
                rounds=rounds,
                now=ctx.now,
            ),
            _toc([(2, "rounds", "National rounds"), (2, "chart", "Meetings and milestones by round"), (2, "events", "Each deal's meetings and milestones")]),
            description="The national rounds of negotiation, and every deal's meetings and milestones counted by round: on time, late or still to come.",
        )
    )
    # Found by title and description; the powers page by its menu of powers too.
    menu = " ".join(f"{p.title}. {p.description}" for p in ctx.catalogue.powers)
    powers = next(p for p in bundle.pages[first:] if p.src_uri == POWERS_URI)
    index_by_summary(bundle, bundle.pages[first:], {POWERS_URI: f"{powers.description} {menu}"})


def _sorted_events(deal: Deal) -> list[Event]:
    return sorted(deal.negotiation.events, key=lambda e: (e.planned, e.title))


def _links(page_uri: str) -> dict[str, str]:
    """Links from page_uri to the site's fixed pages."""
    return {
        name: href(page_uri, uri)
        for name, uri in (
            ("home", HOME_URI),
            ("powers", POWERS_URI),
            ("accountability", ACCOUNTABILITY_URI),
            ("compare", COMPARE_URI),
            ("timetable", TIMETABLE_URI),
        )
    }
