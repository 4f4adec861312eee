"""Loading deals quickly without changing what is accepted or refused.

Two things make loading fast (issue 8): ``strict_yaml`` composes data straight from libyaml's
events (the pure-Python parser reads a file only when libyaml refuses it, to word the message),
and ``load`` parses files in forked worker processes once there are enough of them. These tests
specify that both give exactly what the plain way gives. No timings: what is checked is which
way a file took.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from corpus import write_project
from test_load import REPO, assert_reported, only_problem, write_deal

from generator.model import load
from generator.model import yaml as strict_yaml
from generator.model.digest import forget_caches
from generator.model.load import InvalidDeals, Problem, load_catalogue


@pytest.fixture(scope="session")
def bench_deals(tmp_path_factory) -> Path:
    """Eight synthetic deals as the benchmark writes them (about 36 KB each), with their shared files."""
    project = tmp_path_factory.mktemp("bench") / "project"
    write_project(project, 8)
    return project / "deals"


@pytest.fixture
def corpus(tmp_path, bench_deals) -> Path:
    """The example deals and the bench deals in one folder: 16 deal files (8 examples, 8 bench deals)."""
    folder = tmp_path / "deals"
    shutil.copytree(bench_deals, folder)
    for example in (REPO / "deals").glob("[a-z]*.yaml"):
        shutil.copy(example, folder / example.name)
    for shared in ("_rounds.yaml", "_deflators.yaml"):
        shutil.copy(REPO / "deals" / shared, folder / shared)  # the bench's powers menu is the examples' plus its own
    return folder


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test reads its files afresh: the cache of unchanged deals is per process."""
    forget_caches()
    yield
    forget_caches()


def _exact(raw: bytes) -> strict_yaml.Document:
    """The file read the plain way: the same composer over PyYAML's pure-Python parser's events."""
    doc = strict_yaml.Document(None)
    doc.data, python = strict_yaml._composed(strict_yaml.decode(raw), doc.lines, True)
    assert python
    return doc


def _deal_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("[a-z]*.yaml"))


# --- the fast way of reading a file ------------------------------------------------------


