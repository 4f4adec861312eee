"""The build benchmark (benchmarks/bench.py) at N=20, end to end, so `make bench` cannot rot.

It builds the synthetic corpus with dealsite and the plain-Markdown baseline with
MkDocs, measures the serve rebuild, and prints one summary line. These tests check
that it runs and reports sensible figures; they assert no timings (the machine
running the suite decides those).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import bench
import corpus
import pytest

N = 20
REPO = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(
    r"^ratio=(?P<ratio>\d+\.\d{2}) max_page_kb=(?P<max_page_kb>\d+\.\d) peak_rss_mb=(?P<peak_rss_mb>\d+\.\d) "
    r"search_index_mb=(?P<search_index_mb>\d+\.\d{2}) ours_s=(?P<ours_s>\d+\.\d) baseline_s=(?P<baseline_s>\d+\.\d) n=(?P<n>\d+)$"
)

pytestmark = pytest.mark.xdist_group("bench")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One benchmark run at N=20 (our build, the baseline, serve), its output and work dir."""
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench.py"), "--n", str(N), "--small", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout, out / f"n{N}"


def test_the_output_ends_with_the_summary_line(run):
    stdout, _ = run
    last = stdout.strip().splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    assert int(match["n"]) == N


def test_every_figure_in_the_summary_is_a_positive_number(run):
    figures = SUMMARY.match(run[0].strip().splitlines()[-1]).groupdict()
    for name, value in figures.items():
        assert float(value) > 0, name


def test_the_report_gives_the_generators_share_and_the_serve_rebuild(run):
    stdout, _ = run
    assert re.search(r"generator share\s+\d+\.\d s of \d+\.\d s = \d+%", stdout)
    served = re.search(r"a changed deal page served (\d+\.\d) s after the file was written", stdout)
    assert served, stdout[-2000:]  # the rebuilt page with the new title was served (no time limit asserted)


def test_the_synthetic_corpus_passes_dealsite_check(run):
    _, project = run
    done = subprocess.run([str(Path(sys.executable).parent / "dealsite"), "check", "deals"], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    # run on the default folder, check reads the updates too: 3 per deal
    # warnings (advice, such as the synthetic summaries' reading age) may follow the count
    assert re.fullmatch(rf"ok: {N} deals and {3 * N} updates checked(; .* warnings? in .*)?", done.stdout.strip().splitlines()[-1])


def test_every_synthetic_deal_has_its_page(run):
    _, project = run
    for i in range(N):
        assert (project / "site" / "deals" / corpus.slug_of(i) / "index.html").is_file(), corpus.slug_of(i)


def test_the_search_index_finds_a_deal_by_a_word_of_one_of_its_outcomes(run):
    _, project = run
    word = corpus.codeword(7, 3)  # made up for outcome 3 of deal 7; in no other deal
    docs = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = {d["location"].split("#")[0] for d in docs if word in d["text"] or word in d["title"]}
    assert locations == {f"deals/{corpus.slug_of(7)}/"}


def test_a_synthetic_deal_has_the_sizes_the_issue_asks_for():
    menu, rounds = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"], ["r1", "r2", "r3"]
    deal = corpus.deal_data(5, menu, rounds)
    assert len(deal["outcomes"]) == 20
    assert {len(o["readings"]) for o in deal["outcomes"]} == {12}
    assert len(deal["powers"]) == 10
    assert len(deal["budget"]["lines"]) == 30
    assert deal["budget"]["years"] == ["2025-26", "2026-27", "2027-28"]
    assert [len(s["bodies"]) for s in deal["budget"]["schemes"]] == [4, 4]
    assert len(deal["negotiation"]["events"]) == 5
    assert len(corpus.update_items(5)) == 3


def test_the_corpus_is_the_same_on_every_run():
    menu, rounds = [f"p{k}" for k in range(10)], ["r1", "r2"]
    assert corpus.deal_yaml(corpus.deal_data(11, menu, rounds)) == corpus.deal_yaml(corpus.deal_data(11, menu, rounds))
    assert corpus.place_name(0) != corpus.place_name(1000)  # names do not repeat past 1,000 deals


def test_the_baseline_puts_every_deal_in_the_nav_as_plain_markdown_tables(tmp_path):
    bench.write_baseline(tmp_path / "base", 3)
    config = (tmp_path / "base" / "mkdocs.yml").read_text()
    for i in range(3):
        assert f"deals/{corpus.slug_of(i)}.md" in config
    page = (tmp_path / "base" / "docs" / "deals" / f"{corpus.slug_of(0)}.md").read_text()
    assert "| Date | Value | Commentary | Remedial action |" in page
    assert "font: false" in config and "- search" in config

