"""The committee's record in a real build of the example project: its page, a pack per meeting,
each deal's part of it, the evidence behind each status, corrections links, open data, the feed,
and nothing of a held-back item anywhere (the build's last check, engine/gate.py, also looks).

The example record (deals/_scrutiny.yaml, illustrative): sessions on 18 June 2013 (kent, essex,
birmingham) and 8 July 2014 (kent, essex, greater-manchester); four recommendations, three
responses. Here a draft response is added, and one of kent's outcome titles made hostile.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from publishing_support import build, copy_project

REPO = Path(__file__).resolve().parent.parent
AT = 1767225600  # 2026-01-01T00:00:00Z
DRAFT = "Zebra crossings will be counted weekly from now on"
HOSTILE = 'Gateways <b>&"more"</b>'
PACKS = ["2013-06-18", "2014-07-08"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("committee"))
    scrutiny = project / "deals" / "_scrutiny.yaml"
    scrutiny.write_text(
        scrutiny.read_text(encoding="utf-8")
        + f"  - recommendation: essex-pooled-budget-audit\n    date: 2014-03-01\n    by: Essex County Council\n"
        f"    response: accepted\n    text: {DRAFT}.\n    draft: true\n",
        encoding="utf-8",
    )
    kent = project / "deals" / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace(
        "title: More services online and at Gateways", f"title: '{HOSTILE}'", 1), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def site(project) -> Path:
    return build(project, project / "site", at=AT)


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def article(html: str) -> str:
    return html[html.index("<article"):html.index("</article>")]


def test_the_committee_page_lists_each_session_recommendation_and_response(site):
    html = read(site, "committee/index.html")
    assert html.index('id="session-pilots-2014"') < html.index('id="session-pilots-2013"')  # newest first
    for rec in ("kent-gateway-reporting", "essex-pooled-budget-audit", "pilots-common-measures", "gm-evaluation-plan"):
        assert f'id="rec-{rec}"' in html
    assert "<strong>Partly accepted</strong>. Implementation: <strong>In progress</strong>" in html
    assert "Illustrative: invented for the example site, not a real session." in html
    # gm-evaluation-plan (due 31 December 2014) has no response: late, listed as awaiting
    awaiting = html[html.index('id="awaiting"'):html.index('id="sessions"')]
    assert "Late: No response recorded, due 31 December 2014" in awaiting
    assert "kent-gateway-reporting" not in awaiting


def test_each_meeting_has_a_pack_at_a_stable_address_and_earlier_packs_stay(site):
    committee = read(site, "committee/index.html")
    for day in PACKS:
        assert (site / "pack" / day / "index.html").is_file()
        assert f'href="../pack/{day}/"' in committee
    later = read(site, "pack/2014-07-08/index.html")
    assert 'href="../2013-06-18/"' in later  # the pack of the meeting before


def test_a_pack_leads_with_what_changed_red_first(site):
    html = article(read(site, "pack/2014-07-08/index.html"))
    assert html.index('id="pack-changes"') < html.index('id="pack-sessions"') < html.index('id="pack-summary"')
    attention = html[html.index('id="needs-attention"'):html.index('id="status-changes"')]
    marks = re.findall(r'ds-severity--(red|amber)', attention)
    assert marks and marks == sorted(marks, key=["red", "amber"].index)  # every red before any amber
    assert "after the meeting of 18 June 2013 up to 8 July 2014" in html
    # The Department's rejection of 14 February 2014 is in this pack, not in the first one
    assert "Response by The Department" in html
    assert "Response by The Department" not in read(site, "pack/2013-06-18/index.html")
    assert "Due September 2013; answered 20 September 2013: accepted." in html  # months keep their capitals


def test_a_deal_page_shows_its_part_of_the_record(site):
    html = read(site, "deals/kent/index.html")
    part = html[html.index('id="scrutiny"'):]
    part = part[:part.index("</section>")]
    # pilots-2014 (no recommendation about kent: gm's is about greater-manchester), then pilots-2013: kent's and the Department's
    assert re.findall(r'<a href="([^"]*)">', part)[1:] == [
        "../../committee/#session-pilots-2014", "../../committee/#session-pilots-2013",
        "../../committee/#rec-kent-gateway-reporting", "../../committee/#rec-pilots-common-measures",
    ]
    assert "To Kent County Council</a>: Accepted; implemented." in part  # where it stands; in full on the committee page
    assert "To The Department</a>: Rejected; not started." in part
    assert "#rec-essex-pooled-budget-audit" in read(site, "deals/essex/index.html")


def test_each_status_names_its_rule_clause_and_the_reading_behind_it(site):
    html = read(site, "deals/kent/index.html")
    # feeling-safe: 61.8 on 31 March 2014; kent's review date (31 March 2015) passed long before
    # 2026, so the result is final (clause 4): 65.0 - 61.8 = 3.2 points short of the target
    section = html[html.index('id="outcome-feeling-safe"'):html.index('id="outcome-out-of-work"')]
    assert 'Status by <a href="../../dashboard/#status-rule-4">rule clause 4</a> on the latest reading: the result is final: ' in section
    assert "3.2 points" in section and "61.8%" in section
    assert "Kent County Council (illustrative), Pilot performance report to the partnership board (illustrative)" in section
    assert 'id="status-rule-4"' in read(site, "dashboard/index.html")


def test_an_assurance_rating_is_shown_beside_the_computed_status_never_instead(site):
    html = read(site, "deals/cornwall/index.html")
    section = html[html.index('id="outcome-bus-passengers"'):]
    section = section[:section.index("</section>")]
    assert "Monitored, no target" in section  # the computed status (no target: clause 2)
    assert "Assurance rating: Green" in section
    assert "it does not change it" in section


def test_the_correction_link_carries_the_item_and_page_url_encoded(site):
    html = read(site, "deals/kent/index.html")
    links = [unquote(m.replace("&amp;", "&")) for m in re.findall(r'href="(mailto:corrections@example\.org\?[^"]*)"', html)]
    assert len(links) == 5  # one per outcome of kent (four), and one for its budget
    # the subject is the outcome's title, the body the page's address with the outcome's anchor
    assert f"mailto:corrections@example.org?subject={HOSTILE}&body=https://deals.example.org/deals/kent/#outcome-services-online" in links
    raw = re.findall(r'href="(mailto:[^"]*)"', html)
    assert all("<" not in r and '"' not in r for r in raw)
    assert quote(HOSTILE, safe="") in html
    assert "<b>&" not in html  # the title is never markup


def test_status_history_is_on_the_tables_page_and_in_the_downloads(site):
    tables = read(site, "deals/kent/tables/index.html")
    assert 'id="history-feeling-safe"' in tables
    rows = list(csv.DictReader(io.StringIO(read(site, "deals/kent/status-history.csv"))))
    safe = [(r["date"], r["cause"], r["status"], r["status_clause"]) for r in rows if r["outcome_id"] == "feeling-safe"]
    # baseline 58.0 (2012-04-01), target 65.0 by 2015-03-31 (1094 days); readings 59.5 and 61.8
    # 2013-03-31 (364 days): expected 58 + 7 x 364/1094 = 60.329; share 1.5 / 2.329 = 64.4%: at risk (clause 8)
    # 2014-03-31 (729 days): expected 58 + 7 x 729/1094 = 62.665; share 3.8 / 4.665 = 81.5%: at risk (clause 8)
    # 2015-04-01: the target date passed without 65.0, and kent's review date (2015-03-31) with it:
    # the result is final, missed (clause 4); the programme's end that day changes nothing more
    assert safe == [
        ("2013-03-31", "reading", "at-risk", "8"),
        ("2014-03-31", "reading", "at-risk", "8"),
        ("2015-04-01", "target-date-passed", "missed", "4"),
    ]
    readings = list(csv.DictReader(io.StringIO(read(site, "deals/kent/readings.csv"))))
    assert {r["source_publisher"] for r in readings} == {"Kent County Council (illustrative)"}


def test_the_record_is_open_data_and_a_feed(site):
    recs = list(csv.DictReader(io.StringIO(read(site, "data/committee/recommendations.csv"))))
    assert [r["id"] for r in recs] == ["kent-gateway-reporting", "essex-pooled-budget-audit", "pilots-common-measures", "gm-evaluation-plan"]
    responses = list(csv.DictReader(io.StringIO(read(site, "data/committee/responses.csv"))))
    assert [(r["recommendation"], r["response"]) for r in responses] == [
        ("kent-gateway-reporting", "accepted"), ("essex-pooled-budget-audit", "partly-accepted"), ("pilots-common-measures", "rejected"),
    ]
    feed = read(site, "feeds/committee.xml")
    assert feed.count("<entry>") == 2 + 4 + 3  # sessions, recommendations, responses


def test_a_held_back_response_appears_nowhere(site):
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".xml", ".json", ".txt", ".md"):
            assert DRAFT not in path.read_text(encoding="utf-8", errors="replace"), path


def test_similar_places_are_grouped_side_by_side_without_a_ranking(site):
    html = read(site, "committee/index.html")
    part = html[html.index('id="side-by-side"'):html.index('id="committee-data"')]
    assert re.findall(r"<caption>([^<]*)</caption>", part) == ["City", "County", "City region"]
    assert "This is not a ranking." in part and "What these figures can and cannot support" in part
    county = part[part.index("<caption>County</caption>"):]
    county = county[:county.index("</table>")]
    names = re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a>', county)
    # level: county in the deal files, in order of place name (Cheshire West and Chester, Cornwall, Essex, Kent)
    assert names == ["Cheshire West and Chester whole-place community budget", "Cornwall Devolution Deal (Kevambos Digresennans Kernow)",
                     "Essex community budget", "Kent county deal"]


def test_a_preview_shows_the_held_back_response_under_a_banner(project, tmp_path):
    preview = build(project, tmp_path / "preview", at=AT, previews=True)
    html = read(preview, "committee/index.html")
    assert DRAFT in html
    banner = html[html.index("</h1>"):html.index('id="packs"')]
    assert "The response of 1 March 2014 to essex-pooled-budget-audit: draft" in banner


def test_an_output_says_so_and_an_outcome_too_vague_to_measure_says_why(site):
    cornwall = read(site, "deals/cornwall/index.html")
    section = cornwall[cornwall.index('id="outcome-businesses-supported"'):]
    assert "Measures an output (what was done, not what got better)." in section[:section.index("</section>")]
    gm = read(site, "deals/greater-manchester-agreement/index.html")
    rated = [m for m in re.finditer(r'<a href="../../dashboard/#status-rule-1">rule clause 1</a>: ([^<]*)\.', gm)]
    assert len(rated) == 2  # the two outcomes with cannot_rate: the reason, never "no recent data"


# --- the last gaps: corrections beside every figure, each deal's feed, the current pack, budget per head ---


def _corrections(html: str) -> list[str]:
    return [unquote(m.replace("&amp;", "&")) for m in re.findall(r'href="(mailto:corrections@example\.org\?[^"]*)"', html)]


def test_the_tables_page_has_a_correction_link_per_readings_table_baseline_line_and_scheme(site):
    html = read(site, "deals/kent/tables/index.html")
    links = _corrections(html)
    # kent: 4 outcomes (a table of readings each), 6 baseline lines, 1 invest-to-save scheme
    assert len(links) == 4 + 6 + 1
    page = "https://deals.example.org/deals/kent/tables/"
    assert f"mailto:corrections@example.org?subject={HOSTILE}: readings&body={page}#outcome-services-online" in links
    assert f"mailto:corrections@example.org?subject=Baseline budget: Kent Police, Neighbourhood policing&body={page}#budget-lines" in links
    assert f"mailto:corrections@example.org?subject=Invest to save: Gateways, second phase&body={page}#invest-to-save-by-year" in links
    assert quote(f"{HOSTILE}: readings", safe="") in html  # encoded whole, never markup
    assert all("<" not in r and '"' not in r for r in re.findall(r'href="(mailto:[^"]*)"', html))
    # the line's link is in its row, beside its figures
    baseline = html[html.index('id="budget-lines"'):]
    row = baseline[baseline.index("Neighbourhood policing</th>"):]
    assert row.index("Suggest a correction") < row.index("</tr>")


def test_each_fund_on_the_deal_page_has_a_correction_link(site):
    # deals/cornwall.yaml has seven funds, the first "Devolved local transport funding" (id transport-funding)
    links = _corrections(read(site, "deals/cornwall/index.html"))
    funds = [link for link in links if "subject=Fund: " in link]
    assert len(funds) == 7
    assert funds[0] == "mailto:corrections@example.org?subject=Fund: Devolved local transport funding&body=https://deals.example.org/deals/cornwall/#fund-transport-funding"


def test_the_budget_on_the_deal_page_has_a_correction_link_and_a_deal_without_one_none(site):
    # deals/kent.yaml has a single place budget; deals/cornwall.yaml has funds and no budget
    budget = [link for link in _corrections(read(site, "deals/kent/index.html")) if "subject=Budget: " in link]
    assert budget == ["mailto:corrections@example.org?subject=Budget: Kent county deal&body=https://deals.example.org/deals/kent/#budget"]
    assert not [link for link in _corrections(read(site, "deals/cornwall/index.html")) if "subject=Budget: " in link]


def test_a_deals_feed_carries_the_committees_items_about_it_newest_first(site):
    feed = read(site, "deals/kent/feed.xml")
    titles = re.findall(r"<title>([^<]*)</title>", feed)[1:]
    # kent was examined at both sessions; at pilots-2013, its own recommendation and the one to
    # every deal of the session (the Department's), each answered; gm's (pilots-2014) is not about kent
    assert titles == [
        "Committee session: Pilots two years on",  # 8 July 2014
        "Response by The Department: rejected",  # 14 February 2014
        "Response by Kent County Council: accepted",  # 20 September 2013
        "Committee session: The first year of the community budget pilots",  # 18 June 2013, and its two recommendations
        "Recommendation to The Department",
        "Recommendation to Kent County Council",
    ]
    assert "https://deals.example.org/committee/#rec-kent-gateway-reporting" in feed
    # birmingham was examined at pilots-2013 only: the session, the recommendation to every deal of it, its response
    birmingham = re.findall(r"<title>([^<]*)</title>", read(site, "deals/birmingham/feed.xml"))[1:]
    assert [t for t in birmingham if t.startswith(("Committee", "Recommendation", "Response"))] == [
        "Response by The Department: rejected", "Committee session: The first year of the community budget pilots", "Recommendation to The Department",
    ]
    essex = read(site, "deals/essex/feed.xml")
    assert "Response by Essex County Council: partly accepted" in essex
    assert essex.count("Response by Essex County Council") == 1  # the draft response of 1 March 2014 is held back


def test_the_current_pack_leads_with_what_changed_since_the_last_meeting(site):
    html = article(read(site, "pack/index.html"))
    assert html.index('id="pack-since"') < html.index('id="pack-summary"')
    lead = html[html.index('id="pack-since"'):html.index('id="pack-summary"')]
    # the last meeting on or before 1 January 2026 is 8 July 2014; its own pack is linked
    assert "after the committee's meeting of <time datetime=\"2014-07-08\">8 July 2014</time> up to" in lead
    assert 'href="2014-07-08/"' in lead
    # gm-evaluation-plan fell due on 31 December 2014, after that meeting, with no response: red, first
    attention = lead[lead.index('id="needs-attention"'):lead.index('id="status-changes"')]
    assert "Recommendation to The Greater Manchester combined authority" in attention
    assert attention.index("ds-severity--red") < attention.index("Recommendation to The Greater Manchester")
    # kent's feeling-safe target date (31 March 2015) passed after the meeting; the Department's
    # response (14 February 2014) came before it, so it is in the 2014 pack, not here
    changes = lead[lead.index('id="status-changes"'):lead.index('id="targets-moved"')]
    assert "People feel safe in their neighbourhood</a>." in changes and "The target date (31 March 2015) passed" in changes
    assert "Response by The Department" not in lead


def test_the_pack_pdf_leads_with_what_changed_since_the_last_meeting_red_first(site):
    from pypdf import PdfReader

    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(str(site / "pack.pdf")).pages)
    since = text.index("What changed since the last meeting")
    assert since < text.index("Summary")
    lead = text[since:text.index("Summary")]
    assert "after the committee's meeting of 8 July 2014" in lead
    # the same red item as the pack page: gm-evaluation-plan, due 31 December 2014, unanswered
    assert lead.index("Red") < lead.index("Recommendation to The Greater Manchester")
    assert "The target date (31 March 2015) passed" in lead
    assert DRAFT not in text


def test_the_pack_pdf_links_only_to_addresses_a_reader_can_follow(site):
    # A printed or mailed PDF cannot follow the site's relative links (they became file:///...):
    # it names the site's pages instead, and keeps links only to sources' own web addresses.
    from pypdf import PdfReader

    targets = [
        annotation.get_object().get("/A", {}).get("/URI")
        for page in PdfReader(str(site / "pack.pdf")).pages
        for annotation in page.get("/Annots") or []
    ]
    targets = [t for t in targets if t]
    assert targets, "the sources' links are kept"
    assert [t for t in targets if not t.startswith(("https://", "http://"))] == []


def test_the_side_by_side_shows_budget_per_head_beside_funds_per_head(site):
    html = read(site, "committee/index.html")
    part = html[html.index('id="side-by-side"'):html.index('id="committee-data"')]
    assert "Budget per resident is the single place budget's baseline" in part  # with the guidance, no ranking
    county = part[part.index("<caption>County</caption>"):]
    county = county[:county.index("</table>")]
    assert "<th scope=\"col\">Budget a year per resident</th><th scope=\"col\">Funds a year per resident</th>" in county

    def row(name):
        r = county[county.index(name):]
        return re.findall(r"<td>([^<]*)</td>", r[:r.index("</tr>")])

    # kent: six lines over 2012-13 to 2014-15 sum to £2,522.3m; a year £840.77m; / 1,463,740 = £574.396 -> £574
    assert row("Kent county deal")[:3] == ["1,463,740", "£574", "No yearly fund"]
    # cheshire west: £817.9m over three years; a year £272.63m; / 329,608 = £827.14 -> £827
    assert row("Cheshire West and Chester")[:3] == ["329,608", "£827", "No yearly fund"]
    # cornwall has funds and no single place budget
    assert row("Cornwall Devolution Deal")[1] == "No single place budget"
