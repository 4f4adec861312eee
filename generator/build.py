"""Build the site so that a failure never touches the live ``site/``.

MkDocs writes into a fresh directory beside ``site/``; only a build that
finished is swapped in. Bad deal files, an exception in a template or a Ctrl-C
(or SIGTERM) all leave the previous site byte-identical, and the staging
directory is removed. The swap is one atomic ``renameat2(RENAME_EXCHANGE)``
where the kernel and file system offer it, so no moment exists without a
``site/``. A build killed outright (SIGKILL) cannot clean up after itself: its
staging directory, named with its process id, is removed by the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from .plugin import PREVIEW_ENV


@contextmanager
def _preview_env(previews: bool):
    old = os.environ.get(PREVIEW_ENV)
    os.environ[PREVIEW_ENV] = "1" if previews else "0"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(PREVIEW_ENV, None)
        else:
            os.environ[PREVIEW_ENV] = old


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


def build_site(config_file: Path = Path("mkdocs.yml"), site_dir: Path | None = None, *, previews: bool = False) -> Path:
    """Build into a temporary directory, then swap it into place. Returns the site dir."""
    config_file = Path(config_file).resolve()
    with _preview_env(previews), _terminate_as_interrupt():
        config = load_config(str(config_file), strict=True)
        target = Path(site_dir or config.site_dir).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".dealsite-build-{os.getpid()}-", dir=target.parent))
        _umask_mode(staging)  # mkdtemp makes it private (0700); a site is for serving
        try:
            config.site_dir = str(staging)
            mkdocs_build(config)
            _swap(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


def _umask_mode(path: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o777 & ~mask)


_ABANDONED = re.compile(r"^\.dealsite-(?:build|old)-(\d+)-")


def _remove_abandoned(parent: Path) -> None:
    """Staging directories left by builds that were killed (their process is gone)."""
    for path in parent.iterdir():
        match = _ABANDONED.match(path.name)
        if match and path.is_dir() and not _alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _swap(staging: Path, target: Path) -> None:
    """Put staging at target; the previous target is removed only once the new one is in place."""
    if not target.exists():
        staging.rename(target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    old = target.with_name(staging.name.replace(".dealsite-build-", ".dealsite-old-", 1))
    target.rename(old)
    try:
        staging.rename(target)
    except BaseException:
        old.rename(target)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)


class _StderrHandler(logging.StreamHandler):
    """Writes to sys.stderr as it is when a record arrives, not as it was when the handler was
    made (the command may run many times in one process, e.g. in tests that capture stderr)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def quiet_logging(quiet: bool) -> None:
    """MkDocs logs through 'mkdocs'; show its warnings always, its progress unless quiet."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers or all(isinstance(h, _StderrHandler) for h in logger.handlers):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
