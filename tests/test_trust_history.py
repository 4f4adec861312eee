"""Issue 12, history: nothing held back at build time reaches the site through git history.

The changes page and everything built from the history of deals/ must judge every past
revision by what is public NOW (the build's SOURCE_DATE_EPOCH, and the working tree as it is),
not by that revision's own publish_after or draft. Each test makes a project that is a git
repository with commits dated in the past, builds it with `dealsite build` at NOW, and looks
for the held-back deal's or reading's canary words in every byte of site/ (.gz decompressed).
"""

from __future__ import annotations

import pytest
from trust_support import NOW, commit_all, deal, dealsite, git_project, leaks, write

pytestmark = pytest.mark.xdist_group("trust-history")

# NOW is 2026-06-01T12:00Z.
T1 = "2026-05-01T09:00:00+01:00"  # before NOW
T2 = "2026-09-01T09:00:00+01:00"  # after NOW
BASE = "2026-01-05T10:00:00+00:00"
EARLIER = "2026-03-01T10:00:00+00:00"
LATER = "2026-04-01T10:00:00+00:00"  # before T1 too


def held_deal(slug_word: str, canary: str, top: str) -> str:
    return deal(
        title=f"{canary} deal",
        summary=f"The {canary} summary, in which Testshire pools its budgets.",
        place=f"{canary} place",
        top=top,
    )


def build(project):
    result = dealsite(project, "build", at=NOW)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def test_a_deal_whose_embargo_was_extended_leaves_no_trace(tmp_path):
    # (a) committed with publish_after T1, a later commit moves it to T2; built at T1 < NOW < T2.
    canary, slug = "zqxhistorycanarya", "zqxhistoryslug-a"
    project = git_project(tmp_path / "project", BASE)
    path = project / "deals" / f"{slug}.yaml"
    write(path, held_deal(slug, canary, f"publish_after: {T1}\n"))
    commit_all(project, "add a deal, embargoed until T1", EARLIER)
    write(path, held_deal(slug, canary, f"publish_after: {T2}\n"))
    commit_all(project, "embargo extended to T2", LATER)
    assert leaks(build(project), canary, slug) == {}


def test_a_deal_withdrawn_before_its_embargo_lifted_leaves_no_trace(tmp_path):
    # (b) committed with publish_after T1, deleted in a later commit before T1; built after T1.
    canary, slug = "zqxhistorycanaryb", "zqxhistoryslug-b"
    project = git_project(tmp_path / "project", BASE)
    path = project / "deals" / f"{slug}.yaml"
    write(path, held_deal(slug, canary, f"publish_after: {T1}\n"))
    commit_all(project, "add a deal, embargoed until T1", EARLIER)
    path.unlink()
    commit_all(project, "deal withdrawn", LATER)
    assert leaks(build(project), canary, slug) == {}


def test_a_deal_made_a_draft_before_its_embargo_lifted_leaves_no_trace(tmp_path):
    # (c) committed embargoed until T1; a later commit (before T1) makes it draft: true; built after T1.
    canary, slug = "zqxhistorycanaryc", "zqxhistoryslug-c"
    project = git_project(tmp_path / "project", BASE)
    path = project / "deals" / f"{slug}.yaml"
    write(path, held_deal(slug, canary, f"publish_after: {T1}\n"))
    commit_all(project, "add a deal, embargoed until T1", EARLIER)
    write(path, held_deal(slug, canary, f"publish_after: {T1}\ndraft: true\n"))
    commit_all(project, "back to draft", LATER)
    assert leaks(build(project), canary, slug) == {}


def test_a_deal_whose_embargo_is_extended_in_the_working_tree_leaves_no_trace(tmp_path):
    # (d) a new deal committed with publish_after T1 < NOW; the working tree (not committed)
    # moves it to T2 > NOW. What is built is the working tree: the deal is not public.
    canary, slug = "zqxhistorycanaryd", "zqxhistoryslug-d"
    project = git_project(tmp_path / "project", BASE)
    path = project / "deals" / f"{slug}.yaml"
    write(path, held_deal(slug, canary, f"publish_after: {T1}\n"))
    commit_all(project, "add a deal, embargoed until T1", EARLIER)
    write(path, held_deal(slug, canary, f"publish_after: {T2}\n"))  # uncommitted
    assert leaks(build(project), canary, slug) == {}


def test_a_reading_whose_embargo_was_extended_leaves_no_trace(tmp_path):
    # (e) a reading committed with publish_after T1; a later commit moves it to T2; built at
    # T1 < NOW < T2. The deal is public; the reading's value and commentary are not.
    commentary = "zqxhistorycanarye"
    project = git_project(tmp_path / "project", BASE)
    path = project / "deals" / "zqx-reading-deal.yaml"

    def text(moment: str) -> str:
        extra = f"        commentary: The {commentary} commentary.\n        publish_after: {moment}\n"
        return deal(title="Readings deal", reading_value='"987654.321"', reading_extra=extra)

    write(path, text(T1))
    commit_all(project, "a reading embargoed until T1", EARLIER)
    write(path, text(T2))
    commit_all(project, "reading's embargo extended to T2", LATER)
    site = build(project)
    assert b"Readings deal" in (site / "deals" / "zqx-reading-deal" / "index.html").read_bytes()  # the deal is public
    assert leaks(site, commentary, "987654.321", "987654.32", "987,654") == {}


def test_a_preview_that_keeps_history_between_rebuilds_never_shows_what_became_held_back(tmp_path):
    """A preview works out each past commit's public state once and keeps it between rebuilds
    (compute/history._STATES, model/git._CATALOGUES). An edit in the working tree that
    extends an embargo changes what is public today, so the kept states are not used: the
    deal leaves history at the next rebuild, and comes back when the edit is undone."""
    import datetime as dt

    from generator.compute.embargo import publish
    from generator.compute.history import history
    from generator.model.digest import forget_caches
    from generator.model.git import Reader
    from generator.model.load import load_catalogue

    canary, slug = "zqxhistorycanaryf", "zqxhistoryslug-f"
    project = git_project(tmp_path / "project", BASE)
    path = project / "deals" / f"{slug}.yaml"
    write(path, held_deal(slug, canary, f"publish_after: {T1}\n"))
    commit_all(project, "add a deal, embargoed until T1", EARLIER)
    now = dt.datetime.fromisoformat("2026-06-01T12:00:00+00:00")

    def shown_in_history() -> bool:  # one rebuild: the working tree read again, caches kept
        catalogue = load_catalogue([project / "deals"])
        revisions = history(Reader(project / "deals", catalogue.deals), publish(catalogue, [], now))
        return any(r.catalogue and slug in {d.slug for d in r.catalogue.deals} for r in revisions)

    forget_caches()
    try:
        assert shown_in_history()
        write(path, held_deal(slug, canary, f"publish_after: {T2}\n"))  # the embargo extended, uncommitted
        assert not shown_in_history()
        write(path, held_deal(slug, canary, f"publish_after: {T1}\n"))
        assert shown_in_history()
    finally:
        forget_caches()
