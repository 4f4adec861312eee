"""``dealsite check``'s report as text for people, JSON for programs, or GitHub Actions annotations.

Text: errors on standard error, warnings on standard output, each as
``file:line: field: message``, under a heading that says what they mean; where one file
has many problems of one kind, the first few and a count (``--all`` lists every one).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from ..model.limits import visible
from ..model.problems import ERROR, Problem
from .check import CheckReport

SHOWN = 3  # problems of one kind in one file shown before the rest are counted
GROUP_FROM = 6  # ... when there are at least this many


@dataclass(frozen=True)
class Rendered:
    out: str  # for standard output
    err: str  # for standard error
    status: int


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _files(problems: list[Problem]) -> str:
    return _plural(len({p.file for p in problems}), "file")


def failed(report: CheckReport, strict: bool) -> bool:
    return bool(report.errors) or (strict and bool(report.warnings))


def _lines(problems: list[Problem], show_all: bool) -> list[str]:
    """Each problem's line; past GROUP_FROM of one kind in one file, the first SHOWN and a count."""
    sizes = Counter((p.file, p.code) for p in problems)
    shown: Counter = Counter()
    lines: list[str] = []
    pending: dict[str, list[str]] = {}
    for i, problem in enumerate(problems):
        key = (problem.file, problem.code)
        grouped = not show_all and sizes[key] >= GROUP_FROM and problem.code
        if not grouped or shown[key] < SHOWN:
            lines.append(str(problem))
        elif shown[key] == SHOWN:
            hidden = sizes[key] - SHOWN
            kind = "errors" if problem.severity == ERROR else "warnings"
            pending.setdefault(problem.file, []).append(
                f"{visible(problem.file)}: and {hidden:,} more {kind} like these ({problem.code}); dealsite check --all lists every one"
            )
        shown[key] += 1
        last_of_file = i + 1 == len(problems) or problems[i + 1].file != problem.file
        if last_of_file:
            lines += pending.pop(problem.file, [])
    return lines


def _checked(report: CheckReport) -> str:
    checked = _plural(report.deals, "deal")
    if report.updates is not None:
        checked += f" and {_plural(report.updates, 'update')}"
    return checked


def render_text(report: CheckReport, *, strict: bool = False, show_all: bool = False) -> Rendered:
    errors, warnings = report.errors, report.warnings
    err: list[str] = []
    out: list[str] = []
    if errors:
        err.append("Errors: these must be fixed before the site can be built")
        err += _lines(errors, show_all)
    if warnings:
        out.append("Warnings: advice; the site still builds")
        out += _lines(warnings, show_all)
    if errors:
        summary = f"{_plural(len(errors), 'error')} in {_files(errors)}"
        if warnings:
            summary += f", and {_plural(len(warnings), 'warning')}"
        if not report.complete:
            summary += ": fix the errors, then run dealsite check again (warnings are checked once the files are valid)"
        err.append(summary)
    elif strict and warnings:
        err.append(f"{_plural(len(warnings), 'warning')} in {_files(warnings)}, and --strict counts them as errors")
    else:
        line = f"ok: {_checked(report)} checked"
        if warnings:
            line += f"; {_plural(len(warnings), 'warning')} in {_files(warnings)} (advice: the site still builds)"
        out.append(line)
    text = lambda lines: "".join(f"{l}\n" for l in lines)  # noqa: E731
    return Rendered(text(out), text(err), 1 if failed(report, strict) else 0)


def render_json(report: CheckReport, *, strict: bool = False) -> Rendered:
    document = {
        "ok": not failed(report, strict),
        "strict": strict,
        "complete": report.complete,
        "checked": {"deals": report.deals, "updates": report.updates},
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "problems": [
            {"severity": p.severity, "file": p.file, "line": p.line, "field": p.field, "message": p.message, "code": p.code}
            for p in report.problems
        ],
    }
    return Rendered(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "", 1 if failed(report, strict) else 0)


def _data(text: str) -> str:
    """A workflow command's message, escaped as GitHub Actions reads it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: CheckReport, *, strict: bool = False) -> Rendered:
    """One ``::error`` or ``::warning`` workflow command per problem (a note on the file's line
    in a pull request), then the text summary."""
    lines = []
    for p in report.problems:
        level = "error" if p.severity == ERROR or strict else "warning"
        title = f",title={_property(p.field)}" if p.field else ""
        lines.append(f"::{level} file={_property(p.file)},line={p.line}{title}::{_data(visible(p.message))}")
    summary = render_text(report, strict=strict, show_all=True)
    tail = (summary.err or summary.out).splitlines()[-1:]
    return Rendered("".join(f"{l}\n" for l in [*lines, *tail]), "", summary.status)


def render(report: CheckReport, form: str, *, strict: bool = False, show_all: bool = False) -> Rendered:
    if form == "json":
        return render_json(report, strict=strict)
    if form == "github":
        return render_github(report, strict=strict)
    return render_text(report, strict=strict, show_all=show_all)


def problems_text(problems: Iterable[Problem]) -> str:
    return "".join(f"{p}\n" for p in problems)
