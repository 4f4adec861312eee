"""dealsite readings export and import: outcome owners' figures through a spreadsheet."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from generator.cli import main
from generator.engine.readings import import_readings
from generator.engine.sheet import _safe, sheet_bytes, sheet_rows, unquoted
from generator.model.load import load_catalogue
from generator.model.types import LongText

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.stem for p in (REPO / "deals").glob("[!_]*.yaml"))


def _deals(tmp_path: Path) -> Path:
    deals = tmp_path / "deals"
    shutil.copytree(REPO / "deals", deals)
    return deals


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("suffix", [".csv", ".ods"])
@pytest.mark.parametrize("slug", EXAMPLES)
def test_an_unchanged_export_imported_again_leaves_the_file_byte_identical(slug, suffix, tmp_path, capsys):
    deals = _deals(tmp_path)
    before = (deals / f"{slug}.yaml").read_bytes()
    sheet = tmp_path / f"{slug}{suffix}"
    assert main(["readings", "export", slug, "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"no reading is new or changed: {deals / f'{slug}.yaml'} is unchanged"
    assert (deals / f"{slug}.yaml").read_bytes() == before


def test_the_export_has_a_row_per_reading_and_one_for_the_next(tmp_path):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.csv"
    assert main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    rows = _rows(sheet)
    assert rows[0] == ["deal", "outcome", "outcome title", "unit", "date", "value", "commentary", "remedial action",
                       "source publisher", "source dataset", "source released", "source url", "publish after", "draft"]
    # Kent: services-online has 2 readings, feeling-safe 2: each then an empty row
    assert [r[1:2] + r[4:6] for r in rows[1:7]] == [
        ["services-online", "2013-03-31", "31"], ["services-online", "2014-03-31", "37"], ["services-online", "", ""],
        ["feeling-safe", "2013-03-31", "59.5"], ["feeling-safe", "2014-03-31", "61.8"], ["feeling-safe", "", ""],
    ]


def test_a_new_and_a_changed_reading_change_only_their_lines(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.csv"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    rows = _rows(sheet)
    rows[3][4:7] = ["31/03/2015", "44", "The last Gateways opened: all nine # in use"]  # a UK-style date, ": " and " #"
    rows[5][5] = "62.0"
    _write(sheet, rows)
    before = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines()
    capsys.readouterr()
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 0
    assert capsys.readouterr().out == (
        f"wrote {deals / 'kent.yaml'}: 1 new reading, 1 changed; run dealsite check, then review the change\n"
    )
    after = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines()
    at = before.index("        remedial_action: District councils' housing and benefit enquiries moved onto the single website first.") + 1
    expected = before[:at] + [
        "      - date: 2015-03-31",
        "        value: 44",
        "        commentary: 'The last Gateways opened: all nine # in use'",
    ] + before[at:]
    expected[expected.index('        value: "61.8"')] = '        value: "62.0"'
    assert after == expected
    assert main(["check", str(deals / "kent.yaml")]) == 0


def test_bad_cells_refuse_the_whole_import_naming_row_and_column(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.csv"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    rows = _rows(sheet)
    rows[3][4:6] = ["2015-03-31", "44"]  # good on its own: not written either
    rows[6][4:6] = ["2015-02-30", "60"]  # no such day
    rows[9][4:6] = ["2015-03-31", "lots"]
    rows[1][1] = "services-offline"
    _write(sheet, rows)
    before = (deals / "kent.yaml").read_bytes()
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"dealsite readings import: nothing was written: {sheet}: row 2, column B (outcome): services-offline is not an "
        "outcome of kent (expected one of services-online, feeling-safe, out-of-work, home-after-hospital)",
        f"{sheet}: row 7, column E (date): 2015-02-30 is not a date (expected YYYY-MM-DD)",
        f"{sheet}: row 10, column F (value): lots is not a number (expected e.g. 12 or \"12.5\")",
    ]
    assert (deals / "kent.yaml").read_bytes() == before


def test_a_reading_the_deal_cannot_hold_is_refused_by_the_loader(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.csv"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    rows = _rows(sheet)
    rows[3][4:6] = ["2012-01-31", "20"]  # before the baseline of 1 April 2012
    _write(sheet, rows)
    before = (deals / "kent.yaml").read_bytes()
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    err = capsys.readouterr().err
    assert "nothing was written: the deal would not be valid" in err
    assert f"{deals / 'kent.yaml'}:" in err and "2012-01-31 is before the baseline date, 2012-04-01" in err
    assert (deals / "kent.yaml").read_bytes() == before
    assert not [p for p in deals.iterdir() if p.name.endswith(".importing")]


REMEDIAL = "        remedial_action: District councils' housing and benefit enquiries moved onto the single website first.\n"
NEXT_OUTCOME_NOTE = "    # Outcome 2 was added at the 2012 review; keep it second.\n"


def _kent_with(deals: Path, added: list[str]) -> tuple[list[str], int]:
    """kent.yaml with lines added after the last services-online reading: its lines, and where they went."""
    lines = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index(REMEDIAL) + 1
    (deals / "kent.yaml").write_text("".join(lines[:at] + added + lines[at:]), encoding="utf-8")
    return lines, at


def _export_edit_import(deals: Path, tmp_path: Path, edit) -> None:
    sheet = tmp_path / "kent.csv"
    assert main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    rows = _rows(sheet)
    edit(rows)
    _write(sheet, rows)
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 0


def test_clearing_a_cell_keeps_the_comment_on_the_lines_after_its_field(tmp_path):
    deals = _deals(tmp_path)
    lines, at = _kent_with(deals, ["        draft: true  # awaiting sign-off by the county\n", NEXT_OUTCOME_NOTE])

    def clear_draft(rows):
        rows[2][13] = ""  # row 3: services-online on 2014-03-31; column N: draft

    _export_edit_import(deals, tmp_path, clear_draft)
    # the draft line goes with the comment at its end; the note about the next outcome stays
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + [NEXT_OUTCOME_NOTE] + lines[at:])


def test_a_new_last_reading_goes_above_the_comment_about_the_next_outcome(tmp_path):
    deals = _deals(tmp_path)
    lines, at = _kent_with(deals, [NEXT_OUTCOME_NOTE])

    def add_reading(rows):
        rows[3][4:6] = ["2015-03-31", "44"]  # row 4: services-online's empty row

    _export_edit_import(deals, tmp_path, add_reading)
    new = ["      - date: 2015-03-31\n", "        value: 44\n"]
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + new + [NEXT_OUTCOME_NOTE] + lines[at:])


def test_a_cell_filled_in_adds_its_field_above_the_comment_about_the_next_outcome(tmp_path):
    deals = _deals(tmp_path)
    lines, at = _kent_with(deals, [NEXT_OUTCOME_NOTE])

    def set_draft(rows):
        rows[2][13] = "true"

    _export_edit_import(deals, tmp_path, set_draft)
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(
        lines[:at] + ["        draft: true\n", NEXT_OUTCOME_NOTE] + lines[at:]
    )


def test_clearing_a_source_keeps_the_comment_on_the_lines_after_it(tmp_path):
    deals = _deals(tmp_path)
    source = ["        source:\n", "          publisher: Kent County Council\n", "          dataset: Gateway counts\n"]
    lines, at = _kent_with(deals, source + [NEXT_OUTCOME_NOTE])

    def clear_source(rows):
        rows[2][8:10] = ["", ""]  # columns I and J: source publisher and dataset

    _export_edit_import(deals, tmp_path, clear_source)
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + [NEXT_OUTCOME_NOTE] + lines[at:])


def test_a_source_released_on_an_unquoted_date_is_unchanged_by_an_unchanged_export(tmp_path, capsys):
    deals = _deals(tmp_path)
    source = ["        source:\n", "          publisher: Kent County Council\n", "          dataset: Gateway counts\n",
              "          released: 2014-04-30\n"]  # YAML reads a date here, the sheet gives text
    _kent_with(deals, source)
    before = (deals / "kent.yaml").read_bytes()
    _export_edit_import(deals, tmp_path, lambda rows: None)
    assert capsys.readouterr().out.splitlines()[-1] == f"no reading is new or changed: {deals / 'kent.yaml'} is unchanged"
    assert (deals / "kent.yaml").read_bytes() == before


@given(st.one_of(st.text(alphabet="'=+-@ x"), st.text()))
def test_a_csv_cell_the_export_makes_safe_reads_back_as_it_was(text):
    assert unquoted(_safe(text)) == text


@pytest.mark.parametrize("suffix", [".csv", ".ods"])
def test_a_commentary_starting_with_a_quote_and_a_formula_character_survives_the_round_trip(suffix, tmp_path, capsys):
    deals = _deals(tmp_path)
    kent = deals / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace(
        "        commentary: Five of the nine new Gateways open, and the single website launched.\n",
        "        commentary: \"'-' means the Gateway was not yet open.\"\n",
    ), encoding="utf-8")
    before = kent.read_bytes()
    sheet = tmp_path / f"kent{suffix}"
    assert main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"no reading is new or changed: {kent} is unchanged"
    assert kent.read_bytes() == before


@pytest.mark.parametrize("mark, newline", [("", "\r\n"), ("\ufeff", "\n"), ("\ufeff", "\r\n")], ids=["CRLF", "BOM", "BOM and CRLF"])
def test_a_new_reading_keeps_the_files_line_endings_and_byte_order_mark(mark, newline, tmp_path):
    deals = _deals(tmp_path)
    lines = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    (deals / "kent.yaml").write_bytes((mark + "".join(lines).replace("\n", newline)).encode("utf-8"))

    def add_reading(rows):
        rows[3][4:6] = ["2015-03-31", "44"]

    _export_edit_import(deals, tmp_path, add_reading)
    at = lines.index(REMEDIAL) + 1
    expected = mark + "".join(lines[:at] + ["      - date: 2015-03-31\n", "        value: 44\n"] + lines[at:]).replace("\n", newline)
    assert (deals / "kent.yaml").read_bytes() == expected.encode("utf-8")


def test_a_file_with_mixed_line_endings_is_refused_not_rewritten(tmp_path, capsys):
    deals = _deals(tmp_path)
    text = (deals / "kent.yaml").read_text(encoding="utf-8")
    (deals / "kent.yaml").write_bytes(text.replace("\n", "\r\n", 1).encode("utf-8"))  # the first line only
    before = (deals / "kent.yaml").read_bytes()
    sheet = tmp_path / "kent.csv"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    rows = _rows(sheet)
    rows[3][4:6] = ["2015-03-31", "44"]
    _write(sheet, rows)
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    assert capsys.readouterr().err == (
        f"dealsite readings import: nothing was written: {deals / 'kent.yaml'} mixes line endings, or ends lines with CR "
        "alone: save it with LF or CRLF line endings throughout, or add the readings by hand\n"
    )
    assert (deals / "kent.yaml").read_bytes() == before


def _ods_with(sheet: Path, old: str, new: str) -> None:
    """Replace old with new in the .ods sheet's content.xml, as a spreadsheet might write it."""
    with zipfile.ZipFile(sheet) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    content = parts["content.xml"].decode("utf-8")
    assert old in content
    parts["content.xml"] = content.replace(old, new).encode("utf-8")
    with zipfile.ZipFile(sheet, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


FIRST_COMMENTARY = "Five of the nine new Gateways open, and the single website launched."


def test_an_ods_cell_keeps_its_spaces_tabs_and_line_breaks(tmp_path):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.ods"
    assert main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    _ods_with(sheet, f"<text:p>{FIRST_COMMENTARY}</text:p>",
              '<text:p>Five<text:s/>of<text:s text:c="2"/>the<text:tab/>nine<text:line-break/>new Gateways</text:p>'
              "<text:p>open, <text:span>and</text:span> the<text:s/></text:p>")
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 0
    kent = yaml.safe_load((deals / "kent.yaml").read_text(encoding="utf-8"))
    # one space, two, a tab, a line break, a second paragraph; the trailing space is trimmed as in any cell
    assert kent["outcomes"][0]["readings"][0]["commentary"] == "Five of  the\tnine\nnew Gateways\nopen, and the"


def _refused(sheet: Path, deals: Path, capsys) -> str:
    """What readings import prints when it refuses the sheet (exit 1), and nothing printed before."""
    capsys.readouterr()
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    return capsys.readouterr().err


def test_an_ods_run_of_spaces_whose_count_is_not_a_number_is_refused(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.ods"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    _ods_with(sheet, f"<text:p>{FIRST_COMMENTARY}</text:p>", '<text:p>Five<text:s text:c="two"/>of</text:p>')
    assert _refused(sheet, deals, capsys) == (
        f'dealsite readings import: nothing was written: {sheet} is not a valid OpenDocument spreadsheet: text:c="two" '
        "is not a whole number from 1\n"
    )


def test_an_ods_run_of_more_spaces_than_a_cell_holds_is_refused_not_built(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.ods"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    _ods_with(sheet, f"<text:p>{FIRST_COMMENTARY}</text:p>", '<text:p>Five<text:s text:c="1000000000"/>of</text:p>')
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet}: row 2 has a cell with a run of 1,000,000,000 spaces "
        "(expected at most 32,767)\n"
    )


@pytest.mark.parametrize("named", ["./kent", "../deals/kent"])
def test_a_sheet_naming_its_deal_by_a_path_is_refused_naming_the_cell(named, tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.csv"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    rows = _rows(sheet)
    for row in rows[1:]:
        row[0] = named
    _write(sheet, rows)
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet}: row 2, column A (deal): {named} is not a deal's slug "
        "(expected its file name without .yaml, e.g. kent)\n"
    )


