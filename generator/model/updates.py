"""Updates (news posts): Markdown files in ``content/updates/`` with checked front matter.

An update is ``content/updates/YYYY-MM-DD-slug.md``::

    ---
    title: Greater Manchester signs its deal
    date: 2026-03-02T09:30:00+00:00   # or a bare date: midnight in London
    deals: [greater-manchester]       # slugs of the deals it is about (may be empty)
    summary: One or two sentences for lists and feeds.
    publish_after: 2026-03-02T09:30:00+00:00   # optional embargo
    draft: true                                # optional: never published
    ---

    The text, in Markdown (no "# heading": the title is the page's heading).

The front matter goes through the same strict YAML reader and the same
problem reporting as the deal files (``file:line: field: message``), so an
update with a typo is an error message, never a broken or leaky page.

The front matter is split off exactly as MkDocs would (``frontmatter.py``: a closing
``---`` or ``...``). This module only knows which updates exist and what they say about
themselves: the body is rendered and sanitised by the pages layer (``pages/updates.py``,
``pages/sanitise.py``), never by the engine, and which updates the public may see is the
publication gate's business (``compute/embargo.py``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Optional

from pydantic import Field

from .catalogue import Catalogue
from .digest import Digested, cache, digest, stamped
from .frontmatter import split_front_matter
from .files import read
from .limits import first_suspect
from .outcomes import Publishable
from .problems import InvalidDeals, Problem, line_of, validate, yaml_problem
from .types import LONDON, SLUG_RE, LongText, Moment, Slug, Title
from .yaml import YamlError, decode, parse

UPDATES_DIR = "updates"  # inside docs_dir (content/)
INDEX = "index.md"  # the hand-written list page, not an update
NAME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


class InvalidUpdates(InvalidDeals):
    """Raised by :func:`load_updates` with every problem found (reported like deal problems)."""


class FrontMatter(Publishable):
    """What an update says about itself, as written in its front matter."""

    title: Title
    date: Moment = Field(description="When it was published: a date-time with zone, or a date (midnight in London)")
    deals: list[Slug] = Field([], description="Slugs of the deals it is about (file names in deals/, without .yaml)")
    summary: LongText = Field(description="One or two sentences, shown in lists and feeds")


class Update(FrontMatter, Digested):  # Digested: the digest of its file's name and bytes (digest.py)
    """An update as loaded: its front matter plus where it lives."""

    stem: str  # "2026-03-02-greater-manchester-signs" (file name without .md)
    body: str  # the Markdown after the front matter
    body_line: int = 1  # the line of the file the body starts on (for problems found in it)

    @property
    def src_uri(self) -> str:
        """As MkDocs names the file: relative to docs_dir, with forward slashes."""
        return f"{UPDATES_DIR}/{self.stem}.md"

    @property
    def url(self) -> str:
        """The page's path in the site (use_directory_urls, as mkdocs.yml sets it)."""
        return f"{UPDATES_DIR}/{self.stem}/"

    @property
    def day(self) -> dt.date:
        """The date as readers in the UK see it."""
        return self.date.astimezone(LONDON).date()


def update_files(directory: Path) -> list[Path]:
    """The update files of a folder of updates alone: every ``*.md`` in it but index.md. Symbolic
    links and anything not a regular file are never opened. A project's updates are those
    ``content.read_content`` finds (it leaves out what MkDocs leaves out)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix == ".md" and p.name != INDEX and not p.is_symlink() and p.is_file())


# Valid updates by file (absolute path), each carrying the digest of its name and bytes:
# `dealsite serve` loads every update again on each change (3,000 files at the benchmark's
# scale), so files whose bytes the cache has seen are not parsed again. Updates are frozen
# models, so sharing them is safe.
_UPDATE_CACHE: dict[Path, Update] = {}
cache(_UPDATE_CACHE.clear)


def update_digest(name: str, raw: bytes) -> bytes:
    """What an update is made from: its file's name and bytes (``Update.digest``)."""
    return digest("update", name, raw)


def _load_one_cached(path: Path, known: set[str]) -> tuple[Optional[Update], list[Problem]]:
    try:
        raw = read(path)
    except YamlError:
        return _load_one(path, known)  # to be refused with its reason
    # The file's slot; what decides a hit is the digest of its bytes below. (Path.resolve took
    # 0.9 s of every preview rebuild at 3,000 updates.)
    key = Path(os.path.abspath(path))
    hit = _UPDATE_CACHE.get(key)
    # Only the check against the deals depends on more than the file: a cached update naming a
    # deal that has gone is read again, to report it with its line.
    if hit is not None and hit.digest == update_digest(path.name, raw) and all(slug in known for slug in hit.deals):
        return hit, []
    update, problems = _load_one(path, known, raw)
    if update is not None:
        _UPDATE_CACHE[key] = update
    else:
        _UPDATE_CACHE.pop(key, None)
    return update, problems


