"""A deal between central government and a place, as written in ``deals/<slug>.yaml``.

Rules that concern one deal live here as pydantic validators; rules that need several
files (unknown powers or rounds, duplicate slugs) live in ``load.py``. The parts with
more to them have their own modules: the budget (``budget.py``), funds and gateways
(``money.py``), the accountable figure (``figure.py``), outcomes and their evidence
(``outcomes.py``).
"""

from __future__ import annotations

from enum import Enum
from typing import Literal, Optional

from pydantic import Field, model_validator

from .budget import PlaceBudget
from .digest import Digested
from .figure import AccountableFigure
from .money import Fund
from .outcomes import Outcome, Publishable
from .types import (
    FieldError,
    FileName,
    LongText,
    Model,
    Population,
    Slug,
    Text,
    Title,
    Url,
    Year,
)
from .when import When

MAX_ITEMS = 200  # powers, conditions, funds, follow-ons, events, sources, partners of one deal


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


PartnerKind = Literal[
    "council", "combined-authority", "strategic-authority", "health", "police", "fire", "jobcentre", "skills",
    "voluntary", "business", "other",
]


class Partner(Model):
    name: Text
    kind: PartnerKind
    constituent: bool = Field(False, description="A constituent council of the combined or strategic authority")


class Place(Model):
    name: Text
    level: Level
    population: Optional[Population] = None
    population_year: Optional[Year] = None
    partners: list[Partner] = Field(min_length=1, max_length=MAX_ITEMS)
    covers: list[Text] = Field(
        [], max_length=MAX_ITEMS, description="Other places and councils in the area residents may know it by (districts, towns)"
    )


class KeyDates(Model):
    """The deal's own stages, in order; each optional until reached, each as precise as known."""

    invited: Optional[When] = None
    proposed: Optional[When] = None
    agreed: Optional[When] = None
    signed: Optional[When] = None
    review: Optional[When] = None

    @model_validator(mode="after")
    def _ordered(self) -> "KeyDates":
        reached = [(name, getattr(self, name)) for name in type(self).model_fields if getattr(self, name)]
        for (early, a), (late, b) in zip(reached, reached[1:]):
            if b.before(a):
                raise FieldError((late,), f"{b} is before the {early} date, {a} (key dates must be in order)")
        return self


class PowerStatus(str, Enum):
    requested = "requested"
    agreed = "agreed"
    declined = "declined"
    deferred = "deferred"
    withdrawn = "withdrawn"  # agreed, then taken out of the deal


class Recipient(Model):
    """Who receives a power: the elected mayor personally, the combined or strategic authority, a council, or another body."""

    kind: Literal["mayor", "combined-authority", "strategic-authority", "council", "other"]
    name: Optional[Text] = Field(None, description="The body's name (required for a council or other body)")

    @model_validator(mode="after")
    def _named(self) -> "Recipient":
        if self.kind in ("council", "other") and not self.name:
            raise FieldError(("name",), f"is required when kind is {self.kind} (which body?)")
        return self


class Power(Model):
    power: Slug = Field(description="An id from the menu of powers (deals/_powers.yaml)")
    title: Optional[Title] = Field(None, description="What this grant is, e.g. 'Bus franchising' (required when a menu power is granted more than once)")
    status: PowerStatus
    recipient: Optional[Recipient] = Field(None, description="Who receives it")
    from_body: Text
    conditions: Optional[LongText] = None
    round: Optional[Slug] = Field(None, description="The round in which it was settled (deals/_rounds.yaml)")
    added_by: Optional[Slug] = Field(None, description="The id of the follow-on agreement that added it (follow_ons)")
    first_used: Optional[When] = Field(None, description="When the power was first used (bus franchising decided, an order made)")
    note: Optional[LongText] = None


class ConditionKind(str, Enum):
    legislation = "legislation"
    consent = "consent"  # of the constituent councils
    consultation = "consultation"  # public consultation
    ratification = "ratification"
    governance_review = "governance-review"
    other = "other"


class ConditionStatus(str, Enum):
    outstanding = "outstanding"
    met = "met"
    not_met = "not-met"
    unknown = "unknown"  # the record does not say


class Condition(Model):
    """Something the whole deal is "subject to": legislation, consent, consultation, ratification."""

    kind: ConditionKind
    description: LongText
    status: ConditionStatus = ConditionStatus.outstanding
    date: Optional[When] = Field(None, description="When it was met (or not), or when it is due")
    added_by: Optional[Slug] = Field(None, description="The id of the follow-on agreement that added it (follow_ons)")


