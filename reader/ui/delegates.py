"""Painting rich rows: a compact library row (title; date · by · tags), a search hit
(title, date, snippet) and a comment (time, quoted passage, text)."""

from __future__ import annotations

import html

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QFontMetrics, QPalette, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reader.ui.models import DATE_ROLE, META_ROLE, NOTES_ROLE, SNIPPET_ROLE, marked_html

PADDING = 8
COMPACT_ROW_HEIGHT = 48


class LibraryRowDelegate(QStyledItemDelegate):
    """A library row in two lines, as feed readers draw them when the list is narrow:
    the title (bold while unread), then date · by · tags · notes, each elided to fit."""

    def paint(self, painter, option, index):
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style:
            style.drawControl(QStyle.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(option.state & QStyle.State_Selected)
        text_color = option.palette.color(QPalette.HighlightedText if selected else QPalette.Text)
        muted = option.palette.color(QPalette.HighlightedText if selected else QPalette.PlaceholderText)
        area = option.rect.adjusted(PADDING, 5, -PADDING, -5)
        title_font = QFont(index.data(Qt.FontRole) or option.font)
        meta_font = QFont(option.font)
        meta_font.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.9))
        title_metrics, meta_metrics = QFontMetrics(title_font), QFontMetrics(meta_font)
        painter.save()
        painter.setFont(title_font)
        painter.setPen(text_color)
        title = title_metrics.elidedText(index.data(Qt.DisplayRole) or "", Qt.ElideRight, area.width())
        painter.drawText(QRect(area.left(), area.top(), area.width(), title_metrics.height()),
                         Qt.AlignLeft | Qt.AlignVCenter, title)
        painter.setFont(meta_font)
        painter.setPen(muted)
        meta = meta_metrics.elidedText(index.data(META_ROLE) or "", Qt.ElideRight, area.width())
        painter.drawText(QRect(area.left(), area.top() + title_metrics.height() + 2, area.width(),
                               meta_metrics.height()), Qt.AlignLeft | Qt.AlignVCenter, meta)
        painter.restore()

    def sizeHint(self, option, index):
        return QSize(option.rect.width(), COMPACT_ROW_HEIGHT)


class HtmlRowDelegate(QStyledItemDelegate):
    """Rows drawn from a small HTML document, wrapped to the view's width."""

    def html_for(self, index, palette: QPalette, selected: bool) -> str:
        raise NotImplementedError

    @staticmethod
    def colors(palette: QPalette, selected: bool) -> tuple[str, str]:
        """The muted and the accent colour of a row's small print."""
        muted = palette.color(QPalette.HighlightedText if selected else QPalette.PlaceholderText).name()
        accent = palette.color(QPalette.HighlightedText if selected else QPalette.Link).name()
        return muted, accent

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


def rich_list(name: str, model, delegate_class) -> QListView:
    """A list of rich rows that wrap to its width: never a sideways scroll bar, rows laid
    out again when it is resized, scrolled by pixels (rows differ in height)."""
    view = QListView()
    view.setObjectName(name)
    view.setModel(model)
    view.setItemDelegate(delegate_class(view))
    view.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    view.setResizeMode(QListView.Adjust)
    view.setAlternatingRowColors(True)
    view.setUniformItemSizes(False)
    view.setWordWrap(True)
    return view


class HitDelegate(HtmlRowDelegate):
    def html_for(self, index, palette, selected):
        muted, accent = self.colors(palette, selected)
        title = html.escape(index.data(Qt.DisplayRole) or "")
        date = html.escape(index.data(DATE_ROLE) or "")
        snippet = marked_html(index.data(SNIPPET_ROLE) or "", accent)
        notes = f" &nbsp;<span style='color:{accent}'>✎ in your notes</span>" if index.data(NOTES_ROLE) else ""
        return (f"<div><b>{title}</b></div>"
                f"<div style='color:{muted}; font-size:small'>{date}{notes}</div>"
                f"<div style='margin-top:2px'>{snippet}</div>")


COMMENT_TIME_ROLE = Qt.UserRole + 20
COMMENT_HTML_ROLE = Qt.UserRole + 21


class CommentDelegate(HtmlRowDelegate):
    def html_for(self, index, palette, selected):
        muted, _ = self.colors(palette, selected)
        when = html.escape(index.data(COMMENT_TIME_ROLE) or "")
        return f"<div style='color:{muted}; font-size:small'>{when}</div>{index.data(COMMENT_HTML_ROLE) or ''}"
