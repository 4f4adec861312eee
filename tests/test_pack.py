"""The committee pack: one printable page (and PDF) with every deal's progress as of the build date:
every deal in full for up to 12 deals, past that the summary across deals (a row per deal)."""

from __future__ import annotations

from pathlib import Path

import pytest
from publishing_support import build, copy_project

from generator.compute.embargo import public_catalogue, publish
from generator.model.load import load_catalogue

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1370088000"  # 2013-06-01T12:00:00Z


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("pack")
    copy_project(project)
    return project


@pytest.fixture(scope="session")
def site(project) -> Path:
    return build(project, project / "site", at=int(EPOCH))


@pytest.fixture(scope="session")
def deals(project):
    import datetime as dt

    return public_catalogue(load_catalogue([project / "deals"]), dt.datetime(2013, 6, 1, 12, tzinfo=dt.timezone.utc)).deals


@pytest.fixture(scope="session")
def pack(site) -> str:
    return (site / "pack" / "index.html").read_text(encoding="utf-8")


def test_pack_has_a_section_for_every_deal(pack, deals):
    for deal in deals:
        assert f'<section class="ds-pack-deal" aria-labelledby="pack-{deal.slug}">' in pack


def test_pack_is_as_of_the_build_date(pack):
    assert "as of <time datetime=\"2013-06-01\">1 June 2013</time>" in pack


def test_before_any_meeting_the_pack_says_so_and_points_to_the_dashboard(pack):
    # The first session (deals/_scrutiny.yaml) is on 18 June 2013, after this build (1 June 2013)
    assert pack.index('id="pack-since"') < pack.index('id="pack-summary"')
    lead = pack[pack.index('id="pack-since"'):pack.index('id="pack-summary"')]
    assert "No meeting of the committee has been held yet" in lead
    assert 'href="../dashboard/"' in lead and 'href="../committee/"' in lead
    assert 'id="needs-attention"' not in lead  # nothing to list changes since


def test_pack_shows_each_outcome_status_commentary_and_remedial_action(pack):
    # Greater Manchester adult skills on 2013-06-01: 48.9 against 50.0 expected, 72.5% -> at risk
    section = pack[pack.index('id="pack-greater-manchester"') :]
    section = section[: section.index("</section>")]
    row = section[section.index("More adults with higher skills") :]
    assert "At risk" in row[: row.index("</tr>")]
    assert "Planned remedial action:</strong> Colleges and employers to offer level 3 courses" in section


def test_pack_shows_milestone_slippage_and_budget(pack):
    section = pack[pack.index('id="pack-greater-manchester"') :]
    section = section[: section.index("</section>")]
    # "Second meeting between leaders and ministers": planned 2011-03-09, actual 2011-06-22:
    # 22 + 30 + 31 + 22 = 105 days late
    meeting = section[section.index("Second meeting between leaders and ministers") :]
    assert '<td class="ds-num">105</td><td>late</td>' in meeting[: meeting.index("</tr>")]
    # 2011-12 planned: £996.5m; committed savings 8%: £79.7m (79.72 shown to one place)
    assert "£996.5m" in section and "£79.7m" in section


def test_pack_prints_each_deal_on_a_new_page_without_navigation(site, pack):
    css = (site / "assets" / "progress.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    assert ".ds-pack-deal, .md-typeset .ds-pack-rule { break-before: page; }" in print_rules
    assert ".md-sidebar" in print_rules and "display: none" in print_rules
    assert "assets/progress.css" in pack


# --- the PDF ---------------------------------------------------------------------------------------


def test_pack_pdf_is_a_pdf_linked_from_the_pack(site, pack):
    pdf = (site / "pack.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert 'href="../pack.pdf"' in pack


def test_pack_pdf_has_a_page_per_deal_and_names_each_deal(site, deals):
    from pypdf import PdfReader

    reader = PdfReader(str(site / "pack.pdf"))
    assert len(reader.pages) >= len(deals) + 1  # the summary, then each deal from a new page
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for deal in deals:
        assert deal.title in text, deal.title
    assert "As of 1 June 2013" in text


def test_pack_pdf_starts_each_deal_on_its_own_page(site, deals):
    from pypdf import PdfReader

    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(site / "pack.pdf")).pages]
    starts = [next(i for i, text in enumerate(pages) if text.startswith(deal.title)) for deal in deals]
    assert starts == sorted(set(starts))  # one page each, in order


def test_pack_pdf_fetches_nothing():
    from generator.pages.progress import _refuse_fetch

    for url in ("https://fonts.example.org/font.woff2", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="fetches nothing"):
            _refuse_fetch(url)


def test_pack_pdf_is_the_same_bytes_for_the_same_input_and_build_time(project, site):
    import datetime as dt

    from generator.pages.generate import generate

    catalogue = public_catalogue(load_catalogue([project / "deals"]), dt.datetime(2013, 6, 1, 12, tzinfo=dt.timezone.utc))
    again = generate(publish(catalogue, (), dt.datetime(2013, 6, 1, 12, tzinfo=dt.timezone.utc)), project / "site_templates", pack_pdf=True)
    assert again.files["pack.pdf"] == (site / "pack.pdf").read_bytes()


# --- past a dozen deals ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def many(tmp_path_factory, build_site_from) -> tuple[Path, list]:
    """The 8 example deals (5 pilots, 3 real deals) and 5 copies of Kent: 13 deals, one more than
    PACK_FULL_MAX_DEALS (12)."""
    kent = (REPO / "deals" / "kent.yaml").read_text(encoding="utf-8")
    site = build_site_from(tmp_path_factory.mktemp("many"), {f"kent-copy-{i}.yaml": kent for i in range(5)})
    from generator.model.clock import build_time

    deals = public_catalogue(load_catalogue([site.parent / "deals"]), build_time()).deals
    return site, deals


def test_past_12_deals_the_pack_is_the_summary_with_a_row_per_deal_linking_to_its_page(many):
    site, deals = many
    assert len(deals) == 13
    pack = (site / "pack" / "index.html").read_text(encoding="utf-8")
    summary = pack[pack.index('id="pack-summary"') :]
    summary = summary[: summary.index("</table>")]
    body = summary[summary.index("<tbody>") : summary.index("</tbody>")]
    assert body.count("<tr>") == 13
    for deal in deals:
        assert f'<a href="../deals/{deal.slug}/">' in body, deal.slug


def test_past_12_deals_the_pack_has_no_deal_in_full_and_says_each_deal_page_prints(many):
    site, _ = many
    pack = (site / "pack" / "index.html").read_text(encoding="utf-8")
    assert 'class="ds-pack-deal"' not in pack
    assert 'id="pack-deals"' in pack and "Each deal's own page is laid out for printing" in pack


def test_past_12_deals_no_pdf_is_made_or_linked(many):
    site, _ = many
    assert not (site / "pack.pdf").exists()
    assert "pack.pdf" not in (site / "pack" / "index.html").read_text(encoding="utf-8")
