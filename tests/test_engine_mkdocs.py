"""What the MkDocs adapter (generator/engine/mkdocs/) relies on in MkDocs and Material beyond
their documented plugin API, each checked here so that an upgrade which changes it fails
loudly, naming what changed, instead of quietly degrading the site.

One test (or more) per internal:
``File.generated`` on a subclass, files a plugin wrote into site_dir, ``InclusionLevel.NOT_IN_NAV``,
the dirty-build ``is_modified`` protocol, ``get_toc``, ``event_priority`` against Material's
search, Material's search index (path, ``docs`` format, ``search.exclude``), the theme's inline
scripts the last check allows, the template blocks and partials our overrides copy, the build
function not calling ``on_startup``, and what ``serve`` does around ``on_serve`` (its private
``_watched_paths``, the observer, the dirty-build warning and its logger).

Behaviour is checked by running MkDocs on tiny projects (with ``hooks:``, MkDocs' own way to
run a few events without a plugin package) rather than by reading its source, except where
only the source can say it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from pathlib import Path

import lxml.html
import pytest
import yaml

import generator.engine.mkdocs  # noqa: F401  (the engine shim: MkDocs, or ProperDocs standing in)
from generator.engine.mkdocs import ENGINE

import material  # noqa: E402
from mkdocs.commands import build as build_module  # noqa: E402
from mkdocs.commands import serve as serve_module  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.livereload import LiveReloadServer  # noqa: E402
from mkdocs.structure.files import InclusionLevel  # noqa: E402
from mkdocs.structure.toc import get_toc  # noqa: E402

pytestmark = pytest.mark.xdist_group("engines")

REPO = Path(__file__).resolve().parents[1]
MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"
OVERRIDES = REPO / "site_templates" / "overrides"


def tiny(root: Path, pages: dict[str, str], *, hook: str | None = None, extra: str = "") -> Path:
    """A project with Material and its search, the given pages and optionally a hook file; its mkdocs.yml."""
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = "site_name: t\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n"
    if hook is not None:
        (root / "hook.py").write_text(hook, encoding="utf-8")
        config += "hooks:\n  - hook.py\n"
    (root / "mkdocs.yml").write_text(config + extra, encoding="utf-8")
    return root / "mkdocs.yml"


def squash(text: str) -> str:
    return " ".join(text.split())


def block(template: str, name: str) -> str:
    """The body of ``{% block name %}`` in a template (blocks inside it not expected)."""
    start = template.index(f"{{% block {name} %}}") + len(f"{{% block {name} %}}")
    return template[start : template.index("{% endblock %}", start)]


# --- files -----------------------------------------------------------------------------------------

FILES_HOOK = """
from pathlib import Path

from mkdocs.structure.files import File, InclusionLevel

from generator.engine.mkdocs.plugin import _PageFile, _WrittenFile

MADE = {}


def on_files(files, config):
    page = _PageFile.generated(config, "deals/x.md", content="# X\\n\\nfrom memory\\n", inclusion=InclusionLevel.NOT_IN_NAV)
    data = File.generated(config, "data/x.csv", content=b"a,b\\n1,2\\n")
    target = Path(config.site_dir) / "deals" / "x" / "deal.json"  # as the generator writes downloads
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text('{"written": "before MkDocs copies files"}')
    written = _WrittenFile("deals/x/deal.json", None, config.site_dir, config.use_directory_urls)
    written.abs_src_path = written.abs_dest_path
    MADE.update(page=page, data=data, written=written)
    for file in (page, data, written):
        files.append(file)
    return files
