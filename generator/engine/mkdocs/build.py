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

from ..publish import BuildFailed, remove_abandoned, swap, umask_mode


@contextmanager
def _terminate_as_interrupt():
    """SIGTERM (a CI job cancelled, a container stopped) cleans up like Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_site(config_file: Path = Path("mkdocs.yml"), site_dir: Path | None = None) -> Path:
    """Build into a temporary directory, then swap it into place. Returns the site dir.

    A build is always the public site: previews exist only under ``dealsite serve --drafts``."""
    config_file = Path(config_file).resolve()
    with _terminate_as_interrupt():
        config = load_config(str(config_file), strict=True)
        target = Path(site_dir or config.site_dir).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".dealsite-build-{os.getpid()}-", dir=target.parent))
        umask_mode(staging)  # mkdtemp makes it private (0700); a site is for serving
        try:
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


def quiet_logging(quiet: bool, name: str = "mkdocs") -> None:
    """MkDocs logs through 'mkdocs' (ProperDocs through 'properdocs'); show its warnings always,
    its progress unless quiet."""
    logger = logging.getLogger(name)
    if not logger.handlers or all(isinstance(h, _StderrHandler) for h in logger.handlers):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
