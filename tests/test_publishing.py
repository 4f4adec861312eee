"""Drafts and embargoes never leak; previews show them with a banner.

Each held-back item carries a unique canary string. The project (this repository's deals,
content and templates, plus the planted items) is built for real at a moment before the
embargo, after it, and as a preview; then every byte of every file under site/ (sitemap.xml.gz
decompressed) is searched for each canary.
"""

from __future__ import annotations

import json

import pytest
from publishing_support import build, copy_project, epoch, site_files, where

EMBARGO = "2030-01-01T09:00:00+00:00"
BEFORE = epoch("2030-01-01T08:59:59+00:00")  # one second before the embargo lifts
AFTER = epoch("2030-01-01T09:00:00+00:00")  # the moment it lifts: publish_after <= now is public

DEAL = "zqxdealcanary"  # an embargoed deal (in its slug, title, place, budget and powers)
READING = "zqxreadingcanary"  # an embargoed reading of a public deal
UPDATE = "zqxupdatecanary"  # an embargoed update about a public deal
TIED = "zqxtiedcanary"  # an update with no embargo of its own, about the embargoed deal
DRAFT_DEAL = "zqxdraftdealcanary"
DRAFT_READING = "zqxdraftreadingcanary"
DRAFT_UPDATE = "zqxdraftupdatecanary"
EMBARGOED = [DEAL, READING, UPDATE, TIED]
DRAFTS = [DRAFT_DEAL, DRAFT_READING, DRAFT_UPDATE]


def _deal(slug_word: str, *, head: str = "", outcomes: str = "") -> str:
    """A small valid deal whose every piece of text carries slug_word."""
    return f"""{head}title: Vale deal {slug_word}
summary: The vale pools its budget {slug_word}.
status: agreed
place:
  name: Vale {slug_word}
  level: county
  partners:
    - name: Vale Council {slug_word}
      kind: council
accountable_figure:
  role: mayor
  chosen: directly-elected
  scrutinised_by: [Vale scrutiny committee {slug_word}]
powers:
  - power: transport
    status: agreed
    from_body: Department for Transport {slug_word}
budget:
  unit: £m
  years: [2026-27, 2027-28, 2028-29]
  reduction_percent: 5
  savings_share_percent: 50
  lines:
    - body: Vale Council {slug_word}
      stream: Adult social care {slug_word}
      amounts: {{2026-27: "10.0", 2027-28: "10.0", 2028-29: "10.0"}}
negotiation:
  rounds: [forerunners]
  events:
    - title: Signing {slug_word}
      kind: milestone
      planned: 2026-03-01
{outcomes}"""


PUBLIC_DEAL_OUTCOMES = f"""outcomes:
  - id: jobs
    title: More residents in work
    indicator: Employment rate
    unit: percent
    baseline: {{value: "60.0", date: 2026-03-31}}
    target: {{value: "70.0", date: 2029-03-31}}
    owner: Lantern Council
    readings:
      - date: 2027-03-31
        value: "62.0"
        commentary: Steady progress.
      - date: 2028-03-31
        value: "64.0"
        commentary: Better than expected {READING}.
        publish_after: {EMBARGO}
      - date: 2028-09-30
        value: "65.0"
        commentary: Half-year figure {DRAFT_READING}.
        draft: true
"""


