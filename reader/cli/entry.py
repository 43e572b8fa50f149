"""The `article-reader` command: its arguments parsed, the command run, its exit status.

Exit status: 0 done; 1 failed, with one line on stderr; 2 bad usage. Never a traceback.
Each group of commands is a module of its own: the library's (index, search, show,
related), notes, saved searches, the desktop entry.
"""

from __future__ import annotations

import argparse
import os
import sys

from reader.cli.syncing import PROG, add_sync_parser, is_sync, main_sync

# The other commands' modules are imported when a command needs them: `sync`, the one a
# window and a sync tool run often, takes its own short way (reader.cli.syncing).


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: exit 2 with a short hint
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from reader.cli.context import positive_int
    from reader.cli.imports import add_import_parser
    from reader.cli.notes import add_notes_parser
    from reader.cli.searches import add_searches_parser

    parser = _Parser(prog=PROG, description="Read, search and annotate a library of articles, offline.")
    parser.add_argument("--library", metavar="DIR", help="the library folder (default: last used, else the sample)")
    parser.add_argument("--data-dir", metavar="DIR", help="where the index and notes live")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    opening = sub.add_parser("open", help="open the window at an article (a running window is reused)")
    opening.add_argument("target", nargs="?", metavar="ARTICLE",
                         help="the article's id, or an article-reader://open?… link (from a notes export)")
    opening.add_argument("--note", type=positive_int, metavar="ID", help="at this note's passage")
    gui = sub.add_parser("gui", help="open the desktop reader (the default)")
    gui.add_argument("--library", dest="gui_library", metavar="DIR", help=argparse.SUPPRESS)

    index = sub.add_parser("index", help="bring the search index up to date with the library")
    index.add_argument("--rebuild", action="store_true", help="start over from nothing")
    index.add_argument("--json", action="store_true", help="print one JSON object")
    index.add_argument("-v", "--verbose", action="store_true", help="list skipped files and warnings")

    search = sub.add_parser("search", help="search the library ('-' reads one query per line from stdin)")
    search.add_argument("query", help="the query (@name: a saved search), or - for queries on stdin")
    search.add_argument("--limit", type=positive_int, default=10, metavar="N")
    search.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    search.add_argument("--json", action="store_true", help="JSON (JSON Lines with -)")

    show = sub.add_parser("show", help="one article as the reader shows it: metadata, text and notes")
    show.add_argument("article", help="the article's id (its path inside the library)")
    show.add_argument("--json", action="store_true", help="one JSON object")

    related = sub.add_parser("related", help="the articles of the library most like one")
    related.add_argument("article", help="the article's id (its path inside the library)")
    related.add_argument("--limit", type=positive_int, default=5, metavar="N")
    related.add_argument("--json", action="store_true", help="one JSON object")

    tags = sub.add_parser("tags", help="an article's tags; add and remove your own (kept outside the file)")
    tags.add_argument("article", help="the article's id (its path inside the library)")
    tags.add_argument("--add", action="append", metavar="TAG", help="add this tag (again for more)")
    tags.add_argument("--remove", action="append", metavar="TAG",
                      help="remove this tag (a tag of the file is hidden, the file unchanged)")
    tags.add_argument("--json", action="store_true", help='one JSON object: {"id", "tags"}')

    desktop = sub.add_parser("install-desktop", help="put Article Reader in this user's desktop menu")
    desktop.add_argument("--uninstall", action="store_true", help="take the menu entry and the icon away again")

    add_import_parser(sub)
    add_sync_parser(sub)
    add_notes_parser(sub)
    add_searches_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if is_sync(argv):
        return main_sync(argv)
    from reader.cli.context import CommandError, Context, fail
    from reader.cli.desktop import run_install_desktop
    from reader.cli.imports import cmd_import
    from reader.cli.library import cmd_index, cmd_related, cmd_search, cmd_show, cmd_tags
    from reader.cli.notes import run_notes, usage_problem
    from reader.cli.searches import run_searches
    from reader.cli.syncing import cmd_mark
    from reader.notes.store import NotesError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "notes" and (problem := usage_problem(args)):
        parser.error(problem)
    if args.command in (None, "gui"):
        from reader.app import main as gui_main

        return gui_main(library=getattr(args, "gui_library", None) or args.library, data=args.data_dir)
    if args.command == "open":
        from reader.app import open_in_window

        return open_in_window(args.target, args.note, args.library, args.data_dir)
    if args.command == "install-desktop":
        return run_install_desktop(args)
    try:
        ctx = Context(args)
    except CommandError as exc:
        return fail(str(exc))
    handlers = {"index": cmd_index, "search": cmd_search, "show": cmd_show, "notes": run_notes,
                "searches": run_searches, "related": cmd_related, "tags": cmd_tags,
                "import": cmd_import, "mark": cmd_mark}
    try:
        return handlers[args.command](ctx, args)
    except (CommandError, NotesError) as exc:
        return fail(str(exc))
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        return fail(f"unexpected error: {type(exc).__name__}: {exc}")
    finally:
        try:
            ctx.close()
        except Exception:  # noqa: BLE001
            pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
