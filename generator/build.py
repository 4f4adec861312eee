"""Build the site so that a failure never touches the live ``site/``.

MkDocs writes into a fresh directory beside ``site/``; only a build that
finished is swapped in. Bad deal files, an exception in a template or a Ctrl-C
all leave the previous site byte-identical.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from .plugin import PREVIEW_ENV


@contextmanager
def _preview_env(previews: bool):
    old = os.environ.get(PREVIEW_ENV)
    os.environ[PREVIEW_ENV] = "1" if previews else "0"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(PREVIEW_ENV, None)
        else:
            os.environ[PREVIEW_ENV] = old


def build_site(config_file: Path = Path("mkdocs.yml"), site_dir: Path | None = None, *, previews: bool = False) -> Path:
    """Build into a temporary directory, then swap it into place. Returns the site dir."""
    config_file = Path(config_file).resolve()
    with _preview_env(previews):
        config = load_config(str(config_file), strict=True)
        target = Path(site_dir or config.site_dir).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".dealsite-build-", dir=target.parent))
        try:
            config.site_dir = str(staging)
            mkdocs_build(config)
            _swap(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


def _swap(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".dealsite-old-{staging.name.rsplit('-', 1)[-1]}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def quiet_logging(quiet: bool) -> None:
    """MkDocs logs through 'mkdocs'; show its warnings always, its progress unless quiet."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
