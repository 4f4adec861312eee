"""Open data: every table of every deal as CSV, JSON, ODS and a Frictionless data package.

Per deal (:func:`add_deal`), beside its page (``deals/<slug>/``): one CSV per table,
``deal.json`` (the validated, embargo-filtered deal), ``datapackage.json`` (a Frictionless
Data Package with a table schema for every CSV) and ``<slug>.ods`` (one sheet per table).
For the whole site (:func:`add`), under ``data/``: the same tables for all deals combined
(a first ``deal`` column), ``deals.json``, ``datapackage.json`` and ``deals.ods``; and the
downloads page ``data.md`` documenting every table and column once.

``add`` builds the combined files from the per-deal files already published (read back
with ``bundle.read_file``), never from what ``add_deal`` held in memory: that may have run
in another process or an earlier build. Concatenating CSV records with the deal's slug
prefixed is exact, and much cheaper than recomputing the tables; ``deals.json`` splices the
deals' ``deal.json``; ``deals.ods`` splices compressed segments made from the deals'
workbooks (see :func:`site_workbook`). Only a few deals' tables are recomputed, for the
descriptions of the combined tables.

One :class:`tables.Column` list describes each table for the page, the CSV and the
table schema. Output is byte-identical for the same input and build time: JSON keys
in the model's order, CSV values written exactly (``Decimal`` never in exponent form),
ODS zip entries stamped with the build time. Values are turned into text one column at
a time, and ODS cells written from string templates, column by column: at a thousand
deals these files are several million cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import struct
import zipfile
from dataclasses import dataclass
import zlib
from decimal import Decimal
from itertools import chain, repeat
from typing import Iterable, Optional, Sequence

import pandas as pd

from .budget import budget_tables
from .model import Deal
from .progress import progress_tables
from .site import Bundle, Context, GeneratedPage, Heading, index_by_summary, reused
from .tables import Column, Table

DATA_DIR = "data"
DEAL_COLUMN = Column("deal", "Deal", "string", description="The deal's identifier (its file name in deals/ and its page address)")
MISSING = ""
PACKAGE = "datapackage.json"


def deal_tables(ctx: Context, deal: Deal) -> list[Table]:
    return budget_tables(deal, ctx.catalogue.deflators) + progress_tables(deal, ctx.now.date())


def table_path(deal: Deal, table: Table) -> str:
    """Beside the deal's page (deals/<slug>/), so pages link to it by bare file name."""
    return f"deals/{deal.slug}/{table.name}.csv"


# --- writing values ------------------------------------------------------------------


def cell(value) -> str:
    """A value as CSV text: exact decimals, ISO dates, true/false, empty for missing."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        if math.isnan(value):
            return MISSING
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return MISSING
    return str(value)


# The common types, by exact type (no isinstance chain per value); anything else goes to cell().
_TEXT = {
    str: str,
    type(None): lambda v: MISSING,
    Decimal: lambda v: format(v, "f"),
    dt.date: dt.date.isoformat,
    int: int.__repr__,
    bool: lambda v: "true" if v else "false",
}


def texts(values: list) -> list[str]:
    """One column's values as CSV text (see :func:`cell`)."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return values
    if kinds == {Decimal}:
        return list(map(format, values, repeat("f", len(values))))
    if kinds == {dt.date}:
        return list(map(dt.date.isoformat, values))
    get = _TEXT.get
    return [(get(type(v)) or cell)(v) for v in values]


def table_texts(table: Table) -> list[list[str]]:
    """The documented columns of the table, in order, each as a list of CSV texts."""
    frame = table.frame
    if not len(frame):
        return [[] for _ in table.columns]
    # One object array for the frame (its columns are object dtype), not a Series per column;
    # positions by a dict (pandas' get_indexer costs a tenth of a millisecond a table).
    position = {name: n for n, name in enumerate(frame.columns.tolist())}
    by_column = frame.to_numpy(dtype=object).T.tolist()
    return [texts(by_column[position[c.name]]) for c in table.columns]


def csv_text(header: Sequence[str], columns: list[list[str]]) -> str:
    """UTF-8 CSV text: a header row, then the columns' values row by row, Unix newlines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*columns))
    return out.getvalue()


def table_csv(table: Table) -> bytes:
    """UTF-8 CSV with the documented columns in order, Unix newlines."""
    return csv_text([c.name for c in table.columns], table_texts(table)).encode("utf-8")


def _json(data) -> bytes:
    """Compact, keys in the model's order (indenting would force Python's slow encoder)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# --- Frictionless descriptors ----------------------------------------------------------------


