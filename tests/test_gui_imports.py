"""Tagging an article and importing a read-later export through the real window."""

import shutil

import pytest
from conftest import REPO
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QListWidget, QMessageBox
from qt_helpers import article_text, click_row, comments, find, open_window, results_view, row_ids, search, type_text

IMPORTS = REPO.parent / "shared" / "imports"


@pytest.fixture
def imports_window(qtbot, tmp_path, data):
    library = tmp_path / "library"
    shutil.copytree(IMPORTS / "library", library)
    for path in library.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    window = open_window(qtbot, library, data, rows=8)
    yield window
    window.close()


def open_titled(qtbot, window, title: str) -> str:
    view = find(window, QAbstractItemView, "libraryView")
    row = next(r for r in range(view.model().rowCount()) if view.model().index(r, 0).data() == title)
    click_row(qtbot, view, row)
    qtbot.waitUntil(lambda: title in article_text(window))
    return window.current_id


def tag_counts(window) -> dict[str, str]:
    tags = find(window, QListWidget, "tagList")
    return {tags.item(i).text().rsplit("  (", 1)[0]: tags.item(i).text() for i in range(tags.count())}


def test_tags_typed_in_edit_tags_are_completed_saved_shown_and_searchable(qtbot, imports_window):
    window = imports_window
    article = open_titled(qtbot, window, "Announcing Rust 1.74.0")
    counts = tag_counts(window)
    assert "release notes" not in counts
    released = int(counts["release"].rsplit("(", 1)[1].rstrip(")"))
    window.findChild(type(window.undo_action), "tagsAction").trigger()
    qtbot.waitUntil(lambda: getattr(window, "tags_dialog", None) is not None and window.tags_dialog.isVisible())
    field = window.tags_dialog.field
    field.setFocus()
    type_text(qtbot, field, "rel")  # the library's tag "release" (a Jekyll post's) is offered
    qtbot.waitUntil(lambda: field.tag_completer.popup().isVisible())
    assert field.tag_completer.currentCompletion() == "release"
    qtbot.keyClick(field.tag_completer.popup(), Qt.Key_Down)
    qtbot.keyClick(field.tag_completer.popup(), Qt.Key_Return)
    assert field.text() == "release, "
    type_text(qtbot, field, "release notes")  # the field opened empty: the article had no tags
    assert field.tags() == ["release", "release notes"]
    qtbot.keyClick(field, Qt.Key_Return)  # Save
    qtbot.waitUntil(lambda: "release notes" in tag_counts(window))
    assert tag_counts(window)["release"].endswith(f"({released + 1})")
    assert window.library.info(article).tags == ("release", "release notes")
    qtbot.waitUntil(lambda: "\xa0release notes\xa0</span>" in window.reading.page.html)  # the header's tags
    search(qtbot, window, 'tag:"release notes"')
    assert row_ids(results_view(window)) == [article]
    assert (window.root / article).read_bytes() == (IMPORTS / "library" / article).read_bytes()  # file unchanged


def test_file_import_shows_progress_then_the_report_and_the_library_follows(qtbot, imports_window, monkeypatch):
    window = imports_window
    export = IMPORTS / "samples" / "omnivore-export.zip"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(export), ""))
    before = {p: p.read_bytes() for p in window.root.rglob("*") if p.is_file()}
    window.findChild(type(window.undo_action), "importAction").trigger()
    qtbot.waitUntil(lambda: getattr(window, "import_progress", None) is not None)
    qtbot.waitUntil(lambda: getattr(window, "import_report", None) is not None
                    and window.import_report.isVisible(), timeout=60_000)
    report = window.import_report.text()
    assert "2 articles added" in report and "2 highlights" in report and "1 marked read" in report
    assert not window.import_progress.isVisible()
    window.import_report.button(QMessageBox.Ok).click()
    qtbot.waitUntil(lambda: window.library.model.rowCount() == 10)
    assert {p: p.read_bytes() for p in before} == before  # nothing of the library was changed
    assert "newsletter" in tag_counts(window)
    open_titled(qtbot, window, "Simple Anomaly Detection Using Plain SQL")
    qtbot.waitUntil(lambda: any("Same here." in c for c in comments(window)))  # the highlight, with its comment
