"""The model layer: typed deal objects, and reading them from files at the edge.

Everything after this layer works on the checked objects named here; nothing after
it reads a deal file or sees an unchecked value.
"""

from .budget import UNIT_PENCE, BudgetLine, PlaceBudget, Scheme, SchemeShare, Unit
from .catalogue import Catalogue
from .deal import (
    AccountableFigure,
    Deal,
    DealStatus,
    Event,
    KeyDates,
    Level,
    Negotiation,
    Outcome,
    Partner,
    Place,
    Point,
    Power,
    PowerStatus,
    Publishable,
    Reading,
    Source,
)
from .shared import Deflators, MenuPower, NegotiationRound, PowersMenu, Timetable
from .types import LONDON, SLUG_RE, FieldError, FloatLiteral

__all__ = [
    "AccountableFigure",
    "BudgetLine",
    "Catalogue",
    "Deal",
    "DealStatus",
    "Deflators",
    "Event",
    "FieldError",
    "FloatLiteral",
    "KeyDates",
    "LONDON",
    "Level",
    "MenuPower",
    "Negotiation",
    "NegotiationRound",
    "Outcome",
    "Partner",
    "Place",
    "PlaceBudget",
    "Point",
    "Power",
    "PowerStatus",
    "PowersMenu",
    "Publishable",
    "Reading",
    "SLUG_RE",
    "Scheme",
    "SchemeShare",
    "Source",
    "Timetable",
    "UNIT_PENCE",
    "Unit",
]
