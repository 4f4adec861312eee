"""``deals/`` in git: the folder as it was at a revision, and when each file last changed.

Each version is read with ``git ls-tree`` and ``git cat-file`` and checked by the same
strict reader, model and cross-checks as ``dealsite check``, so history compares
validated deals, never raw YAML. Parsed files are kept by git blob id, so walking 50
commits parses each version of a file once.

When each deal's data last changed comes from one ``git log`` call over the folder: the
first time a file appears in it (newest first) is its last commit. A file git does not
track, or one with uncommitted changes, uses its modification time.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

from .catalogue import Catalogue
from .deal import Deal
from .files import LINK, NOT_A_FILE
from .digest import Bounded, Digested, digest, stamped
from .assemble import SHARED, assemble
from .load import deal_digest, is_deal_name, name_problem
from .problems import Problem, field_path, line_of, validate
from .yaml import MAX_BYTES, Document, YamlError, parse, too_big


class GitError(Exception):
    pass


# --- reading deals/ at a revision -------------------------------------------------------


def _git(cwd: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, check=False)
    except FileNotFoundError as error:  # git not installed
        raise GitError("git is not installed") from error
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return done.stdout


def repository(deals_dir: Path) -> tuple[Path, str]:
    """(repository root, deals/ path inside it, with a trailing slash). Raises GitError outside git."""
    deals_dir = Path(deals_dir).resolve()
    if not deals_dir.is_dir():
        raise GitError(f"{deals_dir} is not a directory")
    root = Path(_git(deals_dir, "rev-parse", "--show-toplevel").decode().strip())
    prefix = _git(deals_dir, "rev-parse", "--show-prefix").decode().strip()
    return root, prefix


# Files without problems by (name, git blob id): a blob id is a digest of the bytes, so this is keyed by
# content (model/digest.py). A preview reads history again on every rebuild; with this, it parses
# only the file versions it has not seen.
_VALID = Bounded(20_000)  # file versions

# deals/ at a commit, by (commit id, folder): a commit id is a digest of the whole tree, so this
# too is keyed by content. A preview reads the same commits on every rebuild; with this, only
# a new commit is listed and put together (at 1,000 deals, 2.1 s of each rebuild).
_CATALOGUES = Bounded(200)


_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class Reader:
    """Loads deals/ at revisions of one repository, caching each file version by blob id.

    ``known``: deals already read and checked from the working tree. A file version with the
    same name and bytes as one of them is that deal (the digest of name and bytes is the
    cache key of the one cache policy, model/digest.py), so it is not parsed again: at 300
    deals with 25 revisions, 300 of the 368 file versions history reads.
    """

    def __init__(self, deals_dir: Path, known: Iterable[Deal] = ()):
        self.root, self.prefix = repository(deals_dir)
        self._parsed: dict[tuple[str, str], tuple] = {}
        self._known = {deal.digest: deal for deal in known}

    def tree(self, rev: str) -> dict[str, str]:
        """File name -> blob id of deals/ at rev (one level, as ``dealsite check`` reads it).

        What ``dealsite check`` would refuse without reading it gets an id of its own instead
        of a blob's, and is never read from git: ``link:`` and the blob for a symbolic link,
        ``tree:`` for a directory with a deal file's name, ``big:`` for a file over MAX_BYTES.
        """
        out = _git(self.root, "ls-tree", "-z", "--long", rev, "--", self.prefix or ".")
        files = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, kind, blob, size = meta.decode().split()
            name = PurePosixPath(path.decode("utf-8", "surrogateescape")).name
            if PurePosixPath(path.decode("utf-8", "surrogateescape")).parent != PurePosixPath(self.prefix or "."):
                continue
            if kind == "blob" and mode == "120000":
                files[name] = "link:" + blob
            elif kind == "blob":
                files[name] = f"big:{size}:{blob}" if int(size) > MAX_BYTES else blob
            elif name in SHARED or is_deal_name(name):
                files[name] = "tree:" + blob
        return files

    def commits(self, limit: int) -> list[tuple[str, dt.datetime]]:
        """The last ``limit`` commits touching deals/, newest first, with their committer dates."""
        log = _git(self.root, "log", f"--max-count={limit}", "--format=%H %cI", "--", self.prefix or ".")
        found = []
        for entry in log.decode().splitlines():
            commit, date = entry.split(" ", 1)
            found.append((commit, dt.datetime.fromisoformat(date)))
        return found

    def blobs(self, ids: list[str]) -> dict[str, bytes]:
        wanted = [i for i in dict.fromkeys(ids)]
        if not wanted:
            return {}
        out = _git(self.root, "cat-file", "--batch", input=("\n".join(wanted) + "\n").encode())
        result, pos = {}, 0
        for blob in wanted:
            header_end = out.index(b"\n", pos)
            sha, kind, size = out[pos:header_end].decode().split()
            size = int(size)
            result[blob] = out[header_end + 1 : header_end + 1 + size]
            pos = header_end + 1 + size + 1
        return result

    def catalogue(self, rev: str) -> Catalogue:
        """deals/ at rev as a validated Catalogue. Raises InvalidDeals or GitError.

        ``rev`` is a commit id (as :meth:`commits` gives): a name such as HEAD is not cached."""
        key = (rev, self.prefix)
        found = _CATALOGUES.get(key) if _COMMIT_ID.fullmatch(rev) else None
        if found is None:
            found = self._catalogue(rev)
            if _COMMIT_ID.fullmatch(rev):
                _CATALOGUES.keep(key, found)
        return found

    def _catalogue(self, rev: str) -> Catalogue:
        tree = self.tree(rev)
        label = f"{rev}:{self.prefix}"
        for name, blob in tree.items():  # read by an earlier Reader of this process (a preview's last build)
            if (name, blob) not in self._parsed and (name, blob) in _VALID:
                self._parsed[(name, blob)] = _VALID[(name, blob)]
        missing = [n for n in tree if (n, tree[n]) not in self._parsed]
        raw = self.blobs([tree[n] for n in missing if ":" not in tree[n]])
        for name in missing:
            blob = tree[name]
            if ":" in blob:
                kind, detail = blob.split(":")[:2]
                message = LINK if kind == "link" else NOT_A_FILE[stat.S_IFDIR] if kind == "tree" else too_big(int(detail))
                found = (None, None, [Problem(label + name, 1, "", message)] if name in SHARED or is_deal_name(name) else [])
            else:
                found = self._known_deal(label + name, name, raw[blob]) or _parse_file(label + name, name, raw[blob])
            self._parsed[(name, blob)] = found
            if not found[2]:  # a problem names its revision: kept by this Reader only
                _VALID.keep((name, blob), found)
        return _assemble(label, {name: self._parsed[(name, blob)] for name, blob in tree.items()})


    def _known_deal(self, file: str, name: str, raw: bytes) -> Optional[tuple]:
        """(deal, its document read when a line is asked for, no problems) for bytes read before."""
        if not self._known or name in SHARED or not is_deal_name(name) or name_problem(name):
            return None
        deal = self._known.get(deal_digest(name[: -len(".yaml")], raw))
        return (deal, _DocumentOfBytes(raw), []) if deal is not None else None


class _DocumentOfBytes(Document):
    """A valid file's document, parsed only if a cross-file problem asks for a line."""

    def __init__(self, raw: bytes):  # noqa: D107 - not the dataclass's fields: all come from the bytes
        self._raw = raw
        self._doc: Optional[Document] = None

    def _parsed(self) -> Document:
        if self._doc is None:
            self._doc = parse(self._raw)
        return self._doc

    data = property(lambda self: self._parsed().data)  # type: ignore[assignment]
    lines = property(lambda self: self._parsed().lines)  # type: ignore[assignment]
    source = property(lambda self: self._parsed().source)  # type: ignore[assignment]


