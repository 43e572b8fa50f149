"""The status bar: what just happened, indexing progress, Undo after a deletion, when notes
were last synced, and how many articles are listed."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

UNDO_MS = 12_000


class StatusArea(QStatusBar):
    undo_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.text = QLabel("")
        self.text.setObjectName("statusText")
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("indexProgressLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("indexProgress")
        self.progress.setFixedWidth(140)
        self.progress.setTextVisible(False)  # the words go in the label beside it: they fit there
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setFlat(True)
        self.count = QLabel("")
        self.count.setObjectName("countLabel")
        self.sync_label = QLabel("")  # when notes were last synced through a folder (reader.ui.syncing)
        self.sync_label.setObjectName("syncStatus")
        self.addWidget(self.text, 1)
        for widget in (self.undo_button, self.progress_label, self.progress, self.sync_label, self.count):
            self.addPermanentWidget(widget)
        for widget in (self.undo_button, self.progress_label, self.progress):
            widget.hide()
        self.undo_timer = QTimer(self, singleShot=True, interval=UNDO_MS)
        self.undo_timer.timeout.connect(self.forget_undo)
        self.undo_button.clicked.connect(self.undo_requested)

    def say(self, text: str) -> None:
        self.text.setText(text)

    def show_progress(self, done: int, total: int) -> bool:
        """Show indexing progress (long jobs only); returns whether it is showing."""
        indexing = total >= 50 and done < total
        for widget in (self.progress, self.progress_label):
            widget.setVisible(indexing)
        if indexing:
            self.progress.setMaximum(total)
            self.progress.setValue(done)
            self.progress_label.setText(f"Indexing {done:,} of {total:,}")
        return indexing

    def offer_undo(self, text: str) -> None:
        self.say(text)
        self.undo_button.show()
        self.undo_timer.start()

    def forget_undo(self) -> None:
        self.undo_timer.stop()
        self.undo_button.hide()
