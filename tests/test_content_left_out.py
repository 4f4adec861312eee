"""What mkdocs.yml's exclude_docs and draft_docs leave out of content/ is left out by dealsite too.

MkDocs publishes nothing these gitignore-style settings name (draft_docs: nothing in a build;
its own serve shows them). dealsite used to read content/ by its own rule, hidden names only,
so: a file an editor had left out was still refused by `dealsite check` (a false refusal); an
update left out was still published, since its page is dealsite's and not MkDocs'; and a
hidden file brought back with a "!" line was published by MkDocs without dealsite's checks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest
import yaml
from pathspec import GitIgnoreSpec
from trust_support import NOW, copy_project, dealsite, leaks, problem_lines, update, write

from generator.engine.mkdocs.config import read_settings
from generator.engine.project import read_project

pytestmark = pytest.mark.xdist_group("content-left-out")

CANARY = "zqxleftoutcanary"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("left-out") / "project")


def _copy(project: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(project, tmp_path / "project", symlinks=True))


def _set(project: Path, **settings: str) -> None:
    """mkdocs.yml with each setting (exclude_docs, draft_docs) as a block of lines."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for key, lines in settings.items():
        text += f"{key}: |\n" + "".join(f"  {line}\n" for line in lines.splitlines())
    config.write_text(text, encoding="utf-8")


def test_files_exclude_docs_names_are_not_checked_or_published(project, tmp_path):
    project = _copy(project, tmp_path)
    write(project / "content" / "drafts" / "notes.docx", f"{CANARY} notes\n")  # an extension content/ refuses
    write(project / "content" / "Dashboard.md", f"# {CANARY}\n")  # a generated page's address but for case
    refused = dealsite(project, "check")
    assert refused.returncode == 1, refused.stderr[-3000:]
    assert problem_lines(refused.stderr, "notes.docx") and problem_lines(refused.stderr, "Dashboard.md"), refused.stderr[-3000:]

    _set(project, exclude_docs="drafts/\n/Dashboard.md")
    checked = dealsite(project, "check")
    assert checked.returncode == 0, checked.stderr[-3000:]
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    assert not (project / "site" / "drafts").exists()
    assert leaks(project / "site", CANARY) == {}


def test_an_update_exclude_docs_names_is_not_published(project, tmp_path):
    project = _copy(project, tmp_path)
    name = "2026-05-01-not-for-now.md"
    write(project / "content" / "updates" / name, update(f"{CANARY} title", "2026-05-01", f"The {CANARY} body.\n"))
    _set(project, exclude_docs=f"# held back by hand\nupdates/{name}")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    assert leaks(project / "site", CANARY) == {}
    assert not (project / "site" / "updates" / name[:-3]).exists()


def test_an_update_draft_docs_names_is_not_published(project, tmp_path):
    project = _copy(project, tmp_path)
    name = "2026-05-01-not-for-now.md"
    write(project / "content" / "updates" / name, update(f"{CANARY} title", "2026-05-01", f"The {CANARY} body.\n"))
    _set(project, draft_docs=f"updates/{name}")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    assert leaks(project / "site", CANARY) == {}
    assert not (project / "site" / "updates" / name[:-3]).exists()


def test_a_hidden_file_a_line_brings_back_is_checked_and_published(project, tmp_path):
    project = _copy(project, tmp_path)
    write(project / "content" / ".well-known" / "security.txt", "Contact: mailto:security@example.org\n")
    _set(project, exclude_docs="!.well-known/")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    published = project / "site" / ".well-known" / "security.txt"
    assert published.read_text(encoding="utf-8") == "Contact: mailto:security@example.org\n"

    write(project / "content" / ".well-known" / "run.exe", "MZ\n")  # MkDocs would copy it as it is
    result = dealsite(project, "check")
    assert result.returncode == 1, result.stderr[-3000:]
    (line,) = problem_lines(result.stderr, ".well-known/run.exe")
    assert "the extension .exe" in line


def test_a_page_draft_docs_names_is_left_out_of_the_build(project, tmp_path):
    project = _copy(project, tmp_path)
    write(project / "content" / "plans" / "next.md", f"# Next\n\nThe {CANARY} plan.\n")
    _set(project, draft_docs="plans/")
    assert dealsite(project, "check").returncode == 0
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    assert not (project / "site" / "plans").exists()
    assert leaks(project / "site", CANARY) == {}


