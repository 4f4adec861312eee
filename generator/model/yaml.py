"""Read YAML without its traps, remembering the line of every value.

PyYAML's safe loader still turns ``no`` into ``False``, ``1:20`` into 80 and
``012`` into 10, keeps the last of two duplicate keys, and follows aliases.
Communications teams write these by accident; each becomes a :class:`YamlError`
naming the line, instead of silently changed data.

One composer, :func:`_compose`, turns the parser's events into data, and it is the
only one: it refuses an alias at its first AliasEvent (so a "billion laughs" file is
refused after reading a few hundred bytes, never expanded), a merge key, an explicit
tag and nesting deeper than :data:`MAX_DEPTH`, and builds plain dicts, lists and
scalars directly, without YAML's node graph. Its events come from libyaml's parser
(``CParser``) when PyYAML has it, and otherwise, or when libyaml refuses the text, from
PyYAML's pure-Python parser, which words every syntax error as before (libyaml's
messages differ). Either way the same composer sees the same events.

The line map (path tuple to line number) is needed only to report a problem, so it is
made when first asked for, by composing the text again.

Floor 2 (beside ``load.py``); of the model it knows only :class:`FloatLiteral`,
which keeps unquoted decimals exact. ``load.py`` maps ``lines`` onto validation errors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable, Optional

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .digest import memoised
from .syntax import explain, key_of
from .types import FloatLiteral

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
# The longest plain number read as a number (no number in a deal is near it). Longer ones
# are refused: Python refuses int() of more than 4,300 digits, and Decimal arithmetic on
# them would be slow for nothing.
MAX_NUMBER_LENGTH = 100

TAG = "tag:yaml.org,2002:"
BOOLEAN_TRUE = {"true", "True", "TRUE"}
BOOLEAN_FALSE = {"false", "False", "FALSE"}
PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
PLAIN_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)\.[0-9]+$")
# Where the field is not known to be text or true/false: problems.yaml_problem words it for its field.
YES_NO = "{text} is read by YAML as a yes/no value (if it is text, put it in quotes; if it is a yes/no field, write true or false)"
EMPTY = "file is empty (expected a mapping starting with title:)"

Path = tuple


@dataclass
class YamlError(Exception):
    line: int
    path: Path
    message: str
    kind: str = ""  # "yes-no": a plain yes, no, on or off, worded for its field by problems.yaml_problem
    value: str = ""


@dataclass
class Document:
    data: object
    lines: dict[Path, int] = field(default_factory=dict)
    source: Optional[str] = None  # the text as written, for messages that quote a line

    def source_line(self, line: int) -> Optional[str]:
        """Line ``line`` (from 1) of the text as written, or None when it is not known."""
        if self.source is None:
            return None
        lines = self.source.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None


# --- where events come from ------------------------------------------------------------


class _PythonParser(Reader, Scanner, Parser):
    """PyYAML's pure-Python reader, scanner and parser: events, with PyYAML's own messages."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)

    def dispose(self) -> None:
        self.states = []
        self.state = None


try:  # libyaml's parser, when PyYAML was built with it: the same events, several times faster
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CParser = None


# --- the composer ------------------------------------------------------------------------

_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, _MERGE = (TAG + t for t in ("str", "null", "bool", "int", "float", "timestamp", "merge"))
# Resolver.resolve's table by first character, with the wildcard entries appended (as it does).
_WILDCARD = tuple(Resolver.yaml_implicit_resolvers.get(None, ()))
_IMPLICIT = {first: tuple(found) + _WILDCARD for first, found in Resolver.yaml_implicit_resolvers.items() if first is not None}
_NO_KEY = object()  # a mapping waiting for its next key


class _Trap:
    """A plain scalar YAML would read differently from how it looks: the message, without a line."""

    __slots__ = ("message", "kind", "value")

    def __init__(self, message: str, kind: str = "", value: str = ""):
        self.message, self.kind, self.value = message, kind, value


class _NeedLines(Exception):
    """A message needs the line map (a duplicate key names the line of the first)."""


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(TAG):] if tag.startswith(TAG) else tag


