"""Loading deal files: what is accepted, and what is refused with which message.

Each refusal case writes one deal file into a fresh ``deals/`` directory (beside copies of
the real ``_rounds.yaml`` and ``_powers.yaml``) and checks the one problem reported: its file,
its line, its field path and the phrase that tells a communications team what to do.

The YAML of each case is written out in the test, and it is the start of the file: its first
line is line 1. ``write_deal`` then adds, after it, whichever of the required top-level fields
the case did not write itself, copied from ``MINIMAL`` below, so every case changes one thing in
an otherwise valid deal.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from generator.model.load import InvalidDeals, Problem, load_catalogue

REPO = Path(__file__).resolve().parent.parent

# The smallest valid deal: the required fields and nothing else.
MINIMAL = """\
title: Testshire deal
summary: A small deal used by these tests.
status: proposed
place:
  name: Testshire
  level: county
  partners:
    - name: Testshire County Council
      kind: council
accountable_figure:
  role: mayor
  chosen: directly-elected
  scrutinised_by: [Testshire overview and scrutiny committee]
negotiation:
  rounds: [forerunners]
"""


def _top_level_blocks(text: str) -> dict[str, str]:
    blocks = [b for b in re.split(r"(?m)^(?=\S)", text) if b]
    return {b.split(":", 1)[0]: b for b in blocks}


def deals_dir(tmp_path: Path, name: str = "deals") -> Path:
    """A deals directory with the real shared files in it."""
    directory = tmp_path / name
    directory.mkdir(exist_ok=True)
    for shared in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / shared, directory / shared)
    return directory


def write_deal(tmp_path: Path, text: str, name: str = "testshire.yaml", *, complete: bool = True, folder: str = "deals") -> Path:
    """Write text (dedented) as a deal file; if complete, add the required fields it lacks."""
    text = textwrap.dedent(text)
    if complete:
        written = set(re.findall(r"(?m)^([A-Za-z_]+):", text))
        text += "".join(block for key, block in _top_level_blocks(MINIMAL).items() if key not in written)
    path = deals_dir(tmp_path, folder) / name
    path.write_text(text, encoding="utf-8")
    return path


def write_bytes(tmp_path: Path, raw: bytes, name: str = "testshire.yaml") -> Path:
    path = deals_dir(tmp_path) / name
    path.write_bytes(raw)
    return path


def problems(*directories: Path) -> list[Problem]:
    with pytest.raises(InvalidDeals) as refused:
        load_catalogue(directories)
    return refused.value.problems


def only_problem(tmp_path: Path) -> Problem:
    found = problems(tmp_path / "deals")
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def assert_reported(problem: Problem, path: Path, line: int, field: str, phrase: str) -> None:
    assert (problem.file, problem.line, problem.field) == (str(path), line, field), str(problem)
    assert phrase in problem.message, str(problem)


# --- what loads ------------------------------------------------------------------------


def test_the_example_deals_load_without_problems():
    catalogue = load_catalogue([REPO / "deals"])
    assert len(catalogue.deals) >= 5
    assert {"cheshire-west-and-chester", "greater-manchester", "birmingham", "kent", "essex"} <= {
        d.slug for d in catalogue.deals
    }


def test_the_minimal_deal_that_the_cases_start_from_loads(tmp_path):
    write_deal(tmp_path, "")
    deal = load_catalogue([tmp_path / "deals"]).deal("testshire")
    assert deal.title == "Testshire deal"


def test_every_yaml_example_in_the_deal_format_page_is_valid(tmp_path):
    page = (REPO / "content" / "deal-format.md").read_text(encoding="utf-8")
    examples = [e for e in re.findall(r"```yaml\n(.*?)```", page, re.S) if re.search(r"(?m)^\w+:", e)]
    examples = [e for e in examples if not e.startswith("# deals/_")]  # a shared file's example (next test)
    assert len(examples) >= 8
    for i, example in enumerate(examples):
        write_deal(tmp_path, example, name=f"example-{i}.yaml")
    assert len(load_catalogue([tmp_path / "deals"]).deals) == len(examples)


def test_the_committee_record_example_in_the_deal_format_page_is_valid(tmp_path):
    page = (REPO / "content" / "deal-format.md").read_text(encoding="utf-8")
    [example] = [e for e in re.findall(r"```yaml\n(.*?)```", page, re.S) if e.startswith("# deals/_scrutiny.yaml")]
    deals = tmp_path / "deals"
    deals.mkdir()
    for shared in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / shared, deals / shared)
    shutil.copy(REPO / "deals" / "kent.yaml", deals / "kent.yaml")
    (deals / "_scrutiny.yaml").write_text(example, encoding="utf-8")
    record = load_catalogue([deals]).scrutiny
    assert ([s.id for s in record.sessions], [r.id for r in record.recommendations], [r.recommendation for r in record.responses]) == (
        ["kent-2026"], ["kent-gateways"], ["kent-gateways"],
    )


def test_quoted_yes_no_words_numbers_and_decimals_are_kept_exactly_as_written(tmp_path):
    write_deal(
        tmp_path,
        """\
        title: "no"
        summary: "1:20"
        budget:
          unit: £m
          years: [2025-26]
          reduction_percent: 12.5
          savings_share_percent: 50
          lines:
            - body: "012"
              stream: "yes"
              amounts: {2025-26: "49.3"}
        """,
    )
    deal = load_catalogue([tmp_path / "deals"]).deal("testshire")
    assert (deal.title, deal.summary) == ("no", "1:20")
    assert (deal.budget.lines[0].body, deal.budget.lines[0].stream) == ("012", "yes")
    assert deal.budget.lines[0].amounts["2025-26"] == Decimal("49.3")
    assert deal.budget.reduction_percent == Decimal("12.5")


def test_a_byte_order_mark_at_the_start_is_accepted(tmp_path):
    write_bytes(tmp_path, b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    assert load_catalogue([tmp_path / "deals"]).deal("testshire").title == "Testshire deal"


# --- YAML traps --------------------------------------------------------------------------


def test_a_duplicate_top_level_key_is_refused_naming_the_first(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        title: Testshire and district deal
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "title", "duplicate key title (first given on line 1)")


def test_a_duplicate_nested_key_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        place:
          name: Testshire
          level: county
          name: Testshire and district
          partners:
            - name: Testshire County Council
              kind: council
        """,
    )
    assert_reported(only_problem(tmp_path), path, 4, "place.name", "duplicate key name (first given on line 2)")


