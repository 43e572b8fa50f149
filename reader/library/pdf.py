"""A PDF as an article: its text as a reader reads it (reader.library.pdf_text), its
metadata, and its pages' layout for the page view.

PDFium is C, so all of this runs in a sandbox child (reader.library.formats).

- Title: the document's (XMP dc:title, else Info /Title) unless it is junk — empty,
  "untitled", a file name, "Microsoft Word - report.docx" — else the largest text of
  the first page, else the file name made readable.
- Authors from XMP dc:creator or /Author, split into people as front matter is; the date
  as the document gives it (XMP, else /CreationDate), the calendar date as written;
  keywords as tags; /Subject as summary; the language detected from the text as for
  other articles.
- A PDF without a text layer (a scan) is listed and shown as pages, with a warning that
  it cannot be searched; one that opens only with a password is listed with the reason.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reader.library.article import (
    Article, NotAnArticle, ParsedArticle, article_language, content_hash, date_from_value, readable_name, valid_text,
)
from reader.library.pdf_text import PdfText, RawPage, RawPdf, clean
from reader.library.sandbox import sandboxed
from reader.text.analysis import fold_phrase

MAX_PAGES = 5000  # read of one PDF; past them it is listed as read so far, with a warning
PAGE_SECONDS = 20.0  # to draw one page, or read its characters
NO_TEXT = "no text layer: its pages are images (a scan), so it cannot be searched"
_JUNK_TITLE = re.compile(
    r"^(?:untitled\b.*|no title|title|document\s*\d*|doc\d*|slide\s*\d*|page\s*\d*|print\b.*"
    r"|microsoft (?:word|powerpoint|excel)\b.*"
    r"|.*\.(?:docx?|pdf|odt|rtf|tex|txt|html?|xhtml|md|indd|pages|pptx?|xlsx?|dvi|ps|eps|qxd|cdr))$",
    re.IGNORECASE)
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:;|,|&|\band\b)\s*", re.IGNORECASE)
_INFO_DATE = re.compile(r"^\s*(?:D:)?(\d{4})(\d{2})?(\d{2})?")


@dataclass(frozen=True)
class PdfLayout:
    """Where the text stands on the pages: what the page view draws highlights, searched
    words and selections with."""

    sizes: tuple[tuple[float, float], ...]  # each page's width and height in points
    text: PdfText

    def page_of(self, offset: int) -> int:
        """The page (0-based) a character of the article's text is on."""
        return self.text.page_at(offset)

    def spans(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(page, first character, end character) of PDFium's page texts that text[start:end]
        is made of."""
        runs, found = self.text.runs, []
        for i in range(0, len(runs), 4):
            offset, page, char, length = runs[i:i + 4]
            low, high = max(start, offset), min(end, offset + length)
            if low < high:
                first, last = char + low - offset, char + high - offset
                if found and found[-1][0] == page and found[-1][2] >= first - 1:
                    found[-1] = (page, found[-1][1], max(found[-1][2], last))
                else:
                    found.append((page, first, last))
        return found

    @classmethod
    def of_sizes(cls, sizes) -> "PdfLayout":
        """Pages without their text yet: what the page view shows while the text is read."""
        return cls(tuple(sizes), PdfText((), (), (0,) * len(sizes)))

    def offset_of(self, page: int, char: int) -> int | None:
        """The offset in the article's text of a character of a page (None: not in the text,
        a running head, say)."""
        runs = self.text.runs
        for i in range(0, len(runs), 4):
            offset, run_page, first, length = runs[i:i + 4]
            if run_page == page and first <= char < first + length:
                return offset + char - first
        return None


def page_image(root: Path, article_id: str, stamp: str, number: int, scale: float) -> tuple[int, int, bytes]:
    """A page drawn at `scale` pixels a point, by PDFium in this thread's sandbox child:
    (width, height, RGB bytes). What the window shows a PDF with: a PDF that crashes or
    hangs PDFium while drawn costs that page, never the window."""
    return sandboxed("reader.library.pdf_extract", "render", str(_inside(root, article_id)), stamp, number, scale,
                     timeout=PAGE_SECONDS)


def page_sizes(root: Path, article_id: str) -> tuple[str, tuple[tuple[float, float], ...]]:
    """The PDF's version (its content hash, as its article's) and each page's size, read
    without its text (milliseconds, where reading the text of 300 pages takes a second):
    what the page view lays the pages out with, to draw the first ones at once."""
    path = _inside(root, article_id)
    stamp = content_hash(path.read_bytes())
    sizes = sandboxed("reader.library.pdf_extract", "page_sizes", str(path), stamp, MAX_PAGES,
                      timeout=PAGE_SECONDS)
    return stamp, tuple(sizes)


def page_chars(root: Path, article_id: str, stamp: str, number: int) -> tuple[str, bytes]:
    """A page's characters and their boxes (float32 x0, y0, x1, y1 each), as PDFium reads them."""
    return sandboxed("reader.library.pdf_extract", "page_chars", str(_inside(root, article_id)), stamp, number,
                     timeout=PAGE_SECONDS)


def _inside(root: Path, article_id: str) -> Path:
    path = (root / article_id).resolve()
    path.relative_to(root.resolve())  # ValueError: not in the library
    return path