def field_schema(column: Column) -> dict:
    description = column.description
    if column.unit:
        description = f"{description} Unit: {column.unit}.".strip()
    field = {"name": column.name, "type": column.type, "title": column.title}
    if description:
        field["description"] = description
    if column.unit:
        field["unit"] = column.unit  # a custom property: the spec allows extra keys
    return field


def resource(table: Table, path: str, columns: list[Column]) -> dict:
    res = {
        "name": table.name,
        "path": path,
        "profile": "tabular-data-resource",
        "title": table.title,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": [field_schema(c) for c in columns], "missingValues": [MISSING]},
    }
    if table.description:
        res["description"] = table.description
    return res


def package(name: str, title: str, description: str, created: dt.datetime, resources: list[dict]) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "created": created.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z"),
        "resources": resources,
    }


# --- ODS ------------------------------------------------------------------------------------
# Written directly (OpenDocument 1.2, the parts a spreadsheet needs): pandas' odfpy writer
# took about half a second per deal. Cells are typed by their column's schema type: numbers
# as floats, dates as dates (the value in an attribute, as a spreadsheet reads it), anything
# else as text. Read back with pandas.read_excel(engine="odf") in the tests.

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
NUMERIC = ("number", "integer")
# zlib level 1: the XML is very repetitive, so level 6 saves a quarter of the bytes at
# three times the time, and the site's workbook is hundreds of megabytes of XML.
ODS_LEVEL = 1
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{ODS_MIME}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>\n"
)
_ROW, _END_ROW, _END_SHEET = "<table:table-row>", "</table:table-row>", "</table:table>"
_EMPTY = "<table:table-cell/>"
# What XML text may not hold as is: markup characters, and control characters XML 1.0 forbids.
_XML_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A whole column of numbers (or dates), empty cells allowed, checked in one match.
_NUMBERS = re.compile(r"(?:-?[0-9]+(?:\.[0-9]+)?)?(?:\n(?:-?[0-9]+(?:\.[0-9]+)?)?)*")
_DATES = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?(?:\n(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?)*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _xml(text: str) -> str:
    text = _XML_FORBIDDEN.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _string_cells(values: list[str]) -> list[str]:
    if _XML_SPECIAL.search("".join(values)):
        values = [_xml(v) for v in values]
    return [f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' if v else _EMPTY for v in values]


def _float(v: str) -> str:
    return f'<table:table-cell office:value-type="float" office:value="{v}"/>'


def _date(v: str) -> str:
    return f'<table:table-cell office:value-type="date" office:date-value="{v}"/>'


def ods_cells(column: Column, values: list[str]) -> list[str]:
    """The column's cells as XML: typed by the column, text where a value does not fit the type."""
    if column.type in NUMERIC or column.type == "date":
        whole, one, make = (_NUMBERS, _NUMBER, _float) if column.type in NUMERIC else (_DATES, _DATE, _date)
        if whole.fullmatch("\n".join(values)):  # the usual case, one template per column, no call per cell
            if make is _float:
                return [f'<table:table-cell office:value-type="float" office:value="{v}"/>' if v else _EMPTY for v in values]
            return [f'<table:table-cell office:value-type="date" office:date-value="{v}"/>' if v else _EMPTY for v in values]
        return [make(v) if one.fullmatch(v) else _string_cells([v])[0] for v in values]
    return _string_cells(values)


def ods_rows(columns: list[Column], values: list[list[str]], row_start: str = _ROW) -> str:
    """Table rows for the columns' values; ``row_start`` may carry leading cells (the deal)."""
    if not values or not values[0]:
        return ""
    cells = [ods_cells(c, v) for c, v in zip(columns, values)]
    cells[0] = [row_start + c for c in cells[0]]
    cells[-1] = [c + _END_ROW for c in cells[-1]]
    return "".join(chain.from_iterable(zip(*cells)))


def ods_header(names: Iterable[str]) -> str:
    return _ROW + "".join(_string_cells(list(names))) + _END_ROW


_CONTENT_START = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2"><office:body><office:spreadsheet>'
_CONTENT_END = "</office:spreadsheet></office:body></office:document-content>\n"


def _sheet_start(name: str, header: Iterable[str]) -> str:
    return f'<table:table table:name="{_xml(name)}">' + ods_header(header)


def _meta(when: dt.datetime) -> str:
    stamp = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS} office:version="1.2"><office:meta>'
        f"<meta:generator>dealsite</meta:generator><meta:creation-date>{stamp}</meta:creation-date>"
        f"<dc:date>{stamp}</dc:date></office:meta></office:document-meta>\n"
    )


