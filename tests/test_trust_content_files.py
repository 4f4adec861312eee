"""Issue 12, content files: a stray update-like file or a symlink in content/ is refused.

Only content/updates/YYYY-MM-DD-slug.md files are checked updates. A draft saved in a
subfolder, under another extension, outside updates/, or an editor's backup copy is published
by MkDocs as it is (a page, or a static file copied byte for byte), draft or not. A symlink
in content/ publishes a file of the build machine. Each must make `dealsite check` (no
arguments, in the project) and `dealsite build` exit 1, naming the file with a reason, and
leave the existing site/ byte-identical.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from trust_support import (
    NOW,
    copy_project,
    dealsite,
    problem_lines,
    site_files,
    tree_hash,
    update,
    where,
    write,
)

pytestmark = pytest.mark.xdist_group("trust-content")

CANARY = "zqxstraycanary"
DRAFT = update("Stray draft", "2026-01-01", f"The {CANARY} text, not yet public.\n", extra="draft: true\n")

# (path in content/, what it is); each is one case.
STRAY = {
    "updates/sub/2026-01-01-x.md": "a draft update in a subfolder of updates/",
    "updates/2026-01-01-x.markdown": "an update with the .markdown extension",
    "2026-01-01-x.md": "an update-like draft outside updates/",
    "updates/2026-01-01-x.md~": "an editor's backup (~)",
    "updates/2026-01-01-x.md.bak": "an editor's backup (.bak)",
    "updates/2026-01-01-X.MD": "an update with an upper-case name and extension",
    # Not named in issue 12, same class: MkDocs reads these extensions as Markdown pages too.
    "updates/2026-01-01-x.mdown": "an update with the .mdown extension",
    "updates/2026-01-01-x.mkd": "an update with the .mkd extension",
}
SYMLINKS = {
    "notes.md": "a symlink (a page) to a file outside the project",
    "assets/host.txt": "a symlink (a static file) to a file outside the project",
    # Not named in issue 12, same class: MkDocs follows symlinked folders too.
    "machine": "a symlink to a folder outside the project",
}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A project with a site/ built by `dealsite build`; tests take copies."""
    project = copy_project(tmp_path_factory.mktemp("content") / "project")
    result = dealsite(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> Path:
    """A file of the build machine, outside the project."""
    path = tmp_path_factory.mktemp("machine") / "secret.md"
    path.write_text(f"# Secret\n\nroot:x:0:0:{CANARY}:/root:/bin/bash\n", encoding="utf-8")
    return path


def _copy(good: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(good, tmp_path / "project", symlinks=True))


def _plant(project: Path, name: str, secret: Path) -> None:
    path = project / "content" / name
    if name in SYMLINKS:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(secret.parent if name == "machine" else secret)
    else:
        write(path, DRAFT)


CASES = [pytest.param(name, id=name) for name in [*STRAY, *SYMLINKS]]


@pytest.mark.parametrize("name", CASES)
def test_check_refuses_a_stray_content_file(name, good, secret, tmp_path):
    project = _copy(good, tmp_path)
    _plant(project, name, secret)
    result = dealsite(project, "check")
    assert result.returncode == 1, f"exit {result.returncode}: {result.stdout}{result.stderr}"
    assert problem_lines(result.stderr, name), f"no line naming {name} with a reason:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert CANARY not in result.stdout + result.stderr


@pytest.mark.parametrize("name", CASES)
def test_build_refuses_a_stray_content_file_and_leaves_site_unchanged(name, good, secret, tmp_path):
    project = _copy(good, tmp_path)
    before = tree_hash(project / "site")
    _plant(project, name, secret)
    result = dealsite(project, "build", at=NOW)
    leaked = where(site_files(project / "site"), CANARY)
    assert result.returncode == 1, f"exit {result.returncode}; the canary is in {leaked}"
    assert problem_lines(result.stderr, name), f"no line naming {name} with a reason:\n{result.stderr[-3000:]}"
    assert CANARY not in result.stdout + result.stderr
    assert tree_hash(project / "site") == before


def test_an_update_check_accepts_also_builds(good, tmp_path):
    # Not named in issue 12: "whatever check accepts, build builds" fails for an update with a
    # link to a page that does not exist (MkDocs' strict mode stops the build; check never looks).
    project = _copy(good, tmp_path)
    name = "updates/2026-05-01-broken-link.md"
    write(project / "content" / name, update("A broken link", "2026-05-01", "See [the page](no-such-page.md).\n"))
    check = dealsite(project, "check")
    assert "Traceback" not in check.stderr
    if check.returncode == 1:
        assert problem_lines(check.stderr, name), check.stderr[-3000:]
        return
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, f"check accepted it; build failed:\n{built.stderr[-3000:]}"


# A hand-written file where the build generates one: MkDocs lets the generated file take its
# place without a word (or, for a page at a generated page's address, writes one over the
# other). Each must be refused, by `dealsite check` and by `dealsite build`, naming the file.
CLASHES = {
    "deals/kent/conditions.csv": (f"{CANARY},1\n", "a file where a deal's downloads go"),
    "deals/kent/tables.md": (f"# Mine\n\n{CANARY}\n", "a page at a deal's tables page"),
    "deals/notes.md": (f"# Mine\n\n{CANARY}\n", "a page in the deals' folder, at no deal's address"),
    "data/readings.csv": (f"{CANARY},1\n", "a file where the site's downloads go"),
    "feeds/notes.txt": (f"{CANARY}\n", "a file where the feeds go"),
    "dashboard.md": (f"# Mine\n\n{CANARY}\n", "a page at a generated page's address"),
    "timetable/index.md": (f"# Mine\n\n{CANARY}\n", "a page at a generated page's address, as a folder's index"),
    "powers/README.md": (f"# Mine\n\n{CANARY}\n", "a README, which MkDocs reads as the folder's index"),
    "pack.pdf": (f"%PDF-1.4 {CANARY}\n", "a file at the committee pack PDF's address"),
    # found by the outside attack: `check` passed these and `build` stopped with FileExistsError
    "pack.pdf.md": (f"# Mine\n\n{CANARY}\n", "a page written as the folder pack.pdf/, where the pack's PDF is a file"),
    # Letter case aside: on Windows and macOS each is the generated file or folder itself.
    "Dashboard.md": (f"# Mine\n\n{CANARY}\n", "a page at a generated page's address in capitals"),
    "Deals/kent/conditions.csv": (f"{CANARY},1\n", "a file where a deal's downloads go, the folder in capitals"),
    "DATA/readings.csv": (f"{CANARY},1\n", "a file where the site's downloads go, the folder in capitals"),
    # found by the outside attack: names Windows or macOS read as a generated one
    "da\u017fhboard.md": (f"# Mine\n\n{CANARY}\n", "a long s, which Windows upper-cases to S"),
    "comm\u0131ttee.md": (f"# Mine\n\n{CANARY}\n", "a dotless i, which Windows upper-cases to I"),
    "pack.pdf/notes.md": (f"# Mine\n\n{CANARY}\n", "a page inside a folder named like the pack's PDF"),
    # found by the third outside attack: a folder named as a page's own file
    "index.html.md": (f"# Mine\n\n{CANARY}\n", "a page written as the folder index.html/, the home page's file"),
    "dashboard/index.html.md": (f"# Mine\n\n{CANARY}\n", "a page written as the folder of a generated page's file"),
    "index.html/logo.png": (f"{CANARY}\n", "a file inside a folder named as the home page's file"),
    "Pack.pdf": (f"%PDF-1.4 {CANARY}\n", "a file at the committee pack PDF's address, with a capital"),
}
SAID = {
    "pack.pdf.md": "would be written as the folder pack.pdf/, where the site has the file pack.pdf",
    "pack.pdf/notes.md": "would be written inside the folder pack.pdf/, where the site has the file pack.pdf",
    "index.html.md": "would be written as the folder index.html/, where the site has the file index.html",
    "dashboard/index.html.md": "would be written as the folder dashboard/index.html/, where the site has the file dashboard/index.html",
    "index.html/logo.png": "would be written inside the folder index.html/, where the site has the file index.html",
}  # else: WITHOUT_A_WORD
WITHOUT_A_WORD = "without a word"
CLASH_CASES = [pytest.param(name, id=name) for name in CLASHES]


@pytest.mark.parametrize("name", CLASH_CASES)
def test_check_refuses_a_content_file_where_the_build_generates_one(name, good, tmp_path):
    project = _copy(good, tmp_path)
    write(project / "content" / name, CLASHES[name][0])
    result = dealsite(project, "check")
    assert result.returncode == 1, f"exit {result.returncode}: {result.stdout}{result.stderr}"
    (line,) = problem_lines(result.stderr, name)
    assert SAID.get(name, WITHOUT_A_WORD) in line
    assert CANARY not in result.stdout + result.stderr


@pytest.mark.parametrize("name", CLASH_CASES)
def test_build_refuses_a_content_file_where_the_build_generates_one_and_leaves_site_unchanged(name, good, tmp_path):
    project = _copy(good, tmp_path)
    before = tree_hash(project / "site")
    write(project / "content" / name, CLASHES[name][0])
    result = dealsite(project, "build", at=NOW)
    assert result.returncode == 1, f"exit {result.returncode}; the canary is in {where(site_files(project / 'site'), CANARY)}"
    assert problem_lines(result.stderr, name), result.stderr[-3000:]
    assert tree_hash(project / "site") == before


@pytest.mark.parametrize(
    "name",
    ["deals.md", "data.csv", "feeds.txt", "my-deals/kent/conditions.csv", "timetable-notes.md", "powers/history.md", "pack.txt"],
)
def test_a_content_file_beside_the_generated_ones_is_accepted(name, good, tmp_path):
    project = _copy(good, tmp_path)
    write(project / "content" / name, "# Mine\n\nA page of our own.\n" if name.endswith(".md") else "mine\n")
    result = dealsite(project, "check")
    assert result.returncode == 0, result.stderr[-3000:]


def test_a_page_address_is_where_mkdocs_writes_the_page():
    from generator.pages.site_pages import page_address

    assert page_address("dashboard.md") == "dashboard"  # dashboard/index.html
    assert page_address("timetable/index.md") == "timetable"  # timetable/index.html
    assert page_address("powers/README.md") == "powers"  # MkDocs reads README.md as index.md
    assert page_address("deals/kent/tables.md") == "deals/kent/tables"
    assert page_address("index.md") == ""
    assert page_address("readme.md") == "readme"  # only README, as MkDocs reads it


# Found by the outside attack: two hand-written things at one address; `check` passed them and
# one page silently won (the build and the preview even chose differently), or `build` stopped.
PAIRS = {
    "two pages at one address": ({"b.md": "# B flat\n", "b/index.md": "# B folder\n"}, "b/index.md", "content/b.md"),
    "a page written as a file's folder": ({"notes.txt": "mine\n", "notes.txt.md": "# Notes\n"}, "notes.txt.md", "the file notes.txt"),
    "two pages, one accent composed, one decomposed": ({"caf\u00e9.md": "# A\n", "cafe\u0301.md": "# B\n"}, "cafe\u0301.md", "content/caf\u00e9.md (caf\u00e9/, the same name with its accents encoded otherwise, which macOS reads as one"),
    "two pages with final and medial sigma": ({"\u03bf\u03b4\u03bf\u03c2.md": "# A\n", "\u039f\u0394\u039f\u03a3.md": "# B\n"}, "\u039f\u0394\u039f\u03a3.md", "content/\u03bf\u03b4\u03bf\u03c2.md (\u03bf\u03b4\u03bf\u03c2/, which Windows and macOS read as the same name"),
    "two files but for letter case": ({"Logo.png": "a\n", "logo.png": "b\n"}, "Logo.png", "content/logo.png, which Windows and macOS read as the same name"),
    "a page written as the folder of a page's file": ({"a.md": "# A\n", "a/index.html.md": "# B\n"}, "a/index.html.md", "as the folder a/index.html/, where the site has the file a/index.html"),
    # the plainly written name keeps its place; of index.md and README.md, index.md, as MkDocs keeps it
    "the home page twice": ({"README.md": "# Readme\n"}, "README.md", "content/index.md (/, the home page)"),
    "a page inside a folder of a file's name": ({"report.pdf": "%PDF-1.4\n", "Report.pdf/summary.md": "# S\n"}, "Report.pdf/summary.md", "inside the folder Report.pdf/, where the site has the file report.pdf, which Windows"),
    "a file inside a folder of a file's name": ({"report.pdf": "%PDF-1.4\n", "Report.pdf/map.png": "png\n"}, "Report.pdf/map.png", "inside the folder Report.pdf/, where the site has the file report.pdf, which Windows"),
    "two pages at one address but for letter case": ({"About.md": "# About\n", "about.md": "# about\n"}, "About.md", "content/about.md (about/, which Windows and macOS read as the same name"),
    "a page written as a file's folder but for letter case": ({"Notes.txt": "mine\n", "notes.txt.md": "# Notes\n"}, "notes.txt.md", "the file Notes.txt, which Windows and macOS read as the same name"),
}


@pytest.mark.parametrize("pair", list(PAIRS))
def test_check_refuses_two_hand_written_files_at_one_address(pair, good, tmp_path):
    project = _copy(good, tmp_path)
    files, refused, named = PAIRS[pair]
    for name, text in files.items():
        write(project / "content" / name, text)
    result = dealsite(project, "check")
    assert result.returncode == 1, result.stderr[-3000:]
    (line,) = problem_lines(result.stderr, refused)
    assert named in line


def test_the_pack_pdf_name_is_free_when_the_project_makes_no_pdf(good, tmp_path):
    project = _copy(good, tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("pack_pdf: true", "pack_pdf: false"), encoding="utf-8")
    write(project / "content" / "pack.pdf", "%PDF-1.4 our own\n")
    result = dealsite(project, "check")
    assert result.returncode == 0, result.stderr[-3000:]


# Found by the outside attack: a page written as the folder of a file the theme or MkDocs
# writes passed check and stopped the build with FileExistsError or IsADirectoryError; the
# build now names it (check cannot: only the engine knows its files).
ENGINE_FILES = ["404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json", "a theme script"]


def _build_refuses(project: Path, name: str, text: str, said: str) -> None:
    """Writing content/NAME stops `dealsite build`, naming NAME with ``said``, and leaves site/ as it was."""
    before = tree_hash(project / "site")
    write(project / "content" / name, text)
    result = dealsite(project, "build", at=NOW)
    assert result.returncode == 1, result.stderr[-3000:]
    (line,) = problem_lines(result.stderr, name)
    assert said in line
    assert tree_hash(project / "site") == before


@pytest.mark.parametrize("taken", ENGINE_FILES)
def test_build_names_a_page_written_as_the_folder_of_a_file_the_engine_writes(taken, good, tmp_path):
    project = _copy(good, tmp_path)
    if taken == "a theme script":
        taken = sorted(p.relative_to(project / "site").as_posix() for p in (project / "site" / "assets" / "javascripts").glob("*.js"))[0]
    _build_refuses(project, f"{taken}.md", "# Mine\n\nOur own page.\n", f"would be written as the folder {taken}/, where the site has the file {taken}")


@pytest.mark.parametrize(("written", "taken"), [("404.HTML", "404.html"), ("Search/Search_Index.json", "search/search_index.json"), ("\u017fitemap.xml", "sitemap.xml")])
def test_build_names_a_page_written_as_the_folder_of_an_engine_file_but_for_letter_case(written, taken, good, tmp_path):
    """On Windows and macOS the folder 404.HTML/ is the file 404.html the theme writes (and
    with a long s, found by the outside attack, the folder \u017fitemap.xml/ is sitemap.xml)."""
    project = _copy(good, tmp_path)
    _build_refuses(project, f"{written}.md", "# Mine\n\nOur own page.\n", f"would be written as the folder {written}/, where the site has the file {taken}")


def test_check_refuses_a_page_at_an_updates_address_but_for_letter_case(good, tmp_path):
    """Found by the outside attack: on Windows and macOS this page replaces the update's."""
    project = _copy(good, tmp_path)
    update_page = sorted((project / "content" / "updates").glob("20*.md"))[0]
    name = f"Updates/{update_page.stem}/index.md"
    write(project / "content" / name, "# Mine\n\nOur own page.\n")
    result = dealsite(project, "check")
    assert result.returncode == 1, result.stderr[-3000:]
    (line,) = problem_lines(result.stderr, name)
    assert f"content/updates/{update_page.name} (updates/{update_page.stem}/, which Windows and macOS read as the same name" in line


def test_build_names_a_file_with_the_name_of_a_theme_file_written_otherwise(good, tmp_path):
    """Found by the outside attack: the site held the theme's favicon.png and our Favicon.png,
    which Windows and macOS read as one name. The same name written alike replaces the theme's
    file, as MkDocs means it to."""
    project = _copy(good, tmp_path)
    theme = sorted((project / "site" / "assets" / "images").glob("*.png"))[0].relative_to(project / "site").as_posix()
    name = theme.rsplit("/", 1)[0] + "/" + theme.rsplit("/", 1)[1].capitalize()
    _build_refuses(project, name, "not a png\n", f"has the name of the file {theme}, which Windows and macOS read as the same name")


@pytest.mark.parametrize(("name", "taken"), [("404.html/x.png", "404.html"), ("Sitemap.xml/x.png", "sitemap.xml"), ("favicon", "favicon")])
def test_build_names_a_file_inside_a_folder_named_as_an_engine_file(name, taken, good, tmp_path):
    """Found by the third outside attack: content/404.html/x.png stopped the build with
    IsADirectoryError naming a temporary folder, and content/assets/images/favicon.png/x.png
    built a site whose favicon link led to a folder."""
    project = _copy(good, tmp_path)
    if name == "favicon":
        taken = sorted((project / "site" / "assets" / "images").glob("*.png"))[0].relative_to(project / "site").as_posix()
        name = f"{taken}/x.png"
    _build_refuses(project, name, "not a png\n", f"would be written inside the folder {name.rsplit('/', 1)[0]}/, where the site has the file {taken}")


def test_a_hidden_file_in_a_folder_named_as_an_engine_file_is_left_alone(good, tmp_path):
    """Found by the fourth outside attack: content/404.html/.keep was refused, though MkDocs
    never copies a hidden file, so no folder 404.html/ is written."""
    project = _copy(good, tmp_path)
    write(project / "content" / "404.html" / ".keep", "")
    result = dealsite(project, "build", at=NOW)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (project / "site" / "404.html").is_file()


# Found by the fifth outside attack: names Windows cannot hold (and, not in UTF-8, MkDocs
# cannot give an address: check passed and the build stopped with UnicodeEncodeError, naming
# no file). check and build refuse each, naming the file and what is wrong with its name.
UNPORTABLE = {
    "aux.md": "which Windows keeps for a device",
    "notes/nul.txt": "which Windows keeps for a device",
    "c?d.md": "holding '?', which Windows does not allow",
    "a\\b.md": "holding '\\\\', which Windows does not allow",
    "a\nb.md": "holding '\\n', which Windows does not allow",
    "dashboard..md": "under the name 'dashboard.', whose last dot or space Windows drops",
    "Deals /x.png": "under the name 'Deals ', whose last dot or space Windows drops",
    "\udcffx.md": "not written in UTF-8",
    # found by the sixth outside attack
    "com\u00b9.txt": "which Windows keeps for a device",  # Windows reads the superscript as a digit
    "aux .txt": "which Windows keeps for a device",  # and ignores the spaces before the dot
    "CONIN$.md": "which Windows keeps for a device",
    "zw\u200bsp.md": "contains an invisible zero-width space",  # two names that look the same
    "a\x85b.md": "contains a control character (U+0085)",
}


@pytest.mark.parametrize("name", list(UNPORTABLE), ids=[ascii(n) for n in UNPORTABLE])
def test_check_and_build_refuse_a_name_windows_cannot_hold(name, good, tmp_path):
    project = _copy(good, tmp_path)
    before = tree_hash(project / "site")
    write(project / "content" / name, "# Mine\n\nOur own page.\n" if name.endswith(".md") else "mine\n")
    for command in ("check", "build"):
        result = dealsite(project, command)
        assert result.returncode == 1, f"{command}: {result.stderr[-3000:]}"
        assert UNPORTABLE[name] in result.stderr, result.stderr[-3000:]
    assert tree_hash(project / "site") == before


@pytest.mark.parametrize(
    "name", ["St. Albans.md", "v1.2.md", "Ynys M\u00f4n.md", "Bath & North East Somerset.md", "King\u2019s Lynn.md", "console.md", "auxiliary.txt", "com10.csv"]
)
def test_a_name_windows_can_hold_is_accepted(name, good, tmp_path):
    project = _copy(good, tmp_path)
    write(project / "content" / name, "# Mine\n\nOur own page.\n" if name.endswith(".md") else "mine\n")
    result = dealsite(project, "check")
    assert result.returncode == 0, result.stderr[-3000:]
