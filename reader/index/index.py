"""The full-text index of one library: build it and keep it current.

The index (Whoosh) and the catalog (SQLite) live in the data directory and are
caches of the library: whenever either is missing, unreadable, damaged, of an
older format or out of step with the other, both are rebuilt from the files.
Searching it is reader.search.searching's.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from whoosh import index as whoosh_index, scoring
from whoosh.writing import LockError

from reader.index import parallel, whoosh_fixes, writing
from reader.index.codec import check_postings
from reader.index.schema import INDEX_FORMAT, make_schema
from reader.index.writing import LISTING_BATCH, Batch, IndexReport, Listing, index_part, renames, take_file
from reader.library.article import NotAnArticle
from reader.library.catalog import CATALOG_FORMAT, ArticleInfo, Catalog, FileStat
from reader.library.scanning import FileEntry, list_part, listed_infos, read_article, scan_library
from reader.library.tagging import TagEdits
from reader.locations import library_state_dir

whoosh_fixes.apply()

WRITER_TIMEOUT_S = 60.0
NO_INDEX_YET = "no index yet"

Progress = Callable[[int, int], None]
METADATA_FIRST = 300  # new files from which a list on screen gets a quick metadata pass first
FILES_PER_WORKER = 300  # a worker process costs ~0.3 s to start: worth it from this many files
FILES_PER_LISTER = 2500  # a quick listing reads ~0.1 ms a file: a worker is worth it from this many
WRITER_LIMIT_MB = 128
# A first build of a huge library commits every so many files: a crash or a cancel
# then costs at most one part, and the next run goes on from there.
COMMIT_EVERY = 50_000
SEGMENT_ARTICLES = 12_500  # a worker's segment at most: sorting one peaks at ~25 MB per 1,000


class IndexBusy(Exception):
    """Another process holds the index's write lock for longer than we wait."""


