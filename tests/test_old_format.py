"""Deal files written in the format before deals signed since 2014 were added: what still loads,
and what is refused with one line saying what to change (file:line: field: message), never a
traceback."""

from __future__ import annotations

import subprocess

from test_load import REPO, assert_reported, only_problem, write_deal

from generator.model.load import load_catalogue

# A whole deal as the old format wrote it: one holder, each menu power once without a title,
# a budget with its required reduction, a negotiation in one round, every date a day.
OLD = """\
title: Oldshire deal
summary: A deal in the old format.
status: agreed
dates: {invited: 2010-11-01, agreed: 2011-07-29}
place:
  name: Oldshire
  level: county
  partners:
    - {name: Oldshire County Council, kind: council}
accountable_figure:
  role: mayor
  chosen: directly-elected
  scrutinised_by: [Oldshire scrutiny committee]
outcomes:
  - id: jobs
    title: More people in work
    indicator: Employment rate
    unit: percent
    baseline: {value: "68.0", date: 2011-04-01}
    target: {value: "72.0", date: 2014-03-31}
    owner: Oldshire County Council
powers:
  - {power: transport, status: agreed, from_body: Department for Transport}
  - {power: skills-funding, status: declined, from_body: "Department for Business, Innovation and Skills"}
budget:
  unit: £m
  years: [2011-12]
  reduction_percent: 8
  savings_share_percent: 50
  lines:
    - {body: Oldshire County Council, stream: Adult social care, amounts: {2011-12: "120.0"}}
negotiation:
  rounds: [forerunners]
"""


def test_an_old_format_deal_without_a_holder_loads_as_it_is(tmp_path):
    write_deal(tmp_path, OLD)
    deal = load_catalogue([tmp_path / "deals"]).deal("testshire")
    assert [p.title for p in deal.powers] == [None, None]
    assert deal.budget.more_for_less and deal.accountable_figure.holders == []


def test_a_holder_is_refused_saying_to_write_holders_with_the_name(tmp_path):
    path = write_deal(tmp_path, OLD.replace("  chosen: directly-elected\n", "  chosen: directly-elected\n  holder: Jo Bloggs\n"))
    assert_reported(
        only_problem(tmp_path), path, 13, "accountable_figure.holder",
        "has become holders, a list of everyone who has held the role, with dates: write holders: [{name: Jo Bloggs}] instead",
    )


def test_a_holder_whose_name_yaml_would_split_is_shown_in_quotes(tmp_path):
    path = write_deal(tmp_path, OLD.replace("  chosen: directly-elected\n", '  chosen: directly-elected\n  holder: "Bloggs, Jo"\n'))
    assert_reported(only_problem(tmp_path), path, 13, "accountable_figure.holder", 'write holders: [{name: "Bloggs, Jo"}] instead')


def test_a_menu_power_given_twice_without_titles_is_refused_saying_to_add_a_title(tmp_path):
    twice = "  - {power: transport, status: requested, from_body: Department for Transport}\n"
    path = write_deal(tmp_path, OLD.replace("powers:\n", "powers:\n" + twice))
    assert_reported(
        only_problem(tmp_path), path, 24, "powers[1].power",
        "transport is also given at powers[0]: a menu power granted more than once needs a title on each grant "
        "saying what it is (add title: to each, e.g. title: Bus franchising)",
    )


def test_a_menu_power_given_twice_with_the_same_title_is_refused_at_the_title(tmp_path):
    titled = "  - {power: transport, title: Buses, status: agreed, from_body: Department for Transport}\n"
    path = write_deal(tmp_path, OLD.replace("  - {power: transport, status: agreed, from_body: Department for Transport}\n", titled * 2))
    assert_reported(
        only_problem(tmp_path), path, 24, "powers[1].title",
        "Buses is also the title of transport at powers[0] (give each grant of transport a different title)",
    )


def test_a_reduction_of_zero_is_refused_saying_to_leave_it_out(tmp_path):
    # The old format required a reduction, so a budget that pooled money without one wrote 0.
    path = write_deal(tmp_path, OLD.replace("reduction_percent: 8", "reduction_percent: 0"))
    assert_reported(
        only_problem(tmp_path), path, 28, "budget.reduction_percent",
        '0 is no reduction: a budget that is not "more for less" leaves reduction_percent out (and savings_share_percent with it)',
    )


def test_a_budget_without_a_reduction_is_pooled_money_not_more_for_less(tmp_path):
    write_deal(tmp_path, OLD.replace("  reduction_percent: 8\n  savings_share_percent: 50\n", ""))
    assert not load_catalogue([tmp_path / "deals"]).deal("testshire").budget.more_for_less


def test_a_deal_without_a_negotiation_loads(tmp_path):
    write_deal(tmp_path, OLD[: OLD.index("negotiation:")], complete=False)
    deal = load_catalogue([tmp_path / "deals"]).deal("testshire")
    assert deal.negotiation.rounds == [] and deal.negotiation.events == []


def test_dealsite_check_reports_an_old_format_file_in_one_line_without_a_traceback(tmp_path):
    write_deal(tmp_path, OLD.replace("  chosen: directly-elected\n", "  chosen: directly-elected\n  holder: Jo Bloggs\n"))
    done = subprocess.run([str(REPO / ".venv" / "bin" / "dealsite"), "check", "deals"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    # check's report heads its errors ("Errors: ...") and counts them at the end; the file's problem is one line
    assert [l for l in (done.stdout + done.stderr).splitlines() if l.startswith("deals/")] == [
        "deals/testshire.yaml:13: accountable_figure.holder: has become holders, a list of everyone who has held the role, "
        "with dates: write holders: [{name: Jo Bloggs}] instead (see content/deal-format.md)"
    ]


def test_an_old_holder_that_is_not_plain_text_is_refused_without_echoing_it():
    # Found by hypothesis: a lone surrogate copied into the migration message raised
    # UnicodeEncodeError instead of a problem report.
    import pytest
    from pydantic import ValidationError

    from generator.model.figure import AccountableFigure
    from generator.model.types import WRITTEN

    with pytest.raises(ValidationError) as refused:
        AccountableFigure.model_validate({"role": "mayor", "holder": "\ud800"}, context=WRITTEN)
    message = refused.value.errors()[0]["msg"]
    assert "write holders: [{name: ...}]" in message
    message.encode("utf-8")  # no lone surrogate in what an editor is shown
