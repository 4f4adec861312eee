"""The pages the project's own theme templates link to on every page, checked before a build.

The theme's folder (mkdocs.yml's ``theme: custom_dir``, site_templates/overrides/ here) holds
templates that replace the theme's own. They write some links as written addresses:
``{{ 'accessibility/' | url }}`` in every page's footer. A page deleted from content/, or left
out by ``exclude_docs`` or ``draft_docs``, leaves that link broken on every page. The last
check (engine/site_links.py) refuses such a build, but only once every page is built, and
``dealsite check`` and ``dealsite export`` never render the theme. So each written address is
read from the templates here (with Jinja's own parser) and looked up among the pages the site
will have, and a missing one is a problem naming the template and its line.

Only pages are looked up (an address ending in ``/`` or with no file suffix): a file may be the
theme's own (``assets/images/favicon.png``), which this does not list. An address with a scheme
or a host, an absolute one, or one the template computes is left to the last check.
"""

from __future__ import annotations

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

# What the engine renders of a theme's folder: its templates (main.html, partials/) and static
# templates such as sitemap.xml. Any other file is copied as it is, never rendered.
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
    """(template, line, address) of each address a template gives the ``url`` filter as written."""
    parser = jinja2.Environment()
    for path in sorted(p for p in theme_dir.rglob("*") if p.is_file() and p.suffix in TEMPLATE_SUFFIXES):
        try:
            tree = parser.parse(path.read_text(encoding="utf-8"))
        except (jinja2.TemplateSyntaxError, UnicodeDecodeError, OSError):
            continue  # the engine says so when it renders the theme (a tag of an extension too: the last check reads its links)
        for node in tree.find_all(nodes.Filter):
            if node.name == "url" and isinstance(node.node, nodes.Const) and isinstance(node.node.value, str):
                yield path, node.lineno, node.node.value


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
