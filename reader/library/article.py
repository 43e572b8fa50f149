"""What an article is, whatever file it came from (``Article``), and what every reader
of a format shares: its text made valid, its content hash, its date as written, a
readable name from its path, its language.

Nothing here touches the file system: the scanner reads the bytes, so the rules for
what a file *means* can be tested on bytes alone (reader.library.formats).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from reader.text.languages import code_of, detect, page_language


class NotAnArticle(Exception):
    """The bytes are not text we can index; the message is the reason shown to users."""


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    tags: tuple[str, ...] = ()
    source: str = ""
    summary: str = ""
    body: str = ""  # the Markdown body, front matter removed (formats "html", "pdf", "epub": HTML)
    text: str = ""  # the body as plain text, for the index and snippets
    hash: str = ""
    format: str = "markdown"  # or "html" (a saved page), "pdf", "epub"
    lang: str = ""  # a language code ("fr"), "" when not known
    pages: int = 0  # a PDF's pages
    url: str = ""  # the web address it was saved from, as its file says (reader.library.addresses)
    # A PDF's pages and where each character of `text` stands on them (reader.library.pdf.PdfLayout)
    layout: Any = field(default=None, compare=False, repr=False)


@dataclass
class ParsedArticle:
    article: Article
    warnings: list[str] = field(default_factory=list)


def valid_text(text: str) -> str:
    """Text that encodes as UTF-8: bytes smuggled in by surrogateescape (from argv or
    file names) are decoded again, any other lone surrogate becomes U+FFFD."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# ---------------------------------------------------------------- dates, names, language

_ISO_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DATE_IN_PATH = re.compile(r"(?<!\d)(\d{4})[-/](\d{2})[-/](\d{2})(?!\d)")
_WRITTEN_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")


def date_from_value(value: Any) -> dt.date:
    """The calendar date as written; raises ValueError when it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date()  # an aware datetime keeps its own offset: no shift to UTC
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}"[:80])
    text = value.strip()
    match = _ISO_DATE.match(text)
    if match:
        return dt.date(*map(int, match.groups()))
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _WRITTEN_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}"[:80])


def date_in_path(text: str) -> dt.date | None:
    for match in _DATE_IN_PATH.finditer(text):
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            continue
    return None


_LEADING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[-_ ]*")
_INDEX_NAMES = {"index", "_index", "readme"}


def readable_name(article_id: str) -> str:
    path = PurePosixPath(article_id)
    name = path.stem
    if name.lower() in _INDEX_NAMES and path.parent.name:
        name = path.parent.name
    name = _LEADING_DATE.sub("", name) or name
    name = " ".join(re.split(r"[-_\s]+", name)).strip()
    return name[:1].upper() + name[1:] if name else article_id


def article_language(declared, title: str, text: str, declared_by_site: bool = False) -> str:
    """The language the file says it is in, else the one its text is detected in; a saved
    page's declaration (made by its site, not the reader) gives way to a sure detection."""
    if not text:
        return code_of(declared)
    if declared_by_site:
        return page_language(code_of(declared), f"{title}. {text}")
    return code_of(declared) or detect(f"{title}. {text}")
