"""What changed between two versions of ``deals/``: ``dealsite diff REV_A REV_B`` and the changes page.

Each version is read straight from git (``git ls-tree`` + ``git cat-file``) and
checked by the same strict loader as ``dealsite check`` (``strict_yaml.parse``,
the pydantic model, ``load.cross_checks``), so a diff compares validated deals,
never raw YAML. Each change is one line of plain text, in a fixed order:

    greater-manchester: outcome employment-rate target moved from 72.0 by 2014-03-31 to 71.0 by 2015-03-31

Floor 3: imports the loader, the model and the embargo filter. Parsed files are
cached by git blob id, so walking 50 commits parses each version of a file once.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Iterator, Optional

from .embargo import public_catalogue
from .load import (
    DEFLATORS_FILE,
    POWERS_FILE,
    ROUNDS_FILE,
    SHARED,
    InvalidDeals,
    Problem,
    _validate,
    cross_checks,
    field_path,
    line_of,
)
from .model import SLUG_RE, Catalogue, Deal, Event, Outcome, PlaceBudget
from .strict_yaml import YamlError, parse

HISTORY_LIMIT = 50


class GitError(Exception):
    pass


# --- reading deals/ at a revision -------------------------------------------------------


def _git(cwd: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, check=False)
    except FileNotFoundError as error:  # git not installed
        raise GitError("git is not installed") from error
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return done.stdout


def repository(deals_dir: Path) -> tuple[Path, str]:
    """(repository root, deals/ path inside it, with a trailing slash). Raises GitError outside git."""
    deals_dir = Path(deals_dir).resolve()
    if not deals_dir.is_dir():
        raise GitError(f"{deals_dir} is not a directory")
    root = Path(_git(deals_dir, "rev-parse", "--show-toplevel").decode().strip())
    prefix = _git(deals_dir, "rev-parse", "--show-prefix").decode().strip()
    return root, prefix


class Reader:
    """Loads deals/ at revisions of one repository, caching each file version by blob id."""

    def __init__(self, deals_dir: Path):
        self.root, self.prefix = repository(deals_dir)
        self._parsed: dict[tuple[str, str], tuple] = {}

    def tree(self, rev: str) -> dict[str, str]:
        """File name -> blob id of deals/ at rev (one level, as ``dealsite check`` reads it)."""
        out = _git(self.root, "ls-tree", "-z", rev, "--", self.prefix or ".")
        files = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            _mode, kind, blob = meta.decode().split()
            name = PurePosixPath(path.decode("utf-8")).name
            if kind == "blob" and PurePosixPath(path.decode("utf-8")).parent == PurePosixPath(self.prefix or "."):
                files[name] = blob
        return files

    def blobs(self, ids: list[str]) -> dict[str, bytes]:
        wanted = [i for i in dict.fromkeys(ids)]
        if not wanted:
            return {}
        out = _git(self.root, "cat-file", "--batch", input=("\n".join(wanted) + "\n").encode())
        result, pos = {}, 0
        for blob in wanted:
            header_end = out.index(b"\n", pos)
            sha, kind, size = out[pos:header_end].decode().split()
            size = int(size)
            result[blob] = out[header_end + 1 : header_end + 1 + size]
            pos = header_end + 1 + size + 1
        return result

    def catalogue(self, rev: str) -> Catalogue:
        """deals/ at rev as a validated Catalogue. Raises InvalidDeals or GitError."""
        tree = self.tree(rev)
        label = f"{rev}:{self.prefix}"
        missing = [n for n in tree if (n, tree[n]) not in self._parsed]
        raw = self.blobs([tree[n] for n in missing])
        for name in missing:
            self._parsed[(name, tree[name])] = _parse_file(label + name, name, raw[tree[name]])
        return _assemble(label, {name: self._parsed[(name, blob)] for name, blob in tree.items()})


def _parse_file(file: str, name: str, raw: bytes) -> tuple:
    """(model or None, Document or None, problems) for one file's bytes, as load.py checks it."""
    is_shared = name in SHARED
    if not is_shared and not name.endswith((".yaml", ".yml")):
        return None, None, []  # not a deal file (the schema, a README)
    if not is_shared:
        if name.endswith(".yml"):
            return None, None, [Problem(file, 1, "", f"{name} should end in .yaml")]
        slug = name[: -len(".yaml")]
        if name.startswith("_"):
            return None, None, [Problem(file, 1, "", f"{name} is not a known shared file")]
        if not SLUG_RE.match(slug):
            return None, None, [Problem(file, 1, "", f"file name {slug!r} is not a slug")]
    try:
        doc = parse(raw)
    except YamlError as error:
        return None, None, [Problem(file, error.line, field_path(error.path), error.message)]
    if is_shared:
        model, problems = _validate(SHARED[name], doc.data, doc, file)
        return model, doc, problems
    if not isinstance(doc.data, dict):
        return None, doc, [Problem(file, 1, "", "expected a mapping of fields starting with title:")]
    if "slug" in doc.data:
        return None, doc, [Problem(file, line_of(doc, ("slug",)), "slug", "comes from the file name (remove this field)")]
    model, problems = _validate(Deal, {"slug": slug, **doc.data}, doc, file)
    return model, doc, problems


