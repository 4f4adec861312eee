"""A deal between central government and a place, as written in ``deals/<slug>.yaml``.

Rules that concern one object live here as pydantic validators; rules that need
several files (unknown powers, duplicate slugs) live in ``load.py``.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal, Optional

from pydantic import Field, model_validator

from .budget import PlaceBudget
from .types import (
    Date,
    FieldError,
    FileName,
    LongText,
    Measure,
    Model,
    Moment,
    Population,
    Slug,
    Text,
    Title,
    Url,
    Year,
)

# --- a deal ------------------------------------------------------------------


class Level(str, Enum):
    city = "city"
    county = "county"
    city_region = "city-region"


class DealStatus(str, Enum):
    proposed = "proposed"
    negotiating = "negotiating"
    agreed = "agreed"
    in_delivery = "in-delivery"
    completed = "completed"
    withdrawn = "withdrawn"


class Partner(Model):
    name: Text
    kind: Literal["council", "health", "police", "fire", "jobcentre", "skills", "voluntary", "business", "other"]


class Place(Model):
    name: Text
    level: Level
    population: Optional[Population] = None
    population_year: Optional[Year] = None
    partners: list[Partner] = Field(min_length=1)


class KeyDates(Model):
    """The deal's own stages, in order; each optional until reached."""

    invited: Optional[Date] = None
    proposed: Optional[Date] = None
    agreed: Optional[Date] = None
    signed: Optional[Date] = None
    review: Optional[Date] = None

    @model_validator(mode="after")
    def _ordered(self) -> "KeyDates":
        reached = [(name, getattr(self, name)) for name in type(self).model_fields if getattr(self, name)]
        for (early, a), (late, b) in zip(reached, reached[1:]):
            if b < a:
                raise FieldError((late,), f"{b} is before the {early} date, {a} (key dates must be in order)")
        return self


class AccountableFigure(Model):
    role: Literal["mayor", "sheriff", "governor", "commissioner", "other"]
    title: Optional[Title] = Field(None, description="The role's name where it is not one of the four, e.g. 'Leader of the combined authority'")
    visibility: Optional[LongText] = Field(None, description="For 'other': how it is as visible and accountable as a mayor")
    chosen: Literal["directly-elected", "indirectly-elected", "appointed", "to-be-decided"]
    holder: Optional[Text] = None
    other_roles: list[Text] = []
    scrutinised_by: list[Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _other_explained(self) -> "AccountableFigure":
        if self.role != "other":
            return self
        if not self.title and not self.visibility:
            raise FieldError(
                ("role",),
                "other needs a title (the role's name) and a visibility (how it is as visible and "
                "accountable as a directly elected mayor)",
            )
        if not self.title:
            raise FieldError(("title",), "is required when role is other (the role's name)")
        if not self.visibility:
            raise FieldError(
                ("visibility",),
                "is required when role is other (say how the role is as visible and accountable "
                "as a directly elected mayor)",
            )
        return self


class Publishable(Model):
    """Anything that may be held back: a draft, or embargoed until a moment."""

    publish_after: Optional[Moment] = None
    draft: bool = False


class Point(Model):
    value: Measure
    date: Date


class Reading(Publishable):
    date: Date
    value: Measure
    commentary: Optional[LongText] = None
    remedial_action: Optional[LongText] = None


class Outcome(Model):
    id: Slug
    title: Title
    indicator: Text
    unit: Text
    baseline: Point
    target: Point
    milestones: list[Point] = Field([], description="Interim targets; the expected path runs through them")
    owner: Text
    themes: list[Slug] = []
    powers: list[Slug] = Field([], description="Menu powers this outcome relies on")
    readings: list[Reading] = []
    illustrative: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> "Outcome":
        if self.target.date <= self.baseline.date:
            raise FieldError(
                ("target", "date"), f"{self.target.date} is not after the baseline date, {self.baseline.date}"
            )
        for i, m in enumerate(self.milestones):
            if not self.baseline.date < m.date < self.target.date:
                raise FieldError(
                    ("milestones", i, "date"),
                    f"{m.date} is not between the baseline date, {self.baseline.date}, and the target date, "
                    f"{self.target.date}",
                )
        seen: dict = {}
        for j, r in enumerate(self.readings):
            if r.date in seen:
                raise FieldError(
                    ("readings", j, "date"), f"{r.date} is the date of another reading, readings[{seen[r.date]}]"
                )
            seen[r.date] = j
        return self


class PowerStatus(str, Enum):
    requested = "requested"
    agreed = "agreed"
    declined = "declined"
    deferred = "deferred"


class Power(Model):
    power: Slug = Field(description="An id from the menu of powers (deals/_powers.yaml)")
    status: PowerStatus
    from_body: Text
    conditions: Optional[LongText] = None
    round: Optional[Slug] = Field(None, description="The round in which it was settled (deals/_rounds.yaml)")
    note: Optional[LongText] = None


class Event(Model):
    """A meeting or milestone of the deal's negotiation or delivery."""

    title: Title
    kind: Literal["meeting", "milestone"]
    planned: Date
    actual: Optional[Date] = None
    round: Optional[Slug] = None
    note: Optional[LongText] = None


class Negotiation(Model):
    rounds: list[Slug] = Field(min_length=1, description="Ids from deals/_rounds.yaml")
    events: list[Event] = []


class Source(Model):
    title: Title
    publisher: Optional[Text] = None
    date: Optional[Date] = None
    url: Optional[Url] = None
    file: Optional[FileName] = Field(None, description="A seed document's file name")


class Deal(Publishable):
    """A deal between central government and a place. The slug comes from the file name."""

    slug: Slug = Field(description="Taken from the file name; not written in the file")
    title: Title
    summary: LongText = Field(description="Two or three plain-English sentences for residents")
    status: DealStatus
    dates: KeyDates = KeyDates()
    place: Place
    accountable_figure: AccountableFigure
    outcomes: list[Outcome] = []
    powers: list[Power] = []
    budget: Optional[PlaceBudget] = None
    negotiation: Negotiation
    sources: list[Source] = []
    illustrative: Optional[LongText] = Field(None, description="What in this file is illustrative rather than sourced")

    @model_validator(mode="after")
    def _unique_ids(self) -> "Deal":
        lists = (("outcomes", "id", [o.id for o in self.outcomes]), ("powers", "power", [p.power for p in self.powers]))
        for name, key, ids in lists:
            seen: dict = {}
            for i, item in enumerate(ids):
                if item in seen:
                    raise FieldError((name, i, key), f"{item} is also given at {name}[{seen[item]}] (each may appear once)")
                seen[item] = i
        return self


