"""The comments under an article: the reader's notes, oldest first, and a box to add one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from reader.notes import Note, local_time
from reader.render import note_html
from reader.ui.delegates import COMMENT_HTML_ROLE, COMMENT_TIME_ROLE, CommentDelegate

NOTE_ID_ROLE = Qt.UserRole + 30
EMPTY_HINT = "Write something first: an empty comment can't be saved."


class CommentsPanel(QWidget):
    post_requested = Signal(str)  # a new comment's text
    edit_requested = Signal(int, str)  # note id, new text
    delete_requested = Signal(int)  # note id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("commentsPanel")
        self.notes: list[Note] = []
        self._html: dict[str, str] = {}  # note text -> its HTML: Markdown per comment is the cost
        self.editing: int | None = None
        self.article_id: str | None = None

        self.header = QLabel("Comments")
        self.header.setObjectName("commentsHeader")
        self.list = QListWidget()
        self.list.setObjectName("commentsList")
        self.list.setItemDelegate(CommentDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.list.setSelectionMode(QAbstractItemView.SingleSelection)
        self.list.itemDoubleClicked.connect(lambda _: self.start_edit())
        self.list.itemSelectionChanged.connect(self._update_buttons)

        self.edit_button = QPushButton("Edit")
        self.edit_button.setObjectName("editCommentButton")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("deleteCommentButton")
        self.edit_button.clicked.connect(self.start_edit)
        self.delete_button.clicked.connect(self._delete_selected)
        for button in (self.edit_button, self.delete_button):
            button.setFlat(True)
            button.setCursor(Qt.PointingHandCursor)

        self.editor = QPlainTextEdit()
        self.editor.setObjectName("commentEdit")
        self.editor.setPlaceholderText("Leave a comment… (Markdown; Ctrl+Enter to post)")
        self.editor.setTabChangesFocus(True)
        self.editor.setFixedHeight(74)
        self.editor.textChanged.connect(lambda: self.hint.setText(""))
        self.hint = QLabel("")
        self.hint.setObjectName("commentHint")
        self.hint.setWordWrap(True)
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
        bottom = QHBoxLayout()
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.post_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 10)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.list, 10)
        layout.addWidget(self.editor)
        layout.addLayout(bottom)
        layout.addStretch(1)  # with no comments yet, the box sits under the heading
        self.set_article(None)

    # ------------------------------------------------------------ showing

    def set_article(self, article_id: str | None) -> None:
        if article_id != self.article_id:
            self.cancel_edit()
        self.article_id = article_id
        enabled = article_id is not None
        for widget in (self.editor, self.post_button):
            widget.setEnabled(enabled)
        if not enabled:
            self.set_notes([])

    def set_notes(self, notes: list[Note]) -> None:
        self.notes = sorted(notes, key=lambda n: (n.created, n.id))
        # Every save refreshes the whole list; only new or edited texts are rendered.
        self._html = {n.text: self._html.get(n.text) or note_html(n.text) for n in self.notes}
        selected = self.selected_id()
        self.list.clear()
        for note in self.notes:
            item = QListWidgetItem(note.text)
            stamp = local_time(note.created)
            if note.updated != note.created:
                stamp += f"  (edited {local_time(note.updated)})"
            item.setData(COMMENT_TIME_ROLE, stamp)
            item.setData(COMMENT_HTML_ROLE, self._html[note.text])
            item.setData(NOTE_ID_ROLE, note.id)
            self.list.addItem(item)
            if note.id == selected:
                item.setSelected(True)
        count = len(self.notes)
        self.header.setText(f"<b>Comments</b> ({count})" if count else "<b>Comments</b> — none yet")
        self.list.setVisible(bool(count))
        self._update_buttons()

    def selected_id(self) -> int | None:
        items = self.list.selectedItems()
        return items[0].data(NOTE_ID_ROLE) if items else None

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        self.edit_button.setVisible(has)
        self.delete_button.setVisible(has)

    # ------------------------------------------------------------ actions

    def submit(self) -> None:
        text = self.editor.toPlainText()
        if not text.strip():
            self.show_problem(EMPTY_HINT)
            self.editor.setFocus()
            return
        if self.editing is not None:
            self.edit_requested.emit(self.editing, text)
        else:
            self.post_requested.emit(text)

    def saved(self) -> None:
        """The store has the comment: clear the box (only now, so nothing typed is lost)."""
        self.editor.clear()
        self.cancel_edit()
        self.hint.setText("")

    def show_problem(self, message: str) -> None:
        self.hint.setText(f"<span style='color:#c0392b'>{message}</span>")

    def start_edit(self) -> None:
        note_id = self.selected_id()
        note = next((n for n in self.notes if n.id == note_id), None)
        if note is None:
            return
        self.editing = note.id
        self.editor.setPlainText(note.text)
        self.post_button.setText("Save changes")
        self.cancel_button.show()
        self.editor.setFocus()

    def cancel_edit(self) -> None:
        if self.editing is not None:
            self.editor.clear()
        self.editing = None
        self.post_button.setText("Leave a comment")
        self.cancel_button.hide()

    def _delete_selected(self) -> None:
        note_id = self.selected_id()
        if note_id is not None:
            self.delete_requested.emit(note_id)
