"""The typed deal objects every other module shares.

Floor 1: imports nothing from the rest of the package. Validation rules that
concern one object live here as pydantic validators; rules that need several
files (unknown powers, duplicate slugs) live in ``load.py``.

Money is ``Decimal`` in the budget's stated unit and is never a binary float:
``load.py`` turns unquoted YAML decimals into :class:`FloatLiteral`, which the
``Amount`` type refuses with an explanation, so ``49.3`` must be written as
``"49.3"`` (or as an integer in a smaller unit).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, Literal, Optional
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

LONDON = ZoneInfo("Europe/London")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")
DECIMAL_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
# Characters that change how text displays without showing themselves (bidirectional
# overrides can make a title read backwards, "Trojan Source"); refused in all text.
INVISIBLE = {
    **{chr(c): "bidirectional control character" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    "\u200b": "zero-width space",
    "\u2060": "word joiner",
    "\ufeff": "zero-width no-break space",
}
INVISIBLE_RE = re.compile("[" + "".join(INVISIBLE) + "]")
FILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
GROUPED_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")  # 1,250.0: commas only between thousands


class FloatLiteral(Decimal):
    """An unquoted decimal from YAML, kept exact but marked so money can refuse it."""


class FieldError(ValueError):
    """A rule broken by a field below the object being validated.

    ``path`` is relative to that object, e.g. ``("target", "date")`` from an outcome, so
    ``load.py`` can point at the line of the field itself rather than of the whole object.
    """

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = tuple(path)


# --- scalar types -----------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        raise ValueError("is empty (expected text)")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("is empty (expected text)")
        hidden = INVISIBLE_RE.search(value)
        if hidden:
            char = hidden.group()
            raise ValueError(
                f"contains an invisible {INVISIBLE[char]} (U+{ord(char):04X}) at character {hidden.start() + 1}: "
                "remove it (it can make text display differently from what it says)"
            )
        return value
    if isinstance(value, bool):
        raise ValueError(
            f"{str(value).lower()} was read by YAML as a yes/no value (expected text; put it in quotes)"
        )
    raise ValueError(f"{_show(value)} is not text (put it in quotes)")


def _show(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, (dict, list)):
        return "a " + ("mapping" if isinstance(value, dict) else "list")
    return str(value)


def _decimal(value: Any, *, money: bool) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is a yes/no value (expected a number)")
    if isinstance(value, FloatLiteral):
        if money:
            raise ValueError(
                f"{value} is an unquoted decimal (expected an exact amount: write it in quotes, "
                f'"{value}", or as a whole number)'
            )
        return Decimal(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise ValueError(f"{value} is a binary float (expected an exact amount in quotes)")
    if isinstance(value, str) and "," in value and DECIMAL_RE.match(value.strip().replace(",", "")):
        if not GROUPED_RE.match(value.strip()):
            raise ValueError(
                f"{value.strip()} has a comma that is not a thousands separator "
                f'(write a decimal point, e.g. "12.5", or group thousands, e.g. "1,250.0")'
            )
        value = value.replace(",", "")
    if isinstance(value, str) and DECIMAL_RE.match(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            pass
    raise ValueError(f"{_show(value)} is not a number (expected e.g. 12 or \"12.5\")")


def _financial_year(value: Any) -> str:
    text = value if isinstance(value, str) else None
    match = YEAR_RE.match(text or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{_show(value)} is not a financial year (expected e.g. 2025-26)")
    return text


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value.isoformat()} has a time (expected a date, YYYY-MM-DD)")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{_show(value)} is not a date (expected YYYY-MM-DD)")


def _moment(value: Any) -> dt.datetime:
    """A date-time with zone; a bare date means midnight in London."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{value.isoformat()} has no time zone (expected e.g. 2026-03-01T09:30:00+00:00)")
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0, 0), tzinfo=LONDON)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            return _moment(parsed)
    raise ValueError(f"{_show(value)} is not a date-time (expected e.g. 2026-03-01T09:30:00+00:00)")


def _slug(value: Any) -> str:
    text = _text(value)
    if not SLUG_RE.match(text):
        raise ValueError(f"{text} is not an identifier (expected lowercase letters, digits and hyphens)")
    return text


def _file_name(value: Any) -> str:
    text = _text(value)
    if not FILE_NAME_RE.match(text) or ".." in text:
        raise ValueError(f"{text} is not a plain file name (expected a name like route-map.txt, with no folders)")
    return text


