"""The pages the project's own theme templates link to on every page, checked before a build.

The theme's folder (mkdocs.yml's ``theme: custom_dir``, site_templates/overrides/ here) holds
templates that replace the theme's own. They write some links as written addresses:
``{{ 'accessibility/' | url }}`` in every page's footer. A page deleted from content/, or left
out by ``exclude_docs`` or ``draft_docs``, leaves that link broken on every page. The last
check (engine/site_links.py) refuses such a build, but only once every page is built, and
``dealsite check`` and ``dealsite export`` never render the theme. So each written address is
read from the templates here (with Jinja's own parser, as MkDocs configures it) and looked up
among the pages the site will have, and a missing one is a problem naming the template and its
line. Only templates the theme renders are read (ROOTS, and what they include).

Only pages are looked up (an address ending in ``/`` or with no file suffix): a file may be the
theme's own (``assets/images/favicon.png``), which this does not list. An address with a scheme
or a host, an absolute one, or one the template computes is left to the last check.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import unquote, urlsplit

import jinja2
from jinja2 import nodes

from ..model.content import Content
from ..model.problems import Problem
from ..pages.site_pages import page_address
from ..pages.written import Targets

# Where the theme's rendering starts: every page's template, the static templates MkDocs renders
# (Material's 404.html and sitemap.xml), and partials/, whose files replace the theme's own
# partials, which its templates include by name. What these include, extend or import from the
# folder is rendered too; any other file of the folder is copied as it is, or never used.
ROOTS = ("main.html", "404.html", "sitemap.xml")
PARTIALS = "partials/"
TEMPLATE_SUFFIXES = (".html", ".xml")


def theme_link_problems(theme_dir: Optional[Path], content: Content, everything: Targets, public: Targets) -> list[Problem]:
    """A problem for each page a template of ``theme_dir`` links to that the site will not
    have as built now (``public``); ``everything``: the site with nothing held back, and
    ``content.drafts`` what draft_docs leaves out, to say when the page is only held back."""
    if theme_dir is None or not theme_dir.is_dir():
        return []
    shown = {page_address(uri) for uri in public.pages}
    held = {page_address(uri) for uri in everything.pages} - shown
    drafts = {page_address(uri) for uri in content.drafts if uri.endswith(".md")} - shown
    folder = content.root.name
    problems = []
    for file, line, address in written_addresses(theme_dir):
        page = _page(address)
        if page is None or page in shown:
            continue
        if page in drafts:
            why = "a draft that mkdocs.yml's draft_docs leaves out of the site"
        elif page in held:
            why = "which the site does not show as built now (under embargo, a draft, or after an archive's day)"
        else:
            why = f"a page the site will not have ({folder}/ has no page there, and dealsite makes none)"
        problems.append(Problem(str(file), line, "", f"links every page to {address}, {why}: add the page, or change the link"))
    return problems


def written_addresses(theme_dir: Path) -> Iterator[tuple[Path, int, str]]:
    """(template, line, address) of each address a template the theme renders gives the ``url``
    filter as written, parsed as MkDocs' Jinja parses it (with the i18n extension's tags)."""
    parser = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    files = _templates(theme_dir)
    waiting = sorted(name for name in files if name in ROOTS or name.startswith(PARTIALS))
    read: set[str] = set()
    while waiting:
        name = waiting.pop(0)
        if name in read:
            continue
        read.add(name)
        try:
            tree = parser.parse(files[name].read_text(encoding="utf-8"))
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError, OSError):
            continue  # the engine says so when it renders the template
        waiting += sorted(included for included in _included(tree) if included in files)
        for node in tree.find_all(nodes.Filter):
            if node.name == "url" and isinstance(node.node, nodes.Const) and isinstance(node.node.value, str):
                yield files[name], node.node.lineno, node.node.value


def _templates(theme_dir: Path) -> dict[str, Path]:
    """The folder's templates by name, as Jinja's loader finds them: through folders that are
    symbolic links too (each folder once, however it is reached)."""
    found: dict[str, Path] = {}
    seen: set[str] = set()
    for folder, subfolders, names in os.walk(theme_dir, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            subfolders[:] = []
            continue
        seen.add(real)
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder, name)
            if path.suffix in TEMPLATE_SUFFIXES and path.is_file():
                found.setdefault(path.relative_to(theme_dir).as_posix(), path)
    return found


def _included(tree: nodes.Template) -> Iterator[str]:
    """The names of the templates a template includes, extends or imports, as written."""
    for node in tree.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)):
        named = node.template
        for const in [named] if isinstance(named, nodes.Const) else getattr(named, "items", []):
            if isinstance(const, nodes.Const) and isinstance(const.value, str):
                yield const.value


def _page(address: str) -> Optional[str]:
    """The page address (site_pages.page_address) a written address reaches from the site's
    root, as the url filter writes it; None for one this does not look up."""
    try:
        parts = urlsplit(address)
    except ValueError:  # "http://[::1": no page of the site either
        return None
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None  # elsewhere, or this page's own #part or ?query
    path = posixpath.normpath(unquote(parts.path))
    if path == ".." or path.startswith("../"):
        return None  # outside the site: the last check says so
    if posixpath.splitext(path)[1] and not parts.path.endswith("/"):
        return None  # a file, perhaps the theme's own
    return "" if path == "." else path
