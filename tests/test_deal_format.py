"""The deal format as editors meet it: the guide (content/deal-format.md) documents every field of
the schema, and the file `dealsite new` writes is valid with and without its optional blocks."""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path

from generator.cli import main
from generator.model.schema import schema_text
from generator.model.load import load_catalogue

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "content" / "deal-format.md"


def _fields(schema: dict) -> set[str]:
    names = set(schema["properties"])
    for definition in schema["$defs"].values():
        names |= set(definition.get("properties", {}))
    return names


def test_the_guide_documents_every_field_of_the_schema_in_a_table():
    # A field is documented when a row of one of the guide's tables names it in code:
    # | `per_year` | ... or | `draft`, `publish_after` | ...
    text = GUIDE.read_text(encoding="utf-8")
    documented = set()
    for cell in re.findall(r"(?m)^\| ((?:`[a-z_]+`(?:, )?)+) \|", text):
        documented |= set(re.findall(r"`([a-z_]+)`", cell))
    assert sorted(_fields(json.loads(schema_text())) - documented) == []


def _shared_into(deals: Path) -> Path:
    deals.mkdir(parents=True)
    for name in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / name, deals / name)
    return deals


def _uncommented(text: str) -> str:
    """The scaffold with its optional blocks switched on: '# key:' and the lines under it lose
    their '# ', at any indent; prose comments (a capital letter, a backtick) stay comments."""
    return re.sub(r"(?m)^(\s*)# (?=[a-z_]+:|\s)", r"\1", text)


def test_new_writes_a_deal_whose_optional_blocks_are_valid_when_switched_on(tmp_path):
    deals = _shared_into(tmp_path / "deals")
    assert main(["new", "north-yorkshire", "--deals-dir", str(deals)]) == 0
    written = (deals / "north-yorkshire.yaml").read_text(encoding="utf-8")
    switched_on = _uncommented(written)
    for block in ("conditions:", "funds:", "follow_ons:", "  holders:", "  scrutiny_powers:", "powers:", "budget:"):
        assert f"\n# {block.strip()}" in written or f"\n  # {block.strip()}" in written, block
        assert f"\n{block}" in switched_on, block
    (deals / "north-yorkshire.yaml").write_text(switched_on, encoding="utf-8")
    deal = load_catalogue([deals]).deal("north-yorkshire")
    assert [f.id for f in deal.funds] == ["investment-fund"] and deal.funds[0].gateways[0].outcome is None
    assert deal.accountable_figure.holders[0].interim and deal.conditions[0].status.value == "outstanding"
    assert deal.powers[0].title == "Bus franchising" and deal.powers[0].recipient.kind == "mayor"
    assert not deal.budget.more_for_less or deal.budget.reduction_percent == 5
    assert deal.follow_ons[0].id == "further-deal-2027"


def test_the_scaffold_is_the_packaged_file():
    packaged = resources.files("generator").joinpath("scaffold/deal.yaml").read_text(encoding="utf-8")
    assert packaged == (REPO / "generator" / "scaffold" / "deal.yaml").read_text(encoding="utf-8")
