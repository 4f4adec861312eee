"""The committee's record, ``deals/_scrutiny.yaml``: sessions, recommendations and the responses to them.

A Parliamentary committee examines deals at sessions, makes recommendations (to whom, by
when) and receives responses (accepted, partly accepted, rejected), then asks whether what
was promised was done: each response records the state of implementation and its
evidence. Every item may be held back like a deal (a draft, or embargoed until a moment);
the publication gate (``compute/embargo.py``) also holds back a session about a deal that is
not public, a recommendation of a held-back session or about a held-back deal, and a
response to a held-back recommendation.

A session marked ``illustrative`` was invented for the example site: its recommendations
and responses are shown as illustrative too.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from .outcomes import Publishable
from .types import Date, LongText, Model, Slug, Text, Title, Url
from .when import When

MAX_RECORDS = 5_000


class Session(Publishable):
    id: Slug
    committee: Text
    date: Date
    title: Title
    deals: list[Slug] = Field(min_length=1, description="The deals examined (file names in deals/, without .yaml)")
    papers: Optional[Url] = Field(None, description="The transcript or papers")
    illustrative: bool = Field(False, description="Invented for the example, with its recommendations and responses")


class Recommendation(Publishable):
    id: Slug
    session: Slug = Field(description="The id of the session that made it")
    deal: Optional[Slug] = Field(None, description="The deal it concerns (none: every deal the session examined)")
    to: Text = Field(description="Whom it is addressed to, e.g. 'the Department' or 'the Mayor of West Yorkshire'")
    text: LongText
    due: Optional[When] = Field(None, description="When a response or action is due")


class EvidenceLink(Model):
    title: Title
    url: Optional[Url] = None
    date: Optional[When] = None


class Response(Publishable):
    recommendation: Slug = Field(description="The id of the recommendation it answers")
    date: When = Field(description="When it was given, as precisely as known: 2016-11-30, 2016-11 or 2016")
    by: Text = Field(description="Who responded")
    response: Literal["accepted", "partly-accepted", "rejected"]
    text: LongText
    implementation: Literal["not-started", "in-progress", "implemented", "not-implemented"] = "not-started"
    evidence: list[EvidenceLink] = []


class Scrutiny(Model):
    sessions: list[Session] = Field([], max_length=MAX_RECORDS)
    recommendations: list[Recommendation] = Field([], max_length=MAX_RECORDS)
    responses: list[Response] = Field([], max_length=MAX_RECORDS)
