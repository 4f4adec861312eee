"""The MkDocs plugin: a thin adapter that puts the pipeline's bundle into a MkDocs build.

Everything it publishes comes from :mod:`generator.engine.pipeline`; this module only
translates the result into MkDocs' files, pages and table of contents, so that
``mkdocs build``, ``mkdocs serve``, ``properdocs build`` and ``dealsite build`` make the
same site. It is the one place that imports MkDocs; each MkDocs or Material behaviour it
relies on has a test in tests/test_engine_mkdocs.py that fails loudly if it changes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, ClassVar, Optional

from markupsafe import escape
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ...model.clock import build_time
from ...model.digest import forget_caches
from ...model.load import InvalidDeals
from ...model.updates import UPDATES_DIR
from ...pages.bundle import GeneratedPage
from ...pages.render import COMPILED
from ...model.content import read_page
from ...pages.sanitise import clean_page
from ...pages.written import as_the_core_writes
from ..gate import UnsafeOutput, check_site
from ..pipeline import Built, Session, Sources, archive_words, build, build_moment, edited_deal_pages, read_sources, showing_drafts
from ..publish import RefusedOutputFolder, check_output_dir, mark_site, project_sources
from .config import settings_from
from .clashes import accounted_for, engine_file_clashes
from .early import render_page
from .layout import squeeze_layout
from .watch import hear_edits

log = logging.getLogger("mkdocs.plugins.dealsite")  # progress: shown by `dealsite build`, hidden by --quiet


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


class DealsiteConfig(Config):
    deals_dir = opt.Type(str, default="deals")
    templates_dir = opt.Type(str, default="site_templates")
    pack_pdf = opt.Type(bool, default=False)  # the committee pack as PDF too (WeasyPrint; about a second per few deals)
    # "Suggest a correction" links: a mailto: address or an issue form's https URL; none when empty
    corrections = opt.Type(str, default="")
    as_of = opt.Optional(opt.Type((str, dt.date)))  # an archive: the public site as it stood on this day (config.as_of_date)


class _PageFile(File):
    """A generated page. Under ``dealsite serve`` (a dirty build) MkDocs renders only pages
    whose file says it was modified: ours say so only when their HTML changed."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


class _WrittenFile(File):
    """A file the generator has already written into site_dir: MkDocs has nothing to copy."""

    def copy_file(self, dirty: bool = False) -> None:
        pass

    def is_modified(self) -> bool:
        return False


