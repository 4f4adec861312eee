"""The MkDocs plugin: a thin adapter that puts the generated bundle into a build.

Everything it publishes comes from :func:`generator.site.generate`; this module
only translates it into MkDocs' files, pages and table of contents, so that
``mkdocs build``, ``mkdocs serve`` and ``dealsite build`` make the same site.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

from markupsafe import escape
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ...compute.embargo import public_catalogue, public_updates
from ...compute.history import history as deals_history
from ...model.clock import build_time, source_date_epoch
from ...model.git import last_changed
from ...model.load import InvalidDeals, deal_files, forget_loaded, load_catalogue
from ...model.updates import UPDATES_DIR, load_updates
from ...pages.bundle import Bundle, GeneratedPage
from ...pages.generate import DealMemo, generate
from ...pages.render import COMPILED
from ...pages.updates import mark_previews

PREVIEW_ENV = "DEALSITE_PREVIEW"  # set by `dealsite serve --drafts`
log = logging.getLogger("mkdocs.plugins.dealsite")  # progress: shown by `dealsite build`, hidden by --quiet


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


class DealsiteConfig(Config):
    deals_dir = opt.Type(str, default="deals")
    templates_dir = opt.Type(str, default="site_templates")
    pack_pdf = opt.Type(bool, default=False)  # the committee pack as PDF too (WeasyPrint; about a second per few deals)


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


_FRAGMENT = re.compile(r"<!-- dealsite:([^ ]+) -->")


class DealsitePlugin(BasePlugin[DealsiteConfig]):
    # Defining on_startup keeps one plugin object across `mkdocs serve` rebuilds (MkDocs
    # caches such plugins), which is how a preview reuses the deals that did not change.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Reusing a deal's files needs them still in site_dir: only dirty rebuilds keep it.
        self.memo = DealMemo() if command == "serve" and dirty else None
        self.previous: dict[str, str] = {}  # page src_uri or fragment name -> HTML of the last preview build
        self.markers: dict[str, tuple[float, frozenset]] = {}  # content page -> (mtime, fragments it shows)

    def on_config(self, config):
        if not hasattr(self, "memo"):  # used without on_startup (e.g. MkDocs' build function called directly)
            self.on_startup(command="build", dirty=False)
        self.root = Path(config.config_file_path).parent
        self.previews = os.environ.get(PREVIEW_ENV) == "1"
        self.deals_dir = self.root / self.config.deals_dir
        try:
            self.catalogue = load_catalogue([self.deals_dir])
            updates = load_updates(Path(config.docs_dir) / UPDATES_DIR, self.catalogue)
        except InvalidDeals as error:  # bad updates are reported the same way
            raise PluginError(f"the deal or update files have problems:\n{error}") from None
        self.now = build_time()
        self.site_url_for_feeds = config.site_url or ""
        self.public = public_catalogue(self.catalogue, self.now, previews=self.previews)
        # Updates are filtered here, once, like deals: drafts, embargoes, and updates about held-back deals.
        self.updates_all = {u.src_uri: u for u in updates}
        self.updates = {u.src_uri: u for u in public_updates(updates, self.public, self.now, previews=self.previews)}
        log.info(
            f"loaded {_count(len(self.catalogue.deals), 'deal')} ({len(self.public.deals)} public) and "
            f"{_count(len(updates), 'update')} ({len(self.updates)} public)"
            + (" - previews on: drafts and embargoed content included" if self.previews else "")
        )
        return config

    def on_files(self, files: Files, *, config) -> Files:
        # Generated here, after MkDocs has emptied site_dir, so files can be written straight into it.
        site_dir = Path(config.site_dir)
        self.bundle = self._generate(site_dir)
        self.pages: dict[str, GeneratedPage] = {p.src_uri: p for p in self.bundle.pages}
        log.info(f"generated {_count(len(self.bundle.pages), 'page')} and {_count(len(self.bundle.file_paths()), 'data file')}")

        # Updates not yet public never reach MkDocs: no page, search entry, sitemap line or feed.
        for file in list(files):
            if file.src_uri in self.updates_all:
                if file.src_uri in self.updates:
                    file.inclusion = InclusionLevel.NOT_IN_NAV  # listed on updates/, not in the nav
                else:
                    files.remove(file)
        current = {p.src_uri: p.html for p in self.bundle.pages} | dict(self.bundle.fragments)
        changed = {name for name, html in current.items() if self.previous.get(name) != html}  # all, the first time
        for page in self.bundle.pages:
            # Deal pages stay out of the nav: every page carries the whole nav (ARCHITECTURE.md).
            inclusion = InclusionLevel.NOT_IN_NAV if page.src_uri.startswith("deals/") else InclusionLevel.UNDEFINED
            file = _PageFile.generated(config, page.src_uri, content=f"# {page.src_uri}\n", inclusion=inclusion)
            file.modified = page.src_uri in changed
            files.append(file)
        for path, content in sorted(self.bundle.files.items()):
            files.append(File.generated(config, path, content=content))
        for path in self.bundle.written:
            written = _WrittenFile(path, None, config.site_dir, config.use_directory_urls)
            written.abs_src_path = written.abs_dest_path
            files.append(written)
        if self.memo is not None:
            self._mark_pages_showing(files, {name for name in changed if name in self.bundle.fragments})
        if self.memo is not None:  # only a preview is built again
            self.previous = current
        return files

    def _generate(self, site_dir: Path) -> Bundle:
        files, _ = deal_files([self.deals_dir])
        templates = self.root / self.config.templates_dir
        if self.memo is not None:
            stamp = max((f.stat().st_mtime_ns for f in templates.rglob("*") if f.is_file()), default=0)
            if stamp != getattr(self, "templates_stamp", None):  # an edited template changes every deal page
                self.memo, self.templates_stamp = DealMemo(), stamp
        bundle = generate(
            self.public,
            self.now,
            templates,
            previews=self.previews,
            updates=list(self.updates.values()),
            last_changed=last_changed(files, clamp=source_date_epoch()),
            site_url=self.site_url_for_feeds,
            history=deals_history(self.deals_dir, self.now, previews=self.previews),  # for the changes page
            pack_pdf=self.config.pack_pdf,
            out_dir=site_dir,
            memo=self.memo,
        )
        if self.memo is not None:
            for slug in self.memo.keep_only(self.public.deals):  # unpublished or deleted since the last preview
                shutil.rmtree(site_dir / "deals" / slug, ignore_errors=True)
        if self.previews:
            mark_previews(bundle, self.catalogue, self.now)
        if self.memo is None:
            # One build: the pages are made, so the deals need not stay in memory while MkDocs renders.
            self.catalogue = self.public = None
            forget_loaded()
        return bundle

    def _mark_pages_showing(self, files: Files, fragments: set[str]) -> None:
        """A dirty build skips content pages whose source did not change; those showing a changed
        fragment (the home page's deal list, an update's byline) must be rendered again."""
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
            update = self.updates.get(file.src_uri)
            shown = cached[1] | ({f"{UPDATES_DIR}/{update.stem}"} if update else set())  # bylines go in on_page_markdown
            if shown & fragments:
                file.is_modified = lambda: True  # this object only: MkDocs asks it before rendering

    def on_serve(self, server, *, config, builder):
        """Hear about edits at once. MkDocs polls the watched folders every half second, reading
        every file's status each time (4,000 files at the benchmark's scale); the platform's
        own notifications (inotify on Linux) cost nothing while idle. MkDocs 1.6 keeps the
        watched folders only in a private attribute, so they are moved across as they are."""
        watched = dict(getattr(server, "_watched_paths", {}))
        try:
            from watchdog.observers import Observer

            notifying = Observer()
        except (ImportError, OSError):
            return server  # keep polling
        for path, count in watched.items():
            for _ in range(count):
                server.unwatch(path)
        server.observer = notifying
        for path, count in watched.items():
            for _ in range(count):
                server.watch(path)
        return server

    def on_env(self, env, *, config, files):
        env.globals["dealsite_nav"] = {}  # the theme's nav, once per depth (site_templates/overrides/main.html)
        env.bytecode_cache = COMPILED  # serve: the theme's templates are not compiled again on every change
        return env

    def on_post_build(self, *, config) -> None:
        """Add our own search entries to the index Material's search plugin has just written
        (it runs first: it is listed before us in mkdocs.yml)."""
        index = Path(config.site_dir) / "search" / "search_index.json"
        if not self.bundle.search or not index.exists():
            return
        data = json.loads(index.read_text(encoding="utf-8"))
        # Material renders titles and text as HTML, so plain deal text is escaped here.
        data["docs"] += [
            {"location": e.location, "title": str(escape(e.title)), "text": str(escape(e.text))} for e in self.bundle.search
        ]
        index.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")

    def on_page_markdown(self, markdown: str, *, page: Page, config, files) -> str:
        # Our pages arrive as HTML: give Python-Markdown nothing to parse.
        if page.file.src_uri in self.pages:
            return ""
        update = self.updates.get(page.file.src_uri)
        if update is not None:
            # Material prints meta title and description unescaped: give it escaped text.
            page.meta["title"] = str(escape(update.title))
            page.meta["description"] = str(escape(update.summary))
            # The byline (date, deals; a banner in previews) is a fragment, filled in below.
            return f"<!-- dealsite:{UPDATES_DIR}/{update.stem} -->\n\n{markdown}"
        return markdown

    def on_page_content(self, html: str, *, page: Page, config, files) -> str:
        generated = self.pages.get(page.file.src_uri)
        if generated is None:
            return self._fill_fragments(html)
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

    @event_priority(-100)  # after Material's search (priority 0)
    def on_page_context(self, context, *, page: Page, config, nav):
        generated = self.pages.get(page.file.src_uri)
        if generated is not None and not generated.search:
            page.content = generated.html
        return context

    def _fill_fragments(self, html: str) -> str:
        fragments = self.bundle.fragments
        return _FRAGMENT.sub(lambda m: fragments.get(m.group(1), m.group(0)), html)
