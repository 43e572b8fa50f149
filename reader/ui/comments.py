"""The comments under an article: the reader's notes, oldest first, and a box to add one.

A note on a passage shows the passage as a quote above its comment (or says the passage
is no longer in the article); a comment being written on a passage shows it above the box.
Reading comes first: the panel asks only for the room its comments need (``wanted_height``)
— with none, a heading and a one-line box that opens up when it is used.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMenu, QPlainTextEdit, QPushButton,
    QToolButton, QVBoxLayout, QWidget,
)

from reader.notes.anchoring import CHANGED, DETACHED, Quote
from reader.notes.store import Note, local_time
from reader.render import note_html
from reader.ui.delegates import COMMENT_HTML_ROLE, COMMENT_TIME_ROLE, CommentDelegate

NOTE_ID_ROLE = Qt.UserRole + 30
EMPTY_HINT = "Write something first: an empty comment can't be saved."
QUOTE_CHARS = 300  # a long passage is shortened in the list; its highlight shows all of it
BOX_LINES = 1, 4  # the comment box's lines: at rest, and while a comment is being written


class CommentsPanel(QWidget):
    post_requested = Signal(str, object)  # a new comment's text, and the passage it is on (a Quote) or None
    edit_requested = Signal(int, str)  # note id, new text
    delete_requested = Signal(int)  # note id
    note_selected = Signal(int)  # the reader selected a note (show its passage)
    wanted_changed = Signal()  # the room the panel needs has changed (comments, the box opened)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("commentsPanel")
        self.notes: list[Note] = []
        self._html: dict[str, str] = {}  # note text -> its HTML: Markdown per comment is the cost
        self.editing: int | None = None
        self.article_id: str | None = None
        self.pending_quote: Quote | None = None  # the passage the comment being written is on
        self.colors: dict[str, str] = {}  # colour name -> how it is drawn, for the quote bars

        self.header = QLabel("Comments")
        self.header.setObjectName("commentsHeader")
        self.list = QListWidget()
        self.list.setObjectName("commentsList")
        self.list.setContextMenuPolicy(Qt.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._versions_menu)
        self.list.setItemDelegate(CommentDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SingleSelection)
        self.list.itemDoubleClicked.connect(lambda _: self.start_edit())
        self.list.itemSelectionChanged.connect(self._on_selection)

        self.edit_button = QPushButton("Edit")
        self.edit_button.setObjectName("editCommentButton")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("deleteCommentButton")
        self.edit_button.clicked.connect(self.start_edit)
        self.delete_button.clicked.connect(self._delete_selected)
        for button in (self.edit_button, self.delete_button):
            button.setFlat(True)
            button.setCursor(Qt.PointingHandCursor)

        self.quote_label = QLabel("")
        self.quote_label.setObjectName("pendingQuote")
        self.quote_label.setWordWrap(True)
        self.quote_clear = QToolButton(text="✕", toolTip="Comment on the whole article instead")
        self.quote_clear.setAutoRaise(True)
        self.quote_clear.clicked.connect(lambda: self.set_pending_quote(None))
        self.quote_row = QWidget()
        quote_layout = QHBoxLayout(self.quote_row)
        quote_layout.setContentsMargins(0, 0, 0, 0)
        quote_layout.addWidget(self.quote_label, 1)
        quote_layout.addWidget(self.quote_clear, 0, Qt.AlignTop)
        self.quote_row.hide()

        self.editor = QPlainTextEdit()
        self.editor.setObjectName("commentEdit")
        self.editor.setPlaceholderText("Leave a comment… (Markdown; Ctrl+Enter to post)")
        self.editor.setTabChangesFocus(True)
        self.editor.installEventFilter(self)
        self._opened = False  # the reader went into the box (it closes again once a comment is saved)
        self.editor.textChanged.connect(lambda: self.show_problem(""))
        self.editor.textChanged.connect(self._fit_box)
        self.hint = QLabel("")
        self.hint.setObjectName("commentHint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        self.post_button = QPushButton("Leave a comment")
        self.post_button.setObjectName("leaveCommentButton")
        self.post_button.setDefault(True)
        self.post_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelEditButton")
        self.cancel_button.clicked.connect(self.cancel_edit)
        self.cancel_button.hide()
        QShortcut(QKeySequence.Delete, self.list, self._delete_selected, context=Qt.WidgetShortcut)

        top = QHBoxLayout()
        top.addWidget(self.header)
        top.addStretch(1)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        entry = QHBoxLayout()  # the box, and its buttons beside it
        entry.addWidget(self.editor, 1)
        entry.addWidget(self.cancel_button, 0, Qt.AlignBottom)
        entry.addWidget(self.post_button, 0, Qt.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.list, 10)
        layout.addWidget(self.quote_row)
        layout.addLayout(entry)
        layout.addWidget(self.hint)
        layout.addStretch(1)  # given more room than it asked for, the box stays under the comments
        self._fit_box()
        self.set_article(None)

    # ------------------------------------------------------------ the room it needs

    def eventFilter(self, obj, event) -> bool:
        if obj is self.editor and event.type() in (QEvent.FocusIn, QEvent.FocusOut):
            self._opened = event.type() == QEvent.FocusIn
            self._fit_box()
        return super().eventFilter(obj, event)

    def writing(self) -> bool:
        """A comment is being written: the reader went into the box, or it has text, a
        passage, or a comment being edited."""
        return (self._opened or bool(self.editor.toPlainText()) or self.pending_quote is not None
                or self.editing is not None)

    def _fit_box(self) -> None:
        lines = BOX_LINES[1] if self.writing() else BOX_LINES[0]
        document = self.editor.document().documentMargin()  # the frame's width holds the style's padding
        height = int(lines * self.editor.fontMetrics().lineSpacing() + 2 * document + 2 * self.editor.frameWidth() + 2)
        if (self.editor.minimumHeight(), self.editor.maximumHeight()) != (height, height):
            self.editor.setFixedHeight(height)
            self.wanted_changed.emit()

    def wanted_height(self, most: int) -> int:
        """The height the panel needs, at most `most` (the comments then scroll): its
        heading, the comments, the passage being commented on, the box and any hint."""
        layout = self.layout()
        margins = layout.contentsMargins()
        parts = [self.header.sizeHint().height(), max(self.editor.minimumHeight(), self.post_button.sizeHint().height())]
        parts += [w.sizeHint().height() for w in (self.quote_row, self.hint) if not w.isHidden()]
        fixed = margins.top() + margins.bottom() + sum(parts) + layout.spacing() * len(parts)
        if not self.notes:
            return fixed - layout.spacing()
        rows = sum(self.list.sizeHintForRow(row) for row in range(self.list.count())) + 2 * self.list.frameWidth() + 4
        return fixed + max(0, min(rows, most - fixed))

    # ------------------------------------------------------------ showing

    def set_article(self, article_id: str | None) -> None:
        if article_id != self.article_id:
            self.cancel_edit()
            self.set_pending_quote(None)
        self.article_id = article_id
        enabled = article_id is not None
        for widget in (self.editor, self.post_button):
            widget.setEnabled(enabled)
        if not enabled:
            self.set_notes([])

    def set_notes(self, notes: list[Note]) -> None:
        self.notes = list(notes)  # in the store's order: the same on every machine notes sync to
        # Every save refreshes the whole list; only new or edited texts are rendered.
        self._html = {n.text: self._html.get(n.text) or note_html(n.text) for n in self.notes if n.text}
        selected = self.selected_id()
        self.list.blockSignals(True)
        self.list.clear()
        for note in self.notes:
            item = QListWidgetItem(note.text or (note.quote.exact if note.quote else ""))
            stamp = local_time(note.created)
            if note.updated != note.created:
                stamp += f"  (edited {local_time(note.updated)})"
            if note.earlier:  # edited on two machines at once: the other text is kept (reader.sync)
                stamp += f"  · {len(note.earlier)} earlier version{'s' if len(note.earlier) > 1 else ''} (right-click)"
                item.setToolTip("Also written on another machine at the same time:\n\n" + "\n\n".join(note.earlier))
            item.setData(COMMENT_TIME_ROLE, stamp)
            item.setData(COMMENT_HTML_ROLE, self._quote_html(note) + (self._html[note.text] if note.text else ""))
            item.setData(NOTE_ID_ROLE, note.id)
            self.list.addItem(item)
            if note.id == selected:
                item.setSelected(True)
        self.list.blockSignals(False)
        count = len(self.notes)
        self.header.setText(f"<b>Comments</b> ({count})" if count else "<b>Comments</b> — none yet")
        self.list.setVisible(bool(count))
        self._update_buttons()
        self.wanted_changed.emit()

    def _versions_menu(self, point) -> None:
        """Right-click on a comment with earlier versions: take one of them back."""
        item = self.list.itemAt(point)
        note = next((n for n in self.notes if item and n.id == item.data(NOTE_ID_ROLE)), None)
        if note is None or not note.earlier:
            return
        menu = QMenu(self.list)
        menu.setObjectName("earlierVersionsMenu")
        for text in note.earlier:
            shown = " ".join(text.split())
            chosen = menu.addAction("Restore: " + (shown if len(shown) <= 60 else shown[:60] + "…"))
            chosen.triggered.connect(lambda _=False, t=text, i=note.id: self.edit_requested.emit(i, t))
        menu.popup(self.list.viewport().mapToGlobal(point))

    def _quote_html(self, note: Note) -> str:
        if note.quote is None:
            return ""
        exact = note.quote.exact
        shown = html.escape(exact if len(exact) <= QUOTE_CHARS else exact[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …")
        bar = self.colors.get(note.color or "yellow", "#e0c200")
        state = note.anchor.state if note.anchor else None
        said = {DETACHED: "passage no longer in the article", CHANGED: "passage reworded since"}.get(state)
        remark = f"<div style='font-size:small; font-style:normal'>⚠ {said}</div>" if said else ""
        return (f"<table cellspacing='0' cellpadding='0' style='margin-bottom:4px'><tr>"
                f"<td style='background-color:{bar}' width='4'></td><td width='8'></td>"
                f"<td><i>“{shown}”</i>{remark}</td></tr></table>")

    def selected_id(self) -> int | None:
        items = self.list.selectedItems()
        return items[0].data(NOTE_ID_ROLE) if items else None

    def select(self, note_id: int) -> None:
        """Select a note (a highlight was clicked) without asking to show its passage."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(NOTE_ID_ROLE) == note_id:
                self.list.blockSignals(True)
                self.list.setCurrentItem(item)
                self.list.blockSignals(False)
                self.list.scrollToItem(item)
                self._update_buttons()
                return

    def _on_selection(self) -> None:
        self._update_buttons()
        note_id = self.selected_id()
        if note_id is not None:
            self.note_selected.emit(note_id)

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        self.edit_button.setVisible(has)
        self.delete_button.setVisible(has)

    def set_pending_quote(self, quote: Quote | None) -> None:
        """The passage the comment being written is on (shown above the box), or None."""
        self.pending_quote = quote
        if quote is None:
            self.quote_row.hide()
            self.post_button.setText("Save changes" if self.editing is not None else "Leave a comment")
        else:
            exact = quote.exact if len(quote.exact) <= QUOTE_CHARS else quote.exact[:QUOTE_CHARS] + " …"
            self.quote_label.setText(f"<i>On the passage:</i> “{html.escape(exact)}”")
            self.quote_row.show()
            self.post_button.setText("Highlight and comment")
        self._fit_box()
        self.wanted_changed.emit()

    # ------------------------------------------------------------ actions

    def submit(self) -> None:
        text = self.editor.toPlainText()
        if self.editing is not None:
            note = next((n for n in self.notes if n.id == self.editing), None)
            if not text.strip() and not (note and note.quote):
                self.show_problem(EMPTY_HINT)
                return
            self.edit_requested.emit(self.editing, text)
            return
        if not text.strip() and self.pending_quote is None:
            self.show_problem(EMPTY_HINT)
            self.editor.setFocus()
            return
        self.post_requested.emit(text, self.pending_quote)

    def saved(self) -> None:
        """The store has the comment: clear the box (only now, so nothing typed is lost)."""
        self._opened = False
        self.editor.clear()
        self.cancel_edit()
        self.set_pending_quote(None)
        self.show_problem("")

    def show_problem(self, message: str) -> None:
        """Say what went wrong under the box ("" takes it away)."""
        self.hint.setText(f"<span style='color:#c0392b'>{html.escape(message)}</span>" if message else "")
        if self.hint.isHidden() == bool(message):
            self.hint.setVisible(bool(message))
            self.wanted_changed.emit()

    def start_edit(self) -> None:
        note_id = self.selected_id()
        note = next((n for n in self.notes if n.id == note_id), None)
        if note is None:
            return
        self.set_pending_quote(None)
        self.editing = note.id
        self.editor.setPlainText(note.text)
        self.post_button.setText("Save changes")
        self.cancel_button.show()
        self.editor.setFocus()
        self._fit_box()

    def cancel_edit(self) -> None:
        if self.editing is not None:
            self.editor.clear()
        self.editing = None
        self.post_button.setText("Highlight and comment" if self.pending_quote else "Leave a comment")
        self.cancel_button.hide()
        self._fit_box()

    def _delete_selected(self) -> None:
        note_id = self.selected_id()
        if note_id is not None:
            self.delete_requested.emit(note_id)
