"""dealsite schedule: what the publication gate holds back, and when each item goes live.

Across the embargo moment, with a moment written in a time zone other than UK time.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
UTC = dt.timezone.utc


def _project(tmp_path: Path, kent_extra: str = "", update: str = "") -> Path:
    deals = tmp_path / "deals"
    deals.mkdir()
    for name in ("_rounds.yaml", "_powers.yaml", "_deflators.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    kent = (REPO / "deals" / "kent.yaml").read_text(encoding="utf-8")
    (deals / "kent.yaml").write_text(kent.replace("status: agreed\n", f"status: agreed\n{kent_extra}", 1), encoding="utf-8")
    updates = tmp_path / "content" / "updates"
    updates.mkdir(parents=True)
    if update:
        (updates / "2026-06-01-kent-signs.md").write_text(update, encoding="utf-8")
    return tmp_path


def _schedule(capsys, monkeypatch, project: Path, at: dt.datetime, *args: str) -> str:
    monkeypatch.chdir(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(at.timestamp())))
    assert main(["schedule", *args]) == 0
    return capsys.readouterr().out


# 09:30 in Paris in June (UTC+2) is 07:30 UTC and 08:30 in London (British Summer Time, UTC+1).
PARIS = "publish_after: 2026-06-01T09:30:00+02:00\n"
MOMENT = dt.datetime(2026, 6, 1, 7, 30, tzinfo=UTC)


def test_a_deal_embargoed_in_another_time_zone_is_listed_in_uk_time_and_utc(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path, PARIS)
    out = _schedule(capsys, monkeypatch, project, MOMENT - dt.timedelta(seconds=1))
    assert out == (
        "Held back on 1 June 2026 at 08:29 UK time: 1 item\n"
        "\n"
        "1 June 2026 at 08:30 UK time (2026-06-01 07:30 UTC)\n"
        "  deal: Kent county deal\n"
        "  appears: the deal's page and tables, its downloads and feed, and its place in the lists of deals, search and the "
        "dashboard (/deals/kent/)\n"
    )


def test_at_the_embargo_moment_the_deal_is_no_longer_held(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path, PARIS)
    assert _schedule(capsys, monkeypatch, project, MOMENT) == "Held back on 1 June 2026 at 08:30 UK time: 0 items\n"


def test_json_gives_the_moment_in_utc_and_uk_time(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path, PARIS)
    document = json.loads(_schedule(capsys, monkeypatch, project, MOMENT - dt.timedelta(hours=1), "--json"))
    assert document["now"] == "2026-06-01T06:30:00Z"
    [item] = document["held"]
    assert (item["kind"], item["deal"], item["release_utc"], item["release_uk"], item["path"]) == (
        "deal", "kent", "2026-06-01T07:30:00Z", "2026-06-01T08:30:00+01:00", "/deals/kent/",
    )


def test_next_prints_the_next_moment_and_nothing_once_it_passed(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path, PARIS)
    assert _schedule(capsys, monkeypatch, project, MOMENT - dt.timedelta(minutes=5), "--next") == "2026-06-01T07:30:00Z\n"
    assert _schedule(capsys, monkeypatch, project, MOMENT, "--next") == ""


UPDATE = "---\ntitle: Kent signs\ndate: 2026-06-01\ndeals: [kent]\nsummary: Kent signs its deal.\n{extra}---\n\nText.\n"


def test_an_update_about_an_embargoed_deal_goes_live_with_the_deal(tmp_path, capsys, monkeypatch):
    # the update's own embargo (midnight UK time on 1 June) is earlier than the deal's
    project = _project(tmp_path, PARIS, UPDATE.format(extra="publish_after: 2026-06-01\n"))
    out = _schedule(capsys, monkeypatch, project, dt.datetime(2026, 5, 31, 12, 0, tzinfo=UTC), "--json")
    held = {item["kind"]: item["release_utc"] for item in json.loads(out)["held"]}
    assert held == {"deal": "2026-06-01T07:30:00Z", "update": "2026-06-01T07:30:00Z"}


def test_a_draft_is_listed_without_a_moment(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path, "draft: true\n")
    out = _schedule(capsys, monkeypatch, project, MOMENT)
    assert "when draft: true is removed\n  deal: Kent county deal\n" in out


def test_the_committees_held_back_record_is_listed(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path)
    (project / "deals" / "_scrutiny.yaml").write_text(
        "sessions:\n  - id: kent-2026\n    committee: Joint Committee on Devolution\n    date: 2026-05-20\n"
        "    title: Kent's first year\n    deals: [kent]\n    publish_after: 2026-06-01T09:30:00+02:00\n",
        encoding="utf-8",
    )
    out = _schedule(capsys, monkeypatch, project, MOMENT - dt.timedelta(minutes=1))
    assert "1 June 2026 at 08:30 UK time (2026-06-01 07:30 UTC)\n  session: session kent-2026: Kent's first year\n" in out
