"""The last check's one pass per file (engine/gate.py): the automaton that finds held-back
texts and the combined matcher that decides which files need a closer look for addresses must
never let through what a search needle by needle would have caught: overlapping needles, a
needle inside another, every kind of space."""

from __future__ import annotations

import datetime as dt
import re
import sys

from generator.compute.embargo import HeldBack, Publication
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.engine.gate import _automaton, _matcher, _Needles
from generator.engine.site_text import squeeze as _squeeze
from generator.engine.site_text import strings as _strings
from generator.model import Catalogue

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)


def _publication(*held: HeldBack) -> Publication:
    return Publication(NOW, False, Catalogue(deals=[], rounds=[], powers=[]), (), held)


def _deal(slug: str, *texts: str) -> HeldBack:
    return HeldBack("deal", f"{slug} deal", "Embargoed until 1 January 2030", deal=slug, texts=texts)


def test_the_matcher_finds_each_of_two_overlapping_needles_alone():
    matcher = _matcher(["abcdefgh", "defghijk"])
    assert matcher.search("xxabcdefghxx")
    assert matcher.search("xxdefghijkxx")
    assert not matcher.search("xxabcdefgxx defghijxx")


def test_the_matcher_finds_a_needle_that_starts_another_and_one_inside_another():
    matcher = _matcher(["abcdefgh", "abcdefghijkl", "cdefghij"])
    assert matcher.search("--abcdefgh--")  # the shorter of two with the same start
    assert matcher.search("--bcdefghij--")  # only the one inside the others
    assert not matcher.search("--abcdefg--bcdefgh--")


def test_the_matcher_takes_needles_longer_than_the_recursion_limit_and_regex_characters():
    long = "ab" * sys.getrecursionlimit()
    matcher = _matcher([long, "a.b*c(d)[e]"])
    assert matcher.search("x" + long + "x")
    assert not matcher.search(long[:-1])
    assert matcher.search("-a.b*c(d)[e]-")
    assert not matcher.search("-axbbc(d)[e]-")  # . and * are characters, not patterns


def test_no_needles_means_no_matcher():
    assert _matcher([]) is None


def _found(automaton, text: str) -> set[int]:
    return {i for _, indices in automaton.iter(text) for i in indices}


def test_the_automaton_names_each_of_two_overlapping_needles_and_one_inside_another():
    automaton = _automaton(["abcdefgh", "defghijk", "abcdefghijkl", "cdefghij"])
    assert _found(automaton, "xxabcdefghijklxx") == {0, 1, 2, 3}
    assert _found(automaton, "xxabcdefghxx") == {0}
    assert _found(automaton, "--bcdefghij--") == {3}
    assert _found(automaton, "xxabcdefgxx defghijxx") == set()


def test_the_automaton_names_every_item_that_has_the_same_needle():
    automaton = _automaton(["abcdefgh", "zzzzzzzz", "abcdefgh"])
    assert _found(automaton, "..abcdefgh..") == {0, 2}


def test_no_needles_means_no_automaton():
    assert _automaton([]) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abc.é\ud800\U0001f600", min_size=1, max_size=6), min_size=1, max_size=8), st.text(alphabet="abc.é \ud800\U0001f600", max_size=60))
def test_the_automaton_finds_exactly_the_needles_a_search_needle_by_needle_finds(needles, text):
    assert _found(_automaton(needles), text) == {i for i, needle in enumerate(needles) if needle in text}


def test_both_items_of_overlapping_needles_in_one_file_are_named():
    # "Harbour Ward deal" and "Ward deal money" overlap in the page's text; each is an item.
    first, second = _deal("harbour", "Harbour Ward deal"), _deal("money", "Ward deal money")
    needles = _Needles(_publication(first, second))
    found = needles.in_text("index.html", "<p>The Harbour Ward deal money arrives.</p>")
    assert [f.what.split(" (")[0] for f in found] == ["shows text of the held-back deal harbour deal", "shows text of the held-back deal money deal"]


def test_a_needle_spread_over_lines_and_unicode_spaces_is_found():
    needles = _Needles(_publication(_deal("vale", "Zqx Vale devolution")))
    spread = "zqx\u00a0VALE\u2003\n devolution"  # no-break and em spaces, a line break, capitals
    assert len(needles.in_text("index.html", spread)) == 1
    assert needles.in_text("index.html", "Zqx Vale revolution") == []


def test_squeeze_removes_exactly_what_a_regular_expression_space_matches():
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    assert _squeeze("A" + "".join(spaces) + "b") == "ab"
    assert len(spaces) == 29  # \t \n \v \f \r, \x1c-\x1f, space, \x85, \xa0 and 17 more from Unicode
    assert _squeeze("a\u200bb") == "a\u200bb"  # a zero-width space is not a space to either


def test_the_strings_of_json_are_keys_and_values_in_document_order():
    value = {"a": [1, {"b": "c"}], "d": None, "e": True, "f": [[["deep"]]]}
    assert _strings(value) == ["a", "1", "b", "c", "d", "e", "True", "f", "deep"]
