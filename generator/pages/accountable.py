"""The accountable figure over time, in words: the role, since when it exists, everyone who has held
it (interim, appointed or elected, with dates as precise as known and the other roles each held),
and the powers scrutiny bodies hold over them. Views for ``partials/accountability.html``, the
accountability page and the committee pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import AccountableFigure, Holder, PartialDate, ScrutinyPower

ROLE_LABEL = {"mayor": "Mayor", "sheriff": "Sheriff", "governor": "Governor", "commissioner": "Commissioner"}
CHOSEN_LABEL = {
    "directly-elected": "Directly elected",
    "indirectly-elected": "Indirectly elected",
    "appointed": "Appointed",
    "to-be-decided": "To be decided",
}


def role_title(figure: AccountableFigure) -> str:
    """The role's name: its title ('Mayor of West Yorkshire'), else the role in words ('Mayor')."""
    return figure.title or ROLE_LABEL.get(figure.role, "")


@dataclass(frozen=True)
class HolderView:
    name: str
    title: str  # their own title where the deal gives one ("Interim Mayor of ..."), else ""
    chosen: str  # "Directly elected", "Interim, appointed"
    elected: Optional[PartialDate]
    since: Optional[PartialDate]
    until: Optional[PartialDate]
    current: bool  # holds the role now
    other_roles: list[str]


def holder_view(holder: Holder, figure: AccountableFigure, current: bool) -> HolderView:
    chosen = CHOSEN_LABEL[holder.chosen or figure.chosen]
    if holder.interim:
        chosen = f"Interim, {chosen.lower()}"
    return HolderView(holder.name, holder.title or "", chosen, holder.elected, holder.since, holder.until, current, list(holder.other_roles))


@dataclass(frozen=True)
class FigureHistory:
    role: str
    established: Optional[PartialDate]
    first_election: Optional[PartialDate]
    holders: list[HolderView]  # in order, oldest first
    current: Optional[HolderView]
    scrutiny_powers: list[ScrutinyPower]

    @property
    def has_history(self) -> bool:
        """Whether there is more to say of the holders than the current one's name."""
        return len(self.holders) > 1 or any(h.title or h.elected or h.since or h.until or h.other_roles for h in self.holders)


def figure_history(figure: AccountableFigure) -> FigureHistory:
    now = figure.holder
    holders = [holder_view(h, figure, h is now) for h in figure.holders]
    current = holders[-1] if now is not None else None
    return FigureHistory(role_title(figure), figure.established, figure.first_election, holders, current, list(figure.scrutiny_powers))
