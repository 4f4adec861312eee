"""Issue 13: one cache policy. What is cached is keyed by the content it was made from (a file's
bytes, the values of its inputs), never by an object's identity or a file's time; a kept value
is never changed; and forget_caches() is the one place that empties every cache.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from publishing_support import copy_project

from generator.compute import budget
from generator.engine.pipeline import Session, Settings, build, read_sources
from generator.model import load, types, updates
from generator.model import yaml as strict_yaml
from generator.model.deal import Deal
from generator.model.digest import forget_caches
from generator.model.load import load_catalogue
from generator.model.updates import load_updates, update_files
from generator.pages import generate as generate_module
from generator.pages import links
from generator.pages.render import COMPILED

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2016, 6, 1, 12, tzinfo=dt.timezone.utc)
REVIEWS = "2014-03-31-first-reviews-of-progress.md"  # about greater-manchester and cheshire-west-and-chester


@pytest.fixture(autouse=True)
def fresh():
    forget_caches()
    yield
    forget_caches()


@pytest.fixture
def deals(tmp_path) -> Path:
    folder = tmp_path / "deals"
    shutil.copytree(REPO / "deals", folder)
    return folder


def _counting(monkeypatch, module, name: str) -> list:
    """Record each call of module.name (in this process) and let it run."""
    calls, original = [], getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace old by new (as long) and put the file's times back as they were."""
    assert len(old) == len(new)
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)


def _touch(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))


# --- deal and update files: keyed by their bytes ------------------------------------------------


def test_a_deal_file_saved_again_unchanged_is_not_parsed_again(deals, monkeypatch):
    before = load_catalogue([deals], jobs=1).deal("kent")
    parsed = _counting(monkeypatch, load, "_load_deal")
    _touch(deals / "kent.yaml")
    after = load_catalogue([deals], jobs=1).deal("kent")
    assert parsed == []
    assert after is before


def test_a_deal_edited_with_the_same_size_and_time_is_read_again(deals):
    # Failed with the cache keyed by (mtime, size): the old title came back.
    assert load_catalogue([deals], jobs=1).deal("kent").title == "Kent county deal"
    _same_size_edit(deals / "kent.yaml", "title: Kent county deal", "title: Tnek county deal")
    assert load_catalogue([deals], jobs=1).deal("kent").title == "Tnek county deal"


def test_the_same_bytes_under_another_name_are_another_deal(deals):
    load_catalogue([deals], jobs=1)
    (deals / "_scrutiny.yaml").unlink()  # the committee's record names kent
    (deals / "kent.yaml").rename(deals / "kent-two.yaml")
    assert [d.slug for d in load_catalogue([deals], jobs=1).deals if d.slug.startswith("kent")] == ["kent-two"]


def test_a_deal_parsed_in_a_worker_process_carries_the_same_digest(deals):
    one = {d.slug: d.digest for d in load_catalogue([deals], jobs=1).deals}
    forget_caches()
    two = {d.slug: d.digest for d in load_catalogue([deals], jobs=2).deals}
    assert two == one
    assert len(set(one.values())) == len(one)  # a digest of its own for each deal


def test_an_update_saved_again_unchanged_is_not_parsed_again(tmp_path, monkeypatch):
    folder = tmp_path / "updates"
    shutil.copytree(REPO / "content" / "updates", folder)
    catalogue = load_catalogue([REPO / "deals"], jobs=1)
    before = load_updates(update_files(folder), catalogue)
    parsed = _counting(monkeypatch, updates, "_load_one")
    _touch(folder / REVIEWS)
    after = load_updates(update_files(folder), catalogue)
    assert parsed == []
    assert [a is b for a, b in zip(after, before)] == [True] * 4


def test_an_update_edited_with_the_same_size_and_time_is_read_again(tmp_path):
    # Failed with the cache keyed by (mtime, size).
    folder = tmp_path / "updates"
    shutil.copytree(REPO / "content" / "updates", folder)
    catalogue = load_catalogue([REPO / "deals"], jobs=1)
    load_updates(update_files(folder), catalogue)
    _same_size_edit(folder / REVIEWS, "title: First reviews", "title: Tsrif reviews")
    titles = {u.stem: u.title for u in load_updates(update_files(folder), catalogue)}
    assert titles[REVIEWS[:-3]] == "Tsrif reviews of progress published"


# --- what a digest is, and is not ---------------------------------------------------------------