def test_exporting_a_shared_file_is_refused_as_not_a_deal(tmp_path, capsys):
    deals = _deals(tmp_path)
    assert main(["readings", "export", "_rounds", "-o", str(tmp_path / "r.csv"), "--deals-dir", str(deals)]) == 1
    assert capsys.readouterr().err == (
        "dealsite readings export: _rounds is not a deal (a file whose name starts with _ holds what the deals share)\n"
    )
    assert not (tmp_path / "r.csv").exists()


def test_exporting_into_a_folder_that_does_not_exist_is_refused_naming_it(tmp_path, capsys):
    deals = _deals(tmp_path)
    output = tmp_path / "nonexistent" / "k.csv"
    assert main(["readings", "export", "kent", "-o", str(output), "--deals-dir", str(deals)]) == 1
    assert capsys.readouterr().err == (
        f"dealsite readings export: cannot write {output}: the folder {tmp_path / 'nonexistent'} does not exist "
        "(make it first, or name another)\n"
    )


def test_exporting_over_a_folder_is_refused_with_the_reason(tmp_path, capsys):
    deals = _deals(tmp_path)
    (tmp_path / "k.csv").mkdir()
    assert main(["readings", "export", "kent", "-o", str(tmp_path / "k.csv"), "--deals-dir", str(deals)]) == 1
    assert capsys.readouterr().err == f"dealsite readings export: {tmp_path / 'k.csv'} cannot be written (Is a directory)\n"
    assert list((tmp_path / "k.csv").iterdir()) == [] and not [p for p in tmp_path.iterdir() if p.name.endswith(".importing")]


