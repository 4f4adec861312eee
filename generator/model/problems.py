"""Problems with what an editor wrote, each naming file, line, field, what is wrong and what to do.

Every check in the model layer reports through :class:`Problem`, and a load that finds
any raises :class:`InvalidDeals` with all of them at once, so a team fixes a file once
rather than once per error. A problem is an **error** (must be fixed: the site is not
built) or a **warning** (advice: the site still builds), as CoVE separates them for open
contracting data; ``code`` names the kind of problem, so many of one kind can be counted
together.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
import types as _pytypes
import typing
from typing import Annotated, Iterable, Optional, Union

from pydantic import BaseModel, ValidationError

from .limits import shorten, visible
from .types import WRITTEN, FieldError
from .syntax import key_of
from .yaml import Document, YamlError

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str
    severity: str = ERROR  # ERROR: must be fixed before the site is built; WARNING: advice
    code: str = ""  # the kind of problem, e.g. "yaml-syntax", "unknown-round", "reading-age"

    def __post_init__(self) -> None:
        object.__setattr__(self, "field", visible(self.field))
        object.__setattr__(self, "message", visible(self.message))

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{visible(self.file)}:{self.line}: {where}{self.message}"


    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class InvalidDeals(Exception):
    """Raised by :func:`load_catalogue` with every problem found (each an error)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(map(str, self.problems)))


def yaml_problem(error: YamlError, file: str, model: Optional[type[BaseModel]] = None, offset: int = 0) -> Problem:
    """A :class:`YamlError` as a problem, its advice fitted to the field where the model says
    what the field holds: a plain ``yes`` is text to quote in a name, true or false in a flag."""
    message = error.message
    if error.kind == "yes-no" and model is not None and error.path:
        expected = annotation_at(model, error.path)
        if expected is bool:
            message = f"{error.value} is not true or false (write true or false)"
        elif expected is not None:
            key = next((p for p in reversed(error.path) if isinstance(p, str)), "")
            message = f'{error.value} is read by YAML as a yes/no value, not text (put it in quotes: {key}: "{error.value}")'
    code = "yaml-yes-no" if error.kind == "yes-no" else "yaml"
    return Problem(file, error.line + offset, field_path(error.path), message, code=code)


def annotation_at(model: type[BaseModel], path: tuple) -> Optional[type]:
    """What the model says the value at path is (bool, str, a model...), or None if unknown."""
    current: object = model
    for part in path:
        current = _bare(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        elif typing.get_origin(current) in (list, tuple) and isinstance(part, int):
            current = (typing.get_args(current) or (None,))[0]
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    current = _bare(current)
    return current if current is not None else None


def _bare(annotation: object) -> object:
    """The type inside Optional[...] and Annotated[...]."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, _pytypes.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def field_path(path: Iterable) -> str:
    """('outcomes', 3, 'target', 'date') -> 'outcomes[3].target.date'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{shorten(part)}" if text else shorten(str(part)))
    return text


def line_of(doc: Document, path: tuple) -> int:
    """The line of the value at path, or of its nearest written ancestor."""
    while path not in doc.lines and path:
        path = path[:-1]
    return doc.lines.get(path, 1)


# --- pydantic errors in a communications team's words ---------------------------


_EXPECTED = {  # for a blank value: what was expected instead
    "model_type": "a mapping of fields",
    "dict_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "list_type": "a list",
    "bool_type": "true or false",
    "int_type": "a whole number",
}


def _message(error: dict) -> str:
    kind, given = error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling; see content/deal-format.md)"
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "").replace("'", "")
        if given is None:
            return f"is blank (expected one of {expected})"
        return f"{_shown(given)} is not allowed (expected one of {expected})"
    if given is None and kind in _EXPECTED:
        return f"is blank (expected {_EXPECTED[kind]})"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {shown_kind(given)}"
    if kind == "list_type":
        return f"expected a list, got {shown_kind(given)}"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"{_shown(given)} is not true or false"
    if kind == "too_short":
        return "needs at least one item"
    if kind == "too_long":
        items = "entries" if ctx.get("field_type") == "Dictionary" else "items"
        return f"has {ctx.get('actual_length') or len(given):,} {items} (expected at most {ctx['max_length']:,})"
    if kind in ("int_type", "int_parsing"):
        return f"{_shown(given)} is not a whole number"
    if kind == "string_unicode":  # YAML's "\ud800" escape: a str no file or page can be written with
        return "contains a lone surrogate, which is not a character (remove it)"
    return error["msg"]


def _shown(value: object) -> str:
    return shown_kind(value) if isinstance(value, (dict, list)) else shorten(str(value))


def shown_kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return shorten(f"{value!r}") if isinstance(value, str) else shorten(str(value))


def validate(model: type[BaseModel], data: object, doc: Document, file: str) -> tuple[Optional[BaseModel], list[Problem]]:
    try:
        return model.model_validate(data, context=WRITTEN), []
    except ValidationError as error:
        problems = []
        for item in error.errors():
            # pydantic adds its own steps ('function-before[...]', '[key]') to locations
            loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and (p.startswith(("function-", "lax-")) or p == "[key]")))
            cause = (item.get("ctx") or {}).get("error")
            if isinstance(cause, FieldError):  # a rule about one field, checked by the object above it
                loc += cause.path
            line = line_of(doc, loc)
            message = _with_source(_message(item), doc, line, loc)
            problems.append(Problem(file, line, field_path(loc), message, code=_code(item, loc)))
        return None, problems


def _code(item: dict, loc: tuple) -> str:
    """The kind of a validation problem: pydantic's kind and the field's name (for counting)."""
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    return f"{item['type']}:{name}"


_COMMENTED = re.compile(r"^\s*(?:-\s+)*[^#:]+:\s*#")
_EMPTY_MESSAGES = ("is empty (expected text)", "is blank")


def _with_source(message: str, doc: Document, line: int, loc: tuple) -> str:
    """The message, with what the line as written shows: a value YAML read as a comment."""
    if not message.startswith(_EMPTY_MESSAGES):
        return message
    source = doc.source_line(line) if hasattr(doc, "source_line") else None
    if not source or not _COMMENTED.match(source) or key_of(source) != (loc[-1] if loc and isinstance(loc[-1], str) else None):
        return message
    key = key_of(source)
    value = source.split(":", 1)[1].strip()
    shown = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"is empty: YAML reads a value starting with # as a comment (put the text in quotes: {key}: {shown})"


