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
WINDOW = 1 << 20  # characters of a long text looked at at once


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
        yield from lines_in_windows("\n".join(row) for row in csv.reader(text))
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


def lines_in_windows(lines: Iterator[str]) -> Iterator[str]:
    """``"\\n".join(lines)`` in consecutive pieces of about WINDOW characters: each piece after
    the first starts with the line break that joins it to the one before."""
    for i, batch in enumerate(batches(lines, WINDOW)):
        yield ("\n" if i else "") + "\n".join(batch)


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


# --- JSON, a part at a time ------------------------------------------------------------------

OPENED = object()  # json_parts: a container whose members follow as parts of their own


class _Repeated(dict):
    """A JSON object that gives a key more than once: the last value of each key, as json.loads
    reads it, with every pair in document order kept beside (``pairs``), so that strings() reads
    the values json.loads would drop too."""

    def __init__(self, pairs: list[tuple[str, object]]):
        super().__init__(pairs)
        self.pairs = pairs


def _object(pairs: list[tuple[str, object]]) -> dict:
    found = dict(pairs)
    return found if len(found) == len(pairs) else _Repeated(pairs)


_DECODER = json.JSONDecoder(object_pairs_hook=_object)


def values_of(value: dict, key: str) -> list:
    """Every value ``key`` has in a decoded JSON object, in document order: more than one where
    the document gives the key more than once (json.loads keeps only the last)."""
    if isinstance(value, _Repeated):
        return [item for name, item in value.pairs if name == key]
    return [value[key]] if key in value else []
_SPACE = json.decoder.WHITESPACE


def json_text(data: bytes) -> tuple[str, bool]:
    """A JSON file's text as json.loads reads its bytes (UTF-8, -16 or -32; a UTF-8 byte-order
    mark dropped), or as UTF-8 with bytes that do not decode replaced; and whether it was read
    as UTF-8 (json.loads guesses UTF-16 from a NUL in the first two bytes, whatever follows)."""
    encoding = json.detect_encoding(data)
    try:
        return data.decode(encoding, "surrogatepass"), encoding.startswith("utf-8")
    except UnicodeDecodeError:  # a byte-order mark read as UTF-8 is no text either
        return data.decode("utf-8", errors="replace").removeprefix("\ufeff"), True


def json_parts(text: str, depth: int = 2) -> Iterator[tuple[tuple, object]]:
    """The JSON document ``text`` in document order, a part at a time: ``(path, value)`` for the
    document and for every member of a container less than ``depth`` deep, ``path`` being the
    keys and indices that lead to it. A container less than ``depth`` deep is given as OPENED,
    its members after it; anything deeper is decoded whole. So data/deals.json is read a deal
    at a time: whole, its 56 MB at 1,000 deals took 440 MB parsed. Raises ValueError where
    json.loads would, and RecursionError where it would. A key given twice in an object less
    than ``depth`` deep gives both values; deeper, a dict of the last values (as json.loads
    gives) that keeps the others too (:class:`_Repeated`), which strings() reads."""
    end = yield from _parts(text, _SPACE.match(text, 0).end(), (), depth)
    if _SPACE.match(text, end).end() != len(text):
        raise ValueError("extra data after the JSON document")


def _parts(text: str, at: int, path: tuple, depth: int) -> Iterator[tuple[tuple, object]]:
    opening = text[at : at + 1]
    if len(path) >= depth or opening not in ("{", "["):
        value, end = _DECODER.raw_decode(text, at)
        yield path, value
        return end
    yield path, OPENED
    closing = "}" if opening == "{" else "]"
    at = _SPACE.match(text, at + 1).end()
    if text[at : at + 1] == closing:
        return at + 1
    index = 0
    while True:
        if closing == "}":
            if text[at : at + 1] != '"':
                raise ValueError(f"expected a key at character {at}")
            member, at = json.decoder.scanstring(text, at + 1)
            at = _SPACE.match(text, at).end()
            if text[at : at + 1] != ":":
                raise ValueError(f"expected ':' at character {at}")
            at = _SPACE.match(text, at + 1).end()
        else:
            member, index = index, index + 1
        at = _SPACE.match(text, (yield from _parts(text, at, (*path, member), depth))).end()
        if text[at : at + 1] == ",":
            at = _SPACE.match(text, at + 1).end()
        elif text[at : at + 1] == closing:
            return at + 1
        else:
            raise ValueError(f"expected ',' or '{closing}' at character {at}")


def part_strings(path: tuple, value: object) -> list[str]:
    """What a part of json_parts adds to strings() of the whole document: its key, and its keys
    and scalars unless it is OPENED."""
    found = [path[-1]] if path and isinstance(path[-1], str) else []
    return found if value is OPENED else found + strings(value)


def text_of(name: str, data: bytes) -> str:
    """The readable text of a file read whole, entities and escapes undone, for looking up held-back text."""
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    text = data.decode("utf-8", errors="replace")
    if name.endswith(".json"):
        try:
            return "\n".join(strings(_DECODER.decode(text)))
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
            for key, item in reversed(value.pairs if isinstance(value, _Repeated) else value.items()):
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
