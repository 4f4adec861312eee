"""Gate: no page makes a request that leaves the local server, and none fails.

Every page of every kind is loaded in Chromium with every request recorded; anything
addressed to another host is recorded and refused (so the test never reaches the
network). Console errors, uncaught script errors and failed local requests fail too.
"""

from __future__ import annotations

import shutil

import pytest
from browser import DESKTOP, open_page
from gates import page_types

pytestmark = pytest.mark.xdist_group("browser")

THIRD_PARTY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Third party</title>
<link rel="stylesheet" href="https://fonts.example.net/css?family=Roboto">
<script src="https://cdn.example.com/x.js"></script></head>
<body><img src="missing.png" alt="a missing local image">
<script>console.error("planted console error")</script></body></html>
"""


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


def test_every_page_kind_loads_only_from_the_local_server(example_site, example_server, context):
    problems, requested = [], 0
    for kind, url in page_types(example_site).items():
        page, log = open_page(context, example_server + url)
        problems += log.problems()
        requested += len(log.requests)
        page.close()
    assert problems == []
    assert requested > 3 * len(page_types(example_site))  # each page loads its CSS and JS at least


def test_the_search_index_is_loaded_from_the_local_server(example_server, context):
    page, log = open_page(context, example_server)
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.endsWith('/search/search_index.json'))"
    )
    page.close()
    assert example_server + "search/search_index.json" in log.requests
    assert log.problems() == []


def test_the_request_gate_reports_a_planted_page_that_loads_from_elsewhere(example_site, tmp_path, context, served):
    site = shutil.copytree(example_site, tmp_path / "site")
    (site / "third-party.html").write_text(THIRD_PARTY_PAGE, encoding="utf-8")
    with served(site) as url:
        page, log = open_page(context, url + "third-party.html")
        page.close()
    assert sorted(log.third_party) == ["https://cdn.example.com/x.js", "https://fonts.example.net/css?family=Roboto"]
    assert any("missing.png" in f and "404" in f for f in log.failed)
    assert "planted console error" in log.console_errors
    assert len(log.problems()) >= 4
