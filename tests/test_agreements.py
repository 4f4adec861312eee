"""The agreement tables (compute/agreements.py): gateway states, tranches, and which tables a
deal publishes, with every figure worked out by hand in the test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.compute.agreements import agreement_csvs, agreement_tables, gateway_state, tranche, tranche_years
from generator.model import Deal, Fund
from generator.model.load import load_catalogue
from generator.pages.downloads import table_csv

REPO = Path(__file__).resolve().parent.parent

# A 30-year fund of £38m a year, reviewed every five years: five reviews at most, after years
# 5, 10, 15, 20 and 25, each releasing the next five years' money.
FUND = {
    "id": "investment-fund", "name": "Investment fund", "kind": "investment-fund", "unit": "£m",
    "per_year": "38", "years": 30, "first_year": "2020-21", "gateway_every": 5,
    "gateways": [
        {"due": "2025-03", "outcome": "passed", "decided": "2025-06"},
        {"due": "2030", "outcome": "deferred", "decided": "2030-11"},
        {"due": "2035", "outcome": "failed", "decided": "2036-01-20"},
        {"due": "2040"},
        {"due": "2045-03-31", "releases": {"amount": "100", "as_published": "up-to"}},
    ],
}


def fund(**changes) -> Fund:
    return Fund.model_validate({**FUND, **changes})


@pytest.mark.parametrize(
    "today, states",
    [
        # A review with a result is released, pending or withheld whenever it is asked.
        (dt.date(2040, 12, 31), ["released", "pending", "withheld", "not yet due", "not yet due"]),
        # Due "2040" may fall on any day of 2040: from 1 January 2041 its result is awaited.
        (dt.date(2041, 1, 1), ["released", "pending", "withheld", "result awaited", "not yet due"]),
        # Due on 31 March 2045: not yet due on the day, awaited the day after.
        (dt.date(2045, 3, 31), ["released", "pending", "withheld", "result awaited", "not yet due"]),
        (dt.date(2045, 4, 1), ["released", "pending", "withheld", "result awaited", "result awaited"]),
    ],
)
def test_gateway_state_on_the_build_date(today, states):
    assert [gateway_state(g, today) for g in fund().gateways] == states


def test_each_review_releases_the_next_five_years_of_the_fund():
    f = fund()
    assert [tranche_years(f, review) for review in (1, 2, 5)] == [(6, 10), (11, 15), (26, 30)]
    # Review 1 releases 5 x £38m = £190m, worked out (the deal gives no amount)
    released, computed = tranche(f, 1)
    assert (released.amount, released.as_published.value, computed) == (190, "exact", True)


def test_the_last_tranche_of_a_fund_that_does_not_divide_evenly_is_shorter():
    # 28 years reviewed every 5: review 5 after year 25 releases years 26 to 28, 3 x £38m = £114m
    f = fund(years=28, gateways=FUND["gateways"][:4] + [{"due": "2045"}])
    assert tranche_years(f, 5) == (26, 28)
    assert tranche(f, 5)[0].amount == 114


def test_a_tranche_the_deal_publishes_is_taken_as_published():
    released, computed = tranche(fund(), 5)
    assert (released.amount, released.as_published.value, computed) == (100, "up-to", False)


def test_a_cap_a_year_makes_each_computed_tranche_a_cap():
    f = fund(per_year={"amount": "30", "as_published": "up-to"})
    released, computed = tranche(f, 2)
    assert (released.amount, released.as_published.value, computed) == (150, "up-to", True)


# --- tables of a whole deal ---------------------------------------------------------------------

DEAL = """\
title: Testshire deal
summary: A deal with every kind of agreement table.
status: in-delivery
place:
  name: Testshire
  level: county
  partners: [{name: Testshire County Council, kind: council}]
accountable_figure:
  role: mayor
  title: Mayor of Testshire
  chosen: directly-elected
  scrutinised_by: [Testshire scrutiny]
  holders:
    - {name: Ann Interim, chosen: appointed, interim: true, since: 2020-06, until: 2021-05-10}
    - {name: Bea Elected, elected: 2021-05-06, since: 2021-05-10, other_roles: [Police and crime commissioner]}
