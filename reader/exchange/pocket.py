"""Pocket's export (the service closed in 2025; Pocket/pocket-monorepo
servers/account-data-deleter): `part_*.csv` rows `title,url,time_added[,cursor],tags,status`
(tags `|`-joined, status `archive` or `unread`) and `annotations/part_*.json`
(`[{url, title, highlights: [{quote, created_at}]}]`, Unix seconds). Its older HTML export
is read in reader.exchange.bookmarks."""

from __future__ import annotations

from reader.exchange.items import ExportFile, Item, Skipped, moment, passage, tag_list
from reader.exchange.tables import records
from reader.library.addresses import url_key, web_address


def from_csv(rows: list[list[str]], annotations: list[dict] = ()) -> ExportFile:
    export = ExportFile("pocket", [])
    by_key: dict[str, Item] = {}
    for row in records(rows, ("title", "url", "time_added", "status"), "Pocket's CSV"):
        url = web_address(row["url"])
        if not url:
            export.skipped.append(Skipped(row["title"] or row["url"] or "(a row)", "no web address"))
            continue
        item = Item(title=row["title"], url=url, saved=moment(row["time_added"]),
                    tags=tag_list(row.get("tags", ""), "|"), read=row["status"].lower() == "archive")
        export.items.append(item)
        by_key.setdefault(url_key(url), item)
    for page in annotations:
        url = web_address(page.get("url"))
        item = by_key.get(url_key(url)) if url else None
        if item is None:
            if not url:
                continue
            item = Item(title=str(page.get("title") or ""), url=url)
            export.items.append(item)
            by_key[url_key(url)] = item
        for highlight in page.get("highlights") or []:
            if isinstance(highlight, dict) and (found := passage(highlight.get("quote"), "", highlight.get("created_at"))):
                item.highlights.append(found)
    return export
