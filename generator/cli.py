"""The ``dealsite`` command: check, build, serve, export, schedule, pack, readings, new, schema, diff.

Bad deal data is never a traceback: each problem is one line naming file, line
and field, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from .engine.publish import BuildFailed
from .model.clock import SourceDateEpochError
from .model.load import InvalidDeals
from .runtime import forget_handled_interrupt, young_collections_only


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = " ".join(filter(None, (args.command, getattr(args, "step", None))))
    try:
        _config_named(args)
        status = args.run(args)
    except (BuildFailed, SourceDateEpochError) as error:  # mkdocs.yml or SOURCE_DATE_EPOCH: nothing was done
        print(f"dealsite {command}: {error}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:  # a command that handles Ctrl-C itself (build, serve) says more
        print(f"dealsite {command}: interrupted", file=sys.stderr)
        status = 130
    forget_handled_interrupt()  # a Ctrl-C the command handled: the status it returned stands
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dealsite", description="Turn YAML deal definitions into a public website.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND", dest="command")

    check = commands.add_parser(
        "check", help="validate deal files (default: the project's deals, updates and content): errors must be fixed, warnings are advice"
    )
    check.add_argument("paths", nargs="*", type=Path, default=[], metavar="PATH")
    check.add_argument("-f", "--config-file", type=Path, default=None, help="the project (default: mkdocs.yml here)")
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help="text (default), json, or github (Actions annotations)")
    check.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    check.add_argument("--all", action="store_true", dest="show_all", help="list every problem, even where one file has many of one kind")
    check.set_defaults(run=cmd_check)

    build = commands.add_parser("build", help="validate, then build the site into site/ (atomically)")
    build.add_argument("-f", "--config-file", type=Path, default=None)
    build.add_argument("-d", "--site-dir", type=Path, default=None)
    build.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    build.set_defaults(run=cmd_build)

    serve = commands.add_parser("serve", help="preview the site, rebuilding on change")
    serve.add_argument("-f", "--config-file", type=Path, default=None)
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000")
    serve.add_argument("--drafts", action="store_true", help="include drafts and embargoed content, with a banner")
    serve.set_defaults(run=cmd_serve)

    export = commands.add_parser("export", help="write the site as a plain docs folder that builds without the dealsite plugin")
    export.add_argument("folder", type=Path, metavar="DIR")
    export.add_argument("-f", "--config-file", type=Path, default=None)
    export.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    export.set_defaults(run=cmd_export)

    plan = commands.add_parser("schedule", help="list every held-back deal, update, reading and committee item, and when it goes live")
    plan.add_argument("-f", "--config-file", type=Path, default=None)
    plan.add_argument("--json", action="store_true", help="as JSON, for scripts")
    plan.add_argument("--next", action="store_true", help="print only the next release moment (UTC, ISO 8601), or nothing")
    plan.set_defaults(run=cmd_schedule)

    pack = commands.add_parser("pack", help="print what changed after a date, as the committee's pack leads with it (red first)")
    pack.add_argument("--since", type=dt.date.fromisoformat, required=True, metavar="DATE", help="the last meeting's date, YYYY-MM-DD")
    pack.add_argument("--until", type=dt.date.fromisoformat, metavar="DATE", help="up to this date (default: today)")
    pack.add_argument("-f", "--config-file", type=Path, default=None)
    pack.set_defaults(run=cmd_pack)

    readings = commands.add_parser("readings", help="outcome readings through a spreadsheet: export, fill in, import")
    steps = readings.add_subparsers(required=True, metavar="STEP", dest="step")
    export_readings = steps.add_parser("export", help="write a deal's outcomes and readings as a spreadsheet (.csv or .ods)")
    export_readings.add_argument("slug", metavar="SLUG")
    export_readings.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="FILE.csv or FILE.ods")
    export_readings.add_argument("--deals-dir", type=Path, default=None, help="the deals (default: deals_dir in mkdocs.yml, or deals/)")
    export_readings.add_argument("-f", "--config-file", type=Path, default=None, help="the project (default: mkdocs.yml here)")
    export_readings.set_defaults(run=cmd_readings_export)
    import_readings = steps.add_parser("import", help="write new or changed readings from a spreadsheet into the deal's file")
    import_readings.add_argument("file", type=Path, metavar="FILE")
    import_readings.add_argument("--deals-dir", type=Path, default=None, help="the deals (default: deals_dir in mkdocs.yml, or deals/)")
    import_readings.add_argument("-f", "--config-file", type=Path, default=None, help="the project (default: mkdocs.yml here)")
    import_readings.set_defaults(run=cmd_readings_import)

    new = commands.add_parser("new", help="write a commented deal file deals/SLUG.yaml to fill in")
    new.add_argument("slug")
    new.add_argument("--deals-dir", type=Path, default=None, help="the deals (default: deals_dir in mkdocs.yml, or deals/)")
    new.add_argument("-f", "--config-file", type=Path, default=None, help="the project (default: mkdocs.yml here)")
    new.set_defaults(run=cmd_new)

    update = commands.add_parser("new-update", help="write an update content/updates/DATE-SLUG.md to fill in (a draft)")
    update.add_argument("title")
    update.add_argument("--deal", action="append", default=[], metavar="SLUG", help="a deal it is about (repeat for several)")
    update.add_argument("--date", default=None, help="YYYY-MM-DD (default: today, UK time)")
    update.add_argument("--content-dir", type=Path, default=None, help="the pages and updates (default: docs_dir in mkdocs.yml, or content/)")
    update.add_argument("--deals-dir", type=Path, default=None, help="the deals (default: deals_dir in mkdocs.yml, or deals/)")
    update.add_argument("-f", "--config-file", type=Path, default=None, help="the project (default: mkdocs.yml here)")
    update.set_defaults(run=cmd_new_update)

    schema = commands.add_parser("schema", help="print the JSON Schema of a deal file")
    schema.set_defaults(run=cmd_schema)

    diff = commands.add_parser("diff", help="list what changed in deals/ between two git revisions")
    diff.add_argument("rev_a", metavar="REV_A")
    diff.add_argument("rev_b", metavar="REV_B")
    diff.add_argument("--deals-dir", type=Path, default=None, help="the deals (default: deals_dir in mkdocs.yml, or deals/)")
    diff.add_argument("-f", "--config-file", type=Path, default=None, help="the project (default: mkdocs.yml here)")
    diff.set_defaults(run=cmd_diff)
    return parser


def _report(error: InvalidDeals) -> int:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    files = len({p.file for p in error.problems})
    count = len(error.problems)
    print(f"{count} problem{'s' * (count != 1)} in {files} file{'s' * (files != 1)}", file=sys.stderr)
    return 1


def _now():
    """The build's clock, or None if SOURCE_DATE_EPOCH cannot be read (the build reports that)."""
    from .model.clock import SourceDateEpochError, build_time
    try:
        return build_time()
    except SourceDateEpochError:
        return None


