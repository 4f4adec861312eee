"""Issue 12, found by an outside review after the first fixes: hand-written pages and gh-deploy.

* A hand-written page's heading ids are printed by the theme into the table of contents,
  outside the sanitised page. With attribute lists (``{: id=... }``) an id could close its
  attribute and open markup, dressed in a ``<noscript>`` so that an HTML parser other than a
  browser's saw only an attribute. The example mkdocs.yml no longer enables attribute lists;
  a project that does gets a clear refusal; the last check reads ``<noscript>`` as a browser does.
* ``mkdocs gh-deploy`` is its own command to the plugin: it must refuse a source folder as
  ``build`` does (it emptied deals/), and run the same last check.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import lxml.html
import pytest
from conftest import copy_project
from trust_support import NOW, commit_all, dealsite, git, git_project, mkdocs, sources_digest, write

pytestmark = pytest.mark.xdist_group("trust-pages")

TOC_ATTACK = """# A page

## Section one {: id='s1"><noscript <><p < title="</noscript <><img src=x onerror=window.__pwned=1 <>"><b x="' }

Text.

## Section two

More.
"""


def _with_attribute_lists(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - admonition\n", "  - admonition\n  - attr_list\n", 1), encoding="utf-8")


def test_the_example_site_does_not_enable_attribute_lists_on_pages():
    import yaml

    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "x"))
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    assert "admonition" in names and "attr_list" not in names


def test_an_attribute_list_on_a_heading_is_shown_as_text(tmp_path):
    project = copy_project(tmp_path / "p")
    write(project / "content" / "x2.md", TOC_ATTACK)
    result = dealsite(project, "build", "-q", at=NOW)
    assert result.returncode == 0, result.stderr[-3000:]
    built = (project / "site" / "x2" / "index.html").read_text(encoding="utf-8")
    root = lxml.html.fromstring(built)
    assert [(e.tag, a) for e in root.iter() if isinstance(e.tag, str) for a in e.attrib if a.lower().startswith("on")] == []
    assert root.xpath("//article//img | //article//noscript | //nav//img | //nav//noscript") == []
    heading = root.xpath("//article//h2")[0]
    assert heading.text_content().startswith("Section one {: id='s1\"><noscript")  # the attribute list is text
    assert heading.get("id").startswith("section-one")  # the id is the slug of the heading's words


def test_a_heading_id_that_is_not_a_plain_name_stops_the_build_and_keeps_the_site(tmp_path):
    project = copy_project(tmp_path / "p")
    assert dealsite(project, "build", "-q", at=NOW).returncode == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    _with_attribute_lists(project)
    write(project / "content" / "x2.md", TOC_ATTACK)
    result = dealsite(project, "build", "-q", at=NOW)
    assert result.returncode == 1
    assert "x2.md: the heading 'Section one' has the id" in result.stderr and "not a plain name" in result.stderr
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before


def test_a_plain_id_from_an_attribute_list_still_builds(tmp_path):
    project = copy_project(tmp_path / "p")
    _with_attribute_lists(project)
    write(project / "content" / "x3.md", "# A page\n\n## Section one {: #first-section }\n\nText.\n")
    result = dealsite(project, "build", "-q", at=NOW)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'href="#first-section"' in (project / "site" / "x3" / "index.html").read_text(encoding="utf-8")


def test_gh_deploy_into_deals_is_refused_and_deletes_nothing(tmp_path):
    project = git_project(tmp_path / "project")
    sources = sources_digest(project)
    result = mkdocs(project, "gh-deploy", "-d", "deals", at=NOW)
    assert sources_digest(project) == sources
    assert result.returncode != 0
    assert "build refused, nothing was changed" in result.stderr


def test_gh_deploy_runs_the_last_check(tmp_path):
    from test_gate import HELD, HELD_TITLE

    project = copy_project(tmp_path / "project")
    write(project / "deals" / "zqxvale.yaml", HELD)  # embargoed until 2030
    home = project / "content" / "index.md"
    home.write_text(home.read_text(encoding="utf-8") + f"\nComing soon: the {HELD_TITLE}.\n", encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "the example project and an embargoed deal", "2026-01-05T10:00:00+00:00")
    result = mkdocs(project, "gh-deploy", at=NOW)
    assert result.returncode != 0
    assert "failed the last check before publishing" in result.stderr
    assert f"index.html: shows text of the held-back deal {HELD_TITLE}" in result.stderr
    assert "gh-pages" not in subprocess.run(["git", "branch", "--list"], cwd=project, capture_output=True, text=True).stdout
