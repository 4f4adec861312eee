"""Deal pages and the pages across deals for the deals signed since 2014, built for real from three
deals of this module's own, with every figure worked out by hand below.

Build date: 2031-06-01 (SOURCE_DATE_EPOCH), so "today" is 1 June 2031.

Northshire devolution deal (northshire.yaml), agreed:
- conditions of its own: legislation and consent outstanding, a consultation met in May 2017;
  one more, consent, outstanding, added by the growth deal (a later agreement).
- powers: transport three times (Bus franchising to the mayor, first used 14 March 2024; Key route
  network to the combined authority, named by the only partner of that kind; Smart ticketing to
  Northshire County Council, added by the growth deal); skills funding requested.
- budget, no reduction ("not more for less"), 2015-16 and 2016-17, in £m: pooled 100 + 110 = 210,
  new 20 + 20 = 40 (a cap), transferred 50 + 50 = 100 (illustrative); 350 in all; 2 bodies (of 5
  partners).
- investment fund £38m a year for 30 years from 2020-21, 25% capital, reviewed every 5 years: 6
  tranches of 38 x 5 = £190m, 38 x 30 = £1,140m in all, 2020-21 to 2049-50. Reviews: passed (May
  2025) -> tranche 2 released; failed (July 2030) -> tranche 3 withheld; due January 2031, no
  result -> tranche 4 awaited; due 2040 -> tranche 5 not yet due; none listed for tranche 6, which
  begins in 2045-46 -> not yet due. Chart: x = 0, 5/30, 10/30 ... = 0, 16.67, 33.33, 50.00, 66.67,
  83.33 (%), each 16.67% wide; bars' tops at 22 + 44n.
- up to £300m (illustrative); about £6bn (added by the growth deal); £467k, written £467,000.
- the Mayor: established June 2015; interim Ada Interim (appointed, 26 June 2015 to 8 May 2017,
  also police and crime commissioner); Ben Elected, elected 4 May 2017 and 6 May 2021.
- later agreements: the growth deal (16 March 2016) and a level 3 deal withdrawn on 5 April 2023.
- a milestone planned for 1 March 2031, not yet happened: 31 + 30 + 31 = 92 days overdue.

Northshire city deal (northshire-city-deal.yaml): a second deal for the same place, completed; transport
declined; a milestone planned for 1 February 2031: 28 + 31 + 30 + 31 = 120 days overdue.

Southshire deal (southshire.yaml): "more for less", 3.5% less than a baseline of £200m in 2015-16
(one line), keeping 50% of the savings: £7m of savings, £193m agreed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from publishing_support import build, epoch, page, text

REPO = Path(__file__).resolve().parent.parent
BUILT = epoch("2031-06-01T12:00:00+00:00")

NORTHSHIRE = """\
title: Northshire devolution deal
summary: A deal for the deal page tests.
status: agreed
dates:
  agreed: 2014-11-03
place:
  name: Northshire
  level: city-region
  partners:
    - {name: Northshire Combined Authority, kind: combined-authority}
    - {name: Northshire County Council, kind: council, constituent: true}
    - {name: Northshire Borough Council, kind: council, constituent: true}
    - {name: Northshire NHS Trust, kind: health}
    - {name: Northshire Police, kind: police}
accountable_figure:
  role: mayor
  title: Mayor of Northshire
  chosen: directly-elected
  established: 2015-06
  first_election: 2017-05-04
  holders:
    - name: Ada Interim
      title: Interim Mayor of Northshire
      chosen: appointed
      interim: true
      since: 2015-06-26
      until: 2017-05-08
      other_roles: [Police and crime commissioner for Northshire]
    - {name: Ben Elected, elected: 2017-05-04, since: 2017-05-08, until: 2021-05}
    - {name: Ben Elected, elected: 2021-05-06, since: 2021-05}
  other_roles: [Chair of the Northshire Combined Authority]
  scrutinised_by: [Northshire Combined Authority Overview and Scrutiny Committee]
  scrutiny_powers:
    - {body: Northshire Combined Authority, power: "Reject the Mayor's strategies", threshold: two-thirds of members}
conditions:
  - {kind: legislation, description: Parliament passes the law that creates the mayor., status: outstanding}
  - {kind: consent, description: The two councils consent to the Order., status: outstanding, date: 2032}
  - {kind: consultation, description: A public consultation on the scheme., status: met, date: 2017-05}
  - {kind: consent, description: The councils consent to the growth deal., status: outstanding, added_by: growth-deal-2016}
