"""The scalar types of the deal format: text, identifiers, exact amounts, dates.

(A date known only to the month or the year, ``When``, is in ``when.py``.)

Every value an editor writes passes one of these validators, which say in plain words
what is wrong and what is expected. Money is ``Decimal`` in the budget's stated unit and
is never a binary float: the YAML reader turns unquoted decimals into
:class:`FloatLiteral`, which ``Amount`` refuses with an explanation, so ``49.3`` must be
written as ``"49.3"`` (or as an integer in a smaller unit).

Every value is bounded (issue 12; the limits are in ``limits.py``): whatever ``dealsite
check`` accepts, the build can compute and show, so a number, date or text that no deal
needs is refused here, naming the limit, rather than wrapping an int64 or raising
OverflowError pages later. Only ASCII 0-9 count as digits: Python's ``\\d``, ``int()`` and
``Decimal()`` also read Arabic-Indic and other digits, so "٤٩" was money, 49.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from .digest import memoised
from .limits import (
    AMOUNT_LIMIT_TEXT,
    FIRST_POPULATION_YEAR,
    FIRST_YEAR,
    LAST_POPULATION_YEAR,
    LAST_YEAR,
    MAX_AMOUNT,
    MAX_DIGITS,
    MAX_FILE_NAME,
    MAX_LONG,
    MAX_MEASURE,
    MAX_POPULATION,
    MAX_SHORT,
    MAX_SLUG,
    MAX_TITLE,
    MAX_URL,
    MEASURE_PLACES,
    shorten,
    suspect,
)

LONDON = ZoneInfo("Europe/London")
# Patterns are matched whole (fullmatch: "$" alone also matches before a final newline) and
# name their digits [0-9]: only ASCII digits are digits in a deal file.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
DECIMAL_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
FILE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
GROUPED_RE = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # 1,250.0: commas only between thousands
WHOLE_GROUPED_RE = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")  # 2,682,528
URL_RE = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
# The forms deal-format.md gives: fromisoformat also reads 20270101 and week dates, 2027-W01.
DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MOMENT_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?")


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


def _text(value: Any, limit: int = MAX_SHORT) -> str:
    if value is None:
        raise ValueError("is empty (expected text)")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("is empty (expected text)")
        problem = suspect(value)
        if problem:
            raise ValueError(problem)
        if len(value) > limit:
            raise ValueError(f"is {len(value):,} characters long (expected at most {limit:,})")
        return value
    if isinstance(value, bool):
        raise ValueError(
            f"{str(value).lower()} was read by YAML as a yes/no value (expected text; put it in quotes)"
        )
    if isinstance(value, list):
        raise ValueError(
            "is a list, but it should be text (write the text after the field name; "
            "if the text starts with [ or \"- \", put it all in quotes)"
        )
    if isinstance(value, dict):
        raise ValueError(
            "is a set of fields, but it should be text (write the text after the field name; "
            "if the text contains \": \" or starts with {, put it all in quotes)"
        )
    raise ValueError(f"{_show(value)} is not text (put it in quotes)")


def _show(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, (dict, list)):
        return "a " + ("mapping" if isinstance(value, dict) else "list")
    return shorten(str(value))


def _decimal(value: Any, *, money: bool, places: int | None = None) -> Decimal:
    """A number of at most MAX_DIGITS significant digits (and, given places, no digit below 10^-places).

    Worked on the digits themselves (``as_tuple``), never by decimal arithmetic, which rounds
    to the context's 28 digits and could make a long number look short.
    """
    number = _number(value, money=money)
    _, digits, exponent = number.as_tuple()
    if len(digits) <= MAX_DIGITS and (places is None or exponent >= -places):
        return number  # as written, short enough: most numbers
    written = "".join(map(str, digits))
    kept = written.rstrip("0")
    significant = len(kept.lstrip("0"))
    if significant > MAX_DIGITS:
        raise ValueError(f"{_show(value)} has {significant} significant digits (expected at most {MAX_DIGITS})")
    lowest = exponent + len(written) - len(kept)  # the place of the last digit that is not 0
    if places is not None and kept and lowest < -places:
        raise ValueError(f"{_show(value)} has {-lowest} decimal places (expected at most {places})")
    return number


# One Decimal per number as written (its text: 1.0 and 1.00 stay two), shared by every field
# that gives it: 1,000 bench deals hold 497,512 numbers but only 6,814 distinct texts, and as
# separate objects they were 49 MB of a catalogue of 216 MB. Decimals never change.
_decimal_of_text = memoised(maxsize=8192)(Decimal)


def _number(value: Any, *, money: bool) -> Decimal:
    kind = type(value)
    if kind is str:
        text = value.strip()
        if DECIMAL_RE.fullmatch(text):
            return _decimal_of_text(text)
        if "," in text and DECIMAL_RE.fullmatch(text.replace(",", "")):
            if not GROUPED_RE.fullmatch(text):
                raise ValueError(
                    f"{text} has a comma that is not a thousands separator "
                    f'(write a decimal point, e.g. "12.5", or group thousands, e.g. "1,250.0")'
                )
            return _decimal_of_text(text.replace(",", ""))
    elif kind is int:
        return Decimal(value)
    elif kind is bool:
        raise ValueError(f"{str(value).lower()} is a yes/no value (expected a number)")
    elif kind is FloatLiteral:
        if money:
            raise ValueError(
                f"{value} is an unquoted decimal (expected an exact amount: write it in quotes, "
                f'"{value}", or as a whole number)'
            )
        return _decimal_of_text(str(value))  # its digits and exponent as written
    elif isinstance(value, Decimal):
        return value
    elif kind is float:
        raise ValueError(f"{value} is a binary float (expected an exact amount in quotes)")
    raise ValueError(f"{_show(value)} is not a number (expected e.g. 12 or \"12.5\")")


def _amount(value: Any) -> Decimal:
    number = _decimal(value, money=True)
    if abs(number) >= MAX_AMOUNT:
        raise ValueError(f"{_show(value)} is too large (no amount may be more than {AMOUNT_LIMIT_TEXT})")
    return number


def _measure(value: Any) -> Decimal:
    number = _decimal(value, money=False, places=MEASURE_PLACES)
    if abs(number) >= MAX_MEASURE:
        raise ValueError(f"{_show(value)} is too large (expected less than 1,000,000,000,000 either side of zero)")
    return number


def _financial_year(value: Any) -> str:
    if type(value) is str:
        return _financial_year_text(value)
    raise ValueError(f"{_show(value)} is not a financial year (expected e.g. 2025-26)")


@memoised(maxsize=1024)  # a deal names the same few years hundreds of times
def _financial_year_text(text: str) -> str:
    match = YEAR_RE.fullmatch(text)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{_show(text)} is not a financial year (expected e.g. 2025-26)")
    if not FIRST_YEAR <= int(match.group(1)) < LAST_YEAR:
        raise ValueError(f"{text} is not between {FIRST_YEAR}-{(FIRST_YEAR + 1) % 100:02} and {LAST_YEAR - 1}-{LAST_YEAR % 100:02} (check the year)")
    return text


def _in_years(day: dt.date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day.isoformat()} is not between {FIRST_YEAR} and {LAST_YEAR} (check the year)")


def _date(value: Any) -> dt.date:
    kind = type(value)
    if kind is dt.date:
        day = value
    elif kind is str:
        try:
            if not DAY_RE.fullmatch(value.strip()):
                raise ValueError
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{_show(value)} is not a date (expected YYYY-MM-DD)") from None
    elif isinstance(value, dt.datetime):
        raise ValueError(f"{value.isoformat()} has a time (expected a date, YYYY-MM-DD)")
    else:
        raise ValueError(f"{_show(value)} is not a date (expected YYYY-MM-DD)")
    _in_years(day)
    return day


def _moment(value: Any) -> dt.datetime:
    """A date-time with zone; a bare date means midnight in London."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{value.isoformat()} has no time zone (expected e.g. 2026-03-01T09:30:00+00:00)")
        _in_years(value)
        return value
    if isinstance(value, dt.date):
        _in_years(value)
        return dt.datetime.combine(value, dt.time(0, 0), tzinfo=LONDON)
    if isinstance(value, str) and MOMENT_RE.fullmatch(value.strip()):
        # A date in quotes, or from a spreadsheet's cell, means what it means unquoted: a bare
        # date, not a date-time without a zone (which fromisoformat would make of it).
        for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
            try:
                parsed = parse(value.strip())
            except ValueError:
                continue
            return _moment(parsed)
    raise ValueError(f"{_show(value)} is not a date-time (expected e.g. 2026-03-01T09:30:00+00:00)")


