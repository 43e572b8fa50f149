"""A saved web page as an article: the text a reader mode would show, and its metadata.

The page is decoded (BOM, else bytes that are valid UTF-8, else the declared charset,
else detection), parsed once with lxml, and read twice: first for the metadata that
publishers put in known places (OpenGraph and other ``<meta>``, JSON-LD, ``<time>``,
``<h1>`` and ``<title>``), then by trafilatura, which finds the article body among the
navigation, share buttons, related links and comments, and keeps its structure
(headings, paragraphs, lists, quotes, code, tables, images). The body becomes HTML
that the renderer sanitises by the same rules as Markdown's output.
"""

from __future__ import annotations

import codecs

from reader.library.addresses import page_comment_url
from reader.library.article import (
    Article, NotAnArticle, ParsedArticle, article_language, content_hash, readable_name, valid_text,
)
from reader.library.pagemeta import BARE_URL, PageMeta, date_of, names_of, page_meta, text_of

MIN_READABLE_WORDS = 30  # below this a page is a login wall, an index, or an empty shell
# How trafilatura is asked: the article's structure kept (tables, images, emphasis,
# links), comments left out.
EXTRACTION = dict(include_comments=False, include_tables=True, include_images=True, include_formatting=True,
                  include_links=True, favor_precision=True)
# A date only from the page's markup (meta, time, structured data): guessed from its
# text, "© 2025" in a footer became 1 January 2025.
DATES = {"extensive_search": False, "original_date": True}
_INLINE = "reader-inline-{}.png"


# ---------------------------------------------------------------- decoding

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_page(data: bytes) -> tuple[str, list[str]]:
    """The page's text: by its BOM; else as UTF-8 if the bytes are valid UTF-8 (a page
    saved again as UTF-8 often keeps its old <meta charset>); else by its declared
    charset; else as detected. Never fails: what cannot be read is replaced, and said."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared:
        return data.decode(declared, errors="replace"), []
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace"), []
    return data.decode("cp1252", errors="replace"), ["the page's encoding could not be told; read as Windows-1252"]


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in <meta charset> or <meta http-equiv>, if Python knows it."""
    import lxml.html

    head = data[:16_384].decode("ascii", errors="replace")
    try:
        tree = lxml.html.document_fromstring(head)
    except Exception:  # noqa: BLE001 - nothing parseable in the head: no declaration
        return None
    for meta in tree.iter("meta"):
        charset = meta.get("charset")
        if not charset and (meta.get("http-equiv") or "").lower() == "content-type":
            content = meta.get("content") or ""
            charset = content.lower().partition("charset=")[2].strip(" \"';") or None
        if charset:
            try:
                return codecs.lookup(charset.strip()).name
            except LookupError:
                continue
    return None


# ---------------------------------------------------------------- the article


def parse_webpage(data: bytes, article_id: str, metadata_only: bool = False, address: str = "") -> ParsedArticle:
    """A saved page as an Article (format 'html': body is the extracted article's HTML).
    A page with no readable article is still an article, with what it has and a warning.
    address: where the page was saved from, when its container says (an MHTML file)."""
    import lxml.html

    if not data.strip():
        raise NotAnArticle("empty file")
    text, warnings = decode_page(data)
    try:
        tree = lxml.html.document_fromstring(valid_text(text).replace("\x00", ""))
    except Exception as exc:  # noqa: BLE001 - lxml refuses some inputs outright (no root element)
        tree = None
        warnings.append(f"the page could not be parsed as HTML ({type(exc).__name__}); shown as its title only")
    meta = page_meta(tree) if tree is not None else PageMeta()
    body, plain = ("", "") if metadata_only or tree is None else _extract(tree, meta, warnings)
    if not metadata_only and tree is not None and len(plain.split()) < MIN_READABLE_WORDS:
        warnings.append("almost no readable text (a login wall, an index page, or a page built by scripts?)")
    article = Article(
        id=article_id,
        title=meta.title or readable_name(article_id),
        authors=meta.authors,
        date=meta.date,
        tags=meta.tags,
        source=meta.site,
        summary=meta.summary,
        body=body,
        text=plain,
        hash=content_hash(data),
        format="html",
        lang=article_language(meta.lang, meta.title, plain, declared_by_site=True),
        url=address or meta.url or page_comment_url(text),
    )
    return ParsedArticle(article, warnings)


