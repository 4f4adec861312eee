"""OpenDocument spreadsheets (ODS), written directly, and spliced without recompressing.

pandas' odfpy writer took about half a second per deal; this writes the parts a
spreadsheet needs (OpenDocument 1.2) from string templates, column by column. Cells are
typed by their column's schema type: numbers as floats, dates as dates, anything else as
text. Read back with pandas.read_excel(engine="odf") in the tests.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from itertools import chain
from typing import Iterable, Optional

from ..compute.tables import Column

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
_ROW, _END_ROW, END_SHEET = "<table:table-row>", "</table:table-row>", "</table:table>"
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


def string_cells(values: list[str]) -> list[str]:
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
        return [make(v) if one.fullmatch(v) else string_cells([v])[0] for v in values]
    return string_cells(values)


def ods_rows(columns: list[Column], values: list[list[str]], row_start: str = _ROW) -> str:
    """Table rows for the columns' values; ``row_start`` may carry leading cells (the deal)."""
    if not values or not values[0]:
        return ""
    cells = [ods_cells(c, v) for c, v in zip(columns, values)]
    cells[0] = [row_start + c for c in cells[0]]
    cells[-1] = [c + _END_ROW for c in cells[-1]]
    return "".join(chain.from_iterable(zip(*cells)))


def ods_header(names: Iterable[str]) -> str:
    return _ROW + "".join(string_cells(list(names))) + _END_ROW


CONTENT_START = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2"><office:body><office:spreadsheet>'
CONTENT_END = "</office:spreadsheet></office:body></office:document-content>\n"


def sheet_start(name: str, header: Iterable[str]) -> str:
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
    :func:`segment`; the last one final), dated ``when``: byte-identical for the same input."""
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


# --- the site's workbook, spliced from the deals' workbooks -------------------------------------
# Each deal's workbook already holds its rows as ODS XML. For the site's, each sheet's rows get
# the deal's cell in front (a bytes replace: markup in values is escaped, so the row tag cannot
# occur in a value) and are compressed on their own as a raw deflate segment ending on a byte
# boundary (Z_SYNC_FLUSH). Such segments concatenate into one deflate stream, and a zip's CRC-32
# combines from the segments' CRCs, so a deal's segments are kept (site.reused) while the deal
# is unchanged: under `dealsite serve` an edit recompresses one deal.

_SHEET = b'<table:table table:name="'
_ROW_B, _END_ROW_B, END_SHEET_B = _ROW.encode(), _END_ROW.encode(), END_SHEET.encode()
_ZEROS = bytes(1 << 20)


def segment(xml: bytes, final: bool = False, alone: bool = False) -> tuple[bytes, int, int, int]:
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
    start = (_ROW + string_cells([slug])[0]).encode("utf-8")
    sheets = {}
    for chunk in xml.split(_SHEET)[1:]:
        name_end = chunk.index(b'">')
        rows = chunk[chunk.index(_END_ROW_B) + len(_END_ROW_B):chunk.rindex(END_SHEET_B)]  # less the header row
        sheets[chunk[:name_end].decode("utf-8")] = segment(rows.replace(_ROW_B, start)) if rows else None
    return sheets


# Sizes and offsets from here on need ZIP64 records: a 4-byte field holds at most 0xFFFFFFFE,
# and 0xFFFFFFFF there means "see the ZIP64 extra field". The site's workbook passes this at
# about 6,000 deals (issue 13: the build at 10,000 failed writing it).
ZIP64_FROM = 0xFFFFFFFF
_SEE_ZIP64 = 0xFFFFFFFF  # what a 4-byte field holds when its value is in the ZIP64 record


def _zip(entries: list[tuple[str, int, bytes, int, int]], when: dt.datetime) -> bytes:
    """A zip of (name, method, compressed data, CRC-32, size) entries, all dated ``when``:
    written here because zipfile cannot take data already compressed. Small zips are plain
    (version 2.0); an entry, offset or directory past 4 GiB gets ZIP64 records (version 4.5),
    which zipfile, unzip and 7-Zip read."""
    stamp = when.astimezone(dt.timezone.utc)
    year = max(stamp.year, 1980)
    dos_time = (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2)
    dos_date = ((year - 1980) << 9) | (stamp.month << 5) | stamp.day
    out, central = io.BytesIO(), []
    for name, method, data, crc, size in entries:
        encoded = name.encode("ascii")
        offset = out.tell()
        big = size >= ZIP64_FROM or len(data) >= ZIP64_FROM
        local_extra = struct.pack("<HHQQ", 1, 16, size, len(data)) if big else b""
        sizes = (_SEE_ZIP64, _SEE_ZIP64) if big else (len(data), size)
        version = 45 if big or offset >= ZIP64_FROM else 20
        fields = struct.pack("<HHHHHIII", version, 0, method, dos_time, dos_date, crc, *sizes)
        out.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), len(local_extra)) + encoded + local_extra)
        out.write(data)
        # The central directory's ZIP64 field holds, in this order, only what overflowed.
        wide = ([size, len(data)] if big else []) + ([offset] if offset >= ZIP64_FROM else [])
        extra = struct.pack(f"<HH{len(wide)}Q", 1, 8 * len(wide), *wide) if wide else b""
        central.append(
            b"PK\x01\x02" + struct.pack("<H", 0x0300 | version) + fields
            + struct.pack("<HHHHHII", len(encoded), len(extra), 0, 0, 0, 0o644 << 16, _SEE_ZIP64 if offset >= ZIP64_FROM else offset) + encoded + extra
        )
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    wide_end = start >= ZIP64_FROM or len(directory) >= ZIP64_FROM
    if wide_end:
        end64 = out.tell()
        out.write(b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 0x032D, 45, 0, 0, len(central), len(central), len(directory), start))
        out.write(b"PK\x06\x07" + struct.pack("<IQI", 0, end64, 1))
    ends = (_SEE_ZIP64, _SEE_ZIP64) if wide_end else (len(directory), start)
    out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(central), len(central), *ends, 0))
    return out.getvalue()


def _deflated(name: str, text: str) -> tuple[str, int, bytes, int, int]:
    data, crc, size, _ = segment(text.encode("utf-8"), final=True, alone=True)
    return (name, zipfile.ZIP_DEFLATED, data, crc, size)


