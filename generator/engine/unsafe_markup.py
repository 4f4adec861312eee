"""The last check's look for unsafe markup (engine/gate.py): in a page, an SVG, a Markdown page
of an export, and the entries of a search index, as a browser would read them.

Unsafe: any ``on*`` attribute; a ``javascript:``, ``vbscript:`` or ``data:`` URL in any
attribute; elements that run or embed other documents (iframe, object, embed, base, a
refreshing meta); and a ``<script>`` that is not one of the site's own (a file of the theme
or of ``extra_javascript``, or an inline script the theme writes on every page, such as the
one on ``404.html``).
"""

from __future__ import annotations

import bisect
import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit

import lxml.etree

from .site_text import json_parts, json_text, strings


@dataclass(frozen=True, order=True)
class Finding:
    """Something a built file must not show: the file (relative to the site) and what."""

    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
UNSAFE_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
_WATCHED = UNSAFE_ELEMENTS | {"script", "meta"}  # the elements looked at for what they are
_CONTROLS = re.compile(r"[\x00-\x20]+")  # what a browser skips inside a URL's scheme
_SCOPE = re.compile(r'new URL\("[^"]*",location\)')  # the one part of the theme's inline scripts that varies by page


class Scripts:
    """The site's own scripts: files of the theme and of extra_javascript, and the theme's inline ones."""

    def __init__(self, site: Path, own: Iterable[str], site_url: str = ""):
        # The folder the site is served from: MkDocs writes 404.html's addresses from it
        # (/deals/assets/... for a site_url of https://example.org/deals/), as a 404 page is
        # served at any depth.
        folder = urlsplit(site_url).path.strip("/")
        self.base = f"/{folder}/" if folder else "/"
        self.files = {p.strip("/") for p in own}
        self.files |= {p.relative_to(site).as_posix() for p in (site / "assets" / "javascripts").rglob("*.js")}
        self.inline: set[str] = set()
        sample = site / "404.html"  # every theme page has these; 404 shows no deal text at all
        root = read_markup("404.html", sample.read_bytes()) if sample.is_file() else None
        if root is not None:
            for element in root.iter("script"):
                if not element.get("src") and element.get("type") != "application/json":
                    self.inline.add(_SCOPE.sub("", element.text or ""))

    def allowed(self, page: str, element) -> bool:
        src = element.get("src")
        if src is not None:
            if "://" in src or src.startswith("//"):
                return False
            path = src.split("?")[0].split("#")[0]
            if path.startswith("/"):  # from the host's root: ours only below the site's folder
                if not path.startswith(self.base):
                    return False
                path = path[len(self.base):]
                page = ""
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            return target in self.files
        if (element.get("type") or "").strip().lower() == "application/json":
            return True  # data, never run
        return _SCOPE.sub("", element.text or "") in self.inline


