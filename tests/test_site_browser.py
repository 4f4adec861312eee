"""The public site in a real browser (Debian's chromium through Playwright).

Every page type is opened from a local server at desktop and mobile widths: no console
errors, no failed requests, no request to any other host, no axe-core violation of
WCAG 2.2 A/AA. Search finds a deal by a word of one of its outcomes; the scripts only
enhance (sorting, filtering, choosing deals to compare) and the pages work without them;
a hostile deal title stays text in the browser too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import MOBILE, WIDTHS, open_page, run_axe


pytestmark = pytest.mark.xdist_group("browser")

REPO = Path(__file__).resolve().parents[1]
HOSTILE = "</title><script>alert(1)</script>"
PAGE_TYPES = {
    "home": "",
    "deal": "deals/greater-manchester/",
    "deal tables": "deals/greater-manchester/tables/",
    "powers": "powers/",
    "accountability": "accountability/",
    "compare": "compare/",
    "compare two deals": "compare/?deal=kent&deal=essex",
    "timetable": "timetable/",
}


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=WIDTHS["desktop"])
    yield context
    context.close()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_type_loads_only_from_the_local_server_without_errors(kind, example_server, context):
    page, log = open_page(context, example_server + PAGE_TYPES[kind])
    assert log.requests, "the page made no requests at all"
    assert log.problems() == []
    page.close()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_type_has_no_wcag_22_aa_violations(kind, example_server, context):
    page, _ = open_page(context, example_server + PAGE_TYPES[kind])
    assert run_axe(page) == []
    page.close()


def test_search_finds_a_deal_by_a_word_from_one_of_its_outcomes(example_server, desktop, catalogue):
    # Greater Manchester's outcome "Children ready for school" (id early-years).
    assert any(o.title == "Children ready for school" for o in catalogue.deal("greater-manchester").outcomes)
    page, log = open_page(desktop, example_server)
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("ready")
    page.wait_for_selector(".md-search-result__item a")
    links = page.locator(".md-search-result__item a").evaluate_all("els => els.map(a => a.href)")
    assert any("/deals/greater-manchester/" in link for link in links), links
    assert log.problems() == []


def test_home_sort_button_orders_deals_by_budget(example_server, desktop, catalogue):
    page, _ = open_page(desktop, example_server)
    budget = page.locator("table.ds-deals thead th").nth(5)
    budget.get_by_role("button").click()
    budget.get_by_role("button").click()
    assert budget.get_attribute("aria-sort") == "descending"
    first = page.locator("table.ds-deals tbody tr").first.locator("td").first.inner_text()

    def total(deal):  # exact pence, as the page sums them
        b = deal.budget
        return sum(b.pence(a) for line in b.lines for a in line.amounts.values()) if b else -1

    assert first == max(catalogue.deals, key=total).place.name


def test_home_filter_shows_only_matching_deals(example_server, desktop, catalogue):
    page, _ = open_page(desktop, example_server)
    page.get_by_label("Filter deals").fill("county")
    counties = sorted(d.place.name for d in catalogue.deals if d.place.level.value == "county")
    shown = page.locator("table.ds-deals tbody tr:not([hidden]) td:first-child").all_inner_texts()
    assert sorted(shown) == counties
    assert page.get_by_role("status").inner_text() == f"{len(counties)} of {len(catalogue.deals)} deals shown"


def test_compare_shows_only_the_chosen_deals(example_server, desktop, catalogue):
    page, _ = open_page(desktop, example_server + "compare/?deal=kent&deal=essex")
    visible = page.locator("table.ds-compare tbody th:visible").all_inner_texts()  # a row per deal
    # rows are named by deal title (one place may have several deals): deals/essex.yaml and deals/kent.yaml
    assert sorted(visible) == ["Essex community budget", "Kent county deal"]
    assert page.locator("form[data-ds-compare]").is_visible()
    checked = page.locator("form[data-ds-compare] input:checked").evaluate_all("els => els.map(e => e.value)")
    assert sorted(checked) == ["essex", "kent"]


def test_without_javascript_every_deal_is_listed_and_compared(example_server, browser, catalogue):
    context = browser.new_context(viewport=WIDTHS["desktop"], java_script_enabled=False)
    page, _ = open_page(context, example_server)
    assert page.locator("table.ds-deals tbody tr:visible").count() == len(catalogue.deals)
    page, _ = open_page(context, example_server + "compare/?deal=kent")
    assert page.locator("table.ds-compare tbody th:visible").count() == len(catalogue.deals)
    assert not page.locator("form[data-ds-compare]").is_visible()
    context.close()


def test_deal_page_fits_a_phone_without_sideways_scrolling_of_the_page(example_server, browser):
    context = browser.new_context(viewport=MOBILE)
    page, _ = open_page(context, example_server + "deals/greater-manchester/")
    # wide tables and charts scroll inside their own region; the page itself does not
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    context.close()


def test_budget_figures_are_right_aligned_and_their_text_cells_left(example_server, desktop):
    # the budget tables carry no class per cell: table.ds-budget right-aligns every td but ds-text
    page, _ = open_page(desktop, example_server + "deals/cheshire-west-and-chester/")
    cells = page.locator("table.ds-budget td").evaluate_all(
        "els => els.map(e => [e.textContent, e.classList.contains('ds-text'), getComputedStyle(e).textAlign])"
    )
    money = [align for text, is_text, align in cells if not is_text and "£" in text]
    words = [align for text, is_text, align in cells if is_text]
    assert money and set(money) == {"right"}
    assert words and set(words) == {"left"}  # the payback years


def test_deal_page_chart_keys_show_a_swatch_like_their_bars(example_server, desktop):
    page, _ = open_page(desktop, example_server + "deals/cheshire-west-and-chester/")
    swatches = page.locator(".ds-swatch").evaluate_all(
        "els => els.map(e => { const s = getComputedStyle(e, '::before'); return [s.width, s.borderTopStyle]; })"
    )
    # agreed budget, savings required (outlined, dashed), share of investment, share of net benefit
    assert swatches == [["20px", "solid"], ["20px", "dashed"], ["20px", "solid"], ["20px", "solid"]]


def test_print_stylesheet_hides_navigation_and_search(example_server, desktop):
    page, _ = open_page(desktop, example_server + "deals/greater-manchester/")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator("#outcomes").is_visible()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, build_site_from, served):
    kent = (REPO / "deals/kent.yaml").read_text(encoding="utf-8")
    hostile = re.sub(r"(?m)^title: .*$", f"title: '{HOSTILE}'", kent, count=1)
    site = build_site_from(tmp_path_factory.mktemp("hostile-browser"), {"hostile.yaml": hostile})
    with served(site) as url:
        yield url


def test_hostile_deal_title_is_shown_as_text_and_never_runs(hostile_server, desktop):
    page, log = open_page(desktop, hostile_server + "deals/hostile/")
    assert page.title() == f"{HOSTILE} - Place deals"
    assert page.locator("article h1").inner_text() == HOSTILE
    page, home_log = open_page(desktop, hostile_server)
    # as text in the deal list, and in the A to Z under each place and council it names (issue 16)
    assert page.locator("table").get_by_role("link", name=HOSTILE).count() == 1
    assert page.locator("nav.ds-az ~ .ds-az-lists").get_by_role("link", name=HOSTILE).count() >= 1
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("Kent")  # the hostile deal is a copy of Kent
    page.wait_for_selector(".md-search-result__item")
    assert any(HOSTILE in t for t in page.locator(".md-search-result__item").all_inner_texts())
    assert log.problems() == [] and home_log.problems() == []  # no dialog opened, no error
