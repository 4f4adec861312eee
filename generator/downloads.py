"""Open data: every table of every deal as CSV, JSON, ODS and a Frictionless data package.

Per deal, beside its page (``deals/<slug>/``): one CSV per table, ``deal.json`` (the
validated, embargo-filtered deal), ``datapackage.json`` (a Frictionless Data Package
with a table schema for every CSV) and ``<slug>.ods`` (one sheet per table).
For the whole site, under ``data/``: the same tables for all deals combined (a first
``deal`` column), ``deals.json``, ``datapackage.json`` and ``deals.ods``; and the
downloads page ``data.md`` documenting every column and unit.

One :class:`tables.Column` list describes each table for the page, the CSV and the
table schema. Output is byte-identical for the same input and build time: JSON keys
in the model's order, CSV values written exactly (``Decimal`` never in exponent form),
ODS zip entries stamped with the build time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import zipfile
from decimal import Decimal
from typing import Iterable

import pandas as pd

from .budget import budget_tables
from .model import Deal
from .progress import progress_tables
from .site import Bundle, Context, GeneratedPage, Heading
from .tables import Column, Table

DATA_DIR = "data"
DEAL_COLUMN = Column("deal", "Deal", "string", description="The deal's identifier (its file name in deals/ and its page address)")
MISSING = ""


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


def csv_bytes(columns: list[Column], rows: Iterable[Iterable]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def rows(frame: pd.DataFrame, columns: list[Column]) -> Iterable[tuple]:
    """The frame's rows as tuples of the documented columns, in order (values as stored)."""
    return zip(*(frame[c.name].tolist() for c in columns)) if len(frame) else iter(())


def table_csv(table: Table) -> bytes:
    """UTF-8 CSV with the documented columns in order, Unix newlines."""
    return csv_bytes(table.columns, rows(table.frame, table.columns))


def _json(data, *, compact: bool = False) -> bytes:
    """Keys in the model's order. Deal data is compact: indenting forces Python's slow encoder."""
    if compact:
        return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


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
# took about half a second per deal, too slow for a thousand deals. Read back with
# pandas.read_excel(engine="odf") in the tests.

ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
NUMERIC = ("number", "integer")
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


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _ods_cell(value, numeric: bool) -> str:
    """One cell: numbers as floats where the CSV text is a number, dates as dates, else text."""
    text = cell(value)
    if text == MISSING:
        return "<table:table-cell/>"
    if isinstance(value, (dt.date,)) and not isinstance(value, dt.datetime):
        return f'<table:table-cell office:value-type="date" office:date-value="{text}"><text:p>{text}</text:p></table:table-cell>'
    if numeric or isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        try:
            Decimal(text)
        except ArithmeticError:
            pass
        else:
            return f'<table:table-cell office:value-type="float" office:value="{text}"><text:p>{text}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{_xml(text)}</text:p></table:table-cell>'


def ods_bytes(sheets: list[tuple[str, list[Column], pd.DataFrame]], when: dt.datetime) -> bytes:
    """An OpenDocument spreadsheet, one sheet per table, byte-identical for the same input."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2"><office:body><office:spreadsheet>']
    for name, columns, frame in sheets:
        parts.append(f'<table:table table:name="{_xml(name)}">')
        parts.append("<table:table-row>" + "".join(_ods_cell(c.name, False) for c in columns) + "</table:table-row>")
        numeric = [c.type in NUMERIC for c in columns]
        for row in rows(frame, columns):
            parts.append("<table:table-row>" + "".join(_ods_cell(v, n) for v, n in zip(row, numeric)) + "</table:table-row>")
        parts.append("</table:table>")
    parts.append("</office:spreadsheet></office:body></office:document-content>\n")
    stamp = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS} office:version="1.2"><office:meta>'
        f"<meta:generator>dealsite</meta:generator><meta:creation-date>{stamp}</meta:creation-date>"
        f"<dc:date>{stamp}</dc:date></office:meta></office:document-meta>\n"
    )
    return _zip([("mimetype", ODS_MIME), ("META-INF/manifest.xml", _MANIFEST), ("content.xml", "".join(parts)), ("meta.xml", meta)], when)


def _zip(entries: list[tuple[str, str]], when: dt.datetime) -> bytes:
    """A zip with every entry dated ``when``; the mimetype first and stored, as ODF requires."""
    stamp = when.astimezone(dt.timezone.utc).timetuple()[:6]
    stamp = (max(stamp[0], 1980),) + stamp[1:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, text in entries:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, text.encode("utf-8"))
    return out.getvalue()


# --- the bundle ------------------------------------------------------------------------------


def add(ctx: Context, bundle: Bundle) -> None:
    combined: dict[str, tuple[Table, list[pd.DataFrame]]] = {}
    per_deal = []
    for deal in ctx.catalogue.deals:
        tables = deal_tables(ctx, deal)
        per_deal.append((deal, tables))
        base = f"deals/{deal.slug}"
        for table in tables:
            bundle.files[table_path(deal, table)] = table_csv(table)
            frame = table.frame[[c.name for c in table.columns]].copy()
            frame.insert(0, DEAL_COLUMN.name, deal.slug)
            combined.setdefault(table.name, (table, []))[1].append(frame)
        bundle.files[f"{base}/deal.json"] = _json(deal.model_dump(mode="json"), compact=True)
        bundle.files[f"{base}/datapackage.json"] = _json(
            package(
                f"dealsite-{deal.slug}",
                deal.title,
                f"The tables of {deal.title}, as published on its page. Units are given for each field.",
                ctx.now,
                [resource(t, f"{t.name}.csv", t.columns) for t in tables],
            )
        )
        bundle.files[f"{base}/{deal.slug}.ods"] = ods_bytes([(t.name, t.columns, t.frame) for t in tables], ctx.now)

    site_tables = []
    for name, (first, frames) in combined.items():
        columns = [DEAL_COLUMN, *first.columns]
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[c.name for c in columns])
        table = Table(name, first.title, columns, frame, description=f"{first.description} All deals, one row per deal and row.".strip())
        site_tables.append(table)
        bundle.files[f"{DATA_DIR}/{name}.csv"] = csv_bytes(columns, rows(frame, columns))
    bundle.files[f"{DATA_DIR}/deals.json"] = _json(ctx.catalogue.model_dump(mode="json"), compact=True)
    bundle.files[f"{DATA_DIR}/datapackage.json"] = _json(
        package(
            "dealsite",
            "Place deals: all tables",
            "Every table of every published deal, combined, with a deal column. Units are given for each field.",
            ctx.now,
            [resource(t, f"{t.name}.csv", t.columns) for t in site_tables],
        )
    )
    bundle.files[f"{DATA_DIR}/deals.ods"] = ods_bytes([(t.name, t.columns, t.frame) for t in site_tables], ctx.now)
    bundle.pages.append(_data_page(ctx, site_tables, per_deal))


DATA_HEADINGS = [(2, "whole-site", "All deals"), (2, "each-deal", "Each deal"), (2, "columns", "Tables and columns")]


def _data_page(ctx: Context, site_tables: list[Table], per_deal: list) -> GeneratedPage:
    html = ctx.env.get_template("progress/data.html").render(
        site_tables=site_tables, per_deal=per_deal, now=ctx.now, data_dir=DATA_DIR
    )
    headings = [Heading(*h) for h in DATA_HEADINGS] + [Heading(3, f"table-{t.name}", t.title) for t in site_tables]
    return GeneratedPage(
        src_uri="data.md",
        title="Open data",
        html=html,
        headings=headings,
        description="Every table on the site as CSV, JSON and ODS, with a Frictionless data package.",
    )
