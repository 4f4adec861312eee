"""The build benchmark: dealsite against the plain MkDocs approach, at scale.

``python -m generator.bench --n 1000`` (``make bench``):

1. writes a deterministic synthetic corpus of N deals as a full dealsite project
   (mkdocs.yml, content/ and site_templates/ copied from this repository, the
   shared files from deals/, N deal files and 3 updates per deal);
2. builds it with ``dealsite build`` in a child process, measuring wall time,
   peak RSS (``os.wait4``), the largest deal page, the search index, and where
   the time went (the child wraps the generator's and MkDocs' stages in timers);
3. writes the same content as plain Markdown (tables as Markdown tables, every
   deal in the nav, Material with its search plugin: what a team would write
   first) and builds that with ``mkdocs build``, timed the same way;
4. starts ``dealsite serve`` on the N-deal project, changes one deal's title and
   times how long until the served page shows it;
5. prints a block per size (N=100 and N) and ends with the one summary line::

     ratio=0.21 max_page_kb=45.3 peak_rss_mb=512.0 search_index_mb=3.10 ours_s=17.9 baseline_s=85.2 n=1000

Nothing here is random at run time: every value comes from arithmetic on the
deal's index, so deal 7 is the same deal at N=20, 100 or 1,000 and two runs
write byte-identical corpora. Only loopback traffic (the serve measurement).
"""

from __future__ import annotations

