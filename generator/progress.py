"""Progress of outcomes, milestones and budgets (pandas). Placeholder: the progress work fills this in."""

from __future__ import annotations

import datetime as dt

from .model import Deal
from .tables import Table


def progress_tables(deal: Deal, today: dt.date) -> list[Table]:
    return []