@pytest.mark.parametrize("word", ["no", "off", "yes"])
def test_a_yaml_yes_no_word_in_a_text_field_is_refused(tmp_path, word):
    path = write_deal(
        tmp_path,
        f"""\
        title: Testshire deal
        summary: {word}
        """,
    )
    # text, so the advice is quotes, never "write true or false"
    problem = only_problem(tmp_path)
    assert str(problem) == f'{path}:2: summary: {word} is read by YAML as a yes/no value, not text (put it in quotes: summary: "{word}")'


def test_a_yaml_yes_no_word_in_a_true_or_false_field_says_write_true_or_false(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        draft: yes
        """,
    )
    assert str(only_problem(tmp_path)) == f"{path}:2: draft: yes is not true or false (write true or false)"


def test_a_base_60_number_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        summary: 1:20
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "summary", "1:20 is read by YAML as a base-60 number, 80 (put it in quotes)")


def test_an_octal_number_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        place:
          name: Testshire
          level: county
          population: 012
          partners:
            - name: Testshire County Council
              kind: council
        """,
    )
    assert_reported(only_problem(tmp_path), path, 4, "place.population", "012 is read by YAML as an octal number, 10")


def test_a_hexadecimal_number_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        place:
          name: Testshire
          level: county
          population: 0x1F
          partners:
            - name: Testshire County Council
              kind: council
        """,
    )
    assert_reported(only_problem(tmp_path), path, 4, "place.population", "0x1F is read by YAML as a hexadecimal number, 31")


def test_a_number_with_underscores_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        place:
          name: Testshire
          level: county
          population: 1_463_740
          partners:
            - name: Testshire County Council
              kind: council
        """,
    )
    assert_reported(only_problem(tmp_path), path, 4, "place.population", "is read by YAML as a number with its underscores dropped")


