"""`article-reader searches …`: the saved searches — list (with what each finds now),
add, rename, move, delete. `search @name` runs one."""

from __future__ import annotations

import json
import sys

from reader.cli.context import PROG, CommandError
from reader.search.saved_searches import SavedSearchError


def add_searches_parser(sub) -> None:
    searches = sub.add_parser("searches", help="saved searches: list, add, rename, move, delete")
    verbs = searches.add_subparsers(dest="verb", required=True, parser_class=type(searches))
    listing = verbs.add_parser("list", help="every saved search, in order, with how many articles it finds")
    listing.add_argument("--json", action="store_true", help="a JSON array of {name, query, count}")
    add = verbs.add_parser("add", help="save a query under a name (a name already there takes the new query)")
    add.add_argument("name")
    add.add_argument("query")
    rename = verbs.add_parser("rename", help="give a saved search another name")
    rename.add_argument("name")
    rename.add_argument("new_name")
    move = verbs.add_parser("move", help="put a saved search at a place in the list (1 is the top)")
    move.add_argument("name")
    move.add_argument("position", type=int)
    delete = verbs.add_parser("delete", help="forget a saved search")
    delete.add_argument("name")


def run_searches(ctx, args) -> int:
    store = ctx.service.saved_searches
    if store.problem:
        print(f"{PROG}: {store.problem}", file=sys.stderr)
    try:
        if args.verb == "list":
            _print_list(ctx, args.json)
        elif args.verb == "add":
            saved = store.add(args.name, args.query)
            print(f"saved {saved.name!r}: {saved.query}")
        elif args.verb == "rename":
            print(f"renamed to {store.rename(args.name, args.new_name).name!r}")
        elif args.verb == "move":
            store.move(args.name, args.position - 1)
            print(", ".join(s.name for s in store.items))
        elif args.verb == "delete":
            print(f"deleted {store.delete(args.name).name!r}")
    except SavedSearchError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _print_list(ctx, as_json: bool) -> None:
    ctx.update()
    counted = ctx.service.saved_counts()
    if as_json:
        print(json.dumps([{"name": s.name, "query": s.query, "count": n} for s, n in counted], ensure_ascii=False))
        return
    width = max((len(s.name) for s, _ in counted), default=0)
    for saved, count in counted:
        print(f"{saved.name:<{width}}  {count:>6}  {saved.query}")


def refuse_unknown_saved_search(ctx, text: str) -> None:
    """Refuse `search @name` when no saved search has that name (rather than search the words)."""
    whole = text.strip()
    if whole.startswith("@") and " " not in whole and ctx.service.saved_searches.find(whole[1:]) is None:
        raise CommandError(f"no saved search named {whole[1:]!r} (see: {PROG} searches list)")
