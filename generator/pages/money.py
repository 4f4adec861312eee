"""The deal's money other than the "more for less" arithmetic: funds, their gateway reviews, and
what kinds of money a single place budget holds. Views for ``partials/funds.html`` and the
summary's "How much money".

Every figure is exact and written as published (``compute/funds.py``): "up to £30m a year for 30
years, up to £900m in all". A figure marked illustrative in the deal file says so beside it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from ..compute.display import given_percent, money
from ..compute.funds import (
    PENDING,
    RELEASED,
    WITHHELD,
    Tranche,
    TrancheChart,
    fund_total,
    last_year,
    published,
    tranche_chart,
    tranches,
)
from ..model import Deal, Fund, FundKind, MoneyKind, Published
from .agreements import FollowOnRef, and_list, follow_on_refs, plural

FUND_KIND_LABEL = {
    FundKind.investment_fund: "Investment fund",
    FundKind.transport: "Transport settlement",
    FundKind.housing: "Housing fund",
    FundKind.skills: "Skills fund",
    FundKind.settlement: "Integrated settlement",
    FundKind.one_off: "One-off sum",
    FundKind.other: "Other money",
}
ILLUSTRATIVE = " (illustrative)"
MONEY_KIND_LABEL = {
    MoneyKind.pooled: "existing spending pooled",
    MoneyKind.new: "new money",
    MoneyKind.transferred: "money transferred from national bodies",
}


def _figure(p: Published, unit) -> str:
    return published(p.amount, unit, p.as_published) + (ILLUSTRATIVE if p.illustrative else "")


@dataclass(frozen=True)
class TrancheView:
    tranche: Tranche
    amount: str  # "£190m", "up to £150m"
    years: str  # "2020-21 to 2024-25", or "years 6 to 10" when the first year is not known
    released: str  # what passing the review released, as published, where the deal gives it
    note: str  # the review's note


@dataclass(frozen=True)
class FundView:
    fund: Fund
    anchor: str  # fund-<id>
    kind_label: str
    amount: str  # the headline: "£38m a year for 30 years, from 2020-21 to 2049-50" or "about £2bn"
    total: str  # "£1,140m in all", or "" when the headline is the total or there is none
    capital: str  # "25% capital, 75% revenue", or ""
    added_by: Optional[FollowOnRef]
    tranches: list[TrancheView]
    chart: Optional[TrancheChart]

    @property
    def chart_rows(self) -> list:
        """(bar, tranche view) pairs, for drawing each bar with its label."""
        return list(zip(self.chart.bars, self.tranches)) if self.chart else []

    @property
    def tranches_words(self) -> str:
        """'1 of 6 tranches released; 5 pending': the tranches counted by state."""
        counts = Counter(t.tranche.state for t in self.tranches)
        words = f"{counts.get(RELEASED, 0)} of {plural(len(self.tranches), 'tranche')} released"
        rest = [f"{counts[s]} {s}" for s in (WITHHELD, PENDING) if counts.get(s)]
        return words + ("; " + and_list(rest) if rest else "")

    @property
    def headline(self) -> str:
        """'£38m a year for 30 years, 2020-21 to 2049-50 (£1,140m in all)', or 'about £2bn'."""
        return f"{self.amount} ({self.total})" if self.total else self.amount


def fund_view(fund: Fund, today: dt.date, refs: dict[str, FollowOnRef]) -> FundView:
    total = fund_total(fund)
    if fund.per_year is not None:
        amount = _figure(fund.per_year, fund.unit) + " a year"
        if fund.years is None:
            amount += ", with no end stated" + (f", from {fund.first_year}" if fund.first_year else "")
        else:
            amount += f" for {plural(fund.years, 'year')}"
            if fund.first_year:
                amount += f", {fund.first_year} to {last_year(fund)}"
        shown_total = ""
        if total is not None:
            shown_total = published(total.amount, fund.unit, total.as_published) + " in all" + (ILLUSTRATIVE if total.illustrative else "")
    else:
        amount = _figure(fund.total, fund.unit) + (f", from {fund.first_year}" if fund.first_year else "")
        shown_total = ""
    capital = ""
    if fund.capital_percent is not None:
        capital = f"{given_percent(fund.capital_percent)} capital, {given_percent(100 - fund.capital_percent)} revenue"
    found = tranches(fund, today)
    views = [_tranche_view(t, fund) for t in found]
    chart = tranche_chart(found, fund.years) if found else None
    return FundView(
        fund, f"fund-{fund.id}", FUND_KIND_LABEL[fund.kind], amount, shown_total, capital,
        refs.get(fund.added_by) if fund.added_by else None, views, chart,
    )


def _tranche_view(t: Tranche, fund: Fund) -> TrancheView:
    amount = published(t.amount, fund.unit, t.as_published) + (ILLUSTRATIVE if fund.per_year.illustrative else "")
    if t.first_year:
        years = t.first_year if t.years == 1 else f"{t.first_year} to {t.last_year}"
    else:
        years = f"year {t.start + 1}" if t.years == 1 else f"years {t.start + 1} to {t.start + t.years}"
    gateway = t.gateway
    released = _figure(gateway.releases, fund.unit) if gateway is not None and gateway.releases is not None else ""
    return TrancheView(t, amount, years, released, (gateway.note or "") if gateway is not None else "")


def fund_views(deal: Deal, today: dt.date) -> list[FundView]:
    refs = follow_on_refs(deal)
    return [fund_view(f, today, refs) for f in deal.funds]


# --- the summary's "How much money" ----------------------------------------------------------------


@dataclass(frozen=True)
class BudgetKinds:
    """What a single place budget holds by kind of money, summed over its years (exact pence)."""

    kinds: list[tuple[str, int, int]]  # (words, lines, pence), in MoneyKind order, kinds present only
    capped: int  # lines published as a cap ("up to")
    estimated: int  # lines published as an estimate ("about")
    illustrative: int  # lines marked illustrative
    bodies: int  # distinct bodies with a line in the budget

    @property
    def words(self) -> str:
        """A sentence: 'All of it is existing spending pooled.', or each kind with its amount,
        'Kinds of money: existing spending pooled £900.0m and new money £100.0m.'"""
        if len(self.kinds) == 1:
            return f"All of it is {self.kinds[0][0]}."
        return "Kinds of money: " + and_list([f"{words} {money(pence)}" for words, _, pence in self.kinds]) + "."

    @property
    def marks(self) -> str:
        """How some lines are published: 'Of its 6 lines, 2 are caps ("up to") and 1 is illustrative.'"""
        parts = []
        if self.capped:
            parts.append(f"{plural(self.capped, 'is a cap', 'are caps')} (“up to”)")
        if self.estimated:
            parts.append(f"{plural(self.estimated, 'is an estimate', 'are estimates')} (“about”)")
        if self.illustrative:
            parts.append(f"{plural(self.illustrative, 'is illustrative', 'are illustrative')}")
        return and_list(parts)


def budget_kinds(deal: Deal) -> Optional[BudgetKinds]:
    budget = deal.budget
    if budget is None:
        return None
    pence: Counter = Counter()
    lines: Counter = Counter()
    for line in budget.lines:
        pence[line.money] += sum(budget.pence(a) for a in line.amounts.values())
        lines[line.money] += 1
    kinds = [(MONEY_KIND_LABEL[k], lines[k], pence[k]) for k in MoneyKind if lines[k]]
    return BudgetKinds(
        kinds,
        sum(line.as_published == "up-to" for line in budget.lines),
        sum(line.as_published == "about" for line in budget.lines),
        sum(line.illustrative for line in budget.lines),
        len({line.body for line in budget.lines}),
    )


def funds_summary(views: list[FundView]) -> str:
    """The first fund the deal lists (editors list the main one first), and how many more:
    "West Yorkshire Investment Fund: £38m a year for 30 years, 2020-21 to 2049-50, £1,140m in
    all; and 9 other funds and sums." Funds are not added up: a fund a year for decades, a
    one-off sum and existing spending under joint control are different kinds of money."""
    if not views:
        return ""
    first = views[0]
    words = f"{first.fund.name}: {first.headline}"
    if len(views) > 1:
        words += f"; and {plural(len(views) - 1, 'other fund or sum', 'other funds and sums')}"
    return words + "."


LINE_MONEY = {MoneyKind.new: "new money", MoneyKind.transferred: "transferred"}
LINE_PUBLISHED = {"up-to": "up to", "about": "about"}


def line_marks(deal: Deal) -> dict[tuple[str, str], str]:
    """(body, stream) -> how a budget line differs from existing spending published exactly:
    'new money; up to', 'transferred; illustrative'. Lines pooled exactly have no mark."""
    marks: dict[tuple[str, str], list[str]] = {}
    for line in deal.budget.lines if deal.budget else []:
        found = marks.setdefault((line.body, line.stream), [])
        for mark in (LINE_MONEY.get(line.money), LINE_PUBLISHED.get(line.as_published), "illustrative" if line.illustrative else None):
            if mark and mark not in found:
                found.append(mark)
    return {key: "; ".join(found) for key, found in marks.items() if found}