funds:
  - id: investment-fund
    name: Investment fund
    kind: investment-fund
    unit: £m
    per_year: "38"
    years: 30
    first_year: 2020-21
    gateway_every: 5
    gateways:
      - {due: 2025, illustrative: true}
  - id: settlement
    name: Integrated settlement
    kind: integrated-settlement
    unit: £bn
    total: {amount: "1.07", as_published: about, illustrative: true}
    added_by: settlement-2026
  - id: skills
    name: Adult skills fund
    kind: skills-fund
    unit: £k
    per_year: "9600"
follow_ons:
  - {id: settlement-2026, title: Integrated settlement, date: 2025-12-04, kind: settlement, summary: One pot of money.}
"""


@pytest.fixture
def deal(tmp_path) -> Deal:
    deals = tmp_path / "deals"
    deals.mkdir()
    for name in ("_rounds.yaml", "_powers.yaml"):
        (deals / name).write_bytes((REPO / "deals" / name).read_bytes())
    (deals / "testshire.yaml").write_text(DEAL, encoding="utf-8")
    return load_catalogue([deals]).deal("testshire")


def _csv(deal: Deal, name: str, today: dt.date = dt.date(2026, 1, 15)) -> list[str]:
    [table] = [t for t in agreement_tables(deal, [], today) if t.name == name]
    return table_csv(table).decode("utf-8").splitlines()


def test_a_deal_publishes_only_the_agreement_tables_it_has_rows_for(deal):
    # No conditions, powers or scrutiny powers: those tables are not published.
    assert agreement_csvs(deal) == {"funds": "funds.csv", "gateways": "gateways.csv", "follow-ons": "follow-ons.csv", "figure-holders": "figure-holders.csv"}
    assert [t.name for t in agreement_tables(deal, [], dt.date(2026, 1, 15))] == list(agreement_csvs(deal))


def test_funds_table_in_pounds_with_how_each_amount_was_published(deal):
    header, fund_row, settlement, skills = _csv(deal, "funds")
    assert header.startswith("fund_id,name,kind,per_year_gbp,per_year_as_published,years,first_year,total_gbp,total_as_published,per_year_times_years_gbp,")
    # £38m a year for 30 years: £1,140m, computed
    assert fund_row == "investment-fund,Investment fund,investment-fund,38000000.00,exact,30,2020-21,,,1140000000.00,,5,,,false,"
    # about £1.07bn, published as an estimate and marked illustrative
    assert settlement == "settlement,Integrated settlement,integrated-settlement,,,,,1070000000.00,about,,,,,settlement-2026,true,"
    # £9,600k a year with no end stated: no years, and no product of the two
    assert skills == "skills,Adult skills fund,skills-fund,9600000.00,exact,,,,,,,,,,false,"


def test_gateways_table_with_the_tranche_state_and_financial_years(deal):
    # Due 2025, no result: awaited on 15 January 2026. Years 6 to 10 of a fund from 2020-21 are
    # 2025-26 to 2029-30; 5 x £38m = £190m.
    assert _csv(deal, "gateways")[1] == "investment-fund,1,2025,,,result awaited,6,10,2025-26,2029-30,190000000.00,exact,true,true,"
    assert _csv(deal, "gateways", dt.date(2025, 12, 31))[1].split(",")[5] == "not yet due"


def test_holders_table_marks_the_holder_now_and_falls_back_to_the_roles_title(deal):
    assert _csv(deal, "figure-holders")[1:] == [
        "1,Ann Interim,Mayor of Testshire,appointed,true,,2020-06,2021-05-10,false,",
        "2,Bea Elected,Mayor of Testshire,directly-elected,false,2021-05-06,2021-05-10,,true,Police and crime commissioner",
    ]


def test_follow_ons_table_counts_what_each_agreement_added(deal):
    assert _csv(deal, "follow-ons")[1] == "settlement-2026,Integrated settlement,settlement,agreed,2025-12-04,,,0,1,0,One pot of money.,"
