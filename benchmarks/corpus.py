"""A deterministic synthetic corpus of deals: the benchmark's input, and a small one for tests.

The single place the corpus is defined. Two steps make a project as users have one:

- :func:`write_project` writes a dealsite project of N deals (3 updates each), the state
  of its first commit;
- :func:`make_history` makes it a git repository: a first commit adding every deal, then
  :data:`HISTORY_COMMITS` back-dated commits a few days apart, each changing a few deals the
  way teams do (a reading added, a target moved, a power's status changed, a budget amount
  corrected), adding a deal under an embargo that lifts between two commits, one embargoed
  beyond the build's time (:data:`EPOCH`), a draft, and a few updates.

The changes page and the dashboard read that history on every build and rebuild, so a
benchmark without it does not measure what users run (issue 13).

Nothing here is random at run time: every value comes from arithmetic on the deal's
index, so deal 7 is the same deal at N=20, 100 or 1,000 (before history changes it), and
two runs write byte-identical corpora and the same git commits (fixed dates, identity and
messages make the same commit ids).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import multiprocessing as mp
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
# The build's "now" for every run: readings up to here are published, and builds are reproducible.
EPOCH = int(dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc).timestamp())

OUTCOMES_PER_DEAL = 20
READINGS_PER_OUTCOME = 12
POWERS_PER_DEAL = 10
BUDGET_LINES = 30
YEARS = ["2025-26", "2026-27", "2027-28"]
SCHEMES = 2
SCHEME_BODIES = 4
MILESTONES = 5
UPDATES_PER_DEAL = 3


# --- deterministic "randomness": a hash of the deal and a label --------------------


def _draw(*key: object) -> int:
    """A stable pseudo-random integer for key (same on every machine and Python)."""
    digest = hashlib.blake2b("/".join(map(str, key)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _pick(seq, *key):
    return seq[_draw(*key) % len(seq)]


def _between(lo: int, hi: int, *key) -> int:
    return lo + _draw(*key) % (hi - lo + 1)


# --- names ------------------------------------------------------------------------

PREFIXES = (
    "Ash Brack Cole Dun Elm Fair Glen Hart Ivy Kings Lang Marl North Oak Pen Red Stan Thorn Upton Wes "
    "Ald Bram Carl Dray Egg Foss Gold High Ket Lind Mill Nether Ox Prest Quarn Ravens Salt Tid Wal Yarm"
).split()
SUFFIXES = "bury ford ham ley mouth stead ton wick worth field gate hill moor port shaw wood brook dale cliffe well by thorpe minster combe haven".split()
SYLLABLES = "ka lo mi ne ru sa te vo zi ba de fu go hi ja ku la mo ni pe qui ro su ti va we xo yu ze".split()


def place_name(i: int) -> str:
    name = PREFIXES[i % len(PREFIXES)] + SUFFIXES[(i // len(PREFIXES)) % len(SUFFIXES)]
    cycle = i // (len(PREFIXES) * len(SUFFIXES))
    return f"{name} {cycle + 1}" if cycle else name


def slug_of(i: int) -> str:
    return place_name(i).lower().replace(" ", "-")


def codeword(i: int, k: int) -> str:
    """A made-up word unique to outcome k of deal i: searching it must find that deal."""
    return "".join(_pick(SYLLABLES, "word", i, k, s) for s in range(4)) + f"{i}x{k}"


# --- the synthetic deal -----------------------------------------------------------

OUTCOME_KINDS = [
    ("work", "More people in work", "Working-age residents in employment", "percent", 71.0, 75.0),
    ("apprenticeships", "More apprenticeships started", "Apprenticeship starts in the year", "starts", 1800, 2600),
    ("skills", "More adults with level 3 skills", "Residents aged 19-64 qualified to level 3", "percent", 55.0, 62.0),
    ("homes", "More new homes", "Net additional dwellings in the year", "homes", 1200, 2000),
    ("affordable", "More affordable homes", "Affordable homes completed in the year", "homes", 300, 600),
    ("temporary", "Fewer households in temporary accommodation", "Households in temporary accommodation", "households", 900, 600),
    ("bus", "More journeys by bus", "Bus passenger journeys in the year", "million journeys", 40.0, 48.0),
    ("congestion", "Shorter peak journeys", "Average peak journey time on key routes", "minutes", 31.0, 27.0),
    ("safe", "People feel safe", "Residents who feel safe outside after dark", "percent", 58.0, 66.0),
    ("reoffending", "Less reoffending", "Proven reoffending rate of adults", "percent", 27.0, 23.0),
    ("home-from-hospital", "Older people back home after hospital", "People 65+ at home 91 days after reablement", "percent", 82.0, 88.0),
    ("delayed", "Fewer delayed discharges", "Delayed transfers of care per 100,000 adults", "per 100,000", 12.0, 8.0),
    ("smoking", "Fewer adults smoking", "Adults who smoke", "percent", 16.0, 11.0),
    ("activity", "More active adults", "Adults active for 150 minutes a week", "percent", 61.0, 68.0),
    ("school-ready", "Children ready for school", "Children with a good level of development at age 5", "percent", 66.0, 72.0),
    ("neet", "Fewer young people not in education or work", "16-17 year olds not in education, employment or training", "percent", 5.5, 3.5),
    ("business", "More new businesses", "Business births per 10,000 adults", "per 10,000", 55.0, 65.0),
    ("broadband", "Faster broadband", "Premises with gigabit-capable broadband", "percent", 45.0, 85.0),
    ("carbon", "Lower carbon emissions", "Territorial CO2 emissions per resident", "tonnes", 5.1, 4.2),
    ("online", "More services online", "Enquiries resolved online at first contact", "percent", 22.0, 50.0),
]
BODIES = ["County Council", "District Councils", "NHS Integrated Care Board", "Police", "Fire and Rescue Service", "Jobcentre Plus"]
PARTNER_KINDS = ["council", "council", "health", "police", "fire", "jobcentre"]
STREAMS = ["Adult social care", "Children's services", "Housing", "Transport", "Skills", "Public health"]
MILESTONE_TITLES = [
    "Invitation to negotiate",
    "Proposal submitted",
    "Ministers meet the place's leaders",
    "Deal agreed",
    "Single budget in place",
]
STATUSES = ["requested", "agreed", "declined", "deferred", "agreed", "agreed"]


def _q(value: Decimal) -> str:
    return str(value)


def _day(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


def _quarter_ends(start: dt.date, count: int) -> list[dt.date]:
    """Quarter-end dates after start (the readings' dates)."""
    ends, year, month = [], start.year, start.month
    while len(ends) < count:
        month += 3
        if month > 12:
            month -= 12
            year += 1
        first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
        ends.append(first_next - dt.timedelta(days=1))
    return ends


def _number(value: float, unit: str) -> str:
    if unit in ("starts", "homes", "households"):
        return str(int(round(value)))
    return f"{value:.1f}"


def deal_data(i: int, menu: list[str], rounds: list[str]) -> dict:
    """The YAML mapping of synthetic deal i (readable by load.py; see model.Deal)."""
    name = place_name(i)
    bodies = [f"{name} {b}" for b in BODIES]
    baseline_date, target_date = dt.date(2023, 4, 1), dt.date(2029, 3, 31)
    outcomes = []
    for k in range(OUTCOMES_PER_DEAL):
        oid, title, indicator, unit, base, target = OUTCOME_KINDS[k % len(OUTCOME_KINDS)]
        pace = _between(40, 130, i, k, "pace") / 100  # how well this outcome is going
        readings = []
        for r, date in enumerate(_quarter_ends(baseline_date, READINGS_PER_OUTCOME)):
            share = (r + 1) / 24 * pace
            noise = (_between(0, 40, i, k, r) - 20) / 1000 * abs(target - base)
            reading = {"date": date, "value": _number(base + (target - base) * share + noise, unit)}
            if r % 4 == 3:
                reading["commentary"] = f"Quarter {r + 1}: {_pick(['on track after a slow start', 'behind, as staff were hard to recruit', 'ahead of the expected path', 'level with last quarter'], i, k, r, 'c')}."
            if r == READINGS_PER_OUTCOME - 1 and pace < 0.8:
                reading["remedial_action"] = f"{bodies[k % len(bodies)]} has moved money from other work to catch up."
            readings.append(reading)
        outcomes.append(
            {
                "id": f"{oid}-{k}",
                "title": f"{title}: the {codeword(i, k)} scheme",
                "indicator": indicator,
                "unit": unit,
                "baseline": {"value": _number(base, unit), "date": baseline_date},
                "target": {"value": _number(target, unit), "date": target_date},
                "milestones": [
                    {"value": _number(base + (target - base) / 3, unit), "date": dt.date(2025, 3, 31)},
                    {"value": _number(base + (target - base) * 2 / 3, unit), "date": dt.date(2027, 3, 31)},
                ],
                "owner": bodies[k % len(bodies)],
                "themes": [oid.split("-")[0]],
                "powers": [menu[(i + k) % len(menu)]],
                "readings": readings,
            }
        )
    taken = [rounds[(i + r) % len(rounds)] for r in range(2)]  # the deal's own negotiation rounds
    powers = []
    start = i % len(menu)
    for p in range(POWERS_PER_DEAL):
        power = {
            "power": menu[(start + p) % len(menu)],
            "status": _pick(STATUSES, i, p, "status"),
            "from_body": _pick(["Home Office", "Department for Education", "Department of Health", "Department for Transport", "Department for Work and Pensions"], i, p, "dept"),
            "round": taken[p % 2],
        }
        if p % 3 == 0:
            power["conditions"] = "Subject to an annual report to the department on spend and results."
        if power["status"] in ("declined", "deferred"):
            power["note"] = "To be reconsidered at the review."
        powers.append(power)
    lines, total = [], Decimal(0)
    for n in range(BUDGET_LINES):
        amounts = {}
        for y, year in enumerate(YEARS):
            amount = Decimal(_between(50, 4000, i, n, y)) / 10
            amounts[year] = amount
            total += amount
        line = {
            "body": bodies[n % len(bodies)],
            "stream": f"{STREAMS[(n // len(bodies)) % len(STREAMS)]} {n // (len(bodies) * len(STREAMS)) + 1}",
            "amounts": {y: _q(a) for y, a in amounts.items()},
            "actuals": {y: _q(amounts[y] - Decimal(_between(0, 30, i, n, y, "a")) / 10) for y in YEARS[:1]},
        }
        lines.append(line)
    schemes = []
    for s in range(SCHEMES):
        shares, invested, gained = [], Decimal(0), Decimal(0)
        for b in range(SCHEME_BODIES):
            investment = {y: Decimal(_between(1, 60, i, s, b, y, "i")) / 10 for y in YEARS}
            benefit = {y: Decimal(_between(1, 90, i, s, b, y, "b")) / 10 for y in YEARS}
            invested += sum(investment.values())
            gained += sum(benefit.values())
            shares.append(
                {
                    "body": bodies[(s + b) % len(bodies)],
                    "investment": {y: _q(a) for y, a in investment.items()},
                    "benefit": {y: _q(a) for y, a in benefit.items()},
                }
            )
        schemes.append(
            {
                "name": f"{name} {_pick(['Gateways', 'Troubled families', 'Reablement', 'Work programme'], i, s)} scheme {s + 1}",
                "description": "Invest now in joined-up services to spend less on crisis later.",
                "bodies": shares,
                "stated_investment": _q(invested),
                "stated_net_benefit": _q(gained - invested),
            }
        )
    events = []
    for m in range(MILESTONES):
        planned = _day(dt.date(2024, 1, 15), 60 * m)
        event = {"title": MILESTONE_TITLES[m], "kind": "milestone", "planned": planned, "actual": _day(planned, _between(0, 30, i, m, "late"))}
        if m < 3:
            event["round"] = taken[m % 2]
        events.append(event)
    return {
        "title": f"{name} deal",
        "summary": (
            f"{name} and its public bodies agree one budget for services that reach the same residents. "
            f"In return {name} will have a directly elected mayor who answers for {OUTCOMES_PER_DEAL} outcomes."
        ),
        "status": "in-delivery",
        "dates": {"invited": dt.date(2024, 1, 15), "proposed": dt.date(2024, 3, 15), "agreed": dt.date(2024, 7, 13), "signed": dt.date(2024, 9, 1), "review": dt.date(2029, 3, 31)},
        "place": {
            "name": name,
            "level": _pick(["city", "county", "city-region"], i, "level"),
            "population": _between(150_000, 2_800_000, i, "pop"),
            "population_year": 2021,
            "partners": [{"name": b, "kind": kind} for b, kind in zip(bodies, PARTNER_KINDS)],
        },
        "accountable_figure": {
            "role": "mayor",
            "chosen": "directly-elected",
            "holders": [{"name": f"Mayor of {name}"}],
            "scrutinised_by": [f"{name} overview and scrutiny committee"],
        },
        "outcomes": outcomes,
        "powers": powers,
        "budget": {
            "unit": "£m",
            "years": YEARS,
            "reduction_percent": 5,
            "savings_share_percent": 50,
            "lines": lines,
            "stated_total": _q(total),
            "savings_achieved": {YEARS[0]: _q(Decimal(_between(10, 200, i, "saved")) / 10)},
            "schemes": schemes,
        },
        "negotiation": {"rounds": taken, "events": events},
        "sources": [{"title": f"{name} deal document", "publisher": "HM Government", "date": dt.date(2024, 9, 1), "url": f"https://www.gov.uk/example/{slug_of(i)}"}],
    }


class _NoAliases(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    def ignore_aliases(self, data):  # noqa: ARG002 - yaml's signature
        return True  # deal files may not use aliases (strict_yaml refuses them)


def deal_yaml(data: dict) -> str:
    return "# Synthetic deal written by benchmarks/corpus.py\n" + yaml.dump(
        data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=1000
    )


# --- updates ------------------------------------------------------------------------


def update_items(i: int) -> list[tuple[str, str, dict, str]]:
    """(file name, title, front matter, body) of the updates about deal i.

    Front matter as generator/updates.py reads it: title, date, deals (slugs), summary.
    """
    name, slug = place_name(i), slug_of(i)
    items = []
    for u in range(UPDATES_PER_DEAL):
        date = _day(dt.date(2024, 10, 1), 150 * u + i % 90)
        title = [f"{name} deal signed", f"{name} publishes its first progress review", f"{name} budget: first year's savings"][u]
        meta = {
            "title": title,
            "date": date,
            "deals": [slug],
            "summary": f"What changed for {name} this quarter, in brief.",
        }
        body = (
            f"{name}'s mayor and partners met on {date:%-d %B %Y}. "
            "This update says what was agreed, what has been delivered so far and what comes next.\n\n"
            "Readings for the outcomes are on the deal's page, with the budget and its spend to date.\n"
        )
        items.append((f"{date.isoformat()}-{slug}-{u + 1}.md", title, meta, body))
    return items


def update_markdown(meta: dict, body: str) -> str:
    return "---\n" + yaml.dump(meta, Dumper=_NoAliases, sort_keys=False, allow_unicode=True) + "---\n\n" + body


# --- the dealsite project -------------------------------------------------------------


def _menu_and_rounds(deals_dir: Path) -> tuple[list[str], list[str]]:
    menu = [p["id"] for p in yaml.safe_load((deals_dir / "_powers.yaml").read_text())["powers"]]
    rounds = [r["id"] for r in yaml.safe_load((deals_dir / "_rounds.yaml").read_text())["rounds"]]
    return menu, rounds


# Files the benchmark writes into the project; git does not track them.
GITIGNORE = "site/\n.dealsite-*/\n*.log\nstages*.json\n"

# Above this many deals the files are written by forked workers (same bytes, in less time).
PARALLEL_WRITE_FROM = 500


def write_project(root: Path, n: int) -> None:
    """A complete dealsite project of n synthetic deals at root (replacing what was there):
    the state the first commit of :func:`make_history` records."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    deals = root / "deals"
    deals.mkdir()
    for shared in ("_rounds.yaml", "_powers.yaml", "_deflators.yaml"):
        if (REPO / "deals" / shared).exists():
            shutil.copy2(REPO / "deals" / shared, deals / shared)
    menu, rounds = _menu_and_rounds(deals)
    if len(menu) < POWERS_PER_DEAL:  # each deal asks for 10 different powers
        extra = [f"bench-power-{k + 1}" for k in range(POWERS_PER_DEAL - len(menu))]
        with open(deals / "_powers.yaml", "a", encoding="utf-8") as f:
            for pid in extra:
                f.write(f"  - id: {pid}\n    title: Synthetic power {pid[-1]}\n    description: A power added so each benchmark deal can ask for {POWERS_PER_DEAL}.\n")
        menu += extra
    updates = root / "content" / "updates"
    updates.mkdir(exist_ok=True)
    for example in updates.glob("*.md"):  # the repository's own updates are about its example deals
        if example.name != "index.md":
            example.unlink()
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)
    if n < PARALLEL_WRITE_FROM or workers < 2 or "fork" not in mp.get_all_start_methods():
        _write_deals(root, range(n), menu, rounds)
        return
    # YAML dumping is most of the time (about 15 ms a deal): contiguous shares, one per core.
    size = -(-n // workers)
    with mp.get_context("fork").Pool(workers) as pool:
        pool.starmap(_write_deals, [(root, range(s, min(s + size, n)), menu, rounds) for s in range(0, n, size)])


def _write_deals(root: Path, indices: range, menu: list[str], rounds: list[str]) -> None:
    deals, updates = root / "deals", root / "content" / "updates"
    for i in indices:
        (deals / f"{slug_of(i)}.yaml").write_text(deal_yaml(deal_data(i, menu, rounds)), encoding="utf-8")
        for file_name, _title, meta, body in update_items(i):
            (updates / file_name).write_text(update_markdown(meta, body), encoding="utf-8")


# --- the history: what teams commit, a few days apart ---------------------------------------

HISTORY_START = dt.datetime(2025, 12, 15, 9, 30, tzinfo=dt.timezone.utc)  # the first commit: every deal
HISTORY_COMMITS = 24  # after the first; each a few days after the one before, all before EPOCH
EMBARGO_BEYOND = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone.utc)  # after EPOCH: held back at build time
GIT_IDENTITY = ("-c", "user.name=bench", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false")

# The commits (1-based, after the first) that do something besides ordinary edits.
ANNOUNCED_AT = 5  # adds deal n under an embargo that lifts two days later, before the next commit
EMBARGOED_AT = 8  # adds deal n + 1 under an embargo beyond EPOCH, with its (held) announcement
DRAFT_AT = 11  # adds deal n + 2 as a draft
PROGRESS_UPDATE_AT = 14  # a progress update about a deal whose reading the commit adds
DRAFT_EDITED_AT = 17  # the draft's budget corrected
ANNOUNCED_EDITED_AT = 20  # the once-embargoed deal gets its first new reading

ORDINARY = ("reading", "target", "power", "budget")


def announced(n: int) -> int:
    """The deal added under an embargo whose moment passed between two commits (public at EPOCH)."""
    return n


def embargoed(n: int) -> int:
    """The deal added under an embargo beyond EPOCH (held back at build time)."""
    return n + 1


def draft(n: int) -> int:
    """The deal added as a draft (never published)."""
    return n + 2


def deal_files_count(n: int) -> int:
    """Deal files in the project after its history: n, plus the three added deals."""
    return n + 3


def public_deals_count(n: int) -> int:
    """Deals the site publishes at EPOCH: n and the one whose embargo lifted."""
    return n + 1


def public_slugs(n: int) -> list[str]:
    return [slug_of(i) for i in range(n)] + [slug_of(announced(n))]


def updates_count(n: int) -> int:
    """Update files after the history: 3 per deal, plus the added ones."""
    return UPDATES_PER_DEAL * n + 3


@dataclass
class Commit:
    when: dt.datetime
    message: str
    deals: dict[int, dict] = field(default_factory=dict)  # deal index -> the whole deal after this commit
    updates: list[tuple[str, str, dict, str]] = field(default_factory=list)  # (file name, title, front matter, body) added


def _commit_times() -> list[dt.datetime]:
    """When each commit after the first was made: 3 to 6 days apart, in working hours."""
    times, day = [], HISTORY_START
    for k in range(1, HISTORY_COMMITS + 1):
        day = day + dt.timedelta(days=_between(3, 6, "history-gap", k))
        times.append(day.replace(hour=_between(9, 17, "history-hour", k), minute=_between(0, 59, "history-minute", k)))
    assert times[-1].timestamp() < EPOCH, "the history must end before the build's time"
    return times


def _edit_reading(d: dict, key: tuple, when: dt.datetime) -> str:
    """A new reading for one outcome, dated a few days before the commit, in date order."""
    outcome = d["outcomes"][_draw(*key, "outcome") % len(d["outcomes"])]
    dates = {r["date"] for r in outcome["readings"]}
    date = (when - dt.timedelta(days=3)).date()
    while date in dates:
        date -= dt.timedelta(days=1)
    base, target = float(outcome["baseline"]["value"]), float(outcome["target"]["value"])
    before = [r for r in outcome["readings"] if r["date"] < date]
    last = float(before[-1]["value"]) if before else base
    reading = {
        "date": date,
        "value": _number(last + (target - base) / 40, outcome["unit"]),
        "commentary": "Monthly figure, published ahead of the quarterly return.",
    }
    outcome["readings"] = before + [reading] + [r for r in outcome["readings"] if r["date"] > date]
    return f"reading of {date} for {outcome['id']}"


def _edit_target(d: dict, key: tuple, when: dt.datetime) -> str:
    """A target moved: a year later and a tenth further, as agreed at a review."""
    outcome = d["outcomes"][_draw(*key, "outcome") % len(d["outcomes"])]
    base, target = float(outcome["baseline"]["value"]), float(outcome["target"]["value"])
    old = outcome["target"]["date"]
    outcome["target"] = {"value": _number(target + (target - base) / 10, outcome["unit"]), "date": old.replace(year=old.year + 1)}
    return f"target for {outcome['id']} moved to {outcome['target']['date']}"


def _edit_power(d: dict, key: tuple, when: dt.datetime) -> str:
    """A power's status changed: requested or deferred ones agreed, a declined one deferred."""
    powers = d["powers"]
    start = _draw(*key, "power") % len(powers)
    for step in range(len(powers)):
        power = powers[(start + step) % len(powers)]
        if power["status"] != "agreed":
            break
    else:
        power = powers[start]
    new = {"requested": "agreed", "deferred": "agreed", "declined": "deferred", "agreed": "deferred"}[power["status"]]
    power["status"] = new
    if new in ("declined", "deferred"):
        power["note"] = "To be reconsidered at the review."
    else:
        power.pop("note", None)
    return f"{power['power']} {new}"


def _edit_budget(d: dict, key: tuple, when: dt.datetime) -> str:
    """A budget amount corrected, and the stated total with it (check compares them)."""
    budget = d["budget"]
    line = budget["lines"][_draw(*key, "line") % len(budget["lines"])]
    year = budget["years"][1]
    delta = Decimal(_between(1, 50, *key, "delta")) / 10 * (1 if _draw(*key, "sign") % 2 else -1)
    old = Decimal(line["amounts"][year])
    if old + delta <= 0:
        delta = -delta
    line["amounts"][year] = _q(old + delta)
    budget["stated_total"] = _q(Decimal(budget["stated_total"]) + delta)
    return f"{line['stream']} ({line['body']}) {year} corrected to {line['amounts'][year]}"


EDITS = {"reading": _edit_reading, "target": _edit_target, "power": _edit_power, "budget": _edit_budget}


def _with_flags(data: dict, **flags) -> dict:
    """The deal with publish_after or draft written after its summary, where a team would put them."""
    out = {}
    for name, value in data.items():
        out[name] = value
        if name == "summary":
            out.update(flags)
    return out


def _announcement(i: int, when: dt.datetime, embargo: dt.datetime | None) -> tuple[str, str, dict, str]:
    name, slug = place_name(i), slug_of(i)
    title = f"{name} deal announced"
    meta = {"title": title, "date": embargo or when, "deals": [slug], "summary": f"Government and {name} agree a deal."}
    if embargo:
        meta["publish_after"] = embargo
    body = f"Ministers and {name}'s leaders have agreed a deal: one budget for local services and a mayor who answers for it.\n"
    return f"{(embargo or when).date().isoformat()}-{slug}-announced.md", title, meta, body


def _progress_update(i: int, when: dt.datetime, what: str) -> tuple[str, str, dict, str]:
    name, slug = place_name(i), slug_of(i)
    title = f"{name}: new figures"
    meta = {"title": title, "date": when, "deals": [slug], "summary": f"{name} publishes a new {what.split(' for ')[0]}."}
    body = f"{name} has published a {what}. The deal's page shows it beside the target.\n"
    return f"{when.date().isoformat()}-{slug}-figures.md", title, meta, body


def history_plan(n: int, menu: list[str], rounds: list[str]) -> list[Commit]:
    """The commits after the first, oldest first, each with the whole text of what it changes.

    Deterministic: which deals change and how comes from hashes of the commit's number, so the
    plan at N=1,000 is the same on every machine. Only the deals it touches are made."""
    current: dict[int, dict] = {}

    def deal(i: int) -> dict:
        if i not in current:
            current[i] = deal_data(i, menu, rounds)
        return current[i]

    commits = []
    for k, when in enumerate(_commit_times(), start=1):
        commit = Commit(when, "")
        notes = []
        for j in range(2 + _draw("history-count", k) % 2):  # a few deals per commit
            i = _draw("history-deal", k, j) % n
            kind = ORDINARY[(k + j) % len(ORDINARY)]
            notes.append(f"{place_name(i)}: {EDITS[kind](deal(i), ('history', k, j), when)}")
            commit.deals[i] = deal(i)
        if k == ANNOUNCED_AT:
            i, moment = announced(n), (when + dt.timedelta(days=2)).replace(hour=7, minute=0)
            current[i] = _with_flags(deal_data(i, menu, rounds), publish_after=moment)
            commit.deals[i] = current[i]
            commit.updates.append(_announcement(i, when, moment))
            notes.append(f"{place_name(i)} deal added, embargoed until its announcement on {moment:%Y-%m-%d %H:%M}")
        if k == EMBARGOED_AT:
            i = embargoed(n)
            current[i] = _with_flags(deal_data(i, menu, rounds), publish_after=EMBARGO_BEYOND)
            commit.deals[i] = current[i]
            commit.updates.append(_announcement(i, when, EMBARGO_BEYOND))
            notes.append(f"{place_name(i)} deal added, embargoed until {EMBARGO_BEYOND:%Y-%m-%d %H:%M}")
        if k == DRAFT_AT:
            i = draft(n)
            current[i] = _with_flags(deal_data(i, menu, rounds), draft=True)
            commit.deals[i] = current[i]
            notes.append(f"{place_name(i)} deal started as a draft")
        if k == DRAFT_EDITED_AT:
            i = draft(n)
            notes.append(f"{place_name(i)} (draft): {_edit_budget(deal(i), ('history', k, 'draft'), when)}")
            commit.deals[i] = deal(i)
        if k == ANNOUNCED_EDITED_AT:
            i = announced(n)
            notes.append(f"{place_name(i)}: {_edit_reading(deal(i), ('history', k, 'announced'), when)}")
            commit.deals[i] = deal(i)
        if k == PROGRESS_UPDATE_AT:
            i = _draw("history-update", k) % n
            what = _edit_reading(deal(i), ("history", k, "update"), when)
            commit.deals[i] = deal(i)
            commit.updates.append(_progress_update(i, when, what))
            notes.append(f"{place_name(i)}: {what}, and an update saying so")
        commit.message = notes[0] + (f" (and {len(notes) - 1} more)" if len(notes) > 1 else "") + "\n\n" + "\n".join(f"- {x}" for x in notes) + "\n"
        # Each commit records the deals as they stand after it (later edits must not reach back).
        commit.deals = {i: copy.deepcopy(d) for i, d in commit.deals.items()}
        commits.append(commit)
    return commits


def _git_env(when: dt.datetime | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}  # no GIT_DIR etc. from a caller
    env |= {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}
    if when is not None:
        env |= {"GIT_AUTHOR_DATE": when.isoformat(), "GIT_COMMITTER_DATE": when.isoformat()}
    return env


def git(root: Path, *args: str, when: dt.datetime | None = None) -> str:
    """git in root with the bench's identity; ``when`` dates a commit (author and committer)."""
    done = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=root, env=_git_env(when), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {root}: {done.stderr.strip()}")
    return done.stdout


def make_history(root: Path, n: int) -> int:
    """Make the project :func:`write_project` wrote at root a git repository with its history:
    the first commit adds everything, then :data:`HISTORY_COMMITS` commits change a few deals
    each (see :func:`history_plan`). Leaves the working tree at the last commit; returns the
    number of revisions. Plain git, no network; linear in n (only the first commit adds every file)."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Add {n} deals, their updates and the site\n", when=HISTORY_START)
    menu, rounds = _menu_and_rounds(root / "deals")
    for commit in history_plan(n, menu, rounds):
        paths = []
        for i, data in sorted(commit.deals.items()):
            path = root / "deals" / f"{slug_of(i)}.yaml"
            path.write_text(deal_yaml(data), encoding="utf-8")
            paths.append(path)
        for file_name, _title, meta, body in commit.updates:
            path = root / "content" / "updates" / file_name
            path.write_text(update_markdown(meta, body), encoding="utf-8")
            paths.append(path)
        git(root, "add", "--", *(str(p.relative_to(root)) for p in paths))
        git(root, "commit", "-q", "-m", commit.message, when=commit.when)
    return revisions(root)


def revisions(root: Path) -> int:
    """The number of commits in the project's history."""
    return int(git(root, "rev-list", "--count", "HEAD").strip())


def write_corpus(root: Path, n: int) -> int:
    """:func:`write_project` then :func:`make_history`; returns the number of revisions."""
    write_project(root, n)
    return make_history(root, n)


# --- the public state at EPOCH (the baseline writes the same content) ---------------------


def _public_at_epoch(item: dict) -> bool:
    after = item.get("publish_after")
    return not item.get("draft") and (after is None or after.timestamp() <= EPOCH)


def public_state(n: int, menu: list[str], rounds: list[str]):
    """(deals, updates) the site publishes at EPOCH after the history: deals as an iterator of
    (index, data) in index order, updates as a list of (file name, title, front matter, body)."""
    plan = history_plan(n, menu, rounds)
    final: dict[int, dict] = {}
    added = []
    for commit in plan:
        final.update(commit.deals)
        added += commit.updates
    public = {i: d for i, d in final.items() if _public_at_epoch(d)}
    shown = {slug_of(i) for i in range(n)} | {slug_of(i) for i in public}

    def deals():
        for i in range(n):
            yield i, public[i] if i in public else deal_data(i, menu, rounds)
        for i in sorted(i for i in public if i >= n):
            yield i, public[i]

    updates = [u for i in range(n) for u in update_items(i)]
    updates += [u for u in added if _public_at_epoch(u[2]) and all(s in shown for s in u[2]["deals"])]
    return deals(), updates
