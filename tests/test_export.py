"""``dealsite export DIR``: a plain docs folder that plain ``mkdocs build`` builds without our plugin.

The export runs here with no engine importable at all (mkdocs, properdocs and material are
hidden from ``sys.meta_path``), so it is proven engine-free; the exported folder is then built
by ``mkdocs build --strict`` with no dealsite code in its configuration. The result is compared,
page by page, with ``dealsite build`` of the same project at the same moment, and the last
check before publishing (engine/gate.py) is run over it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import copy_project
from gates import check_links, html_files, page_url
from publishing_support import source_date_epoch

pytestmark = pytest.mark.xdist_group("engines")

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BIN = Path(sys.executable).parent
EPOCH = "1767225600"  # 2026-01-01
SITE_URL = "https://deals.example.org/"
DEAL_CANARY = "zqxexportdraftdeal"
UPDATE_CANARY = "zqxexportdraftupdate"

# `dealsite ARGS` in a process where no engine can be imported, and which fails if one was.
NO_ENGINE = """
import importlib.abc, sys
HIDDEN = ("mkdocs", "properdocs", "material")
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden: the export needs no engine)", name=name)
sys.meta_path.insert(0, Hide())
from generator.cli import main
status = main(sys.argv[1:])
loaded = sorted(n for n in sys.modules if n.split(".")[0] in HIDDEN)
if loaded:
    print(f"an engine was loaded: {loaded}", file=sys.stderr)
    status = 3
sys.exit(status)
"""


def run(args: list, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def export(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-c", NO_ENGINE, "export", *args], project)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The example project, plus a draft deal and a draft update that must never be exported."""
    root = copy_project(tmp_path_factory.mktemp("export") / "project")
    kent = (root / "deals" / "kent.yaml").read_text(encoding="utf-8")
    (root / "deals" / f"{DEAL_CANARY}.yaml").write_text(kent.replace("\ntitle: ", f"\ndraft: true\ntitle: {DEAL_CANARY} ", 1), encoding="utf-8")
    (root / "content" / "updates" / "2025-12-01-draft.md").write_text(
        f"---\ntitle: {UPDATE_CANARY} title\ndate: 2025-12-01\ndeals: [kent]\nsummary: Not yet.\ndraft: true\n---\n\n"
        f"The {UPDATE_CANARY} text.\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def built(project) -> Path:
    done = run([sys.executable, "-m", "generator.cli", "build", "-q"], project)
    assert done.returncode == 0, done.stderr[-3000:]
    return project / "site"


@pytest.fixture(scope="module")
def exported(project) -> tuple[Path, subprocess.CompletedProcess]:
    done = export(project, "export")
    assert done.returncode == 0, done.stderr[-3000:]
    return project / "export", done


@pytest.fixture(scope="module")
def export_build(exported) -> tuple[Path, subprocess.CompletedProcess]:
    folder, _ = exported
    done = run([BIN / "mkdocs", "build", "--strict", "-f", folder / "mkdocs.yml"], folder)
    return folder / "site", done


def test_export_needs_no_engine_and_says_how_to_build_it(exported):
    folder, done = exported
    # 8 example deals x 2 (deal page, tables page) = 16; 8 cross-deal pages (accountability, changes, compare,
    # dashboard, data, pack, powers, timetable); 4 content pages (home, accessibility, deal format, publishing);
    # 4 updates and their index = 5; the draft deal and draft update none: 16 + 8 + 4 + 5 = 33
    assert "exported 36 pages" in done.stdout  # with the committee's page and its two meeting packs
    assert "mkdocs build -f" in done.stdout
    assert (folder / ".dealsite-site").is_file()
    assert sorted(p.name for p in folder.iterdir()) == [".dealsite-site", "docs", "mkdocs.yml", "overrides"]


def test_the_export_builds_with_plain_mkdocs_in_strict_mode_without_the_plugin(exported, export_build):
    folder, _ = exported
    site, done = export_build
    assert done.returncode == 0, done.stderr[-3000:]
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["plugins"] == ["search"]
    assert "watch" not in config
    assert not re.search(r"^(WARNING|ERROR) ", done.stderr, re.MULTILINE), done.stderr[-3000:]
    assert "loaded 5 deals" not in done.stderr  # our plugin did not run
    assert (site / "deals" / "kent" / "index.html").is_file()


def _page(file: Path) -> dict:
    root = lxml.html.parse(str(file)).getroot()
    article = root.xpath("//article")
    return {
        "title": root.findtext(".//title"),
        "h1": [h.text_content() for h in root.iter("h1")],
        "article": re.sub(r"\s+", " ", lxml.html.tostring(article[0], encoding="unicode")) if article else None,
    }


def test_every_page_of_the_build_is_in_the_export_with_the_same_title_and_body(built, export_build):
    """Page by page, the exported site shows what `dealsite build` shows: same pages, same
    <title>, same <h1>, the same content (whitespace aside). Differences live outside the
    content: the table of contents of generated pages (see the next test) and the nav label
    the plugin gives in-nav generated pages (their long title; the export keeps mkdocs.yml's)."""
    site, _ = export_build
    ours = {page_url(built, f): f for f in html_files(built)}
    theirs = {page_url(site, f): f for f in html_files(site)}
    assert sorted(ours) == sorted(theirs)
    assert "deals/kent/" in ours and "deals/kent/tables/" in ours and "updates/2011-09-16-greater-manchester-signs-city-region-deal/" in ours
    different = {url: (_page(ours[url]), _page(theirs[url])) for url in ours if _page(ours[url]) != _page(theirs[url])}
    assert different == {}
    files = lambda site: sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.suffix != ".html")  # noqa: E731
    assert [f for f in files(built) if f != ".dealsite-site"] == files(site)


