"""The tables of a deal's agreements: its conditions, funds and their gateway reviews, follow-on
agreements, powers, and the accountable figure's holders and scrutiny powers.

Each table has one :class:`tables.Column` list, for the downloads (CSV, ODS, the data
package) and the open data page. A table with no rows for a deal is not published for that
deal: :func:`agreement_csvs` says which are, without computing them, so a page links only to
files that exist and hold something.

Money is exact: a fund's amounts are written in its unit (``£m``), and the tables give them
in pounds (``csv_pounds``), with how each was published (exactly, as a cap, as an estimate).
Dates are written as precisely as the deal knows them: ``2020-03-11``, ``2020-03`` or ``2020``.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Optional

from ..model import UNIT_PENCE, Deal, Fund, Gateway, GatewayOutcome, MenuPower, PartialDate, Published
from .display import csv_pounds
from .tables import Column, Table, rows_frame

PRECISE = "As precisely as known: YYYY-MM-DD, YYYY-MM or YYYY"
AS_PUBLISHED = "How the amount was published: exact, up-to (a cap) or about (an estimate)"
GBP = "Exact, in pounds, 2 decimal places (more only for fractions of a penny)"

# --- gateway reviews ---------------------------------------------------------------------------

RELEASED, WITHHELD, PENDING, NOT_YET_DUE, AWAITED = "released", "withheld", "pending", "not yet due", "result awaited"
GATEWAY_STATES = (RELEASED, WITHHELD, PENDING, NOT_YET_DUE, AWAITED)
_BY_OUTCOME = {GatewayOutcome.passed: RELEASED, GatewayOutcome.failed: WITHHELD, GatewayOutcome.deferred: PENDING}


def gateway_state(gateway: Gateway, today: dt.date) -> str:
    """The state of the tranche a review releases, as of ``today``: released (the review was
    passed), withheld (failed), pending (the decision was deferred); with no result published,
    not yet due until the last day the review may be due (2025 is due until 31 December
    2025), and result awaited after it."""
    if gateway.outcome is not None:
        return _BY_OUTCOME[gateway.outcome]
    return NOT_YET_DUE if today <= gateway.due.latest else AWAITED


def tranche_years(fund: Fund, review: int) -> Optional[tuple[int, int]]:
    """The years of the fund (its first year is 1) the ``review``-th review (from 1) releases:
    the review after year review x gateway_every releases the next gateway_every years, or
    what is left of the fund. A fund of 30 years reviewed every 5: review 1 releases years 6
    to 10, review 5 years 26 to 30."""
    if fund.gateway_every is None or fund.years is None:
        return None
    first = review * fund.gateway_every + 1
    last = min((review + 1) * fund.gateway_every, fund.years)
    return (first, last) if first <= last else None


def tranche(fund: Fund, review: int) -> tuple[Optional[Published], bool]:
    """What the ``review``-th review releases, and whether that amount is computed: the amount
    the deal gives (``releases``), or else the fund's amount a year for the years it releases."""
    gateway = fund.gateways[review - 1]
    if gateway.releases is not None:
        return gateway.releases, False
    years = tranche_years(fund, review)
    if years is None or fund.per_year is None:
        return None, False
    count = years[1] - years[0] + 1
    per_year = fund.per_year
    return Published(amount=per_year.amount * count, as_published=per_year.as_published, illustrative=per_year.illustrative), True


def financial_year(first_year: str, offset: int) -> str:
    """The financial year ``offset`` years after ``first_year``: ('2020-21', 5) -> '2025-26'."""
    start = int(first_year[:4]) + offset
    return f"{start}-{(start + 1) % 100:02}"


# --- the tables --------------------------------------------------------------------------------


def _when(value: Optional[PartialDate]) -> Optional[str]:
    return None if value is None else str(value)


def _pounds(fund: Fund, published: Optional[Published]) -> Optional[str]:
    return None if published is None else csv_pounds(published.amount * UNIT_PENCE[fund.unit])


def _how(published: Optional[Published]) -> Optional[str]:
    return None if published is None else published.as_published.value


CONDITION_COLUMNS = [
    Column("kind", "Kind", "string", description="legislation, consent, consultation, ratification, governance-review or other"),
    Column("description", "Condition", "string", description="What the deal is subject to"),
    Column("status", "Status", "string", description="outstanding, met, not-met or unknown (the record does not say)"),
    Column("date", "Date", "string", description=f"When it was met (or not), or when it is due. {PRECISE}; empty if not known"),
    Column("added_by", "Added by", "string", description="The id of the follow-on agreement that added it; empty for the deal itself"),
]

