"""`dealsite check` says yes exactly when the build will: an update's link to a page is
checked against the pages the build makes, at the moment the build is made as of.

Both were found by an outside review: a link to a meeting's pack (a page every build with a
committee's record makes) was refused, and an archive (``as_of``) was checked as of today,
so check passed a link to a deal the archive does not have and the build then stopped.
The example record (deals/_scrutiny.yaml) has sessions on 18 June 2013 and 8 July 2014.
"""

from __future__ import annotations

from pathlib import Path

from trust_support import dealsite, write

AT = 1767225600  # 2026-01-01T00:00:00Z


def _update(project: Path, name: str, link: str) -> None:
    write(project / "content" / "updates" / name,
          f"---\ntitle: A link to check\nsummary: One link.\ndate: 2014-01-10\n---\nSee [this page]({link}).\n")


def test_an_update_may_link_to_a_meetings_pack(project_copy, tmp_path):
    project = project_copy(tmp_path / "project")
    _update(project, "2014-01-10-pack.md", "../pack/2014-07-08.md")
    checked = dealsite(project, "check", at=AT)
    assert checked.returncode == 0, checked.stderr
    built = dealsite(project, "build", at=AT)
    assert built.returncode == 0, built.stderr
    assert 'href="../../pack/2014-07-08/"' in next((project / "site" / "updates").glob("*pack*/index.html")).read_text(encoding="utf-8")


def test_a_link_to_a_pack_of_no_meeting_is_refused(project_copy, tmp_path):
    project = project_copy(tmp_path / "project")
    _update(project, "2014-01-10-pack.md", "../pack/2014-07-09.md")
    checked = dealsite(project, "check", at=AT)
    assert checked.returncode == 1
    assert "2014-01-10-pack.md:6: the link ../pack/2014-07-09.md" in checked.stdout + checked.stderr


def test_an_archive_is_checked_as_of_its_day_as_it_is_built(project_copy, tmp_path):
    # Kent is held back until 2020 in this copy; the archive of 31 March 2014 does not have it.
    project = project_copy(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      pack_pdf: true", "      pack_pdf: false\n      as_of: 2014-03-31"), encoding="utf-8")
    kent = project / "deals" / "kent.yaml"
    kent.write_text("publish_after: 2020-01-01T00:00:00+00:00\n" + kent.read_text(encoding="utf-8"), encoding="utf-8")
    _update(project, "2014-01-10-kent.md", "../deals/kent.md")
    checked, built = dealsite(project, "check", at=AT), dealsite(project, "build", at=AT)
    assert checked.returncode == built.returncode == 1
    for run in (checked, built):
        assert "the link ../deals/kent.md" in run.stdout + run.stderr and "not public yet" in run.stdout + run.stderr


def test_an_archive_of_a_day_after_today_is_refused_by_check_in_a_line(project_copy, tmp_path):
    project = project_copy(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      pack_pdf: true", "      as_of: 2026-01-02"), encoding="utf-8")
    checked = dealsite(project, "check", at=AT)
    assert checked.returncode == 1
    assert checked.stderr.strip() == "dealsite check: as_of: 2026-01-02 is after today, 2026-01-01 (an archive is of a past day)"
