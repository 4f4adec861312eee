"""The sanitiser (pages/sanitise.py): what an editor writes becomes HTML only through an allow-list.

Unit tests of both allow-lists, each URL scheme, entity-disguised schemes, attribute lists,
fragment markers, and a Hypothesis grammar of hostile HTML whose output the last check
before publishing (engine/gate.py) must find nothing in. tests/test_trust_sanitising.py
runs the same attacks through the command line and real Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.engine.unsafe_markup import Scripts, markup_findings
from generator.pages.links import resolve_relative
from generator.pages.sanitise import clean_page, clean_update, render_markdown, script_capable


def update(markdown: str, relative=lambda url: url) -> str:
    """An update body's Markdown as its page shows it."""
    return clean_update(render_markdown(markdown).html, relative)


def findings(html: str) -> list:
    """What the last check before publishing finds in a page holding html (no script is the site's own)."""
    page = f"<!DOCTYPE html><html><head><title>t</title></head><body>{html}</body></html>"
    return markup_findings("page.html", page.encode(), Scripts(Path("/nonexistent"), ()))


# --- the update allow-list ------------------------------------------------------------------


def test_plain_markdown_comes_through():
    html = update("## Costs\n\nSome *emphasis*, **strong**, `code`.\n\n> quoted\n\n- one\n- two\n\nThen:\n\n1. first\n\n---\n\nline  \nbreak")
    for markup in ('<h2 id="costs">Costs</h2>', "<em>emphasis</em>", "<strong>strong</strong>", "<code>code</code>",
                   "<blockquote>", "<ul>", "<ol>", "<li>one</li>", "<hr>", "<br>"):
        assert markup in html


def test_tables_keep_their_column_alignment_and_nothing_else_of_style():
    html = update("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert '<th style="text-align:left">a</th>' in html and '<td style="text-align:right">2</td>' in html
    assert "color" not in clean_update('<table><tr><td style="text-align: left; color: red; background: url(javascript:x)">x</td></tr></table>', str)


def test_fenced_code_abbreviations_and_heading_ids():
    html = update("```python\n<b>x</b>\n```\n\n*[DWP]: Department for Work and Pensions\n\nThe DWP said.")
    assert "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>" in html  # the language class is dropped
    assert '<abbr title="Department for Work and Pensions">DWP</abbr>' in html


def test_headings_are_listed_for_the_table_of_contents_as_plain_text():
    rendered = render_markdown("## Costs & <b>savings</b>\n\n### Year one\n\n#### Detail")
    assert rendered.headings == ((2, "costs-savings", "Costs & savings"), (3, "year-one", "Year one"))


def test_a_heading_never_takes_an_id_of_the_theme():
    assert render_markdown("## __search").headings == ((2, "search", "__search"),)
    assert 'id="__search"' not in clean_page('<h2 id="__search">x</h2>', {})


@pytest.mark.parametrize(
    "markdown, kept, dropped",
    [
        ("<b>bold</b> and <span>span</span>", "bold and span", "<b>"),
        ("<SCRIPT>window.__pwned=1</SCRIPT>after", "after", "__pwned"),
        ("<style>body{display:none}</style>after", "after", "display"),
        ('<img src="x.png" onerror="alert(1)">', "<img", "onerror"),
        ('<a href="#" onclick="alert(1)">a</a>', ">a</a>", "onclick"),
        ('<details open ontoggle="alert(1)">x</details>', "x", "ontoggle"),
        ('<div><iframe srcdoc="<script>alert(1)</script>"></iframe>text</div>', "text", "iframe"),
        ("text<!-- a comment, not published -->", "text", "comment"),
        ('<![CDATA[<img src=x onerror=alert(1)>]]>', "", "onerror"),
        ('<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">s</a></svg>', "", "javascript"),
        ('<math><mi xlink:href="javascript:alert(1)">m</mi></math>', "", "javascript"),
        ('<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>', "b", "javascript"),
        ('<object data="x.swf"></object><embed src="x"><base href="https://evil.example/">', "", "base"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "", "refresh"),
        ('<a href="https://example.org/" target="_blank" style="position:fixed">a</a>', 'href="https://example.org/"', "target"),
    ],
)
def test_raw_html_keeps_its_text_and_loses_its_markup(markdown, kept, dropped):
    html = update(markdown)
    assert kept in html
    assert dropped not in html
    assert findings(html) == []


def test_attribute_lists_are_shown_as_text():
    html = update('A paragraph.\n{: onclick="alert(1)" }\n\n## Heading {: #x onclick=alert(1) }\n\n[a](https://example.org/){ onmouseover=alert(1) }')
    assert "{: onclick=" in html and "{ onmouseover=alert(1) }" in html
    assert "<p onclick" not in html and "<a onmouseover" not in html and findings(html) == []


# --- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://example.org/", "mailto:press@example.org", "HTTPS://EXAMPLE.ORG/"])
def test_web_and_mail_addresses_are_kept(url):
    assert f'href="{url.replace("&", "&amp;")}"' in update(f"[a]({url})")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd", "tel:+441234", "ftp://example.org/", "jav&#x61;script:alert(1)", "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)", "java&#x09;script:alert(1)", "&#x6A;&#x61;&#x76;&#x61;script:alert(1)", " javascript:alert(1)",
    ],
)
def test_other_schemes_are_dropped_however_disguised(url):
    seen = []
    html = update(f"[click]({url}) and [ref][r]\n\n[r]: {url}", lambda u: seen.append(u) or u)
    assert "<a>click</a>" in html and "<a>ref</a>" in html  # the text stays, the address goes
    assert seen == []  # none of them reached the relative-address rewriter either
    assert findings(html) == []


