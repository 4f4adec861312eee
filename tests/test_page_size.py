"""Issue 13: deal pages at most 80 KB. What keeps them small without taking anything a resident
reads: the theme's indentation squeezed, the round most powers share named once, and only the
deal's own rounds charted.

Figures are worked out by hand from the example deal files (deals/*.yaml) named in each test.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from publishing_support import page, text

from generator.engine.mkdocs.layout import squeeze_layout
from generator.pages.views import DealView, PowerView


# --- the theme's indentation -------------------------------------------------------------------


def test_whitespace_holding_a_line_break_becomes_one_line_break():
    assert squeeze_layout("<ul>\n    <li>\n      A\n    </li>\n  </ul>") == "<ul>\n<li>\nA\n</li>\n</ul>"


def test_spaces_without_a_line_break_are_kept():
    assert squeeze_layout("<p>Two  spaces <b>bold</b> text</p>") == "<p>Two  spaces <b>bold</b> text</p>"


def test_scripts_and_preformatted_text_keep_their_whitespace():
    # the last check compares the theme's inline scripts word for word
    kept = "<script>\n  var a = 1;\n\n  var b = 2;\n</script><pre>\n  code\n    indented\n</pre>"
    assert squeeze_layout("<div>\n   </div>\n  " + kept) == "<div>\n</div>\n" + kept


def test_a_no_break_space_beside_a_line_break_is_text_and_kept():
    # HTML collapses only space, tab, line feed, form feed and carriage return
    assert squeeze_layout("<p>50\u00a0\n  km\u2003\n</p>") == "<p>50\u00a0\nkm\u2003\n</p>"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "\t", "\r", "\f", "\n", "\u00a0", "<p>", "<script>", "</script>", "<PRE x>", "</pre>", "<style>", "</style>"]), max_size=40).map("".join))
def test_each_run_of_html_space_holding_a_line_break_becomes_one_outside_kept_elements(html):
    """Against the rule written as one regular expression (the way it was first written)."""
    rule = re.compile(r"(<(script|pre|textarea|style)\b.*?</\2>)|[ \t\r\f\n]*\n[ \t\r\f\n]*", re.S | re.I)
    assert squeeze_layout(html) == rule.sub(lambda m: m.group(1) or "\n", html)


def test_a_built_deal_page_has_no_indented_lines(example_site):
    html = (example_site / "deals" / "kent" / "index.html").read_text(encoding="utf-8")
    assert "\n " not in html and "\n\n" not in html


# --- the timeline ---------------------------------------------------------------------------------
# Issue 16 redrew the timeline as HTML rows (whole labels, wrapped) beside small SVG tracks placed
# in percent; its geometry is tested in tests/test_residents_charts.py.


# --- the powers' round -------------------------------------------------------------------------


def _power(round_title: str) -> PowerView:
    return PowerView("p", "Power", "", "agreed", "Agreed", "Government", "", "", round_title)


def _deal_view(rounds: list[str]) -> DealView:
    return DealView(None, "", "", "", "agreed", "Agreed", None, None, [_power(r) for r in rounds])


def test_the_round_most_powers_share_is_the_usual_one():
    assert _deal_view(["B", "A", "A", "", "B", "A"]).usual_round == "A"


def test_no_round_is_usual_unless_two_powers_share_it():
    assert _deal_view(["A", "B", ""]).usual_round == ""
    assert _deal_view(["", ""]).usual_round == ""


def test_a_deal_page_names_the_usual_round_once_and_the_others_on_their_rows(example_site):
    # deals/greater-manchester-agreement.yaml: 16 powers in devolution-deals-2014-2016,
    # 3 in trailblazer-2023
    powers = page(example_site, "deals/greater-manchester-agreement").xpath("//section[@aria-labelledby='powers']")[0]
    words = text(powers)
    assert "Each power comes from the national round Devolution deals 2014-2016, unless its row names another round." in words
    assert words.count("Round: Devolution deals 2014-2016") == 0
    assert words.count("Round: Trailblazer deeper devolution deals 2023.") == 3


# --- the deal's own rounds ----------------------------------------------------------------------


def test_a_deals_timeline_draws_only_the_rounds_it_took_part_in(example_site):
    # deals/greater-manchester-agreement.yaml: negotiation.rounds [devolution-deals-2014-2016,
    # trailblazer-2023]; its events are in those two or in none
    root = page(example_site, "deals/greater-manchester-agreement")
    figure = root.xpath("//section[@aria-labelledby='negotiation']//figure")[0]
    assert len(figure.xpath(".//*[local-name()='rect' and contains(@class,'ds-band')]")) == 2
    assert [text(li) for li in figure.xpath(".//ol[@class='ds-round-key']/li")] == [
        "Devolution deals 2014-2016 (November 2014 to March 2016)",
        "Trailblazer deeper devolution deals 2023 (March 2023)",
    ]
    # the first event is planned for 3 November 2014, the last in 2025: the axis runs from 1 January
    # 2014 to 1 January 2026, a line for each of the 12 years, labelled every other year (over 8 years)
    years = [t.text for t in figure.xpath(".//*[local-name()='text' and @class='ds-year']")]
    assert years == ["2014", "2016", "2018", "2020", "2022", "2024"]
    assert len(figure.xpath(".//*[local-name()='line' and starts-with(@class,'ds-tick')]")) == 12
