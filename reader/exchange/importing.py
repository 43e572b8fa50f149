"""What an import does with the items of an export (reader.exchange.formats reads them):
each is found in the library by its address (normalised: reader.library.addresses.url_key)
or, when the export names articles by title only, by its title; an item not found that
carries its article becomes a new saved page (reader.exchange.pages), never over a file;
then its tags become the reader's tags, archived becomes read, its highlights are anchored
by their passages (those not found kept, detached) and its comments added. Running it
again adds nothing twice: each of those is skipped when it is there already."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reader.exchange.formats import read_export
from reader.exchange.items import SERVICE_NAMES, ExportError, ExportFile, ImportReport, Item, Passage, Skipped
from reader.exchange.pages import page_bytes, write_new
from reader.library.addresses import url_key
from reader.library.tagging import tag_key
from reader.notes.anchoring import Quote, find_passage, locate, quote_at
from reader.notes.annotations import article_shown_text
from reader.service import ReaderService
from reader.text.analysis import fold_phrase

Progress = Callable[[int, int], None]
IMPORTED_FOLDER = "Imported"
FAVORITE = "favorite"


class NothingRead(ExportError):
    """An export none of whose items could be read; its report lists why, item by item."""

    def __init__(self, message: str, report: ImportReport):
        super().__init__(message)
        self.report = report


def import_file(svc: ReaderService, path: Path, into: Path | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Import the export at path into the library (new pages into `into`, by default
    Imported/<service> inside it). ExportError, before anything is changed, when the file
    is not an export or none of its items could be read."""
    export = read_export(path)
    report = ImportReport(export.service, path.name, skipped=list(export.skipped))
    if not export.items:
        if export.skipped:
            first = export.skipped[0]
            raise NothingRead(f"none of its {len(export.skipped)} items could be read "
                              f"(the first, {first.item}: {first.reason})", report)
        raise ExportError(f"a {SERVICE_NAMES.get(export.service, export.service)} export with no items in it")
    folder = _folder(svc, export, into)
    svc.update()
    found, to_write = _match(svc, export, report)
    if to_write:
        found += _write_pages(svc, export, to_write, folder, report)
    total = len(found)
    touched: set[str] = set()
    for n, (item, article_id, new) in enumerate(found, 1):
        _apply(svc, item, article_id, new, report)
        touched.add(article_id)
        if progress:
            progress(n, total)
    svc.index.reindex_notes(sorted(touched))
    return report


def _folder(svc: ReaderService, export: ExportFile, into: Path | None) -> Path:
    """Where new pages go: inside the library (a relative `into` is taken from its top)."""
    if into is None:
        return svc.root / IMPORTED_FOLDER / SERVICE_NAMES.get(export.service, export.service)
    folder = into if into.is_absolute() else svc.root / into
    try:
        folder.resolve().relative_to(svc.root.resolve())
    except ValueError:
        raise ExportError(f"--into {into}: new articles must go inside the library ({svc.root})") from None
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"--into {into} is a file, not a folder")
    return folder


def _match(svc: ReaderService, export: ExportFile, report: ImportReport):
    """The items found in the library [(item, id, False)], and those to write as pages."""
    titles: dict[str, str] = {}
    if any(i.by_title for i in export.items):
        for info in svc.articles():
            titles.setdefault(fold_phrase(info.title), info.id)
    found, to_write = [], []
    for item in export.items:
        article_id = (titles.get(fold_phrase(item.title)) if item.by_title
                      else svc.index.article_at_address(url_key(item.url)) if item.url else None)
        if article_id is not None:
            found.append((item, article_id, False))
            report.articles_matched += 1
            report.matched.append(article_id)
        elif item.carries_article:
            to_write.append(item)
        else:
            report.unmatched += 1
            why = "no article of the library has this title" if item.by_title else \
                "no article of the library has this address"
            report.skipped.append(Skipped(item.label, f"not in the library: {why}"))
    return found, to_write


def _write_pages(svc: ReaderService, export: ExportFile, items: list[Item], folder: Path, report: ImportReport):
    """Each item's article as a new page (the same item twice in one export: one page);
    then indexed, so that notes can go on it."""
    written: dict[str, Path] = {}
    pages = []
    for item in items:
        key = url_key(item.url) if item.url else ""
        if key and key in written:
            pages.append((item, written[key], False))
            continue
        if item.favorite and FAVORITE not in item.tags:
            item.tags = (*item.tags, FAVORITE)
        try:
            path, new = write_new(folder, item.title or item.url, page_bytes(item, export.service))
        except OSError as exc:
            report.skipped.append(Skipped(item.label, f"could not be written: {exc.strerror or exc}"))
            continue
        written[key or str(path)] = path
        pages.append((item, path, new))
    svc.update()
    found = []
    for item, path, new in pages:
        article_id = path.relative_to(svc.root).as_posix()
        if svc.article(article_id) is None:
            report.skipped.append(Skipped(item.label, "its page was written but could not be read back"))
            continue
        found.append((item, article_id, new))
        if new:
            report.articles_added += 1
            report.added.append(article_id)
            report.tags_added += len(item.tags)
        else:
            report.articles_matched += 1  # written by an earlier import of the same file
            report.matched.append(article_id)
    return found


def _apply(svc: ReaderService, item: Item, article_id: str, new: bool, report: ImportReport) -> None:
    info = svc.article(article_id)
    article = svc.read(article_id)
    if not new:
        report.tags_added += _add_tags(svc, item, info.id, article)
    if item.read and info.id not in svc.reading.read:
        svc.set_read(info.id)
        report.marked_read += 1
    notes = svc.notes.notes(svc.library, info.id)
    quoted = {" ".join(n.quote.exact.split()) for n in notes if n.quote}
    said = {n.text for n in notes if not n.quote}
    shown = None
    for highlight in item.highlights:
        if highlight.quote in quoted:
            continue
        shown = shown or article_shown_text(article)
        quote, anchor, position = _anchored(shown, highlight)
        svc.notes.add(svc.library, info.id, article.hash, info.title, highlight.comment, quote, anchor, position,
                      created=highlight.created)
        quoted.add(highlight.quote)
        report.highlights_added += 1
        report.highlights_detached += not anchor.attached
    for comment in item.comments:
        if comment and comment not in said:
            svc.notes.add(svc.library, info.id, article.hash, info.title, comment, created=item.saved)
            said.add(comment)
            report.notes_added += 1


def _add_tags(svc: ReaderService, item: Item, article_id: str, article) -> int:
    """The item's tags (and `favorite`) the article does not have yet, as the reader's;
    one the reader removed from it stays removed. How many were added."""
    wanted = (*item.tags, FAVORITE) if item.favorite else item.tags
    edits = svc.own_tags.edits(svc.library, article_id)
    have = {tag_key(t) for t in (*article.tags, *edits.added)} - edits.hidden
    adding = [t for t in wanted if tag_key(t) not in have and tag_key(t) not in edits.hidden]
    if adding:
        svc.own_tags.change(svc.library, article_id, article.hash, article.tags, adding)
    return len(adding)


def _anchored(shown, highlight: Passage):
    """The highlight's quote as it stands in the article, its anchor, its position; a
    passage not there (word for word or nearly) is kept detached, with its quote."""
    span = find_passage(shown.flat, highlight.quote)
    quote = quote_at(shown.flat, *span) if span else Quote(highlight.quote)
    anchor, position = locate(shown, quote, span[0] if span else None)
    return quote, anchor, position
