"""Gate: the MkDocs build is strict. A warning fails the build, and a failed build
leaves the previous site exactly as it was."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO
from gates import tree_digest
from mkdocs.config import load_config

# A warning only MkDocs gives: one a hook logs. (A broken link in a page, or a nav entry for a page
# the site will not have, no longer reaches MkDocs: dealsite's own check refuses it first,
# tests/test_page_links.py and tests/test_site_links.py.)
WARNING = "a warning only MkDocs counts"


def _plant_a_warning(project):
    (project / "hook.py").write_text(
        f"import logging\n\ndef on_files(files, config):\n    logging.getLogger('mkdocs.hooks.test').warning({WARNING!r})\n    return files\n",
        encoding="utf-8",
    )
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - hook.py\n")


def test_mkdocs_yml_turns_strict_mode_on():
    assert load_config(str(REPO / "mkdocs.yml"))["strict"] is True


def test_a_warning_fails_the_build_and_leaves_the_previous_site_untouched(project_copy, tmp_path):
    from generator.engine.mkdocs.build import build_site
    from generator.engine.publish import BuildFailed

    project = project_copy(tmp_path / "project")
    site = build_site(project / "mkdocs.yml", project / "site")
    before = tree_digest(site)
    assert "index.html" in before

    _plant_a_warning(project)
    with pytest.raises(BuildFailed, match="strict mode"):
        build_site(project / "mkdocs.yml", project / "site")
    assert tree_digest(site) == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".dealsite-")) == []


def test_plain_mkdocs_build_also_fails_on_a_warning(project_copy, tmp_path):
    # strict comes from mkdocs.yml itself, not only from `dealsite build` (no -q: MkDocs
    # counts only the warnings it logs, and -q stops it logging them)
    project = project_copy(tmp_path / "project")
    _plant_a_warning(project)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert result.returncode != 0
    assert WARNING in result.stderr


def test_the_same_copy_without_the_warning_builds(project_copy, tmp_path):
    # the failure above is caused by the planted warning, not by the copy
    project = project_copy(tmp_path / "project")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert result.returncode == 0, result.stderr
