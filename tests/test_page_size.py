"""Issue 13: deal pages at most 80 KB. What keeps them small without taking anything a resident
reads: the theme's indentation squeezed, the timeline's shaded rows and year lines drawn as one
path each, the round most powers share named once, and only the deal's own rounds charted.

Figures are worked out by hand from the example deal files (deals/*.yaml) named in each test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html

from generator.compute.timeline import Chart, Row, Tick, num
from generator.engine.mkdocs.plugin import squeeze_layout
from generator.pages.views import DealView, PowerView


def page(site: Path, url: str):
    return lxml.html.parse(str(site / url / "index.html")).getroot()


def text(element) -> str:
    return " ".join(element.text_content().split())


# --- the theme's indentation -------------------------------------------------------------------


def test_whitespace_holding_a_line_break_becomes_one_line_break():
    assert squeeze_layout("<ul>\n    <li>\n      A\n    </li>\n  </ul>") == "<ul>\n<li>\nA\n</li>\n</ul>"


def test_spaces_without_a_line_break_are_kept():
    assert squeeze_layout("<p>Two  spaces <b>bold</b> text</p>") == "<p>Two  spaces <b>bold</b> text</p>"


def test_scripts_and_preformatted_text_keep_their_whitespace():
    # the last check compares the theme's inline scripts word for word
    kept = "<script>\n  var a = 1;\n\n  var b = 2;\n</script><pre>\n  code\n    indented\n</pre>"
    assert squeeze_layout("<div>\n   </div>\n  " + kept) == "<div>\n</div>\n" + kept


def test_a_built_deal_page_has_no_indented_lines(example_site):
    html = (example_site / "deals" / "kent" / "index.html").read_text(encoding="utf-8")
    assert "\n " not in html and "\n\n" not in html


# --- the timeline's paths ----------------------------------------------------------------------


def _chart(rows: list[Row], ticks: list[Tick]) -> Chart:
    return Chart(720, 120, 190.0, 704.0, 46, 108, 8, [], ticks, rows, dt.date(2014, 1, 1), dt.date(2016, 1, 1))


def test_every_other_row_is_shaded_by_one_path_of_24_high_rectangles():
    rows = [Row("a", 58, [], False), Row("b", 82, [], True), Row("c", 106, [], False), Row("d", 130, [], True)]
    # row b is centred on 82: its band runs from 70 to 94, the full 720 wide
    assert _chart(rows, []).stripes_path == "M0 70h720v24H0zM0 118h720v24H0z"


def test_year_lines_are_one_path_from_above_the_years_to_the_bottom():
    # top 46: lines start 30 above it, at 16; the bottom is 108
    assert _chart([], [Tick(190.0, "2014"), Tick(447.3, "2015")]).ticks_path == "M190 16V108M447.3 16V108"


def test_coordinates_are_written_without_a_needless_decimal():
    assert [num(58.0), num(345.4), num(12.25), num(0.0)] == ["58", "345.4", "12.2", "0"]


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
    # the first event is planned for 3 November 2014, the last in 2025: the axis runs 2014 to 2025
    years = [t.text for t in figure.xpath(".//*[local-name()='g' and @class='ds-year']/*")]
    assert years[0] == "2014" and years[-1] == "2025"
