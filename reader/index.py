"""The full-text index of one library: build it, keep it current, search it.

The index (Whoosh) and the catalog (SQLite) live in the data directory and are
caches of the library: whenever either is missing, unreadable, damaged, of an
older format or out of step with the other, both are rebuilt from the files.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import fields, index as whoosh_index, scoring
from whoosh.writing import LockError

from reader import whoosh_fixes
from reader.analysis import LinesTokenizer, TermTokenizer, fold, fold_phrase, words
from reader.articles import Article, NotAnArticle
from reader.catalog import CATALOG_FORMAT, ArticleInfo, Catalog
from reader.library import FileEntry, Skipped, read_article, scan_library
from reader.locations import library_state_dir
from reader.query import Compiled, compile_query, corrected_query, folder_key
from reader.snippets import Snippet, Terms, make_snippet

whoosh_fixes.apply()

INDEX_FORMAT = "1"
WRITER_TIMEOUT_S = 60.0
SUGGEST_BELOW = 3  # offer a corrected query when fewer hits than this
NO_INDEX_YET = "no index yet"

Progress = Callable[[int, int], None]
Listing = Callable[[list[ArticleInfo]], None]
LISTING_BATCH = 200

_MATCHED_IN = {"title": "title", "body": "body", "authors": "authors", "tags": "tags", "tag": "tags", "notes": "notes"}


def make_schema() -> fields.Schema:
    stemmed = TermTokenizer()
    exact = LinesTokenizer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        folder=fields.KEYWORD(analyzer=exact),
        title=fields.TEXT(analyzer=stemmed, stored=True, field_boost=3.0),
        body=fields.TEXT(analyzer=stemmed, stored=True),
        authors=fields.TEXT(analyzer=stemmed, stored=True, field_boost=1.5),
        tags=fields.TEXT(analyzer=stemmed, stored=True, field_boost=1.5),
        tag=fields.KEYWORD(analyzer=exact),
        source=fields.TEXT(analyzer=stemmed, stored=True),
        notes=fields.TEXT(analyzer=stemmed, stored=True),
        # Unstemmed words of every field: where prefix, fuzzy and did-you-mean look.
        vocab=fields.KEYWORD(analyzer=exact),
        date=fields.NUMERIC(int, bits=32, stored=True),
        sortdate=fields.NUMERIC(int, bits=32, sortable=True),
    )


class IndexBusy(Exception):
    """Another process holds the index's write lock for longer than we wait."""


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
    removed_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)  # added or updated


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    authors: tuple[str, ...]
    date: dt.date | None
    tags: tuple[str, ...]
    source: str
    score: float
    snippet: Snippet
    matched_in: tuple[str, ...]


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    suggestion: str | None
    highlight: frozenset[str] = frozenset()  # stems to emphasise in the article view
    exact: frozenset[str] = frozenset()  # words as written (prefix/fuzzy) to emphasise


def _date_number(day: dt.date | None) -> int:
    return day.year * 10000 + day.month * 100 + day.day if day else 0


