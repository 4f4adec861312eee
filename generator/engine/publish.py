"""Publish a built site so that a failure never touches the live ``site/``.

The engine writes into a fresh staging directory beside ``site/``; only a build
that finished is swapped in. Bad deal files, an exception in a template or a Ctrl-C
(or SIGTERM) all leave the previous site byte-identical, and the staging
directory is removed. The swap is one atomic ``renameat2(RENAME_EXCHANGE)``
where the kernel and file system offer it, so no moment exists without a
``site/``. A build killed outright (SIGKILL) cannot clean up after itself: its
staging directory, named with its process id, is removed by the next build.

Nothing else is ever deleted. :func:`check_output_dir` refuses, before anything is created
or removed, an output folder that is, holds or sits inside a folder the build reads (the
deal files, ``content/``, the templates, the package, ``.git``, the project itself), and an
existing folder dealsite did not make: every site it builds holds the marker file
``.dealsite-site``, and only a folder holding it (or an empty one) is replaced. A staging
folder holds the marker from the moment it is made, so :func:`remove_abandoned` removes
only folders with dealsite's name that hold the marker or nothing at all.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
from pathlib import Path
from typing import Iterable


def umask_mode(path: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o777 & ~mask)


class BuildFailed(Exception):
    """The engine refused or failed the build (a strict warning, a plugin error): the site is unchanged."""


class RefusedOutputFolder(BuildFailed):
    """The output folder may not be built into: a source would be lost, or a folder dealsite did not make."""


MARKER = ".dealsite-site"
MARKER_TEXT = (
    "This folder is a site built by dealsite. `dealsite build` replaces the whole folder on every "
    "build (only a folder holding this file, or an empty one): keep nothing else in it.\n"
)
# dealsite's own package: never an output folder, wherever the project is.
PACKAGE = Path(__file__).resolve().parents[1]


def project_sources(
    config_file: Path, docs_dir: Path, *, deals_dir: str | Path = "deals", templates_dir: str | Path = "site_templates"
) -> list[Path]:
    """What a build of the project of ``config_file`` reads, or a project keeps beside it: the
    output folder may be none of these, hold none, and sit inside none. ``mkdocs.yml`` itself
    stands for the project's folder: a folder holding it is the project or one of its parents."""
    root = Path(config_file).parent
    return [
        Path(config_file),
        root / deals_dir,
        Path(docs_dir),
        root / templates_dir,
        root / "generator",
        root / "tests",
        root / ".git",
        PACKAGE,
    ]


def _shown(path: Path) -> str:
    """A path as the user knows it: relative to the working folder when inside it; a folder with a slash."""
    try:
        path = path.relative_to(Path.cwd())
    except (ValueError, OSError):  # outside it, or the working folder is gone
        pass
    text = str(path)
    return text if text.endswith(os.sep) or path.is_file() else text + os.sep


def _resolved(path: Path, then: str = "") -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError) as error:  # a symlink loop: RuntimeError in Python 3.11, OSError later
        raise RefusedOutputFolder(f"{_shown(Path(path))} cannot be resolved ({error}){then}") from None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _within(path: Path, folder: Path) -> bool:
    """path is folder or inside it: by name (resolved), or by the file system's identity of the
    folders on its way (a bind mount, a case-insensitive file system: Deals/ is deals/)."""
    if path == folder or folder in path.parents:
        return True
    folder_id = _identity(folder)
    return folder_id is not None and any(_identity(p) == folder_id for p in (path, *path.parents))


def _looks_like_a_site(folder: Path) -> bool:
    return all((folder / name).is_file() for name in ("index.html", "sitemap.xml", "search/search_index.json"))


def check_output_dir(output: Path, sources: Iterable[Path]) -> None:
    """Raise :class:`RefusedOutputFolder` unless a build may replace ``output`` with a new site.

    Paths are compared with symlinks resolved (and ``..`` taken away). ``output`` may not be
    the file system's root, the user's home or a folder above it; may not be, hold, or sit
    inside any of ``sources`` (folders, or files such as mkdocs.yml; see
    :func:`project_sources`); may not be a file; and, when it exists, must hold the marker
    file (a site dealsite made) or be empty. Touches nothing."""
    given = Path(output)
    out = _resolved(given, ": choose another output folder")
    shown = _shown(given)
    if out == Path(out.anchor):
        raise RefusedOutputFolder(f"{shown} is the file system's root: choose another output folder")
    try:
        home = Path.home().resolve()
    except (KeyError, RuntimeError, OSError):  # no home directory to speak of
        home = None
    if home is not None and _within(home, out):
        raise RefusedOutputFolder(f"{shown} {'is' if out == home else 'holds'} your home folder: choose another output folder")
    for source in sources:
        real = _resolved(source)
        if _within(out, real) and _within(real, out):
            what = "a source dealsite reads" if shown == _shown(real) else f"{_shown(real)}, which dealsite reads"
            raise RefusedOutputFolder(f"{shown} is {what}: choose another output folder")
        if _within(real, out):
            raise RefusedOutputFolder(f"{shown} holds {_shown(real)}, which dealsite reads: choose another output folder")
        if _within(out, real):
            raise RefusedOutputFolder(f"{shown} is inside {_shown(real)}, which dealsite reads: choose another output folder")
    if not os.path.lexists(out):
        return
    if not out.is_dir():
        raise RefusedOutputFolder(f"{shown} is a file, not a folder: choose another output folder")
    if ours(out):
        return
    hint = " (it looks like a site an earlier dealsite built: remove it once, then build again)" if _looks_like_a_site(out) else ""
    raise RefusedOutputFolder(f"{shown} was not made by dealsite (no {MARKER}): remove it yourself or choose another folder{hint}")


def ours(folder: Path) -> bool:
    """A folder a build may replace or remove: it holds the marker (a site or staging folder
    dealsite made), or nothing at all."""
    try:
        return (folder / MARKER).is_file() or not any(folder.iterdir())
    except OSError:  # unreadable: not ours to judge
        return False


def mark_site(folder: Path) -> None:
    """Write the marker that lets a later build replace ``folder`` (MkDocs' cleaning keeps dotfiles)."""
    (Path(folder) / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


_ABANDONED = re.compile(r"^\.dealsite-(?:build|old)-(\d+)-")


def remove_abandoned(parent: Path) -> None:
    """Staging directories left by builds that were killed: named by dealsite's pattern, their
    process gone, and dealsite's (see :func:`ours`). A folder of someone else's that happens to
    have such a name holds no marker, and stays; so does a symlink, wherever it points."""
    for path in parent.iterdir():
        match = _ABANDONED.match(path.name)
        if match and not path.is_symlink() and path.is_dir() and not _alive(int(match.group(1))) and ours(path):
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
    """Put staging at target; the previous target is removed only once the new one is in place,
    and only if it is still dealsite's (checked again: a build takes a while)."""
    if not os.path.lexists(target):
        staging.rename(target)
        return
    if target.is_symlink() or not target.is_dir() or not ours(target):
        raise RefusedOutputFolder(f"{_shown(target)} changed during the build and is no longer a site dealsite made: it was left as it is")
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
