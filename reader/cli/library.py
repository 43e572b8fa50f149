"""The commands over the library itself: index, search, show, related."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

from reader.cli.context import PROG, CommandError, Context
from reader.cli.notes import note_json
from reader.cli.searches import refuse_unknown_saved_search
from reader.index.index import NO_INDEX_YET
from reader.index.writing import IndexReport

if TYPE_CHECKING:  # search's types only: `index` and `notes` need not import the searching side
    from reader.search.hits import SearchResults


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
        "url": hit.url,
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
    from reader.library.article import NotAnArticle
    from reader.text.languages import name_of

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
            "format": article.format, "url": article.url, "read": article.id in ctx.service.reading.read,
            "text": shown.shown.text,
            "notes": [note_json(n, shown.page_of(n)) for n in shown.notes],
        } | ({"pages": article.pages, "warnings": shown.warnings} if article.format == "pdf" else {}),
            ensure_ascii=False))
        return 0
    bold, reset, dim = _styles()
    lines = [f"{bold}{article.title}{reset}"]
    byline = [", ".join(article.authors), article.date.isoformat() if article.date else "", article.source,
              name_of(article.lang) if article.lang else ""]
    if any(byline):
        lines.append(dim + " · ".join(p for p in byline if p) + reset)
    if article.tags:
        lines.append(f"{dim}tags: {', '.join(article.tags)}{reset}")
    if article.url:
        lines.append(f"{dim}{article.url}{reset}")
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


def cmd_tags(ctx: Context, args) -> int:
    """An article's tags, after adding and removing the reader's own (--add, --remove)."""
    article_id = ctx.known_article(args.article)
    tags = ctx.service.change_tags(article_id, args.add or [], args.remove or [])
    if args.json:
        print(json.dumps({"id": article_id, "tags": list(tags)}, ensure_ascii=False))
    else:
        for tag in tags:
            print(tag)
    return 0
