"""Gate: the MkDocs build is strict. A warning fails the build, and a failed build
leaves the previous site exactly as it was."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO
from gates import tree_digest
from mkdocs.config import load_config

# A warning only MkDocs gives: a nav entry for a page that does not exist. (A broken link in a
# page no longer reaches MkDocs: dealsite's own check refuses it first, tests/test_page_links.py.)
MISSING_NAV_ENTRY = "  - A missing page: no-such-page.md\n"


def _plant_missing_nav_entry(project):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("nav:\n", "nav:\n" + MISSING_NAV_ENTRY, 1), encoding="utf-8")


def test_mkdocs_yml_turns_strict_mode_on():
    assert load_config(str(REPO / "mkdocs.yml"))["strict"] is True


def test_a_broken_link_fails_the_build_and_leaves_the_previous_site_untouched(project_copy, tmp_path):
    from generator.engine.mkdocs.build import build_site
    from generator.engine.publish import BuildFailed

    project = project_copy(tmp_path / "project")
    site = build_site(project / "mkdocs.yml", project / "site")
    before = tree_digest(site)
    assert "index.html" in before

    _plant_missing_nav_entry(project)
    with pytest.raises(BuildFailed, match="strict mode"):
        build_site(project / "mkdocs.yml", project / "site")
    assert tree_digest(site) == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".dealsite-")) == []


def test_plain_mkdocs_build_also_fails_on_a_warning(project_copy, tmp_path):
    # strict comes from mkdocs.yml itself, not only from `dealsite build` (no -q: MkDocs
    # counts only the warnings it logs, and -q stops it logging them)
    project = project_copy(tmp_path / "project")
    _plant_missing_nav_entry(project)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert result.returncode != 0
    assert "no-such-page.md" in result.stderr


def test_the_same_copy_without_the_broken_link_builds(project_copy, tmp_path):
    # the failure above is caused by the planted link, not by the copy
    project = project_copy(tmp_path / "project")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert result.returncode == 0, result.stderr
