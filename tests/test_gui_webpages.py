"""A folder of saved web pages in the real window: listed, read, searched, annotated."""

import base64
import gzip

import pytest
from conftest import REPO, write
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from qt_helpers import WAIT, find, open_window, row_ids, search, wait_article
from test_webpages import ARTICLE, page

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PAGES = REPO.parent / "shared" / "web-pages"
PNG = (REPO / "library" / "images" / "flood-barrier.png").read_bytes()


def test_a_folder_of_saved_pages_is_a_library_in_the_window(qtbot, library, data):
    from PySide6.QtWidgets import QAbstractItemView, QTextBrowser

    head = ('<meta property="og:site_name" content="The Harbour Gazette">'
            '<meta property="article:published_time" content="2025-03-14T09:00:00+01:00">')
    inline = f'<p><img src="data:image/png;base64,{base64.b64encode(PNG).decode()}" alt="inline"></p>'
    write(library, "saved/Barrier.html", page(head, ARTICLE + '<p><img src="Barrier_files/gates.png" alt="g"></p>'))
    write(library, "saved/Barrier_files/gates.png", PNG)
    write(library, "saved/Inline.html", page(title="Inline Images Everywhere | Site",
                                             body=ARTICLE.replace("barrier", "gateway") + inline))
    w = open_window(qtbot, library, data, rows=2)
    view = find(w, QAbstractItemView, "libraryView")
    assert sorted(row_ids(view)) == ["saved/Barrier.html", "saved/Inline.html"]
    model = w.library.model
    barrier = model.info("saved/Barrier.html")
    assert barrier.title == "The Barrier Closes at Last" and barrier.source == "The Harbour Gazette"
    assert str(barrier.date) == "2025-03-14"

    w.open_article("saved/Barrier.html")
    wait_article(qtbot, w, "six steel gates")
    article = find(w, QTextBrowser, "articleView")
    text = article.toPlainText()
    # The page's own furniture is gone (its "Related articles" links: "Mayor opens…"; the
    # window's related articles may arrive under the article meanwhile, with that heading).
    assert "cookies" not in text and "Mayor opens" not in text and "The Harbour Gazette" in text
    local = article.loadResource(QTextDocument.ImageResource, QUrl("reader-image:saved/Barrier_files/gates.png"))
    assert local.width() > 100

    w.open_article("saved/Inline.html")
    wait_article(qtbot, w, "gateway")
    html = article.toHtml()
    start = html.index("data:image/png;base64,")
    inline_image = article.loadResource(QTextDocument.ImageResource, QUrl(html[start:html.index('"', start)]))
    assert inline_image.width() > 100  # decoded from the page itself, not a placeholder

    cursor = article.document().find("eleven minutes")
    article.setTextCursor(cursor)
    w.reading.highlight_action.trigger()
    qtbot.waitUntil(lambda: any(s.cursor.selectedText() == "eleven minutes" for s in article.extraSelections()),
                    timeout=WAIT)
    search(qtbot, w, "gateway")
    assert row_ids(find(w, QAbstractItemView, "searchResults")) == ["saved/Inline.html"]
    w.close()


@pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/web-pages is not beside this checkout")
def test_real_pages_line_up_with_the_engine_text(qtbot, tmp_path, data):
    """Highlights land where the engine anchors them on real saved pages too."""
    from reader.ui.highlights import DocumentText

    library = tmp_path / "pages"
    for path in sorted((PAGES / "html").glob("*.html.gz"))[::6]:
        write(library, path.name[:16] + ".html", gzip.decompress(path.read_bytes()))
    count = len(list(library.iterdir()))
    w = open_window(qtbot, library, data, rows=count, timeout=120_000)
    for article_id in sorted(a.id for a in w.library.model.articles):
        w.open_article(article_id)
        qtbot.waitUntil(lambda a=article_id: w.reading.page is not None and w.reading.article_id == a
                        and w.reading.layer.page is w.reading.page, timeout=WAIT)
        assert DocumentText(w.reading.view.document(), w.reading.page).ok, article_id
    w.close()
