"""History as the public saw it: changes appear when they became public, never before, and a
public deal's "data last changed" date moves only when what the public sees of it changes.

Each test makes a real git repository with back-dated commits and reads it the way a build
does (compute.history over model.git.Reader), as of a fixed moment.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_diff import DEAL

from generator.compute.embargo import publish
from generator.compute.history import changes, history, last_public_change
from generator.model.git import Reader
from generator.model.load import load_catalogue

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)
READING = '      - date: 2013-03-31\n        value: "70.2"\n'
EMBARGOED_READING = '      - date: 2013-03-31\n        value: "70.2"\n        publish_after: {when}\n'
ANCHOR = '        value: "68.9"\n'


def _git(root: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture
def deals(tmp_path) -> Path:
    deals = tmp_path / "deals"
    deals.mkdir()
    for name in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    _git(tmp_path, "init", "-q", "-b", "main")
    return deals


def _commit(deals: Path, text: str, date: str) -> None:
    (deals / "testshire.yaml").write_text(text, encoding="utf-8")
    _git(deals.parent, "add", "-A")
    _git(deals.parent, "commit", "-q", "-m", f"at {date}", date=date)


def _read(deals: Path, now: dt.datetime = NOW):
    publication = publish(load_catalogue([deals]), (), now)
    revisions = history(Reader(deals), publication)
    return publication, revisions


def test_committing_an_embargoed_reading_does_not_move_the_date_data_last_changed(deals):
    _commit(deals, DEAL, "2026-01-01T12:00:00+00:00")
    _commit(deals, DEAL.replace(ANCHOR, ANCHOR + EMBARGOED_READING.format(when="2099-01-01")), "2026-02-01T12:00:00+00:00")
    publication, revisions = _read(deals)
    file_times = {"testshire": dt.datetime(2026, 2, 1, 12, tzinfo=dt.timezone.utc)}  # git's answer: the second commit
    changed = last_public_change(revisions, publication, file_times)
    assert changed == {"testshire": dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone.utc)}
    assert [c.date.date().isoformat() for c in changes(revisions)] == ["2026-01-01"]  # the second commit shows nothing


def test_an_embargo_lifting_between_commits_is_a_change_at_its_moment(deals):
    _commit(deals, DEAL, "2026-01-01T12:00:00+00:00")
    _commit(deals, DEAL.replace(ANCHOR, ANCHOR + EMBARGOED_READING.format(when="2026-02-15T09:30:00+00:00")), "2026-02-01T12:00:00+00:00")
    publication, revisions = _read(deals)
    found = changes(revisions)
    assert [(c.date.isoformat(), c.revision.lifted) for c in found] == [
        ("2026-02-15T09:30:00+00:00", True),  # the reading became public then, with no commit
        ("2026-01-01T12:00:00+00:00", False),
    ]
    assert found[0].lines == ["testshire: outcome employment-rate reading added: 70.2 on 2013-03-31"]
    assert last_public_change(revisions, publication, {}) == {"testshire": dt.datetime(2026, 2, 15, 9, 30, tzinfo=dt.timezone.utc)}


def test_a_reading_whose_embargo_was_extended_never_appears_in_history(deals):
    _commit(deals, DEAL.replace(ANCHOR, ANCHOR + EMBARGOED_READING.format(when="2026-02-15")), "2026-01-01T12:00:00+00:00")
    _commit(deals, DEAL.replace(ANCHOR, ANCHOR + EMBARGOED_READING.format(when="2099-01-01")), "2026-02-10T12:00:00+00:00")
    _, revisions = _read(deals)
    lines = [line for c in changes(revisions) for line in c.lines]
    assert lines == ["testshire: deal added (Testshire deal)"]
    assert not any("70.2" in line for line in lines)


def test_an_uncommitted_public_edit_changed_now(deals):
    _commit(deals, DEAL, "2026-01-01T12:00:00+00:00")
    (deals / "testshire.yaml").write_text(DEAL.replace(ANCHOR, ANCHOR + READING), encoding="utf-8")
    publication, revisions = _read(deals)
    assert last_public_change(revisions, publication, {}) == {"testshire": NOW}


def test_outside_git_a_deal_with_anything_held_back_gets_no_date(deals):
    (deals / "testshire.yaml").write_text(DEAL.replace(ANCHOR, ANCHOR + EMBARGOED_READING.format(when="2099-01-01")), encoding="utf-8")
    publication = publish(load_catalogue([deals]), (), NOW)
    assert last_public_change(None, publication, {"testshire": NOW - dt.timedelta(days=1)}) == {}
