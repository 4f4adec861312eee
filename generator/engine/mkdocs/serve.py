"""``dealsite serve``: MkDocs' live-reloading preview server, with dirty rebuilds.

What an editor sees: on stdout, where the preview is served, then one line per build with
its time; on stderr, any problem in the deal files as ``file:line: field: message``, with no
traceback, while the server goes on serving the last good build. MkDocs' own progress is not
shown (the lines above say what happened); its warnings and errors are. Ctrl-C (or SIGTERM)
stops the server within a second or so, even in the middle of a build.
"""

from __future__ import annotations

import _thread
import gc
import logging
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional
from urllib.parse import urlsplit

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.commands.serve import serve
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ...runtime import in_finalizer
from ..pipeline import edited_deal_file
from .build import quiet_logging
from .early import EarlyLook, server_as_expected
from .plugin import DealsitePlugin
from .watch import EditsObserver

# The engine's modules and so its loggers: mkdocs.* under MkDocs, properdocs.* under ProperDocs
# (whose `mkdocs` names are aliases of its own modules). Our plugin logs as mkdocs.plugins.dealsite.
_BUILD_LOGGERS = sorted({mkdocs_build.__module__, "mkdocs.commands.build", "properdocs.commands.build"})
_ENGINES = sorted({"mkdocs", mkdocs_build.__module__.split(".")[0]})

# While stopping, the interrupt is raised again this often until it is out of the build.
_REPEAT_SECONDS = 0.25
# How long after a rebuild the garbage it left is collected: long enough for the browser's
# reload of the changed page to be served first.
COLLECT_AFTER_SECONDS = 1.0
# Rebuilds in a row without a pause for the collection (an editor saving every second, a script
# writing files, a git checkout): the next one collects first, so the garbage stays bounded.
MOST_UNCOLLECTED = 4


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns that dirty builds may leave navigation stale, and strict mode would count
    that as a failure. Ours are safe: the plugin renders again every page whose HTML changed."""
    return "'dirty' build" not in record.getMessage()


def show_problems_only() -> None:
    """The engine's warnings and errors on stderr, its progress not at all; on any engine."""
    for name in _ENGINES:
        quiet_logging(True, name)
    for name in _BUILD_LOGGERS:
        logging.getLogger(name).addFilter(_not_dirty_warning)  # on the logger: strict mode counts before any handler


def serving_address(config) -> str:
    """Where MkDocs serves a config: dev_addr, and the path of site_url (as MkDocs 1.6 does)."""
    host, port = config.dev_addr
    path = urlsplit(config.site_url or "/").path
    return f"http://{host}:{port}" + ("/" + path.lstrip("/")).rstrip("/") + "/"


def serve_site(config_file: Path, dev_addr: str, *, drafts: bool, check: Optional[Callable[[], bool]] = None) -> int:
    """Serve the site on dev_addr until Ctrl-C; ``drafts`` shows held-back content with a banner.
    ``check``, called once the address is shown: False if the sources have problems (it
    reports them), and the server does not start.

    Returns the exit status: 0 when stopped, 1 when the config, the check or the first build failed."""
    show_problems_only()
    preview = Preview()
    try:
        with preview.stops_on_interrupt():
            try:
                preview.address = serving_address(load_config(str(config_file), dev_addr=dev_addr))
            except MkDocsException as error:  # a bad mkdocs.yml or address
                print(f"dealsite serve: {error.format_message()}", file=sys.stderr)
                return 1
            shown = "drafts and embargoed content shown with a banner" if drafts else "the public site: no drafts or embargoed content"
            print(f"Serving on {preview.address} ({shown}); building...", flush=True)
            if check is not None and not check():
                return 1
            DealsitePlugin.drafts_requested = drafts  # this process only: previews never come from the environment
            DealsitePlugin.serve_hook = preview.serving
            # Dirty rebuilds: after an edit, only the pages whose HTML changed are rendered and
            # only the changed deals regenerated (plugin.py), so a preview of 1,000 deals updates
            # in seconds.
            serve(str(config_file), dev_addr=dev_addr, livereload=True, build_type="dirty")
    except KeyboardInterrupt:  # before the server started; MkDocs has removed its files
        pass
    except MkDocsException:  # the first build failed; MkDocs has logged why
        print("dealsite serve: the first build failed (see above); fix it and start dealsite serve again", file=sys.stderr)
        return 1
    except OSError as error:  # the address is taken, or not this machine's
        print(f"dealsite serve: cannot serve on {preview.address or dev_addr}: {error.strerror or error}", file=sys.stderr)
        return 1
    finally:
        DealsitePlugin.serve_hook = None
        DealsitePlugin.drafts_requested = False
        preview.collection.stop()
    print("stopped", flush=True)
    return 0


