"""Helpers shared by the tests/test_trust_*.py files (issue 12: trust in what gets published).

Only the stable interfaces of dealsite are used here: the command line (in a subprocess, with
the project copy as working directory) and the helpers of conftest.py and
publishing_support.py. Nothing imports a generator module, so the package can be restructured
under these tests.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

from conftest import REPO, copy_project  # noqa: F401 - re-exported for the trust tests
from publishing_support import epoch, site_files, tree_hash, where  # noqa: F401

DEALSITE = [sys.executable, "-m", "generator.cli"]
MKDOCS = [sys.executable, "-m", "mkdocs"]

# The build's clock in every trust test unless a test says otherwise.
NOW = epoch("2026-06-01T12:00:00+00:00")

SOURCES = ("mkdocs.yml", "deals", "content", "site_templates")


def env(at: int | None = NOW, **extra: str) -> dict[str, str]:
    """The environment of a dealsite process: SOURCE_DATE_EPOCH=at, no preview switch."""
    result = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "DEALSITE_PREVIEW")}
    result["PYTHONPATH"] = str(REPO)
    if at is not None:
        result["SOURCE_DATE_EPOCH"] = str(at)
    result.update(extra)
    return result


def limit_memory(limit: int = 2 * 1024**3):
    """A preexec_fn: at most ``limit`` bytes of address space for the child."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run(command: list[str], project: Path, *args: str, at: int | None = NOW, timeout: float = 300,
        extra_env: dict | None = None, memory: int | None = None) -> subprocess.CompletedProcess:
    """``command ARGS`` run in project (its working directory), output captured as text."""
    return subprocess.run(
        [*command, *args],
        cwd=project,
        env=env(at, **(extra_env or {})),
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        preexec_fn=limit_memory(memory) if memory else None,
    )


def dealsite(project: Path, *args: str, **options) -> subprocess.CompletedProcess:
    """``dealsite ARGS`` in project; options as for run()."""
    return run(DEALSITE, project, *args, **options)


def mkdocs(project: Path, *args: str, **options) -> subprocess.CompletedProcess:
    """``mkdocs ARGS`` (this interpreter's MkDocs, so the dealsite plugin is there) in project."""
    return run(MKDOCS, project, *args, **options)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def sources_digest(project: Path) -> dict[str, bytes]:
    """Every source file of a project (mkdocs.yml, deals/, content/, site_templates/) and its bytes."""
    project = Path(project)
    found = {}
    for name in SOURCES:
        path = project / name
        if path.is_file():
            found[name] = path.read_bytes()
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file():
                    found[file.relative_to(project).as_posix()] = file.read_bytes()
    return found


def leaks(site: Path, *needles: str) -> dict[str, list[str]]:
    """{needle: files of the site (.gz decompressed) whose path or bytes contain it}, for those found."""
    files = site_files(site)
    return {n: where(files, n) for n in needles if where(files, n)}


def problem_lines(stderr: str, name: str) -> list[str]:
    """The lines of stderr that name a file (by a path ending in ``name``) and say something about it."""
    return [line for line in stderr.splitlines() if name in line and len(line.split(name, 1)[1].strip(" :")) >= 5]


# --- git -----------------------------------------------------------------------------------


def git(project: Path, *args: str, when: str | None = None) -> str:
    """git in project, with a fixed identity; ``when`` (ISO 8601) dates a commit."""
    extra = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        extra |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=project,
        env={**os.environ, **extra},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def commit_all(project: Path, message: str, when: str) -> None:
    git(project, "add", "-A")
    git(project, "commit", "-q", "--allow-empty", "-m", message, when=when)


def git_project(directory: Path, when: str = "2026-01-05T10:00:00+00:00") -> Path:
    """A copy of the project that is a git repository, everything committed at ``when``."""
    project = copy_project(Path(directory))
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "the example project", when)
    return project


# --- deal files -----------------------------------------------------------------------------

