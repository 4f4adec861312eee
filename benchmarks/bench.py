"""The build benchmark: dealsite against the plain MkDocs approach, at scale, on what users run.

``python benchmarks/bench.py --n 1000`` (``make bench``):

1. writes a deterministic synthetic corpus of N deals as a full dealsite project
   (benchmarks/corpus.py: mkdocs.yml, content/ and site_templates/ copied from this
   repository, the shared files from deals/, N deal files and 3 updates per deal) and makes
   it a git repository with a history of 25 revisions, as teams have one: the first adds
   every deal, then back-dated commits a few days apart change a few deals each (readings
   added, targets moved, powers' statuses changed, budget amounts corrected), add a deal
   under an embargo that lifts between two commits, one embargoed beyond the build's time,
   a draft and a few updates. The changes page and the dashboard read that history on every
   build and rebuild (issue 13: the old corpus had none, so the bench never saw its cost);
2. builds it with ``dealsite build`` in a child process twice: once, not sampled, for the
   wall time and where it went (the child wraps the pipeline's, the plugin's and MkDocs'
   stages in timers), then once for the peak memory of the whole process tree (summed PSS
   from /proc/<pid>/smaps_rollup, sampled every 50 ms: the build forks workers and runs git). Sampling costs the build the time it measures: one reading of a 1.4 GB
   process's smaps_rollup takes about 33 ms, so every 50 ms it took 37 s of a 172 s build
   at N=1,000 on two cores. Then the largest deal page and the search index;
3. writes the same public content as plain Markdown (tables as Markdown tables, every
   deal in the nav, Material with its search plugin: what a team would write first) and
   builds that with ``mkdocs build``, timed the same way, not sampled (``--no-baseline``
   skips it);
4. starts ``dealsite serve`` on the N-deal project, changes one deal's title and times,
   polling the page over loopback every 25 ms, how long until the served page shows it,
   and counts the rebuilds that one edit causes through MkDocs' live-reload endpoint
   (``/livereload/<epoch>/<request id>``, as tests/test_trust_serve.py does): those that
   start from the write until 20 s after the changed page was served;
5. prints a block per size (N=100 and N) and ends with the one summary line::

     ratio=0.21 max_page_kb=45.3 peak_rss_mb=512.0 search_index_mb=3.10 ours_s=17.9 baseline_s=85.2 history_revs=25 serve_s=2.41 rebuilds_per_edit=1 n=1000

   ``baseline_s=skipped ratio=skipped`` with ``--no-baseline``, ``serve_s=skipped
   rebuilds_per_edit=skipped`` with ``--no-serve``, and ``serve_s=nan`` when the edit was
   never served.

Nothing here is random at run time: every value comes from arithmetic on the deal's
index and the commit's number, so two runs write byte-identical corpora with the same
commit ids. Only loopback traffic (the serve measurement); git runs locally.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # corpus.py, beside this file
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # the generator package, when run as a script

from corpus import (  # noqa: E402
    EPOCH,
    POWERS_PER_DEAL,
    REPO,
    _menu_and_rounds,
    codeword,
    git,
    make_history,
    place_name,
    public_slugs,
    public_state,
    slug_of,
    write_project,
)

BIN = Path(sys.executable).parent
SERVE_POLL_S = 0.025  # how often the served page is fetched after the edit
REBUILD_WINDOW_S = 20.0  # rebuilds counted until this long after the edit was served
SAMPLE_S = 0.05  # the memory sampler's period

# --- the baseline: the same content as plain Markdown ------------------------------------


def _md(text: object) -> str:
    """Cell text for a Markdown table."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def baseline_page(d: dict) -> str:
    parts = [f"# {d['title']}\n", f"{d['summary']}\n", "## Outcomes\n"]
    parts.append(
        _table(
            ["Outcome", "Indicator", "Unit", "Baseline", "Target", "Latest", "Owner"],
            [
                [o["title"], o["indicator"], o["unit"], f"{o['baseline']['value']} ({o['baseline']['date']})", f"{o['target']['value']} ({o['target']['date']})", o["readings"][-1]["value"], o["owner"]]
                for o in d["outcomes"]
            ],
        )
    )
    for o in d["outcomes"]:
        parts.append(f"### {o['title']}\n")
        parts.append(_table(["Date", "Value", "Commentary", "Remedial action"], [[r["date"], r["value"], r.get("commentary", ""), r.get("remedial_action", "")] for r in o["readings"]]))
    parts.append("## Powers\n")
    parts.append(_table(["Power", "Status", "From", "Round", "Conditions", "Note"], [[p["power"], p["status"], p["from_body"], p["round"], p.get("conditions", ""), p.get("note", "")] for p in d["powers"]]))
    parts.append("## Accountable figure\n")
    af = d["accountable_figure"]
    parts.append(f"{af['holders'][0]['name']}, {af['chosen']}; scrutinised by {', '.join(af['scrutinised_by'])}.\n")
    b = d["budget"]
    parts.append(f"## Budget\n\nAmounts in {b['unit']}. Reduction {b['reduction_percent']}%, savings share {b['savings_share_percent']}%.\n")
    parts.append(_table(["Body", "Stream", *b["years"], f"Actual {b['years'][0]}"], [[l["body"], l["stream"], *l["amounts"].values(), *l["actuals"].values()] for l in b["lines"]]))
    for s in b["schemes"]:
        parts.append(f"### {s['name']}\n\n{s['description']}\n")
        parts.append(_table(["Body", *(f"Invest {y}" for y in b["years"]), *(f"Benefit {y}" for y in b["years"])], [[sh["body"], *sh["investment"].values(), *sh["benefit"].values()] for sh in s["bodies"]]))
    parts.append("## Negotiation timeline\n")
    parts.append(_table(["Milestone", "Planned", "Actual", "Round"], [[e["title"], e["planned"], e["actual"], e.get("round", "")] for e in d["negotiation"]["events"]]))
    parts.append("## Sources\n")
    parts += [f"- [{s['title']}]({s['url']}), {s['publisher']}, {s['date']}\n" for s in d["sources"]]
    return "\n".join(parts)


