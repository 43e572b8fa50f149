"""`article-reader import PATH [--into DIR] [--json]`: a read-later service's export into
the library (reader.exchange.importing), reported in words or as one JSON object."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader.cli.context import PROG, CommandError, Context
from reader.exchange.importing import NothingRead, import_file
from reader.exchange.items import ExportError


def add_import_parser(sub) -> None:
    parser = sub.add_parser("import", help="bring in a read-later export: Pocket, Omnivore, Instapaper, wallabag, "
                                           "Readwise, Karakeep, Obsidian Web Clipper, browser bookmarks")
    parser.add_argument("path", metavar="PATH", help="the export file (recognised by its content)")
    parser.add_argument("--into", metavar="DIR",
                        help="where new articles go, inside the library (default: Imported/<service>)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")


def cmd_import(ctx: Context, args) -> int:
    path = Path(args.path).expanduser()
    into = Path(args.into).expanduser() if args.into else None
    ctx.notes  # noqa: B018 - a damaged notes database is reported before anything is imported
    try:
        report = import_file(ctx.service, path, into)
    except NothingRead as exc:
        if args.json:
            print(json.dumps(exc.report.json(), ensure_ascii=False))
        raise CommandError(f"{args.path}: {exc}") from None
    except ExportError as exc:
        raise CommandError(f"{args.path}: {exc}") from None
    except OSError as exc:
        raise CommandError(f"{args.path}: cannot write into the library: {exc.strerror or exc}") from None
    if args.json:
        print(json.dumps(report.json(), ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    if report.skipped and args.json:
        print(f"{PROG}: {len(report.skipped)} items not imported (listed under \"skipped\")", file=sys.stderr)
    return 0
