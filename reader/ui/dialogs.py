"""The small windows the main window opens: help pages, About, and the notes whose
article has gone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog, QFileDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox, QTextBrowser, QVBoxLayout,
)

from reader.exchange.notes_files import notes_export
from reader.notes.store import Note, local_time
from reader.storage import write_atomically


def info_dialog(parent, title: str, html: str, name: str) -> QDialog:
    dialog = QDialog(parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    browser = QTextBrowser()
    browser.setOpenLinks(False)
    browser.setHtml(html)
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    dialog.resize(620, 430)
    dialog.show()
    return dialog


def about(parent) -> None:
    from reader import __version__

    QMessageBox.about(parent, "About Article Reader",
                      f"<b>Article Reader {__version__}</b><p>An offline reader, search engine and notebook "
                      "for your library of articles. Nothing leaves this computer.</p>")


def orphans_dialog(parent, notes: list[Note]) -> QDialog:
    dialog = QDialog(parent)
    dialog.setObjectName("orphansDialog")
    dialog.setWindowTitle("Notes without an article")
    listing = QListWidget()
    listing.setObjectName("orphanedList")
    listing.setWordWrap(True)
    for note in notes:
        quoted = f"“{note.quote.exact}”\n" if note.quote else ""
        item = QListWidgetItem(f"{note.article_title or note.article}  —  {local_time(note.created)}\n{quoted}{note.text}")
        item.setToolTip(f"Last seen at {note.article}")
        listing.addItem(item)
    explanation = QLabel("These notes belong to articles that are no longer in the library. They are kept, "
                         "and they re-attach by themselves if the file (or a renamed copy) comes back.")
    explanation.setWordWrap(True)
    layout = QVBoxLayout(dialog)
    layout.addWidget(explanation)
    layout.addWidget(listing, 1)
    dialog.resize(560, 420)
    dialog.show()
    return dialog


def export_notes(window, workers) -> None:
    """File → Export Notes…: Markdown, or JSON by the name's suffix, written on the notes thread."""
    target, _ = QFileDialog.getSaveFileName(window, "Export Notes", str(Path.home() / "article-notes.md"),
                                            "Markdown (*.md);;JSON (*.json)")
    if not target or workers is None:
        return
    path = Path(target)

    def job(svc) -> str:
        write_atomically(path, notes_export(svc, "json" if path.suffix.lower() == ".json" else "md").encode("utf-8"))
        return str(path)

    workers.call(workers.notes, job, lambda p: window.status.say(f"Notes exported to {p}."),
                 lambda m: QMessageBox.warning(window, "Export failed", m))