# A small deal with every part the trust tests poke at: key dates, partners, a budget with
# lines and an invest-to-save scheme, an outcome with readings, powers and events. The
# placeholders are filled by deal(); every one has a safe default.
DEAL = """\
# yaml-language-server: $schema=deal.schema.json
title: {title}
summary: {summary}
status: agreed
{top}dates:
  invited: 2011-04-01
  agreed: 2011-11-10
  review: {review_date}
place:
  name: {place}
  level: county
  population: {population}
  population_year: {population_year}
  partners:
    - name: {partner}
      kind: council
    - name: Testshire Police
      kind: police
accountable_figure:
  role: mayor
  chosen: directly-elected
  scrutinised_by: [Testshire overview and scrutiny committee]
outcomes:
  - id: adult-skills
    title: {outcome_title}
    indicator: {indicator}
    unit: {unit}
    baseline: {{value: "46.0", date: 2011-04-01}}
    target: {{value: "52.0", date: 2014-03-31}}
    owner: Testshire County Council
    readings:
      - date: 2012-03-31
        value: "47.6"
        commentary: {commentary}
        remedial_action: {remedial}
      - date: {reading_date}
        value: {reading_value}
{reading_extra}powers:
  - power: skills-funding
    status: declined
    from_body: Department for Business, Innovation and Skills
    note: {power_note}
budget:
  unit: "{budget_unit}"
  years: [2012-13, 2013-14]
  reduction_percent: 3
  savings_share_percent: 50
  lines:
    - body: {body}
      stream: {stream}
      amounts: {{2012-13: {amount}, 2013-14: "97.1"}}
    - body: NHS Testshire
      stream: Community health services
      amounts: {{2012-13: "74.6", 2013-14: "75.8"}}
  schemes:
    - name: {scheme}
      bodies:
        - body: {scheme_body}
          investment: {{2012-13: {investment}, 2013-14: "3.0"}}
          benefit: {{2012-13: "0.5", 2013-14: "9.0"}}
negotiation:
  rounds: [forerunners]
  events:
    - title: {event_title}
      kind: meeting
      planned: {event_date}
      actual: 2011-02-09
      note: {event_note}
    - title: Outcome announced with the budget
      kind: milestone
      planned: 2011-03-23
"""

DEFAULTS = dict(
    title="Testshire deal",
    summary="Testshire's council, NHS and police pool what they spend on older people into one budget.",
    top="",
    review_date="2015-03-31",
    place="Testshire",
    population="500000",
    population_year="2011",
    partner="Testshire County Council",
    outcome_title="More adults with higher skills",
    indicator="Working-age residents qualified to level 3 or above",
    unit="percent",
    commentary="Behind the milestone; fewer adults over 25 started courses.",
    remedial="Level 3 courses offered to adults in work from September.",
    reading_date="2013-03-31",
    reading_value='"49.0"',
    reading_extra="",
    power_note="The council said its skills for growth plan hit a brick wall.",
    budget_unit="£m",
    body="Testshire County Council",
    stream="Adult social care",
    amount='"98.4"',
    scheme="Care at home",
    scheme_body="Testshire County Council",
    investment='"4.0"',
    event_title="First meeting between leaders and ministers",
    event_date="2011-01-26",
    event_note="Held at county hall.",
)


def deal(**fields: str) -> str:
    """A valid deal file, with any placeholder of DEAL replaced by YAML text of one's own."""
    unknown = set(fields) - set(DEFAULTS)
    assert not unknown, f"no such placeholder: {unknown}"
    return DEAL.format(**{**DEFAULTS, **fields})


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of text containing needle."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the text")


def update(title: str, day: str, body: str, *, deals: str = "[]", extra: str = "") -> str:
    """An update file: front matter (title, date, deals, summary, extra lines) and body."""
    return f"---\ntitle: {title}\ndate: {day}\ndeals: {deals}\nsummary: A short summary.\n{extra}---\n\n{body}"


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


FILE_LINE_FIELD = r"{file}:(\d+): {field}"


def assert_refused(result: subprocess.CompletedProcess, file: str, field: str) -> None:
    """dealsite check refused: exit 1, no traceback, a line ``...file:LINE: field...: message``."""
    shown = result.stderr[-3000:]
    assert result.returncode == 1, f"exit {result.returncode}; stderr:\n{shown}\nstdout:\n{result.stdout[-2000:]}"
    no_traceback(result)
    pattern = re.compile(re.escape(file) + r":(\d+): " + re.escape(field) + r"[^\s:]*: \S")
    assert pattern.search(result.stderr), f"no '{file}:LINE: {field}...: message' line in:\n{shown}"