def test_the_engine_and_the_engine_free_reading_agree_on_what_is_left_out(project, tmp_path):
    project = _copy(project, tmp_path)
    _set(project, exclude_docs="drafts/\n# a comment\n!drafts/keep.md\n*.tmp.md", draft_docs="plans/")
    by_engine = read_settings(project / "mkdocs.yml")
    _, by_yaml = read_project(project / "mkdocs.yml")
    assert by_engine.exclude_docs == by_yaml.exclude_docs == ("drafts/", "# a comment", "!drafts/keep.md", "*.tmp.md")
    assert by_engine.draft_docs == by_yaml.draft_docs == ("plans/",)


def test_the_lines_read_back_from_mkdocs_match_as_mkdocs_matches():
    """The adapter reads exclude_docs back from the pathspec MkDocs compiles it into (each
    pattern's ``pattern``); if pathspec stopped keeping the line, this fails."""
    from mkdocs.config.config_options import PathSpec

    written = "drafts/\n!drafts/keep.md\n/templates/\n*.tmp.md\n"
    spec = PathSpec().validate(written)
    lines = tuple(p.pattern for p in spec.patterns)
    assert lines == ("drafts/", "!drafts/keep.md", "/templates/", "*.tmp.md")
    again = GitIgnoreSpec.from_lines(lines)
    for uri in ("drafts/a.md", "drafts/keep.md", "templates/x.md", "a/templates/x.md", "x.tmp.md", "notes.md"):
        assert again.match_file(uri) == spec.match_file(uri), uri


def test_an_export_holds_nothing_the_build_leaves_out(project, tmp_path):
    project = _copy(project, tmp_path)
    name = "2026-05-01-not-for-now.md"
    write(project / "content" / "updates" / name, update(f"{CANARY} title", "2026-05-01", f"The {CANARY} body.\n"))
    write(project / "content" / "drafts" / "notes.txt", f"{CANARY} notes\n")
    write(project / "content" / ".notes.txt", f"{CANARY} hidden notes\n")
    _set(project, exclude_docs=f"drafts/\nupdates/{name}")
    exported = dealsite(project, "export", str(tmp_path / "export"), at=NOW)
    assert exported.returncode == 0, exported.stderr[-3000:]
    assert leaks(tmp_path / "export", CANARY) == {}
    assert (tmp_path / "export" / "docs" / "publishing" / "index.md").is_file()  # what the site publishes is there
    # Applied already; kept, they would match the generated pages and downloads in the export.
    exported_config = (tmp_path / "export" / "mkdocs.yml").read_text(encoding="utf-8")
    assert "exclude_docs" not in exported_config and "draft_docs" not in exported_config


def test_a_draft_docs_line_cannot_bring_back_what_exclude_docs_leaves_out(project, tmp_path):
    # Found by the outside attack: the two settings were matched as one list, where the last
    # matching line wins; MkDocs matches them apart (set_exclusions), so the update was
    # excluded by MkDocs and published by dealsite, which makes update pages itself.
    project = _copy(project, tmp_path)
    name = "2026-05-01-not-for-now.md"
    write(project / "content" / "updates" / name, update(f"{CANARY} title", "2026-05-01", f"The {CANARY} body.\n"))
    _set(project, exclude_docs=f"updates/{name}", draft_docs="updates/2026-*.md\n!updates/2026-05-*.md")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    assert leaks(project / "site", CANARY) == {}


def test_patterns_never_drop_what_dealsite_generates(project, tmp_path):
    # Found by the outside attack: MkDocs matches the patterns against files a plugin adds, so
    # draft_docs: compare.md dropped the generated Compare page, and "*.csv" the downloads.
    project = _copy(project, tmp_path)
    write(project / "content" / "compare.md", f"# {CANARY}\n")
    _set(project, exclude_docs="*.csv", draft_docs="compare.md")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    compare = (project / "site" / "compare" / "index.html").read_text(encoding="utf-8")
    assert CANARY not in compare and "Compare deals" in compare
    assert (project / "site" / "deals" / "kent" / "budget-actuals.csv").is_file()
    assert (project / "site" / "data" / "conditions.csv").is_file()


