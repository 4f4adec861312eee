"""Issue 16 in a real browser (Debian's chromium), at 390 px and 1280 px: the timetable chart, a
deal's negotiation chart and outcome charts pass axe-core (WCAG 2.2 A/AA) with no console error,
failed request or request to another host; every label is whole (wrapped, never cut or
overflowing); the outcome charts' words stay inside their pictures; the timetable's filter box
hides the deals that do not match, and every deal shows without script."""

from __future__ import annotations

import pytest
from browser import WIDTHS, open_page, run_axe


pytestmark = pytest.mark.xdist_group("browser")

PAGES = {
    "timetable": "timetable/",
    "deal with long labels": "deals/cornwall/",
    "deal with final results": "deals/greater-manchester/",
    "deal with outcome charts": "deals/kent/",
}


@pytest.mark.parametrize("kind", PAGES)
def test_charts_pass_axe_with_no_console_errors_or_other_hosts(kind, example_server, context):
    page, log = open_page(context, example_server + PAGES[kind])
    assert page.locator("figure.ds-tl-figure, svg.ds-oc").count() > 0
    assert log.problems() == []
    assert run_axe(page) == []
    page.close()


# Each row label of a negotiation chart: its text, whether it is cut with an ellipsis by CSS or
# overflows its box, and whether its box lies inside the chart's.
_LABELS = """() => {
    const figure = document.querySelector('figure.ds-tl-figure').getBoundingClientRect();
    return Array.from(document.querySelectorAll('ol.ds-tl-rows > li > span')).map(span => {
        const box = span.getBoundingClientRect(), style = getComputedStyle(span);
        return {text: span.firstChild ? span.childNodes[0].textContent : '',
                all: span.textContent, cut: style.textOverflow === 'ellipsis' && style.overflow !== 'visible',
                overflows: span.scrollWidth > span.clientWidth + 1,
                inside: box.left >= figure.left - 1 && box.right <= figure.right + 1, width: box.width};
    });
}"""


@pytest.mark.parametrize("url", ["deals/cornwall/", "timetable/"])
def test_every_chart_label_is_whole_wrapped_and_inside_the_chart(url, example_server, context, catalogue):
    page, _ = open_page(context, example_server + url)
    labels = page.evaluate(_LABELS)
    assert labels
    for label in labels:
        assert "\u2026" not in label["all"] and not label["cut"] and not label["overflows"], label
        assert label["inside"] and label["width"] > 100, label
    if url == "deals/cornwall/":
        deal = catalogue.deal("cornwall")
        shown = " ".join(label["all"] for label in labels)
        for e in deal.negotiation.events:  # each title whole, however long
            assert e.title in shown, e.title
        # "The council's 'Standing up for Cornwall' campaign, and the Case for Cornwall drafted" is
        # wider than a phone's label column: on a phone it wraps onto more than one line
        if page.viewport_size["width"] == 390:
            lines = page.evaluate(
                """() => { const s = Array.from(document.querySelectorAll('ol.ds-tl-rows > li > span'))
                    .find(s => s.textContent.includes('Standing up for Cornwall'));
                    const r = document.createRange(); r.selectNodeContents(s.childNodes[0]);
                    return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; }"""
            )
            assert lines >= 2
    page.close()


# Each text of each outcome chart, in the chart's own units: inside its 320 x 100 viewBox.
_TEXTS = """() => Array.from(document.querySelectorAll('svg.ds-oc text')).map(t => {
    const b = t.getBBox(); return {text: t.textContent, left: b.x, right: b.x + b.width, top: b.y, bottom: b.y + b.height};
})"""


def test_outcome_chart_words_stay_inside_their_pictures(example_server, context):
    for url in ("deals/kent/", "deals/greater-manchester/", "deals/west-yorkshire/"):
        page, _ = open_page(context, example_server + url)
        texts = page.evaluate(_TEXTS)
        assert texts, url
        for t in texts:
            assert t["left"] >= -0.5 and t["right"] <= 320.5 and t["top"] >= -0.5 and t["bottom"] <= 100.5, (url, t)
        page.close()


def test_an_outcome_charts_table_is_read_by_screen_readers_not_shown(example_server, context):
    page, _ = open_page(context, example_server + "deals/kent/")
    table = page.locator(".ds-sr table").first
    assert table.count() == 1
    box = page.locator(".ds-sr").first.bounding_box()
    assert box is None or (box["width"] <= 1 and box["height"] <= 1)
    # in the accessibility tree, as a table named by its caption, with its cells
    caption = table.locator("caption").text_content()
    assert caption.startswith(("Reading", "Latest"))
    named = page.get_by_role("table", name=caption, exact=True).first
    assert named.get_by_role("columnheader").first.text_content() == "Month"
    assert named.get_by_role("cell").count() >= 2
    page.close()


def test_the_timetable_filter_hides_other_deals_and_every_deal_shows_without_it(example_server, browser, catalogue):
    context = browser.new_context(viewport=WIDTHS["desktop"], java_script_enabled=False)
    page, _ = open_page(context, example_server + "timetable/")
    assert page.locator("li[data-ds-row]").count() == len(catalogue.deals)
    context.close()
    context = browser.new_context(viewport=WIDTHS["mobile"])
    page, log = open_page(context, example_server + "timetable/")
    page.get_by_label("Filter the deals on this page").fill("cornwall")
    assert page.locator("li[data-ds-row]:visible").count() == 1
    assert page.locator("tr[data-ds-row]:visible").count() == 1
    assert page.locator(".ds-filter-status").first.text_content() == f"1 of {len(catalogue.deals)} deals shown"
    assert log.problems() == []
    context.close()


def test_the_charts_print_whole_without_the_sticky_axis(example_server, browser):
    context = browser.new_context(viewport=WIDTHS["desktop"])
    page, _ = open_page(context, example_server + "timetable/")
    page.emulate_media(media="print")
    assert page.locator("figure.ds-tl-figure").is_visible()
    assert page.locator(".ds-tl-axis").first.evaluate("e => getComputedStyle(e).position") == "static"
    page, _ = open_page(context, example_server + "deals/greater-manchester/")
    page.emulate_media(media="print")
    assert page.locator("svg.ds-oc").first.is_visible()
    assert page.locator("svg.ds-oc").first.evaluate("e => getComputedStyle(e).printColorAdjust") == "exact"
    context.close()
