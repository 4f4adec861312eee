"""Where every generated page lives, and relative links between pages.

Pages are named as if they were Markdown files in ``docs_dir`` (``deals/kent.md``);
with directory URLs, ``deals/kent.md`` is served at ``deals/kent/``, and links between
pages are relative so the site works from any folder or host.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote, unquote

from ..model import Deal
from ..model.digest import memoised

HOME_URI = "index.md"
POWERS_URI = "powers.md"
ACCOUNTABILITY_URI = "accountability.md"
COMPARE_URI = "compare.md"
TIMETABLE_URI = "timetable.md"
DASHBOARD_URI = "dashboard.md"
PACK_URI = "pack.md"
CHANGES_URI = "changes.md"
DATA_URI = "data.md"
COMMITTEE_URI = "committee.md"


def meeting_pack_uri(day) -> str:
    """The pack of the committee's meeting on ``day``, kept at a stable address: pack/2026-03-10/."""
    return f"pack/{day.isoformat()}.md"


def deal_uri(deal: Deal) -> str:
    return f"deals/{deal.slug}.md"


def deal_tables_uri(deal: Deal) -> str:
    """The deal's tables page, beside its page: deals/<slug>/tables/."""
    return f"deals/{deal.slug}/tables.md"


def timetable_page_uri(number: int) -> str:
    """Page ``number`` of the timetable: the first is timetable/, the next timetable/2/."""
    return TIMETABLE_URI if number == 1 else f"timetable/{number}.md"


def page_location(src_uri: str) -> str:
    """A page's address: "powers.md" is "powers/", "index.md" is "", "deals/kent.md" is "deals/kent/"."""
    return _directory(src_uri) + "/" if _directory(src_uri) != "." else ""


def href(from_uri: str, to_uri: str, anchor: str = "") -> str:
    """A relative link between two pages' directory URLs: 'powers.md' -> 'deals/kent.md' is '../deals/kent/'."""

    path = _relative_directory(from_uri, to_uri)
    return path + (f"#{anchor}" if anchor else "")


@memoised(maxsize=65536)  # posixpath.relpath is slow, and pages across deals ask thousands of times
def _relative_directory(from_uri: str, to_uri: str) -> str:
    path = posixpath.relpath(_directory(to_uri), _directory(from_uri))
    return "./" if path == "." else path + "/"


@dataclass(frozen=True)
class Resolved:
    """A relative address written in a Markdown page, as the built page must write it."""

    url: Optional[str]  # the address to write in the built page; None: none can be written
    target: Optional[str] = None  # what it points to: a page's src_uri (``deals/kent.md``) or a file's path
    problem: str = ""  # why it can never work, wherever it points


def resolve_relative(from_uri: str, written: str) -> Resolved:
    """A relative address written in the Markdown page ``from_uri``, resolved as MkDocs resolves
    links: relative to the page's file, a ``.md`` target being that page (served at its folder,
    so ``../deals/kent.md`` in ``updates/x.md`` is ``../../deals/kent/``) and anything else a file.
    Backslashes count as slashes, as browsers read them in web addresses."""
    url = written.replace("\\", "/")
    if url.startswith("//"):
        return Resolved(None, problem="starts with //, which leads to another site: write the address in full, with https://")
    rest, hash_, fragment = url.partition("#")
    path, question, query = rest.partition("?")
    if not path:
        return Resolved(written)  # "#section", "?q": this page
    if path.startswith("/"):
        return Resolved(None, problem="starts with /, which breaks when the site is served from a folder: write it relative to this file (e.g. ../deals/kent.md)")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_uri), unquote(path)))
    if target == ".." or target.startswith("../"):
        return Resolved(None, problem="leads outside the site's pages and files")
    if target.endswith(".md"):
        address = href(from_uri, target)
    else:
        address = posixpath.relpath(target, _directory(from_uri))
    return Resolved(quote(address, errors="replace") + question + query + hash_ + fragment, target)


def site_links(page_uri: str) -> dict[str, str]:
    """Links from page_uri to the site's fixed pages."""
    return {
        name: href(page_uri, uri)
        for name, uri in (
            ("home", HOME_URI),
            ("powers", POWERS_URI),
            ("accountability", ACCOUNTABILITY_URI),
            ("compare", COMPARE_URI),
            ("timetable", TIMETABLE_URI),
        )
    }


def _directory(uri: str) -> str:
    """The folder a page is served from, relative to the site: "." for the home page. A
    README.md is its folder's page, as MkDocs serves it (site_pages.page_address)."""
    folder, _, name = uri[: -len(".md")].rpartition("/")
    if name in ("index", "README"):
        return folder or "."
    return f"{folder}/{name}" if folder else name
