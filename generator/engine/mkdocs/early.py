"""``dealsite serve``'s early look: an edited deal's page served before the rebuild ends.

After an edit to one deal file, a preview rebuild of 1,000 deals takes seconds, most of them
spent on the pages across deals (the timetable, progress, downloads), while the page the
editor is looking at is one of the first things it could have. So before the rebuild starts,
the deal's own pages are made from the last build's context with only that deal changed
(pipeline.edited_deal_pages) and rendered by MkDocs in the theme with the last build's
navigation (:func:`render_page`). The server then tells browsers to reload and serves those
pages from memory, and the theme's stylesheets and scripts from the site; MkDocs goes on
holding every other request until the rebuild is done, so nothing half written is served.
When the rebuild is done, if it failed or wrote those pages differently (something else
changed too), browsers are told to reload once more.

MkDocs has no interface for any of this. It relies on:

- ``mkdocs.commands.build._populate_page`` and ``_build_page``, the two steps of a build that
  make one page (run here with the page's output in a folder of its own);
- the preview server's ``_visible_epoch``, ``_wanted_epoch`` and ``_epoch_cond`` (the version
  of the site served, the one being built, and the lock and condition over both),
  ``_inject_js_into_html`` (the reload script), and the reload script's poll
  (``/livereload/EPOCH/ID``, answered with the newest version once there is one newer);
- wsgiref's ``get_app``/``set_app``, to see requests first.

tests/test_early_look.py checks each; if the server is not as expected there is no early look.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
import threading
from pathlib import Path
from typing import Callable, Iterable, Optional

from mkdocs.commands import build as mkdocs_build


def render_page(page, config, files, nav, env) -> None:
    """Make one page as a build does, into ``page.file.abs_dest_path``: read and convert it,
    then render it in the theme, with every plugin's page events, as MkDocs 1.6's build does."""
    mkdocs_build._populate_page(page, config, files)
    doc_files = files.documentation_pages(inclusion=_in_serve())
    mkdocs_build._build_page(page, config, doc_files, nav, env)


def _in_serve():
    from mkdocs.structure.files import InclusionLevel

    return InclusionLevel.is_in_serve


_SERVER_PARTS = ("_visible_epoch", "_wanted_epoch", "_epoch_cond", "_inject_js_into_html", "get_app", "set_app", "root", "mount_path")


def server_as_expected(server) -> bool:
    """Whether MkDocs' preview server has what the early look uses."""
    return all(hasattr(server, name) for name in _SERVER_PARTS) and isinstance(getattr(server, "_epoch_cond", None), threading.Condition)


class EarlyLook:
    """Serves an edited deal's pages from memory while the rebuild that follows runs.

    MkDocs' server holds every page request from the start of a rebuild until it ends, and
    answers the browsers' reload script when a rebuild has ended. ``show`` (in the build
    thread, before the rebuild) answers the reload script at once, and serves these pages and
    the files the rebuild leaves as they are; every other request is still MkDocs' to hold.
    ``done`` (after the rebuild) stops serving them, and has browsers reload again if the
    rebuild failed or wrote the pages differently."""

    def __init__(self, server) -> None:
        self.server = server
        self.cond: threading.Condition = server._epoch_cond  # guards what follows, and MkDocs' epochs
        self.pages: Optional[dict[str, bytes]] = None  # path below the site's root -> HTML, while shown
        self.at_once: frozenset[str] = frozenset()
        self.shown = 0  # the epoch of the last early look: a browser that knows an older one reloads
        self.app: Callable = server.get_app()
        server.set_app(self.serve)

    def show(self, pages: dict[str, bytes], at_once: frozenset[str] = frozenset()) -> None:
        """``at_once``: files the rebuild leaves as they are (the theme's stylesheets and scripts),
        served without waiting, so that the browser can draw the page shown early."""
        if not pages:
            return
        with self.cond:
            self.pages, self.at_once = dict(pages), at_once
            self.shown = self.server._wanted_epoch  # the rebuild's: MkDocs raised it as the rebuild started
            self.cond.notify_all()  # the reload script's polls (answered here); page requests wait on

    def done(self, built: bool) -> bool:
        """The rebuild has ended (``built``: it succeeded). Returns whether browsers reload again."""
        with self.cond:
            pages, self.pages = self.pages, None
        if pages is None:
            return False
        again = not built or any(_read(Path(self.server.root) / path) != html for path, html in pages.items())
        if again:
            with self.cond:
                # After the builder returns MkDocs makes this the visible epoch: browsers reload.
                self.server._wanted_epoch = max(self.server._wanted_epoch, self.shown) + 1
        return again

    def serve(self, environ, start_response) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
        poll = _RELOAD_POLL.fullmatch(path)
        if poll:
            return self._poll(int(poll[1]), start_response)
        file = self._file(path)
        with self.cond:
            # A request made while the early look is being made would be held by MkDocs to the
            # end of the rebuild: it waits here for the early look instead (if none comes, for
            # the end of the rebuild, as with MkDocs).
            self.cond.wait_for(lambda: self.pages is not None or self.server._visible_epoch == self.server._wanted_epoch)
            pages, at_once = self.pages, self.at_once
        if pages is not None and file is not None:
            if file in pages:
                return self._send(pages[file], start_response)
            if file in at_once and (content := _read(Path(self.server.root) / file)) is not None:
                kind = mimetypes.guess_type(file)[0] or "application/octet-stream"
                start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(content)))])
                return [content]
        return self.app(environ, start_response)  # MkDocs holds a page request while a rebuild runs

    def _newest(self) -> int:
        return max(self.server._visible_epoch, self.shown)

    def _poll(self, epoch: int, start_response) -> Iterable[bytes]:
        """The reload script's poll, as MkDocs answers it, but counting the early look as a
        version of the site: answered once there is a newer one, or after a minute anyway."""
        start_response("200 OK", [("Content-Type", "text/plain")])
        with self.cond:
            self.cond.wait_for(lambda: self._newest() > epoch, timeout=getattr(self.server, "poll_response_timeout", 60))
            return [b"%d" % self._newest()]

    def _file(self, path: str) -> Optional[str]:
        """The file below the site's root that MkDocs' server reads for a request's path; None
        outside the site (MkDocs reads no file for those)."""
        mount = self.server.mount_path
        if not (path + "/").startswith(mount):
            return None
        rel = path[len(mount):]
        if path.endswith("/"):
            rel += "index.html"
        return posixpath.normpath("/" + rel).lstrip("/")

    def _send(self, html: bytes, start_response) -> Iterable[bytes]:
        with self.cond:
            epoch = self.shown  # the page's reload script waits for a version newer than this one
        content = self.server._inject_js_into_html(html, epoch)
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(content)))])
        return [content]


# The reload script's poll, as MkDocs 1.6's server reads it (any other /livereload/ path it
# serves as a file of the site, held like any other).
_RELOAD_POLL = re.compile(r"/livereload/([0-9]+)/[0-9]+")


def _read(path: Path) -> Optional[bytes]:
    try:
        return path.read_bytes()
    except OSError:
        return None
