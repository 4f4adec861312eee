"""Updates: front matter checked like a deal file, scaffolding commands, and data-last-changed dates."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from publishing_support import REPO, build, copy_project, epoch

from generator.cli import main
from generator.compute.embargo import publish
from generator.model.git import last_changed
from generator.model.load import load_catalogue
from generator.model.updates import InvalidUpdates, load_updates, update_files

UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([REPO / "deals"])


def _problems(tmp_path: Path, catalogue, name: str, text: str) -> list[str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InvalidUpdates) as caught:
        load_updates(update_files(tmp_path), catalogue)
    return [str(p) for p in caught.value.problems]


GOOD = "---\ntitle: Kent signs\ndate: 2026-03-02\ndeals: [kent]\nsummary: Kent signed.\n---\n\nText.\n"


def test_the_example_updates_are_valid_and_tied_to_example_deals(catalogue):
    updates = load_updates(update_files(REPO / "content" / "updates"), catalogue)
    assert len(updates) >= 3
    assert all(u.deals for u in updates)


def test_a_good_update_loads_with_its_fields(tmp_path, catalogue):
    (tmp_path / "2026-03-02-kent-signs.md").write_text(GOOD, encoding="utf-8")
    [update] = load_updates(update_files(tmp_path), catalogue)
    assert (update.title, update.deals, update.url) == ("Kent signs", ["kent"], "updates/2026-03-02-kent-signs/")
    assert update.body == "\nText.\n"


def test_an_unknown_deal_is_an_error_at_its_line(tmp_path, catalogue):
    text = GOOD.replace("deals: [kent]", "deals:\n  - kent\n  - kentt")
    [problem] = _problems(tmp_path, catalogue, "2026-03-02-kent-signs.md", text)
    # line 1 is ---, then title (2), date (3), deals (4), - kent (5), - kentt (6)
    assert problem.startswith(f"{tmp_path / '2026-03-02-kent-signs.md'}:6: deals[1]: kentt is not a known deal")


def test_a_missing_summary_is_an_error(tmp_path, catalogue):
    text = GOOD.replace("summary: Kent signed.\n", "")
    assert _problems(tmp_path, catalogue, "2026-03-02-kent-signs.md", text) == [
        f"{tmp_path / '2026-03-02-kent-signs.md'}:2: summary: is required but missing"
    ]


def test_a_misspelt_field_is_an_error_at_its_line(tmp_path, catalogue):
    text = GOOD.replace("summary:", "sumary:")
    problems = _problems(tmp_path, catalogue, "2026-03-02-kent-signs.md", text)
    assert f"{tmp_path / '2026-03-02-kent-signs.md'}:5: sumary: is not a known field (check the spelling; see content/publishing.md)" in problems


def test_a_date_time_without_a_zone_is_an_error_at_its_line(tmp_path, catalogue):
    text = GOOD.replace("summary:", "publish_after: 2026-03-02T09:30:00\nsummary:")
    [problem] = _problems(tmp_path, catalogue, "2026-03-02-kent-signs.md", text)
    assert problem.endswith(":5: publish_after: 2026-03-02T09:30:00 has no time zone (expected e.g. 2026-03-01T09:30:00+00:00)")


def test_a_yaml_trap_is_an_error_at_its_line(tmp_path, catalogue):
    text = GOOD.replace("summary:", "draft: yes\nsummary:")
    [problem] = _problems(tmp_path, catalogue, "2026-03-02-kent-signs.md", text)
    assert problem.endswith(":5: draft: yes is not true or false (write true or false)")


def test_the_file_name_must_carry_the_date(tmp_path, catalogue):
    [problem] = _problems(tmp_path, catalogue, "kent-signs.md", GOOD)
    assert problem.endswith("kent-signs.md:1: kent-signs.md is not named like an update (expected YYYY-MM-DD-slug.md, e.g. 2026-03-02-deal-signed.md)")


def test_the_date_must_match_the_file_name(tmp_path, catalogue):
    [problem] = _problems(tmp_path, catalogue, "2026-03-01-kent-signs.md", GOOD)
    assert problem.endswith(":3: date: 2026-03-02 does not match the date in the file name (2026-03-01)")


def test_a_file_without_front_matter_is_an_error(tmp_path, catalogue):
    [problem] = _problems(tmp_path, catalogue, "2026-03-02-kent-signs.md", "# Kent signs\n\nText.\n")
    assert ":1: has no front matter" in problem


def test_an_update_needs_text(tmp_path, catalogue):
    [problem] = _problems(tmp_path, catalogue, "2026-03-02-kent-signs.md", GOOD.replace("\nText.\n", ""))
    assert problem.endswith(":7: has no text after the front matter")


def test_every_problem_of_every_file_is_reported_at_once(tmp_path, catalogue):
    (tmp_path / "2026-03-02-a.md").write_text(GOOD.replace("kent]", "nowhere]"), encoding="utf-8")
    problems = _problems(tmp_path, catalogue, "2026-03-02-b.md", GOOD.replace("title: Kent signs\n", ""))
    assert len(problems) == 2


def test_a_bare_date_embargo_lifts_at_midnight_london_time(tmp_path, catalogue):
    # 2026-06-01 is in British Summer Time (UTC+1): midnight in London is 2026-05-31T23:00Z.
    (tmp_path / "2026-05-01-kent-signs.md").write_text(
        GOOD.replace("2026-03-02", "2026-05-01").replace("summary:", "publish_after: 2026-06-01\nsummary:"), encoding="utf-8"
    )
    updates = load_updates(update_files(tmp_path), catalogue)
    assert publish(catalogue, updates, dt.datetime(2026, 5, 31, 22, 59, 59, tzinfo=UTC)).updates == ()
    assert publish(catalogue, updates, dt.datetime(2026, 5, 31, 23, 0, 0, tzinfo=UTC)).updates == tuple(updates)


def test_an_update_about_a_held_back_deal_is_held_back_with_it(tmp_path, catalogue):
    (tmp_path / "2026-03-02-kent-signs.md").write_text(GOOD, encoding="utf-8")
    updates = load_updates(update_files(tmp_path), catalogue)
    without_kent = catalogue.model_copy(update={"deals": [d for d in catalogue.deals if d.slug != "kent"]})
    assert publish(without_kent, updates, dt.datetime(2030, 1, 1, tzinfo=UTC)).updates == ()


def test_an_update_draft_docs_names_is_held_back_as_a_draft(tmp_path, catalogue):
    (tmp_path / "2026-03-02-kent-signs.md").write_text(GOOD, encoding="utf-8")
    [update] = load_updates(update_files(tmp_path), catalogue)
    publication = publish(catalogue, [update], dt.datetime(2030, 1, 1, tzinfo=UTC), drafts=frozenset({update.src_uri}))
    assert publication.updates == ()
    assert [(h.name, h.reason, h.until) for h in publication.held if h.kind == "update"] == [
        (update.src_uri, "Draft: not published while mkdocs.yml's draft_docs names it", None)
    ]


def test_a_preview_shows_an_update_draft_docs_names_and_why_it_is_held_back(tmp_path, catalogue):
    (tmp_path / "2026-03-02-kent-signs.md").write_text(GOOD, encoding="utf-8")
    [update] = load_updates(update_files(tmp_path), catalogue)
    publication = publish(catalogue, [update], dt.datetime(2030, 1, 1, tzinfo=UTC), previews=True, drafts=frozenset({update.src_uri}))
    assert publication.updates == (update,)
    assert [h.reason for h in publication.held if h.kind == "update"] == ["Draft: not published while mkdocs.yml's draft_docs names it"]


def test_an_update_draft_docs_names_says_what_else_holds_it_back(tmp_path, catalogue):
    # Found by the outside attack: the draft_docs reason hid the embargo, and taking the update
    # out of draft_docs would not have published it.
    (tmp_path / "2026-03-02-kent-signs.md").write_text(GOOD.replace("deals: [kent]", "deals: [kent]\npublish_after: 2031-06-01T09:30:00+01:00"), encoding="utf-8")
    [update] = load_updates(update_files(tmp_path), catalogue)
    publication = publish(catalogue, [update], dt.datetime(2030, 1, 1, tzinfo=UTC), previews=True, drafts=frozenset({update.src_uri}))
    assert [(h.reason, h.until) for h in publication.held if h.kind == "update"] == [
        ("Draft: not published while mkdocs.yml's draft_docs names it; also embargoed until 1 June 2031 at 09:30 UK time", None)
    ]


# --- scaffolding ------------------------------------------------------------------


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    """dealsite new and dealsite new-update in a copy of the project, then a preview build."""
    project = copy_project(tmp_path_factory.mktemp("scaffold") / "project")
    assert main(["new", "fenland", "--deals-dir", str(project / "deals")]) == 0
    assert main([
        "new-update", "Fenland: first talks & next steps", "--deal", "fenland", "--deal", "kent", "--date", "2026-04-01",
        "--content-dir", str(project / "content"), "--deals-dir", str(project / "deals"),
    ]) == 0
    return project


def test_new_update_writes_a_draft_that_passes_validation(scaffolded):
    path = scaffolded / "content" / "updates" / "2026-04-01-fenland-first-talks-next-steps.md"
    catalogue = load_catalogue([scaffolded / "deals"])
    [update] = [u for u in load_updates(update_files(path.parent), catalogue) if u.stem == path.stem]
    assert (update.title, update.deals, update.draft) == ("Fenland: first talks & next steps", ["fenland", "kent"], True)


def test_new_update_refuses_an_unknown_deal(tmp_path, capsys):
    copy_project(tmp_path)
    code = main(["new-update", "T", "--deal", "nowhere", "--content-dir", str(tmp_path / "content"), "--deals-dir", str(tmp_path / "deals")])
    assert code == 1
    assert "nowhere is not a known deal" in capsys.readouterr().err


def test_scaffolded_deal_and_update_build_and_show_in_a_preview(scaffolded, tmp_path):
    site = build(scaffolded, tmp_path / "site", at=epoch("2026-05-01T00:00:00+00:00"), previews=True)
    page = (site / "updates" / "2026-04-01-fenland-first-talks-next-steps" / "index.html").read_text(encoding="utf-8")
    assert "Fenland: first talks &amp; next steps" in page and "Preview: not yet public" in page
    assert (site / "deals" / "fenland" / "index.html").is_file()


def test_scaffolded_drafts_build_and_stay_out_of_the_public_site(scaffolded, tmp_path):
    site = build(scaffolded, tmp_path / "site", at=epoch("2026-05-01T00:00:00+00:00"))
    assert not (site / "updates" / "2026-04-01-fenland-first-talks-next-steps").exists()
    assert not (site / "deals" / "fenland").exists()


# --- data last changed ----------------------------------------------------------


def _git(repo: Path, *args: str, when: str = "2024-05-06T10:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    """A project in its own git repository: deals committed 2024-05-06, kent's title changed
    2025-01-20 and a comment added to essex 2025-03-03 (which changes nothing the public sees)."""
    project = copy_project(tmp_path / "project")
    _git(project, "init", "-q")
    _git(project, "add", "deals")
    _git(project, "commit", "-q", "-m", "deals")
    kent = project / "deals" / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace("title: Kent county deal", "title: Kent county deal (renamed)", 1), encoding="utf-8")
    _git(project, "commit", "-q", "-am", "kent", when="2025-01-20T23:30:00+00:00")
    essex = project / "deals" / "essex.yaml"
    essex.write_text(essex.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    _git(project, "commit", "-q", "-am", "essex comment", when="2025-03-03T12:00:00+00:00")
    return project


def test_last_changed_is_the_last_commit_touching_each_deal_file(repo):
    times = last_changed([repo / "deals" / "kent.yaml", repo / "deals" / "essex.yaml"])
    assert times == {
        "kent": dt.datetime(2025, 1, 20, 23, 30, tzinfo=UTC),
        "essex": dt.datetime(2025, 3, 3, 12, 0, tzinfo=UTC),  # git's answer; the page says 6 May 2024
    }


def test_an_uncommitted_edit_uses_the_files_own_time(repo):
    essex = repo / "deals" / "essex.yaml"
    essex.write_text(essex.read_text(encoding="utf-8") + "\n# uncommitted\n", encoding="utf-8")
    os.utime(essex, (epoch("2025-07-08T12:00:00+00:00"),) * 2)
    assert last_changed([essex]) == {"essex": dt.datetime(2025, 7, 8, 12, 0, tzinfo=UTC)}


def test_outside_git_the_files_own_time_is_used(tmp_path):
    deal = tmp_path / "kent.yaml"
    deal.write_text("title: x\n", encoding="utf-8")
    os.utime(deal, (epoch("2023-02-03T04:05:06+00:00"),) * 2)
    assert last_changed([deal]) == {"kent": dt.datetime(2023, 2, 3, 4, 5, 6, tzinfo=UTC)}


def test_no_time_is_later_than_source_date_epoch(repo):
    clamp = dt.datetime(2024, 12, 31, tzinfo=UTC)
    assert last_changed([repo / "deals" / "kent.yaml"], clamp=clamp) == {"kent": clamp}


def test_the_deal_page_shows_when_its_data_last_changed(repo, tmp_path):
    site = build(repo, tmp_path / "site", at=epoch("2026-01-01T00:00:00+00:00"))
    kent = (site / "deals" / "kent" / "index.html").read_text(encoding="utf-8")
    essex = (site / "deals" / "essex" / "index.html").read_text(encoding="utf-8")
    # 2025-01-20T23:30Z is 23:30 GMT in London: still 20 January. Essex's comment of 2025-03-03
    # changed nothing the public sees, so its data last changed when it was first committed.
    assert 'Data last changed: <time datetime="2025-01-20">20 January 2025</time>' in kent
    assert 'Data last changed: <time datetime="2024-05-06">6 May 2024</time>' in essex


def test_update_bodies_keep_the_text_of_raw_html_and_script_links_but_not_their_markup(tmp_path, catalogue):
    # Was: a line-by-line pattern refused raw HTML and javascript: links, and refused valid
    # Markdown too (<press@example.org> is an e-mail link, not HTML). Now the body is rendered
    # and sanitised (pages/sanitise.py): the update loads, and its page keeps only the text.
    from generator.pages.updates import render_body

    body = "Write to <press@example.org>.\n\n`<b>` in code.\n\n<b>bold</b> <script>alert(1)</script>\n[x](JavaScript:alert(1))\n"
    (tmp_path / "2026-03-02-kent-signs.md").write_text(GOOD.replace("\nText.\n", "\n" + body), encoding="utf-8")
    [update] = load_updates(update_files(tmp_path), catalogue)
    html = render_body(update).html
    assert "<b>" not in html and "bold" in html and "<script" not in html and "alert(1)" not in html
    assert "<code>&lt;b&gt;</code>" in html and "<a>x</a>" in html and 'href="mailto:' in html


# --- the cache `dealsite serve` relies on --------------------------------------------------------


def test_an_unchanged_update_is_not_parsed_again(tmp_path, catalogue):
    (tmp_path / "2026-03-02-kent-signs.md").write_text(GOOD, encoding="utf-8")
    [first] = load_updates(update_files(tmp_path), catalogue)
    [second] = load_updates(update_files(tmp_path), catalogue)
    assert second is first


def test_an_edited_update_is_read_again(tmp_path, catalogue):
    path = tmp_path / "2026-03-02-kent-signs.md"
    path.write_text(GOOD, encoding="utf-8")
    load_updates(update_files(tmp_path), catalogue)
    path.write_text(GOOD.replace("Kent signs", "Kent signs at last"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))  # a later edit
    [update] = load_updates(update_files(tmp_path), catalogue)
    assert update.title == "Kent signs at last"


def test_a_cached_update_about_a_deal_that_has_gone_is_reported_at_its_line(tmp_path, catalogue):
    (tmp_path / "2026-03-02-kent-signs.md").write_text(GOOD, encoding="utf-8")
    load_updates(update_files(tmp_path), catalogue)
    without_kent = catalogue.model_copy(update={"deals": [d for d in catalogue.deals if d.slug != "kent"]})
    with pytest.raises(InvalidUpdates) as caught:
        load_updates(update_files(tmp_path), without_kent)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (4, "deals[0]")  # `deals: [kent]` is line 4 of the file


# --- links in update bodies (pages/updates.py), checked before anything is built ------------

LINKS = """---
title: Links
date: 2026-03-02
deals: []
summary: Every kind of link.
{extra}---

