"""A published table: a pandas frame plus what a reader needs to use it.

Budget and progress computations return ``Table`` objects; pages show them,
``downloads.py`` writes them as CSV with a Frictionless table schema. One
description of each column serves the page, the CSV and the data package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