def test_a_python_object_tag_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    path = write_deal(
        tmp_path,
        f"""\
        title: Testshire deal
        summary: !!python/object/apply:os.system ["touch {marker}"]
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "summary", "tag !!python/object/apply:os.system is not allowed")
    assert not marker.exists()


def test_a_custom_tag_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        summary: !foo A small deal
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "summary", "tag !foo is not allowed (write plain values)")


def test_an_alias_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: &name Testshire deal
        summary: *name
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "", "*name is an alias (repeat the value instead")


def test_a_billion_laughs_file_is_refused_at_its_first_alias(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
        g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
        h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
        i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "", "*a is an alias")


def test_a_merge_key_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        place: &testshire
          name: Testshire
          level: county
          partners:
            - name: Testshire County Council
              kind: council
        accountable_figure:
          <<: *testshire
        """,
    )
    assert_reported(only_problem(tmp_path), path, 8, "", "<< merge keys are not allowed (repeat the values instead)")


def test_bytes_that_are_not_utf8_are_refused_at_the_line_of_the_first(tmp_path):
    path = write_bytes(tmp_path, "title: Testshire deal\nstatus: proposed\nsummary: Caf\xe9 and d\xe9j\xe0 vu\n".encode("latin-1"))
    assert_reported(only_problem(tmp_path), path, 3, "", "byte 0xe9 is not UTF-8 (save the file as UTF-8)")


def test_an_empty_file_is_refused(tmp_path):
    path = write_bytes(tmp_path, b"")
    assert_reported(only_problem(tmp_path), path, 1, "", "file is empty")


def test_a_file_of_only_comments_is_refused_as_empty(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        # yaml-language-server: $schema=deal.schema.json
        # Testshire: to be written.

        """,
        complete=False,
    )
    assert_reported(only_problem(tmp_path), path, 1, "", "file is empty")


def test_a_tab_used_for_indenting_is_refused(tmp_path):
    path = write_deal(tmp_path, "place:\n\tname: Testshire\n", complete=False)
    assert_reported(only_problem(tmp_path), path, 2, "", "a tab is used for indenting (indent with spaces)")


def test_a_second_document_in_one_file_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        ---
        title: Another deal
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "", "--- starts a second document (one deal per file")


def test_structure_nested_deeper_than_32_levels_is_refused(tmp_path):
    path = write_deal(tmp_path, "title: " + "[" * 100 + "]" * 100 + "\n")
    assert_reported(only_problem(tmp_path), path, 1, "", "nesting is deeper than 32 levels")


def test_a_file_over_one_megabyte_is_refused_before_it_is_parsed(tmp_path):
    path = write_deal(tmp_path, 'summary: "' + "x" * 1_000_000 + '"\n')
    assert_reported(only_problem(tmp_path), path, 1, "", "(expected at most 1,000,000)")


# --- shape of the file ----------------------------------------------------------------


def test_a_list_at_the_top_level_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        - title: Testshire deal
        - title: Another deal
        """,
        complete=False,
    )
    assert_reported(only_problem(tmp_path), path, 1, "", "expected a mapping of fields starting with title:, got a list")


def test_a_list_where_a_mapping_belongs_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        place: [Testshire, Testshire County Council]
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "place", "expected a mapping of fields, got a list")


def test_a_mapping_where_a_list_belongs_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        accountable_figure:
          role: mayor
          chosen: directly-elected
          scrutinised_by:
            name: Testshire overview and scrutiny committee
        """,
    )
    assert_reported(only_problem(tmp_path), path, 4, "accountable_figure.scrutinised_by", "expected a list, got a mapping")


def test_a_missing_required_field_is_reported_at_the_top_of_the_file(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        status: proposed
        place:
          name: Testshire
          level: county
          partners:
            - name: Testshire County Council
              kind: council
        accountable_figure:
          role: mayor
          chosen: directly-elected
          scrutinised_by: [Testshire overview and scrutiny committee]
        negotiation:
          rounds: [forerunners]
        """,
        complete=False,
    )
    assert_reported(only_problem(tmp_path), path, 1, "summary", "is required but missing")


