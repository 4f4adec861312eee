"""No link in a built page leads to a page or file the site does not have.

dealsite check checks the links editors write; the core makes its own. Neither saw the links
the theme writes on every page: with content/accessibility.md deleted (and out of nav), every
page's footer linked to accessibility/, and `dealsite build` published that with exit 0.
The last check (engine/gate.py) now resolves every href and src of every built page, and a
page of nav: that content/ does not have is refused by check, as a left-out one was.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from trust_support import NOW, copy_project, dealsite

from generator.engine.site_links import SiteFiles
from generator.engine.unsafe_markup import read_markup

pytestmark = pytest.mark.xdist_group("site-links")

SITE = {"index.html", "accessibility/index.html", "deals/kent/index.html", "deals/kent/kent.ods", "assets/site.css", "St. Albans/index.html"}


def _broken(page: str, body: str, files=SITE) -> list[str]:
    """Where in the site the page's links reach and the site has nothing, as the findings name them."""
    data = f"<!DOCTYPE html><html><head></head><body>{body}</body></html>".encode()
    found = SiteFiles(files).broken(page, read_markup(page, data), data)
    return [re.split(", which the site does not have|, outside the site's folder", f.what.removeprefix("links to "))[0] for f in found]


def test_a_link_to_a_page_the_site_does_not_have_is_a_finding_named_by_its_place_in_the_site():
    assert _broken("deals/kent/index.html", '<a href="../../accessibility/">a</a><a href="../../statement/">s</a>') == ["statement/"]


def test_a_folder_is_reached_through_its_index_html_with_or_without_the_slash():
    assert _broken("index.html", '<a href="accessibility/">a</a><a href="accessibility">b</a><a href="./">home</a><a href=".">home</a>') == []
    assert _broken("deals/kent/index.html", '<a href="../../">home</a><a href="..">deals</a>') == ["deals/"]  # deals/ has no index.html here


def test_a_folder_without_an_index_html_is_broken():
    assert _broken("index.html", '<a href="assets/">a folder, not a page</a>') == ["assets/"]


def test_a_file_linked_as_a_folder_is_broken():
    # Found by the outside attack: a server answers 404 to pack.pdf/ (normpath dropped the slash).
    body = '<a href="deals/kent/kent.ods/">a</a><a href="accessibility/index.html/">b</a><a href="assets/site.css/.">c</a>'
    assert _broken("index.html", body) == ["deals/kent/kent.ods/", "accessibility/index.html/", "assets/site.css/"]


def test_sources_of_images_scripts_and_styles_are_links_too():
    body = '<img src="missing.png" alt=""><script src="assets/gone.js"></script><link rel="stylesheet" href="assets/site.css">'
    assert _broken("index.html", body) == ["missing.png", "assets/gone.js"]


def test_every_address_a_browser_loads_or_sends_to_is_looked_at():
    # Found by the outside attack: only href and src were read.
    body = (
        '<img src="assets/site.css" srcset="small.png 1x, assets/site.css 2x,big.png 3x" alt="">'
        '<link rel="preload" as="image" imagesrcset="pre.png 480w">'
        '<video poster="poster.png"></video><form action="send/"><button formaction="other/">x</button></form>'
    )
    assert _broken("index.html", body) == ["poster.png", "send/", "other/", "small.png", "big.png", "pre.png"]


def test_a_query_and_a_part_of_the_page_are_left_off_and_escapes_undone():
    body = '<a href="accessibility/?v=2#contact">a</a><a href="St.%20Albans/">b</a><a href="deals/kent/kent.ods#x">c</a>'
    assert _broken("index.html", body) == []
    assert _broken("index.html", '<a href="accessibility/%3Fv=2">a</a>') == ["accessibility/?v=2"]


def test_an_encoded_slash_is_part_of_a_name_not_a_folder():
    # Found by the outside attack: a server reads deals%2Fkent as one name.
    assert _broken("index.html", '<a href="deals%2Fkent/">a</a><a href="deals%2fkent/">b</a>') == ["deals%2Fkent/", "deals%2fkent/"]


def test_a_backslash_a_tab_and_a_line_break_are_read_as_a_browser_reads_them():
    body = r'<a href="..\..\accessibility\">a</a><a href="..\..\nowhere\">b</a><a href="../../access&#9;ibil&#10;ity/">c</a>'
    assert _broken("deals/kent/index.html", body) == ["nowhere/"]


def test_links_that_cannot_be_checked_here_are_not_findings():
    body = (
        '<a href="https://www.gov.uk/missing/">another site</a><a href="//cdn.example/x.js">another host</a>'
        '<a href="mailto:deals@example.org">mail</a><a href="#nowhere">a part of this page</a>'
        '<a href="/accessibility/">an absolute path (served from where?)</a>'
    )
    assert _broken("deals/kent/index.html", body) == []