# Elements whose content a browser reads as plain text, up to the first closing tag, where lxml
# reads markup: `<noscript><p title="</noscript><img onerror=...>">` is an attribute to lxml and
# an image with a handler to a browser running script. Such a page is scanned a second time as
# the browser reads it: each such element's content up to its first closing tag left out.
_RAW_OPENING = re.compile(rb"<(noscript|noembed|noframes|xmp|iframe|textarea)\b[^>]*>", re.IGNORECASE)
# The other way round: inside <svg> or <math> (foreign content) a browser reads every element's
# content as markup, where libxml2 keeps that of these as text: `<svg><style><img src=x
# onerror=...>` is an image with a handler to the browser. Where libxml2 has kept a tag as the
# text of one of them inside <svg> or <math>, the page is scanned a second time with these
# elements renamed, so that libxml2 reads every one's content as markup (and ends it, and reads
# its attributes, by its own rules, not by a pattern of ours).
_KEPT_AS_TEXT = ("style", "title", "script", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext")
_KEPT_AS_TEXT_TAG = re.compile(rb"(</?)(" + "|".join(_KEPT_AS_TEXT).encode() + rb")(?=[\t\n\f\r />])", re.IGNORECASE)


SEARCH_INDEX = "search_index.json"  # Material's: the search box shows the strings of its entries as HTML


def search_index_findings(name: str, raw: bytes, scripts: Scripts) -> list[Finding]:
    """Unsafe markup in the entries of a search index, as the search box shows them: every string
    of an entry (title, text, tags, any field a theme may show) as HTML of its own (an entry
    cannot close what another opened), and its location as a link. An index Python cannot read
    as JSON is a finding of its own: a browser might read it."""
    found: list[Finding] = []

    def add(more: Iterable[Finding]) -> None:
        found.extend(f for f in more if f not in found)

    try:
        for path, entry in json_parts(json_text(raw)[0]):
            if len(path) != 2 or path[0] != "docs":
                continue
            if isinstance(entry, dict) and isinstance(entry.get("location"), str) and _runs_script(entry["location"]):
                add([Finding(name, "has a script-capable URL as the location of an entry")])
            for string in strings(entry):
                if "<" in string:  # no element, nothing to run (a fragment with none is no finding)
                    add(f for f in markup_findings(name, string.encode("utf-8", "surrogatepass"), scripts) if f.what != UNREADABLE)
    except (ValueError, RecursionError):
        add([Finding(name, "could not be read as JSON, so its entries could not be checked")])
    return found


def markup_findings(name: str, data: bytes, scripts: Scripts, root=None) -> list[Finding]:
    """Unsafe markup in a page or SVG; ``root``: the document as :func:`read_markup` read it,
    where the caller has it already."""
    root = read_markup(name, data) if root is None else root
    if root is None:
        return [] if not data.strip() else [Finding(name, UNREADABLE)]
    found = _unsafe_elements(name, root, scripts)
    for as_a_browser_reads in _browser_readings(name, data, root):
        found += [f for f in _unsafe_in(name, as_a_browser_reads, scripts) if f not in found]
    return found


def _browser_readings(name: str, data: bytes, root) -> list[bytes]:
    """The page as a browser reads it, where that differs from libxml2's reading ``root``
    (see _RAW_OPENING, _KEPT_AS_TEXT)."""
    if name.endswith(".svg"):  # XML: every element is markup to both
        return []
    readings = []
    if _RAW_OPENING.search(data):
        reading = _raw_text_left_out(data)
        if reading != data:
            readings.append(reading)
    if _hides_markup_in_foreign_content(root):
        readings.append(_KEPT_AS_TEXT_TAG.sub(rb"\1dealsite-\2", data))
    return readings


def _raw_text_left_out(data: bytes) -> bytes:
    """``data`` with the content of each element of _RAW_OPENING left out, up to its first
    closing tag (one never closed is left as it is). In one pass: a pattern that looked for the
    closing tag from each opening took minutes over a page of 32,000 unclosed ones."""
    lower = data.lower()
    closings: dict[bytes, list[int]] = {}
    out, at = [], 0
    for opening in _RAW_OPENING.finditer(data):
        if opening.start() < at:  # inside the text of the one before
            continue
        tag = opening.group(1).lower()
        if tag not in closings:
            closings[tag] = [m.start() for m in re.finditer(re.escape(b"</" + tag), lower)]
        ends = closings[tag]
        k = bisect.bisect_left(ends, opening.end())
        if k < len(ends):
            out.append(data[at : opening.end()])
            at = ends[k]
    out.append(data[at:])
    return b"".join(out)


def _hides_markup_in_foreign_content(root) -> bool:
    """Whether libxml2 kept a tag as the text of an element inside <svg> or <math>."""
    return any("<" in (kept.text or "") for foreign in root.iter("svg", "math") for kept in foreign.iter(*_KEPT_AS_TEXT))


# libxml2's HTML parser, as lxml.html uses it but without lxml.html's element classes, which
# are chosen by a Python call for each element visited. The tree is the same; a fragment is
# read as a page with that body.
_HTML = lxml.etree.HTMLParser(encoding="utf-8")  # as the site is served: a <meta charset> inside cannot change it


def read_markup(name: str, data: bytes):
    """The document's root element: None for a document with none or that cannot be read."""
    try:
        return lxml.etree.fromstring(data) if name.endswith(".svg") else lxml.etree.fromstring(data, _HTML)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None


UNREADABLE = "could not be read as HTML or SVG"


def _runs_script(value: str) -> bool:
    """Whether a URL (or a style with url()) can run script, as a browser reads it."""
    squeezed = _CONTROLS.sub("", html.unescape(value)).lower()
    return squeezed.startswith(UNSAFE_SCHEMES) or ("url(" in squeezed and "javascript:" in squeezed)


def _unsafe_in(name: str, data: bytes, scripts: Scripts) -> list[Finding]:
    root = read_markup(name, data)
    if root is None:
        return [] if not data.strip() else [Finding(name, UNREADABLE)]
    return _unsafe_elements(name, root, scripts)


def _unsafe_elements(name: str, root, scripts: Scripts) -> list[Finding]:
    found = []
    for element in root.iter(lxml.etree.Element):  # elements only: not comments or processing instructions
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in _WATCHED:
            if tag in UNSAFE_ELEMENTS:
                found.append(Finding(name, f"has a <{tag}> element"))
            if tag == "script" and not scripts.allowed(name.split("!")[0], element):
                found.append(Finding(name, "has a <script> that is not one of the site's own"))
            if tag == "meta" and (element.get("http-equiv") or "").strip().lower() == "refresh":
                found.append(Finding(name, "has a refreshing <meta> (it can redirect)"))
        for attribute, value in element.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                found.append(Finding(name, f"has an {local} attribute on <{tag}>"))
            # Every unsafe URL has a colon, which only a colon or an entity (&) can give:
            # values with neither (most of a page's) need no closer look.
            if (":" in value or "&" in value) and _runs_script(value):
                found.append(Finding(name, f"has a script-capable URL in {local} on <{tag}>"))
            if local == "srcdoc":
                found.append(Finding(name, f"has a srcdoc attribute on <{tag}>"))
    return found
