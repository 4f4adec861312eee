"""What editors write in Markdown, rendered and sanitised by the core, and its links checked.

Two kinds of file: update bodies (``content/updates/*.md``, whose pages dealsite makes) and
hand-written pages (every other ``content/*.md``, which MkDocs renders under the plugin and
``dealsite export`` writes as HTML). Each is rendered by Python-Markdown with its own set of
extensions (``sanitise.EXTENSIONS``, ``sanitise.PAGE_EXTENSIONS``) and sanitised with its own
allow-list. Links are written as MkDocs links are, relative to the file
(``[the deal](../deals/kent.md)``); each is rewritten for the page's address and checked
against the pages and files the site will have: :func:`link_problems` names each that would be
broken, with its file and line, for ``dealsite check`` and the build alike (MkDocs' strict
build refuses a page linking to a page it does not have).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Protocol
from urllib.parse import unquote

from ..model.content import Content, Page
from ..model.digest import cache
from ..model.problems import Problem
from ..model.updates import Update
from .bundle import Heading
from .links import page_location, resolve_relative
from .sanitise import EXTENSIONS, PAGE_EXTENSIONS, clean_page_markup, clean_update, fragment_names, render_markdown


class Written(Protocol):
    """An update or a hand-written page: its file (relative to content/) and Markdown body."""

    @property
    def src_uri(self) -> str: ...

    body: str
    body_line: int


@dataclass(frozen=True)
class Body:
    """A body as its page shows it, and every relative link in it."""

    html: str  # sanitised; relative links rewritten for the page's address; a page's fragment markers still to fill (sanitise.fill_fragments)
    headings: tuple[Heading, ...]  # its h2 and h3, for the page's table of contents
    links: tuple[tuple[int, str, str], ...]  # (line in the file, address as written, page or file it points to)
    problems: tuple[tuple[int, str], ...]  # (line, message): links no page or file could ever mend


# Bodies by file, kept while the text is the same: `dealsite check` and the build it runs
# first read the same files, and `dealsite serve` renders them again on every change.
_BODIES: dict[tuple[bool, str], tuple[tuple[str, int], Body]] = {}
cache(_BODIES.clear)


def render_body(written: Written) -> Body:
    """The Markdown rendered (Python-Markdown) and sanitised (nh3), by the core: an update's
    with the update allow-list, a hand-written page's (:class:`Page`) with the page one."""
    page = isinstance(written, Page)
    key, cached = (written.body, written.body_line), (page, written.src_uri)
    hit = _BODIES.get(cached)
    if hit is not None and hit[0] == key:
        return hit[1]
    rendered = render_markdown(written.body, PAGE_EXTENSIONS if page else EXTENSIONS)
    links: list[tuple[int, str, str]] = []
    problems: list[tuple[int, str]] = []
    lines = written.body.split("\n")

    def line_of(address: str) -> int:
        """The line the address is written on: as a whole address if it can be found, else
        anywhere, else the body's first line (Markdown keeps no line numbers)."""
        exact = re.compile(r"(?:^|(?<=[(<\"'\s]))" + re.escape(address) + r"(?=$|[)>\"'\s])")
        for found in (lambda line: exact.search(line), lambda line: address and address in line):
            for i, line in enumerate(lines):
                if found(line):
                    return written.body_line + i
        return written.body_line + next((i for i, line in enumerate(lines) if line.strip()), 0)

    def relative(address: str) -> Optional[str]:
        resolved = resolve_relative(written.src_uri, address)
        if resolved.problem:
            problems.append((line_of(address), f"the link {address} {resolved.problem}"))
        elif resolved.target is not None:
            links.append((line_of(address), address, resolved.target))
        return resolved.url

    html = clean_page_markup(rendered.html, relative) if page else clean_update(rendered.html, relative)
    body = Body(html, tuple(Heading(*h) for h in rendered.headings), tuple(links), tuple(problems))
    _BODIES[cached] = (key, body)
    return body


