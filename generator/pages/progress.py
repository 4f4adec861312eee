"""The progress review: the dashboard, the committee pack (HTML and PDF) and the changes page.

Every figure comes from :mod:`generator.progress` (statuses by the documented rule)
and :mod:`generator.diff` (what changed in ``deals/`` between commits); this module
only arranges them into views for ``site_templates/progress/*``.

Pages:

* ``dashboard.md``: counts of outcomes by status in all, one row per deal (row anchors
  ``deal-<slug>``), per theme (``theme-<id>``) and per power (``power-<id>``); overdue
  milestones and readings added recently (each at most a few hundred rows); the status rule
  (``status-rule``). Each outcome's figures are on its deal page and in the downloads.
* ``pack.md``: one printable document as of the build date: the summary across deals and,
  for up to :data:`PACK_FULL_MAX_DEALS` deals, every deal's outcomes, milestones and budget in
  full (past that, each deal's page prints on its own); with ``ctx.pack_pdf`` and at most
  :data:`PACK_PDF_MAX_DEALS` deals, also ``pack.pdf`` rendered by WeasyPrint from local files only.
* ``changes.md``: the history of ``deals/`` in git, newest first (``ctx.history``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from ..compute.display import number
from ..compute.history import Change, changes, reading_added_dates
from ..compute.progress import (
    RECENT_DAYS,
    STATUS_ORDER,
    BudgetProgress,
    EventProgress,
    OutcomeProgress,
    budget_progress,
    deal_event_progress,
    deal_outcome_progress,
    outcome_progress,
)
from ..model import Deal, Outcome, PowerStatus
from .bundle import Bundle, Context, GeneratedPage, Heading, reused
from .evidence import outcome_evidence
from .links import CHANGES_URI, COMMITTEE_URI, DASHBOARD_URI, DATA_URI, PACK_URI, deal_uri, href
from .meeting import current_changes
from .views import measure

PACK_PDF = "pack.pdf"
RECENT_READINGS_DAYS = 90  # the dashboard's default "readings added since": 90 days before the build


# --- views ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRow:
    deal: Deal
    deal_href: str
    href: str  # the outcome on its deal page
    outcome: Outcome
    progress: OutcomeProgress
    latest: str  # value as written, or ""
    latest_date: Optional[dt.date]
    expected: str
    gap: str
    share: str  # e.g. "72.5%", or ""
    target: str
    themes: list[str]
    powers: list[tuple[str, str, str]]  # (menu id, title, the power's status in this deal or "not asked for")

    @property
    def status(self) -> str:
        return self.progress.status.value

    @property
    def status_label(self) -> str:
        return self.progress.status.label


@dataclass(frozen=True)
class ReadingRow:
    deal: Deal
    deal_href: str
    outcome: Outcome
    href: str
    date: dt.date
    value: str
    added: Optional[dt.date]  # when it first appeared in deals/ (git), None when unknown
    recent: bool  # added (or, without history, dated) on or after the default cutoff

    @property
    def sort_date(self) -> dt.date:
        return self.added or self.date


@dataclass(frozen=True)
class MilestoneRow:
    deal: Deal
    deal_href: str
    progress: EventProgress


@dataclass(frozen=True)
class DealProgress:
    deal: Deal
    href: str
    outcomes: list[OutcomeRow]
    events: list[EventProgress]
    budget: Optional[BudgetProgress]
    counts: dict  # Status -> number


def places(*values: Optional[Decimal]) -> int:
    """Decimal places as written in the deal (the most among values)."""
    found = [max(0, -v.as_tuple().exponent) for v in values if v is not None and isinstance(v.as_tuple().exponent, int)]
    return max(found, default=0)


def outcome_row(deal: Deal, p: OutcomeProgress, from_uri: str, menu: dict, theme_titles: dict) -> OutcomeRow:
    o = p.outcome
    shown = places(*(point.value for point in (o.baseline, o.target, p.latest) if point is not None))
    own = {power.power: power.status.value for power in deal.powers}
    return OutcomeRow(
        deal=deal,
        deal_href=href(from_uri, deal_uri(deal)),
        href=href(from_uri, deal_uri(deal), f"outcome-{o.id}"),
        outcome=o,
        progress=p,
        latest=measure(p.latest.value, o.unit) if p.latest else "",
        latest_date=p.latest.date if p.latest else None,
        expected=measure(p.expected.quantize(Decimal(1).scaleb(-shown)) if p.expected is not None else Decimal(0), o.unit)
        if p.expected is not None else "",
        gap=(("+" if p.gap > 0 else "") + number(p.gap, shown)) if p.gap is not None else "",
        share=(number(p.share_percent, 0) + "%") if p.share is not None else "",
        target=measure(o.target.value, o.unit) if o.target else "",
        themes=[theme_titles.get(t, t) for t in o.themes],
        powers=[(pid, menu[pid].title if pid in menu else pid, own.get(pid, "not asked for")) for pid in o.powers],
    )


def theme_title(theme: str) -> str:
    return theme.replace("-", " ").capitalize()


def counts(rows) -> dict:
    found = Counter(r.progress.status for r in rows)
    return {s: found.get(s, 0) for s in STATUS_ORDER}


@dataclass(frozen=True)
class DealSummary:
    """One deal's line on the dashboard and in the pack: counts only, whatever its size."""

    deal: Deal
    href: str  # the deal's page
    counts: dict  # Status -> number of outcomes
    outcomes: int
    overdue: int  # milestones overdue on the build date