class FollowOn(Model):
    """A later agreement for the same place: a memorandum, a further deal, a trailblazer."""

    id: Slug
    title: Title
    date: When = Field(description="When it was announced or published")
    signed: Optional[When] = Field(None, description="When it was signed, where that differs")
    withdrawn: Optional[When] = Field(None, description="When it was withdrawn (status withdrawn)")
    kind: Literal["memorandum", "further-deal", "trailblazer", "settlement", "order", "other"]
    status: DealStatus = DealStatus.agreed
    summary: LongText = Field(description="What it adds, in plain words")
    url: Optional[Url] = None

    @model_validator(mode="after")
    def _dated(self) -> "FollowOn":
        if (self.withdrawn is not None) != (self.status == DealStatus.withdrawn):
            raise FieldError(("withdrawn",), "goes with status withdrawn (give both, or neither)")
        for name in ("signed", "withdrawn"):
            when = getattr(self, name)
            if when is not None and when.before(self.date):
                raise FieldError((name,), f"{when} is before the date it was announced, {self.date}")
        return self


class Event(Model):
    """A meeting or milestone of the deal's negotiation or delivery."""

    title: Title
    kind: Literal["meeting", "milestone"]
    planned: When
    actual: Optional[When] = None
    round: Optional[Slug] = None
    note: Optional[LongText] = None


class Negotiation(Model):
    rounds: list[Slug] = Field([], description="Ids from deals/_rounds.yaml; none for a negotiation outside a national round")
    events: list[Event] = Field([], max_length=MAX_ITEMS)


class Source(Model):
    title: Title
    publisher: Optional[Text] = None
    date: Optional[When] = None
    url: Optional[Url] = None
    file: Optional[FileName] = Field(None, description="A seed document's file name")


class Deal(Publishable, Digested):  # Digested: caches key a deal's work by the digest of its file (digest.py)
    """A deal between central government and a place. The slug comes from the file name."""

    slug: Slug = Field(description="Taken from the file name; not written in the file")
    title: Title
    summary: LongText = Field(description="Two or three plain-English sentences for residents")
    status: DealStatus
    dates: KeyDates = KeyDates()
    place: Place
    accountable_figure: AccountableFigure
    conditions: list[Condition] = Field([], max_length=MAX_ITEMS, description="What the whole deal is subject to")
    outcomes: list[Outcome] = Field([], max_length=MAX_ITEMS)
    powers: list[Power] = Field([], max_length=MAX_ITEMS)
    budget: Optional[PlaceBudget] = None
    funds: list[Fund] = Field([], max_length=MAX_ITEMS, description="Long-term and one-off money beside the budget")
    follow_ons: list[FollowOn] = Field([], max_length=MAX_ITEMS, description="Later agreements for the same place, oldest first")
    negotiation: Negotiation = Negotiation()
    sources: list[Source] = Field([], max_length=MAX_ITEMS)
    illustrative: Optional[LongText] = Field(None, description="What in this file is illustrative rather than sourced")

    @model_validator(mode="after")
    def _consistent(self) -> "Deal":
        lists = (
            ("outcomes", "id", [o.id for o in self.outcomes]),
            ("funds", "id", [f.id for f in self.funds]),
            ("follow_ons", "id", [f.id for f in self.follow_ons]),
        )
        for name, key, ids in lists:
            _unique(name, key, ids, "each may appear once")
        _unique_grants(self.powers)
        follow_ons = {f.id for f in self.follow_ons}
        for name in ("powers", "funds", "conditions"):
            for i, item in enumerate(getattr(self, name)):
                if item.added_by is not None and item.added_by not in follow_ons:
                    shown = ", ".join(sorted(follow_ons)) or "none are listed"
                    raise FieldError((name, i, "added_by"), f"{item.added_by} is not the id of a follow-on agreement (expected one of {shown}, from follow_ons)")
        for i, (earlier, later) in enumerate(zip(self.follow_ons, self.follow_ons[1:]), start=1):
            if later.date.before(earlier.date):
                raise FieldError(("follow_ons", i, "date"), f"{later.date} is before the agreement above it, {earlier.date} (oldest first)")
        return self


def _unique_grants(powers: list[Power]) -> None:
    """A menu power may be granted more than once, each grant with its own title (the old format
    allowed each once, without titles): say which title to add or change."""
    seen: dict = {}
    for i, p in enumerate(powers):
        key = (p.power, p.title)
        if key in seen:
            if p.title is None:
                raise FieldError(
                    ("powers", i, "power"),
                    f"{p.power} is also given at powers[{seen[key]}]: a menu power granted more than once needs a title "
                    f"on each grant saying what it is (add title: to each, e.g. title: Bus franchising)",
                )
            raise FieldError(("powers", i, "title"), f"{p.title} is also the title of {p.power} at powers[{seen[key]}] (give each grant of {p.power} a different title)")
        seen[key] = i


def _unique(name: str, key: str, ids: list, why: str) -> None:
    seen: dict = {}
    for i, item in enumerate(ids):
        if item in seen:
            raise FieldError((name, i, key), f"{item} is also given at {name}[{seen[item]}] ({why})")
        seen[item] = i