"""


def test_files_generated_in_memory_or_written_into_site_dir_are_built_as_the_plugin_expects(tmp_path):
    """File.generated builds the class it is called on (our _PageFile keeps its is_modified),
    reads the running plugin's name from the private PluginCollection._current_plugin, and
    pretends to live in docs_dir; a File whose source is its own destination (a download the
    generator already wrote) is neither copied over itself nor lost."""
    config = load_config(str(tiny(tmp_path, {"index.md": "# Home\n"}, hook=FILES_HOOK)), site_dir=str(tmp_path / "site"))
    build_module.build(config)
    from generator.engine.mkdocs.plugin import _PageFile

    made = config.hooks["hook.py"].MADE
    page = made["page"]
    assert type(page) is _PageFile
    assert page.generated_by and page.generated_by != "<unknown>"
    assert (page.inclusion, page.url, page.is_documentation_page()) == (InclusionLevel.NOT_IN_NAV, "deals/x/", True)
    assert "from memory" in (tmp_path / "site" / "deals" / "x" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "site" / "data" / "x.csv").read_bytes() == b"a,b\n1,2\n"
    assert json.loads((tmp_path / "site" / "deals" / "x" / "deal.json").read_text()) == {"written": "before MkDocs copies files"}


def test_not_in_nav_pages_are_built_and_left_out_of_the_nav(example_site):
    assert InclusionLevel.NOT_IN_NAV.is_included() and not InclusionLevel.NOT_IN_NAV.is_in_nav()
    assert InclusionLevel.UNDEFINED.is_in_nav()
    assert (example_site / "deals" / "kent" / "index.html").is_file()
    home = lxml.html.parse(str(example_site / "index.html")).getroot()
    nav = [a.get("href") for a in home.xpath('//nav[contains(@class, "md-nav--primary")]//a')]
    assert "powers/" in nav and not any("deals/" in href for href in nav)


# --- dirty builds (dealsite serve) ----------------------------------------------------------------------

DIRTY_HOOK = """
from mkdocs.structure.files import InclusionLevel

from generator.engine.mkdocs.plugin import _PageFile

RUN = {"n": 0}


def on_pre_build(config):
    RUN["n"] += 1


def on_files(files, config):
    generated = _PageFile.generated(config, "g.md", content="# G\\n", inclusion=InclusionLevel.NOT_IN_NAV)
    generated.modified = RUN["n"] == 1  # the class's is_modified: only the first build made it anew
    files.append(generated)
    for file in files:
        if file.src_uri == "b.md":
            file.is_modified = lambda: False  # edited on disk, but this object says not
        if file.src_uri == "d.md":
            file.is_modified = lambda: True  # untouched, but this object says it must be rendered
    return files


def on_page_markdown(markdown, page, config, files):
    return markdown + f"\\n\\nbuild-{RUN['n']}\\n"
"""


def test_a_dirty_build_renders_exactly_the_pages_whose_file_says_it_was_modified(tmp_path):
    """What `dealsite serve` rests on: MkDocs asks page.file.is_modified() before reading and
    before rendering each page in a dirty build; _PageFile answers per class, and
    _mark_pages_showing per object."""
    pages = {name: f"# {name[0].upper()}\n" for name in ("index.md", "a.md", "b.md", "c.md", "d.md")}
    config = load_config(str(tiny(tmp_path, pages, hook=DIRTY_HOOK)), site_dir=str(tmp_path / "site"))
    build_module.build(config)
    later = time.time() + 60
    for name in ("a.md", "b.md"):
        (tmp_path / "docs" / name).write_text(f"# {name[0].upper()} edited\n", encoding="utf-8")
        os.utime(tmp_path / "docs" / name, (later, later))
    build_module.build(config, dirty=True)
    shown = {name: (tmp_path / "site" / name / "index.html").read_text(encoding="utf-8") for name in "abcdg"}
    assert {name: re.search(r"build-(\d)", html).group(1) for name, html in shown.items()} == {
        "a": "2",  # edited: rendered again
        "b": "1",  # edited, but its file said it was not
        "c": "1",  # untouched
        "d": "2",  # untouched, but its file said it was modified
        "g": "1",  # generated; _PageFile.modified was False
    }
    assert "A edited" in shown["a"] and "B edited" not in shown["b"]


# --- the table of contents of generated pages -------------------------------------------------------


def test_get_toc_turns_heading_dicts_into_the_table_of_contents_the_theme_shows():
    toc = get_toc([
        {"level": 2, "id": "a", "name": "A &amp; B", "children": []},
        {"level": 3, "id": "b", "name": "B", "children": []},
    ])
    items = list(toc)
    assert [(i.id, i.title, i.url, i.level) for i in items] == [("a", "A &amp; B", "#a", 2), ("b", "B", "#b", 3)]


def test_each_deal_pages_table_of_contents_lists_its_generated_headings(example_site):
    from generator.engine.mkdocs.config import read_settings
    from generator.engine.pipeline import build, read_sources
    from generator.model.clock import build_time

    settings = read_settings(REPO / "mkdocs.yml")
    bundle = build(settings, read_sources(settings), build_time()).bundle
    page = next(p for p in bundle.pages if p.src_uri == "deals/kent.md")
    root = lxml.html.parse(str(example_site / "deals" / "kent" / "index.html")).getroot()
    toc = [a.get("href") for a in root.xpath('//nav[contains(@class, "md-nav--secondary")]//a')]
    assert toc == [f"#{h.id}" for h in page.headings] and len(toc) >= 10


# --- Material's search, and the order of events -------------------------------------------------------


def _events(config, event: str) -> list[str]:
    return [f"{type(m.__self__).__module__}.{type(m.__self__).__name__}" for m in config.plugins.events[event]]


def test_our_post_build_and_page_context_run_after_materials_search_whatever_the_order_in_mkdocs_yml(tmp_path):
    """Both at priority 0 they would run in the order mkdocs.yml lists them; ours carry -100
    (event_priority), so the deal entries are added to an index Material has already written,
    and deal pages get their HTML after Material's search has looked at them."""
    from material.plugins.search.plugin import SearchPlugin

    assert getattr(SearchPlugin.on_post_build, "mkdocs_priority", 0) == 0
    assert getattr(SearchPlugin.on_page_context, "mkdocs_priority", 0) == 0
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["plugins"][0] == "search"
    config["plugins"].reverse()  # dealsite first
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    for name in ("content", "deals", "site_templates"):
        (tmp_path / name).symlink_to(REPO / name)
    config = load_config(str(tmp_path / "mkdocs.yml"))
    assert list(config.plugins)[:2] == ["dealsite", "material/search"]
    for event in ("post_build", "page_context"):
        order = _events(config, event)
        ours = order.index("generator.engine.mkdocs.plugin.DealsitePlugin")
        assert order.index("material.plugins.search.plugin.SearchPlugin") < ours, (event, order)


