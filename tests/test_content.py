"""Every file under content/ is accounted for (model/content.py): published as a page, an update or a
static file of a known kind, or refused with its file and why, before anything is built."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from generator.cli import main
from generator.model.content import read_content

DRAFT = "---\ntitle: A draft\ndate: 2026-01-01\ndeals: []\nsummary: S.\ndraft: true\n---\n\nText.\n"
COPIED = "MkDocs would copy it into the site as it is, unchecked"
SAFE = ".css, .js, .png, .jpg, .jpeg, .gif, .webp, .ico, .woff2, .pdf, .csv, .txt, .yml, .yaml"


def _content(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "content"
    (root / "updates").mkdir(parents=True)
    (root / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "updates" / "index.md").write_text("# Updates\n", encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _problems(root: Path) -> list[str]:
    return [str(p) for p in read_content(root)[1]]


def test_the_example_content_is_all_accounted_for():
    content, problems = read_content(REPO / "content")
    assert problems == []
    assert {"index.md", "publishing.md", "updates/index.md"} <= content.pages
    assert "assets/dealsite.js" in content.files and "examples/publish-workflow.yml" in content.files
    assert all(uri.startswith("updates/20") for uri in content.updates) and len(content.updates) >= 3


def test_pages_updates_and_files_are_sorted_apart(tmp_path):
    root = _content(tmp_path, {"guide/page.md": "# P\n", "updates/2026-01-01-x.md": DRAFT, "updates/photo.png": "x", "a/b.pdf": "x"})
    content, problems = read_content(root)
    assert problems == []
    assert content.pages == {"index.md", "updates/index.md", "guide/page.md"}
    assert content.updates == {"updates/2026-01-01-x.md"}
    assert content.files == {"updates/photo.png", "a/b.pdf"}


def test_read_for_a_preview_the_files_only_draft_docs_leaves_out_are_named_drafts(tmp_path):
    root = _content(tmp_path, {"plans/next.md": "# N\n", "plans/old.md": "# O\n", "updates/2026-01-01-x.md": DRAFT, "notes.md": "# M\n"})
    content, problems = read_content(root, ["plans/old.md"], ["plans/", "updates/2026-01-01-x.md"], show_drafts=True)
    assert problems == []
    assert content.drafts == {"plans/next.md", "updates/2026-01-01-x.md"}
    assert content.drafts <= content.published() and "plans/old.md" not in content.published()


REFUSED = {
    "updates/sub/2026-01-01-x.md": (
        "is in a subfolder of content/updates/, where dealsite does not look for updates: MkDocs would publish it as it is, "
        "unchecked, draft or not (updates go directly in content/updates/; move it up, or out of content/)"
    ),
    "updates/sub/photo.png": (
        "is in a subfolder of content/updates/, where dealsite does not look for updates: MkDocs would publish it as it is, "
        "unchecked, draft or not (updates go directly in content/updates/; move it up, or out of content/)"
    ),
    "updates/2026-01-01-x.md~": f"is an editor's backup copy: {COPIED}, draft or not (delete it, or keep it outside content/)",
    "updates/2026-01-01-x.md.bak": f"is an editor's backup copy: {COPIED}, draft or not (delete it, or keep it outside content/)",
    "page.md.orig": f"is an editor's backup copy: {COPIED}, draft or not (delete it, or keep it outside content/)",
    "page.md.swp": f"is an editor's backup copy: {COPIED}, draft or not (delete it, or keep it outside content/)",
    "page.tmp": f"is an editor's backup copy: {COPIED}, draft or not (delete it, or keep it outside content/)",
    "updates/2026-01-01-x.markdown": "has the extension .markdown: MkDocs would publish it as a page, but dealsite checks only .md files (rename it to 2026-01-01-x.md)",
    "updates/2026-01-01-x.mdown": "has the extension .mdown: MkDocs would publish it as a page, but dealsite checks only .md files (rename it to 2026-01-01-x.md)",
    "updates/2026-01-01-x.mkdn": "has the extension .mkdn: MkDocs would publish it as a page, but dealsite checks only .md files (rename it to 2026-01-01-x.md)",
    "updates/2026-01-01-x.mkd": "has the extension .mkd: MkDocs would publish it as a page, but dealsite checks only .md files (rename it to 2026-01-01-x.md)",
    "updates/2026-01-01-X.MD": f"has the extension .MD: {COPIED} (rename it to 2026-01-01-X.md)",
    "page.Md": f"has the extension .Md: {COPIED} (rename it to page.md)",
    "2026-01-01-x.md": (
        "is named like an update (YYYY-MM-DD-slug.md) but is not in content/updates/: "
        "it would be published as a plain page, draft or not (move it there)"
    ),
    "page.html": f"has the extension .html: {COPIED} (content/ may hold Markdown pages, .md, and files ending {SAFE})",
    "CNAME": f"has no extension: {COPIED} (content/ may hold Markdown pages, .md, and files ending {SAFE})",
    "logo.svg": "is an SVG image: SVG can carry script, which would run on the site's own address (use PNG or WebP instead)",
    "photo.JPG": "has an upper-case extension .JPG: rename it to photo.jpg",
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_file_content_may_not_hold_is_refused_with_why(name, tmp_path):
    root = _content(tmp_path, {name: DRAFT})
    assert _problems(root) == [f"{root / name}:1: {REFUSED[name]}"]


LINKED = "is a symbolic link (to a {}): a link would publish whatever it points to, a file of the build machine perhaps (copy the file into content/ instead)"


@pytest.mark.parametrize("name", ["notes.md", "assets/host.txt", "updates/2026-01-01-x.md", ".hidden/notes.md"])
def test_a_symbolic_link_to_a_file_is_refused_even_where_mkdocs_looks_away(name, tmp_path):
    root = _content(tmp_path, {})
    secret = tmp_path / "secret.md"
    secret.write_text("root:x:0:0\n", encoding="utf-8")
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).symlink_to(secret)
    assert _problems(root) == [f"{root / name}:1: {LINKED.format('file')}"]


def test_a_symbolic_link_to_a_folder_is_refused_and_never_entered(tmp_path):
    root = _content(tmp_path, {})
    outside = tmp_path / "machine"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "x.html").write_text("<script></script>", encoding="utf-8")
    (root / "machine").symlink_to(outside)
    assert _problems(root) == [f"{root / 'machine'}:1: {LINKED.format('folder')}"]


def test_a_dangling_symbolic_link_is_refused(tmp_path):
    root = _content(tmp_path, {})
    (root / "gone.md").symlink_to(tmp_path / "nowhere.md")
    assert _problems(root) == [f"{root / 'gone.md'}:1: {LINKED.format('file')}"]


def test_a_pipe_is_refused_and_never_opened(tmp_path):
    root = _content(tmp_path, {})
    os.mkfifo(root / "feed.txt")
    assert _problems(root) == [f"{root / 'feed.txt'}:1: is not a regular file (a pipe, socket or device): content/ may hold only files and folders"]


def test_hidden_files_and_the_templates_folder_are_ignored_as_mkdocs_ignores_them(tmp_path):
    root = _content(tmp_path, {".DS_Store": "x", ".git/config": "x", "a/.draft.md~": "x", "templates/x.html": "x"})
    content, problems = read_content(root)
    assert problems == []
    assert not any("DS_Store" in uri or ".git" in uri or "templates" in uri for uri in content.published())


# --- the front matter of a page ---------------------------------------------------------


def test_a_page_with_the_fields_of_an_update_is_an_update_in_the_wrong_place(tmp_path):
    root = _content(tmp_path, {"news.md": "---\ntitle: News\ndraft: true\n---\n\nText.\n"})
    assert _problems(root) == [
        f"{root / 'news.md'}:3: draft: is a field of an update, but only files in content/updates/ are updates: this page "
        "would be published as it is, draft or not (move it to content/updates/ as YYYY-MM-DD-slug.md)"
    ]


def test_a_page_may_set_only_fields_the_theme_prints_safely(tmp_path):
    root = _content(tmp_path, {"p.md": "---\ntitle: P\nauthor: <b>me</b>\nsearch:\n  exclude: true\n...\n\nText.\n"})
    assert _problems(root) == [
        f"{root / 'p.md'}:3: author: is not a field a page may set (expected title, description, search or hide; the theme prints some fields as HTML)"
    ]


def test_multimarkdown_metadata_is_read_as_mkdocs_reads_it(tmp_path):
    # No --- block: MkDocs takes "key: value" lines at the top as metadata (a template and its data)
    root = _content(tmp_path, {"p.md": "Title: P\ntemplate: redirect.html\n\n# P\n"})
    assert _problems(root) == [
        f"{root / 'p.md'}:2: template: is not a field a page may set (expected title, description, search or hide; the theme prints some fields as HTML)"
    ]


def test_a_yaml_trap_in_a_page_is_reported_at_its_line(tmp_path):
    root = _content(tmp_path, {"p.md": "---\ntitle: P\nsearch:\n  exclude: yes\n---\n\nText.\n"})
    [problem] = _problems(root)
    assert problem.startswith(f"{root / 'p.md'}:4: ") and "yes/no" in problem


# --- dealsite check reports them with the deal problems --------------------------------------


def test_check_reports_content_problems_with_deal_problems(tmp_path, monkeypatch, capsys):
    shutil.copytree(REPO / "deals", tmp_path / "deals")
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "deals" / "kent.yaml").write_text("title: Kent\n", encoding="utf-8")
    (tmp_path / "content" / "updates" / "2026-01-01-x.md~").write_text(DRAFT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "content/updates/2026-01-01-x.md~:1: is an editor's backup copy" in err
    assert "deals/kent.yaml:1: " in err
