"""The single place budget, computed: baseline, "more for less" envelope, invest-to-save.

Floor 2: works on the embargo-filtered model; returns :class:`tables.Table` objects
(the CSV downloads) and a :class:`BudgetView` (what ``partials/budget.html`` shows).

Exactness
=========
Money is carried as exact integer pence in ``int64`` columns (``PlaceBudget.pence``),
so every sum is exact. Money derived by a percentage (the envelope, the savings, the
share the place keeps) is an exact ``Decimal`` number of pence: the percentages are
decimals, so ``pence * percent / 100`` is a finite decimal, computed under a context
that raises rather than rounds (:data:`EXACT`). Real-terms and per-head figures are
divisions, computed as ``Decimal`` to 28 significant figures. No binary float touches
money; rounding happens only for display (``display.py``) and in the CSV columns that
say so.

Definitions (published in the tables' column descriptions)
==========================================================
* Envelope: baseline x (1 - reduction_percent / 100); savings required: baseline x
  reduction_percent / 100, so envelope + savings = baseline exactly; the place keeps
  savings x savings_share_percent / 100.
* Invest-to-save: net benefit = gross benefit - investment; benefit-cost ratio = gross
  benefit / investment; a body's share of investment = its investment / the scheme's
  total investment, and likewise for net benefit (a share can be negative, or above
  100%, when a body's net benefit is negative).
* Payback year: the first financial year from which the cumulative net benefit is zero
  or more and stays so to the end of the schedule; none if it ends below zero.
* Real terms: cash x index(base year) / index(year), from ``deals/_deflators.yaml``;
  shown only when the index covers every year of the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Context, Decimal, Inexact, localcontext
from typing import Callable, Optional, Sequence

import numpy as np
import pandas as pd

from .display import MINUS, csv_decimal, csv_pounds, money, percent, shown_per_head, shown_percent, sums_when_shown
from .model import Deal, Deflators, PlaceBudget
from .tables import Column, Table

ALL_BODIES = "All bodies"
ALL_STREAMS = "All streams"
ALL_YEARS = "All years"
ALL_SCHEMES = "All schemes"
HUNDRED = Decimal(100)

# Exact decimal arithmetic for money: wide enough for any pence * percent, and an error
# (never a silent rounding) if a result is not exact.
EXACT = Context(prec=200, traps=[Inexact])
CSV_SHARE_PLACES = 4  # percentages in CSV files
CSV_RATIO_PLACES = 4  # benefit-cost ratios in CSV files

# --- what the page shows ------------------------------------------------------------------


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
    kept: Decimal
    envelope_real: Optional[Decimal]
    envelope_per_head: Optional[Decimal]


@dataclass(frozen=True)
class Envelope:
    reduction_percent: Decimal
    savings_share_percent: Decimal
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
    envelope: Envelope
    schemes: list[SchemeView]  # one per scheme, then "All schemes" when there are several
    base_year: Optional[str]  # of real-terms figures, None when not shown
    deflator_source: Optional[str]
    population: Optional[int]
    population_year: Optional[int]
    schemes_csv: Optional[str]
    schemes_by_year_csv: Optional[str]


# --- public API -----------------------------------------------------------------------------


def budget_tables(deal: Deal, deflators: Optional[Deflators]) -> list[Table]:
    """Every budget table of a deal, for its page and its CSV downloads."""
    computed = _computed(deal, deflators)
    return list(computed[0]) if computed else []


def budget_view(deal: Deal, deflators: Optional[Deflators]) -> Optional[BudgetView]:
    """What partials/budget.html shows, or None when the deal has no budget."""
    computed = _computed(deal, deflators)
    return computed[1] if computed else None


# Pages and downloads both ask for a deal's budget: compute it once per (deal, deflators).
# Keyed by identity and holding the objects themselves, so an id is never reused while cached.
_CACHE: dict[tuple[int, int], tuple[Deal, Optional[Deflators], tuple]] = {}
_CACHE_SIZE = 4096


def _computed(deal: Deal, deflators: Optional[Deflators]):
    if deal.budget is None:
        return None
    key = (id(deal), id(deflators))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is deal and hit[1] is deflators:
        return hit[2]
    result = _compute(deal, deflators)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (deal, deflators, result)
    return result


# --- the computation -------------------------------------------------------------------------


def exact_percent_of(pence: int | Decimal, percent: Decimal) -> Decimal:
    """pence x percent / 100, exactly (raises if it could not be exact)."""
    with localcontext(EXACT):
        return Decimal(pence) * percent / HUNDRED


def share_percent(part: int | Decimal, total: int | Decimal) -> Optional[Decimal]:
    """part / total as a percentage, or None when the total is zero."""
    return None if total == 0 else Decimal(part) * HUNDRED / Decimal(total)


def payback_year(years: Sequence[str], cumulative: Sequence[int]) -> Optional[str]:
    """The first year from which the cumulative net benefit stays at zero or more."""
    found = None
    for year, value in zip(reversed(years), reversed(cumulative)):
        if value < 0:
            break
        found = year
    return found


def imbalance(bodies: Sequence["SchemeBody"]) -> Optional["SchemeBody"]:
    """The body whose share of the investment most exceeds its share of the net benefit."""
    gaps = [(b.investment_share - b.net_share, n, b) for n, b in enumerate(bodies) if b.investment_share is not None and b.net_share is not None]
    gap, _, body = max(gaps, key=lambda g: (g[0], -g[1]), default=(0, 0, None))
    return body if gap > 0 else None


def group_sum(keys: Sequence, values: np.ndarray) -> tuple[list, np.ndarray]:
    """Sum the int64 rows of values by key, keys in order of first appearance.

    pandas.factorize and numpy's unbuffered add: exact integer sums, and on frames this small
    about fifty times cheaper than a DataFrame groupby (measured), which matters when a
    build computes a thousand deals.
    """
    labels = np.fromiter(keys, dtype=object, count=len(keys))
    codes, uniques = pd.factorize(labels)
    sums = np.zeros((len(uniques),) + values.shape[1:], dtype=np.int64)
    np.add.at(sums, codes, values)
    return uniques.tolist(), sums


def _text_frame(columns: dict[str, list]) -> pd.DataFrame:
    """A published table: CSV-ready text in object columns (no type inference, so it is
    quicker to build and about three times quicker to write as CSV than string columns)."""
    return pd.DataFrame(columns, dtype=object)


def _real_factors(years: Sequence[str], deflators: Optional[Deflators]) -> Optional[dict[str, Decimal]]:
    """index(base) / index(year) for each year, or None unless the index covers them all."""
    if deflators is None or any(y not in deflators.index for y in years):
        return None
    base = deflators.index[deflators.base_year]
    return {y: base / deflators.index[y] for y in years}


def _compute(deal: Deal, deflators: Optional[Deflators]) -> tuple[tuple[Table, ...], BudgetView]:
    budget = deal.budget
    population = deal.place.population
    factors = _real_factors(budget.years, deflators)
    baseline, baseline_table, year_totals = _baseline(budget, factors, population, deflators)
    envelope, envelope_table = _envelope(budget, year_totals, factors, population, deflators)
    tables = [baseline_table, envelope_table]
    schemes: list[SchemeView] = []
    if budget.schemes:
        schemes, scheme_tables = _invest_to_save(budget)
        tables += scheme_tables
    view = BudgetView(
        illustrative=budget.illustrative,
        baseline=baseline,
        envelope=envelope,
        schemes=schemes,
        base_year=deflators.base_year if factors else None,
        deflator_source=deflators.source if factors else None,
        population=population,
        population_year=deal.place.population_year if population else None,
        schemes_csv="invest-to-save.csv" if schemes else None,
        schemes_by_year_csv="invest-to-save-by-year.csv" if schemes else None,
    )
    return tuple(tables), view


def _real_column(base_year: str) -> str:
    return f"in {base_year} prices (GDP deflator, deals/_deflators.yaml)"


# --- baseline ------------------------------------------------------------------------------------


def _baseline(budget: PlaceBudget, factors, population, deflators):
    years = list(budget.years)
    zero = Decimal(0)
    # One row per line, one column per year, exact pence (int64); bodies summed by group_sum.
    line_cells = np.array(
        [[budget.pence(line.amounts.get(y, zero)) for y in years] for line in budget.lines], dtype=np.int64
    )
    body_names, body_cells = group_sum([line.body for line in budget.lines], line_cells)
    year_totals = body_cells.sum(axis=0)  # int64: exact
    # Lines, then each body's total, then the total: the rows of the published long table.
    labels = (
        [("line", line.body, line.stream) for line in budget.lines]
        + [("body", body, ALL_STREAMS) for body in body_names]
        + [("total", ALL_BODIES, ALL_STREAMS)]
    )
    matrix = line_cells.tolist() + body_cells.tolist() + [year_totals.tolist()]
    matrix = [row + [sum(row)] for row in matrix]  # Python ints from here: exact
    columns = years + [ALL_YEARS]
    totals = dict(zip(columns, matrix[-1]))
    grand = totals[ALL_YEARS]

    pence = [p for row in matrix for p in row]
    fy = columns * len(matrix)
    shares = [share_percent(p, totals[y]) for p, y in zip(pence, fy)]
    if factors:
        real_by_year = {y: Decimal(totals[y]) * factors[y] for y in years}
        real = []
        for row in matrix:
            cells = [Decimal(c) * factors[y] for y, c in zip(years, row)]
            real += cells + [sum(cells, zero)]
    else:
        real_by_year, real = None, [None] * len(pence)
    per_head = [Decimal(p) / population for p in pence] if population else [None] * len(pence)
    n = len(columns)
    long = {
        "level": [label[0] for label in labels for _ in range(n)],
        "body": [label[1] for label in labels for _ in range(n)],
        "stream": [label[2] for label in labels for _ in range(n)],
        "financial_year": fy,
    }

    frame = _text_frame(
        {
            **long,
            "amount_gbp": [csv_pounds(p) for p in pence],
            "share_of_year_total_percent": [csv_decimal(s, CSV_SHARE_PLACES) for s in shares],
            "real_terms_gbp": [csv_decimal(r / HUNDRED if r is not None else None, 2) for r in real],
            "per_head_gbp": [csv_decimal(h / HUNDRED if h is not None else None, 2) for h in per_head],
        }
    )
    base_note = _real_column(deflators.base_year) if factors else "empty: the deflator series does not cover every year"
    table = Table(
        name="budget-baseline",
        title="Baseline: spend by body and stream",
        description=(
            "What the bodies in the place spend now on the services the single place budget covers, "
            "by financial year of the spending review, with totals by body, by year and overall."
        ),
        columns=[
            Column("level", "Level", "string", "", 'One of "line" (a body\'s spending stream), "body" (a body\'s total) or "total" (all bodies).'),
            Column("body", "Body", "string", "", f'The public body; "{ALL_BODIES}" on the total rows.'),
            Column("stream", "Spending stream", "string", "", f'The service; "{ALL_STREAMS}" on body and total rows.'),
            Column("financial_year", "Financial year", "string", "", f'A financial year such as 2012-13, or "{ALL_YEARS}" for the spending review period.'),
            Column("amount_gbp", "Amount (£, cash)", "number", "GBP", "Exact cash amount in pounds, 2 decimal places."),
            Column(
                "share_of_year_total_percent",
                "Share of the year's total (%)",
                "number",
                "percent",
                f"The amount as a percentage of the total of all bodies for the same financial_year, rounded to {CSV_SHARE_PLACES} decimal places.",
            ),
            Column("real_terms_gbp", "Amount in real terms (£)", "number", "GBP", f"Cash x index(base year) / index(year), {base_note}; rounded to the nearest penny."),
            Column(
                "per_head_gbp",
                "Amount per head (£)",
                "number",
                "GBP",
                "Amount divided by the place's population, rounded to the nearest penny; empty when the deal gives no population.",
            ),
        ],
        frame=frame,
        notes=[f"Real terms: {base_note}."] if factors else [],
    )

    # The page: lines, a subtotal for each body with more than one line, the total.
    rows: list[BaselineRow] = []
    checks_money: list[tuple[list, object]] = []
    checks_share: list[tuple[list, object]] = []
    body_rows: list[BaselineRow] = []
    lines_by_body: dict[str, list[BaselineRow]] = {}
    for line, cells in zip(budget.lines, line_cells.tolist()):
        total = sum(cells)
        lines_by_body.setdefault(line.body, []).append(BaselineRow("line", line.body, line.stream, cells, total, share_percent(total, grand)))
    for body, cells in zip(body_names, body_cells.tolist()):
        total = sum(cells)
        parts = lines_by_body[body]
        rows.extend(parts)
        if len(parts) > 1:
            subtotal = BaselineRow("body", body, ALL_STREAMS, cells, total, share_percent(total, grand))
            rows.append(subtotal)
            body_rows.append(subtotal)
            checks_money += [([r.cells[i] for r in parts], cells[i]) for i in range(len(years))]
            checks_money.append(([r.total for r in parts], total))
            if grand:
                checks_share.append(([r.share for r in parts], subtotal.share))
        else:
            body_rows.append(parts[0])
    total_row = BaselineRow("total", ALL_BODIES, ALL_STREAMS, [totals[y] for y in years], grand, share_percent(grand, grand))
    for row in rows + [total_row]:
        checks_money.append((row.cells, row.total))
    checks_money += [([r.cells[i] for r in body_rows], total_row.cells[i]) for i in range(len(years))]
    checks_money.append(([r.total for r in body_rows], grand))
    if grand:
        checks_share.append(([r.share for r in body_rows], HUNDRED))

    # The table line by line (the deal's tables page): lines, body subtotals and the total.
    lines_note = not all(sums_when_shown(p, t) for p, t in checks_money)
    lines_note = lines_note or not all(sums_when_shown(p, t, shown_percent) for p, t in checks_share)
    real_row = [real_by_year[y] for y in years] if real_by_year else None
    real_total = sum(real_row, zero) if real_row else None
    if real_row:
        checks_money.append((real_row, real_total))
    head_row = [Decimal(totals[y]) / population for y in years] if population else None
    head_total = Decimal(grand) / population if population else None
    # The table of bodies (the deal page): each body's years against its total, the total
    # row, the bodies against the total, real terms, shares and per head.
    summary_money = [(r.cells, r.total) for r in body_rows + [total_row]]
    summary_money += [([r.cells[i] for r in body_rows], total_row.cells[i]) for i in range(len(years))]
    summary_money.append(([r.total for r in body_rows], grand))
    if real_row:
        summary_money.append((real_row, real_total))
    summary_share = [([r.share for r in body_rows], HUNDRED)] if grand else []
    head_note = bool(head_row) and not sums_when_shown(head_row, head_total, shown_per_head)
    note = not all(sums_when_shown(p, t) for p, t in checks_money)
    note = note or not all(sums_when_shown(p, t, shown_percent) for p, t in checks_share) or head_note
    bodies_note = not all(sums_when_shown(p, t) for p, t in summary_money)
    bodies_note = bodies_note or not all(sums_when_shown(p, t, shown_percent) for p, t in summary_share) or head_note

    body_totals = [(r.body, r.total, r.share) for r in body_rows]
    chart = _bars_chart(
        [(b, t) for b, t, _ in body_totals],
        f"Bar chart of each body's baseline spending over {years[0]} to {years[-1]}",
    )
    view = Baseline(
        years, rows, total_row, real_row, real_total, head_row, head_total, note, chart, "budget-baseline.csv", body_rows, bodies_note, lines_note
    )
    return view, table, year_totals.tolist()


# --- envelope ------------------------------------------------------------------------------------


def _envelope(budget: PlaceBudget, year_totals: list[int], factors, population, deflators):
    years = list(budget.years)
    r, s = budget.reduction_percent, budget.savings_share_percent

    def row(year: str, base: int, factor: Optional[Decimal]) -> EnvelopeRow:
        savings = exact_percent_of(base, r)
        with localcontext(EXACT):
            envelope = Decimal(base) - savings
        kept = exact_percent_of(savings, s)
        return EnvelopeRow(
            year,
            base,
            envelope,
            savings,
            kept,
            envelope * factor if factor is not None else None,
            envelope / population if population else None,
        )

    rows = [row(y, t, factors[y] if factors else None) for y, t in zip(years, year_totals)]
    with localcontext(EXACT):
        total = EnvelopeRow(
            ALL_YEARS,
            sum(year_totals),
            sum((x.envelope for x in rows), Decimal(0)),
            sum((x.savings for x in rows), Decimal(0)),
            sum((x.kept for x in rows), Decimal(0)),
            None,
            None,
        )
    real_total = sum((x.envelope_real for x in rows), Decimal(0)) if factors else None
    total = EnvelopeRow(total.year, total.baseline, total.envelope, total.savings, total.kept, real_total,
                        total.envelope / population if population else None)

    checks = [([x.envelope, x.savings], x.baseline) for x in rows + [total]]
    for attr in ("baseline", "envelope", "savings", "kept") + (("envelope_real",) if factors else ()):
        checks.append(([getattr(x, attr) for x in rows], getattr(total, attr)))
    note = not all(sums_when_shown(p, t) for p, t in checks)
    if population:
        note = note or not sums_when_shown([x.envelope_per_head for x in rows], total.envelope_per_head, shown_per_head)

    everything = rows + [total]
    base_note = _real_column(deflators.base_year) if factors else "empty: the deflator series does not cover every year"
    frame = _text_frame(
        {
            "financial_year": [x.year for x in everything],
            "baseline_gbp": [csv_pounds(x.baseline) for x in everything],
            "reduction_percent": [format(r, "f")] * len(everything),
            "envelope_gbp": [csv_pounds(x.envelope) for x in everything],
            "savings_required_gbp": [csv_pounds(x.savings) for x in everything],
            "savings_share_percent": [format(s, "f")] * len(everything),
            "savings_kept_gbp": [csv_pounds(x.kept) for x in everything],
            "envelope_real_terms_gbp": [csv_decimal(x.envelope_real / HUNDRED if x.envelope_real is not None else None, 2) for x in everything],
            "envelope_per_head_gbp": [csv_decimal(x.envelope_per_head / HUNDRED if x.envelope_per_head is not None else None, 2) for x in everything],
        }
    )
    exact = "Exact, in pounds: 2 decimal places, more only for a fraction of a penny."
    table = Table(
        name="budget-envelope",
        title='The "more for less" envelope',
        description=(
            "The single place budget agreed with the Treasury: the baseline less a fixed percentage, "
            "the savings that reduction requires, and the share of the savings the place keeps."
        ),
        columns=[
            Column("financial_year", "Financial year", "string", "", f'A financial year such as 2012-13, or "{ALL_YEARS}" for the spending review period.'),
            Column("baseline_gbp", "Baseline (£, cash)", "number", "GBP", "Total baseline spend of all bodies; exact, in pounds, 2 decimal places."),
            Column("reduction_percent", "Reduction (%)", "number", "percent", "How much less than the baseline the place agreed to spend, as given in the deal."),
            Column("envelope_gbp", "Agreed budget (£, cash)", "number", "GBP", "baseline_gbp x (1 - reduction_percent / 100). " + exact),
            Column("savings_required_gbp", "Savings required (£, cash)", "number", "GBP", "baseline_gbp x reduction_percent / 100, so envelope_gbp + savings_required_gbp = baseline_gbp. " + exact),
            Column("savings_share_percent", "Share of savings kept (%)", "number", "percent", "The share of the savings the place keeps, as given in the deal."),
            Column("savings_kept_gbp", "Savings kept by the place (£, cash)", "number", "GBP", "savings_required_gbp x savings_share_percent / 100. " + exact),
            Column("envelope_real_terms_gbp", "Agreed budget in real terms (£)", "number", "GBP", f"envelope_gbp x index(base year) / index(year), {base_note}; rounded to the nearest penny."),
            Column("envelope_per_head_gbp", "Agreed budget per head (£)", "number", "GBP", "envelope_gbp divided by the place's population, rounded to the nearest penny; empty when the deal gives no population."),
        ],
        frame=frame,
        notes=[f"Real terms: {base_note}."] if factors else [],
    )
    chart = _envelope_chart(rows, r)
    view = Envelope(r, s, rows, total, note, chart, "budget-envelope.csv")
    return view, table


# --- invest-to-save ------------------------------------------------------------------------------


def _invest_to_save(budget: PlaceBudget) -> tuple[list[SchemeView], list[Table]]:
    several = len(budget.schemes) > 1
    records = [
        (i, share.body, year, budget.pence(share.investment.get(year, 0)), budget.pence(share.benefit.get(year, 0)))
        for i, scheme in enumerate(budget.schemes)
        for share in scheme.bodies
        for year in sorted(set(share.investment) | set(share.benefit))
    ]
    if several:  # "All schemes" is scheme -1: the same sums over every scheme
        records += [(-1, *rest) for _, *rest in records]
    money_cols = ["investment", "benefit", "net"]
    values = np.array([(inv, ben, ben - inv) for _, _, _, inv, ben in records], dtype=np.int64).reshape(-1, 3)
    # Three exact integer group sums give everything: by body, by year, by body and year.
    keys, sums = group_sum([(i, body) for i, body, *_ in records], values)
    by_body = {key: tuple(row) for key, row in zip(keys, sums.tolist())}
    # Bodies in the order the deal lists them, including any with no amounts yet.
    bodies_of: dict[int, list[tuple[str, int, int, int]]] = {}
    for i, scheme in list(enumerate(budget.schemes)) + ([(-1, s) for s in budget.schemes] if several else []):
        listed = bodies_of.setdefault(i, [])
        for share in scheme.bodies:
            if share.body not in [b for b, *_ in listed]:
                listed.append((share.body, *by_body.get((i, share.body), (0, 0, 0))))
    keys, sums = group_sum([(i, year) for i, _, year, *_ in records], values)
    years_of: dict[int, list[tuple[str, int, int, int]]] = {}
    for (i, year), (inv, ben, net) in sorted(zip(keys, sums.tolist())):
        years_of.setdefault(i, []).append((year, inv, ben, net))
    keys, sums = group_sum([(i, body, year) for i, body, year, *_ in records], values[:, 2])
    body_years: dict[tuple[int, str], tuple[list[str], list[int]]] = {}
    for (i, body, year), net in sorted(zip(keys, sums.tolist())):
        years, cumulative = body_years.setdefault((i, body), ([], []))
        years.append(year)
        cumulative.append(net + (cumulative[-1] if cumulative else 0))
    paybacks_body = {key: payback_year(*value) for key, value in body_years.items()}

    order = list(range(len(budget.schemes))) + ([-1] if several else [])
    views: list[SchemeView] = []
    body_rows_csv: list[tuple] = []
    year_rows_csv: list[tuple] = []
    for n, i in enumerate(order, start=1):
        name = ALL_SCHEMES if i == -1 else budget.schemes[i].name
        description = None if i == -1 else budget.schemes[i].description
        years, running = [], 0
        for year, inv, ben, net in years_of.get(i, []):
            running += net
            years.append(SchemeYear(year, inv, ben, net, running))
        year_list = [y.year for y in years]
        inv_total, ben_total, net_total = (sum(getattr(y, a) for y in years) for a in money_cols)
        bodies = [
            SchemeBody(
                body,
                inv,
                ben,
                net,
                share_percent(inv, inv_total),
                share_percent(net, net_total),
                None if inv == 0 else Decimal(ben) / Decimal(inv),
                paybacks_body.get((i, body)),
            )
            for (body, inv, ben, net) in bodies_of[i]
        ]
        total = SchemeBody(
            ALL_BODIES,
            inv_total,
            ben_total,
            net_total,
            share_percent(inv_total, inv_total),
            share_percent(net_total, net_total),
            None if inv_total == 0 else Decimal(ben_total) / Decimal(inv_total),
            payback_year(year_list, [y.cumulative for y in years]),
        )
        note = not all(
            sums_when_shown(p, t)
            for p, t in [([getattr(b, a) for b in bodies], getattr(total, a)) for a in money_cols]
            + [([b.net, b.investment], b.benefit) for b in bodies + [total]]
        )
        shares = [([b.investment_share for b in bodies], HUNDRED)] if inv_total else []
        shares += [([b.net_share for b in bodies], HUNDRED)] if net_total else []
        note = note or not all(sums_when_shown(p, t, shown_percent) for p, t in shares)
        year_checks = [([getattr(y, a) for y in years], getattr(total, a)) for a in money_cols]
        year_checks += [([y.net, y.investment], y.benefit) for y in years]
        year_checks += [([prev.cumulative, y.net], y.cumulative) for prev, y in zip(years, years[1:])]
        years_note = not all(sums_when_shown(p, t) for p, t in year_checks)
        views.append(
            SchemeView(
                id=f"invest-to-save-{n}" if i != -1 else "invest-to-save-all",
                name=name,
                description=description,
                bodies=bodies,
                total=total,
                years=years,
                rounding_note=note,
                years_rounding_note=years_note,
                imbalance=imbalance(bodies),
                shares_chart=_shares_chart(name, bodies),
                cumulative_chart=_cumulative_chart(name, years),
            )
        )
        for b in bodies + [total]:
            body_rows_csv.append((name, b))
        for y in years:
            year_rows_csv.append((name, y.year, y.investment, y.benefit, y.net, csv_pounds(y.cumulative)))
        year_rows_csv.append((name, ALL_YEARS, inv_total, ben_total, net_total, ""))

    schemes_table = Table(
        name="invest-to-save",
        title="Invest-to-save: who pays and who gains",
        description=(
            "For each invest-to-save scheme and body: what it invests, the gross and net benefit it "
            "receives, its share of the scheme's investment against its share of the net benefit, the "
            "benefit-cost ratio and the payback year. Totals are the rows with body "
            f'"{ALL_BODIES}"' + (f'; the scheme "{ALL_SCHEMES}" sums every scheme.' if several else ".")
        ),
        columns=[
            Column("scheme", "Scheme", "string", "", f'The scheme\'s name{f"; {ALL_SCHEMES!r} sums every scheme" if several else ""}.'),
            Column("body", "Body", "string", "", f'The public body; "{ALL_BODIES}" for the scheme\'s total.'),
            Column("investment_gbp", "Investment (£, cash)", "number", "GBP", "Total investment over the scheme's years; exact, in pounds, 2 decimal places."),
            Column("gross_benefit_gbp", "Gross benefit (£, cash)", "number", "GBP", "Total gross benefit to the body; exact, in pounds, 2 decimal places."),
            Column("net_benefit_gbp", "Net benefit (£, cash)", "number", "GBP", "gross_benefit_gbp - investment_gbp; exact, in pounds, 2 decimal places."),
            Column("investment_share_percent", "Share of investment (%)", "number", "percent", f"investment_gbp / the scheme's total investment x 100, rounded to {CSV_SHARE_PLACES} decimal places; empty when the total is zero."),
            Column("net_benefit_share_percent", "Share of net benefit (%)", "number", "percent", f"net_benefit_gbp / the scheme's total net benefit x 100, rounded to {CSV_SHARE_PLACES} decimal places; negative for a body that loses; empty when the total is zero."),
            Column("benefit_cost_ratio", "Benefit-cost ratio", "number", "", f"gross_benefit_gbp / investment_gbp, rounded to {CSV_RATIO_PLACES} decimal places; empty when there is no investment."),
            Column("payback_year", "Payback year", "string", "", "The first financial year from which the cumulative net benefit is zero or more and stays so; empty if it never does."),
        ],
        frame=_text_frame(
            {
                "scheme": [s for s, _ in body_rows_csv],
                "body": [b.body for _, b in body_rows_csv],
                "investment_gbp": [csv_pounds(b.investment) for _, b in body_rows_csv],
                "gross_benefit_gbp": [csv_pounds(b.benefit) for _, b in body_rows_csv],
                "net_benefit_gbp": [csv_pounds(b.net) for _, b in body_rows_csv],
                "investment_share_percent": [csv_decimal(b.investment_share, CSV_SHARE_PLACES) for _, b in body_rows_csv],
                "net_benefit_share_percent": [csv_decimal(b.net_share, CSV_SHARE_PLACES) for _, b in body_rows_csv],
                "benefit_cost_ratio": [csv_decimal(b.ratio, CSV_RATIO_PLACES) for _, b in body_rows_csv],
                "payback_year": [b.payback_year or "" for _, b in body_rows_csv],
            }
        ),
    )
    years_table = Table(
        name="invest-to-save-by-year",
        title="Invest-to-save by year: cumulative net benefit",
        description=(
            "For each scheme and financial year: the investment, gross benefit and net benefit of all its "
            f'bodies, and the cumulative net benefit to that year. The "{ALL_YEARS}" row gives the totals.'
        ),
        columns=[
            Column("scheme", "Scheme", "string", "", f'The scheme\'s name{f"; {ALL_SCHEMES!r} sums every scheme" if several else ""}.'),
            Column("financial_year", "Financial year", "string", "", f'A financial year such as 2012-13, or "{ALL_YEARS}" for the totals.'),
            Column("investment_gbp", "Investment (£, cash)", "number", "GBP", "Exact, in pounds, 2 decimal places."),
            Column("gross_benefit_gbp", "Gross benefit (£, cash)", "number", "GBP", "Exact, in pounds, 2 decimal places."),
            Column("net_benefit_gbp", "Net benefit (£, cash)", "number", "GBP", "gross_benefit_gbp - investment_gbp; exact, in pounds, 2 decimal places."),
            Column("cumulative_net_benefit_gbp", "Cumulative net benefit (£, cash)", "number", "GBP", f'Net benefit from the scheme\'s first year to this one; exact; empty on the "{ALL_YEARS}" row.'),
        ],
        frame=_text_frame(
            {
                "scheme": [r[0] for r in year_rows_csv],
                "financial_year": [r[1] for r in year_rows_csv],
                "investment_gbp": [csv_pounds(r[2]) for r in year_rows_csv],
                "gross_benefit_gbp": [csv_pounds(r[3]) for r in year_rows_csv],
                "net_benefit_gbp": [csv_pounds(r[4]) for r in year_rows_csv],
                "cumulative_net_benefit_gbp": [r[5] for r in year_rows_csv],
            }
        ),
    )
    return views, [schemes_table, years_table]


# --- charts: geometry in Python, drawing in the template ------------------------------------------

ROW = 44  # pixels per bar: a label line and the bar
LABEL = 16  # label baseline below the row's top
BAR_TOP = 22  # bar's top below the row's top
GROUP_ROW = 24  # a heading line above a pair of bars


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _scale(values: Sequence[Decimal | int], floor_hi: Decimal = Decimal(0)) -> tuple[Callable, Optional[Decimal]]:
    """A function value -> (x, width) in percent of the width, and the zero axis if needed."""
    lo = min([Decimal(0)] + [Decimal(v) for v in values])
    hi = max([Decimal(0), floor_hi] + [Decimal(v) for v in values])
    span = hi - lo
    zero = Decimal(0) if span == 0 else -lo * HUNDRED / span

    def place(value) -> tuple[Decimal, Decimal]:
        if span == 0:
            return Decimal(0), Decimal(0)
        width = abs(Decimal(value)) * HUNDRED / span
        x = zero - width if value < 0 else zero
        return _pct(x), _pct(width)

    return place, (_pct(zero) if lo < 0 else None)


def _bars_chart(items: list[tuple[str, int]], label: str) -> Chart:
    place, zero = _scale([v for _, v in items])
    bars = []
    for n, (name, value) in enumerate(items):
        x, width = place(value)
        bars.append(Bar(name, value, x, width, n * ROW + BAR_TOP, n * ROW + LABEL, value < 0, "baseline"))
    return Chart(label, bars, len(items) * ROW + 4, zero)


def _envelope_chart(rows: list[EnvelopeRow], reduction: Decimal) -> Chart:
    place, zero = _scale([x.baseline for x in rows])
    bars = []
    for n, x in enumerate(rows):
        ex, ew = place(x.envelope)
        sx, sw = place(x.savings)
        if x.envelope >= 0 and x.savings >= 0:
            sx = _pct(ex + ew)
        y, text_y = n * ROW + BAR_TOP, n * ROW + LABEL
        savings = Bar(x.year, x.savings, sx, sw, y, text_y, x.savings < 0, "savings")
        bars.append(Bar(x.year, x.envelope, ex, ew, y, text_y, x.envelope < 0, "envelope", savings))
    label = f"Bar chart of the agreed budget and the savings required in each year, {_words_percent(reduction)} less than the baseline"
    return Chart(label, bars, len(rows) * ROW + 4, zero)


def _shares_chart(name: str, bodies: list[SchemeBody]) -> Chart:
    values = [v for b in bodies for v in (b.investment_share, b.net_share) if v is not None]
    place, zero = _scale(values, floor_hi=HUNDRED)  # shares on a 0-100% scale: half looks like half
    bars, groups = [], []
    top = 0
    for b in bodies:
        groups.append((b.body, top + LABEL))
        top += GROUP_ROW
        for kind, share in (("investment", b.investment_share), ("net", b.net_share)):
            x, width = place(share or 0)
            bars.append(Bar(b.body, share if share is not None else Decimal(0), x, width, top + BAR_TOP, top + LABEL, (share or 0) < 0, kind))
            top += ROW
    label = f"Bar chart comparing each body's share of the investment with its share of the net benefit, {name}"
    return Chart(label, bars, top + 4, zero, groups)


def _cumulative_chart(name: str, years: list[SchemeYear]) -> Chart:
    place, zero = _scale([y.cumulative for y in years])
    bars = []
    for n, y in enumerate(years):
        x, width = place(y.cumulative)
        bars.append(Bar(y.year, y.cumulative, x, width, n * ROW + BAR_TOP, n * ROW + LABEL, y.cumulative < 0, "cumulative"))
    label = f"Bar chart of the cumulative net benefit by year, {name}: " + "; ".join(
        f"{y.year} {_words_money(y.cumulative)}" for y in years
    )
    return Chart(label, bars, len(years) * ROW + 4, zero)


def _words_money(pence) -> str:
    """An amount for an aria-label, where a screen reader may skip the minus sign."""
    return money(pence).replace(MINUS, "minus ")


def _words_percent(value: Optional[Decimal]) -> str:
    return "no share" if value is None else percent(value).replace(MINUS, "minus ")
