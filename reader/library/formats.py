"""The formats an article file may be in, by its name, and the reader of each: Markdown
and plain text (reader.library.textfile), saved web pages (reader.library.webpage).
A new format (PDF, EPUB) is one more suffix set here and one more module beside them."""

from __future__ import annotations

from pathlib import PurePosixPath

from reader.library.article import ParsedArticle
from reader.library.textfile import parse_text_file

TEXT_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".txt"})
PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})  # saved web pages
ARTICLE_SUFFIXES = TEXT_SUFFIXES | PAGE_SUFFIXES


def parse_article(data: bytes, article_id: str, metadata_only: bool = False) -> ParsedArticle:
    """Parse a file's bytes; raises NotAnArticle when the file cannot be indexed.
    metadata_only skips the plain text (the costly part) for a quick listing."""
    if PurePosixPath(article_id).suffix.lower() in PAGE_SUFFIXES:
        from reader.library.webpage import parse_webpage  # lxml and trafilatura: only for libraries of web pages

        return parse_webpage(data, article_id, metadata_only)
    return parse_text_file(data, article_id, metadata_only)
