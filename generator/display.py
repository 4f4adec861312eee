"""How numbers, money and dates are written on the site (UK public finance conventions).

Rounding happens here and only here: everything upstream carries exact integer
pence or ``Decimal``. Used as Jinja filters, so templates format but never compute.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

PENCE_PER_MILLION = Decimal(100_000_000)
MINUS = "\u2212"  # a real minus sign: hyphens are easy to miss and read badly aloud


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(pence: int | Decimal) -> str:
    """£m to one decimal place, or £bn at and above £1,000m: 12_340_000_000 -> '£123.4m'."""
    millions = Decimal(pence) / PENCE_PER_MILLION
    if abs(round_half_up(millions, 1)) >= 1000:
        text = f"£{abs(round_half_up(millions / 1000, 1)):,.1f}bn"
    else:
        text = f"£{abs(round_half_up(millions, 1)):,.1f}m"
    return (MINUS + text) if round_half_up(millions, 1) < 0 else text


def number(value: Decimal | int, places: int = 1) -> str:
    rounded = round_half_up(Decimal(value), places) if places else Decimal(value).quantize(Decimal(1), ROUND_HALF_UP)
    text = f"{abs(rounded):,}"
    return (MINUS + text) if rounded < 0 else text


def percent(value: Decimal | float, places: int = 1) -> str:
    return number(Decimal(str(value)), places) + "%"


def long_date(value: dt.date | None) -> str:
    """12 March 2013, the GOV.UK style."""
    return f"{value.day} {value:%B %Y}" if value else ""


def iso_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


FILTERS = {"money": money, "number": number, "percent": percent, "long_date": long_date, "iso_date": iso_date}
