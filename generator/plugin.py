"""The MkDocs plugin: a thin adapter that puts the generated bundle into a build.

Everything it publishes comes from :func:`generator.site.generate`; this module
only translates it into MkDocs' files, pages and table of contents, so that
``mkdocs build``, ``mkdocs serve`` and ``dealsite build`` make the same site.
"""

from __future__ import annotations

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
from .embargo import public_catalogue
from .load import InvalidDeals, load_catalogue
from .site import Bundle, GeneratedPage, generate

PREVIEW_ENV = "DEALSITE_PREVIEW"  # set by `dealsite serve --drafts`


class DealsiteConfig(Config):
    deals_dir = opt.Type(str, default="deals")
    templates_dir = opt.Type(str, default="site_templates")


class DealsitePlugin(BasePlugin[DealsiteConfig]):
    def on_config(self, config):
        root = Path(config.config_file_path).parent
        self.previews = os.environ.get(PREVIEW_ENV) == "1"
        try:
            catalogue = load_catalogue([root / self.config.deals_dir])
        except InvalidDeals as error:
            raise PluginError(f"the deal files have problems:\n{error}") from None
        self.now = build_time()
        public = public_catalogue(catalogue, self.now, previews=self.previews)
        self.bundle: Bundle = generate(public, self.now, root / self.config.templates_dir, previews=self.previews)
        self.pages: dict[str, GeneratedPage] = {p.src_uri: p for p in self.bundle.pages}
        return config

    def on_files(self, files: Files, *, config) -> Files:
        for page in self.bundle.pages:
            # Deal pages stay out of the nav: every page carries the whole nav (ARCHITECTURE.md).
            inclusion = InclusionLevel.NOT_IN_NAV if page.src_uri.startswith("deals/") else InclusionLevel.UNDEFINED
            files.append(File.generated(config, page.src_uri, content=f"# {page.src_uri}\n", inclusion=inclusion))
        for path, content in sorted(self.bundle.files.items()):
            files.append(File.generated(config, path, content=content))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config, files) -> str:
        # Our pages arrive as HTML: give Python-Markdown nothing to parse.
        return "" if page.file.src_uri in self.pages else markdown

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
