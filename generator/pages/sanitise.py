"""What editors write becomes HTML here, and only through an allow-list sanitiser.

Python-Markdown passes raw HTML through and links to any scheme, and MkDocs' attribute lists
let an editor put any attribute on any element: every one of those can run script on the
site. A line-by-line pattern cannot tell which of them are really there (entities in a
scheme, a tag split across lines, a fence the pattern and Markdown read differently). So the
HTML Markdown makes is parsed again by nh3, the binding of Ammonia: an allow-list sanitiser
over html5ever, the HTML parser of a browser engine, that writes out only the elements and
attributes listed here, only web, mail and relative addresses, and escapes everything else.

Two allow-lists:

* ``UPDATE``, for update bodies, which dealsite renders itself (:func:`render_markdown`):
  what plain Markdown with the extensions of ``EXTENSIONS`` makes, and nothing more.
* ``PAGE``, for hand-written pages in content/, which MkDocs renders under the plugin (it
  passes their HTML here) and dealsite renders for ``dealsite export`` (``PAGE_EXTENSIONS``,
  ``pages/written.py``): also ``class`` and ``id`` attributes, admonitions, headings with their ids and
  permalinks, and the markers of our fragments, which :func:`clean_page` fills *after*
  sanitising (fragments are made by our templates and escaped by construction).

Both drop any attribute whose value the last check before publishing (``engine/gate.py``)
would read as a script address, Material's own ids (they start with ``__``), and images
from other sites (the site makes no third-party requests).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

import markdown
import nh3
from markdown.extensions.toc import slugify

# --- Markdown ---------------------------------------------------------------------------------

# The extensions an update may use, and why each:
#   tables       - tables of figures, as in the deal pages
#   fenced_code  - ``` code blocks, which MkDocs gave updates before (it enables it by default)
#   toc          - ids on headings: the page's table of contents, and #links to a section
#   abbr         - *[DLUHC]: Department for Levelling Up, Housing and Communities (<abbr title>)
# Never attr_list (any attribute on any element) or md_in_html (Markdown inside raw HTML); no
# admonition (its markup needs classes, which updates do not get). Raw HTML is not an
# extension: Markdown passes it through, and the sanitiser keeps its text and drops its tags.
EXTENSIONS = ("tables", "fenced_code", "toc", "abbr")
# A hand-written page's: an update's, and admonitions (``!!! note``: their classes are on the
# PAGE allow-list). The same never-list: no attr_list, no md_in_html.
PAGE_EXTENSIONS = ("admonition", *EXTENSIONS)


def _heading_id(value: str, separator: str) -> str:
    # Material's own elements have ids starting with "__" (__search, __drawer): never shadow them.
    return slugify(value, separator).lstrip("_")


@dataclass(frozen=True)
class Rendered:
    html: str  # NOT safe yet: Markdown's output, raw HTML included; sanitise it
    headings: tuple[tuple[int, str, str], ...]  # (level, id, plain text) of every h2 and h3


_MARKDOWN: dict[tuple[str, ...], markdown.Markdown] = {}


def render_markdown(text: str, extensions: tuple[str, ...] = EXTENSIONS) -> Rendered:
    """An update body's Markdown (or, with PAGE_EXTENSIONS, a hand-written page's) as HTML, to
    be sanitised, with its h2 and h3 headings."""
    md = _MARKDOWN.get(extensions)
    if md is None:
        md = _MARKDOWN[extensions] = markdown.Markdown(
            extensions=list(extensions),
            extension_configs={"toc": {"slugify": _heading_id, "permalink": False}},
            output_format="html",
        )
    md.reset()
    out = md.convert(text)
    headings: list[tuple[int, str, str]] = []

    def walk(tokens) -> None:
        for token in tokens:
            if token["level"] in (2, 3) and token["id"]:
                headings.append((token["level"], token["id"], html.unescape(token["name"])))
            walk(token["children"])

    walk(getattr(md, "toc_tokens", []))
    return Rendered(out, tuple(headings))


# --- the allow-lists --------------------------------------------------------------------------

SCHEMES = {"http", "https", "mailto"}  # and relative addresses
HEADINGS = ("h2", "h3", "h4", "h5", "h6")
TABLES = {"table", "thead", "tbody", "tr", "th", "td"}

UPDATE_TAGS = {"p", "br", "hr", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "abbr", "img"}
UPDATE_TAGS |= set(HEADINGS) | TABLES
UPDATE_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"style"},  # text-align only (tables' column alignment): see STYLES
    "td": {"style"},
    **{h: {"id"} for h in HEADINGS},
}

FRAGMENT_TAG = "dealsite-fragment"  # stands for <!-- dealsite:NAME --> while a page is sanitised
PAGE_TAGS = UPDATE_TAGS | {
    "h1", "div", "span", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "kbd", "samp",
    "var", "q", "cite", "dl", "dt", "dd", "details", "summary", "figure", "figcaption", "caption", "tfoot",
    "colgroup", "col", "time", FRAGMENT_TAG,
}
PAGE_ATTRIBUTES = {
    **UPDATE_ATTRIBUTES,
    "*": {"class", "id", "title"},  # admonitions, headings, toc permalinks (a.headerlink)
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start"},
    "details": {"open"},
    "time": {"datetime"},
    FRAGMENT_TAG: {"data-name"},
}
STYLES = {"text-align"}

# As engine/gate.py reads an attribute: entities undone, control characters and spaces
# removed, any case. Dropping what it would find keeps "whatever check accepts, build builds".
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")


def script_capable(value: str) -> bool:
    """True if the last check before publishing would call this attribute value a script address."""
    squeezed = re.sub(r"[\x00-\x20]+", "", html.unescape(value)).lower()
    return squeezed.startswith(_SCRIPT_SCHEMES) or ("url(" in squeezed and "javascript:" in squeezed)


def _attribute(tag: str, name: str, value: str) -> Optional[str]:
    if script_capable(value):
        return None
    if name == "id" and value.startswith("__"):
        return None
    if tag == "img" and name == "src" and (":" in value.split("/", 1)[0] or value.replace("\\", "/").startswith("//")):
        return None  # an image from another site: the site makes no third-party requests
    return value


def _cleaner(tags: set, attributes: dict, relative: Optional[Callable[[str], Optional[str]]]) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=tags,
        attributes=attributes,
        attribute_filter=_attribute,
        url_schemes=SCHEMES,
        url_relative=relative,
        filter_style_properties=STYLES,
        strip_comments=True,
        link_rel=None,  # no rel added: no target attribute is allowed, so no link opens a window that could reach back into ours
    )


def clean_update(body_html: str, relative: Callable[[str], Optional[str]]) -> str:
    """An update body's HTML, sanitised. ``relative(url)``: the address to write for each
    relative address (None drops it); absolute ones must be http, https or mailto."""
    return _cleaner(UPDATE_TAGS, UPDATE_ATTRIBUTES, relative).clean(body_html)


_PAGE_CLEANER: Optional[nh3.Cleaner] = None
# A marker as MkDocs passes it on (a raw HTML comment), and the element it stands for while the
# page is sanitised: only a marker the HTML parser reads as a comment becomes an element, so
# one in an attribute, a code block or another comment stays text (or goes with the comment).
_MARKER = re.compile(r"<!-- dealsite:([A-Za-z0-9/_.-]+) -->")
_PLACEHOLDER = re.compile(rf'<{FRAGMENT_TAG} data-name="([A-Za-z0-9/_.-]+)"></{FRAGMENT_TAG}>')
_LEFTOVER = re.compile(rf"</?{FRAGMENT_TAG}\b[^>]*>")  # one written as an element, of no known name: its tags go
_AS_TEXT = re.compile(rf"&lt;{FRAGMENT_TAG} data-name=([A-Za-z0-9/_.-]+)&gt;&lt;/{FRAGMENT_TAG}&gt;")  # one that stayed text


def clean_page(page_html: str, fragments: Mapping[str, str], relative: Optional[Callable[[str], Optional[str]]] = None) -> str:
    """A hand-written page's HTML (as MkDocs rendered it), sanitised, its fragment markers then
    filled in. Comments are dropped; a marker of no known fragment shows nothing. ``relative``:
    as for :func:`clean_update` (None keeps relative addresses as they are)."""
    return fill_fragments(clean_page_markup(page_html, relative), fragments)


def clean_page_markup(page_html: str, relative: Optional[Callable[[str], Optional[str]]] = None) -> str:
    """A hand-written page's HTML, sanitised, its fragment markers still to be filled in
    (:func:`fill_fragments`)."""
    global _PAGE_CLEANER
    if relative is None and _PAGE_CLEANER is None:
        _PAGE_CLEANER = _cleaner(PAGE_TAGS, PAGE_ATTRIBUTES, None)
    cleaner = _PAGE_CLEANER if relative is None else _cleaner(PAGE_TAGS, PAGE_ATTRIBUTES, relative)
    # Unquoted, so that a marker inside a quoted attribute value stays inside it.
    marked = _MARKER.sub(lambda m: f"<{FRAGMENT_TAG} data-name={m.group(1)}></{FRAGMENT_TAG}>", page_html)
    clean = cleaner.clean(marked)
    return _AS_TEXT.sub(lambda m: f"&lt;!-- dealsite:{m.group(1)} --&gt;", clean)


def fragment_names(clean: str) -> list[str]:
    """The fragments a page :func:`clean_page_markup` sanitised shows, by name, in order."""
    return _PLACEHOLDER.findall(clean)


def fill_fragments(clean: str, fragments: Mapping[str, str]) -> str:
    """The fragment markers of a page :func:`clean_page_markup` sanitised, filled in."""
    clean = _PLACEHOLDER.sub(lambda m: fragments.get(m.group(1), ""), clean)
    # Sanitised HTML escapes "<" and ">" in text and attribute values: each match is a real tag.
    return _LEFTOVER.sub("", clean) if f"<{FRAGMENT_TAG}" in clean or f"</{FRAGMENT_TAG}" in clean else clean
