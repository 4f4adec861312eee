"""``dealsite serve``'s early look: an edited deal's page served before the rebuild ends.

After an edit to one deal file, a preview rebuild of 1,000 deals takes seconds, most of them
spent on the pages across deals (the timetable, progress, downloads), while the page the
editor is looking at is one of the first things it could have. So before the rebuild starts,
the deal's own pages are made from the last build's context with only that deal changed
(pipeline.edited_deal_pages) and rendered by MkDocs in the theme with the last build's
navigation (:func:`render_page`). The server then tells browsers to reload and serves those
pages from memory, and holds every other page until the rebuild is done, so nothing half
written is served. When the rebuild is done, if it failed or wrote those pages differently
(something else changed too), browsers are told to reload once more.

MkDocs has no interface for any of this. It relies on:

- ``mkdocs.commands.build._populate_page`` and ``_build_page``, the two steps of a build that
  make one page (run here with the page's output in a folder of its own);
- the preview server's ``_visible_epoch``, ``_wanted_epoch`` and ``_epoch_cond`` (what the
  browsers' reload script waits for) and ``_inject_js_into_html`` (that script);
- wsgiref's ``get_app``/``set_app``, to see requests first.

tests/test_engine_mkdocs.py checks each; if the server is not as expected there is no early look.
"""

from __future__ import annotations

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

    ``show`` (in the build thread, before the rebuild): serve these pages, and tell browsers to
    reload; every other page waits. ``done`` (after the rebuild): serve from site_dir again, and
    tell browsers to reload again if the rebuild failed or wrote the pages differently."""

    def __init__(self, server) -> None:
        self.server = server
        self.pages: Optional[dict[str, bytes]] = None  # path below the site's root -> HTML, while shown
        self.at_once: frozenset[str] = frozenset()
        self.lock = threading.Condition()
        self.app: Callable = server.get_app()
        server.set_app(self.serve)

    def show(self, pages: dict[str, bytes], at_once: frozenset[str] = frozenset()) -> None:
        """``at_once``: files the rebuild leaves as they are (the theme's stylesheets and scripts),
        served without waiting, so that the browser can draw the page shown early."""
        if not pages:
            return
        with self.lock:
            self.pages, self.at_once = dict(pages), at_once
        server = self.server
        with server._epoch_cond:  # the browsers' reload script asks for this; a rebuild has raised _wanted_epoch
            server._visible_epoch = server._wanted_epoch
            server._epoch_cond.notify_all()

    def done(self, built: bool) -> bool:
        """The rebuild has ended (``built``: it succeeded). Returns whether browsers reload again."""
        with self.lock:
            pages, self.pages = self.pages, None
            self.lock.notify_all()
        if pages is None:
            return False
        again = not built or any(_read(Path(self.server.root) / path) != html for path, html in pages.items())
        if again:
            server = self.server
            with server._epoch_cond:
                # After the builder returns MkDocs makes this the visible epoch: browsers reload.
                server._wanted_epoch = max(server._wanted_epoch, server._visible_epoch) + 1
        return again

    def serve(self, environ, start_response) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
        if _RELOAD_POLL.fullmatch(path):  # the browsers' reload script: MkDocs answers it, never from a file
            return self.app(environ, start_response)
        file = self._file(path)
        with self.lock:
            if self.pages is not None and file is not None:
                html = self.pages.get(file)
                if html is not None:
                    return self._send(html, start_response)
                if file not in self.at_once:
                    self.lock.wait_for(lambda: self.pages is None)
        return self.app(environ, start_response)

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
        server = self.server
        with server._epoch_cond:
            epoch = server._visible_epoch
        content = server._inject_js_into_html(html, epoch)
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(content)))])
        return [content]


# What MkDocs 1.6's server answers as a poll of the reload script (any other /livereload/ path
# it serves as a file of the site).
_RELOAD_POLL = re.compile(r"/livereload/[0-9]+/[0-9]+")


def _read(path: Path) -> Optional[bytes]:
    try:
        return path.read_bytes()
    except OSError:
        return None