def _slug(value: Any) -> str:
    text = _text(value, MAX_SLUG)
    if not SLUG_RE.fullmatch(text):
        raise ValueError(f"{text} is not an identifier (expected lowercase letters, digits and hyphens)")
    return text


def _file_name(value: Any) -> str:
    text = _text(value, MAX_FILE_NAME)
    if not FILE_NAME_RE.fullmatch(text) or ".." in text:
        raise ValueError(f"{text} is not a plain file name (expected a name like route-map.txt, with no folders)")
    return text


def _url(value: Any) -> str:
    text = _text(value, MAX_URL)
    if not URL_RE.fullmatch(text):
        raise ValueError(f"{shorten(text)} is not a web address (expected one starting https:// or http://)")
    return text


def _percent(value: Any) -> Decimal:
    number = _decimal(value, money=False)
    if not Decimal(0) <= number <= Decimal(100):
        raise ValueError(f"{number} is outside 0-100 (expected a percentage)")
    return number


def _population(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} was read by YAML as a yes/no value (expected a whole number)")
    if isinstance(value, str) and WHOLE_GROUPED_RE.fullmatch(value.strip()):
        value = int(value.strip().replace(",", ""))  # 2,682,528: commas between thousands, as figures are published
    if not isinstance(value, int):
        raise ValueError(f"{_show(value)} is not a whole number (expected e.g. 2682528 or 2,682,528)")
    if value <= 0:
        raise ValueError(f"{value} is not a positive number")
    if value > MAX_POPULATION:
        raise ValueError(f"{value:,} is more than {MAX_POPULATION:,} (expected the place's population)")
    return value


