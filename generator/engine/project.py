"""mkdocs.yml read without an engine: the configuration as written, and the pipeline's settings.

``dealsite export`` writes the project's mkdocs.yml back out less the dealsite plugin, so it
reads the file as YAML rather than through MkDocs: a value with a tag only an engine knows
(``!ENV``, ``!!python/name:``) is kept as written (:class:`YamlDumper` writes it back), and
the settings are worked out as ``engine.mkdocs.config`` works them out (tests/test_export.py
compares the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml_env_tag import construct_env_tag

from .pipeline import Settings, corrections_address, named_in_config, parse_as_of
from .publish import BuildFailed

PLUGIN = "dealsite"  # the plugin's name in mkdocs.yml


@dataclass
class _Tagged:
    """A value with a tag only an engine knows (``!ENV``, ``!!python/name:``): written back as read."""

    tag: str
    value: object
    resolved: object = None  # !ENV: the value MkDocs reads (the first variable set, else the default)


class _Loader(yaml.SafeLoader):
    pass


def _construct_tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        tagged = _Tagged(node.tag, loader.construct_scalar(node))
    elif isinstance(node, yaml.SequenceNode):
        tagged = _Tagged(node.tag, loader.construct_sequence(node, deep=True))
    else:
        tagged = _Tagged(node.tag, loader.construct_mapping(node, deep=True))
    if node.tag == "!ENV":  # read as MkDocs reads it, by the package MkDocs reads it with
        tagged.resolved = construct_env_tag(loader, node)
    return tagged


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)


class YamlDumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


def _represent_text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


YamlDumper.add_representer(_Tagged, _represent_tagged)
YamlDumper.add_representer(str, _represent_text)


def plugins_besides_ours(config: dict) -> tuple[list | dict, dict]:
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
    if config.get("use_directory_urls") is False:  # as engine.mkdocs.config refuses it
        raise BuildFailed(f"{config_file}: use_directory_urls: false is not supported by dealsite (its pages link to folders, like deals/kent/): remove it")
    _, options = plugins_besides_ours(config)

    def text(value, what: str) -> str:
        value = _as_read(value)
        if not isinstance(value, str):
            raise BuildFailed(f"{config_file}: {what} must be plain text to export (found {value!r})")
        return value

    root = Path(config_file).parent
    theme = config.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    return config, Settings(
        deals_dir=root / text(options.get("deals_dir", "deals"), "dealsite: deals_dir"),
        content_dir=root / text(config.get("docs_dir", "docs"), "docs_dir"),
        templates_dir=root / text(options.get("templates_dir", "site_templates"), "dealsite: templates_dir"),
        site_url=text(config.get("site_url") or "", "site_url"),
        pack_pdf=bool(options.get("pack_pdf", False)),
        as_of=_as_of(options.get("as_of"), config_file),
        corrections=_corrections(text(options.get("corrections", "") or "", "dealsite: corrections"), config_file),
        exclude_docs=tuple(text(_as_read(config.get("exclude_docs")) or "", "exclude_docs").splitlines()),
        draft_docs=tuple(text(_as_read(config.get("draft_docs")) or "", "draft_docs").splitlines()),
        named=named_in_config(config.get("nav"), config.get("extra_css"), config.get("extra_javascript"), config.get("extra_templates")),
        config_file=Path(config_file),
        theme_dir=root / text(custom_dir, "theme: custom_dir") if custom_dir else None,  # as MkDocs reads it: from mkdocs.yml's folder
    )


def _as_read(value):
    """A setting as MkDocs reads it: an ``!ENV`` value resolved."""
    return value.resolved if isinstance(value, _Tagged) and value.tag == "!ENV" else value


def _corrections(value: str, config_file) -> str:
    try:
        return corrections_address(value)
    except ValueError as error:
        raise BuildFailed(f"{config_file}: dealsite: corrections: {error}") from None


def _as_of(value, config_file: Path):
    try:
        return parse_as_of(value)
    except ValueError as error:
        raise BuildFailed(f"{config_file}: {error}") from None
