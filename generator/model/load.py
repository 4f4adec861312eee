"""Load ``deals/`` into a checked :class:`Catalogue`, or say exactly what is wrong.

Every problem names file, line, field path, what is wrong and what is expected,
and all problems of all files are collected in one pass, so a team fixes a
file once rather than once per error.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import stat
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..runtime import PARALLEL_FROM, jobs_available, paused
from .catalogue import Catalogue, share_field_sets
from .deal import Deal
from .files import read
from .problems import InvalidDeals, Problem, field_path, line_of, shown_kind, validate
from .scrutiny import Scrutiny
from .shared import Deflators, PowersMenu, Timetable
from .types import SLUG_RE
from .yaml import Document, YamlError, parse

ROUNDS_FILE = "_rounds.yaml"
POWERS_FILE = "_powers.yaml"
DEFLATORS_FILE = "_deflators.yaml"
SCRUTINY_FILE = "_scrutiny.yaml"
SHARED = {ROUNDS_FILE: Timetable, POWERS_FILE: PowersMenu, DEFLATORS_FILE: Deflators, SCRUTINY_FILE: Scrutiny}
REQUIRED = (ROUNDS_FILE, POWERS_FILE)

# --- files -----------------------------------------------------------------------

# Files editors make beside the one open in them, and remove when it is closed: vim's swap
# files (.kent.yaml.swp), emacs' lock and autosave files (.#kent.yaml, #kent.yaml#). They are
# passed over; reporting them would stop `dealsite serve` for as long as a file is open.
EDITING = re.compile(r"^\.#|^#.*#$|\.sw[a-p]$")
_YAML_NAME = re.compile(r"(.*?)\.ya?ml(.*)", re.IGNORECASE | re.DOTALL)


def name_problem(name: str) -> Optional[str]:
    """What is wrong with the name of a file in deals/, or None for a deal or shared file,
    or for a file that is not a deal file at all (the schema, a README, an editor's file)."""
    if name in SHARED or EDITING.search(name):
        return None
    match = _YAML_NAME.fullmatch(name)
    if match is None:
        return None
    base, rest = match.groups()
    if rest:
        # kent.yaml~, kent.yaml.bak, kent.yml.orig: a copy, which would be silently ignored.
        # It is either stale (remove it) or holds the edits someone meant to publish (renamed
        # by mistake), and the site would show the old file without a word: so it is reported.
        return f"{name} looks like a copy of a deal file, which is never read: remove it, or rename it to {base}.yaml if it is the one to publish"
    if not name.endswith(".yaml"):
        return f"{name} should end in .yaml (rename it to {base}.yaml)"
    if name.startswith("_"):
        return f"{name} is not a known shared file (expected one of {', '.join(sorted(SHARED))})"
    if not SLUG_RE.fullmatch(base):
        return f"file name {base!r} is not a slug (expected lowercase letters, digits and hyphens, e.g. greater-manchester.yaml)"
    return None


def is_deal_name(name: str) -> bool:
    """A name that names a deal file, right or wrong (every such file is read or reported)."""
    return name not in SHARED and not EDITING.search(name) and _YAML_NAME.fullmatch(name) is not None


def deal_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The deal files named by paths (directories are read one level deep).

    Every file whose name ends in .yaml or .yml, in any case, is returned, to be read or
    refused by name; a copy such as kent.yaml~ or kent.yaml.bak is reported here.
    """
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if not is_deal_name(child.name):
                    continue
                if _YAML_NAME.fullmatch(child.name).group(2):
                    problems.append(Problem(str(child), 1, "", name_problem(child.name)))
                else:
                    files.append(child)
        elif os.path.lexists(path):
            if path.name not in SHARED:
                files.append(path)
        else:
            problems.append(Problem(str(path), 1, "", "no such file or directory"))
    return files, problems


def _read(path: Path) -> tuple[Optional[Document], list[Problem]]:
    try:
        return parse(read(path)), []
    except YamlError as error:
        return None, [Problem(str(path), error.line, field_path(error.path), error.message)]


def _load_deal(path: Path) -> tuple[Optional[Deal], Optional[Document], list[Problem]]:
    file = str(path)
    problem = name_problem(path.name) or (None if path.suffix == ".yaml" else f"{path.name} should end in .yaml")
    if problem:
        return None, None, [Problem(file, 1, "", problem)]
    slug = path.stem
    doc, problems = _read(path)
    if doc is None:
        return None, None, problems
    data = doc.data
    if not isinstance(data, dict):
        return None, doc, [Problem(file, 1, "", f"expected a mapping of fields starting with title:, got {shown_kind(data)}")]
    if "slug" in data:
        return None, doc, [Problem(file, line_of(doc, ("slug",)), "slug", "comes from the file name (remove this field)")]
    deal, problems = validate(Deal, {"slug": slug, **data}, doc, file)
    if deal is not None:
        share_field_sets(deal)  # at once, so the next file's models reuse the memory freed
    return deal, doc, problems


class _DocumentOnDemand(Document):
    """The parsed file of a deal taken from the cache: read again only if a problem needs a line."""

    def __init__(self, path: Path):  # noqa: D107 - not the dataclass's fields: both come from the file
        self._path = path
        self._doc: Optional[Document] = None

    def _parsed(self) -> Document:
        if self._doc is None:
            self._doc = _read(self._path)[0] or Document(None)
        return self._doc

    data = property(lambda self: self._parsed().data)  # type: ignore[assignment]
    lines = property(lambda self: self._parsed().lines)  # type: ignore[assignment]


# Valid deals by file, with the file's (mtime, size) when read. One build reads deals/ twice (the
# CLI's check, then the plugin) and `dealsite serve` on every change: only changed files are parsed
# again. Deals are frozen models, so sharing them is safe.
_DEAL_CACHE: dict[Path, tuple[tuple[int, int], Deal]] = {}


def _load_deals(files: list[Path], jobs: Optional[int]) -> list[tuple[Optional[Deal], Optional[Document], list[Problem]]]:
    """(deal, document, problems) for each file, in order; unchanged files come from the cache.

    Files not in the cache are parsed and validated in forked worker processes when there
    are enough of them (a deal file takes a few milliseconds). A worker sends back the deal
    and its problems; the parent reads a file again only if a cross-file check needs a line.
    """
    results: list = [None] * len(files)
    stale: list[tuple[int, Optional[Path], Optional[tuple[int, int]]]] = []
    for i, path in enumerate(files):
        try:
            info = os.lstat(path)
        except OSError:
            info = None
        if info is None or not stat.S_ISREG(info.st_mode):  # read, to be refused with its reason
            stale.append((i, None, None))
            continue
        key, stamp = path.resolve(), (info.st_mtime_ns, info.st_size)
        hit = _DEAL_CACHE.get(key)
        if hit is not None and hit[0] == stamp and hit[1].slug == path.stem:
            results[i] = (hit[1], _DocumentOnDemand(path), [])
        else:
            stale.append((i, key, stamp))
    for (i, key, stamp), result in zip(stale, _load_many([files[i] for i, _, _ in stale], jobs)):
        results[i] = result
        if key is None:
            continue
        deal, _, problems = result
        if deal is not None and not problems:
            share_field_sets(deal)  # again: a deal from a worker shares sets only within itself
            _DEAL_CACHE[key] = (stamp, deal)
        else:
            _DEAL_CACHE.pop(key, None)
    return results


# Below this many files to parse (a few milliseconds each), starting a worker process costs
# more than it saves.
_PENDING: list[Path] = []  # the files the forked workers share with the parent


def _load_many(paths: list[Path], jobs: Optional[int]) -> list:
    """_load_deal of each path, in order; with jobs > 1, shared with jobs - 1 forked workers."""
    if jobs is None:

        jobs = jobs_available() if len(paths) >= PARALLEL_FROM else 1
    jobs = min(jobs, len(paths))
    if jobs <= 1 or "fork" not in mp.get_all_start_methods():
        return [_load_deal(path) for path in paths]
    # The parent takes an equal share: receiving a worker's deal (unpickling it) costs about
    # a quarter of parsing and validating it, so the parent would otherwise mostly wait.
    theirs = paths[: len(paths) - len(paths) // jobs]
    global _PENDING
    _PENDING = theirs
    try:
        with mp.get_context("fork").Pool(jobs - 1) as pool:
            found = pool.map_async(_load_pending, range(len(theirs)), chunksize=max(1, len(theirs) // (jobs * 8)))
            own = [_load_deal(path) for path in paths[len(theirs):]]
            received = found.get()
    finally:
        _PENDING = []
    return [(deal, _DocumentOnDemand(path), problems) for path, (deal, problems) in zip(theirs, received)] + own


def _load_pending(i: int) -> tuple[Optional[Deal], list[Problem]]:
    deal, _, problems = _load_deal(_PENDING[i])
    return deal, problems


def _load_shared(directory: Path, name: str) -> tuple:
    """(model or None, document or None, file) of a shared file; a missing one is None."""
    path = directory / name
    if not os.path.lexists(path):
        return None, None, str(path), []
    doc, problems = _read(path)
    if doc is None:
        return None, None, str(path), problems
    model, problems = validate(SHARED[name], doc.data, doc, str(path))
    return model, doc, str(path), problems


def load_catalogue(paths: Iterable[Path] = (Path("deals"),), *, jobs: Optional[int] = None) -> Catalogue:
    """Read and check every deal in paths with the shared files beside them.

    Raises :class:`InvalidDeals` listing every problem; returns only a fully
    valid catalogue. ``jobs``: worker processes for parsing (default: one per
    core, or DEALSITE_JOBS, once there are PARALLEL_FROM files to parse).
    """
    with paused():  # the loaded deals live for the whole build: see gcpause
        return _load_catalogue([Path(p) for p in paths], jobs)


def _load_catalogue(paths: list[Path], jobs: Optional[int]) -> Catalogue:
    files, problems = deal_files(paths)
    shared_dir = paths[0] if paths and paths[0].is_dir() else (files[0].parent if files else Path("deals"))
    shared = {}
    for name in SHARED:
        model, doc, file, found = _load_shared(shared_dir, name)
        shared[name] = (model, doc, file)
        problems += found
    loaded = []
    for path, (deal, doc, found) in zip(files, _load_deals(files, jobs)):
        problems += found
        if deal is not None:
            loaded.append((deal, doc, str(path)))
    return assemble(shared, loaded, problems)


def assemble(shared: dict[str, tuple], loaded: list[tuple], problems: list[Problem]) -> Catalogue:
    """The catalogue of checked files, once the rules that need several files hold.

    ``shared``: each shared file's (model or None, document, file name), None where missing;
    ``loaded``: each valid deal's (deal, document, file name); ``problems``: those found so
    far. Raises :class:`InvalidDeals` with every problem; the same for a folder and for a
    revision in git.
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
        rounds = {r.id for r in timetable.rounds}
        powers = {p.id for p in menu.powers}
        for deal, doc, file in loaded:
            problems += [Problem(file, line_of(doc, path), field_path(path), message) for path, message in cross_checks(deal, rounds, powers)]
    if scrutiny is not None:
        _, doc, file = shared[SCRUTINY_FILE]
        slugs = {deal.slug for deal, _, _ in loaded}
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


def scrutiny_checks(scrutiny: Scrutiny, deals: set[str]) -> Iterator[tuple[tuple, str]]:
    """(path, message) for each reference in the committee's record that does not hold."""
    sessions: dict[str, object] = {}
    for i, session in enumerate(scrutiny.sessions):
        if session.id in sessions:
            yield ("sessions", i, "id"), f"{session.id} is also the id of another session (each id may appear once)"
        sessions.setdefault(session.id, session)
        for j, slug in enumerate(session.deals):
            if slug not in deals:
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


def cross_checks(deal: Deal, rounds: set[str], powers: set[str]) -> Iterator[tuple[tuple, str]]:
    """(path, message) for each reference or total in a deal that does not hold."""
    for i, round_id in enumerate(deal.negotiation.rounds):
        if round_id not in rounds:
            yield ("negotiation", "rounds", i), _unknown("round", round_id, rounds)
    for i, event in enumerate(deal.negotiation.events):
        if event.round and event.round not in rounds:  # may be a national step the deal only waited on
            yield ("negotiation", "events", i, "round"), _unknown("round", event.round, rounds)
    for i, power in enumerate(deal.powers):
        if power.power not in powers:
            yield ("powers", i, "power"), _unknown("power", power.power, powers)
        yield from _round_check(("powers", i, "round"), power.round, deal, rounds)
    for i, outcome in enumerate(deal.outcomes):
        for j, power_id in enumerate(outcome.powers):
            if power_id not in powers:
                yield ("outcomes", i, "powers", j), _unknown("power", power_id, powers)
        for j, reading in enumerate(outcome.readings):
            if outcome.baseline is not None and reading.date < outcome.baseline.date:
                yield ("outcomes", i, "readings", j, "date"), f"{reading.date} is before the baseline date, {outcome.baseline.date}"
    if deal.budget:
        yield from _budget_checks(deal.budget)


def _round_check(path: tuple, round_id, deal: Deal, rounds: set[str]) -> Iterator[tuple[tuple, str]]:
    """A power is settled in a round that exists and that this deal took part in."""
    if round_id is None:
        return
    if round_id not in rounds:
        yield path, _unknown("round", round_id, rounds)
    elif round_id not in deal.negotiation.rounds:
        yield path, f"{round_id} is not one of this deal's rounds (add it to negotiation.rounds: {', '.join(deal.negotiation.rounds)})"


def _unknown(kind: str, given: str, known: set[str]) -> str:
    file = ROUNDS_FILE if kind == "round" else POWERS_FILE
    return f"{given} is not a known {kind} (expected one of {', '.join(sorted(known))}, from deals/{file})"


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


def forget_loaded() -> None:
    """Drop the cache of parsed deals: a one-off build calls this once its pages are made,
    so a thousand deals do not stay in memory while MkDocs renders (serve keeps them)."""
    _DEAL_CACHE.clear()
