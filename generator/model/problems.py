"""Problems with what an editor wrote, each naming file, line, field, what is wrong and what to do.

Every check in the model layer reports through :class:`Problem`, and a load that finds
any raises :class:`InvalidDeals` with all of them at once, so a team fixes a file once
rather than once per error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from pydantic import BaseModel, ValidationError

from .limits import shorten, visible
from .types import WRITTEN, FieldError
from .yaml import Document


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "field", visible(self.field))
        object.__setattr__(self, "message", visible(self.message))

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{visible(self.file)}:{self.line}: {where}{self.message}"


class InvalidDeals(Exception):
    """Raised by :func:`load_catalogue` with every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(map(str, self.problems)))


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
            problems.append(Problem(file, line_of(doc, loc), field_path(loc), _message(item)))
        return None, problems


