"""Open data: CSV, JSON, ODS and Frictionless data packages, read back against the source deals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from publishing_support import build, copy_project

from generator.compute.agreements import SPECS, agreement_csvs
from generator.compute.embargo import public_catalogue, publish
from generator.model import UNIT_PENCE
from generator.model.load import load_catalogue
from generator.pages import downloads, ods
from generator.pages.bundle import Bundle, Context
from generator.pages.generate import DealMemo, generate
from generator.pages.render import environment

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1370088000"  # 2013-06-01T12:00:00Z
NOW = dt.datetime(2013, 6, 1, 12, tzinfo=dt.timezone.utc)

# An extra deal with an embargoed reading and a draft deal: neither may reach the downloads.
# Its public reading's commentary has what CSV must quote (comma, quote marks, a line break)
# and what XML must escape (& and <).
EMBARGOED = """\
title: Testshire deal
summary: A deal with a reading not yet public.
status: agreed
place:
  name: Testshire
  level: county
  partners: [{name: Testshire County Council, kind: council}]
accountable_figure: {role: mayor, chosen: directly-elected, scrutinised_by: [Testshire scrutiny]}
outcomes:
  - id: employment-rate
    title: More people in work
    indicator: Employment rate
    unit: percent
    baseline: {value: "60.0", date: 2012-04-01}
    target: {value: "70.0", date: 2016-04-01}
    owner: Testshire County Council
    readings:
      - {date: 2013-03-31, value: "61.5", commentary: "Ahead, \\"well\\" ahead\\nof plan & <on> track"}
      - {date: 2013-05-31, value: "99.9", publish_after: 2099-01-01}
negotiation: {rounds: [forerunners]}
"""
DRAFT = EMBARGOED.replace("title: Testshire deal", "title: Secret deal\ndraft: true")

# A deal whose text begins with what spreadsheets run as a formula (= + - @), in every kind of text
# that reaches a table, with negative numbers in number columns (a reading, net benefits). Text
# cannot begin with a tab or a carriage return: deal text is stripped on loading (csv_cells is
# tested with them below).
FORMULA = """\
title: "=HYPERLINK(\\"http://evil.example/\\",\\"Formulashire\\")"
summary: A deal whose text begins with what spreadsheets take for a formula.
status: in-delivery
dates: {invited: 2011-10-01, agreed: 2012-10-31}
place:
  name: "+Formulashire"
  level: county
  population: 100000
  partners:
    - {name: "=Formulashire Council", kind: council}
    - {name: "+NHS Formulashire", kind: health}
    - {name: "-Formulashire Police", kind: police}
    - {name: "@Jobcentre Formulashire", kind: jobcentre}
accountable_figure:
  role: mayor
  chosen: directly-elected
  scrutinised_by: ["=Scrutiny"]
  holders:
    - {name: "=Mayor Formula", title: "+Interim mayor", interim: true, chosen: appointed, since: 2012-11, until: 2013-05, other_roles: ["-Police and crime commissioner", "@Fire"]}
    - {name: "-Mayor Minus", elected: 2013-05-02, since: 2013-05}
  scrutiny_powers:
    - {body: "-Formulashire panel", power: "@Reject the mayor's strategies", threshold: "=two-thirds"}
conditions:
  - {kind: consent, description: "=Formulashire Council consents", status: met, date: 2012-10}
  - {kind: legislation, description: "+An Order", added_by: second-deal}
funds:
  - id: growth-fund
    name: "=Growth fund"
    kind: investment-fund
    unit: £m
    per_year: {amount: "2.5", as_published: up-to}
    years: 10
    first_year: 2012-13
    gateway_every: 5
    recipient: "+Formulashire Council"
    note: "@A fund note"
    gateways:
      - {due: 2017, note: "-Not yet due"}
  - {id: one-off, name: "-One-off money", kind: one-off, unit: £k, total: "500", recipient: "@Formulashire Council", added_by: second-deal}
follow_ons:
  - {id: second-deal, title: "-Second deal", date: 2013-01, kind: further-deal, summary: "@What it adds", url: "https://example.org/second"}
outcomes:
  - id: jobs
    title: "=1+1 more jobs"
    indicator: "+Employment rate"
    unit: "-percent"
    baseline: {value: "60.0", date: 2012-04-01}
    target: {value: "70.0", date: 2016-04-01}
    owner: "=Formulashire Council"
    readings:
      - {date: 2013-03-31, value: "-1.5", commentary: "=cmd|' /C calc'!A0", remedial_action: "@SUM(1+1)"}
      - {date: 2013-05-31, value: "62.5", commentary: "-2+3, \\"quoted\\"\\nand a new line", remedial_action: "+remedy"}
  - id: health
    title: "@More health"
    indicator: "-Admissions"
    unit: "=per 1,000"
    baseline: {value: "255.0", date: 2012-04-01}
    target: {value: "230.0", date: 2015-03-31}
    owner: "+NHS Formulashire"
    readings:
      - {date: 2013-03-31, value: "249.5", commentary: "+Rapid response"}