def test_pages_lose_their_table_of_contents_in_the_export_and_keep_their_anchors(built, export_build):
    """A known loss, kept visible: MkDocs builds the table of contents from Markdown headings,
    and every page of the export is HTML (generated pages; hand-written ones too, rendered and
    sanitised by the core so that no engine can turn them into script). If an engine starts
    reading HTML headings, this fails: then say so in engine/export.py."""
    site, _ = export_build
    toc = lambda f: [a.get("href") for a in lxml.html.parse(str(f)).getroot().xpath('//nav[contains(@class,"md-nav--secondary")]//a')]  # noqa: E731
    ids = lambda f: [h.get("id") for h in lxml.html.parse(str(f)).getroot().xpath("//article//*[self::h2 or self::h3 or self::h4]")]  # noqa: E731
    assert len(toc(built / "deals" / "kent" / "index.html")) >= 10
    assert toc(site / "deals" / "kent" / "index.html") == []
    assert len(toc(built / "deal-format" / "index.html")) >= 10  # hand-written: lost too
    assert toc(site / "deal-format" / "index.html") == []
    assert ids(site / "deal-format" / "index.html") == ids(built / "deal-format" / "index.html")
    assert {a.removeprefix("#") for a in toc(built / "deal-format" / "index.html")} <= set(ids(site / "deal-format" / "index.html"))  # every section the contents linked to
    assert check_links(site, SITE_URL) == []


def test_the_exported_site_has_the_projects_nav(built, export_build):
    site, _ = export_build
    nav = lambda f: [a.get("href") for a in lxml.html.parse(str(f)).getroot().xpath('//nav[contains(@class,"md-nav--primary")]//a')]  # noqa: E731
    labels = lambda f: [a.text_content().strip() for a in lxml.html.parse(str(f)).getroot().xpath('//nav[contains(@class,"md-nav--primary")]//a')]  # noqa: E731
    project = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert nav(site / "index.html") == nav(built / "index.html")
    assert labels(site / "index.html")[1:] == [next(iter(item)) for item in project]  # the first is the site's name
    assert nav(site / "deals" / "kent" / "index.html") == nav(built / "deals" / "kent" / "index.html")  # out of the nav, as built


