"""The single place budget as written: lines, invest-to-save schemes, the unit."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal, Optional

from pydantic import Field, model_validator

from .types import (
    Amount,
    FieldError,
    FinancialYear,
    LongText,
    Model,
    Percent,
    Text,
    YearAmounts,
)

# --- limits ----------------------------------------------------------------------------------
# No amount may be more than £1,000bn, 10^14 pence: far above any public budget (the UK's whole
# public spending is about £1,300bn a year, over many budgets). With the lists bounded too, every
# sum the build makes in int64 (at most 9.22 x 10^18) is exact, with room to spare:
# - the baseline (compute/budget/baseline.py) sums a year over at most MAX_LINES lines:
#   1,000 x 10^14 = 10^17 pence;
# - invest-to-save (compute/budget/invest_to_save.py) sums investment, benefit and net
#   (benefit less investment) over every scheme, body and year: at most MAX_SCHEMES x
#   MAX_BODIES x MAX_YEARS = 20 x 20 x 20 = 8,000 amounts of each, so |net| sums to at most
#   8,000 x (10^14 + 10^14) = 1.6 x 10^18 pence.
# Percentages of these are Decimal under a 200-digit context, and totals over years are
# Python integers: both exact at any size.
MAX_PENCE = 10**14
MAX_YEARS = 20  # a budget's years, and the years of any one set of amounts
MAX_LINES = 1_000
MAX_SCHEMES = 20
MAX_BODIES = 20  # in one scheme

Amounts = Annotated[YearAmounts, Field(max_length=MAX_YEARS)]


class MoneyKind(str, Enum):
    """Where a line's money comes from: not every budget is "more for less" of existing spending."""

    pooled = "pooled"  # existing spending of several bodies, run as one budget
    new = "new"  # money the deal adds
    transferred = "transferred"  # a budget moved from a national body to the place


class BudgetLine(Model):
    body: Text
    stream: Text
    amounts: Amounts
    actuals: Amounts = Field({}, description="Spend recorded so far, for the progress review")
    money: MoneyKind = Field(MoneyKind.pooled, description="pooled (existing spending run as one), new, or transferred")
    as_published: Literal["exact", "up-to", "about"] = Field("exact", description="exact, a cap (up-to) or an estimate (about)")
    illustrative: bool = Field(False, description="Invented or estimated for the example, not from the record")


class SchemeShare(Model):
    """One body's side of an invest-to-save scheme: what it puts in, what it gets back."""

    body: Text
    investment: Amounts
    # May be below zero: a scheme can move costs onto a body (care moved from hospital to home
    # costs the council more), and the published cost-benefit models record that as a negative
    # benefit to it, not as an investment it chose to make.
    benefit: Amounts = Field(description="Gross benefit to this body, by year (below zero where the scheme costs it more)")


class Scheme(Model):
    name: Text
    description: Optional[LongText] = None
    bodies: list[SchemeShare] = Field(min_length=1, max_length=MAX_BODIES)
    stated_investment: Optional[Amount] = Field(None, description="Total investment as published, checked against the lines")
    stated_net_benefit: Optional[Amount] = Field(None, description="Total net benefit as published, checked against the lines")


class Unit(str, Enum):
    pounds = "£"
    thousands = "£k"
    millions = "£m"
    billions = "£bn"


UNIT_PENCE = {Unit.pounds: 100, Unit.thousands: 100_000, Unit.millions: 100_000_000, Unit.billions: 100_000_000_000}


