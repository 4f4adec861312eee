"""Each MkDocs internal dealsite relies on, tested so that an upgrade that changes it fails here, loudly.

dealsite reads some files the way MkDocs reads them, so that nothing MkDocs would publish
escapes our checks: front matter (model/frontmatter.py), which files count as Markdown and
which are left out (model/content.py).
"""

from __future__ import annotations

import pytest
import yaml
from mkdocs.structure.files import File, InclusionLevel, _default_exclude
from mkdocs.utils import markdown_extensions
from mkdocs.utils.meta import get_data

from generator.model.content import MARKDOWN
from generator.model.frontmatter import as_mkdocs_reads, multimarkdown_keys, split_front_matter

TEXTS = {
    "closed by ---": "---\ntitle: A\n---\n\nBody.\n",
    "closed by ...": "---\ntitle: A\n...\n# a line MkDocs reads as body\n---\n\nBody.\n",
    "trailing spaces and tabs": "--- \t\ntitle: A\n... \t\nBody.\n",
    "a fence with text after it": "---x\ntitle: A\n---\nBody.\n",
    "no front matter": "# A page\n\nBody.\n",
    "a BOM": "\ufeff---\ntitle: A\n---\nBody.\n",
    "CRLF line endings": "---\r\ntitle: A\r\n...\r\nBody.\r\n",
    "CR line endings": "---\rtitle: A\r---\rBody.\r",
    "an empty block": "---\n---\nBody.\n",
    "a closing fence at the end, no newline": "---\ntitle: A\n---",
    "the first closing line wins": "---\ntitle: A\n---\nsummary: B\n...\nBody.\n",
    "a closing fence indented": "---\ntitle: A\n ---\nBody.\n",
    "four dots": "---\ntitle: A\n....\nBody.\n",
    "a blank first line": "\n---\ntitle: A\n---\nBody.\n",
}


def _mkdocs(text: str) -> tuple[str, dict]:
    """As MkDocs reads a page: File.content_string (UTF-8 without BOM, universal newlines), then get_data."""
    return get_data(as_mkdocs_reads(text))


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_our_front_matter_is_mkdocs_front_matter(text):
    front, body, first = split_front_matter(text)
    markdown, meta = _mkdocs(text)
    if front is None:
        assert set(meta) == set(multimarkdown_keys(text)), "MkDocs found front matter where we found none"
        if not meta:
            assert markdown == as_mkdocs_reads(text).lstrip("\n")
    else:
        assert meta == yaml.safe_load(front)
        assert markdown == body.lstrip("\n")  # MkDocs drops the blank lines; we keep them for line numbers
        assert first == 2


def test_a_file_opened_as_mkdocs_opens_it_reads_as_we_read_it(tmp_path):
    # File.content_string: encoding utf-8-sig, text mode. If MkDocs stops dropping the BOM or
    # turning CRLF into LF, as_mkdocs_reads must change with it.
    (tmp_path / "page.md").write_bytes("\ufeff---\r\ntitle: A\r\n...\r\nBody.\r\n".encode())
    file = File("page.md", str(tmp_path), str(tmp_path / "site"), True)
    assert file.content_string == as_mkdocs_reads("\ufeff---\r\ntitle: A\r\n...\r\nBody.\r\n") == "---\ntitle: A\n...\nBody.\n"


MULTIMARKDOWN = {
    "keys at the top": "Title: A\ntemplate: redirect.html\n    more of it\nlocation: x\n\n# Body\n",
    "a heading first": "# Body\ntitle: not metadata\n",
    "indented key": "   title: A\n\nBody\n",
    "a YAML block": "---\ntitle: A\n---\nBody\n",
}


@pytest.mark.parametrize("text", MULTIMARKDOWN.values(), ids=MULTIMARKDOWN.keys())
def test_our_multimarkdown_keys_are_mkdocs_keys(text):
    _, meta = _mkdocs(text)
    if split_front_matter(text)[0] is None:
        assert set(multimarkdown_keys(text)) == set(meta)
    else:
        assert multimarkdown_keys(text) == {}


def test_the_multimarkdown_keys_have_their_lines():
    assert multimarkdown_keys(MULTIMARKDOWN["keys at the top"]) == {"title": 1, "template": 2, "location": 4}


def test_mkdocs_reads_the_markdown_extensions_content_py_knows():
    assert set(markdown_extensions) == set(MARKDOWN)
    assert File("a.MD", "/d", "/s", True).is_documentation_page() is False  # copied as it is: refused


@pytest.mark.parametrize(
    "path, excluded",
    [(".hidden.md", True), ("a/.git/x.md", True), ("templates/x.html", True), ("a/templates/x.md", False), ("page.md", False)],
)
def test_mkdocs_leaves_out_what_content_py_ignores(path, excluded):
    # model/content.py ignores hidden names anywhere and the root folder templates/, as here
    assert _default_exclude.match_file(path) is excluded


def test_files_mkdocs_leaves_out_are_not_even_served():
    assert not InclusionLevel.EXCLUDED.is_in_serve() and not InclusionLevel.EXCLUDED.is_included()
