"""The project's settings as mkdocs.yml gives them: read once, validated by MkDocs, handed on engine-free."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError

from ..pipeline import Settings, corrections_address, named_in_config, parse_as_of
from ..publish import BuildFailed


def settings_from(config) -> Settings:
    """The pipeline's settings from a loaded MkDocs configuration (the dealsite plugin's options)."""
    if not config.use_directory_urls:
        # Every link dealsite writes is to a page's folder (deals/kent/); with this off, MkDocs
        # would write deals/kent.html and about half the site's links would lead nowhere.
        raise ConfigurationError("use_directory_urls: false is not supported by dealsite (its pages link to folders, like deals/kent/): remove it")
    root = Path(config.config_file_path).parent
    plugin = config.plugins.get("dealsite")
    options = plugin.config if plugin is not None else {}
    return Settings(
        deals_dir=root / options.get("deals_dir", "deals"),
        content_dir=Path(config.docs_dir),
        templates_dir=root / options.get("templates_dir", "site_templates"),
        site_url=config.site_url or "",
        pack_pdf=bool(options.get("pack_pdf", False)),
        as_of=as_of_date(options.get("as_of")),
        corrections=_corrections(options.get("corrections", "") or ""),
        exclude_docs=_lines(config.exclude_docs),
        draft_docs=_lines(config.draft_docs),
        named=named_in_config(config.nav, config.extra_css, config.extra_javascript, config.extra_templates),
        config_file=Path(config.config_file_path),
        theme_dir=Path(config.theme.custom_dir) if config.theme.custom_dir else None,
    )


def _lines(spec) -> tuple[str, ...]:
    """A gitignore-style setting (MkDocs compiles it to a pathspec) as the lines it was written in."""
    return tuple(pattern.pattern for pattern in spec.patterns) if spec is not None else ()


def _corrections(value: str) -> str:
    try:
        return corrections_address(value)
    except ValueError as error:
        raise ConfigurationError(f"dealsite: corrections: {error}") from None


def as_of_date(value) -> dt.date | None:
    """The plugin's ``as_of`` option (pipeline.parse_as_of), as a configuration error when it is not a day."""
    try:
        return parse_as_of(value)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None


def read_settings(config_file: Path) -> Settings:
    """The settings of the project whose configuration is ``config_file``; BuildFailed if it is not valid."""
    try:
        return settings_from(load_config(str(config_file)))
    except ConfigurationError as error:
        raise BuildFailed(f"{config_file}: {error}") from None
    except Abort as error:  # MkDocs has logged each invalid setting above this line
        raise BuildFailed(f"{config_file}: {error}") from None
