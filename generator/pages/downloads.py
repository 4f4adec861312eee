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
deals these files are several million cells. CSV text that a spreadsheet would run as a
formula gets a leading apostrophe, in one place (:func:`csv_cells`); ODS and JSON keep it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from decimal import Decimal
from itertools import repeat
from typing import Iterable, Iterator, Sequence

import pandas as pd

from ..compute.agreements import agreement_tables
from ..compute.budget import budget_tables
from ..compute.progress_tables import progress_tables
from ..compute.record import history_table
from ..compute.tables import Column, Table
from ..model import Deal
from .bundle import Bundle, Context, GeneratedPage, Heading, index_by_summary, reused
from .evidence import status_histories
from .links import DATA_URI
from .ods import (
    CONTENT_END,
    CONTENT_START,
    END_SHEET,
    deal_sheet_segments,
    ods_rows,
    segment,
    sheet_start,
    workbook,
)

DATA_DIR = "data"
DEAL_COLUMN = Column("deal", "Deal", "string", description="The deal's identifier (its file name in deals/ and its page address)")
MISSING = ""
PACKAGE = "datapackage.json"


def deal_tables(ctx: Context, deal: Deal) -> list[Table]:
    """Every table the deal publishes. The agreement tables (compute/agreements.py) are only
    those with rows: ``agreements.agreement_csvs(deal)`` names them for pages that link them."""
    today = ctx.now.date()
    tables = budget_tables(deal, ctx.catalogue.deflators) + progress_tables(deal, today) + agreement_tables(deal, ctx.catalogue.powers, today)
    return tables + [history_table(deal, today, status_histories(ctx, deal))]  # each outcome's status history (compute/record.py)


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


# CSV injection (OWASP): a spreadsheet opening a CSV runs a cell that begins with one of these
# as a formula (=HYPERLINK(...), +cmd|..., @SUM(...), -2+3). Such a cell is written with a
# leading apostrophe, which spreadsheets take as "this is text".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
FORMULA_NOTE = (
    "In the CSV files, text that begins with =, +, -, @, a tab or a carriage return is written with a "
    "leading apostrophe (') so that spreadsheets do not run it as a formula; numbers are written as they are."
)
# What a number column's cells are (cell(): exact decimals, never exponent form). A negative
# number begins with "-" and stays as it is: it is a value, not a formula, in any spreadsheet.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_NUMBER_TYPES = ("number", "integer")


def csv_cells(column: Column, values: list[str]) -> list[str]:
    """One column's CSV texts made safe to open in a spreadsheet: the one place every cell of
    every CSV goes through (each deal's CSVs by :func:`csv_text`, and the deal's cell the
    site-wide CSVs put in front of its records, by :func:`_deal_cell`). A cell beginning with
    a character of ``FORMULA_START`` gets a leading apostrophe, unless it is a number in a
    number column; dates, booleans and numbers never begin with one. The ODS and JSON files
    keep the text as it is: their cells are typed, and JSON is data."""
    if column.type in _NUMBER_TYPES:
        return [FORMULA_GUARD + v if v.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(v) else v for v in values]
    return [FORMULA_GUARD + v if v.startswith(FORMULA_START) else v for v in values]


def csv_text(columns: Sequence[Column], values: list[list[str]]) -> str:
    """UTF-8 CSV text: a header row (the columns' names: lowercase letters, digits and
    underscores), then the columns' values row by row through :func:`csv_cells`, Unix newlines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    writer.writerows(zip(*(csv_cells(c, v) for c, v in zip(columns, values))))
    return out.getvalue()


def table_csv(table: Table) -> bytes:
    """UTF-8 CSV with the documented columns in order, Unix newlines."""
    return csv_text(table.columns, table_texts(table)).encode("utf-8")


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
# --- each deal -------------------------------------------------------------------------------


def add_deal(ctx: Context, deal: Deal, bundle: Bundle) -> None:
    """The deal's downloads, beside its page."""
    base = f"deals/{deal.slug}"
    content = [CONTENT_START]
    resources = []
    for table in deal_tables(ctx, deal):
        values = table_texts(table)  # as they are: the workbook's cells are typed, the CSV's made safe
        bundle.add_file(table_path(deal, table), csv_text(table.columns, values).encode("utf-8"))
        content += [sheet_start(table.name, [c.name for c in table.columns]), ods_rows(table.columns, values), END_SHEET]
        resources.append(resource(table, f"{table.name}.csv", table.columns))
    content.append(CONTENT_END)
    bundle.add_file(f"{base}/deal.json", deal.model_dump_json().encode("utf-8") + b"\n")
    description = f"The tables of {deal.title}, as published on its page. Units are given for each field. {FORMULA_NOTE}"
    bundle.add_file(f"{base}/{PACKAGE}", _json(package(f"dealsite-{deal.slug}", deal.title, description, ctx.now, resources)))
    bundle.add_file(f"{base}/{deal.slug}.ods", workbook([segment("".join(content).encode("utf-8"), final=True)], ctx.now))


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