def test_a_csv_cell_longer_than_the_csv_modules_limit_is_refused_by_its_fields_limit(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.csv"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    rows = _rows(sheet)
    rows[1][6] = "x" * 131_073  # one more than Python's csv module reads by default
    _write(sheet, rows)
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet}: row 2, column G (commentary): "
        "is 131,073 characters long (expected at most 5,000)\n"
    )


def test_a_long_cell_is_quoted_back_by_its_start_only(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.csv"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    rows = _rows(sheet)
    rows[1][1] = "y" * 131_073
    _write(sheet, rows)
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet}: row 2, column B (outcome): {'y' * 40}... (131,073 characters) "
        "is not an outcome of kent (expected one of services-online, feeling-safe, out-of-work, home-after-hospital)\n"
    )


HEADER_ROW_END = "<text:p>draft</text:p></table:table-cell></table:table-row>"


def _kent_ods(deals: Path, tmp_path: Path) -> Path:
    sheet = tmp_path / "kent.ods"
    assert main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    return sheet


@pytest.mark.parametrize("empty_row", [
    '<table:table-row table:number-rows-repeated="two"><table:table-cell/></table:table-row>',
    '<table:table-row><table:table-cell table:number-columns-repeated="two"/></table:table-row>',
], ids=["rows", "columns"])
def test_an_ods_repeat_count_that_is_not_a_number_is_refused_naming_the_attribute(empty_row, tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    _ods_with(sheet, HEADER_ROW_END, HEADER_ROW_END + empty_row)
    capsys.readouterr()
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    attribute = "table:number-rows-repeated" if "rows" in empty_row else "table:number-columns-repeated"
    assert capsys.readouterr().err == (
        f'dealsite readings import: nothing was written: {sheet} is not a valid OpenDocument spreadsheet: {attribute}="two" '
        "is not a whole number from 1\n"
    )


def test_rows_below_repeated_empty_rows_are_numbered_as_the_spreadsheet_shows_them(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    three_empty_rows = '<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="14"/></table:table-row>'
    _ods_with(sheet, HEADER_ROW_END, HEADER_ROW_END + three_empty_rows)
    _ods_with(sheet, '<table:table-cell office:value-type="float" office:value="31"><text:p>31</text:p></table:table-cell>',
              '<table:table-cell office:value-type="string"><text:p>lots</text:p></table:table-cell>')
    capsys.readouterr()
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    # the header is row 1, the empty rows 2 to 4: the first reading is row 5
    assert capsys.readouterr().err == (
        f"dealsite readings import: nothing was written: {sheet}: row 5, column F (value): lots is not a number (expected e.g. 12 or \"12.5\")\n"
    )


def test_text_below_the_last_row_a_spreadsheet_holds_is_refused(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    empty_rows = '<table:table-row table:number-rows-repeated="1048576"><table:table-cell/></table:table-row>'
    _ods_with(sheet, HEADER_ROW_END, HEADER_ROW_END + empty_rows)
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet} is not a valid OpenDocument spreadsheet: it has text "
        "below row 1,048,576, the last a spreadsheet holds\n"
    )


def test_the_empty_rows_a_spreadsheet_writes_at_the_end_of_a_sheet_are_not_made(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    tail = '<table:table-row table:number-rows-repeated="16777216"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    _ods_with(sheet, "</table:table>", tail + "</table:table>")
    tracemalloc.start()
    try:
        assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert capsys.readouterr().out.splitlines()[-1] == f"no reading is new or changed: {deals / 'kent.yaml'} is unchanged"
    assert peak < 50_000_000  # a list per row would be over 1 GB


def test_a_bare_date_to_publish_after_means_midnight_in_london(tmp_path):
    deals = _deals(tmp_path)

    def hold_new_reading(rows):
        rows[3][4:6] = ["2015-03-31", "44"]
        rows[3][12] = "2027-07-01"  # column M: publish after

    _export_edit_import(deals, tmp_path, hold_new_reading)
    main(["readings", "export", "kent", "-o", str(tmp_path / "again.csv"), "--deals-dir", str(deals)])
    assert _rows(tmp_path / "again.csv")[3][4:6] + _rows(tmp_path / "again.csv")[3][12:13] == [
        "2015-03-31", "44", "2027-07-01T00:00:00+01:00",  # British Summer Time in July
    ]


def test_an_ods_date_cell_with_a_time_keeps_its_time(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    empty = "<table:table-cell/>"
    _ods_with(sheet, "single website first.</text:p></table:table-cell>" + empty * 6,
              "single website first.</text:p></table:table-cell>" + empty * 4
              + '<table:table-cell office:value-type="date" office:date-value="2027-07-01T09:30:00"><text:p>01/07/2027 09:30</text:p></table:table-cell>'
              + empty)
    capsys.readouterr()
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    # a spreadsheet's date-time has no zone: refused, not taken for the day's start
    assert capsys.readouterr().err == (
        f"dealsite readings import: nothing was written: {sheet}: row 3, column M (publish after): "
        "2027-07-01T09:30:00 has no time zone (expected e.g. 2026-03-01T09:30:00+00:00)\n"
    )


def test_an_ods_export_writes_runs_of_spaces_and_new_lines_as_opendocument_keeps_them(tmp_path):
    # a spreadsheet collapses white space written as itself, so two spaces or a new line
    # would come back as one space from a sheet opened and saved
    deals = _deals(tmp_path)
    kent = deals / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace(
        f"        commentary: {FIRST_COMMENTARY}\n",
        '        commentary: "Five Gateways open.  The website\\tlaunched.\\nMore to come."\n',
    ), encoding="utf-8")
    sheet = _kent_ods(deals, tmp_path)
    with zipfile.ZipFile(sheet) as archive:
        content = archive.read("content.xml").decode("utf-8")
    assert (
        '<table:table-cell office:value-type="string"><text:p>Five Gateways open.<text:s text:c="2"/>The website<text:tab/>launched.'
        "</text:p><text:p>More to come.</text:p></table:table-cell>"
    ) in content


@pytest.mark.parametrize("kind, stored, shown", [("percentage", "0.31", "31%"), ("currency", "31", "£31.00")])
def test_an_ods_percentage_or_currency_value_is_refused_as_it_shows_not_read_as_its_number(kind, stored, shown, tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    _ods_with(sheet, '<table:table-cell office:value-type="float" office:value="31"><text:p>31</text:p></table:table-cell>',
              f'<table:table-cell office:value-type="{kind}" office:value="{stored}"><text:p>{shown}</text:p></table:table-cell>')
    before = (deals / "kent.yaml").read_bytes()
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet}: row 2, column F (value): {shown} is not a number "
        "(expected e.g. 12 or \"12.5\")\n"
    )
    assert (deals / "kent.yaml").read_bytes() == before


@pytest.mark.parametrize("suffix", [".csv", ".ods"])
def test_a_column_named_twice_is_refused_naming_its_letters(suffix, tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / f"kent{suffix}"
    assert main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    if suffix == ".csv":
        rows = _rows(sheet)
        rows[0].append("commentary")  # column O, empty below: it would clear every commentary
        _write(sheet, rows)
    else:
        _ods_with(sheet, HEADER_ROW_END, HEADER_ROW_END.removesuffix("</table:table-row>")
                  + '<table:table-cell office:value-type="string"><text:p>commentary</text:p></table:table-cell></table:table-row>')
    before = (deals / "kent.yaml").read_bytes()
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet}: row 1 names the column commentary more than once "
        "(columns G, O): keep one\n"
    )
    assert (deals / "kent.yaml").read_bytes() == before


