"""The related articles at the end of the shown article: asked of the searcher thread once
the article is on screen (it never waits for them), then written into the slot the page
keeps for them before the previous/next links (reader.render.RELATED_SLOT)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QTextCursor, QTextDocument

from reader.render import RELATED_SLOT, related_html
from reader.ui.workers import Workers


class RelatedLinks:
    def __init__(self, view):
        self.view = view
        self.seq = 0
        self.shown: list = []  # what the page shows now (reader.search.related.RelatedArticle)
        self.article_id: str | None = None  # whose they are
        self.answered: str | None = None  # the article whose answer came back (some or none)

    def forget(self) -> None:
        """A new page is coming: an answer for the last one must not land in it."""
        self.seq += 1
        self.shown, self.article_id, self.answered = [], None, None

    def ask(self, workers: Workers | None, article_id: str, dark: bool,
            place: Callable[[str], None] | None = None) -> None:
        """Find the article's related articles and show them in the page on screen (or give
        their HTML to place: the end of a PDF's pages)."""
        self.forget()
        if workers is None:
            return
        seq = self.seq
        workers.call(workers.searcher, lambda svc: svc.related(article_id),
                     lambda found: self._show(seq, article_id, found, dark, place), stale=lambda: seq != self.seq)

    def _show(self, seq: int, article_id: str, found: list, dark: bool, place) -> None:
        if seq != self.seq:
            return
        self.answered = article_id
        if not found:
            return
        cursor = _slot(self.view.document()) if place is None else None
        if cursor is None and place is None:
            return
        self.shown, self.article_id = list(found), article_id
        if place is not None:
            place(related_html(found, dark))
        else:
            cursor.insertHtml(related_html(found, dark))


def _slot(document: QTextDocument) -> QTextCursor | None:
    """A cursor selecting the slot's content, found by its anchor name (near the end)."""
    block = document.lastBlock()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            if RELATED_SLOT in fragments.fragment().charFormat().anchorNames():
                cursor = QTextCursor(block)
                cursor.movePosition(QTextCursor.EndOfBlock, QTextCursor.KeepAnchor)
                return cursor
            fragments += 1
        block = block.previous()
    return None
