"""The accountable figure: the role, who has held it and when, what else they hold, who scrutinises them.

A deal names "a highly visible accountable figure" (route-map, section 7): a directly elected
mayor, sheriff, governor or commissioner, or an alternative as visible. In the deals signed
since 2014 the role exists from a date, is first held by an interim appointee, then by
people elected; the holder may take other roles (police and crime commissioner, fire
authority), and scrutiny bodies hold powers over them (rejecting a strategy by a two-thirds
majority).
"""

from __future__ import annotations

import json
from typing import Literal, Optional

from pydantic import Field, model_validator

from .limits import first_suspect
from .types import FieldError, LongText, Model, Text, Title
from .when import When

Role = Literal["mayor", "sheriff", "governor", "commissioner", "other"]
Chosen = Literal["directly-elected", "indirectly-elected", "appointed", "to-be-decided"]
MAX_HOLDERS = 50


class Holder(Model):
    """One person's time in the role."""

    name: Text
    title: Optional[Title] = Field(None, description="Their title where it differs from the role's, e.g. 'Interim Mayor of Greater Manchester'")
    chosen: Optional[Chosen] = Field(None, description="How this holder was chosen, where it differs from the role's (an appointed interim mayor)")
    interim: bool = Field(False, description="Holding the role until the first holder is elected")
    elected: Optional[When] = Field(None, description="The election that chose them")
    since: Optional[When] = Field(None, description="When they took office")
    until: Optional[When] = Field(None, description="When they left office (none while they hold it)")
    other_roles: list[Text] = Field([], description="Roles this holder held with it, e.g. 'Police and crime commissioner' (beside the role's own)")

    @model_validator(mode="after")
    def _ordered(self) -> "Holder":
        if self.since is not None and self.until is not None and self.until < self.since:
            raise FieldError(("until",), f"{self.until} is before since, {self.since}")
        return self


class ScrutinyPower(Model):
    """A power a scrutiny body holds over the figure, e.g. rejecting their strategies."""

    body: Text
    power: LongText = Field(description="What it may do, e.g. 'reject the Mayor's spatial strategy'")
    threshold: Optional[Text] = Field(None, description="The vote it takes, e.g. 'a two-thirds majority of members'")


class AccountableFigure(Model):
    role: Role
    title: Optional[Title] = Field(None, description="The role's name, e.g. 'Mayor of West Yorkshire' (required for other)")
    visibility: Optional[LongText] = Field(None, description="For 'other': how the role is as visible and accountable as a mayor")
    chosen: Chosen
    established: Optional[When] = Field(None, description="From when the role exists")
    first_election: Optional[When] = Field(None, description="The first election to the role")
    holders: list[Holder] = Field([], max_length=MAX_HOLDERS, description="Everyone who has held the role, in order; the last without until holds it now")
    other_roles: list[Text] = Field([], description="Other roles the figure holds, e.g. 'Police and crime commissioner'")
    scrutinised_by: list[Text] = Field(min_length=1)
    scrutiny_powers: list[ScrutinyPower] = []

    @property
    def holder(self) -> Optional[Holder]:
        """Whoever holds the role now: the last holder, unless they have left."""
        if self.holders and self.holders[-1].until is None:
            return self.holders[-1]
        return None

    @model_validator(mode="before")
    @classmethod
    def _moved_fields(cls, data):
        if isinstance(data, dict) and "holder" in data:
            name = data["holder"]
            # Echoed only when it is plain text: a lone surrogate or control character would break
            # the message, and a long value would bury the advice.
            plain = isinstance(name, str) and name.strip() and len(name) <= 80 and first_suspect(name) is None
            name = name.strip() if plain else "..."
            if any(c in name for c in ',[]{}:#"\''):
                name = json.dumps(name, ensure_ascii=False)
            raise FieldError(
                ("holder",),
                f"has become holders, a list of everyone who has held the role, with dates: write holders: [{{name: {name}}}] "
                "instead (see content/deal-format.md)",
            )
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "AccountableFigure":
        if self.role == "other":
            if not self.title and not self.visibility:
                raise FieldError(
                    ("role",),
                    f"{self.role} needs a title (the role's name) and a visibility (how it is as visible and "
                    "accountable as a directly elected mayor)",
                )
            if not self.title:
                raise FieldError(("title",), f"is required when role is {self.role} (the role's name)")
            if not self.visibility:
                raise FieldError(
                    ("visibility",),
                    f"is required when role is {self.role} (say how the role is as visible and accountable "
                    "as a directly elected mayor)",
                )
        for i, holder in enumerate(self.holders[:-1]):
            if holder.until is None:
                raise FieldError(("holders", i, "until"), "is required: a later holder follows (when did they leave?)")
        for i, (earlier, later) in enumerate(zip(self.holders, self.holders[1:]), start=1):
            if earlier.until is not None and later.since is not None and later.since.before(earlier.until):
                raise FieldError(("holders", i, "since"), f"{later.since} is before the previous holder left, {earlier.until}")
        if self.established is not None:
            for i, holder in enumerate(self.holders):
                if holder.since is not None and holder.since.before(self.established):
                    raise FieldError(("holders", i, "since"), f"{holder.since} is before the role was established, {self.established}")
        return self
