"""The import's side of the readings sheet: its rows of text as readings, every bad cell named.

``_parse`` checks a sheet read by sheet.py against the deal it names, cell by cell, as
``dealsite check`` would check the reading; readings.py writes what it returns into the
deal's file. Nothing here writes anything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

from ..model import Deal, Reading
from ..model.limits import MAX_SLUG, shorten
from ..model.load import load_catalogue
from ..model.types import SLUG_RE, WRITTEN
from .sheet import FIELDS, SOURCE, ReadingsError

# A date as a spreadsheet in the UK shows it, day first (31/03/2026): Excel there saves every
# date cell of a CSV so. In publish after, a time may follow.
UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?:([ T])(.*))?", re.DOTALL)
# The columns that take a date (publish after, a date and time); each reads one written so.
DATE_COLUMNS = ("date", "source released", "publish after")


def _not_a_deal(slug: str) -> Optional[str]:
    """Why slug names no deal, or None: a path such as ./kent would load a file whose deal has
    another slug, and _rounds is a list the deals share."""
    if slug.startswith("_"):
        return f"{shorten(slug)} is not a deal (a file whose name starts with _ holds what the deals share)"
    if len(slug) > MAX_SLUG or not SLUG_RE.fullmatch(slug):
        return f"{shorten(slug)} is not a deal's slug (expected its file name without .yaml, e.g. kent)"
    return None


def _deal(deals_dir: Path, slug: str) -> Deal:
    problem = _not_a_deal(slug)
    if problem:
        raise ReadingsError(problem)
    path = deals_dir / f"{slug}.yaml"
    if not path.is_file():
        raise ReadingsError(f"{path} does not exist (expected a deal's file name without .yaml)")
    return load_catalogue([path]).deal(slug)


@dataclass
class _Row:
    number: int  # the sheet's row, counting the header as 1
    outcome: str
    fields: dict  # the reading as written in YAML: date, value, commentary...


def _letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# A row repeated a million times in an OpenDocument file is a million bad rows: the first
# problems say what to fix; the rest are counted.
SHOWN_PROBLEMS = 20


class _Bad:
    def __init__(self, path: Path, header: list[str]):
        self.path, self.header, self.found, self.more = path, header, [], 0

    def __call__(self, row: int, column: str, message: str) -> None:
        if len(self.found) == SHOWN_PROBLEMS:
            self.more += 1
            return
        where = f"column {_letter(self.header.index(column))} ({column})" if column in self.header else f"column {column}"
        self.found.append(f"{self.path}: row {row}, {where}: {message}")

    def report(self) -> str:
        more = f"\nand {self.more:,} more problem{'s' * (self.more != 1)}" if self.more else ""
        return "\n".join(self.found) + more


def _date_text(text: str, column: str) -> str:
    """A date as a spreadsheet in the UK shows it (31/03/2026), as YYYY-MM-DD, with the time
    after it in publish after; other text as it is. ValueError if it names no day."""
    match = UK_DATE.fullmatch(text)
    if not match or match.group(4) and column != "publish after":
        return text
    day, month, year = (int(match.group(i)) for i in (1, 2, 3))
    try:
        written = dt.date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"{shorten(text)} is not a date (expected day, month, year, as 31/03/2026, or YYYY-MM-DD)") from None
    return written + ("T" + match.group(5) if match.group(4) else "")


def _parse(path: Path, rows: list[list[str]], deal: Optional[Deal], deals_dir: Path) -> tuple[str, list[_Row]]:
    if not rows:
        raise ReadingsError(f"{path} is empty (expected the header row of dealsite readings export)")
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    missing = [c for c in ("deal", "outcome", "date", "value") if c not in header]
    if missing:
        raise ReadingsError(f"{path}: row 1 has no column {', '.join(missing)} (keep the header row of dealsite readings export)")
    # Each cell is read by its column's name: with a name twice, the last would win and an
    # empty copy would clear every reading's field.
    twice = sorted({h for h in header if h and header.count(h) > 1}, key=header.index)
    if twice:
        raise ReadingsError("\n".join(
            f"{path}: row 1 names the column {h} more than once (columns "
            f"{', '.join(_letter(i) for i, c in enumerate(header) if c == h)}): keep one" for h in twice
        ))
    bad = _Bad(path, header)
    named = [(r[header.index("deal")] if len(r) > header.index("deal") else "").strip() for r in rows[1:]]
    slugs = {name for name, r in zip(named, rows[1:]) if any(c.strip() for c in r)}
    slugs.discard("")
    if len(slugs) != 1:
        raise ReadingsError(f"{path}: column deal names {'no deal' if not slugs else ', '.join(shorten(s) for s in sorted(slugs))} (expected one deal per sheet)")
    slug = slugs.pop()
    problem = _not_a_deal(slug)
    if problem:
        bad(named.index(slug) + 2, "deal", problem)
        raise ReadingsError(bad.found[0])
    deal = _deal(deals_dir, slug)
    outcomes = {o.id: o for o in deal.outcomes}
    parsed: list[_Row] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        cell = {c: cells[i].strip() if i < len(cells) else "" for i, c in enumerate(header)}
        filled = {c: v for c, v in cell.items() if v and (c in FIELDS or c in SOURCE)}
        if not filled:
            continue  # the empty row for the next reading, left empty
        outcome = outcomes.get(cell.get("outcome", ""))
        if outcome is None:
            shown = ", ".join(outcomes) or "none"
            bad(number, "outcome", f"{shorten(cell.get('outcome') or 'an empty cell')} is not an outcome of {slug} (expected one of {shown})")
            continue
        if outcome.baseline is None:
            bad(number, "outcome", f"{outcome.id} cannot be rated, so it takes no readings")
            continue
        no_day = False
        for column in DATE_COLUMNS:
            try:
                cell[column] = _date_text(cell[column], column) if cell.get(column) else ""
            except ValueError as error:
                bad(number, column, str(error))
                no_day = True
        if no_day:
            continue
        fields: dict = {}
        for column, field in FIELDS.items():
            if cell.get(column):
                fields[field] = cell[column]
        source = {field: cell[column] for column, field in SOURCE.items() if cell.get(column)}
        if source:
            fields["source"] = source
        for needed in ("date", "value"):
            if needed not in fields:
                bad(number, needed, f"is empty (a reading needs its {needed})")
        if "date" not in fields or "value" not in fields:
            continue
        if "draft" in fields:
            flag = fields["draft"].lower()
            if flag not in ("true", "false"):
                bad(number, "draft", f"{shorten(fields['draft'])} is not true or false (write true, or leave it empty)")
                continue
            fields["draft"] = flag == "true"
        try:
            Reading.model_validate(fields, context=WRITTEN)
        except ValidationError as error:
            for item in error.errors():
                loc = [p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
                column = _column_of(loc)
                message = str((item.get("ctx") or {}).get("error", item["msg"]))
                bad(number, column, message)
            continue
        key = (outcome.id, fields["date"])
        if key in seen:
            bad(number, "date", f"{fields['date']} is given for {outcome.id} on row {seen[key]} too (one row per reading)")
            continue
        seen[key] = number
        parsed.append(_Row(number, outcome.id, fields))
    if bad.found:
        raise ReadingsError(bad.report())
    return slug, parsed


def _column_of(loc: list) -> str:
    if loc and loc[0] == "source" and len(loc) > 1:
        return next((c for c, f in SOURCE.items() if f == loc[1]), "source publisher")
    return next((c for c, f in FIELDS.items() if loc and f == loc[0]), "date")
