"""Properties of the budget arithmetic that hold for any valid budget (hypothesis).

For any budget: totals equal the sums of their parts exactly, envelope + savings =
baseline exactly, shares sum to 100% (exactly up to Decimal's 28 digits, and within
display rounding once shown), and the published CSV carries the same exact amounts.
The expected sums are computed here independently, from the model's amounts.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.compute.budget import (
    ALL_BODIES,
    ALL_STREAMS,
    ALL_YEARS,
    budget_tables,
    budget_view,
)
from generator.compute.display import money, shown_percent, sums_when_shown
from generator.model import UNIT_PENCE, Catalogue, Deal, Deflators, Unit
from generator.pages.deal import budget_context, tables_context
from generator.pages.render import environment
from generator.pages.views import Views, outcome_view
from conftest import without_committee_record

TEMPLATES = without_committee_record(environment(Path(__file__).resolve().parent.parent / "site_templates"))

BODIES = ["Council", "Health", "Police", "Jobcentre Plus", "Fire"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def year(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def amount(pence: int, unit: Unit) -> str:
    """Exact pence written in the budget's unit, as a YAML string would be."""
    return format(Decimal(pence) / UNIT_PENCE[unit], "f")


percentages = st.integers(0, 10_000).map(lambda n: Decimal(n).scaleb(-2))  # 0.00 .. 100.00
reductions = st.integers(1, 10_000).map(lambda n: Decimal(n).scaleb(-2))  # 0.01 .. 100.00: 0 is refused (no reduction is written by leaving it out)
pence_amounts = st.integers(0, 10**13)  # up to £100bn a line (a line's amount is never below zero)


@st.composite
def deals(draw):
    unit = draw(st.sampled_from(list(Unit)))
    start = draw(st.integers(2000, 2030))
    years = [year(start + i) for i in range(draw(st.integers(1, 4)))]
    # amounts in a unit bigger than pence must be whole numbers of pence: draw pence
    lines = [
        {
            "body": draw(st.sampled_from(BODIES)),
            "stream": f"Stream {n}",
            "amounts": {y: amount(draw(pence_amounts), unit) for y in years},
        }
        for n in range(draw(st.integers(1, 7)))
    ]
    scheme_years = [year(start + i) for i in range(6)]
    schemes = []
    for s in range(draw(st.integers(0, 3))):
        bodies = draw(st.lists(st.sampled_from(BODIES), min_size=1, max_size=4, unique=True))
        shares = []
        for body in bodies:
            invest_years = draw(st.lists(st.sampled_from(scheme_years), max_size=4, unique=True))
            benefit_years = draw(st.lists(st.sampled_from(scheme_years), max_size=5, unique=True))
            shares.append(
                {
                    "body": body,
                    "investment": {y: amount(draw(st.integers(0, 10**11)), unit) for y in invest_years},
                    "benefit": {y: amount(draw(st.integers(0, 10**11)), unit) for y in benefit_years},
                }
            )
        schemes.append({"name": f"Scheme {s}", "bodies": shares})
    population = draw(st.none() | st.integers(1, 10_000_000))
    return Deal.model_validate(
        {
            "slug": "test",
            "title": "A test deal",
            "summary": "A deal made up by hypothesis.",
            "status": "agreed",
            "place": {
                "name": "Testshire",
                "level": "county",
                "population": population,
                "partners": [{"name": "Council", "kind": "council"}],
            },
            "accountable_figure": {"role": "mayor", "chosen": "directly-elected", "scrutinised_by": ["A committee"]},
            "negotiation": {"rounds": ["first-round"]},
            "budget": {
                "unit": unit.value,
                "years": years,
                "reduction_percent": str(draw(reductions)),
                "savings_share_percent": str(draw(percentages)),
                "lines": lines,
                "schemes": schemes,
            },
        }
    )


DEFLATORS = Deflators.model_validate(
    {"base_year": "2010-11", "source": "test", "index": {year(y): str(90 + (y - 2000)) for y in range(2000, 2040)}}
)


def _views(deal: Deal) -> Views:
    return Views(Catalogue(deals=[deal], rounds=[], powers=[]))  # a catalogue of this deal alone


def _deal_view(deal: Deal):
    return _views(deal).deal(deal, "deals/test/")


