"""`dealsite serve`: the real command, serving on loopback, with and without --drafts.

The preview server is what communications teams use before an embargo lifts: with --drafts
it must show held-back content with a banner, and without it must show nothing of it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager

import pytest
from publishing_support import copy_project, copy_project_with_deals_moved
from serve_support import eventually, free_port, get

pytestmark = pytest.mark.xdist_group("serve")

DRAFT = "zqxservedraftcanary"
DRAFT_PAGE = "zqxdraftdocscanary"
DRAFT_UPDATE = "zqxdraftdocsupdatecanary"
DRAFT_UPDATE_NAME = "2026-05-01-next-steps"  # an update only draft_docs holds back



@contextmanager
def serving(project, *args: str):
    """`dealsite serve` in project on a free loopback port; yields the base URL once it answers."""
    port = free_port()
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
                if get(base)[0] == 200:
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
    # A page mkdocs.yml's draft_docs names: MkDocs' own serve shows such pages; dealsite's, only with --drafts.
    (root / "content" / "plans").mkdir()
    (root / "content" / "plans" / "next.md").write_text(f"# Next\n\nThe {DRAFT_PAGE} plan.\n", encoding="utf-8")
    (root / "content" / "updates" / f"{DRAFT_UPDATE_NAME}.md").write_text(
        f"---\ntitle: Next steps {DRAFT_UPDATE}\ndate: 2026-05-01\ndeals: []\nsummary: What comes next.\n---\n\nThe {DRAFT_UPDATE} steps.\n",
        encoding="utf-8",
    )
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(f"draft_docs: |\n  plans/\n  updates/{DRAFT_UPDATE_NAME}.md\n")
    return root


def test_serve_with_drafts_shows_a_draft_deal_with_a_preview_banner(project):
    with serving(project, "--drafts") as base:
        status, page = get(base + f"deals/{DRAFT}/")
        home = get(base)[1]
    assert status == 200
    assert DRAFT in page
    assert "Preview: not yet public" in page
    assert DRAFT in home


def test_serve_with_drafts_shows_a_page_draft_docs_names(project):
    with serving(project, "--drafts") as base:
        status, page = get(base + "plans/next/")
    assert (status, DRAFT_PAGE in page) == (200, True)


def test_serve_without_drafts_shows_no_page_draft_docs_names(project):
    with serving(project) as base:
        status, page = get(base + "plans/next/")
        index = get(base + "search/search_index.json")[1]
    assert status == 404
    assert DRAFT_PAGE not in page + index


def test_serve_with_drafts_shows_an_update_draft_docs_names_with_a_preview_banner(project):
    with serving(project, "--drafts") as base:
        status, page = get(base + f"updates/{DRAFT_UPDATE_NAME}/")
    assert (status, DRAFT_UPDATE in page) == (200, True)
    assert "Preview: not yet public" in page
    assert "This update: draft: not published while mkdocs.yml&#39;s draft_docs names it" in page


def test_serve_without_drafts_shows_nothing_of_an_update_draft_docs_names(project):
    with serving(project) as base:
        status, _ = get(base + f"updates/{DRAFT_UPDATE_NAME}/")
        elsewhere = "".join(get(base + path)[1] for path in ("updates/", "feeds/updates.xml", "search/search_index.json"))
    assert status == 404
    assert DRAFT_UPDATE not in elsewhere


def test_serve_without_drafts_shows_nothing_of_a_draft_deal(project):
    with serving(project) as base:
        status, _ = get(base + f"deals/{DRAFT}/")
        home = get(base)[1]
        kent_status, kent = get(base + "deals/kent/")
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
        try:
            if wanted in get(url)[1]:
                return True
        except OSError:  # MkDocs holds page requests while it rebuilds: a slow rebuild is "not yet"
            pass
        time.sleep(0.2)
    return False


def test_an_edited_deal_is_served_again_with_the_pages_that_list_it(project):
    # Only what changed is generated and rendered again (site.DealMemo, dirty builds): the
    # deal's page, and the pages across deals that show its title.
    kent = project / "deals" / "kent.yaml"
    source = kent.read_text(encoding="utf-8")
    token = "Kentrenamedzqx"
    with serving(project) as base:
        essex_before = _without_reload_epoch(get(base + "deals/essex/")[1])
        kent.write_text(source.replace("\ntitle: ", f"\ntitle: {token} ", 1), encoding="utf-8")
        try:
            assert _served_when(base + "deals/kent/", token)
            assert _served_when(base, token)  # the home page's list of deals
            assert _served_when(base + "dashboard/", token)  # one row per deal, by title
            assert _without_reload_epoch(get(base + "deals/essex/")[1]) == essex_before  # unchanged
        finally:
            kent.write_text(source, encoding="utf-8")


# --- what an editor sees, and Ctrl-C (issue 12) ------------------------------------------------

PROMPTLY = 8.0  # seconds from Ctrl-C to exit: MkDocs stops its server and removes its files


class _Run:
    """`dealsite serve` in project, its stdout and stderr in files, its temporary files in a
    folder of its own (TMPDIR) so a test can see that they are removed."""

    def __init__(self, project, root, *args: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.out, self.err, self.tmp = root / "stdout.txt", root / "stderr.txt", root / "tmp"
        self.tmp.mkdir()
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["TMPDIR"] = str(self.tmp)
        with self.out.open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{self.port}", *args],
                cwd=project, stdout=out, stderr=err, env=env,
            )

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def shown(self) -> str:
        return f"stdout:\n{self.stdout()[-2000:]}\nstderr:\n{self.stderr()[-3000:]}"

    def wait_until(self, condition, what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"dealsite serve exited ({self.process.returncode}) before {what}:\n{self.shown()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout} s:\n{self.shown()}")
            time.sleep(0.1)

    def answering(self) -> bool:
        try:
            return get(self.base)[0] == 200
        except OSError:
            return False

    def stop(self, signum=signal.SIGINT) -> tuple[int, float]:
        """Send signum; the exit status and the seconds it took (None if it did not exit)."""
        sent = time.monotonic()
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return self.process.returncode, float("inf")
        return self.process.returncode, time.monotonic() - sent

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _page(url: str) -> str:
    """The page, or "" if the server did not answer in time (MkDocs holds requests during a build)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _assert_stopped_cleanly(run: _Run, status: int, seconds: float) -> None:
    assert seconds < PROMPTLY, f"dealsite serve took {seconds:.1f} s to stop:\n{run.shown()}"
    assert status in (0, 130), f"exit {status}:\n{run.shown()}"
    assert "Traceback" not in run.stderr(), run.shown()
    assert list(run.tmp.iterdir()) == [], "MkDocs' temporary site was left behind"


