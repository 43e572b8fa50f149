"""`article-reader notes …`: add (a comment or a highlight), list, edit, colour, delete,
restore, search, export, import, backups."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reader.cli.context import CommandError, positive_int
from reader.exchange.notes_files import notes_export, notes_import, obsidian_export, readwise_export
from reader.library.article import NotAnArticle
from reader.notes.store import COLORS, Note, NotesError, local_time
from reader.storage import write_atomically


def add_notes_parser(sub) -> None:
    notes = sub.add_parser("notes", help="your notes on articles: comments and highlights")
    verbs = notes.add_subparsers(dest="verb", required=True, parser_class=type(notes))

    add = verbs.add_parser("add", help="add a comment, or with --quote a highlight; prints its id")
    add.add_argument("article", help="the article's id (its path inside the library)")
    add.add_argument("text", nargs="?", help="the note (Markdown), or - to read it from stdin; "
                     "optional with --quote (a bare highlight)")
    add.add_argument("--quote", metavar="PASSAGE", help="highlight this passage of the article (as `show` prints it; "
                     "white space and line breaks need not match)")
    add.add_argument("--occurrence", type=positive_int, default=1, metavar="N",
                     help="which occurrence of PASSAGE, when it is there more than once (default: the first)")
    add.add_argument("--color", choices=COLORS, help="the highlight's colour (default: yellow)")

    listing = verbs.add_parser("list", help="all notes, or one article's")
    listing.add_argument("article", nargs="?")
    listing.add_argument("--orphaned", action="store_true", help="only notes whose article is gone")
    listing.add_argument("--trash", action="store_true", help="deleted notes that can be restored")
    listing.add_argument("--json", action="store_true")

    edit = verbs.add_parser("edit", help="replace a note's text")
    edit.add_argument("id", type=int)
    edit.add_argument("text", help="the new text, or - for stdin")

    versions = verbs.add_parser("versions", help="a note's earlier texts (one edited on two machines at once keeps "
                                                 "the other's here); restore one with notes edit")
    versions.add_argument("id", type=int)
    versions.add_argument("--json", action="store_true")

    color = verbs.add_parser("color", help="change a highlight's colour")
    color.add_argument("id", type=int)
    color.add_argument("color", choices=COLORS)

    for verb, text in (("delete", "move a note to the trash"), ("restore", "bring a note back from the trash")):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("id", type=int)

    search = verbs.add_parser("search", help="notes whose own text or passage has every word (orphaned ones too)")
    search.add_argument("query")
    search.add_argument("--json", action="store_true")

    export = verbs.add_parser("export", help="write every note to Markdown or JSON")
    export.add_argument("--format", choices=("md", "json", "readwise", "obsidian"), default="md",
                        help="md: to read; json: to import again; readwise: Readwise's highlights CSV; "
                             "obsidian: a Markdown file per article into the folder FILE names")
    export.add_argument("-o", "--output", metavar="FILE", help="the file to write (default: stdout)")
    export.add_argument("target", nargs="?", metavar="FILE", help="the file to write (as --output)")
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    imp = verbs.add_parser("import", help="add the notes of a JSON export (never twice)")
    imp.add_argument("file")

    backups = verbs.add_parser("backups", help="the automatic daily backups (the last 7), newest first")
    backups.add_argument("--json", action="store_true")
    restore = verbs.add_parser("restore-backup", help="replace the notes with a backup's (the current ones are set aside)")
    restore.add_argument("file")


def usage_problem(args) -> str | None:
    """What is wrong with how a notes command was called, if anything (exit 2)."""
    if args.verb == "add" and args.text is None and args.quote is None:
        return "notes add needs TEXT, or --quote PASSAGE for a highlight"
    if args.verb == "export" and args.output and args.target and args.output != args.target:
        return "notes export takes the file once: FILE or --output FILE"
    return None


def run_notes(ctx, args) -> int:
    store = ctx.notes
    library = str(ctx.root)
    service = ctx.service
    try:
        if args.verb == "add":
            print(_add(ctx, args).id)
        elif args.verb == "list":
            notes = _listing(ctx, args)
            _print_notes(notes, args.json, pages_of(ctx, notes) if args.json else None)
        elif args.verb == "edit":
            print(service.edit_note(args.id, _text(args.text)).id)
        elif args.verb == "color":
            print(service.set_color(args.id, args.color).id)
        elif args.verb == "versions":
            _print_versions(store.versions(args.id), args.json)
        elif args.verb in ("delete", "restore"):
            note = service.delete_note(args.id) if args.verb == "delete" else service.restore_note(args.id)
            print(f"note {note.id} {'moved to the trash' if args.verb == 'delete' else 'restored'}")
        elif args.verb == "search":
            _print_notes(store.search(library, args.query), args.json)
        elif args.verb == "export":
            _export(ctx, args)
        elif args.verb == "import":
            _import(ctx, args)
        elif args.verb == "backups":
            _list_backups(store, args.json)
        elif args.verb == "restore-backup":
            aside = store.restore_backup(Path(args.file))
            ctx.update()  # re-attach and re-index the restored notes
            print(f"restored {args.file}; the notes it replaced are kept at {aside}")
    except NotesError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _text(value: str | None) -> str:
    if value is None:
        return ""
    return sys.stdin.read() if value == "-" else value


def _add(ctx, args) -> Note:
    text = _text(args.text)
    if args.quote is None and not text.strip():
        raise CommandError("a note cannot be empty")
    if args.quote is not None and not args.quote.strip():
        raise CommandError("the passage to highlight is empty")
    article_id = ctx.known_article(args.article)
    if args.quote is None:
        return ctx.service.add_note(article_id, text)
    return ctx.service.add_quoted(article_id, args.quote, args.occurrence, text, args.color)


def _listing(ctx, args) -> list[Note]:
    store, library = ctx.notes, str(ctx.root)
    if args.article:
        return ctx.service.notes_on(ctx.article_id(args.article))
    return store.notes(library, orphaned=args.orphaned, trash=args.trash)


def note_json(note: Note, page: int | None = None) -> dict:
    """A note as `notes list --json` (and `show --json`) give it; a highlight of a PDF also
    its `page` (1-based)."""
    return {
        "id": note.id,
        "article": note.article,
        "title": note.article_title,
        "text": note.text,
        "created": note.created,
        "updated": note.updated,
        "orphaned": note.orphaned,
        "quote": note.quote.to_json() if note.quote else None,
        "anchor": note.anchor.to_json() if note.quote else None,
        "color": note.color,
    } | ({"page": page} if page is not None else {})


def pages_of(ctx, notes: list[Note]) -> dict[int, int]:
    """The page each highlight of a PDF stands on, each PDF read once."""
    shown, pages = {}, {}
    for note in notes:
        if note.quote is None or note.orphaned or not note.article.lower().endswith(".pdf"):
            continue
        if note.article not in shown:
            try:
                shown[note.article] = ctx.service.show(note.article)
            except NotAnArticle:
                shown[note.article] = None
        if shown[note.article] is not None and (page := shown[note.article].page_of(note)):
            pages[note.id] = page
    return pages


def _print_notes(notes: list[Note], as_json: bool, pages: dict[int, int] | None = None) -> None:
    if as_json:
        print(json.dumps([note_json(n, (pages or {}).get(n.id)) for n in notes], ensure_ascii=False, indent=2))
        return
    if not notes:
        print("No notes.")
    for note in notes:
        flag = "  [orphaned: article missing]" if note.orphaned else ""
        flag += "  [in trash]" if note.deleted else ""
        if note.quote:
            state = note.anchor.state if note.anchor else "not yet anchored"
            flag += f"  [highlight, {note.color}, {state}]"
        print(f"#{note.id}  {local_time(note.created)}  {note.article}{flag}")
        if note.quote:
            print(f"    > {note.quote.exact}")
        for line in note.text.splitlines():
            print(f"    {line}")


def _export(ctx, args) -> None:
    store = ctx.notes
    output = args.output or args.target
    if args.format == "obsidian":
        if not output or output == "-":
            raise CommandError("--format obsidian writes into a folder: give it (notes export --format obsidian DIR)")
        folder = Path(output).expanduser()
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        try:
            written, new = obsidian_export(ctx.service, folder)
        except OSError as exc:
            raise CommandError(f"cannot write into {folder}: {exc.strerror or exc}") from None
        print(f"exported {written} articles' notes to {folder} ({new} new files, {written - new} updated)", file=sys.stderr)
        return
    comments = 0
    if args.format == "readwise":
        payload, comments = readwise_export(ctx.service)
    else:
        payload = notes_export(ctx.service, args.format)
    left_out = (f"{comments} comments on whole articles left out: Readwise takes highlights only "
                "(the md and json exports keep them)") if comments else ""
    if not output or output == "-":
        sys.stdout.write(payload)
        if left_out:
            print(left_out, file=sys.stderr)
        return
    target = Path(output).expanduser()
    if target.exists() and not args.force:
        raise CommandError(f"{target} already exists; use --force to overwrite it")
    if target.exists() and not target.is_file():
        raise CommandError(f"{target} is not a regular file")
    try:
        write_atomically(target.absolute(), payload.encode("utf-8"))
    except OSError as exc:
        raise CommandError(f"cannot write {target}: {exc.strerror or exc}") from None
    kept = [n for n in store.all_notes() if not n.deleted and (args.format != "readwise" or n.is_highlight)]
    print(f"exported {len(kept)} {'highlights' if args.format == 'readwise' else 'notes'} to {target}", file=sys.stderr)
    if left_out:
        print(left_out, file=sys.stderr)


def _print_versions(versions: list[tuple[str, str]], as_json: bool) -> None:
    if as_json:
        print(json.dumps([{"text": text, "updated": updated} for text, updated in versions], ensure_ascii=False))
        return
    for text, updated in versions:
        print(f"{local_time(updated)}\n    " + text.replace("\n", "\n    "))


def _list_backups(store, as_json: bool) -> None:
    import sqlite3

    rows = []
    for path in store.backups():
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            count = db.execute("SELECT count(*) FROM notes WHERE deleted IS NULL").fetchone()[0]
        finally:
            db.close()
        rows.append({"path": str(path), "date": path.stem.removeprefix("notes-"), "notes": count})
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        print(f"No backups yet (one is made each day the notes are used, in {store.backup_dir}).")
    for row in rows:
        print(f"{row['date']}  {row['notes']:>5} notes  {row['path']}")


def _import(ctx, args) -> None:
    try:
        payload = json.loads(Path(args.file).expanduser().read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    except ValueError:
        raise CommandError(f"{args.file} is not a JSON notes export") from None
    added, tags = notes_import(ctx.service, payload)
    if ctx.index().exists() or added or tags:
        ctx.update()  # attach the imported notes and tags to this library's articles, anchor and index them
    tagged = f" and {tags} tag{'s' if tags != 1 else ''}" if tags else ""
    print(f"imported {added} new note{'s' if added != 1 else ''}{tagged}")
