"""``dealsite export DIR``: the site as a plain docs folder that builds without our plugin.

The export is the way off any one engine: ``mkdocs build`` (or ``properdocs build``, or
another engine that reads mkdocs.yml) builds it with no dealsite code at all. It runs the
same pipeline as a build, so it passes the same publication gate, and the last check before
publishing reads every file it writes. It never imports an engine::

    DIR/.dealsite-site    the marker: a folder dealsite made, replaced whole by the next export
    DIR/mkdocs.yml        the project's, less the dealsite plugin and ``watch``; its nav with
                          pages' new file names; ``not_in_nav`` for what the plugin keeps out
    DIR/docs/             content/ (less updates not yet public), the generated pages, data, feeds
    DIR/overrides/        the theme's custom_dir

What the plugin does, written into files instead:

- **Generated pages** become Markdown holding their pre-rendered HTML (Python-Markdown passes
  block-level HTML through untouched), with the escaped title and description as front matter,
  and an ``<h1>`` where the HTML has none (the theme would print the nav's label instead).
- **Hand-written pages** (content/*.md) are rendered and sanitised here, by the core, not by
  the engine: Python-Markdown with the page extensions (``sanitise.PAGE_EXTENSIONS``: no
  attribute lists, no Markdown in HTML), the page allow-list (``clean_page``), their relative
  links written as MkDocs writes them for the page's address, fragments
  (``<!-- dealsite:NAME -->``) filled, title and description escaped; then written as HTML in
  Markdown like generated pages. Copied as Markdown, they were the engine's to render, and
  ``mkdocs build`` of the export published their raw HTML, ``{: onclick=... }`` attributes and
  ``javascript:`` links as they were (the plugin sanitises MkDocs' HTML; the export has no
  plugin).
- **Every page ``X.md`` is written as ``X/index.md``** (``index.md`` files stay). The URL is the
  same, and the folder of the file is then the folder of the URL, so the links in our HTML
  (relative to the page's URL) are right for an engine that resolves links in raw HTML
  against the source file (Zensical does) as for one that leaves them alone (MkDocs).
- **No blank line inside an element**: a CommonMark engine ends an HTML block at a blank line
  and reads what follows as Markdown; there the line break is written ``&#10;``.
- **Search.** An engine's search plugin indexes pages itself and writes its index after the
  files are copied (Material: ``search/search_index.json`` in ``on_post_build``), so neither
  front matter nor a prebuilt index can carry our entries written from the data
  (``Bundle.search``). Pages the plugin's index finds through those entries (deal pages, pages
  across deals) are left to the engine to index from their HTML, whose bulky tables carry
  ``data-search-exclude``; pages it leaves out (tables pages, dashboard, pack) keep
  ``search: exclude: true``.

What is lost: the table of contents of every page, generated and hand-written. MkDocs builds
it from Markdown headings, and these pages' headings are HTML; their ids and anchors stay.
Hand-written pages also lose attribute lists (``{: .class }`` is shown as written, as in
updates), which only MkDocs' own rendering gave them.
The last check reads the exported Markdown pages as HTML, so a script in any of them is refused.
"""

from __future__ import annotations

import bisect
import html.parser
import os
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import lxml.etree
import lxml.html
import yaml
from markupsafe import escape

from ..compute.display import long_date
from ..model.clock import build_time
from ..model.content import Content, Page, read_page
from ..model.updates import Update
from ..pages.bundle import GeneratedPage
from ..pages.links import page_location
from ..pages.sanitise import fill_fragments
from ..pages.written import render_body
from .gate import check_site
from .site_text import MARKDOWN  # what MkDocs reads as pages
from .pipeline import Built, Settings, build, build_moment, read_sources
from .project import YamlDumper, plugins_besides_ours, read_project
from .publish import (
    BuildFailed,
    check_output_dir,
    mark_site,
    project_sources,
    remove_abandoned,
    swap,
    umask_mode,
)

