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
- **Each generated page and public update ``X.md`` is written as ``X/index.md``.** The URL is the
  same, and the folder of the file is then the folder of the URL, so the links in our HTML
  (relative to the page's URL) are right for an engine that resolves links in raw HTML
  against the source file (Zensical does) as for one that leaves them alone (MkDocs).
  Markdown links in hand-written pages follow the pages that moved.
- **Fragments** (``<!-- dealsite:NAME -->``) are filled in the Markdown; an update gets its
  byline and escaped title and description, as the plugin gives them.
- **Search.** An engine's search plugin indexes pages itself and writes its index after the
  files are copied (Material: ``search/search_index.json`` in ``on_post_build``), so neither
  front matter nor a prebuilt index can carry our entries written from the data
  (``Bundle.search``). Pages the plugin's index finds through those entries (deal pages, pages
  across deals) are left to the engine to index from their HTML, whose bulky tables carry
  ``data-search-exclude``; pages it leaves out (tables pages, dashboard, pack) keep
  ``search: exclude: true``.

What is lost: the table of contents of generated pages. MkDocs builds it from Markdown
headings, and these pages' headings are HTML; their ids and anchors stay.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import lxml.etree
import lxml.html
import yaml
from markupsafe import escape

from ..model.clock import build_time
from ..model.updates import UPDATES_DIR, Update, split_front_matter
from ..pages.bundle import GeneratedPage
from ..pages.links import page_location
from .gate import check_site
from .pipeline import Built, Settings, build, corrections_address, read_sources
from .publish import (
    BuildFailed,
    check_output_dir,
    mark_site,
    project_sources,
    remove_abandoned,
    swap,
    umask_mode,
)

DOCS, OVERRIDES, PLUGIN = "docs", "overrides", "dealsite"
FRAGMENT = re.compile(r"<!-- dealsite:([^ ]+) -->")  # as the plugin's (tests/test_export.py keeps them equal)
MARKDOWN = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # what MkDocs reads as pages
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


# --- reading mkdocs.yml without an engine --------------------------------------------------------


@dataclass
class _Tagged:
    """A value with a tag only an engine knows (``!ENV``, ``!!python/name:``): written back as read."""

    tag: str
    value: object


class _Loader(yaml.SafeLoader):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        return _Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return _Tagged(node.tag, loader.construct_mapping(node, deep=True))


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


_Dumper.add_representer(_Tagged, _represent_tagged)
_Dumper.add_representer(str, _represent_text)


def _plugins(config: dict) -> tuple[list | dict, dict]:
    """(the plugins less ours, our options); plugins may be a list or a mapping."""
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        return {k: v for k, v in plugins.items() if k != PLUGIN}, plugins.get(PLUGIN) or {}
    named = [(p, {}) if isinstance(p, str) else next(iter(p.items())) for p in plugins]
    return [p for p, (name, _) in zip(plugins, named) if name != PLUGIN], next((o or {} for n, o in named if n == PLUGIN), {})


def read_project(config_file: Path) -> tuple[dict, Settings]:
    """mkdocs.yml as written, and the pipeline's settings from it (as engine.mkdocs.config reads them)."""
    try:
        config = yaml.load(Path(config_file).read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BuildFailed(f"{config_file}: {error}") from None
    if not isinstance(config, dict):
        raise BuildFailed(f"{config_file}: not a mapping of settings")
    for key in ("INHERIT", "hooks"):
        if key in config:  # their paths are relative to a file the export does not carry
            raise BuildFailed(f"{config_file}: export does not follow {key}: (copy what it names into the export by hand)")
    _, options = _plugins(config)

    def text(value, what: str) -> str:
        if not isinstance(value, str):
            raise BuildFailed(f"{config_file}: {what} must be plain text to export (found {value!r})")
        return value

    root = Path(config_file).parent
    return config, Settings(
        deals_dir=root / text(options.get("deals_dir", "deals"), "dealsite: deals_dir"),
        content_dir=root / text(config.get("docs_dir", "docs"), "docs_dir"),
        templates_dir=root / text(options.get("templates_dir", "site_templates"), "dealsite: templates_dir"),
        site_url=text(config.get("site_url") or "", "site_url"),
        pack_pdf=bool(options.get("pack_pdf", False)),
        corrections=_corrections(text(options.get("corrections", "") or "", "dealsite: corrections"), config_file),
    )


def _corrections(value: str, config_file) -> str:
    try:
        return corrections_address(value)
    except ValueError as error:
        raise BuildFailed(f"{config_file}: dealsite: corrections: {error}") from None


# --- the export ----------------------------------------------------------------------------------


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
    sources = read_sources(settings)
    target = Path(folder).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".dealsite-build-{os.getpid()}-", dir=target.parent))
    umask_mode(staging)
    try:
        mark_site(staging)
        docs = staging / DOCS
        shutil.copytree(settings.content_dir, docs, symlinks=True)  # a symlink stays one: the check refuses it
        built = build(settings, sources, build_time(), out_dir=docs, jobs=jobs)
        public = {u.src_uri: u for u in built.publication.updates}
        for update in sources.updates:
            if update.src_uri not in public:  # never published: not even copied
                (docs / update.src_uri).unlink()
        moved = _write_pages(docs, built, public)
        _write_config(staging, config, config_file.parent, built, public, moved)
        check_site(docs, built.publication, own_scripts=config.get("extra_javascript") or ())
        files = [p for p in docs.rglob("*") if p.is_file()]
        swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Exported(target, built, sum(p.suffix in MARKDOWN for p in files), len(files))


