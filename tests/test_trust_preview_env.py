"""Issue 12, preview/env: DEALSITE_PREVIEW=1 in a build's environment publishes nothing held back.

Previews (drafts and embargoed content, with a banner) exist only under
`dealsite serve --drafts`. A variable left in a CI job's or a shell's environment must not
turn a public build into a preview: neither `dealsite build` nor `mkdocs build` (the plugin
is named in mkdocs.yml) may publish a draft or embargoed deal, reading or update.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from trust_support import (
    NOW,
    copy_project,
    deal,
    dealsite,
    leaks,
    mkdocs,
    update,
    write,
)

pytestmark = pytest.mark.xdist_group("trust-preview-env")

LATER = "2026-09-01T09:00:00+01:00"  # after NOW (2026-06-01)
CANARIES = {
    "zqxpreviewdealembargo": "an embargoed deal",
    "zqxpreviewdealdraft": "a draft deal",
    "zqxpreviewreading": "an embargoed reading's commentary",
    "zqxpreviewupdatedraft": "a draft update",
    "zqxpreviewupdateembargo": "an embargoed update",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("preview") / "project")
    deals = root / "deals"
    write(deals / "zqx-embargoed.yaml", deal(title="zqxpreviewdealembargo deal", top=f"publish_after: {LATER}\n"))
    write(deals / "zqx-draft.yaml", deal(title="zqxpreviewdealdraft deal", top="draft: true\n"))
    extra = f"        commentary: The zqxpreviewreading commentary.\n        publish_after: {LATER}\n"
    write(deals / "zqx-public.yaml", deal(title="Public preview test deal", reading_extra=extra))
    updates = root / "content" / "updates"
    write(updates / "2026-05-01-zqx-draft.md", update("zqxpreviewupdatedraft news", "2026-05-01", "Draft text.\n", extra="draft: true\n"))
    write(
        updates / "2026-05-02-zqx-embargoed.md",
        update("zqxpreviewupdateembargo news", "2026-05-02", "Embargoed text.\n", extra=f"publish_after: {LATER}\n"),
    )
    return root


def _assert_public_only(result, site: Path) -> None:
    if result.returncode != 0:
        # Refusing to build with the variable set is also safe, if it says why.
        assert "DEALSITE_PREVIEW" in result.stderr, result.stderr[-3000:]
        assert not site.exists() or leaks(site, *CANARIES, "dealsite-preview") == {}
        return
    assert (site / "deals" / "zqx-public" / "index.html").is_file()  # the public deal is there
    assert leaks(site, *CANARIES, "dealsite-preview") == {}


def test_dealsite_build_with_preview_set_publishes_nothing_held_back(project, tmp_path):
    site = tmp_path / "site"
    result = dealsite(project, "build", "-d", str(site), at=NOW, extra_env={"DEALSITE_PREVIEW": "1"})
    _assert_public_only(result, site)


def test_mkdocs_build_with_preview_set_publishes_nothing_held_back(project, tmp_path):
    site = tmp_path / "site"
    result = mkdocs(project, "build", "-d", str(site), at=NOW, extra_env={"DEALSITE_PREVIEW": "1"})
    _assert_public_only(result, site)


def test_mkdocs_build_publishes_nothing_held_back(project, tmp_path):
    # The same build without the variable: the control for the test above.
    site = tmp_path / "site"
    result = mkdocs(project, "build", "-d", str(site), at=NOW)
    assert result.returncode == 0, result.stderr[-3000:]
    _assert_public_only(result, site)
