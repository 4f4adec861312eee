"""Outcome status, milestone slippage and budget progress, against cases worked out by hand.

The status rule (generator/progress.py docstring, published on the dashboard):
achieved if the latest reading meets the target; off track once the target date has passed
without it; no recent data with no reading or one older than 400 days; otherwise the share of
expected progress (straight line through baseline, interim milestones and target):
>= 90% on track, >= 60% at risk, below that off track.

Day counts used below: 2020-04-01 -> 2021-04-01 is 365 days, -> 2022-04-01 is 730,
-> 2024-04-01 is 1461 (29 February 2024 falls inside), -> 2025-04-01 is 1826.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generator.compute.progress import (
    Status,
    budget_progress,
    event_progress,
    expected_value,
    outcome_progress,
)
from generator.compute.progress_tables import progress_tables, rounded
from generator.model import Deal, Event, Outcome

D = dt.date


def outcome(readings=(), baseline=("60.0", "2020-04-01"), target=("70.0", "2024-04-01"), milestones=()):
    return Outcome.model_validate(
        {
            "id": "employment-rate",
            "title": "More people in work",
            "indicator": "Employment rate of working-age residents",
            "unit": "percent",
            "baseline": {"value": baseline[0], "date": baseline[1]},
            "target": {"value": target[0], "date": target[1]},
            "milestones": [{"value": v, "date": d} for v, d in milestones],
            "owner": "The council",
            "readings": [{"date": d, "value": v, **extra} for d, v, *rest in readings for extra in [rest[0] if rest else {}]],
        }
    )


def status(o: Outcome, today: str) -> Status:
    return outcome_progress(o, D.fromisoformat(today)).status


# --- the expected path ------------------------------------------------------------


def test_expected_value_is_a_straight_line_from_baseline_to_target():
    # 60 + (70 - 60) x 730 / 1461 = 60 + 7300/1461 = 64.99657... -> 64.9966
    assert rounded(expected_value(outcome(), D(2022, 4, 1)), 4) == Decimal("64.9966")


def test_expected_value_runs_through_interim_milestones():
    o = outcome(milestones=[("62.0", "2021-04-01")])
    # on the milestone's date: exactly the milestone
    assert expected_value(o, D(2021, 4, 1)) == Decimal("62.0")
    # 2021-04-01 -> 2024-04-01 is 1096 days; 2022-04-01 is 365 into it:
    # 62 + (70 - 62) x 365 / 1096 = 62 + 2920/1096 = 64.66423... -> 64.6642
    assert rounded(expected_value(o, D(2022, 4, 1)), 4) == Decimal("64.6642")


def test_expected_value_after_the_target_date_is_the_target():
    assert expected_value(outcome(), D(2025, 1, 1)) == Decimal("70.0")


# --- statuses, increasing indicator ---------------------------------------------------


def test_reading_ahead_of_the_line_is_on_track():
    # progress 65 - 60 = 5; expected progress 4.99658; share 100.07% >= 90%
    p = outcome_progress(outcome([("2022-04-01", "65.0")]), D(2022, 6, 1))
    assert p.status is Status.on_track
    assert rounded(p.expected, 4) == Decimal("64.9966")
    assert rounded(p.gap, 4) == Decimal("0.0034")  # 65 - 64.99658
    assert rounded(p.share_percent, 1) == Decimal("100.1")


def test_reading_between_60_and_90_percent_of_expected_progress_is_at_risk():
    # progress 64 - 60 = 4; 4 / 4.99658 = 80.05%
    p = outcome_progress(outcome([("2022-04-01", "64.0")]), D(2022, 6, 1))
    assert p.status is Status.at_risk
    assert rounded(p.share_percent, 1) == Decimal("80.1")


def test_reading_below_60_percent_of_expected_progress_is_off_track():
    # progress 62 - 60 = 2; 2 / 4.99658 = 40.03%
    assert status(outcome([("2022-04-01", "62.0")]), "2022-06-01") is Status.off_track


def test_thresholds_are_inclusive_at_90_and_60_percent():
    # milestone 62 on the reading's date: expected progress is exactly 2
    ms = [("62.0", "2021-04-01")]
    assert status(outcome([("2021-04-01", "61.8")], milestones=ms), "2021-05-01") is Status.on_track  # 1.8/2 = 90%
    assert status(outcome([("2021-04-01", "61.2")], milestones=ms), "2021-05-01") is Status.at_risk  # 1.2/2 = 60%
    assert status(outcome([("2021-04-01", "61.18")], milestones=ms), "2021-05-01") is Status.off_track  # 1.18/2 = 59%


def test_an_interim_milestone_raises_what_is_expected():
    # Without the milestone, 64.0 on 2022-04-01 is 80.05% of expected (at risk, above).
    # With a milestone of 66 on 2021-04-01: expected 66 + 4 x 365/1096 = 67.33212;
    # share 4 / 7.33212 = 54.55% -> off track.
    p = outcome_progress(outcome([("2022-04-01", "64.0")], milestones=[("66.0", "2021-04-01")]), D(2022, 6, 1))
    assert p.status is Status.off_track
    assert rounded(p.expected, 4) == Decimal("67.3321")


def test_latest_reading_meeting_the_target_is_achieved_before_the_target_date():
    assert status(outcome([("2022-04-01", "64.0"), ("2023-10-01", "70.0")]), "2023-12-01") is Status.achieved


# --- a decreasing indicator -------------------------------------------------------


def decreasing(readings):
    return outcome(readings, baseline=("20.0", "2020-04-01"), target=("10.0", "2024-04-01"))


def test_decreasing_indicator_falling_fast_enough_is_on_track():
    # expected 20 - 10 x 730/1461 = 15.00342; progress (15.5 - 20) x -1 = 4.5;
    # share 4.5 / 4.99658 = 90.06% -> on track
    p = outcome_progress(decreasing([("2022-04-01", "15.5")]), D(2022, 6, 1))
    assert p.status is Status.on_track
    assert p.direction == -1
    assert rounded(p.expected, 4) == Decimal("15.0034")


def test_decreasing_indicator_falling_too_slowly_is_at_risk():
    # progress 20 - 16.5 = 3.5; 3.5 / 4.99658 = 70.05% -> at risk
    assert status(decreasing([("2022-04-01", "16.5")]), "2022-06-01") is Status.at_risk


def test_decreasing_indicator_rising_is_off_track():
    # progress (21 - 20) x -1 = -1: below 60%
    assert status(decreasing([("2022-04-01", "21.0")]), "2022-06-01") is Status.off_track


def test_decreasing_indicator_at_or_below_target_is_achieved():
    assert status(decreasing([("2022-04-01", "9.5")]), "2022-06-01") is Status.achieved


# --- no recent data -------------------------------------------------------------------


def test_no_reading_is_no_recent_data():
    p = outcome_progress(outcome(), D(2022, 6, 1))
    assert p.status is Status.no_recent_data
    assert p.latest is None and p.expected is None


def test_reading_more_than_400_days_old_is_no_recent_data():
    # 2021-04-01 -> 2022-05-07 = 365 + 36 = 401 days
    assert status(outcome([("2021-04-01", "62.5")]), "2022-05-07") is Status.no_recent_data


def test_reading_exactly_400_days_old_still_counts():
    # 2021-04-01 -> 2022-05-06 = 400 days; expected 60 + 10 x 365/1461 = 62.49829;
    # share 2.5 / 2.49829 = 100.07% -> on track
    assert status(outcome([("2021-04-01", "62.5")]), "2022-05-06") is Status.on_track


def test_readings_dated_after_the_build_date_are_not_counted():
    o = outcome([("2022-04-01", "64.0"), ("2023-01-01", "70.0")])
    p = outcome_progress(o, D(2022, 6, 1))
    assert p.latest.date == D(2022, 4, 1)
    assert p.status is Status.at_risk


# --- after the target date ---------------------------------------------------------


def test_reading_after_the_target_date_below_target_is_off_track():
    # expected after the target date is the target, 70: gap 69 - 70 = -1
    p = outcome_progress(outcome([("2024-06-30", "69.0")]), D(2024, 9, 1))
    assert p.status is Status.off_track
    assert p.expected == Decimal("70.0")
    assert p.gap == Decimal("-1.0")


def test_reading_after_the_target_date_meeting_target_is_achieved():
    assert status(outcome([("2024-06-30", "70.2")]), "2024-09-01") is Status.achieved


def test_target_date_passed_without_a_reading_showing_it_met_is_off_track():
    # 69.5 on 2024-01-01 was on the line (share 9.5 / 9.37... > 90%), but the date has passed
    assert status(outcome([("2024-01-01", "69.5")]), "2024-04-01") is Status.on_track
    assert status(outcome([("2024-01-01", "69.5")]), "2024-04-02") is Status.off_track


# --- a target moved mid-way ------------------------------------------------------------


def test_status_follows_the_current_target_after_a_move():
    reading = [("2022-04-01", "64.0")]
    # As first agreed (70 by 2024-04-01): share 4 / 4.99658 = 80.05% -> at risk.
    assert status(outcome(reading), "2022-06-01") is Status.at_risk
    # Moved to 68 by 2025-04-01 (1826 days): expected 60 + 8 x 730/1826 = 63.19825;
    # share 4 / 3.19825 = 125.07% -> on track.
    moved = outcome_progress(outcome(reading, target=("68.0", "2025-04-01")), D(2022, 6, 1))
    assert moved.status is Status.on_track
    assert rounded(moved.expected, 4) == Decimal("63.1982")


# --- commentary and remedial action -------------------------------------------------------


def test_progress_carries_the_latest_readings_commentary_and_remedial_action():
    o = outcome(
        [
            ("2021-04-01", "61.0", {"commentary": "Old news."}),
            ("2022-04-01", "62.0", {"commentary": "Behind the line.", "remedial_action": "A new jobs brokerage."}),
        ]
    )
    p = outcome_progress(o, D(2022, 6, 1))
    assert (p.commentary, p.remedial_action) == ("Behind the line.", "A new jobs brokerage.")


# --- milestones -----------------------------------------------------------------------


def event(planned, actual=None):
    return Event(title="Joint proposal submitted", kind="milestone", planned=planned, actual=actual)


def test_milestone_done_late_reports_slippage_in_days():
    # 2021-01-10 -> 2021-01-25 = 15 days late
    p = event_progress(event("2021-01-10", "2021-01-25"), D(2022, 1, 1))
    assert (p.slippage_days, p.overdue, p.state) == (15, False, "late")


def test_milestone_done_early_has_negative_slippage():
    p = event_progress(event("2021-01-10", "2021-01-07"), D(2022, 1, 1))
    assert (p.slippage_days, p.state) == (-3, "early")


def test_milestone_without_actual_past_its_planned_date_is_overdue():
    # 2021-03-01 -> 2021-03-31 = 30 days overdue
    p = event_progress(event("2021-03-01"), D(2021, 3, 31))
    assert (p.slippage_days, p.overdue, p.state) == (30, True, "overdue")


def test_milestone_planned_for_today_or_later_is_not_overdue():
    assert event_progress(event("2021-03-31"), D(2021, 3, 31)).overdue is False
    assert event_progress(event("2021-05-01"), D(2021, 3, 31)).slippage_days is None


# --- budget --------------------------------------------------------------------------


def deal_with_budget() -> Deal:
    return Deal.model_validate(
        {
            "slug": "testshire",
            "title": "Testshire deal",
            "summary": "A deal for tests.",
            "status": "in-delivery",
            "place": {"name": "Testshire", "level": "county", "partners": [{"name": "Testshire Council", "kind": "council"}]},
            "accountable_figure": {"role": "mayor", "chosen": "directly-elected", "scrutinised_by": ["Scrutiny committee"]},
            "negotiation": {"rounds": ["forerunners"], "events": [{"title": "Signed", "kind": "milestone", "planned": "2024-04-01"}]},
            "outcomes": [outcome([("2022-04-01", "64.0")]).model_dump()],
            "budget": {
                "unit": "£m",
                "years": ["2024-25", "2025-26"],
                "reduction_percent": 8,
                "savings_share_percent": 50,
                "savings_achieved": {"2024-25": "11.5"},
                "lines": [
                    {"body": "Council", "stream": "Care", "amounts": {"2024-25": "100.0", "2025-26": "110.0"}, "actuals": {"2024-25": "98.5"}},
                    {"body": "Health", "stream": "Community", "amounts": {"2024-25": "50.0", "2025-26": "40.0"}, "actuals": {"2024-25": "51.0"}},
                ],
            },
        }
    )


def test_budget_progress_compares_planned_and_actual_spend_by_year():
    first, second = budget_progress(deal_with_budget()).years
    # 2024-25: planned 100.0 + 50.0 = £150.0m = 15,000,000,000p; actual 98.5 + 51.0 = £149.5m
    assert (first.planned_pence, first.actual_pence, first.variance_pence) == (15_000_000_000, 14_950_000_000, -50_000_000)
    # 2025-26: planned 110.0 + 40.0 = £150.0m, nothing spent yet recorded
    assert (second.planned_pence, second.actual_pence, second.variance_pence) == (15_000_000_000, None, None)


def test_budget_progress_compares_savings_achieved_with_savings_committed():
    budget = budget_progress(deal_with_budget())
    first, second = budget.years
    # committed = planned x 8% = £150.0m x 0.08 = £12.0m = 1,200,000,000p a year
    assert first.savings_committed_pence == second.savings_committed_pence == Decimal(1_200_000_000)
    assert budget.savings_committed_pence == Decimal(2_400_000_000)
    # achieved as recorded: £11.5m in 2024-25 only
    assert (first.savings_achieved_pence, second.savings_achieved_pence) == (1_150_000_000, None)


# --- tables ----------------------------------------------------------------------------


def test_progress_tables_carry_status_and_rounded_expected_value():
    tables = {t.name: t for t in progress_tables(deal_with_budget(), D(2022, 6, 1))}
    assert set(tables) == {"outcomes-progress", "outcome-path", "readings", "milestones", "budget-actuals"}
    row = tables["outcomes-progress"].frame.iloc[0]
    assert (row["status"], row["expected_value"], row["progress_percent"]) == ("at-risk", Decimal("64.9966"), Decimal("80.1"))
    milestone = tables["milestones"].frame.iloc[0]
    assert (milestone["overdue"], milestone["slippage_days"]) == (False, None)
