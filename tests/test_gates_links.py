"""Gate: every internal link and #anchor of the built site resolves.

Not MkDocs' own validation: every href and src in the built HTML is resolved against
the files of the site, and every #fragment against the ids of the target page.
"""

from __future__ import annotations

import shutil

from gates import check_links, site_links, site_url

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Broken links</title>
<link rel="stylesheet" href="../assets/missing.css"></head>
<body>
<a href="../no-such-page/">a page that does not exist</a>
<a href="../deals/kent/#no-such-section">a section that does not exist</a>
<a href="#nowhere">an anchor on this page that does not exist</a>
<img src="missing.png" alt="a missing image">
<a href="javascript:alert(1)">a script link</a>
<a href="../../../../etc/passwd">a link out of the site</a>
<a href="../deals/kent/#summary">a good link</a>
<a href="https://www.gov.uk/">an external link, not followed</a>
<link rel="alternate" href="//feeds/updates.xml">
</body></html>
"""


def test_the_example_site_has_links_and_anchors_to_check(example_site):
    links = site_links(example_site)
    assert len(links) > 50
    assert any("#" in link and not link.startswith("#") for _, link in links) or any(
        link.startswith("#") and len(link) > 1 for _, link in links
    )


def test_every_internal_link_and_anchor_of_the_example_site_resolves(example_site):
    assert check_links(example_site, site_url()) == []


def test_the_canonical_site_address_counts_as_internal():
    assert site_url() == "https://deals.example.org/"


def test_the_link_gate_reports_each_broken_link_planted_in_the_site(example_site, tmp_path):
    site = shutil.copytree(example_site, tmp_path / "site")
    (site / "broken").mkdir()
    (site / "broken" / "index.html").write_text(BROKEN_PAGE, encoding="utf-8")
    problems = [p for p in check_links(site, site_url()) if p.startswith("/broken/:")]
    text = "\n".join(problems)
    for expected in (
        "'../assets/missing.css': no such file",
        "'../no-such-page/': no such file",
        "'../deals/kent/#no-such-section': no id 'no-such-section'",
        "'#nowhere': no id 'nowhere'",
        "'missing.png': no such file",
        "'javascript:alert(1)': javascript: links are not allowed",
        "'../../../../etc/passwd': no such file",
        "'//feeds/updates.xml': protocol-relative link (to host feeds)",
    ):
        assert expected in text
    assert len(problems) == 8  # the good and the external links are not reported