def test_materials_search_writes_the_index_the_plugin_extends_and_honours_search_exclude(tmp_path):
    pages = {
        "index.md": "# Home\n\nfindable words\n",
        "hidden.md": "---\nsearch:\n  exclude: true\n---\n\n# Hidden\n\nzqxhidden\n",
        "part.md": '# Part\n\nshown words\n\n<div data-search-exclude markdown>\n\nzqxpart\n\n</div>\n',
    }
    config = load_config(str(tiny(tmp_path, pages, extra="markdown_extensions:\n  - md_in_html\n")), site_dir=str(tmp_path / "site"))
    build_module.build(config)
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert set(index) >= {"config", "docs"}
    assert all(set(doc) >= {"location", "title", "text"} for doc in index["docs"])
    assert {doc["location"].split("#")[0] for doc in index["docs"]} == {"", "part/"}
    assert "zqxhidden" not in json.dumps(index) and "zqxpart" not in json.dumps(index)


def test_deal_pages_are_indexed_by_our_entries_only_and_still_carry_their_html(example_site):
    """page.meta["search"]["exclude"] keeps Material from parsing deal pages; our entries
    (bundle.search) stand in for them; the page's HTML joins it after Material has looked."""
    index = json.loads((example_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    kent = [doc for doc in index["docs"] if doc["location"].startswith("deals/kent/")]
    assert kent[0] == {"location": "deals/kent/", "title": "Kent county deal", "text": kent[0]["text"]}
    assert {doc["location"] for doc in kent[1:]} and all(doc["location"].startswith("deals/kent/#outcome-") for doc in kent[1:])
    assert not any(doc["location"].startswith("deals/kent/tables/") for doc in index["docs"])
    page = (example_site / "deals" / "kent" / "index.html").read_text(encoding="utf-8")
    assert 'id="outcomes"' in page and 'id="budget"' in page


# --- what the theme writes, that our last check and our overrides depend on -------------------------------


def test_the_inline_scripts_the_last_check_allows_are_read_from_404_and_cover_every_page(example_site):
    from generator.engine.unsafe_markup import _SCOPE, Scripts

    allowed = Scripts(example_site, []).inline
    assert allowed  # Material writes its inline scripts on every page, 404.html included
    for file in example_site.rglob("*.html"):
        for element in lxml.html.parse(str(file)).getroot().iter("script"):
            if not element.get("src") and element.get("type") != "application/json":
                assert _SCOPE.sub("", element.text or "") in allowed, file.relative_to(example_site)


def test_our_site_nav_block_is_materials_with_only_the_primary_nav_cached():
    """overrides/main.html copies Material's site_nav block to render the primary nav once
    per depth. Take our additions out and it must be Material's block, word for word: when
    Material changes the block, re-copy it."""
    theirs = block((MATERIAL_TEMPLATES / "base.html").read_text(encoding="utf-8"), "site_nav")
    ours = block((OVERRIDES / "main.html").read_text(encoding="utf-8"), "site_nav")
    ours = re.sub(r"\{% if primary is none %\}.*?\{% endif %\}\s*\{% endif %\}", "", ours, flags=re.DOTALL)
    ours = re.sub(r"\{% set (reuse|key|primary) = .*?%\}", "", ours)
    ours = ours.replace("{{ primary }}", '{% include "partials/nav.html" %}')
    assert squash(ours) == squash(theirs)
    for partial in ("nav.html", "toc.html"):
        assert (MATERIAL_TEMPLATES / "partials" / partial).is_file()


def test_our_title_block_is_materials_with_titles_escaped():
    theirs = block((MATERIAL_TEMPLATES / "base.html").read_text(encoding="utf-8"), "htmltitle")
    ours = block((OVERRIDES / "main.html").read_text(encoding="utf-8"), "htmltitle")
    escaped = theirs.replace("{{ page.meta.title }}", "{{ page.meta.title | striptags | e }}")
    escaped = escaped.replace("{{ page.title | striptags }}", "{{ page.title | striptags | e }}")
    assert squash(ours) == squash(escaped.replace("{{ config.site_name }}", "{{ config.site_name | e }}"))
    assert "{% block extrahead %}" in (MATERIAL_TEMPLATES / "base.html").read_text(encoding="utf-8")


def test_our_copyright_partial_is_materials_with_the_accessibility_link():
    strip = lambda text: squash(re.sub(r"\{#-.*?-#\}", "", text, flags=re.DOTALL))  # noqa: E731
    ours = (OVERRIDES / "partials" / "copyright.html").read_text(encoding="utf-8")
    ours = re.sub(r'<a class="ds-accessibility-link"[^>]*>[^<]*</a>', "", ours)
    ours = ours.replace('<span class="ds-generator">', "").replace("</a></span>", "</a>")
    assert strip(ours) == strip((MATERIAL_TEMPLATES / "partials" / "copyright.html").read_text(encoding="utf-8"))


# --- the build function and the preview server -----------------------------------------------------------

STARTUP_HOOK = """
SEEN = []


def on_startup(command, dirty):
    SEEN.append(("startup", command, dirty))


def on_config(config):
    SEEN.append(("config",))


def on_serve(server, config, builder):
    SEEN.append(("serve", dict(server._watched_paths), type(server.observer).__name__))
    return server


def on_shutdown():
    SEEN.append(("shutdown",))
"""


def _seen() -> list:
    return sys.modules["hook.py"].SEEN  # where MkDocs puts the hook module it loaded last


def test_the_build_function_does_not_call_on_startup(tmp_path):
    """`mkdocs build` calls on_startup before build(); the function alone does not, so
    engine/mkdocs/build.py calls it itself, and the plugin's on_config copes without it."""
    config = load_config(str(tiny(tmp_path, {"index.md": "# Home\n"}, hook=STARTUP_HOOK)), site_dir=str(tmp_path / "site"))
    build_module.build(config)
    assert _seen() == [("config",)]


def test_our_plugin_builds_when_the_build_function_is_called_without_on_startup(tmp_path):
    from conftest import copy_project

    project = copy_project(tmp_path / "project")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    build_module.build(config)
    assert config.plugins["dealsite"].command == "build"
    assert (project / "site" / "deals" / "kent" / "index.html").is_file()


class _Stop(Exception):
    pass


def test_serve_starts_plugins_as_a_dirty_serve_and_hands_on_serve_the_watched_paths(tmp_path, monkeypatch):
    """What serve.py and plugin.on_serve rest on: serve(build_type="dirty") runs on_startup
    with command "serve" and dirty builds, gives on_serve a server whose private
    _watched_paths holds the docs folder and mkdocs.yml (watch: folders come after), and
    warns about the dirty build on the engine's commands.build logger, which serve.py filters."""
    config_file = tiny(tmp_path, {"index.md": "# Home\n"}, hook=STARTUP_HOOK, extra="dev_addr: 127.0.0.1:0\n")
    monkeypatch.setattr(LiveReloadServer, "serve", lambda self, **kw: (_ for _ in ()).throw(KeyboardInterrupt()))
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger(f"{ENGINE}.commands.build")
    logger.addHandler(handler)
    try:
        serve_module.serve(str(config_file), livereload=True, build_type="dirty")
    finally:
        logger.removeHandler(handler)
    seen = _seen()
    assert seen[0] == ("startup", "serve", True)
    serve_event = next(s for s in seen if s[0] == "serve")
    assert serve_event[1] == {str(tmp_path / "docs"): 1, str(config_file): 1}
    assert serve_event[2] == "PollingObserver"  # what on_serve replaces
    assert seen[-1] == ("shutdown",)
    assert any("'dirty' build" in r.getMessage() for r in records), [r.getMessage() for r in records]
    assert build_module.log.name == f"{ENGINE}.commands.build"


def test_the_server_keeps_its_watched_paths_in_a_private_dict_and_lets_on_serve_replace_the_observer(tmp_path):
    from generator.engine.mkdocs.plugin import DealsitePlugin

    (tmp_path / "docs").mkdir()
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path / "site"))
    try:
        server.watch(str(tmp_path / "docs"))
        server.watch(str(tmp_path / "docs"))
        assert server._watched_paths == {str(tmp_path / "docs"): 2}
        server.unwatch(str(tmp_path / "docs"))
        assert server._watched_paths == {str(tmp_path / "docs"): 1}
        server = DealsitePlugin().on_serve(server, config=None, builder=None)
        assert server._watched_paths == {str(tmp_path / "docs"): 1}
        assert type(server.observer).__name__ == "EditsObserver" and server.observer.native
        assert len(server.observer._observer.emitters) == 1  # the folder is scheduled on the new observer
    finally:
        server.server_close()


