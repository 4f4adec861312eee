"""The progress dashboard, built for real from deals whose statuses are worked out by hand.

Build date: SOURCE_DATE_EPOCH 1654084800 = 2022-06-01T12:00:00Z, so "today" is 2022-06-01.
Every outcome runs 2020-04-01 -> 2024-04-01 (1461 days); 2022-04-01 is 730 days in.

alphashire (60 -> 70):
  steady   64.99658 expected on 2022-04-01 (60 + 10 x 730/1461); 65.0 read: share 100.07% -> on track
  slipping 64.0 read: 4 / 4.99658 = 80.05%                                              -> at risk
  stalled  62.0 read: 2 / 4.99658 = 40.03%                                              -> off track
  unmeasured: no reading                                                                -> no recent data
bethshire:
  done     70.5 read on 2021-09-01 meets the target of 70                               -> achieved
  stale    62.5 read on 2021-04-01, 426 days before 2022-06-01 (> 400)                  -> no recent data
  falling  20 -> 10, 15.5 read on 2022-04-01: (20 - 15.5) / 4.99658 = 90.06%            -> on track
Counts: achieved 1, on track 2, at risk 1, off track 1, no recent data 2; 7 outcomes.

Milestones: alphashire "Jobs plan published" planned 2022-05-01, no actual: overdue 31 days;
bethshire "Health board agreed" planned 2022-03-01, no actual: overdue 31 + 30 + 31 = 92 days.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from publishing_support import build

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1654084800"  # 2022-06-01T12:00:00Z


def outcome(oid, readings=(), baseline="60.0", target="70.0", themes="[employment]", powers="[worklessness]"):
    lines = [
        f"  - id: {oid}",
        f"    title: Outcome {oid}",
        "    indicator: Employment rate",
        "    unit: percent",
        f'    baseline: {{value: "{baseline}", date: 2020-04-01}}',
        f'    target: {{value: "{target}", date: 2024-04-01}}',
        "    owner: The council",
        f"    themes: {themes}",
        f"    powers: {powers}",
    ]
    if readings:
        lines.append("    readings:")
        lines += [f'      - {{date: {d}, value: "{v}"}}' for d, v in readings]
    return "\n".join(lines)


def deal(title, place, outcomes, events):
    return f"""\
title: {title}
summary: A deal for the dashboard tests.
status: in-delivery
place:
  name: {place}
  level: county
  partners:
    - name: {place} County Council
      kind: council
accountable_figure:
  role: mayor
  chosen: directly-elected
  scrutinised_by: [{place} scrutiny committee]
powers:
  - power: worklessness
    status: agreed
    from_body: Department for Work and Pensions
outcomes:
{outcomes}
negotiation:
  rounds: [forerunners]
  events:
{events}
"""


ALPHA = deal(
    "Alphashire deal",
    "Alphashire",
    "\n".join(
        [
            outcome("steady", [("2022-04-01", "65.0")]),
            outcome("slipping", [("2022-04-01", "64.0")]),
            outcome("stalled", [("2022-04-01", "62.0")], themes="[skills]", powers="[skills-funding]"),
            outcome("unmeasured"),
        ]
    ),
    "    - {title: Jobs plan published, kind: milestone, planned: 2022-05-01}\n"
    "    - {title: Skills board meets, kind: meeting, planned: 2022-07-01}\n"
    "    - {title: Proposal submitted, kind: milestone, planned: 2021-01-10, actual: 2021-01-25}",
)
BETH = deal(
    "Bethshire deal",
    "Bethshire",
    "\n".join(
        [
            outcome("done", [("2021-09-01", "70.5")]),
            outcome("stale", [("2021-04-01", "62.5")]),
            outcome("falling", [("2022-04-01", "15.5")], baseline="20.0", target="10.0"),
        ]
    ),
    "    - {title: Health board agreed, kind: milestone, planned: 2022-03-01}",
)


@pytest.fixture(scope="session")
def dashboard_site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("dashboard")
    for name in ("mkdocs.yml", "content", "site_templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    for update in (project / "content" / "updates").glob("2*.md"):
        update.unlink()  # the example updates name the example deals, which this site does not have
    (project / "deals").mkdir()
    for name in ("_rounds.yaml", "_powers.yaml", "_deflators.yaml"):
        if (REPO / "deals" / name).exists():
            shutil.copy2(REPO / "deals" / name, project / "deals" / name)
    (project / "deals" / "alphashire.yaml").write_text(ALPHA, encoding="utf-8")
    (project / "deals" / "bethshire.yaml").write_text(BETH, encoding="utf-8")
    return build(project, project / "site", at=int(EPOCH))


class Tables(HTMLParser):
    """Each table's caption and rows of cell texts (thead, tbody and tfoot alike)."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row, self._caption = [], None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def table(html: str, caption: str) -> list[list[str]]:
    parser = Tables()
    parser.feed(html)
    found = [t["rows"] for t in parser.tables if t["caption"] == caption]
    assert found, f"no table captioned {caption!r}"
    return found[0]