POWERS_NOTE = "# The powers the deal devolves\n"
HOSPITAL_LAST_LINE = 131  # (0-based) "    illustrative: true", home-after-hospital's last line, above powers:


def _first_hospital_reading(rows):
    row = next(r for r in rows if r[1] == "home-after-hospital")
    row[4:6] = ["2013-03-31", "84"]


@pytest.mark.parametrize("readings, key_line", [
    ([], "    readings:\n"),
    (["    readings: []  # none yet\n"], "    readings:     # none yet\n"),  # the comment keeps its column, 18
], ids=["no readings key", "an empty list"])
def test_an_outcomes_first_reading_goes_above_the_comment_that_followed_the_outcome(readings, key_line, tmp_path):
    deals = _deals(tmp_path)
    lines = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = HOSPITAL_LAST_LINE + 1
    assert lines[at] == "powers:\n"
    (deals / "kent.yaml").write_text("".join(lines[:at] + readings + [POWERS_NOTE] + lines[at:]), encoding="utf-8")
    _export_edit_import(deals, tmp_path, _first_hospital_reading)
    new = [key_line, "      - date: 2013-03-31\n", "        value: 84\n"]
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + new + [POWERS_NOTE] + lines[at:])


def test_a_flow_list_of_readings_made_a_block_list_keeps_the_comment_that_followed_it_below(tmp_path):
    deals = _deals(tmp_path)
    lines = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = HOSPITAL_LAST_LINE + 1
    flow = "    readings: [{date: 2012-09-30, value: 83}]  # as first published\n"
    (deals / "kent.yaml").write_text("".join(lines[:at] + [flow, POWERS_NOTE] + lines[at:]), encoding="utf-8")
    _export_edit_import(deals, tmp_path, _first_hospital_reading)
    # the comment at the end of the line stays with readings: in its column, 47
    new = ["    readings:" + " " * 34 + "# as first published\n", "      - {date: 2012-09-30, value: 83}\n", "      - date: 2013-03-31\n", "        value: 84\n"]
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + new + [POWERS_NOTE] + lines[at:])


