"""The formats an article file may be in, by its name, the reader of each, and how much
of a file is read:

| suffix | reader | largest file read |
|---|---|---|
| .md .markdown .mdown .txt | reader.library.textfile | 8 MB |
| .html .htm .xhtml | reader.library.webpage (a SingleFile ZIP page: reader.library.mhtml) | 40 MB |
| .mhtml .mht | reader.library.mhtml, then webpage | 40 MB |
| .epub | reader.library.epub | 200 MB |
| .pdf | reader.library.pdf (PDFium) | 400 MB (a 300-page scan is 100 MB and more) |

All but text files are parsed by C libraries (lxml, PDFium) and run in a sandbox child
(reader.library.sandbox): a file that crashes or hangs its parser is skipped with the
reason, and the process that asked goes on. A new format is one more row here and one
more module beside these.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from reader.library.article import NotAnArticle, ParsedArticle
from reader.library.sandbox import SandboxFailure, sandboxed
from reader.library.textfile import parse_text_file

TEXT_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".txt"})
PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})  # saved web pages
SINGLE_FILE_SUFFIXES = frozenset({".mhtml", ".mht"})
BOOK_SUFFIXES = frozenset({".epub"})
PDF_SUFFIXES = frozenset({".pdf"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | PAGE_SUFFIXES | SINGLE_FILE_SUFFIXES | BOOK_SUFFIXES | PDF_SUFFIXES
_MB = 1024 * 1024
_LIMITS = {".pdf": 400 * _MB, ".epub": 200 * _MB, ".mhtml": 40 * _MB, ".mht": 40 * _MB, ".html": 40 * _MB,
           ".htm": 40 * _MB, ".xhtml": 40 * _MB}
TEXT_LIMIT = 8 * _MB
SECONDS_PER_MB = 4.0  # the time a parser may take on a file, with a floor: a hang is stopped there
MIN_SECONDS = 30.0


def suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def size_limit(name: str) -> int:
    """The largest file of this kind that is read (past it, skipped with the reason)."""
    return _LIMITS.get(suffix(name), TEXT_LIMIT)


def format_of(name: str) -> str:
    """What the reading pane shows a file as: "pdf", "epub", "html" (every saved page) or "markdown"."""
    kind = suffix(name)
    if kind in PDF_SUFFIXES:
        return "pdf"
    if kind in BOOK_SUFFIXES:
        return "epub"
    return "html" if kind in PAGE_SUFFIXES | SINGLE_FILE_SUFFIXES else "markdown"


def parse_article(data: bytes, article_id: str, metadata_only: bool = False) -> ParsedArticle:
    """Parse a file's bytes; raises NotAnArticle when the file cannot be indexed.
    metadata_only skips the text (the costly part) for a quick listing."""
    if suffix(article_id) in TEXT_SUFFIXES or suffix(article_id) not in ARTICLE_SUFFIXES:
        return parse_text_file(data, article_id, metadata_only)
    if not data.strip():
        raise NotAnArticle("empty file")
    timeout = max(MIN_SECONDS, SECONDS_PER_MB * len(data) / _MB)
    try:
        return sandboxed("reader.library.formats", "read_untrusted", data, article_id, metadata_only, timeout=timeout)
    except SandboxFailure as exc:
        message = str(exc)
        if message.startswith(_NOT_AN_ARTICLE):
            raise NotAnArticle(message[len(_NOT_AN_ARTICLE):]) from None
        raise NotAnArticle(f"cannot read it: {message}") from None


_NOT_AN_ARTICLE = "not an article: "


def read_untrusted(data: bytes, article_id: str, metadata_only: bool) -> ParsedArticle:
    """In the sandbox child: the reader of the file's format."""
    from reader.library import epub, mhtml, pdf, webpage

    kind = suffix(article_id)
    try:
        if kind in PDF_SUFFIXES:
            return pdf.read_pdf(data, article_id, metadata_only)
        if kind in BOOK_SUFFIXES:
            return epub.read_epub(data, article_id, metadata_only)
        if kind in SINGLE_FILE_SUFFIXES:
            return mhtml.read_mhtml(data, article_id, metadata_only)
        if mhtml.is_zip_page(data):
            return mhtml.read_zip_page(data, article_id, metadata_only)
        return webpage.parse_webpage(data, article_id, metadata_only)
    except NotAnArticle as exc:
        raise ValueError(_NOT_AN_ARTICLE + str(exc)) from None
