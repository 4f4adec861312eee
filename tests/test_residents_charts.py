"""Issue 16: the geometry of the residents' charts and the final results, against positions and
words worked out by hand for small cases.

The negotiation charts place marks in percent of the track's width (0 at 1 January of the first
year, 100 at 1 January after the last), rounded to 2 places; the outcome chart in user units of a
320 x 100 viewBox (plot from x 8 to 312, y 82 at the smallest value to 22 at the largest), whole.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generator.compute.final import final_result, programme_over
from generator.compute.progress import Status, outcome_progress
from generator.compute.progress_chart import outcome_chart
from generator.compute.timeline import Span, deal_chart, deal_row, timetable_axis
from generator.model import Event, NegotiationRound, Outcome

# Axis: 1 January 2010 to 1 January 2012 = 365 + 365 = 730 days.
ROUND = NegotiationRound(
    id="r", title="A round", period="2011", start=dt.date(2011, 1, 1), end=dt.date(2011, 12, 31), description="A round."
)
ON_TIME = Event(title="On time", kind="milestone", planned="2010-03-01", actual="2010-03-01")
LATE = Event(title="Late", kind="meeting", planned="2011-07-02", actual="2011-08-01", round="r")
MONTH = Event(title="Known to the month", kind="milestone", planned="2011-10")
PASSED = Event(title="Passed", kind="milestone", planned="2011-05-01")
TODAY = dt.date(2011, 9, 15)


def _rows(chart):
    return {row.label: row for row in chart.rows}


def test_a_deal_chart_places_every_mark_by_hand_worked_percentages():
    chart = deal_chart([ROUND], [PASSED, MONTH, LATE, ON_TIME], [], TODAY)
    assert (chart.axis.start, chart.axis.end) == (dt.date(2010, 1, 1), dt.date(2012, 1, 1))
    rows = _rows(chart)
    # rows in planned order: 1 March 2010, 1 May, 2 July, October 2011
    assert [r.label for r in chart.rows] == ["On time", "Passed", "Late", "Known to the month"]
    # 1 March 2010: 31 + 28 = 59 days in: 59 / 730 = 8.082% -> 8.08; planned and actual together
    on_time = rows["On time"].marks[0]
    assert (on_time.planned, on_time.actual, on_time.state, on_time.line) == (Span(8.08, 0.0), Span(8.08, 0.0), "on-time", None)
    # 2 July 2011: 365 + 181 (January to June) + 1 = 547 days: 74.93%; 1 August: 365 + 212 = 577: 79.04%;
    # late by 30 days, joined by a line from planned to actual
    late = rows["Late"].marks[0]
    assert (late.planned.x, late.actual.x, late.state, late.line) == (74.93, 79.04, "late", (74.93, 79.04))
    assert rows["Late"].words == "Planned 2 July 2011; happened 1 August 2011: 30 days late"
    # October 2011, known only to the month: from 1 October (365 + 273 = 638 days: 87.40%) to
    # 1 November (365 + 304 = 669: 91.64%), 4.24 wide; still to come on 15 September
    month = rows["Known to the month"].marks[0]
    assert (month.planned, month.actual, month.state) == (Span(87.4, 4.24), None, "not-due")
    # 1 May 2011 (365 + 120 = 485 days: 66.44%), not happened by 15 September 2011 (365 + 257 =
    # 622 days: 85.21%): overdue, a line from its date to today
    passed = rows["Passed"].marks[0]
    assert (passed.state, passed.line) == ("overdue", (66.44, 85.21))
    assert chart.today == 85.21
    # the round, 1 January 2011 to the end of 31 December 2011: from 50% to 100%, numbered at 75%
    (band,) = chart.bands
    assert (band.number, band.x, band.width, band.label_x) == (1, 50.0, 50.0, 75.0)
    # a line each 1 January, both labelled on a two-year axis
    assert [(t.x, t.label) for t in chart.ticks] == [(0.0, "2010"), (50.0, "2011")]


def test_once_the_programme_is_over_a_passed_event_is_not_recorded_and_not_waited_for():
    chart = deal_chart([ROUND], [PASSED], [], TODAY, finished=True)
    mark = chart.rows[0].marks[0]
    assert (mark.state, mark.line) == ("not-recorded", None)
    assert chart.rows[0].words == "Planned 1 May 2011: no date recorded, and the programme is over"


def test_a_deal_chart_draws_only_its_own_rounds_numbered_as_nationally():
    earlier = NegotiationRound(
        id="e", title="Earlier", period="2010", start=dt.date(2010, 6, 1), end=dt.date(2010, 6, 30), description="Earlier."
    )
    chart = deal_chart([earlier, ROUND], [ON_TIME, LATE], [], TODAY, own={"r"})
    assert [(b.round.id, b.number) for b in chart.bands] == [("r", 2)]


def test_a_month_too_narrow_to_see_on_a_long_axis_is_drawn_as_a_mark():
    # October 2011 on 2010-2011 is 4.24% wide: a bar. On 2000-2029 (10,958 days) it is 31 / 10958
    # = 0.28% wide: under 1.5%, a mark at its middle.
    assert Span(87.4, 4.24).drawn_wide
    assert not Span(39.0, 0.28).drawn_wide and Span(39.0, 0.28).mid == 39.14


def test_the_timetable_axis_spans_the_rounds_every_deal_and_today():
    class Deal:  # the two fields a timetable row reads
        class negotiation:
            events = [ON_TIME, LATE]

        follow_ons = []

    axis = timetable_axis([ROUND], [Deal], dt.date(2013, 2, 1))
    assert (axis.start, axis.end) == (dt.date(2010, 1, 1), dt.date(2014, 1, 1))
    row = deal_row(axis, Deal, "A deal", dt.date(2013, 2, 1))
    # 1,461 days: 1 March 2010 is 59 in (4.04%); 2 July 2011 547 (37.44%); 1 August 2011 577 (39.49%)
    assert [(m.planned.x, m.actual.x) for m in row.marks] == [(4.04, 4.04), (37.44, 39.49)]
    assert row.words == "2 meetings and milestones: 1 happened on time or early, 1 late"


# --- an outcome's chart ---------------------------------------------------------------------------


def _outcome(**more) -> Outcome:
    data = dict(
        id="homes", title="Homes", indicator="Homes built", unit="homes", owner="The council",
        baseline={"value": "10", "date": "2020-01-01"}, target={"value": "20", "date": "2020-01-31"},
        readings=[{"date": "2020-01-16", "value": "14"}],
    )
    data.update(more)
    return Outcome.model_validate(data)


def test_an_outcome_chart_places_path_readings_and_verdict_by_hand():
    # 1 to 31 January 2020 across x 8 to 312 (30 days: 304 / 30 a day); values 10 to 20 across
    # y 82 to 22 (6 a unit). The reading of 14 on 16 January: x 8 + 15 x 304 / 30 = 160,
    # y 82 - 4 x 6 = 58. Expected then 15: progress 4 of 5 = 80%, at risk (60% to 90%).
    progress = outcome_progress(_outcome(), dt.date(2020, 1, 20))
    assert progress.status is Status.at_risk
    chart = outcome_chart(progress, dt.date(2020, 1, 20))
    assert chart.expected == "M8 82 312 22"  # baseline to target
    assert chart.readings == "M160 58" and chart.latest == (160, 58)
    # baseline's value and year below its point (rising path): 82 + 4 + 11 = 97; the target's above: 22 - 7 = 15;
    # the verdict 9 above the latest reading (58 - 9 = 49), starting there (x 160 is not right of centre)
    assert [(lb.x, lb.y, lb.text, lb.anchor) for lb in chart.labels] == [
        (8, 97, "Baseline 10 homes (2020)", "start"), (312, 15, "Target 20 homes by 2020", "end"), (160, 49, "At risk", "start"),
    ]
    # the table for screen readers: the reading against the expected value on its date
    assert [(r.month, r.reading, r.expected) for r in chart.table] == [("January 2020", "14 homes", "15 homes")]
    assert chart.caption == "Reading" and chart.earlier == 0


def test_an_outcome_charts_table_holds_its_latest_three_readings():
    readings = [{"date": f"2020-01-{d:02d}", "value": str(v)} for d, v in ((5, 11), (10, 12), (15, 13), (20, 14), (25, 15), (30, 16))]
    chart = outcome_chart(outcome_progress(_outcome(readings=readings), dt.date(2020, 1, 31)), dt.date(2020, 1, 31))
    # expected on the 15th: 10 + 10 x 14 / 30 = 14.67, written to the target's places: 15
    # (the 20th: 10 + 10 x 19 / 30 = 16.33, 16; the 25th: 17.99, 18; the 30th: 19.67, 20)
    assert [(r.reading, r.expected) for r in chart.table] == [("14 homes", "16 homes"), ("15 homes", "18 homes"), ("16 homes", "20 homes")]
    assert (chart.caption, chart.earlier) == ("Latest 3 of 6 readings", 3)


# --- final results --------------------------------------------------------------------------------


def _percent_outcome(latest: str) -> Outcome:
    return Outcome.model_validate(dict(
        id="work", title="Work", indicator="In work", unit="percent", owner="The council",
        baseline={"value": "50.0", "date": "2011-04-01"}, target={"value": "60.0", "date": "2014-03-31"},
        readings=[{"date": "2014-03-01", "value": latest}],
    ))


def test_a_missed_target_is_final_once_the_programme_is_over_and_says_by_how_much():
    # 60.0 - 58.4 = 1.6 percentage points short
    result = final_result(_percent_outcome("58.4"), _percent_outcome("58.4").readings[0], dt.date(2014, 6, 1), over=True)
    assert (result.met, result.short) == (False, Decimal("1.6"))
    assert result.text == "Missed by 1.6 points: 58.4% in March 2014 against 60.0% by March 2014"
    progress = outcome_progress(_percent_outcome("58.4"), dt.date(2020, 1, 1), over=True)
    assert progress.status is Status.missed and progress.status.label == "Target missed"


def test_a_met_target_is_final_and_reads_target_met():
    progress = outcome_progress(_percent_outcome("61.2"), dt.date(2020, 1, 1), over=True)
    assert progress.status is Status.achieved
    assert progress.final.text == "Target met: 61.2% against 60.0% by March 2014"


def test_while_the_programme_runs_and_the_target_is_recent_the_result_is_not_final():
    # 1 June 2014 is 62 days after the target date: not final (730 days) unless the programme is over
    assert final_result(_percent_outcome("58.4"), _percent_outcome("58.4").readings[0], dt.date(2014, 6, 1)) is None
    assert outcome_progress(_percent_outcome("58.4"), dt.date(2014, 6, 1)).status is Status.off_track


def test_a_programme_is_over_after_the_last_day_of_its_review_month():
    class Dates:
        review = Event(title="x", kind="milestone", planned="2014-03").planned

    class Deal:
        dates = Dates
        status = None

    assert not programme_over(Deal, dt.date(2014, 3, 31)) and programme_over(Deal, dt.date(2014, 4, 1))


# --- the timetable's pages ------------------------------------------------------------------------


def test_the_timetable_is_paged_by_round_with_a_round_running_over_pages():
    from generator.pages.timetable import paginate

    # pages of 5: round a's 3 deals and 2 of round b's 4 on page 1; b's last 2 and none's 1 on page 2
    pages = paginate([("round-a", "A", None, ["a1", "a2", "a3"]), ("round-b", "B", None, ["b1", "b2", "b3", "b4"]),
                      ("round-none", "None", None, ["n1"])], per_page=5)
    assert [[(g.id, g.rows, g.first, g.size) for g in p.groups] for p in pages] == [
        [("round-a", ["a1", "a2", "a3"], 1, 3), ("round-b", ["b1", "b2"], 1, 4)],
        [("round-b", ["b3", "b4"], 3, 4), ("round-none", ["n1"], 1, 1)],
    ]
    assert [p.uri for p in pages] == ["timetable.md", "timetable/2.md"]
    assert pages[1].title == "B (3 to 4 of 4); None"


def test_a_thousand_deals_make_twenty_timetable_pages_of_fifty():
    from generator.pages.timetable import PAGE_ROWS, paginate

    pages = paginate([("round-a", "A", None, list(range(1000)))])
    assert PAGE_ROWS == 50 and len(pages) == 20 and {len(p.rows) for p in pages} == {50}