@dataclass(frozen=True)
class CountRow:
    """Outcomes counted by status for one theme or one power on the menu."""

    id: str  # row anchor: theme-<id> or power-<id>
    title: str
    counts: dict  # Status -> number of outcomes
    outcomes: int
    deals: int  # deals with at least one such outcome
    not_agreed: int = 0  # (powers) outcomes whose deal has not agreed the power


def _count_row(anchor: str, title: str, found: Counter, deals: set, not_agreed: int = 0) -> CountRow:
    return CountRow(anchor, title, {s: found.get(s, 0) for s in STATUS_ORDER}, sum(found.values()), len(deals), not_agreed)


def _deal_statuses(deal: Deal, today: dt.date) -> tuple[list[str], list]:
    """Each outcome's status, in order, and the deal's overdue milestones."""
    return [outcome_progress(o, today).status for o in deal.outcomes], [e for e in deal_event_progress(deal, today) if e.overdue]


class Review:
    """The progress of every deal on one build date, as counts: built once for the dashboard and
    the pack. Work and size are one line per deal; each outcome's figures stay on its deal page
    and in the downloads (``outcomes-progress.csv``)."""

    def __init__(self, ctx: Context, from_uri: str):
        self.ctx = ctx
        self.today = today = ctx.now.date()
        deals_href = href(from_uri, "deals/index.md")  # + "<slug>/": one relpath for every deal
        self.deals: list[DealSummary] = []
        self.milestones: list[MilestoneRow] = []  # overdue ones
        by_theme: dict[str, Counter] = {}
        theme_deals: dict[str, set] = {}
        by_power: dict[str, Counter] = {}
        power_deals: dict[str, set] = {}
        not_agreed: Counter = Counter()
        for deal in ctx.catalogue.deals:
            deal_href = f"{deals_href}{deal.slug}/"
            statuses = Counter()
            agreed = {p.power for p in deal.powers if p.status is PowerStatus.agreed}
            found, late_events = reused(ctx, deal, "progress", lambda: _deal_statuses(deal, today))
            for o, status in zip(deal.outcomes, found):
                statuses[status] += 1
                for t in o.themes:
                    by_theme.setdefault(t, Counter())[status] += 1
                    theme_deals.setdefault(t, set()).add(deal.slug)
                for pid in o.powers:
                    by_power.setdefault(pid, Counter())[status] += 1
                    power_deals.setdefault(pid, set()).add(deal.slug)
                    if pid not in agreed:
                        not_agreed[pid] += 1
            late = [MilestoneRow(deal, deal_href, e) for e in late_events]
            self.milestones += late
            self.deals.append(DealSummary(deal, deal_href, {s: statuses.get(s, 0) for s in STATUS_ORDER}, len(deal.outcomes), len(late)))
        self.counts = {s: sum(d.counts[s] for d in self.deals) for s in STATUS_ORDER}
        self.outcomes = sum(d.outcomes for d in self.deals)
        self.overdue_count = len(self.milestones)
        titles = {t: theme_title(t) for p in ctx.catalogue.powers for t in p.themes}
        self.themes = sorted(
            (_count_row(f"theme-{t}", titles.get(t, theme_title(t)), found, theme_deals[t]) for t, found in by_theme.items()),
            key=lambda r: (r.title, r.id),
        )
        menu = {p.id: p for p in ctx.catalogue.powers}
        order = {p.id: i for i, p in enumerate(ctx.catalogue.powers)}
        self.powers = [
            _count_row(f"power-{pid}", menu[pid].title if pid in menu else pid, by_power[pid], power_deals[pid], not_agreed[pid])
            for pid in sorted(by_power, key=lambda pid: (order.get(pid, len(order)), pid))  # menu order
        ]

    def overdue(self) -> list[MilestoneRow]:
        return sorted(self.milestones, key=lambda r: (-r.progress.slippage_days, r.deal.slug, r.progress.event.title))

    def readings(
        self, added: Optional[dict], cutoff: dt.date, window: dt.date, from_uri: str, limit: int
    ) -> tuple[list[ReadingRow], int, int]:
        """Readings added (or, without history, dated) on or after ``window``, newest first:
        the first ``limit`` of them, how many there are, and how many are on or after ``cutoff``.

        At 1,000 deals there can be 200,000: only the rows shown are formatted."""
        deals_href = href(from_uri, "deals/index.md")
        today = self.today
        found = []
        for deal in self.ctx.catalogue.deals:
            for o in deal.outcomes:
                for r in o.readings:
                    if added is None:
                        added_date = None
                        if r.date < window:
                            continue
                    else:
                        when = added.get((deal.slug, o.id, r.date)) or today  # not yet committed: new in this build
                        added_date = when.date() if isinstance(when, dt.datetime) else when
                        if added_date < window:
                            continue
                    found.append((added_date or r.date, r.date, deal.slug, o.id, deal, o, r, added_date))
        found.sort(key=lambda f: f[:4], reverse=True)
        rows = []
        for sort_date, date, slug, _, deal, o, r, added_date in found[:limit]:
            deal_href = f"{deals_href}{slug}/"
            rows.append(
                ReadingRow(deal, deal_href, o, f"{deal_href}#outcome-{o.id}", date, measure(r.value, o.unit), added_date, sort_date >= cutoff)
            )
        return rows, len(found), sum(1 for f in found if f[0] >= cutoff)

    def full(self, from_uri: str) -> list[DealProgress]:
        """Every deal's outcomes, milestones and budget in full (the pack, for a handful of deals)."""
        menu = {p.id: p for p in self.ctx.catalogue.powers}
        themes = {t: theme_title(t) for p in self.ctx.catalogue.powers for t in p.themes}
        found = []
        for deal in self.ctx.catalogue.deals:
            rows = [outcome_row(deal, p, from_uri, menu, themes) for p in deal_outcome_progress(deal, self.today).values()]
            found.append(
                DealProgress(deal, href(from_uri, deal_uri(deal)), rows, deal_event_progress(deal, self.today), budget_progress(deal), counts(rows))
            )
        return found


