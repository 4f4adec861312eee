"""Load ``deals/`` into a checked :class:`Catalogue`, or say exactly what is wrong.

Every problem names file, line, field path, what is wrong and what is expected,
and all problems of all files are collected in one pass, so a team fixes a
file once rather than once per error.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Optional

from ..runtime import PARALLEL_FROM, forked_map, jobs_available
from .assemble import SHARED, assemble, cross_checked
from .catalogue import Catalogue
from .deal import Deal
from .digest import Digested, cache, digest, stamped
from .files import read
from .limits import RESERVED_SLUGS, WINDOWS_DEVICES
from .problems import InvalidDeals, Problem, field_path, line_of, shown_kind, validate, yaml_problem  # noqa: F401 - InvalidDeals: what load_catalogue raises, caught from here
from .placeholders import placeholder_message, placeholders
from .types import SLUG_RE
from .yaml import Document, YamlError, parse


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
    if base in RESERVED_SLUGS:
        return reserved_slug(base)
    return None


def reserved_slug(slug: str) -> str:
    if slug in WINDOWS_DEVICES:
        return f"{slug!r} cannot name a deal: Windows keeps the name for a device, so the site could not be copied there (choose another name)"
    return f"{slug!r} cannot name a deal: deals/{slug}/ would be read as the deals/ folder's own page, and links to the deal would lead nowhere (choose another name)"


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


def _read(path: Path, model: Optional[type] = Deal, raw: Optional[bytes] = None) -> tuple[Optional[Document], list[Problem], bytes]:
    """(document, problems, the bytes read): from ``raw`` when the file was read already."""
    try:
        raw = read(path) if raw is None else raw
        return parse(raw), [], raw
    except YamlError as error:
        return None, [yaml_problem(error, str(path), model)], b""


def deal_digest(slug: str, raw: bytes) -> bytes:
    return digest("deal", slug, raw)  # what a deal is made from: Deal.digest


def read_document(path: Path, model: Optional[type] = Deal) -> Optional[Document]:
    """A file's parsed document (its data, lines and text), or None if it cannot be read."""
    return _read(path, model)[0]


def _load_deal(path: Path, raw: Optional[bytes] = None) -> tuple[Optional[Deal], Optional[Document], list[Problem]]:
    file = str(path)
    problem = name_problem(path.name) or (None if path.suffix == ".yaml" else f"{path.name} should end in .yaml")
    if problem:
        return None, None, [Problem(file, 1, "", problem)]
    slug = path.stem
    doc, problems, raw = _read(path, raw=raw)
    if doc is None:
        return None, None, problems
    data = doc.data
    if not isinstance(data, dict):
        return None, doc, [Problem(file, 1, "", f"expected a mapping of fields starting with title:, got {shown_kind(data)}")]
    if "slug" in data:
        return None, doc, [Problem(file, line_of(doc, ("slug",)), "slug", "comes from the file name (remove this field)")]
    deal, problems = validate(Deal, {"slug": slug, **data}, doc, file)
    if deal is not None and not deal.draft:  # would go live with "TITLE" (a draft gets a warning: advice.py)
        problems = [
            Problem(file, line_of(doc, path), field_path(path), placeholder_message(text, draft=False), code="placeholder")
            for path, text in placeholders(data)
        ]
        if problems:
            return None, doc, problems
    if deal is not None:
        stamped(deal, deal_digest(slug, raw))  # of the bytes parsed, which a cache compares
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
    source = property(lambda self: self._parsed().source)  # type: ignore[assignment]


# Valid deals by file, each with the digest of its name and bytes. One build reads deals/ twice (the
# CLI's check, then the plugin) and `dealsite serve` on every change: every file is read, and only
# those whose bytes changed are parsed again. Deals are frozen models, so sharing them is safe.
_DEAL_CACHE: dict[Path, Deal] = {}
cache(_DEAL_CACHE.clear)


