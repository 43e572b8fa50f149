"""Recognising an export by its content, never its name, and handing it to the reader of
its service. Everything here is pure Python (json, csv, zipfile, html.parser): no C parser
of our own reads an untrusted export, and a file too big to be one is refused unread."""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from reader.exchange import bookmarks, lists, omnivore, pocket, wallabag
from reader.exchange.tables import rows_of as _rows
from reader.exchange.items import ExportError, ExportFile

MAX_FILE_BYTES = 512 * 2**20  # a JSON, CSV or HTML export (Pocket's biggest are a few MB)
MAX_ZIP_BYTES = 8 * 2**30  # an Omnivore export with every article's content
MAX_MEMBER_BYTES = 256 * 2**20  # one file inside a ZIP, uncompressed
_MAGIC = {b"\xff\xd8\xff": "a JPEG image", b"\x89PNG": "a PNG image", b"GIF8": "a GIF image",
          b"%PDF": "a PDF document", b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive",
          b"7z\xbc\xaf": "a 7-Zip archive", b"SQLite format 3": "an SQLite database"}


def read_export(path: Path) -> ExportFile:
    """The items of the export at path; ExportError (one line) when it is not one we read."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ExportError("not a file")
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise ExportError(f"cannot be read: {exc.strerror or exc}") from None
    if size == 0:
        raise ExportError("the file is empty")
    if head.startswith(b"PK"):
        if size > MAX_ZIP_BYTES:
            raise ExportError(f"too big to be an export ({size / 2**30:.1f} GB; a ZIP export may be up to "
                              f"{MAX_ZIP_BYTES // 2**30} GB)")
        return _read_zip(path)
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise ExportError(f"{what}, not an export")
    if size > MAX_FILE_BYTES:
        raise ExportError(f"too big to be an export ({size / 2**30:.1f} GB; a JSON, CSV or HTML export may be up "
                          f"to {MAX_FILE_BYTES // 2**20} MB)")
    return read_text_export(_text(path.read_bytes()))


def read_text_export(text: str) -> ExportFile:
    """A JSON, HTML or CSV export, told apart by how it starts and what it holds."""
    start = text.lstrip()[:1]
    if start in ("{", "["):
        return _read_json(text)
    if start == "<":
        return _read_html(text)
    return _read_csv(text)


def _text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ExportError("binary data, not an export")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # old spreadsheet CSVs


def _read_json(text: str) -> ExportFile:
    try:
        data = json.loads(text)
    except ValueError as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise ExportError(f"not valid JSON{where}: cut short or damaged") from None
    if isinstance(data, dict) and data.get("format") == "article-reader-notes":
        raise ExportError("this is Article Reader's own notes export: bring it in with 'article-reader notes import'")
    if isinstance(data, dict) and isinstance(data.get("bookmarks"), list):
        return lists.karakeep(data)
    records = [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []
    first = records[0] if records else {}
    if "highlights" in first and "url" in first:
        return lists.obsidian_clipper(records)
    if {"is_archived", "content"} <= set(first) or ("annotations" in first and "url" in first):
        return wallabag.from_json(records)
    if {"slug", "savedAt"} <= set(first):
        return omnivore.from_files(records, {}, {})
    if isinstance(data, list) and not data:
        raise ExportError("an empty JSON list: nothing to import")
    raise ExportError("JSON, but not an export this knows (Omnivore, wallabag, Karakeep, Obsidian Web Clipper)")


def _read_html(text: str) -> ExportFile:
    head = text[:2000].lower()
    if "netscape-bookmark-file" in head or "<dl" in text[:20000].lower():
        return bookmarks.netscape(text)
    if "pocket export" in head or "read archive" in text.lower():
        return bookmarks.pocket_html(text)
    raise ExportError("an HTML page, not an export (a browser's bookmarks or Pocket's ril_export.html)")


def _read_csv(text: str) -> ExportFile:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if first.startswith("Title;URL;"):
        return wallabag.from_csv(_rows(text, ";"))
    rows = _rows(text, ",")
    header = {c.strip().lower() for c in rows[0]} if rows else set()
    if {"highlight", "book title"} <= header:
        return lists.readwise_highlights(rows)
    if {"title", "url", "document tags"} <= header or {"title", "url", "saved date"} <= header:
        return lists.readwise_reader(rows)
    if {"title", "url", "time_added"} <= header:
        return pocket.from_csv(rows)
    if {"url", "title", "selection"} <= header:
        return lists.instapaper(rows)
    shown = ", ".join(c.strip() for c in rows[0][:8]) if rows else ""
    raise ExportError(f"not an export this knows (a table with the columns {shown or 'none'})")


# ---------------------------------------------------------------- ZIP exports


def _read_zip(path: Path) -> ExportFile:
    try:
        with zipfile.ZipFile(path) as archive:
            members = {PurePosixPath(i.filename): i for i in archive.infolist()
                       if not i.is_dir() and "__MACOSX" not in i.filename.split("/")
                       and not PurePosixPath(i.filename).name.startswith("._")}
            names = {p.name for p in members}
            if any(n.startswith("metadata_") and n.endswith(".json") for n in names):
                return _omnivore_zip(archive, members)
            if any(n.startswith("part_") and n.endswith(".csv") for n in names):
                return _pocket_zip(archive, members)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise ExportError(f"not a complete ZIP archive (truncated or damaged: {exc})") from None
    except NotImplementedError as exc:
        raise ExportError(f"a ZIP archive this cannot open ({exc})") from None
    raise ExportError("a ZIP archive, but not an export this knows (Omnivore's or Pocket's)")


def _member_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    if info.file_size > MAX_MEMBER_BYTES:
        raise ExportError(f"{info.filename} inside the archive is too big ({info.file_size / 2**20:.0f} MB)")
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
        raise ExportError(f"{info.filename} inside the archive is damaged ({exc})") from None
    return _text(data)


def _omnivore_zip(archive, members) -> ExportFile:
    records = []
    for path, info in sorted(members.items(), key=lambda m: str(m[0])):
        if path.name.startswith("metadata_") and path.suffix == ".json":
            try:
                data = json.loads(_member_text(archive, info))
            except ValueError:
                raise ExportError(f"{path} inside the archive is not valid JSON") from None
            if not isinstance(data, list):
                raise ExportError(f"{path} inside the archive is not a list of items")
            records.extend(data)
    # Omnivore appended content/<slug>.html twice for an item not yet cached: the last one wins.
    contents = {p.stem: info for p, info in members.items() if p.parent.name == "content" and p.suffix == ".html"}
    highlights = {p.stem: info for p, info in members.items() if p.parent.name == "highlights" and p.suffix == ".md"}
    return omnivore.from_files(records, {k: _member_text(archive, i) for k, i in contents.items()},
                               {k: _member_text(archive, i) for k, i in highlights.items()})


def _pocket_zip(archive, members) -> ExportFile:
    rows: list[list[str]] = []
    annotations = []
    for path, info in sorted(members.items(), key=lambda m: str(m[0])):
        if path.name.startswith("part_") and path.suffix == ".csv" and path.parent.name != "annotations":
            part = _rows(_member_text(archive, info), ",")
            rows.extend(part if not rows else part[1:])
        elif path.parent.name == "annotations" and path.suffix == ".json":
            try:
                data = json.loads(_member_text(archive, info))
            except ValueError:
                raise ExportError(f"{path} inside the archive is not valid JSON") from None
            annotations.extend(d for d in data if isinstance(d, dict)) if isinstance(data, list) else None
    return pocket.from_csv(rows, annotations)
