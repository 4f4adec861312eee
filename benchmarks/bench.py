"""The build benchmark: dealsite against the plain MkDocs approach, at scale.

``python benchmarks/bench.py --n 1000`` (``make bench``):

1. writes a deterministic synthetic corpus of N deals as a full dealsite project
   (mkdocs.yml, content/ and site_templates/ copied from this repository, the
   shared files from deals/, N deal files and 3 updates per deal);
2. builds it with ``dealsite build`` in a child process, measuring wall time,
   peak RSS (``os.wait4``), the largest deal page, the search index, and where
   the time went (the child wraps the generator's and MkDocs' stages in timers);
3. writes the same content as plain Markdown (tables as Markdown tables, every
   deal in the nav, Material with its search plugin: what a team would write
   first) and builds that with ``mkdocs build``, timed the same way;
4. starts ``dealsite serve`` on the N-deal project, changes one deal's title and
   times how long until the served page shows it;
5. prints a block per size (N=100 and N) and ends with the one summary line::

     ratio=0.21 max_page_kb=45.3 peak_rss_mb=512.0 search_index_mb=3.10 ours_s=17.9 baseline_s=85.2 n=1000

Nothing here is random at run time: every value comes from arithmetic on the
deal's index, so deal 7 is the same deal at N=20, 100 or 1,000 and two runs
write byte-identical corpora. Only loopback traffic (the serve measurement).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
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
    deal_data,
    place_name,
    slug_of,
    update_items,
    write_project,
)

BIN = Path(sys.executable).parent

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
    """The plain approach: one Markdown page per deal, every deal in the nav, Material + search."""
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    (docs / "deals").mkdir(parents=True)
    (docs / "updates").mkdir()
    menu, rounds = _menu_and_rounds(REPO / "deals")
    menu += [f"bench-power-{k + 1}" for k in range(POWERS_PER_DEAL - len(menu))]
    nav_deals, update_links = [], []
    for i in range(n):
        d = deal_data(i, menu, rounds)
        (docs / "deals" / f"{slug_of(i)}.md").write_text(baseline_page(d), encoding="utf-8")
        nav_deals.append({d["title"]: f"deals/{slug_of(i)}.md"})
        for file_name, title, meta, body in update_items(i):
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
    peak_rss_mb: float
    stages: dict = field(default_factory=dict)
    pss_mb: float = 0.0  # peak of the process tree's summed PSS (sampled)
    largest_process_mb: float = 0.0  # the kernel's ru_maxrss
    tree_rss_mb: float = 0.0  # peak of the process tree's summed RSS (sampled; counts shared pages twice)


def _env() -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), PYTHONHASHSEED="0")
    env.pop("DEALSITE_PREVIEW", None)
    return env


def _descendants(pid: int) -> list[int]:
    """pid and every process below it, from /proc (Linux)."""
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
    shares with its parent once per process (an upper bound); PSS splits them fairly."""
    rss = pss = 0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss, pss


