"""The last check's look for broken links (engine/gate.py): in every page of a built site,
every link and source that points into the site must reach a file the site has.

``dealsite check`` checks the links editors write (in updates and hand-written pages) before a
build, and the core makes its own links from the pages it makes. Neither sees the links the
theme's templates write on every page: the footer's link to the accessibility statement,
say, or an ``extra_css`` file. A page or file deleted, or left out by ``exclude_docs`` or
``draft_docs``, leaves such a link broken on every page, and MkDocs says nothing. This looks
at what a browser would follow, load or send a form to: ``href``, ``src``, ``srcset``,
``poster``, ``action`` and their kind, on every element of the built page (not ``url()`` in
a style).

Not looked at: a link with a scheme (``https:``, ``mailto:``) or to another host (``//``),
only to a part of the page (``#summary``), or by an absolute path (``/accessibility/``: where
the site is served from is not known; MkDocs writes those on 404.html alone). A link that
leaves the site's folder (``../`` from the home page) is a finding of its own: served from a
folder, it leads elsewhere on the host. A ``?query``
and a ``#part`` are left off; a folder (a link ending in ``/``) counts when it has an
``index.html``, as a server serves it, and so does a link to it without the ``/``.
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
_TABS_AND_BREAKS = re.compile(r"[\t\n\r]")  # a browser drops them anywhere in a web address
# What a browser follows, loads or sends a form to, on any element, read by XPath, in C: a walk
# over the elements in Python cost 14 s at 1,000 deals, this 3.5 s. srcset and imagesrcset
# list several addresses (``a.png 1x, b.png 2x``).
_FOLLOWED = lxml.etree.XPath("//@href | //@src | //@poster | //@action | //@formaction", smart_strings=False)
_SETS = lxml.etree.XPath("//@srcset | //@imagesrcset", smart_strings=False)
_HAS_SETS = re.compile(rb"srcset", re.IGNORECASE)
# SVG's xlink:href (libxml2's HTML parser keeps the prefix in the name): looked for only in a
# page that has one, since the test of every attribute's name doubles the cost.
_PREFIXED = lxml.etree.XPath("//@*[substring-after(name(), ':') = 'href']", smart_strings=False)
_HAS_PREFIXED = re.compile(rb":href", re.IGNORECASE)


class SiteFiles:
    """The files of a built site, by path relative to it, for resolving its pages' links."""

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(names)

    def broken(self, page: str, root, data: bytes) -> list[Finding]:
        """A finding for each place in the site that links in the page (``data``, parsed as
        ``root``, an lxml element) reach and the site does not have, in order."""
        values = _FOLLOWED(root)
        if _HAS_SETS.search(data):
            values += [c.split()[0] for value in _SETS(root) for c in value.split(",") if c.strip()]
        if _HAS_PREFIXED.search(data):
            values += _PREFIXED(root)
        folder = posixpath.dirname(page)
        missing = dict.fromkeys(  # a page repeats its links (the menu, the footer)
            target for target in map(lambda value: _target(folder, value), dict.fromkeys(values)) if target is not None and not self._has(target)
        )
        # Named as the site's path, not as written: the same in every page, so a link the theme
        # writes on every page reads as one, whichever folder each page is in.
        return [Finding(page, _why(target)) for target in missing]

    def _has(self, target: str) -> bool:
        if target.startswith("../"):
            return False
        if target.endswith("/") or not target:  # a folder: a server serves its index.html
            return f"{target}index.html" in self.names
        return target in self.names or f"{target}/index.html" in self.names


def _why(target: str) -> str:
    if target.startswith("../"):
        return f"links to {target}, outside the site's folder: served from a folder (https://example.org/deals/), it leads elsewhere on the host (write another site's address in full, with https://)"
    return f"links to {target or '/'}, which the site does not have (a page or file deleted or left out, or a link written wrong)"


def _target(folder: str, value: str):
    """Where in the site a link reaches, from a page in ``folder``: a path relative to the
    site's root, ending in "/" for a folder ("" for the root); None for a link this does not
    look at (see the module's docstring)."""
    link = _TABS_AND_BREAKS.sub("", value.strip()).replace("\\", "/")  # as a browser reads a web address
    link = link.split("#", 1)[0].split("?", 1)[0]
    if not link or link.startswith("/") or _SCHEME.match(link):
        return None
    # Each name decoded on its own: %2F is a character of a name to a server, not a separator.
    names = link.split("/")
    decoded = [unquote(name) for name in names]
    path = "/".join(d if "/" not in d else name for name, d in zip(names, decoded))
    target = posixpath.normpath(posixpath.join(folder, path))
    if target == "..":
        return "../"
    if target == ".":
        return ""  # the root
    return f"{target}/" if names[-1] in ("", ".", "..") else target
