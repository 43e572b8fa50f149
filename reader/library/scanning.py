"""Scanning a library folder: which files are articles, and reading them safely.

The library belongs to the user, so everything here only reads: directories are
listed, files are stat-ed and read, nothing is ever opened for writing.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from reader.library.article import Article, NotAnArticle, ParsedArticle
from reader.library.catalog import ArticleInfo
from reader.library.formats import ARTICLE_SUFFIXES, PAGE_SUFFIXES, parse_article, size_limit
from reader.locations import LibraryError, library_root  # noqa: F401 - where they were


@dataclass(frozen=True)
class FileEntry:
    """One article file as the scan saw it."""

    id: str  # path relative to the library, '/'-separated
    path: str | Path  # a str from the scan: 10,000 Path objects cost a quarter second
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class Scan:
    root: Path
    files: list[FileEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _printable(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def scan_library(root: Path) -> Scan:
    """Every article file below root, sorted by id, each real file once."""
    scan = Scan(root)
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()
    try:
        top = os.stat(root)
    except OSError as exc:
        raise LibraryError(f"library not readable: {root}: {exc.strerror}") from None
    seen_dirs.add((top.st_dev, top.st_ino))
    _walk(root, "", scan, seen_dirs, seen_files)
    scan.files.sort(key=lambda f: f.id)
    return scan


def _walk(folder: Path, prefix: str, scan: Scan, seen_dirs: set, seen_files: set) -> None:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        scan.skipped.append(Skipped(_printable(prefix.rstrip("/") or "."), f"cannot read folder: {exc.strerror}"))
        return
    pages = {os.path.splitext(e.name)[0] for e in entries if os.path.splitext(e.name)[1].lower() in PAGE_SUFFIXES}
    for entry in entries:
        name = entry.name
        if name.startswith(".") or (pages and is_saved_page_folder(name, pages)):
            continue
        rel = prefix + name
        try:
            st = entry.stat(follow_symlinks=True)
        except OSError as exc:
            if entry.is_symlink():
                if Path(entry.path).suffix.lower() in ARTICLE_SUFFIXES:
                    scan.skipped.append(Skipped(_printable(rel), "broken symbolic link"))
            elif exc.errno != errno.ENOENT:  # vanished since listing: nothing to report
                scan.skipped.append(Skipped(_printable(rel), f"cannot read: {exc.strerror}"))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key not in seen_dirs:  # a symlink back up the tree is walked once, never again
                seen_dirs.add(key)
                _walk(Path(entry.path), rel + "/", scan, seen_dirs, seen_files)
            continue
        if os.path.splitext(name)[1].lower() not in ARTICLE_SUFFIXES:
            continue
        reason = _unusable(name, st)
        if reason:
            scan.skipped.append(Skipped(_printable(rel), reason))
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            continue
        seen_files.add(key)
        scan.files.append(FileEntry(rel, entry.path, st.st_size, st.st_mtime_ns))


def is_saved_page_folder(name: str, page_stems: set[str]) -> bool:
    """Whether a folder is the one a browser saves beside a page, with its images and
    scripts: the page's name, then "_" or "-" and one word ("Page_files", "Page-Dateien",
    "Page_fichiers", "Page_archivos"…, as each language's browser names it)."""
    for separator in ("_", "-"):
        stem, found, word = name.rpartition(separator)
        if found and stem in page_stems and word and word.isalpha():
            return True
    return False


def _unusable(name: str, st: os.stat_result) -> str | None:
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8"
    if st.st_size == 0:
        return "empty file"
    limit = size_limit(name)
    if st.st_size > limit:
        return f"larger than {limit // (1024 * 1024)} MB"
    return None


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """A regular file's bytes, refusing FIFOs and devices even if one was swapped in."""
    limit = size_limit(str(path)) if limit is None else limit
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotAnArticle("not a regular file")
        if st.st_size > limit:
            raise NotAnArticle(f"larger than {limit // (1024 * 1024)} MB")
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise NotAnArticle(f"larger than {limit // (1024 * 1024)} MB")
        return data
    finally:
        os.close(fd)


def read_article(entry: FileEntry) -> ParsedArticle:
    """Read and parse one scanned file; raises NotAnArticle with the reason to show."""
    try:
        data = read_bytes(entry.path)
    except FileNotFoundError:
        raise NotAnArticle("file disappeared while reading") from None
    except OSError as exc:
        raise NotAnArticle(f"cannot read: {exc.strerror or exc}") from None
    return parse_article(data, entry.id)


def article_at(root: Path, article_id: str) -> Article:
    """The article at a path inside the library as it is on disk now (NotAnArticle if it cannot be read)."""
    return parsed_at(root, article_id).article


def parsed_at(root: Path, article_id: str) -> ParsedArticle:
    """The article at a path inside the library and what reading it found to say."""
    path = root / article_id
    if not path.is_file():
        raise NotAnArticle("the file is no longer in the library")
    return read_article(FileEntry(article_id, path, 0, 0))


def library_folders(root: Path, limit: int = 5000) -> list[Path]:
    """The library's visible folders (for a file watcher), each real folder once."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack and len(found) < limit:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            found.append(folder)
            with os.scandir(folder) as it:
                stack.extend(Path(e.path) for e in it if not e.name.startswith(".") and e.is_dir(follow_symlinks=True))
        except OSError:
            continue
    return found


def listed_infos(entries: list[FileEntry], batch: int, send) -> None:
    """What a list shows of each file (its metadata; no text, the costly part), sent
    `batch` at a time; files that cannot be read are left to the full pass to report."""
    infos = []
    for entry in entries:
        try:
            parsed = parse_article(read_bytes(entry.path), entry.id, metadata_only=True)
        except (NotAnArticle, OSError):
            continue
        infos.append(ArticleInfo.of(parsed.article, entry.size, entry.mtime_ns))
        if len(infos) >= batch:
            send(infos)
            infos = []
    if infos:
        send(infos)


def list_part(entries: list[FileEntry], batch: int, send) -> None:
    """A worker process's share of a quick listing (a reader.index.parallel job)."""
    listed_infos(entries, batch, lambda infos: send(("infos", infos)))
    send(("done",))