def test_load_config_gives_what_config_py_reads():
    config = load_config(str(REPO / "mkdocs.yml"))
    assert Path(config.config_file_path) == REPO / "mkdocs.yml"
    assert Path(config.docs_dir) == REPO / "content"
    assert config.plugins.get("dealsite").config["pack_pdf"] is True
    assert "build_type" in serve_module.serve.__code__.co_varnames and "dirty" in build_module.build.__code__.co_varnames


RELEASE_HOOK = """
SEEN = []


def on_post_page(output, page, config):
    SEEN.append(page.file.src_uri)
    page.content = None  # as the dealsite plugin lets go of a generated page's HTML once written
    return output
"""


def test_nothing_reads_a_pages_html_after_on_post_page(tmp_path):
    """The plugin lets go of each generated page's HTML in on_post_page (one-off builds), so
    neither MkDocs nor Material's search nor the sitemap may need page.content afterwards:
    every page is still written, searchable and in the sitemap."""
    pages = {"index.md": "# Home\n\nzqxhomeword\n", "b.md": "# Bee\n\nzqxbeeword\n", "deep/c.md": "# Sea\n\nzqxseaword\n"}
    config = load_config(str(tiny(tmp_path, pages, hook=RELEASE_HOOK, extra="site_url: https://deals.example.org/\n")), site_dir=str(tmp_path / "site"))
    build_module.build(config)
    assert sorted(config.hooks["hook.py"].SEEN) == ["b.md", "deep/c.md", "index.md"]
    site = tmp_path / "site"
    for page, word in (("index.html", "zqxhomeword"), ("b/index.html", "zqxbeeword"), ("deep/c/index.html", "zqxseaword")):
        assert word in (site / page).read_text(encoding="utf-8")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert all(word in " ".join(d["text"] for d in index["docs"]) for word in ("zqxhomeword", "zqxbeeword", "zqxseaword"))
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/b/" in sitemap and "/deep/c/" in sitemap