@pytest.fixture(scope="session")
def dashboard(dashboard_site) -> str:
    return (dashboard_site / "dashboard" / "index.html").read_text(encoding="utf-8")


def test_counts_by_status_equal_the_hand_count(dashboard):
    rows = table(dashboard, "Number of outcomes by status, for each deal and in all")
    assert rows[0] == ["Deal", "Achieved", "On track", "At risk", "Off track", "No recent data", "All outcomes"]
    assert rows[1] == ["Alphashire deal", "0", "1", "1", "1", "1", "4"]
    assert rows[2] == ["Bethshire deal", "1", "1", "0", "0", "1", "3"]
    assert rows[3] == ["All deals", "1", "2", "1", "1", "2", "7"]


def test_every_outcome_is_listed_under_its_deal_with_its_status_as_text(dashboard):
    assert 'id="deal-alphashire"' in dashboard and 'id="deal-bethshire"' in dashboard
    rows = table(dashboard, "Outcomes of Alphashire deal")
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("Outcome steady", "On track"),
        ("Outcome slipping", "At risk"),
        ("Outcome stalled", "Off track"),
        ("Outcome unmeasured", "No recent data"),
    ]
    rows = table(dashboard, "Outcomes of Bethshire deal")
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("Outcome done", "Achieved"),
        ("Outcome stale", "No recent data"),
        ("Outcome falling", "On track"),
    ]


def test_latest_is_shown_against_expected(dashboard):
    steady = table(dashboard, "Outcomes of Alphashire deal")[1]
    # latest 65.0% on 1 April 2022 against 64.99658 expected, shown to the deal's 1 place: 65.0%;
    # share 100.07% shown as 100%
    assert steady[2] == "65.0% (1 April 2022)"
    assert steady[3] == "65.0%"
    assert steady[4] == "100%"


def test_outcomes_are_grouped_by_theme_and_by_power_with_menu_titles(dashboard):
    assert [r[1] for r in table(dashboard, "Outcomes on the theme Skills")[1:]] == ["Outcome stalled"]
    rows = table(dashboard, "Outcomes relying on the power Worklessness and long-term unemployment")
    assert len(rows) - 1 == 6  # every outcome but "stalled"
    assert rows[1][-1] == "agreed"  # the power's status in that deal
    assert 'id="power-worklessness"' in dashboard and 'id="theme-employment"' in dashboard


def test_overdue_milestones_as_of_the_build_date(dashboard):
    rows = table(dashboard, "Overdue milestones as of 1 June 2022")
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        ("Bethshire", "Health board agreed", "92"),
        ("Alphashire", "Jobs plan published", "31"),
    ]


def test_recent_readings_default_to_the_90_days_before_the_build(dashboard):
    # 2022-06-01 - 90 days = 2022-03-03: the four readings of 2022-04-01 are listed, not the 2021 ones
    rows = table(dashboard, "Readings added since 3 March 2022, newest first")
    assert sorted((r[1], r[2], r[3]) for r in rows[1:]) == [
        ("new", "Alphashire", "Outcome slipping"),
        ("new", "Alphashire", "Outcome stalled"),
        ("new", "Alphashire", "Outcome steady"),
        ("new", "Bethshire", "Outcome falling"),
    ]
    assert 'data-added="2022-04-01"' in dashboard  # the JavaScript filter works on this attribute
    assert 'data-added="2021-04-01"' not in dashboard


def test_tables_are_sortable_by_a_script_served_from_the_site(dashboard_site, dashboard):
    assert "data-ds-progress-sort" in dashboard
    assert re.search(r'<script src="[./]*assets/progress\.js', dashboard)
    assert (dashboard_site / "assets" / "progress.js").exists()


def test_the_status_rule_is_published_on_the_dashboard(dashboard):
    rule = dashboard[dashboard.index('id="status-rule"') :]
    for words in ("straight line", "400 days", "90%", "60%", "target date has passed"):
        assert words in rule


def test_each_deal_page_links_to_its_part_of_the_dashboard_and_shows_status(dashboard_site):
    page = (dashboard_site / "deals" / "alphashire" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../dashboard/#deal-alphashire"' in page
    assert "At risk" in page and "64.0% against 65.0% expected by then" in page


def test_changes_page_says_so_when_the_site_is_not_built_from_git(dashboard_site):
    page = (dashboard_site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "not built from a git repository" in page