def _tables_context(deal: Deal, budget) -> dict:
    """The tables page's context as pages/deal.py makes it."""
    views = _views(deal)
    outcomes = [outcome_view(o, views.menu) for o in deal.outcomes]
    return tables_context(deal, views.deal(deal, "deals/test/"), outcomes, budget, "../")


def shown_shares_add_up(shares) -> bool:
    """Shares shown to 1 decimal place add to 100% within their rounding (0.05 each)."""
    return abs(sum(shown_percent(s) for s in shares) - 100) <= Decimal("0.05") * len(shares)


@SETTINGS
@given(deals())
def test_baseline_totals_equal_the_sums_of_their_parts(deal):
    budget = deal.budget
    view = budget_view(deal, DEFLATORS)
    years = budget.years
    by_year = [sum(budget.pence(line.amounts[y]) for line in budget.lines) for y in years]
    assert view.baseline.total.cells == by_year
    assert view.baseline.total.total == sum(by_year)
    bodies = {}
    for line in budget.lines:
        bodies.setdefault(line.body, []).append(line)
    for row in view.baseline.rows:
        assert row.total == sum(row.cells)
        if row.kind == "body":
            assert row.cells == [sum(budget.pence(line.amounts[y]) for line in bodies[row.body]) for y in years]
    assert sum(r.total for r in view.baseline.rows if r.kind == "line") == view.baseline.total.total


@SETTINGS
@given(deals())
def test_envelope_plus_savings_is_the_baseline_exactly(deal):
    budget = deal.budget
    env = budget_view(deal, DEFLATORS).envelope
    r, s = budget.reduction_percent, budget.savings_share_percent
    for row in env.rows + [env.total]:
        assert row.envelope + row.savings == row.baseline
        assert row.savings * 100 == row.baseline * r
        assert row.kept * 100 == row.savings * s
    assert sum(row.baseline for row in env.rows) == env.total.baseline
    assert sum(row.savings for row in env.rows) == env.total.savings
    assert sum(row.envelope for row in env.rows) == env.total.envelope


@SETTINGS
@given(deals())
def test_body_shares_sum_to_100_percent(deal):
    base = budget_view(deal, DEFLATORS).baseline
    body_rows = [r for r in base.rows if r.kind == "body" or sum(1 for x in base.rows if x.body == r.body) == 1]
    if base.total.total == 0:
        assert all(r.share is None for r in body_rows)
        return
    shares = [r.share for r in body_rows]
    assert shares_add_to_100(shares)
    assert shown_shares_add_up(shares)


def shares_add_to_100(shares) -> bool:
    """Shares are divided at Decimal's 28 significant digits, so their sum is exact to about
    the 27th digit of the largest share: a body can hold 1.7e11% of a net benefit that others
    almost cancel, and then the sum is 100 only to within about 1e-16."""
    tolerance = max(Decimal("1e-20"), max(abs(s) for s in shares) * Decimal("1e-25"))
    return abs(sum(shares) - 100) < tolerance


@SETTINGS
@given(deals())
def test_invest_to_save_totals_shares_and_cumulative(deal):
    view = budget_view(deal, DEFLATORS)
    for scheme in view.schemes:
        t = scheme.total
        for b in scheme.bodies + [t]:
            assert b.net == b.benefit - b.investment
        for attr in ("investment", "benefit", "net"):
            assert getattr(t, attr) == sum(getattr(b, attr) for b in scheme.bodies)
            assert getattr(t, attr) == sum(getattr(y, attr) for y in scheme.years)
        running = 0
        for y in scheme.years:
            running += y.net
            assert y.cumulative == running
        for attr, total in (("investment_share", t.investment), ("net_share", t.net)):
            shares = [getattr(b, attr) for b in scheme.bodies]
            if total == 0:
                assert all(s is None for s in shares)
            else:
                assert shares_add_to_100(shares)
                assert shown_shares_add_up(shares)
        if t.payback_year is not None:
            after = [y.cumulative for y in scheme.years if y.year >= t.payback_year]
            before = [y.cumulative for y in scheme.years if y.year < t.payback_year]
            assert min(after) >= 0 and (not before or before[-1] < 0)
        else:
            assert not scheme.years or scheme.years[-1].cumulative < 0
    if len(deal.budget.schemes) > 1:
        every = view.schemes[-1]
        assert every.total.investment == sum(s.total.investment for s in view.schemes[:-1])


