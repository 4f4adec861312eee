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
from .accountable import CHOSEN_LABEL, role_title
from .agreements import DEAL_STATUS_LABEL, FollowOnRef, follow_on_refs, recipient_words
from .bundle import Heading
from .links import deal_uri, href

# --- labels -----------------------------------------------------------------

LEVEL_LABEL = {Level.city: "City", Level.county: "County", Level.city_region: "City region"}
STATUS_LABEL = DEAL_STATUS_LABEL
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
# Deals still being made: only their pages say "not yet"; a deal agreed or done expects nothing more.
OPEN = {DealStatus.proposed, DealStatus.negotiating}
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
    reduction_percent: Optional[Decimal]  # None: not a "more for less" budget
    savings_share_percent: Optional[Decimal]
    bodies: int = 0  # distinct bodies with a line in the budget (not the place's partners)
    pooled: bool = True  # some of it is existing spending pooled

    @property
    def more_for_less(self) -> bool:
        return self.reduction_percent is not None


def budget_size(deal: Deal) -> Optional[BudgetSize]:
    budget = deal.budget
    if budget is None:
        return None
    total = sum(budget.pence(amount) for line in budget.lines for amount in line.amounts.values())
    return BudgetSize(
        total, budget.years[0], budget.years[-1], len(budget.years), budget.reduction_percent, budget.savings_share_percent,
        len({line.body for line in budget.lines}), any(line.money.value == "pooled" for line in budget.lines),
    )


@dataclass(frozen=True)
class Figure:
    """The accountable figure, in words."""

    role: str  # "Mayor", or the role's title ("Mayor of West Yorkshire", the title of an 'other' role)
    chosen: str
    holder: str
    other_roles: list[str]
    visibility: str
    scrutinised_by: list[str]
    holder_since: Optional[object] = None  # PartialDate: when the current holder took office, if known

    @property
    def summary(self) -> str:
        return f"{self.role} ({self.chosen.lower()})"


