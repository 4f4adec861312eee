"""Which pages the page groups generate for a set of deals, worked out without rendering them.

An update may link to a generated page before the pages exist (``dealsite check`` reads the
updates before any page is made), and ``generate`` checks this list is exact after it makes
them, so a page group that adds pages must say here how many.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Iterable

from ..compute.meeting import meeting_dates
from ..model import Catalogue
from ..model.content import Content
from ..model.problems import Problem
from ..model.updates import INDEX, UPDATES_DIR
from .downloads import DATA_DIR
from .feeds import FEEDS_DIR
from .home import letter_page_uris
from .links import (
    HOME_URI,
    ACCOUNTABILITY_URI,
    CHANGES_URI,
    COMMITTEE_URI,
    COMPARE_URI,
    DASHBOARD_URI,
    DATA_URI,
    PACK_URI,
    POWERS_URI,
    deal_tables_uri,
    deal_uri,
    meeting_pack_uri,
    page_location,
)
from .progress import PACK_PDF
from .timetable import page_uris as timetable_page_uris

# Where the generated files go (data downloads, feeds, the committee's PDF): each deal's
# folder, the site's downloads and its feeds, and the pack's PDF. ``generate`` checks that
# every file it makes is in one of these, so this list cannot fall behind.
GENERATED_FOLDERS = ("deals/", f"{DATA_DIR}/", f"{FEEDS_DIR}/")
GENERATED_FILES = (PACK_PDF,)
# The page each fragment (<!-- dealsite:NAME --> in a hand-written page) is made for: its links
# are written from that page's address. ``generate`` checks that it makes no other.
FRAGMENT_PAGES = {"figures-updated": HOME_URI, "deal-list": HOME_URI, "places": HOME_URI, "update-list": f"{UPDATES_DIR}/{INDEX}"}


def fragment_problems(file: str, uri: str, shown: Iterable[tuple[str, int]]) -> list[Problem]:
    """A problem for each fragment (name, line) placed in the page ``uri`` (shown as ``file``)
    whose links, written from the address of the page it is made for, would be broken there: a
    page at another depth (the links of one for the home page, deals/kent/, lead to
    notes/deals/kent/ from notes/)."""
    problems = []
    for name, line in shown:
        home = FRAGMENT_PAGES.get(name)
        if home is not None and page_location(home).count("/") != page_location(uri).count("/"):
            problems.append(Problem(file, line, "", f"shows the fragment dealsite:{name}, which is made for {home} (its links are written from there): place it in that page"))
    return problems


def generated_page_uris(catalogue: Catalogue, today: dt.date) -> frozenset[str]:
    """Every page the page groups generate for a catalogue built on ``today`` (not the update
    pages): the fixed pages, each deal's two, a pack for each meeting held by then, the
    timetable's pages and the A to Z's letter pages."""
    deals = list(catalogue.deals)
    fixed = {POWERS_URI, ACCOUNTABILITY_URI, COMPARE_URI, DASHBOARD_URI, PACK_URI, CHANGES_URI, DATA_URI, COMMITTEE_URI}
    packs = {meeting_pack_uri(day) for day in meeting_dates(catalogue, today)}
    each_deal = {uri for deal in deals for uri in (deal_uri(deal), deal_tables_uri(deal))}
    return frozenset(fixed | packs | each_deal | set(timetable_page_uris(len(deals))) | set(letter_page_uris(deals)))


def is_generated_file(path: str) -> bool:
    """Whether a file's place in the site is where generated files go (GENERATED_FOLDERS)."""
    return path.startswith(GENERATED_FOLDERS) or path in GENERATED_FILES


def page_address(src_uri: str) -> str:
    """The address MkDocs gives a Markdown page: ``a/b.md`` and ``a/b/index.md`` are both
    ``a/b`` (``README.md`` is read as ``index.md``, as MkDocs reads it)."""
    folder, _, name = src_uri.removesuffix(".md").rpartition("/")
    return folder if name in ("index", "README") else f"{folder}/{name}".lstrip("/")


