"""What ``dealsite check`` finds: every error (must be fixed) and every warning (advice).

Errors come from reading the files exactly as a build reads them (``model.load``,
``model.updates``): a project with any is not built. When mkdocs.yml sets draft_docs, the
files are read a second time as `dealsite serve --drafts` reads them (draft_docs shown), so a
draft's problems are found before the preview or the build that publishes it refuses them;
they are warnings, since the build leaves drafts out. Warnings come from the model
(``model.advice``) and the status rule (``compute.advice``) once the files are valid, so
the root cause comes first: fix the errors, and the warnings follow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Optional

from ..compute.advice import stale_readings
from ..model import Catalogue, Deal
from ..model.advice import deal_warnings, text_file_warnings, unused_warnings, warning
from ..model.files import read
from ..model.assemble import SCRUTINY_FILE, SHARED
from ..model.load import InvalidDeals, deal_files, load_catalogue, read_document
from ..model.problems import ERROR, WARNING, Problem
from ..model.updates import FrontMatter, split_front_matter
from ..model.yaml import YamlError, decode
from ..runtime import PARALLEL_FROM, forked_map, jobs_available
from .pipeline import Settings, build_moment, read_sources, showing_drafts


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[Problem, ...]  # errors first, then warnings, each in file and line order
    deals: int = 0
    updates: Optional[int] = None  # None: the updates were not checked (files named, or errors first)
    complete: bool = True  # False: errors stopped the check before the warnings

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]


def _report(problems: Iterable[Problem], **counts) -> CheckReport:
    ordered = sorted(problems, key=lambda p: (p.severity != ERROR, p.file, p.line, p.field, p.message))
    return CheckReport(tuple(ordered), **counts)


def check_project(settings: Settings, now: dt.datetime) -> CheckReport:
    """The whole project, as a build reads it: its deals, shared files and updates, at the
    moment the build will be made as of (the end of ``as_of``'s day for an archive). Raises
    FutureArchive for an ``as_of`` after today, as a build does.

    When mkdocs.yml sets draft_docs, the project is read again as `dealsite serve --drafts`
    reads it, the drafts shown: what only that reading finds is a warning (:func:`_in_a_draft`),
    since the build leaves drafts out and a half-written draft must not stop a publish."""
    moment = build_moment(settings, now)
    try:
        sources, errors = read_sources(settings, moment), []
    except InvalidDeals as error:
        sources, errors = None, list(error.problems)
    drafts, in_drafts = None, []
    if settings.draft_docs:
        try:
            drafts = read_sources(showing_drafts(settings), moment)
        except InvalidDeals as error:
            # Where the build's reading found a problem, its own words stand (a link to a draft
            # is broken for one reading and fine, or broken otherwise, for the other).
            reported = {(p.file, p.line, p.field) for p in errors}
            in_drafts = [_in_a_draft(p) for p in dict.fromkeys(error.problems) if (p.file, p.line, p.field) not in reported]
    if sources is None:  # the drafts' warnings follow with the others, once the files are valid
        return _report(errors, complete=False)
    files, _ = deal_files([settings.deals_dir])
    problems = in_drafts + _deal_warnings(sources.catalogue, files, now)
    problems += _shared_warnings(sources.catalogue, settings.deals_dir, whole=True)
    read = [sources, drafts] if drafts is not None else [sources]
    problems += _update_warnings(sorted({path for each in read for path in each.content.update_paths()}))
    return _report(problems, deals=len(sources.catalogue.deals), updates=len(sources.updates))


def _in_a_draft(problem: Problem) -> Problem:
    """A problem only the reading with the drafts finds, as a warning that says so."""
    return replace(
        problem, severity=WARNING, code=problem.code or "draft",
        message=f"{problem.message} (found with the files draft_docs names, as `dealsite serve --drafts` shows them: the build leaves those out, and will refuse this once draft_docs stops naming them)",
    )


def check_paths(paths: list[Path], now: dt.datetime) -> CheckReport:
    """The deal files named (a folder: every deal in it, and its shared files)."""
    try:
        catalogue = load_catalogue(paths)
    except InvalidDeals as error:
        return _report(error.problems, complete=False)
    files, _ = deal_files(paths)
    problems = _deal_warnings(catalogue, files, now)
    folders = [p for p in paths if p.is_dir()]
    if folders:  # every deal of the folder was read: an entry no deal uses is unused
        problems += _shared_warnings(catalogue, folders[0], whole=len(paths) == 1)
    return _report(problems, deals=len(catalogue.deals))


def _deal_warnings(catalogue: Catalogue, files: list[Path], now: dt.datetime) -> list[Problem]:
    """Each valid deal's warnings, in file order. Every deal file is read and parsed again
    (the loader keeps no documents), so a large project's are shared among the cores."""
    by_slug: dict[str, Deal] = {d.slug: d for d in catalogue.deals}
    today = now.date()
    valid = [(path, by_slug[path.stem]) for path in files if path.stem in by_slug]

    def warnings_of(item: tuple[Path, Deal]) -> list[Problem]:
        path, deal = item
        doc = read_document(path)
        if doc is None:  # changed since it was loaded: the next check reads it again
            return []
        file = str(path)
        return deal_warnings(deal, doc, file, catalogue) + [
            warning(file, doc, p, message, "stale-reading") for p, message in stale_readings(deal, today)
        ]

    jobs = jobs_available() if len(valid) >= PARALLEL_FROM else 1
    return [problem for found in forked_map(warnings_of, valid, jobs, parent_share=True) for problem in found]


def _shared_warnings(catalogue: Catalogue, folder: Path, *, whole: bool) -> list[Problem]:
    problems: list[Problem] = []
    docs = {}
    for name, model in SHARED.items():
        path = folder / name
        if not path.is_file():
            continue
        doc = read_document(path, model)
        docs[name] = (doc, str(path))
        if doc is not None and doc.source is not None:
            problems += text_file_warnings(str(path), doc.source, model)
    if whole:
        problems += unused_warnings(catalogue, docs)
    return problems


def _update_warnings(paths: list[Path]) -> list[Problem]:
    problems: list[Problem] = []
    for path in paths:
        try:
            text = decode(read(path))
        except YamlError:
            continue
        front, _, first = split_front_matter(text)
        if front is not None:
            problems += text_file_warnings(str(path), front, FrontMatter, first)
    return problems


__all__ = ["CheckReport", "SCRUTINY_FILE", "check_paths", "check_project"]