powers:
  - {power: transport, title: Bus franchising, status: agreed, recipient: {kind: mayor}, from_body: Department for Transport, first_used: 2024-03-14}
  - {power: transport, title: Key route network, status: agreed, recipient: {kind: combined-authority}, from_body: Department for Transport}
  - power: transport
    title: Smart ticketing
    status: agreed
    recipient: {kind: council, name: Northshire County Council}
    from_body: Department for Transport
    added_by: growth-deal-2016
  - {power: skills-funding, status: requested, from_body: Department for Education}
budget:
  unit: £m
  years: [2015-16, 2016-17]
  lines:
    - {body: Northshire County Council, stream: Adult social care, amounts: {2015-16: "100", 2016-17: "110"}}
    - {body: Northshire County Council, stream: Growth money, money: new, as_published: up-to, amounts: {2015-16: "20", 2016-17: "20"}}
    - {body: Northshire NHS Trust, stream: Community health, money: transferred, illustrative: true, amounts: {2015-16: "50", 2016-17: "50"}}
funds:
  - id: investment-fund
    name: Northshire Investment Fund
    kind: investment-fund
    unit: £m
    per_year: "38"
    years: 30
    first_year: 2020-21
    capital_percent: 25
    gateway_every: 5
    recipient: Northshire Combined Authority
    gateways:
      - {due: 2025-03, outcome: passed, decided: 2025-05}
      - {due: 2030-03, outcome: failed, decided: 2030-07}
      - {due: 2031-01, note: The review was held; its result is not published.}
      - {due: 2040}
  - {id: housing-fund, name: Northshire Housing Fund, kind: housing-fund, unit: £m, total: {amount: "300", as_published: up-to, illustrative: true}}
  - {id: health-money, name: Health and care spending under joint control, kind: other, unit: £bn, total: {amount: "6", as_published: about}, added_by: growth-deal-2016}
  - {id: setting-up, name: Money to set the deal up, kind: one-off, unit: £k, total: "467"}
follow_ons:
  - {id: growth-deal-2016, title: Northshire growth deal, date: 2016-03-16, kind: further-deal, summary: Smart ticketing and joint control of health money.}
  - {id: level-3-2022, title: Northshire level 3 deal, date: 2022-12-02, withdrawn: 2023-04-05, kind: further-deal, status: withdrawn, summary: A deal the council dropped.}
negotiation:
  events:
    - {title: Northshire overdue milestone, kind: milestone, planned: 2031-03-01}
"""

NORTHSHIRE_CITY = """\
title: Northshire city deal
summary: An earlier deal for the same place.
status: completed
place:
  name: Northshire
  level: city
  partners: [{name: Northshire County Council, kind: council}]
accountable_figure:
  role: other
  title: Leader of Northshire County Council
  visibility: Chosen by the councillors, who answer to the voters.
  chosen: indirectly-elected
  holders: [{name: Cara Leader}]
  scrutinised_by: [Council scrutiny committee]
powers:
  - {power: transport, status: declined, from_body: Department for Transport}
negotiation:
  events:
    - {title: City deal overdue milestone, kind: milestone, planned: 2031-02-01}
"""

SOUTHSHIRE = """\
title: Southshire deal
summary: A more for less deal.
status: in-delivery
place:
  name: Southshire
  level: county
  partners: [{name: Southshire County Council, kind: council}, {name: Southshire NHS, kind: health}]
accountable_figure: {role: commissioner, chosen: directly-elected, scrutinised_by: [Southshire scrutiny panel]}
budget:
  unit: £m
  years: [2015-16]
  reduction_percent: 3.5
  savings_share_percent: 50
  lines:
    - {body: Southshire County Council, stream: Care, amounts: {2015-16: "200"}}
