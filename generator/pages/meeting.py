"""What changed since the last meeting, as the committee's packs show it (and ``dealsite pack``).

:func:`meeting_view` turns :class:`compute.meeting.Changes` into lines a reader can scan: each
with its severity (red first), the deal, what changed in words, the evidence (the reading and
the clause of the status rule, the moved target, the response), and a link to where the item
lives. Lists are capped for the page; every item is in the downloads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from ..compute.display import long_date, percent
from ..compute.meeting import Changes, NewlyOverdue, RecommendationState, ResponseGiven, StatusChange, changes_since, meeting_dates
from ..model import Deal, Evidence
from .bundle import Context
from .evidence import cause_text, paths
from .links import COMMITTEE_URI, DASHBOARD_URI, deal_tables_uri, deal_uri, href
from .record import IMPLEMENTATION_LABEL, RESPONSE_LABEL
from .views import measure

SEVERITY_LABEL = {"red": "Red", "amber": "Amber", "": ""}
LINES_SHOWN = 100  # per list on a pack page; every item is in the downloads


@dataclass(frozen=True)
class Line:
    severity: str  # "red", "amber" or ""
    date: object  # dt.date or PartialDate: when it happened
    deal: str  # the deal's title ("" for the committee's own items about every deal)
    deal_href: str
    title: str  # the outcome, milestone or recommendation
    href: str  # where it is on the site
    what: str  # what changed, in words
    evidence: str = ""  # why: the rule's clause and reason, the response, the evidence
    source: Optional[Evidence] = None  # where a figure came from
    clause: int = 0
    clause_href: str = ""

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABEL[self.severity]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    lines: list[Line]
    count: int  # in all (lines holds at most LINES_SHOWN)
    empty: str  # what to say when there is nothing


@dataclass(frozen=True)
class MeetingView:
    since: Optional[dt.date]
    until: dt.date
    attention: Section
    sections: list[Section] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.attention.count and not any(s.count for s in self.sections)


def _deal_link(deal: Deal, page_uri: str) -> str:
    return href(page_uri, deal_uri(deal))


def _status_line(c: StatusChange, page_uri: str) -> Line:
    e, o = c.entry, c.outcome
    rule = href(page_uri, DASHBOARD_URI, f"status-rule-{e.progress.clause}")
    # A new reading is named in the cause; otherwise the latest reading the status was worked out from.
    reading = f" Latest reading, {long_date(e.reading.date)}: {measure(e.reading.value, o.unit)}." if e.reading and e.progress.clause >= 4 and e.cause != "reading" else ""
    # Time passing says why in the cause; a reading or a moved target, in the rule's reason.
    reason = f"{e.progress.reason[:1].upper()}{e.progress.reason[1:]}." if e.cause in ("reading", "target-moved") else ""
    if reason and e.progress.share is not None and e.progress.clause == 7:
        reason = f"{percent(e.progress.share_percent)} of the progress expected by then."
    return Line(
        c.severity, e.date, c.deal.title, _deal_link(c.deal, page_uri), o.title,
        href(page_uri, deal_uri(c.deal), f"outcome-{o.id}"),
        f"{e.previous.label} to {e.status.label}. {cause_text(e, o.unit)}.",
        (reason + reading).strip(),
        source=e.source if e.cause == "reading" else None, clause=e.progress.clause, clause_href=rule,
    )


def _overdue_line(item: NewlyOverdue, page_uri: str) -> Line:
    event = item.event
    days = item.progress.slippage_days
    late = f"{days:,} days past its planned date" if days is not None else "past its planned date"
    return Line(
        item.severity, event.planned, item.deal.title, _deal_link(item.deal, page_uri), event.title,
        href(page_uri, deal_uri(item.deal), "negotiation"),
        f"Overdue: planned for {event.planned.words()}, not done; {late}.",
    )


def _recommendation_line(item: RecommendationState, deals: dict, page_uri: str) -> Line:
    rec, session = item.recommendation, item.session
    why = []
    if item.made:
        why.append(f"made at the session of {long_date(session.date)}")
    if item.due:
        why.append(f"due {rec.due.words()}")
    if item.late:
        why.append("no response recorded" + ("" if item.due else f" (it was due {rec.due.words()})"))
    elif item.responses:
        last = item.responses[-1]
        why.append(f"answered {last.date.words()}: {RESPONSE_LABEL[last.response].lower()}")
    deal = deals.get(rec.deal) if rec.deal else None
    return Line(
        item.severity, rec.due or session.date, deal.title if deal else "", _deal_link(deal, page_uri) if deal else "",
        f"Recommendation to {rec.to}", href(page_uri, COMMITTEE_URI, f"rec-{rec.id}"),
        rec.text, _sentence("; ".join(why)),
    )


def _sentence(text: str) -> str:
    """The first letter capitalised, the rest as written (months keep their capitals)."""
    return text[:1].upper() + text[1:] + "."


def _response_line(item: ResponseGiven, deals: dict, page_uri: str) -> Line:
    r, rec = item.response, item.recommendation
    deal = deals.get(rec.deal) if rec.deal else None
    return Line(
        item.severity, r.date, deal.title if deal else "", _deal_link(deal, page_uri) if deal else "",
        f"Response by {r.by}", href(page_uri, COMMITTEE_URI, f"rec-{rec.id}"),
        f"{RESPONSE_LABEL[r.response]}; implementation: {IMPLEMENTATION_LABEL[r.implementation].lower()}. {r.text}",
        f"To the recommendation: {rec.text}",
    )


def _section(id: str, title: str, lines: list[Line], empty: str) -> Section:
    return Section(id, title, lines[:LINES_SHOWN], len(lines), empty)


def meeting_view(changes: Changes, deals: list[Deal], page_uri: str) -> MeetingView:
    """The pack's lead: red and amber items first, then each kind of change (module docstring)."""
    by_slug = {d.slug: d for d in deals}

    def line(item) -> Line:
        if isinstance(item, StatusChange):
            return _status_line(item, page_uri)
        if isinstance(item, NewlyOverdue):
            return _overdue_line(item, page_uri)
        if isinstance(item, RecommendationState):
            return _recommendation_line(item, by_slug, page_uri)
        return _response_line(item, by_slug, page_uri)

    moves = [
        Line("", m.after.since, m.deal.title, _deal_link(m.deal, page_uri), m.outcome.title,
             href(page_uri, deal_uri(m.deal), f"outcome-{m.outcome.id}"),
             f"Target moved from {_target(m.before, m.outcome.unit)} to {_target(m.after, m.outcome.unit)}.",
             f"Version {m.after.commit[:7]} of the deal files." if m.after.commit else "Not yet in a published version.")
        for m in changes.target_moves
    ]
    readings = [
        Line("", r.reading.date, r.deal.title, _deal_link(r.deal, page_uri), r.outcome.title,
             href(page_uri, deal_tables_uri(r.deal), f"outcome-{r.outcome.id}"),
             f"{measure(r.reading.value, r.outcome.unit)}." + (f" {r.reading.commentary}" if r.reading.commentary else ""),
             source=r.outcome.source_of(r.reading))
        for r in changes.readings
    ]
    return MeetingView(
        changes.since,
        changes.until,
        _section("needs-attention", "Needs attention", [line(i) for i in changes.attention], "Nothing is red or amber."),
        [
            _section("status-changes", "Status changes", [line(i) for i in changes.status_changes], "No outcome's status changed."),
            _section("targets-moved", "Targets moved", moves, "No target was moved."),
            _section("new-readings", "New readings", readings, "No new readings."),
            _section("now-overdue", "Milestones now overdue", [line(i) for i in changes.overdue], "No milestone became overdue."),
            _section("recommendations", "Recommendations made, due or late", [line(i) for i in changes.recommendations],
                     "No recommendation was made, fell due or is late."),
            _section("responses", "Responses received", [line(i) for i in changes.responses], "No response was received."),
        ],
    )


