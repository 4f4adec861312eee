"""Funds over many years: their totals, their tranches and gateway reviews, and the chart of them.

A fund of ``per_year`` for ``years`` years reviewed every ``gateway_every`` years is paid in
tranches of ``gateway_every`` years (the last one shorter when the years do not divide):
West Yorkshire's £38m a year for 30 years, reviewed every 5, is 6 tranches of £190m, £1,140m in
all. The first tranche is released with the deal; each later one is released when the review
before it passes, withheld when it fails, and pending while the review is deferred or has no
published result: "not yet due" before its due date, "result awaited" from it.

Amounts stay exact ``Decimal`` in the fund's own unit and are written as published ("up to
£30m", "about £6bn"): nothing here rounds. Chart geometry is in percent of the chart's width,
to two decimal places (half up), like the budget's charts (``budget/charts.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from ..model import AsPublished, Fund, Gateway, GatewayOutcome, PartialDate, Unit

HUNDRED = Decimal(100)
ROW = 44  # pixels per tranche: a label line, then the bar
LABEL = 16  # the label's baseline below the row's top
BAR_TOP = 22  # the bar's top below the row's top
BAR_HEIGHT = 14

RELEASED, WITHHELD, PENDING = "released", "withheld", "pending"
STATE_LABEL = {RELEASED: "Released", WITHHELD: "Withheld", PENDING: "Pending"}


# --- amounts as published ---------------------------------------------------------------------


def plain(value: Decimal) -> str:
    """A decimal as written, without trailing zeros after the point: 38 -> '38', 3.20 -> '3.2', 1140 -> '1,140'."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value.normalize():,}"


def in_unit(value: Decimal, unit: Unit) -> str:
    """An amount in its unit, exactly: '£38m', '£1.07bn', '£1,140m'; thousands as pounds, '£500,000'."""
    if unit is Unit.thousands:
        return "£" + plain(Decimal(value) * 1000)
    return "£" + plain(value) + unit.value[1:]


QUALIFIER = {AsPublished.exact: "", AsPublished.up_to: "up to ", AsPublished.about: "about "}


def published(value: Decimal, unit: Unit, as_published: AsPublished) -> str:
    """'£38m', 'up to £300m', 'about £6bn'."""
    return QUALIFIER[as_published] + in_unit(value, unit)


def financial_year(start: int) -> str:
    """The financial year starting in April of ``start``: 2020 -> '2020-21'."""
    return f"{start}-{(start + 1) % 100:02}"


def first_year_start(fund: Fund) -> Optional[int]:
    return int(fund.first_year[:4]) if fund.first_year else None


# --- the whole fund ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FundTotal:
    amount: Decimal  # in the fund's unit
    as_published: AsPublished
    computed: bool  # worked out as per_year x years, not published as a total
    illustrative: bool


def fund_total(fund: Fund) -> Optional[FundTotal]:
    """The whole sum: as published where the deal gives one, else per_year x years (as per_year is
    published: 'up to £30m a year' for 30 years is 'up to £900m'); None for a fund with no end."""
    if fund.total is not None:
        return FundTotal(fund.total.amount, fund.total.as_published, False, fund.total.illustrative)
    if fund.per_year is not None and fund.years is not None:
        return FundTotal(fund.per_year.amount * fund.years, fund.per_year.as_published, True, fund.per_year.illustrative)
    return None


def last_year(fund: Fund) -> Optional[str]:
    start = first_year_start(fund)
    if start is None or fund.years is None:
        return None
    return financial_year(start + fund.years - 1)


# --- tranches and gateway reviews -----------------------------------------------------------


@dataclass(frozen=True)
class Tranche:
    number: int  # 1, 2, ...
    start: int  # years from the fund's start, 0 for the first tranche
    years: int
    amount: Decimal  # per_year x years, in the fund's unit
    as_published: AsPublished  # per_year's: a tranche of a fund of "up to £30m a year" is "up to £150m"
    state: str  # RELEASED, WITHHELD or PENDING
    reason: str  # a sentence, without its full stop: why it is in that state
    gateway: Optional[Gateway]  # the review before it (None for the first, or where none is listed)
    first_year: Optional[str]  # financial years it covers, when the fund's first year is known
    last_year: Optional[str]

    @property
    def state_label(self) -> str:
        return STATE_LABEL[self.state]


def tranches(fund: Fund, today: dt.date) -> list[Tranche]:
    """The fund's tranches with their state on ``today``; none for a fund without gateway reviews."""
    if fund.gateway_every is None or fund.years is None or fund.per_year is None:
        return []
    every, per_year = fund.gateway_every, fund.per_year
    start_year = first_year_start(fund)
    found = []
    for number, start in enumerate(range(0, fund.years, every), start=1):
        years = min(every, fund.years - start)
        gateway = fund.gateways[number - 2] if 2 <= number <= len(fund.gateways) + 1 else None
        begins = start_year + start if start_year is not None else None
        state, reason = _state(number, gateway, begins, today)
        found.append(
            Tranche(
                number, start, years, per_year.amount * years, per_year.as_published, state, reason, gateway,
                financial_year(begins) if begins is not None else None,
                financial_year(begins + years - 1) if begins is not None else None,
            )
        )
    return found


def _state(number: int, gateway: Optional[Gateway], begins: Optional[int], today: dt.date) -> tuple[str, str]:
    if number == 1:
        return RELEASED, "The first tranche, released with the deal"
    if gateway is None:
        # No review listed for it: its due date is known only from the fund's years, if at all.
        if begins is not None and today < dt.date(begins, 4, 1):
            return PENDING, f"Its review is not yet due (before {financial_year(begins)})"
        return PENDING, "No result of its review has been published"
    due = _words(gateway.due) + (" (estimated)" if gateway.illustrative else "")
    if gateway.outcome is GatewayOutcome.passed:
        return RELEASED, f"The review passed ({_words(gateway.decided)})"
    if gateway.outcome is GatewayOutcome.failed:
        return WITHHELD, f"The review failed ({_words(gateway.decided)})"
    if gateway.outcome is GatewayOutcome.deferred:
        return PENDING, f"The review was deferred ({_words(gateway.decided)})"
    if today < gateway.due.earliest:
        return PENDING, f"Its review is not yet due (due {due})"
    return PENDING, f"Its review was due {due}; result awaited"


def _words(when: Optional[PartialDate]) -> str:
    return when.words() if when is not None else "date not known"


# --- the chart --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrancheBar:
    tranche: Tranche
    x: Decimal  # percent of the chart's width: where the tranche starts in the fund's years
    width: Decimal  # percent of the width: its share of the fund's years
    y: int  # the bar's top, pixels
    text_y: int  # the label's baseline, pixels


@dataclass(frozen=True)
class TrancheChart:
    bars: list[TrancheBar]
    height: int  # pixels
    marks: list[Decimal]  # x of each review, percent: where one tranche ends and the next begins


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def tranche_chart(found: list[Tranche], years: int) -> TrancheChart:
    """One bar per tranche along the fund's years: a tranche starting in year ``start`` (from 0) of
    ``years`` years long sits at x = start / years and is years_t / years wide, in percent."""
    bars = [
        TrancheBar(t, _pct(Decimal(t.start) * HUNDRED / years), _pct(Decimal(t.years) * HUNDRED / years), n * ROW + BAR_TOP, n * ROW + LABEL)
        for n, t in enumerate(found)
    ]
    marks = [_pct(Decimal(t.start) * HUNDRED / years) for t in found[1:]]
    return TrancheChart(bars, len(found) * ROW + 4, marks)
