"""Helpers for the publishing tests: a private copy of the project, real builds, byte searches.

Every build here is a real MkDocs build of a copy of this repository's mkdocs.yml, content/,
site_templates/ and deals/ in a temporary directory, so tests can plant files without touching
the checkout and without depending on each other.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

import lxml.html
from conftest import copy_project, copy_project_with_deals_moved  # noqa: F401 - one way to copy the project, re-exported

from generator.engine.mkdocs.build import build_site

REPO = Path(__file__).resolve().parent.parent
SITE_URL = "https://deals.example.org/"  # as in mkdocs.yml


def epoch(moment: str) -> int:
    """'2030-01-01T09:00:00+00:00' -> seconds since 1970, as SOURCE_DATE_EPOCH wants."""
    return int(dt.datetime.fromisoformat(moment).timestamp())


@contextmanager
def source_date_epoch(seconds: int | None):
    old = os.environ.get("SOURCE_DATE_EPOCH")
    if seconds is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def build(project: Path, site: Path, *, at: int | None, previews: bool = False) -> Path:
    """A real build of project into site, with the build's clock at ``at`` (SOURCE_DATE_EPOCH).

    With ``previews``, the build ``dealsite serve --drafts`` makes on each change (MkDocs in
    serve mode, drafts requested in this process), written to ``site`` so a test can read it:
    the only way to get a preview, as no build, setting or variable gives one."""
    with source_date_epoch(at):
        if not previews:
            return build_site(project / "mkdocs.yml", site)
        return _preview_build(project / "mkdocs.yml", site)


def _preview_build(config_file: Path, site: Path) -> Path:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from generator.engine.mkdocs.plugin import DealsitePlugin

    config = load_config(str(config_file), site_dir=str(site))
    DealsitePlugin.drafts_requested = True
    try:
        config.plugins.on_startup(command="serve", dirty=False)
        mkdocs_build(config)
        config.plugins.on_shutdown()
    finally:
        DealsitePlugin.drafts_requested = False
    return site


def site_files(site: Path) -> dict[str, bytes]:
    """Every file under site/ by relative path, .gz files decompressed (their content is what leaks)."""
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            files[path.relative_to(site).as_posix()] = data
    return files


def where(files: dict[str, bytes], needle: str) -> list[str]:
    """The files whose path or bytes contain needle (any case)."""
    low = needle.lower().encode("utf-8")
    return [name for name, data in files.items() if low in name.lower().encode("utf-8") or low in data.lower()]


def tree_hash(site: Path) -> dict[str, str]:
    """sha256 of every file's raw bytes (and each directory), by relative path."""
    result = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        result[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return result


def leftovers(parent: Path) -> list[str]:
    """Staging or old directories a build left beside the site."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".dealsite-"))


def page(site: Path, url: str):
    """The built page at ``url`` (a folder, as MkDocs writes pages), parsed."""
    return lxml.html.parse(str(site / url / "index.html")).getroot()


def text(element) -> str:
    """An element's text as a reader sees it: its words, single-spaced."""
    return " ".join(element.text_content().split())
