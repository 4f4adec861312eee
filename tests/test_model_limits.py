"""Issue 12, "Trust": the limits of the model layer.

Whatever ``dealsite check`` accepts, ``dealsite build`` must build, and no file in deals/
may hang, crash or exhaust a machine. Each test here changes one thing in an otherwise
valid deal (``write_deal`` from test_load) and checks the one problem it gives: file,
line, field and the phrase that says what to do. Figures are worked by hand in comments.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from generator.model import yaml as strict_yaml
from generator.model.load import InvalidDeals, load_catalogue

from test_load import REPO, assert_reported, deals_dir, only_problem, problems, write_bytes, write_deal

# --- YAML: aliases are refused at the first one, on every path ----------------------------

# "Billion laughs": nine levels, the first a list of nine strings, each next one a list of nine
# aliases of the level before. Expanded, the last level holds 9^9 = 387,420,489 strings; the
# issue's 315-byte file took 50 to 80 seconds and over 10 GB to refuse.
BOMB = "".join(
    f"{name}: &{name} [{','.join(['lol'] * 9 if i == 0 else ['*' + prev] * 9)}]\n"
    for i, (prev, name) in enumerate(zip(" abcdefgh", "abcdefghi"))
)


def test_the_bomb_is_a_few_hundred_bytes_of_nine_levels():
    # 44 bytes for the first line, 35 for each of the eight others: 44 + 8 x 35 = 324
    assert len(BOMB.encode()) == 324
    assert BOMB.splitlines()[1] == "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]"


def _events_until_refused(monkeypatch, python: bool) -> int:
    """How many events the composer read from BOMB before refusing it (it raises on its own)."""
    count = [0]
    source = strict_yaml._PythonParser if python else strict_yaml._CParser

    class Counting(source):
        def get_event(self):
            count[0] += 1
            return super().get_event()

    monkeypatch.setattr(strict_yaml, "_PythonParser" if python else "_CParser", Counting)
    with pytest.raises(strict_yaml.YamlError) as refused:
        strict_yaml.parse(BOMB.encode())
    assert (refused.value.line, refused.value.message) == (2, "*a is an alias (repeat the value instead: aliases are not allowed)")
    return count[0]


@pytest.mark.skipif(strict_yaml._CParser is None, reason="PyYAML without libyaml")
def test_libyaml_events_stop_at_the_first_alias(monkeypatch):
    # stream, document, mapping, key a, list, nine lols, list end, key b, list, then *a: 18 events
    assert _events_until_refused(monkeypatch, python=False) == 18


def test_without_libyaml_the_python_parser_stops_at_the_first_alias_too(monkeypatch):
    monkeypatch.setattr(strict_yaml, "_CParser", None)
    assert _events_until_refused(monkeypatch, python=True) == 18


def _quickly(function) -> object:
    started = time.process_time()
    result = function()
    assert time.process_time() - started < 1.0  # it was 50 to 80 seconds
    return result


def test_check_refuses_the_bomb_in_a_deal_file_at_once(tmp_path):
    path = write_deal(tmp_path, BOMB)
    problem = _quickly(lambda: only_problem(tmp_path))
    assert_reported(problem, path, 2, "", "*a is an alias (repeat the value instead")


def test_an_update_whose_front_matter_is_the_bomb_is_refused_at_once(tmp_path):
    from generator.model.updates import load_updates

    catalogue = load_catalogue([REPO / "deals"])
    updates = tmp_path / "updates"
    updates.mkdir()
    (updates / "2026-01-05-laughs.md").write_text(f"---\n{BOMB}---\n\nText.\n", encoding="utf-8")
    with pytest.raises(InvalidDeals) as refused:
        _quickly(lambda: load_updates(updates, catalogue))
    [problem] = refused.value.problems
    assert (problem.line, problem.message) == (3, "*a is an alias (repeat the value instead: aliases are not allowed)")


def test_git_history_refuses_the_bomb_at_once(tmp_path):
    from generator.model.git import Reader

    deals = deals_dir(tmp_path)
    (deals / "testshire.yaml").write_text(BOMB, encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q", "-b", "main"], ["add", "deals"], ["commit", "-q", "-m", "laughs"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    with pytest.raises(InvalidDeals) as refused:
        _quickly(lambda: Reader(deals).catalogue("HEAD"))
    [problem] = refused.value.problems
    assert (problem.line, problem.message) == (2, "*a is an alias (repeat the value instead: aliases are not allowed)")


def test_an_alias_after_many_anchors_is_refused_before_anything_is_expanded(tmp_path):
    # the first alias comes last: the anchors before it are harmless, and nothing is ever expanded
    text = "".join(f"k{i}: &a{i} [lol]\n" for i in range(2000)) + "title: *a0\n"
    path = write_deal(tmp_path, text)
    assert_reported(_quickly(lambda: only_problem(tmp_path)), path, 2001, "", "*a0 is an alias")


# --- YAML: what the pure-Python reader refused with a traceback ------------------------------


def test_a_control_character_in_the_file_is_refused_with_its_line(tmp_path):
    # PyYAML's reader raised ReaderError, which is not a MarkedYAMLError: a traceback
    path = write_bytes(tmp_path, b"title: Testshire deal\nsummary: A small\x01 deal.\n")
    assert_reported(
        only_problem(tmp_path), path, 2, "", "character U+0001 is not allowed in a YAML file (it is a control character: remove it)"
    )


def test_a_whole_number_of_5000_digits_is_refused_not_a_crash(tmp_path):
    # int() refuses more than 4,300 digits with a ValueError, which escaped as a traceback
    path = write_deal(tmp_path, "title: Testshire deal\nsummary: " + "1" * 5000 + "\n")
    assert_reported(only_problem(tmp_path), path, 2, "summary", "is a number 5,000 characters long (expected at most 100; if it is text, put it in quotes)")
