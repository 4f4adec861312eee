"""``dealsite build`` with MkDocs: build into staging, then swap it into place."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ...runtime import in_finalizer
from ..publish import (
    BuildFailed,
    check_output_dir,
    mark_site,
    project_sources,
    remove_abandoned,
    swap,
    umask_mode,
)
from . import ENGINE
from .config import settings_from


# How soon an interrupt that arrived inside a finalizer is raised again, outside it.
_AGAIN_SECONDS = 0.1


@contextmanager
def _terminate_as_interrupt():
    """Ctrl-C or SIGTERM (a CI job cancelled, a container stopped) stops the build as
    KeyboardInterrupt, so it cleans up like Ctrl-C.

    Raised inside a ``__del__`` (the garbage collector runs WeasyPrint's font clean-up during
    builds), Python would print the interrupt and drop it, and the build would go on: there
    the signal is sent to the main thread again a moment later instead, a real signal so that
    it also wakes a wait on forked workers. One still owed when the build is over is dropped:
    the build finished. A SIGINT ignored when the build started (a background job) stays so."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    main, owed = threading.main_thread().ident, []

    def interrupt(signum: int, frame) -> None:
        if in_finalizer(frame):
            again = threading.Timer(_AGAIN_SECONDS, signal.pthread_kill, (main, signum))
            again.daemon = True
            owed.append(again)
            again.start()
            return
        raise KeyboardInterrupt(f"signal {signum}")

    wanted = [signum for signum in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(signum) is not signal.SIG_IGN]
    previous = {signum: signal.signal(signum, interrupt) for signum in wanted}
    try:
        yield
    finally:
        for again in owed:
            again.cancel()
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)  # None: set outside Python


def build_site(config_file: Path = Path("mkdocs.yml"), site_dir: Path | None = None) -> Path:
    """Build into a temporary directory, then swap it into place. Returns the site dir.

    A build is always the public site: previews exist only under ``dealsite serve --drafts``."""
    config_file = Path(config_file).resolve()
    with _terminate_as_interrupt():
        config = load_config(str(config_file), strict=True)
        given = Path(site_dir or config.site_dir)
        # Before anything is made or removed: never a source, never a folder dealsite did not make.
        settings = settings_from(config)
        check_output_dir(given, project_sources(config_file, settings.content_dir, deals_dir=settings.deals_dir, templates_dir=settings.templates_dir))
        target = given.resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".dealsite-build-{os.getpid()}-", dir=target.parent))
        umask_mode(staging)  # mkdtemp makes it private (0700); a site is for serving
        try:
            mark_site(staging)  # from the start, so a killed build's staging is known as ours (MkDocs keeps dotfiles)
            config.site_dir = str(staging)
            # As `mkdocs build` does: a plugin kept from an earlier run in this process (MkDocs
            # keeps those that define on_startup) must learn that this run is a build.
            config.plugins.on_startup(command="build", dirty=False)
            try:
                mkdocs_build(config)
            except MkDocsException as error:
                raise BuildFailed(str(error)) from None
            finally:
                config.plugins.on_shutdown()
            swap(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


class _StderrHandler(logging.StreamHandler):
    """Writes to sys.stderr as it is when a record arrives, not as it was when the handler was
    made (the command may run many times in one process, e.g. in tests that capture stderr)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def quiet_logging(quiet: bool, name: str = ENGINE) -> None:
    """The engine logs through 'mkdocs' (ProperDocs: 'properdocs', our 'mkdocs.*' loggers beneath
    it); show its warnings always, its progress unless quiet."""
    logger = logging.getLogger(name)
    if not logger.handlers or all(isinstance(h, _StderrHandler) for h in logger.handlers):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