def test_clearing_a_sources_first_field_keeps_the_comment_above_the_next_field(tmp_path):
    deals = _deals(tmp_path)
    source = ["        source:\n", "          url: https://example.org/gateways\n", "          # about the publisher\n",
              "          publisher: Kent County Council\n", "          dataset: Gateway counts\n"]
    lines, at = _kent_with(deals, source)

    def clear_url(rows):
        rows[2][11] = ""  # row 3: services-online on 2014-03-31; column L: source url

    _export_edit_import(deals, tmp_path, clear_url)
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + [source[0]] + source[2:] + lines[at:])


def test_a_reading_before_the_first_goes_above_the_comment_about_the_first(tmp_path):
    deals = _deals(tmp_path)
    lines = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("    readings:\n") + 1  # services-online's, above its 2013-03-31 reading
    note = "      # about the 2013 reading\n"
    (deals / "kent.yaml").write_text("".join(lines[:at] + [note] + lines[at:]), encoding="utf-8")

    def add_earlier_reading(rows):
        rows[3][4:6] = ["2012-09-30", "26"]

    _export_edit_import(deals, tmp_path, add_earlier_reading)
    new = ["      - date: 2012-09-30\n", "        value: 26\n"]
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + new + [note] + lines[at:])


def test_a_line_the_round_trip_cannot_read_is_refused_naming_it_not_a_traceback(tmp_path, capsys):
    deals = _deals(tmp_path)
    kent = deals / "kent.yaml"
    # line 64: services-online's unit
    kent.write_text(kent.read_text(encoding="utf-8").replace("    unit: percent\n", "    unit: percent\t# a tab before\n", 1), encoding="utf-8")
    before = kent.read_bytes()
    assert main(["check", str(kent)]) == 0  # the project's loader reads it
    capsys.readouterr()
    sheet = tmp_path / "kent.csv"
    assert main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    assert capsys.readouterr().err == (
        f"dealsite readings import: nothing was written: {kent}:64: the import cannot read this line to write it back "
        "(it has a tab where YAML wants spaces): change it, or add the readings by hand\n"
    )
    assert kent.read_bytes() == before


@pytest.mark.parametrize("written", ["20130331", "2013-W13-7"])
def test_a_date_cell_in_a_form_the_guide_does_not_give_is_refused(written, tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.csv"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    rows = _rows(sheet)
    rows[1][4] = written  # row 2: services-online's 2013-03-31 reading, column E
    _write(sheet, rows)
    before = (deals / "kent.yaml").read_bytes()
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet}: row 2, column E (date): {written} is not a date (expected YYYY-MM-DD)\n"
    )
    assert (deals / "kent.yaml").read_bytes() == before


@pytest.mark.parametrize("escape, code", [("\\ufffe", "U+FFFE"), ("\\uffff", "U+FFFF"), ("\\ufdd0", "U+FDD0"), ("\\U0010FFFF", "U+10FFFF")])
def test_a_noncharacter_in_a_commentary_is_refused_by_check_so_no_sheet_holds_one(escape, code, tmp_path, capsys):
    deals = _deals(tmp_path)
    kent = deals / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace(
        f"        commentary: {FIRST_COMMENTARY}\n", f'        commentary: "Five{escape} Gateways"\n'), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(kent)]) == 1
    # line 79: services-online's first commentary
    assert f"{kent}:79: outcomes[0].readings[0].commentary: contains a noncharacter ({code}) at character 5, which Unicode keeps out of " \
        "text (a spreadsheet cannot hold U+FFFE or U+FFFF): remove it" in capsys.readouterr().err


# Text YAML 1.1 (which dealsite check follows) reads unquoted as a yes/no value or a base-60
# number (80), and YAML 1.2 (which ruamel.yaml writes by) as text.
YAML_11_TRAPS = ["No", "yes", "on", "OFF", "1:20", "1:20:30"]
# Text both read unquoted as something else: nothing, infinity, numbers, a date.
YAML_TRAPS = ["~", "null", ".inf", "0x10", "1e3", "2014-04-30", "012", "+5"]


