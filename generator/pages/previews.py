"""Preview banners: in ``dealsite serve --drafts``, every page showing something held back says so.

A deal's own pages (``deals/<slug>.md`` and ``deals/<slug>/...``) name what of the deal is
held back; an update's page names why the update is; any other page or fragment that
links to a held-back deal names the deal. The banner is added to copies: the pages a
preview server keeps between builds are never changed, so each build shows one banner.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from markupsafe import escape

from ..compute.embargo import HeldBack, Publication
from .bundle import Bundle

BANNER_CLASS = "dealsite-preview"


def banner_html(notes: list[str]) -> str:
    """A visible, escaped banner: 'Preview: not yet public' and why."""
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return (
        f'<div class="admonition warning {BANNER_CLASS}" role="note" data-search-exclude>'
        '<p class="admonition-title">Preview: not yet public</p>'
        f"<p>This page is shown only in a preview (dealsite serve --drafts). The public site leaves out:</p><ul>{items}</ul>"
        "</div>\n"
    )


def with_banners(bundle: Bundle, publication: Publication) -> Bundle:
    """A copy of the bundle whose pages and fragments showing held-back items carry a banner."""
    by_deal: dict[str, list[str]] = {}  # what a deal's own pages name
    for item in publication.held:
        if item.deal is not None:
            by_deal.setdefault(item.deal, []).append(_note(item, own_page=True))
    by_update = {item.name: [_note(item)] for item in publication.held if item.kind == "update"}
    held_deals = {item.deal: _note(item) for item in publication.held if item.kind == "deal"}
    # the committee's record: its page and meeting packs name what of it is held back
    by_record = [_note(item) for item in publication.held if item.kind in ("session", "recommendation", "response")]

    def mentioned(html: str) -> list[str]:
        return [note for slug, note in held_deals.items() if f"deals/{slug}/" in html]

    result = Bundle(out_dir=bundle.out_dir, files=dict(bundle.files), search=list(bundle.search), written=list(bundle.written))
    for page in bundle.pages:
        slug = _deal_of(page.src_uri)
        if slug:
            found = by_deal.get(slug, [])
        elif page.src_uri in by_update:
            found = by_update[page.src_uri]
        else:
            found = mentioned(page.html)
        if page.src_uri == "committee.md" or page.src_uri.startswith("pack/"):
            found = found + by_record
        result.pages.append(replace(page, preview=True, html=_after_h1(page.html, banner_html(found))) if found else page)
    for name, html in bundle.fragments.items():
        found = mentioned(html)
        result.fragments[name] = banner_html(found) + html if found else html
    return result


def _note(item: HeldBack, own_page: bool = False) -> str:
    deal = "This deal" if own_page else f"The deal {item.name}"
    what = {"deal": deal, "update": "This update"}.get(item.kind, f"The {item.name}")
    return f"{what}: {item.reason[:1].lower()}{item.reason[1:]}"


def _after_h1(html: str, banner: str) -> str:
    end = html.find("</h1>")
    if end < 0:
        return banner + html
    end += len("</h1>")
    return html[:end] + "\n" + banner + html[end:]


def _deal_of(src_uri: str) -> Optional[str]:
    """'deals/kent.md' or 'deals/kent/tables.md' -> 'kent'."""
    if not src_uri.startswith("deals/"):
        return None
    rest = src_uri[len("deals/"):]
    return rest.split("/", 1)[0] if "/" in rest else rest.removesuffix(".md")
