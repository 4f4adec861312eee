"""The single place budget as written: lines, invest-to-save schemes, the unit."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Optional

from pydantic import Field, model_validator

from .types import Amount, FieldError, FinancialYear, Model, Percent, Text, YearAmounts


class BudgetLine(Model):
    body: Text
    stream: Text
    amounts: YearAmounts
    actuals: YearAmounts = Field({}, description="Spend recorded so far, for the progress review")


class SchemeShare(Model):
    """One body's side of an invest-to-save scheme: what it puts in, what it gets back."""

    body: Text
    investment: YearAmounts
    benefit: YearAmounts = Field(description="Gross benefit to this body, by year")


class Scheme(Model):
    name: Text
    description: Optional[Text] = None
    bodies: list[SchemeShare] = Field(min_length=1)
    stated_investment: Optional[Amount] = Field(None, description="Total investment as published, checked against the lines")
    stated_net_benefit: Optional[Amount] = Field(None, description="Total net benefit as published, checked against the lines")


class Unit(str, Enum):
    pounds = "£"
    thousands = "£k"
    millions = "£m"
    billions = "£bn"


UNIT_PENCE = {Unit.pounds: 100, Unit.thousands: 100_000, Unit.millions: 100_000_000, Unit.billions: 100_000_000_000}


class PlaceBudget(Model):
    """The "more for less" single place budget over a spending-review period."""

    unit: Unit
    years: list[FinancialYear] = Field(min_length=1)
    reduction_percent: Percent = Field(description="How much less than the baseline the place agrees to spend")
    savings_share_percent: Percent = Field(description="The share of the savings the place keeps")
    lines: list[BudgetLine] = Field(min_length=1)
    stated_total: Optional[Amount] = Field(None, description="The baseline total as published, checked against the lines")
    savings_achieved: YearAmounts = {}
    schemes: list[Scheme] = []
    illustrative: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> "PlaceBudget":
        years = [int(y[:4]) for y in self.years]
        for i, year in enumerate(years[1:], start=1):
            if year != years[0] + i:
                raise FieldError(
                    ("years", i),
                    f"{self.years[i]} does not follow {self.years[i - 1]} (expected consecutive financial years in order)",
                )
        for path, amount in _amounts_with_paths(self):
            if (amount * UNIT_PENCE[self.unit]) % 1:
                places = len(str(UNIT_PENCE[self.unit])) - 1
                raise FieldError(
                    path,
                    f"{_money(amount, self.unit)} is not a whole number of pence "
                    f"(at most {places} decimal places in {self.unit.value})",
                )
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


def _money(amount: Decimal, unit: Unit) -> str:
    """An amount as written with its unit, e.g. £10.001 or £49.3m."""
    return f"£{amount}{unit.value[1:]}"

