"""Where every generated page lives, and relative links between pages.

Pages are named as if they were Markdown files in ``docs_dir`` (``deals/kent.md``);
with directory URLs, ``deals/kent.md`` is served at ``deals/kent/``, and links between
pages are relative so the site works from any folder or host.
"""

from __future__ import annotations

import functools
import posixpath

from ..model import Deal

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


def page_location(src_uri: str) -> str:
    """A page's address: "powers.md" is "powers/", "index.md" is "", "deals/kent.md" is "deals/kent/"."""
    return _directory(src_uri) + "/" if _directory(src_uri) != "." else ""


def href(from_uri: str, to_uri: str, anchor: str = "") -> str:
    """A relative link between two pages' directory URLs: 'powers.md' -> 'deals/kent.md' is '../deals/kent/'."""

    path = _relative_directory(from_uri, to_uri)
    return path + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=65536)  # posixpath.relpath is slow, and pages across deals ask thousands of times
def _relative_directory(from_uri: str, to_uri: str) -> str:
    path = posixpath.relpath(_directory(to_uri), _directory(from_uri))
    return "./" if path == "." else path + "/"




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
    """The folder a page is served from, relative to the site: "." for the home page."""
    stem = uri[: -len(".md")]
    if stem == "index":
        return "."
    return stem[: -len("/index")] if stem.endswith("/index") else stem
