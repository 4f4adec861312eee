"""Gate: accessibility. axe-core in Chromium finds no WCAG 2.2 A/AA violation on one page
of every kind, at desktop and mobile widths; the accessibility statement the regulations
require exists and every page links to it."""

from __future__ import annotations

import shutil

import lxml.html
import pytest
from browser import WIDTHS, open_page, run_axe
from gates import html_files, page_types, page_url

pytestmark = pytest.mark.xdist_group("browser")

REQUIRED_KINDS = {"home", "deals/*", "accessibility"}

INACCESSIBLE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Inaccessible</title></head>
<body><main>
<h1>An inaccessible page</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20">
<p style="color:#bbbbbb;background:#ffffff">Pale grey text on white</p>
</main></body></html>
"""


def test_the_site_has_every_required_kind_of_page(example_site):
    assert REQUIRED_KINDS <= set(page_types(example_site))


def test_no_page_kind_has_an_accessibility_violation(example_site, example_server, context):
    violations = []
    for kind, url in page_types(example_site).items():
        page, _ = open_page(context, example_server + url)
        violations += run_axe(page)
        page.close()
    assert violations == []


def test_the_accessibility_statement_follows_the_regulations_model(example_site):
    html = (example_site / "accessibility" / "index.html").read_bytes()
    text = " ".join(lxml.html.fromstring(html).body.text_content().split())
    for part in (
        "Accessibility statement",
        "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018",
        "Compliance status",
        "Web Content Accessibility Guidelines version 2.2",
        "How accessible this website is",
        "Reporting accessibility problems",
        "Enforcement procedure",
        "Equality and Human Rights Commission",
        "Equality Commission for Northern Ireland",
        "axe-core",
        "Nu Html Checker",
        "This statement was prepared on",
    ):
        assert part in text


def test_every_page_links_to_the_accessibility_statement(example_site):
    missing = []
    for file in html_files(example_site):
        tree = lxml.html.fromstring(file.read_bytes())
        tree.make_links_absolute("http://site.invalid/" + page_url(example_site, file))
        if not any(a.get("href") == "http://site.invalid/accessibility/" for a in tree.iter("a")):
            missing.append(page_url(example_site, file) or "/")
    assert missing == []


def test_the_accessibility_gate_reports_a_planted_inaccessible_page(example_site, tmp_path, browser, served):
    site = shutil.copytree(example_site, tmp_path / "site")
    (site / "inaccessible.html").write_text(INACCESSIBLE_PAGE, encoding="utf-8")
    context = browser.new_context(viewport=WIDTHS["desktop"])
    try:
        with served(site) as url:
            page, _ = open_page(context, url + "inaccessible.html")
            violations = run_axe(page)
    finally:
        context.close()
    rules = {v.split(": ")[1].split(" ")[0] for v in violations}
    assert {"image-alt", "color-contrast"} <= rules
