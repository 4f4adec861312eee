"""Hand-written pages and files the engine and dealsite disagree on: at the addresses of the
engine's own files, or published by one and not the other.

A hand-written page is written as a folder (``x.md``: ``x/index.html``), which must not have
the name of a file the theme or MkDocs writes: the build would stop at it with
FileExistsError or IsADirectoryError, naming no file of the project. ``read_sources``
(engine/pipeline.py) checks pages against content/'s files and dealsite's own; only the
engine knows its files: the theme's, its page templates (404.html, sitemap.xml and its .gz)
and the search index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from ...pages.site_pages import address_key, same_name_note


def is_hand_written(file: File, docs: Path) -> bool:
    """Whether MkDocs found ``file`` in ``docs`` (content/, resolved), not in the theme or a plugin."""
    return file.src_dir is not None and Path(file.src_dir).resolve() == docs


def engine_files(files: Files, config, docs: Path) -> set[str]:
    """Where the engine writes files of its own: files not from ``docs``, and those MkDocs and
    the search plugin write without a File."""
    taken = {f.dest_uri for f in files if not is_hand_written(f, docs)}
    taken |= set(config.theme.static_templates)
    taken |= {f"{name}.gz" for name in taken if name.endswith("sitemap.xml")}
    if any(name.rsplit("/", 1)[-1] == "search" for name in config.plugins):  # "search", "material/search"
        taken.add("search/search_index.json")
    return taken


def engine_file_clashes(files: Files, config, content_dir: Path, shown: Callable[[str], Path]) -> None:
    """Raise PluginError, naming the file (``shown``: a src_uri as problems name it), for the first
    hand-written page or file written in a folder that is a file the engine writes, and the
    first hand-written file whose name Windows and macOS read as an engine file's written
    otherwise (``assets/images/Favicon.png``: the same name written alike is MkDocs' way to
    replace a theme's file)."""
    docs = content_dir.resolve()
    # As content_clashes compares names: Windows and macOS read 404.HTML/ and 404.html as one.
    taken = {address_key(name): name for name in engine_files(files, config, docs)}
    for file in files:
        if not is_hand_written(file, docs) or file.inclusion.is_excluded():  # .keep: never copied
            continue
        name = taken.get(address_key(file.dest_uri))
        if name is not None and name != file.dest_uri:
            raise PluginError(f"{shown(file.src_uri)}:1: has the name of the file {name}{same_name_note(file.dest_uri, name)}: one would replace the other (rename it)")
        parts = file.dest_uri.split("/")[:-1]  # a page's folders, or a file's (favicon.png/x.png)
        for folder in ("/".join(parts[: i + 1]) for i in range(len(parts))):
            name = taken.get(address_key(folder))
            if name is not None:
                how = "as" if file.is_documentation_page() and folder == "/".join(parts) else "inside"
                raise PluginError(
                    f"{shown(file.src_uri)}:1: would be written {how} the folder {folder}/, where the site has the file {name}{same_name_note(folder, name)} (rename it)"
                )


def accounted_for(files: Files, content_dir: Path, published: frozenset[str], shown: Callable[[str], Path]) -> None:
    """Raise PluginError unless every file MkDocs found in content/ and will publish is one
    ``read_sources`` (model/content.py) publishes, and the other way round: a second look, in
    MkDocs' own terms. Both ways matter: dealsite, not MkDocs, publishes updates, so MkDocs
    leaving one out would not keep it off the site."""
    docs = content_dir.resolve()
    for file in files:
        if file.src_uri in published and file.inclusion == InclusionLevel.EXCLUDED:
            raise PluginError(f"{shown(file.src_uri)}:1: MkDocs leaves it out (exclude_docs), but dealsite would publish it (see content/publishing.md)")
        if file.src_uri not in published and not file.inclusion.is_excluded() and is_hand_written(file, docs):
            raise PluginError(f"{shown(file.src_uri)}:1: MkDocs would publish it, but dealsite did not account for it (see content/publishing.md)")

