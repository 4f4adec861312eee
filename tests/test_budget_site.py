"""The budget on the built site: the example site built for real (MkDocs + Material), read back.

Figures are the hand-worked ones of tests/test_budget.py: for Cheshire West and Chester,
investment 26.0 + 12.5 + 6.3 + 4.5 = £49.3m, gross benefit 36.2 + 42.9 + 14.6 + 12.7 =
£106.4m, net £57.1m, benefit-cost ratio 106.4 / 49.3 = 2.158 -> 2.16.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import without_committee_record

from generator.compute.budget import ALL_BODIES, ALL_YEARS, budget_view
from generator.model.load import load_catalogue
from generator.pages.deal import budget_context, tables_context
from generator.pages.render import environment
from generator.pages.views import Views, outcome_view

REPO = Path(__file__).resolve().parent.parent
NOTE = "Figures may not sum due to rounding."
CSV_FILES = ["budget-baseline.csv", "budget-envelope.csv", "invest-to-save.csv", "invest-to-save-by-year.csv"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([REPO / "deals"])


def page(site: Path, slug: str) -> str:
    return (site / "deals" / slug / "index.html").read_text(encoding="utf-8")


def tables_page(site: Path, slug: str) -> str:
    """The deal's tables page: the baseline line by line, each scheme year by year."""
    return (site / "deals" / slug / "tables" / "index.html").read_text(encoding="utf-8")


def tables_part(html: str, anchor: str) -> str:
    """A section of the tables page, from its heading to the end of the section."""
    start = html.index(f'<section aria-labelledby="{anchor}">')
    return html[start : html.index("</section>", start)]


def budget_section(html: str) -> str:
    start = html.index('<section aria-labelledby="budget">')
    return html[start : html.index("</section>", start)]


def parts(section: str) -> dict[str, str]:
    """The budget section cut at its subsection headings."""
    a = section.index('id="budget-baseline"')
    b = section.index('id="budget-envelope"')
    c = section.index('id="invest-to-save"')
    return {"baseline": section[a:b], "envelope": section[b:c], "invest-to-save": section[c:]}


