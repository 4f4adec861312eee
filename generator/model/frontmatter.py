"""Front matter, read exactly as MkDocs reads it, so no line is front matter to one and text to the other.

MkDocs 1.6 (``mkdocs.utils.meta.get_data``, called on ``File.content_string``) reads a page
as UTF-8 with a leading BOM dropped and every line ending turned into ``\\n`` (text mode).
Its front matter is YAML between a first line of ``---`` and the first later line of ``---``
*or* ``...``, each of which may end in spaces or tabs and must end with a newline. A page
without such a block may start with MultiMarkdown-style ``key: value`` lines instead, which
MkDocs also takes as metadata (and leaves out of the page). Reading either rule any other way
would let lines through unchecked: a closing ``...`` we did not know left the rest of the
front matter to MkDocs alone. tests/test_engine_mkdocs.py compares these functions with
MkDocs' own and fails loudly if MkDocs changes its rule.
"""

from __future__ import annotations

import re
from typing import Optional

# mkdocs.utils.meta.YAML_RE, as it is in MkDocs 1.6.
YAML_BLOCK = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
# mkdocs.utils.meta.META_RE and META_MORE_RE (MultiMarkdown metadata).
META_KEY = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE = re.compile(r"^([ ]{4}|\t)(\s*)(?P<value>.*)")


def as_mkdocs_reads(text: str) -> str:
    """The text as MkDocs holds it: no byte order mark, and ``\\n`` for every line ending."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[Optional[str], str, int]:
    """(YAML front matter, body, line of the front matter's first line), by MkDocs' rule;
    (None, the whole text, 1) when MkDocs sees no front matter block.

    The body is everything after the closing line (MkDocs also drops its leading blank
    lines, which Markdown ignores anyway; keeping them keeps line numbers right)."""
    text = as_mkdocs_reads(text)
    match = YAML_BLOCK.match(text)
    if match is None:
        return None, text, 1
    return match.group(1), text[match.end() :], 2


def multimarkdown_keys(text: str) -> dict[str, int]:
    """The metadata keys MkDocs reads from the top of a page that has no YAML block, each with
    its line (lower-cased, as MkDocs keeps them); empty for a page with a YAML block."""
    text = as_mkdocs_reads(text)
    if YAML_BLOCK.match(text):
        return {}
    found: dict[str, int] = {}
    key = None
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip() == "":
            break
        match = META_KEY.match(line)
        if match:
            key = match.group("key").lower().strip()
            found.setdefault(key, number)
        elif not (META_MORE.match(line) and key):
            break
    return found


def page_data(text: str) -> tuple[dict, str, int]:
    """(fields, body, line of the file the body starts on) of a page, as MkDocs 1.6 reads them
    (``mkdocs.utils.meta.get_data``): a YAML block whose content is a mapping, else
    MultiMarkdown ``key: value`` lines up to the first blank line; a YAML block that is not a
    mapping (or not YAML) stays in the body, as MkDocs leaves it. The body keeps the blank
    lines MkDocs drops from its start, so that line numbers stay right."""
    import yaml

    text = as_mkdocs_reads(text)
    match = YAML_BLOCK.match(text)
    if match is not None:
        try:
            data = yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except Exception:  # as MkDocs: any failure leaves the page as it is
            data = None
        if isinstance(data, dict):
            return data, text[match.end() :], match.group(0).count("\n") + 1
        return {}, text, 1
    lines = text.split("\n")
    data: dict = {}
    key, used = None, 0
    for line in lines:
        if line.strip() == "":
            used += 1
            break
        field = META_KEY.match(line)
        more = META_MORE.match(line)
        if field:
            key = field.group("key").lower().strip()
            value = field.group("value").strip()
            data[key] = f"{data[key]} {value}" if key in data else value
        elif more and key:
            data[key] += f" {more.group('value').strip()}"
        else:
            break
        used += 1
    return data, "\n".join(lines[used:]), used + 1