def test_a_raw_link_with_an_encoded_scheme_is_dropped():
    assert clean_update('<a href="&#106;avascript:alert(1)">j</a>', str) == "<a>j</a>"


def test_relative_addresses_go_through_the_rewriter():
    html = update("[deal](../deals/kent.md#summary) ![map](../assets/map.png)", lambda u: "REWRITTEN:" + u)
    assert 'href="REWRITTEN:../deals/kent.md#summary"' in html and 'src="REWRITTEN:../assets/map.png"' in html


def test_images_from_other_sites_lose_their_address():
    # The site makes no third-party requests (tests/test_gates_requests.py).
    html = update("![a map](https://example.org/map.png) ![b](//example.org/b.png)", lambda u: u)
    assert "example.org" not in html and 'alt="a map"' in html


def test_a_value_the_last_check_would_call_a_script_address_is_dropped_from_any_attribute():
    html = update('![javascript:alert(1)](x.png "data:text/html,x") [a](https://example.org/ "vbscript:x")\n\n*[X]: javascript:alert(1)\n\nX')
    assert "javascript" not in html and "data:" not in html and "vbscript" not in html
    assert findings(html) == []


@pytest.mark.parametrize("value", ["javascript:x", " JAVA\tSCRIPT:x", "&#106;avascript:x", "data:x", "x url(javascript:y)"])
def test_script_capable_agrees_with_the_last_check(value):
    assert script_capable(value)
    page = f'<p title="{value}">x</p>'
    assert findings(page), "the gate no longer finds what script_capable drops: keep them the same"


# --- links in update bodies, resolved as MkDocs resolves them ---------------------------------