def test_a_link_out_of_the_sites_folder_is_a_finding():
    # Found by the second outside attack: served from https://example.org/deals/, ../publishing/
    # from the home page is https://example.org/publishing/, another site's page.
    assert _broken("deals/kent/index.html", '<a href="../../../elsewhere/">a</a><a href="../../..">b</a>') == ["../elsewhere/", "../"]
    data = b'<a href="../publishing/">x</a>'
    [finding] = SiteFiles(SITE).broken("index.html", read_markup("index.html", data), data)
    assert "outside the site's folder" in finding.what


def test_an_svg_link_with_a_prefix_is_a_link_too():
    body = '<svg><use xlink:href="sprite.svg#icon"></use><a XLINK:HREF="gone/"><text>x</text></a><use xlink:href="#local"></use></svg>'
    assert _broken("index.html", body) == ["sprite.svg", "gone/"]


def test_each_place_the_site_lacks_is_named_once_however_the_page_writes_it():
    assert _broken("index.html", '<a href="gone/">1</a><a href="gone/">2</a><a href="./gone/">3</a><a href=" gone/ ">4</a>') == ["gone/"]


def test_a_cause_found_in_every_page_is_shown_for_a_few_and_the_others_are_not_hidden():
    from generator.engine.gate import UnsafeOutput
    from generator.engine.unsafe_markup import Finding

    footer = "links to accessibility/, which the site does not have"
    findings = [Finding(f"deals/d{i:03}/index.html", footer) for i in range(200)] + [Finding("publishing/index.html", "links to pic.png, which the site does not have")]
    message = str(UnsafeOutput(findings)).splitlines()
    assert message == [
        "the built site failed the last check before publishing (201 found):",
        f"  deals/d000/index.html: {footer}",
        f"  deals/d001/index.html: {footer}",
        f"  deals/d002/index.html: {footer}",
        f"  ... and 197 more files: {footer}",
        "  publishing/index.html: links to pic.png, which the site does not have",
    ]


def test_a_file_that_shows_one_cause_twice_is_named_once():
    # Found by the second outside attack: two texts of one held-back deal in one page.
    from generator.engine.gate import UnsafeOutput
    from generator.engine.unsafe_markup import Finding

    held = "shows text of the held-back deal Kent"
    message = str(UnsafeOutput([Finding("a/index.html", held), Finding("a/index.html", held), Finding("b/index.html", held)])).splitlines()
    assert message[1:] == [f"  a/index.html: {held}", f"  b/index.html: {held}"]


_segment = st.text(alphabet="abcxyz-.", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))
_path = st.lists(_segment, min_size=1, max_size=4).map("/".join)


@settings(max_examples=300, deadline=None)
@given(files=st.sets(_path, min_size=1, max_size=8), page_folder=st.lists(_segment, max_size=3).map("/".join), data=st.data())
def test_a_relative_link_reaches_a_file_exactly_when_the_site_has_it(files, page_folder, data):
    # The oracle: posixpath.relpath from the page's folder, which is how a relative link is
    # written to a known file; removed from the site, the same link must be a finding.
    page = f"{page_folder}/index.html" if page_folder else "index.html"
    folders = {"/".join(path.split("/")[:i]) for path in files | {page} for i in range(1, path.count("/") + 1)}
    assume(not folders & (files | {page}))  # a site cannot have a file and a folder of one name
    target = data.draw(st.sampled_from(sorted(files)))
    link = posixpath.relpath(target, page_folder or ".")
    site = files | {page}
    assert _broken(page, f'<a href="{link}">x</a>', site) == []
    without = {f for f in site if f != target}
    expected = [] if f"{target}/index.html" in without else [target]
    assert _broken(page, f'<a href="{link}">x</a>', without) == expected


# --- in a real build ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("links") / "project")


def _copy(project: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(project, tmp_path / "project", symlinks=True))


def test_a_site_with_no_public_deal_yet_builds(project, tmp_path):
    # Found by the outside attack: the timetable linked to data/milestones.csv, which only a
    # public deal's milestones make (a new project's first deal is a draft; an archive of a day
    # before the first deal).
    project = _copy(project, tmp_path)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      deals_dir: deals\n", "      deals_dir: deals\n      as_of: 2009-01-01\n"), encoding="utf-8")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    assert not (project / "site" / "deals" / "kent").exists()