# What a page loads to be drawn, none of which the generator writes.
_SUBRESOURCES = (".css", ".js", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf")

_FRAGMENT = re.compile(r"<!-- dealsite:([^ ]+) -->")
_PLAIN_ID = re.compile(r"[\w.:-]+")


def _remove_inside(site_dir: Path, path: Path) -> bool:
    """Remove a file of a preview's site_dir (``site_dir`` resolved), and nothing outside it
    whatever links lead there; whether the path was inside."""
    if not path.resolve().is_relative_to(site_dir):
        return False
    path.unlink(missing_ok=True)
    return True


class DealsitePlugin(BasePlugin[DealsiteConfig]):
    # Set only by `dealsite serve --drafts`, in its own process, before MkDocs starts; honoured
    # only by `serve`. Previews never come from the environment or from mkdocs.yml, so no build
    # can publish what is held back.
    drafts_requested: ClassVar[bool] = False
    # Set only by `dealsite serve`, in its own process: called with MkDocs' preview server and
    # this plugin once the first build is done (serve.py).
    serve_hook: ClassVar[Optional[Callable[[Any, Any], Any]]] = None

    # Defining on_startup keeps one plugin object across `mkdocs serve` rebuilds (MkDocs
    # caches such plugins), which is how a preview reuses the deals that did not change.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.previews = command == "serve" and DealsitePlugin.drafts_requested
        # Reusing a deal's files needs them still in site_dir: only dirty rebuilds keep it.
        self.session: Optional[Session] = Session() if command == "serve" and dirty else None
        self.previous: dict[str, str | bytes] = {}  # page src_uri or fragment name -> its (packed) HTML in the last preview build
        self.markers: dict[str, tuple[float, frozenset]] = {}  # content page -> (mtime, fragments it shows)
        # The last preview build's pages (src_uri: generated and hand-written), its data files,
        # and content/'s static files.
        self.published: tuple[set[str], set[str], set[str]] = (set(), set(), set())
        self.unaccounted = False  # a preview build failed after writing files it never listed
        self.rendered_with: Optional[tuple] = None  # a preview's last good build: (config, files, nav, theme env)

    def on_shutdown(self) -> None:
        # MkDocs keeps this object for the next run in the same process: forget this one.
        self.on_startup(command="build", dirty=False)

    def on_config(self, config):
        if not hasattr(self, "command"):  # used without on_startup (e.g. MkDocs' build function called directly)
            self.on_startup(command="build", dirty=False)
        self.settings = settings_from(config)
        if self.previews:  # draft_docs pages are shown, and checked, in a preview (and only there)
            self.settings = showing_drafts(self.settings)
        # An archive says so on every page (overrides/main.html); an export carries it the same way.
        config.extra["dealsite_archive"] = archive_words(self.settings)
        # Every command but the preview server publishes: build, gh-deploy (which MkDocs reports
        # as its own command) and any a later engine adds. `mkdocs build -d deals` or
        # `mkdocs gh-deploy -d deals` would empty deals/ before building.
        if self.command != "serve":
            sources = project_sources(
                Path(config.config_file_path), self.settings.content_dir,
                deals_dir=self.settings.deals_dir, templates_dir=self.settings.templates_dir,
            )
            try:
                check_output_dir(Path(config.site_dir), sources)
            except RefusedOutputFolder as error:
                raise PluginError(f"build refused, nothing was changed: {error}") from None
        try:
            self.now = build_moment(self.settings, build_time())  # the end of as_of's day for an archive
        except ValueError as error:
            raise PluginError(str(error)) from None
        try:
            self.sources: Optional[Sources] = read_sources(self.settings, self.now)
        except InvalidDeals as error:  # bad updates and content files are reported the same way
            raise PluginError(f"the deal, update or content files have problems:\n{error}") from None
        self.content = self.sources.content
        log.info(
            f"loaded {_count(len(self.sources.catalogue.deals), 'deal')} and {_count(len(self.sources.updates), 'update')}"
            + (" - previews on: drafts and embargoed content included" if self.previews else "")
        )
        return config

    def on_files(self, files: Files, *, config) -> Files:
        # Generated here, after MkDocs has emptied site_dir, so files can be written straight into it.
        site_dir = Path(config.site_dir)
        for file in files:
            if file.inclusion == InclusionLevel.DRAFT and not self.previews:
                # MkDocs' own serve shows draft_docs pages; dealsite's shows them only with
                # --drafts, where read_sources has checked them.
                file.inclusion = InclusionLevel.EXCLUDED
            elif file.inclusion == InclusionLevel.UNDEFINED:  # the theme's: content/'s patterns are not for them
                file.inclusion = InclusionLevel.INCLUDED
        accounted_for(files, Path(self.settings.content_dir), self.content.published(), self.content.path)
        engine_file_clashes(files, config, Path(self.settings.content_dir), self.content.path)
        try:
            built = self._build(site_dir)
        except InvalidDeals as error:  # an update's link to a page the build did not make (read_sources checks first)
            raise PluginError(f"the update files have problems:\n{error}") from None
        # The bundle is not kept whole: each generated page lets go of its HTML once written
        # (on_post_page), and what the later events need is kept on its own.
        bundle = built.bundle
        self.pages: dict[str, GeneratedPage] = {p.src_uri: p for p in bundle.pages}
        self.fragments, self.search, self.publication = bundle.fragments, bundle.search, built.publication
        public = built.publication
        log.info(
            f"published {_count(len(public.catalogue.deals), 'deal')} and {_count(len(public.updates), 'update')}; "
            f"generated {_count(len(bundle.pages), 'page')} and {_count(len(bundle.file_paths()), 'data file')}"
        )
        # Update files never reach MkDocs: their pages are ours (rendered and sanitised by the
        # core), and those not yet public have none: no page, search entry, sitemap line or feed.
        for file in list(files):
            if file.src_uri in self.content.updates:
                files.remove(file)
        current = {p.src_uri: p.packed for p in bundle.pages} | dict(bundle.fragments)  # pages compared packed
        changed = {name for name, html in current.items() if self.previous.get(name) != html}  # all, the first time
        for page in bundle.pages:
            # Deal and update pages stay out of the nav: every page carries the whole nav
            # (ARCHITECTURE.md); updates are listed on updates/.
            outside = page.src_uri.startswith(("deals/", f"{UPDATES_DIR}/"))
            # Set, not left UNDEFINED: MkDocs matches exclude_docs and draft_docs against files
            # a plugin adds too, and would drop a generated page a pattern happens to name.
            listed = not (config.not_in_nav and config.not_in_nav.match_file(page.src_uri))
            inclusion = InclusionLevel.INCLUDED if listed and not outside else InclusionLevel.NOT_IN_NAV
            file = _PageFile.generated(config, page.src_uri, content=f"# {page.src_uri}\n", inclusion=inclusion)
            file.modified = page.src_uri in changed
            files.append(file)
        for path, content in sorted(bundle.files.items()):
            files.append(File.generated(config, path, content=content, inclusion=InclusionLevel.INCLUDED))
        for path in bundle.written:
            written = _WrittenFile(path, None, config.site_dir, config.use_directory_urls, inclusion=InclusionLevel.INCLUDED)
            written.abs_src_path = written.abs_dest_path
            files.append(written)
        if self.session is not None:  # only a preview is built again
            self.shown_urls = {"" if f.url == "./" else f.url for f in files.documentation_pages(inclusion=InclusionLevel.is_in_serve)}
            self._mark_pages_showing(files, {name for name in changed if name in bundle.fragments})
            self.previous = current
            pages = {p.src_uri for p in bundle.pages} | set(self.content.pages)
            self._remove_unpublished(config, (pages, set(bundle.written), set(self.content.files)))
            if self.unaccounted:
                self._remove_unknown(config, files)
        return files

    def on_build_error(self, *, error: Exception) -> None:
        if getattr(self, "session", None) is not None:
            self.unaccounted = True

    def _remove_unknown(self, config, files: Files) -> None:
        """After a failed preview build, which may have written data files (a renamed deal's,
        say) before it stopped: every file in the folders data files go to that this build
        will not publish."""
        site_dir = Path(config.site_dir).resolve()
        known = {f.dest_uri for f in files}
        folders = {p.split("/", 1)[0] for p in self.published[1] if "/" in p} | {"deals"}
        for folder in sorted(folders):
            for path in sorted((site_dir / folder).rglob("*")):
                if path.is_file() and path.relative_to(site_dir).as_posix() not in known:
                    _remove_inside(site_dir, path)
        self.unaccounted = False

    def _remove_unpublished(self, config, published: tuple[set[str], set[str], set[str]]) -> None:
        """A dirty build keeps site_dir: a page or file the last preview build published and this
        one does not (an update now under embargo, a deal's conditions removed, a hand-written
        page or image deleted) would go on being served as it was."""
        pages, written, copied = published
        site_dir = Path(config.site_dir).resolve()
        outputs = [Path(File(uri, None, config.site_dir, config.use_directory_urls).abs_dest_path) for uri in self.published[0] - pages]
        files = (self.published[1] - written) | (self.published[2] - copied)
        for output in sorted(outputs + [site_dir / path for path in files]):
            if _remove_inside(site_dir, output) and output.parent.resolve() != site_dir and output.parent.is_dir() and not any(output.parent.iterdir()):
                output.parent.rmdir()
        self.published = published

    def _build(self, site_dir: Path) -> Built:
        sources = self.sources
        built = build(self.settings, sources, self.now, previews=self.previews, out_dir=site_dir, session=self.session)
        for slug in built.gone:  # a preview showed them before; unpublished or deleted since
            shutil.rmtree(site_dir / "deals" / slug, ignore_errors=True)
        if self.session is None:
            # One build: the pages are made, so the deals need not stay in memory while MkDocs renders.
            self.sources = None
            forget_caches()
        return built

    def _mark_pages_showing(self, files: Files, fragments: set[str]) -> None:
        """A dirty build skips content pages whose source did not change; those showing a changed
        fragment (the home page's deal list, the list of updates) must be rendered again."""
        if not fragments:
            return
        for file in files.documentation_pages():
            if file.abs_src_path is None or isinstance(file, _PageFile):
                continue
            mtime = os.path.getmtime(file.abs_src_path)
            cached = self.markers.get(file.src_uri)
            if cached is None or cached[0] != mtime:
                text = Path(file.abs_src_path).read_text(encoding="utf-8", errors="replace")
                cached = self.markers[file.src_uri] = (mtime, frozenset(_FRAGMENT.findall(text)))
            if cached[1] & fragments:
                file.is_modified = lambda: True  # this object only: MkDocs asks it before rendering

    def on_serve(self, server, *, config, builder):
        """Hear about edits at once, and only about edits (watch.py), in the deal and template
        folders too; then hand the server to
        ``dealsite serve``, if that is what runs (serve.py: build times, problems, Ctrl-C)."""
        hear_edits(server)
        # The folders the plugin reads, wherever mkdocs.yml puts them: an edit there rebuilds
        # even if its watch: list still names the old place (watching a path twice is one watch).
        settings = getattr(self, "settings", None)  # read by on_config, which a serve runs first
        for folder in (settings.deals_dir, settings.templates_dir) if settings is not None else ():
            if Path(folder).is_dir():
                server.watch(str(folder))
        if DealsitePlugin.serve_hook is not None:
            server = DealsitePlugin.serve_hook(server, self) or server
        return server

    def on_nav(self, nav, *, config, files):
        # Each of our pages' titles, as on_page_content gives them, before any page is rendered: a
        # preview's rebuild renders only the pages that changed, and every page's navigation
        # would otherwise name the others by mkdocs.yml's labels, the build before by their titles.
        for page in nav.pages:
            generated = self.pages.get(page.file.src_uri)
            if generated is not None:
                page.title = str(escape(generated.title))
        self.nav = nav
        return nav

    def on_env(self, env, *, config, files):
        env.globals["dealsite_nav"] = {}  # the theme's nav, once per depth (site_templates/overrides/main.html)
        env.bytecode_cache = COMPILED  # serve: the theme's templates are not compiled again on every change
        if self.session is not None:
            self.rendering = (config, files, self.nav, env)
        return env

    def copied_as_they_are(self) -> frozenset[str]:
        """The last good build's stylesheets, scripts, images and fonts that MkDocs copies from the
        theme or the docs folder as they are, and in a preview's rebuild only once their source
        changes. Only those kinds: the generator writes none of them, while a content file in
        a deal's folder (content/deals/kent/conditions.csv) is replaced by the data file an
        edit adds."""
        if self.rendered_with is None:
            return frozenset()
        files = self.rendered_with[1]
        return frozenset(
            f.dest_uri for f in files
            if f.abs_src_path is not None and f.src_dir is not None and not f.is_documentation_page()
            and f.dest_uri.lower().endswith(_SUBRESOURCES)
        )

    def edited_pages(self, path: Path) -> dict[str, bytes]:
        """``dealsite serve``'s early look at one edited deal file (pipeline.edited_deal_pages):
        the deal's pages as the next build will write them if nothing else changed (dest_uri ->
        bytes), rendered by MkDocs in the theme with the last good build's navigation. None
        when they might not be safe to show, or there has been no good build yet."""
        if self.session is None or self.rendered_with is None or self.sources is None:
            return {}
        config, files, nav, env = self.rendered_with
        pages = edited_deal_pages(self.settings, self.session, self.sources, path)
        shown = {}
        with tempfile.TemporaryDirectory(prefix="dealsite-early-") as folder:
            for generated in pages:
                file = _PageFile.generated(config, generated.src_uri, content=f"# {generated.src_uri}\n", inclusion=InclusionLevel.NOT_IN_NAV)
                file.abs_dest_path = str(Path(folder) / file.dest_uri)  # not site_dir: the build still serves the last one
                page = Page(None, file, config)
                kept = self.pages.get(generated.src_uri)
                self.pages[generated.src_uri] = generated
                try:
                    render_page(page, config, files, nav, env)
                finally:
                    if kept is not None:
                        self.pages[generated.src_uri] = kept
                    else:
                        self.pages.pop(generated.src_uri, None)
                shown[file.dest_uri] = Path(file.abs_dest_path).read_bytes()
        return shown

    @event_priority(-100)  # after Material's search plugin (priority 0), whatever their order in mkdocs.yml
    def on_post_build(self, *, config) -> None:
        """Add our own search entries to the index Material's search plugin has just written,
        then run the last check before publishing over the whole built site."""
        index = Path(config.site_dir) / "search" / "search_index.json"
        if (self.search or self.session is not None) and index.exists():
            data = json.loads(index.read_text(encoding="utf-8"))
            if self.session is not None:  # a preview's dirty build: Material merges the last index's
                # entries with this one's, those of pages since unpublished or deleted too.
                data["docs"] = [d for d in data["docs"] if d["location"].split("#", 1)[0] in self.shown_urls]
            # Material renders titles and text as HTML, so plain deal text is escaped here.
            data["docs"] += [
                {"location": e.location, "title": str(escape(e.title)), "text": str(escape(e.text))} for e in self.search
            ]
            index.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")
        if self.session is not None:
            self.rendered_with = self.rendering  # a good build: an early look renders with its navigation
        if self.command != "serve":  # a preview may show what is held back, with its banner
            try:
                check_site(Path(config.site_dir), self.publication, own_scripts=self._own_scripts(), site_url=config.site_url or "")
            except UnsafeOutput as error:
                raise PluginError(str(error)) from None
            mark_site(Path(config.site_dir))  # a site dealsite made: the next build may replace it

    def _own_scripts(self) -> list[str]:
        """extra_javascript's files as the pages load them (./x.js?v=2 is x.js)."""
        return [path for key, path, _ in self.settings.named if key == "extra_javascript"]

    def on_page_markdown(self, markdown: str, *, page: Page, config, files) -> str:
        # Our pages arrive as HTML: give Python-Markdown nothing to parse.
        if page.file.src_uri in self.pages:
            return ""
        # A hand-written page: Material prints meta title and description unescaped.
        for key in ("title", "description"):
            if page.meta.get(key) is not None:
                page.meta[key] = str(escape(page.meta[key]))
        return markdown

    def on_page_content(self, html: str, *, page: Page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            # Hand-written by an editor: sanitised like an update (a wider allow-list), its raw
            # HTML's addresses rewritten as check and export read them, and only then the
            # fragments (made by our templates, escaped by construction) filled in.
            self._check_toc(page)
            uri = page.file.src_uri  # a page another plugin or a hook adds is not content/'s: its addresses are its own
            rewrite = as_the_core_writes(read_page(self.content, uri), self.content) if uri in self.content.pages else None
            return clean_page(html, self.fragments, rewrite)
        page.title = str(escape(generated.title))  # the theme prints titles as HTML
        page.toc = get_toc(
            [{"level": h.level, "id": h.id, "name": str(escape(h.title)), "children": []} for h in generated.headings]
        )
        page.meta["description"] = str(escape(generated.description))
        if not generated.search:
            page.meta["search"] = {"exclude": True}
            # Material's search scans every page's HTML with a regex even when the page is excluded
            # (3 s for 2,000 deal and tables pages): the HTML joins the page after it has looked.
            return ""
        return generated.html

    @staticmethod
    def _check_toc(page: Page) -> None:
        """The theme prints a hand-written page's heading ids into its table of contents as they
        are, outside the sanitised page: an id written with an attribute list (if mkdocs.yml
        enables attr_list) could close the attribute and open markup. Only plain names pass."""
        stack = list(page.toc)
        while stack:
            item = stack.pop()
            if not _PLAIN_ID.fullmatch(item.id or ""):
                raise PluginError(
                    f"{page.file.src_uri}: the heading '{item.title}' has the id {item.id!r}, which is not a plain name "
                    "(an id may hold only letters, digits, -, _, . and :)"
                )
            stack += item.children


    def on_post_page(self, output: str, *, page: Page, config) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return output
        if self.session is None:
            # One build: MkDocs writes this output and needs the page's HTML no more. Let go
            # of it now rather than when the build ends: at 1,000 deals, 5,000 pages' HTML
            # would otherwise stay in memory through the last check.
            del self.pages[page.file.src_uri]
            page.content = None
        return squeeze_layout(output) if page.file.src_uri.startswith("deals/") else output

    @event_priority(-100)  # after Material's search (priority 0)
    def on_page_context(self, context, *, page: Page, config, nav):
        generated = self.pages.get(page.file.src_uri)
        if generated is not None and not generated.search:
            page.content = generated.html
        return context