@pytest.mark.parametrize("text", YAML_11_TRAPS)
def test_new_text_yaml_1_1_reads_as_a_yes_no_value_or_a_number_is_written_in_quotes_and_kept_as_text(text, tmp_path, capsys):
    deals = _deals(tmp_path)

    def add_reading(rows):
        rows[3][4:7] = ["2015-03-31", "44", _safe(text)]
        rows[3][8:10] = [_safe(text), _safe(text)]  # source publisher and dataset

    _export_edit_import(deals, tmp_path, add_reading)
    assert main(["check", str(deals / "kent.yaml")]) == 0
    reading = load_catalogue([deals / "kent.yaml"]).deal("kent").outcomes[0].readings[-1]
    assert (reading.commentary, reading.source.publisher, reading.source.dataset) == (text, text, text)


_TEXT_THAT_LOOKS_LIKE_SOMETHING_ELSE = st.text(alphabet="0123456789:.-+_~eEoxXbB yYnNOfFlLuTtr#'\"&*!|>%@`[]{},?\n\t")


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.sampled_from(YAML_11_TRAPS + YAML_TRAPS), _TEXT_THAT_LOOKS_LIKE_SOMETHING_ELSE, st.text()))
def test_any_text_the_model_accepts_imported_as_a_commentary_is_read_back_by_check_as_it_was(written):
    try:
        text = TypeAdapter(LongText).validate_python(written)
    except ValidationError:
        assume(False)
    with tempfile.TemporaryDirectory() as folder:
        deals = _deals(Path(folder))
        sheet = Path(folder) / "kent.csv"
        sheet.write_bytes(sheet_bytes(sheet_rows(load_catalogue([deals / "kent.yaml"]).deal("kent")), ".csv"))
        rows = _rows(sheet)
        rows[3][4:7] = ["2015-03-31", "44", _safe(text)]
        _write(sheet, rows)
        import_readings(deals, sheet)
        assert load_catalogue([deals / "kent.yaml"]).deal("kent").outcomes[0].readings[-1].commentary == text


@pytest.mark.parametrize("suffix", [".csv", ".ods"])
@pytest.mark.parametrize("written", [
    "        commentary: |\n          Five of the nine new Gateways open,\n          and the single website launched.\n",
    "        commentary: >\n          Five of the nine new Gateways open,\n          and the single website launched.\n",
    '        commentary: "  Five of the nine"\n',
    '        commentary: "Five of the nine  "\n',
    '        commentary: "\\tFive of the nine"\n',
    '        commentary: "\\t=1+1"\n',
    '        commentary: Five\n        source:\n          publisher: "Kent  "\n          dataset: "\\tGateway counts"\n',
], ids=["literal", "folded", "leading spaces", "trailing spaces", "leading tab", "tab before a formula", "source"])
def test_text_with_white_space_at_its_ends_is_unchanged_by_an_unchanged_export(written, suffix, tmp_path, capsys):
    # the model reads text without the white space at its ends (a block's last line break
    # too), and the sheet shows it so: that is no change
    deals = _deals(tmp_path)
    kent = deals / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace(f"        commentary: {FIRST_COMMENTARY}\n", written), encoding="utf-8")
    before = kent.read_bytes()
    sheet = tmp_path / f"kent{suffix}"
    assert main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"no reading is new or changed: {kent} is unchanged"
    assert kent.read_bytes() == before


def test_an_ods_whose_content_unpacks_past_64_mb_is_refused_before_it_is_read(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    with zipfile.ZipFile(sheet) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    start, end = parts.pop("content.xml").split(b"</table:table>")
    empty_rows = b"<table:table-row/>" * 1_000_000  # 18 MB: a thousand of them compress to a few bytes
    with zipfile.ZipFile(sheet, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("content.xml", "w") as content:
            content.write(start)
            for _ in range(4):  # 72 MB in all
                content.write(empty_rows)
            content.write(b"</table:table>" + end)
    assert sheet.stat().st_size < 1_000_000
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet} is too big to be a readings sheet: its content.xml "
        "unpacks to more than 64 MB (a deal's sheet is a few hundred KB; delete the rows below the readings, or export the deal again)\n"
    )


def test_a_bad_row_repeated_a_thousand_times_is_reported_by_its_first_20_problems_and_a_count(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    date_only = ('<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="4"/>'
                 '<table:table-cell office:value-type="string"><text:p>2015-03-31</text:p></table:table-cell></table:table-row>')
    _ods_with(sheet, HEADER_ROW_END, HEADER_ROW_END + date_only)  # rows 2 to 1,001
    capsys.readouterr()
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    # no outcome named: each row's first problem is its outcome
    assert capsys.readouterr().err.splitlines() == (
        [f"dealsite readings import: nothing was written: {sheet}: row 2, column B (outcome): an empty cell is not an outcome of kent "
         "(expected one of services-online, feeling-safe, out-of-work, home-after-hospital)"]
        + [f"{sheet}: row {row}, column B (outcome): an empty cell is not an outcome of kent "
           "(expected one of services-online, feeling-safe, out-of-work, home-after-hospital)" for row in range(3, 22)]
        + ["and 980 more problems"]
    )


@pytest.mark.parametrize("style", [">-", "|-", ">", "|"])
def test_clearing_a_field_below_a_block_of_text_leaves_no_blank_line(style, tmp_path):
    deals = _deals(tmp_path)
    block = [f"        commentary: {style}\n", "          Five of the nine new Gateways open,\n", "          and the website launched.\n"]
    source = ["        source:\n", "          publisher: Kent County Council\n", "          dataset: Gateway counts\n"]
    lines = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index(f"        commentary: {FIRST_COMMENTARY}\n")
    (deals / "kent.yaml").write_text("".join(lines[:at] + block + source + ["        # about the 2014 reading\n"] + lines[at + 1:]), encoding="utf-8")

    def clear_source(rows):
        rows[1][8:10] = ["", ""]  # row 2: services-online on 2013-03-31; columns I and J

    _export_edit_import(deals, tmp_path, clear_source)
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + block + ["        # about the 2014 reading\n"] + lines[at + 1:])