def _deal_cell(slug: str) -> str:
    """The deal column's cell, as the site-wide CSVs put it in front of the deal's records."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(csv_cells(DEAL_COLUMN, [slug]))
    return out.getvalue()


def _catalogue_json(ctx: Context, deals: Iterable[bytes]) -> Iterator[bytes]:
    """deals.json, a part at a time: the catalogue, its deals spliced in from each deal's
    published deal.json (without its final newline)."""
    rest = ctx.catalogue.model_copy(update={"deals": []}).model_dump_json()
    empty = '{"deals":[]'
    if not rest.startswith(empty):
        raise ValueError("deals is no longer the catalogue's first field")
    yield b'{"deals":['
    for i, deal in enumerate(deals):
        yield b"," + deal if i else deal
    yield b"]" + rest[len(empty):].encode("utf-8") + b"\n"


# What the site-wide files take from each deal's published files, read back one deal and one
# file at a time as the site-wide file is written (under `dealsite serve`, kept for deals that
# did not change: bundle.reused). A one-off build never holds them all: at a thousand deals
# they were 160 MB, on top of the files made from them.


def _sheet_segments(ctx: Context, bundle: Bundle, deal: Deal) -> dict:
    """Table name -> its rows in the deal's workbook, as a deflate segment, in the deal's order."""
    return reused(ctx, deal, "downloads:ods", lambda: deal_sheet_segments(bundle.read_file(f"deals/{deal.slug}/{deal.slug}.ods"), deal.slug))


def _deal_json(ctx: Context, bundle: Bundle, deal: Deal) -> bytes:
    return reused(ctx, deal, "downloads:json", lambda: bundle.read_file(f"deals/{deal.slug}/deal.json").rstrip(b"\n"))


def _deal_records(ctx: Context, bundle: Bundle, deal: Deal, table: Table) -> bytes:
    """The deal's CSV records of ``table`` with the deal's cell in front, once its header is
    checked against the site-wide table's."""

    def records() -> bytes:
        data = bundle.read_file(f"deals/{deal.slug}/{table.name}.csv")
        cut = data.index(b"\n") + 1
        if data[:cut] != ",".join(c.name for c in table.columns[1:]).encode("utf-8") + b"\n":
            raise ValueError(f"deals/{deal.slug}/{table.name}.csv: its columns are not those of {table.name}")
        return _prefixed(data[cut:], _deal_cell(deal.slug).encode("utf-8") + b",")

    return reused(ctx, deal, f"downloads:{table.name}", records)


def _site_csv(ctx: Context, bundle: Bundle, table: Table, listing: list[tuple[Deal, list[str]]]) -> Iterator[bytes]:
    yield ",".join(c.name for c in table.columns).encode("utf-8") + b"\n"
    for deal, names in listing:
        if table.name in names:
            yield _deal_records(ctx, bundle, deal, table)


def site_workbook(ctx: Context, site_tables: list[Table], segments: dict[str, dict]) -> bytes:
    """deals.ods: a sheet per combined table, spliced from the deals' segments."""
    parts = [segment(CONTENT_START.encode("utf-8"))]
    for table in site_tables:
        parts.append(segment(sheet_start(table.name, [c.name for c in table.columns]).encode("utf-8")))
        for deal in ctx.catalogue.deals:
            part = segments[deal.slug].get(table.name)
            if part is not None:
                parts.append(part)
        parts.append(segment(END_SHEET.encode("utf-8")))
    parts.append(segment(CONTENT_END.encode("utf-8"), final=True))
    return workbook(parts, ctx.now)


def add(ctx: Context, bundle: Bundle) -> None:
    """The combined tables, deals.json, the site's data package and workbook, and the data page.

    Made from the deals' published files (whichever process or earlier preview wrote them)."""
    deals = ctx.catalogue.deals
    segments = {d.slug: _sheet_segments(ctx, bundle, d) for d in deals}
    listing = [(d, list(segments[d.slug])) for d in deals]
    site_tables = _site_tables(ctx, listing)
    for table in site_tables:
        bundle.add_file_parts(f"{DATA_DIR}/{table.name}.csv", _site_csv(ctx, bundle, table, listing))
    bundle.add_file_parts(f"{DATA_DIR}/deals.json", _catalogue_json(ctx, (_deal_json(ctx, bundle, d) for d in deals)))
    bundle.add_file(
        f"{DATA_DIR}/{PACKAGE}",
        _json(
            package(
                "dealsite",
                "Place deals: all tables",
                f"Every table of every published deal, combined, with a deal column. Units are given for each field. {FORMULA_NOTE}",
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
        src_uri=DATA_URI,
        title="Open data",
        html=html,
        headings=headings,
        description="Every table on the site as CSV, JSON and ODS, with a Frictionless data package.",
    )
