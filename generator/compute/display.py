"""How numbers, money and dates are written on the site (UK public finance conventions).

Rounding happens here and only here: everything upstream carries exact integer
pence or ``Decimal``. Used as Jinja filters, so templates format but never compute.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable

PENCE_PER_MILLION = Decimal(100_000_000)
PENCE_PER_POUND = Decimal(100)
MINUS = "\u2212"  # a real minus sign: hyphens are easy to miss and read badly aloud


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _shown_money(pence: int | Decimal) -> tuple[Decimal, str]:
    """What money() shows: (rounded figure, unit), e.g. (Decimal('123.4'), 'm')."""
    millions = Decimal(pence) / PENCE_PER_MILLION
    rounded = round_half_up(millions, 1)
    if abs(rounded) >= 1000:
        return round_half_up(millions / 1000, 1), "bn"
    return rounded, "m"


def money(pence: int | Decimal) -> str:
    """£m to one decimal place, or £bn at and above £1,000m: 12_340_000_000 -> '£123.4m'.

    Rounds half up (2.25 -> 2.3, -2.25 -> -2.3) and writes negatives with a minus sign.
    """
    figure, unit = _shown_money(pence)
    text = f"£{abs(figure):,.1f}{unit}"
    return (MINUS + text) if figure < 0 else text


def shown_pence(pence: int | Decimal) -> Decimal:
    """The amount money() shows, back in pence: what a reader adds up ('£1.2bn' -> 120_000_000_000)."""
    figure, unit = _shown_money(pence)
    return figure * PENCE_PER_MILLION * (1000 if unit == "bn" else 1)


def per_head(pence: int | Decimal) -> str:
    """Pounds per head, to the nearest pound: 83_250 -> '£833'."""
    pounds = round_half_up(Decimal(pence) / PENCE_PER_POUND, 0)
    text = f"£{abs(pounds):,}"
    return (MINUS + text) if pounds < 0 else text


def shown_per_head(pence: int | Decimal) -> Decimal:
    """The amount per_head() shows, back in pence."""
    return round_half_up(Decimal(pence) / PENCE_PER_POUND, 0) * PENCE_PER_POUND


def shown_percent(value: Decimal | int, places: int = 1) -> Decimal:
    """The figure percent() shows."""
    return round_half_up(Decimal(value), places)


def sums_when_shown(parts_pence: Iterable, total_pence: int | Decimal, shown: Callable = shown_pence) -> bool:
    """Do the parts, as shown, add up to the total as shown?

    False is where a table needs "Figures may not sum due to rounding": e.g. parts
    £1.04m + £1.04m show as £1.0m + £1.0m but their total shows as £2.1m.
    """
    return sum((shown(p) for p in parts_pence), Decimal(0)) == shown(total_pence)


def csv_pounds(pence: int | Decimal) -> str:
    """Exact pounds for a CSV file: two decimal places, more only for fractions of a penny.

    4_930_000_000 -> '49300000.00'; Decimal('12.5') pence -> '0.125'; a plain hyphen-minus for
    negatives, so spreadsheets read the value as a number.
    """
    pounds = Decimal(pence) / PENCE_PER_POUND
    if pounds == pounds.quantize(Decimal("0.01")):
        pounds = pounds.quantize(Decimal("0.01"))
    return format(pounds, "f")


def csv_decimal(value: Decimal | int | None, places: int) -> str:
    """A derived figure for a CSV file, rounded half up to places ('' when there is none)."""
    return "" if value is None else format(round_half_up(Decimal(value), places), "f")


def number(value: Decimal | int, places: int = 1) -> str:
    rounded = round_half_up(Decimal(value), places) if places else Decimal(value).quantize(Decimal(1), ROUND_HALF_UP)
    text = f"{abs(rounded):,}"
    return (MINUS + text) if rounded < 0 else text


def percent(value: Decimal | float, places: int = 1) -> str:
    return number(Decimal(str(value)), places) + "%"


def given_percent(value: Decimal) -> str:
    """A percentage as the deal gives it, never rounded: 3.5 is "3.5%", 8 is "8%"."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    return number(value, max(0, -exponent) if isinstance(exponent, int) else 0) + "%"


def long_date(value) -> str:
    """12 March 2013, the GOV.UK style; a date known only to the month or year as "May 2017" or "2017"."""
    if not value:
        return ""
    if hasattr(value, "words"):
        return value.words()
    return f"{value.day} {value:%B %Y}"


def iso_date(value) -> str:
    """For a <time datetime>: 2017-05-04, or 2017-05 and 2017 for a date known only to the month or year."""
    if not value:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


FILTERS = {
    "money": money, "per_head": per_head, "number": number, "percent": percent, "given_percent": given_percent,
    "long_date": long_date, "iso_date": iso_date,
}
