"""An EPUB (2 or 3) as one article: its chapters in spine order, read with zipfile and
lxml (container.xml → the OPF → its spine), sanitised like a saved page.

Links between chapters lead to the chapter (or the place in it) within the one page; the
book's table of contents (EPUB 3's nav, EPUB 2's NCX) opens the page as a list of chapters
to jump to; images inside the book are shown (``reader-book:`` addresses the reading pane
reads from the book itself, and nothing else); remote images are placeholders, as ever.
Metadata from the OPF: dc:title, dc:creator, dc:date, dc:language, dc:subject as tags,
dc:publisher as source, dc:description as summary. Runs in a sandbox child
(reader.library.formats): lxml is C, and a book is untrusted input.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from urllib.parse import quote, unquote, urlsplit

from reader.library.article import (
    Article, NotAnArticle, ParsedArticle, article_language, content_hash, date_from_value, readable_name, valid_text,
)
from reader.library.body import sanitised
from reader.library.shown_text import shown_text

MAX_MEMBER_BYTES = 32 * 1024 * 1024  # one chapter or the OPF, read at most
MAX_CHAPTERS = 2000
BOOK_SCHEME = "reader-book"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
_XHTML_NS = re.compile(r"^\{[^}]*\}")


def read_epub(data: bytes, article_id: str, metadata_only: bool = False) -> ParsedArticle:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        names = set(book.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise NotAnArticle(f"not a readable EPUB (damaged ZIP: {exc})") from None
    opf_path = _rootfile(book)
    opf = _xml(_member(book, opf_path, "the package document"))
    base = posixpath.dirname(opf_path)
    manifest = {item.get("id"): (_join(base, item.get("href", "")), item.get("media-type", ""),
                                 item.get("properties", "")) for item in opf.iter(f"{_OPF}item")}
    spine = opf.find(f"{_OPF}spine")
    refs = [ref for ref in (spine if spine is not None else []) if ref.get("linear", "yes") != "no"][:MAX_CHAPTERS]
    order = [manifest[ref.get("idref")][0] if ref.get("idref") in manifest else "" for ref in refs]
    warnings = []
    if "META-INF/encryption.xml" in names and _encrypted_content(book):
        warnings.append("it is protected (DRM): its text cannot be read")
        order = []
    missing = [path for path in order if path not in names]
    if missing:
        warnings.append(f"its spine names {len(missing)} chapter{'s' if len(missing) != 1 else ''} the book lacks")
        order = [path for path in order if path in names]
    meta = _metadata(opf)
    chapters_html = "" if metadata_only else _chapters(book, order, article_id)
    contents = "" if metadata_only else _contents(book, opf, manifest, spine, order)
    body = sanitised(contents + chapters_html) if not metadata_only else ""
    text = shown_text(sanitised(chapters_html)).text if not metadata_only else ""
    title = meta["title"] or readable_name(article_id)
    article = Article(
        id=article_id, title=title, authors=meta["creators"], date=meta["date"], tags=meta["subjects"],
        source=meta["publisher"], summary=meta["description"], body=body, text=text, hash=content_hash(data),
        format="epub", lang=article_language(meta["language"], title, text),
    )
    return ParsedArticle(article, warnings)


# ---------------------------------------------------------------- the package


def _rootfile(book: zipfile.ZipFile) -> str:
    container = _xml(_member(book, "META-INF/container.xml", "its container.xml"))
    for element in container.iter():
        if isinstance(element.tag, str) and element.tag.endswith("rootfile") and element.get("full-path"):
            return element.get("full-path")
    raise NotAnArticle("not a readable EPUB (its container.xml names no package document)")


def _member(book: zipfile.ZipFile, name: str, what: str) -> bytes:
    try:
        with book.open(name) as handle:
            data = handle.read(MAX_MEMBER_BYTES + 1)
    except KeyError:
        raise NotAnArticle(f"not a readable EPUB ({what} is missing)") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise NotAnArticle(f"not a readable EPUB ({what} is damaged: {exc})") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise NotAnArticle(f"not a readable EPUB ({what} is larger than {MAX_MEMBER_BYTES >> 20} MB)")
    return data


def _xml(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise NotAnArticle(f"not a readable EPUB ({exc})") from None
    if root is None:
        raise NotAnArticle("not a readable EPUB (an empty package document)")
    return root


def _join(base: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(base, unquote(urlsplit(href).path))) if href else ""


def _encrypted_content(book: zipfile.ZipFile) -> bool:
    """An encryption.xml that encrypts more than fonts (font obfuscation is not DRM)."""
    try:
        text = book.read("META-INF/encryption.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    methods = re.findall(r'Algorithm="([^"]+)"', text)
    return any("font" not in m.lower() and "obfuscation" not in m.lower() for m in methods)


def _metadata(opf) -> dict:
    metadata = opf.find(f"{_OPF}metadata")
    if metadata is None:
        metadata = opf

    def texts(name: str) -> list[str]:
        return [" ".join(valid_text(e.text or "").split()) for e in metadata.iter(f"{_DC}{name}") if (e.text or "").strip()]

    date = None
    for value in texts("date"):
        try:
            date = date_from_value(value if len(value) > 4 else f"{value}-01-01")
            break
        except ValueError:
            continue
    titles = texts("title")
    return {"title": titles[0] if titles else "", "creators": tuple(dict.fromkeys(texts("creator"))), "date": date,
            "subjects": tuple(dict.fromkeys(texts("subject"))), "publisher": (texts("publisher") or [""])[0],
            "description": _plain((texts("description") or [""])[0]), "language": (texts("language") or [""])[0]}


def _plain(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(text)).split())[:1000]


# ---------------------------------------------------------------- the chapters


def _chapters(book: zipfile.ZipFile, order: list[str], article_id: str) -> str:
    numbers = {path: n for n, path in enumerate(order)}
    parts = []
    for n, path in enumerate(order):
        body = _body(_member(book, path, f"the chapter {path}"))
        if body is None:
            continue
        _rewrite(body, path, n, numbers, set(book.namelist()), article_id)
        inner = "".join(_html(child) for child in body)
        parts.append(f"<div class='chapter'><a id='c{n}'></a>{html.escape(body.text or '')}{inner}</div>")
    return "".join(parts)


def _body(data: bytes):
    import lxml.html

    try:
        document = lxml.html.document_fromstring(data)
    except Exception:  # noqa: BLE001 - lxml says "Document is empty" and the like for broken chapters
        return None
    for element in document.iter():
        if isinstance(element.tag, str):
            element.tag = _XHTML_NS.sub("", element.tag)
    return document.find("body")


def _html(element) -> str:
    import lxml.html

    return lxml.html.tostring(element, encoding="unicode", method="html")


def _rewrite(body, path: str, n: int, numbers: dict[str, int], names: set[str], article_id: str) -> None:
    """Ids made unique across chapters, links between chapters pointed at the one page,
    images pointed at the book."""
    folder = posixpath.dirname(path)
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("id"):
            element.set("id", f"c{n}-{element.get('id')}")
        if element.tag == "a" and element.get("href") is not None:
            element.set("href", _link(element.get("href"), folder, n, numbers) or "")
            if not element.get("href"):
                del element.attrib["href"]
        if element.tag == "img":
            target = _join(folder, element.get("src", ""))
            if target in names:
                element.set("src", f"{BOOK_SCHEME}:{quote(article_id)}!/{quote(target)}")


def _link(href: str, folder: str, n: int, numbers: dict[str, int]) -> str | None:
    parts = urlsplit(href)
    if parts.scheme in ("http", "https", "mailto"):
        return href
    if parts.scheme or parts.netloc:
        return None
    chapter = n if not parts.path else numbers.get(_join(folder, parts.path))
    if chapter is None:
        return None
    return f"#c{chapter}-{parts.fragment}" if parts.fragment else f"#c{chapter}"


def _contents(book: zipfile.ZipFile, opf, manifest: dict, spine, order: list[str]) -> str:
    """The book's table of contents, as links to the chapters: EPUB 3's nav, else the NCX."""
    numbers = {path: n for n, path in enumerate(order)}
    entries = []
    nav = next((path for path, _, properties in manifest.values() if "nav" in properties.split()), None)
    if nav:
        entries = _nav_entries(book, nav, numbers)
    toc = spine.get("toc") if spine is not None else None
    if not entries and toc in manifest:
        entries = _ncx_entries(book, manifest[toc][0], numbers)
    if len(entries) < 2:
        return ""
    items = "".join(f"<li><a href='{html.escape(target)}'>{html.escape(label)}</a></li>" for label, target in entries)
    return f"<div class='contents'><p><b>Contents</b></p><ul>{items}</ul></div>"


def _nav_entries(book, nav: str, numbers: dict[str, int]) -> list[tuple[str, str]]:
    try:
        body = _body(book.read(nav)[:MAX_MEMBER_BYTES])
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    if body is None:
        return []
    folder = posixpath.dirname(nav)
    tocs = [e for e in body.iter("nav") if "toc" in " ".join(v for k, v in e.attrib.items() if k.endswith("type"))]
    entries = []
    for link in (tocs[0] if tocs else body).iter("a"):
        target = _link(link.get("href", ""), folder, -1, numbers)
        label = " ".join(link.text_content().split())
        if target and target.startswith("#") and label:
            entries.append((label, target))
    return entries


def _ncx_entries(book, ncx: str, numbers: dict[str, int]) -> list[tuple[str, str]]:
    try:
        root = _xml(book.read(ncx)[:MAX_MEMBER_BYTES])
    except (KeyError, zipfile.BadZipFile, OSError, NotAnArticle):
        return []
    folder = posixpath.dirname(ncx)
    entries = []
    for point in root.iter(f"{_NCX}navPoint"):
        label = point.find(f"{_NCX}navLabel/{_NCX}text")
        content = point.find(f"{_NCX}content")
        target = _link(content.get("src", ""), folder, -1, numbers) if content is not None else None
        if label is not None and label.text and target:
            entries.append((" ".join(label.text.split()), target))
    return entries
