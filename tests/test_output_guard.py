"""Commands never destroy sources: `dealsite build -d X` refuses an output folder that is, holds or
sits inside what the build reads, or that dealsite did not make, before it creates or deletes
anything; every site it builds carries the marker file that lets the next build replace it.

Each refusal is a real `dealsite build` in a subprocess, in a copy of the project (a git
repository, with a tests/ folder of its own) inside a folder of its own; every byte under that
folder is hashed before and after.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from publishing_support import REPO, copy_project, epoch, leftovers, source_date_epoch

from generator.cli import main
from generator.engine.publish import (
    MARKER,
    RefusedOutputFolder,
    check_output_dir,
    project_sources,
    remove_abandoned,
)

NOW = epoch("2026-06-01T12:00:00+00:00")
DEALSITE = [sys.executable, "-m", "generator.cli"]


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under root, symlinks not followed: files by sha256, links by target, folders."""
    result = {}
    for folder, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                result[rel] = "-> " + os.readlink(path)
            elif path.is_dir():
                result[rel] = "dir"
            else:
                result[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


@pytest.fixture
def project(tmp_path) -> Path:
    """tmp_path/project: the project, a git repository with a commit, and a tests/ folder."""
    project = copy_project(tmp_path / "project")
    (project / "tests").mkdir()
    (project / "tests" / "test_mine.py").write_text("def test_mine():\n    pass\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the project"], cwd=project, check=True)
    (tmp_path / "beside.txt").write_text("a file beside the project, which -d .. would take\n", encoding="utf-8")
    return project


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(NOW), "PYTHONPATH": str(REPO)}
    return subprocess.run([*DEALSITE, *args], cwd=project, env=env, capture_output=True, text=True, timeout=600)


def _refused(project: Path, output: str, *why: str) -> None:
    everything = project.parent
    before = snapshot(everything)
    assert (project / ".git" / "HEAD").is_file() and before
    result = _cli(project, "build", "-d", output)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("build refused, nothing was changed: "), result.stderr
    for words in why:
        assert words in lines[0], lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(everything) == before  # every source byte-identical, .git included, nothing made
    assert not list(everything.rglob(".dealsite-build-*")) and not list(everything.rglob(".dealsite-old-*"))


@pytest.mark.parametrize(
    "output, why",
    [
        ("deals", ["deals/ is a source dealsite reads"]),
        ("deals/", ["deals/ is a source dealsite reads"]),
        ("content", ["content/ is a source dealsite reads"]),
        ("site_templates", ["site_templates/ is a source dealsite reads"]),
        ("tests", ["tests/ is a source dealsite reads"]),
        (".git", [".git/ is a source dealsite reads"]),
        (".", ["./ holds mkdocs.yml, which dealsite reads"]),
        ("..", ["../ holds", "mkdocs.yml, which dealsite reads"]),
        ("deals/sub", ["deals/sub/ is inside deals/"]),
        ("deals/sub/site", ["deals/sub/site/ is inside deals/"]),
        ("content/updates", ["content/updates/ is inside content/"]),
        (".git/site", [".git/site/ is inside .git/"]),
        ("site/../deals", ["site/../deals/ is deals/, which dealsite reads"]),
        ("mkdocs.yml", ["mkdocs.yml is a source dealsite reads"]),
    ],
)
def test_a_source_as_output_is_refused_and_every_byte_is_kept(project, output, why):
    _refused(project, output, *why)


def test_an_absolute_path_to_a_source_is_refused(project):
    _refused(project, str(project / "deals"), "deals/ is a source dealsite reads")


def test_a_symlink_to_the_deals_is_refused(project):
    (project / "out").symlink_to("deals")
    _refused(project, "out", "out/ is deals/, which dealsite reads")
    _refused(project, "out/", "out/ is deals/, which dealsite reads")


def test_a_symlink_loop_is_refused(project):
    (project / "loop").symlink_to("loop")
    _refused(project, "loop", "loop/ cannot be resolved")


def test_a_file_as_output_is_refused(project):
    (project / "notes.txt").write_text("mine\n", encoding="utf-8")
    _refused(project, "notes.txt", "notes.txt is a file, not a folder")


def test_a_folder_dealsite_did_not_make_is_refused(project):
    (project / "mine").mkdir()
    (project / "mine" / "precious.txt").write_text("irreplaceable\n", encoding="utf-8")
    _refused(project, "mine", f"mine/ was not made by dealsite (no {MARKER}): remove it yourself or choose another folder")


def test_a_site_an_earlier_dealsite_built_without_the_marker_is_refused_with_the_fix(project):
    # The default site/ of a checkout built before the marker existed: removed once, by hand.
    (project / "site" / "search").mkdir(parents=True)
    for name in ("index.html", "sitemap.xml", "search/search_index.json"):
        (project / "site" / name).write_text("old\n", encoding="utf-8")
    _refused(project, "site", "site/ was not made by dealsite", "remove it once, then build again")