class PlaceBudget(Model):
    """The single place budget over a spending-review period: "more for less" when it has a
    reduction, otherwise pooled, new or transferred money run as one."""

    unit: Unit
    years: list[FinancialYear] = Field(min_length=1, max_length=MAX_YEARS)
    reduction_percent: Optional[Percent] = Field(None, description="\"More for less\": how much less than the baseline the place agrees to spend (more than 0; leave out for a budget without a reduction)")
    savings_share_percent: Optional[Percent] = Field(None, description="With a reduction: the share of the savings the place keeps")
    lines: list[BudgetLine] = Field(min_length=1, max_length=MAX_LINES)
    stated_total: Optional[Amount] = Field(None, description="The baseline total as published, checked against the lines")
    # May be below zero: spending above the baseline is a result the progress review reports.
    savings_achieved: Amounts = {}
    schemes: list[Scheme] = Field([], max_length=MAX_SCHEMES)
    illustrative: bool = False

    @property
    def more_for_less(self) -> bool:
        """Whether the place agreed to spend less than the baseline (and may keep savings)."""
        return self.reduction_percent is not None

    @model_validator(mode="after")
    def _consistent(self) -> "PlaceBudget":
        if self.reduction_percent == 0:
            # The old format required a reduction, so a budget that is not "more for less" had to
            # write 0; now that is said by leaving it out, and 0 would be shown as "0% less".
            raise FieldError(
                ("reduction_percent",),
                "0 is no reduction: a budget that is not \"more for less\" leaves reduction_percent out "
                "(and savings_share_percent with it)",
            )
        if not self.more_for_less:
            for name, given in (("savings_share_percent", self.savings_share_percent is not None), ("savings_achieved", bool(self.savings_achieved))):
                if given:
                    raise FieldError((name,), "is only for a \"more for less\" budget: give reduction_percent too, or remove it")
        years = [int(y[:4]) for y in self.years]
        for i, year in enumerate(years[1:], start=1):
            if year != years[0] + i:
                raise FieldError(
                    ("years", i),
                    f"{self.years[i]} does not follow {self.years[i - 1]} (expected consecutive financial years in order)",
                )
        per_unit = UNIT_PENCE[self.unit]
        for path, amount in _amounts_with_paths(self):
            # exact: an Amount has at most 15 significant digits and is below 10^15, so the
            # product's digits fit the decimal context's 28 (rounding could drop only zeros)
            pence = amount * per_unit
            if pence % 1:
                places = len(str(per_unit)) - 1
                raise FieldError(
                    path,
                    f"{_money(amount, self.unit)} is not a whole number of pence "
                    f"(at most {places} decimal places in {self.unit.value})",
                )
            if pence < 0 and _never_negative(path):
                raise FieldError(path, f"{_money(amount, self.unit)} is less than zero (expected 0 or more)")
            if abs(pence) > MAX_PENCE:
                limit = f"£{MAX_PENCE // per_unit:,}{self.unit.value[1:]}"
                raise FieldError(path, f"{_money(amount, self.unit)} is more than {limit} (no amount may be more than £1,000bn)")
        return self

    def pence(self, amount: Decimal) -> int:
        """An amount in this budget's unit as exact integer pence."""
        return int(amount * UNIT_PENCE[self.unit])


def _all_amounts(budget: PlaceBudget):
    for _, amount in _amounts_with_paths(budget):
        yield amount


def _amounts_with_paths(budget: PlaceBudget):
    """(path within the budget, amount) for every amount in it."""
    if budget.stated_total is not None:
        yield ("stated_total",), budget.stated_total
    for year, amount in budget.savings_achieved.items():
        yield ("savings_achieved", year), amount
    for i, line in enumerate(budget.lines):
        for key in ("amounts", "actuals"):
            for year, amount in getattr(line, key).items():
                yield ("lines", i, key, year), amount
    for i, scheme in enumerate(budget.schemes):
        for j, share in enumerate(scheme.bodies):
            for key in ("investment", "benefit"):
                for year, amount in getattr(share, key).items():
                    yield ("schemes", i, "bodies", j, key, year), amount
        for key in ("stated_investment", "stated_net_benefit"):
            if getattr(scheme, key) is not None:
                yield ("schemes", i, key), getattr(scheme, key)


def _never_negative(path: tuple) -> bool:
    """Amounts that cannot be below zero: spending, planned or actual, and investment, and
    the totals stated for them. A benefit, a net benefit and savings achieved can be."""
    return path[-1] in ("stated_total", "stated_investment") or (len(path) > 1 and path[-2] in ("amounts", "actuals", "investment"))


def _money(amount: Decimal, unit: Unit) -> str:
    """An amount as written with its unit, e.g. £10.001 or £49.3m."""
    return f"£{amount}{unit.value[1:]}"