def test_the_digest_is_in_no_schema_no_download_and_no_comparison(deals):
    kent = load_catalogue([deals], jobs=1).deal("kent")
    assert "digest" not in str(Deal.model_json_schema()) and "digest" not in kent.model_dump_json()
    # A comment is not content of the deal: equal deals, digests of different bytes.
    path = deals / "kent.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    commented = load_catalogue([deals], jobs=1).deal("kent")
    assert commented.digest != kent.digest
    assert commented == kent


def test_a_deal_copied_with_changes_has_a_digest_of_its_own(deals):
    kent = load_catalogue([deals], jobs=1).deal("kent")
    assert kent.model_copy().digest == kent.digest
    renamed = kent.model_copy(update={"title": "Kent renamed"})
    assert renamed.digest != kent.digest
    assert renamed.digest == kent.model_copy(update={"title": "Kent renamed"}).digest


# --- computed values: keyed by their inputs' content ---------------------------------------------


def test_the_budget_of_an_equal_deal_loaded_twice_is_computed_once(tmp_path, monkeypatch):
    first, second = tmp_path / "a" / "deals", tmp_path / "b" / "deals"
    shutil.copytree(REPO / "deals", first)
    shutil.copytree(REPO / "deals", second)
    one, two = load_catalogue([first], jobs=1), load_catalogue([second], jobs=1)
    assert one.deal("kent") is not two.deal("kent") and one.deflators is not two.deflators
    computed = _counting(monkeypatch, budget, "_compute")
    view = budget.budget_view(one.deal("kent"), one.deflators)
    assert budget.budget_view(two.deal("kent"), two.deflators) is view
    assert len(budget.budget_tables(two.deal("kent"), two.deflators)) == len(budget.budget_tables(one.deal("kent"), one.deflators))
    assert len(computed) == 1
    # A deal whose content differs is computed again.
    budget.budget_view(one.deal("kent").model_copy(update={"title": "Kent renamed"}), one.deflators)
    assert len(computed) == 2


# --- a preview server's rebuilds ----------------------------------------------------------------


class Preview:
    """A `dealsite serve`-style preview of a copy of the project: one Session kept across builds."""

    def __init__(self, project: Path, monkeypatch):
        self.project = project
        self.settings = Settings(project / "deals", project / "content", project / "site_templates")
        self.session = Session()
        self.made: list[str] = []
        original = generate_module.deal_bundle

        def counted(ctx, deal, sections, out_dir):
            self.made.append(deal.slug)
            return original(ctx, deal, sections, out_dir)

        monkeypatch.setattr(generate_module, "deal_bundle", counted)

    def rebuild(self) -> set[str]:
        """Build again; the slugs of the deals whose pages were generated again."""
        self.made.clear()
        build(self.settings, read_sources(self.settings), NOW, session=self.session, jobs=1)
        return set(self.made)


@pytest.fixture
def preview(tmp_path, monkeypatch) -> Preview:
    shown = Preview(copy_project(tmp_path / "project"), monkeypatch)
    assert shown.rebuild() == {p.stem for p in (shown.project / "deals").glob("[a-z]*.yaml")}  # 8 deals, all public
    return shown


def test_a_preview_rebuild_after_editing_one_deal_regenerates_only_that_deal(preview):
    kent = preview.project / "deals" / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace("single phone number and website.", "single phone number.", 1), encoding="utf-8")
    assert preview.rebuild() == {"kent"}
    assert preview.rebuild() == set()


def test_a_preview_rebuild_after_renaming_a_deal_regenerates_the_deals_examined_with_it(preview):
    """Their feeds name it in the committee's sessions (deals/_scrutiny.yaml: Kent with Essex and
    Birmingham, and with Essex and Greater Manchester)."""
    kent = preview.project / "deals" / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace("title: Kent county deal", "title: Kent county deal, revised", 1), encoding="utf-8")
    assert preview.rebuild() == {"kent", "essex", "birmingham", "greater-manchester"}
    assert preview.rebuild() == set()


def test_a_preview_rebuild_after_editing_an_update_regenerates_the_deals_it_is_about(preview):
    path = preview.project / "content" / "updates" / REVIEWS
    path.write_text(path.read_text(encoding="utf-8").replace("title: First reviews", "title: The first reviews", 1), encoding="utf-8")
    assert preview.rebuild() == {"greater-manchester", "cheshire-west-and-chester"}