@pytest.mark.parametrize(
    "written, url, target",
    [
        ("../deals/kent.md", "../../deals/kent/", "deals/kent.md"),
        ("../deals/kent.md#summary", "../../deals/kent/#summary", "deals/kent.md"),
        ("index.md", "../", "updates/index.md"),
        ("2026-01-01-other.md", "../2026-01-01-other/", "updates/2026-01-01-other.md"),
        ("../index.md", "../../", "index.md"),
        ("../assets/a map.png", "../../assets/a%20map.png", "assets/a map.png"),
        ("..\\deals\\kent.md", "../../deals/kent/", "deals/kent.md"),  # backslashes, as browsers read them
        ("#section", "#section", None),
    ],
)
def test_relative_links_resolve_from_the_updates_file(written, url, target):
    resolved = resolve_relative("updates/2026-03-02-x.md", written)
    assert (resolved.url, resolved.target, resolved.problem) == (url, target, "")


@pytest.mark.parametrize("written", ["//evil.example/x", "\\\\evil.example", "/\\evil.example", "/deals/kent/", "../../etc/passwd"])
def test_links_that_leave_the_site_or_its_folder_are_problems(written):
    resolved = resolve_relative("updates/2026-03-02-x.md", written)
    assert resolved.url is None and resolved.problem


# --- hand-written pages --------------------------------------------------------------------


def test_a_page_keeps_what_our_pages_need():
    page = (
        '<h2 id="the-file">The file<a class="headerlink" href="#the-file" title="Permanent link">&para;</a></h2>'
        '<div class="admonition note"><p class="admonition-title">Note</p><p>Text</p></div>'
        '<table><thead><tr><th style="text-align: left;">a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
        '<pre><code class="language-yaml">title: x\n</code></pre><details class="tip"><summary>More</summary>x</details>'
    )
    clean = clean_page(page, {})
    for markup in ('<h2 id="the-file">', '<a class="headerlink" href="#the-file" title="Permanent link">', '<div class="admonition note">',
                   '<p class="admonition-title">', '<th style="text-align:left">', '<code class="language-yaml">', "<summary>More</summary>"):
        assert markup in clean


def test_fragment_markers_are_filled_after_sanitising():
    fragments = {"deal-list": '<ul class="ds-deals"><li><a href="deals/kent/" onclick="ours()">Kent</a></li></ul>'}
    clean = clean_page('<p>Deals:</p>\n<!-- dealsite:deal-list -->\n<p>after</p>', fragments)
    assert fragments["deal-list"] in clean  # ours, whole: made by our templates, escaped by construction


@pytest.mark.parametrize(
    "page",
    [
        '<p title="<!-- dealsite:deal-list -->">x</p>',
        "<p><code>&lt;!-- dealsite:deal-list --&gt;</code></p>",
        "<!-- <!-- dealsite:deal-list --> -->",
        "<textarea><!-- dealsite:deal-list --></textarea>",
        '<dealsite-fragment data-name="deal-list" onclick="x"></dealsite-fragment>',
    ],
)
def test_a_marker_that_is_not_a_comment_of_the_page_is_never_filled(page):
    assert "FILLED" not in clean_page(page, {"deal-list": "FILLED"}) or page.startswith("<dealsite-fragment")
    assert "onclick" not in clean_page(page, {"deal-list": "FILLED"})


def test_an_unknown_marker_shows_nothing():
    assert clean_page("<p>a</p><!-- dealsite:nothing-here -->", {}) == "<p>a</p>"


def test_a_page_loses_script_like_an_update():
    page = '<p onclick="alert(1)">x</p><a href="javascript:alert(1)">j</a><script>alert(1)</script><img src="x" onerror="alert(1)">'
    assert findings(clean_page(page, {})) == []


# --- a grammar of hostile HTML ----------------------------------------------------------------

SCHEME = st.sampled_from(["javascript:", "JAVASCRIPT:", "java\tscript:", "jav&#x61;script:", "&#106;avascript:", "javascript&colon;",
                          "vbscript:", "data:text/html,", " javascript:", "\x01javascript:", "ｊavascript:", "//evil.example/", "\\\\evil.example\\"])
