"""The last check's one pass per file (engine/gate.py): the finder of held-back texts and
addresses must never let through what a search needle by needle would have caught:
overlapping needles, a needle inside another, every kind of space, any character."""

from __future__ import annotations

import datetime as dt
import re
import sys

from generator.compute.embargo import HeldBack, Publication
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.engine.gate import _Finder, _Needles
from generator.engine.site_text import squeeze as _squeeze
from generator.engine.site_text import strings as _strings
from generator.model import Catalogue

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)


def _publication(*held: HeldBack) -> Publication:
    return Publication(NOW, False, Catalogue(deals=[], rounds=[], powers=[]), (), held)


def _deal(slug: str, *texts: str) -> HeldBack:
    return HeldBack("deal", f"{slug} deal", "Embargoed until 1 January 2030", deal=slug, texts=texts)


def test_the_finder_names_each_of_two_overlapping_needles_and_one_inside_another():
    finder = _Finder(["abcdefgh", "defghijk", "abcdefghijkl", "cdefghij"])
    assert finder.found("xxabcdefghijklxx") == {0, 1, 2, 3}
    assert finder.found("xxabcdefghxx") == {0}
    assert finder.found("--bcdefghij--") == {3}
    assert finder.found("xxabcdefgxx defghijxx") == set()


def test_the_finder_names_a_needle_that_starts_another_alone():
    finder = _Finder(["abcdefgh", "abcdefghijkl"])
    assert finder.found("--abcdefgh--") == {0}  # the shorter of two with the same start
    assert finder.found("--abcdefghijkl--") == {0, 1}


def test_the_finder_names_every_item_that_has_the_same_needle():
    finder = _Finder(["abcdefgh", "zzzzzzzz", "abcdefgh"])
    assert finder.found("..abcdefgh..") == {0, 2}


def test_the_finder_takes_needles_longer_than_the_recursion_limit_and_regex_characters():
    long = "ab" * sys.getrecursionlimit()
    finder = _Finder([long, "a.b*c(d)[e]"])
    assert finder.found("x" + long + "x") == {0}
    assert finder.found(long[:-1]) == set()
    assert finder.found("-a.b*c(d)[e]-") == {1}
    assert finder.found("-axbbc(d)[e]-") == set()  # . and * are characters, not patterns


def test_a_needle_is_found_by_its_characters_not_by_bytes_inside_another_character():
    # "é" is C3 A9 in UTF-8 and "©" is C2 A9: a needle starting "\u00a9" must not be found
    # in the second byte of another character.
    finder = _Finder(["\u00a9abcdefg"])
    assert finder.found("\u00e9abcdefg") == set()
    assert finder.found("x\u00a9abcdefg") == {0}


def test_no_needles_means_an_empty_finder():
    assert not _Finder([])
    assert _Finder([]).found("anything") == set()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abc.é\ud800\udc00\U0001f600", min_size=1, max_size=6), min_size=1, max_size=8), st.text(alphabet="abc.é \ud800\udc00\U0001f600", max_size=60))
def test_the_finder_finds_exactly_the_needles_a_search_needle_by_needle_finds(needles, text):
    assert _Finder(needles).found(text) == {i for i, needle in enumerate(needles) if needle in text}


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
