"""The `article-reader` command: index, search and notes over the same engine as the app.

Exit status: 0 done; 1 failed, with one line on stderr; 2 bad usage. Never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from reader.cli_context import PROG, CommandError, Context, positive_int
from reader.index import NO_INDEX_YET
from reader.index_writing import IndexReport
from reader.notes import NotesError
from reader.notes_cli import add_notes_parser, note_json, run_notes, usage_problem
from reader.searches_cli import add_searches_parser, refuse_unknown_saved_search, run_searches

if TYPE_CHECKING:  # search's types only: `index` and `notes` need not import the searching side
    from reader.hits import SearchResults


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: exit 2 with a short hint
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Read, search and annotate a library of articles, offline.")
    parser.add_argument("--library", metavar="DIR", help="the library folder (default: last used, else the sample)")
    parser.add_argument("--data-dir", metavar="DIR", help="where the index and notes live")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

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

    desktop = sub.add_parser("install-desktop", help="put Article Reader in this user's desktop menu")
    desktop.add_argument("--uninstall", action="store_true", help="take the menu entry and the icon away again")

    add_notes_parser(sub)
    add_searches_parser(sub)
    return parser


# ---------------------------------------------------------------- index


def _progress_bar():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\r" + " " * (width + 24) + "\r")
            sys.stderr.flush()

    return show


def report_json(report: IndexReport) -> dict:
    return {
        "library": report.library,
        "added": report.added,
        "updated": report.updated,
        "removed": report.removed,
        "unchanged": report.unchanged,
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "warnings": [{"path": p, "message": m} for p, m in report.warnings],
        "seconds": round(report.seconds, 3),
    }


def report_line(report: IndexReport) -> str:
    parts = [f"{report.added} added", f"{report.updated} updated", f"{report.removed} removed",
             f"{report.unchanged} unchanged", f"{len(report.skipped)} skipped"]
    if report.warnings:
        parts.append(f"{len(report.warnings)} warning{'s' if len(report.warnings) != 1 else ''}")
    return f"Indexed {report.library}: {', '.join(parts)} in {report.seconds:.2f} s"


def _say_rebuilt(report: IndexReport) -> None:
    if report.rebuilt:
        print(f"{PROG}: the index was rebuilt from the library ({report.rebuilt})", file=sys.stderr)
    for followed in report.followed:
        print(f"{PROG}: {followed.message()}", file=sys.stderr)


def cmd_index(ctx: Context, args) -> int:
    report = ctx.update(rebuild=args.rebuild, progress=None if args.json else _progress_bar())
    _say_rebuilt(report)
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False))
        return 0
    print(report_line(report))
    if args.verbose:
        for skipped in report.skipped:
            print(f"  skipped {skipped.path}: {skipped.reason}")
        for path, message in report.warnings:
            print(f"  warning {path}: {message}")
    return 0


# ---------------------------------------------------------------- search


def hit_json(hit) -> dict:
    return {
        "id": hit.id,
        "title": hit.title,
        "authors": list(hit.authors),
        "date": hit.date.isoformat() if hit.date else None,
        "tags": list(hit.tags),
        "score": hit.score,
        "snippet": hit.snippet.text,
        "matched_in": list(hit.matched_in),
        "minutes": hit.minutes,
    }


def results_json(results: SearchResults) -> dict:
    return {
        "query": results.query,
        "total": results.total,
        "hits": [hit_json(h) for h in results.hits],
        "suggestion": results.suggestion,
    }


def _styles() -> tuple[str, str, str]:
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        return "\033[1m", "\033[0m", "\033[2m"
    return "", "", ""


def results_text(results: SearchResults) -> str:
    bold, reset, dim = _styles()
    mark_on, mark_off = (bold, reset) if bold else ("*", "*")
    count = results.total
    lines = [f"{count} match{'es' if count != 1 else ''} for {results.query!r}"
             + (f" (showing {len(results.hits)})" if len(results.hits) < count else "")]
    for n, hit in enumerate(results.hits, 1):
        date = hit.date.isoformat() if hit.date else "undated"
        lines.append(f"{n:>3}. {bold}{hit.title}{reset}  {dim}{date}{reset}")
        lines.append(f"     {dim}{hit.id}{reset}")
        if hit.snippet.text:
            lines.append("     " + hit.snippet.marked(mark_on, mark_off))
    if results.suggestion:
        lines.append(f"Did you mean: {results.suggestion}")
    return "\n".join(lines)


def cmd_search(ctx: Context, args) -> int:
    index = ctx.index()
    first_time = not index.exists()
    if first_time:
        print(f"{PROG}: no index yet for {ctx.root}; building it now", file=sys.stderr)
    try:
        report = ctx.update(progress=_progress_bar())
        _say_rebuilt(report)
    except CommandError:
        if first_time or index.open(repair=False) == NO_INDEX_YET:
            raise
        # A busy or read-only index can still be searched as it was last committed.
    queries = sys.stdin if args.query == "-" else [args.query]
    for line in queries:
        text = line.rstrip("\n")
        if args.query == "-" and not text.strip():
            continue
        refuse_unknown_saved_search(ctx, text)
        results = ctx.service.search(text, limit=args.limit, sort=args.sort)
        if args.json:
            print(json.dumps(results_json(results), ensure_ascii=False), flush=True)
        else:
            print(results_text(results), flush=True)
            if args.query == "-":
                print(flush=True)
    return 0


# ---------------------------------------------------------------- show


def cmd_show(ctx: Context, args) -> int:
    from reader.articles import NotAnArticle
    from reader.languages import name_of

    article_id = ctx.known_article(args.article)
    try:
        shown = ctx.service.show(article_id)
    except NotAnArticle as exc:
        raise CommandError(f"cannot read {article_id}: {exc}") from None
    article = shown.article
    if args.json:
        print(json.dumps({
            "id": article.id, "title": article.title, "authors": list(article.authors),
            "date": article.date.isoformat() if article.date else None, "tags": list(article.tags),
            "source": article.source, "summary": article.summary, "lang": article.lang or None,
            "text": shown.shown.text,
            "notes": [note_json(n) for n in shown.notes],
        }, ensure_ascii=False))
        return 0
    bold, reset, dim = _styles()
    lines = [f"{bold}{article.title}{reset}"]
    byline = [", ".join(article.authors), article.date.isoformat() if article.date else "", article.source,
              name_of(article.lang) if article.lang else ""]
    if any(byline):
        lines.append(dim + " · ".join(p for p in byline if p) + reset)
    if article.tags:
        lines.append(f"{dim}tags: {', '.join(article.tags)}{reset}")
    if article.summary:
        lines.append(article.summary)
    lines += ["", shown.shown.text]
    print("\n".join(lines))
    return 0


def cmd_related(ctx: Context, args) -> int:
    article_id = ctx.known_article(args.article)
    found = ctx.service.related(article_id, args.limit)
    if args.json:
        print(json.dumps({"id": article_id, "related": [
            {"id": r.id, "title": r.title, "date": r.date.isoformat() if r.date else None, "score": r.score}
            for r in found]}, ensure_ascii=False))
        return 0
    bold, reset, dim = _styles()
    for n, item in enumerate(found, 1):
        print(f"{n:>3}. {bold}{item.title}{reset}  {dim}{item.date.isoformat() if item.date else 'undated'}{reset}")
        print(f"     {dim}{item.id}{reset}")
    if not found:
        print("nothing else in the library is much like it")
    return 0


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "notes" and (problem := usage_problem(args)):
        parser.error(problem)
    if args.command in (None, "gui"):
        from reader.app import main as gui_main

        return gui_main(library=getattr(args, "gui_library", None) or args.library, data=args.data_dir)
    if args.command == "install-desktop":
        return cmd_install_desktop(args)
    try:
        ctx = Context(args)
    except CommandError as exc:
        return _fail(str(exc))
    handlers = {"index": cmd_index, "search": cmd_search, "show": cmd_show, "notes": run_notes,
                "searches": run_searches, "related": cmd_related}
    try:
        return handlers[args.command](ctx, args)
    except (CommandError, NotesError) as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        return _fail(f"unexpected error: {type(exc).__name__}: {exc}")
    finally:
        try:
            ctx.close()
        except Exception:  # noqa: BLE001
            pass


def cmd_install_desktop(args) -> int:
    from reader import desktop_entry

    try:
        if args.uninstall:
            removed = desktop_entry.uninstall()
            for path in removed:
                print(f"removed {path}")
            if not removed:
                print("nothing to remove: the menu entry was not installed")
            return 0
        for path in desktop_entry.install():
            print(f"wrote {path}")
        return 0
    except OSError as exc:
        return _fail(f"cannot {'remove' if args.uninstall else 'install'} the menu entry: {exc}")


def _fail(message: str) -> int:
    print(f"{PROG}: {' '.join(message.split())}", file=sys.stderr)
    return 1


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main())