class _TreeMemory(threading.Thread):
    """Samples the memory of a process tree every 50 ms: the build forks workers, and the
    kernel's ru_maxrss reports only the largest single process, not what they use together."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_pss = pid, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            rss, pss = _tree_kib(self.pid)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)


def run_measured(cmd: list[str], cwd: Path, log: Path) -> Run:
    """Run cmd to completion: wall time, and peak memory of it and every process it starts.

    peak_rss_mb is the larger of the kernel's peak RSS of the largest single process (exact,
    but blind to workers running beside it) and the sampled peak of the process tree's summed
    PSS: the memory the tree occupies, each page shared by a forked worker and its parent
    counted once. The tree's summed RSS, which counts such pages once per process, is printed
    beside it.
    """
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=_env())
        sampler = _TreeMemory(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed ({proc.returncode}); see {log}:\n{log.read_text()[-3000:]}")
    single = usage.ru_maxrss / 1024  # KiB on Linux
    return Run(wall, max(single, sampler.peak_pss / 1024), pss_mb=sampler.peak_pss / 1024, largest_process_mb=single, tree_rss_mb=sampler.peak_rss / 1024)


def build_ours(project: Path, profile: Path | None = None) -> Run:
    """`dealsite build` of project, with stage timings written by the child (see _timed_build)."""
    report = project / "stages.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--timed-build", str(project), "--report", str(report)]
    if profile:
        cmd += ["--profile", str(profile)]
    run = run_measured(cmd, project, project / "build.log")
    run.stages = json.loads(report.read_text())
    return run


def build_baseline(project: Path) -> Run:
    return run_measured([str(BIN / "mkdocs"), "build", "-q", "-f", "mkdocs.yml", "-d", "site"], project, project / "build.log")


def _timed_build(project: Path, report: Path, profile: Path | None) -> int:
    """Child side of build_ours: run `dealsite build` with timers around its stages.

    The timers only add up wall time spent inside functions the build calls anyway
    (load_catalogue, public_catalogue, generate, MkDocs' page stages, the search
    plugin), so the build is the same one `dealsite build` runs.
    """
    from material.plugins.search import plugin as search_plugin
    from mkdocs.commands import build as mk_build

    from generator import cli
    from generator.engine.mkdocs import build as dealsite_build
    from generator.engine import pipeline
    from generator.engine.mkdocs import plugin

    totals: dict[str, float] = {}

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

        setattr(owner, name, wrapper)

    timed(cli, "load_catalogue", "check: load deals (cli, before the build)")
    timed(plugin.DealsitePlugin, "on_config", "generator: plugin on_config (read sources)")
    timed(plugin.DealsitePlugin, "_build", "generator: plugin on_files (pipeline, write files)")
    for owner, name, label in [
        (plugin, "read_sources", "read deals and updates"),
        (pipeline, "publish", "publication gate"),
        (pipeline, "last_changed", "last changed (git)"),
        (pipeline, "history", "history (git)"),
        (pipeline, "generate", "generate pages"),
        (plugin, "check_site", "last check before publishing"),
    ]:
        timed(owner, name, f"  of which {label}")
    for hook in ("on_nav", "on_page_markdown", "on_page_content", "on_page_context", "on_post_page", "on_post_build"):
        if hook in vars(plugin.DealsitePlugin):
            timed(plugin.DealsitePlugin, hook, "dealsite plugin: other hooks")
    timed(mk_build, "_populate_page", "mkdocs: read pages (markdown, plugins)")
    timed(mk_build, "_build_page", "mkdocs: render pages (theme, search)")
    timed(search_plugin.SearchPlugin, "on_page_context", "  of which search: index pages")
    timed(search_plugin.SearchPlugin, "on_post_build", "search: write index")
    timed(mk_build, "get_files", "mkdocs: scan docs_dir")
    timed(dealsite_build, "mkdocs_build", "mkdocs: whole build (includes on_config)")

    argv = ["build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        status = profiler.runcall(cli.main, argv)
        profiler.dump_stats(str(profile))
    else:
        status = cli.main(argv)
    report.write_text(json.dumps(totals, indent=1))
    return status


# --- measuring the output ------------------------------------------------------------------


@dataclass
class Output:
    max_page_kb: float
    median_page_kb: float
    largest_other: tuple[str, float]
    search_index_mb: float
    search_entries: int
    total_mb: float
    pages: int


def measure_site(site: Path, deal_slugs: list[str], n: int) -> Output:
    sizes = sorted((site / "deals" / slug / "index.html").stat().st_size for slug in deal_slugs)
    others = [(p, p.stat().st_size) for p in site.rglob("*.html") if not p.is_relative_to(site / "deals")]
    biggest = max(others, key=lambda x: x[1]) if others else (site, 0)
    index = site / "search" / "search_index.json"
    entries = len(json.loads(index.read_text(encoding="utf-8"))["docs"]) if index.exists() else 0
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return Output(
        max_page_kb=sizes[-1] / 1024,
        median_page_kb=sizes[len(sizes) // 2] / 1024,
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


# --- serve: how soon a changed deal is served --------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def measure_serve(project: Path, i: int, *, start_timeout: float = 900, change_timeout: float = 120) -> tuple[float, float]:
    """(seconds to the first served page, seconds from writing deal i's file to its new title being served)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/deals/{slug_of(i)}/"
    deal_file = project / "deals" / f"{slug_of(i)}.yaml"
    original = deal_file.read_text(encoding="utf-8")
    log = open(project / "serve.log", "wb")
    start = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "dealsite"), "serve", "-f", "mkdocs.yml", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, env=_env(), start_new_session=True,
    )
    try:
        while _get(url) is None:
            if server.poll() is not None or time.perf_counter() - start > start_timeout:
                raise SystemExit(f"bench: dealsite serve did not start; see {project / 'serve.log'}")
            time.sleep(0.2)
        first = time.perf_counter() - start
        time.sleep(1.0)  # let the file watcher settle after the first build
        token = f"Renamed {time.time_ns()}"
        changed = original.replace(f"title: {place_name(i)} deal\n", f"title: {token}\n", 1)
        assert changed != original, "the deal's title line was not found"
        written = time.perf_counter()
        deal_file.write_text(changed, encoding="utf-8")
        while True:
            body = _get(url)
            elapsed = time.perf_counter() - written
            if body and token in body:
                return first, elapsed
            if elapsed > change_timeout or server.poll() is not None:
                return first, float("nan")
            time.sleep(0.05)
    finally:
        deal_file.write_text(original, encoding="utf-8")
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


# --- the report -------------------------------------------------------------------------------


@dataclass
class SizeResult:
    n: int
    ours: Run
    ours_out: Output
    found: bool
    baseline: Run | None = None
    baseline_out: Output | None = None