powers:
  - {power: community-health, status: agreed, from_body: "=Department of Health", conditions: "+Pooled", note: "-A power note", round: second-tranche}
  - {power: worklessness, status: requested, from_body: "@DWP", note: "=A power note", title: "+Work programme", recipient: {kind: other, name: "=Jobs board"}}
budget:
  unit: £m
  years: [2012-13, 2013-14]
  reduction_percent: 3
  savings_share_percent: 50
  lines:
    - {body: "=Formulashire Council", stream: "+Adult social care", amounts: {2012-13: "98.4", 2013-14: "97.1"}}
    - {body: "-Formulashire Police", stream: "@Neighbourhood policing", amounts: {2012-13: "21.3", 2013-14: "20.7"}}
    - {body: "+NHS Formulashire", stream: "=Community health", amounts: {2012-13: "74.6", 2013-14: "75.8"}}
  schemes:
    - name: "=HYPERLINK(\\"http://evil.example/\\",\\"scheme\\")"
      description: "-An invest-to-save scheme."
      bodies:
        - body: "=Formulashire Council"
          investment: {2012-13: "10.0", 2013-14: "8.0", 2014-15: "1.0"}
          benefit: {2012-13: "1.2", 2013-14: "4.0", 2014-15: "20.0"}
        - body: "@Jobcentre Formulashire"
          investment: {2012-13: "2.0", 2013-14: "1.5", 2014-15: "0.5"}
          benefit: {2012-13: "0.5", 2013-14: "1.7", 2014-15: "0.25"}
negotiation:
  rounds: [second-tranche]
  events:
    - {title: "=Invitation", kind: milestone, planned: 2011-10-01, actual: 2011-10-01, note: "+On the day"}
    - {title: "+Plan submitted", kind: milestone, planned: 2012-03-30, actual: 2012-04-16, note: "@Late"}
    - {title: "-Leaders meet", kind: meeting, planned: 2012-09-12, round: second-tranche}
    - {title: "@Budget in place", kind: milestone, planned: 2013-04-01, note: "=Overdue"}