DOCS, OVERRIDES = "docs", "overrides"
FRAGMENT = re.compile(r"<!-- dealsite:([^ ]+) -->")  # as the plugin's (tests/test_export.py keeps them equal)
# Python-Markdown passes these through as raw HTML blocks; anything else at the top level of a
# page would be parsed as Markdown (deal text with [x](y) in it would become a link).
BLOCK = set(
    "address article aside blockquote details div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hgroup hr main menu nav ol p pre section table ul canvas colgroup dd dt li math noscript "
    "output progress script style summary tbody td textarea tfoot th thead tr video".split()
)


@dataclass(frozen=True)
class Exported:
    folder: Path
    built: Built  # what the pipeline made: the bundle, and the publication it was made from
    pages: int  # Markdown pages in docs/
    files: int  # everything in docs/


# --- the export ----------------------------------------------------------------------------------


def _moment(settings: Settings, config_file: Path):
    try:
        return build_moment(settings, build_time())
    except ValueError as error:
        raise BuildFailed(f"{config_file}: {error}") from None


def export_site(config_file: Path, folder: Path, *, jobs: int | None = None) -> Exported:
    """Write the project of ``config_file`` into ``folder`` as a plain docs folder, atomically.

    Refused (:class:`RefusedOutputFolder`) before anything is made if ``folder`` is a source
    or a folder dealsite did not make; raises ``InvalidDeals`` for bad files and
    ``UnsafeOutput`` if the last check finds anything held back or unsafe. ``folder`` is
    replaced only when everything succeeded."""
    config_file = Path(config_file).resolve()
    config, settings = read_project(config_file)
    sources_of_project = project_sources(
        config_file, settings.content_dir, deals_dir=settings.deals_dir, templates_dir=settings.templates_dir
    )
    check_output_dir(Path(folder), sources_of_project)
    now = _moment(settings, config_file)  # the end of as_of's day for an archive
    sources = read_sources(settings, now)  # links checked against the site as published now, as a build checks them
    target = Path(folder).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".dealsite-build-{os.getpid()}-", dir=target.parent))
    umask_mode(staging)
    try:
        mark_site(staging)
        docs = staging / DOCS
        # What the site publishes of content/, nothing else: not what exclude_docs or draft_docs
        # leave out (an update among them would be raw text in the export), nor hidden files.
        docs.mkdir()
        for uri in sorted(sources.content.published()):
            (docs / uri).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(sources.content.path(uri), docs / uri)
        built = build(settings, sources, now, out_dir=docs, jobs=jobs)
        public = {u.src_uri: u for u in built.publication.updates}
        for update in sources.updates:
            if update.src_uri not in public:  # never published: not even copied
                (docs / update.src_uri).unlink()
        moved = _write_pages(docs, built, public, sources.content, _labelled(config.get("nav")))
        _write_config(staging, config, config_file.parent, built, public, moved, [line for line in settings.exclude_docs if line.startswith("!")])
        scripts = [path for key, path, _ in settings.named if key == "extra_javascript"]
        check_site(docs, built.publication, own_scripts=scripts, jobs=jobs, site_url=settings.site_url)
        files = [p for p in docs.rglob("*") if p.is_file()]
        swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Exported(target, built, sum(p.suffix in MARKDOWN for p in files), len(files))


def index_form(src_uri: str) -> str:
    """"powers.md" -> "powers/index.md"; "index.md" and "x/index.md" stay; "x/README.md", its
    folder's page as MkDocs serves it (and as the pages' links take it), is "x/index.md"."""
    folder, _, name = src_uri.rsplit(".", 1)[0].rpartition("/")
    if name in ("index", "README"):
        return f"{folder}/index.md" if folder else "index.md"
    return f"{folder}/{name}/index.md" if folder else f"{name}/index.md"