@SETTINGS
@given(deals())
def test_csv_amounts_are_the_exact_model_amounts(deal):
    budget = deal.budget
    tables = {t.name: t for t in budget_tables(deal, DEFLATORS)}
    rows = list(csv.DictReader(io.StringIO(tables["budget-baseline"].to_csv().decode("utf-8"))))
    lines = [r for r in rows if r["level"] == "line" and r["financial_year"] != ALL_YEARS]
    expected = [(line.body, line.stream, y, budget.pence(line.amounts[y])) for line in budget.lines for y in budget.years]
    assert [(r["body"], r["stream"], r["financial_year"], int(Decimal(r["amount_gbp"]) * 100)) for r in lines] == expected
    total = next(r for r in rows if (r["level"], r["body"], r["stream"], r["financial_year"]) == ("total", ALL_BODIES, ALL_STREAMS, ALL_YEARS))
    assert Decimal(total["amount_gbp"]) * 100 == sum(p for *_, p in expected)
    for r in csv.DictReader(io.StringIO(tables["budget-envelope"].to_csv().decode("utf-8"))):
        assert Decimal(r["envelope_gbp"]) + Decimal(r["savings_required_gbp"]) == Decimal(r["baseline_gbp"])
    if budget.schemes:
        for r in csv.DictReader(io.StringIO(tables["invest-to-save"].to_csv().decode("utf-8"))):
            assert Decimal(r["gross_benefit_gbp"]) - Decimal(r["investment_gbp"]) == Decimal(r["net_benefit_gbp"])


@SETTINGS
@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=8))
def test_parts_in_whole_tenths_of_a_million_always_sum_when_shown(tenths):
    # Each part an exact multiple of £0.1m and the total under £1,000m: nothing rounds.
    parts = [t * 10_000_000 for t in tenths]
    total = sum(parts)
    if abs(total) < 100_000_000_000 and all(abs(p) < 100_000_000_000 for p in parts):
        assert sums_when_shown(parts, total)
    assert money(total)  # any amount can be shown


def as_millions(text: str) -> Decimal:
    """Read a shown amount back, as a reader would: '£1.2bn' -> 1200, '£650.0m' -> 650."""
    figure = text.replace("£", "").replace(",", "")
    return Decimal(figure[:-2]) * 1000 if figure.endswith("bn") else Decimal(figure[:-1])


@SETTINGS
@given(st.lists(st.integers(0, 10**12), min_size=2, max_size=6))
def test_the_rounding_note_follows_the_shown_figures(parts):
    total = sum(parts)
    # the note is needed exactly when the shown parts, read back and added, differ from the shown total
    assert sums_when_shown(parts, total) == (sum(as_millions(money(p)) for p in parts) == as_millions(money(total)))


@SETTINGS
@given(deals(), st.booleans())
def test_any_budget_renders_with_a_chart_and_table_per_table(deal, deflated):
    view = budget_view(deal, DEFLATORS if deflated else None)
    html = TEMPLATES.get_template("partials/budget.html").render(**budget_context(deal, _deal_view(deal), view, "tables/"))
    charts = html.count('role="img"')
    # the deal page: baseline (by body) and envelope, then a shares chart per scheme
    assert charts == 2 + len(view.schemes)
    assert html.count("<caption>") == charts
    assert ("Figures may not sum due to rounding." in html) == (
        view.baseline.bodies_rounding_note or view.envelope.rounding_note or any(s.rounding_note for s in view.schemes)
    )


@SETTINGS
@given(deals(), st.booleans())
def test_any_budget_puts_its_long_tables_on_the_tables_page(deal, deflated):
    view = budget_view(deal, DEFLATORS if deflated else None)
    html = TEMPLATES.get_template("deal_tables.html").render(**_tables_context(deal, view))
    # the baseline line by line, then a cumulative chart and its table per scheme
    charts = html.count('role="img"')
    assert charts == len(view.schemes)
    assert html.count("<caption>") == 1 + charts
    for line in deal.budget.lines:  # every line of the budget, by body and stream
        assert f'<th scope="row">{line.body}</th><th scope="row">{line.stream}</th>' in html
    assert html.count('<th scope="row">Total</th>') == len(view.schemes)  # each scheme's years, then its total
    assert ("Figures may not sum due to rounding." in html) == (
        view.baseline.lines_rounding_note or any(s.years_rounding_note for s in view.schemes)
    )