def _year(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} was read by YAML as a yes/no value (expected a year, e.g. 2021)")
    if not isinstance(value, int):
        raise ValueError(f"{_show(value)} is not a year (expected a whole number, e.g. 2021)")
    if not FIRST_POPULATION_YEAR <= value <= LAST_POPULATION_YEAR:
        raise ValueError(f"{value} is not between {FIRST_POPULATION_YEAR} and {LAST_POPULATION_YEAR} (check the year)")
    return value


def _text_type(limit: int, what: str) -> Any:
    """Text of at most ``limit`` characters."""

    def text(value: Any) -> str:
        return _text(value, limit)

    text.__qualname__ = text.__name__ = f"_{what}"
    return Annotated[str, BeforeValidator(text), WithJsonSchema({"type": "string", "minLength": 1, "maxLength": limit})]


# What editors are told a decimal string may look like: plain, or with thousands grouped.
_DECIMAL_TEXT = r"^-?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?$"
_DECIMAL_SCHEMA = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": _DECIMAL_TEXT}]}
_str_out = PlainSerializer(str, return_type=str, when_used="json")

Title = _text_type(MAX_TITLE, "title")
Text = _text_type(MAX_SHORT, "text")
LongText = _text_type(MAX_LONG, "long_text")
Slug = Annotated[
    str, BeforeValidator(_slug), WithJsonSchema({"type": "string", "pattern": SLUG_RE.pattern, "maxLength": MAX_SLUG})
]
Url = Annotated[str, BeforeValidator(_url), WithJsonSchema({"type": "string", "pattern": "^https?://", "maxLength": MAX_URL})]
FileName = Annotated[
    str, BeforeValidator(_file_name), WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_FILE_NAME})
]
Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    _str_out,
    WithJsonSchema({**_DECIMAL_SCHEMA, "description": "An exact amount in the budget's unit"}),
]
Measure = Annotated[
    Decimal,
    BeforeValidator(_measure),
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
    str, BeforeValidator(_financial_year), WithJsonSchema({"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}$"})
]
Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]
Moment = Annotated[
    dt.datetime,
    BeforeValidator(_moment),
    WithJsonSchema({"type": "string", "description": "A date-time with zone, or a date (midnight in London)"}),
]
Population = Annotated[
    int,
    BeforeValidator(_population),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_POPULATION}, {"type": "string", "pattern": "^[0-9]{1,3}(,[0-9]{3})+$"}]}
    ),
]
Year = Annotated[
    int,
    BeforeValidator(_year),
    WithJsonSchema({"type": "integer", "minimum": FIRST_POPULATION_YEAR, "maximum": LAST_POPULATION_YEAR}),
]
YearAmounts = dict[FinancialYear, Amount]

