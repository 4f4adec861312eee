"""The single place budget, computed: every figure checked against arithmetic done by hand.

Amounts in the example deals are in £m; 1 £m = 100,000,000 pence, so "49.3" is
4,930,000,000 pence. Expected values below are worked out from the YAML in the comments
and written in pence or as exact decimals; display strings follow the UK conventions
(£m to one decimal place, £bn from £1,000m, half up, minus sign U+2212).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.compute.budget import ALL_BODIES, ALL_YEARS, budget_tables, budget_view
from generator.compute.budget.arithmetic import payback_year
from generator.compute.display import (
    csv_pounds,
    money,
    number,
    per_head,
    percent,
    shown_pence,
    sums_when_shown,
)
from generator.model import Deal
from generator.model.load import load_catalogue

REPO = Path(__file__).resolve().parent.parent
M = 100_000_000  # pence in £1m
MINUS = "\u2212"


def m(text: str) -> int:
    """£m written as in the YAML -> exact pence."""
    return int(Decimal(text) * M)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([REPO / "deals"])


@pytest.fixture(scope="module")
def cheshire(catalogue):
    return budget_view(catalogue.deal("cheshire-west-and-chester"), catalogue.deflators)


@pytest.fixture(scope="module")
def birmingham(catalogue):
    return budget_view(catalogue.deal("birmingham"), catalogue.deflators)


@pytest.fixture(scope="module")
def essex(catalogue):
    return budget_view(catalogue.deal("essex"), catalogue.deflators)


def tables_of(catalogue, slug):
    return {t.name: t for t in budget_tables(catalogue.deal(slug), catalogue.deflators)}


# --- money on the page --------------------------------------------------------------------


def test_money_is_millions_to_one_decimal_place():
    assert money(4_930_000_000) == "£49.3m"  # 49.3 x 100,000,000 pence
    assert money(10_640_000_000) == "£106.4m"


def test_money_rounds_half_up_not_to_even():
    # £0.25m is 25,000,000 pence: half up gives 0.3 (banker's rounding would give 0.2)
    assert money(25_000_000) == "£0.3m"
    assert money(35_000_000) == "£0.4m"
    assert money(24_999_999) == "£0.2m"


def test_money_switches_to_billions_at_1000_million():
    assert money(99_994_999_999) == "£999.9m"  # 999.94999999m rounds down
    assert money(99_995_000_000) == "£1.0bn"  # 999.95m rounds up to 1,000.0m, shown as £bn
    assert money(750_000_000_000) == "£7.5bn"  # Birmingham's £7,500m count
    assert money(2_316_410_000_000) == "£23.2bn"  # 23,164.1m -> 23.1641bn -> 23.2


def test_negative_money_has_a_minus_sign_not_a_hyphen():
    assert money(-1_520_000_000) == MINUS + "£15.2m"
    assert money(-25_000_000) == MINUS + "£0.3m"  # half up away from zero, as for positives
    assert money(-150_000_000_000) == MINUS + "£1.5bn"


def test_an_amount_that_rounds_to_zero_has_no_minus_sign():
    assert money(-1) == "£0.0m"


def test_per_head_is_whole_pounds_with_thousands_separators():
    assert per_head(83_250) == "£833"  # £832.50 -> half up -> £833
    assert per_head(248_143) == "£2,481"
    assert per_head(-150) == MINUS + "£2"  # £1.50 -> £2, with a minus sign


def test_benefit_cost_ratio_and_shares_shown_to_their_places():
    assert number(Decimal("106.4") / Decimal("49.3"), 2) == "2.16"  # 2.1582...
    assert percent(Decimal("26.0") * 100 / Decimal("49.3")) == "52.7%"  # 52.738...
    assert percent(Decimal("-5.0") * 100 / Decimal("18.9")) == MINUS + "26.5%"  # -26.455...


def test_csv_pounds_are_exact_with_two_places():
    assert csv_pounds(4_930_000_000) == "49300000.00"
    assert csv_pounds(-1_520_000_000) == "-15200000.00"  # a plain hyphen: spreadsheets read it
    assert csv_pounds(-1) == "-0.01"
    assert csv_pounds(Decimal("12.5")) == "0.125"  # a fraction of a penny is kept, not rounded


# --- "Figures may not sum due to rounding" ---------------------------------------------------


def test_parts_that_add_up_when_shown_need_no_note():
    # £1.0m + £2.0m = £3.0m
    assert sums_when_shown([100_000_000, 200_000_000], 300_000_000)


def test_parts_that_round_apart_from_their_total_need_the_note():
    # £1.04m + £1.04m = £2.08m: shown £1.0m + £1.0m = £2.0m, but the total shows £2.1m
    assert not sums_when_shown([104_000_000, 104_000_000], 208_000_000)


def test_parts_in_millions_add_up_to_a_total_in_billions():
    # £600.0m + £500.0m = £1,100.0m, shown as £1.1bn: the same amount
    assert shown_pence(110_000_000_000) == 110_000_000_000
    assert sums_when_shown([60_000_000_000, 50_000_000_000], 110_000_000_000)


def test_billions_rounded_half_up_can_overshoot_their_total():
    # £1,050m + £1,050m = £2,100m: shown £1.1bn + £1.1bn = £2.2bn, but the total shows £2.1bn
    assert not sums_when_shown([105_000_000_000, 105_000_000_000], 210_000_000_000)


def test_negative_parts_are_added_as_shown():
    # -£15.2m + -£1.8m = -£17.0m (the invest-to-save's first two years)
    assert sums_when_shown([m("-15.2"), m("-1.8")], m("-17.0"))


# --- Cheshire West and Chester: baseline -----------------------------------------------------


def test_cheshire_baseline_totals_by_year(cheshire):
    # 2012-13: 98.4 + 61.2 + 74.6 + 21.3 + 18.9 = 274.4
    # 2013-14: 97.1 + 60.5 + 75.8 + 20.7 + 18.4 = 272.5
    # 2014-15: 95.9 + 60.0 + 77.1 + 20.2 + 17.8 = 271.0
    assert cheshire.baseline.years == ["2012-13", "2013-14", "2014-15"]
    assert cheshire.baseline.total.cells == [m("274.4"), m("272.5"), m("271.0")]
    # 274.4 + 272.5 + 271.0 = 817.9
    assert cheshire.baseline.total.total == m("817.9")


def test_cheshire_baseline_totals_by_body_and_shares(cheshire):
    rows = {(r.kind, r.body, r.stream): r for r in cheshire.baseline.rows}
    council = rows[("body", "Cheshire West and Chester Council", "All streams")]
    # the council has two lines: 98.4 + 61.2 = 159.6, 97.1 + 60.5 = 157.6, 95.9 + 60.0 = 155.9
    assert council.cells == [m("159.6"), m("157.6"), m("155.9")]
    assert council.total == m("473.1")  # 159.6 + 157.6 + 155.9
    nhs = rows[("line", "NHS Western Cheshire", "Community health services")]
    assert nhs.total == m("227.5")  # 74.6 + 75.8 + 77.1
    assert rows[("line", "Cheshire Constabulary", "Neighbourhood policing")].total == m("62.2")  # 21.3 + 20.7 + 20.2
    assert rows[("line", "Jobcentre Plus", "Support for people out of work")].total == m("55.1")  # 18.9 + 18.4 + 17.8
    # shares of 817.9: 473.1 -> 57.84%, 227.5 -> 27.82%, 62.2 -> 7.60%, 55.1 -> 6.74%
    assert council.share == Decimal("473.1") * 100 / Decimal("817.9")
    assert percent(council.share) == "57.8%"
    assert percent(nhs.share) == "27.8%"


def test_cheshire_baseline_lists_lines_then_a_subtotal_only_for_a_body_with_several(cheshire):
    assert [(r.kind, r.body) for r in cheshire.baseline.rows] == [
        ("line", "Cheshire West and Chester Council"),
        ("line", "Cheshire West and Chester Council"),
        ("body", "Cheshire West and Chester Council"),
        ("line", "NHS Western Cheshire"),
        ("line", "Cheshire Constabulary"),
        ("line", "Jobcentre Plus"),
    ]


def test_cheshire_baseline_needs_the_rounding_note(cheshire):
    # The body shares shown are 57.8 + 27.8 + 7.6 + 6.7 = 99.9%, not the 100.0% shown as the
    # total; and per head, £833 + £827 + £822 = £2,482 against a total of £2,481.
    assert cheshire.baseline.rounding_note is True


def test_cheshire_baseline_per_head(cheshire):
    # population 329,608: 274.4m / 329,608 = £832.504 -> "£833"; 817.9m / 329,608 = £2,481.43
    assert cheshire.population == 329_608
    assert cheshire.baseline.per_head[0] == Decimal(m("274.4")) / 329_608
    assert [per_head(p) for p in cheshire.baseline.per_head] == ["£833", "£827", "£822"]
    assert per_head(cheshire.baseline.per_head_total) == "£2,481"


def test_cheshire_baseline_in_real_terms_names_the_base_year(cheshire):
    # deflator 2010-11 = 100.0, 2012-13 = 103.2: 274.4 x 100.0 / 103.2 = 265.891...
    assert cheshire.base_year == "2010-11"
    real = cheshire.baseline.real[0] / M
    assert abs(real - Decimal("274.4") * 100 / Decimal("103.2")) < Decimal("1e-20")
    # 272.5 x 100 / 105.0 = 259.52...; 271.0 x 100 / 105.9 = 255.90...
    assert [money(r) for r in cheshire.baseline.real] == ["£265.9m", "£259.5m", "£255.9m"]
    assert money(cheshire.baseline.real_total) == "£781.3m"  # 265.891 + 259.524 + 255.902 = 781.317


# --- Cheshire West and Chester: "more for less" envelope ------------------------------------


def test_cheshire_envelope_is_3_percent_less_and_keeps_half_the_savings(cheshire):
    env = cheshire.envelope
    assert (env.reduction_percent, env.savings_share_percent) == (Decimal(3), Decimal(50))
    # savings = baseline x 3%; envelope = baseline - savings; kept = savings x 50%
    # 2012-13: 274.4 x 0.03 = 8.232 -> 266.168, kept 4.116
    # 2013-14: 272.5 x 0.03 = 8.175 -> 264.325, kept 4.0875
    # 2014-15: 271.0 x 0.03 = 8.13  -> 262.87,  kept 4.065
    assert [r.savings for r in env.rows] == [m("8.232"), m("8.175"), m("8.13")]
    assert [r.envelope for r in env.rows] == [m("266.168"), m("264.325"), m("262.87")]
    assert [r.kept for r in env.rows] == [m("4.116"), m("4.0875"), m("4.065")]
    # totals: 817.9 x 0.03 = 24.537 = 8.232 + 8.175 + 8.13; 817.9 - 24.537 = 793.363; kept 12.2685
    assert (env.total.baseline, env.total.savings, env.total.envelope, env.total.kept) == (
        m("817.9"),
        m("24.537"),
        m("793.363"),
        m("12.2685"),
    )


def test_cheshire_envelope_shown(cheshire):
    env = cheshire.envelope
    assert [money(r.envelope) for r in env.rows] == ["£266.2m", "£264.3m", "£262.9m"]
    assert [money(r.savings) for r in env.rows] == ["£8.2m", "£8.2m", "£8.1m"]
    assert (money(env.total.envelope), money(env.total.savings), money(env.total.kept)) == ("£793.4m", "£24.5m", "£12.3m")


def test_cheshire_envelope_money_adds_up_but_per_head_does_not(cheshire):
    # money: 266.2 + 8.2 = 274.4, 264.3 + 8.2 = 272.5, 262.9 + 8.1 = 271.0,
    # columns 266.2 + 264.3 + 262.9 = 793.4 and 8.2 + 8.2 + 8.1 = 24.5: all add up as shown.
    # per head: 266.168m / 329,608 = £807.53 -> £808, then £802 and £798 = £2,408, but the
    # total, 793.363m / 329,608 = £2,406.99, shows as £2,407: the note is needed.
    env = cheshire.envelope
    assert [per_head(r.envelope_per_head) for r in env.rows] == ["£808", "£802", "£798"]
    assert per_head(env.total.envelope_per_head) == "£2,407"
    assert env.rounding_note is True


# --- Cheshire West and Chester: invest-to-save ------------------------------------------------


def test_cheshire_invest_to_save_by_body(cheshire):
    (scheme,) = cheshire.schemes
    got = {b.body: (b.investment, b.benefit, b.net) for b in scheme.bodies}
    assert got == {
        # investment 10.0 + 8.0 + 5.0 + 2.0 + 1.0 = 26.0; benefit 1.2 + 4.0 + 7.0 + 10.0 + 14.0 = 36.2
        "Cheshire West and Chester Council": (m("26.0"), m("36.2"), m("10.2")),
        # 5.0 + 4.0 + 2.0 + 1.0 + 0.5 = 12.5; 2.0 + 6.0 + 9.0 + 11.9 + 14.0 = 42.9
        "NHS Western Cheshire": (m("12.5"), m("42.9"), m("30.4")),
        # 2.5 + 2.0 + 1.0 + 0.5 + 0.3 = 6.3; 0.6 + 2.0 + 3.5 + 4.0 + 4.5 = 14.6
        "Cheshire Constabulary": (m("6.3"), m("14.6"), m("8.3")),
        # 2.0 + 1.5 + 0.5 + 0.3 + 0.2 = 4.5; 0.5 + 1.7 + 3.0 + 3.5 + 4.0 = 12.7
        "Jobcentre Plus": (m("4.5"), m("12.7"), m("8.2")),
    }


def test_cheshire_invest_to_save_totals_and_benefit_cost_ratio(cheshire):
    total = cheshire.schemes[0].total
    # 26.0 + 12.5 + 6.3 + 4.5 = 49.3; 36.2 + 42.9 + 14.6 + 12.7 = 106.4; 106.4 - 49.3 = 57.1
    assert (total.investment, total.benefit, total.net) == (m("49.3"), m("106.4"), m("57.1"))
    assert (money(total.investment), money(total.benefit), money(total.net)) == ("£49.3m", "£106.4m", "£57.1m")
    # 106.4 / 49.3 = 2.1582... -> 2.16
    assert total.ratio == Decimal("106.4") / Decimal("49.3")
    assert number(total.ratio, 2) == "2.16"


def test_cheshire_council_pays_over_half_for_under_a_fifth_of_the_net_benefit(cheshire):
    scheme = cheshire.schemes[0]
    council = scheme.bodies[0]
    assert council.body == "Cheshire West and Chester Council"
    # 26.0 / 49.3 = 52.74% of the investment; 10.2 / 57.1 = 17.86% of the net benefit
    assert council.investment_share == Decimal("26.0") * 100 / Decimal("49.3")
    assert council.net_share == Decimal("10.2") * 100 / Decimal("57.1")
    assert (percent(council.investment_share), percent(council.net_share)) == ("52.7%", "17.9%")
    assert council.investment_share > 50 and council.net_share < 20
    assert scheme.imbalance is council  # the page's headline names it


def test_cheshire_shares_of_every_body(cheshire):
    bodies = cheshire.schemes[0].bodies
    # investment: 12.5 / 49.3 = 25.35%, 6.3 / 49.3 = 12.78%, 4.5 / 49.3 = 9.13%
    assert [percent(b.investment_share) for b in bodies] == ["52.7%", "25.4%", "12.8%", "9.1%"]
    # net benefit: 30.4 / 57.1 = 53.24%, 8.3 / 57.1 = 14.54%, 8.2 / 57.1 = 14.36%
    assert [percent(b.net_share) for b in bodies] == ["17.9%", "53.2%", "14.5%", "14.4%"]
    # 52.7 + 25.4 + 12.8 + 9.1 = 100.0 and 17.9 + 53.2 + 14.5 + 14.4 = 100.0: no note needed
    assert cheshire.schemes[0].rounding_note is False


def test_cheshire_body_benefit_cost_ratios_and_paybacks(cheshire):
    bodies = cheshire.schemes[0].bodies
    # 36.2 / 26.0 = 1.392; 42.9 / 12.5 = 3.432; 14.6 / 6.3 = 2.317; 12.7 / 4.5 = 2.822
    assert [number(b.ratio, 2) for b in bodies] == ["1.39", "3.43", "2.32", "2.82"]
    # council cumulative net: -8.8, -12.8, -10.8, -2.8, +10.2 -> 2016-17
    # NHS: -3.0, -1.0, +6.0 -> 2014-15; police: -1.9, -1.9, +0.6 -> 2014-15;
    # Jobcentre Plus: -1.5, -1.3, +1.2 -> 2014-15
    assert [b.payback_year for b in bodies] == ["2016-17", "2014-15", "2014-15", "2014-15"]


def test_cheshire_net_benefit_by_year_and_payback(cheshire):
    scheme = cheshire.schemes[0]
    # 2012-13: invest 10.0 + 5.0 + 2.5 + 2.0 = 19.5, benefit 1.2 + 2.0 + 0.6 + 0.5 = 4.3, net -15.2
    # 2013-14: 8.0 + 4.0 + 2.0 + 1.5 = 15.5; 4.0 + 6.0 + 2.0 + 1.7 = 13.7; net -1.8
    # 2014-15: 5.0 + 2.0 + 1.0 + 0.5 = 8.5; 7.0 + 9.0 + 3.5 + 3.0 = 22.5; net 14.0
    # 2015-16: 2.0 + 1.0 + 0.5 + 0.3 = 3.8; 10.0 + 11.9 + 4.0 + 3.5 = 29.4; net 25.6
    # 2016-17: 1.0 + 0.5 + 0.3 + 0.2 = 2.0; 14.0 + 14.0 + 4.5 + 4.0 = 36.5; net 34.5
    assert [(y.year, y.investment, y.benefit, y.net) for y in scheme.years] == [
        ("2012-13", m("19.5"), m("4.3"), m("-15.2")),
        ("2013-14", m("15.5"), m("13.7"), m("-1.8")),
        ("2014-15", m("8.5"), m("22.5"), m("14.0")),
        ("2015-16", m("3.8"), m("29.4"), m("25.6")),
        ("2016-17", m("2.0"), m("36.5"), m("34.5")),
    ]
    # cumulative: -15.2, -15.2 - 1.8 = -17.0, -17.0 + 14.0 = -3.0, -3.0 + 25.6 = 22.6, 22.6 + 34.5 = 57.1
    assert [y.cumulative for y in scheme.years] == [m("-15.2"), m("-17.0"), m("-3.0"), m("22.6"), m("57.1")]
    assert scheme.total.payback_year == "2015-16"
    assert scheme.years_rounding_note is False


def test_payback_is_the_first_year_from_which_the_cumulative_stays_at_zero_or_more():
    years = ["2012-13", "2013-14", "2014-15", "2015-16"]
    assert payback_year(years, [-5, 0, 3, 4]) == "2013-14"  # exactly zero counts as paid back
    assert payback_year(years, [-5, 2, -1, 4]) == "2015-16"  # dips below zero again: later
    assert payback_year(years, [-5, -4, -3, -1]) is None
    assert payback_year(years, [1, 2, 3, 4]) == "2012-13"


# --- Cheshire West and Chester: the published tables ------------------------------------------


def test_cheshire_publishes_four_documented_tables(catalogue):
    tables = tables_of(catalogue, "cheshire-west-and-chester")
    assert list(tables) == ["budget-baseline", "budget-envelope", "invest-to-save", "invest-to-save-by-year"]
    for table in tables.values():
        assert list(table.frame.columns) == [c.name for c in table.columns]
        for column in table.columns:
            assert column.title and column.description, (table.name, column.name)
            if column.name.endswith("_gbp"):
                assert (column.type, column.unit) == ("number", "GBP"), (table.name, column.name)
            if column.name.endswith("_percent"):
                assert (column.type, column.unit) == ("number", "percent"), (table.name, column.name)


def test_cheshire_invest_to_save_csv_rows(catalogue):
    csv = tables_of(catalogue, "cheshire-west-and-chester")["invest-to-save"].to_csv().decode("utf-8")
    lines = csv.splitlines()
    assert lines[0] == (
        "scheme,body,investment_gbp,gross_benefit_gbp,net_benefit_gbp,investment_share_percent,"
        "net_benefit_share_percent,benefit_cost_ratio,payback_year"
    )
    # 26.0 / 49.3 = 52.73833...%; 10.2 / 57.1 = 17.86339...%; 36.2 / 26.0 = 1.392307...
    assert lines[1] == (
        "Whole-place invest-to-save programme,Cheshire West and Chester Council,"
        "26000000.00,36200000.00,10200000.00,52.7383,17.8634,1.3923,2016-17"
    )
    # 106.4 / 49.3 = 2.158215...
    assert lines[-1] == (
        f"Whole-place invest-to-save programme,{ALL_BODIES},49300000.00,106400000.00,57100000.00,"
        "100.0000,100.0000,2.1582,2015-16"
    )


def test_cheshire_by_year_csv_has_negative_values_with_a_sign(catalogue):
    frame = tables_of(catalogue, "cheshire-west-and-chester")["invest-to-save-by-year"].frame
    first = frame.iloc[0]
    assert (first["financial_year"], first["net_benefit_gbp"], first["cumulative_net_benefit_gbp"]) == (
        "2012-13",
        "-15200000.00",
        "-15200000.00",
    )
    last = frame.iloc[-1]
    assert (last["financial_year"], last["investment_gbp"], last["net_benefit_gbp"]) == (
        ALL_YEARS,
        "49300000.00",
        "57100000.00",
    )


def test_cheshire_envelope_csv_is_exact(catalogue):
    frame = tables_of(catalogue, "cheshire-west-and-chester")["budget-envelope"].frame
    row = frame.iloc[1]  # 2013-14: 272.5m, savings 8.175m, envelope 264.325m, kept 4.0875m
    assert (row["financial_year"], row["baseline_gbp"], row["envelope_gbp"], row["savings_required_gbp"], row["savings_kept_gbp"]) == (
        "2013-14",
        "272500000.00",
        "264325000.00",
        "8175000.00",
        "4087500.00",
    )


def test_cheshire_baseline_csv_body_share_of_a_year(catalogue):
    frame = tables_of(catalogue, "cheshire-west-and-chester")["budget-baseline"].frame
    council_2012 = frame[(frame.level == "body") & (frame.financial_year == "2012-13")].iloc[0]
    # 159.6 / 274.4 = 58.16326...%
    assert (council_2012["amount_gbp"], council_2012["share_of_year_total_percent"]) == ("159600000.00", "58.1633")


# --- Birmingham: the £7.5bn count --------------------------------------------------------------


def test_birmingham_counts_7_5bn_in_2008_09_half_of_it_the_city_council(birmingham):
    base = birmingham.baseline
    # 2008-09: 1580.0 + 1120.0 + 1050.0 + 1250.0 + 650.0 + 320.0 + 1150.0 + 380.0 = 7500.0
    assert base.total.cells[0] == m("7500.0")
    assert money(base.total.cells[0]) == "£7.5bn"
    rows = {(r.kind, r.body): r for r in base.rows}
    council = rows[("body", "Birmingham City Council")]
    pcts = rows[("body", "Birmingham primary care trusts")]
    # council 1580.0 + 1120.0 + 1050.0 = 3750.0 = 50% of 7500.0; PCTs 1250.0 + 650.0 = 1900.0
    assert council.cells[0] * 2 == base.total.cells[0]
    assert pcts.cells[0] == m("1900.0")
    assert money(pcts.cells[0]) == "£1.9bn"


def test_birmingham_baseline_totals(birmingham):
    base = birmingham.baseline
    # 2009-10: 1624.3 + 1146.7 + 1062.4 + 1311.5 + 676.2 + 326.4 + 1262.8 + 371.6 = 7781.9
    # 2010-11: 1651.8 + 1160.2 + 1048.9 + 1358.0 + 699.4 + 329.1 + 1289.5 + 345.3 = 7882.2
    assert base.total.cells == [m("7500.0"), m("7781.9"), m("7882.2")]
    # 7500.0 + 7781.9 + 7882.2 = 23164.1, the stated total
    assert base.total.total == m("23164.1")
    assert money(base.total.total) == "£23.2bn"


def test_birmingham_baseline_in_billions_needs_the_rounding_note(birmingham):
    # 2008-09 lines as shown: £1.6bn + £1.1bn + £1.1bn (1,050 half up) + £1.3bn (1,250 half up)
    # + £650.0m + £320.0m + £1.2bn (1,150) + £380.0m = £7,650m, but the total shows £7.5bn
    assert birmingham.baseline.rounding_note is True


def test_birmingham_envelope(birmingham):
    env = birmingham.envelope
    # 10% less, the place keeps 40% of the savings
    # 2008-09: savings 7500.0 x 0.10 = 750.0, envelope 6750.0, kept 750.0 x 0.40 = 300.0
    # 2009-10: 7781.9 x 0.10 = 778.19 -> 7003.71, kept 311.276
    # 2010-11: 7882.2 x 0.10 = 788.22 -> 7093.98, kept 315.288
    assert [(r.savings, r.envelope, r.kept) for r in env.rows] == [
        (m("750.0"), m("6750.0"), m("300.0")),
        (m("778.19"), m("7003.71"), m("311.276")),
        (m("788.22"), m("7093.98"), m("315.288")),
    ]
    # totals: 23164.1 x 0.10 = 2316.41; 23164.1 - 2316.41 = 20847.69; 2316.41 x 0.40 = 926.564
    assert (env.total.savings, env.total.envelope, env.total.kept) == (m("2316.41"), m("20847.69"), m("926.564"))
    # 6750.0 shows as £6.8bn (6.75 half up) and 750.0 as £750.0m: £7,550m against £7.5bn
    assert (money(env.rows[0].envelope), money(env.rows[0].savings)) == ("£6.8bn", "£750.0m")
    assert env.rounding_note is True


def test_birmingham_invest_to_save(birmingham):
    (scheme,) = birmingham.schemes
    # council 1.2 + 1.4 + 1.4 + 1.2 = 5.2, PCTs 0.3 + 0.3 + 0.2 + 0.2 = 1.0, police 0.1 x 4 = 0.4: 6.6
    # benefits: 0.1 + 0.4 + 0.7 + 0.9 = 2.1; 0.5 + 2.1 + 3.4 + 4.0 = 10.0; 0.1 + 0.3 + 0.5 + 0.6 = 1.5
    assert [(b.investment, b.benefit) for b in scheme.bodies] == [
        (m("5.2"), m("2.1")),
        (m("1.0"), m("10.0")),
        (m("0.4"), m("1.5")),
    ]
    assert (scheme.total.investment, scheme.total.benefit, scheme.total.net) == (m("6.6"), m("13.6"), m("7.0"))
    # 13.6 / 6.6 = 2.0606... -> 2.06
    assert number(scheme.total.ratio, 2) == "2.06"
    # the council pays 5.2 / 6.6 = 78.8% and loses: net 2.1 - 5.2 = -3.1, -3.1 / 7.0 = -44.3%
    council = scheme.bodies[0]
    assert (percent(council.investment_share), percent(council.net_share)) == ("78.8%", MINUS + "44.3%")
    assert council.payback_year is None
    assert scheme.imbalance is council


# --- Essex: a body that loses, and several schemes -------------------------------------------


def test_essex_council_loses_on_integrated_commissioning(essex):
    older = essex.schemes[0]
    council, ccgs = older.bodies
    # council: invest 7.5 + 6.5 + 5.0 = 19.0, benefit 1.5 + 4.5 + 8.0 = 14.0, net -5.0
    # CCGs: invest 2.5 + 1.5 + 1.0 = 5.0, benefit 3.0 + 10.4 + 15.5 = 28.9, net 23.9; total net 18.9
    assert (council.net, ccgs.net, older.total.net) == (m("-5.0"), m("23.9"), m("18.9"))
    # -5.0 / 18.9 = -26.46%; 23.9 / 18.9 = 126.46%: the shares still add to 100%
    assert (percent(council.net_share), percent(ccgs.net_share)) == (MINUS + "26.5%", "126.5%")
    assert council.net_share + ccgs.net_share == pytest.approx(Decimal(100), abs=Decimal("1e-20"))
    # council cumulative: 1.5 - 7.5 = -6.0, -6.0 + (4.5 - 6.5) = -8.0, -8.0 + 3.0 = -5.0: never
    assert council.payback_year is None
    assert money(council.net) == MINUS + "£5.0m"


def test_essex_all_schemes_sums_every_scheme(essex):
    names = [s.name for s in essex.schemes]
    assert names == ["Integrated commissioning for older people", "Family solutions", "All schemes"]
    every = essex.schemes[-1]
    # investment 24.0 + 10.9 = 34.9; the council 19.0 + (3.0 + 2.5 + 2.0) = 26.5
    assert every.total.investment == m("34.9")
    assert every.bodies[0].body == "Essex County Council"
    assert every.bodies[0].investment == m("26.5")
    # cumulative: 2013-14 (1.5 + 3.0 + 0.8 + 0.4 + 0.2 + 0.3) - (7.5 + 2.5 + 3.0 + 0.5 + 0.3 + 0.4)
    #   = 6.2 - 14.2 = -8.0; 2014-15 19.7 - 11.7 = 8.0 -> 0.0: paid back exactly in 2014-15
    assert [y.cumulative for y in every.years][:2] == [m("-8.0"), 0]
    assert every.total.payback_year == "2014-15"


def test_essex_envelope_at_4_5_percent_is_exact(essex):
    row = essex.envelope.rows[0]
    # 2013-14: 398.6 + 212.4 + 305.7 + 74.2 + 52.3 + 41.8 = 1085.0; x 4.5% = 48.825; kept 60% = 29.295
    assert (row.baseline, row.savings, row.envelope, row.kept) == (m("1085.0"), m("48.825"), m("1036.175"), m("29.295"))


# --- deals without a budget, population or deflators ----------------------------------------


def _without(deal: Deal, **changes) -> Deal:
    return deal.model_copy(update=changes)


def test_a_deal_without_a_budget_has_no_tables_and_no_view(catalogue):
    deal = _without(catalogue.deal("kent"), budget=None)
    assert budget_tables(deal, catalogue.deflators) == []
    assert budget_view(deal, catalogue.deflators) is None


def test_without_deflators_there_are_no_real_terms(catalogue):
    deal = catalogue.deal("kent")
    view = budget_view(deal, None)
    assert view.base_year is None and view.baseline.real is None
    frame = {t.name: t for t in budget_tables(deal, None)}["budget-baseline"].frame
    assert set(frame["real_terms_gbp"]) == {""}


def test_real_terms_need_a_deflator_for_every_year(catalogue):
    deflators = catalogue.deflators.model_copy(update={"index": {k: v for k, v in catalogue.deflators.index.items() if k != "2013-14"}})
    view = budget_view(catalogue.deal("kent"), deflators)  # Kent runs 2012-13 to 2014-15
    assert view.base_year is None and view.baseline.real is None and view.envelope.rows[0].envelope_real is None


def test_without_a_population_there_is_nothing_per_head(catalogue):
    deal = catalogue.deal("kent")
    deal = _without(deal, place=deal.place.model_copy(update={"population": None}))
    view = budget_view(deal, catalogue.deflators)
    assert view.population is None and view.baseline.per_head is None
    assert view.envelope.rows[0].envelope_per_head is None


def test_a_deal_without_schemes_publishes_only_baseline_and_envelope(catalogue):
    deal = catalogue.deal("kent")
    deal = _without(deal, budget=deal.budget.model_copy(update={"schemes": []}))
    assert [t.name for t in budget_tables(deal, catalogue.deflators)] == ["budget-baseline", "budget-envelope"]
    assert budget_view(deal, catalogue.deflators).schemes == []


def test_kent_baseline_and_envelope(catalogue):
    view = budget_view(catalogue.deal("kent"), catalogue.deflators)
    # 2012-13: 352.4 + 24.6 + 48.2 + 268.3 + 96.5 + 61.4 = 851.4
    # 2013-14: 347.9 + 22.1 + 46.9 + 271.0 + 93.8 + 59.7 = 841.4
    # 2014-15: 341.2 + 19.8 + 45.1 + 273.9 + 91.2 + 58.3 = 829.5
    assert view.baseline.total.cells == [m("851.4"), m("841.4"), m("829.5")]
    # 6% less: 851.4 x 0.06 = 51.084 -> 800.316
    assert (view.envelope.rows[0].savings, view.envelope.rows[0].envelope) == (m("51.084"), m("800.316"))


# --- the deal page's table of bodies and the tables page's lines (issue 8) ------------------


def test_cheshire_table_of_bodies_needs_the_rounding_note(cheshire):
    # The deal page shows one row per body: shares 57.8 + 27.8 + 7.6 + 6.7 = 99.9%, against 100.0%.
    assert [(r.body, percent(r.share)) for r in cheshire.baseline.bodies] == [
        ("Cheshire West and Chester Council", "57.8%"),  # (291.4 + 181.7) / 817.9 = 57.84%
        ("NHS Western Cheshire", "27.8%"),  # 227.5 / 817.9 = 27.82%
        ("Cheshire Constabulary", "7.6%"),  # 62.2 / 817.9 = 7.60%
        ("Jobcentre Plus", "6.7%"),  # 55.1 / 817.9 = 6.74%
    ]
    assert cheshire.baseline.bodies_rounding_note is True


def test_birmingham_table_of_bodies_needs_the_rounding_note(birmingham):
    # 2008-09 bodies as shown: £3.8bn + £1.9bn + £320.0m + £1.2bn + £380.0m = £7,600m, but the total shows £7.5bn
    assert [money(r.cells[0]) for r in birmingham.baseline.bodies] == ["£3.8bn", "£1.9bn", "£320.0m", "£1.2bn", "£380.0m"]
    assert birmingham.baseline.bodies_rounding_note is True


def test_cheshire_lines_table_counts_five_lines_and_needs_the_rounding_note(cheshire):
    # the tables page: line shares 35.6 + 22.2 + 27.8 + 7.6 + 6.7 = 99.9%, against 100.0%
    assert cheshire.baseline.lines == 5
    assert cheshire.baseline.lines_rounding_note is True


def test_the_note_under_each_table_follows_only_that_tables_figures(catalogue):
    # Two council lines of £0.04m each, and the police's £1.0m, in one year, no population.
    # Lines as shown: £0.0m + £0.0m = £0.0m against the council's £0.1m (0.08 half up): the
    # line-by-line table needs the note. Bodies as shown: £0.1m + £1.0m = £1.1m = the total
    # (1.08 half up); shares 0.08 / 1.08 = 7.41% -> 7.4% and 1.0 / 1.08 = 92.59% -> 92.6%,
    # 7.4 + 92.6 = 100.0%: the table of bodies does not.
    deal = catalogue.deal("kent")
    line = deal.budget.lines[0]
    lines = [
        line.model_copy(update={"body": "Council", "stream": "A", "amounts": {"2012-13": Decimal("0.04")}}),
        line.model_copy(update={"body": "Council", "stream": "B", "amounts": {"2012-13": Decimal("0.04")}}),
        line.model_copy(update={"body": "Police", "stream": "C", "amounts": {"2012-13": Decimal("1.0")}}),
    ]
    budget = deal.budget.model_copy(update={"years": ["2012-13"], "lines": lines, "schemes": [], "stated_total": None})
    deal = _without(deal, budget=budget, place=deal.place.model_copy(update={"population": None}))
    base = budget_view(deal, None).baseline
    assert [(r.body, money(r.total), percent(r.share)) for r in base.bodies] == [("Council", "£0.1m", "7.4%"), ("Police", "£1.0m", "92.6%")]
    assert base.lines_rounding_note is True
    assert base.bodies_rounding_note is False
