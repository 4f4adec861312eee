"""Every command reads the project where its mkdocs.yml says it is, and a project that cannot be
read is one line naming the setting, never a traceback (found by an outside attack: new,
new-update, readings and diff read deals/ and content/ whatever mkdocs.yml said; pack and
schedule ignored as_of; an invalid option was a traceback in check, schedule, pack and serve)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_project

from generator.cli import main


@pytest.fixture
def moved(tmp_path, monkeypatch) -> Path:
    """The example project with its deals in data/ and its pages in docs/, as mkdocs.yml says; run from it."""
    project = copy_project(tmp_path / "project")
    (project / "deals").rename(project / "data")
    (project / "content").rename(project / "docs")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    moved = text.replace("docs_dir: content\n", "docs_dir: docs\n", 1).replace("deals_dir: deals\n", "deals_dir: data\n", 1)
    moved = moved.replace("watch:\n  - deals\n", "watch:\n  - data\n", 1)
    assert moved.count("docs_dir: docs") == moved.count("deals_dir: data") == moved.count("  - data\n") == 1, "mkdocs.yml's layout changed"
    config.write_text(moved, encoding="utf-8")
    monkeypatch.chdir(project)
    return project


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_new_writes_the_deal_into_deals_dir(moved, capsys):
    assert _run(capsys, "new", "fenland") == (0, "wrote data/fenland.yaml: fill it in, then run dealsite check data/fenland.yaml\n", "")
    assert not (moved / "deals").exists()


def test_new_update_writes_into_docs_dir_and_knows_the_deals_in_deals_dir(moved, capsys):
    status, out, err = _run(capsys, "new-update", "Kent signs", "--deal", "kent", "--date", "2026-04-01")
    assert (status, err) == (0, "")
    assert (moved / "docs" / "updates" / "2026-04-01-kent-signs.md").is_file()
    assert not (moved / "content").exists()


def test_readings_export_reads_the_deal_from_deals_dir(moved, capsys):
    status, out, err = _run(capsys, "readings", "export", "kent", "-o", "kent.csv")
    assert (status, err) == (0, "") and (moved / "kent.csv").is_file()


def test_diff_reads_deals_dir(moved, capsys):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", "."], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "deals"], check=True)
    assert _run(capsys, "diff", "HEAD", "HEAD")[0] == 0


def test_a_project_given_with_f_from_elsewhere_is_read_from_its_own_folder(moved, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    status, out, err = _run(capsys, "new", "fenland", "-f", str(moved / "mkdocs.yml"))
    assert (status, err) == (0, "") and (moved / "data" / "fenland.yaml").is_file()


def test_new_refuses_a_deals_folder_that_does_not_exist(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _run(capsys, "new", "fenland", "--deals-dir", "nowhere") == (
        1, "", "dealsite new: nowhere is not a folder (is --deals-dir or deals_dir in mkdocs.yml right?)\n"
    )


def test_new_update_refuses_a_title_dealsite_check_would_refuse_and_writes_nothing(moved, capsys):
    title = "word " * 50  # 249 characters once the spaces are squeezed, over the limit of 200
    status, out, err = _run(capsys, "new-update", title, "--date", "2026-04-01")
    assert (status, out) == (1, "")
    assert err == "dealsite new-update: title: is 249 characters long (expected at most 200)\n"
    assert not (moved / "docs" / "updates" / "2026-04-01-word-word-word-word-word-word-word-word-word-word.md").exists()
    assert len(list((moved / "docs" / "updates").glob("2026-04-01-*"))) == 0


# --- a project that cannot be read: one line ----------------------------------------------------

BAD_CORRECTIONS = 'corrections: "ftp://example.org"'


@pytest.mark.parametrize("command", [["check"], ["schedule"], ["pack", "--since", "2012-01-01"], ["new", "fenland"],
                                     ["readings", "export", "kent", "-o", "k.csv"], ["new-update", "Hello"]])
def test_an_invalid_plugin_option_is_one_line_naming_it(moved, capsys, command):
    config = moved / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "corrections: mailto:corrections@example.org" in text
    config.write_text(text.replace("corrections: mailto:corrections@example.org", BAD_CORRECTIONS), encoding="utf-8")
    status, out, err = _run(capsys, *command)
    assert (status, out) == (1, "")
    assert err.startswith(f"dealsite {command[0]}: mkdocs.yml: dealsite: corrections: 'ftp://example.org' is not a mailto: address") and err.count("\n") == 1


def test_serve_with_an_invalid_plugin_option_stops_in_one_line(moved):
    config = moved / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("corrections: mailto:corrections@example.org", BAD_CORRECTIONS), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator.cli", "serve", "-a", "127.0.0.1:1"], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.startswith("dealsite serve: mkdocs.yml: dealsite: corrections:"), done.stderr[-2000:]


@pytest.mark.parametrize("command", [["new-update", "Hello"], ["readings", "export", "kent", "-o", "k.ods"], ["schedule"]])
def test_an_unreadable_source_date_epoch_is_one_line(moved, capsys, monkeypatch, command):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    status, out, err = _run(capsys, *command)
    assert (status, out) == (1, "")
    assert err.startswith(f"dealsite {command[0]}: SOURCE_DATE_EPOCH='abc' is not a time") and err.count("\n") == 1


def test_use_directory_urls_false_is_refused_before_anything_is_built(moved, capsys):
    config = moved / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "use_directory_urls: true\n" in text
    config.write_text(text.replace("use_directory_urls: true\n", "use_directory_urls: false\n"), encoding="utf-8")
    status, out, err = _run(capsys, "build")
    assert status == 1 and not (moved / "site").exists()
    assert err == ("build stopped, site/ is unchanged: mkdocs.yml: use_directory_urls: false is not supported by dealsite "
                   "(its pages link to folders, like deals/kent/): remove it\n")


# --- an archive (as_of): pack and schedule as of its day ---------------------------------------------


def _archive(project: Path, day: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("      deals_dir: data\n", f"      deals_dir: data\n      as_of: {day}\n", 1), encoding="utf-8")


def test_pack_of_an_archive_leaves_out_what_happened_after_its_day(moved, capsys):
    # data/essex.yaml: the reading of 8,150 apprenticeships is dated 31 March 2014.
    assert "8,150 apprenticeships" in _run(capsys, "pack", "--since", "2012-01-01")[1]
    _archive(moved, "2012-06-30")
    status, out, err = _run(capsys, "pack", "--since", "2012-01-01")
    assert (status, err) == (0, "")
    assert "8,150 apprenticeships" not in out and "2014" not in out


def test_pack_of_an_archive_refuses_a_period_ending_after_its_day(moved, capsys):
    _archive(moved, "2012-06-30")
    assert _run(capsys, "pack", "--since", "2012-01-01", "--until", "2013-01-01") == (
        1, "", "dealsite pack: --until 2013-01-01 is after as_of, 2012-06-30: an archive's pack reports what had happened by its day\n"
    )


def test_schedule_of_an_archive_has_no_next_release(moved, capsys):
    kent = moved / "data" / "kent.yaml"
    text = kent.read_text(encoding="utf-8")
    kent.write_text(text.replace("\ntitle: ", "\npublish_after: 2099-01-01T09:30:00+00:00\ntitle: ", 1), encoding="utf-8")
    assert _run(capsys, "schedule", "--next") == (0, "2099-01-01T09:30:00Z\n", "")
    # An archive of 2012 never changes: Kent, embargoed until 2099, will never appear in it.
    _archive(moved, "2012-06-30")
    assert _run(capsys, "schedule", "--next") == (0, "", "")
    status, out, _ = _run(capsys, "schedule")
    assert status == 0 and out.startswith("An archive as of 2012-06-30 (as_of in mkdocs.yml): it never changes")


def test_new_update_names_the_file_from_the_title_keeping_accented_letters(moved, capsys):
    # "Ynys Môn" is Anglesey's Welsh name: the ô is an o with a circumflex, written o in the file name.
    status, out, err = _run(capsys, "new-update", "Ynys Môn signs its deal", "--date", "2026-04-01")
    assert (status, err) == (0, "")
    assert out.startswith("wrote docs/updates/2026-04-01-ynys-mon-signs-its-deal.md:")
