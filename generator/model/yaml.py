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
import functools
import re
from dataclasses import dataclass, field
from typing import Optional

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .types import FloatLiteral

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


# --- the fast path: libyaml composes in C, and only clean files are accepted ------------
#
# Composing nodes event by event in Python (above) costs most of the time of loading a
# deal. libyaml's own composer builds the same nodes in C, but it follows aliases, keeps
# explicit tags and does not count depth. So :func:`_clean_data` accepts a file only when
# it can show the checks above would find nothing, and returns _UNCLEAN for anything
# else, which then goes the way above and gets its exact message:
# - explicit tags and aliases: a tag starts with ! and an alias with *, so a text without
#   either has neither. Otherwise the nodes are counted: the C composer asks the resolver
#   for the tag of every node written without one, and an alias adds no node of its own,
#   so the nodes in the tree equal the resolver's calls only when there are neither;
# - duplicate or non-text keys, merge keys, trap scalars, depth: checked while building;
# - the line map (only needed to report a problem) is built when first asked for.

_UNCLEAN = object()

# The C composer recurses on the C stack (a few hundred bytes a level; 40,000 nested
# brackets crash the process). Each nested collection needs one of these characters of
# its own ([ { for flow, - for a sequence entry, ? or : for a mapping key), so their
# count bounds the depth: above this, the pure-Python composer (which stops at
# MAX_DEPTH) reads the file.
C_NESTING_BOUND = 8_000
NESTING_CHARS = "[{-?:"

_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, _MERGE = (TAG + t for t in ("str", "null", "bool", "int", "float", "timestamp", "merge"))
# Resolver.resolve's table by first character, with the wildcard entries appended (as it does).
_WILDCARD = tuple(Resolver.yaml_implicit_resolvers.get(None, ()))
_IMPLICIT = {first: tuple(found) + _WILDCARD for first, found in Resolver.yaml_implicit_resolvers.items() if first is not None}
_DEFAULT_TAG = {ScalarNode: Resolver.DEFAULT_SCALAR_TAG, SequenceNode: Resolver.DEFAULT_SEQUENCE_TAG, MappingNode: Resolver.DEFAULT_MAPPING_TAG}


@functools.lru_cache(maxsize=8192)  # keys and short values repeat: 97% hits on the bench deals
def _resolve(kind, value, implicit) -> str:
    """Resolver.resolve, without path resolvers (Resolver has none)."""
    if kind is ScalarNode and implicit[0]:
        for tag, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
            if regexp.match(value):
                return tag
    return _DEFAULT_TAG[kind]


class _NotClean(Exception):
    pass


if _CParser is not None:

    class _CLoader(_CParser, Resolver):
        """libyaml's parser and composer, both in C."""

        resolve = staticmethod(_resolve)
        # Without path resolvers these need do nothing; C callables spare a Python call per node.
        descend_resolver = staticmethod(slice)  # called with (parent, index)
        ascend_resolver = staticmethod(tuple)  # called with ()

        def __init__(self, text: str) -> None:
            _CParser.__init__(self, text)
            Resolver.__init__(self)
            self.resolved = 0

    class _CountingLoader(_CLoader):
        """Counts the nodes the composer resolved itself, i.e. those written without a tag."""

        def resolve(self, kind, value, implicit):
            self.resolved += 1
            return _resolve(kind, value, implicit)


def _c_node(text: str, count: bool):
    """(root node, resolver calls) from libyaml's C composer, or None when it refuses the text."""
    if _CParser is None or sum(map(text.count, NESTING_CHARS)) >= C_NESTING_BOUND:
        return None
    loader = (_CountingLoader if count else _CLoader)(text)
    try:
        node = loader.get_single_node()
    except Exception:  # noqa: BLE001 - the pure-Python path reports it, with our messages
        return None
    finally:
        loader.dispose()
    return None if node is None else (node, loader.resolved)


def _clean_data(text: str) -> object:
    """The file's data, exactly as :func:`_build` gives it, or _UNCLEAN when anything needs a closer look."""
    count = "!" in text or "*" in text  # could hold a tag or an alias
    composed = _c_node(text, count)
    if composed is None:
        return _UNCLEAN
    node, resolved = composed
    counter = [1]  # the root
    try:
        data = _clean(node, 1, counter)
    except _NotClean:
        return _UNCLEAN
    return data if not count or counter[0] == resolved else _UNCLEAN


def _clean(node: Node, depth: int, counter: list) -> object:
    """_build's value for a node, without a line map; raises _NotClean where _build would raise."""
    value = node.value
    if node.__class__ is ScalarNode:
        return value if node.style or node.tag == _STR else _clean_scalar(node)
    if value and depth >= MAX_DEPTH:  # its items would be nested deeper than MAX_DEPTH
        raise _NotClean
    depth += 1
    if node.__class__ is MappingNode:
        counter[0] += 2 * len(value)
        result: dict = {}
        for key_node, item in value:
            if key_node.__class__ is not ScalarNode or key_node.tag == _MERGE or key_node.value in result:
                raise _NotClean
            # most values are text: taken here, without a call
            if item.__class__ is ScalarNode and (item.style or item.tag == _STR):
                result[key_node.value] = item.value
            else:
                result[key_node.value] = _clean(item, depth, counter)
        return result
    if node.__class__ is SequenceNode:
        counter[0] += len(value)
        return [
            item.value if item.__class__ is ScalarNode and (item.style or item.tag == _STR) else _clean(item, depth, counter)
            for item in value
        ]
    raise _NotClean


def _clean_scalar(node: ScalarNode) -> object:
    """_scalar's value for a plain scalar that is not text."""
    value, tag = node.value, node.tag
    if tag == _NULL:
        return None
    if tag == _BOOL:
        if value in BOOLEAN_TRUE:
            return True
        if value in BOOLEAN_FALSE:
            return False
        raise _NotClean
    if tag == _INT:
        if PLAIN_INT.match(value):
            return int(value)
        raise _NotClean
    if tag == _FLOAT:
        if PLAIN_DECIMAL.match(value):
            return FloatLiteral(value)
        raise _NotClean
    if tag == _TIMESTAMP:
        try:
            return _timestamp(value, 0, ())
        except YamlError:
            raise _NotClean from None
    return value


class _CleanDocument(Document):
    """A clean file's data; its line map is made only when a problem asks for a line."""

    def __init__(self, data: object, text: str):  # noqa: D107 - lines come later, from the text
        self.data = data
        self._text: Optional[str] = text
        self._lines: Optional[dict] = None

    @property  # type: ignore[override]
    def lines(self) -> dict:
        if self._lines is None:
            self._lines = {}
            composed = _c_node(self._text, False)
            if composed is not None:  # always, for a text _clean_data accepted
                _build(composed[0], (), self._lines)
            self._text = None
        return self._lines

    @lines.setter
    def lines(self, value: dict) -> None:
        self._lines, self._text = value, None


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
    data = _clean_data(text)
    if data is not _UNCLEAN:
        return _CleanDocument(data, text)
    node = _fast_node(text)  # a deal file of 1,000 lines: 0.2 s in pure Python (benchmarks/bench.py)
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

