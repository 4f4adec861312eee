"""Issue 12, silently wrong: values that would publish something other than what was meant.

Each is refused by `dealsite check` with ``file:line: field: message``: an empty
publish_after (read as "no embargo": the deal goes out at once), a negative investment, a
yes/no population year, invisible characters in a title, money in digits other than 0-9.
A deal file whose name is in capitals is read or refused, never silently skipped. A build
with an unreadable SOURCE_DATE_EPOCH stops with one line naming it.
"""

from __future__ import annotations

import shutil

import pytest
from trust_support import (
    assert_refused,
    copy_project,
    deal,
    dealsite,
    line_of,
    write,
)

pytestmark = pytest.mark.xdist_group("trust-silently-wrong")

# id: (placeholders of trust_support.DEAL, field reported, text on the reported line)
WRONG = {
    "empty-publish-after": (dict(top="publish_after:\n"), "publish_after", "publish_after:"),
    "negative-investment": (dict(investment='"-4.5"'), "budget.schemes[0].bodies[0].investment", '"-4.5"'),
    "population-year-true": (dict(population_year="true"), "place.population_year", "population_year:"),
    "left-to-right-mark-in-title": (dict(title="Testshire\u200e deal"), "title", "title:"),
    "right-to-left-mark-in-title": (dict(title="Testshire\u200f deal"), "title", "title:"),
    "arabic-letter-mark-in-title": (dict(title="Testshire\u061c deal"), "title", "title:"),
    "soft-hyphen-in-title": (dict(title="Test\u00adshire deal"), "title", "title:"),
    "arabic-indic-digits-in-money": (dict(amount='"\u0664\u0669"'), "budget.lines[0].amounts", "\u0664\u0669"),
    # Not named in issue 12, same class: full-width digits are read as 49 too.
    "fullwidth-digits-in-money": (dict(amount='"\uff14\uff19"'), "budget.lines[0].amounts", "\uff14\uff19"),
    "arabic-indic-digits-in-a-reading": (dict(reading_value='"\u0664\u0669"'), "outcomes[0].readings[1].value", "\u0664\u0669"),
}


@pytest.mark.parametrize("case", list(WRONG))
def test_check_refuses_a_silently_wrong_value(case, tmp_path):
    fields, field, needle = WRONG[case]
    project = copy_project(tmp_path / "project")
    text = deal(**fields)
    write(project / "deals" / "zqx-wrong.yaml", text)
    result = dealsite(project, "check", timeout=60)
    assert_refused(result, "zqx-wrong.yaml", field)
    assert f"zqx-wrong.yaml:{line_of(text, needle)}: {field}" in result.stderr, result.stderr[-2000:]


def test_a_deal_file_named_in_capitals_is_read_or_refused_never_skipped(tmp_path):
    project = copy_project(tmp_path / "project")
    shutil.copy(project / "deals" / "kent.yaml", project / "deals" / "KENT2.YAML")
    result = dealsite(project, "check", timeout=60)
    if result.returncode == 0:
        assert "ok: 6 deals" in result.stdout, f"KENT2.YAML was skipped: {result.stdout}"
    else:
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-3000:]
        assert "KENT2.YAML" in result.stderr, result.stderr[-3000:]


# "abc" is issue 12's; the others (not named there) fail the same way today, with messages that
# do not name the variable ("Value too large for defined data type").
@pytest.mark.parametrize("value", ["abc", "1e9", "99999999999999999"])
def test_build_with_an_unreadable_source_date_epoch_stops_with_one_line_naming_it(value, tmp_path):
    project = copy_project(tmp_path / "project")
    result = dealsite(project, "build", "-q", at=None, extra_env={"SOURCE_DATE_EPOCH": value})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    naming = [line for line in result.stderr.splitlines() if "SOURCE_DATE_EPOCH" in line]
    assert len(naming) == 1, result.stderr[-3000:]
    assert not (project / "site").exists()


def test_build_dated_after_the_real_clock_stops_with_one_line_and_publishes_nothing(tmp_path):
    # CI sets SOURCE_DATE_EPOCH from a commit's date, which a committer can set to next year:
    # judged then, embargoes would lift early. Without DEALSITE_FUTURE_CLOCK=1 it is refused.
    import time

    project = copy_project(tmp_path / "project")
    tomorrow = int(time.time()) + 86400
    result = dealsite(project, "build", "-q", at=tomorrow, extra_env={"DEALSITE_FUTURE_CLOCK": ""})
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-3000:]
    naming = [line for line in result.stderr.splitlines() if "SOURCE_DATE_EPOCH" in line]
    assert len(naming) == 1 and "later than now" in naming[0], result.stderr[-3000:]
    assert not (project / "site").exists()
