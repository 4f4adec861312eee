"""Issue 16 on real builds: find your area (search and the home page's A to Z), final results for
a deal past its review date, an archive built as of a day (``as_of``), and when the figures were
last updated. Hand counts come from deals/*.yaml, as named in each test."""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path

import pytest

from generator.cli import main as dealsite
from publishing_support import epoch, page, text


# --- find your area -----------------------------------------------------------------------------


def test_every_partner_and_place_a_deal_covers_finds_it_in_the_built_search_index(example_site, catalogue):
    index = json.loads((example_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = {doc["location"]: html.unescape(doc["title"] + " " + doc["text"]).casefold() for doc in index["docs"]}
    checked = 0
    for deal in catalogue.deals:
        entry = entries[f"deals/{deal.slug}/"]
        for name in [deal.place.name, *(p.name for p in deal.place.partners), *deal.place.covers]:
            assert name.casefold() in entry, (deal.slug, name)
            checked += 1
    # west-yorkshire alone names 9 partners and 11 places it covers (5 districts, 6 towns)
    assert checked > 20


def test_a_district_named_only_in_covers_finds_west_yorkshire(example_site):
    # deals/west-yorkshire.yaml covers Huddersfield, a town no partner or title names
    index = json.loads((example_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = {doc["location"] for doc in index["docs"] if "Huddersfield" in doc["text"]}
    assert {loc for loc in found if loc.startswith("deals/")} == {"deals/west-yorkshire/"}
    assert "#az-h" in found  # and the home page's A to Z, under H


def test_the_home_page_a_to_z_files_each_council_under_its_own_name_and_links_its_deal(example_site):
    root = page(example_site, "")
    # 'Council of the Borough of Kirklees' is filed under K, and leads to West Yorkshire's deal
    k = root.xpath("//section[@aria-labelledby='az-k']")[0]
    item = next(li for li in k.xpath(".//li") if text(li).startswith("Council of the Borough of Kirklees"))
    assert item.xpath(".//a/@href") == ["deals/west-yorkshire/"]
    # every letter in the row that has names links to its list; the others are not links
    letters = root.xpath("//nav[contains(@class,'ds-az')]//a")
    assert {a.get("href") for a in letters} == {f"#az-{s.get('aria-labelledby')[3:]}" for s in root.xpath("//section[@class='ds-az-letter']")}


def test_the_home_page_says_when_the_figures_were_last_updated(example_site):
    assert text(page(example_site, "").xpath("//p[@class='ds-updated']")[0]).startswith("Figures last updated ")


# --- final results -----------------------------------------------------------------------------


def test_a_deal_past_its_review_date_shows_final_results_not_off_track_or_days_overdue(example_site, catalogue):
    # deals/greater-manchester.yaml: review 31 March 2014, long past. Its outcome 'adult skills'
    # (percent, baseline 46.0, target 52.0 by 31 March 2014) last read 48.9 on 31 March 2013:
    # 52.0 - 48.9 = 3.1 points short.
    root = page(example_site, "deals/greater-manchester")
    outcomes = text(root.xpath("//section[@aria-labelledby='outcomes']")[0])
    assert "Off track" not in outcomes and "overdue" not in outcomes.lower()
    skills = text(root.xpath("//section[h3/@id='outcome-adult-skills']")[0])
    assert "Target missed" in skills
    assert "Missed by 3.1 points: 48.9% in March 2013 against 52.0% by March 2014" in skills
    tables = text(page(example_site, "deals/greater-manchester/tables").xpath("//section[@aria-labelledby='milestones']")[0])
    assert "days overdue" not in tables and "No date recorded (programme over)" in tables


# --- an archive ----------------------------------------------------------------------------------

AS_OF = "2014-06-01"


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory, project_copy) -> Path:
    """The example project with ``as_of: 2014-06-01`` and Birmingham embargoed until 1 September 2014
    (after that day, before the build), built by ``dealsite build`` (its pre-check, then MkDocs)
    with the clock at 1 January 2030."""
    project = project_copy(tmp_path_factory.mktemp("archive") / "project")
    config = project / "mkdocs.yml"
    text_ = config.read_text(encoding="utf-8")
    config.write_text(text_.replace("      pack_pdf: true", f"      pack_pdf: false\n      as_of: {AS_OF}"), encoding="utf-8")
    held = project / "deals" / "birmingham.yaml"
    held.write_text("publish_after: 2014-09-01T09:00:00+01:00\n" + held.read_text(encoding="utf-8"), encoding="utf-8")
    from publishing_support import source_date_epoch

    with source_date_epoch(epoch("2030-01-01T09:00:00+00:00")):
        assert dealsite(["build", "-q", "-f", str(config), "-d", str(project / "site")]) == 0
    return project / "site"


def test_an_archive_leaves_out_a_deal_embargoed_until_after_its_day(archive_site):
    assert not (archive_site / "deals" / "birmingham").exists()
    assert (archive_site / "deals" / "greater-manchester" / "index.html").is_file()


def test_an_archive_leaves_out_a_deal_made_after_its_day(archive_site):
    # deals/west-yorkshire.yaml: its first step is after 1 June 2014
    assert not (archive_site / "deals" / "west-yorkshire").exists()


def test_an_archives_home_page_and_every_page_say_its_day(archive_site):
    home = page(archive_site, "")
    assert text(home.xpath("//p[@class='ds-updated']")[0]).startswith("This is an archive of the site as it stood on 1 June 2014.")
    for url in ("", "timetable", "deals/greater-manchester"):
        banner = page(archive_site, url).xpath("//p[@class='ds-archive']")
        assert banner and "as it stood on 1 June 2014" in text(banner[0]), url


def test_an_archive_shows_no_reading_dated_after_its_day(archive_site):
    with open(archive_site / "data" / "readings.csv", encoding="utf-8") as f:
        dates = [r["date"] for r in csv.DictReader(f)]
    assert dates and max(dates) <= AS_OF
    assert "birmingham" not in {r["deal"] for r in csv.DictReader(open(archive_site / "data" / "readings.csv", encoding="utf-8"))}


def test_an_archive_of_a_day_after_today_is_refused(tmp_path, project_copy, capsys):
    project = project_copy(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      pack_pdf: true", "      as_of: 2031-01-01"), encoding="utf-8")
    from publishing_support import source_date_epoch

    with source_date_epoch(epoch("2030-01-01T09:00:00+00:00")):
        assert dealsite(["build", "-q", "-f", str(config), "-d", str(project / "site")]) == 1
    assert "as_of: 2031-01-01 is after today, 2030-01-01" in capsys.readouterr().err
    assert not (project / "site").exists()
