"""Outcomes and their evidence: what will be better, measured how, by when, and where each figure came from.

An outcome is measured by an indicator, from a baseline towards a target (through interim
milestones), by readings. Each reading names its source (publisher, dataset, release, link);
an outcome may be monitored without a target, or be too vague to measure ("cannot be
rated", with the reason); and an assurance review's judgement (a red/amber/green or
delivery confidence rating) sits beside the status the published rule computes, never in
its place.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, model_validator

from .types import (
    Date,
    FieldError,
    LongText,
    Measure,
    Model,
    Moment,
    Slug,
    Text,
    Title,
    Url,
)
from .when import When

MAX_READINGS = 500
MAX_RATINGS = 100


class Publishable(Model):
    """Anything that may be held back: a draft, or embargoed until a moment."""

    publish_after: Optional[Moment] = None
    draft: bool = False


class Point(Model):
    value: Measure
    date: Date


class Evidence(Model):
    """Where a figure came from: a publisher's dataset, release and link."""

    publisher: Text
    dataset: Title
    released: Optional[When] = Field(None, description="When that release of the dataset was published")
    url: Optional[Url] = None


class Reading(Publishable):
    date: Date
    value: Measure
    source: Optional[Evidence] = Field(None, description="Where this figure came from (default: the outcome's source)")
    commentary: Optional[LongText] = None
    remedial_action: Optional[LongText] = None


class AssuranceRating(Model):
    """A reviewer's judgement of an outcome, shown beside the computed status, never instead of it."""

    scale: Literal["rag", "delivery-confidence"] = Field(description="rag (red, amber, green) or the delivery confidence scale (five points)")
    rating: Literal["red", "amber-red", "amber", "amber-green", "green"]
    reviewer: Text
    date: Date
    note: Optional[LongText] = None
    url: Optional[Url] = None

    @model_validator(mode="after")
    def _on_its_scale(self) -> "AssuranceRating":
        if self.scale == "rag" and self.rating in ("amber-red", "amber-green"):
            raise FieldError(("rating",), f"{self.rating} is on the delivery-confidence scale (a rag rating is red, amber or green)")
        return self


class Outcome(Model):
    id: Slug
    title: Title
    indicator: Text
    measures: Literal["outcome", "output"] = Field("outcome", description="Whether the indicator measures an outcome (what got better) or an output (what was done)")
    unit: Text
    baseline: Optional[Point] = Field(None, description="Where it started (required unless it cannot be rated)")
    target: Optional[Point] = Field(None, description="None: monitored without a target")
    milestones: list[Point] = Field([], description="Interim targets; the expected path runs through them")
    cannot_rate: Optional[LongText] = Field(None, description="Why the outcome is too vague to measure: its status is 'cannot be rated'")
    owner: Text
    themes: list[Slug] = []
    powers: list[Slug] = Field([], description="Menu powers this outcome relies on")
    source: Optional[Evidence] = Field(None, description="Where the readings come from, unless a reading names its own")
    readings: list[Reading] = Field([], max_length=MAX_READINGS)
    assurance: list[AssuranceRating] = Field([], max_length=MAX_RATINGS, description="Reviewers' ratings, oldest first")
    note: Optional[LongText] = Field(None, description="What a reader should know about the outcome or its figures")
    illustrative: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> "Outcome":
        if self.baseline is None:
            if not self.cannot_rate:
                raise FieldError(("baseline",), "is required (where did it start?), unless cannot_rate says why it cannot be measured")
            for name in ("target", "milestones", "readings"):
                if getattr(self, name):
                    raise FieldError((name,), "needs a baseline (readings and targets are measured from it)")
            return self
        if self.target is None and self.milestones:
            raise FieldError(("milestones",), "needs a target (milestones lie on the path to it)")
        if self.target is not None:
            if self.target.date <= self.baseline.date:
                raise FieldError(
                    ("target", "date"), f"{self.target.date} is not after the baseline date, {self.baseline.date}"
                )
            for i, m in enumerate(self.milestones):
                if not self.baseline.date < m.date < self.target.date:
                    raise FieldError(
                        ("milestones", i, "date"),
                        f"{m.date} is not between the baseline date, {self.baseline.date}, and the target date, "
                        f"{self.target.date}",
                    )
        seen: dict = {}
        for j, r in enumerate(self.readings):
            if r.date in seen:
                raise FieldError(
                    ("readings", j, "date"), f"{r.date} is the date of another reading, readings[{seen[r.date]}]"
                )
            seen[r.date] = j
        for j, (earlier, later) in enumerate(zip(self.assurance, self.assurance[1:]), start=1):
            if later.date < earlier.date:
                raise FieldError(("assurance", j, "date"), f"{later.date} is before the rating above it, {earlier.date} (oldest first)")
        return self

    def source_of(self, reading: Reading) -> Optional[Evidence]:
        return reading.source or self.source
