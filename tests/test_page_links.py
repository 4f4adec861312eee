"""Links in hand-written pages (content/*.md) are checked as links in updates are: a link that
MkDocs' strict build would refuse, or that would lead nowhere on the public site, is reported by
``dealsite check`` with its file and line, before anything is built."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, copy_project

from generator.cli import main

pytestmark = pytest.mark.xdist_group("page-links")

# Relative to content/x5.md: every kind of link a hand-written page may use.
GOOD = """# X5

The [powers](powers.md), [Kent](deals/kent.md#budget), its [tables](deals/kent/tables.md), the
[guide](publishing.md), the [updates](updates/index.md), an
[update](updates/2011-09-16-greater-manchester-signs-city-region-deal.md), a
[file](examples/publish-workflow.yml), [GOV.UK](https://www.gov.uk/), [mail](mailto:a@example.org)
and a [section](#top).
"""


def _check(project: Path, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.chdir(project)
    status = main(["check"])
    return status, capsys.readouterr().err


def _page(project: Path, text: str, name: str = "x5.md") -> None:
    (project / "content" / name).write_text(text, encoding="utf-8")


def test_a_broken_link_in_a_hand_written_page_is_reported_by_check_with_its_file_and_line(tmp_path, monkeypatch, capsys):
    project = copy_project(tmp_path / "project")
    _page(project, "# X5\n\nSome text.\n\nSee [a page that does not exist](nothing-here.md).\n")
    status, err = _check(project, monkeypatch, capsys)
    assert status == 1
    # line 1 the heading, 2 blank, 3 text, 4 blank, 5 the link
    assert (
        "content/x5.md:5: the link nothing-here.md points to nothing-here.md, which is not a page of this site "
        "(link to a page by its .md file, relative to this one, e.g. ../deals/kent.md)"
    ) in err


def test_the_line_of_a_broken_link_counts_the_front_matter(tmp_path, monkeypatch, capsys):
    project = copy_project(tmp_path / "project")
    _page(project, "---\ntitle: X5\n---\n\n# X5\n\n!!! note\n    See [here](guide/nothing.md).\n")
    status, err = _check(project, monkeypatch, capsys)
    assert status == 1
    assert "content/x5.md:8: the link guide/nothing.md points to guide/nothing.md, which is not a page of this site" in err


def test_a_link_in_a_hand_written_page_to_an_embargoed_deal_is_not_public_yet(tmp_path, monkeypatch, capsys):
    project = copy_project(tmp_path / "project")
    kent = project / "deals" / "kent.yaml"
    kent.write_text("publish_after: 2199-01-01\n" + kent.read_text(encoding="utf-8"), encoding="utf-8")
    _page(project, "# X5\n\nThe [Kent deal](deals/kent.md) is coming.\n")
    status, err = _check(project, monkeypatch, capsys)
    assert status == 1
    assert (
        "content/x5.md:3: the link deals/kent.md points to deals/kent.md, which is not public yet "
        "(a draft, under embargo, or about a deal that is): the link would be broken until it is"
    ) in err


def test_links_that_leave_the_site_from_a_hand_written_page_are_reported(tmp_path, monkeypatch, capsys):
    project = copy_project(tmp_path / "project")
    _page(project, "# X5\n\n[a](/deals/kent/) and [b](../mkdocs.yml)\n")
    status, err = _check(project, monkeypatch, capsys)
    assert status == 1
    assert "content/x5.md:3: the link /deals/kent/ starts with /, which breaks when the site is served from a folder" in err
    assert "content/x5.md:3: the link ../mkdocs.yml leads outside the site's pages and files" in err


def test_every_kind_of_link_a_hand_written_page_may_use_passes_check(tmp_path, monkeypatch, capsys):
    project = copy_project(tmp_path / "project")
    _page(project, GOOD)
    (project / "content" / "guide").mkdir()
    _page(project, "# Deeper\n\nBack to [the guide](../publishing.md) and [Kent](../deals/kent.md).\n", name="guide/x6.md")
    status, err = _check(project, monkeypatch, capsys)
    assert (status, err) == (0, "")


def test_the_example_projects_own_pages_pass_check(monkeypatch, capsys):
    status, err = _check(REPO, monkeypatch, capsys)
    assert (status, err) == (0, "")


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: T\n---\n\n# H\n",
        "---\n# only a comment\n---\n# H\n",
        "---\n- a list\n---\nbody\n",
        "---\ntitle: [unclosed\n---\nbody\n",
        "Title: T\nDescription: one\n    two\n\n# H\n",
        "\n# H\n",
        "# H\n\ntext\n",
        "title: T\n",
    ],
)
def test_a_pages_fields_and_body_are_read_as_mkdocs_reads_them(text):
    """The body whose links are checked is the one MkDocs renders (model/frontmatter.py page_data)."""
    from mkdocs.utils.meta import get_data

    from generator.model.frontmatter import page_data

    data, body, line = page_data(text)
    theirs, their_data = get_data(text)
    assert (data, body.lstrip("\n")) == (their_data, theirs)
    if body:
        assert text.split("\n")[line - 1 :] == body.split("\n")  # the body starts on that line of the file