import argparse
import functools
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
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
            "holder": f"Mayor of {name}",
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
    return "# Synthetic deal written by generator/bench.py\n" + yaml.dump(
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
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + body


# --- the dealsite project -------------------------------------------------------------


def _menu_and_rounds(deals_dir: Path) -> tuple[list[str], list[str]]:
    menu = [p["id"] for p in yaml.safe_load((deals_dir / "_powers.yaml").read_text())["powers"]]
    rounds = [r["id"] for r in yaml.safe_load((deals_dir / "_rounds.yaml").read_text())["rounds"]]
    return menu, rounds


def write_project(root: Path, n: int) -> None:
    """A complete dealsite project of n synthetic deals at root (replacing what was there)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
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
    for i in range(n):
        (deals / f"{slug_of(i)}.yaml").write_text(deal_yaml(deal_data(i, menu, rounds)), encoding="utf-8")
        for file_name, _title, meta, body in update_items(i):
            (updates / file_name).write_text(update_markdown(meta, body), encoding="utf-8")


# --- the baseline: the same content as plain Markdown ------------------------------------


def _md(text: object) -> str:
    """Cell text for a Markdown table."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def baseline_page(d: dict) -> str:
    parts = [f"# {d['title']}\n", f"{d['summary']}\n", "## Outcomes\n"]
    parts.append(
        _table(
            ["Outcome", "Indicator", "Unit", "Baseline", "Target", "Latest", "Owner"],
            [
                [o["title"], o["indicator"], o["unit"], f"{o['baseline']['value']} ({o['baseline']['date']})", f"{o['target']['value']} ({o['target']['date']})", o["readings"][-1]["value"], o["owner"]]
                for o in d["outcomes"]
            ],
        )
    )
    for o in d["outcomes"]:
        parts.append(f"### {o['title']}\n")
        parts.append(_table(["Date", "Value", "Commentary", "Remedial action"], [[r["date"], r["value"], r.get("commentary", ""), r.get("remedial_action", "")] for r in o["readings"]]))
    parts.append("## Powers\n")
    parts.append(_table(["Power", "Status", "From", "Round", "Conditions", "Note"], [[p["power"], p["status"], p["from_body"], p["round"], p.get("conditions", ""), p.get("note", "")] for p in d["powers"]]))
    parts.append("## Accountable figure\n")
    af = d["accountable_figure"]
    parts.append(f"{af['holder']}, {af['chosen']}; scrutinised by {', '.join(af['scrutinised_by'])}.\n")
    b = d["budget"]
    parts.append(f"## Budget\n\nAmounts in {b['unit']}. Reduction {b['reduction_percent']}%, savings share {b['savings_share_percent']}%.\n")
    parts.append(_table(["Body", "Stream", *b["years"], f"Actual {b['years'][0]}"], [[l["body"], l["stream"], *l["amounts"].values(), *l["actuals"].values()] for l in b["lines"]]))
    for s in b["schemes"]:
        parts.append(f"### {s['name']}\n\n{s['description']}\n")
        parts.append(_table(["Body", *(f"Invest {y}" for y in b["years"]), *(f"Benefit {y}" for y in b["years"])], [[sh["body"], *sh["investment"].values(), *sh["benefit"].values()] for sh in s["bodies"]]))
    parts.append("## Negotiation timeline\n")
    parts.append(_table(["Milestone", "Planned", "Actual", "Round"], [[e["title"], e["planned"], e["actual"], e.get("round", "")] for e in d["negotiation"]["events"]]))
    parts.append("## Sources\n")
    parts += [f"- [{s['title']}]({s['url']}), {s['publisher']}, {s['date']}\n" for s in d["sources"]]
    return "\n".join(parts)


def write_baseline(root: Path, n: int) -> None:
    """The plain approach: one Markdown page per deal, every deal in the nav, Material + search."""
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    (docs / "deals").mkdir(parents=True)
    (docs / "updates").mkdir()
    menu, rounds = _menu_and_rounds(REPO / "deals")
    menu += [f"bench-power-{k + 1}" for k in range(POWERS_PER_DEAL - len(menu))]
    nav_deals, update_links = [], []
    for i in range(n):
        d = deal_data(i, menu, rounds)
        (docs / "deals" / f"{slug_of(i)}.md").write_text(baseline_page(d), encoding="utf-8")
        nav_deals.append({d["title"]: f"deals/{slug_of(i)}.md"})
        for file_name, title, meta, body in update_items(i):
            (docs / "updates" / file_name).write_text(f"# {title}\n\n*{meta['date']}*: {meta['summary']}\n\n{body}", encoding="utf-8")
            update_links.append(f"- [{title}]({file_name})")
    (docs / "index.md").write_text("# Place deals\n\n" + "\n".join(f"- [{list(x)[0]}]({list(x.values())[0]})" for x in nav_deals) + "\n", encoding="utf-8")
    (docs / "updates" / "index.md").write_text("# Updates\n\n" + "\n".join(sorted(update_links, reverse=True)) + "\n", encoding="utf-8")
    config = {
        "site_name": "Place deals (plain MkDocs baseline)",
        "site_url": "https://deals.example.org/",
        "docs_dir": "docs",
        "theme": {"name": "material", "font": False},
        "plugins": ["search"],
        "markdown_extensions": ["tables", "toc"],
        "nav": [{"Home": "index.md"}, {"Deals": nav_deals}, {"Updates": "updates/index.md"}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


# --- measuring a build -------------------------------------------------------------------


@dataclass
class Run:
    wall_s: float
    peak_rss_mb: float
    stages: dict = field(default_factory=dict)
    pss_mb: float = 0.0  # peak of the process tree's summed PSS (sampled)
    largest_process_mb: float = 0.0  # the kernel's ru_maxrss
    tree_rss_mb: float = 0.0  # peak of the process tree's summed RSS (sampled; counts shared pages twice)


def _env() -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), PYTHONHASHSEED="0")
    env.pop("DEALSITE_PREVIEW", None)
    return env


def _descendants(pid: int) -> list[int]:
    """pid and every process below it, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _tree_kib(pid: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in KiB over pid's process tree. RSS counts pages a forked worker
    shares with its parent once per process (an upper bound); PSS splits them fairly."""
    rss = pss = 0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


class _TreeMemory(threading.Thread):
    """Samples the memory of a process tree every 50 ms: the build forks workers, and the
    kernel's ru_maxrss reports only the largest single process, not what they use together."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_pss = pid, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            rss, pss = _tree_kib(self.pid)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)


def run_measured(cmd: list[str], cwd: Path, log: Path) -> Run:
    """Run cmd to completion: wall time, and peak memory of it and every process it starts.

    peak_rss_mb is the larger of the kernel's peak RSS of the largest single process (exact,
    but blind to workers running beside it) and the sampled peak of the process tree's summed
    PSS: the memory the tree occupies, each page shared by a forked worker and its parent
    counted once. The tree's summed RSS, which counts such pages once per process, is printed
    beside it.
    """
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=_env())
        sampler = _TreeMemory(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed ({proc.returncode}); see {log}:\n{log.read_text()[-3000:]}")
    single = usage.ru_maxrss / 1024  # KiB on Linux
    return Run(wall, max(single, sampler.peak_pss / 1024), pss_mb=sampler.peak_pss / 1024, largest_process_mb=single, tree_rss_mb=sampler.peak_rss / 1024)


def build_ours(project: Path, profile: Path | None = None) -> Run:
    """`dealsite build` of project, with stage timings written by the child (see _timed_build)."""
    report = project / "stages.json"
    cmd = [sys.executable, "-m", "generator.bench", "--timed-build", str(project), "--report", str(report)]
    if profile:
        cmd += ["--profile", str(profile)]
    run = run_measured(cmd, project, project / "build.log")
    run.stages = json.loads(report.read_text())
    return run


def build_baseline(project: Path) -> Run:
    return run_measured([str(BIN / "mkdocs"), "build", "-q", "-f", "mkdocs.yml", "-d", "site"], project, project / "build.log")


def _timed_build(project: Path, report: Path, profile: Path | None) -> int:
    """Child side of build_ours: run `dealsite build` with timers around its stages.

    The timers only add up wall time spent inside functions the build calls anyway
    (load_catalogue, public_catalogue, generate, MkDocs' page stages, the search
    plugin), so the build is the same one `dealsite build` runs.
    """
    from mkdocs.commands import build as mk_build
    from material.plugins.search import plugin as search_plugin

    from . import build as dealsite_build
    from . import cli, plugin

    totals: dict[str, float] = {}

    def timed(owner, name: str, label: str) -> None:
        original = getattr(owner, name)
        totals.setdefault(label, 0.0)  # report in this order

        @functools.wraps(original)  # keeps MkDocs' event priorities
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] = totals.get(label, 0.0) + time.perf_counter() - start

        setattr(owner, name, wrapper)

    timed(cli, "load_catalogue", "check: load deals (cli, before the build)")
    timed(plugin.DealsitePlugin, "on_config", "generator: plugin on_config (load, embargo)")
    timed(plugin.DealsitePlugin, "_generate", "generator: plugin on_files (generate, write files)")
    for name, label in [
        ("load_catalogue", "load deals"),
        ("load_updates", "load updates"),
        ("public_catalogue", "embargo"),
        ("last_changed", "last changed (git)"),
        ("deals_history", "deals history (git)"),
        ("generate", "generate pages"),
    ]:
        if hasattr(plugin, name):
            timed(plugin, name, f"  of which {label}")
    for hook in ("on_nav", "on_page_markdown", "on_page_content", "on_page_context", "on_post_page", "on_post_build"):
        if hook in vars(plugin.DealsitePlugin):
            timed(plugin.DealsitePlugin, hook, "dealsite plugin: other hooks")
    timed(mk_build, "_populate_page", "mkdocs: read pages (markdown, plugins)")
    timed(mk_build, "_build_page", "mkdocs: render pages (theme, search)")
    timed(search_plugin.SearchPlugin, "on_page_context", "  of which search: index pages")
    timed(search_plugin.SearchPlugin, "on_post_build", "search: write index")
    timed(mk_build, "get_files", "mkdocs: scan docs_dir")
    timed(dealsite_build, "mkdocs_build", "mkdocs: whole build (includes on_config)")

    argv = ["build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        status = profiler.runcall(cli.main, argv)
        profiler.dump_stats(str(profile))
    else:
        status = cli.main(argv)
    report.write_text(json.dumps(totals, indent=1))
    return status


# --- measuring the output ------------------------------------------------------------------


@dataclass
class Output:
    max_page_kb: float
    median_page_kb: float
    largest_other: tuple[str, float]
    search_index_mb: float
    search_entries: int
    total_mb: float
    pages: int


def measure_site(site: Path, deal_slugs: list[str], n: int) -> Output:
    sizes = sorted((site / "deals" / slug / "index.html").stat().st_size for slug in deal_slugs)
    others = [(p, p.stat().st_size) for p in site.rglob("*.html") if not p.is_relative_to(site / "deals")]
    biggest = max(others, key=lambda x: x[1]) if others else (site, 0)
    index = site / "search" / "search_index.json"
    entries = len(json.loads(index.read_text(encoding="utf-8"))["docs"]) if index.exists() else 0
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return Output(
        max_page_kb=sizes[-1] / 1024,
        median_page_kb=sizes[len(sizes) // 2] / 1024,
        largest_other=(str(biggest[0].relative_to(site)), biggest[1] / 1024),
        search_index_mb=(index.stat().st_size if index.exists() else 0) / 1024 / 1024,
        search_entries=entries,
        total_mb=total / 1024 / 1024,
        pages=len(list(site.rglob("index.html"))),
    )


def search_finds(site: Path, i: int, k: int = 0) -> bool:
    """Does the search index hold outcome k's made-up word in an entry of deal i's page?"""
    word = codeword(i, k)
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return any(d["location"].startswith(f"deals/{slug_of(i)}/") and (word in d["text"] or word in d["title"]) for d in docs)


# --- serve: how soon a changed deal is served --------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def measure_serve(project: Path, i: int, *, start_timeout: float = 900, change_timeout: float = 120) -> tuple[float, float]:
    """(seconds to the first served page, seconds from writing deal i's file to its new title being served)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/deals/{slug_of(i)}/"
    deal_file = project / "deals" / f"{slug_of(i)}.yaml"
    original = deal_file.read_text(encoding="utf-8")
    log = open(project / "serve.log", "wb")
    start = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "dealsite"), "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, env=_env(), start_new_session=True,
    )
    try:
        while _get(url) is None:
            if server.poll() is not None or time.perf_counter() - start > start_timeout:
                raise SystemExit(f"bench: dealsite serve did not start; see {project / 'serve.log'}")
            time.sleep(0.2)
        first = time.perf_counter() - start
        time.sleep(1.0)  # let the file watcher settle after the first build
        token = f"Renamed {time.time_ns()}"
        changed = original.replace(f"title: {place_name(i)} deal\n", f"title: {token}\n", 1)
        assert changed != original, "the deal's title line was not found"
        written = time.perf_counter()
        deal_file.write_text(changed, encoding="utf-8")
        while True:
            body = _get(url)
            elapsed = time.perf_counter() - written
            if body and token in body:
                return first, elapsed
            if elapsed > change_timeout or server.poll() is not None:
                return first, float("nan")
            time.sleep(0.05)
    finally:
        deal_file.write_text(original, encoding="utf-8")
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


