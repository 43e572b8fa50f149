"""How a library's changed files go into its index: each article as a Whoosh document
(in its own language), streamed into one writer per update or, for big updates, into
segments written by worker processes; then one commit and one catalog transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from whoosh import index as whoosh_index

from reader.index import parallel, whoosh_fixes
from reader.index.schema import document
from reader.library.article import Article, NotAnArticle
from reader.library.catalog import ArticleInfo, Catalog, FileStat
from reader.library.scanning import FileEntry, Skipped, read_article
from reader.library.tagging import NO_EDITS, TagEdits, tags_with
from reader.text.analysis import analysing, vocabulary_words
from reader.text.languages import ENGLISH

# Here too, not only in reader.index.index: a worker process imports only this module.
whoosh_fixes.apply()

Listing = Callable[[list[ArticleInfo]], None]


class Destination(Protocol):
    """What a batch is written into: the index (reader.index.index.Index), its catalog."""

    catalog: Catalog
    _ix: Any

    def _writer(self): ...

    def notes_text(self, article_id: str) -> str: ...

    def own_tags(self) -> dict[str, TagEdits]: ...
LISTING_BATCH = 200
WORKER_REPORT_EVERY = 50


@dataclass
class IndexReport:
    library: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    seconds: float = 0.0
    rebuilt: str | None = None  # why the index was rebuilt from scratch, if it was
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id), same content
    new_ids: list[str] = field(default_factory=list)  # articles at paths not indexed before
    followed: list = field(default_factory=list)  # annotations.Followed: notes of renamed-and-edited articles

    def merge(self, part: "IndexReport") -> None:
        """Add the counts of a part of the same update (done by a worker process)."""
        self.added += part.added
        self.updated += part.updated
        self.unchanged += part.unchanged
        self.skipped.extend(part.skipped)
        self.warnings.extend(part.warnings)


def segment_writer(ix, **kwargs):
    """The writer of one new segment: Whoosh's, on the columnar codec (reader.index.columnar).
    Looked up here at each use, so the differential test can build a stock index."""
    from reader.index.columnar import ColumnarWriter  # numpy: not for an update that writes nothing

    return ColumnarWriter(ix, **kwargs)


def take_file(entry: FileEntry, before: FileStat | None, batch: "Batch", report: IndexReport,
              seen: set[str]) -> None:
    """Read one new or changed file into the batch, or note why it was skipped."""
    try:
        parsed = read_article(entry)
    except NotAnArticle as exc:
        report.skipped.append(Skipped(entry.id, str(exc)))
        return
    seen.add(entry.id)
    report.warnings.extend((entry.id, w) for w in parsed.warnings)
    article = batch.as_tagged(parsed.article)
    info = ArticleInfo.of(article, entry.size, entry.mtime_ns)
    if before and before.hash == article.hash:
        report.unchanged += 1
        batch.touched.append(info)  # same content: only the stats move
        return
    batch.add(article, info)
    if before:
        report.updated += 1
    else:
        report.added += 1


class Batch:
    """Changes streaming into one Whoosh writer (opened at the first change), plus any
    segments written by worker processes, then one commit and one catalog
    transaction; cancelled as a whole on any failure."""

    def __init__(self, index: Destination | None, listing: Listing | None = None):
        self.index = index
        self.listing = listing
        # The reader's tags of every article, read once: a query per article cost a build 1 %.
        self.tags: dict[str, TagEdits] = index.own_tags() if index is not None else {}
        self.writer = None
        self.segments: list = []
        self.infos: list[ArticleInfo] = []
        self.touched: list[ArticleInfo] = []
        self.removed: list[str] = []
        self.words: set[tuple[str, str]] = set()  # (folded, language), for the catalog's vocabulary
        self.spellings: set[tuple[str, str, str]] = set()  # (folded, with accents, language)
        # Words as written, per language, folded once at the end: real text repeats its
        # words, and folding each article's words on its own cost 0.8 ms an article.
        self.written: dict[str, set[str]] = {}

    def vocabulary(self) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
        """The folded words and accented spellings of everything the batch read."""
        keys, spellings = vocabulary_words(self.written)
        return self.words | keys, self.spellings | spellings

    def open_writer(self):
        if self.writer is None:
            self.writer = self.index._writer()
        return self.writer

    def notes_text(self, article_id: str) -> str:
        return self.index.notes_text(article_id)

    def as_tagged(self, article: Article) -> Article:
        """The article with the tags the reader sees (tagging.tags_with): what is indexed
        and listed, whichever way it comes into the batch."""
        edits = self.tags.get(article.id, NO_EDITS)
        return replace(article, tags=tags_with(article.tags, edits)) if edits else article

    def add(self, article: Article, info: ArticleInfo) -> None:
        notes = self.notes_text(article.id)
        with analysing(article.lang, self.written.setdefault(article.lang or ENGLISH, set())):
            self._write(document(article, info.words, notes))
        self.took([info])

    def _write(self, doc: dict) -> None:
        self.open_writer().update_document(**doc)

    def took(self, infos: list[ArticleInfo]) -> None:
        """Articles now in the batch; the list on screen gets them in LISTING_BATCH steps."""
        start = len(self.infos) - len(self.infos) % LISTING_BATCH  # the first not yet listed
        self.infos.extend(infos)
        end = len(self.infos) - len(self.infos) % LISTING_BATCH
        if self.listing and end > start:
            self.listing(self.infos[start:end])

    def remove(self, article_ids: list[str]) -> None:
        for article_id in article_ids:
            self.open_writer().delete_by_term("id", article_id)
        self.removed = article_ids

    def finish(self) -> None:
        if self.listing and len(self.infos) % LISTING_BATCH:
            self.listing(self.infos[-(len(self.infos) % LISTING_BATCH):])
        if self.writer is not None:
            parallel.commit_with_segments(self.writer, self.segments)
            self.writer = None
        if self.infos or self.touched or self.removed:
            generation = str(self.index._ix.latest_generation())
            self.index.catalog.apply(self.infos + self.touched, self.removed, {"generation": generation},
                                     *self.vocabulary())

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None


class PartBatch(Batch):
    """A worker process's share of a batch: added straight into a segment of its own
    (no deletes: the parent replaces changed articles), notes given by the parent."""

    def __init__(self, writer, notes: dict[str, str], tags: dict[str, TagEdits]):
        super().__init__(None)
        self.writer = writer
        self.notes = notes
        self.tags = tags
        self.sent = 0

    def notes_text(self, article_id: str) -> str:
        return self.notes.get(article_id, "")

    def _write(self, doc: dict) -> None:
        self.writer.add_document(**doc)

    def unsent(self) -> list[ArticleInfo]:
        infos, self.sent = self.infos[self.sent:], len(self.infos)
        return infos


def index_part(entries: list[FileEntry], index_dir: str, befores: dict[str, FileStat],
                notes: dict[str, str], tags: dict[str, TagEdits], limitmb: int, most: int,
                send: Callable[[tuple], None]) -> None:
    """A worker process's whole job: its files into new segments of the index, each of at
    most `most` articles (a segment is sorted in memory when finished: a worker's memory
    then does not grow with the library)."""
    def new_writer():
        return segment_writer(whoosh_index.open_dir(index_dir), _lk=False, limitmb=limitmb)

    part = PartBatch(new_writer(), notes, tags)
    segments = []
    report = IndexReport("")
    seen: set[str] = set()
    reported = 0
    for n, entry in enumerate(entries, 1):
        take_file(entry, befores.get(entry.id), part, report, seen)
        if n % WORKER_REPORT_EVERY == 0 or n == len(entries):
            send(("files", n - reported, part.unsent()))
            reported = n
        if part.writer.doc_count() >= most and n < len(entries):
            segments.append(part.writer._finalize_segment())
            part.writer = new_writer()
    if part.writer._added:
        segments.append(part.writer._finalize_segment())
    else:
        part.writer._close_segment()
    # The temporary folder is shared with the parent's writer, which removes it.
    send(("done", segments, report, seen, part.touched, part.vocabulary()))


def renames(old: dict[str, FileStat], removed: list[str], added: list[ArticleInfo]) -> list[tuple[str, str]]:
    """Files that left one path and appeared at another with the same content."""
    gone_by_hash: dict[str, list[str]] = {}
    for article_id in removed:
        gone_by_hash.setdefault(old[article_id].hash, []).append(article_id)
    pairs = []
    for info in added:
        if info.id in old:
            continue
        candidates = gone_by_hash.get(info.hash)
        if candidates:
            pairs.append((candidates.pop(0), info.id))
    return pairs
