"""The last check's look for broken links (engine/gate.py): in every page of a built site,
every link and source that points into the site must reach a file the site has.

``dealsite check`` checks the links editors write (in updates and hand-written pages) before a
build, and the core makes its own links from the pages it makes. Neither sees the links the
theme's templates write on every page: the footer's link to the accessibility statement,
say, or an ``extra_css`` file. A page or file deleted, or left out by ``exclude_docs`` or
``draft_docs``, leaves such a link broken on every page, and MkDocs says nothing. This looks
at what the browser would follow: ``href`` and ``src`` of every element of the built page.

Not looked at: a link with a scheme (``https:``, ``mailto:``) or to another host (``//``),
only to a part of the page (``#summary``), or by an absolute path (``/accessibility/``: where
the site is served from is not known; MkDocs writes those on 404.html alone), and a link that
leaves the site's folder (``dealsite check`` refuses those in editors' text). A ``?query``
and a ``#part`` are left off; a folder counts when it has an ``index.html``, as a server
serves it.
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterable
from urllib.parse import unquote

import lxml.etree

from .unsafe_markup import Finding

PAGES = (".html", ".htm", ".xhtml")  # files a browser opens as pages (not a Markdown page of an export)
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
# What a browser follows or loads, on any element (a, link, img, script, source): read by
# XPath, in C, since a walk over the elements in Python cost 14 s at 1,000 deals and this 3.5 s.
_FOLLOWED = lxml.etree.XPath("//@href | //@src", smart_strings=False)
# SVG's xlink:href (libxml2's HTML parser keeps the prefix in the name): looked for only in a
# page that has one, since the test of every attribute's name doubles the cost.
_PREFIXED = lxml.etree.XPath("//@*[substring-after(name(), ':') = 'href']", smart_strings=False)
_HAS_PREFIXED = re.compile(rb":href", re.IGNORECASE)


class SiteFiles:
    """The files of a built site, by path relative to it, for resolving its pages' links."""

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(names)

    def broken(self, page: str, root, data: bytes) -> list[Finding]:
        """A finding for each link in the page (``data``, parsed as ``root``, an lxml element)
        into the site that reaches nothing in it, once for each link as written, in order."""
        values = _FOLLOWED(root) + (_PREFIXED(root) if _HAS_PREFIXED.search(data) else [])
        folder = posixpath.dirname(page)
        found = []
        for value in dict.fromkeys(values):  # a page repeats its links (the menu, the footer)
            target = self._target(folder, value)
            if target is not None and not self._has(target):
                found.append(Finding(page, f"links to {value.strip()!r}, which the site does not have (a page or file deleted, or left out by exclude_docs or draft_docs?)"))
        return found

    @staticmethod
    def _target(folder: str, value: str):
        """The path in the site a link reaches, relative to its root ("" for the root); None
        for a link this does not look at (see the module's docstring)."""
        link = value.strip().replace("\\", "/")  # as a browser reads a web address
        link = link.split("#", 1)[0].split("?", 1)[0]
        if not link or link.startswith("/") or _SCHEME.match(link):
            return None
        target = posixpath.normpath(posixpath.join(folder, unquote(link)))
        if target == ".." or target.startswith("../"):
            return None
        return "" if target == "." else target

    def _has(self, target: str) -> bool:
        return target in self.names or f"{target}/index.html".lstrip("/") in self.names
