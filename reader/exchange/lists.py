"""The exports that are lists of addresses (with tags, read state and highlights), one
reader each: Instapaper's CSV, Readwise's highlights CSV and Reader's library CSV,
Karakeep's (Hoarder's) JSON and Obsidian Web Clipper's highlights JSON. Each is read as
the service's own code writes it; the sources are named in the README of ../shared/imports
and in docs/IMPORTS.md."""

from __future__ import annotations

import ast
import json

from reader.exchange.items import ExportFile, Item, Skipped, moment, passage, tag_list
from reader.exchange.tables import records
from reader.library.addresses import web_address


def instapaper(rows: list[list[str]]) -> ExportFile:
    """URL,Title,Selection,Folder (Unread, Archive, Starred or the reader's own), and since
    November 2025 Timestamp,Tags (a JSON list)."""
    export = ExportFile("instapaper", [])
    for row in records(rows, ("URL", "Title", "Selection", "Folder"), "an Instapaper CSV"):
        url = web_address(row["url"])
        if not url:
            export.skipped.append(Skipped(row["title"] or row["url"] or "(a row)", "no web address"))
            continue
        folder = row["folder"].lower()
        selection = passage(row["selection"])
        export.items.append(Item(title=row["title"], url=url, saved=moment(row.get("timestamp")),
                                 tags=_json_tags(row.get("tags", "")), read=folder == "archive",
                                 favorite=folder == "starred", highlights=[selection] if selection else []))
    return export


def readwise_highlights(rows: list[list[str]]) -> ExportFile:
    """One row per highlight, its article named by title and author only (no address)."""
    export = ExportFile("readwise", [])
    items: dict[tuple[str, str], Item] = {}
    for row in records(rows, ("Highlight", "Book Title"), "Readwise's highlights CSV"):
        title = " ".join(row["book title"].split())
        found = passage(row["highlight"], row.get("note", ""), row.get("highlighted at", ""))
        if not title or found is None:
            export.skipped.append(Skipped(title or row["highlight"][:60] or "(a row)",
                                          "a highlight without its passage or its title"))
            continue
        key = (title.lower(), row.get("book author", "").lower())
        if key not in items:
            author = row.get("book author", "")
            items[key] = Item(title=title, authors=(author,) if author else (), by_title=True)
            export.items.append(items[key])
        item = items[key]
        item.highlights.append(found)
        item.tags = tag_list((*item.tags, *tag_list(row.get("document tags", ""))))
    return export


def readwise_reader(rows: list[list[str]]) -> ExportFile:
    """Reader's library: Title,URL,ID,Document tags (a Python list),Saved date,Reading
    progress,Location (new, later, archive, feed),Seen. Feed items were never saved."""
    export = ExportFile("readwise-reader", [])
    for row in records(rows, ("Title", "URL"), "Readwise Reader's CSV"):
        url = web_address(row["url"])
        if row.get("location", "").lower() == "feed":
            export.skipped.append(Skipped(row["title"] or row["url"], "in Reader's feed: never saved"))
            continue
        if not url:
            export.skipped.append(Skipped(row["title"] or row["url"] or "(a row)", "no web address"))
            continue
        export.items.append(Item(title=row["title"], url=url, saved=moment(row.get("saved date")),
                                 tags=_python_tags(row.get("document tags", "")),
                                 read=row.get("location", "").lower() == "archive"))
    return export


def karakeep(data: dict) -> ExportFile:
    """{bookmarks: [{createdAt, title, tags, lists, content: {type: link, url} | {type: text,
    text}, note, archived}], lists}. Lists are Karakeep's folders: not tags."""
    export = ExportFile("karakeep", [])
    for mark in data["bookmarks"]:
        if not isinstance(mark, dict) or not isinstance(mark.get("content"), dict):
            export.skipped.append(Skipped(str(mark.get("title") if isinstance(mark, dict) else "") or "(a bookmark)",
                                          "not a Karakeep bookmark"))
            continue
        content, title = mark["content"], str(mark.get("title") or "").strip()
        item = Item(title=title, saved=moment(mark.get("createdAt")), tags=tag_list(mark.get("tags") or []),
                    read=bool(mark.get("archived")), comments=[str(mark["note"]).strip()] if mark.get("note") else [])
        if content.get("type") == "link" and web_address(content.get("url")):
            item.url = web_address(content["url"])
        elif content.get("type") == "text" and str(content.get("text") or "").strip():
            item.text = str(content["text"])
            item.title = title or item.text.strip().split("\n", 1)[0][:80]
        else:
            export.skipped.append(Skipped(title or "(a bookmark)", f"a {content.get('type') or 'bookmark'} whose "
                                          "content is not in the export"))
            continue
        export.items.append(item)
    return export


def obsidian_clipper(records_: list[dict]) -> ExportFile:
    """[{url, title?, highlights: [{text, timestamp, notes?}], data?}]: pages and their
    highlights, the reader's notes on each."""
    export = ExportFile("obsidian-clipper", [])
    for page in records_:
        url = web_address(page.get("url"))
        if not url:
            export.skipped.append(Skipped(str(page.get("title") or page.get("url") or "(a page)"), "no web address"))
            continue
        highlights = [p for h in page.get("highlights") or [] if isinstance(h, dict)
                      and (p := passage(h.get("text"), "\n\n".join(map(str, h.get("notes") or [])), h.get("timestamp")))]
        export.items.append(Item(title=str(page.get("title") or ""), url=url, highlights=highlights))
    return export


def _json_tags(text: str) -> tuple[str, ...]:
    try:
        return tag_list(json.loads(text)) if text.strip() else ()
    except ValueError:
        return tag_list(text)


def _python_tags(text: str) -> tuple[str, ...]:
    """Reader's tags, a Python list as Python prints one: ['a', "it's"]."""
    if not text.strip():
        return ()
    for candidate in (text, text.replace("\\\\", "\\")):  # written with its backslash doubled, too
        try:
            return tag_list(ast.literal_eval(candidate))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue
    return tag_list(text.strip("[]").replace("'", ""))