def workbook(content: list[tuple[bytes, int, int, int]], when: dt.datetime) -> bytes:
    """An OpenDocument spreadsheet whose content.xml is the given raw deflate segments (see
    :func:`_segment`; the last one final), dated ``when``: byte-identical for the same input."""
    crc, size = 0, 0
    for _, part_crc, part_size, part_zeros in content:
        crc = _crc_combine(crc, part_crc, part_size, part_zeros) if size else part_crc
        size += part_size
    mimetype = ODS_MIME.encode("ascii")
    return _zip(
        [
            ("mimetype", zipfile.ZIP_STORED, mimetype, zlib.crc32(mimetype), len(mimetype)),  # first, stored: ODF
            _deflated("META-INF/manifest.xml", _MANIFEST),
            ("content.xml", zipfile.ZIP_DEFLATED, b"".join(part[0] for part in content), crc, size),
            _deflated("meta.xml", _meta(when)),
        ],
        when,
    )


# --- each deal -------------------------------------------------------------------------------


def add_deal(ctx: Context, deal: Deal, bundle: Bundle) -> None:
    """The deal's downloads, beside its page."""
    base = f"deals/{deal.slug}"
    content = [_CONTENT_START]
    resources = []
    for table in deal_tables(ctx, deal):
        header = [c.name for c in table.columns]
        values = table_texts(table)
        bundle.add_file(table_path(deal, table), csv_text(header, values).encode("utf-8"))
        content += [_sheet_start(table.name, header), ods_rows(table.columns, values), _END_SHEET]
        resources.append(resource(table, f"{table.name}.csv", table.columns))
    content.append(_CONTENT_END)
    bundle.add_file(f"{base}/deal.json", deal.model_dump_json().encode("utf-8") + b"\n")
    description = f"The tables of {deal.title}, as published on its page. Units are given for each field."
    bundle.add_file(f"{base}/{PACKAGE}", _json(package(f"dealsite-{deal.slug}", deal.title, description, ctx.now, resources)))
    bundle.add_file(f"{base}/{deal.slug}.ods", workbook([_segment("".join(content).encode("utf-8"), final=True)], ctx.now))


# --- the whole site --------------------------------------------------------------------------


def _site_tables(ctx: Context, listing: list[tuple[Deal, list[str]]]) -> list[Table]:
    """Each table any deal publishes, in the order first published, described as in the
    first deal that has it (recomputed for that deal alone), with the deal column first."""
    first: dict[str, Deal] = {}
    for deal, names in listing:
        for name in names:
            first.setdefault(name, deal)
    computed: dict[str, dict[str, Table]] = {}
    site = []
    for name, deal in first.items():
        if deal.slug not in computed:
            computed[deal.slug] = {t.name: t for t in deal_tables(ctx, deal)}
        table = computed[deal.slug][name]
        site.append(
            Table(
                name,
                table.title,
                [DEAL_COLUMN, *table.columns],
                pd.DataFrame(),
                description=f"{table.description} All deals, one row per deal and row.".strip(),
                notes=table.notes,
            )
        )
    return site


# A CSV record as csv.writer writes it: unquoted text, or quoted values (which may hold line
# breaks, quote marks doubled), up to the newline that ends it. Possessive: no backtracking.
_RECORD = re.compile(rb'(?:[^"\n]++|"(?:[^"]++|"")*+")*+\n')


def _prefixed(body: bytes, prefix: bytes) -> bytes:
    """Every record of the body with ``prefix`` (the deal's cell and a comma) in front."""
    if not body:
        return b""
    if b'"' not in body:  # then every line is a record
        return prefix + body[:-1].replace(b"\n", b"\n" + prefix) + b"\n"
    records = _RECORD.findall(body)
    if sum(map(len, records)) != len(body):  # matches never overlap: they must cover the body
        raise ValueError("not CSV as csv.writer writes it")
    return prefix + prefix.join(records)