def test_a_renamed_deal_regenerates_the_deals_whose_updates_name_it(preview):
    # The reviews update is about Greater Manchester and Cheshire West and Chester: Greater
    # Manchester's page lists it with both titles.
    path = preview.project / "deals" / "cheshire-west-and-chester.yaml"
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    path.write_text(text.replace(title, title + " (renamed)", 1), encoding="utf-8")
    assert preview.rebuild() == {"cheshire-west-and-chester", "greater-manchester"}


def test_a_template_saved_again_unchanged_regenerates_nothing_and_an_edit_everything(preview):
    template = preview.project / "site_templates" / "deal.html"
    _touch(template)
    assert preview.rebuild() == set()
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert len(preview.rebuild()) == 8


def test_a_kept_deal_bundle_cannot_be_changed(preview):
    assert len(preview.session.memo.entries) == 8
    for _, kept in preview.session.memo.entries.values():
        with pytest.raises(AttributeError):
            kept.pages.append(None)
        with pytest.raises(TypeError):
            kept.files["deals/x.csv"] = b""
        with pytest.raises(AttributeError):
            kept.search.append(None)


# --- one place to forget ------------------------------------------------------------------------


def test_forget_caches_empties_every_cache(preview, monkeypatch):
    assert load._DEAL_CACHE and updates._UPDATE_CACHE and budget._CACHE and COMPILED.store
    assert preview.session.memo.entries and preview.session.memo.values
    assert all(f.cache_info().currsize for f in (strict_yaml._plain_cached, links._relative_directory, types._financial_year_text))
    forget_caches()
    assert (load._DEAL_CACHE, updates._UPDATE_CACHE, budget._CACHE, COMPILED.store) == ({}, {}, {}, {})
    assert (preview.session.memo.entries, preview.session.memo.values) == ({}, {})
    assert [f.cache_info().currsize for f in (strict_yaml._plain_cached, links._relative_directory, types._financial_year_text)] == [0, 0, 0]
    parsed = _counting(monkeypatch, load, "_load_deal")
    assert preview.rebuild() == {p.stem for p in (preview.project / "deals").glob("[a-z]*.yaml")}
    assert len(parsed) == 8


def test_a_preview_rebuild_reads_each_past_commit_once(tmp_path, monkeypatch):
    """History at every rebuild: commits already read are not listed or put together again
    (model/git._CATALOGUES), and what the publication gate let through of them is not worked
    out again (compute/history._STATES), even after an edit to a deal in the working tree."""
    from trust_support import commit_all, deal, git_project, write

    from generator.compute import history as history_module
    from generator.compute.embargo import publish
    from generator.model.git import Reader

    project = git_project(tmp_path / "project", "2026-01-05T10:00:00+00:00")
    write(project / "deals" / "zqx-one.yaml", deal(title="One deal"))
    commit_all(project, "one", "2026-02-01T10:00:00+00:00")
    write(project / "deals" / "zqx-two.yaml", deal(title="Two deal"))
    commit_all(project, "two", "2026-03-01T10:00:00+00:00")
    now = dt.datetime.fromisoformat("2026-06-01T12:00:00+00:00")
    trees, gated = [], []
    monkeypatch.setattr(Reader, "tree", lambda self, rev, original=Reader.tree: trees.append(rev) or original(self, rev))
    original_gate = history_module.public_catalogue
    monkeypatch.setattr(history_module, "public_catalogue", lambda c, moment: gated.append(moment) or original_gate(c, moment))

    def rebuild():
        catalogue = load_catalogue([project / "deals"])
        return history_module.history(Reader(project / "deals", catalogue.deals), publish(catalogue, [], now))

    forget_caches()
    try:
        first = rebuild()
        read, worked_out = len(trees), len(gated)
        assert read >= 2 and worked_out >= 2
        assert rebuild() == first
        write(project / "deals" / "zqx-two.yaml", deal(title="Two deal, edited"))  # not committed
        rebuild()
        assert (len(trees), len(gated)) == (read, worked_out)
    finally:
        forget_caches()


def test_a_bounded_cache_starts_again_when_full_and_is_forgotten_with_the_others():
    from generator.model.digest import Bounded

    kept = Bounded(2)
    assert kept.keep("a", 1) == 1 and kept.keep("b", 2) == 2
    kept.keep("c", 3)  # full: it starts again
    assert dict(kept) == {"c": 3}
    forget_caches()
    assert dict(kept) == {}