# --- pages ---------------------------------------------------------------------------------------

# The longest lists the dashboard prints; past them it says how many more there are and where
# every one is (the downloads). At 1,000 deals there can be thousands of each.
OVERDUE_SHOWN = 100
READINGS_SHOWN = 200


def add(ctx: Context, bundle: Bundle) -> None:
    review = Review(ctx, DASHBOARD_URI)  # the dashboard and the pack are both top-level pages: same links
    _dashboard(ctx, bundle, review)
    _pack(ctx, bundle, review)
    _changes(ctx, bundle)


def _dashboard(ctx: Context, bundle: Bundle, review: Review) -> None:
    history = getattr(ctx, "history", None)
    added = reading_added_dates(history) if history else None
    cutoff = review.today - dt.timedelta(days=RECENT_READINGS_DAYS)
    previous = _previous_change(history)
    # Only readings added since the earlier of the cutoff and the previous change are listed, and
    # at most READINGS_SHOWN of them: every reading is in readings.csv and on the deal pages.
    window = min(cutoff, previous) if previous else cutoff
    readings, readings_count, recent_count = review.readings(added, cutoff, window, DASHBOARD_URI, READINGS_SHOWN)
    overdue = review.overdue()
    html = ctx.env.get_template("progress/dashboard.html").render(
        review=review,
        statuses=STATUS_ORDER,
        overdue=overdue[:OVERDUE_SHOWN],
        overdue_count=len(overdue),
        readings=readings,
        readings_count=readings_count,
        recent_count=recent_count,
        cutoff=cutoff,
        window=window,
        previous=previous,
        has_history=added is not None,
        today=review.today,
        recent_days=RECENT_DAYS,
        recent_readings_days=RECENT_READINGS_DAYS,
        links={"pack": href(DASHBOARD_URI, PACK_URI), "changes": href(DASHBOARD_URI, CHANGES_URI), "data": href(DASHBOARD_URI, DATA_URI)},
    )
    headings = [
        Heading(2, "counts", "Outcomes by status"),
        Heading(2, "by-deal", "Outcomes by deal"),
        Heading(2, "by-theme", "Outcomes by theme"),
        Heading(2, "by-power", "Outcomes by power"),
        Heading(2, "overdue", "Overdue milestones"),
        Heading(2, "readings", "Readings added recently"),
        Heading(2, "status-rule", "How status is worked out"),
    ]
    bundle.pages.append(
        GeneratedPage(
            DASHBOARD_URI,
            "Progress dashboard",
            html,
            headings,
            description="Whether each place is delivering the outcomes it agreed: outcomes by status for every deal, theme and power, overdue milestones and new readings.",
            # Not indexed: tables of counts, and the deal pages are indexed with their outcomes.
            search=False,
        )
    )


