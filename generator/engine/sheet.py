"""The readings sheet: its columns, and the sheet as a CSV or OpenDocument file, both ways.

``dealsite readings export`` writes a deal's readings as rows of these columns and
``dealsite readings import`` reads a filled-in sheet back as rows of text (readings.py turns
them into readings and writes them into the deal's file). A CSV cell a spreadsheet would run
as a formula is written with a ' in front, and read back without it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import lzma
import re
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from ..model import Deal
from ..model.clock import build_time
from ..model.limits import shorten
from ..pages.ods import CONTENT_END, CONTENT_START, END_SHEET, sheet_start, segment, workbook

COLUMNS = (
    "deal", "outcome", "outcome title", "unit", "date", "value", "commentary", "remedial action",
    "source publisher", "source dataset", "source released", "source url", "publish after", "draft",
)
# The columns an owner fills in, and the reading's field each one is.
FIELDS = {
    "date": "date", "value": "value", "commentary": "commentary", "remedial action": "remedial_action",
    "publish after": "publish_after", "draft": "draft",
}
SOURCE = {"source publisher": "publisher", "source dataset": "dataset", "source released": "released", "source url": "url"}
FORMULA = ("=", "+", "-", "@")  # a spreadsheet runs a cell starting with these: exported with a ' in front
# The import takes a ' off a CSV cell that starts with ' and a formula character, or with
# more ' and one; the export adds one to text starting with either, so that "'-' means..."
# keeps its own ' (_safe and unquoted are inverses).
_QUOTED_FORMULA = re.compile("'+[=+@-]")


class ReadingsError(Exception):
    """A sheet that cannot be imported, or a deal that cannot be exported: nothing was written."""


# --- writing ---------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "true"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA) or _QUOTED_FORMULA.match(text) else text


def sheet_rows(deal: Deal) -> list[dict[str, str]]:
    """One row per reading of each outcome, then an empty row for the outcome's next reading."""
    rows = []
    for outcome in deal.outcomes:
        common = {"deal": deal.slug, "outcome": outcome.id, "outcome title": outcome.title, "unit": outcome.unit}
        for reading in outcome.readings:
            row = dict(common)
            for column, field in FIELDS.items():
                row[column] = _cell(getattr(reading, field))
            for column, field in SOURCE.items():
                row[column] = _cell(getattr(reading.source, field)) if reading.source else ""
            rows.append(row)
        if outcome.baseline is not None:  # an outcome that cannot be rated takes no readings
            rows.append(dict(common))
    return [{c: row.get(c, "") for c in COLUMNS} for row in rows]


def sheet_bytes(rows: list[dict[str, str]], suffix: str) -> bytes:
    """The sheet as a file of its kind: ".csv" (UTF-8, with the mark Excel needs) or ".ods"."""
    if suffix != ".csv":
        return _ods(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] if c == "value" else _safe(row[c]) for c in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the mark tells Excel the file is UTF-8