# An explicitly blank optional field (``publish_after:`` with nothing after it) is refused in
# what an editor wrote: it may mean "none" or "not filled in yet", and reading it as none can
# publish too early or skip a check. Leaving the line out means none. Code that makes models
# (tests, the loader's Catalogue) may still pass None: the rule applies when validating with
# the WRITTEN context, as ``problems.validate`` does for every file.
BLANK = "is blank (remove the line if there is none, or give a value)"
BLANK_MESSAGES = {"publish_after": "is blank: remove the line to publish now, or give a date"}
WRITTEN = {"written": True}


def _no_null(schema: dict, model: type) -> None:
    """The JSON Schema of a model's optional fields without null: a blank field is refused."""
    for prop in schema.get("properties", {}).values():
        options = prop.get("anyOf")
        if options and {"type": "null"} in options:
            kept = [o for o in options if o != {"type": "null"}]
            del prop["anyOf"]
            if len(kept) == 1:
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
            if prop.get("default", 0) is None:
                del prop["default"]


class Model(BaseModel):
    """Forbid unknown fields: a misspelt key is an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_no_null)

    @model_validator(mode="before")
    @classmethod
    def _not_blank(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context is WRITTEN and type(data) is dict and None in data.values():
            optional = _optional_fields(cls)
            for name, value in data.items():
                if value is None and name in optional:
                    raise FieldError((name,), BLANK_MESSAGES.get(name, BLANK))
        return data

    def model_post_init(self, context: Any) -> None:
        """Share one record of the fields given among all models given the same fields.

        pydantic keeps a set of them in every model (216 to 728 bytes); a deal has about 400
        models, so at 1,000 bench deals the sets were 101 MB of the 216 MB of objects a loaded
        catalogue holds (measured by walking it; issue 13's note). Models are frozen and
        pydantic copies the set before adding to it (``model_copy``), so a shared record is
        never changed; nothing here reads it (no ``exclude_unset``)."""
        fields = self.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault(frozenset(fields), fields)
        if shared is not fields:
            object.__setattr__(self, "__pydantic_fields_set__", shared)


# One record per distinct combination of fields given: a few hundred at most (a model class has
# a fixed list of fields, and deals give the same few combinations).
_FIELD_SETS: dict[frozenset, set] = {}
_OPTIONAL: dict[type, frozenset] = {}


def _optional_fields(model: type[BaseModel]) -> frozenset:
    """The fields of a model that default to None (absent means none)."""
    found = _OPTIONAL.get(model)
    if found is None:
        found = _OPTIONAL[model] = frozenset(n for n, f in model.model_fields.items() if f.default is None and not f.is_required())
    return found