def _url(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^https?://[^\s<>\"]+$", text, re.IGNORECASE):
        raise ValueError(f"{text} is not a web address (expected one starting https:// or http://)")
    return text


def _percent(value: Any) -> Decimal:
    number = _decimal(value, money=False)
    if not Decimal(0) <= number <= Decimal(100):
        raise ValueError(f"{number} is outside 0-100 (expected a percentage)")
    return number


def _population(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{_show(value)} is not a whole number")
    if value <= 0:
        raise ValueError(f"{value} is not a positive number")
    return value


# What editors are told a decimal string may look like: plain, or with thousands grouped.
_DECIMAL_TEXT = r"^-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$"
_DECIMAL_SCHEMA = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": _DECIMAL_TEXT}]}
_str_out = PlainSerializer(str, return_type=str, when_used="json")

Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
Slug = Annotated[str, BeforeValidator(_slug), WithJsonSchema({"type": "string", "pattern": SLUG_RE.pattern})]
Url = Annotated[str, BeforeValidator(_url), WithJsonSchema({"type": "string", "pattern": "^https?://"})]
FileName = Annotated[str, BeforeValidator(_file_name), WithJsonSchema({"type": "string", "minLength": 1})]
Amount = Annotated[
    Decimal,
    BeforeValidator(lambda v: _decimal(v, money=True)),
    _str_out,
    WithJsonSchema({**_DECIMAL_SCHEMA, "description": "An exact amount in the budget's unit"}),
]
Measure = Annotated[
    Decimal,
    BeforeValidator(lambda v: _decimal(v, money=False)),
    _str_out,
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": _DECIMAL_TEXT}]}),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    _str_out,
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 100}, {"type": "string"}]}),
]
FinancialYear = Annotated[
    str, BeforeValidator(_financial_year), WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}$"})
]
Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]
Moment = Annotated[
    dt.datetime,
    BeforeValidator(_moment),
    WithJsonSchema({"type": "string", "description": "A date-time with zone, or a date (midnight in London)"}),
]
Population = Annotated[int, BeforeValidator(_population), WithJsonSchema({"type": "integer", "minimum": 1})]
YearAmounts = dict[FinancialYear, Amount]


class Model(BaseModel):
    """Forbid unknown fields: a misspelt key is an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
    population_year: Optional[int] = None
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
    title: Optional[Text] = Field(None, description="The role's name where it is not one of the four, e.g. 'Leader of the combined authority'")
    visibility: Optional[Text] = Field(None, description="For 'other': how it is as visible and accountable as a mayor")
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
    commentary: Optional[Text] = None
    remedial_action: Optional[Text] = None


class Outcome(Model):
    id: Slug
    title: Text
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
    conditions: Optional[Text] = None
    round: Optional[Slug] = Field(None, description="The round in which it was settled (deals/_rounds.yaml)")
    note: Optional[Text] = None


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


class Event(Model):
    """A meeting or milestone of the deal's negotiation or delivery."""

    title: Text
    kind: Literal["meeting", "milestone"]
    planned: Date
    actual: Optional[Date] = None
    round: Optional[Slug] = None
    note: Optional[Text] = None


class Negotiation(Model):
    rounds: list[Slug] = Field(min_length=1, description="Ids from deals/_rounds.yaml")
    events: list[Event] = []


class Source(Model):
    title: Text
    publisher: Optional[Text] = None
    date: Optional[Date] = None
    url: Optional[Url] = None
    file: Optional[FileName] = Field(None, description="A seed document's file name")


class Deal(Publishable):
    """A deal between central government and a place. The slug comes from the file name."""

    slug: Slug = Field(description="Taken from the file name; not written in the file")
    title: Text
    summary: Text = Field(description="Two or three plain-English sentences for residents")
    status: DealStatus
    dates: KeyDates = KeyDates()
    place: Place
    accountable_figure: AccountableFigure
    outcomes: list[Outcome] = []
    powers: list[Power] = []
    budget: Optional[PlaceBudget] = None
    negotiation: Negotiation
    sources: list[Source] = []
    illustrative: Optional[Text] = Field(None, description="What in this file is illustrative rather than sourced")

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


class Catalogue(Model):
    """Everything loaded from ``deals/``: the deals and the shared files."""

    deals: list[Deal]
    rounds: list[NegotiationRound]
    powers: list[MenuPower]
    deflators: Optional[Deflators] = None

    def deal(self, slug: str) -> Deal:
        return next(d for d in self.deals if d.slug == slug)


# --- memory -------------------------------------------------------------------------------------

_FIELD_SETS: dict[frozenset, set] = {}


def share_field_sets(value: object) -> None:
    """Let every model below ``value`` with the same fields set share one record of them.

    pydantic keeps a set of the fields given per model instance (216 to 728 bytes each); a
    deal has about 400 models, so at 1,000 deals the sets alone were over 100 MB of a build's
    memory (generator/bench.py). Models are frozen, and pydantic copies the set before adding
    to it (model_copy), so sharing one never lets a change leak from one model to another.
    """
    if isinstance(value, BaseModel):
        fields = value.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault(frozenset(fields), fields)
        if shared is not fields:
            object.__setattr__(value, "__pydantic_fields_set__", shared)
        for item in value.__dict__.values():
            share_field_sets(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            share_field_sets(item)
    elif isinstance(value, dict):
        for item in value.values():
            share_field_sets(item)