def write_baseline(root: Path, n: int) -> None:
    """The plain approach: one Markdown page per deal, every deal in the nav, Material + search.

    The same content as the dealsite project publishes at EPOCH after its history: the deals
    as the history left them (minus the embargoed one and the draft, plus the one whose
    embargo lifted) and the same public updates."""
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    (docs / "deals").mkdir(parents=True)
    (docs / "updates").mkdir()
    menu, rounds = _menu_and_rounds(REPO / "deals")
    menu += [f"bench-power-{k + 1}" for k in range(POWERS_PER_DEAL - len(menu))]
    deals, updates = public_state(n, menu, rounds)
    nav_deals, update_links = [], []
    for i, d in deals:
        (docs / "deals" / f"{slug_of(i)}.md").write_text(baseline_page(d), encoding="utf-8")
        nav_deals.append({d["title"]: f"deals/{slug_of(i)}.md"})
    for file_name, title, meta, body in updates:
        (docs / "updates" / file_name).write_text(f"# {title}\n\n*{meta['date']}*: {meta['summary']}\n\n{body}", encoding="utf-8")
        update_links.append(f"- [{title}]({file_name})")
    (docs / "index.md").write_text("# Place deals\n\n" + "\n".join(f"- [{list(x)[0]}]({list(x.values())[0]})" for x in nav_deals) + "\n", encoding="utf-8")
    (docs / "updates" / "index.md").write_text("# Updates\n\n" + "\n".join(sorted(update_links, reverse=True)) + "\n", encoding="utf-8")
    config = {
        "site_name": "Place deals (plain MkDocs baseline)",
        "site_url": "https://deals.example.org/",
        "docs_dir": "docs",
        "theme": {"name": "material", "font": False},
        "plugins": ["search"],
        "markdown_extensions": ["tables", "toc"],
        "nav": [{"Home": "index.md"}, {"Deals": nav_deals}, {"Updates": "updates/index.md"}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


# --- measuring a build -------------------------------------------------------------------


@dataclass
class Run:
    wall_s: float
    peak_pss_mb: float  # peak of the process tree's summed PSS (sampled): the summary's peak_rss_mb; 0 unsampled
    stages: dict = field(default_factory=dict)
    stage_peaks: dict = field(default_factory=dict)  # stage -> the builder's VmHWM (MB) as it ended
    largest_process_mb: float = 0.0  # the kernel's ru_maxrss: the largest single process's peak RSS
    tree_rss_mb: float = 0.0  # peak of the process tree's summed RSS (sampled; counts shared pages twice)
    samples: int = 0
    longest_gap_ms: float = 0.0  # the longest time between two memory samples
    sampled_wall_s: float = 0.0  # the wall time of the sampled run, beside the unsampled one's


def _env() -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), PYTHONHASHSEED="0")
    env.pop("DEALSITE_PREVIEW", None)
    return env