The [deal](../deals/kent.md#budget), its [tables](../deals/kent/tables.md), the
[powers](../powers.md), the [guide](../publishing.md), the [list](index.md), another
[update](2011-09-16-greater-manchester-signs-city-region-deal.md), a
[file](../examples/publish-workflow.yml), [GOV.UK](https://www.gov.uk/) and a [section](#top).
{more}
"""


def _read_sources(project: Path, at: str = "2026-06-01T12:00:00+00:00"):
    from generator.engine.pipeline import Settings, read_sources

    settings = Settings(project / "deals", project / "content", project / "site_templates")
    return read_sources(settings, dt.datetime.fromisoformat(at))


def _link_problems(project: Path, **fields) -> list[str]:
    from generator.model.load import InvalidDeals

    path = project / "content" / "updates" / "2026-03-02-links.md"
    path.write_text(LINKS.format(**{"extra": "", "more": "", **fields}), encoding="utf-8")
    try:
        _read_sources(project)
    except InvalidDeals as error:
        return [str(p) for p in error.problems]
    return []


def test_every_kind_of_link_an_update_may_use_resolves(tmp_path):
    assert _link_problems(copy_project(tmp_path)) == []


def test_a_broken_link_in_an_update_is_reported_with_its_file_and_line(tmp_path):
    project = copy_project(tmp_path)
    problems = _link_problems(project, more="\nSee [this](no-such-page.md) and [that](../deals/kent/).\n")
    file = project / "content" / "updates" / "2026-03-02-links.md"
    # the front matter is lines 1-6, a blank line, the paragraph 8-11, a blank line, then line 13
    assert problems == [
        f"{file}:13: the link ../deals/kent/ points to deals/kent, which is a page's folder, not its file (link to the page's .md file, e.g. ../deals/kent.md)",
        f"{file}:13: the link no-such-page.md points to updates/no-such-page.md, which is not a page of this site (link to a page by its .md file, relative to this one, e.g. ../deals/kent.md)",
    ]


def test_links_that_leave_the_site_are_reported(tmp_path):
    problems = _link_problems(copy_project(tmp_path), more="\n[a](/deals/kent/) [b](//evil.example/) [c](../../mkdocs.yml)\n")
    assert sorted(p.split(": ", 1)[1] for p in problems) == [
        "the link ../../mkdocs.yml leads outside the site's pages and files",
        "the link //evil.example/ starts with //, which leads to another site: write the address in full, with https://",
        "the link /deals/kent/ starts with /, which breaks when the site is served from a folder: write it relative to this file (e.g. ../deals/kent.md)",
    ]


def test_a_public_update_may_not_link_to_a_held_back_deal_but_a_held_back_one_may(tmp_path):
    project = copy_project(tmp_path)
    kent = project / "deals" / "kent.yaml"
    kent.write_text("draft: true\n" + kent.read_text(encoding="utf-8"), encoding="utf-8")
    problems = _link_problems(project)
    assert len(problems) == 2  # the deal's page and its tables
    assert "the link ../deals/kent.md#budget points to deals/kent.md, which is not public yet" in problems[0]
    assert "the link ../deals/kent/tables.md points to deals/kent/tables.md, which is not public yet" in problems[1]
    assert _link_problems(project, extra="draft: true\n") == []


def test_links_in_an_update_are_written_for_its_page_and_the_site_builds(tmp_path, build_site_from):
    site = build_site_from(tmp_path, content={"updates/2026-03-02-links.md": LINKS.format(extra="", more="")})
    page = (site / "updates" / "2026-03-02-links" / "index.html").read_text(encoding="utf-8")
    for href in ("../../deals/kent/#budget", "../../deals/kent/tables/", "../../powers/", "../../publishing/", '"../"',
                 "../2011-09-16-greater-manchester-signs-city-region-deal/", "../../examples/publish-workflow.yml",
                 "https://www.gov.uk/", "#top"):
        assert href in page, href
