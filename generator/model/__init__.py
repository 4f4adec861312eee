"""The model layer: typed deal objects, and reading them from files at the edge.

Everything after this layer works on the checked objects named here; nothing after
it reads a deal file or sees an unchecked value.
"""

from .budget import (
    UNIT_PENCE,
    BudgetLine,
    MoneyKind,
    PlaceBudget,
    Scheme,
    SchemeShare,
    Unit,
)
from .catalogue import Catalogue
from .deal import (
    Condition,
    ConditionKind,
    ConditionStatus,
    Deal,
    DealStatus,
    Event,
    FollowOn,
    KeyDates,
    Level,
    Negotiation,
    Partner,
    Place,
    Power,
    PowerStatus,
    Recipient,
    Source,
)
from .figure import AccountableFigure, Holder, ScrutinyPower
from .money import AsPublished, Fund, FundKind, Gateway, GatewayOutcome, Published
from .outcomes import AssuranceRating, Evidence, Outcome, Point, Publishable, Reading
from .scrutiny import EvidenceLink, Recommendation, Response, Scrutiny, Session
from .shared import Deflators, MenuPower, NegotiationRound, PowersMenu, Timetable
from .types import LONDON, SLUG_RE, FieldError, FloatLiteral
from .when import PartialDate

__all__ = [
    "AccountableFigure", "AsPublished", "AssuranceRating", "BudgetLine", "Catalogue", "Condition", "ConditionKind",
    "ConditionStatus", "Deal", "DealStatus", "Deflators", "Event", "Evidence", "EvidenceLink", "FieldError",
    "FloatLiteral", "FollowOn", "Fund", "FundKind", "Gateway", "GatewayOutcome", "Holder", "KeyDates", "LONDON",
    "Level", "MenuPower", "MoneyKind", "Negotiation", "NegotiationRound", "Outcome", "Partner", "PartialDate",
    "Place", "PlaceBudget", "Point", "Power", "PowerStatus", "PowersMenu", "Publishable", "Published", "Reading",
    "Recipient", "Recommendation", "Response", "SLUG_RE", "Scheme", "SchemeShare", "Scrutiny", "ScrutinyPower",
    "Session", "Source", "Timetable", "UNIT_PENCE", "Unit",
]