"""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("opendata")
    copy_project(project)
    (project / "deals" / "testshire.yaml").write_text(EMBARGOED, encoding="utf-8")
    (project / "deals" / "secretshire.yaml").write_text(DRAFT, encoding="utf-8")
    (project / "deals" / "formulashire.yaml").write_text(FORMULA, encoding="utf-8")
    return project


@pytest.fixture(scope="session")
def site(project) -> Path:
    return build(project, project / "site", at=int(EPOCH))


@pytest.fixture(scope="session")
def source(project):
    """The deals as the public sees them on the build date: the source the downloads must match."""
    return public_catalogue(load_catalogue([project / "deals"]), NOW)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- Frictionless -----------------------------------------------------------------------------


def test_site_data_package_validates_with_frictionless(site):
    from frictionless import validate

    report = validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:10]


def test_each_deal_data_package_validates_with_frictionless(site, source):
    from frictionless import validate

    for deal in source.deals:
        report = validate(str(site / "deals" / deal.slug / "datapackage.json"))
        assert report.valid, (deal.slug, report.flatten(["type", "note"])[:10])


def test_data_package_has_a_schema_for_every_csv(site, source):
    for folder in [site / "data"] + [site / "deals" / d.slug for d in source.deals]:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        paths = {r["path"] for r in descriptor["resources"]}
        assert paths == {p.name for p in folder.glob("*.csv")}, folder
        for resource in descriptor["resources"]:
            header = (folder / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
            assert [f["name"] for f in resource["schema"]["fields"]] == header
            assert all(f["type"] and f["title"] for f in resource["schema"]["fields"])


def test_money_fields_state_their_unit(site):
    descriptor = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    budget = next(r for r in descriptor["resources"] if r["name"] == "budget-actuals")
    planned = next(f for f in budget["schema"]["fields"] if f["name"] == "planned_gbp")
    assert planned["unit"] == "GBP" and "Unit: GBP." in planned["description"]


# --- the CSVs against the source ------------------------------------------------------------


def test_readings_csv_matches_the_source_exactly(site, source):
    rows = read_csv(site / "data" / "readings.csv")
    expected = [
        (d.slug, o.id, r.date.isoformat(), str(r.value))
        for d in source.deals
        for o in d.outcomes
        for r in sorted(o.readings, key=lambda r: r.date)
    ]
    assert [(r["deal"], r["outcome_id"], r["date"], r["value"]) for r in rows] == expected


def test_embargoed_and_draft_content_is_not_downloadable(site):
    readings = read_csv(site / "deals" / "testshire" / "readings.csv")
    assert [r["value"] for r in readings] == ["61.5"]  # not the 99.9 embargoed until 2099
    assert "99.9" not in (site / "deals" / "testshire" / "deal.json").read_text(encoding="utf-8")
    everything = (site / "data" / "deals.json").read_text(encoding="utf-8")
    assert "Secret deal" not in everything and not (site / "deals" / "secretshire").exists()


def test_budget_actuals_csv_planned_spend_is_the_sum_of_the_source_lines(site, source):
    rows = read_csv(site / "data" / "budget-actuals.csv")
    checked = 0
    for deal in source.deals:
        if deal.budget is None:
            continue
        pounds_per_unit = Decimal(UNIT_PENCE[deal.budget.unit]) / 100
        for year in deal.budget.years:
            row = next(r for r in rows if r["deal"] == deal.slug and r["financial_year"] == year)
            planned = sum(line.amounts[year] for line in deal.budget.lines) * pounds_per_unit
            assert Decimal(row["planned_gbp"]) == planned
            # committed savings: planned x reduction percent / 100, exact
            assert Decimal(row["savings_committed_gbp"]) == planned * deal.budget.reduction_percent / 100
            achieved = deal.budget.savings_achieved.get(year)
            assert row["savings_achieved_gbp"] == ("" if achieved is None else f"{achieved * pounds_per_unit:.2f}")
            checked += 1
    assert checked >= 3


def test_greater_manchester_2011_12_planned_spend_by_hand(site):
    # The six lines for 2011-12: 258.4 + 168.2 + 94.6 + 121.0 + 142.8 + 211.5 = £996.5m;
    # 8% of it committed as savings: £79.72m.
    rows = read_csv(site / "deals" / "greater-manchester" / "budget-actuals.csv")
    first = rows[0]
    assert (first["financial_year"], first["planned_gbp"], first["savings_committed_gbp"]) == (
        "2011-12",
        "996500000.00",
        "79720000.00",
    )


def test_outcome_statuses_in_the_csv_use_the_build_date(site):
    # Build date 2013-06-01. Greater Manchester adult skills: milestones 48.0 (2012-03-31) and
    # 50.0 (2013-03-31); latest 48.9 on 2013-03-31 against 50.0 expected;
    # share (48.9 - 46) / (50 - 46) = 2.9 / 4 = 72.5% -> at risk.
    rows = read_csv(site / "deals" / "greater-manchester" / "outcomes-progress.csv")
    skills = next(r for r in rows if r["outcome_id"] == "adult-skills")
    assert (skills["latest_value"], skills["expected_value"], skills["progress_percent"], skills["status"]) == (
        "48.9",
        "50.0000",
        "72.5",
        "at-risk",
    )


def test_combined_csv_is_every_deal_csv_with_a_deal_column(site, source):
    for path in sorted((site / "data").glob("*.csv")):
        combined = read_csv(path)
        for deal in source.deals:
            own_path = site / "deals" / deal.slug / path.name
            own = read_csv(own_path) if own_path.exists() else []
            assert [{k: v for k, v in r.items() if k != "deal"} for r in combined if r["deal"] == deal.slug] == own, path.name
        assert [r["deal"] for r in combined] == sorted((r["deal"] for r in combined), key=[d.slug for d in source.deals].index)


def test_combined_csv_keeps_a_value_with_a_line_break_quotes_and_a_comma(site):
    rows = [r for r in read_csv(site / "data" / "readings.csv") if r["deal"] == "testshire"]
    assert [r["commentary"] for r in rows] == ['Ahead, "well" ahead\nof plan & <on> track']


# --- CSV injection: text a spreadsheet would run as a formula --------------------------------------


def _field_types(csv_path: Path) -> dict[str, str]:
    descriptor = json.loads((csv_path.parent / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["path"] == csv_path.name)
    return {f["name"]: f["type"] for f in resource["schema"]["fields"]}


def test_no_text_cell_of_any_csv_begins_like_a_formula_and_numbers_stay_numbers(site):
    guarded = negative = 0
    paths = sorted(site.rglob("*.csv"))
    assert site / "data" / "readings.csv" in paths and site / "deals" / "formulashire" / "readings.csv" in paths
    for path in paths:
        types = _field_types(path)
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            for row in reader:
                for name, value in zip(header, row, strict=True):
                    if types[name] in ("number", "integer"):
                        assert value == "" or PLAIN_NUMBER.fullmatch(value), (path, name, value)
                        negative += value.startswith("-")
                    else:
                        assert not value.startswith(FORMULA_START), (path, name, value)
                        guarded += value.startswith("'")
    assert guarded >= 40 and negative >= 6  # the formula deal's text, in its files and data/; its losses


@pytest.mark.parametrize("folder", ["deals/formulashire", "data"])
def test_formula_text_gets_a_leading_apostrophe_in_the_csv(site, folder):
    rows = [r for r in read_csv(site / folder / "readings.csv") if r.get("deal", "formulashire") == "formulashire"]
    assert [(r["commentary"], r["remedial_action"], r["unit"]) for r in rows] == [
        ("'=cmd|' /C calc'!A0", "'@SUM(1+1)", "'-percent"),
        ("'-2+3, \"quoted\"\nand a new line", "'+remedy", "'-percent"),
        ("'+Rapid response", "", "'=per 1,000"),
    ]
    milestones = [r for r in read_csv(site / folder / "milestones.csv") if r.get("deal", "formulashire") == "formulashire"]
    assert [(r["title"], r["note"]) for r in milestones] == [
        ("'=Invitation", "'+On the day"),
        ("'+Plan submitted", "'@Late"),
        ("'-Leaders meet", ""),
        ("'@Budget in place", "'=Overdue"),
    ]
    lines = [r for r in read_csv(site / folder / "budget-baseline.csv") if r["level"] == "line" and r.get("deal", "formulashire") == "formulashire"]
    assert {(r["body"], r["stream"]) for r in lines} == {
        ("'=Formulashire Council", "'+Adult social care"),
        ("'-Formulashire Police", "'@Neighbourhood policing"),
        ("'+NHS Formulashire", "'=Community health"),
    }
    outcomes = [r for r in read_csv(site / folder / "outcomes-progress.csv") if r.get("deal", "formulashire") == "formulashire"]
    assert [(r["outcome"], r["indicator"]) for r in outcomes] == [("'=1+1 more jobs", "'+Employment rate"), ("'@More health", "'-Admissions")]
    schemes = [r for r in read_csv(site / folder / "invest-to-save.csv") if r.get("deal", "formulashire") == "formulashire"]
    assert {r["scheme"] for r in schemes} == {"'=HYPERLINK(\"http://evil.example/\",\"scheme\")"}
    assert [r["body"] for r in schemes][:2] == ["'=Formulashire Council", "'@Jobcentre Formulashire"]


@pytest.mark.parametrize("folder", ["deals/formulashire", "data"])
def test_negative_numbers_in_number_columns_are_exact_and_unchanged(site, source, folder):
    deal = next(d for d in source.deals if d.slug == "formulashire")
    pounds = Decimal(UNIT_PENCE[deal.budget.unit]) / 100
    scheme = deal.budget.schemes[0]
    years = [r for r in read_csv(site / folder / "invest-to-save-by-year.csv") if r.get("deal", "formulashire") == "formulashire"]
    by_year = {r["financial_year"]: r for r in years}
    for year in ("2012-13", "2013-14", "2014-15"):
        net = sum(b.benefit[year] - b.investment[year] for b in scheme.bodies) * pounds
        assert Decimal(by_year[year]["net_benefit_gbp"]) == net
    assert by_year["2012-13"]["net_benefit_gbp"] == "-10300000.00"  # (1.2 + 0.5) - (10.0 + 2.0) £m
    schemes = {r["body"]: r for r in read_csv(site / folder / "invest-to-save.csv") if r.get("deal", "formulashire") == "formulashire"}
    jobcentre = scheme.bodies[1]
    assert Decimal(schemes["'@Jobcentre Formulashire"]["net_benefit_gbp"]) == (sum(jobcentre.benefit.values()) - sum(jobcentre.investment.values())) * pounds
    readings = [r for r in read_csv(site / folder / "readings.csv") if r.get("deal", "formulashire") == "formulashire"]
    assert [Decimal(r["value"]) for r in readings] == [r.value for o in deal.outcomes for r in o.readings]
    assert readings[0]["value"] == "-1.5"


# --- the agreement tables: conditions, funds, gateways, follow-ons, powers, holders -----------------


def _rows(site: Path, folder: str, name: str) -> list[dict]:
    return [r for r in read_csv(site / folder / f"{name}.csv") if r.pop("deal", "formulashire") == "formulashire"]


def test_a_deal_publishes_exactly_the_agreement_tables_it_has_rows_for(site, source):
    names = {f"{spec.name}.csv" for spec in SPECS}
    for deal in source.deals:
        folder = site / "deals" / deal.slug
        published = {p.name for p in folder.glob("*.csv")} & names
        assert published == set(agreement_csvs(deal).values()), deal.slug
        for name in published:
            assert read_csv(folder / name), (deal.slug, name)  # never a header alone
    # Birmingham (illustrative, 2010-11) has powers but no conditions, funds or follow-ons.
    birmingham = {p.name for p in (site / "deals" / "birmingham").glob("*.csv")} & names
    assert birmingham == {"powers.csv"}


@pytest.mark.parametrize("folder", ["deals/formulashire", "data"])
def test_formula_text_in_the_agreement_tables_gets_a_leading_apostrophe(site, folder):
    assert [(r["kind"], r["description"]) for r in _rows(site, folder, "conditions")] == [
        ("consent", "'=Formulashire Council consents"), ("legislation", "'+An Order")
    ]
    assert [(r["name"], r["recipient"], r["note"]) for r in _rows(site, folder, "funds")] == [
        ("'=Growth fund", "'+Formulashire Council", "'@A fund note"), ("'-One-off money", "'@Formulashire Council", "")
    ]
    assert [r["note"] for r in _rows(site, folder, "gateways")] == ["'-Not yet due"]
    assert [(r["title"], r["summary"]) for r in _rows(site, folder, "follow-ons")] == [("'-Second deal", "'@What it adds")]
    powers = _rows(site, folder, "powers")
    assert [(r["title"], r["recipient_kind"], r["recipient_name"], r["from_body"]) for r in powers] == [
        ("", "", "", "'=Department of Health"), ("'+Work programme", "other", "'=Jobs board", "'@DWP")
    ]
    assert [(r["name"], r["title"], r["other_roles"]) for r in _rows(site, folder, "figure-holders")] == [
        ("'=Mayor Formula", "'+Interim mayor", "'-Police and crime commissioner; @Fire"), ("'-Mayor Minus", "", "")
    ]
    assert [(r["body"], r["power"], r["threshold"]) for r in _rows(site, folder, "scrutiny-powers")] == [
        ("'-Formulashire panel", "'@Reject the mayor's strategies", "'=two-thirds")
    ]


def test_fund_amounts_are_exact_pounds_with_how_they_were_published(site):
    growth, one_off = _rows(site, "deals/formulashire", "funds")
    # Up to £2.5m a year for 10 years: up to £25m in all; £500k once.
    assert (growth["per_year_gbp"], growth["per_year_as_published"], growth["years"], growth["per_year_times_years_gbp"]) == (
        "2500000.00", "up-to", "10", "25000000.00"
    )
    assert (growth["total_gbp"], growth["first_year"], growth["gateway_every"], growth["illustrative"]) == ("", "2012-13", "5", "false")
    assert (one_off["per_year_gbp"], one_off["total_gbp"], one_off["total_as_published"], one_off["years"], one_off["added_by"]) == (
        "", "500000.00", "exact", "", "second-deal"
    )


def test_gateway_row_gives_the_tranche_and_its_state_on_the_build_date(site):
    # Built on 2013-06-01. The growth fund's first review is due in 2017: not yet due. It
    # releases years 6 to 10 of the fund: 5 x up to £2.5m = up to £12.5m; the fund's first
    # year is 2012-13, so its sixth is 2017-18 and its tenth 2021-22.
    [row] = _rows(site, "deals/formulashire", "gateways")
    assert row == {
        "fund_id": "growth-fund", "review": "1", "due": "2017", "outcome": "", "decided": "", "state": "not yet due",
        "tranche_first_year": "6", "tranche_last_year": "10", "tranche_from": "2017-18", "tranche_to": "2021-22",
        "releases_gbp": "12500000.00", "releases_as_published": "up-to", "releases_computed": "true",
        "illustrative": "false", "note": "'-Not yet due",
    }


def test_follow_ons_count_what_each_added_and_holders_say_who_holds_the_role_now(site):
    [second] = _rows(site, "deals/formulashire", "follow-ons")
    assert (second["date"], second["powers_added"], second["funds_added"], second["conditions_added"]) == ("2013-01", "0", "1", "1")
    first, now = _rows(site, "deals/formulashire", "figure-holders")
    assert (first["order"], first["chosen"], first["interim"], first["since"], first["until"], first["current"]) == (
        "1", "appointed", "true", "2012-11", "2013-05", "false"
    )
    # The second holder gives no title or way of being chosen: the role's own (no title; directly elected).
    assert (now["order"], now["chosen"], now["elected"], now["until"], now["current"]) == ("2", "directly-elected", "2013-05-02", "", "true")


def test_powers_table_names_the_menu_power_its_category_and_the_round(site):
    rows = _rows(site, "deals/formulashire", "powers")
    assert [(r["power"], r["menu_title"], r["category"], r["status"], r["round"]) for r in rows] == [
        ("community-health", "Community health services commissioning", "health", "agreed", "second-tranche"),
        ("worklessness", "Worklessness and long-term unemployment", "employment", "requested", ""),
    ]


def test_workbooks_and_json_keep_formula_text_as_it_is(site, source):
    deal = next(d for d in source.deals if d.slug == "formulashire")
    originals = [r.commentary for o in deal.outcomes for r in o.readings]
    assert originals[0] == "=cmd|' /C calc'!A0"
    for workbook in (site / "deals" / "formulashire" / "formulashire.ods", site / "data" / "deals.ods"):
        readings = pd.read_excel(workbook, engine="odf", sheet_name="readings", dtype=object)
        if "deal" in readings:
            readings = readings[readings["deal"] == "formulashire"]
        assert list(readings["commentary"]) == originals, workbook
        milestones = pd.read_excel(workbook, engine="odf", sheet_name="milestones", dtype=object)
        assert "=Invitation" in list(milestones["title"]) and "@Budget in place" in list(milestones["title"])
    with zipfile.ZipFile(site / "deals" / "formulashire" / "formulashire.ods") as ods:
        content = ods.read("content.xml").decode("utf-8")
    assert '<table:table-cell office:value-type="string"><text:p>=cmd|\' /C calc\'!A0</text:p></table:table-cell>' in content
    published = json.loads((site / "deals" / "formulashire" / "deal.json").read_text(encoding="utf-8"))
    assert published["title"] == '=HYPERLINK("http://evil.example/","Formulashire")'
    assert published["outcomes"][0]["readings"][0]["commentary"] == "=cmd|' /C calc'!A0"
    assert [p["note"] for p in published["powers"]] == ["-A power note", "=A power note"]


def test_csv_cells_guards_text_columns_only_and_tabs_and_carriage_returns_too():
    text = downloads.Column("note", "Note", "string")
    number = downloads.Column("amount_gbp", "Amount", "number")
    integer = downloads.Column("slippage_days", "Slippage", "integer")
    date = downloads.Column("planned", "Planned", "date")
    assert downloads.csv_cells(text, ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "", "plain", "a=b", "'quoted", " =x"]) == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "", "plain", "a=b", "'quoted", " =x"
    ]
    assert downloads.csv_cells(number, ["-12.50", "12.50", "", "-3", "=1+1", "-1+2", "+5"]) == ["-12.50", "12.50", "", "-3", "'=1+1", "'-1+2", "'+5"]
    assert downloads.csv_cells(integer, ["-17", "0"]) == ["-17", "0"]
    assert downloads.csv_cells(date, ["2013-04-01", ""]) == ["2013-04-01", ""]


def test_the_rule_is_documented_on_the_data_page_and_in_the_data_packages(site):
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert "leading apostrophe" in page and "do not run it as a formula" in page
    for folder in (site / "data", site / "deals" / "formulashire"):
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert "leading apostrophe (')" in descriptor["description"]


# --- JSON -----------------------------------------------------------------------------------------


def test_deal_json_equals_the_validated_public_deal(site, source):
    for deal in source.deals:
        published = json.loads((site / "deals" / deal.slug / "deal.json").read_text(encoding="utf-8"))
        assert published == deal.model_dump(mode="json")


def test_deals_json_holds_every_public_deal(site, source):
    published = json.loads((site / "data" / "deals.json").read_text(encoding="utf-8"))
    assert [d["slug"] for d in published["deals"]] == [d.slug for d in source.deals]


def test_deals_json_equals_the_public_catalogue(site, source):
    assert json.loads((site / "data" / "deals.json").read_text(encoding="utf-8")) == source.model_dump(mode="json")


# --- ODS ------------------------------------------------------------------------------------------


def test_deal_workbook_has_a_sheet_per_table_matching_the_csv(site):
    folder = site / "deals" / "greater-manchester"
    sheets = pd.read_excel(folder / "greater-manchester.ods", engine="odf", sheet_name=None, dtype=object)
    assert set(sheets) == {p.stem for p in folder.glob("*.csv")}
    readings = sheets["readings"]
    rows = read_csv(folder / "readings.csv")
    assert list(readings.columns) == list(rows[0])
    assert [Decimal(str(v)) for v in readings["value"]] == [Decimal(r["value"]) for r in rows]
    assert [str(v)[:10] for v in readings["date"]] == [r["date"] for r in rows]


def test_workbook_cells_are_typed_by_their_column(site):
    with zipfile.ZipFile(site / "deals" / "testshire" / "testshire.ods") as ods:
        content = ods.read("content.xml").decode("utf-8")
    # readings: value (number) a float, date (date) a date, commentary (string) escaped text
    assert '<table:table-cell office:value-type="float" office:value="61.5"/>' in content
    assert '<table:table-cell office:value-type="date" office:date-value="2013-03-31"/>' in content
    assert "<text:p>Ahead, &quot;well&quot; ahead\nof plan &amp; &lt;on&gt; track</text:p>" in content


def test_workbook_text_drops_characters_xml_cannot_hold():
    column = downloads.Column("note", "Note", "string")
    assert ods.ods_cells(column, ["a\x01b<", ""]) == [
        '<table:table-cell office:value-type="string"><text:p>ab&lt;</text:p></table:table-cell>',
        "<table:table-cell/>",
    ]


def test_workbook_number_that_is_not_a_number_is_kept_as_text():
    column = downloads.Column("value", "Value", "number")
    assert ods.ods_cells(column, ["1.50", "n/a", ""]) == [
        '<table:table-cell office:value-type="float" office:value="1.50"/>',
        '<table:table-cell office:value-type="string"><text:p>n/a</text:p></table:table-cell>',
        "<table:table-cell/>",
    ]


def test_site_workbook_is_every_deal_workbook_with_a_deal_column(site, source):
    combined = pd.read_excel(site / "data" / "deals.ods", engine="odf", sheet_name=None, dtype=object)
    for deal in source.deals:
        own = pd.read_excel(site / "deals" / deal.slug / f"{deal.slug}.ods", engine="odf", sheet_name=None, dtype=object)
        assert set(own) <= set(combined)
        for name, sheet in combined.items():
            mine = sheet[sheet["deal"] == deal.slug].drop(columns="deal").reset_index(drop=True)
            expected = own[name] if name in own else mine.iloc[0:0]
            pd.testing.assert_frame_equal(mine, expected.reset_index(drop=True), check_dtype=False, obj=f"{deal.slug} {name}")


def test_deflate_segments_splice_into_one_stream_with_the_combined_crc():
    # The site workbook's content.xml is deflate segments made one by one, then joined.
    pieces = [b"<a>" * 1000, b"", b"<b>kent</b>", bytes(range(256)) * 50]
    segments = [ods.segment(p) for p in pieces if p] + [ods.segment(b"</end>", final=True)]
    crc, size = 0, 0
    for _, part_crc, part_size, part_zeros in segments:
        crc = ods._crc_combine(crc, part_crc, part_size, part_zeros) if size else part_crc
        size += part_size
    whole = b"".join(pieces) + b"</end>"
    assert zlib.decompress(b"".join(s[0] for s in segments), -15) == whole
    assert (crc, size) == (zlib.crc32(whole), len(whole))


def _two_sheet_workbook() -> bytes:
    xml = (ods.CONTENT_START + ods.sheet_start("places", ["deal", "money_gbp"])
           + ods.ods_rows([downloads.Column("deal", "Deal", "string"), downloads.Column("money_gbp", "Money", "number")], [["kent", "essex"], ["1.50", "2"]])
           + ods.END_SHEET + ods.CONTENT_END)
    return ods.workbook([ods.segment(xml.encode("utf-8"), final=True)], dt.datetime(2013, 6, 1, 12, tzinfo=dt.timezone.utc))


def test_a_workbook_under_4_gib_is_a_plain_zip():
    plain = _two_sheet_workbook()
    assert b"PK\x06\x06" not in plain and b"PK\x06\x07" not in plain  # no ZIP64 end records
    with zipfile.ZipFile(io.BytesIO(plain)) as book:
        assert {i.extract_version for i in book.infolist()} == {20} and all(i.extra == b"" for i in book.infolist())


def test_a_workbook_past_4_gib_gets_zip64_records_and_reads_back_the_same(monkeypatch):
    """The build at 10,000 deals failed writing the site's workbook (its content.xml passed 4 GiB).
    Past the limit, sizes and offsets go in ZIP64 records: shown here with the limit at 64 bytes."""
    plain = _two_sheet_workbook()
    monkeypatch.setattr(ods, "ZIP64_FROM", 64)
    wide = _two_sheet_workbook()
    assert b"PK\x06\x06" in wide and b"PK\x06\x07" in wide
    with zipfile.ZipFile(io.BytesIO(wide)) as book, zipfile.ZipFile(io.BytesIO(plain)) as same:
        assert book.testzip() is None
        assert [i.filename for i in book.infolist()] == ["mimetype", "META-INF/manifest.xml", "content.xml", "meta.xml"]
        assert book.infolist()[0].extra == b""  # ODF: the mimetype first, stored, with no extra field
        assert {i.extract_version for i in book.infolist()[1:]} == {45}
        assert all(book.read(name) == same.read(name) for name in same.namelist())
    read = pd.read_excel(io.BytesIO(wide), engine="odf", dtype=object)
    assert list(read["deal"]) == ["kent", "essex"] and [Decimal(str(v)) for v in read["money_gbp"]] == [Decimal("1.50"), Decimal("2")]


def test_site_workbook_reads_back_with_the_combined_tables(site):
    sheets = pd.read_excel(site / "data" / "deals.ods", engine="odf", sheet_name=None, dtype=object)
    budget = sheets["budget-actuals"]
    rows = read_csv(site / "data" / "budget-actuals.csv")
    assert list(budget["deal"]) == [r["deal"] for r in rows]
    assert [Decimal(str(v)) for v in budget["planned_gbp"]] == [Decimal(r["planned_gbp"]) for r in rows]


def test_workbook_is_stamped_with_the_build_time(site):
    with zipfile.ZipFile(site / "data" / "deals.ods") as ods:
        assert ods.testzip() is None  # every entry's CRC-32 checks out
        assert ods.namelist()[0] == "mimetype" and ods.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert {i.date_time for i in ods.infolist()} == {(2013, 6, 1, 12, 0, 0)}
        assert b"<meta:creation-date>2013-06-01T12:00:00</meta:creation-date>" in ods.read("meta.xml")


def test_two_generations_give_byte_identical_downloads(project, source):
    from generator.pages.generate import generate

    first = generate(publish(source, (), NOW), project / "site_templates").files
    second = generate(publish(source, (), NOW), project / "site_templates").files
    assert first.keys() == second.keys()
    assert [p for p in first if first[p] != second[p]] == []
    assert "data/deals.ods" in first and "deals/kent/kent.ods" in first


def test_site_files_are_rebuilt_from_the_published_deal_files_alone(site, source, project, tmp_path):
    # Only the deals' published files, as a later build (or another process) would find them.
    shutil.copytree(site / "deals", tmp_path / "deals", ignore=shutil.ignore_patterns("*.html", "*.gz", "*.svg"))
    bundle = Bundle(out_dir=tmp_path)
    bundle.written = [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*")) if p.is_file()]
    downloads.add(Context(publish(source, (), NOW), environment(project / "site_templates")), bundle)
    rebuilt = sorted(p.name for p in (tmp_path / "data").iterdir())
    # data/committee/ is the committee's record (pages/committee.py), not made from the deals' files
    assert rebuilt == sorted(p.name for p in (site / "data").iterdir() if p.suffix != ".html" and p.name not in ("index.html", "committee"))
    assert [name for name in rebuilt if (tmp_path / "data" / name).read_bytes() != (site / "data" / name).read_bytes()] == []


def test_site_workbook_is_never_spliced_from_a_changed_deal_workbook(project, source):
    # A preview keeps each deal's pieces (site.reused) while the deal is the same object; a new
    # build date changes every deal's workbook (its date, its statuses) and must start afresh.
    memo = DealMemo()
    later = NOW + dt.timedelta(days=400)
    generate(publish(source, (), NOW), project / "site_templates", memo=memo)  # keeps the deals' pieces as of NOW
    kept = generate(publish(source, (), later), project / "site_templates", memo=memo).files["data/deals.ods"]
    fresh = generate(publish(source, (), later), project / "site_templates").files["data/deals.ods"]
    assert kept == fresh


def test_a_preview_splices_an_unchanged_deal_from_its_kept_pieces(project, source):
    memo = DealMemo()
    first = generate(publish(source, (), NOW), project / "site_templates", memo=memo)
    again = generate(publish(source, (), NOW), project / "site_templates", memo=memo)
    assert again.files["data/deals.ods"] == first.files["data/deals.ods"]
    assert again.files["data/readings.csv"] == first.files["data/readings.csv"]
    slug = source.deals[0].slug
    assert {("downloads:ods", slug), ("downloads:json", slug), ("downloads:readings", slug)} <= memo.values.keys()


# --- the downloads page ------------------------------------------------------------------------------


def test_downloads_page_lists_files_and_documents_columns_with_units(site):
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    for link in ('href="deals.ods"', 'href="datapackage.json"', 'href="readings.csv"', 'href="../deals/kent/kent.ods"', 'href="../deals/kent/deal.json"'):
        assert link in page
    assert 'id="table-budget-actuals"' in page and "<code>planned_gbp</code>" in page and "GBP" in page


def test_downloads_page_has_one_row_of_links_per_deal_and_documents_each_column_once(site, source):
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert page.count('<tr><th scope="row"><a href="../deals/') == len(source.deals)
    assert 'href="../deals/kent/datapackage.json"' in page
    # A deal's CSVs are listed by its data package, not on the page: the page stays small at 1,000 deals.
    assert 'href="../deals/kent/readings.csv"' not in page
    assert page.count("<code>planned_gbp</code>") == 1