def test_clearing_a_block_of_text_keeps_the_blank_line_and_comment_below_it(tmp_path):
    deals = _deals(tmp_path)
    block = ["        commentary: >-\n", "          Five of the nine new Gateways open,\n", "          and the website launched.\n"]
    below = ["\n", "        # about the 2014 reading\n"]
    lines = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index(f"        commentary: {FIRST_COMMENTARY}\n")
    (deals / "kent.yaml").write_text("".join(lines[:at] + block + below + lines[at + 1:]), encoding="utf-8")

    def clear_commentary(rows):
        rows[1][6] = ""  # row 2: services-online on 2013-03-31; column G

    _export_edit_import(deals, tmp_path, clear_commentary)
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + below + lines[at + 1:])


SECOND_READING = [
    "      - date: 2014-03-31\n",
    "        value: 37\n",
    "        commentary: The single three-digit telephone number started six months late.\n",
]


@pytest.mark.parametrize("first", [0, 1], ids=["first reading", "second reading"])
def test_clearing_a_readings_first_field_keeps_the_comment_below_it_above_the_reading(first, tmp_path):
    # the key after it goes on the reading's "- " line: the comment goes above that line
    deals = _deals(tmp_path)
    lines = (deals / "kent.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index(SECOND_READING[0]) if first else lines.index("      - date: 2013-03-31\n")
    reading = SECOND_READING if first else ["      - date: 2013-03-31\n", "        value: 31\n", f"        commentary: {FIRST_COMMENTARY}\n"]
    assert lines[at:at + 3] == reading
    note = "        # the figure is provisional\n"
    commentary_first = ["      - " + reading[2].lstrip(), note, "        " + reading[0].lstrip("- "), reading[1]]
    (deals / "kent.yaml").write_text("".join(lines[:at] + commentary_first + lines[at + 3:]), encoding="utf-8")

    def clear_commentary(rows):
        rows[1 + first][6] = ""  # column G

    _export_edit_import(deals, tmp_path, clear_commentary)
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == "".join(lines[:at] + [note] + reading[:2] + lines[at + 3:])


def test_a_source_whose_every_field_is_replaced_keeps_the_comment_below_it():
    from ruamel.yaml import YAML

    from generator.engine.readings import _source_changed
    from generator.engine.yaml_edit import above

    # through a sheet, a source always keeps its publisher and dataset: this is the edit itself
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    data = yaml.load("readings:\n  - date: 2014-03-31\n    source:\n      url: https://example.org\n    # the next reading\n  - date: 2015-03-31\n")
    assert _source_changed(data["readings"][0], {"publisher": "Kent", "dataset": "Counts"}, above(data, "readings", 0))
    written = io.StringIO()
    yaml.dump(data, written)
    assert written.getvalue() == (
        "readings:\n  - date: 2014-03-31\n    source:\n      publisher: Kent\n      dataset: Counts\n    # the next reading\n  - date: 2015-03-31\n"
    )


def _add_2015_reading(rows):
    rows[3][4:6] = ["2015-03-31", "44"]  # row 4: services-online's empty row


NEW_2015_READING = "      - date: 2015-03-31\n        value: 44\n"


@pytest.mark.parametrize("start, end", [("", ""), ("---\n", ""), ("", "...\n"), ("---\n", "...\n")],
                         ids=["no final line break", "---", "...", "--- and ..."])
def test_a_new_reading_keeps_the_files_document_markers_and_missing_final_line_break(start, end, tmp_path):
    deals = _deals(tmp_path)
    text = (deals / "kent.yaml").read_text(encoding="utf-8")
    at = text.index(REMEDIAL) + len(REMEDIAL)
    final = "" if not (start or end) else "\n"  # the first case: the file ends without a line break
    (deals / "kent.yaml").write_text(start + text.removesuffix("\n") + final + end, encoding="utf-8")
    _export_edit_import(deals, tmp_path, _add_2015_reading)
    expected = start + text[:at] + NEW_2015_READING + text[at:].removesuffix("\n") + final + end
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == expected


def test_a_line_longer_than_4096_characters_is_written_back_as_it_was(tmp_path):
    deals = _deals(tmp_path)
    kent = deals / "kent.yaml"
    long = "        commentary: " + "Gateways " * 550 + "opened.\n"  # 4,977 characters of text on one line
    text = kent.read_text(encoding="utf-8").replace(f"        commentary: {FIRST_COMMENTARY}\n", long)
    kent.write_text(text, encoding="utf-8")
    _export_edit_import(deals, tmp_path, _add_2015_reading)
    at = text.index(REMEDIAL) + len(REMEDIAL)
    assert kent.read_text(encoding="utf-8") == text[:at] + NEW_2015_READING + text[at:]


@pytest.mark.parametrize("old, new, line, problem", [
    (f"        commentary: {FIRST_COMMENTARY}\n", f"        commentary: {FIRST_COMMENTARY}  \n", 79,
     "this line ends in spaces: remove them, or add the readings by hand"),
    (f"        commentary: {FIRST_COMMENTARY}\n", '        commentary: "Caf\\u00e9 open"\n', 79,
     'it would write this line as commentary: "Café open": change it, or add the readings by hand'),
    ("        value: 31\n", "        value: +31\n", 78, "it would write this line as value: 31: change it, or add the readings by hand"),
    ("        value: 31\n", "        value: -0\n", 78, "it would write this line as value: 0: change it, or add the readings by hand"),
    ("      publisher: Kent County Council (illustrative)\n      dataset:", "        publisher: Kent County Council (illustrative)\n        dataset:", 74,
     "it would indent this line differently (indent it as the example deals do, or add the readings by hand)"),
    ("# yaml-language-server", "# about Kent\n---\n# yaml-language-server", 1,
     "it would leave this line out (# about Kent): change it, or add the readings by hand"),
], ids=["trailing spaces", "escape", "plus sign", "minus zero", "indent", "comment above ---"])
def test_a_file_the_import_cannot_write_back_unchanged_is_refused_naming_the_line_and_why(old, new, line, problem, tmp_path, capsys):
    deals = _deals(tmp_path)
    kent = deals / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    before = kent.read_bytes()
    sheet = tmp_path / "kent.csv"
    assert main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)]) == 0
    rows = _rows(sheet)
    _add_2015_reading(rows)
    _write(sheet, rows)
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {kent}:{line}: the import cannot write this file back unchanged: {problem}\n"
    )
    assert kent.read_bytes() == before


