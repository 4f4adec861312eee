"""`dealsite check` reads the addresses the project's theme templates write on every page.

site_templates/overrides/partials/copyright.html writes `{{ 'accessibility/' | url }}` in every
page's footer (the Public Sector Bodies Accessibility Regulations 2018 ask for the statement to
be easy to find from every page). With content/accessibility.md deleted, or left out by
exclude_docs or draft_docs, check said ok, the build failed only at its last check once every
page was built, and `dealsite export` published the broken link (its theme is rendered by a
plain `mkdocs build`, without the last check). Check now refuses it, naming the template and
its line, and so do build and export, before anything is built.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from trust_support import NOW, copy_project, dealsite

from generator.engine.theme_links import theme_link_problems, written_addresses
from generator.model.content import Content
from generator.pages.written import Targets

pytestmark = pytest.mark.xdist_group("theme-links")

FOOTER = "site_templates/overrides/partials/copyright.html"
# The line of copyright.html that writes the link, counted by hand in the file:
# `<a class="ds-accessibility-link" href="{{ 'accessibility/' | url }}">`.
FOOTER_LINE = 12


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("theme-links") / "project")


def _copy(project: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(project, tmp_path / "project", symlinks=True))


def _without_accessibility_in_nav(project: Path) -> None:
    config = project / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    config.write_text("".join(line for line in lines if ": accessibility.md" not in line), encoding="utf-8")


def _message(project: Path, why: str) -> str:
    return f"{project / FOOTER}:{FOOTER_LINE}: links every page to accessibility/, {why}"


def test_the_footer_line_is_the_one_that_writes_the_link(project):
    line = (project / FOOTER).read_text(encoding="utf-8").splitlines()[FOOTER_LINE - 1]
    assert "{{ 'accessibility/' | url }}" in line


def test_check_build_and_export_refuse_a_deleted_accessibility_statement_and_name_the_template_line(project, tmp_path):
    project = _copy(project, tmp_path)
    (project / "content" / "accessibility.md").unlink()
    _without_accessibility_in_nav(project)
    for command in (["check"], ["build"], ["export", str(tmp_path / "export")]):
        result = dealsite(project, *command, at=NOW)
        assert result.returncode == 1, f"{command}: {result.stderr[-3000:]}"
        assert _message(project, "a page the site will not have") in result.stderr, result.stderr[-3000:]
    assert not (project / "site").exists() and not (tmp_path / "export").exists()


@pytest.mark.parametrize(
    "setting, why",
    [("exclude_docs", "a page the site will not have"), ("draft_docs", "a draft that mkdocs.yml's draft_docs leaves out of the site")],
)
def test_check_refuses_an_accessibility_statement_left_out_and_says_how(setting, why, project, tmp_path):
    project = _copy(project, tmp_path)
    _without_accessibility_in_nav(project)
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(f"{setting}: accessibility.md\n")
    checked = dealsite(project, "check", at=NOW)
    assert checked.returncode == 1, checked.stderr[-3000:]
    assert _message(project, why) in checked.stderr, checked.stderr[-3000:]


def test_the_example_project_has_every_page_its_templates_link_to(project):
    checked = dealsite(project, "check", at=NOW)
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert "links every page to" not in checked.stderr


# --- which addresses are looked up ------------------------------------------------------------


def _theme(tmp_path: Path, templates: dict[str, str]) -> Path:
    for name, text in templates.items():
        path = tmp_path / "overrides" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "overrides"


# A site of a home page, a hand-written page, a page dealsite makes and a deal's page.
SITE = Targets(frozenset({"index.md", "accessibility.md", "powers.md", "deals/kent.md", "guide/README.md"}), frozenset({"assets/site.css"}))


def _looked_up(theme: Path, site: Targets = SITE) -> list[str]:
    return [p.message.split(",")[0].removeprefix("links every page to ") for p in theme_link_problems(theme, Content(), site, site)]


def test_only_pages_the_site_will_not_have_are_problems(tmp_path):
    theme = _theme(tmp_path, {"main.html": """{{ 'accessibility/' | url }} {{ 'powers/' | url }} {{ 'deals/kent/' | url }}
{{ 'guide/' | url }} {{ '.' | url }} {{ './powers/' | url }} {{ 'statement/' | url }} {{ 'deals/leeds' | url }}"""})
    assert _looked_up(theme) == ["statement/", "deals/leeds"]


def test_files_links_elsewhere_and_this_pages_own_parts_are_left_to_the_last_check(tmp_path):
    theme = _theme(tmp_path, {"main.html": """{{ 'assets/images/favicon.png' | url }} {{ 'feeds/none.xml' | url }}
{{ 'https://example.org/x/' | url }} {{ '//example.org/x/' | url }} {{ '/x/' | url }} {{ '#top' | url }}
{{ '?q=1' | url }} {{ '../elsewhere/' | url }} {{ 'http://[::1' | url }} {{ ('com' ~ 'puted/') | url }} {{ page.url | url }}"""})
    assert _looked_up(theme) == []


def test_a_query_or_a_part_after_a_page_is_left_off_and_escapes_undone(tmp_path):
    theme = _theme(tmp_path, {"main.html": "{{ 'accessibility/?v=2#contact' | url }} {{ 'access%69bility/' | url }} {{ 'missing/#x' | url }}"})
    assert _looked_up(theme) == ["missing/#x"]


def test_each_address_is_named_with_its_template_and_line(tmp_path):
    theme = _theme(tmp_path, {"partials/footer.html": "<footer>\n\n  <a href=\"{{ 'gone/' | url }}\">x</a>\n</footer>\n", "main.html": "{% extends 'base.html' %}\n"})
    assert [(p.file, p.line) for p in theme_link_problems(theme, Content(), SITE, SITE)] == [(str(theme / "partials" / "footer.html"), 3)]


def test_a_template_jinja_cannot_parse_or_read_is_left_to_the_engine(tmp_path):
    theme = _theme(tmp_path, {"partials/a.html": "{% if %}{{ 'gone/' | url }}", "partials/b.html": "{{ 'gone/' | url }}"})
    (theme / "partials" / "bytes.html").write_bytes(b"\xff\xfe{{ 'gone/' | url }}")
    assert [p.name for p, _, _ in written_addresses(theme)] == ["b.html"]


def test_a_template_with_the_tags_of_mkdocs_translations_is_read(tmp_path):
    # Found by the outside attack: MkDocs' Jinja has the i18n extension; a plain parser refused
    # {% trans %} and the template's links went unread.
    theme = _theme(tmp_path, {"partials/copyright.html": "{% trans %}Made by us{% endtrans %}\n<a href=\"{{ 'gone/' | url }}\">a</a>"})
    assert [(p.name, line, address) for p, line, address in written_addresses(theme)] == [("copyright.html", 2, "gone/")]


def test_templates_in_a_folder_that_is_a_symbolic_link_are_read_once(tmp_path):
    # Found by the outside attack: Jinja's loader follows a linked folder, rglob did not.
    shared = tmp_path / "shared" / "partials"
    shared.mkdir(parents=True)
    (shared / "copyright.html").write_text("{{ 'gone/' | url }}", encoding="utf-8")
    (shared / "loop").symlink_to(shared)  # a folder that leads back to itself
    theme = _theme(tmp_path, {"main.html": "x"})
    (theme / "partials").symlink_to(shared)
    assert [(p.name, address) for p, _, address in written_addresses(theme)] == [("copyright.html", "gone/")]


def test_only_what_the_theme_renders_is_read(tmp_path):
    # Found by the outside attack: a file nothing renders (an old partial kept aside, an example
    # .xml the engine copies as it is) put no link on any page, and was refused.
    theme = _theme(tmp_path, {
        "main.html": "{% extends 'base.html' %}{% include 'blocks/banner.html' %}{% from 'macros/links.html' import x %}",
        "blocks/banner.html": "{% include ['blocks/missing.html', 'blocks/inner.html'] %}{{ 'banner-gone/' | url }}",
        "blocks/inner.html": "{{ 'inner-gone/' | url }}",
        "macros/links.html": "{{ 'macro-gone/' | url }}",
        "old/footer-2019.html": "{{ 'retired/' | url }}",
        "example.xml": "{{ 'example-gone/' | url }}",
        "sitemap.xml": "{{ 'sitemap-gone/' | url }}",
    })
    assert sorted(address for _, _, address in written_addresses(theme)) == ["banner-gone/", "inner-gone/", "macro-gone/", "sitemap-gone/"]


def test_the_line_named_is_the_address_s(tmp_path):
    theme = _theme(tmp_path, {"main.html": "{{\n  'gone/'\n  | url }}"})
    assert [line for _, line, _ in written_addresses(theme)] == [2]


def test_a_page_held_back_now_is_named_as_not_shown_yet(tmp_path):
    theme = _theme(tmp_path, {"main.html": "{{ 'deals/kent/' | url }}"})
    public = Targets(SITE.pages - {"deals/kent.md"}, SITE.files)
    [problem] = theme_link_problems(theme, Content(), SITE, public)
    assert "which the site does not show as built now" in problem.message


def test_no_theme_folder_means_nothing_to_look_up(tmp_path):
    assert theme_link_problems(None, Content(), SITE, SITE) == []
    assert theme_link_problems(tmp_path / "none", Content(), SITE, SITE) == []


def test_a_page_draft_docs_leaves_out_is_named_as_a_draft(tmp_path):
    theme = _theme(tmp_path, {"main.html": "{{ 'notes/' | url }}"})
    [problem] = theme_link_problems(theme, Content(drafts=frozenset({"notes.md"})), SITE, SITE)
    assert problem.message.startswith("links every page to notes/, a draft that mkdocs.yml's draft_docs leaves out of the site")