def _descendants(pid: int) -> list[int]:
    """pid and every process below it, from /proc (Linux; this kernel has no /proc/<pid>/task/<tid>/children)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _tree_kib(pid: int) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in KiB over pid's process tree. RSS counts pages a forked worker
    shares with its parent once per process (an upper bound); PSS splits them fairly, so the
    sum of PSS is the memory the tree occupies."""
    rss = pss = 0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return rss, pss


class _TreeMemory(threading.Thread):
    """Samples the memory of a process tree every 50 ms (on a fixed schedule, so the time a sample
    takes does not stretch the period): the build forks workers and runs git, and the kernel's
    ru_maxrss reports only the largest single process, not what they use together."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_pss = pid, 0, 0
        self.samples, self.longest_gap = 0, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        start = last = time.perf_counter()
        while True:
            rss, pss = _tree_kib(self.pid)
            now = time.perf_counter()
            self.samples += 1
            self.longest_gap = max(self.longest_gap, now - last)
            last = now
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            ahead = SAMPLE_S - (now - start) % SAMPLE_S
            if self.done.wait(ahead):
                return


def run_measured(cmd: list[str], cwd: Path, log: Path, *, sample: bool = True) -> Run:
    """Run cmd to completion: wall time, and (``sample``) peak memory of it and every process it starts.

    The memory figure is the sampled peak of the process tree's summed PSS: each page a forked
    worker shares with its parent counted once, every process of the tree (workers, git) in.
    The kernel's peak RSS of the largest single process (exact, but blind to processes beside
    it) and the tree's summed RSS (shared pages once per process) are kept beside it. The
    sampling slows what it samples (see the module docstring): time a run that is not sampled.
    """
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=_env())
        sampler = _TreeMemory(proc.pid)
        if sample:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # the sampler reads /proc until the child is reaped
        wall = time.perf_counter() - start
        sampler.done.set()
        if sample:
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        how = f"was killed by {signal.Signals(-proc.returncode).name}" if proc.returncode < 0 else f"failed ({proc.returncode})"
        if proc.returncode == -signal.SIGKILL:
            how += " (perhaps the kernel's out-of-memory killer)"
        raise SystemExit(
            f"bench: {' '.join(map(str, cmd))} {how} after {wall:.1f} s, its process tree's summed PSS peaking at"
            f" {sampler.peak_pss / 1024:.1f} MB; see {log}:\n{log.read_text()[-3000:]}"
        )
    return Run(
        wall, sampler.peak_pss / 1024, largest_process_mb=usage.ru_maxrss / 1024, tree_rss_mb=sampler.peak_rss / 1024,
        samples=sampler.samples, longest_gap_ms=sampler.longest_gap * 1000,
    )


def build_ours(project: Path, profile: Path | None = None) -> Run:
    """`dealsite build` of project twice from no site: first not sampled, for the wall time and
    the stage timings written by the child (see _timed_build), as soon after the corpus is
    written as the baseline's build is after its own; then sampled, for memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--timed-build", str(project), "--report"]
    shutil.rmtree(project / "site", ignore_errors=True)
    timed = [*cmd, str(project / "stages.json"), *(["--profile", str(profile)] if profile else [])]
    run = run_measured(timed, project, project / "build.log", sample=False)
    report = json.loads((project / "stages.json").read_text())
    run.stages, run.stage_peaks = report["seconds"], report["peak_rss_mb"]
    shutil.rmtree(project / "site")
    sampled = run_measured([*cmd, str(project / "stages-sampled.json")], project, project / "build-sampled.log")
    run.peak_pss_mb, run.largest_process_mb, run.tree_rss_mb = sampled.peak_pss_mb, sampled.largest_process_mb, sampled.tree_rss_mb
    run.samples, run.longest_gap_ms, run.sampled_wall_s = sampled.samples, sampled.longest_gap_ms, sampled.wall_s
    return run


def build_baseline(project: Path) -> Run:
    return run_measured([str(BIN / "mkdocs"), "build", "-q", "-f", "mkdocs.yml", "-d", "site"], project, project / "build.log", sample=False)


# --- stage timers (in the child that builds or serves) ----------------------------------------


_STATUS: list = []  # (pid, descriptor of its /proc/<pid>/status), opened once


