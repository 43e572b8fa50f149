"""The reader's notes and tags out of the app and back: to read (Markdown), to keep or move
(JSON, imported again by `notes import`), to Readwise (its import CSV) and to an Obsidian
vault; each with what the library knows of the articles now."""

from __future__ import annotations

import json
from pathlib import Path

from reader.notes.export import export_json, import_rows, import_tags, notes_markdown, readwise_csv
from reader.notes.obsidian import ArticleMeta, export_vault
from reader.notes.store import Note
from reader.service import ReaderService


def notes_export(svc: ReaderService, fmt: str) -> str:
    """Every note (and the reader's tags) as Markdown ('md', grouped by article) or JSON
    ('json', to import again)."""
    if fmt == "json":
        payload = export_json(svc.notes.all_notes(), svc.own_tags.rows())
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    articles = svc.articles()
    dates = {i.id: i.date.isoformat() for i in articles if i.date}
    return notes_markdown(svc.notes.all_notes(), dates, {i.id: i.tags for i in articles if i.tags})


def readwise_export(svc: ReaderService) -> tuple[str, int]:
    """Every highlight as Readwise's import CSV, with this library's titles, authors and
    web addresses; and how many comments on whole articles it leaves out."""
    notes = svc.notes.all_notes()
    articles = {key: (meta.title, ", ".join(meta.authors), meta.url) for key, meta in _annotated(svc, notes).items()}
    return readwise_csv(notes, articles)


def obsidian_export(svc: ReaderService, folder: Path) -> tuple[int, int]:
    """One Markdown file per annotated article in folder (reader.notes.obsidian), updated
    in place by a later export: (files written, of them new)."""
    notes = svc.notes.all_notes()
    return export_vault(notes, _annotated(svc, notes), folder)


def notes_import(svc: ReaderService, payload: dict) -> tuple[int, int]:
    """Add the notes and tags of a JSON export not here yet: (notes, tags) added. Highlights
    are anchored at the next update; this library's tags are indexed at once."""
    notes = svc.notes.insert_exported(import_rows(payload))
    rows = import_tags(payload)
    tags = svc.own_tags.insert(rows)
    if tags:  # this library's tagged articles, indexed with them now
        svc.reindex_notes({r.article for r in rows if r.library == svc.library})
    return notes, tags


def _annotated(svc: ReaderService, notes: list[Note]) -> dict[tuple[str, str], ArticleMeta]:
    """What this library knows of the articles the notes are on."""
    known = {i.id: i for i in svc.articles()}
    found = {}
    for article_id in {n.article for n in notes if n.library == svc.library and n.article in known}:
        info = known[article_id]
        found[(svc.library, article_id)] = ArticleMeta(
            info.title, info.authors, svc.index.address_of(article_id),
            info.date.isoformat() if info.date else "", info.tags)
    return found
