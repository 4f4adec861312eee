"""`dealsite serve`: the real command, serving on loopback, with and without --drafts.

The preview server is what communications teams use before an embargo lifts: with --drafts
it must show held-back content with a banner, and without it must show nothing of it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from publishing_support import copy_project

pytestmark = pytest.mark.xdist_group("serve")

DRAFT = "zqxservedraftcanary"


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


@contextmanager
def serving(project, *args: str):
    """`dealsite serve` in project on a free loopback port; yields the base URL once it answers."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}", *args],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120  # a first build of the example site; bounded
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise AssertionError(f"dealsite serve exited with {server.returncode}")
            try:
                if _get(base)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise AssertionError("dealsite serve did not answer within 120 s")
        yield base
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("serve") / "project")
    source = (root / "deals" / "kent.yaml").read_text(encoding="utf-8")
    draft = source.replace("\ntitle: ", f"\ndraft: true\ntitle: {DRAFT} ", 1)
    assert draft != source
    (root / "deals" / f"{DRAFT}.yaml").write_text(draft, encoding="utf-8")
    return root


def test_serve_with_drafts_shows_a_draft_deal_with_a_preview_banner(project):
    with serving(project, "--drafts") as base:
        status, page = _get(base + f"deals/{DRAFT}/")
        home = _get(base)[1]
    assert status == 200
    assert DRAFT in page
    assert "Preview: not yet public" in page
    assert DRAFT in home


def test_serve_without_drafts_shows_nothing_of_a_draft_deal(project):
    with serving(project) as base:
        status, _ = _get(base + f"deals/{DRAFT}/")
        home = _get(base)[1]
        kent_status, kent = _get(base + "deals/kent/")
    assert status == 404
    assert DRAFT not in home
    assert (kent_status, "Preview: not yet public" in kent) == (200, False)


def _without_reload_epoch(html: str) -> str:
    """The page without the build number MkDocs' server writes into every page it serves."""
    import re

    return re.sub(r"livereload\(\d+, *\d+\)", "livereload()", html)


def _served_when(url: str, wanted: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if wanted in _get(url)[1]:
            return True
        time.sleep(0.2)
    return False


def test_an_edited_deal_is_served_again_with_the_pages_that_list_it(project):
    # Only what changed is generated and rendered again (site.DealMemo, dirty builds): the
    # deal's page, and the pages across deals that show its title.
    kent = project / "deals" / "kent.yaml"
    source = kent.read_text(encoding="utf-8")
    token = "Kentrenamedzqx"
    with serving(project) as base:
        essex_before = _without_reload_epoch(_get(base + "deals/essex/")[1])
        kent.write_text(source.replace("\ntitle: ", f"\ntitle: {token} ", 1), encoding="utf-8")
        try:
            assert _served_when(base + "deals/kent/", token)
            assert _served_when(base, token)  # the home page's list of deals
            assert _served_when(base + "dashboard/", token)  # one row per deal, by title
            assert _without_reload_epoch(_get(base + "deals/essex/")[1]) == essex_before  # unchanged
        finally:
            kent.write_text(source, encoding="utf-8")