def test_an_empty_text_field_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title:
        """,
    )
    assert_reported(only_problem(tmp_path), path, 1, "title", "is empty (expected text)")


def test_a_misspelt_field_is_refused_not_ignored(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        sumary: A small deal.
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "sumary", "is not a known field (check the spelling")


def test_a_value_outside_a_fixed_list_is_refused_with_the_allowed_values(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        place:
          name: Testshire
          level: town
          partners:
            - name: Testshire County Council
              kind: council
        """,
    )
    assert_reported(only_problem(tmp_path), path, 3, "place.level", "town is not allowed (expected one of city, county or city-region)")


def test_every_problem_in_one_file_is_reported_together(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        status: signed-off
        place:
          name: Testshire
          level: town
          partners:
            - name: Testshire County Council
              kind: council
        """,
    )
    found = problems(tmp_path / "deals")
    assert [(p.file, p.line, p.field) for p in found] == [(str(path), 1, "status"), (str(path), 4, "place.level")]


# --- file names --------------------------------------------------------------------------


def test_a_file_name_that_is_not_a_slug_is_refused(tmp_path):
    path = write_deal(tmp_path, "", name="Kent Deal.yaml")
    assert_reported(only_problem(tmp_path), path, 1, "", "file name 'Kent Deal' is not a slug")


def test_a_deal_may_not_be_called_index(tmp_path):
    """Found by the outside attack: deals/index.yaml built deals/index.html (MkDocs reads
    deals/index.md as the folder's page) while every link led to deals/index/."""
    path = write_deal(tmp_path, "", name="index.yaml")
    assert_reported(only_problem(tmp_path), path, 1, "", "'index' cannot name a deal")


def test_a_deal_may_not_take_a_name_windows_keeps_for_a_device(tmp_path):
    path = write_deal(tmp_path, "", name="aux.yaml")
    assert_reported(only_problem(tmp_path), path, 1, "", "'aux' cannot name a deal: Windows keeps the name for a device")


def test_a_yml_file_is_refused(tmp_path):
    path = write_deal(tmp_path, "", name="kent.yml")
    assert_reported(only_problem(tmp_path), path, 1, "", "kent.yml should end in .yaml")


def test_a_slug_written_in_the_file_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        slug: testshire-deal
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "slug", "comes from the file name (remove this field)")


def test_an_unknown_shared_file_is_refused(tmp_path):
    path = write_deal(tmp_path, "", name="_foo.yaml")
    assert_reported(only_problem(tmp_path), path, 1, "", "_foo.yaml is not a known shared file")


def test_the_same_slug_in_two_directories_is_refused_in_both(tmp_path):
    first = write_deal(tmp_path, "", name="kent.yaml", folder="deals")
    second = write_deal(tmp_path, "", name="kent.yaml", folder="more-deals")
    found = problems(tmp_path / "deals", tmp_path / "more-deals")
    assert len(found) == 2
    assert_reported(found[0], first, 1, "", f"slug kent is also used by {second}")
    assert_reported(found[1], second, 1, "", f"slug kent is also used by {first}")


def test_the_problems_of_every_file_are_reported_in_one_run(tmp_path):
    kent = write_deal(tmp_path, "title: yes\n", name="kent.yaml")
    essex = write_deal(
        tmp_path,
        """\
        title: Essex deal
        status: signed-off
        """,
        name="essex.yaml",
    )
    found = problems(tmp_path / "deals")
    assert [(p.file, p.line, p.field) for p in found] == [(str(essex), 2, "status"), (str(kent), 1, "title")]


# --- dates ------------------------------------------------------------------------------


def test_an_impossible_date_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        outcomes:
          - id: jobs
            title: More people in work
            indicator: Working-age residents claiming out-of-work benefits
            unit: percent
            baseline: {value: "10.4", date: 2025-04-01}
            target: {value: "9.0", date: 2026-02-30}
            owner: Jobcentre Plus
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 7, "outcomes[0].target.date", "2026-02-30 is not a date (expected YYYY-MM-DD)"
    )


