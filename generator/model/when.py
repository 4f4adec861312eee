"""Dates as precisely as they are known: a day (2017-05-04), a month (2017-05) or a year (2017).

Published deals date many steps only to the month ("November 2015") or the year; writing a
made-up day would show a precision nobody has. :class:`PartialDate` keeps the precision and
answers the earliest and latest day it may be; :data:`When` is the field type that reads one
from a deal file, in the same plain words as the scalar types of ``types.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from .limits import FIRST_YEAR, LAST_YEAR
from .types import _in_years, _show

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
_PARTIAL_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


@dataclass(frozen=True, order=False)
class PartialDate:
    """A date as precisely as it is known: a day (2017-05-04), a month (2017-05) or a year (2017).

    Published deals date many steps only to the month ("November 2015") or the year; writing
    a made-up day would show a precision nobody has. Comparisons use the earliest day the
    date may be, then the precision (a year sorts before its own months and days).
    """

    year: int
    month: Optional[int] = None
    day: Optional[int] = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        if self.day:
            return self.earliest
        if self.month:
            following = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    @property
    def exact(self) -> Optional[dt.date]:
        """The day, when it is known to the day."""
        return self.earliest if self.day else None

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04}-{self.month:02}-{self.day:02}"
        return f"{self.year:04}-{self.month:02}" if self.month else f"{self.year:04}"

    def words(self) -> str:
        """'4 May 2017', 'May 2017' or '2017'."""
        if self.day:
            return f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        return f"{MONTHS[self.month - 1]} {self.year}" if self.month else str(self.year)

    def _key(self) -> tuple:
        return (self.earliest, {"year": 0, "month": 1, "day": 2}[self.precision])

    def __lt__(self, other: "PartialDate") -> bool:
        return self._key() < other._key()

    def __le__(self, other: "PartialDate") -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: "PartialDate") -> bool:
        return self._key() > other._key()

    def __ge__(self, other: "PartialDate") -> bool:
        return self._key() >= other._key()

    def before(self, other: "PartialDate") -> bool:
        """Certainly before: every day this may be comes before every day the other may be."""
        return self.latest < other.earliest

    @classmethod
    def of(cls, day: dt.date) -> "PartialDate":
        return cls(day.year, day.month, day.day)


def _partial_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value.isoformat()} has a time (expected a date: 2017-05-04, 2017-05 or 2017)")
    if isinstance(value, dt.date):
        _in_years(value)
        return PartialDate.of(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    match = _PARTIAL_RE.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{_show(value)} is not a date (expected a day, 2017-05-04; a month, 2017-05; or a year, 2017)")
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{value.strip()} has no month {month} (expected 01 to 12)")
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"{value.strip()} is not a day of the calendar") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{value.strip()} is not between {FIRST_YEAR} and {LAST_YEAR} (check the year)")
    return PartialDate(year, month, day)


When = Annotated[
    PartialDate,
    BeforeValidator(_partial_date),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}, {"type": "integer"}],
            "description": "A date as precisely as it is known: 2017-05-04, 2017-05 or 2017",
        }
    ),
]