def run_size(out: Path, n: int, *, baseline: bool, profile: Path | None = None) -> SizeResult:
    project = out / f"n{n}"
    started = time.perf_counter()
    write_project(project, n)
    print(f"  wrote {n} synthetic deals in {time.perf_counter() - started:.1f} s: {project}", flush=True)
    check = subprocess.run([str(BIN / "dealsite"), "check", "deals"], cwd=project, capture_output=True, text=True, env=_env())
    if check.returncode != 0:
        raise SystemExit(f"bench: the synthetic corpus fails dealsite check:\n{check.stderr[-3000:]}")
    ours = build_ours(project, profile)
    slugs = [slug_of(i) for i in range(n)]
    result = SizeResult(n, ours, measure_site(project / "site", slugs, n), search_finds(project / "site", n // 2, 3))
    print(f"  dealsite build: {ours.wall_s:.1f} s", flush=True)
    if baseline:
        base = out / f"n{n}-baseline"
        write_baseline(base, n)
        result.baseline = build_baseline(base)
        result.baseline_out = measure_site(base / "site", slugs, n)
        print(f"  plain mkdocs build: {result.baseline.wall_s:.1f} s", flush=True)
    return result


def _block(r: SizeResult) -> str:
    o = r.ours_out
    gen = generator_seconds(r.ours.stages)
    lines = [
        f"== N={r.n} deals ==",
        f"dealsite build     {r.ours.wall_s:7.1f} s   peak RSS {r.ours.peak_rss_mb:7.1f} MB   {o.pages} pages, site {o.total_mb:.1f} MB",
        f"  memory           peak RSS above = the higher of the largest process ({r.ours.largest_process_mb:.1f} MB) and the"
        f" process tree's summed PSS ({r.ours.pss_mb:.1f} MB); summed RSS, shared pages counted per process: {r.ours.tree_rss_mb:.1f} MB",
        f"  deal page        max {o.max_page_kb:.1f} KB, median {o.median_page_kb:.1f} KB; largest other page {o.largest_other[0]} {o.largest_other[1]:.1f} KB",
        f"  search index     {o.search_index_mb:.2f} MB, {o.search_entries} entries; finds a deal by an outcome word: {'yes' if r.found else 'NO'}",
        f"  generator share  {gen:.1f} s of {r.ours.wall_s:.1f} s = {100 * gen / r.ours.wall_s:.0f}% (the CLI's check + the plugin's load, embargo, generate)",
    ]
    for label, seconds in r.ours.stages.items():
        lines.append(f"    {label:<56} {seconds:6.1f} s")
    if r.baseline and r.baseline_out:
        b = r.baseline_out
        lines += [
            f"plain mkdocs build {r.baseline.wall_s:7.1f} s   peak RSS {r.baseline.peak_rss_mb:7.1f} MB   {b.pages} pages, site {b.total_mb:.1f} MB",
            f"  deal page        max {b.max_page_kb:.1f} KB, median {b.median_page_kb:.1f} KB",
            f"  search index     {b.search_index_mb:.2f} MB, {b.search_entries} entries",
            f"ratio              {r.ours.wall_s / r.baseline.wall_s:.2f} (ours / baseline wall time)",
        ]
    return "\n".join(lines)


def generator_seconds(stages: dict) -> float:
    """Load, embargo and generate: the plugin's on_config and generation, plus the CLI's check before the build."""
    return sum(v for k, v in stages.items() if k.startswith(("generator:", "check:")))


def summary_line(r: SizeResult) -> str:
    ratio = f"{r.ours.wall_s / r.baseline.wall_s:.2f}" if r.baseline else "nan"
    baseline_s = f"{r.baseline.wall_s:.1f}" if r.baseline else "nan"
    return (
        f"ratio={ratio} max_page_kb={r.ours_out.max_page_kb:.1f} peak_rss_mb={r.ours.peak_rss_mb:.1f} "
        f"search_index_mb={r.ours_out.search_index_mb:.2f} ours_s={r.ours.wall_s:.1f} baseline_s={baseline_s} n={r.n}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of synthetic deals (default 1000)")
    parser.add_argument("--small", action="store_true", help="skip the N=100 block")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain MkDocs builds")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve rebuild measurement")
    parser.add_argument("--profile", type=Path, help="write a cProfile of our N-deal build here")
    parser.add_argument("--out", type=Path, default=REPO / "bench-out", help="work directory (default bench-out/)")
    parser.add_argument("--timed-build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.timed_build:
        return _timed_build(args.timed_build, args.report, args.profile)

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(f"dealsite benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, work dir {out}", flush=True)
    blocks = []
    if not args.small and args.n != 100:
        print("N=100:", flush=True)
        blocks.append(run_size(out, 100, baseline=not args.no_baseline))
    print(f"N={args.n}:", flush=True)
    main_result = run_size(out, args.n, baseline=not args.no_baseline, profile=args.profile)
    blocks.append(main_result)
    serve_line = "serve: not measured (--no-serve)"
    if not args.no_serve:
        first, rebuilt = measure_serve(out / f"n{args.n}", args.n // 3)
        shown = "did not appear within 120 s" if rebuilt != rebuilt else f"{rebuilt:.1f} s"
        serve_line = f"serve: first page served {first:.1f} s after start; a changed deal page served {shown} after the file was written (N={args.n})"
    print()
    for r in blocks:
        print(_block(r))
        print()
    print(serve_line)
    print(summary_line(main_result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
