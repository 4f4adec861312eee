"""Where each figure came from and why each status is what it is, as table columns.

Floor 2, used by ``progress_tables.py``: a reading's source (publisher, dataset, release date,
link), the clause of the status rule that decided an outcome's status, and the latest
assurance rating shown beside the computed status (a reviewer's judgement never changes it).
"""

from __future__ import annotations

from typing import Optional

from ..model import Evidence
from .progress import OutcomeProgress
from .tables import Column

SOURCE_COLUMNS = [
    Column("source_publisher", "Source: publisher", "string", description="Who published the figure; empty where no source is given"),
    Column("source_dataset", "Source: dataset", "string", description="The dataset or document the figure comes from"),
    Column("source_released", "Source: released", "string", description="When that release was published: YYYY-MM-DD, YYYY-MM or YYYY"),
    Column("source_url", "Source: link", "string", description="Where the release can be read"),
]

EVIDENCE_COLUMNS = [
    Column("measures", "Measures", "string", description="outcome (what got better) or output (what was done)"),
    Column("status_clause", "Status rule clause", "integer",
           description="The numbered clause of the status rule that decided the status (1 to 7, 'How status is worked out')"),
    Column("status_reason", "Status reason", "string",
           description="In words, why the clause applies; for a status of cannot-be-rated, the reason the outcome cannot be measured"),
    *(Column(c.name, c.title.replace("Source:", "Latest reading's source:"), c.type, description=c.description) for c in SOURCE_COLUMNS),
    Column("assurance_rating", "Latest assurance rating", "string",
           description="A reviewer's judgement (red, amber-red, amber, amber-green or green), shown beside the computed status; it never changes it"),
    Column("assurance_scale", "Assurance scale", "string", description="rag (red, amber, green) or delivery-confidence (five points)"),
    Column("assurance_reviewer", "Assurance reviewer", "string"),
    Column("assurance_date", "Assurance date", "date"),
]


def source_row(source: Optional[Evidence], prefix: str = "source_") -> dict:
    """A figure's source as table cells (empty where none is given)."""
    if source is None:
        return {f"{prefix}{k}": None for k in ("publisher", "dataset", "released", "url")}
    return {f"{prefix}publisher": source.publisher, f"{prefix}dataset": source.dataset,
            f"{prefix}released": str(source.released) if source.released else None, f"{prefix}url": source.url}


def evidence_row(p: OutcomeProgress) -> dict:
    """Why the status is what it is (clause, reason, the latest reading's source) and the latest assurance rating beside it."""
    rating = p.outcome.assurance[-1] if p.outcome.assurance else None
    return {
        "measures": p.outcome.measures,
        "status_clause": p.clause,
        "status_reason": p.reason,
        **source_row(p.evidence),
        "assurance_rating": rating.rating if rating else None,
        "assurance_scale": rating.scale if rating else None,
        "assurance_reviewer": rating.reviewer if rating else None,
        "assurance_date": rating.date if rating else None,
    }