class Index:
    """One library's index and catalog, opened once and kept open (searches reuse
    a single searcher, refreshed after each commit)."""

    def __init__(self, root: Path, data: Path, notes_text: Callable[[str], str] | None = None,
                 own_tags: Callable[[], dict[str, TagEdits]] | None = None):
        self.root = root
        self.state = library_state_dir(data, root)
        self.index_dir = self.state / "index"
        # What the reader adds to each article (in the notes database): searched with it.
        self.notes_text = notes_text or (lambda article_id: "")
        self.own_tags = own_tags or dict  # every article's TagEdits, by id
        self._ix = None
        self._searcher = None
        self.catalog: Catalog | None = None
        self._languages: tuple[str, frozenset[str]] | None = None  # (generation, languages)

    # ------------------------------------------------------------ opening

    def _has_toc(self) -> bool:
        # Not whoosh_index.exists_in(): it raises on a damaged TOC instead of answering.
        return any(self.index_dir.glob("_MAIN_*.toc"))

    def exists(self) -> bool:
        return (self.state / "catalog.sqlite").exists() and self._has_toc()

    def open(self, repair: bool = True) -> str | None:
        """Open index and catalog. When unusable, rebuild them empty (repair) or stay
        closed (a reader beside the one writer must never rebuild). Returns the problem."""
        if self._ix is not None:
            return None
        if not repair:
            problem = self._try_open() if self.state.is_dir() else NO_INDEX_YET
            if problem:
                self.close()
            return problem
        self.state.mkdir(parents=True, exist_ok=True)
        (self.state / "library.txt").write_text(str(self.root), encoding="utf-8", errors="surrogateescape")
        problem = self._try_open()
        if problem:
            self._reset()
        return problem

    @property
    def is_open(self) -> bool:
        return self._ix is not None

    def _try_open(self) -> str | None:
        if not self._has_toc():
            return NO_INDEX_YET
        try:
            self.catalog = Catalog(self.state / "catalog.sqlite")
            if self.catalog.get_meta("format") != f"{INDEX_FORMAT}.{CATALOG_FORMAT}":
                return "index from an older version"
            ix = whoosh_index.open_dir(str(self.index_dir))
            if str(ix.latest_generation()) != self.catalog.get_meta("generation"):
                return "index and catalog out of step (interrupted update?)"
            with ix.searcher() as searcher:
                if searcher.doc_count() != self.catalog.count():
                    return "index incomplete"
            check_postings(ix, str(self.index_dir))
            self._ix = ix
            return None
        except Exception as exc:  # noqa: BLE001 - any failure to read a cache means: rebuild it
            return f"index unreadable ({type(exc).__name__})"

    def _reset(self) -> None:
        self.close()
        shutil.rmtree(self.index_dir, ignore_errors=True)
        for name in ("catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"):
            (self.state / name).unlink(missing_ok=True)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._ix = whoosh_index.create_in(str(self.index_dir), make_schema())
        self.catalog = Catalog(self.state / "catalog.sqlite")
        self.catalog.apply([], [], {"format": f"{INDEX_FORMAT}.{CATALOG_FORMAT}", "generation": str(self._ix.latest_generation())})

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None
        if self.catalog is not None:
            self.catalog.close()
            self.catalog = None

    # ------------------------------------------------------------ updating

    @contextmanager
    def _exclusive(self):
        """One updater per library at a time, across processes: without it two fresh
        runs could both rebuild, one deleting the other's files. Readers never wait."""
        self.state.mkdir(parents=True, exist_ok=True)
        with open(self.state / "update.lock", "a+b") as handle:
            deadline = time.monotonic() + WRITER_TIMEOUT_S
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexBusy("the index is being updated by another process; try again shortly") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def update(self, rebuild: bool = False, progress: Progress | None = None,
               listing: Listing | None = None) -> IndexReport:
        with self._exclusive():
            return self._update(rebuild, progress, listing)

    def _update(self, rebuild: bool, progress: Progress | None, listing: Listing | None) -> IndexReport:
        """Bring the index in line with the library, re-reading only changed files.

        Articles stream into one writer as they are read, so memory stays bounded
        (Whoosh spills its pool to disk past limitmb); a huge batch commits every
        COMMIT_EVERY files. progress(done, total) is called per file read and may raise
        to cancel (the index is then left as at its last commit).
        listing(infos) receives articles in batches; when many files are new it first
        gets all of them from a quick metadata-only pass, so a list on screen is
        complete long before the full text is indexed."""
        started = time.perf_counter()
        report = IndexReport(str(self.root))
        if rebuild:
            self.close()
            self.state.mkdir(parents=True, exist_ok=True)
            self._reset()
        else:
            reason = self.open()
            if reason and reason != NO_INDEX_YET:
                report.rebuilt = reason
        scan = scan_library(self.root)
        report.skipped.extend(scan.skipped)
        old = self.catalog.stats()
        seen = _unchanged(scan, old)
        report.unchanged = len(seen)
        candidates = [e for e in scan.files if e.id not in seen]
        listed_early = bool(listing) and len(candidates) >= METADATA_FIRST
        if listed_early:
            self._list_quickly(candidates, listing)
        infos: list[ArticleInfo] = []
        parts = [candidates[i:i + COMMIT_EVERY] for i in range(0, len(candidates), COMMIT_EVERY)] or [[]]
        for number, part in enumerate(parts):
            batch = Batch(self, listing if listing and not listed_early else None)
            done = number * COMMIT_EVERY
            part_progress = progress and (lambda n, _, done=done: progress(done + n, len(candidates)))
            try:
                self._take_all(part, old, batch, report, seen, part_progress)
                if number == len(parts) - 1:
                    removed = [i for i in old if i not in seen]
                    batch.remove(removed)
                batch.finish()
            except BaseException:
                batch.cancel()
                raise
            infos.extend(batch.infos)
        report.removed = len(removed)
        report.renamed = renames(old, removed, infos)
        report.new_ids = [i.id for i in infos if i.id not in old]
        report.seconds = time.perf_counter() - started
        return report

    def pending(self) -> tuple[bool, int]:
        """Whether an update would change anything (an index to build or mend, a file new,
        changed or gone), and how many files the scan skipped: an update's first look,
        without its write lock or its work (reader.index.recheck asks it in a child)."""
        problem = self._try_open() if self.state.is_dir() else NO_INDEX_YET
        if problem:
            self.close()
            return True, 0
        scan = scan_library(self.root)
        old = self.catalog.stats()
        seen = _unchanged(scan, old)  # a file new or changed, or one gone, is work
        return len(seen) != len(scan.files) or len(seen) != len(old), len(scan.skipped)

    def _take_all(self, candidates: list[FileEntry], old: dict[str, FileStat], batch: Batch,
                  report: IndexReport, seen: set[str], progress: Progress | None) -> None:
        workers = parallel.worker_count(len(candidates), FILES_PER_WORKER)
        if workers > 1:
            self._take_in_workers(candidates, workers, old, batch, report, seen, progress)
            return
        for n, entry in enumerate(candidates, 1):
            if progress:
                progress(n, len(candidates))
            take_file(entry, old.get(entry.id), batch, report, seen)

    def _take_in_workers(self, candidates: list[FileEntry], workers: int, old: dict[str, FileStat],
                         batch: Batch, report: IndexReport, seen: set[str], progress: Progress | None) -> None:
        """take_file() for every candidate, in worker processes that each write one
        segment; this process holds the write lock and replaces changed articles."""
        parts = [candidates[i::workers] for i in range(workers)]
        befores = {e.id: old[e.id] for e in candidates if e.id in old}
        notes = {e.id: text for e in candidates if (text := self.notes_text(e.id))}
        tags = {e.id: batch.tags[e.id] for e in candidates if e.id in batch.tags}
        writer = batch.open_writer()
        done = 0
        shared = (str(self.index_dir), befores, notes, tags, WRITER_LIMIT_MB // workers, SEGMENT_ARTICLES)
        for message in parallel.messages(index_part, parts, shared):
            if message[0] == "files":
                _, count, infos = message
                for info in infos:
                    if info.id in old:
                        writer.delete_by_term("id", info.id)
                batch.took(infos)
                done += count
                if progress:
                    progress(done, len(candidates))
            else:
                _, segments, part_report, part_seen, touched, (words, spellings) = message
                batch.segments.extend(segments)
                batch.touched.extend(touched)
                batch.words |= words
                batch.spellings |= spellings
                seen |= part_seen
                report.merge(part_report)

    def _list_quickly(self, entries: list[FileEntry], listing: Listing) -> None:
        # In worker processes when there are many: in this process the pass shares the GIL
        # with a window inserting the rows it sends, and took 2.1 s for 10,000 files.
        workers = parallel.worker_count(len(entries), FILES_PER_LISTER)
        if workers > 1:
            try:
                parts = [entries[i::workers] for i in range(workers)]
                for message in parallel.messages(list_part, parts, (LISTING_BATCH * 5,)):
                    if message[0] == "infos":
                        listing(message[1])
                return
            except RuntimeError:
                pass  # a worker failed: list here instead (rows already listed are only refreshed)
        listed_infos(entries, LISTING_BATCH * 5, listing)

    def _writer(self):
        try:
            return writing.segment_writer(self._ix, timeout=WRITER_TIMEOUT_S, limitmb=WRITER_LIMIT_MB)
        except LockError:
            raise IndexBusy("the index is being updated by another process; try again shortly") from None

    def reindex_notes(self, article_ids: list[str]) -> None:
        """Re-index articles whose notes changed, from the catalog's files."""
        if article_ids and self.is_open:
            with self._exclusive():
                self._reindex_notes(article_ids)

    def _reindex_notes(self, article_ids: list[str]) -> None:
        batch = Batch(self)
        try:
            for article_id in article_ids:
                info = self.catalog.get(article_id) if self.catalog else None
                if info is None:
                    continue
                entry = FileEntry(article_id, self.root / article_id, info.size, info.mtime_ns)
                try:
                    article = batch.as_tagged(read_article(entry).article)
                except NotAnArticle:
                    continue
                batch.add(article, replace(info, tags=article.tags))
            batch.finish()
        except BaseException:
            batch.cancel()
            raise

    # ------------------------------------------------------------ reading

    def searcher(self):
        """The kept-open searcher, reopened when any process has committed since.

        Not Searcher.refresh(): whoosh-reloaded reuses a segment's reader by segment
        id, keeping its old deleted-documents set, so an article replaced inside an
        existing segment showed up twice."""
        if self._searcher is not None and not self._searcher.up_to_date():
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        return self._searcher

    def listed_articles(self) -> list[ArticleInfo]:
        """The catalog's articles without opening Whoosh: what a window shows at launch,
        before any check (the update that follows corrects anything stale)."""
        if self.catalog is not None:
            return self.articles()
        path = self.state / "catalog.sqlite"
        if not path.exists():
            return []
        try:
            catalog = Catalog(path)
        except Exception:  # noqa: BLE001 - a damaged cache lists nothing; the update rebuilds it
            return []
        try:
            if catalog.get_meta("format") != f"{INDEX_FORMAT}.{CATALOG_FORMAT}":
                return []
            return _newest_first(catalog.entries().values())
        finally:
            catalog.close()

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first, undated last."""
        return _newest_first(self.catalog.entries().values()) if self.catalog else []

    def languages(self) -> frozenset[str]:
        """The languages of the library's articles (a query is analysed in each)."""
        generation = self.catalog.get_meta("generation") or ""
        if self._languages is None or self._languages[0] != generation:
            self._languages = (generation, frozenset(self.catalog.languages()))
        return self._languages[1]

def _newest_first(infos) -> list[ArticleInfo]:
    entries = sorted(infos, key=lambda a: a.id)
    entries.sort(key=lambda a: a.date or dt.date.min, reverse=True)
    return entries


def _unchanged(scan, old: dict[str, FileStat]) -> set[str]:
    """The scanned files whose size and mtime are as the catalog has them: not read again."""
    return {e.id for e in scan.files if _same_stats(old.get(e.id), e)}


def _same_stats(before: FileStat | None, entry: FileEntry) -> bool:
    return before is not None and before.size == entry.size and before.mtime_ns == entry.mtime_ns
