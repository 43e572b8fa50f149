"""Notes out and back in: a JSON export with everything needed to import it again,
and a Markdown export to read (a section per article, each passage quoted above its comment)."""

from __future__ import annotations

from collections import defaultdict

from reader.notes.anchoring import Quote
from reader.notes.database import MIGRATIONS
from reader.notes.own_tags import OwnTag
from reader.notes.store import Note, NotesError, clean_text, local_time, utc_now

EXPORT_FORMAT = "article-reader-notes"


def note_json(note: Note) -> dict:
    return {
        "id": note.id, "uid": note.uid, "library": note.library, "article": note.article,
        "article_hash": note.article_hash, "article_title": note.article_title, "text": note.text,
        "created": note.created, "updated": note.updated, "orphaned": note.orphaned, "deleted": note.deleted,
        "made_on": note.made_on, "quote": note.quote.to_json() if note.quote else None,
        "position": note.position, "color": note.color, "anchor": note.anchor.to_json() if note.anchor else None,
    }


def export_json(notes: list[Note], tags: list[OwnTag] = ()) -> dict:
    return {"format": EXPORT_FORMAT, "version": len(MIGRATIONS), "exported": utc_now(),
            "notes": [note_json(n) for n in notes],
            "tags": [{"library": t.library, "article": t.article, "article_hash": t.article_hash, "tag": t.tag,
                      "hidden": t.hidden, "created": t.created} for t in tags]}


def import_tags(payload: dict) -> list[OwnTag]:
    """The reader's tags of an export (exports before tags have none)."""
    try:
        return [OwnTag(str(t["library"]), str(t["article"]), str(t.get("article_hash", "")), str(t["tag"]),
                       bool(t.get("hidden")), str(t.get("created") or utc_now())) for t in payload.get("tags") or []]
    except (KeyError, TypeError, AttributeError) as exc:
        raise NotesError(f"malformed tag in export: {exc}") from None


def import_rows(payload: dict) -> list[tuple]:
    """The notes of an export as rows for NotesStore.insert_exported; anchors are not
    taken from the file: they are found again in the articles as they are here."""
    if not isinstance(payload, dict) or payload.get("format") != EXPORT_FORMAT:
        raise NotesError("not an article-reader notes export")
    rows = []
    for item in payload.get("notes") or []:
        try:
            quote = _quote(item.get("quote"))
            position = item.get("position")
            rows.append((
                str(item["uid"]), str(item["library"]), str(item["article"]), str(item.get("article_hash", "")),
                str(item.get("article_title", "")), clean_text(str(item["text"]), allow_empty=quote is not None),
                str(item["created"]), str(item["updated"]), int(bool(item.get("orphaned"))), item.get("deleted"),
                str(item.get("made_on") or item.get("article_hash", "")),
                quote.exact if quote else None, quote.prefix if quote else "", quote.suffix if quote else "",
                int(position) if isinstance(position, int) else None,
                str(item.get("color") or "yellow") if quote else None,
            ))
        except (KeyError, TypeError, ValueError, NotesError) as exc:
            raise NotesError(f"malformed note in export: {exc}") from None
    return rows


def _quote(value) -> Quote | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not str(value.get("exact") or "").strip():
        raise ValueError("a quote needs its exact passage")
    return Quote(str(value["exact"]), str(value.get("prefix") or ""), str(value.get("suffix") or ""))


def notes_markdown(notes: list[Note], dates: dict[str, str], tags: dict[str, tuple[str, ...]] | None = None) -> str:
    """Readable Markdown: per article its title, date, path and tags; its comments on the
    whole article, then its passages in the order they stand in the article, each a block
    quote above its comment."""
    tags = tags or {}
    by_article: dict[tuple[str, str], list[Note]] = defaultdict(list)
    for note in notes:
        if not note.deleted:
            by_article[(note.library, note.article)].append(note)
    out = ["# Notes from Article Reader", ""]
    for (library, article), items in sorted(by_article.items()):
        title = items[-1].article_title or article
        out += [f"## {title}", ""]
        details = [f"`{article}`", f"in {library}"]
        if dates.get(article):
            details.insert(0, dates[article])
        if any(n.orphaned for n in items):
            details.append("**article missing**")
        out += [" · ".join(details), ""]
        if tags.get(article):
            out += ["Tags: " + ", ".join(f"#{'-'.join(t.split())}" for t in tags[article]), ""]
        for note in sorted(items, key=reading_order):
            out += [f"### {_stamp(note)}", ""]
            if note.quote:
                out += ["> " + line if line else ">" for line in note.quote.exact.splitlines()]
                if note.anchor and not note.anchor.attached:
                    out += [">", "> *(passage no longer in the article)*"]
                out.append("")
            if note.text:
                out += [note.text, ""]
    return "\n".join(out).rstrip() + "\n"


def reading_order(note: Note) -> tuple:
    """Comments on the whole article first, then passages as they stand, detached ones last."""
    if note.quote is None:
        return (0, 0, note.created, note.id)
    if note.anchor and note.anchor.attached:
        return (1, note.anchor.start, note.created, note.id)
    return (2, note.position or 0, note.created, note.id)  # detached: last, in their old order


def _stamp(note: Note) -> str:
    stamp = local_time(note.created)
    if note.updated != note.created:
        stamp += f" (edited {local_time(note.updated)})"
    return stamp


READWISE_COLUMNS = ("Highlight", "Title", "Author", "URL", "Note", "Location", "Date")


def readwise_csv(notes: list[Note], articles: dict[tuple[str, str], tuple[str, str, str]]) -> tuple[str, int]:
    """Highlights as Readwise's import CSV (its documented columns), each article's in the
    order they stand in it, and how many comments on a whole article were left out (Readwise
    takes passages only; the Markdown and JSON exports keep them). articles: (library, id) ->
    (title, authors, web address), as the library knows them now."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(READWISE_COLUMNS)
    kept = [n for n in notes if not n.deleted and n.quote is not None]
    kept.sort(key=lambda n: (n.library, n.article, _place(n), n.created))
    for note in kept:
        title, authors, url = articles.get((note.library, note.article), (note.article_title, "", ""))
        writer.writerow((note.quote.exact, title or note.article_title, authors, url, note.text,
                         _place(note), _readwise_date(note.created)))
    comments = sum(1 for n in notes if not n.deleted and n.quote is None)
    return out.getvalue(), comments


def _place(note: Note) -> int:
    """Where the passage stands in its article (a character offset), for Readwise's Location."""
    if note.anchor is not None and note.anchor.attached and note.anchor.start is not None:
        return note.anchor.start
    return note.position if note.position is not None else 0


def _readwise_date(created: str) -> str:
    """ISO 8601 UTC as Readwise's importer reads dates: 'YYYY-MM-DD HH:MM:SS'."""
    return created.replace("T", " ").removesuffix("Z")[:19]