def read_csv(path: Path) -> pd.DataFrame:
    """Every cell as the exact text written: no float parsing."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def pounds(amount: Decimal) -> Decimal:
    """£m in the YAML -> pounds."""
    return amount * 1_000_000


def test_cheshire_page_shows_the_invest_to_save_figures(example_site):
    its = parts(budget_section(page(example_site, "cheshire-west-and-chester")))["invest-to-save"]
    total = re.search(r'<tr class="ds-budget-total">(.*?)</tr>', its).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", total)
    assert cells == ["£49.3m", "£106.4m", "£57.1m", "100.0%", "100.0%", "2.16"]
    assert "benefit-cost ratio of 2.16" in its


def test_cheshire_page_puts_the_councils_imbalance_first(example_site):
    its = parts(budget_section(page(example_site, "cheshire-west-and-chester")))["invest-to-save"]
    # 26.0 / 49.3 = 52.7% of the cost; 10.2 / 57.1 = 17.9% of the net benefit
    assert "Cheshire West and Chester Council pays 52.7% of the cost but gets 17.9% of the net benefit." in its
    assert its.index("pays 52.7% of the cost") < its.index("<svg")


def test_cheshire_shares_chart_draws_investment_beside_net_benefit(example_site):
    its = parts(budget_section(page(example_site, "cheshire-west-and-chester")))["invest-to-save"]
    chart = its[its.index("<svg") : its.index("</svg>")]
    bars = re.findall(r'<rect class="ds-bar--(investment|net)"(?: x="[\d.]+%")? y="\d+" width="([\d.]+)%"', chart)
    # on a 0-100% scale, the council's two bars come first: 52.74% against 17.86%
    assert bars[:2] == [("investment", "52.74"), ("net", "17.86")]
    # each bar's figure is written beside it: 26.0 / 49.3 = 52.7%, 10.2 / 57.1 = 17.9%
    assert "Share of investment: 52.7%" in chart and "Share of net benefit: 17.9%" in chart
    assert 'role="img" aria-labelledby="invest-to-save-1-shares-t"' in chart
    assert '<title id="invest-to-save-1-shares-t">Bar chart comparing each body&#39;s share of the investment' in chart


def test_rounding_note_only_under_the_tables_whose_parts_do_not_add_up(example_site):
    section = parts(budget_section(page(example_site, "cheshire-west-and-chester")))
    # baseline: body shares 57.8 + 27.8 + 7.6 + 6.7 = 99.9% against 100.0%
    assert section["baseline"].count(NOTE) == 1
    # envelope: per head £808 + £802 + £798 = £2,408 against £2,407
    assert section["envelope"].count(NOTE) == 1
    # invest-to-save: every shown figure adds up (52.7 + 25.4 + 12.8 + 9.1 = 100.0, ...)
    assert NOTE not in section["invest-to-save"]


def test_the_note_follows_its_table(example_site):
    baseline = parts(budget_section(page(example_site, "cheshire-west-and-chester")))["baseline"]
    assert baseline.index("</table>") < baseline.index(NOTE)


def test_every_budget_chart_is_named_by_its_title_and_followed_by_its_table(example_site):
    # the deal page: baseline by body, envelope, and the one scheme's shares
    section = budget_section(page(example_site, "cheshire-west-and-chester"))
    named = re.findall(r'<svg class="ds-budget-chart"[^>]* role="img" aria-labelledby="([^"]+)"', section)
    assert len(named) == section.count('<svg class="ds-budget-chart"') == 3
    for title in named:
        assert f'<title id="{title}">Bar chart ' in section
        assert section.index("<table", section.index(f'<title id="{title}">')) > 0
    assert section.count("<caption>") == 3
    # the tables page: the baseline line by line, and the scheme's cumulative net benefit
    tables = tables_page(example_site, "cheshire-west-and-chester")
    assert tables.count('<svg class="ds-budget-chart"') == 1
    assert tables_part(tables, "invest-to-save-by-year").count("<caption>") == 1
    assert tables_part(tables, "budget-lines").count("<caption>") == 1


def test_the_deal_page_links_every_budget_csv(example_site):
    section = budget_section(page(example_site, "cheshire-west-and-chester"))
    for name in CSV_FILES:
        assert f'href="{name}"' in section


def test_the_deal_page_shows_the_baseline_by_body_and_links_each_line(example_site):
    baseline = parts(budget_section(page(example_site, "cheshire-west-and-chester")))["baseline"]
    body = baseline[baseline.index("<tbody>") : baseline.index("</tbody>")]
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>((?:<td>[^<]*</td>)+)</tr>', body)
    # the council's two lines: 291.4 + 181.7 = 473.1, 473.1 / 817.9 = 57.8%; the other bodies have one line each
    assert [(body, re.findall(r"<td>([^<]*)</td>", cells)[-2:]) for body, cells in rows] == [
        ("Cheshire West and Chester Council", ["£473.1m", "57.8%"]),
        ("NHS Western Cheshire", ["£227.5m", "27.8%"]),
        ("Cheshire Constabulary", ["£62.2m", "7.6%"]),
        ("Jobcentre Plus", ["£55.1m", "6.7%"]),
    ]
    assert "Adult social care" not in baseline  # the lines are on the tables page
    assert '<a href="tables/#budget-lines">' in baseline


def test_the_tables_page_shows_the_baseline_line_by_line(example_site, catalogue):
    deal = catalogue.deal("cheshire-west-and-chester")
    lines = tables_part(tables_page(example_site, deal.slug), "budget-lines")
    for line in deal.budget.lines:
        assert f'<th scope="row">{line.body}</th><th scope="row">{line.stream}</th>' in lines
    # the council's adult social care: 98.4 + 97.1 + 95.9 = 291.4, 291.4 / 817.9 = 35.6%
    row = re.search(r"Adult social care</th>(.*?)</tr>", lines).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["£98.4m", "£97.1m", "£95.9m", "£291.4m", "35.6%"]
    # shown line shares 35.6 + 22.2 + 27.8 + 7.6 + 6.7 = 99.9%, against 100.0%
    assert NOTE in lines


def test_real_terms_name_their_base_year(example_site):
    baseline = parts(budget_section(page(example_site, "cheshire-west-and-chester")))["baseline"]
    # 274.4 x 100 / 103.2 = 265.89 -> £265.9m in 2010-11 prices
    assert "Total in real terms (2010-11 prices)" in baseline
    assert "<td>£265.9m</td>" in baseline


def test_negative_figures_show_a_minus_sign(example_site):
    by_year = tables_part(tables_page(example_site, "cheshire-west-and-chester"), "invest-to-save-by-year")
    # 2012-13: 4.3 - 19.5 = -15.2
    assert "<td>\u2212£15.2m</td>" in by_year


def test_the_tables_page_gives_each_scheme_year_by_year_with_its_payback(example_site):
    its = parts(budget_section(page(example_site, "cheshire-west-and-chester")))["invest-to-save"]
    assert '<a href="tables/#invest-to-save-1-by-year">' in its
    by_year = tables_part(tables_page(example_site, "cheshire-west-and-chester"), "invest-to-save-by-year")
    # cumulative: -15.2, -17.0, -3.0, +22.6 (2015-16), +57.1: positive from 2015-16
    assert '<h3 id="invest-to-save-1-by-year">' in by_year
    assert "The cumulative net benefit is positive from 2015-16." in by_year
    assert '<th scope="row">2015-16 (payback)</th>' in by_year


def test_birmingham_page_counts_7_5bn_with_the_rounding_note(example_site):
    baseline = parts(budget_section(page(example_site, "birmingham")))["baseline"]
    total = re.search(r'<tr class="ds-budget-total">(.*?)</tr>', baseline).group(1)
    # 2008-09 7,500.0 -> £7.5bn; 7,781.9 -> £7.8bn; 7,882.2 -> £7.9bn; 23,164.1 -> £23.2bn
    assert re.findall(r"<td>([^<]*)</td>", total)[:4] == ["£7.5bn", "£7.8bn", "£7.9bn", "£23.2bn"]
    assert NOTE in baseline


def test_every_example_deal_with_a_budget_shows_it(example_site, catalogue):
    for deal in catalogue.deals:
        section = budget_section(page(example_site, deal.slug))
        if deal.budget:
            assert 'id="budget-baseline"' in section and 'id="budget-envelope"' in section, deal.slug
        else:
            assert "no single place budget" in section, deal.slug


def test_csv_files_sit_beside_the_page_and_read_back_as_utf8(example_site):
    folder = example_site / "deals" / "cheshire-west-and-chester"
    for name in CSV_FILES:
        raw = (folder / name).read_bytes()
        raw.decode("utf-8")  # raises if not UTF-8
        assert b"\r\n" not in raw


def test_baseline_csv_carries_the_yaml_amounts_exactly(example_site, catalogue):
    deal = catalogue.deal("cheshire-west-and-chester")
    frame = read_csv(example_site / "deals" / deal.slug / "budget-baseline.csv")
    lines = frame[(frame.level == "line") & (frame.financial_year != ALL_YEARS)]
    expected = [(line.body, line.stream, year, pounds(a)) for line in deal.budget.lines for year, a in line.amounts.items()]
    got = [(r.body, r.stream, r.financial_year, Decimal(r.amount_gbp)) for r in lines.itertuples()]
    assert got == expected
    total = frame[(frame.level == "total") & (frame.financial_year == ALL_YEARS)].iloc[0]
    assert total.body == ALL_BODIES
    assert Decimal(total.amount_gbp) == pounds(Decimal("817.9"))  # 274.4 + 272.5 + 271.0


def test_invest_to_save_csv_carries_the_yaml_amounts_exactly(example_site, catalogue):
    deal = catalogue.deal("cheshire-west-and-chester")
    frame = read_csv(example_site / "deals" / deal.slug / "invest-to-save.csv")
    for share in deal.budget.schemes[0].bodies:
        row = frame[frame.body == share.body].iloc[0]
        invested = sum(share.investment.values())
        gained = sum(share.benefit.values())
        assert Decimal(row.investment_gbp) == pounds(invested)
        assert Decimal(row.gross_benefit_gbp) == pounds(gained)
        assert Decimal(row.net_benefit_gbp) == pounds(gained - invested)
    total = frame[frame.body == ALL_BODIES].iloc[0]
    assert (total.investment_gbp, total.gross_benefit_gbp, total.net_benefit_gbp, total.benefit_cost_ratio) == (
        "49300000.00",
        "106400000.00",
        "57100000.00",
        "2.1582",  # 106.4 / 49.3 = 2.15821...
    )
    assert Decimal(total.investment_gbp) == pounds(deal.budget.schemes[0].stated_investment)
    assert Decimal(total.net_benefit_gbp) == pounds(deal.budget.schemes[0].stated_net_benefit)


def test_by_year_and_envelope_csvs_read_back(example_site):
    folder = example_site / "deals" / "cheshire-west-and-chester"
    years = read_csv(folder / "invest-to-save-by-year.csv")
    assert list(years.cumulative_net_benefit_gbp[:5]) == [
        "-15200000.00",
        "-17000000.00",
        "-3000000.00",
        "22600000.00",
        "57100000.00",
    ]
    envelope = read_csv(folder / "budget-envelope.csv")
    for row in envelope.itertuples():
        assert Decimal(row.envelope_gbp) + Decimal(row.savings_required_gbp) == Decimal(row.baseline_gbp)
    assert list(envelope.financial_year) == ["2012-13", "2013-14", "2014-15", ALL_YEARS]
    assert envelope.savings_required_gbp.iloc[-1] == "24537000.00"  # 817.9 x 3% = 24.537


def test_deal_text_in_the_budget_is_escaped(catalogue):
    deal = catalogue.deal("kent")
    hostile = '<script>alert("x")</script>'
    budget = deal.budget.model_copy(
        update={
            "lines": [deal.budget.lines[0].model_copy(update={"body": hostile, "stream": hostile})] + deal.budget.lines[1:],
            "schemes": [deal.budget.schemes[0].model_copy(update={"name": hostile})],
        }
    )
    deal = deal.model_copy(update={"budget": budget})
    templates = without_committee_record(environment(REPO / "site_templates"))
    view = budget_view(deal, catalogue.deflators)
    views = Views(catalogue)  # the pages' contexts as pages/deal.py makes them
    deal_view = views.deal(deal, "deals/kent/")
    html = templates.get_template("partials/budget.html").render(**budget_context(deal, deal_view, view, "tables/"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    outcomes = [outcome_view(o, views.menu) for o in deal.outcomes]
    html = templates.get_template("deal_tables.html").render(**tables_context(deal, deal_view, outcomes, view, "../"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
