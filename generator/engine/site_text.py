"""What the files of a built site say, for the last check (``gate.py``): the text of every
file and of everything packed inside it (gzip, zip members such as a spreadsheet's
content.xml), PDF text extracted, entities undone, CSV cells unquoted.

A PDF, JSON and markup are read whole, to be parsed as documents. Anything else is only
searched, so it is read as a stream in pieces of about WINDOW characters: a 700 MB
spreadsheet member costs a few MB (the caller carries the end of each piece into the next).
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import zipfile
from typing import BinaryIO, Iterator

# Markdown pages (an export's: HTML in Markdown) are read as HTML too, since an engine passes
# their HTML through to the pages it builds.
MARKDOWN = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
MARKUP = (".html", ".htm", ".svg", ".xhtml", *MARKDOWN)  # read as a browser would, for unsafe markup
WINDOW = 1 << 22  # characters of a long text looked at at once


def contents(name: str, stream: BinaryIO) -> Iterator[tuple[str, BinaryIO]]:
    """(name, stream) of the file and of everything packed inside it, unpacked as it is read."""
    if name.endswith(".gz"):
        yield from contents(name[: -len(".gz")], gzip.GzipFile(fileobj=stream))
        return
    if head(stream, 4) == b"PK\x03\x04":
        # ZipFile seeks: a file on disk can, a member of a gzip or of another zip is read first
        source = stream if isinstance(stream, io.BufferedReader) else io.BytesIO(stream.read())
        with zipfile.ZipFile(source) as archive:
            for member in archive.namelist():
                with archive.open(member) as inner:
                    yield from contents(f"{name}!{member}", inner)
        return
    yield name, stream


def head(stream: BinaryIO, size: int) -> bytes:
    """The first ``size`` bytes, the stream left at its start. A peek can give fewer than
    there are (a gzip file of several members gives the first member's), so then they are
    read and the stream rewound."""
    head = stream.peek(size)[:size]
    if len(head) < size and stream.seekable():
        head = stream.read(size)
        stream.seek(0)
    return head


def read_whole(name: str, stream: BinaryIO) -> bool:
    """Whether a member is read whole: a PDF, JSON and markup are parsed as documents."""
    return name.endswith((".json", *MARKUP)) or head(stream, 5) == b"%PDF-"


def windows(name: str, stream: BinaryIO) -> Iterator[str]:
    """The readable text of a file not parsed whole (a CSV's cells unquoted, anything else with
    entities undone), in consecutive pieces of about WINDOW characters that join into the
    whole: an entity cut at a piece's end is held back for the next piece."""
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
    if name.endswith(".csv"):  # whole rows, their cells unquoted
        rows = ("\n".join(row) for row in csv.reader(text))
        first = True
        for batch in batches(rows, WINDOW):
            yield ("" if first else "\n") + "\n".join(batch)
            first = False
        return
    held = ""
    for chunk in iter(lambda: text.read(WINDOW), ""):
        chunk = held + chunk
        cut = _UNFINISHED_ENTITY.search(chunk)
        held, chunk = (chunk[cut.start() :], chunk[: cut.start()]) if cut else ("", chunk)
        yield html.unescape(chunk)
    if held:
        yield html.unescape(held)


# An entity (as html.unescape reads them) that more characters could still complete.
_UNFINISHED_ENTITY = re.compile(r"&(?:#[0-9]*|#[xX][0-9a-fA-F]*|[^\t\n\f <&#;]{0,32})\Z")


def last(text: str, size: int) -> str:
    """The last ``size`` characters of text (none for 0; all of a shorter text)."""
    return text[len(text) - size :] if size < len(text) else text if size else ""


def batches(pieces: Iterator[str], size: int) -> Iterator[list[str]]:
    """Consecutive pieces, in lists of about ``size`` characters."""
    batch, length = [], 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece) + 1
        if length >= size:
            yield batch
            batch, length = [], 0
    if batch:
        yield batch


def text_of(name: str, data: bytes) -> str:
    """The readable text of a file read whole, entities and escapes undone, for looking up held-back text."""
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    text = data.decode("utf-8", errors="replace")
    if name.endswith(".json"):
        try:
            return "\n".join(strings(json.loads(text)))
        except ValueError:
            return text
    return html.unescape(text)


def strings(value) -> list[str]:
    """Every key and scalar of a JSON value as text, in document order.

    Walked with an explicit stack: nested generators cost a call per level for every string,
    and a search index or deals.json is a few million strings deep (2.7e7 calls at 300 deals).
    """
    found: list[str] = []
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                stack.append(item)
                stack.append(str(key))
        elif isinstance(value, list):
            stack.extend(reversed(value))
        elif value is not None:
            found.append(str(value))
    return found


def squeeze(text: str) -> str:
    """Case and spacing removed: how text is compared (a PDF breaks lines anywhere).

    ``str.split()`` splits on exactly the characters ``\\s`` matches in a str pattern
    (``str.isspace``), several times faster than ``re.sub`` on a large page."""
    return "".join(text.split()).casefold()
