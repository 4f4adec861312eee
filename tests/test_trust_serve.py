"""Issue 12, serve: the preview server rebuilds once per edit, banners once, and search keeps deals.

`dealsite serve` is the real command in a subprocess, on a free loopback port, in a project
copy. `dealsite serve` prints nothing of MkDocs' progress, so rebuilds are counted from MkDocs'
live-reload protocol, which every served page uses: the page carries the number ("epoch") of
the build it came from, and GET /livereload/<epoch>/<id> answers, as soon as a newer build is
visible, with that build's number (or, after a minute, with the same number). Each newer
number is one finished rebuild. The server's stderr is kept in a file and shown on failure.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import lxml.html
import pytest
from trust_support import DEALSITE, NOW, copy_project, dealsite, env

pytestmark = pytest.mark.xdist_group("trust-serve")

DRAFT = "zqxtrustservedraft"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


class Server:
    def __init__(self, base: str, log: Path):
        self.base, self.log = base, log

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def epoch(self, path: str = "") -> int:
        return int(re.search(r"livereload\((\d+)", _get(self.base + path)[1]).group(1))

    def rebuilds(self, since: int, seconds: float) -> list[int]:
        """The builds that became visible after build ``since``, within ``seconds``."""
        seen, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0.2:
            try:
                status, body = _get(f"{self.base}livereload/{since}/{int(time.time() * 1000)}", timeout=left)
            except OSError:  # no answer before the deadline: no newer build
                break
            if status == 200 and body.strip().isdigit() and int(body) > since:
                since = int(body)
                seen.append(since)
        return seen

    def served_when(self, path: str, wanted: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                status, html = _get(self.base + path)
            except OSError:  # MkDocs' server holds requests while it rebuilds: slow on a busy machine
                continue
            if status == 200 and wanted in html:
                return html
            time.sleep(0.3)
        raise AssertionError(f"{path} never showed {wanted!r}; server said:\n{self.output()}")


@contextmanager
def serving(project: Path, *args: str):
    port = _free_port()
    log = project.parent / f"serve-{port}.log"
    with log.open("w", encoding="utf-8") as stderr:
        server = subprocess.Popen(
            [*DEALSITE, "serve", "-a", f"127.0.0.1:{port}", *args],
            cwd=project,
            stdout=stderr,
            stderr=stderr,
            env=env(at=None),
        )
    handle = Server(f"http://127.0.0.1:{port}/", log)
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise AssertionError(f"dealsite serve exited with {server.returncode}:\n{handle.output()}")
            try:
                if _get(handle.base, timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"dealsite serve did not answer within 120 s:\n{handle.output()}")
            time.sleep(0.5)
        yield handle
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _edit_title(path: Path, title: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1), encoding="utf-8")


def test_one_edit_makes_exactly_one_rebuild(tmp_path):
    project = copy_project(tmp_path / "project")
    with serving(project) as server:
        first = server.epoch()
        assert server.rebuilds(first, 3) == [], "rebuilds without any edit"
        _edit_title(project / "deals" / "kent.yaml", "Kent county deal zqxedited")
        # However long the rebuild takes on a busy machine, the edit is served; then every build
        # finished since the first one is counted, over 15 s more.
        server.served_when("deals/kent/", "zqxedited")
        builds = server.rebuilds(first, 15)
        assert len(builds) == 1, f"{len(builds)} rebuilds after one edit:\n{server.output()}"


def _banners(html: str) -> int:
    tree = lxml.html.fromstring(html)
    return sum(1 for e in tree.iter() if "dealsite-preview" in (e.get("class") or "").split())


def test_a_draft_deal_shows_one_preview_banner_after_three_edits(tmp_path):
    project = copy_project(tmp_path / "project")
    source = (project / "deals" / "kent.yaml").read_text(encoding="utf-8")
    draft = project / "deals" / f"{DRAFT}.yaml"
    draft.write_text(source.replace("\ntitle: ", "\ndraft: true\ntitle: ", 1), encoding="utf-8")
    page = f"deals/{DRAFT}/"
    with serving(project, "--drafts") as server:
        assert _banners(server.served_when(page, "Kent county deal")) == 1  # before any edit
        for n in (1, 2, 3):
            _edit_title(draft, f"{DRAFT} edit {n}")
            html = server.served_when(page, f"{DRAFT} edit {n}")
        time.sleep(3)  # let any rebuild still under way finish
        html = _get(server.base + page)[1]
    assert f"{DRAFT} edit 3" in html
    assert _banners(html) == 1


def test_search_keeps_every_deal_when_dealsite_is_listed_before_search(tmp_path):
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    block = re.search(r"(?m)^  - dealsite:\n(?:^      .*\n)+", text).group(0)
    swapped = text.replace(block, "").replace("  - search\n", block + "  - search\n", 1)
    assert swapped.index("\n  - dealsite:\n") < swapped.index("\n  - search\n") and swapped != text
    config.write_text(swapped, encoding="utf-8")
    result = dealsite(project, "build", "-q", at=NOW)
    slugs = sorted(p.stem for p in (project / "deals").glob("*.yaml") if not p.name.startswith("_"))
    if result.returncode != 0:
        # Stopping is fine, if the message says what is wrong: the order of the plugins.
        assert "Traceback" not in result.stderr
        assert any("search" in line and "dealsite" in line for line in result.stderr.splitlines()), result.stderr[-3000:]
        return
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert [s for s in slugs if f"deals/{s}/" not in locations] == []