FUND_COLUMNS = [
    Column("fund_id", "Fund id", "string", description="The fund's identifier within the deal"),
    Column("name", "Fund", "string"),
    Column("kind", "Kind", "string", description="investment-fund, transport-settlement, housing-fund, skills-fund, integrated-settlement, one-off or other"),
    Column("per_year_gbp", "Amount a year", "number", "GBP", f"{GBP}; empty when the deal gives only a total"),
    Column("per_year_as_published", "Amount a year: as published", "string", AS_PUBLISHED),
    Column("years", "Years", "integer", "years", "How many years the fund runs; empty when no end is stated"),
    Column("first_year", "First financial year", "string", description="e.g. 2020-21; empty if not known"),
    Column("total_gbp", "Total as published", "number", "GBP", f"The whole sum as the deal publishes it. {GBP}; empty when none is published"),
    Column("total_as_published", "Total: as published", "string", AS_PUBLISHED),
    Column("per_year_times_years_gbp", "Amount a year x years", "number", "GBP",
           f"per_year_gbp x years, computed. {GBP}; empty without both. A cap or an estimate a year gives a cap or an estimate"),
    Column("capital_percent", "Capital share", "number", "percent", "The share that is capital (the rest is revenue), as given; empty if not given"),
    Column("gateway_every", "Gateway review every", "integer", "years", "Years between gateway reviews; empty for a fund without them"),
    Column("recipient", "Held by", "string", description="Who holds the money"),
    Column("added_by", "Added by", "string", description="The id of the follow-on agreement that added it; empty for the deal itself"),
    Column("illustrative", "Illustrative", "boolean", description="true where the fund's dates or terms, or any of its amounts, are illustrative rather than from the record"),
    Column("note", "Note", "string"),
]

GATEWAY_COLUMNS = [
    Column("fund_id", "Fund id", "string", description="The fund reviewed (see funds.csv)"),
    Column("review", "Review", "integer", description="1 for the fund's first gateway review, 2 for the second, and so on"),
    Column("due", "Due", "string", description=f"When the review is due. {PRECISE}"),
    Column("outcome", "Outcome", "string", description="passed, deferred or failed; empty while no result is published"),
    Column("decided", "Decided", "string", description=f"When the outcome was announced. {PRECISE}"),
    Column("state", "State", "string",
           description=f"The state of the tranche as of the build date: {RELEASED} (passed), {WITHHELD} (failed), {PENDING} (deferred); "
           f"with no result, {NOT_YET_DUE} until the last day of the due date's period, then {AWAITED}"),
    Column("tranche_first_year", "Tranche: first year of the fund", "integer", description="The first year of the fund the tranche covers, counting the fund's first year as 1"),
    Column("tranche_last_year", "Tranche: last year of the fund", "integer", description="The last year of the fund the tranche covers"),
    Column("tranche_from", "Tranche: from financial year", "string", description="The financial year the tranche starts; empty when the fund's first year is not known"),
    Column("tranche_to", "Tranche: to financial year", "string", description="The financial year the tranche ends"),
    Column("releases_gbp", "Tranche", "number", "GBP", f"What passing the review releases. {GBP}"),
    Column("releases_as_published", "Tranche: as published", "string", AS_PUBLISHED),
    Column("releases_computed", "Tranche computed", "boolean",
           description="true where the deal gives no amount and releases_gbp is the fund's amount a year x the years of the tranche"),
    Column("illustrative", "Illustrative", "boolean", description="true where the due date or the amount is an estimate, not from the record"),
    Column("note", "Note", "string"),
]

FOLLOW_ON_COLUMNS = [
    Column("follow_on_id", "Follow-on id", "string", description="The agreement's identifier within the deal"),
    Column("title", "Agreement", "string"),
    Column("kind", "Kind", "string", description="memorandum, further-deal, trailblazer, settlement, order or other"),
    Column("status", "Status", "string", description="proposed, negotiating, agreed, in-delivery, completed or withdrawn"),
    Column("date", "Announced", "string", description=f"When it was announced or published. {PRECISE}"),
    Column("signed", "Signed", "string", description=f"When it was signed, where that differs. {PRECISE}"),
    Column("withdrawn", "Withdrawn", "string", description=f"When it was withdrawn. {PRECISE}"),
    Column("powers_added", "Powers added", "integer", description="How many of the deal's powers this agreement added (powers.csv, added_by)"),
    Column("funds_added", "Funds added", "integer", description="How many of the deal's funds this agreement added (funds.csv, added_by)"),
    Column("conditions_added", "Conditions added", "integer", description="How many of the deal's conditions this agreement added (conditions.csv, added_by)"),
    Column("summary", "What it adds", "string"),
    Column("url", "Link", "string"),
]

