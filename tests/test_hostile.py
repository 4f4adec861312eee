"""Hostile input: deal and update files written to break the site.

The corpus is tests/hostile/: one case per file, and cases.yaml saying what each must
do (with the decisions on sizes, nesting and invisible characters). Each case either is
refused with file, line and field, or builds, with its text shown as text, exactly as
written, and no markup from it anywhere in the site. A real browser then opens every
page where a payload landed and confirms that no injected script ran.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
import yaml
from browser import DESKTOP, injected, open_page
from conftest import REPO, build_project, copy_project
from gates import check_html, check_links, html_files, page_types, page_url

HOSTILE = Path(__file__).parent / "hostile"
CASES = yaml.safe_load((HOSTILE / "cases.yaml").read_text(encoding="utf-8"))["cases"]
ESCAPED = [c for c in CASES if c["expect"] == "escaped"]
ERRORS = [c for c in CASES if c["expect"] == "error"]
SHARED = ("_rounds.yaml", "_powers.yaml", "_deflators.yaml")
WELSH_AND_GAELIC = ["Cyngor Sir Ynys Môn", "Bwrdd Iechyd Prifysgol Betsi Cadwaladr Ŵ ŷ â ŵ", "Comhairle nan Eilean Siar: à è ì ò ù"]


def _id(case: dict) -> str:
    return case["file"]


def _page(case: dict) -> str:
    return case.get("page") or f"deals/{Path(case['file']).stem}/"


def _words(text: str) -> str:
    return " ".join(text.split())


# --- the corpus ------------------------------------------------------------------------


def test_the_corpus_has_at_least_30_cases():
    assert len(CASES) >= 30
    assert len(ESCAPED) >= 10 and len(ERRORS) >= 10


def test_every_case_has_its_file_and_every_file_its_case():
    files = {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.glob("*/*") if p.is_file()}
    assert files == {c["file"] for c in CASES}


def test_every_case_says_what_it_attacks_and_expects():
    for case in CASES:
        assert case["attack"] and case["expect"] in ("escaped", "error")
        assert case.get("text") if case["expect"] == "escaped" else case.get("message")


# --- refused, with file, line and field ------------------------------------------------


def _problems(case: dict, tmp_path: Path) -> list:
    from generator.model.load import InvalidDeals, load_catalogue
    from generator.model.updates import load_updates, update_files

    source = HOSTILE / case["file"]
    if case["file"].startswith("deals/"):
        directory = tmp_path / "deals"
        directory.mkdir()
        for name in SHARED:
            shutil.copy(REPO / "deals" / name, directory / name)
        shutil.copy(source, directory / source.name)
        with pytest.raises(InvalidDeals) as raised:
            load_catalogue([directory])
    else:
        catalogue = load_catalogue([REPO / "deals"])
        directory = tmp_path / "updates"
        directory.mkdir()
        shutil.copy(source, directory / source.name)
        with pytest.raises(InvalidDeals) as raised:  # InvalidUpdates is one
            load_updates(update_files(directory), catalogue)
    return raised.value.problems


@pytest.mark.parametrize("case", ERRORS, ids=_id)
def test_a_hostile_file_is_refused_with_file_line_and_field(case, tmp_path):
    from generator.model.limits import visible

    problems = _problems(case, tmp_path)
    name = Path(case["file"]).name
    assert problems, "no problem reported"
    assert all(Path(p.file).name == name for p in problems)
    problem = problems[0]
    assert case["message"] in problem.message
    if "line" in case:
        assert (problem.line, problem.field) == (case["line"], case["field"])
    assert str(problem).startswith(f"{visible(problem.file)}:{problem.line}: ")  # a file name prints with its controls escaped


def test_a_file_over_a_million_bytes_is_refused_at_line_1(tmp_path):
    from generator.model.load import InvalidDeals, load_catalogue

    directory = tmp_path / "deals"
    directory.mkdir()
    for name in SHARED:
        shutil.copy(REPO / "deals" / name, directory / name)
    base = (HOSTILE / "deals" / "welsh-diacritics.yaml").read_text(encoding="utf-8")
    big = base + "# " + "x" * 1_000_000 + "\n"  # 1,000,002 bytes of comment alone
    (directory / "very-large.yaml").write_text(big, encoding="utf-8")
    with pytest.raises(InvalidDeals) as raised:
        load_catalogue([directory])
    [problem] = raised.value.problems
    assert (Path(problem.file).name, problem.line) == ("very-large.yaml", 1)
    assert f"file is {len(big.encode()):,} bytes (expected at most 1,000,000)" == problem.message


def test_the_build_command_names_file_line_and_field_and_leaves_the_site(tmp_path, capsys):
    from generator.cli import main

    project = copy_project(tmp_path / "project")
    case = next(c for c in ERRORS if c["file"] == "deals/javascript-url.yaml")
    shutil.copy(HOSTILE / case["file"], project / "deals" / "javascript-url.yaml")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site", encoding="utf-8")
    assert main(["build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]) == 1
    err = capsys.readouterr().err
    assert f"javascript-url.yaml:{case['line']}: sources[0].url: javascript:window.__pwned=1 is not a web address" in err
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "previous site"


# --- builds, shown as text -------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """ONE site built from the example deals and every case that must build."""
    deals = {Path(c["file"]).name: (HOSTILE / c["file"]).read_bytes() for c in ESCAPED if c["file"].startswith("deals/")}
    content = {c["file"]: (HOSTILE / c["file"]).read_bytes() for c in ESCAPED if c["file"].startswith("updates/")}
    return build_project(tmp_path_factory.mktemp("hostile"), deals, content)


@pytest.fixture(scope="module")
def hostile_html(hostile_site) -> dict[str, str]:
    return {page_url(hostile_site, f): f.read_text(encoding="utf-8") for f in html_files(hostile_site)}


@pytest.mark.parametrize("case", ESCAPED, ids=_id)
def test_hostile_text_is_shown_as_text_exactly_as_written(case, hostile_html):
    page = _page(case)
    assert page in hostile_html, f"no page {page}"
    body = lxml.html.fromstring(hostile_html[page]).body
    assert _words(case["text"]) in _words(body.text_content())


@pytest.mark.parametrize("case", [c for c in ESCAPED if c.get("forbidden")], ids=_id)
def test_hostile_text_never_becomes_markup_on_any_page(case, hostile_html):
    found = [(url, bad) for url, html in hostile_html.items() for bad in case["forbidden"] if bad in html]
    assert found == []


@pytest.mark.parametrize("text", WELSH_AND_GAELIC)
def test_welsh_and_gaelic_letters_are_written_as_themselves(text, hostile_html):
    # the letters themselves in UTF-8, not entities or decomposed forms, on some page
    assert any(text in html for html in hostile_html.values())


def test_template_syntax_is_not_evaluated(hostile_html):
    body = lxml.html.fromstring(hostile_html["deals/jinja-in-holder/"]).body.text_content()
    assert "{{ 7*7 }}" in body and "{% raw %}raw{% endraw %}" in body
    assert not re.search(r"\b49\b", body)  # 7*7


def test_the_hostile_site_has_no_script_links_or_broken_links(hostile_site):
    assert check_links(hostile_site) == []


@pytest.mark.xdist_group("vnu")
def test_the_hostile_site_is_valid_html(hostile_site):
    assert check_html(hostile_site) == []


def test_the_search_index_keeps_hostile_text_escaped(hostile_site):
    index = (hostile_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in index
    assert "<img src=x onerror" not in index


# --- in a real browser: nothing runs ----------------------------------------------------

PLANTED_SCRIPT_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x</title></head>
<body><img src="x" alt="" onerror="window.__pwned=1"><a href="javascript:window.__pwned=2">x</a>
<script>alert("planted")</script></body></html>
"""


