"""The last check reads JSON a part at a time (engine/site_text.py json_parts): data/deals.json
is 56 MB at 1,000 deals, and parsed whole it took 440 MB in the process checking it.

Read in parts, a document must give the last check what it gave parsed whole: the same
keys and scalars as text, in the same order, the same held-back readings, and the same
refusal where it is not JSON.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.engine import gate
from generator.engine.unsafe_markup import Finding, Scripts
from generator.engine.site_links import SiteFiles
from generator.engine.site_text import OPENED, json_parts, json_text, part_strings, strings

_SCALARS = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False) | st.text(max_size=8)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=30)
_LAYOUT = st.sampled_from([{}, {"indent": 2}, {"separators": (",", ":")}, {"indent": "\t", "ensure_ascii": False}])


def _all_strings(text: str, depth: int = 2) -> list[str]:
    return [s for path, value in json_parts(text, depth) for s in part_strings(path, value)]


@settings(max_examples=400, deadline=None)
@given(value=_VALUES, layout=_LAYOUT, depth=st.integers(0, 3))
def test_the_parts_give_the_strings_of_the_whole_document_in_order(value, layout, depth):
    text = json.dumps(value, **layout)
    assert _all_strings(text, depth) == strings(json.loads(text))


@settings(max_examples=600, deadline=None)
@given(text=st.lists(st.sampled_from(['{', '}', '[', ']', ',', ':', '"a"', '"', '1', '-', ' ', '\n', 'true', 'nul', 'NaN', '\\', '\ufeff']), max_size=14).map("".join))
def test_text_json_loads_refuses_is_refused_and_text_it_reads_is_read(text):
    try:
        json.loads(text)
    except ValueError:
        with pytest.raises(ValueError):
            _all_strings(text)
    else:
        _all_strings(text)


def test_a_duplicated_key_gives_every_value_where_json_loads_keeps_the_last():
    text = '{"a": "first held-back text", "a": "second"}'
    assert _all_strings(text) == ["a", "first held-back text", "a", "second"]


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_a_key_given_twice_at_any_depth_gives_every_value_in_document_order(depth):
    inner = '{"a": "first held-back text", "b": 1, "a": "second"}'
    text = '{"deals": [{"outcomes": [' + inner + "]}]}"
    strings_read = _all_strings(text, depth)
    assert strings_read == ["deals", "outcomes", "a", "first held-back text", "b", "1", "a", "second"]
    assert json.loads(inner) == {"a": "second", "b": 1}  # what json.loads keeps: the first text is gone


def test_containers_less_deep_than_asked_are_opened_and_deeper_ones_decoded_whole():
    parts = list(json_parts('{"deals": [{"slug": "x"}], "n": 1}'))
    assert parts == [((), OPENED), (("deals",), OPENED), (("deals", 0), {"slug": "x"}), (("n",), 1)]


def test_json_bytes_are_read_as_json_loads_reads_them():
    assert json_text('\ufeff{"a": "Ynys Môn"}'.encode("utf-8")) == ('{"a": "Ynys Môn"}', True)
    assert json_text('{"a": "Ynys Môn"}'.encode("utf-16")) == ('{"a": "Ynys Môn"}', False)
    assert json_text(b'{"a": "\xff"}') == ('{"a": "\ufffd"}', True)


# --- held-back readings in deal data -------------------------------------------------------------


def _old_in_data(value) -> list[tuple]:
    """The readings the check looked for before it read JSON in parts (json.loads, then this)."""
    deals = value.get("deals", [value]) if isinstance(value, dict) else []
    return [
        (deal.get("slug"), outcome.get("id"), gate._date(reading.get("date")))
        for deal in deals if isinstance(deal, dict)
        for outcome in deal.get("outcomes") or []
        for reading in outcome.get("readings") or []
    ]


def _new_in_data(text: str, wanted) -> list[tuple]:
    data = gate._DealData(wanted)
    for path, value in json_parts(text):
        data.add(path, value)
    return data.readings()


_DATES = st.sampled_from(["2030-01-01", "2014-03-31", "not a date", None])
_READING = st.fixed_dictionaries({"date": _DATES}, optional={"value": st.integers(0, 9)})
_OUTCOME = st.fixed_dictionaries({"id": st.sampled_from(["jobs", "homes"]), "readings": st.lists(_READING, max_size=3)})
_DEAL = st.fixed_dictionaries({"slug": st.sampled_from(["kent", "leeds"]), "outcomes": st.lists(_OUTCOME, max_size=3)}, optional={"title": st.text(max_size=4)})


_KEYS = st.sets(st.tuples(st.sampled_from(["kent", "leeds", None]), st.sampled_from(["jobs", "homes", None]),
                          st.sampled_from([dt.date(2030, 1, 1), dt.date(2014, 3, 31), None])))


@settings(max_examples=300, deadline=None)
@given(doc=_DEAL | st.fixed_dictionaries({"deals": st.lists(_DEAL, max_size=3)}, optional={"n": st.integers()}), keys_first=st.booleans(),
       wanted=_KEYS)
def test_the_wanted_readings_found_in_deal_data_are_those_found_in_it_parsed_whole(doc, keys_first, wanted):
    if not keys_first:  # the slug after the outcomes: a deal's own readings are named at its end
        doc = dict(reversed(list(doc.items())))
    assert _new_in_data(json.dumps(doc), wanted) == [key for key in _old_in_data(doc) if key in wanted]


@pytest.mark.parametrize("text", ['{"deals": null}', '{"outcomes": [1]}', '{"outcomes": [{"readings": ["x"]}]}', '{"slug": {"a": 1}, "outcomes": [{"id": [1], "readings": [{"date": "2030-01-01"}]}]}'])
def test_deal_data_of_the_wrong_shape_is_passed_over_where_it_stopped_the_check(text):
    # each raised TypeError or AttributeError in the check before (a JSON file in content/ is published as it is)
    assert all(isinstance(k, tuple) for k in _new_in_data(text, {(None, None, dt.date(2030, 1, 1)), (None, None, None)}))


def test_a_held_back_reading_in_the_deals_list_of_site_data_is_found(tmp_path):
    """The part-at-a-time path end to end: deals.json with the held-back reading of the second deal."""
    from generator.compute.embargo import HeldBack

    item = HeldBack(kind="reading", name="reading of 1 January 2030", reason="Embargoed until 2030", deal="leeds", outcome="jobs", date=dt.date(2030, 1, 1))
    needles = object.__new__(gate._Needles)
    needles.texts, needles.addresses, needles.readings = [], [], {("leeds", "jobs", dt.date(2030, 1, 1)): item}
    needles.index()
    doc = {"deals": [{"slug": "kent", "outcomes": []}, {"slug": "leeds", "outcomes": [{"id": "jobs", "readings": [{"date": "2030-01-01"}]}]}]}
    found = needles.in_json("data/deals.json", json.dumps(doc).encode())
    assert [f.what.split(" (")[0] for f in found] == ["holds the held-back reading of 1 January 2030"]


def _needles(*texts: str, addresses: tuple[str, ...] = ()) -> "gate._Needles":
    from generator.compute.embargo import HeldBack
    from generator.engine import site_text

    item = HeldBack(kind="deal", name="Zqx deal", reason="Embargoed until 2030")
    needles = object.__new__(gate._Needles)
    needles.texts = [(site_text.squeeze(t), item) for t in texts]
    needles.addresses = [(a, item) for a in addresses]
    needles.readings = {}
    needles.index()
    return needles


_WORDS = st.lists(st.sampled_from(["zqx", "need", "le", " ", "deals/v/", "deals/v", "/", "x", "é"]), max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@example(value=["deals/v", "/"], window=1)  # an address only if two strings ran on into each other across windows
@given(value=st.recursive(_WORDS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_WORDS, inner, max_size=3), max_leaves=20), window=st.integers(1, 30))
def test_held_back_text_in_json_read_in_parts_is_found_as_in_the_whole_text(value, window):
    """Needles spread over keys and values, and addresses, however the parts fall into windows."""
    from generator.engine import site_text

    needles = _needles("zqx needle", addresses=("deals/v/",))
    text = json.dumps(value)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(site_text, "WINDOW", window)
        found = needles.in_json("x.json", text.encode())
    assert found == needles.in_text("x.json", "\n".join(strings(json.loads(text))))


def test_text_that_is_not_json_is_looked_at_as_written_and_is_a_finding_of_its_own():
    needles = _needles("zqx needle")
    as_written = needles.in_text("x.json", '{"a": "zqx needle"')
    assert as_written
    assert needles.in_json("x.json", b'{"a": "zqx needle"') == [*as_written, Finding("x.json", gate.UNREADABLE_JSON)]


@pytest.mark.parametrize("unreadable", ['"n": ' + "1" * 5000, '"n": ' + "[" * 100_000 + "]" * 100_000])
def test_json_python_cannot_parse_is_a_finding_as_its_escaped_text_was_not_read(unreadable):
    # found by the outside attack: the text as written keeps a string's escapes, so a needle
    # written \u0054he... was never seen; a browser or a JSON reader without Python's limits reads it
    raw = ('{"a": "\\u0054he zqx needle", ' + unreadable + "}").encode()
    assert _needles("The zqx needle").in_json("x.json", raw) == [Finding("x.json", gate.UNREADABLE_JSON)]


# --- found by the outside attack on reading JSON in parts ------------------------------------------


@pytest.mark.parametrize("raw", [b'\x00{"x": "zqx needle"} ', b"A\x00 zqx needle! ", b"\xff\xfezqx needle  "])
def test_text_that_json_would_read_as_utf_16_is_also_looked_at_as_utf_8(raw):
    # a NUL in the first two bytes or a UTF-16 byte-order mark makes json.loads read UTF-16,
    # which turns an even number of bytes into other text without an error
    assert _needles("zqx needle").in_json("x.json", raw)


def test_html_entities_in_a_json_string_are_undone_as_the_search_box_shows_them():
    # the search index holds HTML: a held-back summary with an apostrophe is written &#x27;
    raw = json.dumps({"docs": [{"location": "x/", "title": "t", "text": "Zqx&#x27;s needle &amp; more"}]}).encode()
    assert _needles("Zqx's needle & more").in_json("search/search_index.json", raw)


def test_json_nested_deeper_than_python_parses_is_looked_at_as_written():
    raw = b"[" * 100_000 + b'"zqx needle"' + b"]" * 100_000
    assert _needles("zqx needle").in_json("x.json", raw)


def _site_with(tmp_path, name: str, data: bytes):
    site = tmp_path / "site"
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / name).write_bytes(data)
    return site, site / name


def test_a_pdf_under_a_json_name_is_read_as_a_pdf(tmp_path):
    from pypdf import PdfWriter
    import io

    out = io.BytesIO()
    PdfWriter().write(out)  # an empty PDF: what matters is that it is read as one, not as JSON
    site, path = _site_with(tmp_path, "data/pack.json", out.getvalue())
    needles = _needles("zqx needle")
    assert gate._check_file(site, needles, Scripts(site, ()), SiteFiles(()), path) == []  # read as a PDF, no crash
    with pytest.MonkeyPatch.context() as patch:  # and the PDF's text is what is looked at
        patch.setattr(gate, "text_of", lambda name, data: "zqx needle" if data[:5] == b"%PDF-" else "")
        assert gate._check_file(site, needles, Scripts(site, ()), SiteFiles(()), path)


@pytest.mark.parametrize("entry, found", [
    ({"title": "t", "text": "<p>x</p><img src=x onerror=alert(2)>"}, "onerror attribute on <img>"),
    ({"title": '<a href="javascript:alert(1)">t</a>', "text": ""}, "script-capable URL in href on <a>"),
    ({"title": "t", "text": "<script>alert(1)</script>"}, "<script> that is not one of the site's own"),
])
def test_unsafe_markup_in_a_search_index_entry_is_found(tmp_path, entry, found):
    # Material shows an entry's title and text as HTML in the search box
    raw = json.dumps({"config": {}, "docs": [{"location": "a/", "title": "A", "text": "<p>fine</p>"}, {"location": "b/", **entry}]}).encode()
    site, path = _site_with(tmp_path, "search/search_index.json", raw)
    findings = gate._check_file(site, _needles(), Scripts(site, ()), SiteFiles(()), path)
    assert [f.file for f in findings] == ["search/search_index.json"] and found in findings[0].what


def test_markup_split_over_two_search_index_entries_is_read_entry_by_entry(tmp_path):
    """Each entry is shown on its own: an attribute one entry opens cannot hide what the next holds."""
    raw = json.dumps({"docs": [{"location": "a/", "title": "A", "text": '<a title="'}, {"location": "b/", "title": "B", "text": '<img src=x onerror=alert(1)>'}, {"location": "c/", "title": "C", "text": '">'}]}).encode()
    site, path = _site_with(tmp_path, "search/search_index.json", raw)
    assert gate._check_file(site, _needles(), Scripts(site, ()), SiteFiles(()), path)


@pytest.mark.parametrize("page", [b"", b"<!-- nothing -->", b"\x00"])
def test_a_404_page_without_elements_gives_no_traceback(tmp_path, page):
    site, _ = _site_with(tmp_path, "404.html", page)
    assert Scripts(site, ()).inline == set()


# --- found by the second outside attack: the search index as Material's search box reads it -------


def _index_findings(tmp_path, docs: list, before: str = "") -> list:
    raw = ('{"config": {}, ' + before + '"docs": ' + json.dumps(docs) + "}").encode()
    site, path = _site_with(tmp_path, "search/search_index.json", raw)
    return [f.what for f in gate._check_file(site, _needles(), Scripts(site, ()), SiteFiles(()), path)]


@pytest.mark.parametrize("entry, found", [
    ({"location": "b/", "title": "t", "text": "", "tags": ["<img src=x onerror=alert(1)>"]}, "onerror attribute on <img>"),  # tags are shown as HTML
    ({"location": "b/", "title": ["<img src=x onerror=alert(1)>"], "text": ""}, "onerror attribute on <img>"),  # a list is shown string by string
    ({"location": "javascript:alert(1)", "title": "t", "text": ""}, "script-capable URL as the location of an entry"),  # the result's link
    ({"location": "b/", "title": "t", "text": '<meta charset="utf-16"><img src=x onerror=alert(1)>'}, "onerror attribute on <img>"),  # no charset switch inside
])
def test_what_the_search_box_shows_of_an_entry_is_checked(tmp_path, entry, found):
    assert any(found in what for what in _index_findings(tmp_path, [entry]))


def test_a_search_index_python_cannot_read_is_a_finding(tmp_path):
    # a number of 5,000 digits: a browser reads it, Python refuses it (int digits limit)
    findings = _index_findings(tmp_path, [{"location": "b/", "title": "t", "text": "<img src=x onerror=alert(1)>"}], before='"n": ' + "1" * 5000 + ", ")
    assert findings == [gate.UNREADABLE_JSON, "could not be read as JSON, so its entries could not be checked"]


@pytest.mark.parametrize("fragment", ["</p>", "<!-- c -->", "<!DOCTYPE html>", "</>"])
def test_an_entry_holding_no_element_is_no_finding(tmp_path, fragment):
    assert _index_findings(tmp_path, [{"location": "b/", "title": fragment, "text": "<p>fine</p>"}]) == []


def test_json_with_a_byte_order_mark_and_a_byte_that_is_not_utf_8_is_still_read_as_json():
    raw = b"\xef\xbb\xbf" + json.dumps({"a": "Ynys M\u00f4n zqx needle", "b": "caf"}).encode() + b""
    raw = raw.replace(b"caf", b"caf\xe9")  # one Latin-1 byte
    assert json_text(raw)[0].startswith("{")
    assert _needles("Ynys Môn zqx needle").in_json("x.json", raw)
