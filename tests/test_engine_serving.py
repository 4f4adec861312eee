"""What the MkDocs adapter relies on in MkDocs, checked so that an upgrade fails here, loudly.

Each test names the behaviour or the private attribute the adapter uses and where; at run
time each of them has a fallback (the server keeps polling, Ctrl-C behaves as Python's
default), so a change upstream makes ``dealsite serve`` slower or plainer, not broken.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer

from generator.engine.mkdocs import serve as dealsite_serve
from generator.engine.mkdocs.watch import EditsObserver, edit_events, hear_edits, platform_observer


def _server(root: Path) -> LiveReloadServer:
    """MkDocs' preview server, not started (nothing is bound until serve())."""
    return LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(root))


class _RecordingObserver:
    def __init__(self):
        self.scheduled, self.unscheduled, self.started = [], [], False

    def schedule(self, handler, path, *, recursive=False, **kwargs):
        self.scheduled.append((path, recursive, kwargs))
        return ("watch", len(self.scheduled))

    def unschedule(self, watch):
        self.unscheduled.append(watch)

    def is_alive(self):
        return self.started


# --- watch.py: `server._watched_paths` and `server.observer` (plugin.on_serve) ------------------


def test_the_server_counts_what_it_watches_in_watched_paths(tmp_path):
    """watch.hear_edits reads the private `_watched_paths` ({absolute path: times watched}) to
    move what MkDocs already watches onto the new observer."""
    server = _server(tmp_path)
    server.watch(str(tmp_path))
    server.watch(str(tmp_path))
    assert server._watched_paths == {str(tmp_path): 2}
    server.unwatch(str(tmp_path))
    assert server._watched_paths == {str(tmp_path): 1}


def test_the_server_schedules_and_unschedules_on_its_observer_attribute(tmp_path):
    """watch.hear_edits replaces the undocumented `server.observer` before the server starts:
    watch() and unwatch() must go through whatever object is there."""
    server = _server(tmp_path)
    assert callable(server.observer.is_alive) and not server.observer.is_alive()
    recorder = _RecordingObserver()
    server.observer = recorder
    server.watch(str(tmp_path))
    assert recorder.scheduled == [(str(tmp_path), True, {})]
    server.unwatch(str(tmp_path))
    assert recorder.unscheduled == [("watch", 1)]