def _load_one(path: Path, known: set[str], raw: Optional[bytes] = None) -> tuple[Optional[Update], list[Problem]]:
    """The update in path (from ``raw``, its bytes, when already read), with its digest."""
    file = str(path)
    match = NAME_RE.fullmatch(path.name)
    if not match:
        return None, [Problem(file, 1, "", f"{path.name} is not named like an update (expected YYYY-MM-DD-slug.md, e.g. 2026-03-02-deal-signed.md)")]
    try:
        raw = read(path) if raw is None else raw
        text = decode(raw)
    except YamlError as error:
        return None, [Problem(file, error.line, "", error.message)]
    front, body, first = split_front_matter(text)
    if front is None:
        return None, [Problem(file, 1, "", "has no front matter (expected a first line of --- , then title:, date:, summary:, then ---)")]
    offset = first - 1
    try:
        doc = parse(front.encode("utf-8"))
    except YamlError as error:
        return None, [yaml_problem(error, file, FrontMatter, offset)]
    if not isinstance(doc.data, dict):
        return None, [Problem(file, first, "", "expected front matter fields (title:, date:, summary:)")]
    for key in ("stem", "body", "body_line"):
        if key in doc.data:
            return None, [Problem(file, line_of(doc, (key,)) + offset, key, "is not a known field (check the spelling; see content/publishing.md)")]
    doc.lines = {k: v + offset for k, v in doc.lines.items()}
    body_line = first + front.count("\n") + 1
    doc.source = text  # lines now count from the top of the file
    update, problems = validate(Update, {**doc.data, "stem": path.stem, "body": body, "body_line": body_line}, doc, file)
    problems = [Problem(p.file, p.line, p.field, p.message.replace("content/deal-format.md", "content/publishing.md")) for p in problems]
    if update is None:
        return None, problems
    if not body.strip():
        problems.append(Problem(file, body_line, "", "has no text after the front matter"))
    hidden = first_suspect(body, allowed="\r")
    if hidden is not None:  # the sanitiser keeps text as text: a control character would reach the page
        at, what, advice = hidden
        column = at - (body.rfind("\n", 0, at) + 1) + 1
        problems.append(Problem(file, body_line + body.count("\n", 0, at), "", f"contains {what} (U+{ord(body[at]):04X}) at character {column} of the line{advice}"))
    if update.day.isoformat() != match.group(1):
        problems.append(
            Problem(file, line_of(doc, ("date",)), "date", f"{update.day.isoformat()} does not match the date in the file name ({match.group(1)})")
        )
    for i, slug in enumerate(update.deals):
        if slug not in known:
            shown = ", ".join(sorted(known)) or "none"
            problems.append(Problem(file, line_of(doc, ("deals", i)), f"deals[{i}]", f"{slug} is not a known deal (expected one of {shown}, from deals/)"))
    if len(set(update.deals)) != len(update.deals):
        problems.append(Problem(file, line_of(doc, ("deals",)), "deals", "names a deal twice"))
    return (stamped(update, update_digest(path.name, raw)) if not problems else None), problems


def update_problems(path: Path, raw: bytes, known: set[str]) -> list[Problem]:
    """What ``dealsite check`` would find in an update file at path holding raw, before it is
    written (``dealsite new-update``); ``known``: the slugs of the deals."""
    return _load_one(path, known, raw)[1]


def load_updates(files: Iterable[Path], catalogue: Catalogue) -> list[Update]:
    """Every update of these files, checked against the catalogue's deals (all of them,
    public or not), newest first. Raises :class:`InvalidUpdates` with every problem."""
    known = {d.slug for d in catalogue.deals}
    updates, problems = [], []
    for path in sorted(files):
        update, found = _load_one_cached(path, known)
        problems += found
        if update is not None:
            updates.append(update)
    if problems:
        raise InvalidUpdates(problems)
    return newest_first(updates)


def newest_first(updates: Iterable[Update]) -> list[Update]:
    return sorted(updates, key=lambda u: (u.date, u.stem), reverse=True)


def slugify(title: str) -> str:
    """A file-name slug from a title: 'Kent signs!' -> 'kent-signs'; accents are dropped, not
    their letters ('Ynys Môn' -> 'ynys-mon')."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    slug = "-".join(slug.split("-")[:8])[:60].strip("-") or "update"  # a file name, not the title
    assert SLUG_RE.fullmatch(slug)
    return slug