def test_valid_deals_are_read_from_libyaml_without_the_python_parser(corpus, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a valid deal file went the slow way")

    monkeypatch.setattr(strict_yaml, "_PythonParser", refuse)
    catalogue = load_catalogue([corpus])
    assert len(catalogue.deals) == 16  # 8 examples + 8 bench deals


def test_libyaml_gives_the_same_data_and_lines_as_the_python_parser(corpus):
    files = _deal_files(corpus)
    assert len(files) == 16
    for path in files:
        raw = path.read_bytes()
        fast, exact = strict_yaml.parse(raw), _exact(raw)
        assert not fast._python, path.name
        assert fast.data == exact.data, path.name
        assert fast.lines == exact.lines, path.name


def test_exclamation_marks_in_text_are_accepted(tmp_path):
    # "!" may start a tag, but in text it is only text
    write_deal(tmp_path, "title: Testshire deal!\nsummary: 'Agreed: more homes!'\n")
    deal = load_catalogue([tmp_path / "deals"]).deal("testshire")
    assert (deal.title, deal.summary) == ("Testshire deal!", "Agreed: more homes!")


def test_an_explicit_str_tag_is_accepted_as_the_text_it_tags(tmp_path):
    write_deal(tmp_path, "title: !!str 2026\n")
    assert load_catalogue([tmp_path / "deals"]).deal("testshire").title == "2026"


def test_a_tag_naming_the_type_yaml_would_give_anyway_is_refused(tmp_path):
    # libyaml's own composer recorded !!int 2281408 as the plain 2281408 would be: the event shows the tag
    path = write_deal(
        tmp_path,
        """\
        place:
          name: Testshire
          level: county
          population: !!int 2281408
          partners:
            - name: Testshire County Council
              kind: council
        """,
    )
    assert_reported(only_problem(tmp_path), path, 4, "place.population", "tag !!int is not allowed (write plain values)")


def test_a_map_tag_on_a_mapping_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        place: !!map
          name: Testshire
          level: county
          partners:
            - name: Testshire County Council
              kind: council
        """,
    )
    assert_reported(only_problem(tmp_path), path, 1, "place", "tag !!map is not allowed (write plain values)")  # the tag's line


def test_an_alias_in_a_file_that_also_has_an_exclamation_mark_is_refused(tmp_path):
    path = write_deal(
        tmp_path,
        """\
        title: &name Testshire deal!
        summary: *name
        """,
    )
    assert_reported(only_problem(tmp_path), path, 2, "", "*name is an alias (repeat the value instead")


def test_nesting_50000_deep_is_refused_at_level_33_without_crashing(tmp_path):
    # libyaml's own composer recursed on the C stack, and 50,000 brackets crashed the process;
    # the composer keeps its own stack and stops at the 33rd level
    depth = 50_000
    path = write_deal(tmp_path, "title: " + "[" * depth + "]" * depth + "\n")
    assert_reported(only_problem(tmp_path), path, 1, "", "nesting is deeper than 32 levels")


def test_a_problem_in_a_file_read_the_fast_way_names_the_line_of_its_field(tmp_path, bench_deals):
    bench_deal = _deal_files(bench_deals)[0]
    lines = bench_deal.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines) if text.startswith("  population: ")) + 2  # the line after it
    lines.insert(line - 1, "  colour: blue\n")
    path = write_deal(tmp_path, "".join(lines), name=bench_deal.name, complete=False)
    shutil.copy(bench_deals / "_powers.yaml", path.parent / "_powers.yaml")
    assert_reported(only_problem(tmp_path), path, line, "place.colour", "is not a known field")


# --- parsing in worker processes ----------------------------------------------------------


def _break(folder: Path) -> None:
    """One file of each kind of problem, spread over both halves of the sorted file list."""
    files = _deal_files(folder)
    first, last = files[0], files[-1]
    # a YAML trap (read the exact way) in the first file
    first.write_text(first.read_text(encoding="utf-8").replace("title: ", "title: &t ", 1) + "extra: *t\n", encoding="utf-8")
    # a power missing from the menu (a cross-file check needing a line) in the second and the last;
    # "- power: " is an item of powers (a menu id), not scrutiny_powers' free-text power
    for path in (files[1], last):
        text = path.read_text(encoding="utf-8")
        assert "- power: " in text, path.name
        path.write_text(text.replace("- power: ", "- power: no-such-", 1), encoding="utf-8")
    # a misspelt field (a validation error) in the third
    third = files[2]
    third.write_text(third.read_text(encoding="utf-8").replace("summary:", "sumary:", 1), encoding="utf-8")


def _problems(folder: Path, jobs: int) -> list[Problem]:
    forget_caches()
    with pytest.raises(InvalidDeals) as refused:
        load_catalogue([folder], jobs=jobs)
    return refused.value.problems


def test_two_processes_load_the_same_catalogue_as_one(corpus):
    one = load_catalogue([corpus], jobs=1)
    forget_caches()
    two = load_catalogue([corpus], jobs=2)
    assert len(two.deals) == 16
    assert two == one


def test_two_processes_report_the_same_problems_as_one(corpus):
    _break(corpus)
    one = _problems(corpus, jobs=1)
    two = _problems(corpus, jobs=2)
    files = _deal_files(corpus)
    broken = {str(p) for p in (files[0], files[1], files[2], files[-1])}
    assert {p.file for p in one} == broken
    assert two == one


def test_an_unchanged_file_gives_the_same_deal_object_after_loading_in_two_processes(corpus):
    before = {d.slug: d for d in load_catalogue([corpus], jobs=2).deals}
    changed = corpus / "kent.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
    after = {d.slug: d for d in load_catalogue([corpus], jobs=2).deals}
    assert [s for s in after if after[s] is not before[s]] == ["kent"]
    assert after["kent"].title.startswith("Revised ")


def _parsing_pids(folder: Path, monkeypatch, tmp_path: Path) -> set[int]:
    """The processes that parsed the deal files of one load_catalogue([folder])."""
    log = tmp_path / "pids.txt"
    parse = load._load_deal

    def logged(path, raw=None):
        with open(log, "a", encoding="utf-8") as f:  # a worker's own list would die with it
            f.write(f"{os.getpid()}\n")
        return parse(path, raw)

    monkeypatch.setattr(load, "_load_deal", logged)
    load_catalogue([folder])
    return {int(line) for line in log.read_text(encoding="utf-8").split()}


def test_with_dealsite_jobs_2_and_parallel_from_files_a_worker_process_parses_some(corpus, monkeypatch, tmp_path):
    monkeypatch.setenv("DEALSITE_JOBS", "2")
    monkeypatch.setattr(load, "PARALLEL_FROM", 16)  # the corpus has 16 deal files
    pids = _parsing_pids(corpus, monkeypatch, tmp_path)
    assert len(pids) == 2 and os.getpid() in pids


def test_below_parallel_from_files_all_are_parsed_in_this_process(corpus, monkeypatch, tmp_path):
    monkeypatch.setenv("DEALSITE_JOBS", "2")
    monkeypatch.setattr(load, "PARALLEL_FROM", 17)  # one more than the 16 files
    assert _parsing_pids(corpus, monkeypatch, tmp_path) == {os.getpid()}