def test_a_date_with_a_time_is_refused_where_a_date_belongs(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        dates:
          invited: 2025-06-01T10:00:00+01:00
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "dates.invited", "has a time (expected a date: 2017-05-04, 2017-05 or 2017)")


def test_a_target_date_before_the_baseline_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        outcomes:
          - id: jobs
            title: More people in work
            indicator: Working-age residents claiming out-of-work benefits
            unit: percent
            baseline: {value: "10.4", date: 2025-04-01}
            target: {value: "9.0", date: 2024-03-31}
            owner: Jobcentre Plus
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 7, "outcomes[0].target.date", "2024-03-31 is not after the baseline date, 2025-04-01"
    )


def test_a_milestone_outside_the_baseline_and_target_dates_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        outcomes:
          - id: jobs
            title: More people in work
            indicator: Working-age residents claiming out-of-work benefits
            unit: percent
            baseline: {value: "10.4", date: 2025-04-01}
            target: {value: "9.0", date: 2028-03-31}
            milestones:
              - {value: "9.8", date: 2026-03-31}
              - {value: "9.0", date: 2029-03-31}
            owner: Jobcentre Plus
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 10, "outcomes[0].milestones[1].date", "2029-03-31 is not between the baseline date"
    )


def test_a_reading_dated_before_the_baseline_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        outcomes:
          - id: jobs
            title: More people in work
            indicator: Working-age residents claiming out-of-work benefits
            unit: percent
            baseline: {value: "10.4", date: 2025-04-01}
            target: {value: "9.0", date: 2028-03-31}
            owner: Jobcentre Plus
            readings:
              - date: 2025-03-31
                value: "10.5"
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 10, "outcomes[0].readings[0].date", "2025-03-31 is before the baseline date, 2025-04-01"
    )


def test_two_readings_on_the_same_date_are_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        outcomes:
          - id: jobs
            title: More people in work
            indicator: Working-age residents claiming out-of-work benefits
            unit: percent
            baseline: {value: "10.4", date: 2025-04-01}
            target: {value: "9.0", date: 2028-03-31}
            owner: Jobcentre Plus
            readings:
              - {date: 2026-03-31, value: "10.1"}
              - {date: 2026-03-31, value: "10.0"}
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 11, "outcomes[0].readings[1].date", "2026-03-31 is the date of another reading"
    )


def test_key_dates_out_of_order_are_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        dates:
          invited: 2025-06-01
          proposed: 2025-09-01
          agreed: 2025-07-01
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 4, "dates.agreed", "2025-07-01 is before the proposed date, 2025-09-01"
    )


def test_a_publish_after_time_without_a_time_zone_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: Testshire deal
        publish_after: 2026-03-01T09:30:00
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "publish_after", "2026-03-01T09:30:00 has no time zone")


# --- references to the shared files ----------------------------------------------------


def test_an_unknown_power_is_refused_with_the_menu(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        powers:
          - power: jetpacks
            status: requested
            from_body: Department for Transport
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 2, "powers[0].power", "jetpacks is not a known power (expected one of adult-education, appointments, business-support,"
    )