def _write_pages(docs: Path, built: Built, public: dict[str, Update], content: Content, labelled: set[str]) -> dict[str, str]:
    """Generated pages and hand-written ones, as HTML in Markdown; returns the pages that moved
    (old src_uri -> new): every one but ``index.md`` files."""
    bundle = built.bundle
    for path, data in bundle.files.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_bytes(data)
    generated = {p.src_uri: p for p in bundle.pages}
    hand_written = sorted(uri for uri in content.pages if uri not in generated)  # a generated page replaces a hand-written one
    moved = {uri: index_form(uri) for uri in [*generated, *(u for u in public if u not in generated), *hand_written]}
    indexed = {e.location.split("#")[0] for e in bundle.search}
    pages = [(p.src_uri, lambda p=p: _generated_markdown(p, page_location(p.src_uri) in indexed)) for p in bundle.pages]
    pages += [(uri, lambda uri=uri: _hand_written_markdown(read_page(content, uri), bundle.fragments, uri in labelled)) for uri in hand_written]
    for src_uri, _ in pages:
        (docs / src_uri).unlink(missing_ok=True)
    written: dict[str, str] = {}
    for src_uri, markdown in pages:
        new = moved[src_uri]
        if new in written:  # MkDocs refuses the two as well: they would be one page
            raise BuildFailed(f"{content.path(src_uri)} and {content.path(written[new])} would both be the page {page_location(new) or '/'}: rename one")
        written[new] = src_uri
        (docs / new).parent.mkdir(parents=True, exist_ok=True)
        (docs / new).write_text(markdown(), encoding="utf-8")
    return moved


def _front_matter(meta: dict) -> str:
    if not meta:
        return ""
    return "---\n" + yaml.dump(meta, Dumper=YamlDumper, sort_keys=False, allow_unicode=True, width=1 << 16) + "---\n\n"


def _generated_markdown(page: GeneratedPage, indexed_from_data: bool) -> str:
    # Escaped, as the plugin sets them: the theme prints them as HTML (Material's <meta> unescaped).
    meta: dict = {"title": str(escape(page.title)), "description": str(escape(page.description))}
    if not page.search and not indexed_from_data:
        meta["search"] = {"exclude": True}  # the plugin's index leaves it out too
    html = page.html.strip()
    if "<h1" not in html:  # what the theme prints above a page without one (page.title, as the plugin sets it)
        html = f"<h1>{escape(page.title)}</h1>\n{html}"
    return _html_markdown(meta, html)


def _hand_written_markdown(page: Page, fragments: dict[str, str], labelled: bool = False) -> str:
    """A hand-written page as the plugin gives it to the engine, but rendered and sanitised here
    (``pages/written.py``): its links written for its address, its fragments filled, its title
    and description escaped (Material prints them unescaped). Unless the nav gives it a label
    (``labelled``), a page without a title is given its first heading's, as MkDocs gives it from
    Markdown only (it would be named after its file, now always ``index.md``)."""
    html = fill_fragments(render_body(page).html, fragments).strip()
    meta = dict(page.meta)
    for key in ("title", "description"):
        if meta.get(key) is not None:
            meta[key] = str(escape(meta[key]))
    if meta.get("title") is None and not labelled and page.src_uri != "index.md":
        title = _first_heading(html)  # what MkDocs names the page after, and sees in Markdown only
        if title:
            meta["title"] = str(escape(title))
    return _html_markdown(meta, html)


def _first_heading(html: str) -> str:
    """The text of the page's first element if it is an <h1> (MkDocs' rule for a page's title)."""
    try:
        parts = [p for p in lxml.html.fragments_fromstring(html) if not isinstance(p, str)]
    except (lxml.etree.ParserError, ValueError):
        return ""
    return parts[0].text_content().strip() if parts and parts[0].tag == "h1" else ""


def _labelled(item) -> set[str]:
    """The pages the nav names with a label of its own (``- Publishing guide: publishing.md``)."""
    if isinstance(item, list):
        return set().union(*(_labelled(i) for i in item))
    if isinstance(item, dict):
        return set().union(*({posixpath.normpath(v)} if isinstance(v, str) else _labelled(v) for v in item.values()))
    return set()


_BLANK_LINE = re.compile(r"(?<=\n)([ \t]*)\n")
_VOID = set("area base br col embed hr img input link meta source track wbr".split())