def _csv_cell(value: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([value])
    return out.getvalue()


def _catalogue_json(ctx: Context, deals: list[bytes]) -> bytes:
    """deals.json: the catalogue, its deals spliced in from each deal's published deal.json."""
    rest = ctx.catalogue.model_copy(update={"deals": []}).model_dump_json()
    empty = '{"deals":[]'
    if not rest.startswith(empty):
        raise ValueError("deals is no longer the catalogue's first field")
    return b'{"deals":[' + b",".join(deals) + b"]" + rest[len(empty):].encode("utf-8") + b"\n"


# --- the site's workbook, spliced from the deals' workbooks -------------------------------------
# Each deal's workbook already holds its rows as ODS XML. For the site's, each sheet's rows get
# the deal's cell in front (a bytes replace: markup in values is escaped, so the row tag cannot
# occur in a value) and are compressed on their own as a raw deflate segment ending on a byte
# boundary (Z_SYNC_FLUSH). Such segments concatenate into one deflate stream, and a zip's CRC-32
# combines from the segments' CRCs, so a deal's segments are kept (site.reused) while the deal
# is unchanged: under `dealsite serve` an edit recompresses one deal.

_SHEET = b'<table:table table:name="'
_ROW_B, _END_ROW_B, _END_SHEET_B = _ROW.encode(), _END_ROW.encode(), _END_SHEET.encode()
_ZEROS = bytes(1 << 20)


def _segment(xml: bytes, final: bool = False, alone: bool = False) -> tuple[bytes, int, int, int]:
    """(raw deflate bytes ending on a byte boundary, or the end of the stream if ``final``;
    the CRC-32 and length of the XML they hold; and, unless ``alone`` (never spliced after
    another), the CRC-32 of as many zero bytes, for :func:`_crc_combine`)."""
    compressor = zlib.compressobj(ODS_LEVEL, zlib.DEFLATED, -15)
    data = compressor.compress(xml) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)
    return data, zlib.crc32(xml), len(xml), 0 if alone else _crc_zeros(len(xml), 0)


def _crc_zeros(length: int, crc: int) -> int:
    while length:
        n = min(length, len(_ZEROS))
        crc = zlib.crc32(memoryview(_ZEROS)[:n], crc)
        length -= n
    return crc


def _crc_combine(crc_a: int, crc_b: int, length_b: int, zeros_b: int) -> int:
    """CRC-32 of A followed by B, from the CRCs of each: CRC-32 is affine in its start value,
    so crc(B, start=crc_a) = crc(B) ^ crc(zeros, start=crc_a) ^ crc(zeros) (``zeros_b``),
    with len(B) zero bytes."""
    return crc_b ^ _crc_zeros(length_b, crc_a) ^ zeros_b


def _content_xml(ods: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(ods)) as workbook:
        return workbook.read("content.xml")


def deal_sheet_segments(ods: bytes, slug: str) -> dict[str, Optional[tuple[bytes, int, int, int]]]:
    """A deal's workbook as the site workbook's segments: each sheet's rows, the deal's cell first."""
    xml = _content_xml(ods)
    start = (_ROW + _string_cells([slug])[0]).encode("utf-8")
    sheets = {}
    for chunk in xml.split(_SHEET)[1:]:
        name_end = chunk.index(b'">')
        rows = chunk[chunk.index(_END_ROW_B) + len(_END_ROW_B):chunk.rindex(_END_SHEET_B)]  # less the header row
        sheets[chunk[:name_end].decode("utf-8")] = _segment(rows.replace(_ROW_B, start)) if rows else None
    return sheets


@dataclass(frozen=True)
class _Published:
    """What the site-wide files take from one deal's published files."""

    segments: dict  # table name -> its rows in the deal's workbook, as a deflate segment, in order
    headers: dict[str, bytes]  # table name -> the first line of its CSV
    rows: dict[str, bytes]  # table name -> its CSV records with the deal's cell in front
    json: bytes  # its deal.json, without the final newline


def _published(bundle: Bundle, deal: Deal) -> _Published:
    segments = deal_sheet_segments(bundle.read_file(f"deals/{deal.slug}/{deal.slug}.ods"), deal.slug)
    prefix = _csv_cell(deal.slug).encode("utf-8") + b","
    headers, rows = {}, {}
    for name in segments:
        data = bundle.read_file(f"deals/{deal.slug}/{name}.csv")
        cut = data.index(b"\n") + 1
        headers[name], rows[name] = data[:cut], _prefixed(data[cut:], prefix)
    return _Published(segments, headers, rows, bundle.read_file(f"deals/{deal.slug}/deal.json").rstrip(b"\n"))