TAG = st.sampled_from(["a", "A", "img", "IMG", "svg", "math", "iframe", "object", "embed", "details", "div", "p", "h2", "td",
                       "form", "button", "input", "video", "base", "meta", "link", "style", "script", "template", "noscript",
                       "textarea", "xmp", "select", "option", "table", "abbr", "dealsite-fragment"])
ATTR = st.sampled_from(["href", "src", "action", "formaction", "xlink:href", "srcdoc", "onerror", "onclick", "ONMOUSEOVER",
                        "style", "title", "alt", "id", "class", "data-name", "http-equiv", "content", "background"])


@st.composite
def element(draw, depth=0) -> str:
    tag = draw(TAG)
    attrs = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(ATTR)
        value = draw(st.one_of(SCHEME.map(lambda s: s + "alert(1)"), st.sampled_from(["x", "__search", "url(javascript:alert(1))", "<!-- dealsite:deal-list -->", '" onerror="alert(1)'])))
        quote = draw(st.sampled_from(['"', "'", ""]))
        attrs.append(f"{name}={quote}{value}{quote}" if quote or " " not in value else f'{name}="{value}"')
    inner = draw(st.lists(st.one_of(st.sampled_from(["text", "<!-- dealsite:deal-list -->", "<![CDATA[x]]>", "&lt;b&gt;", "--!>"]),
                                    element(depth + 1) if depth < 2 else st.just("leaf")), max_size=3))
    sep = draw(st.sampled_from([" ", "\n", "/", "\t"]))
    return f"<{tag}{''.join(sep + a for a in attrs)}>{''.join(inner)}</{tag}>"


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(element(), min_size=1, max_size=4), st.booleans())
def test_nothing_in_a_grammar_of_hostile_html_survives_either_allow_list(parts, as_markdown):
    source = "\n\n".join(parts)
    for html in (update(source, lambda u: u) if as_markdown else clean_update(source, lambda u: u),
                 clean_page(source, {"deal-list": "<p>ours</p>"})):
        assert findings(html) == [], html
        root = lxml.html.fragment_fromstring(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", html), create_parent="div")
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), html
                assert not (name == "id" and value.startswith("__")), html
            assert el.tag.lower() not in ("script", "style", "iframe", "svg", "math", "form", "base", "meta", "dealsite-fragment"), html


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=st.sampled_from(list("<>&;#:/\"'=` \n\tjavscrptonerrimgadh!-[]{}()x10")), max_size=200))
def test_sanitising_twice_changes_nothing(text):
    once = update(text, lambda u: u)
    assert clean_update(once, lambda u: u) == once


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("./\\#?%:;@&=+ abc.mdＡｊ\x00\t\n")) | st.characters(), max_size=40))
def test_resolving_any_address_never_raises(written):
    # The sanitiser calls it for every relative address; an exception there would only be
    # printed (nh3 reports it through sys.unraisablehook) and the address dropped.
    resolved = resolve_relative("updates/2026-03-02-x.md", written)
    assert resolved.url is None or isinstance(resolved.url, str)
    assert bool(resolved.problem) == (resolved.url is None)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(element(), SCHEME.map(lambda s: f"[x]({s}alert(1)) ![y]({s}x) <{s}z>"),
                          st.sampled_from(["[a](../deals/kent.md)", "[b](..\\\\..\\\\x)", "[c](ｊavascript:alert(1))", "{: onclick=alert(1) }"])),
                min_size=1, max_size=5))
def test_an_update_page_body_with_its_links_rewritten_has_nothing_to_find(parts):
    import datetime as dt

    from generator.model.updates import Update
    from generator.pages.updates import render_body

    body = "\n\n".join(parts)
    update_ = Update.model_construct(title="t", date=dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc), deals=[], summary="s",
                                     stem="2026-03-02-x", body=body, body_line=8, draft=False, publish_after=None)
    rendered = render_body(update_)
    assert findings(rendered.html) == [], rendered.html
    for line, _written, target in rendered.links:
        assert line >= 8 and not target.startswith("..")