def test_serve_shows_its_address_each_rebuild_and_a_broken_deal_file_by_line(tmp_path):
    """The address first, then one line per build with its time; a broken deal file as
    file:line: field: message, no traceback, the preview still serving the last good build."""
    project = copy_project(tmp_path / "project")
    kent = project / "deals" / "kent.yaml"
    source = kent.read_text(encoding="utf-8")
    run = _Run(project, tmp_path)
    try:
        run.wait_until(lambda: "Serving on" in run.stdout(), "address")
        assert run.stdout().splitlines()[0] == f"Serving on {run.base} (the public site: no drafts or embargoed content); building..."
        run.wait_until(run.answering, "answer")
        assert re.search(r"(?m)^ready in \d+\.\d s; rebuilding on every change \(Ctrl-C to stop\)$", run.stdout()), run.shown()

        kent.write_text(source.replace("\ntitle: ", "\ntitle: Zqxfirst ", 1), encoding="utf-8")
        run.wait_until(lambda: "Zqxfirst" in _page(run.base + "deals/kent/"), "edited page")
        run.wait_until(lambda: re.search(r"(?m)^rebuilt in \d+\.\d s$", run.stdout()), "rebuild line")

        broken = re.sub(r"(?m)^title: .*$", "title:", source, count=1)
        line = broken.splitlines().index("title:") + 1
        kent.write_text(broken, encoding="utf-8")
        run.wait_until(lambda: "rebuild failed" in run.stderr(), "failure line")
        assert re.search(rf"(?m)kent\.yaml:{line}: title: \S", run.stderr()), run.shown()
        page = _page(run.base + "deals/kent/")  # MkDocs would hold this until a build succeeds
        assert "Zqxfirst" in page, "the preview stopped serving the last good build"

        kent.write_text(source.replace("\ntitle: ", "\ntitle: Zqxfixed ", 1), encoding="utf-8")
        run.wait_until(lambda: "Zqxfixed" in _page(run.base + "deals/kent/"), "fixed page")
        status, seconds = run.stop(signal.SIGINT)  # idle
    finally:
        run.kill()
    _assert_stopped_cleanly(run, status, seconds)
    assert run.stdout().rstrip().endswith("stopped")
    assert "Traceback" not in run.stderr() and "appear stuck" not in run.stderr()