def _number_date(value: int | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


def folder_keys(article_id: str) -> list[str]:
    """Every folder the article is inside: 'a/b/c.md' -> ['a', 'a/b']."""
    parts = article_id.split("/")[:-1]
    return [folder_key("/".join(parts[: i + 1])) for i in range(len(parts))]


def vocabulary(*texts: str) -> str:
    """The distinct words of the texts as written (folded, unstemmed), one per line."""
    return "\n".join({fold(w) for text in texts for w in words(text)} - {""})


def document(article: Article, notes: str = "") -> dict:
    date = _date_number(article.date)
    doc = dict(
        id=article.id,
        folder="\n".join(folder_keys(article.id)),
        title=article.title,
        body=article.text,
        authors="\n".join(article.authors),
        tags="\n".join(article.tags),
        tag="\n".join(fold_phrase(t) for t in article.tags),
        source=article.source,
        notes=notes,
        vocab=vocabulary(article.title, *article.authors, *article.tags, article.source, article.text, notes),
        sortdate=date,
    )
    if date:
        doc["date"] = date
    return doc


class LibraryIndex:
    """One library's index and catalog, opened once and kept open (searches reuse
    a single searcher, refreshed after each commit)."""

    def __init__(self, root: Path, data: Path, notes_text: Callable[[str], str] | None = None):
        self.root = root
        self.state = library_state_dir(data, root)
        self.index_dir = self.state / "index"
        self.notes_text = notes_text or (lambda article_id: "")
        self._ix = None
        self._searcher = None
        self.catalog: Catalog | None = None

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

    def update(self, rebuild: bool = False, progress: Progress | None = None,
               listing: Listing | None = None) -> IndexReport:
        """Bring the index in line with the library, re-reading only changed files.

        progress(done, total) is called per file (it may raise to cancel: the index
        is left as it was); listing(infos) receives newly read articles in batches,
        so a list on screen can fill before the index is written."""
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
        old = self.catalog.entries()
        changed: list[tuple[FileEntry, Article]] = []
        touched: list[ArticleInfo] = []  # same content, new size/mtime only
        seen: set[str] = set()
        for n, entry in enumerate(scan.files, 1):
            if progress:
                progress(n, len(scan.files))
            before = old.get(entry.id)
            if before and before.size == entry.size and before.mtime_ns == entry.mtime_ns:
                seen.add(entry.id)
                report.unchanged += 1
                continue
            try:
                parsed = read_article(entry)
            except NotAnArticle as exc:
                report.skipped.append(Skipped(entry.id, str(exc)))
                continue
            seen.add(entry.id)
            report.warnings.extend((entry.id, w) for w in parsed.warnings)
            if before and before.hash == parsed.article.hash:
                report.unchanged += 1
                touched.append(ArticleInfo.of(parsed.article, entry.size, entry.mtime_ns))
                continue
            changed.append((entry, parsed.article))
            if listing and len(changed) % LISTING_BATCH == 0:
                listing([ArticleInfo.of(a, e.size, e.mtime_ns) for e, a in changed[-LISTING_BATCH:]])
            if before:
                report.updated += 1
            else:
                report.added += 1
        if listing and len(changed) % LISTING_BATCH:
            listing([ArticleInfo.of(a, e.size, e.mtime_ns) for e, a in changed[-(len(changed) % LISTING_BATCH):]])
        removed = [i for i in old if i not in seen]
        report.removed = len(removed)
        report.removed_ids = removed
        report.changed_ids = [entry.id for entry, _ in changed]
        report.renamed = _renames(old, removed, changed)
        if changed or removed or touched:
            self._write(changed, removed, touched)
        report.seconds = time.perf_counter() - started
        return report

    def _write(self, changed: list[tuple[FileEntry, Article]], removed: list[str], touched: list[ArticleInfo]) -> None:
        if changed or removed:
            try:
                writer = self._ix.writer(timeout=WRITER_TIMEOUT_S, limitmb=128)
            except LockError:
                raise IndexBusy("the index is being updated by another process; try again shortly") from None
            try:
                for article_id in removed:
                    writer.delete_by_term("id", article_id)
                for entry, article in changed:
                    writer.update_document(**document(article, self.notes_text(article.id)))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        infos = [ArticleInfo.of(a, e.size, e.mtime_ns) for e, a in changed] + touched
        self.catalog.apply(infos, removed, {"generation": str(self._ix.latest_generation())})
        self._refresh()

    def reindex_notes(self, article_ids: list[str]) -> None:
        """Re-index articles whose notes changed, from the catalog's files."""
        pairs = []
        for article_id in article_ids:
            info = self.catalog.get(article_id) if self.catalog else None
            if info is None:
                continue
            entry = FileEntry(article_id, self.root / article_id, info.size, info.mtime_ns)
            try:
                pairs.append((entry, read_article(entry).article))
            except NotAnArticle:
                continue
        if pairs:
            self._write(pairs, [], [])

    def _refresh(self) -> None:
        if self._searcher is not None:
            self._searcher = self._searcher.refresh()

    # ------------------------------------------------------------ reading

    def searcher(self):
        """The kept-open searcher, moved on to the latest commit (from any process)."""
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        else:
            self._searcher = self._searcher.refresh()
        return self._searcher

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first, undated last."""
        entries = list(self.catalog.entries().values()) if self.catalog else []
        entries.sort(key=lambda a: a.id)
        entries.sort(key=lambda a: a.date or dt.date.min, reverse=True)
        return entries

    def search(self, text: str, limit: int = 20, sort: str = "relevance") -> SearchResults:
        if self._ix is None:
            return SearchResults(text, 0, [], None)
        searcher = self.searcher()
        compiled = compile_query(text, searcher.reader())
        total, hits = self._run(compiled, limit, sort, with_hits=True)
        suggestion = None
        if total < SUGGEST_BELOW:
            better = corrected_query(text, searcher.reader())
            if better:
                better_total, _ = self._run(compile_query(better, searcher.reader()), 0, sort, with_hits=False)
                suggestion = better if better_total > total else None
        return SearchResults(text, total, hits, suggestion, frozenset(compiled.highlight), frozenset(compiled.exact))

    def _run(self, compiled: Compiled, limit: int, sort: str, with_hits: bool) -> tuple[int, list[Hit]]:
        searcher = self._searcher
        kwargs = {"sortedby": "sortdate", "reverse": True} if sort == "date" else {}
        results = searcher.search(compiled.query, limit=max(limit, 1), terms=True, **kwargs)
        total = len(results)
        if not with_hits:
            return total, []
        hits = [self._hit(hit, compiled) for hit in results[:limit]]
        return total, hits

    def _hit(self, hit, compiled: Compiled) -> Hit:
        stored = hit.fields()
        terms = Terms(compiled.highlight, compiled.exact)
        reported = hit.matched_terms() or []
        matched = {_MATCHED_IN[f] for f, _ in reported if f in _MATCHED_IN}
        if not matched or any(f == "vocab" for f, _ in reported):
            # Words as written (vocab) and array unions do not say which field matched.
            matched |= {_MATCHED_IN[name] for name in _MATCHED_IN if terms.found_in(stored.get(name, ""))}
        matched = sorted(matched)
        snippet = make_snippet(stored.get("body", ""), terms)
        if not snippet.spans and "notes" in matched:
            snippet = make_snippet(stored.get("notes", ""), terms)
        return Hit(
            id=stored["id"],
            title=stored.get("title", ""),
            authors=tuple(a for a in stored.get("authors", "").split("\n") if a),
            date=_number_date(stored.get("date")),
            tags=tuple(t for t in stored.get("tags", "").split("\n") if t),
            source=stored.get("source", ""),
            score=round(float(hit.score or 0.0), 4),
            snippet=snippet,
            matched_in=tuple(matched),
        )


def _renames(old: dict[str, ArticleInfo], removed: list[str], changed: list[tuple[FileEntry, Article]]) -> list[tuple[str, str]]:
    """Files that left one path and appeared at another with the same content."""
    gone_by_hash: dict[str, list[str]] = {}
    for article_id in removed:
        gone_by_hash.setdefault(old[article_id].hash, []).append(article_id)
    pairs = []
    for entry, article in changed:
        if entry.id in old:
            continue
        candidates = gone_by_hash.get(article.hash)
        if candidates:
            pairs.append((candidates.pop(0), entry.id))
    return pairs
