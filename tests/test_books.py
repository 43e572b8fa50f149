"""EPUBs and pages saved as one file (MHTML, SingleFile's self-extracting ZIP), as articles:
real files from ../shared/pdf against their known text and metadata, and made-up ones for
what the real ones lack; read in the reading pane's HTML like saved pages."""

import io
import json
import zipfile

import pytest
from rapidfuzz.distance import Indel

from conftest import REPO
from reader.library.article import NotAnArticle
from reader.library.body import article_shown_text
from reader.library.formats import parse_article
from reader.render import article_page

PDFS = REPO.parent / "shared" / "pdf"
needs_files = pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdf is not beside this checkout")


def listing(name: str, key: str) -> list[dict]:
    path = PDFS / name
    return json.loads(path.read_text())[key] if path.is_file() else []


def same(a: str, b: str) -> float:
    return Indel.normalized_similarity(" ".join(a.split()), " ".join(b.split()))


# ---------------------------------------------------------------- EPUB


@needs_files
@pytest.mark.parametrize("entry", listing("epub/epubs.json", "epubs"), ids=lambda e: e["file"])
def test_an_epub_is_its_chapters_in_spine_order_with_the_opfs_metadata(entry):
    parsed = parse_article((PDFS / "epub" / entry["file"]).read_bytes(), entry["file"])
    book = parsed.article
    assert book.format == "epub" and parsed.warnings == []
    assert same(book.text, (PDFS / "epub" / entry["truth"]).read_text()) >= 0.985
    assert book.title == entry["title"] and list(book.authors) == entry["authors"]
    assert (book.date.isoformat() if book.date else None) == entry["date"]
    assert book.lang == entry["lang"].split("-")[0] and list(book.tags) == entry["subjects"]


