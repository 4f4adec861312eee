"""Invest to save: who pays and who gains, scheme by scheme and year by year."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from ...model import PlaceBudget
from ..display import csv_decimal, csv_pounds, shown_percent, sums_when_shown
from ..tables import Column, Table
from .arithmetic import (
    HUNDRED,
    group_sum,
    imbalance,
    payback_year,
    share_percent,
    text_frame,
)
from .baseline import (
    ALL_BODIES,
    ALL_SCHEMES,
    ALL_YEARS,
    CSV_RATIO_PLACES,
    CSV_SHARE_PLACES,
)
from .charts import cumulative_chart, shares_chart
from .views import SchemeBody, SchemeView, SchemeYear

# --- invest-to-save ------------------------------------------------------------------------------


def invest_to_save_of(budget: PlaceBudget) -> tuple[list[SchemeView], list[Table]]:
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
                shares_chart=shares_chart(name, bodies),
                cumulative_chart=cumulative_chart(name, years),
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
        frame=text_frame(
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
        frame=text_frame(
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


