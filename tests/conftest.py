"""Fixtures every test may use. Slow ones are session-scoped: under pytest-xdist each
worker builds its own copy, in its own temporary directory.

- ``example_site``: the repository's example site, built once (real clock, real MkDocs).
- ``example_server``: that site served on 127.0.0.1; the base URL, ending in '/'.
- ``build_site_from``: build a site from the repository's templates and content with
  deal files (and content pages) of a test's own; see :func:`build_project`.
- ``project_copy``: copy the site's inputs (mkdocs.yml, content/, site_templates/,
  deals/) into a directory, to break them there; see :func:`copy_project`.
- ``served``: ``with served(directory) as url:`` serves any directory.
- ``catalogue``: the example deals as published now.
- ``browser``: Debian's chromium driven by Playwright (sync API), headless and offline.
- ``context``: a context of that browser at each width (phone, desktop): tests using it run at both.

Helpers for browser tests are in ``browser.py``, the quality gates in ``gates.py``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Callable, Mapping

import pytest

# These tests move the build's clock past the real one (embargoes lifting in 2030, say); the
# generator refuses such a SOURCE_DATE_EPOCH unless told it is meant (model/clock.py). Every
# dealsite process the tests start inherits this.
os.environ["DEALSITE_FUTURE_CLOCK"] = "1"

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
if str(TESTS) not in sys.path:  # so test modules can `import gates` and `import browser`
    sys.path.insert(0, str(TESTS))
BENCHMARKS = REPO / "benchmarks"
if str(BENCHMARKS) not in sys.path:  # the benchmark's corpus, shared with the tests: `import corpus`
    sys.path.insert(1, str(BENCHMARKS))

import browser as browser_helpers  # noqa: E402

INPUTS = ("mkdocs.yml", "content", "site_templates", "deals")


def copy_project(target: Path, *, example_deals: bool = True) -> Path:
    """Copy what a build reads into target; without example_deals, only deals/_*.yaml (less the
    committee's record, _scrutiny.yaml, which is about the example deals).

    Returns target, which then holds mkdocs.yml, content/, site_templates/ and deals/.
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        source = REPO / name
        if source.is_dir():
            ignore = None
            if name == "deals" and not example_deals:
                # the committee's record (_scrutiny.yaml) is about the example deals: it goes with them
                ignore = lambda d, names: [n for n in names if n.endswith((".yaml", ".yml")) and (not n.startswith("_") or n == "_scrutiny.yaml")]  # noqa: E731
            shutil.copytree(source, target / name, ignore=ignore, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def copy_project_with_deals_moved(root: Path) -> Path:
    """The example project with its deals in data/deals, named by deals_dir only: mkdocs.yml's
    watch: list no longer names them, as a team that moved them may well forget."""
    project = copy_project(root)
    (project / "data").mkdir()
    (project / "deals").rename(project / "data" / "deals")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    moved = config.replace("deals_dir: deals\n", "deals_dir: data/deals\n", 1).replace("watch:\n  - deals\n", "watch:\n", 1)
    assert moved.count("data/deals") == 1 and "  - deals\n" not in moved, "mkdocs.yml's layout changed"
    (project / "mkdocs.yml").write_text(moved, encoding="utf-8")
    return project


def build_project(
    directory: Path,
    deals: Mapping[str, str | bytes] | None = None,
    content: Mapping[str, str | bytes] | None = None,
    *,
    example_deals: bool = True,
) -> Path:
    """Copy the project into directory, add the given files, build; returns the site dir.

    ``deals`` maps a file name in deals/ (e.g. "nasty.yaml") to its text; ``content``
    maps a path in content/ (e.g. "updates/2026-01-01-x.md") to its text. The build is
    the real one (``generator.engine.mkdocs.build.build_site``, strict MkDocs); it raises as a build
    would. The site is built into ``directory/site``.
    """
    from generator.engine.mkdocs.build import build_site

    project = copy_project(Path(directory), example_deals=example_deals)
    for folder, files in (("deals", deals or {}), ("content", content or {})):
        for name, text in files.items():
            path = project / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
    return build_site(project / "mkdocs.yml", project / "site")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    from generator.engine.mkdocs.build import build_site

    return build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("example") / "site")


@pytest.fixture(scope="session")
def example_server(example_site) -> str:
    with browser_helpers.serve(example_site) as url:
        yield url


@pytest.fixture(scope="session")
def served() -> Callable:
    return browser_helpers.serve


@pytest.fixture(scope="session")
def build_site_from() -> Callable[..., Path]:
    return build_project


@pytest.fixture(scope="session")
def project_copy() -> Callable[..., Path]:
    return copy_project


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = browser_helpers.launch(playwright)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture(scope="session")
def catalogue():
    """The example deals as published now (a test file that needs them unpublished defines its own)."""
    from generator.compute.embargo import public_catalogue
    from generator.model.clock import build_time
    from generator.model.load import load_catalogue

    return public_catalogue(load_catalogue([REPO / "deals"]), build_time())


@pytest.fixture(scope="module", params=sorted(browser_helpers.WIDTHS))
def context(request, browser):
    """A browser context at each width a test must pass at: a phone's and a desktop's."""
    context = browser.new_context(viewport=browser_helpers.WIDTHS[request.param])
    yield context
    context.close()


def without_committee_record(env):
    """A template environment as a build leaves it for a project with no committee's record and
    no corrections address: the Jinja globals pages/committee.prepare sets, with nothing in them.
    For tests that render a deal's templates outside a build."""
    from generator.pages.evidence import DealCorrections

    env.globals["status_histories"] = lambda deal: {o.id: [] for o in deal.outcomes}
    env.globals["deal_corrections"] = lambda deal: DealCorrections(
        funds={f.id: "" for f in deal.funds}, readings={o.id: "" for o in deal.outcomes}, lines={}, schemes={}, budget="",
    )
    return env
