"""Safe builds: a failed build leaves site/ byte-identical; two builds of the same input agree.

A "good" site is built first into <project>/site; then a build that must fail runs, and every
file under site/ is hashed before and after.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from publishing_support import (
    REPO,
    build,
    copy_project,
    epoch,
    leftovers,
    source_date_epoch,
    tree_hash,
)

from generator.cli import main

NOW = epoch("2026-06-01T12:00:00+00:00")
DEALSITE = [sys.executable, "-m", "generator.cli"]


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """A project with a good site/ built once; tests take copies (bytes and all)."""
    project = copy_project(tmp_path_factory.mktemp("good") / "project")
    build(project, project / "site", at=NOW)
    return project


@pytest.fixture
def built(good, tmp_path):
    """A private copy of the good project, site/ included."""
    return Path(shutil.copytree(good, tmp_path / "project"))


def _dealsite_build(project: Path, *extra: str, at: int = NOW) -> int:
    with source_date_epoch(at):
        return main(["build", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site"), *extra])


def _hook(project: Path, body: str) -> None:
    """A test-only MkDocs hook (mkdocs.yml `hooks:`), to fail or stall a build at its end."""
    (project / "hook.py").write_text(body, encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - hook.py\n")


def test_a_bad_deal_stops_the_build_with_file_and_line_and_leaves_site_unchanged(built, capsys):
    before = tree_hash(built / "site")
    deal = built / "deals" / "kent.yaml"
    deal.write_text(deal.read_text(encoding="utf-8").replace("status: ", "status: signed-off #", 1), encoding="utf-8")
    assert _dealsite_build(built) == 1
    err = capsys.readouterr().err
    assert "build stopped: site/ is unchanged" in err
    assert f"{deal}:" in err and "status: signed-off is not allowed" in err
    assert tree_hash(built / "site") == before
    assert leftovers(built) == []


def test_a_bad_update_stops_the_build_and_leaves_site_unchanged(built, capsys):
    before = tree_hash(built / "site")
    update = built / "content" / "updates" / "2026-05-01-typo.md"
    update.write_text("---\ntitle: Typo\ndate: 2026-05-01\ndeals: [kentt]\nsummary: S.\n---\n\nText.\n", encoding="utf-8")
    assert _dealsite_build(built) == 1
    assert f"{update}:4: deals[0]: kentt is not a known deal" in capsys.readouterr().err
    assert tree_hash(built / "site") == before


def test_an_exception_in_a_template_fails_the_build_without_a_traceback_and_leaves_site_unchanged(built, capsys):
    before = tree_hash(built / "site")
    template = built / "site_templates" / "partials" / "updates.html"
    template.write_text("{{ deal.no_such_field }}", encoding="utf-8")
    assert _dealsite_build(built) == 1
    err = capsys.readouterr().err
    assert "build failed, site/ is unchanged: UndefinedError" in err and "no_such_field" in err
    assert "Traceback" not in err
    assert tree_hash(built / "site") == before
    assert leftovers(built) == []


def test_a_warning_in_strict_mode_fails_the_build_and_leaves_site_unchanged(built, capsys):
    before = tree_hash(built / "site")
    # a warning only MkDocs gives (dealsite's own check refuses a broken link in a page, or a
    # nav entry for a page the site will not have, first)
    _hook(built, "import logging\n\ndef on_files(files, config):\n    logging.getLogger('mkdocs.hooks.test').warning('only MkDocs counts this')\n    return files\n")
    assert _dealsite_build(built) == 1
    assert "build failed, site/ is unchanged: Aborted with 1 warnings in strict mode!" in capsys.readouterr().err
    assert tree_hash(built / "site") == before


def test_an_interruption_after_every_file_is_written_leaves_site_unchanged(built, capsys):
    # The worst moment: the new site is complete in staging, the swap has not happened.
    before = tree_hash(built / "site")
    _hook(built, "def on_post_build(config):\n    raise KeyboardInterrupt\n")
    assert _dealsite_build(built) == 130
    assert "build interrupted, site/ is unchanged" in capsys.readouterr().err
    assert tree_hash(built / "site") == before
    assert leftovers(built) == []


# `dealsite` as started at a terminal, Ctrl-C not ignored. A job a shell starts in the
# background (`make test &`) has SIGINT ignored, every process below it too, and a build
# honours that (engine/mkdocs/build.py): this test would then wait for ever.
_AS_AT_A_TERMINAL = [
    sys.executable, "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, '-m', 'generator.cli', *sys.argv[1:]])",
]


def _stalled_build(project: Path) -> subprocess.Popen:
    """`dealsite build` in a subprocess, stalled after writing every file into staging."""
    _hook(
        project,
        "import pathlib, time\n"
        "def on_post_build(config):\n"
        "    pathlib.Path(config.config_file_path).with_name('stalled').touch()\n"
        "    time.sleep(600)\n",
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(NOW), "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [*_AS_AT_A_TERMINAL, "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    while not (project / "stalled").exists():  # waits for a state, not a duration
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    assert leftovers(project)  # the staging directory is there, full
    return process


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_build_leaves_site_unchanged_and_no_staging_behind(built, sig):
    before = tree_hash(built / "site")
    process = _stalled_build(built)
    process.send_signal(sig)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "build interrupted, site/ is unchanged" in err
    assert tree_hash(built / "site") == before
    assert leftovers(built) == []


def test_a_killed_build_leaves_site_unchanged_and_the_next_build_clears_its_staging(built):
    before = tree_hash(built / "site")
    process = _stalled_build(built)
    process.kill()  # SIGKILL: no chance to clean up
    process.communicate(timeout=120)
    assert tree_hash(built / "site") == before
    assert leftovers(built) != []
    (built / "hook.py").write_text("", encoding="utf-8")
    assert _dealsite_build(built, "--quiet") == 0
    assert leftovers(built) == []


def test_a_successful_build_replaces_site_and_leaves_nothing_beside_it(built):
    (built / "content" / "publishing.md").write_text("# Guide\n\nA new sentence for the test.\n", encoding="utf-8")
    assert _dealsite_build(built, "--quiet") == 0
    assert b"A new sentence for the test." in (built / "site" / "publishing" / "index.html").read_bytes()
    assert leftovers(built) == []


def test_two_builds_of_the_same_input_are_byte_identical(good, tmp_path):
    again = build(good, tmp_path / "again", at=NOW)
    first, second = tree_hash(good / "site"), tree_hash(again)
    assert first == second
    assert "sitemap.xml.gz" in first and "feeds/updates.xml" in first and "search/search_index.json" in first


def test_the_build_date_comes_from_source_date_epoch(good):
    # NOW is 2026-06-01T12:00Z: the sitemap's dates are that day, not the day the test ran.
    assert "<lastmod>2026-06-01</lastmod>" in (good / "site" / "sitemap.xml").read_text(encoding="utf-8")


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(NOW), "PYTHONPATH": str(REPO)}
    return subprocess.run([*DEALSITE, *args], cwd=project, env=env, capture_output=True, text=True)


def test_build_shows_its_progress(tmp_path):
    project = copy_project(tmp_path / "project")
    deals = len([p for p in (project / "deals").glob("*.yaml") if not p.name.startswith("_")])
    result = _cli(project, "build")
    assert result.returncode == 0, result.stderr
    assert f"loaded {deals} deals" in result.stderr
    assert "generated " in result.stderr and " pages and " in result.stderr
    assert "Documentation built in" in result.stderr  # MkDocs' own progress
    assert result.stdout.strip() == f"built {project / 'site'}"


def test_build_quiet_prints_nothing_on_success(tmp_path):
    project = copy_project(tmp_path / "project")
    result = _cli(project, "build", "--quiet")
    assert result.returncode == 0
    assert (result.stdout, result.stderr) == ("", "")
    assert (project / "site" / "index.html").is_file()


def test_build_quiet_still_reports_problems(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "deals" / "kent.yaml").write_text("title: Kent\n", encoding="utf-8")
    result = _cli(project, "build", "--quiet")
    assert result.returncode == 1
    assert "kent.yaml:1: summary: is required but missing" in result.stderr


def test_an_interrupt_arriving_in_a_finalizer_is_raised_again_outside_it():
    """The garbage collector runs WeasyPrint's font clean-up in builds, and Python drops an
    exception raised in a __del__: the build's handler raises it again a moment later, and
    anywhere else at once."""
    from generator.engine.mkdocs.build import _terminate_as_interrupt

    seen = {}

    class Fonts:
        def __del__(self):
            try:
                signal.getsignal(signal.SIGINT)(signal.SIGINT, sys._getframe())
                seen["in __del__"] = "deferred"
            except KeyboardInterrupt:
                seen["in __del__"] = "raised, and so lost"

    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal (see _AS_AT_A_TERMINAL)
    try:
        with _terminate_as_interrupt():
            Fonts()  # dropped at once: its __del__ runs here
            with pytest.raises(KeyboardInterrupt):
                time.sleep(5)  # the interrupt arrives again, outside the finalizer
            with pytest.raises(KeyboardInterrupt):
                signal.getsignal(signal.SIGTERM)(signal.SIGTERM, sys._getframe())
    finally:
        signal.signal(signal.SIGINT, inherited)
    assert seen == {"in __del__": "deferred"}


def test_a_build_started_with_ctrl_c_ignored_leaves_it_ignored():
    """A job started in the background has SIGINT ignored: the build keeps it so."""
    from generator.engine.mkdocs.build import _terminate_as_interrupt

    inherited = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with _terminate_as_interrupt():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGINT, inherited)


def test_an_interrupt_still_owed_when_the_build_is_over_does_not_reach_what_comes_after():
    """Found by an outside attack: the re-raise was scheduled with no end, so an interrupt
    deferred at the very end of a build reached whatever ran next, outside the build."""
    from generator.engine.mkdocs.build import _terminate_as_interrupt

    class Fonts:
        def __del__(self):
            signal.getsignal(signal.SIGINT)(signal.SIGINT, sys._getframe())

    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with _terminate_as_interrupt():
            Fonts()  # the interrupt is owed; the build ends before it is raised again
        time.sleep(0.5)  # a KeyboardInterrupt here would fail the test
    finally:
        signal.signal(signal.SIGINT, inherited)


def test_the_interrupt_raised_again_wakes_a_wait_on_a_lock():
    """Found by an outside attack: raised again by flag alone, it waited until a blocked
    lock (a wait on forked workers) was released; a real signal wakes the wait."""
    import threading as threads

    from generator.engine.mkdocs.build import _terminate_as_interrupt

    class Fonts:
        def __del__(self):
            signal.getsignal(signal.SIGINT)(signal.SIGINT, sys._getframe())

    held = threads.Lock()
    held.acquire()
    releaser = threads.Timer(3, held.release)
    releaser.start()
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with _terminate_as_interrupt():
            Fonts()
            started = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                held.acquire()
            assert time.monotonic() - started < 2
    finally:
        signal.signal(signal.SIGINT, inherited)
        releaser.cancel()