def content_clashes(content: Content, generated_pages: frozenset[str], *, pack_pdf: bool = True) -> list[Problem]:
    """A problem for each hand-written file of content/ at an address the build generates
    something at, or in a folder generated files go to, and for each page or file at the
    address of another page, file or update (``x.txt.md`` is the folder ``x.txt/``): the one
    would replace the other without a word, or the build would stop at it. ``pack_pdf``:
    whether the project makes the committee pack's PDF.

    Names are compared as Windows and macOS compare them (:func:`address_key`): a site copied
    or served there would lose one of ``Dashboard/`` and ``dashboard/``."""
    generated_files = {address_key(uri): uri for uri in (GENERATED_FILES if pack_pdf else ())}
    addresses = {address_key(address): address for address in map(page_address, generated_pages)}
    files: dict[str, str] = dict(generated_files)  # a file's name folded -> the file
    for uri in sorted(content.files, key=_kept_first):
        files.setdefault(address_key(uri), uri)
    # Each page is a file too (x/index.html): no folder may take its name (index.html.md).
    pages = sorted(generated_pages | content.updates | content.pages, key=_kept_first)
    for written in (page_file(page_address(uri)) for uri in pages):
        files.setdefault(address_key(written), written)
    # The first page at each address and the first file at each name; the updates' pages
    # first, so that a hand-written page in their way is the one named.
    first_page = {address_key(page_address(uri)): uri for uri in sorted(content.updates, reverse=True)}
    first_file: dict[str, str] = {}
    problems = []
    for uri in sorted(content.pages | content.files, key=_kept_first):
        address = page_address(uri) if uri.endswith(".md") else None
        key = address_key(address) if address is not None else None
        name = address_key(uri)
        # The folders it is written in: a page's own (x.md is x/index.html) and those above.
        folders = _folders(address) if address is not None else _folders(uri)[:-1]
        in_file = next((folder for folder in folders if address_key(folder) in files), None)
        if key is not None and key in addresses:
            why = f"has the address of a page dealsite generates ({_shown(addresses[key])}{same_name_note(address, addresses[key])}): the generated page would take its place without a word (rename it)"
        elif name in generated_files:
            why = f"is where dealsite writes a file it generates ({generated_files[name]}{same_name_note(uri, generated_files[name])}): the generated file would take its place without a word (rename it)"
        elif name.startswith(GENERATED_FOLDERS):
            folder = name.split("/", 1)[0] + "/"
            why = f"is in {folder}{same_name_note(uri.split('/', 1)[0] + '/', folder)}, where dealsite writes the pages and downloads it generates: a generated file could take its place without a word (move it out of {folder})"
        elif in_file is not None:
            file = files[address_key(in_file)]
            how = "as" if in_file == address else "inside"
            why = f"would be written {how} the folder {in_file}/, where the site has the file {file}{same_name_note(in_file, file)} (rename it)"
        elif key is not None and first_page.setdefault(key, uri) != uri:
            taken = page_address(first_page[key])
            why = f"has the address of {content.path(first_page[key])} ({_shown(taken)}{same_name_note(address, taken)}): one would replace the other without a word (keep one of them)"
        elif key is None and first_file.setdefault(name, uri) != uri:
            why = f"has the name of {content.path(first_file[name])}{same_name_note(uri, first_file[name])}: one would replace the other without a word (keep one of them)"
        else:
            continue
        problems.append(Problem(str(content.path(uri)), 1, "", why))
    return problems


def address_key(address: str) -> str:
    """A site address as Windows and macOS compare names, where ``Dashboard/`` and
    ``dashboard/`` are one folder: letter case folded as either folds it (Windows upper-cases
    ``ſ`` and ``ı``, macOS folds ``ς`` to ``σ``) and accents in one encoding (macOS stores them
    decomposed). Names Windows cannot hold at all (a trailing dot, ``aux``) never get here:
    ``read_content`` refuses them."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", address).upper().casefold())


def page_file(address: str) -> str:
    """The file MkDocs writes a page at ``address`` as."""
    return f"{address}/index.html" if address else "index.html"


def _folders(path: str) -> list[str]:
    """``a/b/c`` -> ``a``, ``a/b``, ``a/b/c`` (none for the home page's address)."""
    parts = path.split("/") if path else []
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _kept_first(uri: str) -> tuple:
    """The order in which content/'s files claim a name: of two that Windows or macOS read as
    one, the one written plainly (lower case, accents composed)
    keeps it and the other is named; of index.md and README.md, index.md, as MkDocs keeps it."""
    written = page_address(uri) if uri.endswith(".md") else uri
    plain = unicodedata.normalize("NFC", written).lower()
    return (written != plain, uri.rsplit("/", 1)[-1] == "README.md", uri)


def _shown(address: str) -> str:
    return f"{address}/" if address else "/, the home page"


def same_name_note(written: str, taken: str) -> str:
    """A note on a clash of names that differ as written: on Linux the two would not meet."""
    if written == taken:
        return ""
    if unicodedata.normalize("NFC", written) == unicodedata.normalize("NFC", taken):
        return ", the same name with its accents encoded otherwise, which macOS reads as one"
    return ", which Windows and macOS read as the same name"
