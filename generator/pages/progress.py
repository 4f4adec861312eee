"""The progress review: the dashboard, the committee pack (HTML and PDF) and the changes page.

Every figure comes from :mod:`generator.compute.progress` (statuses by the documented rule)
and :mod:`generator.compute.history` (what changed in ``deals/`` between commits);
``progress_views.py`` arranges them into views, and this module renders them with
``site_templates/progress/*`` into pages.

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
from typing import Optional

from ..compute.history import Change, changes, reading_added_dates
from ..compute.progress import RECENT_DAYS, STATUS_ORDER, deal_event_progress, deal_outcome_progress
from ..model import Deal
from .bundle import Bundle, Context, GeneratedPage, Heading
from .links import CHANGES_URI, COMMITTEE_URI, DASHBOARD_URI, DATA_URI, PACK_URI, href, meeting_pack_uri
from .meeting import current_changes
from .progress_views import Review, outcome_row, theme_title

PACK_PDF = "pack.pdf"
RECENT_READINGS_DAYS = 90  # the dashboard's default "readings added since": 90 days before the build


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
    common = dict(review=review, full=full, statuses=STATUS_ORDER, today=review.today, recent_days=RECENT_DAYS, full_max=PACK_FULL_MAX_DEALS)
    # It leads with what changed since the last meeting (as each meeting's own pack does before it).
    lead, last = current_changes(ctx, PACK_URI)
    html = ctx.env.get_template("progress/pack.html").render(
        **common, pdf=PACK_PDF if want_pdf else None, standalone=False, lead=lead, last_meeting=last,
        links={"dashboard": href(PACK_URI, DASHBOARD_URI), "committee": href(PACK_URI, COMMITTEE_URI), "last_pack": href(PACK_URI, meeting_pack_uri(last)) if last else ""},
    )
    headings = [Heading(2, "pack-since", "What changed since the last meeting")]
    headings += [Heading(3, s.id, s.title) for s in [lead.attention, *lead.sections]] if lead else []
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
        bundle.add_file(PACK_PDF, pack_pdf(ctx, review, dict(common, lead=lead, last_meeting=last)))


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
        **common, pdf=None, standalone=True, links={"dashboard": "dashboard/", "committee": "committee/", "last_pack": ""},
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
    return {
        "outcomes": {
            oid: outcome_row(deal, p, from_uri, menu, themes) for oid, p in deal_outcome_progress(deal, today).items()
        },
        "events": deal_event_progress(deal, today),
        "dashboard": href(from_uri, DASHBOARD_URI, f"deal-{deal.slug}"),
        "rule": href(from_uri, DASHBOARD_URI, "status-rule"),
        "today": today,
    }