def _assemble(label: str, parsed: dict[str, tuple]) -> Catalogue:
    problems: list[Problem] = []
    for name in (ROUNDS_FILE, POWERS_FILE):
        if name not in parsed:
            problems.append(Problem(label + name, 1, "", "is missing (the deals refer to it)"))
    for _, _, found in parsed.values():
        problems += found
    timetable = parsed.get(ROUNDS_FILE, (None,))[0]
    menu = parsed.get(POWERS_FILE, (None,))[0]
    deflators = parsed.get(DEFLATORS_FILE, (None,))[0]
    deals = [(m, doc, label + name) for name, (m, doc, _) in sorted(parsed.items()) if isinstance(m, Deal)]
    if timetable is not None and menu is not None:
        rounds, powers = {r.id for r in timetable.rounds}, {p.id for p in menu.powers}
        for deal, doc, file in deals:
            problems += [Problem(file, line_of(doc, p), field_path(p), m) for p, m in cross_checks(deal, rounds, powers)]
    if problems:
        raise InvalidDeals(problems)
    return Catalogue(deals=[d for d, _, _ in deals], rounds=timetable.rounds, powers=menu.powers, deflators=deflators)


# --- comparing two catalogues --------------------------------------------------------------


def _n(value: Decimal) -> str:
    return format(value, "f")


def _target(o: Outcome) -> str:
    return f"{_n(o.target.value)} by {o.target.date.isoformat()}"


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
        else:
            lines += [f"{slug}: {line}" for line in diff_deals(a, b)]
    return lines


