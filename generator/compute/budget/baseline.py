"""The budget's tables: baseline, "more for less" envelope and invest-to-save, as views and CSV tables."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Optional

import numpy as np

from ...model import PlaceBudget
from ..display import (
    csv_decimal,
    csv_pounds,
    shown_per_head,
    shown_percent,
    sums_when_shown,
)
from ..tables import Column, Table
from .arithmetic import (
    EXACT,
    HUNDRED,
    exact_percent_of,
    group_sum,
    share_percent,
    text_frame,
)
from .charts import bars_chart, envelope_chart
from .views import (
    Baseline,
    BaselineRow,
    Envelope,
    EnvelopeRow,
)

ALL_BODIES = "All bodies"
ALL_STREAMS = "All streams"
ALL_YEARS = "All years"
ALL_SCHEMES = "All schemes"
CSV_SHARE_PLACES = 4  # percentages in CSV files
CSV_RATIO_PLACES = 4  # benefit-cost ratios in CSV files


def _real_column(base_year: str) -> str:
    return f"in {base_year} prices (GDP deflator, deals/_deflators.yaml)"


# --- baseline ------------------------------------------------------------------------------------


def baseline_of(budget: PlaceBudget, factors, population, deflators):
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

    frame = text_frame(
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
    chart = bars_chart(
        [(b, t) for b, t, _ in body_totals],
        f"Bar chart of each body's baseline spending over {years[0]} to {years[-1]}",
    )
    view = Baseline(
        years, rows, total_row, real_row, real_total, head_row, head_total, note, chart, "budget-baseline.csv", body_rows, bodies_note, lines_note
    )
    return view, table, year_totals.tolist()


# --- envelope ------------------------------------------------------------------------------------


def envelope_of(budget: PlaceBudget, year_totals: list[int], factors, population, deflators):
    years = list(budget.years)
    r, s = budget.reduction_percent, budget.savings_share_percent

    def row(year: str, base: int, factor: Optional[Decimal]) -> EnvelopeRow:
        savings = exact_percent_of(base, r)
        with localcontext(EXACT):
            envelope = Decimal(base) - savings
        kept = exact_percent_of(savings, s) if s is not None else None  # no savings share: nothing said of keeping them
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
            sum((x.kept for x in rows), Decimal(0)) if s is not None else None,
            None,
            None,
        )
    real_total = sum((x.envelope_real for x in rows), Decimal(0)) if factors else None
    total = EnvelopeRow(total.year, total.baseline, total.envelope, total.savings, total.kept, real_total,
                        total.envelope / population if population else None)

    checks = [([x.envelope, x.savings], x.baseline) for x in rows + [total]]
    for attr in ("baseline", "envelope", "savings") + (("kept",) if s is not None else ()) + (("envelope_real",) if factors else ()):
        checks.append(([getattr(x, attr) for x in rows], getattr(total, attr)))
    note = not all(sums_when_shown(p, t) for p, t in checks)
    if population:
        note = note or not sums_when_shown([x.envelope_per_head for x in rows], total.envelope_per_head, shown_per_head)

    everything = rows + [total]
    base_note = _real_column(deflators.base_year) if factors else "empty: the deflator series does not cover every year"
    frame = text_frame(
        {
            "financial_year": [x.year for x in everything],
            "baseline_gbp": [csv_pounds(x.baseline) for x in everything],
            "reduction_percent": [format(r, "f")] * len(everything),
            "envelope_gbp": [csv_pounds(x.envelope) for x in everything],
            "savings_required_gbp": [csv_pounds(x.savings) for x in everything],
            "savings_share_percent": [format(s, "f") if s is not None else ""] * len(everything),
            "savings_kept_gbp": [csv_pounds(x.kept) if x.kept is not None else "" for x in everything],
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
            Column("savings_share_percent", "Share of savings kept (%)", "number", "percent", "The share of the savings the place keeps, as given in the deal; empty when the deal gives none."),
            Column("savings_kept_gbp", "Savings kept by the place (£, cash)", "number", "GBP", "savings_required_gbp x savings_share_percent / 100. " + exact),
            Column("envelope_real_terms_gbp", "Agreed budget in real terms (£)", "number", "GBP", f"envelope_gbp x index(base year) / index(year), {base_note}; rounded to the nearest penny."),
            Column("envelope_per_head_gbp", "Agreed budget per head (£)", "number", "GBP", "envelope_gbp divided by the place's population, rounded to the nearest penny; empty when the deal gives no population."),
        ],
        frame=frame,
        notes=[f"Real terms: {base_note}."] if factors else [],
    )
    chart = envelope_chart(rows, r)
    view = Envelope(r, s, rows, total, note, chart, "budget-envelope.csv")
    return view, table
