"""The progress review: the dashboard, the committee pack (HTML and PDF) and the changes page.

Every figure comes from :mod:`generator.progress` (statuses by the documented rule)
and :mod:`generator.diff` (what changed in ``deals/`` between commits); this module
only arranges them into views for ``site_templates/progress/*``.

Pages:

* ``dashboard.md``: counts by status, every outcome by deal (anchors ``deal-<slug>``),
  by theme (``theme-<id>``) and by power (``power-<id>``), overdue milestones, readings
  added recently, and the status rule (``status-rule``).
* ``pack.md``: one printable document with every deal's progress as of the build date;
  with ``ctx.pack_pdf``, also ``pack.pdf`` rendered by WeasyPrint from local files only.
* ``changes.md``: the history of ``deals/`` in git, newest first (``ctx.history``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from .diff import Change, changes, reading_added_dates
from .display import number
from .model import Deal, Outcome
from .pages_public import href, measure
from .progress import (
    RECENT_DAYS,
    STATUS_ORDER,
    BudgetProgress,
    EventProgress,
    OutcomeProgress,
    Status,
    budget_progress,
    deal_event_progress,
    deal_outcome_progress,
)
from .site import Bundle, Context, GeneratedPage, Heading, deal_uri

DASHBOARD_URI = "dashboard.md"
PACK_URI = "pack.md"
CHANGES_URI = "changes.md"
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
class Group:
    id: str  # anchor
    title: str
    rows: list
    counts: dict = field(default_factory=dict)
    extra: object = None


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
    shown = places(o.baseline.value, o.target.value, p.latest.value if p.latest else None)
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
        target=measure(o.target.value, o.unit),
        themes=[theme_titles.get(t, t) for t in o.themes],
        powers=[(pid, menu[pid].title if pid in menu else pid, own.get(pid, "not asked for")) for pid in o.powers],
    )


def theme_title(theme: str) -> str:
    return theme.replace("-", " ").capitalize()


def counts(rows) -> dict:
    found = Counter(r.progress.status for r in rows)
    return {s: found.get(s, 0) for s in STATUS_ORDER}


class Review:
    """The progress of every deal on one build date, built once for all three pages."""

    def __init__(self, ctx: Context, from_uri: str):
        self.ctx = ctx
        self.today = ctx.now.date()
        self.menu = {p.id: p for p in ctx.catalogue.powers}
        self.themes = {t: theme_title(t) for p in ctx.catalogue.powers for t in p.themes}
        self.deals: list[DealProgress] = []
        for deal in ctx.catalogue.deals:
            rows = [
                outcome_row(deal, p, from_uri, self.menu, self.themes)
                for p in deal_outcome_progress(deal, self.today).values()
            ]
            self.deals.append(
                DealProgress(deal, href(from_uri, deal_uri(deal)), rows, deal_event_progress(deal, self.today), budget_progress(deal), counts(rows))
            )
        self.rows = [r for d in self.deals for r in d.outcomes]
        self.counts = counts(self.rows)

    def by_theme(self) -> list[Group]:
        seen = sorted({t for r in self.rows for t in r.outcome.themes}, key=lambda t: theme_title(t))
        return [Group(f"theme-{t}", self.themes.get(t, theme_title(t)), [r for r in self.rows if t in r.outcome.themes]) for t in seen]

    def by_power(self) -> list[Group]:
        used = {pid for r in self.rows for pid in r.outcome.powers}
        groups = []
        for power in self.ctx.catalogue.powers:  # menu order
            if power.id in used:
                groups.append(Group(f"power-{power.id}", power.title, [r for r in self.rows if power.id in r.outcome.powers], extra=power.id))
        return groups

    def overdue(self) -> list[MilestoneRow]:
        rows = [MilestoneRow(d.deal, d.href, e) for d in self.deals for e in d.events if e.overdue]
        return sorted(rows, key=lambda r: (-r.progress.slippage_days, r.deal.slug, r.progress.event.title))

    def readings(self, added: dict, cutoff: dt.date, from_uri: str) -> list[ReadingRow]:
        rows = []
        for d in self.deals:
            for o in d.deal.outcomes:
                for r in o.readings:
                    when = added.get((d.deal.slug, o.id, r.date)) if added is not None else None
                    if added is not None and when is None:
                        when = self.today  # not yet committed: new in this build
                    added_date = when if isinstance(when, dt.date) and not isinstance(when, dt.datetime) else (when.date() if when else None)
                    rows.append(
                        ReadingRow(
                            d.deal, d.href, o, href(from_uri, deal_uri(d.deal), f"outcome-{o.id}"), r.date,
                            measure(r.value, o.unit),
                            added_date,
                            (added_date or r.date) >= cutoff,
                        )
                    )
        return sorted(rows, key=lambda r: (r.sort_date, r.date, r.deal.slug, r.outcome.id), reverse=True)


# --- pages ---------------------------------------------------------------------------------------


def add(ctx: Context, bundle: Bundle) -> None:
    _dashboard(ctx, bundle)
    _pack(ctx, bundle)
    _changes(ctx, bundle)


def _dashboard(ctx: Context, bundle: Bundle) -> None:
    review = Review(ctx, DASHBOARD_URI)
    history = getattr(ctx, "history", None)
    added = reading_added_dates(history) if history else None
    cutoff = review.today - dt.timedelta(days=RECENT_READINGS_DAYS)
    previous = _previous_change(history)
    # Only readings added since the earlier of the cutoff and the previous change are listed: the
    # page stays bounded at a thousand deals; every reading is in readings.csv and on the deal pages.
    window = min(cutoff, previous) if previous else cutoff
    readings = [r for r in review.readings(added, cutoff, DASHBOARD_URI) if r.sort_date >= window]
    themes, powers = review.by_theme(), review.by_power()
    html = ctx.env.get_template("progress/dashboard.html").render(
        review=review,
        statuses=STATUS_ORDER,
        themes=themes,
        powers=powers,
        overdue=review.overdue(),
        readings=readings,
        recent_count=sum(1 for r in readings if r.recent),
        cutoff=cutoff,
        window=window,
        previous=previous,
        has_history=added is not None,
        today=review.today,
        recent_days=RECENT_DAYS,
        recent_readings_days=RECENT_READINGS_DAYS,
        links={"pack": href(DASHBOARD_URI, PACK_URI), "changes": href(DASHBOARD_URI, CHANGES_URI), "data": href(DASHBOARD_URI, "data.md")},
    )
    headings = [Heading(2, "counts", "Outcomes by status"), Heading(2, "by-deal", "Outcomes by deal")]
    headings += [Heading(3, f"deal-{d.deal.slug}", d.deal.title) for d in review.deals]
    headings.append(Heading(2, "by-theme", "Outcomes by theme"))
    headings += [Heading(3, g.id, g.title) for g in themes]
    headings.append(Heading(2, "by-power", "Outcomes by power"))
    headings += [Heading(3, g.id, g.title) for g in powers]
    headings += [
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
            description="Whether each place is delivering the outcomes it agreed: status of every outcome, overdue milestones and new readings.",
            # Not indexed: it repeats every deal page's outcomes and grows with N (1,000 deals: 48 MB of
            # HTML, 10 MB of search index, 100+ s of the search plugin's parsing; generator/bench.py).
            search=False,
        )
    )


def _previous_change(history) -> Optional[dt.date]:
    """The date of the commit before the latest one that touched deals/: the previous publication."""
    dated = [r for r in history or [] if r.catalogue is not None]
    return dated[-2].date.date() if len(dated) >= 2 else None


def _pack(ctx: Context, bundle: Bundle) -> None:
    review = Review(ctx, PACK_URI)
    want_pdf = _wants_pdf(ctx)
    common = dict(review=review, statuses=STATUS_ORDER, today=review.today, recent_days=RECENT_DAYS)
    html = ctx.env.get_template("progress/pack.html").render(
        **common, pdf=PACK_PDF if want_pdf else None, standalone=False,
        links={"dashboard": href(PACK_URI, DASHBOARD_URI)},
    )
    headings = [Heading(2, "pack-summary", "Summary")] + [Heading(2, f"pack-{d.deal.slug}", d.deal.title) for d in review.deals]
    headings.append(Heading(2, "pack-rule", "How status is worked out"))
    bundle.pages.append(
        GeneratedPage(
            PACK_URI,
            "Committee pack",
            html,
            headings,
            description="Every deal's progress as of the build date, ready to print for the Parliamentary committee.",
            search=False,
        )
    )
    if want_pdf:
        bundle.files[PACK_PDF] = pack_pdf(ctx, review, common)


PACK_PDF_MAX_DEALS = 12  # WeasyPrint takes about a second a deal (100 deals: minutes): past this, no PDF (logged)


def _wants_pdf(ctx: Context) -> bool:
    if not getattr(ctx, "pack_pdf", False):
        return False
    if len(ctx.catalogue.deals) > PACK_PDF_MAX_DEALS:
        import logging

        # info, not a warning: strict MkDocs stops on warnings, and the HTML pack is still complete
        logging.getLogger("mkdocs.plugins.dealsite").info(
            f"committee pack PDF not built: {len(ctx.catalogue.deals)} deals is more than {PACK_PDF_MAX_DEALS} "
            "(the HTML pack is complete and prints)"
        )
        return False
    return True


def pack_pdf(ctx: Context, review: Review, common: dict) -> bytes:
    """The pack as PDF with WeasyPrint: system fonts only, and no URL is ever fetched."""
    from weasyprint import HTML

    html = ctx.env.get_template("progress/pack_pdf.html").render(
        **common, pdf=None, standalone=True, links={"dashboard": "dashboard/"},
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
    headings = [Heading(2, f"change-{c.commit[:12]}", f"{c.date.date().isoformat()} ({c.commit[:7]})") for c in found or []]
    bundle.pages.append(
        GeneratedPage(
            CHANGES_URI,
            "What changed",
            html,
            headings,
            description="Every change to the deals, newest first: targets moved, powers agreed, budgets and milestones changed.",
        )
    )


# --- for the deal pages (pages_public) --------------------------------------------------------


def deal_progress(ctx: Context, deal: Deal, from_uri: str) -> dict:
    """What a deal page shows of progress: ``outcomes`` (outcome id -> OutcomeRow, formatted),
    ``events`` (EventProgress in the deal's order) and ``dashboard`` (a link to its part of the dashboard)."""
    today = ctx.now.date()
    menu = {p.id: p for p in ctx.catalogue.powers}
    themes = {t: theme_title(t) for p in ctx.catalogue.powers for t in p.themes}
    return {
        "outcomes": {
            oid: outcome_row(deal, p, from_uri, menu, themes) for oid, p in deal_outcome_progress(deal, today).items()
        },
        "events": deal_event_progress(deal, today),
        "dashboard": href(from_uri, DASHBOARD_URI, f"deal-{deal.slug}"),
        "rule": href(from_uri, DASHBOARD_URI, "status-rule"),
        "today": today,
    }