def diff_deals(a: Deal, b: Deal) -> list[str]:
    return [
        *_deal_fields(a, b),
        *_outcomes(a, b),
        *_powers(a, b),
        *_budget(a.budget, b.budget),
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
        if (p.target.value, p.target.date) != (o.target.value, o.target.date):
            yield f"outcome {o.id} target moved from {_target(p)} to {_target(o)}"
        if (p.baseline.value, p.baseline.date) != (o.baseline.value, o.baseline.date):
            yield (f"outcome {o.id} baseline changed from {_n(p.baseline.value)} on {p.baseline.date.isoformat()} "
                   f"to {_n(o.baseline.value)} on {o.baseline.date.isoformat()}")
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


def _powers(a: Deal, b: Deal) -> Iterator[str]:
    old = {p.power: p for p in a.powers}
    new = {p.power: p for p in b.powers}
    for p in b.powers:
        if p.power not in old:
            yield f"power {p.power} added ({p.status.value})"
        elif old[p.power].status != p.status:
            yield f"power {p.power} status changed from {old[p.power].status.value} to {p.status.value}"
    for p in a.powers:
        if p.power not in new:
            yield f"power {p.power} removed (was {p.status.value})"


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
            yield f"budget {field.replace('_', ' ')} changed from {_n(getattr(a, field))} to {_n(getattr(b, field))}"
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
            yield f"{name} added (planned {e.planned.isoformat()})"
            continue
        p = old[e.title]
        if p.planned != e.planned:
            yield f"{name} planned date moved from {p.planned.isoformat()} to {e.planned.isoformat()}"
        if p.actual != e.actual:
            if p.actual is None:
                yield f"{name} happened on {e.actual.isoformat()}"
            elif e.actual is None:
                yield f"{name} actual date {p.actual.isoformat()} removed"
            else:
                yield f"{name} actual date moved from {p.actual.isoformat()} to {e.actual.isoformat()}"
    for e in a:
        if e.title not in new:
            yield f'{e.kind} "{e.title}" removed (was planned {e.planned.isoformat()})'


# --- the history of deals/ --------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    commit: str
    date: dt.datetime  # the commit date
    catalogue: Optional[Catalogue]  # None when deals/ did not validate at this commit


@dataclass(frozen=True)
class Change:
    commit: str
    date: dt.datetime
    lines: list[str]
    invalid: bool = False  # deals/ did not validate at this commit: compared across it


def history(deals_dir: Path, now: Optional[dt.datetime] = None, *, previews: bool = False,
            limit: int = HISTORY_LIMIT) -> Optional[list[Revision]]:
    """The last ``limit`` commits touching deals/, oldest first, plus the one before them.

    None when deals/ is not in a git repository. With ``now``, each catalogue is
    embargo-filtered as the public would see it at ``now``, right after loading.
    """
    try:
        reader = Reader(deals_dir)
        log = _git(reader.root, "log", f"--max-count={limit + 1}", "--format=%H %cI", "--", reader.prefix or ".")
    except GitError:
        return None
    revisions = []
    for entry in reversed(log.decode().splitlines()):
        commit, date = entry.split(" ", 1)
        try:
            catalogue = reader.catalogue(commit)
            if now is not None:
                catalogue = public_catalogue(catalogue, now, previews=previews)
        except (InvalidDeals, GitError):
            catalogue = None
        revisions.append(Revision(commit, dt.datetime.fromisoformat(date), catalogue))
    return revisions


def changes(revisions: list[Revision], limit: int = HISTORY_LIMIT) -> list[Change]:
    """Consecutive revisions compared, newest first. The oldest of ``limit + 1`` revisions is
    only a starting point unless it is the first commit, when it is compared with nothing."""
    empty = Catalogue(deals=[], rounds=[], powers=[])
    result = []
    previous = None if len(revisions) > limit else empty
    for revision in revisions:
        if revision.catalogue is None:
            result.append(Change(revision.commit, revision.date, [], invalid=True))
            continue
        if previous is not None:
            lines = diff_catalogues(previous, revision.catalogue)
            if lines:
                result.append(Change(revision.commit, revision.date, lines))
        previous = revision.catalogue
    return list(reversed(result))


def reading_added_dates(revisions: list[Revision]) -> dict[tuple[str, str, dt.date], dt.datetime]:
    """(deal slug, outcome id, reading date) -> date of the first commit that had it."""
    first: dict = {}
    for revision in revisions:
        if revision.catalogue is None:
            continue
        for deal in revision.catalogue.deals:
            for o in deal.outcomes:
                for r in o.readings:
                    first.setdefault((deal.slug, o.id, r.date), revision.date)
    return first


def diff_revisions(deals_dir: Path, rev_a: str, rev_b: str) -> list[str]:
    """The lines of ``dealsite diff``; raises GitError or InvalidDeals."""
    reader = Reader(deals_dir)
    return diff_catalogues(reader.catalogue(rev_a), reader.catalogue(rev_b))
