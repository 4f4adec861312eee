"""`dealsite diff REV_A REV_B` and the history behind the changes page, on a real git repository."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from publishing_support import build

from generator.cli import main
from generator.compute.embargo import publish
from generator.compute.history import changes, history
from generator.model import Catalogue
from generator.model.git import GitError, Reader
from generator.model.load import load_catalogue

REPO = Path(__file__).resolve().parent.parent

DEAL = """\
title: Testshire deal
summary: A deal for tests.
status: agreed
place:
  name: Testshire
  level: county
  partners:
    - name: Testshire County Council
      kind: council
accountable_figure:
  role: mayor
  chosen: directly-elected
  scrutinised_by: [Testshire scrutiny committee]
outcomes:
  - id: employment-rate
    title: More people in work
    indicator: Employment rate of working-age residents
    unit: percent
    baseline: {value: "68.0", date: 2011-04-01}
    target: {value: "72.0", date: 2014-03-31}
    owner: Testshire County Council
    readings:
      - date: 2012-03-31
        value: "68.9"
powers:
  - power: skills-funding
    status: requested
    from_body: Department for Business, Innovation and Skills
budget:
  unit: £m
  years: [2011-12, 2012-13]
  reduction_percent: 8
  savings_share_percent: 50
  lines:
    - body: Testshire County Council
      stream: Adult social care
      amounts: {2011-12: "120.0", 2012-13: "118.5"}
negotiation:
  rounds: [forerunners]
  events:
    - title: Joint proposal submitted
      kind: milestone
      planned: 2010-12-17
      actual: 2011-01-14