def _compose(next_event: Callable[[], object], lines: Optional[dict]) -> object:
    """The document's data from its events; ``lines`` (when a dict) receives the line map.

    Iterative, with an explicit stack of open collections, so depth costs no recursion. The
    innermost open collection is kept in locals (``top``, whether it is a mapping, its path,
    its pending key and that key's line), the ones around it on ``stack``. A collection is
    put into its parent when it starts; its parent's key is released when it ends.
    """
    next_event()  # StreamStartEvent
    event = next_event()
    if event.__class__ is StreamEndEvent:
        raise YamlError(1, (), EMPTY)
    stack: list[tuple] = []
    top: object = None
    is_map, path, key, key_line = False, (), _NO_KEY, 0
    depth = 0  # open collections; the node being read is at depth + 1 (the root is at 1)
    while True:
        event = next_event()
        cls = event.__class__
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            depth -= 1
            if not depth:
                break
            top, is_map, path, key, key_line = stack.pop()
            key = _NO_KEY
            continue
        if cls is AliasEvent:
            raise YamlError(
                event.start_mark.line + 1, (), f"*{event.anchor} is an alias (repeat the value instead: aliases are not allowed)"
            )
        if depth >= MAX_DEPTH:
            raise YamlError(event.start_mark.line + 1, (), f"nesting is deeper than {MAX_DEPTH} levels")
        tag = event.tag
        if is_map and key is _NO_KEY:  # a mapping's next key: plain text, not <<, not given before
            if cls is not ScalarEvent:
                raise YamlError(event.start_mark.line + 1, path, "a key must be plain text")
            key = event.value
            if tag is not None or key == "<<" or key in top:
                _bad_key(event, top, path, lines)
            if lines is not None:
                key_line = event.start_mark.line + 1
            continue
        if cls is ScalarEvent:
            if tag is None or tag == "!":
                value = event.value
                if not event.style:
                    value = _plain_cached(value) if len(value) <= 64 else _plain(value)
                    if value.__class__ is _Trap:
                        raise YamlError(event.start_mark.line + 1, _child(top, is_map, path, key), value.message, value.kind, value.value)
            elif tag == _STR:
                value = event.value
            else:
                raise YamlError(event.start_mark.line + 1, _child(top, is_map, path, key), _tag_refused(tag))
            if is_map:
                top[key] = value
                if lines is not None:
                    lines[path + (key,)] = key_line
                key = _NO_KEY
            elif top is not None:
                if lines is not None:
                    lines[path + (len(top),)] = event.start_mark.line + 1
                top.append(value)
            else:  # the whole document is one scalar
                if lines is not None:
                    lines[()] = event.start_mark.line + 1
                root = value
                break
            continue
        # SequenceStartEvent or MappingStartEvent
        child = _child(top, is_map, path, key)
        if tag is not None and tag != "!":
            raise YamlError(event.start_mark.line + 1, child, _tag_refused(tag))
        collection: object = {} if cls is MappingStartEvent else []
        if is_map:
            top[key] = collection
            if lines is not None:
                lines[child] = key_line  # a nested block starts below its key; point at the key
        elif top is not None:
            top.append(collection)
            if lines is not None:
                lines[child] = event.start_mark.line + 1
        else:
            root = collection
            if lines is not None:
                lines[()] = event.start_mark.line + 1
        if depth:
            stack.append((top, is_map, path, key, key_line))
        depth += 1
        top, is_map, path, key = collection, cls is MappingStartEvent, child, _NO_KEY
    next_event()  # DocumentEndEvent
    event = next_event()
    if event.__class__ is DocumentStartEvent:
        raise YamlError(event.start_mark.line + 1, (), "--- starts a second document (one deal per file: remove it and what follows)")
    return root


def _child(top, is_map: bool, path: tuple, key) -> tuple:
    """The path of the node being read: under the pending key, or next in the list."""
    if is_map:
        return path + (key,)
    return path + (len(top),) if top is not None else ()


def _tag_refused(tag: str) -> str:
    return f"tag {_tag_name(tag)} is not allowed (write plain values)"


def _bad_key(event, top: dict, path: tuple, lines: Optional[dict]) -> None:
    """Raise for a key with a tag other than !!str, a merge key or a duplicate; return for a good one."""
    line, key, tag = event.start_mark.line + 1, event.value, event.tag
    if tag is not None and tag != "!" and tag != _STR:
        raise YamlError(line, path + (key,), _tag_refused(tag))
    if key == "<<" and not event.style and tag in (None, "!"):
        raise YamlError(line, (), "<< merge keys are not allowed (repeat the values instead)")
    if key in top:
        if lines is None:
            raise _NeedLines
        raise YamlError(line, path + (key,), f"duplicate key {key} (first given on line {lines[path + (key,)]})")


def _plain(text: str) -> object:
    """The value of a plain (unquoted, untagged) scalar, or a :class:`_Trap` saying why not."""
    for tag, regexp in _IMPLICIT.get(text[:1], _WILDCARD):
        if regexp.match(text):
            break
    else:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        if text in BOOLEAN_TRUE:
            return True
        if text in BOOLEAN_FALSE:
            return False
        return _Trap(YES_NO.format(text=text), "yes-no", text)
    if tag in (_INT, _FLOAT) and len(text) > MAX_NUMBER_LENGTH:
        return _Trap(
            f"{text[:20]}... is a number {len(text):,} characters long "
            f"(expected at most {MAX_NUMBER_LENGTH}; if it is text, put it in quotes)"
        )
    if tag == _INT:
        return int(text) if PLAIN_INT.match(text) else _Trap(_int_trap(text))
    if tag == _FLOAT:
        if PLAIN_DECIMAL.match(text):
            return FloatLiteral(text)
        return _Trap(f"{text} is not a plain decimal number (put it in quotes)")
    if tag == _TIMESTAMP:
        return _timestamp(text)
    return text  # = (the value tag) and << outside a key: text


