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
from generator.model.digest import forget_caches
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


def test_history_reusing_the_working_trees_deals_equals_history_parsing_every_version(deals):
    # Back-dated commits, an embargo lifting between two commits, a second deal edited last.
    held = DEAL.replace(ANCHOR, ANCHOR + EMBARGOED_READING.format(when="2026-01-15T09:30:00+00:00"))
    other = DEAL.replace("Testshire", "Otherton")
    _commit(deals, DEAL, "2025-11-01T12:00:00+00:00")
    _commit(deals, held, "2026-01-01T12:00:00+00:00")
    (deals / "otherton.yaml").write_text(other, encoding="utf-8")
    _commit(deals, held, "2025-12-01T12:00:00+00:00")  # back-dated: before the commit above
    (deals / "otherton.yaml").write_text(other.replace("title: Otherton deal", "title: Otherton devolution deal"), encoding="utf-8")
    _commit(deals, held, "2026-02-01T12:00:00+00:00")
    catalogue = load_catalogue([deals])
    publication = publish(catalogue, (), NOW)
    reused = history(Reader(deals, known=catalogue.deals), publication)
    forget_caches()  # file versions read by the Reader above
    every = history(Reader(deals), publication)
    assert [(r.commit, r.date, r.lifted, r.catalogue) for r in reused] == [(r.commit, r.date, r.lifted, r.catalogue) for r in every]
    assert [(c.date, c.lines) for c in changes(reused)] == [(c.date, c.lines) for c in changes(every)]
    # Newest first: otherton revised (1 Feb); the reading's embargo lifted (15 January, between
    # the back-dated commit of 1 December and that of 1 February); otherton added; testshire added.
    assert [c.date.date().isoformat() for c in changes(every)] == ["2026-02-01", "2026-01-15", "2025-12-01", "2025-11-01"]
    newest = {d.slug: d for d in reused[-1].catalogue.deals}
    assert newest["otherton"] is catalogue.deal("otherton")  # the working tree's deal, not parsed again


@pytest.mark.parametrize("now", [NOW, dt.datetime(2026, 1, 20, tzinfo=dt.timezone.utc), dt.datetime(2026, 1, 10, tzinfo=dt.timezone.utc)])
def test_history_taking_todays_whole_deals_as_they_are_equals_history_checking_every_reading(deals, monkeypatch, now):
    """compute.history._Today: a past version with the digest of a deal public today with nothing
    held back is kept as it is, its readings not looked up one by one. Same revisions either way:
    with a reading public in one commit and held back in the working tree, one whose embargo
    lifts between commits, and a deal whose file never changed after it was added."""
    from generator.compute import history as history_module

    held = DEAL.replace(ANCHOR, ANCHOR + EMBARGOED_READING.format(when="2026-01-15T09:30:00+00:00"))
    other = DEAL.replace("Testshire", "Otherton")
    (deals / "otherton.yaml").write_text(other, encoding="utf-8")
    _commit(deals, DEAL.replace(ANCHOR, ANCHOR + READING), "2025-11-01T12:00:00+00:00")  # the reading public then
    _commit(deals, held, "2026-01-01T12:00:00+00:00")
    (deals / "otherton.yaml").write_text(other.replace("title: Otherton deal", "title: Otherton devolution deal"), encoding="utf-8")
    _commit(deals, held, "2026-02-01T12:00:00+00:00")  # testshire's file as it was
    (deals / "testshire.yaml").write_text(DEAL.replace(ANCHOR, ANCHOR + EMBARGOED_READING.format(when="2099-01-01")), encoding="utf-8")

    publication = publish(load_catalogue([deals]), (), now)
    fast = history(Reader(deals), publication)
    forget_caches()
    whole = history_module._Today.__init__

    def checking_every_reading(self, publication):
        whole(self, publication)
        self.whole = set()

    monkeypatch.setattr(history_module._Today, "__init__", checking_every_reading)
    slow = history(Reader(deals), publication)
    assert [(r.commit, r.date, r.lifted, r.catalogue) for r in fast] == [(r.commit, r.date, r.lifted, r.catalogue) for r in slow]
    assert not any("70.2" in line for c in changes(fast) for line in c.lines)  # held back in the working tree
    assert all(len(r.catalogue.deals) == 2 for r in fast)


def test_a_later_reader_parses_only_the_file_versions_no_reader_has_read(deals, monkeypatch):
    from generator.model import git

    forget_caches()
    _commit(deals, DEAL, "2026-01-01T12:00:00+00:00")
    _commit(deals, DEAL.replace(ANCHOR, ANCHOR + READING), "2026-01-02T12:00:00+00:00")
    publication = publish(load_catalogue([deals]), (), NOW)
    history(Reader(deals), publication)  # a preview's first build: both versions parsed
    parsed: list[str] = []
    original = git._parse_file
    monkeypatch.setattr(git, "_parse_file", lambda file, name, raw: parsed.append(name) or original(file, name, raw))
    history(Reader(deals), publication)  # the next rebuild, nothing committed since
    assert parsed == []
    _commit(deals, DEAL.replace("title: Testshire deal", "title: Testshire devolution deal"), "2026-01-03T12:00:00+00:00")
    history(Reader(deals), publication)
    assert parsed == ["testshire.yaml"]  # the one new version


def test_a_deal_unchanged_between_commits_is_one_object_and_the_changes_name_only_the_edit(deals):
    _commit(deals, DEAL, "2026-01-01T12:00:00+00:00")
    (deals / "otherton.yaml").write_text(DEAL.replace("Testshire", "Otherton"), encoding="utf-8")
    _commit(deals, DEAL, "2026-01-02T12:00:00+00:00")
    _commit(deals, DEAL.replace("title: Testshire deal", "title: Testshire devolution deal"), "2026-01-03T12:00:00+00:00")
    _, revisions = _read(deals)
    second, third = ({d.slug: d for d in r.catalogue.deals} for r in revisions[1:])
    assert second["otherton"] is third["otherton"]
    assert [c.lines for c in changes(revisions)] == [
        ["testshire: title changed from Testshire deal to Testshire devolution deal"],
        ["otherton: deal added (Otherton deal)"],
        ["testshire: deal added (Testshire deal)"],
    ]