def _peak_rss_mb() -> float:
    """This process's resident-memory high-water mark so far (VmHWM), in MB.

    Read from a descriptor kept open: opening and reading /proc/self/status after each of the
    35,000 timed calls of a 1,000-deal build (pages, hooks) added 2 s to the time it measured.
    Not getrusage's ru_maxrss: Linux carries that over exec, so the child would start at the
    bench's own peak."""
    if not _STATUS or _STATUS[0] != os.getpid():  # a forked worker reads its own
        _STATUS[:] = [os.getpid(), os.open(f"/proc/{os.getpid()}/status", os.O_RDONLY)]
    status = os.pread(_STATUS[1], 1 << 16, 0)
    at = status.find(b"VmHWM:")
    return int(status[at + 6 : status.index(b"kB", at)]) / 1024 if at >= 0 else 0.0


def _install_timers(totals: dict[str, float], peaks: dict[str, float]) -> None:
    """Wrap the stages a build runs in timers that add their wall time to ``totals``, and put
    in ``peaks`` this process's memory high-water mark as each stage ends: the first stage
    whose figure jumps is the one that holds the memory.

    Only functions the build calls anyway are wrapped, so the build is the one `dealsite build`
    (or `dealsite serve`) runs. Labels are indented by what they are part of; time spent in
    forked workers (per-deal pages) shows only as the parent's wait.
    """
    from material.plugins.search import plugin as search_plugin
    from mkdocs.commands import build as mk_build

    from generator.compute import history as history_mod
    from generator.engine import pipeline
    from generator.engine.mkdocs import build as dealsite_build
    from generator.engine.mkdocs import plugin
    from generator.model import git as git_mod
    from generator.pages import generate as generate_mod

    def timed(owner, name: str, label: str) -> None:
        original = getattr(owner, name)
        totals.setdefault(label, 0.0)  # report in this order

        @functools.wraps(original)  # keeps MkDocs' event priorities
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] = totals.get(label, 0.0) + time.perf_counter() - start
                peaks[label] = max(peaks.get(label, 0.0), _peak_rss_mb())

        setattr(owner, name, wrapper)

    # The CLI imports read_sources from the pipeline when it runs; the plugin imported its own name.
    timed(pipeline, "read_sources", "cli: read_sources (check before the build)")
    timed(dealsite_build, "mkdocs_build", "mkdocs: whole build")
    timed(plugin.DealsitePlugin, "on_config", "  plugin on_config")
    timed(plugin, "read_sources", "    of which read_sources (deals, updates)")
    timed(plugin.DealsitePlugin, "on_files", "  plugin on_files")
    timed(plugin.DealsitePlugin, "_build", "    of which _build (the pipeline)")
    timed(pipeline, "publish", "      publish (the publication gate)")
    timed(pipeline, "deal_files", "      deal_files")
    timed(pipeline, "history", "      history (git: deals/ at every revision)")
    timed(git_mod.Reader, "commits", "        Reader.commits (git log)")
    timed(git_mod.Reader, "catalogue", "        Reader.catalogue (git ls-tree, cat-file; parse, validate)")
    timed(history_mod, "public_catalogue", "        public_catalogue at each moment")
    timed(history_mod._Today, "filter", "        today's publication state at each moment")
    timed(pipeline, "last_changed", "      last_changed (git log --name-only, git status)")
    timed(pipeline, "last_public_change", "      last_public_change (compare revisions)")
    timed(pipeline, "generate", "      generate")
    for section in generate_mod.SECTIONS:
        if hasattr(section, "prepare"):
            timed(section, "prepare", f"        {section.__name__.rsplit('.', 1)[1]}.prepare")
    timed(generate_mod, "_deal_bundles", "        per-deal pages and files (add_deal, forked workers)")
    for section in generate_mod.SECTIONS:
        if hasattr(section, "add"):
            timed(section, "add", f"        {section.__name__.rsplit('.', 1)[1]}.add (pages across deals)")
    timed(mk_build, "get_files", "  mkdocs: scan docs_dir")
    timed(mk_build, "_populate_page", "  mkdocs: read pages (markdown, plugins)")
    timed(mk_build, "_build_page", "  mkdocs: render pages (theme, search)")
    timed(search_plugin.SearchPlugin, "on_page_context", "    of which search: index pages")
    for hook in ("on_nav", "on_page_markdown", "on_page_content", "on_page_context", "on_post_page"):
        if hook in vars(plugin.DealsitePlugin):
            timed(plugin.DealsitePlugin, hook, "    of which dealsite plugin: page hooks")
    timed(search_plugin.SearchPlugin, "on_post_build", "  search: write index")
    timed(plugin.DealsitePlugin, "on_post_build", "  plugin on_post_build")
    timed(plugin, "check_site", "    of which check_site (engine/gate.py: the last check)")


