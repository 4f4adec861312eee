"""Warnings about what an editor wrote: advice, never a reason to stop a build.

Each function returns :class:`Problem` objects with ``severity`` WARNING and a ``code``:

* ``hash-comment``: text cut at `` #``, which YAML reads as the start of a comment;
* ``placeholder``: text ``dealsite new`` wrote for the editor to replace, in a draft (in a
  deal that is not a draft it is an error, raised by ``load.py``);
* ``reading-age``: a deal's summary for residents that needs a reading age above the 9
  GOV.UK aims for;
* ``partner``: a body in the budget that is not one of the place's partners;
* ``deflator``: a budget year the deflators do not cover (its real terms are not shown);
* ``unused``: an entry of a shared file that no deal uses.

The rules that need the status rule (a reading too old to count) are in ``compute/advice.py``.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from .catalogue import Catalogue
from .deal import Deal
from .placeholders import placeholder_message, placeholders
from .problems import WARNING, Problem, annotation_at, field_path, line_of
from .readability import GOV_UK_READING_AGE, reading_age
from .yaml import Document

ONE_SPACE_HASH = re.compile(r" #")


def warning(file: str, doc: Document, path: tuple, message: str, code: str) -> Problem:
    return Problem(file, line_of(doc, path), field_path(path), message, WARNING, code)


# --- text cut at " #" -----------------------------------------------------------------------


def hash_cuts(text: str, first_line: int = 1) -> Iterator[tuple[int, tuple, str, str]]:
    """(line, path, value, the rest of the line) of each unquoted value YAML ended at " #".

    YAML starts a comment at a # after a space, so ``title: Deal #2`` is the title "Deal".
    A comment put there on purpose is written with two spaces or more before the #
    (yamllint's rule), so only a single space is taken for a slip.
    """
    lines = text.splitlines()
    stack: list[list] = []  # [is_map, path, pending key or next index]
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                path = _next_path(stack)
                stack.append([isinstance(event, MappingStartEvent), path, None if isinstance(event, MappingStartEvent) else 0])
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                stack.pop()
                _advance(stack)
            elif isinstance(event, (ScalarEvent, AliasEvent)):
                if stack and stack[-1][0] and stack[-1][2] is None:
                    stack[-1][2] = getattr(event, "value", "")  # a key
                    continue
                path = _next_path(stack)
                if isinstance(event, ScalarEvent) and not event.style and event.value:
                    end = event.end_mark
                    rest = lines[end.line][end.column:] if end.line < len(lines) else ""
                    if rest.startswith(" #"):
                        yield end.line + first_line, path, event.value, rest[1:]
                _advance(stack)
    except yaml.YAMLError:  # the loader has reported it
        return


def _next_path(stack: list[list]) -> tuple:
    if not stack:
        return ()
    is_map, path, key = stack[-1]
    return path + (key,)


def _advance(stack: list[list]) -> None:
    if stack:
        if stack[-1][0]:
            stack[-1][2] = None
        else:
            stack[-1][2] += 1


def hash_comment_warnings(file: str, text: str, model: type, first_line: int = 1) -> list[Problem]:
    """A warning for each text value of a file cut at " #" (only where the model expects text)."""
    found = []
    for line, path, value, comment in hash_cuts(text, first_line):
        if annotation_at(model, path) is not str:
            continue
        key = next((p for p in reversed(path) if isinstance(p, str)), "")
        whole = f"{value} {comment}".replace('"', '\\"')
        found.append(
            Problem(
                file, line, field_path(path),
                f"the text stops at \" #\", which YAML reads as the start of a comment, so {key or 'the value'} is \"{value}\" "
                f"(put the whole text in quotes: {key}: \"{whole}\"; if it is a comment, put two spaces before the #)",
                WARNING, "hash-comment",
            )
        )
    return found


# --- a deal ---------------------------------------------------------------------------------


def deal_warnings(deal: Deal, doc: Document, file: str, catalogue: Catalogue) -> list[Problem]:
    """The model's warnings about one valid deal."""
    found = []
    if doc.source is not None:
        found += hash_comment_warnings(file, doc.source, Deal)
    if deal.draft:
        found += [warning(file, doc, path, placeholder_message(text, draft=True), "placeholder") for path, text in placeholders(doc.data)]
    age = reading_age(deal.summary)
    if age > GOV_UK_READING_AGE:
        found.append(
            warning(
                file, doc, ("summary",),
                f"needs a reading age of {age}; GOV.UK aims for {GOV_UK_READING_AGE} "
                "(use shorter sentences and everyday words: residents read this first)",
                "reading-age",
            )
        )
    found += _budget_bodies(deal, doc, file)
    found += _deflator_years(deal, doc, file, catalogue)
    return found


def _budget_bodies(deal: Deal, doc: Document, file: str) -> list[Problem]:
    """A body named in the budget that is not one of the place's partners, once per name."""
    if deal.budget is None:
        return []
    partners = {p.name for p in deal.place.partners}
    places: dict[str, list[tuple]] = {}
    for i, line in enumerate(deal.budget.lines):
        places.setdefault(line.body, []).append(("budget", "lines", i, "body"))
    for i, scheme in enumerate(deal.budget.schemes):
        for j, share in enumerate(scheme.bodies):
            places.setdefault(share.body, []).append(("budget", "schemes", i, "bodies", j, "body"))
    found = []
    for body, paths in places.items():
        if body in partners:
            continue
        lines = sorted({line_of(doc, p) for p in paths[1:]} - {line_of(doc, paths[0])})
        also = f" It is also on line{'s' * (len(lines) > 1)} {', '.join(map(str, lines))}." if lines else ""
        found.append(
            warning(
                file, doc, paths[0],
                f"{body} is not one of the place's partners (add it to place.partners, or write the name as it is there).{also}",
                "partner",
            )
        )
    return found


def _deflator_years(deal: Deal, doc: Document, file: str, catalogue: Catalogue) -> list[Problem]:
    if deal.budget is None or catalogue.deflators is None:
        return []
    return [
        warning(
            file, doc, ("budget", "years", i),
            f"{year} has no value in deals/_deflators.yaml, so this budget is shown in cash only "
            "(add the year's index value there to show real terms)",
            "deflator",
        )
        for i, year in enumerate(deal.budget.years)
        if year not in catalogue.deflators.index
    ]


# --- the shared files -------------------------------------------------------------------------


def unused_warnings(catalogue: Catalogue, docs: dict[str, tuple[Optional[Document], str]]) -> list[Problem]:
    """An entry of _powers.yaml or _rounds.yaml that no deal uses (checked only when every deal
    was read). ``docs``: file name (``_powers.yaml``) -> (its document, its path as shown)."""
    used_powers, used_rounds = set(), set()
    for deal in catalogue.deals:
        used_powers |= {p.power for p in deal.powers} | {p for o in deal.outcomes for p in o.powers}
        used_rounds |= set(deal.negotiation.rounds) | {e.round for e in deal.negotiation.events if e.round}
        used_rounds |= {p.round for p in deal.powers if p.round}
    found = []
    for name, field, items, used, kind in (
        ("_powers.yaml", "powers", catalogue.powers, used_powers, "power"),
        ("_rounds.yaml", "rounds", catalogue.rounds, used_rounds, "round"),
    ):
        doc, file = docs.get(name, (None, name))
        if doc is None:
            continue
        for i, item in enumerate(items):
            if item.id not in used:
                found.append(
                    warning(
                        file, doc, (field, i, "id"),
                        f"{item.id} is not used by any deal (remove it if no deal needs it, or check how the deals spell it)",
                        "unused",
                    )
                )
    return found


def text_file_warnings(file: str, text: str, model: type, first_line: int = 1) -> list[Problem]:
    """Warnings that need only a file's text: a shared file, the committee's record, an update's front matter."""
    return hash_comment_warnings(file, text, model, first_line)