def test_the_adapter_refuses_a_file_dealsite_publishes_and_mkdocs_leaves_out(tmp_path):
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File, Files, InclusionLevel

    from generator.engine.mkdocs.clashes import accounted_for

    docs = tmp_path / "content"
    write(docs / "updates" / "2026-05-01-x.md", "x\n")
    left_out = File("updates/2026-05-01-x.md", str(docs), str(tmp_path / "site"), True, inclusion=InclusionLevel.EXCLUDED)
    with pytest.raises(PluginError, match=r"updates/2026-05-01-x.md:1: MkDocs leaves it out"):
        accounted_for(Files([left_out]), docs, frozenset({"updates/2026-05-01-x.md"}), lambda uri: docs / uri)
    accounted_for(Files([left_out]), docs, frozenset(), lambda uri: docs / uri)  # both leave it out: fine


def test_an_env_value_is_read_as_mkdocs_reads_it(project, tmp_path, monkeypatch):
    project = _copy(project, tmp_path)
    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml").read_text(encoding="utf-8") + 'exclude_docs: !ENV [DEALSITE_TEST_EXCLUDE, "drafts/"]\n', encoding="utf-8"
    )
    monkeypatch.delenv("DEALSITE_TEST_EXCLUDE", raising=False)
    assert read_project(project / "mkdocs.yml")[1].exclude_docs == read_settings(project / "mkdocs.yml").exclude_docs == ("drafts/",)
    monkeypatch.setenv("DEALSITE_TEST_EXCLUDE", "notes/\n*.tmp.md")
    assert read_project(project / "mkdocs.yml")[1].exclude_docs == read_settings(project / "mkdocs.yml").exclude_docs == ("notes/", "*.tmp.md")


@pytest.mark.parametrize(
    "setting, line, named",
    [
        ("exclude_docs", "/index.md", "nav: names index.md"),
        ("draft_docs", "accessibility.md", "nav: names accessibility.md"),
        ("exclude_docs", "assets/dealsite.css", "extra_css: names assets/dealsite.css"),
        ("exclude_docs", "assets/*.js", "extra_javascript: names assets/dealsite.js"),
    ],
)
def test_check_build_and_export_refuse_to_leave_out_what_mkdocs_yml_names(setting, line, named, project, tmp_path):
    # Found by the outside attack: MkDocs says so in an INFO line, even when strict, and built
    # a site without its home page, or whose every page loads a stylesheet it does not have.
    project = _copy(project, tmp_path)
    _set(project, **{setting: line})
    for command in (["check"], ["build"], ["export", str(tmp_path / "export")]):
        result = dealsite(project, *command, at=NOW)
        assert result.returncode == 1, f"{command}: {result.stderr[-3000:]}"
        assert f"mkdocs.yml:1: {named}, which exclude_docs or draft_docs leave out of the site" in result.stderr, result.stderr[-3000:]
    assert not (project / "site").exists() and not (tmp_path / "export").exists()


def test_nav_written_otherwise_is_read_as_mkdocs_reads_it():
    from generator.engine.pipeline import named_in_config

    nav = [
        "./index.md",  # MkDocs tidies the path (PurePath): found by the third attack, refused as left out
        {"More": {"Powers": "powers.md", "Timetable": "/timetable.md"}},  # a mapping of pages: MkDocs warns, and reads it
        {"Section": [{"Notes": "notes.md#top"}, {"Elsewhere": "https://example.org/x.md"}, "mailto:a@example.org"]},
        "secret.md/.",
        "../outside.md",  # not a file of content/
    ]
    scripts = ["./assets/a.js", {"path": "assets/b.js", "type": "module"}]
    assert named_in_config(nav, ["assets/s.css?v=2"], scripts, ["robots.txt"]) == (
        ("nav", "index.md", "./index.md"), ("nav", "powers.md", "powers.md"), ("nav", "timetable.md", "/timetable.md"),
        ("nav", "notes.md", "notes.md#top"), ("nav", "secret.md", "secret.md/."), ("nav", "", "../outside.md"),
        ("extra_css", "assets/s.css", "assets/s.css?v=2"), ("extra_javascript", "assets/a.js", "./assets/a.js"),
        ("extra_javascript", "assets/b.js", "assets/b.js"), ("extra_templates", "robots.txt", "robots.txt"),
    )


