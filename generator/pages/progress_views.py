"""The progress review as views: what the dashboard, the pack and each deal page show of progress.

Every figure comes from :mod:`generator.compute.progress` (statuses by the documented rule);
this module only formats and counts them for ``site_templates/progress/*`` and the deal
pages: :class:`Review` (the progress of every deal on one build date, one line per deal),
the rows of its tables, and :func:`outcome_row` (one outcome, formatted as the deal gives it).
The pages themselves are made in ``progress.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from ..compute.display import number
from ..compute.progress import (
    STATUS_ORDER,
    BudgetProgress,
    EventProgress,
    OutcomeProgress,
    budget_progress,
    deal_event_progress,
    deal_outcome_progress,
    outcome_progress,
)
from ..model import Deal, Outcome, PowerStatus
from .bundle import Context, reused
from .links import deal_uri, href
from .money import fund_views
from .views import OPEN, STATUS_LABEL, Figure, figure, measure


@dataclass(frozen=True)
class OutcomeRow:
    deal: Deal
    deal_href: str
    href: str  # the outcome on its deal page
    outcome: Outcome
    progress: OutcomeProgress
    latest: str  # value as written, or ""
    latest_date: Optional[dt.date]
    expected: str
    gap: str
    share: str  # e.g. "72.5%", or ""
    target: str
    themes: list[str]
    powers: list[tuple[str, str, str]]  # (menu id, title, the power's status in this deal or "not asked for")

    @property
    def status(self) -> str:
        return self.progress.status.value

    @property
    def status_label(self) -> str:
        return self.progress.status.label


@dataclass(frozen=True)
class ReadingRow:
    deal: Deal
    deal_href: str
    outcome: Outcome
    href: str
    date: dt.date
    value: str
    added: Optional[dt.date]  # when it first appeared in deals/ (git), None when unknown
    recent: bool  # added (or, without history, dated) on or after the default cutoff

    @property
    def sort_date(self) -> dt.date:
        return self.added or self.date


@dataclass(frozen=True)
class MilestoneRow:
    deal: Deal
    deal_href: str
    progress: EventProgress


@dataclass(frozen=True)
class DealProgress:
    deal: Deal
    href: str
    outcomes: list[OutcomeRow]
    events: list[EventProgress]
    budget: Optional[BudgetProgress]
    counts: dict  # Status -> number
    status_label: str = ""  # the deal's status in words
    figure: Optional[Figure] = None  # the accountable figure in words (the role's title, not its code)
    funds: tuple = ()  # pages/money.py FundView: the money beside the budget
    open: bool = False  # still proposed or negotiating


def places(*values: Optional[Decimal]) -> int:
    """Decimal places as written in the deal (the most among values)."""
    found = [max(0, -v.as_tuple().exponent) for v in values if v is not None and isinstance(v.as_tuple().exponent, int)]
    return max(found, default=0)


def outcome_row(deal: Deal, p: OutcomeProgress, from_uri: str, menu: dict, theme_titles: dict) -> OutcomeRow:
    o = p.outcome
    shown = places(*(point.value for point in (o.baseline, o.target, p.latest) if point is not None))
    own = {power.power: power.status.value for power in deal.powers}
    return OutcomeRow(
        deal=deal,
        deal_href=href(from_uri, deal_uri(deal)),
        href=href(from_uri, deal_uri(deal), f"outcome-{o.id}"),
        outcome=o,
        progress=p,
        latest=measure(p.latest.value, o.unit) if p.latest else "",
        latest_date=p.latest.date if p.latest else None,
        expected=measure(p.expected.quantize(Decimal(1).scaleb(-shown)) if p.expected is not None else Decimal(0), o.unit)
        if p.expected is not None else "",
        gap=(("+" if p.gap > 0 else "") + number(p.gap, shown)) if p.gap is not None else "",
        share=(number(p.share_percent, 0) + "%") if p.share is not None else "",
        target=measure(o.target.value, o.unit) if o.target else "",
        themes=[theme_titles.get(t, t) for t in o.themes],
        powers=[(pid, menu[pid].title if pid in menu else pid, own.get(pid, "not asked for")) for pid in o.powers],
    )


def theme_title(theme: str) -> str:
    return theme.replace("-", " ").capitalize()


def counts(rows) -> dict:
    found = Counter(r.progress.status for r in rows)
    return {s: found.get(s, 0) for s in STATUS_ORDER}


@dataclass(frozen=True)
class DealSummary:
    """One deal's line on the dashboard and in the pack: counts only, whatever its size."""

    deal: Deal
    href: str  # the deal's page
    counts: dict  # Status -> number of outcomes
    outcomes: int
    overdue: int  # milestones overdue on the build date


@dataclass(frozen=True)
class CountRow:
    """Outcomes counted by status for one theme or one power on the menu."""

    id: str  # row anchor: theme-<id> or power-<id>
    title: str
    counts: dict  # Status -> number of outcomes
    outcomes: int
    deals: int  # deals with at least one such outcome
    not_agreed: int = 0  # (powers) outcomes whose deal has not agreed the power


def _count_row(anchor: str, title: str, found: Counter, deals: set, not_agreed: int = 0) -> CountRow:
    return CountRow(anchor, title, {s: found.get(s, 0) for s in STATUS_ORDER}, sum(found.values()), len(deals), not_agreed)