def test_an_edited_deal_is_shown_before_the_rebuild_ends_and_an_embargoed_one_never(tmp_path):
    """The early look (engine/mkdocs/early.py): the deal's page as the rebuild will write it,
    served before the pages across deals are made again, with no second reload; and nothing
    early of a deal the edit puts under embargo, which the rebuild then unpublishes."""
    project = copy_project(tmp_path / "project")
    kent = project / "deals" / "kent.yaml"
    source = kent.read_text(encoding="utf-8")
    run = _Run(project, tmp_path)
    try:
        run.wait_until(run.answering, "answer")
        kent.write_text(source.replace("\ntitle: ", "\ntitle: Zqxearly ", 1), encoding="utf-8")
        run.wait_until(lambda: re.search(r"(?m)^rebuilt in ", run.stdout()), "rebuild line")
        assert re.search(r"(?m)^showing kent\.yaml after \d+\.\d\d s; rebuilding the rest$", run.stdout()), run.shown()
        assert "reloading it" not in run.stdout(), run.shown()  # the rebuild wrote what was shown
        assert "Zqxearly" in _page(run.base + "deals/kent/")

        seen = []
        embargoed = source.replace("\ntitle: ", "\npublish_after: 2099-01-01T00:00:00+00:00\ntitle: Zqxheld ", 1)
        kent.write_text(embargoed, encoding="utf-8")
        deadline = time.monotonic() + 120
        while run.stdout().count("rebuilt in") < 2 and time.monotonic() < deadline:
            seen.append(_page(run.base + "deals/kent/"))
        assert get(run.base + "deals/kent/")[0] == 404, run.shown()
        assert not any("Zqxheld" in page for page in seen)
        assert run.stdout().count("showing kent.yaml") == 1, run.shown()

        # After a failed rebuild the next one may fail too (here: cornwall stays broken), and a
        # page shown early would be taken back: none is.
        kent.write_text(source, encoding="utf-8")
        run.wait_until(lambda: run.stdout().count("rebuilt in") == 3, "third rebuild")
        cornwall = project / "deals" / "cornwall.yaml"
        cornwall.write_text(cornwall.read_text(encoding="utf-8") + "\n: [\n", encoding="utf-8")
        run.wait_until(lambda: "rebuild failed" in run.stderr(), "failure line")
        kent.write_text(source.replace("\ntitle: ", "\ntitle: Zqxtakenback ", 1), encoding="utf-8")
        run.wait_until(lambda: run.stderr().count("rebuild failed") == 2, "second failure line")
        assert run.stdout().count("showing kent.yaml") == 1, run.shown()
        assert "Zqxtakenback" not in _page(run.base + "deals/kent/")
    finally:
        run.kill()


@pytest.mark.parametrize(
    "when, signum",
    [("first build", signal.SIGINT), ("rebuilding", signal.SIGINT), ("rebuilding", signal.SIGTERM)],
    ids=["ctrl-c-in-first-build", "ctrl-c-while-rebuilding", "sigterm-while-rebuilding"],
)
def test_ctrl_c_stops_serve_promptly_even_in_a_build(tmp_path, when, signum):
    """Ctrl-C once is enough, in a build too (WeasyPrint swallows KeyboardInterrupt while it
    draws the committee pack's charts); edits that keep coming do not keep it alive."""
    project = copy_project(tmp_path / "project")
    kent = project / "deals" / "kent.yaml"
    source = kent.read_text(encoding="utf-8")
    run = _Run(project, tmp_path)
    editing = threading.Event()

    def edit_again_and_again():
        n = 0
        while not editing.wait(0.4):
            n += 1
            kent.write_text(source.replace("\ntitle: ", f"\ntitle: Zqx{n} ", 1), encoding="utf-8")

    editor = threading.Thread(target=edit_again_and_again, daemon=True)
    try:
        if when == "first build":
            run.wait_until(lambda: "Serving on" in run.stdout(), "address")
            time.sleep(1.5)
            assert "ready in" not in run.stdout(), "the first build was over before Ctrl-C: nothing tested"
        else:
            run.wait_until(run.answering, "answer")
            editor.start()
            run.wait_until(lambda: "rebuilt in" in run.stdout(), "a rebuild")
            time.sleep(1.0)
        status, seconds = run.stop(signum)
    finally:
        editing.set()
        run.kill()
    _assert_stopped_cleanly(run, status, seconds)


