"""Issue 12, limits: hostile sizes are refused by `dealsite check`, quickly, with file:line: field.

- A few hundred bytes of YAML aliases ("billion laughs") expand to billions of values: check
  must refuse it within seconds and a bounded amount of memory, and a build must survive the
  same file in git history (the changes page reads every past revision of deals/).
- Whatever check accepts, build builds: values that crash the build (NUL and other control
  characters, lone surrogates, numbers too large for the arithmetic, dates at the end of the
  calendar, budgets far above any public budget) are refused by check as
  ``file:line: field: message``, never a traceback.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from trust_support import (
    NOW,
    assert_refused,
    commit_all,
    copy_project,
    deal,
    dealsite,
    git_project,
    line_of,
    no_traceback,
    write,
)

pytestmark = pytest.mark.xdist_group("trust-limits")

GIB = 1024**3


def billion_laughs() -> str:
    """9 levels of lists of 9 aliases: 9**9 (387 million) values from a file of ~300 bytes."""
    lines = ["a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


BOMB = billion_laughs()


def _run(project: Path, *args: str, timeout: float):
    try:
        return dealsite(project, *args, timeout=timeout, memory=2 * GIB)
    except subprocess.TimeoutExpired:
        pytest.fail(f"dealsite {' '.join(args)} did not finish within {timeout:.0f} s")


def test_the_bomb_is_small():
    assert len(BOMB.encode()) < 400 and BOMB.count("*") == 72


def test_check_refuses_an_alias_bomb_quickly_in_bounded_memory(tmp_path):
    project = copy_project(tmp_path / "project")
    write(project / "deals" / "bomb.yaml", BOMB)
    result = _run(project, "check", timeout=20)
    assert result.returncode == 1, result.stderr[-3000:]
    no_traceback(result)
    assert re.search(r"bomb\.yaml:\d+: ", result.stderr), result.stderr[-3000:]


def test_build_survives_an_alias_bomb_in_git_history(tmp_path):
    project = git_project(tmp_path / "project", "2026-01-05T10:00:00+00:00")
    bomb = write(project / "deals" / "bomb.yaml", BOMB)
    commit_all(project, "an alias bomb", "2026-02-01T10:00:00+00:00")
    bomb.unlink()
    commit_all(project, "bomb removed", "2026-02-02T10:00:00+00:00")
    result = _run(project, "build", "-q", timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (project / "site" / "changes" / "index.html").is_file()


# --- whatever check accepts, build builds ------------------------------------------------

# id: (placeholders of trust_support.DEAL, the field reported, text on the reported line)
EXTREMES = {
    "nul-in-title": (dict(title=r'"Testshire \0 deal"'), "title", "title:"),
    "bell-in-title": (dict(title=r'"Testshire \x07 deal"'), "title", "title:"),
    "lone-surrogate-in-title": (dict(title=r'"Testshire \ud800 deal"'), "title", "title:"),
    "amount-of-20-digits": (dict(amount='"99999999999999999999"'), "budget.lines[0].amounts", "99999999999999999999"),
    "population-of-31-digits": (dict(population="1" + "0" * 30), "place.population", "population: 1000"),
    "reading-of-400-digits": (dict(reading_value='"' + "9" * 400 + '"'), "outcomes[0].readings[1].value", "9" * 400),
    "reading-date-9999-12-31": (dict(reading_date="9999-12-31"), "outcomes[0].readings[1].date", "9999-12-31"),
    "key-date-9999-12-31": (dict(review_date="9999-12-31"), "dates.review", "9999-12-31"),
    "event-date-9999-12-31": (dict(event_date="9999-12-31"), "negotiation.events[0].planned", "9999-12-31"),
    # 2**62 pence in one line: far above any public budget (and half way to int64's limit).
    "budget-line-of-2-62-pence": (dict(budget_unit="£", amount='"46116860184273879.04"'), "budget.lines[0].amounts", "46116860184273879.04"),
}


@pytest.mark.parametrize("case", list(EXTREMES))
def test_check_refuses_an_extreme_value_with_file_line_and_field(case, tmp_path):
    fields, field, needle = EXTREMES[case]
    project = copy_project(tmp_path / "project")
    text = deal(**fields)
    write(project / "deals" / "zqx-extreme.yaml", text)
    result = dealsite(project, "check", timeout=60)
    assert_refused(result, "zqx-extreme.yaml", field)
    line = line_of(text, needle)
    assert f"zqx-extreme.yaml:{line}: {field}" in result.stderr, result.stderr[-2000:]


REFUSED = re.compile(r"([\w./-]+\.yaml):\d+: ")


def test_whatever_check_accepts_build_builds(tmp_path):
    """Every extreme file in one project: drop the files check refuses, then build the rest."""
    project = copy_project(tmp_path / "project")
    for case, (fields, _, _) in EXTREMES.items():
        write(project / "deals" / f"zqx-{case}.yaml", deal(**fields))
    for _ in range(len(EXTREMES) + 1):
        result = dealsite(project, "check", timeout=60)
        no_traceback(result)
        if result.returncode == 0:
            break
        assert result.returncode == 1, result.stderr[-3000:]
        named = {Path(m).name for m in REFUSED.findall(result.stderr)}
        planted = {p.name for p in (project / "deals").glob("zqx-*.yaml")}
        assert named and named <= planted, f"check refused files other than the planted ones: {named - planted}"
        for name in named:
            (project / "deals" / name).unlink()
    accepted = sorted(p.name for p in (project / "deals").glob("zqx-*.yaml"))
    result = dealsite(project, "build", "-q", at=NOW, timeout=300)
    assert result.returncode == 0, f"check accepted {accepted}, build failed:\n{result.stderr[-3000:]}"
    no_traceback(result)


def test_budget_totals_never_wrap_around(tmp_path):
    # Not named in issue 12: two budget lines of 2**62 pence each (in £) sum past int64. Today
    # check accepts them and the site says the baseline is -£92,233,720,368,547,758.08 and each
    # line is -50% of it. Refused by check, or exact.
    project = copy_project(tmp_path / "project")
    text = deal(budget_unit="£", amount='"46116860184273879.04"').replace('{2012-13: "74.6", 2013-14: "75.8"}', '{2012-13: "46116860184273879.04", 2013-14: "75.8"}')
    write(project / "deals" / "zqx-wrap.yaml", text)
    check = dealsite(project, "check", timeout=60)
    no_traceback(check)
    if check.returncode == 1:
        assert re.search(r"zqx-wrap\.yaml:\d+: budget", check.stderr), check.stderr[-3000:]
        return
    result = dealsite(project, "build", "-q", at=NOW)
    assert result.returncode == 0, result.stderr[-3000:]
    envelope = (project / "site" / "deals" / "zqx-wrap" / "budget-envelope.csv").read_text(encoding="utf-8")
    row = next(line for line in envelope.splitlines() if line.startswith("2012-13,"))
    assert row.split(",")[1] == "92233720368547758.08", row