def _update(title: str, *, deals: str, extra: str = "", date: str = "2026-02-01") -> str:
    return f"""---
title: {title}
date: {date}
deals: [{deals}]
summary: Summary of {title}.
{extra}---

The text of {title}.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("publishing") / "project")
    deals, updates = root / "deals", root / "content" / "updates"
    (deals / f"{DEAL}.yaml").write_text(_deal(DEAL, head=f"publish_after: {EMBARGO}\n"), encoding="utf-8")
    (deals / f"{DRAFT_DEAL}.yaml").write_text(_deal(DRAFT_DEAL, head="draft: true\n"), encoding="utf-8")
    (deals / "lantern.yaml").write_text(_deal("lantern", outcomes=PUBLIC_DEAL_OUTCOMES), encoding="utf-8")
    files = {
        UPDATE: _update(f"Lantern news {UPDATE}", deals="lantern", extra=f"publish_after: {EMBARGO}\n"),
        TIED: _update(f"Vale signs {TIED}", deals=DEAL),
        DRAFT_UPDATE: _update(f"Lantern plans {DRAFT_UPDATE}", deals="lantern", extra="draft: true\n"),
        "lantern-public": _update("Lantern opens its books", deals="lantern"),
    }
    for word, text in files.items():
        (updates / f"2026-02-01-{word}.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def before(project, tmp_path_factory):
    return site_files(build(project, tmp_path_factory.mktemp("before") / "site", at=BEFORE))


@pytest.fixture(scope="module")
def after(project, tmp_path_factory):
    return site_files(build(project, tmp_path_factory.mktemp("after") / "site", at=AFTER))


@pytest.fixture(scope="module")
def preview(project, tmp_path_factory):
    return site_files(build(project, tmp_path_factory.mktemp("preview") / "site", at=BEFORE, previews=True))


@pytest.mark.parametrize("canary", EMBARGOED + DRAFTS)
def test_nothing_held_back_appears_in_any_byte_before_the_embargo(before, canary):
    assert where(before, canary) == []


@pytest.mark.parametrize("canary", EMBARGOED)
def test_embargoed_content_appears_once_the_moment_has_passed(after, canary):
    assert where(after, canary) != []


@pytest.mark.parametrize("canary", DRAFTS)
def test_drafts_stay_out_even_after_every_embargo_has_passed(after, canary):
    assert where(after, canary) == []


@pytest.mark.parametrize(
    "channel",
    [
        f"deals/{DEAL}/index.html",  # its page
        "index.html",  # the home list
        "powers/index.html",  # the powers matrix
        "compare/index.html",
        "timetable/index.html",
        "search/search_index.json",
        "sitemap.xml",
        "sitemap.xml.gz",
        "feeds/updates.xml",  # through the update tied to it
        f"deals/{DEAL}/feed.xml",
        "updates/index.html",
    ],
)
def test_once_public_the_deal_reaches_every_channel_the_embargo_must_guard(after, before, channel):
    # The absence test above means something only if each of these channels does carry the deal
    # when it is public; and the channel must exist in the embargoed build too.
    assert channel in after and DEAL.encode() in after[channel].lower()
    assert channel in before or channel.startswith(f"deals/{DEAL}/")


def test_once_public_the_deal_is_in_its_downloads(after):
    assert [name for name in where(after, DEAL) if name.endswith((".csv", ".json")) and "search" not in name]


def test_the_embargoed_update_has_its_own_page_once_public(before, after):
    page = f"updates/2026-02-01-{UPDATE}/index.html"
    assert page not in before
    assert f"Lantern news {UPDATE}".encode() in after[page]


def test_the_embargoed_reading_is_on_its_deal_page_once_public(before, after):
    assert READING.encode() in after["deals/lantern/index.html"]
    assert "deals/lantern/index.html" in before  # the deal itself was public all along


def test_the_search_index_lists_no_page_of_held_back_content(before):
    locations = [doc["location"] for doc in json.loads(before["search/search_index.json"])["docs"]]
    assert not [loc for loc in locations if "canary" in loc]
    assert any(loc.startswith("deals/lantern/") for loc in locations)


@pytest.mark.parametrize("canary", EMBARGOED + DRAFTS)
def test_previews_show_drafts_and_embargoed_content(preview, canary):
    assert where(preview, canary) != []


@pytest.mark.parametrize(
    "page, reason",
    [
        (f"deals/{DEAL}/index.html", "Embargoed until 1 January 2030 at 09:00 UK time"),
        (f"deals/{DRAFT_DEAL}/index.html", "draft: not published until draft: true is removed"),
        ("deals/lantern/index.html", "The reading of 31 March 2028"),  # a public deal, embargoed reading
        (f"updates/2026-02-01-{UPDATE}/index.html", "Embargoed until 1 January 2030"),
        (f"updates/2026-02-01-{DRAFT_UPDATE}/index.html", "Draft"),
        (f"updates/2026-02-01-{TIED}/index.html", "about a deal that is not yet public"),
        ("powers/index.html", f"The deal Vale deal {DEAL}"),  # a cross-deal page showing it
    ],
)
def test_previews_put_a_banner_on_each_page_showing_what_is_not_public(preview, page, reason):
    html = preview[page].decode("utf-8")
    assert "Preview: not yet public" in html
    assert reason.lower() in html.lower()


def test_previews_leave_pages_of_public_content_without_a_banner(preview):
    assert b"Preview: not yet public" not in preview["deals/kent/index.html"]
    assert b"Preview: not yet public" not in preview["updates/2026-02-01-lantern-public/index.html"]


def test_the_public_build_has_no_preview_banner_anywhere(before, after):
    banner = 'class="admonition warning dealsite-preview"'  # the guide names the banner's words, so look for its markup
    assert where(before, banner) == []
    assert where(after, banner) == []
