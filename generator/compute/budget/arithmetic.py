"""Exact arithmetic on money: integer pence, and percentages that never round silently."""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, localcontext
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ...model import Deflators
from .views import SchemeBody

HUNDRED = Decimal(100)

# Exact decimal arithmetic for money: wide enough for any pence * percent, and an error
# (never a silent rounding) if a result is not exact.
EXACT = Context(prec=200, traps=[Inexact])


def exact_percent_of(pence: int | Decimal, percent: Decimal) -> Decimal:
    """pence x percent / 100, exactly (raises if it could not be exact)."""
    with localcontext(EXACT):
        return Decimal(pence) * percent / HUNDRED


def share_percent(part: int | Decimal, total: int | Decimal) -> Optional[Decimal]:
    """part / total as a percentage, or None when the total is zero."""
    return None if total == 0 else Decimal(part) * HUNDRED / Decimal(total)


def payback_year(years: Sequence[str], cumulative: Sequence[int]) -> Optional[str]:
    """The first year from which the cumulative net benefit stays at zero or more."""
    found = None
    for year, value in zip(reversed(years), reversed(cumulative)):
        if value < 0:
            break
        found = year
    return found


def imbalance(bodies: Sequence["SchemeBody"]) -> Optional["SchemeBody"]:
    """The body whose share of the investment most exceeds its share of the net benefit."""
    gaps = [(b.investment_share - b.net_share, n, b) for n, b in enumerate(bodies) if b.investment_share is not None and b.net_share is not None]
    gap, _, body = max(gaps, key=lambda g: (g[0], -g[1]), default=(0, 0, None))
    return body if gap > 0 else None


def group_sum(keys: Sequence, values: np.ndarray) -> tuple[list, np.ndarray]:
    """Sum the int64 rows of values by key, keys in order of first appearance.

    pandas.factorize and numpy's unbuffered add: exact integer sums, and on frames this small
    about fifty times cheaper than a DataFrame groupby (measured), which matters when a
    build computes a thousand deals.
    """
    labels = np.fromiter(keys, dtype=object, count=len(keys))
    codes, uniques = pd.factorize(labels)
    sums = np.zeros((len(uniques),) + values.shape[1:], dtype=np.int64)
    np.add.at(sums, codes, values)
    return uniques.tolist(), sums


def text_frame(columns: dict[str, list]) -> pd.DataFrame:
    """A published table: CSV-ready text in object columns (no type inference, so it is
    quicker to build and about three times quicker to write as CSV than string columns)."""
    return pd.DataFrame(columns, dtype=object)


def real_factors(years: Sequence[str], deflators: Optional[Deflators]) -> Optional[dict[str, Decimal]]:
    """index(base) / index(year) for each year, or None unless the index covers them all."""
    if deflators is None or any(y not in deflators.index for y in years):
        return None
    base = deflators.index[deflators.base_year]
    return {y: base / deflators.index[y] for y in years}