def _timed_build(project: Path, report: Path, profile: Path | None) -> int:
    """Child side of build_ours: run `dealsite build` with timers around its stages."""
    from generator import cli

    totals: dict[str, float] = {}
    peaks: dict[str, float] = {}
    _install_timers(totals, peaks)
    argv = ["build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        status = profiler.runcall(cli.main, argv)
        profiler.dump_stats(str(profile))
    else:
        status = cli.main(argv)
    report.write_text(json.dumps({"seconds": totals, "peak_rss_mb": peaks}, indent=1))
    return status


def _timed_serve(project: Path, report: Path, addr: str) -> int:
    """Child side of measure_serve: `dealsite serve` with the same timers; after every build
    (the first and each rebuild) a line of JSON goes to ``report``: its number, its wall time
    and the stage totals so far."""
    from mkdocs.commands import serve as mk_serve

    from generator import cli

    totals: dict[str, float] = {}
    _install_timers(totals, {})
    build, count = mk_serve.build, [0]

    @functools.wraps(build)
    def counted(*args, **kwargs):
        start = time.perf_counter()
        try:
            return build(*args, **kwargs)
        finally:
            count[0] += 1
            seconds = time.perf_counter() - start
            totals["mkdocs: whole build"] = totals.get("mkdocs: whole build", 0.0) + seconds  # serve's own call
            line = {"build": count[0], "seconds": seconds, "stages": dict(totals)}
            with open(report, "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")

    mk_serve.build = counted  # the serve loop's builder looks it up on every (re)build
    return cli.main(["serve", "-f", str(project / "mkdocs.yml"), "-a", addr])


# --- measuring the output ------------------------------------------------------------------


@dataclass
class Output:
    max_page_kb: float
    median_page_kb: float
    largest_page: str
    largest_other: tuple[str, float]
    search_index_mb: float
    search_entries: int
    total_mb: float
    pages: int


def measure_site(site: Path, deal_slugs: list[str]) -> Output:
    """Sizes of the built site: deal pages are deals/<slug>/index.html, one per public deal."""
    sizes = sorted(((site / "deals" / slug / "index.html").stat().st_size, slug) for slug in deal_slugs)
    others = [(p, p.stat().st_size) for p in site.rglob("*.html") if not p.is_relative_to(site / "deals")]
    biggest = max(others, key=lambda x: x[1]) if others else (site, 0)
    index = site / "search" / "search_index.json"
    entries = len(json.loads(index.read_text(encoding="utf-8"))["docs"]) if index.exists() else 0
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return Output(
        max_page_kb=sizes[-1][0] / 1024,
        median_page_kb=sizes[len(sizes) // 2][0] / 1024,
        largest_page=sizes[-1][1],
        largest_other=(str(biggest[0].relative_to(site)), biggest[1] / 1024),
        search_index_mb=(index.stat().st_size if index.exists() else 0) / 1024 / 1024,
        search_entries=entries,
        total_mb=total / 1024 / 1024,
        pages=len(list(site.rglob("index.html"))),
    )


def search_finds(site: Path, i: int, k: int = 0) -> bool:
    """Does the search index hold outcome k's made-up word in an entry of deal i's page?"""
    word = codeword(i, k)
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return any(d["location"].startswith(f"deals/{slug_of(i)}/") and (word in d["text"] or word in d["title"]) for d in docs)


# --- serve: how soon a changed deal is served, and how many rebuilds one edit makes ----------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 30) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # loopback only
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def _epoch(page: str) -> int | None:
    """The number of the build a served page came from (MkDocs' live-reload script carries it)."""
    found = re.search(r"livereload\((\d+)", page)
    return int(found.group(1)) if found else None


class _Rebuilds(threading.Thread):
    """Counts finished rebuilds after build ``since`` until ``deadline`` (time.monotonic()),
    through MkDocs' live-reload endpoint: GET /livereload/<epoch>/<request id> answers as soon
    as a newer build is visible, with its number (tests/test_trust_serve.py counts the same way,
    and so does not depend on what serve prints)."""

    def __init__(self, base: str, since: int, deadline: float, *, first_only: bool = False):
        super().__init__(daemon=True)
        self.base, self.since, self.deadline, self.first_only = base, since, deadline, first_only
        self.seen: list[int] = []

    def run(self) -> None:
        while (left := self.deadline - time.monotonic()) > 0.05:
            body = _get(f"{self.base}livereload/{self.since}/{int(time.time() * 1000)}", timeout=min(left, 2.0))
            if body is not None and body.strip().isdigit() and int(body) > self.since:
                self.since = int(body)
                self.seen.append(self.since)
                if self.first_only:
                    return


def count_rebuilds(base: str, since: int, seconds: float, *, first_only: bool = False) -> list[int]:
    """The builds finished after build ``since`` within ``seconds`` (only the first, if first_only)."""
    counter = _Rebuilds(base, since, time.monotonic() + seconds, first_only=first_only)
    counter.run()
    return counter.seen


@dataclass
class Serve:
    first_s: float  # from starting `dealsite serve` to the deal page being served
    edit_s: float  # from writing the changed deal file to the changed page being served (nan: never)
    rebuilds: int  # rebuilds the edit caused (see measure_serve)
    idle_rebuilds: int  # rebuilds in the 2 s before the edit, with nothing edited
    waited_s: float = 0.0  # how long after the write the count ended
    first_build_s: float = 0.0
    rebuild_s: list[float] = field(default_factory=list)
    rebuild_stages: dict = field(default_factory=dict)  # stage totals of the edit's rebuilds


def measure_serve(project: Path, i: int, *, start_timeout: float = 900, change_timeout: float = 180) -> Serve:
    """Start `dealsite serve` (with stage timers: see _timed_serve), change deal i's title, and
    time how soon its page is served with the new title, polling every 25 ms from just before
    the write.

    The rebuilds one edit causes are those that start from the write until 20 s after the
    changed page was served: the edit's own rebuild, and any that rebuild sets off (a watcher
    that hears the build's own reads or writes rebuilds again and again). Finished rebuilds are
    counted through /livereload/; one still under way when the 20 s are up (the server holds
    page requests until it finishes) is waited for and counted, so a rebuild slower than 20 s
    cannot hide a second one."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    url = f"{base}deals/{slug_of(i)}/"
    deal_file = project / "deals" / f"{slug_of(i)}.yaml"
    original = deal_file.read_text(encoding="utf-8")
    report = project / "stages-serve.jsonl"
    report.unlink(missing_ok=True)
    log = open(project / "serve.log", "wb")
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--timed-serve", str(project), "--report", str(report), "--addr", f"127.0.0.1:{port}"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, env=_env(), start_new_session=True,
    )
    try:
        while (page := _get(url)) is None:
            if server.poll() is not None or time.perf_counter() - start > start_timeout:
                raise SystemExit(f"bench: dealsite serve did not start; see {project / 'serve.log'}")
            time.sleep(0.2)
        first = time.perf_counter() - start
        since = _epoch(page)
        if since is None:
            raise SystemExit("bench: the served page has no live-reload script (is serve's livereload on?)")
        idle = count_rebuilds(base, since, 2.0)  # also lets the file watcher settle after the first build
        if idle:
            since = idle[-1]
        builds_before = _serve_report(report)
        token = f"Renamed {time.time_ns()}"
        changed = original.replace(f"title: {place_name(i)} deal\n", f"title: {token}\n", 1)
        assert changed != original, "the deal's title line was not found"
        counter = _Rebuilds(base, since, time.monotonic() + change_timeout + REBUILD_WINDOW_S)
        counter.start()
        written = time.perf_counter()
        deal_file.write_text(changed, encoding="utf-8")
        elapsed = math.nan
        while time.perf_counter() - written < change_timeout and server.poll() is None:
            body = _get(url)
            if body and token in body:
                elapsed = time.perf_counter() - written
                break
            time.sleep(SERVE_POLL_S)
        counter.deadline = time.monotonic() + REBUILD_WINDOW_S
        counter.join()
        seen = list(counter.seen)
        # A rebuild under way at the end (the page is held back while it runs) started in the window.
        while server.poll() is None and _get(url, timeout=1.0) is None:
            finished = count_rebuilds(base, seen[-1] if seen else since, change_timeout, first_only=True)
            if not finished:
                break
            seen += finished
        result = Serve(first, elapsed, len(seen), len(idle), waited_s=time.perf_counter() - written)
        builds = _serve_report(report)
        if builds:
            result.first_build_s = builds[0]["seconds"]
            after = builds[len(builds_before):]
            result.rebuild_s = [b["seconds"] for b in after]
            if after and builds_before:
                before, last = builds_before[-1]["stages"], after[-1]["stages"]
                result.rebuild_stages = {k: v - before.get(k, 0.0) for k, v in last.items()}
        return result
    finally:
        deal_file.write_text(original, encoding="utf-8")
        server.send_signal(signal.SIGINT)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # its own session: the server and its workers
            server.wait()
        log.close()


def _serve_report(report: Path) -> list[dict]:
    if not report.exists():
        return []
    return [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- the report -------------------------------------------------------------------------------


@dataclass
class SizeResult:
    n: int
    write_s: float
    history_s: float
    history_revs: int
    deals_revs: int
    ours: Run
    ours_out: Output
    found: bool
    baseline: Run | None = None
    baseline_out: Output | None = None
    serve: Serve | None = None


def run_size(out: Path, n: int, *, baseline: bool, serve: bool = False, profile: Path | None = None) -> SizeResult:
    project = out / f"n{n}"
    started = time.perf_counter()
    write_project(project, n)
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    revs = make_history(project, n)
    history_s = time.perf_counter() - started
    deals_revs = int(git(project, "rev-list", "--count", "HEAD", "--", "deals").strip())
    print(f"  wrote {n} synthetic deals in {write_s:.1f} s and their history ({revs} revisions) in {history_s:.1f} s: {project}", flush=True)
    check = subprocess.run([str(BIN / "dealsite"), "check"], cwd=project, capture_output=True, text=True, env=_env())
    if check.returncode != 0:
        raise SystemExit(f"bench: the synthetic corpus fails dealsite check:\n{check.stderr[-3000:]}")
    ours = build_ours(project, profile)
    slugs = public_slugs(n)
    result = SizeResult(n, write_s, history_s, revs, deals_revs, ours, measure_site(project / "site", slugs), search_finds(project / "site", n // 2, 3))
    print(f"  dealsite build: {ours.wall_s:.1f} s, peak {ours.peak_pss_mb:.0f} MB", flush=True)
    if baseline:
        base = out / f"n{n}-baseline"
        write_baseline(base, n)
        result.baseline = build_baseline(base)
        result.baseline_out = measure_site(base / "site", slugs)
        print(f"  plain mkdocs build: {result.baseline.wall_s:.1f} s", flush=True)
    if serve:
        # Generous limits: only a server that never answers should stop the bench (a busy machine is slow).
        result.serve = measure_serve(project, n // 3, start_timeout=max(900, 3.0 * n), change_timeout=max(300, 1.0 * n))
        shown = "never" if result.serve.edit_s != result.serve.edit_s else f"{result.serve.edit_s:.2f} s"
        print(f"  dealsite serve: edit served after {shown}, {result.serve.rebuilds} rebuild(s)", flush=True)
    return result


def _stage_lines(stages: dict, peaks: dict | None = None, *, all_top: bool = True) -> list[str]:
    """One line a stage, with the memory high-water mark as it ended when known; stages that
    took no time are left out, except top-level ones when all_top."""
    peaks = peaks or {}
    return [
        f"    {label:<72} {seconds:7.2f} s" + (f"   peak so far {peaks[label]:7.1f} MB" if label in peaks else "")
        for label, seconds in stages.items()
        if seconds >= 0.005 or (all_top and not label.startswith(" "))
    ]


def _block(r: SizeResult) -> str:
    o = r.ours_out
    gen = generator_seconds(r.ours.stages)
    lines = [
        f"== N={r.n} deals ==",
        f"corpus             {r.n} deals written in {r.write_s:.1f} s; git history of {r.history_revs} revisions"
        f" ({r.deals_revs} touching deals/) made in {r.history_s:.1f} s; {len(public_slugs(r.n))} deals public at the build's time",
        f"dealsite build     {r.ours.wall_s:7.1f} s   peak memory {r.ours.peak_pss_mb:7.1f} MB   {o.pages} pages, site {o.total_mb:.1f} MB",
        f"  memory           peak of the process tree's summed PSS, {r.ours.samples} samples every {SAMPLE_S * 1000:.0f} ms"
        f" (longest gap {r.ours.longest_gap_ms:.0f} ms) in a build of its own after the timed one, which the sampling slowed to {r.ours.sampled_wall_s:.1f} s;"
        f" largest single process's peak RSS {r.ours.largest_process_mb:.1f} MB;"
        f" tree's summed RSS (shared pages once per process) {r.ours.tree_rss_mb:.1f} MB",
        f"  deal page        max {o.max_page_kb:.1f} KB ({o.largest_page}), median {o.median_page_kb:.1f} KB;"
        f" largest other page {o.largest_other[0]} {o.largest_other[1]:.1f} KB",
        f"  search index     {o.search_index_mb:.2f} MB, {o.search_entries} entries; finds a deal by an outcome word: {'yes' if r.found else 'NO'}",
        f"  generator share  {gen:.1f} s of {r.ours.wall_s:.1f} s = {100 * gen / r.ours.wall_s:.0f}%"
        " (the CLI's check, and the plugin's read_sources and pipeline)",
        "  stages (wall time inside each; indented lines are part of the line above)",
        *_stage_lines(r.ours.stages, r.ours.stage_peaks),
    ]
    if r.baseline and r.baseline_out:
        b = r.baseline_out
        lines += [
            f"plain mkdocs build {r.baseline.wall_s:7.1f} s   (memory not sampled)   {b.pages} pages, site {b.total_mb:.1f} MB",
            f"  deal page        max {b.max_page_kb:.1f} KB, median {b.median_page_kb:.1f} KB",
            f"  search index     {b.search_index_mb:.2f} MB, {b.search_entries} entries",
            f"ratio              {r.ours.wall_s / r.baseline.wall_s:.2f} (ours / baseline wall time)",
        ]
    if r.serve:
        s = r.serve
        shown = "did not appear within the time allowed" if s.edit_s != s.edit_s else f"{s.edit_s:.2f} s"
        lines += [
            f"dealsite serve     first page served {s.first_s:.1f} s after start (first build {s.first_build_s:.1f} s);"
            f" a changed deal page served {shown} after the file was written",
            f"  rebuilds         {s.rebuilds} caused by one edit (started from the write until {REBUILD_WINDOW_S:.0f} s after the"
            f" change was served; counted through /livereload/ over {s.waited_s:.1f} s); {s.idle_rebuilds} in 2 s before it with nothing edited",
            f"  rebuild times    {', '.join(f'{x:.2f} s' for x in s.rebuild_s) or 'none'}",
        ]
        if s.rebuild_stages:
            lines.append(f"  stages of the {len(s.rebuild_s)} rebuild(s) since the edit, summed")
            lines += _stage_lines(s.rebuild_stages, all_top=False)
    return "\n".join(lines)


def generator_seconds(stages: dict) -> float:
    """The CLI's check before the build, and the plugin's read_sources and pipeline (_build)."""
    keys = ("cli: read_sources", "    of which read_sources", "    of which _build")
    return sum(v for k, v in stages.items() if k.startswith(keys))


def summary_line(r: SizeResult) -> str:
    if r.baseline:
        ratio, baseline_s = f"{r.ours.wall_s / r.baseline.wall_s:.2f}", f"{r.baseline.wall_s:.1f}"
    else:
        ratio = baseline_s = "skipped"
    if r.serve:
        serve_s, rebuilds = ("nan" if r.serve.edit_s != r.serve.edit_s else f"{r.serve.edit_s:.2f}"), str(r.serve.rebuilds)
    else:
        serve_s = rebuilds = "skipped"
    return (
        f"ratio={ratio} max_page_kb={r.ours_out.max_page_kb:.1f} peak_rss_mb={r.ours.peak_pss_mb:.1f} "
        f"search_index_mb={r.ours_out.search_index_mb:.2f} ours_s={r.ours.wall_s:.1f} baseline_s={baseline_s} "
        f"history_revs={r.history_revs} serve_s={serve_s} rebuilds_per_edit={rebuilds} n={r.n}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of synthetic deals (default 1000)")
    parser.add_argument("--small", action="store_true", help="skip the N=100 block")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain MkDocs builds (baseline_s=skipped ratio=skipped)")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve measurement (serve_s=skipped rebuilds_per_edit=skipped)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of our N-deal build here")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out", help="work directory (default bench-out/)")
    parser.add_argument("--timed-build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--timed-serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--addr", help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.timed_build:
        return _timed_build(args.timed_build, args.report, args.profile)
    if args.timed_serve:
        return _timed_serve(args.timed_serve, args.report, args.addr)

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (math.nan,) * 3
    print(
        f"dealsite benchmark: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f},"
        f" Python {sys.version.split()[0]}, work dir {out}",
        flush=True,
    )
    blocks = []
    if not args.small and args.n != 100:
        print("N=100:", flush=True)
        blocks.append(run_size(out, 100, baseline=not args.no_baseline))
    print(f"N={args.n}:", flush=True)
    main_result = run_size(out, args.n, baseline=not args.no_baseline, serve=not args.no_serve, profile=args.profile)
    blocks.append(main_result)
    print()
    for r in blocks:
        print(_block(r))
        print()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (math.nan,) * 3
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(summary_line(main_result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
