"""Publish a built site so that a failure never touches the live ``site/``.

The engine writes into a fresh staging directory beside ``site/``; only a build
that finished is swapped in. Bad deal files, an exception in a template or a Ctrl-C
(or SIGTERM) all leave the previous site byte-identical, and the staging
directory is removed. The swap is one atomic ``renameat2(RENAME_EXCHANGE)``
where the kernel and file system offer it, so no moment exists without a
``site/``. A build killed outright (SIGKILL) cannot clean up after itself: its
staging directory, named with its process id, is removed by the next build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
from pathlib import Path


def umask_mode(path: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o777 & ~mask)


class BuildFailed(Exception):
    """The engine refused or failed the build (a strict warning, a plugin error): the site is unchanged."""


_ABANDONED = re.compile(r"^\.dealsite-(?:build|old)-(\d+)-")


def remove_abandoned(parent: Path) -> None:
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


def swap(staging: Path, target: Path) -> None:
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
