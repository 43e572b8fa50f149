"""File → Import…: a read-later export chosen, imported on the indexer thread with a
progress bar, then the report in words; the list, notes and search follow."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

EXPORT_FILES = "Exports (*.zip *.json *.csv *.html *.htm);;All files (*)"


def import_export(window) -> None:
    if window.workers is None:
        return
    chosen, _ = QFileDialog.getOpenFileName(window, "Import from Pocket, Omnivore, Instapaper, wallabag, Readwise…",
                                            str(Path.home()), EXPORT_FILES)
    if chosen:
        run_import(window, Path(chosen))


def run_import(window, path: Path) -> None:
    """Import path into the open library, showing progress, then the report."""
    from reader.exchange.importing import import_file

    bar = QProgressDialog(f"Importing {path.name}…", "", 0, 0, window)
    bar.setObjectName("importProgress")
    bar.setWindowTitle("Import")
    bar.setCancelButton(None)  # an import is short and stops only between whole steps
    bar.setWindowModality(Qt.WindowModal)
    bar.setMinimumDuration(0)
    bar.show()
    window.import_progress = bar

    def progress(done: int, total: int) -> None:
        bar.setMaximum(total)
        bar.setValue(done)

    def finished(report) -> None:
        bar.close()
        _tell(window, "Import finished", "\n".join(report.lines()), QMessageBox.Information)
        window.status.say(f"Imported {path.name}: {report.articles_added} added, {report.articles_matched} found.")

    def failed(message: str) -> None:
        bar.close()
        _tell(window, "Import failed", f"{path.name}: {message}", QMessageBox.Warning)

    window.live.change(lambda svc, step: import_file(svc, path, progress=step), finished, failed, progress)


def _tell(window, title: str, text: str, icon) -> None:
    box = QMessageBox(icon, title, text, QMessageBox.Ok, window)
    box.setObjectName("importReport")
    box.setTextInteractionFlags(Qt.TextSelectableByMouse)
    window.import_report = box
    box.open()