def _parse_file(file: str, name: str, raw: bytes) -> tuple:
    """(model or None, Document or None, problems) for one file's bytes, as load.py checks it."""
    is_shared = name in SHARED
    if not is_shared and not is_deal_name(name):
        return None, None, []  # not a deal file (the schema, a README, an editor's file)
    if not is_shared:
        problem = name_problem(name)
        if problem:
            return None, None, [Problem(file, 1, "", problem)]
        slug = name[: -len(".yaml")]
    try:
        doc = parse(raw)
    except YamlError as error:
        return None, None, [Problem(file, error.line, field_path(error.path), error.message)]
    if is_shared:
        model, problems = validate(SHARED[name], doc.data, doc, file)
        if isinstance(model, Digested):  # as load.py digests it
            stamped(model, digest(name, raw))
        return model, doc, problems
    if not isinstance(doc.data, dict):
        return None, doc, [Problem(file, 1, "", "expected a mapping of fields starting with title:")]
    if "slug" in doc.data:
        return None, doc, [Problem(file, line_of(doc, ("slug",)), "slug", "comes from the file name (remove this field)")]
    model, problems = validate(Deal, {"slug": slug, **doc.data}, doc, file)
    if model is not None:  # the same digest as the same bytes in deals/ (load.py)
        stamped(model, deal_digest(slug, raw))
    return model, doc, problems


def _assemble(label: str, parsed: dict[str, tuple]) -> Catalogue:
    problems: list[Problem] = [p for _, _, found in parsed.values() for p in found]
    shared = {name: (parsed[name][0], parsed[name][1], label + name) if name in parsed else (None, None, label + name) for name in SHARED}
    deals = [(m, doc, label + name) for name, (m, doc, _) in sorted(parsed.items()) if isinstance(m, Deal)]
    return assemble(shared, deals, problems)


# --- when each file last changed ----------------------------------------------------------

def _text_git(directory: Path, *args: str) -> str | None:
    """git's output as text, or None when it fails (not a repository, git missing)."""
    try:
        return _git(directory, *args).decode("utf-8")
    except GitError:
        return None


_MARK = "\x1e"  # starts each commit's line in the log: cannot occur in a file name git prints


def git_times(directory: Path) -> dict[str, dt.datetime]:
    """File name (relative to directory) -> committer time of the last commit touching it,
    for files committed and unchanged since; {} when directory is not in a git repository."""
    log = _text_git(directory, "log", f"--format={_MARK}%cI", "--name-only", "--relative", "--no-renames", "--", ".")
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
    status = _text_git(directory, "status", "--porcelain", "--no-renames", "--untracked-files=no", "--", ".")
    top = _text_git(directory, "rev-parse", "--show-prefix")
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