"""

# The planted change: a target moved, a power agreed, an amount changed, an event's date moved
# and a reading added.
CHANGED = (
    DEAL.replace('target: {value: "72.0", date: 2014-03-31}', 'target: {value: "71.0", date: 2015-03-31}')
    .replace("status: requested", "status: agreed")
    .replace('2012-13: "118.5"', '2012-13: "121.25"')
    .replace("actual: 2011-01-14", "actual: 2011-01-21")
    .replace('        value: "68.9"\n', '        value: "68.9"\n      - date: 2013-03-31\n        value: "70.2"\n')
)

EXPECTED = [
    "testshire: outcome employment-rate target moved from 72.0 by 2014-03-31 to 71.0 by 2015-03-31",
    "testshire: outcome employment-rate reading added: 70.2 on 2013-03-31",
    "testshire: power skills-funding status changed from requested to agreed",
    "testshire: budget line Testshire County Council / Adult social care 2012-13 amount changed from 118.5 to 121.25 (£m)",
    'testshire: milestone "Joint proposal submitted" actual date moved from 2011-01-14 to 2011-01-21',
]

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(repo: Path, *args: str, date: str = "2026-01-01T12:00:00+00:00") -> None:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    deals = tmp_path / "deals"
    deals.mkdir()
    for name in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    (deals / "testshire.yaml").write_text(DEAL, encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "deals")
    git(tmp_path, "commit", "-q", "-m", "Testshire agreed", date="2026-01-01T12:00:00+00:00")
    (deals / "testshire.yaml").write_text(CHANGED, encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "Testshire target moved", date="2026-02-01T12:00:00+00:00")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_diff_reports_the_planted_change_exactly(repo, capsys):
    assert main(["diff", "HEAD~1", "HEAD"]) == 0
    assert capsys.readouterr().out.splitlines() == EXPECTED


def test_diff_the_other_way_reports_the_reverse(repo, capsys):
    assert main(["diff", "HEAD", "HEAD~1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "testshire: outcome employment-rate target moved from 71.0 by 2015-03-31 to 72.0 by 2014-03-31"
    assert "testshire: outcome employment-rate reading removed: 70.2 on 2013-03-31" in out


def test_diff_of_a_revision_with_itself_prints_nothing(repo, capsys):
    assert main(["diff", "HEAD", "HEAD"]) == 0
    assert capsys.readouterr().out == ""


def test_diff_runs_as_the_installed_command(repo):
    dealsite = REPO / ".venv" / "bin" / "dealsite"
    done = subprocess.run([str(dealsite), "diff", "HEAD~1", "HEAD"], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == EXPECTED


def test_diff_reports_added_and_removed_deals(repo, capsys):
    (repo / "deals" / "testshire.yaml").rename(repo / "deals" / "otherton.yaml")
    git(repo, "add", "-A", "deals")
    git(repo, "commit", "-q", "-m", "renamed", date="2026-03-01T12:00:00+00:00")
    assert main(["diff", "HEAD~1", "HEAD"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "otherton: deal added (Testshire deal)",
        "testshire: deal removed (Testshire deal)",
    ]


def test_diff_of_an_unknown_revision_fails_with_one_line(repo, capsys):
    assert main(["diff", "HEAD", "no-such-rev"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dealsite diff: ") and "Traceback" not in err


def test_diff_of_an_invalid_revision_names_the_problem(repo, capsys):
    (repo / "deals" / "testshire.yaml").write_text(CHANGED.replace("status: agreed\nplace", "status: signed-off\nplace"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken", date="2026-03-01T12:00:00+00:00")
    assert main(["diff", "HEAD~1", "HEAD"]) == 1
    assert "HEAD:deals/testshire.yaml:3: status: signed-off is not allowed" in capsys.readouterr().err


def _public_history(deals: Path, now: str = "2026-03-01T12:00:00+00:00"):
    publication = publish(load_catalogue([deals]), (), dt.datetime.fromisoformat(now))
    return history(Reader(deals), publication)


def test_history_lists_changes_newest_first_with_commit_dates(repo):
    found = changes(_public_history(repo / "deals"))
    assert [c.date.date().isoformat() for c in found] == ["2026-02-01", "2026-01-01"]
    assert found[0].lines == EXPECTED
    assert found[1].lines == ["testshire: deal added (Testshire deal)"]


def test_history_is_none_outside_a_git_repository(tmp_path):
    deals = tmp_path / "deals"
    deals.mkdir()
    with pytest.raises(GitError):
        Reader(deals)
    assert history(None, publish(Catalogue(deals=[], rounds=[], powers=[]), (), dt.datetime.now(dt.timezone.utc))) is None


# --- the changes page, built for real from a repository's history --------------------------------


@pytest.fixture(scope="module")
def changes_site(tmp_path_factory) -> Path:

    root = tmp_path_factory.mktemp("changes")
    for name in ("mkdocs.yml", "content", "site_templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    for update in (root / "content" / "updates").glob("2*.md"):
        update.unlink()  # they name the example deals, which this site does not have
    deals = root / "deals"
    deals.mkdir()
    for name in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    (deals / "testshire.yaml").write_text(DEAL, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "deals")
    git(root, "commit", "-q", "-m", "Testshire agreed", date="2026-01-01T12:00:00+00:00")
    embargoed = '      - {date: 2014-03-31, value: "99.9", publish_after: 2099-01-01}\n'
    changed = CHANGED.replace('        value: "70.2"\n', '        value: "70.2"\n' + embargoed)
    assert embargoed in changed
    (deals / "testshire.yaml").write_text(changed, encoding="utf-8")
    git(root, "commit", "-q", "-am", "Testshire target moved", date="2026-02-01T12:00:00+00:00")
    return build(root, root / "site", at=1772366400)  # 2026-03-01T12:00:00Z


def test_changes_page_lists_the_moved_target_with_its_date(changes_site):
    page = (changes_site / "changes" / "index.html").read_text(encoding="utf-8")
    newest = page[page.index("1 February 2026") :]
    newest = newest[: newest.index("</section>")]
    assert "<li>testshire: outcome employment-rate target moved from 72.0 by 2014-03-31 to 71.0 by 2015-03-31</li>" in newest
    assert page.index("1 February 2026") < page.index("1 January 2026")  # newest first
    assert "<li>testshire: deal added (Testshire deal)</li>" in page


def test_changes_page_never_shows_embargoed_content(changes_site):
    page = (changes_site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "99.9" not in page


def test_dashboard_dates_each_reading_by_the_commit_that_added_it(changes_site):
    page = (changes_site / "dashboard" / "index.html").read_text(encoding="utf-8")
    readings = page[page.index('id="readings"') :]
    # 70.2 (measured 2013-03-31) was added by the commit of 2026-02-01, 68.9 by that of 2026-01-01
    assert readings.index('data-added="2026-02-01"') < readings.index('data-added="2026-01-01"')
    row = readings[readings.index('data-added="2026-02-01"') :]
    assert "70.2%" in row[: row.index("</tr>")]