def test_an_unknown_round_is_refused_with_the_timetable(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        negotiation:
          rounds: [forerunners, second-tranch]
        """,
    )
    assert str(only_problem(tmp_path)) == (
        f"{path}:2: negotiation.rounds[1]: second-tranch is not a known round: did you mean second-tranche? "
        "(the rounds are listed in deals/_rounds.yaml)"
    )


def test_an_unknown_round_far_from_any_is_refused_with_the_timetable(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        negotiation:
          rounds: [zzz]
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 2, "negotiation.rounds[0]", "zzz is not a known round (expected one of budget-2020, devolution-deals-2014-2016, forerunners,"
    )


def _kent_with(tmp_path, old: str, new: str, count: int = 1) -> Path:
    deals = tmp_path / "deals"
    deals.mkdir()
    for name in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    path = deals / "kent.yaml"
    path.write_text((REPO / "deals" / "kent.yaml").read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")
    return path


def test_a_misspelt_round_of_the_deal_is_one_error_not_one_per_power(tmp_path):
    # Kent's five powers are settled in second-tranche; only the deal's own list is misspelt.
    # The powers are right: telling them to add their round to negotiation.rounds would be
    # wrong advice, and six errors for one slip.
    path = _kent_with(tmp_path, "rounds: [second-tranche]", "rounds: [second-tranch]")
    line = path.read_text(encoding="utf-8").splitlines().index("  rounds: [second-tranch]") + 1
    with pytest.raises(InvalidDeals) as error:
        load_catalogue([path.parent])
    assert [str(p) for p in error.value.problems] == [
        f"{path}:{line}: negotiation.rounds[0]: second-tranch is not a known round: did you mean second-tranche? "
        "(the rounds are listed in deals/_rounds.yaml)"
    ]


def test_a_round_misspelt_everywhere_is_one_error_naming_every_line(tmp_path):
    path = _kent_with(tmp_path, "second-tranche", "second-tranch", 99)
    lines = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if "second-tranch" in text]
    first = lines.pop(lines.index(200))  # negotiation.rounds, the deal's own list, comes first (line 200 of kent.yaml)
    with pytest.raises(InvalidDeals) as error:
        load_catalogue([path.parent])
    assert len(lines) == 9  # five powers, four events
    assert [str(p) for p in error.value.problems] == [
        f"{path}:{first}: negotiation.rounds[0]: second-tranch is not a known round: did you mean second-tranche? "
        "(the rounds are listed in deals/_rounds.yaml) "
        "(also on lines 138, 143, 147, 152, 157, 206, 211, 216 and 221: correct them all)"
    ]


def test_the_same_outcome_id_twice_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        outcomes:
          - id: jobs
            title: More people in work
            indicator: Working-age residents claiming out-of-work benefits
            unit: percent
            baseline: {value: "10.4", date: 2025-04-01}
            target: {value: "9.0", date: 2028-03-31}
            owner: Jobcentre Plus
          - id: jobs
            title: More young people in work
            indicator: Residents aged 18 to 24 claiming out-of-work benefits
            unit: percent
            baseline: {value: "8.1", date: 2025-04-01}
            target: {value: "7.0", date: 2028-03-31}
            owner: Jobcentre Plus
        """,
    )
    assert_reported(only_problem(tmp_path), path, 9, "outcomes[1].id", "jobs is also given at outcomes[0]")


# --- the accountable figure ---------------------------------------------------------------


def test_role_other_without_a_visibility_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        accountable_figure:
          role: other
          title: Leader of the county council
          chosen: indirectly-elected
          scrutinised_by: [Testshire overview and scrutiny committee]
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 1, "accountable_figure.visibility", "is required when role is other"
    )


# --- money and the budget -------------------------------------------------------------------


def test_an_unquoted_decimal_in_a_money_field_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26]
          reduction_percent: 5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: 49.3}
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 9, "budget.lines[0].amounts.2025-26", 'unquoted decimal (expected an exact amount: write it in quotes, "49.3"'
    )


def test_a_number_in_exponent_form_is_refused_in_a_money_field(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26]
          reduction_percent: 5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: 4.93e+1}
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 9, "budget.lines[0].amounts.2025-26", "4.93e+1 is not a plain decimal number (put it in quotes)"
    )


def test_a_decimal_comma_in_a_money_field_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26]
          reduction_percent: 5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "12,5"}
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 9, "budget.lines[0].amounts.2025-26", "12,5 has a comma that is not a thousands separator"
    )