def test_paths_written_with_a_dot_are_accepted(project, tmp_path):
    project = _copy(project, tmp_path)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - Home: index.md", "  - Home: ./index.md").replace("  - assets/dealsite.css", "  - ./assets/dealsite.css")
    assert "./index.md" in config and "./assets/dealsite.css" in config
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = dealsite(project, "check")
    assert result.returncode == 0, result.stderr[-3000:]


def test_extra_templates_are_refused(project, tmp_path):
    # Found by the outside attacks: MkDocs renders each extra template from content/ as a Jinja
    # template, raw and unsandboxed: an excluded update named there was published unrendered,
    # and robots.txt holding {{ config.plugins["dealsite"].content.path("secret.md").read_text() }}
    # printed a page exclude_docs leaves out.
    project = _copy(project, tmp_path)
    write(project / "content" / "robots.txt", "User-agent: *\n")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("extra_templates:\n  - robots.txt\n")
    for command in ("check", "build"):
        result = dealsite(project, command, at=NOW)
        assert result.returncode == 1
        assert "extra_templates: names robots.txt: dealsite does not support extra_templates" in result.stderr, result.stderr[-3000:]


def test_patterns_never_drop_the_themes_files(project, tmp_path):
    # Found by the third attack: MkDocs matches the patterns against the theme's files too, and
    # the site built without its stylesheets and favicon, every page still linking to them.
    project = _copy(project, tmp_path)
    _set(project, exclude_docs="*.png\nstylesheets/")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    assert (project / "site" / "assets" / "images" / "favicon.png").is_file()
    assert list((project / "site" / "assets" / "stylesheets").glob("main.*.min.css"))


