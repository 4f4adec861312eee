"""How ``dealsite serve`` hears about edits: the platform's file notifications, for edits only.

MkDocs' preview server polls the folders it watches every half second. Each poll reads the
status of every file (4,000 at the benchmark's scale), for as long as the server runs, and an
edit waits up to half a second to be noticed. The platform's notifications (inotify on
Linux, FSEvents on macOS) cost nothing while idle and arrive at once. But, asked for
everything, they also report reads: opened, accessed, closed without writing. A build reads
every source file, so a server told of reads rebuilds after every build, for ever.

So the observer here asks the platform only for what changes a file: created, deleted,
modified, moved, closed after writing, attributes changed (a ``touch``). If the
notifications cannot start (on Linux, when the limit on inotify watches is reached), it polls
as MkDocs does.

MkDocs 1.6 keeps the paths it watches only in a private attribute (``_watched_paths``) and
its observer in an undocumented one (``observer``). tests/test_engine_mkdocs.py checks both;
if either is not as expected, the server is left polling.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Callable, Optional

log = logging.getLogger("mkdocs.plugins.dealsite")

# The watchdog events that mean a file changed. Watchdog narrows what it asks the platform for
# to these (inotify's event mask), so reads are never even reported. By name, because some
# are newer than others (FileAttribEvent: watchdog 6): those missing are left out.
EDIT_EVENTS = (
    "FileCreatedEvent",
    "FileDeletedEvent",
    "FileModifiedEvent",
    "FileMovedEvent",
    "FileClosedEvent",  # closed after writing (never "closed without writing")
    "FileAttribEvent",
)

POLL_SECONDS = 0.5  # as MkDocs' own observer, when notifications are not available


def edit_events() -> list[type]:
    import watchdog.events

    return [cls for name in EDIT_EVENTS if (cls := getattr(watchdog.events, name, None)) is not None]


class EditsObserver:
    """What MkDocs' server uses of its observer (``schedule``, ``unschedule``, ``start``,
    ``stop``, ``join``), on the platform's notifications of edits, or on polling if those
    cannot start.

    ``native`` and ``polling`` make a watchdog observer each; ``native`` is called once, at
    once, ``polling`` only if the native observer cannot start."""

    def __init__(self, native: Callable[[], Any], polling: Callable[[], Any]):
        self.heard: Optional[Callable[[str], None]] = None  # told each path an edit names, before MkDocs is
        self._observer = native()
        self._polling = polling
        self._native = True
        self._lock = threading.Lock()
        self._watches: dict[object, tuple[Any, str, bool, Any]] = {}  # ours -> (handler, path, recursive, the observer's)

    @property
    def native(self) -> bool:
        """True while the platform's notifications are in use."""
        return self._native

    def _schedule(self, handler, path: str, recursive: bool):
        handler = _Telling(handler, self)
        if self._native:
            return self._observer.schedule(handler, path, recursive=recursive, event_filter=edit_events())
        return self._observer.schedule(handler, path, recursive=recursive)

    def schedule(self, handler, path, *, recursive: bool = False, **ignored):
        with self._lock:
            token = object()
            self._watches[token] = (handler, path, recursive, self._schedule(handler, path, recursive))
            return token

    def unschedule(self, token) -> None:
        with self._lock:
            self._observer.unschedule(self._watches.pop(token)[3])

    def start(self) -> None:
        with self._lock:
            try:
                self._observer.start()
                return
            except OSError as error:  # e.g. inotify: "inotify watch limit reached"
                reason = str(error)
                failed, self._observer, self._native = self._observer, self._polling(), False
            try:
                failed.stop()  # the emitters it did start
            except Exception:  # noqa: BLE001 - it failed already; polling takes over whatever state it is in
                pass
            log.warning(f"dealsite serve: file notifications unavailable ({reason}); polling for changes instead")
            for token, (handler, path, recursive, _) in list(self._watches.items()):
                self._watches[token] = (handler, path, recursive, self._schedule(handler, path, recursive))
            self._observer.start()

    def stop(self) -> None:
        self._observer.stop()

    def join(self, timeout: Optional[float] = None) -> None:
        self._observer.join(timeout)

    def is_alive(self) -> bool:
        return self._observer.is_alive()


class _Telling:
    """A watchdog handler that tells the observer's ``heard`` the paths an event names (both,
    for a move), then hands the event on."""

    def __init__(self, handler, observer: EditsObserver) -> None:
        self.handler = handler
        self.observer = observer

    def dispatch(self, event) -> None:
        heard = self.observer.heard
        if heard is not None:
            for path in (event.src_path, getattr(event, "dest_path", "")):
                if path:
                    heard(os.fsdecode(path))
        self.handler.dispatch(event)


def platform_observer() -> Optional[EditsObserver]:
    """An observer of edits on this platform's notifications; None where watchdog has none
    (it would poll anyway) or cannot narrow what it reports to edits."""
    import inspect

    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if issubclass(Observer, PollingObserver) or "event_filter" not in inspect.signature(Observer.schedule).parameters:
        return None
    return EditsObserver(Observer, lambda: PollingObserver(timeout=POLL_SECONDS))


def hear_edits(server, make: Callable[[], Optional[EditsObserver]] = platform_observer) -> bool:
    """Give MkDocs' preview server (before it starts) an observer of edits in place of its
    polling one, moving across what it already watches. Returns False, leaving the server
    polling, if the server, watchdog or the platform is not as expected."""
    watched = getattr(server, "_watched_paths", None)  # MkDocs 1.6: {absolute path: times watched}
    current = getattr(server, "observer", None)
    if not (
        isinstance(watched, dict)
        and all(isinstance(path, str) and isinstance(count, int) and count > 0 for path, count in watched.items())
        and callable(getattr(server, "watch", None))
        and callable(getattr(server, "unwatch", None))
        and callable(getattr(current, "is_alive", None))
        and not current.is_alive()
    ):
        log.debug("dealsite serve: this MkDocs' server is not as expected; it keeps polling for changes")
        return False
    try:
        observer = make()
    except (ImportError, OSError) as error:  # no watchdog observer, or no inotify instance left
        log.debug(f"dealsite serve: file notifications unavailable ({error}); polling for changes")
        return False
    if observer is None:
        return False
    watched = dict(watched)
    for path, count in watched.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = observer
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)
    return True