def _zip(entries: list[tuple[str, int, bytes, int, int]], when: dt.datetime) -> bytes:
    """A zip of (name, method, compressed data, CRC-32, size) entries, all dated ``when``:
    written here because zipfile cannot take data already compressed."""
    stamp = when.astimezone(dt.timezone.utc)
    year = max(stamp.year, 1980)
    dos_time = (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2)
    dos_date = ((year - 1980) << 9) | (stamp.month << 5) | stamp.day
    out, central = io.BytesIO(), []
    for name, method, data, crc, size in entries:
        encoded = name.encode("ascii")
        offset = out.tell()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, method, dos_time, dos_date, crc, len(data), size, len(encoded), 0)
        out.write(b"PK\x03\x04" + fields + encoded)
        out.write(data)
        central.append(b"PK\x01\x02" + struct.pack("<H", 0x0314) + fields + struct.pack("<HHHII", 0, 0, 0, 0o644 << 16, offset) + encoded)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(central), len(central), len(directory), start, 0))
    return out.getvalue()


def _deflated(name: str, text: str) -> tuple[str, int, bytes, int, int]:
    data, crc, size, _ = _segment(text.encode("utf-8"), final=True, alone=True)
    return (name, zipfile.ZIP_DEFLATED, data, crc, size)


def site_workbook(ctx: Context, site_tables: list[Table], segments: dict[str, dict]) -> bytes:
    """deals.ods: a sheet per combined table, spliced from the deals' segments."""
    parts = [_segment(_CONTENT_START.encode("utf-8"))]
    for table in site_tables:
        parts.append(_segment(_sheet_start(table.name, [c.name for c in table.columns]).encode("utf-8")))
        for deal in ctx.catalogue.deals:
            part = segments[deal.slug].get(table.name)
            if part is not None:
                parts.append(part)
        parts.append(_segment(_END_SHEET.encode("utf-8")))
    parts.append(_segment(_CONTENT_END.encode("utf-8"), final=True))
    return workbook(parts, ctx.now)


def add(ctx: Context, bundle: Bundle) -> None:
    """The combined tables, deals.json, the site's data package and workbook, and the data page."""
    deals = ctx.catalogue.deals
    # Read from the deals' published files (whichever process or earlier preview wrote them);
    # under `dealsite serve`, kept for deals that did not change (site.reused).
    published = {d.slug: reused(ctx, d, "downloads", lambda d=d: _published(bundle, d)) for d in deals}
    segments = {slug: p.segments for slug, p in published.items()}
    listing = [(d, list(segments[d.slug])) for d in deals]
    site_tables = _site_tables(ctx, listing)
    for table in site_tables:
        header = [c.name for c in table.columns]
        expected = ",".join(header[1:]).encode("utf-8") + b"\n"
        parts = [",".join(header).encode("utf-8") + b"\n"]
        for deal, names in listing:
            if table.name not in names:
                continue
            if published[deal.slug].headers[table.name] != expected:
                raise ValueError(f"deals/{deal.slug}/{table.name}.csv: its columns are not those of {table.name}")
            parts.append(published[deal.slug].rows[table.name])
        bundle.add_file(f"{DATA_DIR}/{table.name}.csv", b"".join(parts))
    bundle.add_file(f"{DATA_DIR}/deals.json", _catalogue_json(ctx, [published[d.slug].json for d in deals]))
    bundle.add_file(
        f"{DATA_DIR}/{PACKAGE}",
        _json(
            package(
                "dealsite",
                "Place deals: all tables",
                "Every table of every published deal, combined, with a deal column. Units are given for each field.",
                ctx.now,
                [resource(t, f"{t.name}.csv", t.columns) for t in site_tables],
            )
        ),
    )
    bundle.add_file(f"{DATA_DIR}/deals.ods", site_workbook(ctx, site_tables, segments))
    page = _data_page(ctx, site_tables)
    bundle.pages.append(page)
    # Found by its tables, not by its row of links for every deal.
    tables = " ".join(f"{t.title}. {t.description}" for t in site_tables)
    index_by_summary(bundle, [page], {page.src_uri: f"{page.description} {tables}"})


DATA_HEADINGS = [(2, "whole-site", "All deals"), (2, "each-deal", "Each deal"), (2, "columns", "Tables and columns")]


def _data_page(ctx: Context, site_tables: list[Table]) -> GeneratedPage:
    html = ctx.env.get_template("progress/data.html").render(
        site_tables=site_tables, deals=ctx.catalogue.deals, now=ctx.now, data_dir=DATA_DIR
    )
    headings = [Heading(*h) for h in DATA_HEADINGS] + [Heading(3, f"table-{t.name}", t.title) for t in site_tables]
    return GeneratedPage(
        src_uri="data.md",
        title="Open data",
        html=html,
        headings=headings,
        description="Every table on the site as CSV, JSON and ODS, with a Frictionless data package.",
    )