def test_an_export_keeps_the_lines_that_bring_a_hidden_file_back(project, tmp_path):
    # Found by the outside attack: the export dropped exclude_docs whole, so MkDocs' own ".*"
    # left out the .well-known/security.txt the build had published.
    project = _copy(project, tmp_path)
    write(project / "content" / ".well-known" / "security.txt", "Contact: mailto:security@example.org\n")
    _set(project, exclude_docs="drafts/\n!.well-known/")
    exported = dealsite(project, "export", str(tmp_path / "export"), at=NOW)
    assert exported.returncode == 0, exported.stderr[-3000:]
    assert (tmp_path / "export" / "docs" / ".well-known" / "security.txt").is_file()
    config = yaml.safe_load((tmp_path / "export" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["exclude_docs"] == "!.well-known/\n"


def test_not_in_nav_still_keeps_generated_pages_out_of_the_menu(project, tmp_path):
    # Found by the outside attack: generated pages given a fixed inclusion skipped not_in_nav,
    # so a project without nav: listed the Compare page in every page's menu.
    project = _copy(project, tmp_path)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config[: config.index("\nnav:\n")] + "\nnot_in_nav: |\n  /compare.md\n"
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    root = lxml.html.fromstring((project / "site" / "powers" / "index.html").read_bytes())
    menu = {a.get("href") for a in root.xpath('//nav[contains(@class, "md-nav--primary")]//a')}
    assert "../dashboard/" in menu and "../compare/" not in menu


# --- dealsite check reads what draft_docs names, as `dealsite serve --drafts` reads it ----------
# A draft with an error passed `dealsite check`, then `serve --drafts` refused it, or the build
# did on the day draft_docs stopped naming it. The outside attack on the first fix: an error in
# a half-written draft then failed check, which the publishing workflow runs before every build,
# so it stopped every publish (embargoes lifted on time included). Such a mistake is a warning.

DRAFT_NOTE = "found with the files draft_docs names"


@pytest.mark.parametrize(
    "name, text, said",
    [
        ("plans/next.md", "# Next\n\nSee [the plan](nowhere.md).\n", "nowhere.md"),
        ("plans/next.md", "---\nauthor: An editor\n---\n\n# Next\n", "is not a field a page may set"),
        ("updates/2026-05-01-plans.md", update("Plans", "2026-05-01", "Text.\n", deals="[nowhere]"), "nowhere is not a known deal"),
        ("plans/notes.docx", "notes\n", "the extension .docx"),
    ],
)
def test_check_warns_of_a_mistake_in_a_file_draft_docs_names(name, text, said, project, tmp_path):
    project = _copy(project, tmp_path)
    write(project / "content" / name, text)
    _set(project, draft_docs=f"plans/\n{name}")
    result = dealsite(project, "check")
    assert result.returncode == 0, result.stderr[-3000:]
    assert [line for line in problem_lines(result.stdout, name) if said in line and DRAFT_NOTE in line], result.stdout[-3000:]
    assert dealsite(project, "check", "--strict").returncode == 1


def test_a_published_pages_link_to_a_draft_is_an_error_that_says_it_is_a_draft(project, tmp_path):
    project = _copy(project, tmp_path)
    write(project / "content" / "plans" / "next.md", "# Next\n\nSee [the plan](nowhere.md).\n")  # broken with drafts in
    write(project / "content" / "about.md", "# About\n\nSee [our plans](plans/next.md).\n")  # broken with drafts out
    _set(project, draft_docs="plans/")
    result = dealsite(project, "check")
    assert result.returncode == 1, result.stderr[-3000:]
    assert not problem_lines(result.stdout, "plans/next.md:3"), result.stdout[-3000:]  # warnings follow once the files are valid
    # The build leaves the draft out: said so, not "not a page of this site" (the outside attack).
    [about] = problem_lines(result.stderr, "about.md:3")
    assert "points to plans/next.md, which is a draft that mkdocs.yml's draft_docs leaves out of the site" in about, about


def test_check_reports_a_problem_both_readings_find_once_in_the_builds_words(project, tmp_path):
    project = _copy(project, tmp_path)
    write(project / "content" / "plans" / "next.md", "# Next\n\nSee [the plan](nowhere.md).\n")
    write(project / "content" / "about.md", "# About\n\nSee [the rules](no-rules.md).\n")  # broken in both readings
    write(project / "content" / "more.md", "# More\n\nSee [plans](plans/next).\n")  # broken otherwise in each (the outside attack)
    _set(project, draft_docs="plans/")
    result = dealsite(project, "check")
    assert result.returncode == 1, result.stderr[-3000:]
    assert len(problem_lines(result.stderr, "about.md:3")) == 1, result.stderr[-3000:]
    assert len(problem_lines(result.stderr + result.stdout, "more.md:3")) == 1, result.stderr[-3000:]
    assert "2 errors in 2 files" in result.stderr, result.stderr[-3000:]


def test_a_draft_page_may_link_to_a_draft_update(project, tmp_path):
    # Found by the outside attack: refused by check and by serve --drafts, since a draft page
    # was checked as a public one, and the draft update is held back.
    project = _copy(project, tmp_path)
    name = "updates/2026-05-01-plans.md"
    write(project / "content" / name, update("Plans", "2026-05-01", "Text.\n"))
    write(project / "content" / "plans" / "next.md", "# Next\n\nSee [the news](../updates/2026-05-01-plans.md).\n")
    _set(project, draft_docs=f"plans/\n{name}")
    result = dealsite(project, "check")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "plans/next.md" not in result.stdout + result.stderr


def test_check_reports_a_warning_in_an_update_draft_docs_names(project, tmp_path):
    project = _copy(project, tmp_path)
    name = "updates/2026-05-01-plans.md"
    write(project / "content" / name, update("Plans", "2026-05-01", "Text.\n").replace("summary: A short summary.", "summary: Our plans #2"))
    _set(project, draft_docs=name)
    result = dealsite(project, "check")
    assert result.returncode == 0, result.stderr[-3000:]
    assert [line for line in problem_lines(result.stdout, name) if "summary" in line and '" #"' in line], result.stdout[-3000:]


def test_check_counts_the_updates_the_build_reads_not_the_drafts(project, tmp_path):
    project = _copy(project, tmp_path)
    published = len([p for p in (project / "content" / "updates").glob("*.md") if p.name != "index.md"])
    name = "updates/2026-05-01-plans.md"
    write(project / "content" / name, update("Plans", "2026-05-01", "Text.\n"))
    _set(project, draft_docs=name)
    result = dealsite(project, "check")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f" and {published} updates checked" in result.stdout, result.stdout[-3000:]


def test_the_build_still_leaves_out_unchecked_a_draft_with_an_error(project, tmp_path):
    project = _copy(project, tmp_path)
    write(project / "content" / "plans" / "next.md", f"# Next\n\nThe {CANARY} [plan](nowhere.md).\n")
    _set(project, draft_docs="plans/")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    assert leaks(project / "site", CANARY) == {}
