"""Painting rich rows: a search hit (title, date, snippet) and a comment (time, text)."""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.ui.models import DATE_ROLE, NOTES_ROLE, SNIPPET_ROLE, marked_html

PADDING = 8


class _HtmlDelegate(QStyledItemDelegate):
    """Rows drawn from a small HTML document, wrapped to the view's width."""

    def html_for(self, index, palette: QPalette, selected: bool) -> str:
        raise NotImplementedError

    def _document(self, option, index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        selected = bool(option.state & QStyle.State_Selected)
        doc.setHtml(self.html_for(index, option.palette, selected))
        doc.setTextWidth(max(50, option.rect.width() - 2 * PADDING))
        return doc

    def paint(self, painter, option, index):
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget else None
        if style:
            style.drawControl(QStyle.CE_ItemViewItem, opt, painter, widget)
        doc = self._document(option, index)
        painter.save()
        painter.translate(option.rect.left() + PADDING, option.rect.top() + PADDING)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.State_Selected)
        role = QPalette.HighlightedText if selected else QPalette.Text
        context.palette.setColor(QPalette.Text, option.palette.color(role))
        context.clip = QRectF(0, 0, option.rect.width(), option.rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index):
        opt = QStyleOptionViewItem(option)
        width = opt.widget.viewport().width() if opt.widget else 400
        opt.rect.setWidth(width)
        doc = self._document(opt, index)
        return QSize(width, int(doc.size().height()) + 2 * PADDING)


def _muted(palette: QPalette, selected: bool) -> str:
    color = palette.color(QPalette.HighlightedText if selected else QPalette.PlaceholderText)
    return color.name()


class HitDelegate(_HtmlDelegate):
    def html_for(self, index, palette, selected):
        muted = _muted(palette, selected)
        accent = palette.color(QPalette.HighlightedText if selected else QPalette.Link).name()
        title = html.escape(index.data(Qt.DisplayRole) or "")
        date = html.escape(index.data(DATE_ROLE) or "")
        snippet = marked_html(index.data(SNIPPET_ROLE) or "", accent)
        notes = f" &nbsp;<span style='color:{accent}'>✎ in your notes</span>" if index.data(NOTES_ROLE) else ""
        return (f"<div><b>{title}</b></div>"
                f"<div style='color:{muted}; font-size:small'>{date}{notes}</div>"
                f"<div style='margin-top:2px'>{snippet}</div>")


COMMENT_TIME_ROLE = Qt.UserRole + 20
COMMENT_HTML_ROLE = Qt.UserRole + 21


class CommentDelegate(_HtmlDelegate):
    def html_for(self, index, palette, selected):
        muted = _muted(palette, selected)
        when = html.escape(index.data(COMMENT_TIME_ROLE) or "")
        return f"<div style='color:{muted}; font-size:small'>{when}</div>{index.data(COMMENT_HTML_ROLE) or ''}"
