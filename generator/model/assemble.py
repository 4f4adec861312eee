"""The rules that need more than one file, and the catalogue they allow.

A deal file is checked on its own as it is read (load.py, and git.py for a revision); what
only several files together can say is checked here, once, for a folder and for a revision
alike: every round and power a deal names is in the shared menus, ids are not used twice,
a budget adds up, and the committee's record names deals that exist.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
from typing import Iterable, Iterator, Optional

from .catalogue import Catalogue
from .digest import Bounded
from .deal import Deal
from .problems import InvalidDeals, Problem, field_path, line_of
from .scrutiny import Scrutiny
from .shared import Deflators, PowersMenu, Timetable

ROUNDS_FILE = "_rounds.yaml"
POWERS_FILE = "_powers.yaml"
DEFLATORS_FILE = "_deflators.yaml"
SCRUTINY_FILE = "_scrutiny.yaml"
SHARED = {ROUNDS_FILE: Timetable, POWERS_FILE: PowersMenu, DEFLATORS_FILE: Deflators, SCRUTINY_FILE: Scrutiny}
REQUIRED = (ROUNDS_FILE, POWERS_FILE)


def assemble(shared: dict[str, tuple], loaded: list[tuple], problems: list[Problem], *, every_deal: bool = True) -> Catalogue:
    """The catalogue of checked files, once the rules that need several files hold.

    ``shared``: each shared file's (model or None, document, file name), None where missing;
    ``loaded``: each valid deal's (deal, document, file name); ``problems``: those found so
    far. Raises :class:`InvalidDeals` with every problem; the same for a folder and for a
    revision in git. ``every_deal`` False: only some deal files were named (``dealsite check
    deals/kent.yaml``, a readings import's trial), so the committee's record may name deals that
    were not loaded.
    """
    problems = list(problems)
    for name in REQUIRED:
        model, doc, file = shared.get(name, (None, None, name))
        if model is None and doc is None and not any(p.file == file for p in problems):
            problems.append(Problem(file, 1, "", "is missing (the deals refer to it)"))
    timetable, menu = shared.get(ROUNDS_FILE, (None,))[0], shared.get(POWERS_FILE, (None,))[0]
    deflators, scrutiny = shared.get(DEFLATORS_FILE, (None,))[0], shared.get(SCRUTINY_FILE, (None,))[0]
    problems += _duplicates(loaded)
    problems += _shared_duplicates(shared)
    if timetable is not None and menu is not None:
        rounds = frozenset(r.id for r in timetable.rounds)
        powers = frozenset(p.id for p in menu.powers)
        for deal, doc, file in loaded:
            for path, message, others in cross_checked(deal, rounds, powers):
                line = line_of(doc, path)
                also = also_on(line_of(doc, other) for other in others if line_of(doc, other) != line)
                problems.append(Problem(file, line, field_path(path), message + also, code="reference"))
    if scrutiny is not None:
        _, doc, file = shared[SCRUTINY_FILE]
        slugs = {deal.slug for deal, _, _ in loaded} if every_deal else None
        problems += [Problem(file, line_of(doc, path), field_path(path), message) for path, message in scrutiny_checks(scrutiny, slugs)]
    if problems:
        raise InvalidDeals(problems)
    return Catalogue(
        deals=sorted((d for d, _, _ in loaded), key=lambda d: d.slug),
        rounds=timetable.rounds,
        powers=menu.powers,
        deflators=deflators,
        scrutiny=scrutiny if scrutiny is not None else Scrutiny(),
    )


def _shared_duplicates(shared: dict[str, tuple]) -> list[Problem]:
    """An id given twice in a shared file: the pages would show the first under both."""
    problems = []
    for name, field in ((ROUNDS_FILE, "rounds"), (POWERS_FILE, "powers")):
        model, doc, file = shared.get(name, (None, None, name))
        if model is None:
            continue
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(model, field)):
            if item.id in seen:
                path = (field, i, "id")
                problems.append(Problem(file, line_of(doc, path), field_path(path), f"{item.id} is also the id of {field}[{seen[item.id]}] (each id may appear once)"))
            seen.setdefault(item.id, i)
    return problems


def scrutiny_checks(scrutiny: Scrutiny, deals: Optional[set[str]]) -> Iterator[tuple[tuple, str]]:
    """(path, message) for each reference in the committee's record that does not hold
    (``deals`` None: the deals it names are not checked, as not every deal was loaded)."""
    sessions: dict[str, object] = {}
    for i, session in enumerate(scrutiny.sessions):
        if session.id in sessions:
            yield ("sessions", i, "id"), f"{session.id} is also the id of another session (each id may appear once)"
        sessions.setdefault(session.id, session)
        for j, slug in enumerate(session.deals):
            if deals is not None and slug not in deals:
                yield ("sessions", i, "deals", j), f"{slug} is not a known deal (expected a file name in deals/, without .yaml)"
    recommendations: dict[str, object] = {}
    for i, recommendation in enumerate(scrutiny.recommendations):
        if recommendation.id in recommendations:
            yield ("recommendations", i, "id"), f"{recommendation.id} is also the id of another recommendation (each id may appear once)"
        recommendations.setdefault(recommendation.id, recommendation)
        session = sessions.get(recommendation.session)
        if session is None:
            yield ("recommendations", i, "session"), f"{recommendation.session} is not the id of a session (expected one of {', '.join(sessions) or 'none'})"
        else:
            if recommendation.deal is not None and recommendation.deal not in session.deals:
                yield ("recommendations", i, "deal"), f"{recommendation.deal} was not examined at session {session.id} (its deals: {', '.join(session.deals)})"
            if recommendation.due is not None and recommendation.due.latest < session.date:
                yield ("recommendations", i, "due"), f"{recommendation.due} is before the session that made it, {session.date}"
    for i, response in enumerate(scrutiny.responses):
        answered = recommendations.get(response.recommendation)
        if answered is None:
            yield ("responses", i, "recommendation"), f"{response.recommendation} is not the id of a recommendation (expected one of {', '.join(recommendations) or 'none'})"
        elif sessions.get(answered.session) is not None and response.date.latest < sessions[answered.session].date:
            yield ("responses", i, "date"), f"{response.date} is before the session that made the recommendation, {sessions[answered.session].date}"


def _duplicates(loaded) -> list[Problem]:
    files: dict[str, list[str]] = {}
    for deal, _, file in loaded:
        files.setdefault(deal.slug, []).append(file)
    problems = []
    for deal, _, file in loaded:
        others = [f for f in files[deal.slug] if f != file]
        if others:
            message = f"slug {deal.slug} is also used by {', '.join(others)} (each deal needs its own file name)"
            problems.append(Problem(file, 1, "", message))
    return problems


# --- rules that need more than one object ----------------------------------------


# What cross_checks found for a deal, keyed by its digest and the menus' ids: history checks
# every revision, and most deals are the same file version in each (one cache policy:
# model/digest.py). At 300 deals and 25 revisions, 7,551 checks became about 370.
_CHECKED = Bounded(50_000)  # deal versions x menus


def cross_checked(deal: Deal, rounds: frozenset[str], powers: frozenset[str]) -> tuple:
    """The problems of a deal's references to the rounds and powers (kept by the deal's digest)."""
    key = (deal.digest, rounds, powers)
    found = _CHECKED.get(key)
    return found if found is not None else _CHECKED.keep(key, tuple(cross_checks(deal, rounds, powers)))


def cross_checks(deal: Deal, rounds: set[str], powers: set[str]) -> Iterator[tuple[tuple, str, tuple]]:
    """(path, message, other paths) for each reference or total in a deal that does not hold.

    One mistake gives one problem: an unknown id is reported once, at its first use, with
    the other places it is used; and while one of the deal's own rounds is unknown, a power
    settled in a known round is not also told to add that round (the fix is the typo).
    """
    references: list[tuple[str, str, tuple]] = []
    references += [("round", r, ("negotiation", "rounds", i)) for i, r in enumerate(deal.negotiation.rounds)]
    # an event's round may be a national step the deal only waited on: any known round
    references += [("round", e.round, ("negotiation", "events", i, "round")) for i, e in enumerate(deal.negotiation.events) if e.round]
    for i, power in enumerate(deal.powers):
        references.append(("power", power.power, ("powers", i, "power")))
        if power.round is not None:
            references.append(("round", power.round, ("powers", i, "round")))
    for i, outcome in enumerate(deal.outcomes):
        references += [("power", p, ("outcomes", i, "powers", j)) for j, p in enumerate(outcome.powers)]
    unknown: dict[tuple[str, str], list[tuple]] = {}
    for kind, given, path in references:
        if given not in (rounds if kind == "round" else powers):
            unknown.setdefault((kind, given), []).append(path)
    for (kind, given), paths in unknown.items():
        yield paths[0], _unknown(kind, given, rounds if kind == "round" else powers), tuple(paths[1:])
    own_rounds_known = all(r in rounds for r in deal.negotiation.rounds)
    for i, power in enumerate(deal.powers):
        if own_rounds_known and power.round in rounds and power.round not in deal.negotiation.rounds:
            shown = ", ".join(deal.negotiation.rounds) or "none yet"
            yield ("powers", i, "round"), f"{power.round} is not one of this deal's rounds (add it to negotiation.rounds: {shown})", ()
    for i, outcome in enumerate(deal.outcomes):
        for j, reading in enumerate(outcome.readings):
            if outcome.baseline is not None and reading.date < outcome.baseline.date:
                yield ("outcomes", i, "readings", j, "date"), f"{reading.date} is before the baseline date, {outcome.baseline.date}", ()
    if deal.budget:
        yield from ((path, message, ()) for path, message in _budget_checks(deal.budget))


def _unknown(kind: str, given: str, known: set[str]) -> str:
    file = ROUNDS_FILE if kind == "round" else POWERS_FILE
    close = difflib.get_close_matches(given, sorted(known), n=1, cutoff=0.75)
    if close:
        return f"{given} is not a known {kind}: did you mean {close[0]}? (the {kind}s are listed in deals/{file})"
    shown = sorted(known)
    listed = ", ".join(shown[:MAX_LISTED]) + (f" and {len(shown) - MAX_LISTED} more" if len(shown) > MAX_LISTED else "")
    return f"{given} is not a known {kind} (expected one of {listed}, from deals/{file})"


MAX_LISTED = 20  # ids a message lists before saying how many more


def also_on(lines: Iterable[int]) -> str:
    """' (also on lines 12 and 30: correct them all)', or '' for none."""
    shown = sorted(set(lines))
    if not shown:
        return ""
    words = ", ".join(map(str, shown[:-1])) + f" and {shown[-1]}" if len(shown) > 1 else str(shown[0])
    return f" (also on line{'s' * (len(shown) > 1)} {words}: correct {'them all' if len(shown) > 1 else 'both'})"


def _budget_checks(budget) -> Iterator[tuple[tuple, str]]:
    years = set(budget.years)
    for i, line in enumerate(budget.lines):
        missing = [y for y in budget.years if y not in line.amounts]
        if missing:
            yield ("budget", "lines", i, "amounts"), f"has no amount for {', '.join(missing)} (expected one for each of the budget's years)"
        for key in ("amounts", "actuals"):
            for year in getattr(line, key):
                if year not in years:
                    yield ("budget", "lines", i, key, year), f"{year} is not one of the budget's years ({', '.join(budget.years)})"
    for year in budget.savings_achieved:
        if year not in years:
            yield ("budget", "savings_achieved", year), f"{year} is not one of the budget's years ({', '.join(budget.years)})"
    if budget.stated_total is not None:
        total = sum((a for line in budget.lines for a in line.amounts.values()), Decimal(0))
        if total != budget.stated_total:
            yield ("budget", "stated_total"), f"{budget.stated_total} does not equal the lines' total of {total}"
    for i, scheme in enumerate(budget.schemes):
        invested = sum((a for s in scheme.bodies for a in s.investment.values()), Decimal(0))
        gained = sum((a for s in scheme.bodies for a in s.benefit.values()), Decimal(0))
        if scheme.stated_investment is not None and scheme.stated_investment != invested:
            yield ("budget", "schemes", i, "stated_investment"), f"{scheme.stated_investment} does not equal the bodies' investment of {invested}"
        if scheme.stated_net_benefit is not None and scheme.stated_net_benefit != gained - invested:
            yield ("budget", "schemes", i, "stated_net_benefit"), f"{scheme.stated_net_benefit} does not equal benefit less investment, {gained - invested}"