def read_pdf(data: bytes, article_id: str, metadata_only: bool = False) -> ParsedArticle:
    """A PDF's bytes as an article (run in a sandbox child: reader.library.formats);
    raises NotAnArticle for one PDFium cannot read."""
    from reader.library import pdf_extract

    if b"%PDF-" not in data[:1024]:
        raise NotAnArticle("not a PDF (no %PDF header)")
    try:
        raw = pdf_extract.extract(data, None, 1 if metadata_only else MAX_PAGES)
    except ValueError as exc:
        if "password" in str(exc):
            return _locked(data, article_id, str(exc))
        raise NotAnArticle(f"cannot read this PDF: {exc}") from None
    return _article(raw, data, article_id, metadata_only)


def _locked(data: bytes, article_id: str, reason: str) -> ParsedArticle:
    article = Article(id=article_id, title=readable_name(article_id), hash=content_hash(data), format="pdf")
    return ParsedArticle(article, [reason])


def _article(raw: RawPdf, data: bytes, article_id: str, metadata_only: bool) -> ParsedArticle:
    warnings: list[str] = []
    text = None if metadata_only else clean(raw.pages)
    plain = text.text if text else ""
    if not metadata_only and raw.page_count and not plain.strip() and not all(p.broken for p in raw.pages):
        warnings.append(NO_TEXT)
    broken = [n + 1 for n, page in enumerate(raw.pages) if page.broken]
    if broken:
        warnings.append(f"{len(broken)} page{'s' if len(broken) > 1 else ''} could not be read "
                        f"(page {', '.join(map(str, broken[:5]))}{'…' if len(broken) > 5 else ''})")
    if len(raw.pages) < raw.page_count and not metadata_only:
        warnings.append(f"only its first {len(raw.pages)} of {raw.page_count} pages are read")
    title = pdf_title(raw, article_id)
    article = Article(
        id=article_id,
        title=title,
        authors=_authors(raw),
        date=_date(raw),
        tags=_keywords(raw),
        summary=" ".join(valid_text(raw.info.get("Subject", "")).split())[:500],
        body="" if text is None else _body(text),
        text=plain,
        hash=content_hash(data),
        format="pdf",
        lang=article_language(_declared_language(raw), title, plain),
        pages=raw.page_count,
        layout=None if text is None else PdfLayout(tuple((p.width, p.height) for p in raw.pages), text),
    )
    return ParsedArticle(article, warnings)


def _body(text: PdfText) -> str:
    """The text as HTML blocks (what View → Text shows, and where quotes are made)."""
    tags = {"h": "h2", "li": "p", "p": "p"}
    return "".join(f"<{tags[b.kind]}>{html.escape(b.text, quote=False)}</{tags[b.kind]}>" for b in text.blocks)


# ---------------------------------------------------------------- metadata


def pdf_title(raw: RawPdf, article_id: str) -> str:
    for candidate in raw.xmp.get("title", []) + [raw.info.get("Title", "")]:
        candidate = " ".join(valid_text(candidate).split())
        if candidate and not is_junk_title(candidate, article_id):
            return candidate
    return (largest_text(raw.pages[0]) if raw.pages else "") or readable_name(article_id)


def is_junk_title(title: str, article_id: str) -> bool:
    """A title no one wrote: empty, "untitled", a file name, an office program's label."""
    stem = PurePosixPath(article_id).stem
    letters = sum(c.isalpha() for c in title)
    return (letters < 2 or _JUNK_TITLE.match(title.strip()) is not None
            or fold_phrase(title) in (fold_phrase(stem), fold_phrase(PurePosixPath(article_id).name)))


def largest_text(page: RawPage) -> str:
    """The first page's largest type, its lines joined: a title as the reader sees it."""
    lines = [line for line in page.lines if line.size > 0 and sum(c.isalpha() for c in line.text) >= 2]
    if not lines:
        return ""
    biggest = max(line.size for line in lines)
    chosen = []
    for line in lines:
        if line.size >= biggest * 0.97:
            chosen.append(" ".join(line.text.replace("\ufffe", "").split()))
        elif chosen:
            break
    return " ".join(chosen)[:300]


def _authors(raw: RawPdf) -> tuple[str, ...]:
    names = raw.xmp.get("creator") or [raw.info.get("Author", "")]
    people = [p.strip() for name in names for p in _AUTHOR_SEPARATORS.split(valid_text(name)) if p.strip()]
    return tuple(dict.fromkeys(people))


def _date(raw: RawPdf):
    for value in raw.xmp.get("created", []):
        try:
            return date_from_value(value)
        except ValueError:
            continue
    for key in ("CreationDate", "ModDate"):
        match = _INFO_DATE.match(raw.info.get(key, ""))
        if match:
            try:
                return date_from_value(f"{match.group(1)}-{match.group(2) or '01'}-{match.group(3) or '01'}")
            except ValueError:
                continue
    return None


def _keywords(raw: RawPdf) -> tuple[str, ...]:
    values = raw.xmp.get("keywords", []) + raw.xmp.get("subject", []) + [raw.info.get("Keywords", "")]
    tags = [t.strip() for value in values for t in re.split(r"[,;]", valid_text(value)) if t.strip()]
    seen, kept = set(), []
    for tag in tags:
        key = fold_phrase(tag)
        if key and key not in seen:
            seen.add(key)
            kept.append(tag)
    return tuple(kept)


def _declared_language(raw: RawPdf) -> str:
    languages = raw.xmp.get("language", [])
    return languages[0] if languages else raw.info.get("Lang", "")
