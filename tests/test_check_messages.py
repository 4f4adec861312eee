"""dealsite check as an editor meets it: each message is the exact text an editor sees.

Errors (must be fixed, exit 1) and warnings (advice, exit 0) from real edits of the example
deal kent.yaml; the clock is fixed with SOURCE_DATE_EPOCH where a message depends on it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
KENT = (REPO / "deals" / "kent.yaml").read_text(encoding="utf-8")
# Lines of kent.yaml named below by number, counted in the file: title 15, summary 16, status 20,
# place.name 32, Kent Police 45, the first " after the header comments 88 (outcomes[1].baseline),
# the budget line of the two NHS bodies 174.


def _deals(tmp_path: Path, kent: str = KENT, *, menus: bool = True) -> Path:
    deals = tmp_path / "deals"
    deals.mkdir()
    for name in ("_rounds.yaml", "_powers.yaml", "_deflators.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    (deals / "kent.yaml").write_text(kent, encoding="utf-8")
    return deals


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _check(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["check", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _edited(old: str, new: str, count: int = 1) -> str:
    assert old in KENT, old
    return KENT.replace(old, new, count)


def _kent_lines(output: str, deals: Path) -> list[str]:
    return [l for l in output.splitlines() if l.startswith(str(deals / "kent.yaml"))]


@pytest.fixture(autouse=True)
def _clock(monkeypatch):  # 1 June 2015: Kent's readings of 2014 still count
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2015, 6, 1, tzinfo=dt.timezone.utc).timestamp())))


# --- syntax: what to do, the field, the line of the cause -------------------------------------

SYNTAX = {
    "colon": ("title: Kent county deal", "title: Kent: the county deal", "title",
              'title: the text contains ": ", which YAML reads as a new field: put the whole text in quotes (title: "Kent: the county deal")'),
    "quote": ("title: Kent county deal", 'title: "Kent" county deal', "title",
              "title: text that starts with a quote must end with it (to keep the quotes, put the whole text in other quotes: title: '\"Kent\" county deal')"),
    "hash": ("title: Kent county deal", "title: #1 county deal", "title",
             'title: is empty: YAML reads a value starting with # as a comment (put the text in quotes: title: "#1 county deal")'),
    "open-quote": ("title: Kent county deal", 'title: "Kent county deal', "title",
                   'title: the " that opens the text on this line is not closed on it, so YAML reads on to the next " (on line 88): close the quote on this line'),
    "indent-more": ("  level: county", "   level: county", "   level",
                    "level: this line is indented more than the line above it (line 32), so YAML reads it as more of that line's text "
                    "(start it in the same column as the other fields of the same thing)"),
    "indent-less": ("    - name: Kent Police\n      kind: police", "    - name: Kent Police\n     kind: police", "     kind: police",
                    "kind: this line starts in column 6 but the line above it (line 45) in column 7: fields of the same thing must "
                    "start in the same column (indent with spaces)"),
    "no-colon": ("status: agreed", "status agreed", "status agreed",
                 'this line has no ": " after a field name (write name: value; if it continues the text of the line above, '
                 "indent it further than that line's field)"),
    "list-for-text": ("title: Kent county deal", "title: [Kent, deal]", "title",
                      'title: is a list, but it should be text (write the text after the field name; if the text starts with [ or "- ", put it all in quotes)'),
    "yes-for-a-name": ("  name: Kent\n", "  name: yes\n", "  name: yes",
                       'place.name: yes is read by YAML as a yes/no value, not text (put it in quotes: name: "yes")'),
}


@pytest.mark.parametrize("case", SYNTAX)
def test_a_slip_gets_one_error_at_its_line_saying_what_to_do(case, tmp_path, capsys):
    old, new, needle, message = SYNTAX[case]
    text = _edited(old, new)
    deals = _deals(tmp_path, text)
    status, out, err = _check(capsys, str(deals))
    assert status == 1
    assert _kent_lines(err, deals) == [f"{deals / 'kent.yaml'}:{_line(text, needle)}: {message}"]
    assert err.splitlines()[-1].startswith("1 error in 1 file")


def test_a_population_written_with_thousands_commas_is_a_whole_number(tmp_path, capsys):
    deals = _deals(tmp_path, _edited("population: 1463740", "population: 2,682,528"))
    status, _, err = _check(capsys, str(deals / "kent.yaml"))
    assert (status, err) == (0, "")


# --- warnings: advice, exit 0 ----------------------------------------------------------------


def test_text_cut_at_a_space_and_hash_is_a_warning_with_the_text_to_write(tmp_path, capsys):
    text = _edited("title: Kent county deal", "title: Kent county deal #2 for the coast")
    deals = _deals(tmp_path, text)
    status, out, err = _check(capsys, str(deals / "kent.yaml"))
    assert (status, err) == (0, "")
    assert [l for l in _kent_lines(out, deals) if "title:" in l] == [
        f"{deals / 'kent.yaml'}:15: title: the text stops at \" #\", which YAML reads as the start of a comment, so title is "
        '"Kent county deal" (put the whole text in quotes: title: "Kent county deal #2 for the coast"; if it is a comment, '
        "put two spaces before the #)"
    ]


def test_a_comment_after_two_spaces_is_not_a_warning(tmp_path, capsys):
    deals = _deals(tmp_path, _edited("title: Kent county deal", "title: Kent county deal  # checked with the council"))
    _, out, _ = _check(capsys, str(deals / "kent.yaml"))
    assert "title" not in out


def test_placeholder_text_in_a_draft_is_a_warning_and_in_a_live_deal_an_error(tmp_path, capsys):
    deals = _deals(tmp_path)
    assert main(["new", "north-yorkshire", "--deals-dir", str(deals)]) == 0
    capsys.readouterr()
    new = deals / "north-yorkshire.yaml"
    text = new.read_text(encoding="utf-8")
    status, out, err = _check(capsys, str(new))
    assert (status, err) == (0, "")
    lines = [l for l in out.splitlines() if l.startswith(str(new))]
    assert lines[0] == (
        f"{new}:{_line(text, 'title: TITLE')}: title: TITLE is placeholder text from dealsite new "
        "(write the deal's own words here before removing draft: true)"
    )
    assert len([l for l in lines if "placeholder text" in l]) == 5  # title, summary, place name, partner, scrutiny
    new.write_text(text.replace("draft: true\n", ""), encoding="utf-8")
    status, out, err = _check(capsys, str(new))
    assert status == 1
    assert f"{new}:{_line(text, 'title: TITLE') - 1}: title: TITLE is placeholder text from dealsite new, and this deal is not a draft " \
        "(write the deal's own words here, or put back draft: true until it is filled in)" in err.splitlines()


def test_a_summary_above_the_gov_uk_reading_age_is_a_warning_with_the_figure(tmp_path, capsys):
    # 7 words, 1 sentence, 32 syllables (com-pre-hen-sive, de-vo-lu-tion, ne-go-ti-a-tions,
    # ne-ces-si-tate, con-sid-er-a-ble, ad-min-is-tra-tive, co-or-di-na-tion): Flesch-Kincaid
    # 0.39 x 7 + 11.8 x 32/7 - 15.59 = 41.08, a reading age of 46.08, shown as 46.
    summary = "Comprehensive devolution negotiations necessitate considerable administrative coordination."
    text = KENT.replace(KENT[KENT.index("summary: >-"): KENT.index("status: agreed")], f"summary: {summary}\n")
    deals = _deals(tmp_path, text)
    _, out, _ = _check(capsys, str(deals / "kent.yaml"))
    assert f"{deals / 'kent.yaml'}:16: summary: needs a reading age of 46; GOV.UK aims for 9 " \
        "(use shorter sentences and everyday words: residents read this first)" in out.splitlines()


def test_a_plain_summary_is_not_a_warning(tmp_path, capsys):
    # 4 words, 5 syllables: 0.39 x 4 + 11.8 x 5/4 - 15.59 = 0.72, a reading age of 6
    text = KENT.replace(KENT[KENT.index("summary: >-"): KENT.index("status: agreed")], "summary: Kent gets one budget.\n")
    deals = _deals(tmp_path, text)
    _, out, _ = _check(capsys, str(deals / "kent.yaml"))
    assert "reading age" not in out


def test_a_latest_reading_older_than_the_status_rule_counts_is_a_warning(tmp_path, capsys):
    # Feeling safe's target moves to 2016, so on 1 June 2015 its latest reading (31 March 2014,
    # 365 + 62 = 427 days before) is past the rule's 400 days and the outcome shows "No recent data".
    text = _edited('target: {value: "65.0", date: 2015-03-31}', 'target: {value: "65.0", date: 2016-03-31}')
    deals = _deals(tmp_path, text)
    _, out, _ = _check(capsys, str(deals / "kent.yaml"))
    stale = [l for l in out.splitlines() if "No recent data" in l]
    line = _line(text, '        value: "61.8"') - 1
    assert stale == [
        f"{deals / 'kent.yaml'}:{line}: outcomes[1].readings[1].date: the latest reading, of 31 March 2014, is 427 days old on "
        "1 June 2015: the status rule counts readings up to 400 days old, so \u201cPeople feel safe in their neighbourhood\u201d "
        "shows \u201cNo recent data\u201d (add a newer reading)"
    ]


def test_a_budget_body_that_is_not_a_partner_is_a_warning(tmp_path, capsys):
    deals = _deals(tmp_path)
    _, out, _ = _check(capsys, str(deals / "kent.yaml"))
    assert [l for l in out.splitlines() if "partners" in l] == [
        f"{deals / 'kent.yaml'}:{_line(KENT, '    - body: NHS Eastern and Coastal Kent and NHS West Kent')}: budget.lines[3].body: "
        "NHS Eastern and Coastal Kent and NHS West Kent is not one of the place's partners (add it to place.partners, "
        "or write the name as it is there)."
    ]


def test_a_budget_year_without_a_deflator_is_a_warning(tmp_path, capsys):
    deals = _deals(tmp_path)
    deflators = (deals / "_deflators.yaml").read_text(encoding="utf-8")
    (deals / "_deflators.yaml").write_text(deflators.replace('  2013-14: "105.0"\n', ""), encoding="utf-8")
    _, out, _ = _check(capsys, str(deals / "kent.yaml"))
    assert [l for l in out.splitlines() if "_deflators" in l] == [
        f"{deals / 'kent.yaml'}:{_line(KENT, 'years: [')}: budget.years[1]: 2013-14 has no value in deals/_deflators.yaml, "
        "so this budget is shown in cash only (add the year's index value there to show real terms)"
    ]


def test_a_power_no_deal_uses_is_a_warning_when_the_whole_folder_is_checked(tmp_path, capsys):
    deals = _deals(tmp_path)
    menu = deals / "_powers.yaml"
    menu.write_text(
        menu.read_text(encoding="utf-8")
        + "  - id: energy\n    title: Energy\n    category: energy\n    description: Local energy planning.\n",
        encoding="utf-8",
    )
    line = _line(menu.read_text(encoding="utf-8"), "  - id: energy")
    _, out, _ = _check(capsys, "--all", str(deals))  # with Kent alone most of the menu is unused
    assert f"{menu}:{line}: powers[17].id: energy is not used by any deal (remove it if no deal needs it, or check how the deals spell it)" \
        in out.splitlines()
    _, out, _ = _check(capsys, str(deals / "kent.yaml"))  # one deal named: the others may use it
    assert "energy" not in out


def test_a_power_given_twice_in_the_menu_is_an_error(tmp_path, capsys):
    deals = _deals(tmp_path)
    menu = deals / "_powers.yaml"
    text = menu.read_text(encoding="utf-8")
    menu.write_text(text + "  - id: transport\n    title: Energy again\n    category: energy\n    description: Twice.\n", encoding="utf-8")
    status, _, err = _check(capsys, str(deals))
    assert status == 1
    assert f"{menu}:{text.count(chr(10)) + 1}: powers[17].id: transport is also the id of powers[2] (each id may appear once)" in err


def test_text_cut_at_a_hash_in_an_update_is_a_warning(tmp_path, capsys, monkeypatch):
    _deals(tmp_path)
    updates = tmp_path / "content" / "updates"
    updates.mkdir(parents=True)
    (updates / "2014-01-05-kent-news.md").write_text(
        "---\ntitle: Kent news #3\ndate: 2014-01-05\ndeals: [kent]\nsummary: News.\n---\n\nText.\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    status, out, _ = _check(capsys)
    assert status == 0
    assert f"{updates / '2014-01-05-kent-news.md'}:2: title: the text stops at \" #\"" in out


# --- the report: strict, JSON, GitHub annotations, counts --------------------------------------


def test_strict_fails_on_warnings(tmp_path, capsys):
    deals = _deals(tmp_path)
    status, out, err = _check(capsys, "--strict", str(deals / "kent.yaml"))
    assert status == 1
    assert err.splitlines()[-1] == "2 warnings in 1 file, and --strict counts them as errors"  # the summary's age, the partner


def test_json_lists_every_problem_with_its_severity(tmp_path, capsys):
    deals = _deals(tmp_path, _edited("status: agreed", "status: signed-off"))
    status, out, err = _check(capsys, "--format", "json", str(deals / "kent.yaml"))
    report = json.loads(out)
    assert status == 1 and err == ""
    assert report["ok"] is False and report["errors"] == 1 and report["warnings"] == 0
    assert report["problems"] == [
        {
            "severity": "error", "file": str(deals / "kent.yaml"), "line": 20, "field": "status", "code": "enum:status",
            "message": "signed-off is not allowed (expected one of proposed, negotiating, agreed, in-delivery, completed or withdrawn)",
        }
    ]


def test_github_format_writes_annotations(tmp_path, capsys):
    deals = _deals(tmp_path)
    status, out, _ = _check(capsys, "--format", "github", str(deals / "kent.yaml"))
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"::warning file={deals / 'kent.yaml'},line=16,title=summary::needs a reading age of 16; GOV.UK aims for 9 " \
        "(use shorter sentences and everyday words%3A residents read this first)".replace("%3A", ":")
    assert lines[1].startswith(f"::warning file={deals / 'kent.yaml'},line=174,title=budget.lines[3].body::")
    assert lines[-1] == "ok: 1 deal checked; 2 warnings in 1 file (advice: the site still builds)"


def test_many_problems_of_one_kind_in_a_file_are_counted_after_three(tmp_path, capsys):
    text = KENT  # seven outcome and event titles cut at " #"
    names = ["More services online and at Gateways", "People feel safe in their neighbourhood", "More people in work",
             "Older people back home after hospital"]
    for name in names:
        text = text.replace(f"title: {name}", f"title: {name} #draft", 1)
    events = [l for l in text.splitlines() if l.startswith("    - title: ")][:3]
    for event in events:
        text = text.replace(event, event + " #tbc", 1)
    deals = _deals(tmp_path, text)
    _, out, _ = _check(capsys, str(deals / "kent.yaml"))
    cut = [l for l in out.splitlines() if 'stops at " #"' in l]
    assert len(cut) == 3
    assert f"{deals / 'kent.yaml'}: and 4 more warnings like these (hash-comment); dealsite check --all lists every one" in out.splitlines()
    _, out, _ = _check(capsys, "--all", str(deals / "kent.yaml"))
    assert len([l for l in out.splitlines() if 'stops at " #"' in l]) == 7


def test_errors_come_first_and_warnings_wait_for_them(tmp_path, capsys):
    deals = _deals(tmp_path, _edited("status: agreed", "status: signed-off"))
    status, out, err = _check(capsys, str(deals / "kent.yaml"))
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == "Errors: these must be fixed before the site can be built"
    assert err.splitlines()[-1] == (
        "1 error in 1 file: fix the errors, then run dealsite check again (warnings are checked once the files are valid)"
    )


# --- a large project: warnings worked out on every core ------------------------------------


def _many_deals_with_warnings(tmp_path: Path, count: int) -> Path:
    deals = _deals(tmp_path, _edited("title: Kent county deal", "title: Kent county deal #2 for the coast"))
    for i in range(2, count + 1):
        (deals / f"kent-{i}.yaml").write_text((deals / "kent.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return deals


def test_warnings_made_by_several_processes_are_those_one_process_makes(tmp_path, capsys, monkeypatch):
    from generator.engine import check as check_module

    deals = _many_deals_with_warnings(tmp_path, 12)
    log = tmp_path / "pids"
    original = check_module.deal_warnings

    def logged(*args, **kwargs):
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return original(*args, **kwargs)

    monkeypatch.setattr(check_module, "deal_warnings", logged)
    monkeypatch.setenv("DEALSITE_JOBS", "2")
    monkeypatch.setattr(check_module, "PARALLEL_FROM", 10**9)
    alone = _check(capsys, "--all", str(deals))
    assert set(log.read_text(encoding="utf-8").split()) == {str(os.getpid())}
    log.unlink()
    monkeypatch.setattr(check_module, "PARALLEL_FROM", 12)  # the folder's 12 deals
    shared = _check(capsys, "--all", str(deals))
    assert len(set(log.read_text(encoding="utf-8").split())) == 2
    # One cut title in each of the 12 files, in file order, whichever process found it.
    assert shared == alone and sum(" #\", which YAML reads" in line for line in alone[1].splitlines()) == 12
