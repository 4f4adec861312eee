"""Which pages the page groups generate for a set of deals, worked out without rendering them.

An update may link to a generated page before the pages exist (``dealsite check`` reads the
updates before any page is made), and ``generate`` checks this list is exact after it makes
them, so a page group that adds pages must say here how many.
"""

from __future__ import annotations

import datetime as dt

from ..compute.meeting import meeting_dates
from ..model import Catalogue
from ..model.content import Content
from ..model.problems import Problem
from .downloads import DATA_DIR
from .feeds import FEEDS_DIR
from .home import letter_page_uris
from .links import (
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
)
from .progress import PACK_PDF
from .timetable import page_uris as timetable_page_uris

# Where the generated files go (data downloads, feeds, the committee's PDF): each deal's
# folder, the site's downloads and its feeds, and the pack's PDF. ``generate`` checks that
# every file it makes is in one of these, so this list cannot fall behind.
GENERATED_FOLDERS = ("deals/", f"{DATA_DIR}/", f"{FEEDS_DIR}/")
GENERATED_FILES = (PACK_PDF,)


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
    something at, or in a folder generated files go to, and for each page at the address of
    another page or of a file (``x.txt.md`` is the folder ``x.txt/``): the one would replace
    the other without a word, or the build would stop at it. ``pack_pdf``: whether the
    project makes the committee pack's PDF.

    Addresses are compared in lower case: on Windows and macOS ``Dashboard/`` and
    ``dashboard/`` are one folder, so a site copied or served there would lose one of them."""
    generated_files = {_key(uri): uri for uri in (GENERATED_FILES if pack_pdf else ())}
    addresses = {_key(address): address for address in map(page_address, generated_pages)}
    files = {_key(uri): uri for uri in (*content.files, *generated_files.values())}
    first: dict[str, str] = {}  # a hand-written page's address, in lower case -> the first page there
    problems = []
    for uri in sorted(content.pages | content.files):
        address = page_address(uri) if uri.endswith(".md") else None
        key = _key(address) if address is not None else None
        if key is not None and key in addresses:
            why = f"has the address of a page dealsite generates ({addresses[key]}/{_case(address, addresses[key])}): the generated page would take its place without a word (rename it)"
        elif _key(uri) in generated_files:
            why = f"is where dealsite writes a file it generates ({generated_files[_key(uri)]}{_case(uri, generated_files[_key(uri)])}): the generated file would take its place without a word (rename it)"
        elif _key(uri).startswith(GENERATED_FOLDERS):
            folder = _key(uri).split("/", 1)[0] + "/"
            why = f"is in {folder}{_case(uri[: len(folder)], folder)}, where dealsite writes the pages and downloads it generates: a generated file could take its place without a word (move it out of {folder})"
        elif key is not None and key in files:
            why = f"would be written as the folder {address}/, where the site has the file {files[key]}{_case(address, files[key])} (rename it)"
        elif key is not None and first.setdefault(key, uri) != uri:
            why = f"has the address of {content.path(first[key])} ({page_address(first[key])}/{_case(address, page_address(first[key]))}): one would replace the other without a word (keep one of them)"
        else:
            continue
        problems.append(Problem(str(content.path(uri)), 1, "", why))
    return problems


def _key(address: str) -> str:
    return address.lower()


def _case(written: str, taken: str) -> str:
    """A note on a clash in letter case only: on Linux the two would not meet."""
    return "" if written == taken else ", letter case aside, as Windows and macOS read names"