def _ods(rows: list[dict[str, str]]) -> bytes:
    body = []
    for row in rows:
        cells = []
        for column in COLUMNS:
            value = row[column]
            if column == "value" and value:
                cells.append(f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>')
            elif column == "date" and value:
                cells.append(f'<table:table-cell office:value-type="date" office:date-value="{value}"><text:p>{value}</text:p></table:table-cell>')
            else:
                cells.append(_text_cell(value))
        body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    xml = CONTENT_START + sheet_start("readings", COLUMNS) + "".join(body) + END_SHEET + CONTENT_END
    return workbook([segment(xml.encode("utf-8"), final=True, alone=True)], build_time())


# A spreadsheet collapses white space written as itself in a cell's XML, as a browser does:
# runs of spaces, a space at either end of a line, tabs and new lines are written as elements.
_SPACES_TO_KEEP = re.compile("^ +| +$| {2,}")


def _text_cell(text: str) -> str:
    if not text:
        return "<table:table-cell/>"
    lines = (
        _SPACES_TO_KEEP.sub(lambda run: f'<text:s text:c="{len(run.group())}"/>', escape(line)).replace("\t", "<text:tab/>")
        for line in text.split("\n")
    )
    return '<table:table-cell office:value-type="string">' + "".join(f"<text:p>{line}</text:p>" for line in lines) + "</table:table-cell>"


# --- reading -----------------------------------------------------------------------------


def unquoted(text: str) -> str:
    """A CSV cell as written, without the ' the export put in front (see _safe)."""
    return text[1:] if _QUOTED_FORMULA.match(text) else text


def read_sheet(path: Path) -> list[list[str]]:
    """The sheet's rows of cells as text (the header first)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ReadingsError(f"{path} cannot be read ({error.strerror})") from None
    if path.suffix.lower() == ".ods":
        return _ods_rows(raw, path)
    if path.suffix.lower() != ".csv":
        raise ReadingsError(f"{path} should end in .csv or .ods")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadingsError(f"{path} is not UTF-8 (save it as CSV UTF-8)") from None
    # No cell is longer than the file, so with this limit none is refused for its length here:
    # a long one is refused by the field's own limit, naming its row and column.
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    reader = csv.reader(io.StringIO(text))
    try:
        # Only a CSV cell has the export's ': an OpenDocument cell is text by its type, never run.
        return [[unquoted(cell) for cell in row] for row in reader]
    except csv.Error as error:
        raise ReadingsError(f"{path}: line {reader.line_num} cannot be read as CSV ({error})") from None
    finally:
        csv.field_size_limit(limit)


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
# A spreadsheet writes its empty tail as one row, or cell, "repeated" a million times or more:
# empty rows and cells are counted, and made only when something follows them, up to the
# most rows and columns a spreadsheet holds (LibreOffice and Excel).
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
MAX_SPACES = 32_767  # the most characters a spreadsheet cell holds (Excel); far more than any field takes


_SPACES, _TAB, _LINE_BREAK = ("{%s}%s" % (_ODS["text"], name) for name in ("s", "tab", "line-break"))
_TABLE, _OFFICE = "{%s}" % _ODS["table"], "{%s}" % _ODS["office"]
_WHOLE = re.compile("[0-9]+")


def _count(element, prefix: str, name: str, path: Path) -> int:
    """The whole number from 1 an attribute gives (1 if there is none), as OpenDocument says."""
    written = element.get("{%s}%s" % (_ODS[prefix], name))
    if written is None:
        return 1
    digits = written.lstrip("0")
    if not _WHOLE.fullmatch(written) or not digits:
        raise ReadingsError(f'{path} is not a valid OpenDocument spreadsheet: {prefix}:{name}="{shorten(written)}" is not a whole number from 1')
    return int(digits) if len(digits) <= 18 else 10**18  # int() of thousands of digits is slow; far more than any sheet


def _paragraph(element, path: Path, row: int) -> str:
    """A paragraph's text as OpenDocument stores it: a run of spaces as <text:s text:c="n"/>
    (one space without c), a tab as <text:tab/>, a new line as <text:line-break/>; spans and
    links by their text."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _SPACES:
            count = _count(child, "text", "c", path)
            if count > MAX_SPACES:
                raise ReadingsError(f"{path}: row {row} has a cell with a run of {count:,} spaces (expected at most {MAX_SPACES:,})")
            parts.append(" " * count)
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag == _LINE_BREAK:
            parts.append("\n")
        elif isinstance(child.tag, str):  # not an XML comment or processing instruction
            parts.append(_paragraph(child, path, row))
        parts.append(child.tail or "")
    return "".join(parts)


# A deal's readings sheet is a few hundred KB of XML. A small file can unpack to far more
# (empty rows compress a thousandfold), which would take seconds and gigabytes to parse.
MAX_CONTENT = 64 * 2**20


def _content(archive: zipfile.ZipFile, path: Path) -> bytes:
    """content.xml, refused past MAX_CONTENT: by the size the zip says, and by the size it
    unpacks to, since that can differ from what the zip says."""
    too_big = ReadingsError(
        f"{path} is too big to be a readings sheet: its content.xml unpacks to more than {MAX_CONTENT // 2**20} MB "
        "(a deal's sheet is a few hundred KB; delete the rows below the readings, or export the deal again)"
    )
    if archive.getinfo("content.xml").file_size > MAX_CONTENT:
        raise too_big
    try:
        with archive.open("content.xml") as handle:
            content = handle.read(MAX_CONTENT + 1)
    except NotImplementedError:  # a compression zipfile does not read (AES, which a password brings, among them)
        raise ReadingsError(f"{path} is compressed in a way the import cannot read: save it again as an OpenDocument spreadsheet") from None
    except RuntimeError:  # zipfile's word for a file saved with a password (NotImplementedError is one too: first)
        raise ReadingsError(f"{path} is protected by a password: save it without one") from None
    except (zlib.error, lzma.LZMAError, OSError, EOFError):  # damaged compressed data (deflate, bzip2, LZMA)
        raise ReadingsError(f"{path} is damaged: its content.xml cannot be unpacked (save it again, or export the deal again)") from None
    if len(content) > MAX_CONTENT:
        raise too_big
    return content


def _ods_rows(raw: bytes, path: Path) -> list[list[str]]:
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            content = _content(archive, path)
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise ReadingsError(f"{path} is not an OpenDocument spreadsheet") from None
    table = root.find(".//table:table", _ODS)
    if table is None:
        return []
    rows: list[list[str]] = []
    empty = 0  # empty rows not yet made
    for row in table.iter(_TABLE + "table-row"):
        cells = _cells(row, path, len(rows) + empty + 1)
        repeat = _count(row, "table", "number-rows-repeated", path)
        if not cells:
            empty += repeat
            continue
        if len(rows) + empty + repeat > MAX_ROWS:
            raise ReadingsError(f"{path} is not a valid OpenDocument spreadsheet: it has text below row {MAX_ROWS:,}, the last a spreadsheet holds")
        rows += [[] for _ in range(empty)] + [cells] * repeat
        empty = 0
    return rows


def _cells(row, path: Path, number: int) -> list[str]:
    """A row's cells as text, without the empty ones at its end."""
    cells: list[str] = []
    empty = 0  # empty cells not yet made
    for cell in row:
        if cell.tag not in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            continue
        kind = cell.get(_OFFICE + "value-type")
        if kind == "float":
            value = cell.get(_OFFICE + "value", "")
        elif kind == "date":
            # A date cell may carry a time: dropped only when it is midnight, so that a publish
            # after of 09:30 is not taken for the day's start.
            value = cell.get(_OFFICE + "date-value", "").removesuffix("T00:00:00")
        else:
            # Any other cell as it shows: a percentage's value 0.37 (shown 37%) or a currency's
            # 12.5 (shown £12.50) is not the figure typed, so it is refused as the text it shows.
            value = "\n".join(_paragraph(p, path, number) for p in cell.findall("text:p", _ODS))
            if not value and cell.get(_OFFICE + "value"):
                raise ReadingsError(f"{path}: row {number:,} has a {kind} cell that shows no text (type the figure as a plain number)")
        repeat = _count(cell, "table", "number-columns-repeated", path)
        if not value:
            empty += repeat
            continue
        if len(cells) + empty + repeat > MAX_COLUMNS:
            raise ReadingsError(
                f"{path} is not a valid OpenDocument spreadsheet: row {number:,} has text right of column {MAX_COLUMNS:,}, the last a spreadsheet holds"
            )
        cells += [""] * empty + [value] * repeat
        empty = 0
    return cells
