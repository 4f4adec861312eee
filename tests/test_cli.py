"""The dealsite command line: exit codes, messages and the files it writes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import copy_project_with_deals_moved
from generator.cli import main
from generator.model.schema import schema_text
from generator.model.load import load_catalogue

REPO = Path(__file__).resolve().parent.parent


def _shared_into(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("_rounds.yaml", "_powers.yaml"):
        shutil.copy(REPO / "deals" / name, directory / name)
    return directory


def test_check_passes_on_the_example_deals(capsys):
    assert main(["check", str(REPO / "deals")]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("ok: 8 deals checked")


def test_check_exits_1_and_names_file_line_and_field(tmp_path, capsys):
    deals = _shared_into(tmp_path / "deals")
    (deals / "kent.yaml").write_text("title: Kent\nstatus: signed-off\n", encoding="utf-8")
    assert main(["check", str(deals)]) == 1
    err = capsys.readouterr().err
    assert f"{deals / 'kent.yaml'}:2: status: signed-off is not allowed" in err
    assert "errors in 1 file" in err


def test_check_never_prints_a_traceback_for_bad_bytes(tmp_path):
    deals = _shared_into(tmp_path / "deals")
    (deals / "kent.yaml").write_bytes(b"title: K\xe9nt\n")
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "check", str(deals)], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "kent.yaml:1: byte 0xe9 is not UTF-8" in result.stderr


def test_committed_schema_matches_the_model():
    assert (REPO / "deals" / "deal.schema.json").read_text(encoding="utf-8") == schema_text(), (
        "deals/deal.schema.json is stale: run `dealsite schema > deals/deal.schema.json`"
    )


def test_schema_describes_a_deal_file_without_its_slug(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "slug" not in schema["properties"]
    assert {"title", "summary", "status", "place", "accountable_figure"} <= set(schema["required"])
    assert "negotiation" not in schema["required"]  # a deal negotiated outside any national round has none


def test_example_deals_point_editors_at_the_schema():
    for path in (REPO / "deals").glob("[!_]*.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=deal.schema.json"), path


def test_new_writes_a_valid_draft_deal_with_a_title(tmp_path):
    deals = _shared_into(tmp_path / "deals")
    assert main(["new", "north-yorkshire", "--deals-dir", str(deals)]) == 0
    text = (deals / "north-yorkshire.yaml").read_text(encoding="utf-8")
    assert "\ntitle: " in text
    deal = load_catalogue([deals]).deal("north-yorkshire")
    assert deal.draft is True


def test_new_refuses_a_bad_slug_and_an_existing_file(tmp_path, capsys):
    deals = _shared_into(tmp_path / "deals")
    assert main(["new", "North Yorkshire", "--deals-dir", str(deals)]) == 1
    assert "is not a slug" in capsys.readouterr().err
    (deals / "york.yaml").write_text("title: York\n", encoding="utf-8")
    assert main(["new", "york", "--deals-dir", str(deals)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (deals / "york.yaml").read_text(encoding="utf-8") == "title: York\n"


def test_new_refuses_the_slug_index(tmp_path, capsys):
    deals = _shared_into(tmp_path / "deals")
    assert main(["new", "index", "--deals-dir", str(deals)]) == 1
    assert "'index' cannot name a deal" in capsys.readouterr().err
    assert not (deals / "index.yaml").exists()


def test_new_refuses_a_slug_windows_keeps_for_a_device(tmp_path, capsys):
    deals = _shared_into(tmp_path / "deals")
    assert main(["new", "con", "--deals-dir", str(deals)]) == 1
    assert "'con' cannot name a deal: Windows keeps the name for a device" in capsys.readouterr().err
    assert not (deals / "con.yaml").exists()


def test_new_refuses_a_slug_with_a_trailing_newline(tmp_path, capsys):
    deals = _shared_into(tmp_path / "deals")
    assert main(["new", "york\n", "--deals-dir", str(deals)]) == 1
    assert "is not a slug" in capsys.readouterr().err
    assert sorted(p.name for p in deals.iterdir() if not p.name.startswith("_")) == []


def test_check_on_the_default_folder_also_checks_the_updates(tmp_path, monkeypatch, capsys):
    deals = _shared_into(tmp_path / "deals")
    shutil.copy(REPO / "deals" / "kent.yaml", deals / "kent.yaml")
    updates = tmp_path / "content" / "updates"
    updates.mkdir(parents=True)
    (updates / "2026-01-05-kent-news.md").write_text(
        "---\ntitle: Kent news\ndate: 2026-01-05\ndeals: [essex]\nsummary: News.\n---\n\nText.\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    # line 4 is `deals: [essex]`; essex is not among this folder's deals
    assert "content/updates/2026-01-05-kent-news.md:4: deals[0]: essex is not a known deal" in capsys.readouterr().err
    (updates / "2026-01-05-kent-news.md").write_text(
        "---\ntitle: Kent news\ndate: 2026-01-05\ndeals: [kent]\nsummary: News.\n---\n\nText.\n", encoding="utf-8"
    )
    assert main(["check"]) == 0
    # advice follows (the menus' powers and rounds Kent does not use), and the site still builds
    assert capsys.readouterr().out.splitlines()[-1].startswith("ok: 1 deal and 1 update checked; ")


def test_build_checks_the_deals_folder_mkdocs_yml_names_before_it_starts(tmp_path):
    project = copy_project_with_deals_moved(tmp_path / "project")
    kent = project / "data" / "deals" / "kent.yaml"
    broken = re.sub(r"(?m)^title: .*$", "title:", kent.read_text(encoding="utf-8"), count=1)
    kent.write_text(broken, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build"], cwd=project, capture_output=True, text=True, timeout=300)
    line = broken.splitlines().index("title:") + 1
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == "build stopped: site/ is unchanged", done.stderr[-3000:]
    assert re.search(rf"(?m)^\S*data/deals/kent\.yaml:{line}: title: \S", done.stderr), done.stderr[-3000:]
