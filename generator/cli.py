"""The ``dealsite`` command: check, build, serve, new, schema.

Bad deal data is never a traceback: each problem is one line naming file, line
and field, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path

from .load import InvalidDeals, load_catalogue
from .model import SLUG_RE, Deal

SCHEMA_PATH = Path("deals/deal.schema.json")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dealsite", description="Turn YAML deal definitions into a public website.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate deal files (default: deals/)")
    check.add_argument("paths", nargs="*", type=Path, default=[Path("deals")], metavar="PATH")
    check.set_defaults(run=cmd_check)

    build = commands.add_parser("build", help="validate, then build the site into site/ (atomically)")
    build.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    build.add_argument("-d", "--site-dir", type=Path, default=None)
    build.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    build.set_defaults(run=cmd_build)

    serve = commands.add_parser("serve", help="preview the site, rebuilding on change")
    serve.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000")
    serve.add_argument("--drafts", action="store_true", help="include drafts and embargoed content, with a banner")
    serve.set_defaults(run=cmd_serve)

    new = commands.add_parser("new", help="write a commented deal file deals/SLUG.yaml to fill in")
    new.add_argument("slug")
    new.add_argument("--deals-dir", type=Path, default=Path("deals"))
    new.set_defaults(run=cmd_new)

    schema = commands.add_parser("schema", help="print the JSON Schema of a deal file")
    schema.set_defaults(run=cmd_schema)
    return parser


def _report(error: InvalidDeals) -> int:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    files = len({p.file for p in error.problems})
    count = len(error.problems)
    print(f"{count} problem{'s' * (count != 1)} in {files} file{'s' * (files != 1)}", file=sys.stderr)
    return 1


def cmd_check(args) -> int:
    try:
        catalogue = load_catalogue(args.paths)
    except InvalidDeals as error:
        return _report(error)
    print(f"ok: {len(catalogue.deals)} deal{'s' * (len(catalogue.deals) != 1)} checked")
    return 0


def cmd_build(args) -> int:
    from mkdocs.exceptions import MkDocsException

    from .build import build_site, quiet_logging

    quiet_logging(args.quiet)
    config_dir = args.config_file.resolve().parent
    try:
        load_catalogue([config_dir / "deals"])
    except InvalidDeals as error:
        print("build stopped: site/ is unchanged", file=sys.stderr)
        return _report(error)
    try:
        site = build_site(args.config_file, args.site_dir)
    except MkDocsException as error:
        print(f"build failed, site/ is unchanged: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"built {site}")
    return 0


def cmd_serve(args) -> int:
    import os

    from mkdocs.commands.serve import serve

    from .plugin import PREVIEW_ENV

    os.environ[PREVIEW_ENV] = "1" if args.drafts else "0"
    serve(str(args.config_file), dev_addr=args.dev_addr, livereload=True)
    return 0


def cmd_new(args) -> int:
    if not SLUG_RE.match(args.slug):
        print(f"dealsite new: {args.slug!r} is not a slug (expected lowercase letters, digits and hyphens)", file=sys.stderr)
        return 1
    target = args.deals_dir / f"{args.slug}.yaml"
    if target.exists():
        print(f"dealsite new: {target} already exists", file=sys.stderr)
        return 1
    target.write_text(resources.files("generator").joinpath("scaffold/deal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    print(f"wrote {target}: fill it in, then run dealsite check {target}")
    return 0


def deal_schema() -> dict:
    """The JSON Schema of a deal file: the model, less the slug (which is the file name)."""
    schema = Deal.model_json_schema(mode="validation")
    schema["properties"].pop("slug")
    schema["required"].remove("slug")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dealsite deal"
    return schema


def schema_text() -> str:
    return json.dumps(deal_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def cmd_schema(args) -> int:
    sys.stdout.write(schema_text())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
