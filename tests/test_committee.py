"""The committee's record: status history, what changed between meetings, the checks, the gate.

Cases worked out by hand. Status rule (compute/progress.py): share of expected progress
= (latest - baseline) / (expected - baseline), >= 90% on track, >= 60% at risk, else off track.
Day counts: 2020-04-01 -> 2021-04-01 is 365 days, -> 2022-04-01 730, -> 2023-04-01 1095,
-> 2024-04-01 1461 (29 February 2024 falls inside).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.compute.embargo import publish
from generator.compute.meeting import changes_since
from generator.compute.progress import Status
from generator.compute.record import PathState, status_history
from generator.model import Outcome, Point
from generator.model.load import InvalidDeals, load_catalogue

REPO = Path(__file__).resolve().parent.parent
D = dt.date
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _outcome(target="80.0"):
    return Outcome.model_validate({
        "id": "employment-rate", "title": "More people in work", "indicator": "Employment rate", "unit": "percent",
        "baseline": {"value": "60.0", "date": "2020-04-01"}, "target": {"value": target, "date": "2024-04-01"},
        "owner": "The council",
        "readings": [{"date": "2021-04-01", "value": "62.0"}, {"date": "2022-04-01", "value": "65.0"}, {"date": "2023-04-01", "value": "66.0"}],
    })


def _point(value, date):
    return Point.model_validate({"value": value, "date": date})


def test_status_history_across_three_readings_and_a_moved_target():
    # The target was 70 by 2024-04-01 until 2022-10-01, when it moved to 80 (same date).
    o = _outcome("80.0")
    states = [PathState(None, _point("70.0", "2024-04-01"), ()), PathState(D(2022, 10, 1), _point("80.0", "2024-04-01"), (), "abc1234")]
    entries = status_history(o, D(2023, 6, 1), states)
    got = [(e.date, e.cause, e.status, e.previous, e.progress.clause, e.path.target.value) for e in entries]
    assert got == [
        # expected 60 + 10 x 365/1461 = 62.498; share 2 / 2.498 = 80.1%: at risk
        (D(2021, 4, 1), "reading", Status.at_risk, Status.no_recent_data, 8, 70),
        # expected 60 + 10 x 730/1461 = 64.997; share 5 / 4.997 = 100.1%: on track
        (D(2022, 4, 1), "reading", Status.on_track, Status.at_risk, 8, 70),
        # target 80: expected on 2022-04-01 60 + 20 x 730/1461 = 69.993; share 5 / 9.993 = 50.0%: off track
        (D(2022, 10, 1), "target-moved", Status.off_track, Status.on_track, 8, 80),
        # expected 60 + 20 x 1095/1461 = 74.990; share 6 / 14.990 = 40.0%: still off track
        (D(2023, 4, 1), "reading", Status.off_track, Status.off_track, 8, 80),
    ]
    assert [e.changed for e in entries] == [True, True, True, False]
    assert entries[2].moved_from.target.value == 70
    assert entries[0].reading.value == 62


def test_status_history_dates_the_day_time_alone_changed_the_status():
    # One reading (62 on 2021-04-01, at risk); 401 days later, 2022-05-07, it is too old (clause 7).
    o = _outcome("70.0").model_copy(update={"readings": _outcome().readings[:1]})
    entries = status_history(o, D(2022, 6, 1))
    assert [(e.date, e.cause, e.status, e.progress.clause) for e in entries] == [
        (D(2021, 4, 1), "reading", Status.at_risk, 8),
        (D(2022, 5, 7), "reading-too-old", Status.no_recent_data, 7),
    ]


def test_status_history_turns_final_the_day_after_the_deals_review_date():
    # Target 80 by 2024-04-01; the deal's review date passed on 2023-09-30, so from 2023-10-01 the
    # result is final (clause 4): the latest reading, 66 (2023-04-01), misses 80, so "missed".
    # Before that, each reading: 62 on 2021-04-01 against expected 60 + 20 x 365/1461 = 64.997,
    # share 2 / 4.997 = 40.0%; 65 on 2022-04-01 against 69.993, 50.0%; 66 on 2023-04-01 against
    # 74.990, 40.0%: off track each time (clause 8). No reading grew too old before a newer one.
    entries = status_history(_outcome("80.0"), D(2023, 12, 1), over_from=D(2023, 10, 1))
    assert [(e.date, e.cause, e.status, e.progress.clause) for e in entries] == [
        (D(2021, 4, 1), "reading", Status.off_track, 8),
        (D(2022, 4, 1), "reading", Status.off_track, 8),
        (D(2023, 4, 1), "reading", Status.off_track, 8),
        (D(2023, 10, 1), "programme-over", Status.missed, 4),
    ]
    assert entries[-1].previous is Status.off_track


# --- a project with kent and the committee's record ---------------------------------------------

SCRUTINY = """\
sessions:
  - id: s1
    committee: The committee
    date: 2013-06-18
    title: First look
    deals: [kent]
  - id: s2
    committee: The committee
    date: 2014-07-08
    title: Second look
    deals: [kent]
