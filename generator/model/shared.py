"""The shared files beside the deals: the menu of powers, the timetable of rounds, the deflators."""

from __future__ import annotations

from pydantic import Field, model_validator

from .types import Date, FieldError, FinancialYear, Measure, Model, Slug, Text

# --- shared files -----------------------------------------------------------


class MenuPower(Model):
    """One item on the menu of powers (route-map, section 7)."""

    id: Slug
    title: Text
    description: Text
    themes: list[Slug] = []


class PowersMenu(Model):
    powers: list[MenuPower]


class NegotiationRound(Model):
    """A national round or step of the timetable: forerunners, tranches, legislation."""

    id: Slug
    title: Text
    period: Text = Field(description="As the timetable words it, e.g. 'Spring 2011'")
    start: Date
    end: Date
    description: Text

    @model_validator(mode="after")
    def _ordered(self) -> "NegotiationRound":
        if self.end < self.start:
            raise FieldError(("end",), f"{self.end} is before the start, {self.start}")
        return self


class Timetable(Model):
    rounds: list[NegotiationRound]


class Deflators(Model):
    """GDP deflator index values by financial year, for real-terms tables."""

    base_year: FinancialYear
    source: Text
    index: dict[FinancialYear, Measure]

    @model_validator(mode="after")
    def _has_base(self) -> "Deflators":
        if self.base_year not in self.index:
            raise FieldError(("base_year",), f"{self.base_year} has no value in index")
        return self

