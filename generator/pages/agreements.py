"""What a deal is subject to, what later agreements added, and who receives each power: in words.

Views for the deal page's Conditions and Later agreements sections and its powers table, and
the sentence of its summary that says what stage the deal is at. Deal text stays plain text
(Jinja escapes it); only the labels and counts are written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..compute.funds import fund_total, published
from ..model import Condition, ConditionKind, ConditionStatus, Deal, DealStatus, FollowOn, PartialDate, Recipient

CONDITION_KIND_LABEL = {
    ConditionKind.legislation: "Legislation",
    ConditionKind.consent: "Consent of the councils",
    ConditionKind.consultation: "Public consultation",
    ConditionKind.ratification: "Ratification by the partners",
    ConditionKind.governance_review: "Review of governance",
    ConditionKind.other: "Other condition",
}
# The kinds as a sentence names them: "subject to 2 conditions still outstanding: legislation and consent".
CONDITION_KIND_WORDS = {
    ConditionKind.legislation: "legislation",
    ConditionKind.consent: "the councils' consent",
    ConditionKind.consultation: "a public consultation",
    ConditionKind.ratification: "ratification",
    ConditionKind.governance_review: "a review of governance",
    ConditionKind.other: "another condition",
}
CONDITION_STATUS_LABEL = {
    ConditionStatus.outstanding: "Outstanding",
    ConditionStatus.met: "Met",
    ConditionStatus.not_met: "Not met",
    ConditionStatus.unknown: "Not known",
}
FOLLOW_ON_KIND_LABEL = {
    "memorandum": "Memorandum of understanding",
    "further-deal": "Further deal",
    "trailblazer": "Trailblazer deal",
    "settlement": "Settlement",
    "order": "Order",
    "other": "Other agreement",
}
# A deal's status, and a follow-on's, as the pages word it.
DEAL_STATUS_LABEL = {
    DealStatus.proposed: "Proposed",
    DealStatus.negotiating: "Negotiating",
    DealStatus.agreed: "Agreed",
    DealStatus.in_delivery: "In delivery",
    DealStatus.completed: "Completed",
    DealStatus.withdrawn: "Withdrawn",
}


def plural(n: int, one: str, many: Optional[str] = None) -> str:
    """'1 condition', '2 conditions'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def and_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- follow-on agreements ------------------------------------------------------------------


@dataclass(frozen=True)
class FollowOnRef:
    """A link to a later agreement on the same deal page."""

    title: str
    anchor: str  # follow-on-<id>


def follow_on_refs(deal: Deal) -> dict[str, FollowOnRef]:
    return {f.id: FollowOnRef(f.title, f"follow-on-{f.id}") for f in deal.follow_ons}


@dataclass(frozen=True)
class FollowOnView:
    follow_on: FollowOn
    anchor: str
    kind_label: str
    status: str  # the enum value, for CSS
    status_label: str  # "Withdrawn on 5 April 2023" is the template's: label and date
    powers: list[str]  # the titles of the powers it added
    funds: list[str]  # the funds it added, with their amounts as published
    conditions: list[str]  # the conditions it added: kind and status


def follow_on_views(deal: Deal, menu_titles: dict[str, str]) -> list[FollowOnView]:
    views = []
    for f in deal.follow_ons:
        powers = [p.title or menu_titles.get(p.power, p.power) for p in deal.powers if p.added_by == f.id]
        funds = []
        for fund in deal.funds:
            if fund.added_by == f.id:
                total = fund_total(fund)
                amount = published(total.amount, fund.unit, total.as_published) if total else None
                funds.append(f"{fund.name} ({amount})" if amount else fund.name)
        conditions = [
            f"{CONDITION_KIND_LABEL[c.kind]}: {CONDITION_STATUS_LABEL[c.status].lower()}" for c in deal.conditions if c.added_by == f.id
        ]
        views.append(
            FollowOnView(f, f"follow-on-{f.id}", FOLLOW_ON_KIND_LABEL[f.kind], f.status.value, DEAL_STATUS_LABEL[f.status], powers, funds, conditions)
        )
    return views


# --- conditions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionView:
    kind_label: str
    description: str
    status: str  # the enum value, for CSS
    status_label: str
    date: Optional[PartialDate]
    added_by: Optional[FollowOnRef]


def condition_views(deal: Deal) -> list[ConditionView]:
    refs = follow_on_refs(deal)
    return [
        ConditionView(
            CONDITION_KIND_LABEL[c.kind], c.description, c.status.value, CONDITION_STATUS_LABEL[c.status], c.date,
            refs.get(c.added_by) if c.added_by else None,
        )
        for c in deal.conditions
    ]


def stage(deal: Deal, status_label: str) -> str:
    """The first sentence of "What stage it is at": the deal's status and, where it is subject to
    conditions, how many are still outstanding and of what kind, e.g. "Agreed, subject to 2
    conditions still outstanding: legislation and the councils' consent." Conditions a later
    agreement added are counted apart: they are that agreement's, not the deal's."""
    own = [c for c in deal.conditions if c.added_by is None]
    later = [c for c in deal.conditions if c.added_by is not None and c.status is ConditionStatus.outstanding]
    outstanding = [c for c in own if c.status is ConditionStatus.outstanding]
    if outstanding:
        kinds = list(dict.fromkeys(CONDITION_KIND_WORDS[c.kind] for c in outstanding))
        words = f"{status_label}, subject to {plural(len(outstanding), 'condition')} still outstanding: {and_list(kinds)}."
    else:
        words = f"{status_label}."
        if own:
            words += " " + _settled(own)
    if later:
        words += f" Later agreements have {plural(len(later), 'condition')} still outstanding."
    return words


def _settled(conditions: list[Condition]) -> str:
    met = sum(c.status is ConditionStatus.met for c in conditions)
    if met == len(conditions):
        return "The condition it was subject to has been met." if met == 1 else f"All {len(conditions)} conditions it was subject to have been met."
    parts = [f"{met} met"] if met else []
    not_met = sum(c.status is ConditionStatus.not_met for c in conditions)
    if not_met:
        parts.append(f"{not_met} not met")
    unknown = len(conditions) - met - not_met
    if unknown:
        parts.append(f"{unknown} not known")
    return f"Of the {plural(len(conditions), 'condition')} it was subject to: {and_list(parts)}."


# --- who receives a power ------------------------------------------------------------------------

AUTHORITY_KIND = {"combined-authority": "combined authority", "strategic-authority": "strategic authority"}


def recipient_words(recipient: Optional[Recipient], deal: Deal) -> str:
    """Who receives a power, in words: "The Mayor, personally", the combined
    authority by name, a council by name; "" where the deal does not say."""
    if recipient is None:
        return ""
    if recipient.name:
        return recipient.name
    if recipient.kind == "mayor":
        return "The Mayor, personally" if deal.accountable_figure.role == "mayor" else "An elected mayor, personally"
    kind = AUTHORITY_KIND[recipient.kind]
    named = [p.name for p in deal.place.partners if p.kind == recipient.kind]
    return named[0] if len(named) == 1 else f"The {kind}"
