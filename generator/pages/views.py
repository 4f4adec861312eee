"""The public views of a deal: labels, figures and rows, worked out from the model for the templates.

Views are small frozen dataclasses (labels, totals, slippage, links); the templates in
``site_templates/`` only lay them out and format them with the filters of
``compute/display.py``. Deal text reaches the templates as plain strings and is escaped
there by Jinja's autoescape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from ..compute.display import number
from ..compute.timeline import Slippage, slippage
from ..model import (
    Catalogue,
    Deal,
    DealStatus,
    Level,
    MenuPower,
    Outcome,
    PowerStatus,
    Reading,
)
from .bundle import Heading
from .links import deal_uri, href

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
    PowerStatus.withdrawn: "Withdrawn",  # agreed, then taken out of the deal
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
        holder=f.holder.name if f.holder else "Not yet known",
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
    baseline: Optional[ValueAt]  # None: the outcome cannot be rated
    target: Optional[ValueAt]  # None: monitored without a target
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
        baseline=ValueAt(measure(o.baseline.value, o.unit), o.baseline.date) if o.baseline else None,
        target=ValueAt(measure(o.target.value, o.unit), o.target.date) if o.target else None,
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


def toc(pairs) -> list[Heading]:
    return [Heading(level, anchor, title) for level, anchor, title in pairs]


