"""Jinja over ``site_templates/``, escaping by construction.

Autoescape is on for every template, whatever its extension: deal text is
written by people and must never become markup. Undefined names are errors, so
a typo in a template fails the build rather than leaving a blank.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .display import FILTERS


def environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    return env