def cmd_check(args) -> int:
    """The deal files named; with none named, the whole project as a build reads it (its deals,
    updates and content, where mkdocs.yml says they are), and as `serve --drafts` reads it when
    draft_docs is set, so a team finds a bad update before publishing rather than at build time. Errors exit 1; warnings exit 0 unless --strict."""
    from .engine.check import check_paths, check_project
    from .engine.pipeline import FutureArchive
    from .engine.report import render
    from .model.clock import build_time

    try:
        now = build_time()
        report = check_paths(args.paths, now) if args.paths else check_project(_settings(args.config_file), now)
    except FutureArchive as error:
        print(f"dealsite check: {error}", file=sys.stderr)
        return 1
    rendered = render(report, args.format, strict=args.strict, show_all=args.show_all)
    sys.stderr.write(rendered.err)
    sys.stderr.flush()
    sys.stdout.write(rendered.out)
    return rendered.status


def _config_named(args) -> None:
    """-f must name a configuration file; without -f, mkdocs.yml here (if there is none, the
    project's folders are the defaults beside it: deals/, content/)."""
    if not hasattr(args, "config_file"):
        return
    if args.config_file is None:
        args.config_file = Path("mkdocs.yml")
    elif not args.config_file.is_file():
        raise BuildFailed(f"{args.config_file}: no such configuration file (-f names a project's mkdocs.yml)")


def _settings(config_file: Path):
    """The project's settings from its mkdocs.yml, or the default folders beside it without one."""
    from .engine.pipeline import Settings

    if config_file.is_file():
        from .engine.mkdocs.config import read_settings

        return read_settings(config_file)
    root = config_file.resolve().parent
    return Settings(deals_dir=root / "deals", content_dir=root / "content", templates_dir=root / "site_templates")