# Keys and short values repeat across a file and across files (97% hits on the bench deals);
# every value it returns is immutable, so sharing one is safe.
_plain_cached = memoised(maxsize=8192)(_plain)


def _int_trap(text: str) -> str:
    """Why a whole number YAML would read differently from how it looks."""
    digits = text.lstrip("+-")
    if ":" in digits:
        kind = "a base-60 number"
    elif digits[:2] in ("0x", "0X"):
        kind = "a hexadecimal number"
    elif digits[:2] in ("0b", "0B"):
        kind = "a binary number"
    elif "_" in digits:
        kind = "a number with its underscores dropped"
    else:
        kind = "an octal number"
    try:
        value = f", {SafeConstructor().construct_yaml_int(ScalarNode(_INT, text))}"
    except ValueError:
        value = ""
    return f"{text} is read by YAML as {kind}{value} (put it in quotes)"


def _timestamp(text: str) -> object:
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace(" ", "T").replace("Z", "+00:00"))
    except ValueError:
        kind = "date (expected YYYY-MM-DD)" if len(text) == 10 else "date-time (expected e.g. 2026-03-01T09:30:00+00:00)"
        return _Trap(f"{text} is not a {kind}")


# --- reading a file --------------------------------------------------------------------


def decode(raw: bytes) -> str:
    """UTF-8 only: anything else is refused with the line of the first bad byte."""
    if len(raw) > MAX_BYTES:
        raise YamlError(1, (), too_big(len(raw)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlError(line, (), f"byte 0x{raw[error.start]:02x} is not UTF-8 (save the file as UTF-8)") from None
    if not text.strip() or all(not l.strip() or l.lstrip().startswith("#") for l in text.splitlines()):
        raise YamlError(1, (), EMPTY)
    return text


def too_big(size: int) -> str:
    return f"file is {size:,} bytes (expected at most {MAX_BYTES:,})"


def _composed(text: str, lines: Optional[dict], python: bool) -> tuple[object, bool]:
    """(data, whether the pure-Python parser gave the events) for text.

    libyaml's events first; if libyaml refuses the text, PyYAML's pure-Python parser reads
    it again: it reports the problem in the words editors have always seen, or, where the
    two parsers disagree, accepts what PyYAML accepts.
    """
    if _CParser is not None and not python:
        parser = _CParser(text)
        try:
            return _compose(parser.get_event, lines), False
        except yaml.YAMLError:
            pass
        finally:
            parser.dispose()
    try:
        parser = _PythonParser(text)
    except ReaderError as error:
        raise YamlError(text.count("\n", 0, error.position) + 1, (), _unreadable(error.character)) from None
    try:
        return _compose(parser.get_event, lines), True
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if "'\\t'" in str(error.problem):
            raise YamlError(mark.line + 1, (), "a tab is used for indenting (indent with spaces)") from None
        line, message = explain(text, error)
        raise YamlError(line, _path_on(text, line), message) from None
    finally:
        parser.dispose()


def _path_on(text: str, line: int) -> tuple:
    """The path of the field written on ``line`` of a text with a syntax error, where the
    lines before the error say it; else the field name on the line alone; else ()."""
    lines: dict = {}
    parser = _PythonParser(text)
    try:
        _compose(parser.get_event, lines)
    except (yaml.YAMLError, YamlError, _NeedLines):
        pass
    finally:
        parser.dispose()
    on_line = [path for path, at in lines.items() if at == line and path]
    if on_line:
        return max(on_line, key=len)
    source = text.splitlines()[line - 1] if 0 < line <= text.count("\n") + 1 else ""
    key = key_of(source)
    return (key,) if key else ()


def _unreadable(code: int) -> str:
    kind = "a control character" if code < 0x20 or 0x7F <= code <= 0x9F else "not a character"
    return f"character U+{code:04X} is not allowed in a YAML file (it is {kind}: remove it)"


class _Parsed(Document):
    """A file's data; its line map is made only when a problem asks for a line."""

    def __init__(self, data: object, text: str, python: bool):  # noqa: D107 - lines come later, from the text
        self.data = data
        self.source = text
        self._text: Optional[str] = text
        self._python = python
        self._lines: Optional[dict] = None

    @property  # type: ignore[override]
    def lines(self) -> dict:
        if self._lines is None:
            self._lines = {}
            _composed(self._text, self._lines, self._python)
            self._text = None
        return self._lines

    @lines.setter
    def lines(self, value: dict) -> None:
        self._lines, self._text = value, None


def parse(raw: bytes) -> Document:
    """The file's data, or a :class:`YamlError` with the line of the first problem."""
    text = decode(raw)
    try:
        data, python = _composed(text, None, False)
    except _NeedLines:  # the message names another line: compose again, keeping lines
        doc = Document(None)
        _composed(text, doc.lines, False)
        raise AssertionError("composing with lines found no problem")  # pragma: no cover
    return _Parsed(data, text, python)
