"""Feeds: one Atom feed of every update and one per deal, read back with a real feed parser."""

from __future__ import annotations

import datetime as dt

import feedparser
import pytest
from publishing_support import SITE_URL, build, copy_project, epoch

# Three updates with known dates; the example updates are removed so the expectations are exact.
UPDATES = {
    "2026-01-10-kent-invited.md": ("Kent invited to negotiate", "2026-01-10T10:00:00+00:00", "[kent]"),
    "2026-02-20-two-deals-agreed.md": ("Kent & Essex agree <terms>", "2026-02-20", "[kent, essex]"),
    "2026-03-05-essex-review.md": ("Essex review published", "2026-03-05T16:30:00+00:00", "[essex]"),
}
# 2026-02-20 is a bare date: midnight in London, which is GMT in February: 2026-02-20T00:00Z.


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("feeds") / "project")
    updates = project / "content" / "updates"
    for path in updates.glob("20*.md"):
        path.unlink()
    for name, (title, date, deals) in UPDATES.items():
        text = f'---\ntitle: "{title}"\ndate: {date}\ndeals: {deals}\nsummary: About {title}.\n---\n\nText.\n'
        (updates / name).write_text(text, encoding="utf-8")
    return build(project, project / "site", at=epoch("2026-06-01T00:00:00+00:00"))


def _feed(site, path):
    parsed = feedparser.parse((site / path).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _utc(entry) -> dt.datetime:
    return dt.datetime.fromisoformat(entry.published)


def test_the_site_feed_is_atom_and_holds_every_update_newest_first(site):
    feed = _feed(site, "feeds/updates.xml")
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Essex review published", "Kent & Essex agree <terms>", "Kent invited to negotiate"]


def test_feed_titles_keep_ampersands_and_angle_brackets_as_text(site):
    raw = (site / "feeds/updates.xml").read_text(encoding="utf-8")
    assert "Kent &amp; Essex agree &lt;terms&gt;" in raw
    assert _feed(site, "feeds/updates.xml").entries[1].title == "Kent & Essex agree <terms>"


def test_feed_dates_are_the_updates_own_with_bare_dates_at_london_midnight(site):
    published = [_utc(e) for e in _feed(site, "feeds/updates.xml").entries]
    assert published == [
        dt.datetime(2026, 3, 5, 16, 30, tzinfo=dt.timezone.utc),
        dt.datetime(2026, 2, 20, 0, 0, tzinfo=dt.timezone.utc),  # GMT in February: London midnight is 00:00Z
        dt.datetime(2026, 1, 10, 10, 0, tzinfo=dt.timezone.utc),
    ]


def test_feed_updated_is_its_newest_entry_not_the_build_time(site):
    # The build ran at 2026-06-01; the newest update is 2026-03-05T16:30Z.
    feed = _feed(site, "feeds/updates.xml")
    assert dt.datetime.fromisoformat(feed.feed.updated) == dt.datetime(2026, 3, 5, 16, 30, tzinfo=dt.timezone.utc)


def test_feed_links_are_absolute_and_lead_to_built_pages(site):
    for entry in _feed(site, "feeds/updates.xml").entries:
        assert entry.link.startswith(SITE_URL)
        page = entry.link[len(SITE_URL) :]
        assert (site / page / "index.html").is_file(), entry.link
        assert entry.id == entry.link


def test_the_site_feed_names_itself_and_its_page(site):
    feed = _feed(site, "feeds/updates.xml").feed
    links = {link.rel: link.href for link in feed.links}
    assert links == {"self": SITE_URL + "feeds/updates.xml", "alternate": SITE_URL + "updates/"}
    assert (site / "updates" / "index.html").is_file()


@pytest.mark.parametrize(
    "deal, titles",
    [
        ("kent", ["Kent & Essex agree <terms>", "Kent invited to negotiate"]),
        ("essex", ["Essex review published", "Kent & Essex agree <terms>"]),
        ("birmingham", []),  # no updates yet
    ],
)
def test_each_deal_feed_holds_only_that_deals_updates_newest_first(site, deal, titles):
    feed = _feed(site, f"deals/{deal}/feed.xml")
    # the committee's items about the deal are in its feed too (tests/test_committee_site.py); here, its updates
    assert [e.title for e in feed.entries if "/committee/" not in e.link] == titles
    assert {link.rel: link.href for link in feed.feed.links}["alternate"] == f"{SITE_URL}deals/{deal}/"


def test_entries_are_tagged_with_their_deals(site):
    entry = _feed(site, "feeds/updates.xml").entries[1]
    assert [t.term for t in entry.tags] == ["kent", "essex"]


def test_the_deal_page_links_its_feed_and_lists_its_updates_newest_first(site):
    html = (site / "deals/kent/index.html").read_text(encoding="utf-8")
    section = html[html.index('<h2 id="updates">') :]
    assert '<a href="feed.xml" type="application/atom+xml">' in section
    first, second = section.index("Kent &amp; Essex agree &lt;terms&gt;"), section.index("Kent invited to negotiate")
    assert first < second
    assert "Essex review published" not in section


def test_the_updates_page_lists_every_update_newest_first(site):
    html = (site / "updates/index.html").read_text(encoding="utf-8")
    positions = [html.index(t) for t in ("Essex review published", "Kent &amp; Essex agree &lt;terms&gt;", "Kent invited to negotiate")]
    assert positions == sorted(positions)


def test_every_page_advertises_the_site_feed(site):
    html = (site / "deals/kent/index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate feed" type="application/atom+xml" title="Place deals: updates" href="../../feeds/updates.xml">' in html


def test_a_deal_feed_puts_its_updates_and_the_committees_items_in_one_order_newest_first(site):
    # kent: two updates in 2026; the committee's record (deals/_scrutiny.yaml) about kent runs from
    # the session of 18 June 2013 to the session of 8 July 2014, all before them
    feed = _feed(site, "deals/kent/feed.xml")
    published = [_utc(e) for e in feed.entries]
    assert published == sorted(published, reverse=True)
    assert [e.title for e in feed.entries][:3] == ["Kent & Essex agree <terms>", "Kent invited to negotiate", "Committee session: Pilots two years on"]
    assert _utc(feed.entries[2]) == dt.datetime(2014, 7, 7, 23, 0, tzinfo=dt.timezone.utc)  # midnight in London, BST
    assert len({e.id for e in feed.entries}) == len(feed.entries)  # each entry its own id


def test_a_deal_without_updates_or_scrutiny_has_a_valid_empty_feed(site):
    assert _feed(site, "deals/cornwall/feed.xml").entries == []
