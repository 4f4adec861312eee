"""Issue 12, data loss: `-d` never points a build at the project's sources or someone's folder.

A build replaces its output directory whole (dealsite swaps a staging directory in and removes
the old one; MkDocs empties it first). Pointed at deals/, content/, the templates, the project
itself, its parent, a folder inside deals/ or any existing folder dealsite did not make, that
deletes the team's work. Each must exit non-zero with a message and leave every source file
(and the folder's own files) byte-identical, with .git still there. Ordinary builds into site/
(again and again) and into a new folder still work.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from trust_support import NOW, dealsite, git_project, mkdocs, sources_digest, write

pytestmark = pytest.mark.xdist_group("trust-data-loss")


@pytest.fixture
def project(tmp_path) -> Path:
    """A git project at tmp_path/outer/project, with a file of someone else's beside it."""
    root = git_project(tmp_path / "outer" / "project")
    write(tmp_path / "outer" / "notes-of-a-colleague.txt", "do not delete\n")
    return root


def _files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def _refused_and_untouched(project: Path, *args: str, extra: Path | None = None) -> None:
    outer = project.parent
    sources = sources_digest(project)
    neighbours = (outer / "notes-of-a-colleague.txt").read_bytes()
    kept = _files(extra) if extra else None
    result = dealsite(project, "build", *args, at=NOW)
    # What was lost first, then how the command behaved.
    assert (project / ".git").is_dir(), ".git is gone"
    after = sources_digest(project)
    lost = sorted(name for name in sources if after.get(name) != sources[name])
    added = sorted(set(after) - set(sources))
    assert (lost, added) == ([], []), f"{len(lost)} source files lost or changed, {len(added)} added: {(lost + added)[:10]}"
    assert (outer / "notes-of-a-colleague.txt").read_bytes() == neighbours
    if extra is not None:
        assert _files(extra) == kept
    assert result.returncode != 0, f"dealsite build {' '.join(args)} exited 0"
    assert result.stderr.strip() and "Traceback" not in result.stderr, result.stderr[-3000:]


@pytest.mark.parametrize("target", ["deals", "content", "site_templates", ".", "deals/sub"])
def test_build_into_a_source_folder_is_refused(project, target):
    _refused_and_untouched(project, "-d", target)


def test_build_into_the_projects_parent_is_refused(project):
    _refused_and_untouched(project, "-d", "..")


def test_build_into_a_folder_dealsite_did_not_make_is_refused(project):
    folder = project.parent / "archive"
    write(folder / "precious.txt", "the only copy\n")
    write(folder / "2019" / "minutes.txt", "minutes\n")
    _refused_and_untouched(project, "-d", str(folder), extra=folder)


def test_mkdocs_build_into_deals_does_not_delete_the_deals(project):
    before = _files(project / "deals")
    mkdocs(project, "build", "-d", "deals", at=NOW)
    after = _files(project / "deals") if (project / "deals").is_dir() else {}
    lost = sorted(name for name in before if after.get(name) != before[name])
    assert lost == [], f"deleted or changed: {lost}"


def test_builds_into_site_again_and_into_a_new_folder_still_work(project):
    for args in ((), (), ("-d", "site"), ("-d", str(project.parent / "public"))):
        result = dealsite(project, "build", "-q", *args, at=NOW)
        assert result.returncode == 0, (args, result.stderr[-3000:])
    assert (project / "site" / "index.html").is_file()
    assert (project.parent / "public" / "deals" / "kent" / "index.html").is_file()
    assert (project / ".git").is_dir()
