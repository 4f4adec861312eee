"""Issue 13: a preview server's memory stays flat however many times it rebuilds.

`dealsite serve` rebuilds on every edit for hours. Anything a rebuild keeps for good (objects
frozen out of the garbage collector's reach, a cache keyed by an object each edit replaces)
grows the server by the same amount on every edit. The builds here are the server's own:
MkDocs' dirty build in serve mode, run by the server's rebuilder (the cycle collector off
during each, run after it: serve.IdleCollection), one plugin object (and its Session) kept across builds,
a fresh config for each (as MkDocs' serve does), and a deal edited before each build.

They run in a process of their own, as a server does. Measured inside a test worker that
had already run hundreds of other tests, resident memory moved by up to 18 MiB over the same
40 rebuilds with no more live objects: the allocator reusing, or not, pages fragmented by
earlier tests, not anything the rebuilds kept.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("serve-memory")

REBUILDS = 50
MEASURED = (10, REBUILDS)  # after 10, what a build keeps for its own use has settled

# Python objects the collector tracks, after a full collection. Between rebuild 10 and 50 a
# server may gain a few objects a rebuild: bounded caches still filling (relative links, YAML
# scalars: lru_cache of 65,536 and 8,192 entries) keep a new title's strings. What this test
# guards against is far larger: freezing the survivors of each build kept about 3,000
# objects a rebuild, and the budget cache (one entry per deal *object*) about 500.
OBJECTS_MARGIN = 0.01  # of the objects alive after rebuild 10: 830 here, 20 rebuilds of the smaller leak
# Resident memory, after handing freed heap back to the system; the two leaks above added
# about 1.5 MiB and 0.25 MiB a rebuild (60 and 10 MiB over 40 rebuilds).
RSS_MARGIN_MIB = 6.0


def _rss_mib() -> float:
    try:  # glibc keeps freed pages for reuse; give them back so RSS counts what is alive
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _live_objects() -> int:
    gc.collect()
    return len(gc.get_objects()) + gc.get_freeze_count()  # frozen objects are alive too, and never collected


def _rebuild(project: Path, site: Path) -> dict[int, tuple[int, float]]:
    """Rebuild the project REBUILDS times as `dealsite serve` would; figures after MEASURED."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from generator.engine.mkdocs.serve import IdleCollection, Preview

    config_file = project / "mkdocs.yml"
    kent = project / "deals" / "kent.yaml"
    source = kent.read_text(encoding="utf-8")

    def config():
        # strict=False: MkDocs warns about every dirty build, which `dealsite serve` filters out.
        return load_config(str(config_file), site_dir=str(site), strict=False)

    # The server's own rebuild: the cycle collector off during it, run a moment after.
    preview = Preview()
    preview.collection = IdleCollection(after=0.01)
    rebuild = preview.rebuilder(lambda: mkdocs_build(config(), serve_url="http://127.0.0.1:8000/", dirty=True))
    figures = {}
    config().plugins.on_startup(command="serve", dirty=True)
    try:
        for n in range(1, REBUILDS + 1):
            kent.write_text(re.sub(r"(?m)^title: .*$", f"title: Kent edit {n}", source, count=1), encoding="utf-8")
            with contextlib.redirect_stdout(sys.stderr):  # "rebuilt in ..."; stdout carries the figures
                rebuild()
            while not gc.isenabled():  # the editor reads the page: the collection after the rebuild runs
                time.sleep(0.01)
            if n in MEASURED:
                figures[n] = (_live_objects(), _rss_mib())
    finally:
        config().plugins.on_shutdown()
        preview.collection.stop()
    return figures


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="resident memory is read from /proc")
def test_fifty_preview_rebuilds_keep_memory_flat(tmp_path, project_copy):
    project = project_copy(tmp_path / "project")
    config_file = project / "mkdocs.yml"
    # Without the committee pack's PDF: WeasyPrint takes most of a rebuild's time and keeps
    # nothing between builds (measured: flat over 50 rebuilds with it, too).
    config_file.write_text(config_file.read_text(encoding="utf-8").replace("pack_pdf: true", "pack_pdf: false"), encoding="utf-8")
    site = tmp_path / "site"
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}  # the real clock, as a server has
    run = subprocess.run(
        [sys.executable, __file__, str(project), str(site)],
        env=environment, capture_output=True, text=True, timeout=900, check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "rebuild failed" not in run.stderr, run.stderr[-3000:]
    figures = {int(n): tuple(pair) for n, pair in json.loads(run.stdout.splitlines()[-1]).items()}

    assert f"Kent edit {REBUILDS}" in (site / "deals" / "kent" / "index.html").read_text(encoding="utf-8")
    (objects_10, rss_10), (objects_50, rss_50) = figures[10], figures[REBUILDS]
    shown = f"after rebuild 10: {objects_10} objects, {rss_10:.1f} MiB; after {REBUILDS}: {objects_50} objects, {rss_50:.1f} MiB"
    print(shown)
    assert objects_50 - objects_10 <= OBJECTS_MARGIN * objects_10, shown
    assert rss_50 - rss_10 <= RSS_MARGIN_MIB, shown


if __name__ == "__main__":  # the server's process, started by the test above
    print(json.dumps(_rebuild(Path(sys.argv[1]), Path(sys.argv[2]))))