def test_raw_html_links_in_a_hand_written_page_lead_where_check_and_export_take_them(project, tmp_path):
    # Found by the outside attack: MkDocs leaves raw HTML as written, so in notes.md (served at
    # notes/) <img src="assets/pic.png"> loaded notes/assets/pic.png. check and export read it
    # relative to the file; the build published it broken (then, with the link look, refused it).
    project = _copy(project, tmp_path)
    (project / "content" / "assets" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (project / "content" / "notes.md").write_text(
        "# Notes\n\n<img src=\"assets/pic.png\" alt=\"raw\">\n\n<a href=\"powers.md\">raw</a>, [markdown](powers.md) and ![md](assets/pic.png)\n",
        encoding="utf-8",
    )
    assert dealsite(project, "check", at=NOW).returncode == 0
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    page = (project / "site" / "notes" / "index.html").read_text(encoding="utf-8")
    assert '<img src="../assets/pic.png" alt="raw">' in page and '<a href="../powers/">raw</a>' in page
    assert '<a href="../powers/">markdown</a>' in page and '<img alt="md" src="../assets/pic.png">' in page


def test_an_address_that_already_reaches_a_file_from_the_pages_address_is_kept():
    from generator.model.content import Content, Page
    from generator.pages.written import as_the_core_writes

    # In sub/a.md (served at sub/a/), the Markdown link pic.png becomes ../pic.png (sub/pic.png);
    # ../pic.png written raw means the root's pic.png. In the HTML both read ../pic.png, and
    # Markdown inside HTML (md_in_html) the core does not read at all: kept, as MkDocs left it.
    content = Content(pages=frozenset({"sub/a.md"}), files=frozenset({"sub/pic.png", "pic.png", "sub/other.png"}))
    page = Page("sub/a.md", {}, "[x](pic.png)\n\n<img src=\"../pic.png\" alt=\"\">\n<img src=\"other.png\" alt=\"\">\n")
    rewrite = as_the_core_writes(page, content)
    assert rewrite("../pic.png") == "../pic.png"
    assert rewrite("other.png") == "../other.png"  # written raw, relative to the file
    assert rewrite("../../elsewhere/") == "../../elsewhere/"  # not written in the page: the engine's own


def test_a_readme_page_is_served_as_its_folders_page(project, tmp_path):
    # Found by the second outside attack: the core placed guide/README.md at guide/README/, so
    # the build rewrote its images for the wrong folder, and links to it led to guide/README/.
    project = _copy(project, tmp_path)
    (project / "content" / "guide").mkdir()
    (project / "content" / "guide" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (project / "content" / "guide" / "README.md").write_text(
        "# Guide\n\n![markdown](pic.png) <img src=\"pic.png\" alt=\"raw\"> <a href=\"../publishing.md\">raw</a>\n", encoding="utf-8"
    )
    (project / "content" / "notes.md").write_text("# Notes\n\n<a href=\"guide/README.md\">raw</a> and [markdown](guide/README.md)\n", encoding="utf-8")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    guide = (project / "site" / "guide" / "index.html").read_text(encoding="utf-8")
    assert '<img alt="markdown" src="pic.png">' in guide and '<img src="pic.png" alt="raw">' in guide, guide
    assert '<a href="../publishing/">raw</a>' in guide
    notes = (project / "site" / "notes" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../guide/">raw</a>' in notes and '<a href="../guide/">markdown</a>' in notes


def test_a_site_served_from_a_folder_builds(project, tmp_path):
    # Found by both outside attacks, older than this change: MkDocs writes 404.html's scripts
    # from the site's folder (/deals/sub/assets/...), which the last check did not count as ours.
    project = _copy(project, tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^site_url:.*$", "site_url: https://example.org/deals/sub/", text) if "site_url:" in text else "site_url: https://example.org/deals/sub/\n" + text, encoding="utf-8")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]
    assert 'src="/deals/sub/assets/javascripts/' in (project / "site" / "404.html").read_text(encoding="utf-8")


def test_a_script_from_the_hosts_root_outside_the_sites_folder_is_not_the_sites_own(tmp_path):
    from generator.engine.unsafe_markup import Scripts

    (tmp_path / "assets" / "javascripts").mkdir(parents=True)
    (tmp_path / "assets" / "javascripts" / "bundle.js").write_text("", encoding="utf-8")
    scripts = Scripts(tmp_path, (), "https://example.org/deals/")
    page = "<html><body><script src=\"/deals/assets/javascripts/bundle.js\"></script><script src=\"/assets/javascripts/bundle.js\"></script></body></html>"
    root = read_markup("404.html", page.encode())
    assert [scripts.allowed("404.html", element) for element in root.iter("script")] == [True, False]


def test_check_refuses_a_page_of_nav_that_is_not_public_yet(project, tmp_path):
    # Found by the second outside attack: check passed it; every build failed until the embargo lifted.
    project = _copy(project, tmp_path)
    deal = project / "deals" / "essex.yaml"
    deal.write_text("draft: true\n" + deal.read_text(encoding="utf-8"), encoding="utf-8")
    _nav(project, "deals/essex.md")
    checked = dealsite(project, "check", at=NOW)
    assert checked.returncode == 1, checked.stderr[-3000:]
    assert "mkdocs.yml:1: nav: names deals/essex.md, which the site does not show as built now" in checked.stderr, checked.stderr[-3000:]


def _without_in_nav(project: Path, page: str) -> None:
    config = project / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    config.write_text("".join(line for line in lines if f": {page}" not in line), encoding="utf-8")


def _computed_footer_link(project: Path) -> None:
    """The footer's link to the accessibility statement computed by the template, not written
    as an address: check cannot read it (engine/theme_links.py), so only the last check sees it."""
    footer = project / "site_templates" / "overrides" / "partials" / "copyright.html"
    text = footer.read_text(encoding="utf-8")
    assert "{{ 'accessibility/' | url }}" in text
    footer.write_text(text.replace("{{ 'accessibility/' | url }}", "{{ ('accessi' ~ 'bility/') | url }}"), encoding="utf-8")


def test_a_deleted_accessibility_statement_stops_the_build_and_the_live_site_stays(project, tmp_path):
    project = _copy(project, tmp_path)
    _computed_footer_link(project)
    first = dealsite(project, "build", "-q", at=NOW)
    assert first.returncode == 0, first.stderr[-3000:]
    live = (project / "site" / "index.html").read_bytes()
    (project / "content" / "accessibility.md").unlink()
    _without_in_nav(project, "accessibility.md")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 1, built.stderr[-3000:]
    assert "index.html: links to accessibility/, which the site does not have" in built.stderr, built.stderr[-3000:]
    assert (project / "site" / "index.html").read_bytes() == live
    assert (project / "site" / "accessibility" / "index.html").is_file()


def test_an_accessibility_statement_left_out_by_exclude_docs_stops_the_build(project, tmp_path):
    project = _copy(project, tmp_path)
    _computed_footer_link(project)
    _without_in_nav(project, "accessibility.md")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("exclude_docs: accessibility.md\n")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 1, built.stderr[-3000:]
    # Every page says it: a few are named, then how many more.
    assert "accountability/index.html: links to accessibility/, which the site does not have" in built.stderr, built.stderr[-3000:]
    assert "more files: links to accessibility/, which the site does not have" in built.stderr, built.stderr[-3000:]
    assert not (project / "site").exists()


def test_check_refuses_a_page_of_nav_that_content_does_not_have(project, tmp_path):
    project = _copy(project, tmp_path)
    (project / "content" / "accessibility.md").unlink()
    checked = dealsite(project, "check", at=NOW)
    assert checked.returncode == 1, checked.stderr[-3000:]
    assert "mkdocs.yml:1: nav: names accessibility.md, a page the site will not have (content/ has no such file" in checked.stderr, checked.stderr[-3000:]


def _nav(project: Path, *entries: str) -> None:
    config = project / "mkdocs.yml"
    added = "".join(f"  - Entry {i}: '{entry}'\n" for i, entry in enumerate(entries))
    config.write_text(config.read_text(encoding="utf-8").replace("nav:\n", f"nav:\n{added}"), encoding="utf-8")


def test_a_link_in_nav_elsewhere_or_to_what_the_build_makes_is_not_refused(project, tmp_path):
    # MkDocs reads a scheme, a host or an absolute path as a link elsewhere (the outside attack:
    # /handbook/README.md and tel:+4412345.md were refused as pages content/ lacks).
    project = _copy(project, tmp_path)
    _nav(project, "https://www.gov.uk/", "/handbook/README.md", "tel:+4412345.md", "//example.org/x.md", "deals/kent.md", "feeds/updates.xml")
    checked = dealsite(project, "check", at=NOW)
    assert checked.returncode == 0, checked.stderr[-3000:]


def test_check_refuses_a_page_of_nav_mkdocs_cannot_find_as_written(project, tmp_path):
    # MkDocs looks the entry up as written: its strict build refused these after building every
    # page, and check passed them (the outside attack).
    project = _copy(project, tmp_path)
    _nav(project, "publishing.md#publish", "../outside.md")
    checked = dealsite(project, "check", at=NOW)
    assert checked.returncode == 1, checked.stderr[-3000:]
    assert "mkdocs.yml:1: nav: names publishing.md#publish: MkDocs looks a page of the menu up by its file's path alone" in checked.stderr, checked.stderr[-3000:]
    assert "mkdocs.yml:1: nav: names ../outside.md, a page the site will not have" in checked.stderr, checked.stderr[-3000:]


def test_check_refuses_a_fragment_placed_where_its_links_would_break(project, tmp_path):
    # Found by the second outside attack: <!-- dealsite:deal-list --> in notes.md passed check
    # and was filled with links written from the home page (deals/kent/ led to notes/deals/kent/).
    project = _copy(project, tmp_path)
    write = lambda name, text: (project / "content" / name).write_text(text, encoding="utf-8")  # noqa: E731
    write("notes.md", "# Notes\n\n<!-- dealsite:deal-list -->\n\n```html\n<!-- dealsite:places -->\n```\n")
    write("news.md", "# News\n\n<!-- dealsite:update-list -->\n")  # at the depth of updates/, its own page
    checked = dealsite(project, "check", at=NOW)
    assert checked.returncode == 1, checked.stderr[-3000:]
    assert "notes.md:3: shows the fragment dealsite:deal-list, which is made for index.md" in checked.stderr, checked.stderr[-3000:]
    assert "dealsite:places" not in checked.stderr and "news.md" not in checked.stderr, checked.stderr[-3000:]


def test_check_refuses_a_page_of_nav_among_the_deals_that_the_build_will_not_make(project, tmp_path):
    # Found by the third outside attack: a typo in a deal's page passed check (generated folders
    # were passed over whole); every page's menu then linked to nothing.
    project = _copy(project, tmp_path)
    _nav(project, "deals/kentt.md", "data/deals.csv")
    checked = dealsite(project, "check", at=NOW)
    assert checked.returncode == 1, checked.stderr[-3000:]
    assert "nav: names deals/kentt.md, a page the site will not have" in checked.stderr, checked.stderr[-3000:]
    assert "data/deals.csv" not in checked.stderr  # a download the build makes


def test_a_page_a_hook_adds_is_built(project, tmp_path):
    # Found by the third outside attack: the build read every page that is not dealsite's from
    # content/, and one a hook or another plugin adds is not there.
    project = _copy(project, tmp_path)
    (project / "hook.py").write_text(
        "from mkdocs.structure.files import File\n\n"
        "def on_files(files, config):\n"
        "    files.append(File.generated(config, 'extra.md', content='# Extra\\n\\n<img src=\"assets/dealsite.css\" alt=\"\">\\n'))\n"
        "    return files\n",
        encoding="utf-8",
    )
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("hooks:\n  - hook.py\n")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 1, built.stderr[-3000:]  # its address, as written, leads nowhere from extra/
    assert "extra/index.html: links to extra/assets/dealsite.css" in built.stderr and "Error reading page" not in built.stderr, built.stderr[-3000:]


def test_a_script_of_extra_javascript_written_otherwise_is_the_sites_own(project, tmp_path):
    # Found by the third outside attack (older than this change): ./assets/dealsite.js?v=2 was
    # compared as written, and every page's script was refused as not the site's own.
    project = _copy(project, tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - assets/dealsite.js  #" in text
    config.write_text(text.replace("  - assets/dealsite.js  #", "  - ./assets/dealsite.js?v=2  #"), encoding="utf-8")
    built = dealsite(project, "build", "-q", at=NOW)
    assert built.returncode == 0, built.stderr[-3000:]


def test_an_export_serves_a_readme_page_at_its_folder(project, tmp_path):
    # Found by the third outside attack: the export wrote guide/README/index.md, where its links
    # (and links to it) take it to be guide/, as MkDocs serves it.
    from generator.engine.export import index_form

    assert [index_form(u) for u in ("README.md", "guide/README.md", "guide/index.md", "guide/x.md", "x.md")] == [
        "index.md", "guide/index.md", "guide/index.md", "guide/x/index.md", "x/index.md",
    ]
    project = _copy(project, tmp_path)
    (project / "content" / "guide").mkdir()
    (project / "content" / "guide" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (project / "content" / "guide" / "README.md").write_text("# Guide\n\n<img src=\"pic.png\" alt=\"raw\"> [powers](../powers.md)\n", encoding="utf-8")
    exported = dealsite(project, "export", str(tmp_path / "export"), at=NOW)
    assert exported.returncode == 0, exported.stderr[-3000:]
    page = (tmp_path / "export" / "docs" / "guide" / "index.md").read_text(encoding="utf-8")
    assert 'src="pic.png"' in page and 'href="../powers/"' in page, page
    assert not (tmp_path / "export" / "docs" / "guide" / "README").exists()
