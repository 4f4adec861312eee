"""The publication gate: what the public may see at a moment, decided once, right after loading.

Everything downstream (pages, search, feeds, downloads, counts, history) sees only the
:class:`Publication` this returns, so nothing held back can leak through a forgotten
path. An item is held back while it is a draft or before its ``publish_after`` moment;
an update is held back too while mkdocs.yml's draft_docs names it (such an update is read
only for a preview), and while any deal it is about is held back (it would give the deal
away). So is the committee's record: a session while it is a draft, embargoed or about
a deal that is held back; a recommendation while it, its session or its deal is held back;
a response while it or the recommendation it answers is held back. What is held back is listed, with the text that must appear nowhere, so the
last check before a site goes live can look for it in every byte of the output.

Previews (``dealsite serve --drafts`` only) show everything, each held-back item marked.

An archive (``as_of``) is the public site as it stood on a past day: ``now`` is the end of
that day, so embargoes are judged then, and what happened after it is cut first
(``archive.as_known_on``: later readings, actual dates, follow-ons; updates dated after it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional

from ..model import LONDON, Catalogue, Deal, Publishable, Scrutiny
from ..model.updates import Update
from .archive import as_known_on
from .display import long_date


def is_public(item: Publishable, now: dt.datetime) -> bool:
    return not item.draft and (item.publish_after is None or item.publish_after <= now)


def moment_text(moment: dt.datetime) -> str:
    """'2 March 2026 at 09:30 UK time'."""
    local = moment.astimezone(LONDON)
    return f"{long_date(local.date())} at {local:%H:%M} UK time"


DRAFT_DOCS = "Draft: not published while mkdocs.yml's draft_docs names it"


def hold_reason(item: Publishable, now: dt.datetime) -> str:
    """Why the public cannot see item yet ('' if it can)."""
    if item.draft:
        return "Draft: not published until draft: true is removed"
    if item.publish_after is not None and item.publish_after > now:
        return f"Embargoed until {moment_text(item.publish_after)}"
    return ""


@dataclass(frozen=True)
class HeldBack:
    """One item the public may not see yet, and how to recognise it in the output."""

    kind: str  # "deal", "update", "reading", "session", "recommendation" or "response"
    name: str  # as a person names it: the deal's title, the update's file, the reading's outcome and date
    reason: str  # hold_reason, or why an update waits for its deals
    deal: Optional[str] = None  # the slug of the deal it belongs to (deals and readings)
    texts: tuple[str, ...] = ()  # distinctive text of the item that must appear nowhere public
    date: Optional[dt.date] = None  # a reading's date
    outcome: Optional[str] = None  # a reading's outcome id
    until: Optional[dt.datetime] = None  # when it becomes public (with what it waits on); None while a draft keeps it
    path: str = ""  # where it will appear, relative to the site's root, e.g. "deals/kent/"


@dataclass(frozen=True)
class Publication:
    """The catalogue and updates as a build may show them, and what is held back.

    ``catalogue`` and ``updates`` are what pages may show: the public ones, or, in a
    preview, everything (then ``held`` says what each preview banner must name).
    """

    now: dt.datetime
    previews: bool
    catalogue: Catalogue
    updates: tuple[Update, ...]
    held: tuple[HeldBack, ...]
    archive: Optional[dt.date] = None  # an archive of the site as of this day (``now`` is its end)

    def public_reading_keys(self) -> set[tuple[str, str, dt.date]]:
        """(deal slug, outcome id, reading date) of every reading the public may see."""
        held = {(h.deal, h.outcome, h.date) for h in self.held if h.kind == "reading"}
        return {
            (d.slug, o.id, r.date)
            for d in self.catalogue.deals
            for o in d.outcomes
            for r in o.readings
            if (d.slug, o.id, r.date) not in held
        }

    def public_slugs(self) -> set[str]:
        held = {h.deal for h in self.held if h.kind == "deal"}
        return {d.slug for d in self.catalogue.deals if d.slug not in held}


def publish(
    catalogue: Catalogue, updates: Iterable[Update], now: dt.datetime, *, previews: bool = False, as_of: Optional[dt.date] = None,
    drafts: frozenset[str] = frozenset(),
) -> Publication:
    """The one publication gate: everything a build shows at ``now`` passes through here.
    ``as_of``: an archive as of that day (``now`` its end): only what was known by then.
    ``drafts``: the files (src_uri) draft_docs names, read for a preview: an update among them
    is held back as a draft."""
    updates = tuple(updates)
    if as_of is not None:
        catalogue = as_known_on(catalogue, as_of)
        updates = tuple(u for u in updates if u.date <= now)
    held = tuple(_held_deals(catalogue, now)) + tuple(_held_readings(catalogue, now))
    public = public_catalogue(catalogue, now)
    slugs = {d.slug for d in public.deals}
    held += tuple(_held_updates(updates, catalogue, slugs, now, drafts))
    held += tuple(scrutiny_gate(catalogue.scrutiny, catalogue, slugs, now)[1])
    if previews:
        return Publication(now, True, catalogue, updates, held, as_of)
    shown = tuple(u for u in updates if visible(u, slugs, now) and u.src_uri not in drafts)
    return Publication(now, False, public, shown, held, as_of)


def public_catalogue(catalogue: Catalogue, now: dt.datetime) -> Catalogue:
    """The catalogue as the public may see it at ``now``: held-back deals and readings dropped."""
    deals = [public_deal(d, now) for d in catalogue.deals if is_public(d, now)]
    scrutiny, held = scrutiny_gate(catalogue.scrutiny, catalogue, {d.slug for d in deals}, now)
    return catalogue.model_copy(update={"deals": deals, "scrutiny": scrutiny if held else catalogue.scrutiny})


def public_deal(deal: Deal, now: dt.datetime) -> Deal:
    """The deal as the public may see it at ``now``: without its readings held back then."""
    # The deal itself when nothing in it is held back; a copy without the held-back readings gets a
    # digest of its own (model/digest.py), which the caches of a deal's work are keyed by.
    if all(is_public(r, now) for o in deal.outcomes for r in o.readings):
        return deal
    outcomes = [o.model_copy(update={"readings": [r for r in o.readings if is_public(r, now)]}) for o in deal.outcomes]
    return deal.model_copy(update={"outcomes": outcomes})


def visible(update: Update, public_deals: set[str], now: dt.datetime) -> bool:
    """Public: not a draft, past its embargo, and every deal it is about is public too
    (an update about an embargoed deal would give the deal away)."""
    return is_public(update, now) and all(slug in public_deals for slug in update.deals)


def release(*items: Publishable) -> Optional[dt.datetime]:
    """When all of items are public: the latest embargo among them; None while any is a draft."""
    if any(item.draft for item in items):
        return None
    moments = [item.publish_after for item in items if item.publish_after is not None]
    return max(moments) if moments else None


def _held_deals(catalogue: Catalogue, now: dt.datetime):
    for deal in catalogue.deals:
        reason = hold_reason(deal, now)
        if reason:
            outcome_titles = tuple(o.title for o in deal.outcomes)
            yield HeldBack(
                "deal", deal.title, reason, deal=deal.slug, texts=(deal.title, deal.summary, *outcome_titles),
                until=release(deal), path=f"deals/{deal.slug}/",
            )


def _held_readings(catalogue: Catalogue, now: dt.datetime):
    for deal in catalogue.deals:
        for outcome in deal.outcomes:
            for reading in outcome.readings:
                reason = hold_reason(reading, now)
                if reason:
                    texts = tuple(t for t in (reading.commentary, reading.remedial_action) if t)
                    name = f"reading of {long_date(reading.date)} for \u201c{outcome.title}\u201d ({deal.title})"
                    yield HeldBack(
                        "reading", name, reason, deal=deal.slug, texts=texts, date=reading.date, outcome=outcome.id,
                        until=release(deal, reading), path=f"deals/{deal.slug}/",
                    )


def _held_updates(updates: tuple[Update, ...], catalogue: Catalogue, public_slugs: set[str], now: dt.datetime, drafts: frozenset[str]):
    deals = {d.slug: d for d in catalogue.deals}
    for update in updates:
        drafted = update.src_uri in drafts
        reason = hold_reason(update, now)
        if not reason:
            waiting = [deals[s].title if s in deals else s for s in update.deals if s not in public_slugs]
            if waiting:
                reason = "Held back: it is about a deal that is not yet public (" + ", ".join(waiting) + ")"
        if drafted:  # and whatever else holds it back: taking it out of draft_docs would not publish it
            reason = DRAFT_DOCS + (f"; also {reason[:1].lower()}{reason[1:]}" if reason else "")
        if reason:
            until = None if drafted else release(update, *(deals[s] for s in update.deals if s in deals))
            yield HeldBack("update", update.src_uri, reason, texts=(update.title, update.summary), until=until, path=update.url)


def scrutiny_gate(scrutiny: Scrutiny, catalogue: Catalogue, public_slugs: set[str], now: dt.datetime) -> tuple[Scrutiny, list[HeldBack]]:
    """The committee's record (deals/_scrutiny.yaml) as the public may see it at ``now``, and what is held back of it.

    A session is held back while it is a draft or embargoed, or while any deal it examined is
    not public (naming the deal would give it away); a recommendation while it is, or its
    session or the deal it concerns is; a response while it is, or the recommendation it
    answers is held back.
    """
    deals = {d.slug: d for d in catalogue.deals}
    titles = {slug: d.title for slug, d in deals.items()}
    held: list[HeldBack] = []
    sessions, held_sessions = [], {}
    for session in scrutiny.sessions:
        reason = hold_reason(session, now)
        if not reason:
            waiting = [titles.get(s, s) for s in session.deals if s not in public_slugs]
            if waiting:
                reason = "Held back: it examined a deal that is not yet public (" + ", ".join(waiting) + ")"
        if reason:
            until = release(session, *(deals[s] for s in session.deals if s in deals))
            held_sessions[session.id] = until
            held.append(HeldBack("session", f"session {session.id}: {session.title}", reason, texts=(session.title,),
                                 date=session.date, until=until, path="committee/"))
        else:
            sessions.append(session)
    recommendations, held_recommendations = [], {}
    for rec in scrutiny.recommendations:
        reason = hold_reason(rec, now)
        waits = [rec]
        if not reason and rec.session in held_sessions:
            reason = "Held back: the session that made it is held back"
        if not reason and rec.deal is not None and rec.deal not in public_slugs:
            reason = f"Held back: it is about a deal that is not yet public ({titles.get(rec.deal, rec.deal)})"
        if reason:
            waits += [deals[rec.deal]] if rec.deal in deals else []
            until = _later(release(*waits), held_sessions.get(rec.session), rec.session in held_sessions)
            held_recommendations[rec.id] = until
            held.append(HeldBack("recommendation", f"recommendation {rec.id}", reason, texts=(rec.text,), until=until, path="committee/"))
        else:
            recommendations.append(rec)
    responses = []
    for response in scrutiny.responses:
        reason = hold_reason(response, now)
        if not reason and response.recommendation in held_recommendations:
            reason = "Held back: the recommendation it answers is held back"
        if reason:
            until = _later(release(response), held_recommendations.get(response.recommendation), response.recommendation in held_recommendations)
            texts = (response.text, *(e.title for e in response.evidence))
            held.append(HeldBack("response", f"response of {long_date(response.date)} to {response.recommendation}", reason,
                                 texts=texts, until=until, path="committee/"))
        else:
            responses.append(response)
    if not held:
        return scrutiny, held
    return scrutiny.model_copy(update={"sessions": sessions, "recommendations": recommendations, "responses": responses}), held


def _later(own: Optional[dt.datetime], other: Optional[dt.datetime], waits: bool) -> Optional[dt.datetime]:
    """When an item is public that also waits (``waits``) on another, public at ``other`` (None: a draft)."""
    if not waits:
        return own
    if own is None or other is None:
        return None
    return max(own, other)