def test_search_finds_in_the_export_what_it_finds_in_the_build(built, export_build):
    """Material indexes the export's pages itself (no entries from the data without the plugin):
    every page and outcome the build's index finds is found, pages the build leaves out of its
    index are left out, and nothing more."""
    site, _ = export_build
    index = lambda s: json.loads((s / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]  # noqa: E731
    ours, theirs = {d["location"] for d in index(built)}, {d["location"] for d in index(site)}
    assert ours - theirs == set()
    assert {loc.split("#")[0] for loc in ours} == {loc.split("#")[0] for loc in theirs}
    assert "deals/kent/#outcome-feeling-safe" in theirs
    assert not any(loc.startswith(("deals/kent/tables/", "dashboard/", "pack/")) for loc in theirs)


def test_held_back_deals_and_updates_are_not_exported_and_the_built_export_passes_the_last_check(project, exported, export_build):
    from generator.compute.embargo import publish
    from generator.engine.project import read_project
    from generator.engine.gate import check_site
    from generator.engine.pipeline import read_sources
    from generator.model.clock import build_time

    folder, _ = exported
    site, _ = export_build
    for path in folder.rglob("*"):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            assert DEAL_CANARY not in name and "2025-12-01-draft" not in name
            data = path.read_bytes()
            assert DEAL_CANARY.encode() not in data and UPDATE_CANARY.encode() not in data, name
    config, settings = read_project(project / "mkdocs.yml")
    sources = read_sources(settings)
    with source_date_epoch(int(EPOCH)):
        publication = publish(sources.catalogue, sources.updates, build_time(), previews=False)
    held = {(h.kind, h.deal if h.kind == "deal" else h.name) for h in publication.held}
    assert held >= {("deal", DEAL_CANARY), ("update", "updates/2025-12-01-draft.md")}  # the check has something to find
    check_site(site, publication, own_scripts=config["extra_javascript"])


def test_the_settings_export_reads_are_the_ones_mkdocs_reads():
    from generator.engine.project import read_project
    from generator.engine.mkdocs.config import read_settings

    assert read_project(REPO / "mkdocs.yml")[1] == read_settings(REPO / "mkdocs.yml")


def test_export_refuses_sources_and_folders_dealsite_did_not_make_and_replaces_its_own(tmp_path):
    project = copy_project(tmp_path / "project")
    foreign = project / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me", encoding="utf-8")
    for folder in ("content", "deals", "site_templates", ".", "notes"):
        done = export(project, folder)
        assert done.returncode == 1, (folder, done.stderr)
        assert "export refused, nothing was changed" in done.stderr
    assert (foreign / "mine.txt").read_text(encoding="utf-8") == "keep me"
    assert export(project, "out").returncode == 0
    (project / "out" / "docs" / "stale.md").write_text("# stale\n", encoding="utf-8")
    again = export(project, "out")
    assert again.returncode == 0, again.stderr[-3000:]
    assert not (project / "out" / "docs" / "stale.md").exists()  # replaced whole
    assert not list(project.glob(".dealsite-build-*"))


def test_export_of_bad_deal_files_reports_them_and_writes_nothing(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "deals" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    done = export(project, "out")
    assert done.returncode == 1
    assert "broken.yaml:" in done.stderr
    assert not (project / "out").exists()


# --- the Markdown the export writes, without a build ------------------------------------------------


def test_the_fragment_marker_is_the_plugins():
    from generator.engine.export import FRAGMENT
    from generator.engine.mkdocs.plugin import _FRAGMENT

    assert FRAGMENT.pattern == _FRAGMENT.pattern


def test_a_hand_written_page_is_written_as_html_with_links_for_its_address_that_engines_pass_through():
    """Rendered by the core, links written as MkDocs writes them for the page's address (it moves
    to guide/x/index.md, served at guide/x/ as before), code left as written, fragments filled,
    title escaped; and no blank line inside an element, where a CommonMark engine would end the
    HTML and read the rest as Markdown."""
    import markdown

    from generator.engine.export import _hand_written_markdown
    from generator.model.content import Page

    body = (
        "# X\n\nSee [Kent](../deals/kent.md#budget) and [a file](../examples/w.yml), not `[Kent](../deals/kent.md)`.\n\n"
        "```\n[Kent](../deals/kent.md)\n\n<b>x</b>\n```\n\n<!-- dealsite:deal-list -->\n\n<div>\n\n*x* [a](javascript:alert(1))\n\n</div>\n"
    )
    text = _hand_written_markdown(Page("guide/x.md", {"title": "X <b>", "hide": ["toc"]}, body, 4), {"deal-list": "<ul><li>ours</li></ul>"})
    front, html = text.split("---\n", 2)[1:]
    assert yaml.safe_load(front) == {"title": "X &lt;b&gt;", "hide": ["toc"]}
    assert '<a href="../../deals/kent/#budget">Kent</a>' in html and '<a href="../../examples/w.yml">a file</a>' in html
    assert "<code>[Kent](../deals/kent.md)</code>" in html
    assert "<ul><li>ours</li></ul>" in html and "dealsite:" not in html
    code = lxml.html.fragments_fromstring(html)[2]
    assert code.text_content() == "[Kent](../deals/kent.md)\n\n<b>x</b>\n"  # the same text, its blank line written &#10;
    for engine in (markdown.markdown(html, extensions=["attr_list", "md_in_html"]), pytest.importorskip("markdown_it").MarkdownIt().render(html)):
        assert "<em>" not in engine and 'href="javascript' not in engine  # nothing read as Markdown
        assert [e.text_content() for e in lxml.html.fragments_fromstring(engine) if not isinstance(e, str)] == [
            e.text_content() for e in lxml.html.fragments_fromstring(html) if not isinstance(e, str)
        ]


def test_a_generated_page_whose_html_is_not_all_blocks_is_never_parsed_as_markdown():
    """Python-Markdown passes block-level HTML through; text or inline tags at the top level
    would be parsed, and escaped deal text such as [x](javascript:...) would become a link."""
    import markdown

    from generator.engine.export import _generated_markdown
    from generator.pages.bundle import GeneratedPage

    page = GeneratedPage("deals/x.md", "X <b>", '<span>[x](javascript:alert(1)) *y*</span>\n<p>z</p>', description="d & e")
    text = _generated_markdown(page, indexed_from_data=True)
    front, body = text.split("---\n", 2)[1:]
    assert yaml.safe_load(front) == {"title": "X &lt;b&gt;", "description": "d &amp; e"}
    html = markdown.markdown(body)
    assert "<a" not in html and "<em>" not in html
    assert "<h1>X &lt;b&gt;</h1>" in html
    blocks = _generated_markdown(GeneratedPage("deals/y.md", "Y", "<h1>Y</h1>\n<section><p>[x](y) *z*</p></section>", search=False), indexed_from_data=False)
    assert "<div>" not in blocks and "search:\n  exclude: true\n" in blocks
    assert "<em>" not in markdown.markdown(blocks.split("---\n", 2)[2])


# --- hand-written pages: rendered and sanitised by the core, whatever builds the export -------------

HOSTILE = """---
title: Notes <img src=x onerror="window.__pwned=7">
description: About <script>window.__pwned=8</script> notes
---

# Notes

Hello <img src="examples/publish-workflow.yml" onerror="window.__pwned=1"> world.

<script>window.__pwned=2</script>

[click](javascript:alert(1))

A paragraph with attributes.
{: onclick="window.__pwned=3" id="x" }

<noscript><p title="</noscript><img src=examples/publish-workflow.yml onerror=window.__pwned=4>"></p></noscript>

<div markdown="1">*not* [a link](javascript:window.__pwned=5)</div>

See [the guide](publishing.md), [Kent's budget](deals/kent.md#budget) and [the workflow](examples/publish-workflow.yml).

!!! note "Still an admonition"
    With [the powers](powers.md) inside.
"""


@pytest.fixture(scope="module")
def hostile_export(tmp_path_factory) -> tuple[Path, Path]:
    """The example project with a hostile hand-written page, exported, then built by plain MkDocs."""
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    (project / "content" / "notes.md").write_text(HOSTILE, encoding="utf-8")
    assert run([sys.executable, "-m", "generator.cli", "check"], project).returncode == 0  # check accepts it: it is the export's to make safe
    done = export(project, "export")
    assert done.returncode == 0, done.stderr[-3000:]
    folder = project / "export"
    built = run([BIN / "mkdocs", "build", "-f", folder / "mkdocs.yml"], folder)
    assert built.returncode == 0, built.stderr[-3000:]
    return folder, folder / "site"


def _script_in(root, theme: set[str], own: set[str]) -> list[str]:
    """Every on* attribute, script address and script that is not the theme's or the site's own."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}={value!r}>")
            if re.sub(r"[\x00-\x20]+", "", value).lower().startswith(("javascript:", "vbscript:", "data:")):
                found.append(f"<{element.tag} {name}={value!r}>")
        if element.tag == "script":
            src = element.get("src")
            if src is not None and not (src.split("/")[-1] in own or "assets/javascripts/" in src):
                found.append(f"<script src={src!r}>")
            if src is None and element.get("type") != "application/json" and re.sub(r'new URL\("[^"]*",location\)', "", element.text or "") not in theme:
                found.append(f"<script>{element.text}</script>")
    return found


def test_a_hostile_hand_written_page_is_exported_without_script_and_builds_without_it(hostile_export):
    folder, site = hostile_export
    own = {"dealsite.js", "progress.js"}
    theme = {re.sub(r'new URL\("[^"]*",location\)', "", s.text or "") for s in lxml.html.parse(str(site / "404.html")).getroot().iter("script") if not s.get("src")}
    page = site / "notes" / "index.html"
    root = lxml.html.fromstring(page.read_bytes())
    assert _script_in(root, theme, own) == []
    for markdown in (folder / "docs").rglob("*.md"):  # every exported page, read as HTML
        assert _script_in(lxml.html.fromstring(markdown.read_bytes()), set(), set()) == [], markdown
    article = root.xpath("//article")[0]
    text = article.text_content()
    assert "Hello" in text and "world." in text and "window.__pwned=2" not in text
    assert "{: onclick=" in text  # attribute lists are text, as in updates
    assert root.findtext(".//title").startswith("Notes <img src=x onerror=")  # the title is text, not an image
    assert not article.xpath(".//img[@onerror]") and not root.xpath("//*[@onclick]")
    assert [h.text_content() for h in root.iter("h1")] == ["Notes"]
    assert article.xpath('.//div[contains(@class, "admonition") and contains(@class, "note")]')
    links = {a.text_content(): a.get("href") for a in article.iter("a")}
    assert links["the guide"] == "../publishing/"
    assert links["Kent's budget"] == "../deals/kent/#budget"
    assert links["the workflow"] == "../examples/publish-workflow.yml"
    assert links["the powers"] == "../powers/"
    assert "href" not in article.xpath('.//a[text()="click"]')[0].attrib
    assert check_links(site, SITE_URL) == []


def test_no_script_runs_on_the_exported_hostile_page_in_a_browser(hostile_export, browser):
    from browser import DESKTOP, injected, open_page, serve

    _, site = hostile_export
    with serve(site) as url:
        context = browser.new_context(viewport=DESKTOP)
        try:
            page, log = open_page(context, url + "notes/")
            page.click("text=A paragraph with attributes.")
            assert page.evaluate("() => window.__pwned") is None
            assert injected(page, log) == []
        finally:
            context.close()


def test_the_exports_last_check_reads_markdown_pages_as_html(tmp_path):
    """An engine passes a page's HTML through: a planted onerror in any .md is refused."""
    from generator.compute.embargo import publish
    from generator.engine.gate import UnsafeOutput, check_site
    from generator.model import Catalogue

    docs = tmp_path / "docs"
    (docs / "notes").mkdir(parents=True)
    (docs / "notes" / "index.md").write_text('---\ntitle: Notes\n---\n\n<p>Hi <img src="x" onerror="alert(1)"></p>\n', encoding="utf-8")
    publication = publish(Catalogue(deals=[], rounds=[], powers=[]), (), dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    with pytest.raises(UnsafeOutput, match=r"notes/index.md: has an onerror attribute on <img>"):
        check_site(docs, publication)
