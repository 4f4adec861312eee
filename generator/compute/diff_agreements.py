"""What changed in a deal's agreements, one plain line per change, for ``dealsite diff`` and the
changes page (``diff.py`` puts them in order): powers, funds and their gateway reviews,
conditions, follow-on agreements, and the accountable figure's holders and scrutiny powers.

    power transport "Bus franchising" recipient changed from combined authority to mayor
    fund investment-fund gateway due 2025 passed on 2025-11
    accountable figure new holder: Tracy Brabin (elected 2024-05-02, since 2024-05)

Items without an id are matched by what identifies them: a power by its menu id and title, a
condition by its kind and text, a holder by name and which of their terms it is (a mayor
re-elected is a new holder), a scrutiny power by its body and text.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator, Optional

from ..model import Condition, Deal, Fund, Gateway, Holder, Power, Published, Recipient, ScrutinyPower

SHORT = 80  # characters of a long text (a condition, a scrutiny power) quoted in a line


def _short(text: str) -> str:
    """Long text cut to about SHORT characters at a space, with an ellipsis where it was cut."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= SHORT:
        return text
    cut = text[:SHORT].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def _when(value) -> str:
    return "none" if value is None else str(value)


# --- powers, keyed by (menu id, title) -----------------------------------------------------------


def _power_name(p: Power) -> str:
    return f'power {p.power} "{p.title}"' if p.title else f"power {p.power}"


def _recipient(r: Optional[Recipient]) -> str:
    if r is None:
        return "not given"
    kind = r.kind.replace("-", " ")
    return f"{kind} ({r.name})" if r.name else kind


def powers(a: Deal, b: Deal) -> Iterator[str]:
    old = {(p.power, p.title): p for p in a.powers}
    new = {(p.power, p.title): p for p in b.powers}
    kept = {key[0] for key in old if key in new}  # menu powers the deal had, and still has
    for key, p in new.items():
        name = _power_name(p)
        if key not in old:
            if p.power in kept:
                shown = f' as "{p.title}"' if p.title else ""
                yield f"power {p.power} granted again{shown} ({p.status.value})"
            else:
                yield f"{name} added ({p.status.value})"
            continue
        q = old[key]
        if q.status != p.status:
            yield f"{name} status changed from {q.status.value} to {p.status.value}"
        if q.recipient != p.recipient:
            yield f"{name} recipient changed from {_recipient(q.recipient)} to {_recipient(p.recipient)}"
        if q.first_used != p.first_used:
            if q.first_used is None:
                yield f"{name} first used on {p.first_used}"
            else:
                yield f"{name} first used date changed from {q.first_used} to {_when(p.first_used)}"
    for key, q in old.items():
        if key not in new:
            yield f"{_power_name(q)} removed (was {q.status.value})"


# --- funds and their gateway reviews -------------------------------------------------------------

_AS_PUBLISHED = {"exact": "", "up-to": "up to ", "about": "about "}


def _money(published: Optional[Published], fund: Fund) -> str:
    """'£38m', 'up to £300m', 'about £6bn': the amount as published, in the fund's unit."""
    if published is None:
        return "none"
    return f"{_AS_PUBLISHED[published.as_published.value]}£{published.amount:f}{fund.unit.value[1:]}"


def _fund_money(f: Fund) -> str:
    if f.per_year is None:
        return _money(f.total, f)
    length = f"for {f.years} years" if f.years is not None else "with no end stated"
    total = f" ({_money(f.total, f)} in all)" if f.total is not None else ""
    return f"{_money(f.per_year, f)} a year {length}{total}"


def _outcome(g: Gateway) -> str:
    return f"{g.outcome.value} on {g.decided}"


def funds(a: Deal, b: Deal) -> Iterator[str]:
    old = {f.id: f for f in a.funds}
    new = {f.id: f for f in b.funds}
    for f in b.funds:
        name = f"fund {f.id}"
        if f.id not in old:
            yield f"{name} added: {_fund_money(f)}"
            yield from _gateways(name, [], f.gateways)
            continue
        e = old[f.id]
        for label, was, now in (
            ("amount a year", _money(e.per_year, e), _money(f.per_year, f)),
            ("years", _when(e.years), _when(f.years)),
            ("total", _money(e.total, e), _money(f.total, f)),
            ("recipient", e.recipient or "none", f.recipient or "none"),
        ):
            if was != now:
                yield f"{name} {label} changed from {was} to {now}"
        yield from _gateways(name, e.gateways, f.gateways)
    for f in a.funds:
        if f.id not in new:
            yield f"fund {f.id} removed (was {_fund_money(f)})"


