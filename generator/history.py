"""When each deal's data last changed: from git history, else the file's time.

One ``git log`` call reads the history of the whole deals directory; the first
time a file appears in it (newest first) is its last commit. A file git does
not track, or one with uncommitted changes, uses its modification time. With
``SOURCE_DATE_EPOCH`` set, no time is later than it, so two builds of the same
input agree however the files were checked out.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Iterable

_MARK = "\x1e"  # starts each commit's line in the log: cannot occur in a file name git prints


def _git(directory: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def git_times(directory: Path) -> dict[str, dt.datetime]:
    """File name (relative to directory) -> committer time of the last commit touching it,
    for files committed and unchanged since; {} when directory is not in a git repository."""
    log = _git(directory, "log", f"--format={_MARK}%cI", "--name-only", "--relative", "--no-renames", "--", ".")
    if log is None:
        return {}
    times: dict[str, dt.datetime] = {}
    when = None
    for line in log.split("\n"):  # not splitlines(): it splits on the \x1e mark too
        if line.startswith(_MARK):
            when = dt.datetime.fromisoformat(line[1:])
        elif line and when is not None:
            times.setdefault(line, when)
    # Uncommitted edits are newer than any commit: the file's own time tells those.
    status = _git(directory, "status", "--porcelain", "--no-renames", "--untracked-files=no", "--", ".")
    top = _git(directory, "rev-parse", "--show-prefix")
    prefix = (top or "").strip()
    for line in (status or "").splitlines():
        path = line[3:]
        if path.startswith(prefix):
            times.pop(path[len(prefix) :], None)
    return times


def last_changed(files: Iterable[Path], *, clamp: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """Deal slug (file stem) -> when its file last changed, in UTC, clamped to ``clamp``."""
    files = [Path(f) for f in files]
    by_dir: dict[Path, dict[str, dt.datetime]] = {}
    result = {}
    for path in files:
        directory = path.parent
        if directory not in by_dir:
            by_dir[directory] = git_times(directory)
        when = by_dir[directory].get(path.name)
        if when is None:
            when = dt.datetime.fromtimestamp(int(os.stat(path).st_mtime), tz=dt.timezone.utc)
        when = when.astimezone(dt.timezone.utc)
        if clamp is not None and when > clamp:
            when = clamp
        result[path.stem] = when
    return result


def source_date_epoch() -> dt.datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc) if epoch else None
