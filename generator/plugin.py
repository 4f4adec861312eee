"""The MkDocs plugin: a thin adapter that puts the generated bundle into a build.

Everything it publishes comes from :func:`generator.site.generate`; this module
only translates it into MkDocs' files, pages and table of contents, so that
``mkdocs build``, ``mkdocs serve`` and ``dealsite build`` make the same site.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from markupsafe import escape
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .clock import build_time
from .diff import history as deals_history
from .embargo import public_catalogue
from .history import last_changed, source_date_epoch
from .load import InvalidDeals, deal_files, load_catalogue
from .pages_updates import mark_previews
from .site import Bundle, GeneratedPage, generate
from .updates import UPDATES_DIR, load_updates, public_updates

PREVIEW_ENV = "DEALSITE_PREVIEW"  # set by `dealsite serve --drafts`
log = logging.getLogger("mkdocs.plugins.dealsite")  # progress: shown by `dealsite build`, hidden by --quiet


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


class DealsiteConfig(Config):
    deals_dir = opt.Type(str, default="deals")
    templates_dir = opt.Type(str, default="site_templates")
    pack_pdf = opt.Type(bool, default=False)  # the committee pack as PDF too (WeasyPrint; about a second per few deals)


class DealsitePlugin(BasePlugin[DealsiteConfig]):
    def on_config(self, config):
        root = Path(config.config_file_path).parent
        self.previews = os.environ.get(PREVIEW_ENV) == "1"
        deals_dir = root / self.config.deals_dir
        try:
            catalogue = load_catalogue([deals_dir])
            updates = load_updates(Path(config.docs_dir) / UPDATES_DIR, catalogue)
        except InvalidDeals as error:  # bad updates are reported the same way
            raise PluginError(f"the deal or update files have problems:\n{error}") from None
        self.now = build_time()
        public = public_catalogue(catalogue, self.now, previews=self.previews)
        # Updates are filtered here, once, like deals: drafts, embargoes, and updates about held-back deals.
        self.updates_all = {u.src_uri: u for u in updates}
        self.updates = {u.src_uri: u for u in public_updates(updates, public, self.now, previews=self.previews)}
        log.info(
            f"loaded {_count(len(catalogue.deals), 'deal')} ({len(public.deals)} public) and "
            f"{_count(len(updates), 'update')} ({len(self.updates)} public)"
            + (" - previews on: drafts and embargoed content included" if self.previews else "")
        )
        files, _ = deal_files([deals_dir])
        self.bundle: Bundle = generate(
            public,
            self.now,
            root / self.config.templates_dir,
            previews=self.previews,
            updates=list(self.updates.values()),
            last_changed=last_changed(files, clamp=source_date_epoch()),
            site_url=config.site_url or "",
            history=deals_history(deals_dir, self.now, previews=self.previews),  # for the changes page
            pack_pdf=self.config.pack_pdf,
        )
        if self.previews:
            mark_previews(self.bundle, catalogue, self.now)
        self.pages: dict[str, GeneratedPage] = {p.src_uri: p for p in self.bundle.pages}
        log.info(f"generated {_count(len(self.bundle.pages), 'page')} and {_count(len(self.bundle.files), 'data file')}")
        return config

    def on_files(self, files: Files, *, config) -> Files:
        # Updates not yet public never reach MkDocs: no page, search entry, sitemap line or feed.
        for file in list(files):
            if file.src_uri in self.updates_all:
                if file.src_uri in self.updates:
                    file.inclusion = InclusionLevel.NOT_IN_NAV  # listed on updates/, not in the nav
                else:
                    files.remove(file)
        for page in self.bundle.pages:
            # Deal pages stay out of the nav: every page carries the whole nav (ARCHITECTURE.md).
            inclusion = InclusionLevel.NOT_IN_NAV if page.src_uri.startswith("deals/") else InclusionLevel.UNDEFINED
            files.append(File.generated(config, page.src_uri, content=f"# {page.src_uri}\n", inclusion=inclusion))
        for path, content in sorted(self.bundle.files.items()):
            files.append(File.generated(config, path, content=content))
        return files

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
        return generated.html

    def _fill_fragments(self, html: str) -> str:
        for name, fragment in self.bundle.fragments.items():
            html = html.replace(f"<!-- dealsite:{name} -->", fragment)
        return html
