"""The side panel: filter the library by folder and by tag, each with its count."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel, QListWidget, QListWidgetItem, QPushButton, QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from reader.library.catalog import ArticleInfo

VALUE_ROLE = Qt.UserRole + 40


class Sidebar(QWidget):
    folder_chosen = Signal(object)  # a folder path, or None for all
    tag_chosen = Signal(object)  # a tag, or None for all
    orphans_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.folders = QTreeWidget()
        self.folders.setObjectName("folderTree")
        self.folders.setHeaderHidden(True)
        self.folders.itemSelectionChanged.connect(self._on_folder)
        self.tags = QListWidget()
        self.tags.setObjectName("tagList")
        self.tags.itemSelectionChanged.connect(self._on_tag)
        self.tags.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.folders.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.orphans = QPushButton("")
        self.orphans.setObjectName("orphansButton")
        self.orphans.setFlat(True)
        self.orphans.clicked.connect(self.orphans_requested)
        self.orphans.hide()

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(_heading("Folders"))
        top_layout.addWidget(self.folders)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(_heading("Tags"))
        bottom_layout.addWidget(self.tags)
        self.split = QSplitter(Qt.Vertical)
        self.split.setObjectName("sidebarSplitter")
        self.split.addWidget(top)
        self.split.addWidget(bottom)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.orphans)

    def add_section(self, widget: QWidget, stretch: int = 2) -> None:
        """Another part of the panel, below the folders and tags (the saved searches)."""
        self.split.addWidget(widget)
        self.split.setStretchFactor(self.split.count() - 1, stretch)

    def set_articles(self, articles: list[ArticleInfo]) -> None:
        chosen_folder, chosen_tag = self.current_folder(), self.current_tag()
        self.folders.blockSignals(True)
        self.tags.blockSignals(True)
        self.folders.clear()
        everything = QTreeWidgetItem([f"All articles  ({len(articles)})"])
        everything.setData(0, VALUE_ROLE, None)
        self.folders.addTopLevelItem(everything)
        counts = Counter()
        for info in articles:
            parts = info.id.split("/")[:-1]
            for depth in range(1, len(parts) + 1):
                counts["/".join(parts[:depth])] += 1
        items: dict[str, QTreeWidgetItem] = {}
        for folder in sorted(counts):
            parent_path, _, name = folder.rpartition("/")
            item = QTreeWidgetItem([f"{name}  ({counts[folder]})"])
            item.setData(0, VALUE_ROLE, folder)
            (items[parent_path] if parent_path in items else everything).addChild(item)
            items[folder] = item
            if folder == chosen_folder:
                item.setSelected(True)
        everything.setExpanded(True)
        self.tags.clear()
        tag_counts = Counter()
        spelling: dict[str, str] = {}
        for info in articles:
            for tag in info.tags:
                key = tag.casefold()
                tag_counts[key] += 1
                spelling.setdefault(key, tag)
        for key, count in sorted(tag_counts.items(), key=lambda kv: (-kv[1], kv[0])):
            item = QListWidgetItem(f"{spelling[key]}  ({count})")
            item.setData(VALUE_ROLE, spelling[key])
            self.tags.addItem(item)
            if chosen_tag and key == chosen_tag.casefold():
                item.setSelected(True)
        self.folders.blockSignals(False)
        self.tags.blockSignals(False)

    def set_orphan_count(self, count: int) -> None:
        self.orphans.setText(f"Notes without an article ({count})")
        self.orphans.setVisible(count > 0)

    def current_folder(self):
        items = self.folders.selectedItems()
        return items[0].data(0, VALUE_ROLE) if items else None

    def current_tag(self):
        items = self.tags.selectedItems()
        return items[0].data(VALUE_ROLE) if items else None

    def clear_tag(self) -> None:
        self.tags.clearSelection()

    def _on_folder(self) -> None:
        self.folder_chosen.emit(self.current_folder())

    def _on_tag(self) -> None:
        self.tag_chosen.emit(self.current_tag())


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setContentsMargins(2, 2, 0, 2)
    return label
