"""A site past the sizes where pages split: the timetable into pages of 50 deals
(pages/timetable.py PAGE_ROWS) and the A to Z into a page per letter (more than 300 names,
pages/home.py INLINE_MAX). The example site is far below both, and a build of 300 deals once
stopped because the list of pages an update may link to (pages/site_pages.py) did not know
those pages.

The project is the benchmark's corpus (benchmarks/corpus.py) at 110 deals, each naming three
places or councils (its place and two council partners): 330 names, three timetable pages
(50, 50 and 10 deals). It is built with ``dealsite build``, as a team would.
"""

from __future__ import annotations

from pathlib import Path

import corpus
import pytest
from trust_support import dealsite, write

N = 110
pytestmark = pytest.mark.xdist_group("scale")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scale") / "project"
    corpus.write_project(root, N)
    # An update that links to pages that exist only at this size.
    write(root / "content" / "updates" / "2026-05-01-at-scale.md",
          "---\ntitle: Where to find your area\nsummary: The places and the timetable, at scale.\ndate: 2026-05-01\n---\n"
          "See [the places under B](../places/b.md) and [the third page of the timetable](../timetable/3.md).\n")
    return root


@pytest.fixture(scope="module")
def site(project) -> Path:
    built = dealsite(project, "build", at=corpus.EPOCH, timeout=900)
    assert built.returncode == 0, built.stderr[-3000:]
    return project / "site"


def test_an_update_may_link_to_a_letter_page_and_a_later_timetable_page(project):
    checked = dealsite(project, "check", at=corpus.EPOCH, timeout=600)
    assert checked.returncode == 0, checked.stderr[-3000:]


def test_the_timetable_has_a_page_for_each_fifty_deals(site):
    # 110 deals: 50 on timetable/, 50 on timetable/2/, 10 on timetable/3/, and no fourth page
    assert (site / "timetable" / "index.html").is_file()
    assert (site / "timetable" / "2" / "index.html").is_file()
    assert (site / "timetable" / "3" / "index.html").is_file()
    assert not (site / "timetable" / "4").exists()
    # a heading a phone can show: which rounds a page holds is in the list of pages under it
    assert "<h1>Timetable of negotiation rounds, page 2 of 3</h1>" in (site / "timetable" / "2" / "index.html").read_text(encoding="utf-8")


def test_past_300_names_each_letter_has_its_own_page_linked_from_home(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    letters = sorted(p.name for p in (site / "places").iterdir() if (p / "index.html").is_file())
    assert len(letters) > 1
    for letter in letters:
        assert f'href="places/{letter}/"' in home, letter
    # each deal's place is filed under its first letter, on that letter's page
    first = corpus.place_name(0)
    page = (site / "places" / first[0].lower() / "index.html").read_text(encoding="utf-8")
    assert first in page


def test_the_update_links_to_those_pages(site):
    page = next((site / "updates").glob("*at-scale*/index.html")).read_text(encoding="utf-8")
    assert 'href="../../places/b/"' in page and 'href="../../timetable/3/"' in page