def _load_deals(files: list[Path], jobs: Optional[int]) -> list[tuple[Optional[Deal], Optional[Document], list[Problem]]]:
    """(deal, document, problems) for each file, in order; files with unchanged bytes come from the cache.

    Files not in the cache are parsed and validated in forked worker processes when there
    are enough of them (a deal file takes a few milliseconds). A worker sends back the deal
    and its problems; the parent reads a file again only if a cross-file check needs a line.
    """
    results: list = [None] * len(files)
    stale: list[tuple[int, Optional[Path], Optional[bytes]]] = []
    for i, path in enumerate(files):
        try:
            raw = read(path)
        except YamlError:  # read again, to be refused with its reason
            stale.append((i, None, None))
            continue
        key = path.resolve()
        hit = _DEAL_CACHE.get(key)
        if hit is not None and hit.digest == deal_digest(path.stem, raw):
            results[i] = (hit, _DocumentOnDemand(path), [])
        else:
            stale.append((i, key, raw))
    for (i, key, _), result in zip(stale, _load_many([(files[i], raw) for i, _, raw in stale], jobs)):
        results[i] = result
        if key is None:
            continue
        deal, _, problems = result
        if deal is not None and not problems:
            _DEAL_CACHE[key] = deal  # keyed by the digest of the bytes it was parsed from
        else:
            _DEAL_CACHE.pop(key, None)
    return results


def edited_deal(path: Path, catalogue: Catalogue) -> Optional[Deal]:
    """One deal file, as the next full load will read it, or None if that load might refuse
    it: its own checks, and those against the rounds and powers of ``catalogue`` (a preview's
    last build). A valid deal joins the cache, so the full load does not parse it again."""
    if path.suffix != ".yaml" or name_problem(path.name) or not is_deal_name(path.name):
        return None
    try:
        raw = read(path)
    except YamlError:
        return None
    deal, _, problems = _load_deal(path, raw)
    if deal is None or problems:
        return None
    if cross_checked(deal, frozenset(r.id for r in catalogue.rounds), frozenset(p.id for p in catalogue.powers)):
        return None
    _DEAL_CACHE[path.resolve()] = deal
    return deal


def _load_many(files: list[tuple[Path, Optional[bytes]]], jobs: Optional[int]) -> list:
    """_load_deal of each (path, bytes or None), in order, by ``jobs`` processes.

    This process takes an equal share: receiving a worker's deal (unpickling it) costs about
    a quarter of parsing and validating it, so it would otherwise mostly wait. The deal's
    document is not sent back: it is read again only if a cross-file problem needs a line."""
    if jobs is None:
        jobs = jobs_available() if len(files) >= PARALLEL_FROM else 1
    if jobs <= 1:
        return [_load_deal(path, raw) for path, raw in files]
    loaded = forked_map(_deal_and_problems, files, jobs, parent_share=True)
    return [(deal, _DocumentOnDemand(path), problems) for (path, _), (deal, problems) in zip(files, loaded)]


def _deal_and_problems(file: tuple[Path, Optional[bytes]]) -> tuple[Optional[Deal], list[Problem]]:
    deal, _, problems = _load_deal(*file)
    return deal, problems


def _load_shared(directory: Path, name: str) -> tuple:
    """(model or None, document or None, file) of a shared file; a missing one is None."""
    path = directory / name
    if not os.path.lexists(path):
        return None, None, str(path), []
    doc, problems, raw = _read(path, SHARED[name])
    if doc is None:
        return None, None, str(path), problems
    model, problems = validate(SHARED[name], doc.data, doc, str(path))
    if isinstance(model, Digested):  # the deflators, which budgets are keyed by
        stamped(model, digest(name, raw))
    return model, doc, str(path), problems


def load_catalogue(paths: Iterable[Path] = (Path("deals"),), *, jobs: Optional[int] = None) -> Catalogue:
    """Read and check every deal in paths with the shared files beside them.

    Raises :class:`InvalidDeals` listing every problem; returns only a fully
    valid catalogue. ``jobs``: worker processes for parsing (default: one per
    core, or DEALSITE_JOBS, once there are PARALLEL_FROM files to parse).
    """
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
    return assemble(shared, loaded, problems, every_deal=all(p.is_dir() for p in paths))