POWER_COLUMNS = [
    Column("power", "Menu power", "string", description="An id from the menu of powers (deals/_powers.yaml)"),
    Column("menu_title", "Menu power title", "string"),
    Column("category", "Category", "string", description="What kind of power it is, from the menu"),
    Column("title", "Grant", "string", description="What this grant is, where the deal names it (a menu power granted more than once has a title each time)"),
    Column("status", "Status", "string", description="requested, agreed, declined, deferred or withdrawn (agreed, then taken out of the deal)"),
    Column("recipient_kind", "Recipient", "string", description="mayor, combined-authority, strategic-authority, council or other; empty where the deal does not say"),
    Column("recipient_name", "Recipient's name", "string", description="The body's name, where given"),
    Column("from_body", "From", "string", description="The department or body that gives it up"),
    Column("conditions", "Conditions", "string"),
    Column("round", "Round", "string", description="An id from the negotiation rounds; empty if none"),
    Column("added_by", "Added by", "string", description="The id of the follow-on agreement that added it; empty for the deal itself"),
    Column("first_used", "First used", "string", description=f"When the power was first used. {PRECISE}; empty if not (yet) known"),
    Column("note", "Note", "string"),
]

HOLDER_COLUMNS = [
    Column("order", "Order", "integer", description="1 for the first holder of the role, 2 for the next, and so on"),
    Column("name", "Name", "string"),
    Column("title", "Title", "string", description="Their title: the role's own unless the deal gives theirs"),
    Column("chosen", "How chosen", "string", description="directly-elected, indirectly-elected, appointed or to-be-decided"),
    Column("interim", "Interim", "boolean", description="Holding the role until the first holder is elected"),
    Column("elected", "Elected", "string", description=f"The election that chose them. {PRECISE}"),
    Column("since", "Since", "string", description=f"When they took office. {PRECISE}"),
    Column("until", "Until", "string", description=f"When they left office; empty while they hold it. {PRECISE}"),
    Column("current", "Holds it now", "boolean", description="true for the holder now: the last, unless they have left"),
    Column("other_roles", "Other roles", "string", description="Roles this holder held with it, separated by semicolons"),
]

SCRUTINY_POWER_COLUMNS = [
    Column("body", "Body", "string", description="The scrutiny body"),
    Column("power", "Power", "string", description="What it may do"),
    Column("threshold", "Threshold", "string", description="The vote it takes; empty where none is stated"),
]


def _conditions(deal: Deal, menu, today) -> list[dict]:
    return [
        {"kind": c.kind.value, "description": c.description, "status": c.status.value, "date": _when(c.date), "added_by": c.added_by}
        for c in deal.conditions
    ]


def _illustrative(fund: Fund) -> bool:
    return fund.illustrative or any(p is not None and p.illustrative for p in (fund.per_year, fund.total))


def _funds(deal: Deal, menu, today) -> list[dict]:
    rows = []
    for f in deal.funds:
        implied = None
        if f.per_year is not None and f.years is not None:
            implied = csv_pounds(f.per_year.amount * f.years * UNIT_PENCE[f.unit])
        rows.append({
            "fund_id": f.id, "name": f.name, "kind": f.kind.value,
            "per_year_gbp": _pounds(f, f.per_year), "per_year_as_published": _how(f.per_year),
            "years": f.years, "first_year": f.first_year,
            "total_gbp": _pounds(f, f.total), "total_as_published": _how(f.total),
            "per_year_times_years_gbp": implied, "capital_percent": f.capital_percent,
            "gateway_every": f.gateway_every, "recipient": f.recipient, "added_by": f.added_by,
            "illustrative": _illustrative(f), "note": f.note,
        })
    return rows


def _gateways(deal: Deal, menu, today: dt.date) -> list[dict]:
    rows = []
    for f in deal.funds:
        for review, g in enumerate(f.gateways, start=1):
            years = tranche_years(f, review)
            releases, computed = tranche(f, review)
            rows.append({
                "fund_id": f.id, "review": review, "due": str(g.due),
                "outcome": g.outcome.value if g.outcome else None, "decided": _when(g.decided),
                "state": gateway_state(g, today),
                "tranche_first_year": years[0] if years else None, "tranche_last_year": years[1] if years else None,
                "tranche_from": financial_year(f.first_year, years[0] - 1) if years and f.first_year else None,
                "tranche_to": financial_year(f.first_year, years[1] - 1) if years and f.first_year else None,
                "releases_gbp": _pounds(f, releases), "releases_as_published": _how(releases),
                "releases_computed": computed,
                "illustrative": g.illustrative or (releases is not None and releases.illustrative),
                "note": g.note,
            })
    return rows