def figure(deal: Deal) -> Figure:
    f = deal.accountable_figure
    return Figure(
        role=role_title(f),
        chosen=CHOSEN_LABEL[f.chosen],
        holder=f.holder.name if f.holder else ("Not yet known" if deal.status in OPEN or not f.holders else "No one at present"),
        other_roles=list(f.other_roles),
        visibility=f.visibility or "",
        scrutinised_by=list(f.scrutinised_by),
        holder_since=f.holder.since if f.holder else None,
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
    """One grant of a power on the menu: a menu power granted several times has one per grant."""

    id: str  # the menu power's id
    title: str  # the grant's own title where it has one ("Bus franchising"), else the menu's
    description: str
    status: str  # the enum value, for CSS
    status_label: str
    from_body: str
    conditions: str
    note: str
    round: str  # the round's title, or ""
    menu_title: str = ""  # the menu power's title
    recipient: str = ""  # who receives it, in words ("" where the deal does not say)
    first_used: Optional[object] = None  # PartialDate
    added_by: Optional[FollowOnRef] = None  # the later agreement that added it
    personal: bool = False  # granted to the mayor personally

    @property
    def own_title(self) -> bool:
        return self.title != self.menu_title


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
    power_status: dict[str, PowerView] = field(default_factory=dict)  # by menu id: its leading grant (agreed first)
    grants: dict[str, list[PowerView]] = field(default_factory=dict)  # by menu id: every grant, agreed first
    open: bool = False  # still proposed or negotiating: more may come ("not yet")

    def powers_with(self, status: str) -> list[PowerView]:
        return [p for p in self.powers if p.status == status]

    @property
    def has_recipients(self) -> bool:
        """Whether the deal says who receives any of its powers (the pilots do not)."""
        return any(p.recipient for p in self.powers)

    @property
    def powers_words(self) -> str:
        """What the accountability page says of the powers: how many the deal agreed and, where
        the deal says who receives them, how many are the figure's own (to the mayor personally).
        The rest are the authority's or the councils': the figure answers for them, but does
        not hold them, nor the deal's budget and funds."""
        agreed = self.powers_with("agreed")
        words = f"{len(agreed)} power{'s' if len(agreed) != 1 else ''} agreed"
        if self.has_recipients and self.deal.accountable_figure.role == "mayor":
            personal = sum(p.personal for p in agreed)
            words += f", {personal} of them to the {self.figure.role} personally" if personal else f", none to the {self.figure.role} personally"
        return words

    @property
    def usual_round(self) -> str:
        """The national round most of the deal's powers come from: named once above the powers
        table, and on a row only where the power's round differs (issue 13: deal pages at most
        80 KB). "" when no round is shared by two powers."""
        counts: dict[str, int] = {}
        for p in self.powers:
            if p.round:
                counts[p.round] = counts.get(p.round, 0) + 1
        best = max(counts.items(), key=lambda item: item[1], default=("", 0))  # the first of equals
        return best[0] if best[1] > 1 else ""

    def menu_groups(self, status: str) -> list[tuple[str, int]]:
        """(menu title, grants) of the powers with this status, each menu power once, in the
        deal's order: "Transport (4)" rather than "Transport, Transport, Transport, Transport"."""
        found: dict[str, int] = {}
        for p in self.powers_with(status):
            found[p.menu_title] = found.get(p.menu_title, 0) + 1
        return list(found.items())


class Views:
    """Builds views against one catalogue (menu and rounds looked up once)."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.menu = {p.id: p for p in catalogue.powers}
        self.rounds = {r.id: r for r in catalogue.rounds}

    def power(self, p, deal: Deal, refs: Optional[dict] = None) -> PowerView:
        item = self.menu.get(p.power)
        menu_title = item.title if item else p.power
        refs = follow_on_refs(deal) if refs is None else refs
        return PowerView(
            id=p.power,
            title=p.title or menu_title,
            description=item.description if item else "",
            status=p.status.value,
            status_label=POWER_LABEL[p.status],
            from_body=p.from_body,
            conditions=p.conditions or "",
            note=p.note or "",
            round=self.rounds[p.round].title if p.round in self.rounds else "",
            menu_title=menu_title,
            recipient=recipient_words(p.recipient, deal),
            first_used=p.first_used,
            added_by=refs.get(p.added_by) if p.added_by else None,
            personal=p.recipient is not None and p.recipient.kind == "mayor",
        )

    def deal(self, deal: Deal, page_uri: str) -> DealView:
        refs = follow_on_refs(deal)
        powers = sorted((self.power(p, deal, refs) for p in deal.powers), key=lambda p: POWER_ORDER[PowerStatus(p.status)])
        grants: dict[str, list[PowerView]] = {}
        for p in powers:
            grants.setdefault(p.id, []).append(p)
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
            power_status={pid: found[0] for pid, found in grants.items()},
            grants=grants,
            open=deal.status in OPEN,
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
    grants: int = 0  # grants of it in every deal: a deal may be granted a menu power several times


def power_counts(views: list[DealView], menu: list[MenuPower]) -> list[PowerCount]:
    """Deals by the status of each menu power: a deal counts once, under its leading grant's status
    (agreed before requested, deferred, declined and withdrawn), however many grants it has."""
    result = []
    labels = list(POWER_LABEL.values()) + [NOT_ASKED]
    for item in menu:
        statuses = [v.power_status[item.id].status_label if item.id in v.power_status else NOT_ASKED for v in views]
        grants = sum(len(v.grants.get(item.id, ())) for v in views)
        result.append(PowerCount(item, [(label, statuses.count(label)) for label in labels], grants))
    return result


@dataclass(frozen=True)
class MatrixCell:
    """One deal's grants of one menu power, for the powers page."""

    status: str  # the leading grant's status (for CSS), or "none"
    label: str  # "Agreed", "4 agreed", "3 agreed, 1 declined", "Not asked"
    titles: list[str]  # each grant's own title, where it has one or there are several


def matrix_cell(grants: list[PowerView]) -> MatrixCell:
    if not grants:
        return MatrixCell("none", NOT_ASKED, [])
    if len(grants) == 1:
        g = grants[0]
        return MatrixCell(g.status, g.status_label, [g.title] if g.own_title else [])
    counts: dict[str, int] = {}
    for g in grants:
        counts[g.status_label] = counts.get(g.status_label, 0) + 1
    label = ", ".join(f"{n} {status.lower()}" for status, n in counts.items())
    return MatrixCell(grants[0].status, label[0].upper() + label[1:], [g.title for g in grants])


def toc(pairs) -> list[Heading]:
    return [Heading(level, anchor, title) for level, anchor, title in pairs]


