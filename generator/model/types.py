"""The scalar types of the deal format: text, identifiers, exact amounts, dates.

Every value an editor writes passes one of these validators, which say in plain words
what is wrong and what is expected. Money is ``Decimal`` in the budget's stated unit and
is never a binary float: the YAML reader turns unquoted decimals into
:class:`FloatLiteral`, which ``Amount`` refuses with an explanation, so ``49.3`` must be
written as ``"49.3"`` (or as an integer in a smaller unit).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
)

LONDON = ZoneInfo("Europe/London")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")
DECIMAL_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
# Characters that change how text displays without showing themselves (bidirectional
# overrides can make a title read backwards, "Trojan Source"); refused in all text.
INVISIBLE = {
    **{chr(c): "bidirectional control character" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    "\u200b": "zero-width space",
    "\u2060": "word joiner",
    "\ufeff": "zero-width no-break space",
}
INVISIBLE_RE = re.compile("[" + "".join(INVISIBLE) + "]")
FILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
GROUPED_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")  # 1,250.0: commas only between thousands


class FloatLiteral(Decimal):
    """An unquoted decimal from YAML, kept exact but marked so money can refuse it."""


class FieldError(ValueError):
    """A rule broken by a field below the object being validated.

    ``path`` is relative to that object, e.g. ``("target", "date")`` from an outcome, so
    ``load.py`` can point at the line of the field itself rather than of the whole object.
    """

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = tuple(path)


# --- scalar types -----------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        raise ValueError("is empty (expected text)")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("is empty (expected text)")
        hidden = INVISIBLE_RE.search(value)
        if hidden:
            char = hidden.group()
            raise ValueError(
                f"contains an invisible {INVISIBLE[char]} (U+{ord(char):04X}) at character {hidden.start() + 1}: "
                "remove it (it can make text display differently from what it says)"
            )
        return value
    if isinstance(value, bool):
        raise ValueError(
            f"{str(value).lower()} was read by YAML as a yes/no value (expected text; put it in quotes)"
        )
    raise ValueError(f"{_show(value)} is not text (put it in quotes)")


def _show(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, (dict, list)):
        return "a " + ("mapping" if isinstance(value, dict) else "list")
    return str(value)


def _decimal(value: Any, *, money: bool) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is a yes/no value (expected a number)")
    if isinstance(value, FloatLiteral):
        if money:
            raise ValueError(
                f"{value} is an unquoted decimal (expected an exact amount: write it in quotes, "
                f'"{value}", or as a whole number)'
            )
        return Decimal(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise ValueError(f"{value} is a binary float (expected an exact amount in quotes)")
    if isinstance(value, str) and "," in value and DECIMAL_RE.match(value.strip().replace(",", "")):
        if not GROUPED_RE.match(value.strip()):
            raise ValueError(
                f"{value.strip()} has a comma that is not a thousands separator "
                f'(write a decimal point, e.g. "12.5", or group thousands, e.g. "1,250.0")'
            )
        value = value.replace(",", "")
    if isinstance(value, str) and DECIMAL_RE.match(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            pass
    raise ValueError(f"{_show(value)} is not a number (expected e.g. 12 or \"12.5\")")


def _financial_year(value: Any) -> str:
    text = value if isinstance(value, str) else None
    match = YEAR_RE.match(text or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{_show(value)} is not a financial year (expected e.g. 2025-26)")
    return text


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value.isoformat()} has a time (expected a date, YYYY-MM-DD)")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{_show(value)} is not a date (expected YYYY-MM-DD)")


def _moment(value: Any) -> dt.datetime:
    """A date-time with zone; a bare date means midnight in London."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{value.isoformat()} has no time zone (expected e.g. 2026-03-01T09:30:00+00:00)")
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0, 0), tzinfo=LONDON)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            return _moment(parsed)
    raise ValueError(f"{_show(value)} is not a date-time (expected e.g. 2026-03-01T09:30:00+00:00)")


def _slug(value: Any) -> str:
    text = _text(value)
    if not SLUG_RE.match(text):
        raise ValueError(f"{text} is not an identifier (expected lowercase letters, digits and hyphens)")
    return text


def _file_name(value: Any) -> str:
    text = _text(value)
    if not FILE_NAME_RE.match(text) or ".." in text:
        raise ValueError(f"{text} is not a plain file name (expected a name like route-map.txt, with no folders)")
    return text


def _url(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^https?://[^\s<>\"]+$", text, re.IGNORECASE):
        raise ValueError(f"{text} is not a web address (expected one starting https:// or http://)")
    return text


def _percent(value: Any) -> Decimal:
    number = _decimal(value, money=False)
    if not Decimal(0) <= number <= Decimal(100):
        raise ValueError(f"{number} is outside 0-100 (expected a percentage)")
    return number


def _population(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{_show(value)} is not a whole number")
    if value <= 0:
        raise ValueError(f"{value} is not a positive number")
    return value


# What editors are told a decimal string may look like: plain, or with thousands grouped.
_DECIMAL_TEXT = r"^-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$"
_DECIMAL_SCHEMA = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": _DECIMAL_TEXT}]}
_str_out = PlainSerializer(str, return_type=str, when_used="json")

Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string", "minLength": 1})]
Slug = Annotated[str, BeforeValidator(_slug), WithJsonSchema({"type": "string", "pattern": SLUG_RE.pattern})]
Url = Annotated[str, BeforeValidator(_url), WithJsonSchema({"type": "string", "pattern": "^https?://"})]
FileName = Annotated[str, BeforeValidator(_file_name), WithJsonSchema({"type": "string", "minLength": 1})]
Amount = Annotated[
    Decimal,
    BeforeValidator(lambda v: _decimal(v, money=True)),
    _str_out,
    WithJsonSchema({**_DECIMAL_SCHEMA, "description": "An exact amount in the budget's unit"}),
]
Measure = Annotated[
    Decimal,
    BeforeValidator(lambda v: _decimal(v, money=False)),
    _str_out,
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "pattern": _DECIMAL_TEXT}]}),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_percent),
    _str_out,
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 100}, {"type": "string"}]}),
]
FinancialYear = Annotated[
    str, BeforeValidator(_financial_year), WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}$"})
]
Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]
Moment = Annotated[
    dt.datetime,
    BeforeValidator(_moment),
    WithJsonSchema({"type": "string", "description": "A date-time with zone, or a date (midnight in London)"}),
]
Population = Annotated[int, BeforeValidator(_population), WithJsonSchema({"type": "integer", "minimum": 1})]
YearAmounts = dict[FinancialYear, Amount]


class Model(BaseModel):
    """Forbid unknown fields: a misspelt key is an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)