def test_thousands_separators_in_a_quoted_amount_are_accepted(tmp_path):
    write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26]
          reduction_percent: 5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "1,250.5"}
        """,
    )
    deal = load_catalogue([tmp_path / "deals"]).deal("testshire")
    assert deal.budget.lines[0].amounts["2025-26"] == Decimal("1250.5")


def test_an_amount_smaller_than_a_penny_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £
          years: [2025-26]
          reduction_percent: 5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "1250.005"}
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 9, "budget.lines[0].amounts.2025-26", "£1250.005 is not a whole number of pence"
    )


def test_a_percentage_over_100_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26]
          reduction_percent: 5
          savings_share_percent: 150
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "10.0"}
        """,
    )
    assert_reported(only_problem(tmp_path), path, 5, "budget.savings_share_percent", "150 is outside 0-100")


def test_a_negative_percentage_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26]
          reduction_percent: -5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "10.0"}
        """,
    )
    assert_reported(only_problem(tmp_path), path, 4, "budget.reduction_percent", "-5 is outside 0-100")


def test_a_financial_year_written_in_full_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-2026]
          reduction_percent: 5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "10.0"}
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 3, "budget.years[0]", "2025-2026 is not a financial year (expected e.g. 2025-26)"
    )


def test_budget_years_that_skip_a_year_are_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26, 2027-28]
          reduction_percent: 5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "10.0", 2027-28: "10.0"}
        """,
    )
    assert_reported(only_problem(tmp_path), path, 3, "budget.years[1]", "2027-28 does not follow 2025-26")


def test_a_budget_line_missing_a_year_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26, 2026-27, 2027-28]
          reduction_percent: 5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "10.0", 2027-28: "10.0"}
        """,
    )
    assert_reported(only_problem(tmp_path), path, 9, "budget.lines[0].amounts", "has no amount for 2026-27")


def test_a_stated_total_that_does_not_add_up_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26, 2026-27]
          reduction_percent: 5
          savings_share_percent: 50
          stated_total: "40.5"
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "10.0", 2026-27: "10.2"}
            - body: NHS Testshire
              stream: Community health services
              amounts: {2025-26: "10.1", 2026-27: "10.1"}
        """,
    )
    assert_reported(only_problem(tmp_path), path, 6, "budget.stated_total", "40.5 does not equal the lines' total of 40.4")


def test_a_scheme_net_benefit_that_does_not_add_up_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        budget:
          unit: £m
          years: [2025-26]
          reduction_percent: 5
          savings_share_percent: 50
          lines:
            - body: Testshire County Council
              stream: Adult social care
              amounts: {2025-26: "10.0"}
          schemes:
            - name: Care at home
              stated_net_benefit: "5.0"
              bodies:
                - body: Testshire County Council
                  investment: {2025-26: "2.0", 2026-27: "1.0"}
                  benefit: {2025-26: "0.5", 2026-27: "1.5"}
                - body: NHS Testshire
                  investment: {2025-26: "0.5", 2026-27: "0.5"}
                  benefit: {2025-26: "2.0", 2026-27: "4.0"}
        """,
    )
    assert_reported(
        only_problem(tmp_path), path, 12, "budget.schemes[0].stated_net_benefit", "5.0 does not equal benefit less investment, 4.0"
    )


def test_a_power_settled_in_a_round_the_deal_did_not_take_part_in_is_refused(tmp_path):
    deals = tmp_path / "deals"
    deals.mkdir()
    for name in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    source = (REPO / "deals" / "cheshire-west-and-chester.yaml").read_text(encoding="utf-8")
    # Cheshire West took part in second-tranche only; its first power claims forerunners.
    changed = source.replace("    round: second-tranche\n", "    round: forerunners\n", 1)
    line = changed[: changed.index("    round: forerunners")].count("\n") + 1
    (deals / "cheshire-west-and-chester.yaml").write_text(changed, encoding="utf-8")
    with pytest.raises(InvalidDeals) as error:
        load_catalogue([deals])
    [problem] = error.value.problems
    assert (problem.line, problem.field) == (line, "powers[0].round")
    assert "forerunners is not one of this deal's rounds" in problem.message
