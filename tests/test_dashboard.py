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


def build_with(project: Path, deals: dict[str, str]) -> Path:
    """The site built on 2022-06-01 from these deals (file name -> YAML) and the shared files."""
    for name in ("mkdocs.yml", "content", "site_templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    for update in (project / "content" / "updates").glob("2*.md"):
        update.unlink()  # the example updates name the example deals, which this site does not have
    (project / "deals").mkdir()
    for name in ("_rounds.yaml", "_powers.yaml", "_deflators.yaml"):
        if (REPO / "deals" / name).exists():
            shutil.copy2(REPO / "deals" / name, project / "deals" / name)
    for name, text in deals.items():
        (project / "deals" / name).write_text(text, encoding="utf-8")
    return build(project, project / "site", at=int(EPOCH))


@pytest.fixture(scope="session")
def dashboard_site(tmp_path_factory) -> Path:
    return build_with(tmp_path_factory.mktemp("dashboard"), {"alphashire.yaml": ALPHA, "bethshire.yaml": BETH})


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
    # every outcome here has a target and can be rated: none is monitored only or cannot be rated
    assert rows[0] == [
        "Deal", "Achieved", "On track", "At risk", "Off track", "No recent data", "Monitored, no target", "Cannot be rated",
        "All outcomes", "Overdue milestones",
    ]
    assert rows[1] == ["Alphashire deal", "0", "1", "1", "1", "1", "0", "0", "4", "1"]
    assert rows[2] == ["Bethshire deal", "1", "1", "0", "0", "1", "0", "0", "3", "1"]
    assert rows[3] == ["All deals", "1", "2", "1", "1", "2", "0", "0", "7", "2"]


def test_each_deal_is_one_row_linking_to_its_outcomes_on_its_page(dashboard):
    # The row keeps the anchor deal pages link to; the outcomes themselves are on the deal page.
    for slug in ("alphashire", "bethshire"):
        row = re.search(rf'<tr id="deal-{slug}">(.*?)</tr>', dashboard).group(1)
        assert f'href="../deals/{slug}/#outcomes"' in row
    assert dashboard.count('<tr id="deal-') == 2


def test_outcomes_are_not_listed_one_by_one(dashboard):
    # "Outcome unmeasured" has no reading, so only a list of every outcome would name it; the
    # per-outcome figures are on the deal pages and in the download the dashboard links to.
    assert "Outcome unmeasured" not in dashboard
    assert 'href="../data/#table-outcomes-progress"' in dashboard


def test_each_outcomes_figures_are_in_the_download_the_dashboard_points_to(dashboard_site):
    import csv

    with open(dashboard_site / "data" / "outcomes-progress.csv", encoding="utf-8") as f:
        rows = {(r["deal"], r["outcome_id"]): r for r in csv.DictReader(f)}
    steady = rows[("alphashire", "steady")]
    # expected 60 + 10 x 730/1461 = 64.99658 (4 places: 64.9966); share 5 / 4.99658 = 100.07% (1 place: 100.1)
    assert (steady["latest_value"], steady["expected_value"], steady["progress_percent"], steady["status"]) == (
        "65.0", "64.9966", "100.1", "on-track"
    )
    assert rows[("alphashire", "unmeasured")]["status"] == "no-recent-data"


def test_outcomes_are_counted_by_theme_and_by_power_with_menu_titles(dashboard):
    rows = table(dashboard, "Number of outcomes by status, for each theme")
    assert rows[0] == [
        "Theme", "Achieved", "On track", "At risk", "Off track", "No recent data", "Monitored, no target", "Cannot be rated",
        "All outcomes", "Deals",
    ]
    # skills: stalled (off track) only; employment: the other six, from both deals
    assert rows[1:] == [
        ["Employment", "1", "2", "1", "0", "2", "0", "0", "6", "2"],
        ["Skills", "0", "0", "0", "1", "0", "0", "0", "1", "1"],
    ]
    rows = table(dashboard, "Number of outcomes by status, for each power they rely on")
    assert rows[0][-1] == "Power not granted"
    # menu order; stalled relies on skills funding, which Alphashire was not granted (it has
    # worklessness only); the other six rely on worklessness, agreed in both deals
    assert rows[1:] == [
        ["Skills funding", "0", "0", "0", "1", "0", "0", "0", "1", "1", "1"],
        ["Worklessness and long-term unemployment", "1", "2", "1", "0", "2", "0", "0", "6", "2", "0"],
    ]
    assert '<tr id="power-worklessness">' in dashboard and '<tr id="theme-employment">' in dashboard


def test_the_table_of_contents_has_the_sections_not_one_entry_per_deal(dashboard):
    toc = dashboard[dashboard.index('<nav class="md-nav md-nav--secondary"') :]
    toc = toc[: toc.index("</nav>")]
    ids = re.findall(r'href="#([^"]+)"', toc)
    assert ids == ["counts", "by-deal", "by-theme", "by-power", "overdue", "readings", "status-rule"]


def test_overdue_milestones_as_of_the_build_date(dashboard):
    rows = table(dashboard, "Overdue milestones as of 1 June 2022")
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [  # deals by title: a place may have several
        ("Bethshire deal", "Health board agreed", "92"),
        ("Alphashire deal", "Jobs plan published", "31"),
    ]


def test_recent_readings_default_to_the_90_days_before_the_build(dashboard):
    # 2022-06-01 - 90 days = 2022-03-03: the four readings of 2022-04-01 are listed, not the 2021 ones
    rows = table(dashboard, "Readings added since 3 March 2022, newest first")
    assert sorted((r[1], r[2], r[3]) for r in rows[1:]) == [
        ("new", "Alphashire deal", "Outcome slipping"),
        ("new", "Alphashire deal", "Outcome stalled"),
        ("new", "Alphashire deal", "Outcome steady"),
        ("new", "Bethshire deal", "Outcome falling"),
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
    slipping = page[page.index('id="outcome-slipping"') :]
    slipping = slipping[: slipping.index("</section>")]
    assert "At risk" in slipping and "64.0%" in slipping and "65.0% expected by then" in slipping


def test_changes_page_says_so_when_the_site_is_not_built_from_git(dashboard_site):
    page = (dashboard_site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "not built from a git repository" in page


# --- a dashboard with more to list than it shows -----------------------------------------------------

def busy_deal() -> str:
    """110 overdue milestones, and 3 outcomes with a reading on each of 80 days since the cutoff."""
    import datetime as dt

    start = dt.date(2022, 3, 3)  # the 90-day cutoff before 2022-06-01
    outcomes = "\n".join(
        outcome(f"busy{k}", [((start + dt.timedelta(days=i)).isoformat(), "61.0") for i in range(80)]) for k in range(3)
    )
    events = "\n".join(
        f"    - {{title: Milestone {i:03d}, kind: milestone, planned: {(dt.date(2022, 1, 1) + dt.timedelta(days=i)).isoformat()}}}"
        for i in range(110)
    )
    return deal("Busyshire deal", "Busyshire", outcomes, events)


@pytest.fixture(scope="module")
def busy_dashboard(tmp_path_factory) -> str:
    site = build_with(tmp_path_factory.mktemp("busy"), {"alphashire.yaml": ALPHA, "busyshire.yaml": busy_deal()})
    return (site / "dashboard" / "index.html").read_text(encoding="utf-8")


def test_overdue_milestones_list_the_100_longest_and_say_how_many_in_all(busy_dashboard):
    rows = table(busy_dashboard, "Overdue milestones as of 1 June 2022")[1:]
    # Busyshire's 110 (planned 2022-01-01 + i days: 151 - i days overdue) and Alphashire's 1 (31 days)
    assert len(rows) == 100
    assert (rows[0][1], rows[0][3]) == ("Milestone 000", "151")
    assert (rows[-1][1], rows[-1][3]) == ("Milestone 099", "52")  # 151 - 99
    assert "111 in all. The 100 longest overdue are listed" in busy_dashboard
    assert 'href="../data/#table-milestones"' in busy_dashboard


def test_recent_readings_list_the_newest_200_and_say_how_many_in_all(busy_dashboard):
    rows = table(busy_dashboard, "Readings added since 3 March 2022, newest first")[1:]
    # 3 x 80 Busyshire readings (3 March to 21 May 2022) + Alphashire's 3 of 1 April = 243
    assert len(rows) == 200
    assert "The newest 200 of these 243 readings are listed." in busy_dashboard
    assert rows[0][4] == "21 May 2022"
    assert "<strong>243</strong> readings are dated in the 90 days" in busy_dashboard