def fragments_shown(page: Page) -> list[tuple[str, int]]:
    """(name, line) of each fragment (<!-- dealsite:NAME -->) a hand-written page shows: markers
    its HTML reads as comments, not one in a code block or an attribute. The line is the first
    that names it (Markdown keeps no line numbers)."""
    lines = page.body.split("\n")
    return [
        (name, page.body_line + next((i for i, line in enumerate(lines) if f"dealsite:{name}" in line), 0))
        for name in dict.fromkeys(fragment_names(render_body(page).html))
    ]


def as_the_core_writes(page: Page, content: Content) -> Callable[[str], Optional[str]]:
    """For an engine that renders a hand-written page itself (MkDocs), the rewriting of its
    addresses that makes its links lead where ``dealsite check`` and ``export`` take them.

    MkDocs rewrites a page's Markdown links for the page's address and leaves its raw HTML as
    written, so ``<img src="pic.png">`` in ``notes.md``, served at ``notes/``, would load
    ``notes/pic.png``, where the core reads it relative to the file. Each address written in
    the page gets the core's rewriting, unless, as it stands, it already reaches a file of
    content/ from the page's address: then it may be MkDocs' rewriting of another link (their
    HTML cannot be told apart, and Markdown inside HTML the core does not read), and is kept,
    as MkDocs left it. Any address not written in the page is the engine's, and kept."""
    written = {address: resolve_relative(page.src_uri, address).url for _, address, _ in render_body(page).links}
    here = page_location(page.src_uri)

    def relative(address: str) -> Optional[str]:
        url = written.get(address)
        if url is None or url == address or _reaches_a_file(here, address, content):
            return address
        return url

    return relative


def _reaches_a_file(here: str, address: str, content: Content) -> bool:
    path = unquote(address.split("#", 1)[0].split("?", 1)[0])
    return bool(path) and posixpath.normpath(posixpath.join(here, path)) in content.files


@dataclass(frozen=True)
class Targets:
    """The pages (by src_uri) and files (by path) of a site, which links may point to."""

    pages: frozenset[str]
    files: frozenset[str]


def site_targets(updates: Iterable[Update], content: Content, generated: Iterable[str]) -> Targets:
    """What a site of these updates has: the ``generated`` pages (pages/site_pages.py), the
    update pages, and content/'s pages and files."""
    return Targets(frozenset(generated) | content.pages | {u.src_uri for u in updates}, content.files)


def link_problems(written: Written, content: Content, targets: Targets, everything: Optional[Targets] = None) -> list[Problem]:
    """Every link in the body that the site of ``targets`` would leave broken, named with file
    and line. ``everything``: the site with nothing held back, to say when a target is only
    not public yet."""
    file = str(content.path(written.src_uri))
    body = render_body(written)
    found = [Problem(file, line, "", message) for line, message in body.problems]
    for line, address, target in body.links:
        if target in targets.pages or target in targets.files:
            continue
        if everything is not None and (target in everything.pages or target in everything.files):
            why = "is not public yet (a draft, under embargo, or about a deal that is): the link would be broken until it is"
        elif target in content.drafts:
            why = "is a draft that mkdocs.yml's draft_docs leaves out of the site: the link would be broken until it is published"
        elif target.endswith(".md"):
            why = "is not a page of this site (link to a page by its .md file, relative to this one, e.g. ../deals/kent.md)"
        elif f"{target}.md" in targets.pages or f"{target}/index.md" in targets.pages or f"{target}/README.md" in targets.pages:
            why = "is a page's folder, not its file (link to the page's .md file, e.g. ../deals/kent.md)"
        else:
            why = "is not a file in content/ (link to a page by its .md file; a deal's downloads are listed on its page)"
        found.append(Problem(file, line, "", f"the link {address} points to {target}, which {why}"))
    return found