def _previous_change(history) -> Optional[dt.date]:
    """The date of the commit before the latest one that touched deals/: the previous publication."""
    dated = [r for r in history or [] if r.catalogue is not None]
    return dated[-2].date.date() if len(dated) >= 2 else None


PACK_PDF_MAX_DEALS = 12  # WeasyPrint takes about a second a deal (100 deals: minutes): past this, no PDF (logged)
# The pack has every deal in full up to this many deals (as its PDF); past it, the pack is the
# summary across deals, and each deal's page prints on its own (1,000 deals in full: 16 MB of HTML).
PACK_FULL_MAX_DEALS = PACK_PDF_MAX_DEALS


def _pack(ctx: Context, bundle: Bundle, review: Review) -> None:
    want_pdf = _wants_pdf(ctx)
    full = review.full(PACK_URI) if len(review.deals) <= PACK_FULL_MAX_DEALS else []
    meeting, last = current_changes(ctx, PACK_URI)  # the lead: what changed since the last meeting
    common = dict(review=review, full=full, statuses=STATUS_ORDER, today=review.today, recent_days=RECENT_DAYS, full_max=PACK_FULL_MAX_DEALS,
                  meeting=meeting, last_meeting=last)
    html = ctx.env.get_template("progress/pack.html").render(
        **common, pdf=PACK_PDF if want_pdf else None, standalone=False,
        links={"dashboard": href(PACK_URI, DASHBOARD_URI), "committee": href(PACK_URI, COMMITTEE_URI, "packs")},
    )
    headings = [Heading(2, "pack-changes", "What changed since the last meeting")]
    headings += [Heading(3, s.id, s.title) for s in [meeting.attention, *meeting.sections]]
    headings.append(Heading(2, "pack-summary", "Summary"))
    headings += [Heading(2, f"pack-{d.deal.slug}", d.deal.title) for d in full] or [Heading(2, "pack-deals", "Each deal in full")]
    headings.append(Heading(2, "pack-rule", "How status is worked out"))
    bundle.pages.append(
        GeneratedPage(
            PACK_URI,
            "Committee pack",
            html,
            headings,
            description="Every deal's progress as of the build date, ready to print for the Parliamentary committee.",
            search=False,  # it repeats the deal pages and the dashboard
        )
    )
    if want_pdf:
        bundle.add_file(PACK_PDF, pack_pdf(ctx, review, common))