def current_changes(ctx: Context, from_uri: str) -> tuple[Optional[MeetingView], Optional[dt.date]]:
    """What changed after the last meeting (on or before the build date) up to the build date,
    and that meeting's date: the lead of the current pack. (None, None) before any meeting: the
    dashboard lists what is new, and a site without a committee record pays nothing for it
    (every outcome's status history, about 1.5 s for 200 of the benchmark's deals)."""
    today = ctx.now.date()
    dates = meeting_dates(ctx.catalogue, today)
    if not dates:
        return None, None
    changes = changes_since(ctx.catalogue, dates[-1], today, paths(ctx))
    return meeting_view(changes, ctx.catalogue.deals, from_uri), dates[-1]


def _target(state, unit: str) -> str:
    if state.target is None:
        return "no target"
    return f"{measure(state.target.value, unit)} by {long_date(state.target.date)}"


# --- as text, for `dealsite pack` -----------------------------------------------------------------


def meeting_markdown(view: MeetingView, site_title: str = "") -> str:
    """The pack's lead as Markdown text for the terminal or an email; links are left out (the
    site has them). Deal text is printed as written."""
    since = f"after {long_date(view.since)}" if view.since else "from the start of the record"
    out = [f"# What changed {since}, up to {long_date(view.until)}", ""]
    if site_title:
        out += [site_title, ""]
    for section in [view.attention, *view.sections]:
        out += [f"## {section.title} ({section.count})", ""]
        if not section.count:
            out += [section.empty, ""]
            continue
        for ln in section.lines:
            mark = f"**{ln.severity_label}** " if ln.severity else ""
            when = ln.date.words() if hasattr(ln.date, "words") else long_date(ln.date)
            deal = f"{ln.deal}: " if ln.deal else ""
            why = (f" Rule clause {ln.clause}." if ln.clause else "") + (f" {ln.evidence}" if ln.evidence else "")
            out.append(f"- {mark}{when}. {deal}{ln.title}. {ln.what}{why}")
            if ln.source:
                out.append(f"  Source: {source_text(ln.source)}")
        if section.count > len(section.lines):
            out.append(f"- ... and {section.count - len(section.lines)} more")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def source_text(source: Evidence) -> str:
    parts = [source.publisher, source.dataset]
    if source.released:
        parts.append(f"released {source.released.words()}")
    if source.url:
        parts.append(source.url)
    return ", ".join(parts)
