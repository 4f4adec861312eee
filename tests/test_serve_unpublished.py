"""A preview's site after an edit that unpublishes a page or a data file holds what a fresh
build holds: `dealsite serve` builds dirty, into a folder it keeps, and MkDocs removes nothing.

The edits: an update put under embargo (its page must go: `dealsite serve` without --drafts is
the public site), a deal's conditions removed (its conditions.csv must go), and a hand-written
page and a static file deleted (MkDocs' dirty build kept both). The builds run
in a process of their own, as a server's do: MkDocs' dirty build in serve mode with one plugin
object kept across builds and a fresh config for each.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

UPDATE = "2013-06-14-essex-community-budget-without-skills"
OURS = {"notes.md": "notes/index.html", "assets/notes.txt": "assets/notes.txt"}  # content/ -> site/


def _files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != ".dealsite-site"}


def _searched(site: Path) -> set[str]:
    """The locations of the site's search index."""
    return {d["location"] for d in json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]}


def test_a_preview_drops_the_pages_and_files_an_edit_unpublishes(tmp_path, project_copy):
    project = project_copy(tmp_path / "project")
    served, fresh = tmp_path / "served", tmp_path / "fresh"
    run = subprocess.run([sys.executable, __file__, str(project), str(served)], capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    built = subprocess.run([sys.executable, "-m", "generator.cli", "build", "-f", str(project / "mkdocs.yml"), "-d", str(fresh)],
                           capture_output=True, text=True, timeout=900, check=False)
    assert built.returncode == 0, built.stderr[-3000:]

    assert f"updates/{UPDATE}/index.html" not in _files(fresh)  # the edits did unpublish them
    assert "deals/cornwall/conditions.csv" not in _files(fresh)
    assert not set(OURS.values()) & _files(fresh)
    assert _files(served) == _files(fresh)
    # Material's search merges a dirty build's entries into the last build's: the pages the
    # edits unpublished stayed in the preview's index, text and all.
    assert _searched(served) == _searched(fresh)
    assert not {p for p in _searched(served) if p.startswith((f"updates/{UPDATE}/", "notes/"))}


def test_a_preview_drops_the_files_a_failed_build_wrote_once_a_build_succeeds(tmp_path, project_copy):
    """A rebuild that fails after the deals' files are written (here: a broken template for a
    page across deals) never lists them; the next good build still leaves only what it publishes.
    (Found by an outside attack: a renamed deal's 14 files stayed.)"""
    project = project_copy(tmp_path / "project")
    served, fresh = tmp_path / "served", tmp_path / "fresh"
    run = subprocess.run([sys.executable, __file__, str(project), str(served), "failing"], capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    built = subprocess.run([sys.executable, "-m", "generator.cli", "build", "-f", str(project / "mkdocs.yml"), "-d", str(fresh)],
                           capture_output=True, text=True, timeout=900, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    assert not any(path.startswith("deals/cornwall-renamed/") for path in _files(served))
    assert _files(served) == _files(fresh)


def _failing_then_good(project: Path, build) -> None:
    cornwall, renamed = project / "deals" / "cornwall.yaml", project / "deals" / "cornwall-renamed.yaml"
    template = project / "site_templates" / "committee.html"
    good = template.read_text(encoding="utf-8")
    cornwall.rename(renamed)
    template.write_text(good + "{{ no_such_name.attr }}\n", encoding="utf-8")
    try:
        build()
    except Exception:  # noqa: BLE001 - the failure is the point; serve reports it in a line
        pass
    else:
        raise AssertionError("the broken template did not fail the build")
    renamed.rename(cornwall)
    template.write_text(good, encoding="utf-8")
    build()


def _edit(project: Path) -> None:
    cornwall = project / "deals" / "cornwall.yaml"
    text = cornwall.read_text(encoding="utf-8")
    cornwall.write_text(text[: text.index("\nconditions:\n")] + text[text.index("\nfollow_ons:\n"):], encoding="utf-8")
    update = project / "content" / "updates" / f"{UPDATE}.md"
    text = update.read_text(encoding="utf-8")
    update.write_text(text.replace("\ndeals:", "\npublish_after: 2099-01-01T00:00:00+00:00\ndeals:", 1), encoding="utf-8")
    for name in OURS:
        (project / "content" / name).unlink()


def _serve_builds(project: Path, site: Path, *, failing: bool = False) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    def config():
        # strict=False: MkDocs warns about every dirty build, which `dealsite serve` filters out.
        return load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=False)

    if not failing:
        (project / "content" / "notes.md").write_text("# Notes\n\nOur own page.\n", encoding="utf-8")
        (project / "content" / "assets" / "notes.txt").write_text("Our own file.\n", encoding="utf-8")
    config().plugins.on_startup(command="serve", dirty=True)
    mkdocs_build(config(), serve_url="http://127.0.0.1:8000/", dirty=False)
    before = _files(site)
    assert f"updates/{UPDATE}/index.html" in before and "deals/cornwall/conditions.csv" in before
    assert failing or set(OURS.values()) <= before
    if failing:
        _failing_then_good(project, lambda: mkdocs_build(config(), serve_url="http://127.0.0.1:8000/", dirty=True))
    else:
        _edit(project)
        mkdocs_build(config(), serve_url="http://127.0.0.1:8000/", dirty=True)
    config().plugins.on_shutdown()


if __name__ == "__main__":  # the server's process, started by the tests above
    _serve_builds(Path(sys.argv[1]), Path(sys.argv[2]), failing=sys.argv[3:] == ["failing"])