# --- the report -------------------------------------------------------------------------------


@dataclass
class SizeResult:
    n: int
    ours: Run
    ours_out: Output
    found: bool
    baseline: Run | None = None
    baseline_out: Output | None = None


def run_size(out: Path, n: int, *, baseline: bool, profile: Path | None = None) -> SizeResult:
    project = out / f"n{n}"
    started = time.perf_counter()
    write_project(project, n)
    print(f"  wrote {n} synthetic deals in {time.perf_counter() - started:.1f} s: {project}", flush=True)
    check = subprocess.run([str(BIN / "dealsite"), "check", "deals"], cwd=project, capture_output=True, text=True, env=_env())
    if check.returncode != 0:
        raise SystemExit(f"bench: the synthetic corpus fails dealsite check:\n{check.stderr[-3000:]}")
    ours = build_ours(project, profile)
    slugs = [slug_of(i) for i in range(n)]
    result = SizeResult(n, ours, measure_site(project / "site", slugs, n), search_finds(project / "site", n // 2, 3))
    print(f"  dealsite build: {ours.wall_s:.1f} s", flush=True)
    if baseline:
        base = out / f"n{n}-baseline"
        write_baseline(base, n)
        result.baseline = build_baseline(base)
        result.baseline_out = measure_site(base / "site", slugs, n)
        print(f"  plain mkdocs build: {result.baseline.wall_s:.1f} s", flush=True)
    return result


def _block(r: SizeResult) -> str:
    o = r.ours_out
    gen = generator_seconds(r.ours.stages)
    lines = [
        f"== N={r.n} deals ==",
        f"dealsite build     {r.ours.wall_s:7.1f} s   peak RSS {r.ours.peak_rss_mb:7.1f} MB   {o.pages} pages, site {o.total_mb:.1f} MB",
        f"  memory           peak RSS above = the higher of the largest process ({r.ours.largest_process_mb:.1f} MB) and the"
        f" process tree's summed PSS ({r.ours.pss_mb:.1f} MB); summed RSS, shared pages counted per process: {r.ours.tree_rss_mb:.1f} MB",
        f"  deal page        max {o.max_page_kb:.1f} KB, median {o.median_page_kb:.1f} KB; largest other page {o.largest_other[0]} {o.largest_other[1]:.1f} KB",
        f"  search index     {o.search_index_mb:.2f} MB, {o.search_entries} entries; finds a deal by an outcome word: {'yes' if r.found else 'NO'}",
        f"  generator share  {gen:.1f} s of {r.ours.wall_s:.1f} s = {100 * gen / r.ours.wall_s:.0f}% (the CLI's check + the plugin's load, embargo, generate)",
    ]
    for label, seconds in r.ours.stages.items():
        lines.append(f"    {label:<56} {seconds:6.1f} s")
    if r.baseline and r.baseline_out:
        b = r.baseline_out
        lines += [
            f"plain mkdocs build {r.baseline.wall_s:7.1f} s   peak RSS {r.baseline.peak_rss_mb:7.1f} MB   {b.pages} pages, site {b.total_mb:.1f} MB",
            f"  deal page        max {b.max_page_kb:.1f} KB, median {b.median_page_kb:.1f} KB",
            f"  search index     {b.search_index_mb:.2f} MB, {b.search_entries} entries",
            f"ratio              {r.ours.wall_s / r.baseline.wall_s:.2f} (ours / baseline wall time)",
        ]
    return "\n".join(lines)


def generator_seconds(stages: dict) -> float:
    """Load, embargo and generate: the plugin's on_config and generation, plus the CLI's check before the build."""
    return sum(v for k, v in stages.items() if k.startswith(("generator:", "check:")))


def summary_line(r: SizeResult) -> str:
    ratio = f"{r.ours.wall_s / r.baseline.wall_s:.2f}" if r.baseline else "nan"
    baseline_s = f"{r.baseline.wall_s:.1f}" if r.baseline else "nan"
    return (
        f"ratio={ratio} max_page_kb={r.ours_out.max_page_kb:.1f} peak_rss_mb={r.ours.peak_rss_mb:.1f} "
        f"search_index_mb={r.ours_out.search_index_mb:.2f} ours_s={r.ours.wall_s:.1f} baseline_s={baseline_s} n={r.n}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of synthetic deals (default 1000)")
    parser.add_argument("--small", action="store_true", help="skip the N=100 block")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain MkDocs builds")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve rebuild measurement")
    parser.add_argument("--profile", type=Path, help="write a cProfile of our N-deal build here")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out", help="work directory (default bench-out/)")
    parser.add_argument("--timed-build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.timed_build:
        return _timed_build(args.timed_build, args.report, args.profile)

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(f"dealsite benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, work dir {out}", flush=True)
    blocks = []
    if not args.small and args.n != 100:
        print("N=100:", flush=True)
        blocks.append(run_size(out, 100, baseline=not args.no_baseline))
    print(f"N={args.n}:", flush=True)
    main_result = run_size(out, args.n, baseline=not args.no_baseline, profile=args.profile)
    blocks.append(main_result)
    serve_line = "serve: not measured (--no-serve)"
    if not args.no_serve:
        first, rebuilt = measure_serve(out / f"n{args.n}", args.n // 3)
        shown = "did not appear within 120 s" if rebuilt != rebuilt else f"{rebuilt:.1f} s"
        serve_line = f"serve: first page served {first:.1f} s after start; a changed deal page served {shown} after the file was written (N={args.n})"
    print()
    for r in blocks:
        print(_block(r))
        print()
    print(serve_line)
    print(summary_line(main_result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