def _deal_statuses(deal: Deal, today: dt.date) -> tuple[tuple[str, ...], tuple]:
    """Each outcome's status, in order, and the deal's overdue milestones (kept between previews: tuples)."""
    return tuple(outcome_progress(o, today).status for o in deal.outcomes), tuple(e for e in deal_event_progress(deal, today) if e.overdue)


class Review:
    """The progress of every deal on one build date, as counts: built once for the dashboard and
    the pack. Work and size are one line per deal; each outcome's figures stay on its deal page
    and in the downloads (``outcomes-progress.csv``)."""

    def __init__(self, ctx: Context, from_uri: str):
        self.ctx = ctx
        self.today = today = ctx.now.date()
        deals_href = href(from_uri, "deals/index.md")  # + "<slug>/": one relpath for every deal
        self.deals: list[DealSummary] = []
        self.milestones: list[MilestoneRow] = []  # overdue ones
        by_theme: dict[str, Counter] = {}
        theme_deals: dict[str, set] = {}
        by_power: dict[str, Counter] = {}
        power_deals: dict[str, set] = {}
        not_agreed: Counter = Counter()
        for deal in ctx.catalogue.deals:
            deal_href = f"{deals_href}{deal.slug}/"
            statuses = Counter()
            agreed = {p.power for p in deal.powers if p.status is PowerStatus.agreed}
            found, late_events = reused(ctx, deal, "progress", lambda: _deal_statuses(deal, today))
            for o, status in zip(deal.outcomes, found):
                statuses[status] += 1
                for t in o.themes:
                    by_theme.setdefault(t, Counter())[status] += 1
                    theme_deals.setdefault(t, set()).add(deal.slug)
                for pid in o.powers:
                    by_power.setdefault(pid, Counter())[status] += 1
                    power_deals.setdefault(pid, set()).add(deal.slug)
                    if pid not in agreed:
                        not_agreed[pid] += 1
            late = [MilestoneRow(deal, deal_href, e) for e in late_events]
            self.milestones += late
            self.deals.append(DealSummary(deal, deal_href, {s: statuses.get(s, 0) for s in STATUS_ORDER}, len(deal.outcomes), len(late)))
        self.counts = {s: sum(d.counts[s] for d in self.deals) for s in STATUS_ORDER}
        self.outcomes = sum(d.outcomes for d in self.deals)
        self.overdue_count = len(self.milestones)
        titles = {t: theme_title(t) for p in ctx.catalogue.powers for t in p.themes}
        self.themes = sorted(
            (_count_row(f"theme-{t}", titles.get(t, theme_title(t)), found, theme_deals[t]) for t, found in by_theme.items()),
            key=lambda r: (r.title, r.id),
        )
        menu = {p.id: p for p in ctx.catalogue.powers}
        order = {p.id: i for i, p in enumerate(ctx.catalogue.powers)}
        self.powers = [
            _count_row(f"power-{pid}", menu[pid].title if pid in menu else pid, by_power[pid], power_deals[pid], not_agreed[pid])
            for pid in sorted(by_power, key=lambda pid: (order.get(pid, len(order)), pid))  # menu order
        ]

    def overdue(self) -> list[MilestoneRow]:
        return sorted(self.milestones, key=lambda r: (-r.progress.slippage_days, r.deal.slug, r.progress.event.title))

    def readings(
        self, added: Optional[dict], cutoff: dt.date, window: dt.date, from_uri: str, limit: int
    ) -> tuple[list[ReadingRow], int, int]:
        """Readings added (or, without history, dated) on or after ``window``, newest first:
        the first ``limit`` of them, how many there are, and how many are on or after ``cutoff``.

        At 1,000 deals there can be 200,000: only the rows shown are formatted."""
        deals_href = href(from_uri, "deals/index.md")
        today = self.today
        found = []
        for deal in self.ctx.catalogue.deals:
            for o in deal.outcomes:
                for r in o.readings:
                    if added is None:
                        added_date = None
                        if r.date < window:
                            continue
                    else:
                        when = added.get((deal.slug, o.id, r.date)) or today  # not yet committed: new in this build
                        added_date = when.date() if isinstance(when, dt.datetime) else when
                        if added_date < window:
                            continue
                    found.append((added_date or r.date, r.date, deal.slug, o.id, deal, o, r, added_date))
        found.sort(key=lambda f: f[:4], reverse=True)
        rows = []
        for sort_date, date, slug, _, deal, o, r, added_date in found[:limit]:
            deal_href = f"{deals_href}{slug}/"
            rows.append(
                ReadingRow(deal, deal_href, o, f"{deal_href}#outcome-{o.id}", date, measure(r.value, o.unit), added_date, sort_date >= cutoff)
            )
        return rows, len(found), sum(1 for f in found if f[0] >= cutoff)

    def full(self, from_uri: str) -> list[DealProgress]:
        """Every deal's outcomes, milestones and budget in full (the pack, for a handful of deals)."""
        menu = {p.id: p for p in self.ctx.catalogue.powers}
        themes = {t: theme_title(t) for p in self.ctx.catalogue.powers for t in p.themes}
        found = []
        for deal in self.ctx.catalogue.deals:
            rows = [outcome_row(deal, p, from_uri, menu, themes) for p in deal_outcome_progress(deal, self.today).values()]
            found.append(
                DealProgress(
                    deal, href(from_uri, deal_uri(deal)), rows, deal_event_progress(deal, self.today), budget_progress(deal), counts(rows),
                    STATUS_LABEL[deal.status], figure(deal), tuple(fund_views(deal, self.today)), deal.status in OPEN,
                )
            )
        return found