def _wants_pdf(ctx: Context) -> bool:
    if not getattr(ctx, "pack_pdf", False):
        return False
    if len(ctx.catalogue.deals) > PACK_PDF_MAX_DEALS:
        import logging

        # info, not a warning: strict MkDocs stops on warnings, and the HTML pack is still complete
        logging.getLogger("mkdocs.plugins.dealsite").info(
            f"committee pack PDF not built: {len(ctx.catalogue.deals)} deals is more than {PACK_PDF_MAX_DEALS} "
            "(the HTML pack summarises every deal, and each deal's page prints)"
        )
        return False
    return True


def pack_pdf(ctx: Context, review: Review, common: dict) -> bytes:
    """The pack as PDF with WeasyPrint: system fonts only, and no URL is ever fetched."""
    from weasyprint import HTML

    html = ctx.env.get_template("progress/pack_pdf.html").render(
        **common, pdf=None, standalone=True, links={"dashboard": "dashboard/", "committee": "committee/"},
    )
    document = HTML(string=html, base_url="file:///nonexistent/", url_fetcher=_refuse_fetch)
    created = ctx.now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    doc = document.render()
    doc.metadata.created = created
    doc.metadata.modified = created
    return doc.write_pdf()  # deterministic: fixed metadata dates, no fetches


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the committee pack fetches nothing ({url} refused)")


def _changes(ctx: Context, bundle: Bundle) -> None:
    history = getattr(ctx, "history", None)
    found: Optional[list[Change]] = changes(history) if history is not None else None
    titles = {d.slug: d.title for d in ctx.catalogue.deals}
    html = ctx.env.get_template("progress/changes.html").render(
        changes=found, titles=titles, today=ctx.now.date(),
        links={"dashboard": href(CHANGES_URI, DASHBOARD_URI)},
    )
    headings = [Heading(2, f"change-{c.revision.id}", f"{c.date.date().isoformat()} ({c.commit[:7]})") for c in found or []]
    bundle.pages.append(
        GeneratedPage(
            CHANGES_URI,
            "What changed",
            html,
            headings,
            description="Every change to the deals, newest first: targets moved, powers agreed, budgets and milestones changed.",
        )
    )


# --- for the deal pages (pages/deal.py) --------------------------------------------------------


def deal_progress(ctx: Context, deal: Deal, from_uri: str) -> dict:
    """What a deal page shows of progress: ``outcomes`` (outcome id -> OutcomeRow, formatted),
    ``events`` (EventProgress in the deal's order) and ``dashboard`` (a link to its part of the dashboard)."""
    today = ctx.now.date()
    menu = {p.id: p for p in ctx.catalogue.powers}
    themes = {t: theme_title(t) for p in ctx.catalogue.powers for t in p.themes}
    found = deal_outcome_progress(deal, today)
    return {
        "outcomes": {oid: outcome_row(deal, p, from_uri, menu, themes) for oid, p in found.items()},
        # why each status is what it is, its history, the reviewers' ratings beside it (pages/evidence.py)
        "evidence": {oid: outcome_evidence(ctx, deal, p, from_uri) for oid, p in found.items()},
        "events": deal_event_progress(deal, today),
        "dashboard": href(from_uri, DASHBOARD_URI, f"deal-{deal.slug}"),
        "rule": href(from_uri, DASHBOARD_URI, "status-rule"),
        "today": today,
    }