def test_serve_with_a_broken_deal_file_does_not_start_and_names_the_line(tmp_path):
    project = copy_project(tmp_path / "project")
    kent = project / "deals" / "kent.yaml"
    broken = re.sub(r"(?m)^title: .*$", "title:", kent.read_text(encoding="utf-8"), count=1)
    kent.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("title:") + 1
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{free_port()}"],
        cwd=project, capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
    )
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert re.search(rf"(?m)^\S*deals/kent\.yaml:{line}: title: \S", done.stderr), done.stderr[-3000:]
    assert done.stdout.startswith("Serving on http://127.0.0.1:")


def test_a_failed_rebuild_is_one_line_and_counts_as_done():
    """serve.Preview.rebuilder: MkDocs' server holds page requests until a build succeeds, so
    a failed rebuild must not reach it as a failure (the preview would hang)."""
    import contextlib
    import io

    from jinja2 import TemplateSyntaxError
    from mkdocs.exceptions import Abort

    from generator.engine.mkdocs.serve import Preview

    def failing(error):
        def build():
            raise error

        return build

    def rebuild(build) -> None:
        preview = Preview()
        try:
            preview.rebuilder(build)()
        finally:  # its collection's timer would go off a second later, inside another test
            preview.collection.stop()

    for error, expected in [
        (Abort("Aborted with a BuildError!"), "rebuild failed (see above); still serving the last good build"),
        (TemplateSyntaxError("unexpected '}'", 7, filename="site_templates/deal.html"),
         "rebuild failed (site_templates/deal.html:7: TemplateSyntaxError: unexpected '}'); still serving the last good build"),
        (ZeroDivisionError("division by zero"), "rebuild failed (ZeroDivisionError: division by zero); still serving the last good build"),
    ]:
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            rebuild(failing(error))
        assert (err.getvalue(), out.getvalue()) == (expected + "\n", "")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rebuild(lambda: None)
    assert re.fullmatch(r"rebuilt in \d+\.\d s\n", out.getvalue())


class _Cycle:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self):
        self.me = self


def test_a_preview_rebuild_runs_without_the_cycle_collector_and_its_cycles_are_collected_after():
    """serve.IdleCollection: a full collection walks every kept page (0.7-0.8 s at 1,000 deals),
    so none runs inside a rebuild; the cycles a rebuild leaves are freed soon after it."""
    import gc
    import weakref

    from generator.engine.mkdocs.serve import IdleCollection, Preview

    preview = Preview()
    preview.collection = IdleCollection(after=0.05)
    seen = {}

    def build():
        seen["collector on"] = gc.isenabled()
        left = _Cycle()
        seen["cycle"] = weakref.ref(left)

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            preview.rebuilder(build)()
        assert seen["collector on"] is False
        assert eventually(gc.isenabled)
        assert seen["cycle"]() is None  # collected without waiting for Python's own thresholds
    finally:
        preview.collection.stop()
    assert gc.isenabled()


def test_a_rebuild_that_starts_before_the_collection_puts_it_off_until_it_is_done():
    import gc

    from generator.engine.mkdocs.serve import IdleCollection

    collection = IdleCollection(after=0.05)
    try:
        collection.before_build()
        collection.after_build()
        collection.before_build()  # the editor saved again at once
        time.sleep(0.3)
        assert not gc.isenabled()  # the first collection gave way to the second rebuild
        collection.after_build()
        assert eventually(gc.isenabled)
    finally:
        collection.stop()
    assert gc.isenabled()


