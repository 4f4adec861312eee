"""Every file under content/ accounted for, before anything is built.

content/ is MkDocs' docs_dir, and MkDocs publishes all of it but hidden names: a Markdown
page is rendered, and any other file is copied into the site as it is, byte for byte,
checked by nobody. So a draft update saved where dealsite does not look for updates (a
subfolder of updates/, another extension, an editor's backup copy, a dated page outside
updates/) would go out as it is, draft or not; an HTML or SVG file could carry script; and a
symbolic link would publish whatever file of the build machine it points to.

:func:`read_content` sorts every file into what the site may publish, each with a reason
when it may not:

* Markdown pages, ``*.md`` (the extension in lower case): hand-written pages that MkDocs
  renders (and the plugin sanitises). Their front matter may set only the fields of
  ``PAGE_FIELDS``; a page with an update's fields is an update in the wrong place.
* updates: ``content/updates/YYYY-MM-DD-slug.md``, directly in that folder (``updates.py``
  checks them; ``updates/index.md`` is the list page, a Markdown page).
* static files with an extension of ``ASSETS``, copied as they are.

Refused, naming the file and why: symbolic links (files or folders, anywhere), anything that
is not a regular file or folder, editors' backups, Markdown under another extension
(MkDocs renders ``.markdown``, ``.mdown``, ``.mkdn`` and ``.mkd`` too, and copies ``.MD`` as
it is), dated or update-like pages outside updates/, anything in a subfolder of updates/,
SVG images, and unknown extensions.

Left out, as MkDocs leaves them out: hidden names (``.git``, ``.DS_Store``), the root
``templates/`` folder, and whatever mkdocs.yml's ``exclude_docs`` and ``draft_docs`` name
(a preview shows draft_docs). MkDocs matches these gitignore-style lines against each file's
path and publishes nothing they match, so neither does dealsite: such a file is not checked,
not counted as a page, and an update among them is not published. Read for a preview
(``show_drafts``), the files draft_docs names are checked and published like the others.
Either way they are named in ``Content.drafts``, so the publication gate can mark an update
among them as a draft, and a link to one can say why it is broken. A later ``!`` line of
exclude_docs brings a file back, and it is then checked like any other. Symbolic links are refused even where
left out (MkDocs walks into them).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from pathspec import GitIgnoreSpec

from .frontmatter import multimarkdown_keys, page_data, split_front_matter
from .problems import Problem, line_of
from .limits import WINDOWS_DEVICES, suspect, visible
from .updates import INDEX, UPDATES_DIR
from .yaml import YamlError, parse

# Static files the site publishes as they are: styles and scripts of the site's own, images,
# fonts, and downloads. Not SVG: an SVG file can carry script, which runs on the site's own
# address when the file is opened, and no sanitiser reads static files (use PNG or WebP).
ASSETS = ("css", "js", "png", "jpg", "jpeg", "gif", "webp", "ico", "woff2", "pdf", "csv", "txt", "yml", "yaml")
# What MkDocs reads as Markdown (mkdocs.utils.markdown_extensions); we check only ".md".
MARKDOWN = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
BACKUPS = (".bak", ".orig", ".swp", ".tmp")
# What a hand-written page's front matter may set. Material prints some other fields as HTML
# (author, subtitle) and takes the template and its data from others (template, location).
PAGE_FIELDS = ("title", "description", "search", "hide")
# Fields only an update has: a page with them is an update saved outside content/updates/.
UPDATE_FIELDS = ("date", "deals", "summary", "draft", "publish_after")
DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-")

SAFE = ", ".join(f".{e}" for e in ASSETS)
COPIED = "MkDocs would copy it into the site as it is, unchecked"


@dataclass(frozen=True)
class Content:
    """What content/ publishes, each by its path relative to content/ (MkDocs' src_uri)."""

    pages: frozenset[str] = field(default_factory=frozenset)  # Markdown pages MkDocs renders (updates/index.md included)
    updates: frozenset[str] = field(default_factory=frozenset)  # update files (updates.py checks them)
    files: frozenset[str] = field(default_factory=frozenset)  # static files, copied as they are
    # The files only draft_docs leaves out of a build: in a preview (show_drafts) they are among
    # the others as well; in a build, only named here, to say why a link to one is broken.
    drafts: frozenset[str] = field(default_factory=frozenset)
    root: Path = Path("content")  # the folder they are in

    def path(self, uri: str) -> Path:
        """A file's path, as problems name it."""
        return self.root / uri

    def published(self) -> frozenset[str]:
        return self.pages | self.updates | self.files

    def update_paths(self) -> list[Path]:
        return [self.path(uri) for uri in sorted(self.updates)]


@dataclass(frozen=True)
class Page:
    """A hand-written page of content/, as MkDocs reads it: its fields and its Markdown body."""

    src_uri: str  # relative to content/, as MkDocs names it ("publishing.md", "updates/index.md")
    meta: dict  # its front matter (PAGE_FIELDS; read_content checks them)
    body: str  # the Markdown after the front matter
    body_line: int = 1  # the line of the file the body starts on (for problems found in it)


def read_page(content: Content, uri: str) -> Page:
    """One of ``content.pages``, read as MkDocs reads it (a byte that is not UTF-8 is replaced:
    read_content reports it)."""
    meta, body, line = page_data(content.path(uri).read_bytes().decode("utf-8", errors="replace"))
    return Page(uri, meta, body, line)


# What MkDocs leaves out of every site (mkdocs.structure.files._default_exclude); a project's
# exclude_docs lines follow these, so a "!" line of its own can bring a hidden file back.
LEFT_OUT = (".*", "/templates/")


def read_content(
    content_dir: Path, exclude: Sequence[str] = (), drafts: Sequence[str] = (), *, show_drafts: bool = False
) -> tuple[Content, list[Problem]]:
    """Every file under content_dir sorted into pages, updates and static files, and a problem
    (``file:1: why``) for each that may not be published. Nothing is read through a link.
    ``exclude`` and ``drafts``: gitignore-style lines of files the engine leaves out besides
    hidden ones (mkdocs.yml's exclude_docs and draft_docs); those are passed over, but for
    ``drafts`` when ``show_drafts`` (a preview): then they are read like the others. Either
    way, the files only draft_docs leaves out are named in ``Content.drafts``."""
    content_dir = Path(content_dir)
    pages, updates, files, drafted, problems = set(), set(), set(), set(), []
    if not content_dir.is_dir():
        return Content(root=content_dir), []
    # Matched apart, as MkDocs matches them (mkdocs.structure.files.set_exclusions): a "!" line
    # of draft_docs cannot bring back what exclude_docs leaves out.
    excluded = GitIgnoreSpec.from_lines([*LEFT_OUT, *exclude])
    in_drafts = GitIgnoreSpec.from_lines(drafts)
    for path, uri in _entries(content_dir, ""):
        draft = not excluded.match_file(uri) and in_drafts.match_file(uri)
        ignored = excluded.match_file(uri) or (draft and not show_drafts)
        file = str(path)
        if path.is_symlink():
            kind = "folder" if path.is_dir() else "file"
            problems.append(Problem(file, 1, "", f"is a symbolic link (to a {kind}): a link would publish whatever it points to, a file of the build machine perhaps (copy the file into content/ instead)"))
            continue
        if draft and path.is_file():
            drafted.add(uri)
        if ignored or path.is_dir():
            continue
        if not path.is_file():
            problems.append(Problem(file, 1, "", "is not a regular file (a pipe, socket or device): content/ may hold only files and folders"))
            continue
        kind, problem = _classify(path, uri)
        if problem:
            problems.append(Problem(file, 1, "", problem))
        elif kind == "page":
            pages.add(uri)
            problems += _page_fields(path)
        elif kind == "update":
            updates.add(uri)
        else:
            files.add(uri)
    return Content(frozenset(pages), frozenset(updates), frozenset(files), drafts=frozenset(drafted), root=content_dir), problems


def _entries(directory: Path, prefix: str) -> Iterator[tuple[Path, str]]:
    """(path, path relative to content/) of everything under directory, in order; folders are
    entered only when they are real folders, never through a link. Left-out folders are
    entered too: a "!" line may bring a file in them back, and links in them are refused."""
    with os.scandir(directory) as found:
        entries = sorted(found, key=lambda e: e.name)
    for entry in entries:
        uri = f"{prefix}{entry.name}"
        yield Path(entry.path), uri
        if entry.is_dir(follow_symlinks=False):
            yield from _entries(Path(entry.path), f"{uri}/")


# What Windows does not allow in a name, besides control characters.
_WINDOWS_FORBIDS = set('<>:"\\|?*')


def _unportable(names: list[str]) -> str:
    """Why a path (its folders' names, and the file's, a page's without .md, as it is
    published) could not be published as it is, or be copied to Windows or macOS: "" if it can."""
    for name in names:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            return f"has a name not written in UTF-8 ({name!r}): MkDocs cannot give it a web address (rename it)"
        odd = sorted({c for c in name if c in _WINDOWS_FORBIDS or c < " "})
        if odd:
            return f"has a name holding {', '.join(map(repr, odd))}, which Windows does not allow in a name (rename it)"
        wrong = suspect(name)  # as in deal text: invisible characters make two names look alike
        if wrong:
            return f"has a name ({visible(name)}) that {wrong}"
        if name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_DEVICES:
            return f"has the name {name!r}, which Windows keeps for a device (rename it)"
        if name.endswith((".", " ")):
            return f"is published under the name {name!r}, whose last dot or space Windows drops: the name would change there (rename it)"
    return ""


def _classify(path: Path, uri: str) -> tuple[str, str]:
    """("page" | "update" | "file", "") for a file content/ may hold, or ("", why not)."""
    name, parts = path.name, uri.split("/")
    suffix = path.suffix
    unportable = _unportable(parts[:-1] + [path.stem if suffix == ".md" else name])
    if unportable:
        return "", unportable
    in_updates = parts[0] == UPDATES_DIR and len(parts) > 1
    if in_updates and len(parts) > 2:
        return "", (
            f"is in a subfolder of content/{UPDATES_DIR}/, where dealsite does not look for updates: "
            "MkDocs would publish it as it is, unchecked, draft or not (updates go directly in "
            f"content/{UPDATES_DIR}/; move it up, or out of content/)"
        )
    if name.endswith("~") or suffix.lower() in BACKUPS:
        return "", f"is an editor's backup copy: {COPIED}, draft or not (delete it, or keep it outside content/)"
    if suffix.lower() in MARKDOWN and suffix != ".md":
        if suffix in MARKDOWN:
            why = f"MkDocs would publish it as a page, but dealsite checks only .md files (rename it to {path.stem}.md)"
        else:
            why = f"{COPIED} (rename it to {path.stem}.md)"
        return "", f"has the extension {suffix}: {why}"
    if suffix == ".md":
        if in_updates:
            return ("page", "") if name == INDEX else ("update", "")
        if DATED.match(name):
            return "", (
                f"is named like an update (YYYY-MM-DD-slug.md) but is not in content/{UPDATES_DIR}/: "
                "it would be published as a plain page, draft or not (move it there)"
            )
        return "page", ""
    extension = suffix[1:]
    if extension.lower() == "svg":
        return "", "is an SVG image: SVG can carry script, which would run on the site's own address (use PNG or WebP instead)"
    if extension in ASSETS:
        return "file", ""
    if extension.lower() in ASSETS:
        return "", f"has an upper-case extension {suffix}: rename it to {path.stem}.{extension.lower()}"
    what = f"the extension {suffix}" if suffix else "no extension"
    return "", f"has {what}: {COPIED} (content/ may hold Markdown pages, .md, and files ending {SAFE})"


def _page_fields(path: Path) -> list[Problem]:
    """A Markdown page's front matter, read as MkDocs reads it: only PAGE_FIELDS, and no
    update fields (those mean an update saved outside content/updates/)."""
    file = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [Problem(file, line, "", f"byte 0x{raw[error.start]:02x} is not UTF-8 (save the file as UTF-8)")]
    front, _, first = split_front_matter(text)
    if front is None:
        keys = multimarkdown_keys(text)
    elif not any(line.strip() and not line.lstrip().startswith("#") for line in front.splitlines()):
        keys = {}  # MkDocs finds no fields in it either
    else:
        try:
            doc = parse(front.encode("utf-8"))
        except YamlError as error:
            return [Problem(file, error.line + first - 1, "", error.message)]
        if not isinstance(doc.data, dict):
            return [Problem(file, first, "", "the front matter is not a list of fields (expected e.g. title: The page's title)")]
        keys = {str(key): line_of(doc, (key,)) + first - 1 for key in doc.data}
    update = [key for key in keys if key in UPDATE_FIELDS]
    if update:
        return [Problem(
            file, keys[update[0]], update[0],
            f"is a field of an update, but only files in content/{UPDATES_DIR}/ are updates: this page would be "
            f"published as it is, draft or not (move it to content/{UPDATES_DIR}/ as YYYY-MM-DD-slug.md)",
        )]
    allowed = ", ".join(PAGE_FIELDS[:-1]) + " or " + PAGE_FIELDS[-1]
    return [
        Problem(file, line, key, f"is not a field a page may set (expected {allowed}; the theme prints some fields as HTML)")
        for key, line in keys.items()
        if key not in PAGE_FIELDS
    ]