class _Depth(html.parser.HTMLParser):
    """Where each element of (well-formed, sanitised) HTML opens and closes: (offset, depth after)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.changes: list[tuple[int, int]] = []
        self.depth = 0
        self.feed(text)
        self.close()

    def _at(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.depth += 1
            self.changes.append((self._at(), self.depth))

    def handle_endtag(self, tag):
        if tag not in _VOID:
            self.depth -= 1
            self.changes.append((self._at(), self.depth))


def _without_blank_lines(text: str) -> str:
    """Blank lines inside elements written as ``&#10;`` (the same text to an HTML parser): a
    CommonMark engine ends an HTML block at a blank line and reads what follows as Markdown.
    Blank lines between top-level blocks stay: each block after one starts with its tag."""
    if not _BLANK_LINE.search(text):
        return text
    changes = _Depth(text).changes
    offsets = [offset for offset, _ in changes]

    def inside(match: re.Match) -> str:
        i = bisect.bisect_right(offsets, match.start()) - 1
        return match.group(1) + "&#10;" if i >= 0 and changes[i][1] > 0 else match.group(0)

    return _BLANK_LINE.sub(inside, text)


def _html_markdown(meta: dict, html: str) -> str:
    """HTML as a Markdown page that every engine passes through: all of it block-level HTML
    (else in a <div>), and no blank line inside an element (:func:`_without_blank_lines`)."""
    if not _all_block_level(html):
        html = f"<div>\n{html}\n</div>"
    return _front_matter(meta) + _without_blank_lines(html) + "\n"


def _all_block_level(html: str) -> bool:
    try:
        parts = lxml.html.fragments_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return False
    for part in parts:
        if isinstance(part, str):
            if part.strip():
                return False
            continue
        if not (isinstance(part.tag, str) and part.tag.lower() in BLOCK) and part.tag is not lxml.etree.Comment:
            return False
        if (part.tail or "").strip():
            return False
    return True


def _nav(item, moved: dict[str, str]):
    if isinstance(item, str):
        return moved.get(posixpath.normpath(item), item)
    if isinstance(item, list):
        return [_nav(i, moved) for i in item]
    if isinstance(item, dict):
        return {key: _nav(value, moved) for key, value in item.items()}
    return item


def _write_config(staging: Path, config: dict, root: Path, built: Built, public: dict[str, Update], moved: dict[str, str], kept: list[str]) -> None:
    config = dict(config)
    config["plugins"], _ = plugins_besides_ours(config)
    config["docs_dir"], config["site_dir"] = DOCS, "site"
    config.pop("watch", None)  # deals/ and site_templates/ are not in the export
    # Applied already (only what the site publishes was copied); in the export they would match
    # the generated pages and downloads too ("*.csv" would drop every deal's downloads). Only
    # the lines that bring back a hidden file (!.well-known/) are still needed.
    config.pop("draft_docs", None)
    config.pop("exclude_docs", None)
    if kept:
        config["exclude_docs"] = "".join(f"{line}\n" for line in kept)
    if built.publication.archive is not None:  # an archive: the banner on every page (overrides/main.html)
        config["extra"] = {**(config.get("extra") or {}), "dealsite_archive": long_date(built.publication.archive)}
    if "nav" in config:
        config["nav"] = _nav(config["nav"], moved)
    # Kept out of the nav, as the plugin keeps them (InclusionLevel.NOT_IN_NAV).
    hidden = [moved[p.src_uri] for p in built.bundle.pages if p.src_uri.startswith("deals/")] + [moved[u] for u in public]
    config["not_in_nav"] = "".join(f"{line}\n" for line in [*str(config.get("not_in_nav") or "").splitlines(), *(f"/{p}" for p in hidden)])
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        shutil.copytree(root / str(theme["custom_dir"]), staging / OVERRIDES)
        config["theme"] = {**theme, "custom_dir": OVERRIDES}
    header = (
        "# Written by `dealsite export`: a plain docs folder that builds without the dealsite plugin\n"
        "# (mkdocs build -f THIS_FILE). The next export replaces this whole folder: do not edit it here.\n"
    )
    (staging / "mkdocs.yml").write_text(header + yaml.dump(config, Dumper=YamlDumper, sort_keys=False, allow_unicode=True, width=1 << 16), encoding="utf-8")