def test_hear_edits_moves_every_watch_onto_the_platform_observer(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b.yml").write_text("x: 1\n", encoding="utf-8")
    server = _server(tmp_path)
    for path in (tmp_path / "a", tmp_path / "a", tmp_path / "b.yml"):
        server.watch(str(path))
    before = dict(server._watched_paths)
    assert hear_edits(server) is True
    assert isinstance(server.observer, EditsObserver) and server.observer.native
    assert server._watched_paths == before


def test_watchdog_can_narrow_notifications_to_edits():
    """The fix for endless rebuilds: the platform observer takes an event filter, and every
    event kind we ask for exists (a renamed class would silently widen or narrow it)."""
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if sys.platform.startswith("linux"):
        assert not issubclass(Observer, PollingObserver)
    assert "event_filter" in inspect.signature(Observer.schedule).parameters
    assert {cls.__name__ for cls in edit_events()} >= {"FileCreatedEvent", "FileDeletedEvent", "FileModifiedEvent", "FileMovedEvent", "FileClosedEvent"}
    assert isinstance(platform_observer(), EditsObserver)


def test_a_server_not_as_expected_keeps_polling(tmp_path):
    assert hear_edits(SimpleNamespace(observer=_RecordingObserver(), watch=print, unwatch=print)) is False
    started = _RecordingObserver()
    started.started = True
    assert hear_edits(SimpleNamespace(_watched_paths={}, observer=started, watch=print, unwatch=print)) is False
    server = _server(tmp_path)
    polling = server.observer
    assert hear_edits(server, make=lambda: None) is False  # no notifications on this platform
    assert server.observer is polling

    def unavailable():
        raise OSError(24, "inotify instance limit reached")

    assert hear_edits(server, make=unavailable) is False
    assert server.observer is polling


def _serving(server: LiveReloadServer):
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    return thread


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_one_edit_calls_the_servers_builder_once_and_reading_never_does(tmp_path):
    """The whole path plugin.on_serve and serve.Preview rely on: after hear_edits and a
    replaced `server.builder` (what MkDocs' build loop calls on every change), one write is
    one call, soon; a build's own reads (open, read, close) are none."""
    source = tmp_path / "deals"
    source.mkdir()
    (source / "kent.yaml").write_text("title: Kent\n", encoding="utf-8")
    calls = []
    server = _server(tmp_path)
    server.watch(str(source))
    assert hear_edits(server)
    server.builder = lambda: calls.append(time.monotonic())
    thread = _serving(server)
    try:
        time.sleep(0.5)
        for _ in range(50):  # what a build does to its sources
            (source / "kent.yaml").read_text(encoding="utf-8")
            os.listdir(source)
        assert not _wait_for(lambda: calls, 1.0), "reading the sources asked for a rebuild"
        written = time.monotonic()
        (source / "kent.yaml").write_text("title: Kent county\n", encoding="utf-8")
        assert _wait_for(lambda: calls, 5.0), "an edit was not heard"
        assert calls[0] - written < 1.0  # MkDocs waits 0.1 s for more changes; polling took up to 0.6 s
        time.sleep(1.0)
        assert len(calls) == 1
    finally:
        server.shutdown()
        thread.join(10)


def test_notifications_that_cannot_start_fall_back_to_polling(tmp_path, caplog):
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    class Refusing(Observer):
        def start(self):
            raise OSError(28, "inotify watch limit reached")

    source = tmp_path / "deals"
    source.mkdir()
    calls = []
    server = _server(tmp_path)
    server.watch(str(source))
    assert hear_edits(server, make=lambda: EditsObserver(Refusing, lambda: PollingObserver(timeout=0.1)))
    server.builder = lambda: calls.append(1)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.dealsite"):
        thread = _serving(server)
        try:
            assert _wait_for(lambda: not server.observer.native, 5.0)
            time.sleep(0.3)
            (source / "new.yaml").write_text("title: New\n", encoding="utf-8")
            assert _wait_for(lambda: calls, 5.0)
        finally:
            server.shutdown()
            thread.join(10)
    assert "watch limit reached" in caplog.text and "polling" in caplog.text


# --- serve.py: `server.url`, `server.builder`, the build function, logger names ----------------


@pytest.mark.parametrize("site_url", ["https://deals.example.org/", "https://example.org/deals", "", None])
def test_the_address_shown_before_the_first_build_is_where_mkdocs_serves(tmp_path, site_url):
    config = SimpleNamespace(dev_addr=("127.0.0.1", 8123), site_url=site_url)
    from urllib.parse import urlsplit

    server = LiveReloadServer(builder=print, host="127.0.0.1", port=8123, root=str(tmp_path), mount_path=urlsplit(site_url or "/").path)
    assert dealsite_serve.serving_address(config) == server.url


def _tiny_project(tmp_path: Path, hook: str = "") -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Hello\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\nstrict: true\n" + ("hooks: [hook.py]\n" if hook else ""), encoding="utf-8")
    if hook:
        (tmp_path / "hook.py").write_text(hook, encoding="utf-8")
    return config


def test_ctrl_c_can_tell_when_the_main_thread_is_inside_a_build(tmp_path):
    """serve._in_build looks for MkDocs' build function (its code object) among the main
    thread's frames: it must be the function MkDocs' serve calls, and on the stack in hooks."""
    import mkdocs.commands.serve

    assert mkdocs.commands.serve.build is mkdocs_build and inspect.isfunction(mkdocs_build)
    seen = tmp_path / "seen.txt"
    config = _tiny_project(
        tmp_path,
        "import sys\nfrom pathlib import Path\nfrom generator.engine.mkdocs.serve import _in_build\n"
        f"def on_pre_build(config):\n    Path({str(seen)!r}).write_text(str(_in_build(sys._getframe())))\n",
    )
    mkdocs_build(load_config(str(config), site_dir=str(tmp_path / "site")))
    assert seen.read_text() == "True"
    assert dealsite_serve._in_build(sys._getframe()) is False


@pytest.fixture
def engine_logging():
    """The engine loggers' handlers, levels and filters, put back after the test."""
    names = [*dealsite_serve._ENGINES, *dealsite_serve._BUILD_LOGGERS]
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).level, list(logging.getLogger(n).filters)) for n in names}
    yield
    for name, (handlers, level, filters) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.filters[:] = handlers, filters
        logger.setLevel(level)


def test_the_dirty_build_warning_is_filtered_on_the_engines_own_logger(tmp_path, engine_logging):
    """Strict mode counts warnings before any handler sees them: the filter must sit on the
    logger that emits the warning, named after the engine's build module (mkdocs.* or
    properdocs.*), or every `dealsite serve` rebuild would abort."""
    config = _tiny_project(tmp_path)
    site = tmp_path / "site"
    emitter = logging.getLogger(mkdocs_build.__module__)
    emitter.removeFilter(dealsite_serve._not_dirty_warning)
    with pytest.raises(Abort, match="strict mode"):
        mkdocs_build(load_config(str(config), site_dir=str(site)), dirty=True)
    dealsite_serve.show_problems_only()
    assert dealsite_serve._not_dirty_warning in emitter.filters
    mkdocs_build(load_config(str(config), site_dir=str(site)), dirty=True)
