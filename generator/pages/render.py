"""Jinja over ``site_templates/``, escaping by construction.

Autoescape is on for every template, whatever its extension: deal text is
written by people and must never become markup. Undefined names are errors, so
a typo in a template fails the build rather than leaving a blank.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket

from ..compute.display import FILTERS
from ..model.digest import cache, digest


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by name and source checksum.

    Every build makes a fresh Jinja environment (ours, and MkDocs' for the theme), which
    compiled every template again: a second of each rebuild under ``dealsite serve``. An
    edited template has a new checksum, so it is compiled again.
    """

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self.store.clear()


COMPILED = MemoryBytecodeCache()
cache(COMPILED.clear)


def templates_digest(templates_dir: Path) -> bytes:
    """The digest of every file under templates_dir, by name and bytes: what pages are rendered
    with (``DealMemo`` keys a deal's pages by it)."""
    files = sorted(p for p in Path(templates_dir).rglob("*") if p.is_file())
    return digest("templates", *(part for p in files for part in (p.relative_to(templates_dir).as_posix(), p.read_bytes())))


def environment(templates_dir: Path) -> Environment:
    env = Environment(
        bytecode_cache=COMPILED,
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(FILTERS)
    return env