def test_the_other_projects_sources_are_refused_with_its_config(project):
    # -f names another project: its sources are protected, whatever the working folder.
    other = copy_project(project / "other")
    before = snapshot(project.parent)
    for output, why in [("other/deals", "other/deals/ is a source"), ("other/", "other/ holds other/mkdocs.yml"), ("other/content/x", "is inside other/content/")]:
        result = _cli(project, "build", "-f", "other/mkdocs.yml", "-d", output)
        assert result.returncode == 1 and why in result.stderr, result.stderr
    assert snapshot(project.parent) == before
    assert (other / "deals" / "kent.yaml").is_file()


def test_a_build_into_site_then_a_rebuild_replaces_it_and_leaves_the_marker(project):
    first = _cli(project, "build", "-q")
    assert first.returncode == 0, first.stderr
    site = project / "site"
    assert (site / MARKER).is_file() and (site / "index.html").is_file()
    assert "dealsite" in (site / MARKER).read_text(encoding="utf-8")
    (site / "stale.html").write_text("from an earlier build\n", encoding="utf-8")
    again = _cli(project, "build", "-q", "-d", "site/")
    assert again.returncode == 0, again.stderr
    assert (site / MARKER).is_file() and (site / "index.html").is_file()
    assert not (site / "stale.html").exists()  # replaced whole, not merged
    assert leftovers(project) == []


def test_an_empty_folder_is_built_into(tmp_path):
    project = copy_project(tmp_path / "project")
    (tmp_path / "out").mkdir()
    with source_date_epoch(NOW):
        assert main(["build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / MARKER).is_file() and (tmp_path / "out" / "data" / "readings.csv").is_file()


def test_a_site_that_stops_being_dealsites_during_the_build_is_left_alone(tmp_path, capsys):
    # Checked again just before the swap: someone put their files in site/ while it built.
    project = copy_project(tmp_path / "project")
    with source_date_epoch(NOW):
        assert main(["build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]) == 0
    (project / "hook.py").write_text(
        "import pathlib\n"
        "def on_post_build(config):\n"
        "    site = pathlib.Path(config.config_file_path).with_name('site')\n"
        f"    (site / {MARKER!r}).unlink()\n"
        "    (site / 'precious.txt').write_text('mine')\n",
        encoding="utf-8",
    )
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - hook.py\n")
    before = snapshot(project / "site")
    with source_date_epoch(NOW):
        assert main(["build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]) == 1
    assert "no longer a site dealsite made" in capsys.readouterr().err
    after = snapshot(project / "site")
    assert after.pop("precious.txt") and {k: v for k, v in before.items() if k != MARKER} == after
    assert leftovers(project) == []


# --- the check itself, without a build ----------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_abandoned_staging_is_removed_only_when_it_is_dealsites(tmp_path):
    pid = _dead_pid()
    mine = tmp_path / f".dealsite-build-{pid}-mine"  # someone's folder with dealsite's name
    mine.mkdir()
    (mine / "precious.txt").write_text("mine\n", encoding="utf-8")
    marked = tmp_path / f".dealsite-build-{pid}-abc"  # a killed build's staging
    marked.mkdir()
    (marked / MARKER).write_text("x\n", encoding="utf-8")
    (marked / "index.html").write_text("half a site\n", encoding="utf-8")
    empty = tmp_path / f".dealsite-old-{pid}-def"  # killed between making and filling it
    empty.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / MARKER).write_text("x\n", encoding="utf-8")
    (tmp_path / f".dealsite-build-{pid}-link").symlink_to(elsewhere)
    remove_abandoned(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, "elsewhere", f".dealsite-build-{pid}-link"])
    assert (mine / "precious.txt").is_file() and (elsewhere / MARKER).is_file()


def test_check_output_dir_accepts_a_new_an_empty_or_a_marked_folder(tmp_path):
    project = copy_project(tmp_path / "project")
    sources = project_sources(project / "mkdocs.yml", project / "content")
    check_output_dir(project / "site", sources)  # does not exist yet
    (project / "site").mkdir()
    check_output_dir(project / "site", sources)  # empty
    (project / "site" / "index.html").write_text("x", encoding="utf-8")
    with pytest.raises(RefusedOutputFolder, match="was not made by dealsite"):
        check_output_dir(project / "site", sources)
    (project / "site" / MARKER).write_text("x", encoding="utf-8")
    check_output_dir(project / "site", sources)
    check_output_dir(tmp_path / "elsewhere" / "site", sources)


def test_check_output_dir_refuses_the_root_and_home():
    with pytest.raises(RefusedOutputFolder, match="file system's root"):
        check_output_dir(Path("/"), [])
    with pytest.raises(RefusedOutputFolder, match="home folder"):
        check_output_dir(Path.home(), [])
    with pytest.raises(RefusedOutputFolder, match="home folder|file system's root"):
        check_output_dir(Path.home().parent, [])
