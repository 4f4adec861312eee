"""site.generate: per-deal work in parallel, reused between previews, files written to disk.

These are the mechanics that keep a build of a thousand deals fast (generator/bench.py); each
must give exactly the site a plain, single-process build gives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from generator.compute.embargo import publish
from generator.model.load import load_catalogue
from generator.model.updates import load_updates, update_files
from generator.pages.bundle import Bundle
from generator.pages.generate import DealMemo, generate

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2016, 6, 1, 12, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def inputs():
    catalogue = load_catalogue([REPO / "deals"])
    return publish(catalogue, load_updates(update_files(REPO / "content" / "updates"), catalogue), NOW)


def _generate(publication, **kwargs) -> Bundle:
    return generate(publication, REPO / "site_templates", **kwargs)


def _files(bundle: Bundle) -> dict[str, bytes]:
    return {path: bundle.read_file(path) for path in bundle.file_paths()}


def test_two_worker_processes_make_the_same_site_as_one(inputs):
    one = _generate(inputs, jobs=1)
    two = _generate(inputs, jobs=2)
    assert [(p.src_uri, p.title, p.html, p.headings) for p in two.pages] == [
        (p.src_uri, p.title, p.html, p.headings) for p in one.pages
    ]
    assert two.search == one.search
    assert two.fragments == one.fragments
    assert _files(two) == _files(one)


def test_files_go_to_the_output_directory_with_the_same_bytes(inputs, tmp_path):
    in_memory = _generate(inputs, jobs=1)
    on_disk = _generate(inputs, jobs=2, out_dir=tmp_path)
    assert on_disk.files == {}  # nothing held in memory
    assert sorted(on_disk.written) == in_memory.file_paths()
    for path, content in in_memory.files.items():
        assert (tmp_path / path).read_bytes() == content, path


def test_a_preview_reuses_every_unchanged_deal(inputs):
    memo = DealMemo()
    first = _generate(inputs, jobs=1, memo=memo)
    second = _generate(inputs, jobs=1, memo=memo)
    kent_first = next(p for p in first.pages if p.src_uri == "deals/kent.md")
    kent_second = next(p for p in second.pages if p.src_uri == "deals/kent.md")
    assert kent_second is kent_first  # the same object: not generated again


def test_a_preview_regenerates_a_changed_deal_and_only_that_deal(inputs):
    memo = DealMemo()
    first = _generate(inputs, jobs=1, memo=memo)
    public = inputs.catalogue
    renamed = [d.model_copy(update={"title": "Kent renamed"}) if d.slug == "kent" else d for d in public.deals]
    second = _generate(replace(inputs, catalogue=public.model_copy(update={"deals": renamed})), jobs=1, memo=memo)
    before = {p.src_uri: p for p in first.pages}
    after = {p.src_uri: p for p in second.pages}
    assert "Kent renamed" in after["deals/kent.md"].html
    assert after["deals/kent.md"] is not before["deals/kent.md"]
    assert after["deals/cornwall.md"] is before["deals/cornwall.md"]
    # Essex's feed names Kent: the committee examined them in the same session.
    assert after["deals/essex.md"] is not before["deals/essex.md"]
    assert b"Kent renamed" in second.read_file("deals/essex/feed.xml")
    assert "Kent renamed" in second.fragments["deal-list"]  # pages across deals always follow


def _edited(deal, edit: str):
    from generator.model import PartialDate, PowerStatus

    if edit == "title":
        return deal.model_copy(update={"title": f"{deal.title} renamed"})
    if edit == "population":  # the committee's comparison per head
        return deal.model_copy(update={"place": deal.place.model_copy(update={"population": deal.place.population + 1_000_000})})
    if edit == "power declined":  # the powers matrix and the accountability page
        return deal.model_copy(update={"powers": [deal.powers[0].model_copy(update={"status": PowerStatus.declined}), *deal.powers[1:]]})
    if edit == "event in 2031":  # moves the timetable's axis, so every deal's row
        first, *rest = deal.negotiation.events
        moved = first.model_copy(update={"planned": PartialDate(2031, 1, 1), "actual": None})
        return deal.model_copy(update={"negotiation": deal.negotiation.model_copy(update={"events": [moved, *rest]})})
    raise AssertionError(edit)


def test_a_preview_after_each_edit_makes_the_site_a_build_without_a_preview_makes(inputs):
    """What a preview keeps between builds (each deal's outputs, and its values for the pages
    across deals: bundle.reused) never shows an earlier state: after each edit in turn, and
    after undoing them all, the site equals one generated from nothing."""
    memo = DealMemo()
    _generate(inputs, jobs=1, memo=memo)
    public, now = inputs.catalogue, inputs
    # Every deal renamed in turn: a deal's page and files name others (the committee's sessions
    # that examined it, its updates, agreements that follow on from it).
    steps = [(d.slug, "title") for d in public.deals]
    steps += [("essex", "population"), ("kent", "power declined"), ("cornwall", "event in 2031"), ("kent", "title"), (None, "undo")]
    deals = list(public.deals)
    for slug, edit in steps:
        deals = list(public.deals) if edit == "undo" else [_edited(d, edit) if d.slug == slug else d for d in deals]
        now = replace(inputs, catalogue=public.model_copy(update={"deals": deals}))
        kept, fresh = _generate(now, jobs=1, memo=memo), _generate(now, jobs=1)
        assert [(p.src_uri, p.title, p.html, p.headings) for p in kept.pages] == [
            (p.src_uri, p.title, p.html, p.headings) for p in fresh.pages
        ], (slug, edit)
        assert (kept.search, kept.fragments, _files(kept)) == (fresh.search, fresh.fragments, _files(fresh)), (slug, edit)


def test_a_preview_regenerates_every_deal_on_a_new_day(inputs):
    memo = DealMemo()
    first = _generate(inputs, jobs=1, memo=memo)
    later = _generate(replace(inputs, now=NOW + dt.timedelta(days=1)), jobs=1, memo=memo)
    before = {p.src_uri: p for p in first.pages}
    assert all(p is not before[p.src_uri] for p in later.pages if p.src_uri.startswith("deals/"))


def test_a_preview_forgets_a_deal_that_is_no_longer_published(inputs):
    memo = DealMemo()
    _generate(inputs, jobs=1, memo=memo)
    remaining = [d for d in inputs.catalogue.deals if d.slug != "kent"]
    assert memo.keep_only(remaining) == ["kent"]
    assert memo.keep_only(remaining) == []


def test_read_file_returns_what_add_file_published_on_disk_or_in_memory(tmp_path):
    on_disk, in_memory = Bundle(out_dir=tmp_path), Bundle()
    for bundle in (on_disk, in_memory):
        bundle.add_file("deals/kent/x.csv", b"a,b\r\n")
        assert bundle.read_file("deals/kent/x.csv") == b"a,b\r\n"
        assert bundle.file_paths() == ["deals/kent/x.csv"]
    assert (tmp_path / "deals" / "kent" / "x.csv").read_bytes() == b"a,b\r\n"
    with pytest.raises(KeyError):
        on_disk.read_file("deals/kent/missing.csv")


def test_a_file_written_in_parts_arrives_whole_or_not_at_all(tmp_path):
    # dealsite serve writes into the site it serves: a part that fails must leave the last good file.
    bundle = Bundle(out_dir=tmp_path)
    bundle.add_file_parts("data/x.csv", iter([b"a,b\n", b"1,2\n"]))
    assert (tmp_path / "data" / "x.csv").read_bytes() == b"a,b\n1,2\n"

    def failing():
        yield b"a,b\n"
        raise ValueError("deals/kent/x.csv: its columns are not those of x")

    with pytest.raises(ValueError):
        bundle.add_file_parts("data/x.csv", failing())
    assert (tmp_path / "data" / "x.csv").read_bytes() == b"a,b\n1,2\n"
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["x.csv"]  # nothing half-written left beside it
    assert bundle.written == ["data/x.csv"]


def test_compiled_templates_are_reused_until_the_template_is_edited(tmp_path):
    from generator.pages.render import environment

    template = tmp_path / "a.html"
    template.write_text("{{ x }}!", encoding="utf-8")
    assert environment(tmp_path).get_template("a.html").render(x="<b>") == "&lt;b&gt;!"
    template.write_text("{{ x }}?", encoding="utf-8")  # a fresh environment, as in the next preview build
    assert environment(tmp_path).get_template("a.html").render(x="<b>") == "&lt;b&gt;?"
