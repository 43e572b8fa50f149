"""`article-reader sync [--folder DIR | --off] [--json]`: notes, tags and reading state in step
through a folder the user's sync tool shares (reader.sync); and `article-reader mark ARTICLE
--read|--unread`. A sync that finds nothing new is a whole process of well under 100 ms: it
takes its own short way through the command line, importing neither the index nor the formats."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reader.cli.context import PROG, fail


def add_sync_parser(sub) -> None:
    sync = sub.add_parser("sync", help="keep notes, tags and reading state in step through a synced folder")
    _sync_options(sync)
    mark = sub.add_parser("mark", help="mark an article read or unread")
    mark.add_argument("article", help="the article's id (its path inside the library)")
    which = mark.add_mutually_exclusive_group(required=True)
    which.add_argument("--read", dest="read", action="store_true")
    which.add_argument("--unread", dest="read", action="store_false")


def _sync_options(parser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--folder", metavar="DIR",
                       help="the folder your sync tool shares between machines (remembered); syncs at once")
    which.add_argument("--off", action="store_true", help="stop syncing (the folder is left as it is)")
    parser.add_argument("--json", action="store_true", help='one JSON object: {"folder", "sent", "received", '
                                                            '"conflicts", "seconds"}')


def is_sync(argv: list[str]) -> bool:
    """Whether the command line asks for `sync` (its short way)."""
    rest = list(argv)
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        if option in ("--library", "--data-dir") and rest:
            rest.pop(0)
        elif option in ("-h", "--help"):
            return False
    return bool(rest) and rest[0] == "sync"


def main_sync(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog=PROG)
    parser.add_argument("--library", metavar="DIR")
    parser.add_argument("--data-dir", metavar="DIR")
    sub = parser.add_subparsers(dest="command")
    _sync_options(sub.add_parser("sync"))
    args = parser.parse_args(argv)
    try:
        return run_sync(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        return fail(f"unexpected error: {type(exc).__name__}: {exc}")


def run_sync(args) -> int:
    from reader.locations import LibraryError, choose_library, data_dir, library_root
    from reader.notes.reading import ReadingState
    from reader.notes.store import NotesError, NotesStore
    from reader.search.saved_searches import SavedSearches
    from reader.sync.folder import FolderMissing
    from reader.sync.syncing import Syncer

    data = data_dir(args.data_dir)
    try:
        root = library_root(choose_library(args.library, data))
    except LibraryError as exc:
        return fail(str(exc))
    try:
        store = NotesStore.open(data)
    except NotesError as exc:
        return fail(str(exc))
    try:
        syncer = Syncer(store, str(root), ReadingState.of_library(data, root), SavedSearches(data))
        if args.off:
            syncer.set_folder(None)
            print("sync is off (the folder and what is in it are left as they are)", file=sys.stderr)
            return 0
        if args.folder:
            folder = Path(args.folder).expanduser().absolute()
            if not folder.is_dir():
                return fail(f"{folder} is not a folder: make it (or let your sync tool make it) first")
            syncer.set_folder(folder)
        if syncer.folder is None:
            return fail("no sync folder yet: choose one with 'article-reader sync --folder DIR'")
        try:
            report = syncer.sync()
        except FolderMissing as exc:
            return fail(str(exc))
        except (NotesError, OSError) as exc:
            return fail(f"the sync did not finish ({getattr(exc, 'strerror', None) or exc}); nothing is lost, "
                         "the next sync goes on from here")
        if report.articles:
            _reindex(root, data, report.articles)
    finally:
        store.close()
    if args.json:
        print(json.dumps(report.json(), ensure_ascii=False))
    else:
        print(f"synced through {report.folder}: {report.sent} sent, {report.received} received, "
              f"{report.conflicts} conflicts kept as earlier versions ({report.seconds:.2f} s)")
    return 0


def _reindex(root: Path, data: Path, articles: set[str]) -> None:
    """What arrived made searchable at once (the engine, and Whoosh, imported only now)."""
    from reader.service import ReaderService

    svc = ReaderService(root, data)
    try:
        svc.reindex_notes(articles)
    except Exception:  # noqa: BLE001 - the index is a cache: the next update catches up
        pass
    finally:
        svc.close()


def cmd_mark(ctx, args) -> int:
    article_id = ctx.known_article(args.article)
    ctx.service.set_read(article_id, args.read)
    print(f"{article_id}: {'read' if args.read else 'unread'}")
    return 0
