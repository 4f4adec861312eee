"""A published table: a pandas frame plus what a reader needs to use it.

Budget and progress computations return ``Table`` objects; pages show them,
``downloads.py`` writes them as CSV with a Frictionless table schema. One
description of each column serves the page, the CSV and the data package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str  # the CSV header: lowercase, underscores
    title: str  # for people
    type: str  # Frictionless type: string, integer, number, date, year...
    unit: str = ""  # e.g. "pence", "percent", "" for none
    description: str = ""


@dataclass
class Table:
    name: str  # file stem, unique within its deal: e.g. "budget-baseline"
    title: str
    columns: list[Column]
    frame: pd.DataFrame
    description: str = ""
    notes: list[str] = field(default_factory=list)

    def to_csv(self) -> bytes:
        """UTF-8 CSV with the documented columns in order, Unix newlines."""
        frame = self.frame[[c.name for c in self.columns]]
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def rows_frame(columns: list[Column], rows: list[dict]) -> pd.DataFrame:
    """A table's frame from its rows (dicts by column name; a missing key is an empty cell):
    object columns in one block, built from an array, as pandas' list-of-dicts constructor is
    several times slower."""
    names = [c.name for c in columns]
    flat = [row.get(name) for row in rows for name in names]
    data = np.fromiter(flat, dtype=object, count=len(flat)).reshape(len(rows), len(names))
    return pd.DataFrame(data, columns=pd.Index(names, dtype=object), dtype=object, copy=False)