def _follow_ons(deal: Deal, menu, today) -> list[dict]:
    def added(name: str, follow_on: str) -> int:
        return sum(item.added_by == follow_on for item in getattr(deal, name))

    return [
        {
            "follow_on_id": f.id, "title": f.title, "kind": f.kind, "status": f.status.value,
            "date": str(f.date), "signed": _when(f.signed), "withdrawn": _when(f.withdrawn),
            "powers_added": added("powers", f.id), "funds_added": added("funds", f.id),
            "conditions_added": added("conditions", f.id), "summary": f.summary, "url": f.url,
        }
        for f in deal.follow_ons
    ]


def _powers(deal: Deal, menu: dict[str, MenuPower], today) -> list[dict]:
    rows = []
    for p in deal.powers:
        item = menu.get(p.power)
        rows.append({
            "power": p.power, "menu_title": item.title if item else None, "category": item.category if item else None,
            "title": p.title, "status": p.status.value,
            "recipient_kind": p.recipient.kind if p.recipient else None, "recipient_name": p.recipient.name if p.recipient else None,
            "from_body": p.from_body, "conditions": p.conditions, "round": p.round, "added_by": p.added_by,
            "first_used": _when(p.first_used), "note": p.note,
        })
    return rows


def _holders(deal: Deal, menu, today) -> list[dict]:
    figure = deal.accountable_figure
    current = figure.holder
    return [
        {
            "order": n, "name": h.name, "title": h.title or figure.title, "chosen": h.chosen or figure.chosen,
            "interim": h.interim, "elected": _when(h.elected), "since": _when(h.since), "until": _when(h.until),
            "current": h is current, "other_roles": "; ".join(h.other_roles) or None,
        }
        for n, h in enumerate(figure.holders, start=1)
    ]


def _scrutiny_powers(deal: Deal, menu, today) -> list[dict]:
    return [{"body": s.body, "power": s.power, "threshold": s.threshold} for s in deal.accountable_figure.scrutiny_powers]


class _Spec:
    """One agreement table: its name, title, columns and description, whether a deal has rows
    for it (cheaply, without computing them), and its rows."""

    def __init__(self, name: str, title: str, columns: list[Column], description: str,
                 has: Callable[[Deal], bool], rows: Callable[..., list[dict]]):
        self.name, self.title, self.columns, self.description, self.has, self.rows = name, title, columns, description, has, rows


SPECS = (
    _Spec("conditions", "Conditions", CONDITION_COLUMNS,
          "What the deal is subject to (legislation, consent, consultation, ratification), and whether each was met.",
          lambda d: bool(d.conditions), _conditions),
    _Spec("funds", "Funds", FUND_COLUMNS,
          "The money the deal gives beside the single place budget: one row per fund, with its amounts as published.",
          lambda d: bool(d.funds), _funds),
    _Spec("gateways", "Gateway reviews", GATEWAY_COLUMNS,
          "One row per gateway review of a fund: the tranche it releases, and its state as of the build date.",
          lambda d: any(f.gateways for f in d.funds), _gateways),
    _Spec("follow-ons", "Follow-on agreements", FOLLOW_ON_COLUMNS,
          "Later agreements for the same place (memoranda, further deals, trailblazers), oldest first.",
          lambda d: bool(d.follow_ons), _follow_ons),
    _Spec("powers", "Powers", POWER_COLUMNS,
          "Each power the deal asked for or was granted, who receives it and what became of it.",
          lambda d: bool(d.powers), _powers),
    _Spec("figure-holders", "Holders of the accountable figure's role", HOLDER_COLUMNS,
          "Everyone who has held the accountable figure's role, in order, with their dates and other roles.",
          lambda d: bool(d.accountable_figure.holders), _holders),
    _Spec("scrutiny-powers", "Scrutiny powers over the accountable figure", SCRUTINY_POWER_COLUMNS,
          "Powers that scrutiny bodies hold over the accountable figure, and the vote each takes.",
          lambda d: bool(d.accountable_figure.scrutiny_powers), _scrutiny_powers),
)


def agreement_csvs(deal: Deal) -> dict[str, str]:
    """The agreement tables this deal publishes, in order: table name -> CSV file name, beside
    the deal's page (``deals/<slug>/``). A table with no rows is not published."""
    return {s.name: f"{s.name}.csv" for s in SPECS if s.has(deal)}


def agreement_tables(deal: Deal, menu: list[MenuPower], today: dt.date) -> list[Table]:
    """The agreement tables of a deal that have rows, for its downloads; ``today`` is the build
    date (the state of each gateway review)."""
    by_id = {m.id: m for m in menu}
    tables = []
    for spec in SPECS:
        if not spec.has(deal):
            continue
        description = spec.description
        if spec.name == "gateways":
            description = description.replace("the build date", f"the build date, {today.isoformat()}")
        tables.append(Table(spec.name, spec.title, spec.columns, rows_frame(spec.columns, spec.rows(deal, by_id, today)), description=description))
    return tables