def test_rebuilds_in_a_row_without_a_pause_still_collect_every_few():
    """An editor saving every second, or a git checkout, starts each rebuild before the last one's
    collection: every MOST_UNCOLLECTED rebuilds, the next collects before it starts."""
    import gc
    import weakref

    from generator.engine.mkdocs.serve import IdleCollection

    collection = IdleCollection(after=60, most=3)  # the pause for a collection never comes
    left = []
    try:
        for _ in range(7):
            collection.before_build()
            left.append(weakref.ref(_Cycle()))
            collection.after_build()
        # The 4th rebuild collected what the first three left, the 7th what the next three did.
        assert [cycle() is None for cycle in left] == [True] * 6 + [False]
        assert not gc.isenabled()
    finally:
        collection.stop()
    assert gc.isenabled()


def test_a_stopped_server_leaves_the_cycle_collector_on():
    import gc

    from generator.engine.mkdocs.serve import IdleCollection

    collection = IdleCollection(after=60)
    collection.before_build()
    collection.after_build()
    collection.stop()
    assert gc.isenabled()
    assert not collection.timer.is_alive() or eventually(lambda: not collection.timer.is_alive(), 2)


def test_an_interrupt_arriving_in_a_finalizer_waits_for_the_next_repeat_instead_of_printing_a_traceback():
    """serve.Preview._interrupted: CI saw Ctrl-C during a rebuild land in WeasyPrint's
    FontConfiguration.__del__, where Python prints the KeyboardInterrupt as "Exception ignored"
    with a traceback and drops it. There the handler only starts the repeater, which raises it
    again a quarter second later; anywhere else it raises at once."""
    import logging

    from generator.engine.mkdocs.serve import Preview

    def quiet() -> Preview:
        preview = Preview()
        preview._repeat = lambda: None  # the real one would interrupt this test's own process
        return preview

    weasyprint_log = logging.getLogger("weasyprint")
    was_disabled = weasyprint_log.disabled  # the handler silences it, for the rest of a server's life
    in_finalizer, elsewhere = quiet(), quiet()
    seen = {}

    class Fonts:
        def __del__(self):
            try:
                in_finalizer._interrupted(signal.SIGINT, sys._getframe())
                seen["raised"] = False
            except KeyboardInterrupt:
                seen["raised"] = True

    Fonts()  # dropped at once: its __del__ runs here
    assert seen["raised"] is False
    assert in_finalizer.stopping and in_finalizer.repeater is not None  # the repeater raises it again
    with pytest.raises(KeyboardInterrupt):
        elsewhere._interrupted(signal.SIGINT, sys._getframe())
    for preview in (in_finalizer, elsewhere):
        preview.repeater.join()
    weasyprint_log.disabled = was_disabled


def test_serve_on_an_address_in_use_says_so_in_a_line(tmp_path):
    project = copy_project(tmp_path / "project")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project, capture_output=True, text=True, timeout=300,
            env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
        )
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert f"dealsite serve: cannot serve on http://127.0.0.1:{port}/: " in done.stderr, done.stderr[-3000:]


# --- a project whose deals live elsewhere (mkdocs.yml: deals_dir) --------------------------------


def test_serve_reads_and_watches_the_deals_folder_mkdocs_yml_names(tmp_path):
    project = copy_project_with_deals_moved(tmp_path / "project")
    kent = project / "data" / "deals" / "kent.yaml"
    token = "Kentmovedzqx"
    with serving(project) as base:  # before the fix, its check read deals/ and refused to start
        assert get(base + "deals/kent/")[0] == 200
        kent.write_text(kent.read_text(encoding="utf-8").replace("\ntitle: ", f"\ntitle: {token} ", 1), encoding="utf-8")
        assert _served_when(base + "deals/kent/", token)


def test_serve_refuses_to_start_on_a_broken_deal_in_the_folder_mkdocs_yml_names(tmp_path):
    project = copy_project_with_deals_moved(tmp_path / "project")
    kent = project / "data" / "deals" / "kent.yaml"
    broken = re.sub(r"(?m)^title: .*$", "title:", kent.read_text(encoding="utf-8"), count=1)
    kent.write_text(broken, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{free_port()}"],
        cwd=project, capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
    )
    assert done.returncode == 1, done.stderr[-3000:]
    line = broken.splitlines().index("title:") + 1
    assert re.search(rf"(?m)^\S*data/deals/kent\.yaml:{line}: title: \S", done.stderr), done.stderr[-3000:]