def book(chapters: dict[str, str], spine: list[str], extra: dict[str, bytes] | None = None, nav: str = "") -> bytes:
    """A small EPUB 3: mimetype first, the container, an OPF with a spine, the chapters."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" '
                         'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile '
                         'full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')
        items = "".join(f'<item id="{n}" href="{n}" media-type="application/xhtml+xml"/>' for n in chapters)
        if nav:
            items += '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
            archive.writestr("OEBPS/nav.xhtml", nav)
        refs = "".join(f'<itemref idref="{n}"/>' for n in spine)
        archive.writestr("OEBPS/book.opf", '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" '
                         'version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A Small '
                         'Book</dc:title><dc:creator>Ada Lovelace</dc:creator><dc:date>1843-09-01</dc:date>'
                         '<dc:language>en</dc:language><dc:publisher>Taylor</dc:publisher><dc:subject>engines'
                         f'</dc:subject></metadata><manifest>{items}</manifest><spine>{refs}</spine></package>')
        for name, content in chapters.items():
            archive.writestr(f"OEBPS/{name}", content)
        for name, content in (extra or {}).items():
            archive.writestr(f"OEBPS/{name}", content)
    return buffer.getvalue()


CHAPTER = ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>{0}</title>'
           '<script>alert(1)</script></head><body><h1 id="top">{0}</h1><p>{1}</p></body></html>')


def test_links_between_chapters_the_contents_and_images_from_inside_the_book():
    nav = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>'
           '<nav epub:type="toc"><ol><li><a href="one.xhtml">The Engine</a></li><li><a href="two.xhtml#top">'
           'The Notes</a></li></ol></nav></body></html>')
    data = book({
        "one.xhtml": CHAPTER.format("The Engine", 'It computes; see <a href="two.xhtml#top">the notes</a> and '
                                    '<img src="images/plate.png" alt="a plate"/> <img src="http://example.org/x.png"/>'),
        "two.xhtml": CHAPTER.format("The Notes", "Note G describes Bernoulli numbers."),
    }, ["one.xhtml", "two.xhtml"], {"images/plate.png": b"\x89PNG fake"}, nav)
    parsed = parse_article(data, "shelf/small.epub")
    article = parsed.article
    assert (article.title, article.authors, article.source, article.tags) == ("A Small Book", ("Ada Lovelace",),
                                                                              "Taylor", ("engines",))
    assert article.date.isoformat() == "1843-09-01"
    assert article.text.index("The Engine") < article.text.index("Note G describes")
    assert "alert" not in article.body and "<script" not in article.body
    assert 'href="#c1-top"' in article.body  # a link to the other chapter leads to it on the one page
    assert 'src="reader-book:shelf/small.epub!/OEBPS/images/plate.png"' in article.body
    assert "Contents" in article_shown_text(article).text and "Contents" not in article.text  # not searched twice
    page = article_page(article, None).html
    assert "reader-book:shelf/small.epub!/OEBPS/images/plate.png" in page
    assert "example.org" not in page and "reader-missing:" in page  # remote: a placeholder, never fetched


def test_broken_books_are_read_as_far_as_they_go_or_skipped_with_a_reason():
    missing = book({"one.xhtml": CHAPTER.format("One", "The first chapter is here.")}, ["one.xhtml", "two.xhtml"])
    parsed = parse_article(missing, "missing.epub")
    assert "first chapter" in parsed.article.text and parsed.warnings == ["its spine names 1 chapter the book lacks"]
    with pytest.raises(NotAnArticle, match="not a readable EPUB"):
        parse_article(missing[:700], "cut.epub")
    no_container = io.BytesIO()
    with zipfile.ZipFile(no_container, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
    with pytest.raises(NotAnArticle, match="container.xml is missing"):
        parse_article(no_container.getvalue(), "empty.epub")


# ---------------------------------------------------------------- MHTML and SingleFile


@needs_files
@pytest.mark.parametrize("entry", listing("mhtml/mhtml.json", "mhtml"), ids=lambda e: e["file"])
def test_an_mhtml_page_reads_as_the_page_it_holds(entry):
    saved = parse_article((PDFS / "mhtml" / entry["file"]).read_bytes(), entry["file"]).article
    twin = parse_article((PDFS / "mhtml" / entry["twin"]).read_bytes(), "twin.html").article
    assert saved.format == "html" and saved.title == twin.title
    assert same(saved.text, twin.text) >= 0.99
    expected = PDFS / "mhtml" / entry["file"].replace(".mhtml", ".expected.txt")
    if expected.is_file() and entry["file"] != "nytimes-5.mhtml":  # an index page: Readability reads other parts
        assert same(saved.text, expected.read_text()) >= 0.95


MHTML = (b'From: <Saved by Blink>\r\nSnapshot-Content-Location: https://news.example/story\r\nMIME-Version: 1.0\r\n'
         b'Content-Type: multipart/related; type="text/html"; boundary="B"\r\n\r\n--B\r\nContent-Type: text/html; '
         b'charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Location: '
         b'https://news.example/story\r\n\r\n<html><head><title>Caf=E9 owners</title></head><body><article><h1>Caf=\r\n'
         b'=E9 owners meet</h1><p>The caf=E9 owners of the old town met on Monday to talk about the new rents, which '
         b'rose by a third this year.</p><p>' + b"They agreed to write to the council together. " * 8 +
         b'</p><img src="pics/cup.png" alt="a cup"></article></body></html>\r\n--B\r\nContent-Type: image/png\r\n'
         b'Content-Transfer-Encoding: base64\r\nContent-Location: https://news.example/pics/cup.png\r\n\r\n'
         b'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n--B--\r\n')


def test_an_mhtml_page_in_its_parts_charset_with_its_saved_images():
    article = parse_article(MHTML, "cafe.mhtml").article
    assert article.title == "Café owners" and "café owners of the old town" in article.text
    assert "data:image/png;base64,iVBORw0KGgo" in article.body


def test_a_singlefile_self_extracting_zip_page():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("index.html", "<html><head><title>Zip page</title></head><body><article><h1>Saved as a zip</h1>"
                   "<p>" + "This page was saved by SingleFile as a self-extracting ZIP file. " * 6 +
                   '</p><img src="images/0.png"></article></body></html>')
        z.writestr("images/0.png", b"\x89PNG\r\n\x1a\n fake")
    data = b"<!DOCTYPE html><html><body>Please wait...</body></html>" + archive.getvalue()
    article = parse_article(data, "zip-page.html").article
    assert article.title == "Zip page" and "self-extracting ZIP" in article.text
    assert "data:image/png;base64," in article.body


def test_broken_single_file_pages_are_skipped_with_a_reason():
    for data, reason in ((MHTML[:300], "its page is empty or cut off"),
                         (b"\x00\x01garbage" * 50, "no page in it"),
                         (MHTML.replace(b"Content-Type: text/html", b"Content-Type: text/plain"), "no HTML part")):
        with pytest.raises(NotAnArticle, match=reason):
            parse_article(data, "broken.mhtml")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("index.html", "<html><body><p>" + "Words of the page. " * 100 + "</p></body></html>")
    cut = b"<!DOCTYPE html><html><body>Please wait...</body></html>" + archive.getvalue()[:80]
    with pytest.raises(NotAnArticle, match="a page saved as a ZIP, cut off or damaged"):
        parse_article(cut, "cut-zip-page.html")
