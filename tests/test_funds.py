"""Funds over many years (generator/compute/funds.py): totals, tranches released by gateway
reviews, amounts as published, and the chart's geometry. Every figure is worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generator.compute.funds import PENDING, RELEASED, WITHHELD, fund_total, in_unit, published, tranche_chart, tranches
from generator.model import AsPublished, Fund, Unit


def fund(**fields) -> Fund:
    base = dict(id="fund", name="A fund", kind="investment-fund", unit="£m")
    return Fund(**{**base, **fields})


WEST_YORKSHIRE_SHAPE = dict(per_year="38", years=30, first_year="2020-21", gateway_every=5)


def test_a_30_year_fund_of_38m_a_year_reviewed_every_5_years_is_6_tranches_of_190m_and_1140m_in_all():
    f = fund(**WEST_YORKSHIRE_SHAPE)
    found = tranches(f, dt.date(2022, 1, 1))
    # 30 / 5 = 6 tranches; 38 x 5 = 190 each; 38 x 30 = 1,140 in all
    assert [t.amount for t in found] == [Decimal(190)] * 6
    assert [(t.start, t.years) for t in found] == [(0, 5), (5, 5), (10, 5), (15, 5), (20, 5), (25, 5)]
    total = fund_total(f)
    assert (total.amount, total.computed, total.as_published) == (Decimal(1140), True, AsPublished.exact)
    assert in_unit(total.amount, f.unit) == "£1,140m"


def test_each_tranche_covers_its_financial_years():
    found = tranches(fund(**WEST_YORKSHIRE_SHAPE), dt.date(2022, 1, 1))
    # from 2020-21: 2020-21..2024-25, 2025-26..2029-30, ..., 2045-46..2049-50
    assert [(t.first_year, t.last_year) for t in found] == [
        ("2020-21", "2024-25"), ("2025-26", "2029-30"), ("2030-31", "2034-35"),
        ("2035-36", "2039-40"), ("2040-41", "2044-45"), ("2045-46", "2049-50"),
    ]


def test_the_last_tranche_is_shorter_when_the_years_do_not_divide():
    # 12 years reviewed every 5: tranches of 5, 5 and 2 years; £10m a year: £50m, £50m, £20m
    found = tranches(fund(per_year="10", years=12, gateway_every=5), dt.date(2022, 1, 1))
    assert [(t.years, t.amount) for t in found] == [(5, Decimal(50)), (5, Decimal(50)), (2, Decimal(20))]


def test_the_first_tranche_is_released_and_each_later_one_follows_the_review_before_it():
    gateways = [
        {"due": "2025-03", "outcome": "passed", "decided": "2025-05"},
        {"due": "2030-03", "outcome": "failed", "decided": "2030-07"},
        {"due": "2031", "outcome": "deferred", "decided": "2031-02"},
    ]
    found = tranches(fund(**WEST_YORKSHIRE_SHAPE, gateways=gateways), dt.date(2031, 6, 1))
    assert [t.state for t in found[:4]] == [RELEASED, RELEASED, WITHHELD, PENDING]
    assert found[1].reason == "The review passed (May 2025)"
    assert found[2].reason == "The review failed (July 2030)"
    assert found[3].reason == "The review was deferred (February 2031)"


def test_a_review_without_a_result_is_not_yet_due_before_its_due_date_and_awaited_from_it():
    gateways = [{"due": "2026-03"}]
    f = fund(**WEST_YORKSHIRE_SHAPE, gateways=gateways)
    before = tranches(f, dt.date(2026, 2, 28))[1]
    on = tranches(f, dt.date(2026, 3, 1))[1]
    assert (before.state, before.reason) == (PENDING, "Its review is not yet due (due March 2026)")
    assert (on.state, on.reason) == (PENDING, "Its review was due March 2026; result awaited")


def test_a_tranche_whose_review_is_not_listed_is_pending_and_dated_by_the_funds_years_when_known():
    # no gateways listed: tranche 2 of a fund from 2020-21 begins in 2025-26 (1 April 2025)
    f = fund(**WEST_YORKSHIRE_SHAPE)
    assert tranches(f, dt.date(2025, 3, 31))[1].reason == "Its review is not yet due (before 2025-26)"
    assert tranches(f, dt.date(2025, 4, 1))[1].reason == "No result of its review has been published"
    # without a first year nothing dates it
    undated = fund(per_year={"amount": "30", "as_published": "up-to"}, years=30, gateway_every=5)
    assert {t.reason for t in tranches(undated, dt.date(2000, 1, 1))[1:]} == {"No result of its review has been published"}


def test_a_fund_published_as_a_cap_keeps_the_cap_in_its_tranches_and_total():
    # "up to £30m a year for 30 years": up to £150m a tranche (30 x 5), up to £900m in all (30 x 30)
    f = fund(per_year={"amount": "30", "as_published": "up-to"}, years=30, gateway_every=5)
    t = tranches(f, dt.date(2020, 1, 1))[0]
    assert published(t.amount, f.unit, t.as_published) == "up to £150m"
    total = fund_total(f)
    assert published(total.amount, f.unit, total.as_published) == "up to £900m"


def test_a_published_total_is_shown_as_published_not_worked_out():
    total = fund_total(fund(kind="one-off", total={"amount": "2", "as_published": "about"}, unit="£bn"))
    assert (total.amount, total.as_published, total.computed) == (Decimal(2), AsPublished.about, False)


def test_a_fund_without_gateway_reviews_has_no_tranches():
    assert tranches(fund(per_year="38", years=30), dt.date(2022, 1, 1)) == []
    assert tranches(fund(kind="one-off", total="317"), dt.date(2022, 1, 1)) == []


def test_amounts_are_written_exactly_in_their_unit():
    assert in_unit(Decimal("38"), Unit.millions) == "£38m"
    assert in_unit(Decimal("3.20"), Unit.millions) == "£3.2m"
    assert in_unit(Decimal("1.07"), Unit.billions) == "£1.07bn"  # not rounded to £1.1bn
    assert in_unit(Decimal("467"), Unit.thousands) == "£467,000"  # not £0.5m
    assert in_unit(Decimal("1250.5"), Unit.pounds) == "£1,250.5"
    assert published(Decimal("300"), Unit.millions, AsPublished.up_to) == "up to £300m"
    assert published(Decimal("6"), Unit.billions, AsPublished.about) == "about £6bn"


def test_tranche_chart_places_each_tranche_along_the_funds_years():
    # 12 years every 5: tranches start in years 0, 5 and 10 of 12.
    # x = 0, 5/12 = 41.666..% -> 41.67, 10/12 = 83.333..% -> 83.33; widths 41.67, 41.67, 2/12 = 16.67
    # rows of 44 px: bars' tops at 22, 66, 110; labels at 16, 60, 104; height 3 x 44 + 4 = 136
    found = tranches(fund(per_year="10", years=12, gateway_every=5), dt.date(2022, 1, 1))
    chart = tranche_chart(found, 12)
    assert [(b.x, b.width) for b in chart.bars] == [
        (Decimal("0.00"), Decimal("41.67")), (Decimal("41.67"), Decimal("41.67")), (Decimal("83.33"), Decimal("16.67")),
    ]
    assert [(b.y, b.text_y) for b in chart.bars] == [(22, 16), (66, 60), (110, 104)]
    assert chart.height == 136
    assert chart.marks == [Decimal("41.67"), Decimal("83.33")]  # a review where each later tranche begins