def _shown(path: Path) -> Path:
    """path as an editor would write it: relative to here when it is below here."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _deals_dir(args) -> Path:
    """--deals-dir, or deals_dir in the project's mkdocs.yml (-f), as every command reads it."""
    return args.deals_dir if args.deals_dir is not None else _shown(_settings(args.config_file).deals_dir)


def _content_dir(args) -> Path:
    """--content-dir, or docs_dir in the project's mkdocs.yml (-f)."""
    return args.content_dir if args.content_dir is not None else _shown(_settings(args.config_file).content_dir)


def cmd_schedule(args) -> int:
    """What the publication gate holds back now, and when each item goes live (compute/schedule.py).
    For an archive (as_of), what it held back at the end of its day: an archive never changes,
    so nothing in it is released later and --next prints nothing."""
    from .compute.embargo import moment_text, publish
    from .compute.schedule import next_release, schedule
    from .engine.pipeline import build_moment, read_sources
    from .model.clock import build_time

    settings = _settings(args.config_file)
    try:
        now = build_moment(settings, build_time())
        sources = read_sources(settings, now)
    except ValueError as error:  # as_of after today
        print(f"dealsite schedule: {error}", file=sys.stderr)
        return 1
    except InvalidDeals as error:
        print("dealsite schedule: the files have errors (dealsite check lists them)", file=sys.stderr)
        return _report(error)
    publication = publish(sources.catalogue, sources.updates, now, as_of=settings.as_of)
    if args.next:
        moment = next_release(publication) if settings.as_of is None else None
        if moment is not None:
            print(moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z"))
        return 0
    items = schedule(publication)
    if args.json:
        document = {"now": now.isoformat().replace("+00:00", "Z"), "held": [item.as_json() for item in items]}
        if settings.as_of is not None:
            document["as_of"] = settings.as_of.isoformat()
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    count = f"{len(items)} item{'s' * (len(items) != 1)}"
    if settings.as_of is not None:
        print(f"An archive as of {settings.as_of.isoformat()} (as_of in {args.config_file}): it never changes, so the "
              f"{count} it held back at {moment_text(now)} will not appear in it")
    else:
        print(f"Held back on {moment_text(now)}: {count}")
    for item in items:
        when = item.uk + (f" ({item.utc})" if item.utc else "")
        print(f"\n{when}\n  {item.item.kind}: {item.item.name}\n  appears: {item.appears}")
    return 0


def cmd_pack(args) -> int:
    """What changed after --since (engine/pack.py): the public record only, as Markdown; for an
    archive (as_of), the record as it stood at the end of its day."""
    from .engine.pack import pack_period_problem, pack_text
    from .engine.pipeline import build_moment
    from .model.clock import build_time

    settings = _settings(args.config_file)
    try:
        moment = build_moment(settings, build_time())
        pack_period_problem(args.since, args.until, moment, settings.as_of)
    except ValueError as error:  # as_of after today, or a period that cannot be reported
        print(f"dealsite pack: {error}", file=sys.stderr)
        return 1
    try:
        sys.stdout.write(pack_text(settings, moment, args.since, args.until))
    except InvalidDeals as error:
        return _report(error)
    return 0


def cmd_readings_export(args) -> int:
    from .engine.readings import ReadingsError, export_readings

    try:
        rows = export_readings(_deals_dir(args), args.slug, args.output)
    except ReadingsError as error:
        print(f"dealsite readings export: {error}", file=sys.stderr)
        return 1
    except InvalidDeals as error:
        return _report(error)
    print(f"wrote {args.output}: {rows} row{'s' * (rows != 1)}; fill in the new readings, then run dealsite readings import {args.output}")
    return 0


def cmd_readings_import(args) -> int:
    from .engine.readings import ReadingsError, import_readings

    try:
        result = import_readings(_deals_dir(args), args.file)
    except ReadingsError as error:
        print(f"dealsite readings import: nothing was written: {error}", file=sys.stderr)
        return 1
    except InvalidDeals as error:
        print("dealsite readings import: nothing was written: the deal would not be valid", file=sys.stderr)
        return _report(error)
    print(result)
    return 0


@young_collections_only()  # a one-off build (runtime.stop_full_collections)
def cmd_build(args) -> int:
    from .engine.mkdocs.build import build_site, quiet_logging
    from .engine.publish import BuildFailed, RefusedOutputFolder
    from .model.clock import SourceDateEpochError

    quiet_logging(args.quiet)
    try:
        _check_before_engine(args.config_file)
    except ValueError as error:  # as_of after today
        print(f"build stopped, site/ is unchanged: {error}", file=sys.stderr)
        return 1
    except InvalidDeals as error:
        print("build stopped: site/ is unchanged", file=sys.stderr)
        return _report(error)
    except BuildFailed as error:
        print(f"build stopped, site/ is unchanged: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build interrupted, site/ is unchanged", file=sys.stderr)
        return 130
    try:
        site = build_site(args.config_file, args.site_dir)
    except RefusedOutputFolder as error:  # refused before anything was made or removed
        print(f"build refused, nothing was changed: {error}", file=sys.stderr)
        return 1
    except BuildFailed as error:
        print(f"build failed, site/ is unchanged: {error}", file=sys.stderr)
        return 1
    except SourceDateEpochError as error:
        print(f"build stopped, site/ is unchanged: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build interrupted, site/ is unchanged", file=sys.stderr)
        return 130
    except Exception as error:  # a fault in a template or a page generator: a message, not a traceback
        print(f"build failed, site/ is unchanged: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"built {site}")
    return 0


def cmd_serve(args) -> int:
    from .engine.mkdocs.serve import serve_site

    def checked() -> bool:
        try:
            _check_before_engine(args.config_file)
        except InvalidDeals as problems:
            _report(problems)
            print("dealsite serve: not started; fix these and start it again", file=sys.stderr)
            return False
        except ValueError:  # as_of after today: MkDocs' first build refuses it, in its words
            pass
        return True

    return serve_site(args.config_file, args.dev_addr, drafts=args.drafts, check=checked)


def _check_before_engine(config_file: Path) -> None:
    """The project read and checked as the build will read it (the folders mkdocs.yml names,
    as of the build's moment: an archive's day), before MkDocs starts, so bad files get the
    check's report. No reference is kept: the plugin reads them again from the loader's cache.
    Raises InvalidDeals, or ValueError for an as_of after today."""
    from .engine.pipeline import build_moment, read_sources

    settings = _settings(config_file)
    now = _now()
    read_sources(settings, build_moment(settings, now) if now is not None else None)


def cmd_export(args) -> int:
    """The engine-free export (engine/export.py): the same pipeline and checks as a build, no engine."""
    from .engine.export import export_site
    from .engine.gate import UnsafeOutput
    from .engine.publish import BuildFailed, RefusedOutputFolder

    shown = args.folder
    try:
        exported = export_site(args.config_file, args.folder)
    except InvalidDeals as error:
        print(f"export stopped: {shown} is unchanged", file=sys.stderr)
        return _report(error)
    except RefusedOutputFolder as error:  # refused before anything was made or removed
        print(f"export refused, nothing was changed: {error}", file=sys.stderr)
        return 1
    except (BuildFailed, UnsafeOutput) as error:
        print(f"export failed, {shown} is unchanged: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"export interrupted, {shown} is unchanged", file=sys.stderr)
        return 130
    except Exception as error:  # a fault in a template or a page generator: a message, not a traceback
        print(f"export failed, {shown} is unchanged: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(
            f"exported {exported.pages} pages and {exported.files - exported.pages} other files to {exported.folder}; "
            f"build it without dealsite: mkdocs build -f {exported.folder / 'mkdocs.yml'}"
        )
    return 0


def cmd_new(args) -> int:
    from .engine.scaffold import Refused, new_deal

    try:
        target = new_deal(_deals_dir(args), args.slug)
    except Refused as error:
        print(f"dealsite new: {error}", file=sys.stderr)
        return 1
    print(f"wrote {target}: fill it in, then run dealsite check {target}")
    return 0


def cmd_new_update(args) -> int:
    from .engine.scaffold import Refused, new_update

    try:
        target = new_update(_content_dir(args), _deals_dir(args), args.title, args.deal, args.date)
    except Refused as error:
        print(f"dealsite new-update: {error}", file=sys.stderr)
        return 1
    print(f"wrote {target}: write it, remove draft: true, then preview it with dealsite serve --drafts")
    return 0


def cmd_schema(args) -> int:
    from .model.schema import schema_text

    sys.stdout.write(schema_text())
    return 0


def cmd_diff(args) -> int:
    from .compute.diff import diff_revisions
    from .model.git import GitError

    try:
        lines = diff_revisions(_deals_dir(args), args.rev_a, args.rev_b)
    except GitError as error:
        print(f"dealsite diff: {error}", file=sys.stderr)
        return 1
    except InvalidDeals as error:
        return _report(error)
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