recommendations:
  - id: r1
    session: s1
    deal: kent
    to: Kent County Council
    text: Report each Gateway.
    due: 2013-09
  - id: r2
    session: s1
    to: The Department
    text: Agree common measures.
    due: 2014-01-31
  - id: r3
    session: s2
    deal: kent
    to: Kent County Council
    text: Say how the pilot will be evaluated.
responses:
  - recommendation: r1
    date: 2013-09-20
    by: Kent County Council
    response: accepted
    text: Each Gateway from October.
    implementation: implemented
"""


def _project(tmp_path: Path, scrutiny: str, kent_extra: str = "") -> Path:
    deals = tmp_path / "deals"
    deals.mkdir()
    for name in ("_rounds.yaml", "_powers.yaml", "_deflators.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    kent = (REPO / "deals" / "kent.yaml").read_text(encoding="utf-8")
    (deals / "kent.yaml").write_text(kent.replace("status: agreed\n", f"status: agreed\n{kent_extra}", 1), encoding="utf-8")
    (deals / "_scrutiny.yaml").write_text(scrutiny, encoding="utf-8")
    return deals


def test_a_pack_since_a_meeting_holds_exactly_what_is_dated_after_it(tmp_path):
    catalogue = load_catalogue([_project(tmp_path, SCRUTINY)])
    changes = changes_since(catalogue, D(2013, 6, 18), D(2014, 7, 8))
    # kent's readings: three outcomes read on 2013-03-31 (before) and 2014-03-31 (after the meeting)
    assert sorted((r.outcome.id, r.reading.date) for r in changes.readings) == [
        ("feeling-safe", D(2014, 3, 31)), ("out-of-work", D(2014, 3, 31)), ("services-online", D(2014, 3, 31)),
    ]
    # r1 due by 2013-09-30 and answered; r2 due 2014-01-31, no response: late, so red and first; r3 made at s2
    assert [(r.recommendation.id, r.made, r.due, r.late, r.severity) for r in changes.recommendations] == [
        ("r2", False, True, True, "red"), ("r1", False, True, False, ""), ("r3", True, False, False, ""),
    ]
    assert [(g.recommendation.id, g.response.date.exact) for g in changes.responses] == [("r1", D(2013, 9, 20))]
    assert changes.target_moves == []  # outside git nothing is known to have moved
    assert all(c.entry.date > D(2013, 6, 18) for c in changes.status_changes)


def test_a_change_on_the_day_of_the_last_meeting_is_not_in_the_next_pack(tmp_path):
    catalogue = load_catalogue([_project(tmp_path, SCRUTINY)])
    after_response = changes_since(catalogue, D(2013, 9, 20), D(2013, 11, 30))
    assert after_response.responses == []  # given on 2013-09-20, the day of "since"
    after_readings = changes_since(catalogue, D(2014, 3, 31), D(2014, 7, 8))
    assert after_readings.readings == []  # every reading is dated on or before 2014-03-31
    # r1 was due in September 2013: on or before 2013-09-30, which is after 2013-09-20
    assert [r.recommendation.id for r in after_response.recommendations] == ["r1"]


def test_a_response_to_a_missing_recommendation_is_refused_with_file_line_and_field(tmp_path):
    bad = SCRUTINY.replace("  - recommendation: r1\n", "  - recommendation: r9\n")
    with pytest.raises(InvalidDeals) as error:
        load_catalogue([_project(tmp_path, bad)])
    # SCRUTINY: sessions on lines 1-11, recommendations 12-28, "responses:" 29, its first item (the field) 30
    assert [str(p).split("deals/", 1)[1] for p in error.value.problems] == [
        "_scrutiny.yaml:30: responses[0].recommendation: r9 is not the id of a recommendation (expected one of r1, r2, r3)",
    ]


def test_the_record_of_a_held_back_deal_is_held_back_whole(tmp_path):
    catalogue = load_catalogue([_project(tmp_path, SCRUTINY, "draft: true\n")])
    publication = publish(catalogue, (), NOW)
    record = publication.catalogue.scrutiny
    assert (record.sessions, record.recommendations, record.responses) == ([], [], [])
    held = sorted((h.kind, h.name) for h in publication.held if h.kind in ("session", "recommendation", "response"))
    assert held == [
        ("recommendation", "recommendation r1"), ("recommendation", "recommendation r2"), ("recommendation", "recommendation r3"),
        ("response", "response of 20 September 2013 to r1"), ("session", "session s1: First look"), ("session", "session s2: Second look"),
    ]
    texts = {t for h in publication.held for t in h.texts}
    assert {"Report each Gateway.", "Each Gateway from October.", "First look"} <= texts


def test_a_draft_response_is_held_back_and_the_rest_stays(tmp_path):
    draft = SCRUTINY + "    draft: true\n"
    catalogue = load_catalogue([_project(tmp_path, draft)])
    record = publish(catalogue, (), NOW).catalogue.scrutiny
    assert [s.id for s in record.sessions] == ["s1", "s2"]
    assert [r.id for r in record.recommendations] == ["r1", "r2", "r3"]
    assert record.responses == []


def test_a_session_naming_a_missing_deal_is_refused_for_the_folder_but_not_for_one_named_file(tmp_path):
    # `dealsite check deals/kent.yaml` and a readings import's trial load one deal file: the
    # record's other deals are not there to check, so only the folder's check names them.
    other = SCRUTINY.replace("    deals: [kent]\nrecommendations:", "    deals: [kent, essex]\nrecommendations:")
    deals = _project(tmp_path, other)
    with pytest.raises(InvalidDeals) as error:
        load_catalogue([deals])
    assert [str(p).split("deals/", 1)[1] for p in error.value.problems] == [
        "_scrutiny.yaml:11: sessions[1].deals[1]: essex is not a known deal (expected a file name in deals/, without .yaml)",
    ]
    assert [d.slug for d in load_catalogue([deals / "kent.yaml"]).deals] == ["kent"]


def test_dealsite_pack_since_a_date_prints_what_changed_after_it(tmp_path, capsys, monkeypatch):
    from generator.cli import main

    _project(tmp_path, SCRUTINY)
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assert main(["pack", "--since", "2013-09-20", "--until", "2013-11-30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# What changed after 20 September 2013, up to 30 November 2013\n")
    # r1 fell due in September 2013 (answered on the 20th, the day of "since": not a response of this period)
    assert "## Recommendations made, due or late (1)\n\n- September 2013. Kent county deal: Recommendation to Kent County Council. Report each Gateway." in out
    assert "## Responses received (0)\n\nNo response was received.\n" in out
    assert "## New readings (0)\n" in out  # kent's readings are dated 31 March 2013 and 2014


def test_a_target_is_dated_by_the_public_version_that_moved_it():
    from types import SimpleNamespace as NS

    from generator.compute.record import target_paths

    def revision(commit, moment, target):
        deal = NS(slug="vale", outcomes=[_outcome(target)])
        return NS(commit=commit, date=moment, catalogue=NS(deals=[deal]))

    utc = dt.timezone.utc
    revisions = [
        revision("aaa", dt.datetime(2021, 1, 5, 9, tzinfo=utc), "70.0"),
        revision("bbb", dt.datetime(2021, 6, 1, 9, tzinfo=utc), "70.0"),  # no move
        revision("ccc", dt.datetime(2022, 9, 30, 23, 30, tzinfo=utc), "80.0"),  # 00:30 on 1 October in London (BST)
    ]
    states = target_paths(revisions)[("vale", "employment-rate")]
    assert [(s.since, s.target.value, s.commit) for s in states] == [(None, 70, "aaa"), (D(2022, 10, 1), 80, "ccc")]


def test_making_a_deals_pages_and_files_works_out_each_outcomes_status_history_once(monkeypatch):
    # The deal page (evidence), its tables page and its downloads all show the histories.
    from generator.pages import evidence
    from generator.pages.generate import SECTIONS, deal_bundle
    from generator.pages.render import environment
    from generator.pages.bundle import Context

    catalogue = load_catalogue([REPO / "deals"], jobs=1)
    publication = publish(catalogue, (), dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc))
    ctx = Context(publication, environment(REPO / "site_templates"))
    for section in SECTIONS:
        if hasattr(section, "prepare"):
            section.prepare(ctx)
    asked: list[str] = []
    monkeypatch.setattr(evidence, "status_history", lambda o, *args: asked.append(o.id) or status_history(o, *args))
    first, second = [d for d in publication.catalogue.deals if d.outcomes][:2]
    for deal in (first, second, first):
        deal_bundle(ctx, deal, SECTIONS, None)
    expected = [o.id for d in (first, second, first) for o in d.outcomes]
    assert asked == expected  # once per outcome for each deal made, in order: none kept for a deal made earlier