def _gateways(name: str, a: list[Gateway], b: list[Gateway]) -> Iterator[str]:
    old = {str(g.due): g for g in a}
    new = {str(g.due): g for g in b}
    for due, g in new.items():
        review = f"{name} gateway due {due}"
        if due not in old:
            yield f"{review} added" + (f": {_outcome(g)}" if g.outcome else "")
            continue
        e = old[due]
        if (e.outcome, e.decided) == (g.outcome, g.decided):
            continue
        if e.outcome is None:
            yield f"{review} {_outcome(g)}"
        elif g.outcome is None:
            yield f"{review} outcome removed (was {_outcome(e)})"
        else:
            yield f"{review} outcome changed from {_outcome(e)} to {_outcome(g)}"
    for due in old:
        if due not in new:
            yield f"{name} gateway due {due} removed"


# --- conditions, keyed by (kind, text) ------------------------------------------------------------


def _about(c: Condition, *more: str) -> str:
    return f"({', '.join([c.kind.value, *more])}): {_short(c.description)}"


def conditions(a: Deal, b: Deal) -> Iterator[str]:
    old = {(c.kind, c.description): c for c in a.conditions}
    new = {(c.kind, c.description): c for c in b.conditions}
    for key, c in new.items():
        dated = [str(c.date)] if c.date is not None else []
        if key not in old:
            yield f"condition added {_about(c, c.status.value, *dated)}"
            continue
        e = old[key]
        if e.status != c.status:
            if c.status.value == "met":
                yield f"condition met {_about(c, *dated)}"
            elif c.status.value == "not-met":
                yield f"condition not met {_about(c, *dated)}"
            else:
                yield f"condition status changed from {e.status.value} to {c.status.value} {_about(c)}"
        elif e.date != c.date:
            yield f"condition date changed from {_when(e.date)} to {_when(c.date)} {_about(c)}"
    for key, e in old.items():
        if key not in new:
            yield f"condition removed {_about(e, f'was {e.status.value}')}"


# --- follow-on agreements -------------------------------------------------------------------------


def follow_ons(a: Deal, b: Deal) -> Iterator[str]:
    old = {f.id: f for f in a.follow_ons}
    new = {f.id: f for f in b.follow_ons}
    for f in b.follow_ons:
        name = f"follow-on {f.id}"
        if f.id not in old:
            yield f"{name} added: {f.title} ({f.kind}, {f.date})"
            continue
        e = old[f.id]
        if e.signed != f.signed:
            yield f"{name} signed on {f.signed}" if e.signed is None else f"{name} signed date changed from {e.signed} to {_when(f.signed)}"
        if e.withdrawn is None and f.withdrawn is not None:
            yield f"{name} withdrawn on {f.withdrawn}"
        elif e.status != f.status:
            yield f"{name} status changed from {e.status.value} to {f.status.value}"
    for f in a.follow_ons:
        if f.id not in new:
            yield f"follow-on {f.id} removed (was {f.title})"


# --- the accountable figure -----------------------------------------------------------------------


def _terms(holders: list[Holder]) -> dict[tuple[str, int], Holder]:
    """Each holder keyed by name and which of that person's terms it is (1, 2, ...)."""
    seen: Counter = Counter()
    keyed = {}
    for h in holders:
        seen[h.name] += 1
        keyed[(h.name, seen[h.name])] = h
    return keyed


def figure(a: Deal, b: Deal) -> Iterator[str]:
    old = _terms(a.accountable_figure.holders)
    new = _terms(b.accountable_figure.holders)
    for key, h in new.items():
        if key not in old:
            details = [f"{field} {getattr(h, field)}" for field in ("elected", "since") if getattr(h, field) is not None]
            interim = ", interim" if h.interim else ""
            yield f"accountable figure new holder: {h.name}{interim}" + (f" ({', '.join(details)})" if details else "")
            continue
        e = old[key]
        if e.until is None and h.until is not None:
            yield f"accountable figure holder {h.name} left office on {h.until}"
        elif e.until != h.until:
            yield f"accountable figure holder {h.name} until changed from {_when(e.until)} to {_when(h.until)}"
        for field in ("elected", "since"):
            if getattr(e, field) != getattr(h, field):
                yield f"accountable figure holder {h.name} {field} changed from {_when(getattr(e, field))} to {_when(getattr(h, field))}"
    for key in old:
        if key not in new:
            yield f"accountable figure holder {key[0]} removed"
    yield from _scrutiny(a.accountable_figure.scrutiny_powers, b.accountable_figure.scrutiny_powers)


def _scrutiny_power(s: ScrutinyPower) -> str:
    threshold = f" ({s.threshold})" if s.threshold else ""
    return f"{s.body}: {_short(s.power)}{threshold}"


def _scrutiny(a: list[ScrutinyPower], b: list[ScrutinyPower]) -> Iterator[str]:
    old = {(s.body, s.power): s for s in a}
    new = {(s.body, s.power): s for s in b}
    for key, s in new.items():
        if key not in old:
            yield f"accountable figure scrutiny power added: {_scrutiny_power(s)}"
        elif old[key].threshold != s.threshold:
            yield f"accountable figure scrutiny power {s.body}: {_short(s.power)} threshold changed from {old[key].threshold or 'none'} to {s.threshold or 'none'}"
    for key, s in old.items():
        if key not in new:
            yield f"accountable figure scrutiny power removed: {_scrutiny_power(s)}"
