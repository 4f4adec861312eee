"""Edges an outside attack found in the archive, the build clock, the pack's period and the
corrections address: each case worked by hand."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from generator.compute.archive import known_record
from generator.engine.pack import pack_period_problem
from generator.engine.pipeline import Settings, build_moment, corrections_address, parse_as_of
from generator.model import Scrutiny
from generator.model.types import Date, Moment
from generator.pages.committee import Compared

UTC = dt.timezone.utc


def _settings(as_of):
    return Settings(deals_dir=None, content_dir=None, templates_dir=None, as_of=as_of)


def test_an_archive_of_today_is_judged_now_not_at_midnight():
    # 12:00 UTC on 1 June 2026 is 13:00 in London; the end of that day would be 22:59:59 UTC, by
    # when something embargoed until 18:00 would have lifted. Judged now, it stays held back.
    clock = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert build_moment(_settings(dt.date(2026, 6, 1)), clock) == clock


def test_an_archive_of_a_past_day_is_judged_at_the_end_of_that_day_in_london():
    clock = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    # 31 May 2026 23:59:59 BST is 22:59:59 UTC
    assert build_moment(_settings(dt.date(2026, 5, 31)), clock) == dt.datetime(2026, 5, 31, 22, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("value", ["0001-01-01", "1800-01-01", "2201-01-01"])
def test_an_as_of_outside_the_years_a_deal_may_name_is_refused_in_a_line(value):
    with pytest.raises(ValueError) as refused:
        parse_as_of(value)
    assert str(refused.value) == f"as_of: {value} is outside 1900 to 2200, the years a deal's dates may have"


def _record():
    return Scrutiny.model_validate({
        "sessions": [
            {"id": "s1", "committee": "The committee", "date": "2013-06-18", "title": "First look", "deals": ["kent"]},
            {"id": "s2", "committee": "The committee", "date": "2014-07-08", "title": "Second look", "deals": ["kent"]},
        ],
        "recommendations": [
            {"id": "r1", "session": "s1", "to": "Kent County Council", "text": "Publish the measures."},
            {"id": "r2", "session": "s2", "to": "Kent County Council", "text": "Publish the results."},
        ],
        "responses": [
            {"recommendation": "r1", "date": "2013-09-20", "by": "Kent County Council", "response": "accepted", "text": "We will."},
            {"recommendation": "r1", "date": "2013-11", "by": "Kent County Council", "response": "accepted", "text": "Done.",
             "implementation": "implemented"},
        ],
    })


def test_an_archive_keeps_only_the_committees_record_as_it_stood_on_its_day():
    # On 29 November 2013: session s1 (18 June 2013) had been held and made r1; s2 (8 July 2014)
    # had not. r1's answer of 20 September 2013 had been given; the one of "November 2013" is
    # known only to the month, so it counts from the month's last day, the 30th.
    kept = known_record(_record(), dt.date(2013, 11, 29))
    assert [s.id for s in kept.sessions] == ["s1"]
    assert [r.id for r in kept.recommendations] == ["r1"]
    assert [r.text for r in kept.responses] == ["We will."]
    assert [r.text for r in known_record(_record(), dt.date(2013, 11, 30)).responses] == ["We will.", "Done."]
    assert known_record(_record(), dt.date(2013, 6, 17)) == Scrutiny()


def _compared(**fields):
    base = dict(deal=None, href="", population=None, budget_per_head=None, funds_per_head=None, funds_as_published="",
                budget_as_published="", counts={}, outcomes=0, illustrative=False)
    return Compared(**{**base, **fields})


def test_a_deal_with_funds_but_no_population_says_why_there_is_no_figure_per_head():
    assert _compared(has_yearly_funds=True).funds_text == "Not worked out: no population given"
    assert _compared(has_budget=True).budget_text == "Not worked out: no population given"
    assert _compared().funds_text == "No yearly fund"
    assert _compared().budget_text == "No single place budget"


NOW = dt.datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize("since, until, message", [
    ("2013-06-18", "9999-12-31", "--until 9999-12-31 is after today, 2026-06-01: a pack reports what has happened"),
    ("2014-01-01", "2013-01-01", "--since 2014-01-01 is not before 2013-01-01, the end of the period"),
    ("9999-12-31", None, "--since 9999-12-31 is not before 2026-06-01, the end of the period"),
])
def test_a_pack_period_that_cannot_be_reported_is_refused_in_a_line(since, until, message):
    with pytest.raises(ValueError) as refused:
        pack_period_problem(dt.date.fromisoformat(since), dt.date.fromisoformat(until) if until else None, NOW)
    assert str(refused.value) == message


def test_a_pack_period_ending_today_or_before_is_reported():
    pack_period_problem(dt.date(2013, 6, 18), None, NOW)
    pack_period_problem(dt.date(2013, 6, 18), dt.date(2014, 7, 8), NOW)


@pytest.mark.parametrize("value", ["http://", "https://", "mailto:", "https://github.com/org/repo/issues/new#form", "ftp://example.org/x"])
def test_a_corrections_address_that_would_make_broken_links_is_refused(value):
    with pytest.raises(ValueError):
        corrections_address(value)


@pytest.mark.parametrize("value", ["mailto:corrections@example.org", "https://github.com/org/repo/issues/new", ""])
def test_a_corrections_address_that_works_is_kept(value):
    assert corrections_address(value) == value


LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("text, moment", [
    ("2027-01-01", dt.datetime(2027, 1, 1, tzinfo=LONDON)),  # a bare date: midnight in London
    ("2027-01-01T09:30+00:00", dt.datetime(2027, 1, 1, 9, 30, tzinfo=UTC)),
    ("2027-07-01T09:30:15Z", dt.datetime(2027, 7, 1, 9, 30, 15, tzinfo=UTC)),
])
def test_a_moment_written_as_deal_format_gives_it_is_read(text, moment):
    assert TypeAdapter(Moment).validate_python(text) == moment


# Python's fromisoformat reads these too; 2099-W01 would be 29 December 2098
@pytest.mark.parametrize("text", ["20270101", "2027-W01-1", "2099-W01", "2027-01-01 09:30+00:00", "2027-01-01T0930Z"])
def test_a_moment_in_a_form_deal_format_does_not_give_is_refused(text):
    with pytest.raises(ValidationError, match=re.escape(f"{text} is not a date-time")):
        TypeAdapter(Moment).validate_python(text)


def test_a_day_written_yyyy_mm_dd_is_read():
    assert TypeAdapter(Date).validate_python("2015-04-03") == dt.date(2015, 4, 3)


@pytest.mark.parametrize("text", ["20150403", "2015-W14", "2015-W14-5"])
def test_a_day_in_a_form_deal_format_does_not_give_is_refused(text):
    with pytest.raises(ValidationError, match=f"{text} is not a date \\(expected YYYY-MM-DD\\)"):
        TypeAdapter(Date).validate_python(text)