def test_a_uk_date_in_source_released_and_publish_after_is_read_day_first(tmp_path):
    # Excel in the UK saves every date cell of a CSV as 30/04/2015
    deals = _deals(tmp_path)
    text = (deals / "kent.yaml").read_text(encoding="utf-8")

    def add_reading(rows):
        rows[3][4:6] = ["2015-03-31", "44"]
        rows[3][8:11] = ["Kent County Council", "Gateway counts", "30/04/2015"]  # columns I to K: source
        rows[3][12] = "01/07/2027"  # column M: publish after

    _export_edit_import(deals, tmp_path, add_reading)
    at = text.index(REMEDIAL) + len(REMEDIAL)
    new = (NEW_2015_READING + "        publish_after: '2027-07-01'\n        source:\n          publisher: Kent County Council\n"
           "          dataset: Gateway counts\n          released: '2015-04-30'\n")
    assert (deals / "kent.yaml").read_text(encoding="utf-8") == text[:at] + new + text[at:]


def test_a_day_first_date_that_names_no_day_is_refused_as_typed(tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = tmp_path / "kent.csv"
    main(["readings", "export", "kent", "-o", str(sheet), "--deals-dir", str(deals)])
    rows = _rows(sheet)
    rows[3][4:6] = ["31/02/2015", "44"]  # no 31 February
    rows[3][8:11] = ["Kent County Council", "Gateway counts", "04/30/2015"]  # month first: no month 30
    rows[3][12] = "31/06/2027 09:30"  # no 31 June
    _write(sheet, rows)
    before = (deals / "kent.yaml").read_bytes()
    capsys.readouterr()
    assert main(["readings", "import", str(sheet), "--deals-dir", str(deals)]) == 1
    expected = "is not a date (expected day, month, year, as 31/03/2026, or YYYY-MM-DD)"
    assert capsys.readouterr().err.splitlines() == [
        f"dealsite readings import: nothing was written: {sheet}: row 4, column E (date): 31/02/2015 {expected}",
        f"{sheet}: row 4, column K (source released): 04/30/2015 {expected}",
        f"{sheet}: row 4, column M (publish after): 31/06/2027 09:30 {expected}",
    ]
    assert (deals / "kent.yaml").read_bytes() == before


def _ods_entry_changed(sheet: Path, at: int, value: int) -> None:
    """Set the 2 bytes at offset at of content.xml's entry in the .ods sheet's central directory."""
    raw = bytearray(sheet.read_bytes())
    entry = raw.find(b"PK\x01\x02")
    while raw[entry + 46:entry + 46 + len(b"content.xml")] != b"content.xml":
        entry = raw.find(b"PK\x01\x02", entry + 4)
    raw[entry + at:entry + at + 2] = value.to_bytes(2, "little")
    sheet.write_bytes(bytes(raw))


@pytest.mark.parametrize("at, value, problem", [
    (8, 0x0001, "is protected by a password: save it without one"),  # general purpose flags: encrypted
    (10, 99, "is compressed in a way the import cannot read: save it again as an OpenDocument spreadsheet"),  # AES
], ids=["password", "AES"])
def test_an_ods_with_a_password_or_a_compression_zipfile_cannot_read_is_refused_in_one_line(at, value, problem, tmp_path, capsys):
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    _ods_entry_changed(sheet, at, value)
    assert _refused(sheet, deals, capsys) == f"dealsite readings import: nothing was written: {sheet} {problem}\n"


def test_an_ods_whose_compressed_content_is_damaged_is_refused_in_one_line(tmp_path, capsys):
    """Found by an outside attack: damaged deflate data was a zlib traceback."""
    deals = _deals(tmp_path)
    sheet = _kent_ods(deals, tmp_path)
    kent = (deals / "kent.yaml").read_bytes()
    raw = bytearray(sheet.read_bytes())
    with zipfile.ZipFile(sheet) as archive:
        entry = archive.getinfo("content.xml")
    name_length, extra_length = int.from_bytes(raw[entry.header_offset + 26:entry.header_offset + 28], "little"), \
        int.from_bytes(raw[entry.header_offset + 28:entry.header_offset + 30], "little")
    # The first byte of the deflate data: 0xFF marks the last block and names block type 3, which
    # deflate reserves (RFC 1951, 3.2.3), so every inflater stops there.
    raw[entry.header_offset + 30 + name_length + extra_length] = 0xFF
    sheet.write_bytes(bytes(raw))
    assert _refused(sheet, deals, capsys) == (
        f"dealsite readings import: nothing was written: {sheet} is damaged: its content.xml cannot be unpacked "
        "(save it again, or export the deal again)\n"
    )
    assert (deals / "kent.yaml").read_bytes() == kent