def _extract(tree, meta: PageMeta, warnings: list[str]) -> tuple[str, str]:
    """The article body as simple HTML, and its text as the reader shows it."""
    from lxml import etree
    from trafilatura import bare_extraction
    from trafilatura.htmlprocessing import convert_to_html

    from reader.library.shown_text import shown_text

    try:
        inline = _prepare_for_extraction(tree)
        document = bare_extraction(tree, with_metadata=not meta.authors or meta.date is None, output_format="python",
                                   date_extraction_params=DATES, **EXTRACTION)
    except Exception as exc:  # noqa: BLE001 - an extractor bug on one page must not stop the library
        warnings.append(f"the article could not be extracted ({type(exc).__name__})")
        return "", ""
    if document is None or document.body is None:
        return "", ""
    if not meta.authors and document.author:
        meta.authors = names_of([document.author.replace(";", ",")])
    if meta.date is None and document.date:
        meta.date = date_of(document.date)
    html_tree = convert_to_html(document.body)
    _put_back_inline_images(html_tree, inline)
    _unnest_code(html_tree)
    _drop_leading_title(html_tree, meta.title)
    _drop_bare_urls(html_tree)
    body = etree.tostring(html_tree, encoding="unicode", method="html")
    return body, shown_text(body).text


def _prepare_for_extraction(tree) -> dict[str, str]:
    """What the extractor would lose, made safe from it: captions become paragraphs (it
    drops <figcaption>); images carried as data: URIs get stand-in names (it keeps only
    addresses that look like image files), returned to put them back; tracking pixels
    (1 or 2 pixels a side) go now, since it drops the sizes that tell them."""
    for caption in tree.iter("figcaption"):
        caption.tag = "p"  # the extractor drops <figcaption>: as a paragraph, the caption stays
        caption.set("class", "caption")
    inline = {}
    for image in list(tree.iter("img")):
        sizes = [(image.get(side) or "").strip() for side in ("width", "height")]
        if all(v.isdigit() and int(v) <= 2 for v in sizes) and image.getparent() is not None:
            image.drop_tree()
            continue
        src = image.get("src") or ""
        if src.startswith("data:image/"):
            name = _INLINE.format(len(inline))
            inline[name] = src
            image.set("src", name)
    return inline


def _put_back_inline_images(tree, inline: dict[str, str]) -> None:
    for image in tree.iter("img"):
        if image.get("src") in inline:
            image.set("src", inline[image.get("src")])


def _unnest_code(tree) -> None:
    """The extractor writes a code block as <pre> inside <pre>: one is enough."""
    for inner in list(tree.iter("pre")):
        outer = inner.getparent()
        if outer is not None and outer.tag == "pre" and len(outer) == 1 and not (outer.text or "").strip():
            outer.text = inner.text
            outer[:] = list(inner)


def _drop_leading_title(tree, title: str) -> None:
    """The article's own headline opening its body would be shown twice (under the header)."""
    body = tree.find("body") if tree.tag != "body" else tree
    if body is None or not title:
        return
    for element in body:
        if not text_of("".join(element.itertext())):
            continue
        if element.tag in ("h1", "h2") and text_of("".join(element.itertext())).casefold() == title.casefold():
            body.remove(element)
        return


def _drop_bare_urls(tree) -> None:
    """A line that is only a URL (a print header, a share link) is never the article's prose."""
    for element in tree.iter():
        if element.text and BARE_URL.match(element.text):
            element.text = ""
        if element.tail and BARE_URL.match(element.tail):
            element.tail = ""
