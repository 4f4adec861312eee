"""`dealsite diff` on a deal's agreements: one exact line per kind of change to its conditions,
funds and gateway reviews, follow-on agreements, powers (keyed by menu id and title), and the
accountable figure's holders and scrutiny powers. Each case commits a base deal and a changed
one to a real git repository and compares the lines `dealsite diff HEAD~1 HEAD` prints."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from publishing_support import build

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent

BASE = """\
title: Westshire deal
summary: A deal for tests of the agreements' history.
status: in-delivery
place:
  name: Westshire
  level: city-region
  partners:
    - {name: Westshire Combined Authority, kind: combined-authority}
accountable_figure:
  role: mayor
  chosen: directly-elected
  scrutinised_by: [Westshire scrutiny committee]
  holders:
    - {name: Sam Chair, chosen: indirectly-elected, until: 2021-05}
    - {name: Tracy Mayor, elected: 2021-05-06, since: 2021-05-10}
  scrutiny_powers:
    - {body: Westshire Combined Authority, power: Reject the Mayor's strategies, threshold: two-thirds of members}
powers:
  - power: transport
    title: Bus franchising
    status: agreed
    recipient: {kind: combined-authority}
    from_body: Department for Transport
  - power: skills-funding
    status: requested
    from_body: Department for Education
funds:
  - id: west-yorkshire-investment-fund
    name: Investment fund
    kind: investment-fund
    unit: £m
    per_year: "38"
    years: 30
    gateway_every: 5
    gateways:
      - {due: 2025}
  - id: housing
    name: Housing fund
    kind: housing-fund
    unit: £m
    total: {amount: "300", as_published: up-to}
conditions:
  - kind: consent
    description: The councils consent to the draft Order.
  - kind: legislation
    description: Parliament approves the Order.
    status: met
    date: 2021
follow_ons:
  - {id: settlement-2026, title: First integrated settlement, date: 2025-12, kind: settlement, summary: One pot of money.}
"""

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def git(repo: Path, *args: str, date: str = "2026-01-01T12:00:00+00:00") -> None:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def history(root: Path, *versions: str) -> Path:
    """A repository whose deals/westshire.yaml is each version in turn, a commit a month."""
    deals = root / "deals"
    deals.mkdir(parents=True)
    for name in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    git(root, "init", "-q", "-b", "main")
    for month, text in enumerate(versions, start=1):
        (deals / "westshire.yaml").write_text(text, encoding="utf-8")
        git(root, "add", "deals")
        git(root, "commit", "-q", "-m", f"version {month}", date=f"2026-{month:02}-01T12:00:00+00:00")
    return root


def replaced(*pairs: tuple[str, str]) -> str:
    text = BASE
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def diff_lines(tmp_path, monkeypatch, capsys, changed: str, base: str = BASE) -> list[str]:
    monkeypatch.chdir(history(tmp_path, base, changed))
    assert main(["diff", "HEAD~1", "HEAD"]) == 0
    return [line.removeprefix("westshire: ") for line in capsys.readouterr().out.splitlines()]


CONSENT = "  - kind: consent\n    description: The councils consent to the draft Order.\n"
LEGISLATION = "    status: met\n    date: 2021\n"
GATEWAY = "      - {due: 2025}\n"
FOLLOW_ON = "  - {id: settlement-2026, title: First integrated settlement, date: 2025-12, kind: settlement, summary: One pot of money.}\n"
SCRUTINY = "    - {body: Westshire Combined Authority, power: Reject the Mayor's strategies, threshold: two-thirds of members}\n"
LONG = (
    "The five councils and the combined authority consent to sending the scheme and the results of the "
    "consultation to the government."
)

CASES = {
    # --- conditions
    "a condition is added": (
        replaced(("conditions:\n", f"conditions:\n  - kind: consultation\n    description: {LONG}\n")),
        # the text is cut at a space near 80 characters
        ["condition added (consultation, outstanding): The five councils and the combined authority consent to sending the scheme and…"],
    ),
    "a condition is met": (
        replaced((CONSENT, CONSENT + "    status: met\n    date: 2020-11-27\n")),
        ["condition met (consent, 2020-11-27): The councils consent to the draft Order."],
    ),
    "a condition is not met": (
        replaced((CONSENT, CONSENT + "    status: not-met\n")),
        ["condition not met (consent): The councils consent to the draft Order."],
    ),
    "a condition becomes unknown": (
        replaced((LEGISLATION, "    status: unknown\n    date: 2021\n")),
        ["condition status changed from met to unknown (legislation): Parliament approves the Order."],
    ),
    "a condition's date is made more precise": (
        replaced((LEGISLATION, "    status: met\n    date: 2021-01-26\n")),
        ["condition date changed from 2021 to 2021-01-26 (legislation): Parliament approves the Order."],
    ),
    "a condition is removed": (
        replaced((CONSENT, "")),
        ["condition removed (consent, was outstanding): The councils consent to the draft Order."],
    ),
    # --- funds and gateways
    "funds are added": (
        replaced(("funds:\n", "funds:\n"
                  "  - {id: skills, name: Adult skills, kind: skills-fund, unit: £m, per_year: {amount: \"63\", as_published: about}}\n"
                  "  - {id: bradford, name: Masterplan, kind: one-off, unit: £k, total: \"500\"}\n")),
        ["fund skills added: about £63m a year with no end stated", "fund bradford added: £500k"],
    ),
    "a fund is removed": (
        replaced(("  - id: housing\n    name: Housing fund\n    kind: housing-fund\n    unit: £m\n    total: {amount: \"300\", as_published: up-to}\n", "")),
        ["fund housing removed (was up to £300m)"],
    ),
    "a fund's amount and years change": (
        replaced(('    per_year: "38"\n    years: 30\n', '    per_year: {amount: "38.5", as_published: up-to}\n    years: 25\n'),
                 ('total: {amount: "300", as_published: up-to}', 'total: "320"')),
        ["fund west-yorkshire-investment-fund amount a year changed from £38m to up to £38.5m",
         "fund west-yorkshire-investment-fund years changed from 30 to 25",
         "fund housing total changed from up to £300m to £320m"],
    ),
    "a gateway's outcome is published": (
        replaced((GATEWAY, "      - {due: 2025, outcome: passed, decided: 2025-11}\n")),
        ["fund west-yorkshire-investment-fund gateway due 2025 passed on 2025-11"],
    ),
    "a gateway is added": (
        replaced((GATEWAY, GATEWAY + "      - {due: 2030-03}\n")),
        ["fund west-yorkshire-investment-fund gateway due 2030-03 added"],
    ),
    # --- follow-on agreements
    "a follow-on agreement is added": (
        replaced((FOLLOW_ON, FOLLOW_ON + "  - {id: level-4, title: Level 4 deal, date: 2026-03-05, kind: further-deal, summary: More powers.}\n")),
        ["follow-on level-4 added: Level 4 deal (further-deal, 2026-03-05)"],
    ),
    "a follow-on agreement is withdrawn": (
        replaced(("kind: settlement, summary", "kind: settlement, status: withdrawn, withdrawn: 2026-04, summary")),
        ["follow-on settlement-2026 withdrawn on 2026-04"],
    ),
    "a follow-on agreement is removed": (
        replaced((FOLLOW_ON, ""), ("follow_ons:\n", "")),
        ["follow-on settlement-2026 removed (was First integrated settlement)"],
    ),
    # --- powers, keyed by (menu id, title)
    "a power's recipient changes": (
        replaced(("recipient: {kind: combined-authority}", "recipient: {kind: mayor}")),
        ['power transport "Bus franchising" recipient changed from combined authority to mayor'],
    ),
    "a power is granted again under a new title": (
        replaced(("  - power: skills-funding\n", "  - power: transport\n    title: Key route network\n    status: agreed\n"
                  "    from_body: Department for Transport\n  - power: skills-funding\n")),
        ['power transport granted again as "Key route network" (agreed)'],
    ),
    "a power is first used": (
        replaced(("    from_body: Department for Transport\n", "    from_body: Department for Transport\n    first_used: 2024-03-14\n")),
        ['power transport "Bus franchising" first used on 2024-03-14'],
    ),
    "a power without a title changes status": (
        replaced(("    status: requested\n", "    status: withdrawn\n")),
        ["power skills-funding status changed from requested to withdrawn"],
    ),
    # --- the accountable figure
    "a new holder of the accountable figure": (
        replaced(("since: 2021-05-10}\n", "since: 2021-05-10, until: 2024-05}\n    - {name: Tracy Mayor, elected: 2024-05-02, since: 2024-05}\n")),
        ["accountable figure holder Tracy Mayor left office on 2024-05",
         "accountable figure new holder: Tracy Mayor (elected 2024-05-02, since 2024-05)"],
    ),
    "a scrutiny power is added": (
        replaced((SCRUTINY, SCRUTINY + "    - {body: The ten councils, power: Approve the spatial framework}\n")),
        ["accountable figure scrutiny power added: The ten councils: Approve the spatial framework"],
    ),
    "a scrutiny power's threshold changes": (
        replaced(("threshold: two-thirds of members", "threshold: three-quarters of members")),
        ["accountable figure scrutiny power Westshire Combined Authority: Reject the Mayor's strategies threshold changed "
         "from two-thirds of members to three-quarters of members"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_diff_prints_one_exact_line_per_change(tmp_path, monkeypatch, capsys, case):
    changed, expected = CASES[case]
    assert diff_lines(tmp_path, monkeypatch, capsys, changed) == expected


def test_a_power_once_without_a_title_is_a_different_grant_from_one_with_a_title(tmp_path, monkeypatch, capsys):
    # Powers are keyed by (menu id, title): naming the grant is one removed and one added,
    # never a silent change; the menu power is not kept, so it is not "granted again".
    changed = replaced(("  - power: skills-funding\n", "  - power: skills-funding\n    title: Adult education budget\n"))
    assert diff_lines(tmp_path, monkeypatch, capsys, changed) == [
        'power skills-funding "Adult education budget" added (requested)',
        "power skills-funding removed (was requested)",
    ]


def test_the_reverse_of_a_new_gateway_outcome_removes_it(tmp_path, monkeypatch, capsys):
    passed = replaced((GATEWAY, "      - {due: 2025, outcome: passed, decided: 2025-11}\n"))
    failed = replaced((GATEWAY, "      - {due: 2025, outcome: failed, decided: 2026-01}\n"))
    assert diff_lines(tmp_path / "a", monkeypatch, capsys, BASE, base=passed) == [
        "fund west-yorkshire-investment-fund gateway due 2025 outcome removed (was passed on 2025-11)"
    ]
    assert diff_lines(tmp_path / "b", monkeypatch, capsys, failed, base=passed) == [
        "fund west-yorkshire-investment-fund gateway due 2025 outcome changed from passed on 2025-11 to failed on 2026-01"
    ]


def test_a_deal_with_every_agreement_added_at_once_lists_them_in_order(tmp_path, monkeypatch, capsys):
    bare = BASE[: BASE.index("  holders:")] + "powers: []\n"
    lines = diff_lines(tmp_path, monkeypatch, capsys, BASE, base=bare)
    assert lines == [
        'power transport "Bus franchising" added (agreed)',
        "power skills-funding added (requested)",
        "fund west-yorkshire-investment-fund added: £38m a year for 30 years",
        "fund west-yorkshire-investment-fund gateway due 2025 added",
        "fund housing added: up to £300m",
        "condition added (consent, outstanding): The councils consent to the draft Order.",
        "condition added (legislation, met, 2021): Parliament approves the Order.",
        "follow-on settlement-2026 added: First integrated settlement (settlement, 2025-12)",
        "accountable figure new holder: Sam Chair",
        "accountable figure new holder: Tracy Mayor (elected 2021-05-06, since 2021-05-10)",
        "accountable figure scrutiny power added: Westshire Combined Authority: Reject the Mayor's strategies (two-thirds of members)",
    ]


# --- the changes page, built for real --------------------------------------------------------------


@pytest.fixture(scope="module")
def changes_page(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("agreement-changes")
    for name in ("mkdocs.yml", "content", "site_templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
    for update in (root / "content" / "updates").glob("2*.md"):
        update.unlink()  # they name the example deals, which this site does not have
    history(root, BASE, CASES["a gateway's outcome is published"][0])
    site = build(root, root / "site", at=1772366400)  # 2026-03-01T12:00:00Z
    return (site / "changes" / "index.html").read_text(encoding="utf-8")


def test_changes_page_lists_a_gateway_outcome_under_its_commit_date(changes_page):
    newest = changes_page[changes_page.index("1 February 2026") :]
    newest = newest[: newest.index("</section>")]
    assert "<li>westshire: fund west-yorkshire-investment-fund gateway due 2025 passed on 2025-11</li>" in newest
