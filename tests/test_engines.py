"""Engines: the site builds the same on ProperDocs as on MkDocs.

ProperDocs (the maintained MkDocs 1.x fork, a test dependency pinned in pyproject.toml) is its
own ``properdocs`` module; the name ``mkdocs`` exists only once ``properdocs.replacement`` has
been imported. Three ways in:

- ``properdocs build`` (its own command, which imports the alias first): the same bytes as
  ``mkdocs build`` apart from the generator tag that names the engine;
- ``dealsite build`` and ``dealsite serve`` where ProperDocs stands in for MkDocs. Both engines
  are installed here, and a plain ``import mkdocs`` finds the real one, so these run through
  ``tests/properdocs_only.py``: a subprocess that hides the real ``mkdocs`` package from
  ``sys.meta_path`` (as if it were not installed), so our adapter's import shim
  (``generator/engine/mkdocs/__init__.py``) must switch on ProperDocs' alias. That script
  fails the run if any module of the real package was loaded, and the pages carry
  ProperDocs' generator tag.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import copy_project

pytestmark = pytest.mark.xdist_group("engines")

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
BIN = Path(sys.executable).parent
PROPERDOCS_ONLY = TESTS / "properdocs_only.py"
EPOCH = "1767225600"  # 2026-01-01: every build here is dated the same
GENERATOR = re.compile(rb'<meta name="generator" content="mkdocs-[^"]*">')


def run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def tree(site: Path, *, normalise_generator: bool = False) -> dict[str, bytes]:
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if normalise_generator and path.suffix == ".html":
                data = GENERATOR.sub(b'<meta name="generator" content="ENGINE">', data)
            files[path.relative_to(site).as_posix()] = data
    return files


def generators(site: Path) -> set[bytes]:
    return {m.group(0) for p in site.rglob("*.html") for m in GENERATOR.finditer(p.read_bytes())}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("engines") / "project")


@pytest.fixture(scope="module")
def by_mkdocs(project) -> Path:
    done = run([BIN / "mkdocs", "build", "-f", "mkdocs.yml", "-d", "site-mkdocs"], project)
    assert done.returncode == 0, done.stderr[-3000:]
    return project / "site-mkdocs"


@pytest.fixture(scope="module")
def by_properdocs(project) -> Path:
    done = run([BIN / "properdocs", "build", "-f", "mkdocs.yml", "-d", "site-properdocs"], project)
    assert done.returncode == 0, done.stderr[-3000:]
    return project / "site-properdocs"


def test_properdocs_build_makes_the_bytes_mkdocs_build_makes_apart_from_the_generator_tag(by_mkdocs, by_properdocs):
    assert generators(by_mkdocs) == {b'<meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.1">'}
    assert generators(by_properdocs) == {b'<meta name="generator" content="mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.1">'}
    mkdocs_files = tree(by_mkdocs, normalise_generator=True)
    properdocs_files = tree(by_properdocs, normalise_generator=True)
    assert sorted(mkdocs_files) == sorted(properdocs_files)
    assert "deals/kent/index.html" in mkdocs_files and "search/search_index.json" in mkdocs_files
    assert [name for name in mkdocs_files if mkdocs_files[name] != properdocs_files[name]] == []


def test_dealsite_build_runs_on_properdocs_alone_and_makes_what_properdocs_build_makes(project, by_properdocs):
    done = run([sys.executable, PROPERDOCS_ONLY, "build", "-d", "site-dealsite-properdocs"], project)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "engine: properdocs" in done.stderr  # and no module of the real mkdocs package was loaded
    # Our progress (logged on mkdocs.plugins.dealsite) and the engine's reach the terminal.
    # deals/: five illustrative pilots and three real deals (west-yorkshire, cornwall,
    # greater-manchester-agreement); content/updates/ holds four updates.
    assert "loaded 8 deals and 4 updates" in done.stderr
    assert "Documentation built in" in done.stderr
    site = project / "site-dealsite-properdocs"
    assert (site / ".dealsite-site").is_file()
    ours, theirs = tree(site), tree(by_properdocs)
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []


def test_dealsite_build_quiet_on_properdocs_prints_no_progress(project):
    done = run([sys.executable, PROPERDOCS_ONLY, "build", "-q", "-d", "site-quiet"], project)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr.strip() == "engine: properdocs"


WARNING_HOOK = """\
from generator.engine.mkdocs.plugin import log  # the plugin's own logger, whatever its name


def on_post_build(config):
    log.warning("zqx a warning from the dealsite plugin")
"""


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_a_warning_from_our_plugin_fails_a_strict_dealsite_build_on_either_engine(tmp_path, engine):
    """ProperDocs counts strict-mode warnings on its 'properdocs' logger; a build called as a
    function (as dealsite build calls it) counts ours only because the adapter puts the
    'mkdocs' logger beneath it, as ProperDocs' own command does."""
    project = copy_project(tmp_path / "project")
    (project / "warn_hook.py").write_text(WARNING_HOOK, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(config.replace("\nplugins:", "\nhooks:\n  - warn_hook.py\nplugins:", 1), encoding="utf-8")
    command = [sys.executable, PROPERDOCS_ONLY] if engine == "properdocs" else [sys.executable, "-m", "generator.cli"]
    done = run([*command, "build", "-q"], project)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "zqx a warning from the dealsite plugin" in done.stderr
    assert "Aborted with 1 warnings in strict mode" in done.stderr
    assert not (project / "site").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_dealsite_serve_runs_on_properdocs_alone_and_serves_a_deal_page(tmp_path):
    """The preview's dirty rebuilds make the engine warn (a failure in strict mode): the
    filter on that warning must find ProperDocs' logger too, or the server stops at once."""
    project = copy_project(tmp_path / "project")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, PROPERDOCS_ONLY, "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**{k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}, "PYTHONPATH": str(REPO)},
        )
        try:
            deadline = time.monotonic() + 120  # a first build of the example site; bounded
            status, page = 0, ""
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    status, page = _get(f"http://127.0.0.1:{port}/deals/kent/")
                except OSError:
                    pass
                if status == 200:
                    break
                time.sleep(0.5)
            alive = server.poll() is None
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    output = log.read_text(encoding="utf-8", errors="replace")
    assert alive, output[-3000:]
    assert status == 200, output[-3000:]
    assert 'content="mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.1"' in page
    assert "Kent" in page
    assert "strict mode" not in output


def test_the_engine_contracts_hold_on_properdocs_too():
    """tests/test_engine_mkdocs.py checks every MkDocs and Material internal the adapter uses;
    run again where ProperDocs stands in for MkDocs, the same checks must pass."""
    done = run([sys.executable, PROPERDOCS_ONLY, "pytest", "-q", "-p", "no:xdist", TESTS / "test_engine_mkdocs.py"], REPO, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "engine: properdocs" in done.stderr
    assert re.search(r"\b\d+ passed\b", done.stdout) and "failed" not in done.stdout
