"""What a deal page shows of its budget: rows, totals, shares and charts, computed, ready to lay out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional


@dataclass(frozen=True)
class Bar:
    """One bar of a chart. Geometry is computed here, in percent of the chart's width."""

    label: str
    value: Decimal | int  # pence, or a percentage for share charts
    x: Decimal  # where the bar starts, percent of the width
    width: Decimal  # percent of the width
    y: int  # pixels from the top of the chart: the bar's top
    text_y: int  # the baseline of the bar's label, above the bar
    negative: bool = False
    kind: str = ""  # baseline, envelope, savings, investment, net or cumulative: how it is labelled and drawn
    second: Optional["Bar"] = None  # a segment drawn on the same line (the envelope's savings)


@dataclass(frozen=True)
class Chart:
    label: str  # the chart's accessible name (its <title>): what it shows, in words. The deal page keeps
    # it short: the table that follows every chart gives the same figures, and each bar's figure is
    # written beside it. The cumulative chart (on the deal's tables page) names every year's figure.
    bars: list[Bar]
    height: int  # pixels
    zero: Optional[Decimal] = None  # x of the zero axis, when some values are negative
    groups: list[tuple[str, int]] = field(default_factory=list)  # (heading, text_y) above bar pairs


@dataclass(frozen=True)
class BaselineRow:
    kind: str  # "line", "body" (a body's subtotal) or "total"
    body: str
    stream: str
    cells: list[int]  # pence, one per year
    total: int  # pence over the years
    share: Optional[Decimal]  # percent of the overall total


@dataclass(frozen=True)
class Baseline:
    years: list[str]
    rows: list[BaselineRow]  # each body's lines, then its subtotal when it has several
    total: BaselineRow
    real: Optional[list[Decimal]]  # total per year in base-year prices, pence
    real_total: Optional[Decimal]
    per_head: Optional[list[Decimal]]  # total per year per head, pence
    per_head_total: Optional[Decimal]
    rounding_note: bool  # for every row together (lines, bodies, total, real terms, per head)
    chart: Chart
    csv: str
    bodies: list[BaselineRow] = field(default_factory=list)  # one per body: its subtotal, or its only line
    bodies_rounding_note: bool = False  # for the table of bodies (the deal page): bodies, total, real terms, per head
    lines_rounding_note: bool = False  # for the table line by line (the tables page): lines, bodies, total

    @property
    def lines(self) -> int:
        return sum(1 for r in self.rows if r.kind == "line")


@dataclass(frozen=True)
class EnvelopeRow:
    year: str  # a financial year, or "All years"
    baseline: int
    envelope: Decimal
    savings: Decimal
    kept: Optional[Decimal]  # None when the deal gives no savings share
    envelope_real: Optional[Decimal]
    envelope_per_head: Optional[Decimal]


@dataclass(frozen=True)
class Envelope:
    reduction_percent: Decimal
    savings_share_percent: Optional[Decimal]  # None: the deal says nothing of keeping savings
    rows: list[EnvelopeRow]  # one per year
    total: EnvelopeRow
    rounding_note: bool
    chart: Chart
    csv: str


@dataclass(frozen=True)
class SchemeBody:
    body: str
    investment: int
    benefit: int
    net: int
    investment_share: Optional[Decimal]
    net_share: Optional[Decimal]
    ratio: Optional[Decimal]
    payback_year: Optional[str]


@dataclass(frozen=True)
class SchemeYear:
    year: str
    investment: int
    benefit: int
    net: int
    cumulative: int


@dataclass(frozen=True)
class SchemeView:
    id: str  # a stable HTML id, "invest-to-save-1" ...
    name: str
    description: Optional[str]
    bodies: list[SchemeBody]
    total: SchemeBody
    years: list[SchemeYear]
    rounding_note: bool
    years_rounding_note: bool
    imbalance: Optional[SchemeBody]  # the body paying the most more than its share of the gain
    shares_chart: Chart
    cumulative_chart: Chart


@dataclass(frozen=True)
class BudgetView:
    illustrative: bool
    baseline: Baseline
    envelope: Optional[Envelope]  # only for a "more for less" budget
    schemes: list[SchemeView]  # one per scheme, then "All schemes" when there are several
    base_year: Optional[str]  # of real-terms figures, None when not shown
    deflator_source: Optional[str]
    population: Optional[int]
    population_year: Optional[int]
    schemes_csv: Optional[str]
    schemes_by_year_csv: Optional[str]


