"""Build a project with one of the build's speed mechanisms turned off, to see what it saves.

Issue 13: each mechanism stays only where it saves more than 10% of the wall time of a
build of 1,000 deals. This script builds a project exactly as ``dealsite build`` does
(generator.cli, in this process), after turning one mechanism off by replacing it in
memory; nothing in generator/ changes. The mechanisms:

  workers     forked worker processes for loading deals and making their pages
              (generator/runtime.py PARALLEL_FROM is made unreachable: one process)
  c-yaml      libyaml's C parser under the strict YAML reader (generator/model/yaml.py
              _CParser = None: PyYAML's pure-Python parser gives the events)
  nav-cache   the theme's nav rendered once per depth (the plugin's on_env no longer gives
              site_templates/overrides/main.html its dealsite_nav dict, so every page
              renders Material's nav)
  young-only  a one-off build's cyclic collector without full collections (generator/
              runtime.py stop_full_collections leaves the thresholds as they are)
  nothing     every mechanism on: the build as shipped

The preview server's own mechanism is measured with ``benchmarks/bench.py`` (its serve_s):
``dealsite serve`` keeps the cycle collector out of each rebuild and runs it once the
changed page is served (generator/engine/mkdocs/serve.py IdleCollection). At 1,000 deals,
one edit, four serves each in turn: 4.57-5.40 s with it (median 4.82), 6.26-6.72 s without
(median 6.63), about a quarter of the rebuild. Since the early look (below) serves the
changed page before the rebuild, serve_s no longer waits for the rebuild; the collector's
pause still shortens the rebuild itself, which the pages across deals wait for (the bench
prints each rebuild's time beside serve_s).

The server's early look (generator/engine/mkdocs/early.py) serves an edited deal's page before
the rebuild ends: at 1,000 deals, serve_s 0.25-0.27 s with it (three serves), 4.2-4.3 s
without (the rebuild).

(A pause of the garbage collector while deals loaded and pages were made was measured and
removed: issue 13. What paid instead was leaving out full collections for the whole build:
generator/runtime.py stop_full_collections gives the figures. The shared pydantic
field sets were removed for saving no time, then brought back for memory: at 1,000 deals they
are 101 MB of the catalogue, which forked workers copy as they touch it.)

Usage, once for the corpus (1,000 deals and the git history benchmarks/bench.py gives them)::

    python benchmarks/mechanisms.py --write /tmp/mech/project-1000 --n 1000

then, for each mechanism, a build with everything on against a build without it::

    python benchmarks/mechanisms.py /tmp/mech/project-1000 --without nothing
    python benchmarks/mechanisms.py /tmp/mech/project-1000 --without workers

Time each with /usr/bin/time -v or hyperfine, paired (run the two commands in turn, several
times, and compare them pair by pair: the machine's speed drifts). A build goes into a new
folder beside the project, removed afterwards; SOURCE_DATE_EPOCH and PYTHONHASHSEED are set
as benchmarks/bench.py sets them, so each run builds the same site.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # corpus.py, beside this file
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # the generator package, when run as a script

from corpus import EPOCH, write_corpus  # noqa: E402


def _without_workers() -> None:
    from generator import runtime
    from generator.model import load
    from generator.pages import generate

    for module in (runtime, load, generate):  # load and generate import the name itself
        module.PARALLEL_FROM = 10**9


def _without_c_yaml() -> None:
    from generator.model import yaml

    yaml._CParser = None


def _without_nav_cache() -> None:
    from generator.engine.mkdocs import plugin

    original = plugin.DealsitePlugin.on_env

    @functools.wraps(original)  # keeps MkDocs' event priority, if any
    def on_env(self, env, *, config, files):
        env = original(self, env, config=config, files=files)
        env.globals.pop("dealsite_nav", None)  # main.html then renders the nav on every page
        return env

    plugin.DealsitePlugin.on_env = on_env


def _without_young_only() -> None:
    import gc

    from generator import runtime

    runtime.stop_full_collections = gc.get_threshold


MECHANISMS = {
    "nothing": lambda: None,
    "workers": _without_workers,
    "c-yaml": _without_c_yaml,
    "nav-cache": _without_nav_cache,
    "young-only": _without_young_only,
}


def build(project: Path, without: str) -> int:
    """`dealsite build` of project into a new folder beside it (removed afterwards), with one mechanism off."""
    from generator import cli

    MECHANISMS[without]()
    project = project.resolve()
    out = Path(tempfile.mkdtemp(prefix=f"site-{without}-", dir=project.parent))
    os.chdir(project)
    try:
        return cli.main(["build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(out / "site")])
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/mechanisms.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="the project to build (or to write, with --write)")
    parser.add_argument("--without", choices=sorted(MECHANISMS), default="nothing", help="the mechanism to turn off (default: nothing)")
    parser.add_argument("--write", action="store_true", help="write the synthetic corpus and its git history to PROJECT, then stop")
    parser.add_argument("--n", type=int, default=1000, help="deals in the corpus --write makes (default 1000)")
    args = parser.parse_args(argv)
    if args.write:
        revisions = write_corpus(args.project, args.n)
        print(f"wrote {args.n} deals and a history of {revisions} revisions to {args.project}")
        return 0
    return build(args.project, args.without)


if __name__ == "__main__":
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), PYTHONHASHSEED="0")  # as benchmarks/bench.py builds
    env.pop("DEALSITE_PREVIEW", None)
    if any(os.environ.get(k) != env.get(k) for k in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED", "DEALSITE_PREVIEW")):
        os.execve(sys.executable, [sys.executable, *sys.argv], env)  # the hash seed is fixed only at start-up
    sys.exit(main())
