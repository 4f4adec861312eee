"""What changed between two versions of ``deals/``: ``dealsite diff REV_A REV_B`` and the changes page.

Each change is one line of plain text, in a fixed order:

    greater-manchester: outcome employment-rate target moved from 72.0 by 2014-03-31 to 71.0 by 2015-03-31

The deal's agreements (powers, funds and gateways, conditions, follow-ons, the accountable
figure) are compared in ``diff_agreements.py``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Iterator, Optional

from ..model import Catalogue, Deal, Event, Outcome, PlaceBudget
from ..model.git import Reader
from . import diff_agreements

# --- comparing two catalogues --------------------------------------------------------------


def _n(value: Decimal) -> str:
    return format(value, "f")


def _point(point) -> str:
    return f"{_n(point.value)} on {point.date.isoformat()}" if point is not None else "none"


def _target(o: Outcome) -> str:
    return f"{_n(o.target.value)} by {o.target.date.isoformat()}" if o.target else "none"


def diff_catalogues(old: Catalogue, new: Catalogue) -> list[str]:
    """Every change from old to new, one line each, in a fixed order (deals by slug)."""
    before = {d.slug: d for d in old.deals}
    after = {d.slug: d for d in new.deals}
    lines = []
    for slug in sorted(before.keys() | after.keys()):
        a, b = before.get(slug), after.get(slug)
        if a is None:
            lines.append(f"{slug}: deal added ({b.title})")
        elif b is None:
            lines.append(f"{slug}: deal removed ({a.title})")
        elif a is not b:  # history gives an unchanged deal as the same object in each revision
            lines += [f"{slug}: {line}" for line in diff_deals(a, b)]
    return lines


def diff_deals(a: Deal, b: Deal) -> list[str]:
    return [
        *_deal_fields(a, b),
        *_outcomes(a, b),
        *diff_agreements.powers(a, b),
        *_budget(a.budget, b.budget),
        *diff_agreements.funds(a, b),
        *diff_agreements.conditions(a, b),
        *diff_agreements.follow_ons(a, b),
        *diff_agreements.figure(a, b),
        *_events(a.negotiation.events, b.negotiation.events),
    ]


def _deal_fields(a: Deal, b: Deal) -> Iterator[str]:
    if a.title != b.title:
        yield f"title changed from {a.title} to {b.title}"
    if a.status != b.status:
        yield f"status changed from {a.status.value} to {b.status.value}"


def _outcomes(a: Deal, b: Deal) -> Iterator[str]:
    old = {o.id: o for o in a.outcomes}
    new = {o.id: o for o in b.outcomes}
    for o in b.outcomes:
        if o.id not in old:
            yield f"outcome {o.id} added (target {_target(o)})"
            continue
        p = old[o.id]
        if p.target != o.target:
            yield f"outcome {o.id} target moved from {_target(p)} to {_target(o)}"
        if p.baseline != o.baseline:
            yield f"outcome {o.id} baseline changed from {_point(p.baseline)} to {_point(o.baseline)}"
        if _points(p.milestones) != _points(o.milestones):
            yield f"outcome {o.id} interim milestones changed from {_show_points(p.milestones)} to {_show_points(o.milestones)}"
        for field in ("title", "indicator", "unit", "owner"):
            if getattr(p, field) != getattr(o, field):
                yield f"outcome {o.id} {field} changed from {getattr(p, field)} to {getattr(o, field)}"
        yield from _readings(o.id, p, o)
    for o in a.outcomes:
        if o.id not in new:
            yield f"outcome {o.id} removed (target was {_target(o)})"


def _points(points) -> list:
    return sorted((p.date, p.value) for p in points)


def _show_points(points) -> str:
    shown = ", ".join(f"{_n(v)} by {d.isoformat()}" for d, v in _points(points))
    return f"[{shown}]"


def _readings(oid: str, a: Outcome, b: Outcome) -> Iterator[str]:
    old = {r.date: r for r in a.readings}
    new = {r.date: r for r in b.readings}
    for date in sorted(old.keys() | new.keys()):
        r, s = old.get(date), new.get(date)
        if r is None:
            yield f"outcome {oid} reading added: {_n(s.value)} on {date.isoformat()}"
        elif s is None:
            yield f"outcome {oid} reading removed: {_n(r.value)} on {date.isoformat()}"
        elif r.value != s.value:
            yield f"outcome {oid} reading on {date.isoformat()} changed from {_n(r.value)} to {_n(s.value)}"


def _line_name(line) -> str:
    return f"{line.body} / {line.stream}"


def _amounts(amounts: dict) -> str:
    return ", ".join(f"{year} {_n(value)}" for year, value in sorted(amounts.items())) or "none"


def _budget(a: Optional[PlaceBudget], b: Optional[PlaceBudget]) -> Iterator[str]:
    if a is None and b is None:
        return
    if a is None:
        yield f"budget added ({b.unit.value}, {', '.join(b.years)})"
        a = PlaceBudget.model_construct(unit=b.unit, years=[], reduction_percent=b.reduction_percent,
                                        savings_share_percent=b.savings_share_percent, lines=[], savings_achieved={})
    if b is None:
        yield "budget removed"
        return
    unit = b.unit.value
    if a.unit != b.unit:
        yield f"budget unit changed from {a.unit.value} to {b.unit.value}"
    if a.years != b.years:
        yield f"budget years changed from {', '.join(a.years) or 'none'} to {', '.join(b.years)}"
    for field in ("reduction_percent", "savings_share_percent"):
        if getattr(a, field) != getattr(b, field):
            was, now = (("none" if v is None else _n(v)) for v in (getattr(a, field), getattr(b, field)))
            yield f"budget {field.replace('_', ' ')} changed from {was} to {now}"
    old = {(l.body, l.stream): l for l in a.lines}
    new = {(l.body, l.stream): l for l in b.lines}
    for line in b.lines:
        key = (line.body, line.stream)
        if key not in old:
            yield f"budget line {_line_name(line)} added: {_amounts(line.amounts)} ({unit})"
            continue
        for field, word in (("amounts", "amount"), ("actuals", "actual")):
            x, y = getattr(old[key], field), getattr(line, field)
            for year in sorted(x.keys() | y.keys()):
                if year not in x:
                    yield f"budget line {_line_name(line)} {year} {word} added: {_n(y[year])} ({unit})"
                elif year not in y:
                    yield f"budget line {_line_name(line)} {year} {word} removed: was {_n(x[year])} ({unit})"
                elif x[year] != y[year]:
                    yield f"budget line {_line_name(line)} {year} {word} changed from {_n(x[year])} to {_n(y[year])} ({unit})"
    for line in a.lines:
        if (line.body, line.stream) not in new:
            yield f"budget line {_line_name(line)} removed: was {_amounts(line.amounts)} ({a.unit.value})"
    x, y = a.savings_achieved, b.savings_achieved
    for year in sorted(x.keys() | y.keys()):
        if x.get(year) != y.get(year):
            was = _n(x[year]) if year in x else "none"
            now = _n(y[year]) if year in y else "none"
            yield f"budget savings achieved {year} changed from {was} to {now} ({unit})"


def _events(a: list[Event], b: list[Event]) -> Iterator[str]:
    old = {e.title: e for e in a}
    new = {e.title: e for e in b}
    for e in b:
        name = f'{e.kind} "{e.title}"'
        if e.title not in old:
            yield f"{name} added (planned {e.planned})"
            continue
        p = old[e.title]
        if p.planned != e.planned:
            yield f"{name} planned date moved from {p.planned} to {e.planned}"
        if p.actual != e.actual:
            if p.actual is None:
                yield f"{name} happened on {e.actual}"
            elif e.actual is None:
                yield f"{name} actual date {p.actual} removed"
            else:
                yield f"{name} actual date moved from {p.actual} to {e.actual}"
    for e in a:
        if e.title not in new:
            yield f'{e.kind} "{e.title}" removed (was planned {e.planned})'


def diff_revisions(deals_dir: Path, rev_a: str, rev_b: str) -> list[str]:
    """The lines of ``dealsite diff``; raises GitError or InvalidDeals."""
    reader = Reader(deals_dir)
    return diff_catalogues(reader.catalogue(rev_a), reader.catalogue(rev_b))
