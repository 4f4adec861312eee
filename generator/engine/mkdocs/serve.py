"""``dealsite serve``: MkDocs' live-reloading preview server, with dirty rebuilds."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.commands.serve import serve

from . import ENGINE
from .plugin import DealsitePlugin


def serve_site(config_file: Path, dev_addr: str, *, drafts: bool) -> None:
    """Serve the site on dev_addr until interrupted; ``drafts`` shows held-back content with a banner."""
    DealsitePlugin.drafts_requested = drafts  # this process only: previews never come from the environment
    # MkDocs warns that dirty builds may leave navigation stale (strict mode would count it as a
    # failure): ours are safe, because the plugin renders again every page whose HTML changed.
    logging.getLogger(f"{ENGINE}.commands.build").addFilter(lambda record: "'dirty' build" not in record.getMessage())
    # Dirty rebuilds: after an edit, only the pages whose HTML changed are rendered and only the
    # changed deals regenerated (plugin.py), so a preview of 1,000 deals updates in seconds.
    serve(str(config_file), dev_addr=dev_addr, livereload=True, build_type="dirty")