"""

TITLES = {"northshire": "Northshire devolution deal", "northshire-city-deal": "Northshire city deal", "southshire": "Southshire deal"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("deal-pages")
    for name in ("mkdocs.yml", "content", "site_templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    for update in (project / "content" / "updates").glob("2*.md"):
        update.unlink()  # the example updates name the example deals
    (project / "deals").mkdir()
    for name in ("_rounds.yaml", "_powers.yaml", "_deflators.yaml"):
        shutil.copy2(REPO / "deals" / name, project / "deals" / name)
    for slug, deal in (("northshire", NORTHSHIRE), ("northshire-city-deal", NORTHSHIRE_CITY), ("southshire", SOUTHSHIRE)):
        (project / "deals" / f"{slug}.yaml").write_text(deal, encoding="utf-8")
    return build(project, project / "site", at=BUILT)


def html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def section(root, anchor: str):
    return root.xpath(f"//section[@aria-labelledby='{anchor}']")[0]


def table(root, caption_start: str):
    found = [t for t in root.iter("table") if t.find("caption") is not None and text(t.find("caption")).startswith(caption_start)]
    assert len(found) == 1, f"expected one table captioned {caption_start!r}, found {len(found)}"
    return found[0]


def rows(tbl, skip_class: str = "") -> list[list[str]]:
    return [
        [text(c) for c in tr if c.tag in ("td", "th")]
        for tr in tbl.xpath("./tbody/tr")
        if not (skip_class and skip_class in (tr.get("class") or ""))
    ]


def glance(site: Path, slug: str) -> dict[str, str]:
    dl = page(site, f"deals/{slug}").xpath("//dl[@class='ds-glance']")[0]
    return {text(div.find("dt")): text(div.find("dd")) for div in dl.findall("div")}


# --- the summary ----------------------------------------------------------------------------------


def test_a_deal_subject_to_conditions_says_so_in_its_summary(site):
    stage = glance(site, "northshire")["What stage it is at"]
    assert stage.startswith(
        "Agreed, subject to 2 conditions still outstanding: legislation and the councils' consent. "
        "Later agreements have 1 condition still outstanding. Deal agreed: 3 November 2014."
    )


def test_the_summary_counts_a_menu_power_granted_three_times_once_with_its_grants(site):
    gets = glance(site, "northshire")["What the place gets"]
    assert gets.startswith("3 new powers: Transport (3 powers). Still asking for: Skills funding.")
    assert "Transport, Transport" not in gets


def test_one_pooled_budget_counts_the_bodies_in_the_budget_not_the_partners(site):
    # 2 bodies have lines (the county council and the NHS trust); the place has 5 partners
    assert glance(site, "northshire")["What the place gets"].endswith("One pooled budget for 2 bodies.")


def test_how_much_money_covers_the_budget_and_the_funds_without_spending_less(site):
    money = glance(site, "northshire")["How much money"]
    assert money.startswith("A single place budget of £350.0m over 2 years, 2015-16 to 2016-17.")
    assert "Northshire Investment Fund: £38m a year for 30 years, 2020-21 to 2049-50 (£1,140m in all); and 3 other funds and sums." in money
    for wrong in ("less", "saving", "0%", "No single place budget"):
        assert wrong not in money


def test_a_more_for_less_budget_keeps_the_percentage_as_given(site):
    money = glance(site, "southshire")["How much money"]
    assert money == "£200.0m baseline spending in 2015-16. The place agrees to spend 3.5% less and keeps 50% of the savings."


def test_nothing_is_said_to_come_yet_for_an_agreed_deal(site):
    root = page(site, "deals/northshire")
    assert text(section(root, "outcomes")) == "Outcomes No outcomes have been agreed."
    assert glance(site, "northshire")["What it promises"] == "No outcomes agreed."


# --- conditions ----------------------------------------------------------------------------------------


def test_conditions_section_lists_each_with_kind_status_and_date_as_precise_as_known(site):
    items = [text(li) for li in section(page(site, "deals/northshire"), "conditions").xpath(".//li")]
    assert items == [
        "Legislation: outstanding. Parliament passes the law that creates the mayor.",
        "Consent of the councils: outstanding, 2032. The two councils consent to the Order.",
        "Public consultation: met, May 2017. A public consultation on the scheme.",
        "Consent of the councils: outstanding. For Northshire growth deal. The councils consent to the growth deal.",
    ]


def test_a_deal_without_conditions_has_no_conditions_section_or_link(site):
    root = page(site, "deals/southshire")
    assert not root.xpath("//section[@aria-labelledby='conditions']")
    assert "#conditions" not in root.xpath("//a/@href")
    toc = root.xpath("//nav[contains(@class,'md-nav--secondary')]//a/@href")
    assert "#conditions" not in toc and "#money" not in toc and "#follow-ons" not in toc


# --- funds ---------------------------------------------------------------------------------------------


def fund_facts(site: Path, fund_id: str) -> dict[str, str]:
    block = page(site, "deals/northshire").xpath(f"//h3[@id='fund-{fund_id}']/..")[0]
    return {text(div.find("dt")): text(div.find("dd")) for div in block.xpath(".//dl/div")}


def test_a_fund_shows_its_amount_a_year_years_total_capital_share_and_recipient(site):
    facts = fund_facts(site, "investment-fund")
    assert facts["Kind"] == "Investment fund"
    assert facts["How much"] == "£38m a year for 30 years, 2020-21 to 2049-50: £1,140m in all"
    assert facts["Capital and revenue"] == "25% capital, 75% revenue"
    assert facts["Who holds it"] == "Northshire Combined Authority"


def test_amounts_are_shown_as_published_caps_estimates_and_illustrative_marks(site):
    assert fund_facts(site, "housing-fund")["How much"] == "up to £300m (illustrative)"
    health = fund_facts(site, "health-money")
    assert health["How much"] == "about £6bn"
    assert health["Added by"] == "Northshire growth deal"
    assert fund_facts(site, "setting-up")["How much"] == "£467,000"


def test_tranches_are_released_withheld_or_pending_by_their_reviews(site):
    tbl = table(page(site, "deals/northshire"), "Tranches of Northshire Investment Fund")
    assert rows(tbl) == [
        ["1", "2020-21 to 2024-25", "£190m", "Released. The first tranche, released with the deal."],
        ["2", "2025-26 to 2029-30", "£190m", "Released. The review passed (May 2025)."],
        ["3", "2030-31 to 2034-35", "£190m", "Withheld. The review failed (July 2030)."],
        ["4", "2035-36 to 2039-40", "£190m", "Pending. Its review was due January 2031; result awaited."],
        ["5", "2040-41 to 2044-45", "£190m", "Pending. Its review is not yet due (due 2040)."],
        ["6", "2045-46 to 2049-50", "£190m", "Pending. Its review is not yet due (before 2045-46)."],
    ]
    assert "The review before tranche 4: The review was held; its result is not published." in text(section(page(site, "deals/northshire"), "money"))


def test_the_tranche_chart_draws_each_tranche_where_it_falls_in_the_funds_years(site):
    svg = page(site, "deals/northshire").xpath("//*[local-name()='svg' and contains(@class,'ds-tranche-chart')]")[0]
    bars = svg.xpath(".//*[local-name()='rect']")
    assert [(b.get("class"), b.get("x"), b.get("width"), b.get("y")) for b in bars] == [
        ("ds-tranche--released", None, "16.67%", "22"),
        ("ds-tranche--released", "16.67%", "16.67%", "66"),
        ("ds-tranche--withheld", "33.33%", "16.67%", "110"),
        ("ds-tranche--pending", "50.00%", "16.67%", "154"),
        ("ds-tranche--pending", "66.67%", "16.67%", "198"),
        ("ds-tranche--pending", "83.33%", "16.67%", "242"),
    ]
    labels = [t.text for t in svg.xpath(".//*[local-name()='text']")]
    assert labels[2] == "Tranche 3, 2030-31 to 2034-35: £190m, withheld"  # the state in words, not colour alone
    assert svg.get("role") == "img" and svg.xpath("following::table")


def test_a_fund_is_never_shown_as_a_table_of_years(site):
    root = page(site, "deals/northshire")
    assert "2049-50" not in [text(th) for th in root.xpath("//thead//th")]


# --- a budget that is not "more for less" ------------------------------------------------------------------


def test_a_budget_without_a_reduction_says_nothing_of_spending_less_or_keeping_savings(site):
    budget = text(section(page(site, "deals/northshire"), "budget"))
    for wrong in ("less than the baseline", "savings", "0% less", "£0.0m", "More for less"):
        assert wrong not in budget, wrong
    assert "The place has not agreed to spend less than this." in budget
    assert 'href=""' not in html(site, "deals/northshire")  # no link to an agreed budget that is not there


def test_the_budget_shows_its_lines_kinds_of_money_and_how_they_are_published(site):
    budget = text(section(page(site, "deals/northshire"), "budget"))
    assert (
        "Kinds of money: existing spending pooled £210.0m, new money £40.0m and money transferred from national "
        "bodies £100.0m. Of its 3 lines, 1 is a cap (“up to”) and 1 is illustrative."
    ) in budget


def test_the_tables_page_marks_each_line_that_is_not_existing_spending_published_exactly(site):
    tbl = table(page(site, "deals/northshire/tables"), "Baseline spending by body and stream")
    lines = [r[:2] for r in rows(tbl) if len(r) > 2 and r[1] != "" and not r[0].endswith("all streams")]
    assert lines == [
        ["Northshire County Council", "Adult social care"],
        ["Northshire County Council", "Growth money (new money; up to)"],
        ["Northshire NHS Trust", "Community health (transferred; illustrative)"],
    ]


def test_one_line_is_one_line(site):
    budget = text(section(page(site, "deals/southshire"), "budget"))
    assert "(1 line)" in budget and "1 lines" not in budget


# --- powers ----------------------------------------------------------------------------------------------------


def test_each_grant_has_its_own_title_recipient_first_use_and_follow_on(site):
    tbl = table(page(site, "deals/northshire"), "Powers of this deal")
    assert [text(th) for th in tbl.xpath("./thead//th")] == ["Power", "Status", "Who receives it", "From"]
    assert rows(tbl, "ds-power-notes") == [
        ["Bus franchising Transport", "Agreed", "The Mayor, personally", "Department for Transport"],
        ["Key route network Transport", "Agreed", "Northshire Combined Authority", "Department for Transport"],
        ["Smart ticketing Transport", "Agreed", "Northshire County Council", "Department for Transport"],
        ["Skills funding", "Requested", "Not stated", "Department for Education"],
    ]
    notes = [r[0] for r in rows(tbl) if len(r) == 1]
    assert notes == ["First used 14 March 2024.", "Added by Northshire growth deal."]
    assert "#follow-on-growth-deal-2016" in tbl.xpath(".//a/@href")


def test_no_page_calls_the_menu_the_route_maps(site):
    for url in ("deals/northshire", "powers"):
        assert "route-map's menu" not in html(site, url)


# --- the accountable figure over time ---------------------------------------------------------------------------


def test_the_figure_shows_since_when_the_role_exists_and_who_holds_it_now(site):
    facts = {text(d.find("dt")): text(d.find("dd")) for d in section(page(site, "deals/northshire"), "accountability").xpath(".//dl/div")}
    assert facts["Role"] == "Mayor of Northshire"
    assert facts["The role exists since"] == "June 2015"
    assert facts["First election"] == "4 May 2017"
    assert facts["Who holds it now"] == "Ben Elected, since May 2021"


def test_every_holder_is_listed_in_order_interim_then_elected_with_dates_and_roles(site):
    tbl = table(page(site, "deals/northshire"), "Everyone who has held the role of Mayor of Northshire")
    assert rows(tbl) == [
        ["Ada Interim Interim Mayor of Northshire", "Interim, appointed", "", "From 26 June 2015 to 8 May 2017", "Police and crime commissioner for Northshire"],
        ["Ben Elected", "Directly elected", "4 May 2017", "From 8 May 2017 to May 2021", ""],
        ["Ben Elected", "Directly elected", "6 May 2021", "From May 2021; holds it now", ""],
    ]


def test_scrutiny_powers_give_the_vote_they_need(site):
    tbl = table(page(site, "deals/northshire"), "Powers the scrutiny bodies hold over the Mayor of Northshire")
    assert rows(tbl) == [["Northshire Combined Authority", "Reject the Mayor's strategies", "two-thirds of members"]]


# --- later agreements -------------------------------------------------------------------------------------------


def test_later_agreements_are_listed_with_what_each_added(site):
    block = page(site, "deals/northshire").xpath("//h3[@id='follow-on-growth-deal-2016']/..")[0]
    words = text(block)
    assert words.startswith("Northshire growth deal Further deal, 16 March 2016. Status: Agreed.")
    assert "Powers it added: Smart ticketing." in words
    assert "Money it added: Health and care spending under joint control (about £6bn)." in words
    assert "Conditions it added: Consent of the councils: outstanding." in words


def test_a_withdrawn_agreement_says_when_it_was_withdrawn(site):
    block = page(site, "deals/northshire").xpath("//h3[@id='follow-on-level-3-2022']/..")[0]
    assert "Status: Withdrawn on 5 April 2023." in text(block)


# --- pages across deals: two deals for one place ------------------------------------------------------------


def test_compare_tells_two_deals_for_one_place_apart_by_title(site):
    root = page(site, "compare")
    tbl = table(root, "Deals compared")
    header = [text(th) for th in tbl.xpath("./thead//th")]
    found = {r[0]: dict(zip(header, r)) for r in rows(tbl)}
    assert list(found) == ["Northshire devolution deal", "Northshire city deal", "Southshire deal"]
    assert found["Northshire devolution deal"]["Place"] == found["Northshire city deal"]["Place"] == "Northshire"
    labels = [text(label) for label in root.xpath("//form[@data-ds-compare]//label")]
    assert labels == ["Northshire devolution deal", "Northshire city deal", "Southshire deal"]
    # 3.5% stays 3.5%; no reduction is a dash, never 0%
    assert found["Southshire deal"]["Spends less by"] == "3.5%"
    assert found["Northshire devolution deal"]["Spends less by"] == "–"
    assert found["Northshire devolution deal"]["Funds and other sums"] == "4"
    assert found["Northshire city deal"]["Single place budget"] == "None"  # completed: no "yet"


def test_the_powers_matrix_counts_grants_and_names_them(site):
    root = page(site, "powers")
    tbl = table(root, "Status of each power on the menu")
    header = [text(th) for th in tbl.xpath("./thead//th")]
    transport = header.index("Transport")
    cells = {text(tr.xpath("./th")[0]): tr.xpath("./td")[transport - 1] for tr in tbl.xpath("./tbody/tr")}
    assert set(cells) == set(TITLES.values())
    north = cells["Northshire devolution deal"]
    assert north.text.strip() == "3 agreed"
    assert [text(li) for li in north.xpath(".//li")] == ["Bus franchising", "Key route network", "Smart ticketing"]
    assert text(cells["Northshire city deal"]) == "Declined"
    assert text(cells["Southshire deal"]) == "Not asked"
    counts = {r[0]: r[1:] for r in rows(table(root, "Number of deals by status of each power"))}
    # agreed 1, requested 0, deferred 0, declined 1, withdrawn 0, not asked 1; grants 3 + 1 = 4
    assert counts["Transport"] == ["1", "0", "0", "1", "0", "1", "4"]
    assert counts["Skills funding"] == ["0", "1", "0", "0", "0", "2", "1"]


def test_accountability_names_each_deal_and_counts_only_the_powers_the_person_holds(site):
    tbl = table(page(site, "accountability"), "Accountable figure of each deal")
    found = {r[0]: r for r in rows(tbl)}
    north = found["Northshire devolution deal"]
    assert north[1:4] == ["Mayor of Northshire", "Directly elected", "Ben Elected, since May 2021"]
    # 3 transport grants agreed; only bus franchising goes to the mayor personally
    assert north[4] == "3 powers agreed, 1 of them to the Mayor of Northshire personally"
    assert not any("£" in cell for r in found.values() for cell in r)  # no budget or fund attributed to a person
    assert found["Northshire city deal"][1:4] == ["Leader of Northshire County Council", "Indirectly elected", "Cara Leader"]


def test_the_dashboard_names_each_deal_by_title(site):
    root = page(site, "dashboard")
    overdue = rows(table(root, "Overdue milestones as of 1 June 2031"))
    # The city deal is completed: its programme is over, so its unmet milestone is "not recorded",
    # no longer waited for or overdue (issue 16); the devolution deal's is 92 days late.
    assert [(r[0], r[1], r[3]) for r in overdue] == [
        ("Northshire devolution deal", "Northshire overdue milestone", "92"),
    ]


def test_the_pack_prints_labels_titles_and_percentages_as_given(site):
    pack = page(site, "pack")
    metas = {p.getparent().xpath("./h2")[0].text: text(p) for p in pack.xpath("//p[@class='ds-pack-meta']")}
    assert metas["Northshire devolution deal"].startswith(
        "Northshire. Deal status: agreed. Accountable figure: Mayor of Northshire (directly elected), Ben Elected."
    )
    assert metas["Northshire city deal"].startswith(
        "Northshire. Deal status: completed. Accountable figure: Leader of Northshire County Council (indirectly elected), Cara Leader."
    )
    assert metas["Southshire deal"].startswith("Southshire. Deal status: in delivery. Accountable figure: Commissioner (directly elected).")
    south = table(pack, "Single place budget of Southshire deal")
    assert "Savings committed (3.5%)" in [text(th) for th in south.xpath("./thead//th")]
    # 3.5% of £200m is £7m of savings committed
    assert rows(south)[0][3] == "£7.0m"
    north = table(pack, "Single place budget of Northshire devolution deal")
    assert [text(th) for th in north.xpath("./thead//th")] == ["Year", "Planned spend", "Actual spend"]
    raw = html(site, "pack")
    assert "Accountable figure: mayor" not in raw and "Accountable figure: other" not in raw
    assert re.search(r"Northshire Investment Fund: £38m a year for 30 years, 2020-21 to 2049-50 \(£1,140m in all\)\. 2 of 6 tranches released; 1 withheld and 3 pending\.", raw)
