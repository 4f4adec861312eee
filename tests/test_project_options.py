"""Every command reads the project where its mkdocs.yml says it is, and a project that cannot be
read is one line naming the setting, never a traceback (found by an outside attack: new,
new-update, readings and diff read deals/ and content/ whatever mkdocs.yml said; pack and
schedule ignored as_of; an invalid option was a traceback in check, schedule, pack and serve)."""

from __future__ import annotations

import datetime as dt
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


def _named(command: list[str]) -> str:
    """How a message names the command: readings with its step."""
    return " ".join(command[:2]) if command[0] == "readings" else command[0]


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
    assert err.startswith(f"dealsite {_named(command)}: mkdocs.yml: dealsite: corrections: 'ftp://example.org' is not a mailto: address") and err.count("\n") == 1


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
    assert err.startswith(f"dealsite {_named(command)}: SOURCE_DATE_EPOCH='abc' is not a time") and err.count("\n") == 1


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


# --- from an outside attack on the above ---------------------------------------------------------


def test_a_new_update_about_no_deal_passes_dealsite_check(moved, capsys):
    # Its example link to a deal's page is written as code: a link to deals/SLUG.md stopped the build.
    assert _run(capsys, "new-update", "Spending review", "--date", "2026-04-01")[0] == 0
    status, out, err = _run(capsys, "check")
    assert (status, err) == (0, ""), err


@pytest.mark.parametrize("args, message", [
    (["new-update", "a" * 300, "--date", "2020-01-01"], "dealsite new-update: title: is 300 characters long (expected at most 200)\n"),
    (["new", "a" * 101], f"dealsite new: {'a' * 100!r} is not a slug (expected at most 100 lowercase letters, digits and hyphens)\n"),
    (["new-update", "Caf\udce9", "--date", "2020-01-01"], "dealsite new-update: the title is not text in UTF-8 (check the terminal's encoding)\n"),
    (["new-update", "X", "--deal", "kent\n\nAlso: sign here"], "dealsite new-update: 'kent\\n\\nAlso: sign here' is not a known deal"),
    (["new-update", "X", "-f", "typo.yml"], "dealsite new-update: typo.yml: no such configuration file (-f names a project's mkdocs.yml)\n"),
    (["check", "-f", "data"], "dealsite check: data: no such configuration file (-f names a project's mkdocs.yml)\n"),
])
def test_what_a_command_cannot_do_is_one_line_and_writes_nothing(moved, capsys, args, message):
    before = sorted(p.relative_to(moved) for p in moved.rglob("*"))
    status, out, err = _run(capsys, *args)
    assert (status, out) == (1, "")
    assert err.startswith(message) and err.count("\n") == 1, err
    assert sorted(p.relative_to(moved) for p in moved.rglob("*")) == before


def test_new_update_refuses_an_updates_folder_that_is_a_file(moved, capsys):
    (moved / "docs" / "updates").rename(moved / "updates-aside")
    (moved / "docs" / "updates").write_text("not a folder\n", encoding="utf-8")
    assert _run(capsys, "new-update", "Kent signs", "--date", "2026-04-01") == (1, "", "dealsite new-update: docs/updates is not a folder\n")


def test_a_setting_mkdocs_finds_invalid_ends_in_one_line_naming_the_command(moved, capsys):
    config = moved / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      deals_dir: data\n", "      deals_dir: [a, b]\n"), encoding="utf-8")
    status, out, err = _run(capsys, "check")
    assert (status, out) == (1, "")
    assert err.splitlines()[-1] == "dealsite check: mkdocs.yml: Aborted with a configuration error!"


def test_a_readings_step_is_named_in_full(moved, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    assert _run(capsys, "readings", "export", "kent", "-o", "k.ods")[2].startswith("dealsite readings export: SOURCE_DATE_EPOCH")


def test_export_refuses_use_directory_urls_false_as_build_does(moved, capsys):
    config = moved / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("use_directory_urls: true\n", "use_directory_urls: false\n"), encoding="utf-8")
    status, out, err = _run(capsys, "export", str(moved / "exported"))
    assert status == 1 and "use_directory_urls: false is not supported by dealsite" in err and not (moved / "exported").exists()


def test_pack_ends_on_the_day_the_sites_pack_page_does(moved, capsys, monkeypatch):
    # 23:30 UTC on 1 July 2024 is 00:30 on 2 July in London; the site's pack page (and so this)
    # takes the build moment's own date, 1 July.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2024, 7, 1, 23, 30, tzinfo=dt.timezone.utc).timestamp())))
    status, out, err = _run(capsys, "pack", "--since", "2014-07-08")
    assert out.splitlines()[0] == "# What changed after 8 July 2014, up to 1 July 2024"


def test_ctrl_c_in_builds_check_says_the_site_is_unchanged(moved, capsys, monkeypatch):
    from generator.engine import pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "read_sources", interrupted)
    assert _run(capsys, "build") == (130, "", "build interrupted, site/ is unchanged\n")


def test_a_script_written_as_a_mapping_is_one_of_the_sites_own(tmp_path):
    # Found by an outside attack: extra_javascript's mapping form ({path:, type: module}) stopped
    # every build with AttributeError in the last check, which took each entry for text.
    project = copy_project(tmp_path / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    script = '  - assets/progress.js  # progressive enhancement only: sorting progress tables, "readings added since"'
    assert script in config
    (project / "mkdocs.yml").write_text(config.replace(script, "  - path: assets/progress.js\n    type: module"), encoding="utf-8")
    built = subprocess.run([sys.executable, "-m", "generator.cli", "build", "-q"], cwd=project, capture_output=True, text=True, timeout=600, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    assert '<script src="assets/progress.js" type="module">' in (project / "site" / "index.html").read_text(encoding="utf-8")
