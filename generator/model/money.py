"""Money as deals publish it: funds over many years, gateway reviews, and amounts that are caps or estimates.

The deals signed since 2014 give places long-term money beside (or instead of) a three-year
single place budget: an investment fund of a stated amount a year for 30 years, released in
tranches after gateway reviews every five years; one-off funds; settlements. Their amounts
are published exactly, as caps ("up to £300m") or as estimates ("about £6bn"), and the
pages must say which.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, Field, model_validator

from .budget import MAX_PENCE, UNIT_PENCE, Unit
from .types import (
    Amount,
    FieldError,
    FinancialYear,
    LongText,
    Model,
    Percent,
    Slug,
    Text,
    Title,
    Url,
)
from .when import When

MAX_FUND_YEARS = 60  # the longest funds are 30 years; twice that is room without absurdity
MAX_GATEWAYS = 30


class AsPublished(str, Enum):
    """How a published amount is meant: exactly, as a cap, or as an estimate."""

    exact = "exact"
    up_to = "up-to"
    about = "about"


class Published(Model):
    """An amount as published, in its fund's unit: ``"38"``, or ``{amount: "300", as_published: up-to}``."""

    amount: Amount
    as_published: AsPublished = AsPublished.exact
    illustrative: bool = Field(False, description="Invented or estimated for the example, not from the record")


def _published(value: Any) -> Any:
    """A plain amount is an exact one: ``per_year: "38"`` means ``{amount: "38"}``."""
    if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
        return {"amount": value}
    return value


PublishedAmount = Annotated[Published, BeforeValidator(_published)]


class FundKind(str, Enum):
    investment_fund = "investment-fund"  # "gainshare": an amount a year for decades, with gateway reviews
    transport = "transport-settlement"
    housing = "housing-fund"
    skills = "skills-fund"
    settlement = "integrated-settlement"  # a single pot across departments
    one_off = "one-off"
    other = "other"


class GatewayOutcome(str, Enum):
    """A gateway review's published result. None given: no result yet (not yet due, or awaited)."""

    passed = "passed"
    deferred = "deferred"
    failed = "failed"


class Gateway(Model):
    """A review of a fund's results that releases (or withholds) its next tranche."""

    due: When = Field(description="When the review is due, e.g. 2026 or 2026-03")
    outcome: Optional[GatewayOutcome] = Field(None, description="passed, deferred or failed; leave it out while no result is published")
    decided: Optional[When] = Field(None, description="When the outcome was announced")
    releases: Optional[PublishedAmount] = Field(None, description="What passing it released, as published (default: the next tranche)")
    note: Optional[LongText] = None
    url: Optional[Url] = None
    illustrative: bool = Field(False, description="The due date is an estimate, not from the record")

    @model_validator(mode="after")
    def _decided_when_done(self) -> "Gateway":
        if self.outcome is not None and self.decided is None:
            raise FieldError(("decided",), f"is required when the outcome is {self.outcome.value} (when was it announced?)")
        if self.outcome is None and self.decided is not None:
            raise FieldError(("decided",), "is given, but no outcome is (give the outcome, or remove decided)")
        return self


class Fund(Model):
    """Money the deal gives, other than the single place budget: a fund for N years, or a sum."""

    id: Slug
    name: Title
    kind: FundKind
    unit: Unit
    per_year: Optional[PublishedAmount] = Field(None, description="The amount each year (for ``years`` years, or with no end stated)")
    years: Optional[int] = Field(None, ge=1, le=MAX_FUND_YEARS, description="How many years the fund runs (none: no end stated)")
    first_year: Optional[FinancialYear] = Field(None, description="The fund's first financial year, e.g. 2021-22")
    total: Optional[PublishedAmount] = Field(None, description="The whole sum as published (a one-off fund gives only this)")
    capital_percent: Optional[Percent] = Field(None, description="The share that is capital (the rest is revenue)")
    gateway_every: Optional[int] = Field(None, ge=1, le=MAX_FUND_YEARS, description="Years between gateway reviews")
    gateways: list[Gateway] = Field([], max_length=MAX_GATEWAYS)
    recipient: Optional[Text] = Field(None, description="Who holds the money, e.g. West Yorkshire Combined Authority")
    added_by: Optional[Slug] = Field(None, description="The id of the follow-on agreement that added it (follow_ons)")
    note: Optional[LongText] = None
    illustrative: bool = Field(False, description="Dates or terms judged for the example, not from the record (say which in note)")

    @model_validator(mode="after")
    def _consistent(self) -> "Fund":
        if self.per_year is None and self.total is None:
            raise FieldError(("per_year",), "or total is required (how much money is it?)")
        if self.years is not None and self.per_year is None:
            raise FieldError(("per_year",), "is required with years (how much a year?)")
        for name in ("per_year", "total"):
            published = getattr(self, name)
            if published is not None:
                _check_amount((name, "amount"), published.amount, self.unit)
        if self.per_year is not None and self.years is not None and self.total is not None and self.total.as_published == AsPublished.exact:
            implied = self.per_year.amount * self.years
            if self.per_year.as_published == AsPublished.exact and implied != self.total.amount:
                raise FieldError(
                    ("total", "amount"),
                    f"{self.total.amount} is not {self.per_year.amount} a year for {self.years} years ({implied}); "
                    "write as_published: about if the published total is rounded",
                )
        if self.gateways and self.gateway_every is None:
            raise FieldError(("gateway_every",), "is required when the fund has gateways (every how many years?)")
        if self.gateway_every is not None:
            if self.years is None:
                raise FieldError(("gateway_every",), "needs per_year and years (gateways release the tranches of a fund of set length)")
            if self.gateway_every >= self.years:
                raise FieldError(("gateway_every",), f"{self.gateway_every} is not less than the fund's {self.years} years")
            most = (self.years - 1) // self.gateway_every
            if len(self.gateways) > most:
                raise FieldError(("gateways",), f"has {len(self.gateways)} reviews, but a fund of {self.years} years reviewed every {self.gateway_every} has at most {most}")
        for i, (earlier, later) in enumerate(zip(self.gateways, self.gateways[1:]), start=1):
            if later.due <= earlier.due:
                raise FieldError(("gateways", i, "due"), f"{later.due} is not after the previous review's {earlier.due} (list them in order)")
        return self


def _check_amount(path: tuple, amount: Decimal, unit: Unit) -> None:
    pence = amount * UNIT_PENCE[unit]
    if pence % 1:
        raise FieldError(path, f"£{amount}{unit.value[1:]} is not a whole number of pence")
    if pence < 0:
        raise FieldError(path, f"£{amount}{unit.value[1:]} is less than zero (expected 0 or more)")
    if pence > MAX_PENCE:
        raise FieldError(path, f"£{amount}{unit.value[1:]} is more than £1,000bn")
