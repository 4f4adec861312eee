"""The committee's page and a meeting's pack in a real browser (Debian's chromium through Playwright):
at desktop and mobile widths, no console errors, no failed requests, no request to another host,
no axe-core violation of WCAG 2.2 A/AA; printed, the pack leaves the site's navigation out and
keeps what changed first."""

from __future__ import annotations

import pytest
from browser import WIDTHS, open_page, run_axe

pytestmark = pytest.mark.xdist_group("browser")

PAGES = {"committee": "committee/", "meeting pack": "pack/2014-07-08/"}


@pytest.mark.parametrize("kind", PAGES)
def test_committee_pages_load_only_from_the_local_server_without_errors(kind, example_server, context):
    page, log = open_page(context, example_server + PAGES[kind])
    assert log.requests, "the page made no requests at all"
    assert log.problems() == []
    page.close()


@pytest.mark.parametrize("kind", PAGES)
def test_committee_pages_have_no_wcag_22_aa_violations(kind, example_server, context):
    page, _ = open_page(context, example_server + PAGES[kind])
    assert run_axe(page) == []
    page.close()


def test_the_printed_pack_has_no_navigation_and_leads_with_what_changed(example_server, browser):
    context = browser.new_context(viewport=WIDTHS["desktop"])
    page, log = open_page(context, example_server + PAGES["meeting pack"])
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".md-header").is_visible()
    headings = page.locator("article h2").all_inner_texts()
    assert headings[:3] == ["What changed", "Held on this day", "Outcomes by status on the day"]
    first = page.locator("#needs-attention ~ ul li").first.inner_text()
    assert first.startswith("Red ")
    assert log.problems() == []
    context.close()
