"""The shared files beside the deals: the menu of powers, the timetable of rounds, the deflators."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from .digest import Digested
from .types import (
    Date,
    FieldError,
    FinancialYear,
    LongText,
    Measure,
    Model,
    Slug,
    Text,
    Title,
)

# --- shared files -----------------------------------------------------------

DEFLATOR_LOW, DEFLATOR_HIGH = Decimal("0.01"), Decimal(10_000)


class MenuPower(Model):
    """One item on the menu of powers: the route-map's (section 7) and those the programme added since."""

    id: Slug
    title: Title
    category: Slug = Field(description="What kind of power it is, e.g. transport, skills, housing, policing, health, fiscal")
    description: LongText
    themes: list[Slug] = []


class PowersMenu(Model):
    powers: list[MenuPower]


class NegotiationRound(Model):
    """A national round or step of the timetable: forerunners, tranches, legislation."""

    id: Slug
    title: Title
    period: Text = Field(description="As the timetable words it, e.g. 'Spring 2011'")
    start: Date
    end: Date
    description: LongText

    @model_validator(mode="after")
    def _ordered(self) -> "NegotiationRound":
        if self.end < self.start:
            raise FieldError(("end",), f"{self.end} is before the start, {self.start}")
        return self


class Timetable(Model):
    rounds: list[NegotiationRound]


class Deflators(Model, Digested):
    """GDP deflator index values by financial year, for real-terms tables."""

    base_year: FinancialYear
    source: Text
    index: dict[FinancialYear, Measure]

    @model_validator(mode="after")
    def _has_base(self) -> "Deflators":
        for year, value in self.index.items():
            # Real terms multiply cash by index(base) / index(year): between these bounds the
            # factor is at most 10^6, so a year's total in real terms stays below 10^23 pence,
            # which the decimal context's 28 digits round for display without fail.
            if not DEFLATOR_LOW <= value <= DEFLATOR_HIGH:
                raise FieldError(("index", year), f"{value} is not between {DEFLATOR_LOW} and {DEFLATOR_HIGH:,} (expected an index value, e.g. 100 in the base year)")
        if self.base_year not in self.index:
            raise FieldError(("base_year",), f"{self.base_year} has no value in index")
        return self

