"""Read YAML without its traps, remembering the line of every value.

PyYAML's safe loader still turns ``no`` into ``False``, ``1:20`` into 80 and
``012`` into 10, keeps the last of two duplicate keys, and follows aliases.
Communications teams write these by accident; each becomes a :class:`YamlError`
naming the line, instead of silently changed data.

Floor 2 (beside ``load.py``); of the model it knows only :class:`FloatLiteral`,
which keeps unquoted decimals exact. ``load.py`` maps the returned ``lines`` (path
tuple to line number) onto validation errors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .model import FloatLiteral

MAX_BYTES = 1_000_000
MAX_DEPTH = 32

TAG = "tag:yaml.org,2002:"
BOOLEAN_TRUE = {"true", "True", "TRUE"}
BOOLEAN_FALSE = {"false", "False", "FALSE"}
PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
PLAIN_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)\.[0-9]+$")

Path = tuple


@dataclass
class YamlError(Exception):
    line: int
    path: Path
    message: str


@dataclass
class Document:
    data: object
    lines: dict[Path, int] = field(default_factory=dict)


class _Composer(Composer):
    """A composer that refuses aliases and records which tags were written out."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            if isinstance(index, ScalarNode) and index.tag == TAG + "merge":
                raise YamlError(index.start_mark.line + 1, (), "<< merge keys are not allowed (repeat the values instead)")
            raise YamlError(
                event.start_mark.line + 1, (), f"*{event.anchor} is an alias (repeat the value instead: aliases are not allowed)"
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise YamlError(self.peek_event().start_mark.line + 1, (), f"nesting is deeper than {MAX_DEPTH} levels")
        event = self.peek_event()
        node = super().compose_node(parent, index)
        node.explicit_tag = getattr(event, "tag", None) not in (None, "!")
        self.depth -= 1
        return node


class _Loader(Reader, Scanner, Parser, _Composer, Resolver):
    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        _Composer.__init__(self)
        Resolver.__init__(self)


try:  # libyaml's parser, when PyYAML was built with it: the same events, about 5x faster
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CParser = None

if _CParser is not None:

    class _FastLoader(_Composer, _CParser, Resolver):
        """Our composer (alias, tag and depth checks) over libyaml's events.

        Only for files that parse: on any error :func:`parse` reads the file again
        with the pure-Python :class:`_Loader`, so every message stays as above.
        """

        def __init__(self, text: str) -> None:
            _CParser.__init__(self, text)
            _Composer.__init__(self)
            Resolver.__init__(self)


def _fast_node(text: str):
    """The document's node via libyaml, or None when there is no libyaml or any problem."""
    if _CParser is None:
        return None
    loader = _FastLoader(text)
    try:
        return loader.get_single_node()
    except Exception:  # noqa: BLE001 - the pure-Python reader reports it, with our messages
        return None
    finally:
        loader.dispose()


def decode(raw: bytes) -> str:
    """UTF-8 only: anything else is refused with the line of the first bad byte."""
    if len(raw) > MAX_BYTES:
        raise YamlError(1, (), f"file is {len(raw):,} bytes (expected at most {MAX_BYTES:,})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlError(line, (), f"byte 0x{raw[error.start]:02x} is not UTF-8 (save the file as UTF-8)") from None
    if not text.strip() or all(not l.strip() or l.lstrip().startswith("#") for l in text.splitlines()):
        raise YamlError(1, (), "file is empty (expected a mapping starting with title:)")
    return text


def parse(raw: bytes) -> Document:
    text = decode(raw)
    node = _fast_node(text)  # a deal file of 1,000 lines: 0.2 s in pure Python (bench.py)
    if node is not None:
        doc = Document(None)
        doc.data = _build(node, (), doc.lines)
        return doc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if error.problem == "but found another document":
            raise YamlError(mark.line + 1, (), "--- starts a second document (one deal per file: remove it and what follows)") from None
        if "'\\t'" in str(error.problem):
            raise YamlError(mark.line + 1, (), "a tab is used for indenting (indent with spaces)") from None
        raise YamlError(mark.line + 1 if mark else 1, (), f"not valid YAML: {error.problem}") from None
    except RecursionError:
        raise YamlError(1, (), f"nesting is deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlError(1, (), "file is empty (expected a mapping starting with title:)")
    doc = Document(None)
    doc.data = _build(node, (), doc.lines)
    return doc


def _build(node: Node, path: Path, lines: dict) -> object:
    lines[path] = node.start_mark.line + 1
    if getattr(node, "explicit_tag", False) and node.tag != TAG + "str":
        tag = "!!" + node.tag[len(TAG):] if node.tag.startswith(TAG) else node.tag
        raise YamlError(node.start_mark.line + 1, path, f"tag {tag} is not allowed (write plain values)")
    if isinstance(node, MappingNode):
        return _mapping(node, path, lines)
    if isinstance(node, SequenceNode):
        return [_build(item, path + (i,), lines) for i, item in enumerate(node.value)]
    return _scalar(node, path)


def _mapping(node: MappingNode, path: Path, lines: dict) -> dict:
    result: dict = {}
    first_line: dict = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == TAG + "merge":
            raise YamlError(line, path, "<< merge keys are not allowed (repeat the values instead)")
        if not isinstance(key_node, ScalarNode):
            raise YamlError(line, path, "a key must be plain text")
        key = key_node.value
        if key in result:
            raise YamlError(line, path + (key,), f"duplicate key {key} (first given on line {first_line[key]})")
        first_line[key] = line
        result[key] = _build(value_node, path + (key,), lines)
        lines[path + (key,)] = line  # a nested block starts below its key; point at the key
    return result


def _scalar(node: ScalarNode, path: Path) -> object:
    text, tag, line = node.value, node.tag, node.start_mark.line + 1
    if node.style or tag == TAG + "str":
        return text
    if tag == TAG + "null":
        return None
    if tag == TAG + "bool":
        if text in BOOLEAN_TRUE:
            return True
        if text in BOOLEAN_FALSE:
            return False
        raise YamlError(line, path, f"{text} is read by YAML as a yes/no value (put it in quotes, or write true or false)")
    if tag == TAG + "int":
        if not PLAIN_INT.match(text):
            raise YamlError(line, path, _int_trap(node))
        return int(text)
    if tag == TAG + "float":
        if not PLAIN_DECIMAL.match(text):
            raise YamlError(line, path, f"{text} is not a plain decimal number (put it in quotes)")
        return FloatLiteral(text)
    if tag == TAG + "timestamp":
        return _timestamp(text, line, path)
    return text


def _int_trap(node: ScalarNode) -> str:
    """Why a whole number YAML would read differently from how it looks."""
    text = node.value
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
        value = f", {SafeConstructor().construct_yaml_int(node)}"
    except ValueError:
        value = ""
    return f"{text} is read by YAML as {kind}{value} (put it in quotes)"


def _timestamp(text: str, line: int, path: Path) -> object:
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace(" ", "T").replace("Z", "+00:00"))
    except ValueError:
        kind = "date (expected YYYY-MM-DD)" if len(text) == 10 else "date-time (expected e.g. 2026-03-01T09:30:00+00:00)"
        raise YamlError(line, path, f"{text} is not a {kind}") from None