def index_form(src_uri: str) -> str:
    """"powers.md" -> "powers/index.md"; "index.md" and "x/index.md" stay."""
    stem = src_uri.rsplit(".", 1)[0]
    return src_uri if stem == "index" or stem.endswith("/index") else f"{stem}/index.md"


def _write_pages(docs: Path, built: Built, public: dict[str, Update]) -> dict[str, str]:
    """Generated pages and hand-written ones, as the plugin would hand them to the engine;
    returns the pages that moved (old src_uri -> new)."""
    bundle = built.bundle
    for path, content in bundle.files.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_bytes(content)
    generated = {p.src_uri: p for p in bundle.pages}
    moved = {uri: index_form(uri) for uri in [*generated, *(u for u in public if u not in generated)]}
    indexed = {e.location.split("#")[0] for e in bundle.search}
    hand_written = sorted(p for p in docs.rglob("*") if p.suffix in MARKDOWN and p.is_file() and not p.is_symlink())
    for page in bundle.pages:
        (docs / page.src_uri).unlink(missing_ok=True)  # a generated page replaces a hand-written one
        target = docs / moved[page.src_uri]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_generated_markdown(page, page_location(page.src_uri) in indexed), encoding="utf-8")
    fragments = bundle.fragments
    for path in hand_written:
        src_uri = path.relative_to(docs).as_posix()
        if src_uri in generated:
            continue  # replaced above
        text = path.read_text(encoding="utf-8")
        update = public.get(src_uri)
        if update is not None:
            text = _update_markdown(text, update, fragments.get(f"{UPDATES_DIR}/{update.stem}", ""))
        new = moved.get(src_uri, src_uri)
        text = _outside_code(text, lambda part: _relink(part, posixpath.dirname(src_uri), posixpath.dirname(new), moved))
        text = _outside_code(text, lambda part: FRAGMENT.sub(lambda m: fragments.get(m.group(1), m.group(0)), part))
        if new != src_uri:
            path.unlink()
            path = docs / new
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return moved


def _front_matter(meta: dict) -> str:
    return "---\n" + yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 16) + "---\n\n"


def _generated_markdown(page: GeneratedPage, indexed_from_data: bool) -> str:
    # Escaped, as the plugin sets them: the theme prints them as HTML (Material's <meta> unescaped).
    meta: dict = {"title": str(escape(page.title)), "description": str(escape(page.description))}
    if not page.search and not indexed_from_data:
        meta["search"] = {"exclude": True}  # the plugin's index leaves it out too
    html = page.html.strip()
    if "<h1" not in html:  # what the theme prints above a page without one (page.title, as the plugin sets it)
        html = f"<h1>{escape(page.title)}</h1>\n{html}"
    if not _all_block_level(html):
        html = f"<div>\n{html}\n</div>"
    return _front_matter(meta) + html + "\n"


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


def _update_markdown(text: str, update: Update, byline: str) -> str:
    """The update with escaped title and description (Material prints them unescaped) and its byline."""
    front, body, _ = split_front_matter(text)
    meta = yaml.safe_load(front) if front else {}
    meta = meta if isinstance(meta, dict) else {}
    meta["title"] = str(escape(update.title))
    meta["description"] = str(escape(update.summary))
    return _front_matter(meta) + (byline + "\n\n" if byline else "") + body


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)


def _outside_code(text: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the Markdown outside fenced code blocks and code spans."""
    out, prose, fence = [], [], None

    def flush() -> None:
        part = "".join(prose)
        spans: list[str] = []
        masked = _CODE_SPAN.sub(lambda m: spans.append(m.group(0)) or f"\x00{len(spans) - 1}\x00", part)
        out.append(re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], change(masked)))
        prose.clear()

    for line in text.splitlines(keepends=True):
        opening = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        elif opening:
            flush()
            fence = opening.group(1)
            out.append(line)
        else:
            prose.append(line)
    flush()
    return "".join(out)


_INLINE = re.compile(r"(\]\(\s*<?)([^)\s>]+)")  # [text](target ...) and ![alt](target ...)
_REFERENCE = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*<?)([^\s>]+)", re.MULTILINE)  # [id]: target
_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)")


def _relink(text: str, old_dir: str, new_dir: str, moved: dict[str, str]) -> str:
    """Markdown links of a page that moved from old_dir to new_dir, to pages that moved."""

    def rebase(match: re.Match) -> str:
        target = match.group(2)
        path, rest = re.match(r"([^#?]*)(.*)", target, re.DOTALL).groups()
        if not path or _ABSOLUTE.match(target):
            return match.group(0)
        resolved = posixpath.normpath(posixpath.join(old_dir, path))
        if resolved not in moved and old_dir == new_dir:
            return match.group(0)
        return match.group(1) + posixpath.relpath(moved.get(resolved, resolved), new_dir or ".") + rest

    return _REFERENCE.sub(rebase, _INLINE.sub(rebase, text))


def _nav(item, moved: dict[str, str]):
    if isinstance(item, str):
        return moved.get(posixpath.normpath(item), item)
    if isinstance(item, list):
        return [_nav(i, moved) for i in item]
    if isinstance(item, dict):
        return {key: _nav(value, moved) for key, value in item.items()}
    return item


def _write_config(staging: Path, config: dict, root: Path, built: Built, public: dict[str, Update], moved: dict[str, str]) -> None:
    config = dict(config)
    config["plugins"], _ = _plugins(config)
    config["docs_dir"], config["site_dir"] = DOCS, "site"
    config.pop("watch", None)  # deals/ and site_templates/ are not in the export
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
    (staging / "mkdocs.yml").write_text(header + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 16), encoding="utf-8")