@pytest.mark.xdist_group("browser")
def test_the_injection_check_reports_a_planted_page_whose_script_runs(tmp_path, browser, served):
    (tmp_path / "planted.html").write_text(PLANTED_SCRIPT_PAGE, encoding="utf-8")
    context = browser.new_context(viewport=DESKTOP)
    try:
        with served(tmp_path) as base:
            page, log = open_page(context, base + "planted.html")
            found = injected(page, log)
            page.close()
    finally:
        context.close()
    text = "\n".join(found)
    assert "window.__pwned was set" in text
    assert 'img onerror=window.__pwned=1' in text
    assert "a href=javascript:window.__pwned=2" in text
    assert "dialog alert: planted" in text


@pytest.mark.xdist_group("browser")
def test_no_injected_script_runs_on_any_page_of_the_hostile_site(hostile_site, hostile_html, browser, served):
    urls = sorted(set(page_types(hostile_site).values()) | {u for u, html in hostile_html.items() if "__pwned" in html})
    assert len(urls) > 20
    context = browser.new_context(viewport=DESKTOP)
    ran = []
    try:
        with served(hostile_site) as base:
            for url in urls:
                page, log = open_page(context, base + url)
                ran += injected(page, log) + log.third_party
                page.close()
    finally:
        context.close()
    assert ran == []


@pytest.mark.xdist_group("browser")
def test_searching_for_hostile_text_runs_no_script(hostile_site, browser, served):
    context = browser.new_context(viewport=DESKTOP)
    try:
        with served(hostile_site) as base:
            page, log = open_page(context, base)
            page.click("input.md-search__input")
            page.keyboard.type("testshire")  # in every hostile deal; results quote the payloads
            page.wait_for_selector(".md-search-result__item")
            results = page.inner_text(".md-search-result")
            found = injected(page, log)
            page.close()
    finally:
        context.close()
    assert "__pwned" in results  # the payloads were found, and shown as text
    assert found == []


@pytest.mark.xdist_group("browser")
def test_welsh_and_gaelic_render_exactly_in_the_browser(hostile_site, browser, served):
    context = browser.new_context(viewport=DESKTOP)
    try:
        with served(hostile_site) as base:
            shown = {}
            for slug in ("welsh-diacritics", "welsh-partner", "gaelic-diacritics"):
                page, _ = open_page(context, f"{base}deals/{slug}/")
                shown[slug] = page.inner_text("body")
                page.close()
    finally:
        context.close()
    assert "Cyngor Sir Ynys Môn" in shown["welsh-diacritics"]
    assert "Bwrdd Iechyd Prifysgol Betsi Cadwaladr Ŵ ŷ â ŵ" in shown["welsh-partner"]
    assert "Comhairle nan Eilean Siar: à è ì ò ù" in shown["gaelic-diacritics"]
