"""Gate: every page of the built site is valid HTML (the Nu Html Checker, vnu.jar).

The only accepted checker messages are in gates.VNU_FILTERS, each with its reason.
"""

from __future__ import annotations

import shutil

import pytest
from gates import VNU_FILTERS, check_html, html_files, run_vnu

pytestmark = pytest.mark.xdist_group("vnu")

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken</title></head>
<body>
<p id="twice">A paragraph <div>with a block inside it</p></div>
<p id="twice">The same id again</p>
<table><tr><td>a table cell outside any table body</td></tr></tbody></table>
</body>
</html>
"""


@pytest.fixture(scope="module")
def vnu_messages(example_site):
    """The checker's messages for the example site: one JVM for every page."""
    return run_vnu([example_site])


def test_the_checker_reads_every_page_of_the_example_site(example_site):
    # vnu is given the directory; make sure the site has pages for it to find
    assert len(html_files(example_site)) >= 5


def test_every_page_of_the_example_site_is_valid_html(example_site, vnu_messages):
    assert check_html(example_site, vnu_messages) == []


def test_every_filter_still_matches_a_message_of_the_example_site(vnu_messages):
    # a filter that matches nothing is stale: remove it, so it cannot hide a new problem
    seen = {m.message for m in vnu_messages}
    assert [f for f in VNU_FILTERS if f not in seen] == []


def test_every_filter_gives_its_reason():
    assert all(len(reason) > 40 for reason in VNU_FILTERS.values())


def test_the_html_gate_reports_an_invalid_page_planted_in_the_site(example_site, tmp_path):
    site = shutil.copytree(example_site, tmp_path / "site")
    (site / "broken").mkdir()
    (site / "broken" / "index.html").write_text(BROKEN_PAGE, encoding="utf-8")
    problems = [p for p in check_html(site) if p.startswith("broken/index.html:")]
    assert problems, "the checker found nothing wrong with a broken page"
    text = "\n".join(problems)
    assert "Duplicate ID “twice”" in text
    assert "No “p” element in scope but a “p” end tag seen" in text
