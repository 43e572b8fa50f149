"""wallabag's exports (wallabag/wallabag src/Helper/EntriesExport.php): JSON, each entry
with its content, tags, archived and starred flags, times, authors and annotations (a
comment `text` on a `quote`); and CSV (`;`-separated Title, URL, Content, Tags, MIME Type,
Language, Creation date: no annotations, no read state)."""

from __future__ import annotations

import datetime as dt

from reader.exchange.items import ExportFile, Item, Skipped, day, moment, passage, tag_list
from reader.exchange.tables import records
from reader.library.addresses import web_address


def from_json(records: list[dict]) -> ExportFile:
    export = ExportFile("wallabag", [])
    for entry in records:
        url = web_address(entry.get("url"))
        if not url and not str(entry.get("content") or "").strip():
            export.skipped.append(Skipped(str(entry.get("title") or "(an entry)"), "neither an address nor content"))
            continue
        notes = [a for a in entry.get("annotations") or [] if isinstance(a, dict)]
        authors = entry.get("published_by")
        export.items.append(Item(
            title=str(entry.get("title") or "").strip(),
            url=url,
            authors=tuple(str(a) for a in authors if a) if isinstance(authors, list) else (),
            published=day(entry.get("published_at")) or day(entry.get("created_at")),
            saved=moment(entry.get("created_at")),
            tags=tag_list([t.get("label") if isinstance(t, dict) else t for t in entry.get("tags") or []]),
            read=bool(entry.get("is_archived")),
            favorite=bool(entry.get("is_starred")),
            lang=str(entry.get("language") or "").split("_")[0].split("-")[0],
            html=str(entry.get("content") or ""),
            highlights=[p for a in notes if (p := passage(a.get("quote"), a.get("text"), a.get("created_at")))],
        ))
    return export


def from_csv(rows: list[list[str]]) -> ExportFile:
    export = ExportFile("wallabag", [])
    for row in records(rows, ("Title", "URL", "Content"), "wallabag's CSV"):
        url, content = web_address(row["url"]), row["content"]
        if not url and not content:
            export.skipped.append(Skipped(row["title"] or "(a row)", "neither an address nor content"))
            continue
        created = _csv_time(row.get("creation date", ""))
        export.items.append(Item(
            title=row["title"], url=url, tags=tag_list(row.get("tags", "")), html=content,
            lang=row.get("language", "").split("_")[0].split("-")[0],
            published=dt.date.fromisoformat(created[:10]) if created else None, saved=created,
        ))
    return export


def _csv_time(text: str) -> str:
    """wallabag's CSV time, PHP's 'd/m/Y h:i:s' (a 12-hour clock without am/pm: kept as given)."""
    try:
        return moment(dt.datetime.strptime(text, "%d/%m/%Y %H:%M:%S").isoformat())
    except ValueError:
        return moment(text)