class Preview:
    """One run of ``dealsite serve``: says how long each build took and why one failed, and
    stops on Ctrl-C whatever it is doing."""

    def __init__(self) -> None:
        self.address = ""
        self.started = time.monotonic()
        self.owner = os.getpid()
        self.stopping = False
        self.stopped = threading.Event()
        self.repeater: Optional[threading.Thread] = None
        self.collection = IdleCollection()
        self.plugin = None  # the dealsite plugin MkDocs keeps across rebuilds
        self.early: Optional[EarlyLook] = None
        self.heard: set[str] = set()  # paths edited since the last rebuild started
        self.heard_lock = threading.Lock()
        self.failed = False  # the last rebuild failed

    # --- builds -------------------------------------------------------------------------------

    def serving(self, server, plugin=None):
        """The plugin's on_serve: the first build is done, the server is about to start."""
        print(f"ready in {time.monotonic() - self.started:.1f} s; rebuilding on every change (Ctrl-C to stop)", flush=True)
        url = getattr(server, "url", self.address)
        if url != self.address:
            print(f"Serving on {url}", flush=True)
        if callable(getattr(server, "builder", None)):  # what MkDocs' server calls on every change
            server.builder = self.rebuilder(server.builder)
            observer = getattr(server, "observer", None)
            if plugin is not None and isinstance(observer, EditsObserver) and server_as_expected(server):
                self.plugin, self.early = plugin, EarlyLook(server)
                observer.heard = self._heard
        return server

    def _heard(self, path: str) -> None:
        with self.heard_lock:
            self.heard.add(path)

    def show_early(self) -> bool:
        """Before a rebuild: if one deal file was edited, and nothing else, serve its pages now
        (early.py). Whether they are shown."""
        with self.heard_lock:
            paths, self.heard = self.heard, set()
        if self.early is None or self.plugin is None or self.failed:
            return False  # after a failed rebuild the next may fail too: its page would be taken back
        path = edited_deal_file(self.plugin.settings, paths)
        if path is None:
            return False
        started = time.monotonic()
        try:
            pages = self.plugin.edited_pages(path)
        except Exception as error:  # noqa: BLE001 - the rebuild that follows meets it and says what it is
            logging.getLogger("mkdocs.plugins.dealsite").debug(f"dealsite serve: no early look at {path.name}: {error!r}")
            return False
        if not pages:
            return False
        print(f"showing {path.name} after {time.monotonic() - started:.2f} s; rebuilding the rest", flush=True)
        self.early.show(pages, self.plugin.copied_as_they_are())  # last: once shown, the rebuild must end it
        return True

    def rebuilder(self, build: Callable[..., None]) -> Callable[..., None]:
        """MkDocs' rebuild, timed; a failed one is reported in a line and counts as done.

        MkDocs' server holds every page request from the start of a build until a build
        succeeds, so after a failed rebuild the preview would hang until the files are fixed.
        A failure in the deal files stops the build before it writes anything, so the site
        MkDocs then serves is the last good build."""

        def rebuild(*args, **kwargs) -> None:
            started = time.monotonic()
            self.collection.before_build()
            shown = built = False
            try:
                shown = self.show_early()
                build(*args, **kwargs)
                built = True
            except Exception as error:  # noqa: BLE001 - not KeyboardInterrupt: that stops the server
                print(rebuild_failed(error), file=sys.stderr, flush=True)
                return
            finally:
                self.failed = not built
                if shown and self.early.done(built) and built:
                    print("the rebuild changed the page shown early: reloading it", flush=True)
                self.collection.after_build()
            print(f"rebuilt in {time.monotonic() - started:.1f} s", flush=True)

        return rebuild

    # --- Ctrl-C -------------------------------------------------------------------------------

    @contextmanager
    def stops_on_interrupt(self) -> Iterator[None]:
        """Ctrl-C or SIGTERM stops the server whatever it is doing.

        Python turns Ctrl-C into KeyboardInterrupt in the main thread; MkDocs' server catches it,
        stops, and removes its temporary site. But a build runs code that swallows it:
        WeasyPrint catches every exception, KeyboardInterrupt too, while it draws each chart
        of the committee pack, so a Ctrl-C in a build could be lost, build after build. So once
        asked to stop, the interrupt is raised again every quarter second for as long as the
        main thread is inside a build, and never outside one (where it would cut MkDocs'
        clean-up short)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {signum: signal.signal(signum, self._interrupted) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            self.stopped.set()
            if self.repeater is not None:
                self.repeater.join()
            for signum, handler in previous.items():
                signal.signal(signum, handler)  # handles any interrupt still pending first, with ours

    def _interrupted(self, signum: int, frame) -> None:
        if os.getpid() != self.owner:
            # A forked worker not yet told to leave signals to its parent (runtime.worker_started).
            signal.signal(signum, signal.SIG_DFL if signum == signal.SIGTERM else signal.SIG_IGN)
            if signum == signal.SIGTERM:
                os.kill(os.getpid(), signum)
            return
        if self.stopping and not _in_build(frame):
            return  # on its way out: let MkDocs finish stopping the server and removing its files
        if not self.stopping:
            self.stopping = True
            # WeasyPrint logs each chart it failed to draw because of the interrupt.
            logging.getLogger("weasyprint").disabled = True
            self.repeater = threading.Thread(target=self._repeat, name="dealsite-stop", daemon=True)
            self.repeater.start()
        if in_finalizer(frame):
            # Python prints an exception raised in a __del__ (as "Exception ignored in ...", with
            # its traceback) and drops it: the garbage collector runs WeasyPrint's font clean-up
            # inside builds. The repeater raises it again a quarter second later, elsewhere.
            return
        raise KeyboardInterrupt

    def _repeat(self) -> None:
        while not self.stopped.wait(_REPEAT_SECONDS):
            _thread.interrupt_main(signal.SIGINT)  # runs _interrupted in the main thread


class IdleCollection:
    """Python's collector of reference cycles, kept out of preview rebuilds and run between them.

    A preview server keeps every deal's pages from one build to the next: millions of objects,
    which each full collection walks. At 1,000 deals a rebuild after one edit set off one or two
    full collections of 0.7-0.8 s each, a sixth of the rebuild (benchmarks/mechanisms.py). So a
    rebuild runs with the collector off, and the cycles it left (MkDocs' pages and navigation
    of the last build) are collected once the changed page has been served, while the editor
    reads it. A rebuild that starts first puts the collection off until it is done, but never
    for more than MOST_UNCOLLECTED rebuilds in a row: then the rebuild collects first."""

    def __init__(self, after: float = COLLECT_AFTER_SECONDS, most: int = MOST_UNCOLLECTED) -> None:
        self.after = after
        self.most = most
        self.lock = threading.Lock()
        self.builds = 0  # rebuilds started; a collection waits for the last one
        self.uncollected = 0  # rebuilds since the last collection
        self.timer: Optional[threading.Timer] = None

    def before_build(self) -> None:
        with self.lock:
            self.builds += 1
            gc.disable()
            if self.uncollected >= self.most:
                gc.collect()
                self.uncollected = 0
            self.uncollected += 1

    def after_build(self) -> None:
        if self.timer is not None:
            self.timer.cancel()  # for an earlier rebuild: this one's collection is the one wanted
        timer = threading.Timer(self.after, self._collect, (self.builds,))
        timer.daemon = True  # Ctrl-C does not wait for it
        self.timer = timer
        timer.start()

    def _collect(self, build: int) -> None:
        with self.lock:
            if build == self.builds:  # no rebuild since: the collection it would delay is this one
                gc.collect()
                self.uncollected = 0
                gc.enable()

    def stop(self) -> None:
        """The server has stopped: the collector runs as it does in any process."""
        if self.timer is not None:
            self.timer.cancel()
        with self.lock:
            self.builds += 1
            gc.enable()


_BUILD_CODE = getattr(mkdocs_build, "__code__", None)


def _in_build(frame) -> bool:
    """Whether the main thread, at ``frame``, is inside MkDocs' build (True if that cannot be told)."""
    if _BUILD_CODE is None:
        return True
    while frame is not None:
        if frame.f_code is _BUILD_CODE:
            return True
        frame = frame.f_back
    return False


def rebuild_failed(error: Exception) -> str:
    """One line on a failed rebuild. MkDocs has already logged what stopped it (the problems
    in the deal files, or the warnings strict mode counted) when it raised its own exception."""
    if isinstance(error, MkDocsException):
        cause = "see above"
    else:  # a fault in a template or a page generator
        where = f"{error.filename}:{error.lineno}: " if getattr(error, "filename", None) and getattr(error, "lineno", None) else ""
        first = (str(error).strip().splitlines() or [""])[0]  # Jinja adds a line naming the file again
        cause = f"{where}{type(error).__name__}: {first}"
    return f"rebuild failed ({cause}); still serving the last good build"
