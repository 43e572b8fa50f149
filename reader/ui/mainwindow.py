"""The main window: library list, search, the reading pane and its comments.

All engine work happens on worker threads (see workers.py); this module only
arranges widgets, keeps track of what is shown, and reacts to answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QFileSystemWatcher, QSettings, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListView, QListWidget,
    QListWidgetItem, QMainWindow, QMessageBox, QProgressBar, QPushButton, QSplitter, QStackedWidget, QTableView,
    QTextBrowser, QToolBar, QToolButton, QVBoxLayout, QWidget,
)

from reader.catalog import ArticleInfo
from reader.index import SearchResults
from reader.library import library_folders
from reader.locations import library_state_dir
from reader.notes import Note, local_time
from reader.reading import ReadingState
from reader.render import Neighbour, article_css, article_html, message_html
from reader.service import ReaderService
from reader.snippets import Terms
from reader.storage import write_atomically
from reader.ui import theme
from reader.ui.articleview import ArticleView, open_web_link
from reader.ui.comments import CommentsPanel
from reader.ui.delegates import HitDelegate
from reader.ui.help import QUERY_HELP, shortcuts_html
from reader.ui.models import ID_ROLE, LibraryFilter, LibraryModel, ResultsModel
from reader.ui.sidebar import Sidebar
from reader.ui.workers import Bridge, Cancelled, Worker

SEARCH_DELAY_MS = 30
WATCH_DELAY_MS = 300
RESCAN_EVERY_MS = 30_000
SEARCH_PAGE = 20  # hits fetched at once; more as the list scrolls to its end


@dataclass
class Refreshed:
    """What an index update sends back to the window."""

    articles: list[ArticleInfo]
    counts: dict[str, int]
    orphans: int
    folders: list[Path]
    skipped: int = 0
    rebuilt: str | None = None
    changed: bool = False


@dataclass
class Rendered:
    article_id: str
    html: str


def _refreshed(service: ReaderService, report=None) -> Refreshed:
    return Refreshed(
        articles=service.articles() if report else service.listed_articles(), counts=service.note_counts(), orphans=len(service.orphaned_notes()),
        folders=library_folders(service.root), skipped=len(report.skipped) if report else 0,
        rebuilt=report.rebuilt if report else None,
        changed=bool(report and (report.added or report.updated or report.removed)),
    )


class MainWindow(QMainWindow):
    def __init__(self, root: Path | None, data: Path, problem: str | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.data = data
        self.root = root
        self.settings = QSettings(str(data / "gui.ini"), QSettings.IniFormat)
        self.bridge: Bridge | None = None
        self.current_id: str | None = None
        self.nav_source = "library"
        self.search_seq = 0
        self.shown_seq = 0  # the search whose answer is on screen
        self.render_seq = 0
        self.highlight = Terms()
        self.update_running = False
        self.update_pending = False
        self.last_deleted: int | None = None
        self.reading: ReadingState | None = None
        self._build_widgets()
        self._build_actions()
        self._connect_signals()
        self._restore_settings()
        if root is None:
            self._show_message("No library", problem or "The library folder could not be opened.",
                               "Choose <b>File → Open Library…</b> to pick a folder of articles.")
        else:
            self._show_welcome()
            self._start_library(root)

    # ------------------------------------------------------------ building

    def _build_widgets(self) -> None:
        self.library_model = LibraryModel(self)
        self.library_filter = LibraryFilter(self)
        self.library_filter.setSourceModel(self.library_model)
        self.library_view = QTableView()
        self.library_view.setObjectName("libraryView")
        self.library_view.setModel(self.library_filter)
        self.library_view.setSortingEnabled(True)
        self.library_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.library_view.setSelectionMode(QAbstractItemView.SingleSelection)
        self.library_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.library_view.setShowGrid(False)
        self.library_view.setWordWrap(False)
        self.library_view.setAlternatingRowColors(True)
        self.library_view.verticalHeader().hide()
        self.library_view.verticalHeader().setDefaultSectionSize(26)
        header = self.library_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setHighlightSections(False)
        for column, width in ((1, 92), (2, 104), (3, 84), (4, 46)):
            header.setSectionResizeMode(column, QHeaderView.Interactive)
            self.library_view.setColumnWidth(column, width)
        self.library_view.sortByColumn(1, Qt.DescendingOrder)

        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText("Search articles and notes  (Ctrl+K)")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(320)
        self.results_model = ResultsModel(self)
        self.results_view = QListView()
        self.results_view.setObjectName("searchResults")
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(HitDelegate(self.results_view))
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.results_view.setAlternatingRowColors(True)
        self.results_view.setUniformItemSizes(False)
        self.results_count = QLabel("")
        self.results_count.setObjectName("resultsCount")
        self.suggestion = QLabel("")
        self.suggestion.setObjectName("didYouMean")
        self.suggestion.setTextInteractionFlags(Qt.LinksAccessibleByMouse | Qt.LinksAccessibleByKeyboard)
        results_page = QWidget()
        results_layout = QVBoxLayout(results_page)
        results_layout.setContentsMargins(0, 4, 0, 0)
        results_top = QHBoxLayout()
        results_top.setContentsMargins(8, 0, 8, 0)
        results_top.addWidget(self.results_count)
        results_top.addStretch(1)
        results_top.addWidget(self.suggestion)
        results_layout.addLayout(results_top)
        results_layout.addWidget(self.results_view, 1)
        self.middle = QStackedWidget()
        self.middle.setObjectName("listStack")
        self.middle.addWidget(self.library_view)
        self.middle.addWidget(results_page)

        self.article_view = ArticleView()
        self.find_bar = self._build_find_bar()
        article_box = QWidget()
        article_layout = QVBoxLayout(article_box)
        article_layout.setContentsMargins(0, 0, 0, 0)
        article_layout.setSpacing(0)
        article_layout.addWidget(self.article_view, 1)
        article_layout.addWidget(self.find_bar)
        self.comments = CommentsPanel()
        self.right = QSplitter(Qt.Vertical)
        self.right.setObjectName("readerSplitter")
        self.right.addWidget(article_box)
        self.right.addWidget(self.comments)
        self.right.setStretchFactor(0, 4)
        self.right.setStretchFactor(1, 1)
        self.right.setSizes([560, 220])

        self.sidebar = Sidebar()
        self.main_split = QSplitter(Qt.Horizontal)
        self.main_split.setObjectName("mainSplitter")
        self.main_split.addWidget(self.sidebar)
        self.main_split.addWidget(self.middle)
        self.main_split.addWidget(self.right)
        self.main_split.setStretchFactor(1, 2)
        self.main_split.setStretchFactor(2, 3)
        self.main_split.setSizes([165, 555, 560])
        self.setCentralWidget(self.main_split)

        self.previous_button = QToolButton()
        self.previous_button.setObjectName("previousButton")
        self.previous_button.setText("◀  Previous")
        self.next_button = QToolButton()
        self.next_button.setObjectName("nextButton")
        self.next_button.setText("Next  ▶")
        self.help_button = QToolButton()
        self.help_button.setObjectName("queryHelpButton")
        self.help_button.setText("?")
        self.help_button.setToolTip("How to search (F1)")
        self.theme_button = QToolButton()
        self.theme_button.setObjectName("themeButton")
        self.theme_button.setToolTip("Light or dark")
        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.search_field)
        toolbar.addWidget(self.help_button)
        spacer = QWidget()
        spacer.setFixedWidth(16)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.previous_button)
        toolbar.addWidget(self.next_button)
        stretch = QWidget()
        stretch.setSizePolicy(stretch.sizePolicy().horizontalPolicy().Expanding, stretch.sizePolicy().verticalPolicy())
        toolbar.addWidget(stretch)
        toolbar.addWidget(self.theme_button)
        self.addToolBar(toolbar)

        self.status_text = QLabel("")
        self.status_text.setObjectName("statusText")
        self.progress = QProgressBar()
        self.progress.setObjectName("indexProgress")
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("Indexing %v of %m")
        self.progress.hide()
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setFlat(True)
        self.undo_button.hide()
        self.count_label = QLabel("")
        self.count_label.setObjectName("countLabel")
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.undo_button)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.count_label)

        self.watcher = QFileSystemWatcher(self)
        self.watch_timer = QTimer(self, singleShot=True, interval=WATCH_DELAY_MS)
        self.rescan_timer = QTimer(self, interval=RESCAN_EVERY_MS)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.undo_timer = QTimer(self, singleShot=True, interval=12_000)
        self.save_timer = QTimer(self, singleShot=True, interval=1500)
        self.nav_timer = QTimer(self, singleShot=True, interval=0)

    def _build_find_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("findBar")
        self.find_field = QLineEdit()
        self.find_field.setObjectName("findField")
        self.find_field.setPlaceholderText("Find in article")
        self.find_count = QLabel("")
        self.find_count.setObjectName("findCount")
        previous = QToolButton(text="▲", toolTip="Previous match (Shift+F3)")
        following = QToolButton(text="▼", toolTip="Next match (F3)")
        close = QToolButton(text="✕", toolTip="Close (Esc)")
        previous.clicked.connect(lambda: self._step_find(False))
        following.clicked.connect(lambda: self._step_find(True))
        close.clicked.connect(self._close_find)
        self.find_field.textChanged.connect(self._find)
        self.find_field.returnPressed.connect(lambda: self._step_find(True))
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(8, 4, 8, 4)
        for widget in (self.find_field, self.find_count, previous, following, close):
            layout.addWidget(widget)
        bar.hide()
        return bar

    def _action(self, menu, text: str, slot, shortcuts=(), name: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(slot)
        if name:
            action.setObjectName(name)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open Library…", self.choose_library, ["Ctrl+O"], "openLibraryAction")
        self._action(file_menu, "&Rebuild Search Index", lambda: self.request_update(rebuild=True))
        self._action(file_menu, "&Export Notes…", self.export_notes)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, ["Ctrl+Q"], "quitAction")

        edit_menu = bar.addMenu("&Edit")
        self._action(edit_menu, "&Search Library", self.focus_search, ["Ctrl+K"], "searchAction")
        self._action(edit_menu, "&Find in Article", self.show_find, ["Ctrl+F"], "findAction")
        self._action(edit_menu, "Find &Next", lambda: self._step_find(True), ["F3"])
        self._action(edit_menu, "Find &Previous", lambda: self._step_find(False), ["Shift+F3"])
        edit_menu.addSeparator()
        self.undo_action = self._action(edit_menu, "&Undo Delete Comment", self.undo_delete, ["Ctrl+Z"], "undoAction")
        self.undo_action.setEnabled(False)

        view_menu = bar.addMenu("&View")
        self._action(view_menu, "Zoom &In", lambda: self.zoom(+1), ["Ctrl+=", "Ctrl++"], "zoomInAction")
        self._action(view_menu, "Zoom &Out", lambda: self.zoom(-1), ["Ctrl+-"], "zoomOutAction")
        self._action(view_menu, "&Actual Size", lambda: self.zoom(None), ["Ctrl+0"], "zoomResetAction")
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_group = QActionGroup(self)
        for key, label in (("system", "Follow &System"), ("light", "&Light"), ("dark", "&Dark")):
            action = QAction(label, self, checkable=True)
            action.setData(key)
            action.setObjectName(f"theme_{key}")
            action.triggered.connect(lambda _=False, k=key: self.set_theme(k))
            self.theme_group.addAction(action)
            theme_menu.addAction(action)
        self._action(view_menu, "Toggle &Dark Theme", self.toggle_theme, ["Ctrl+Shift+D"], "toggleThemeAction")
        self._action(view_menu, "Show &Side Panel", self.toggle_sidebar, ["Ctrl+\\"])

        go_menu = bar.addMenu("&Go")
        self.previous_action = self._action(go_menu, "&Previous Article", lambda: self.step(-1), ["Alt+Left"], "previousAction")
        self.next_action = self._action(go_menu, "&Next Article", lambda: self.step(+1), ["Alt+Right"], "nextAction")
        go_menu.addSeparator()
        self._action(go_menu, "Next in List", lambda: self.step(+1), ["J"], "nextInListAction")
        self._action(go_menu, "Previous in List", lambda: self.step(-1), ["K"], "previousInListAction")
        self._action(go_menu, "Back to &Library", self.back_to_library, ["Ctrl+L"])

        notes_menu = bar.addMenu("&Notes")
        self._action(notes_menu, "&Leave a Comment", self.focus_comment, ["Ctrl+Shift+C"])
        self._action(notes_menu, "&Post Comment", self._post_from_keyboard, ["Ctrl+Return", "Ctrl+Enter"], "postCommentAction")
        self._action(notes_menu, "&Notes Without an Article…", self.show_orphans)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&How to Search", self.show_query_help, ["F1"], "queryHelpAction")
        self._action(help_menu, "&Keyboard Shortcuts", self.show_shortcuts)
        self._action(help_menu, "&About Article Reader", self.show_about)

    def _connect_signals(self) -> None:
        # lists
        self.library_view.activated.connect(lambda idx: self.open_article(idx.data(ID_ROLE), "library"))
        self.library_view.clicked.connect(lambda idx: self.open_article(idx.data(ID_ROLE), "library"))
        self.results_view.activated.connect(lambda idx: self.open_article(idx.data(ID_ROLE), "search"))
        self.results_view.clicked.connect(lambda idx: self.open_article(idx.data(ID_ROLE), "search"))
        # Rows arrive in thousands while indexing: refresh previous/next once, after them.
        self.library_filter.layoutChanged.connect(self.nav_timer.start)
        self.library_filter.rowsInserted.connect(self.nav_timer.start)
        self.nav_timer.timeout.connect(self._update_nav)
        self.sidebar.folder_chosen.connect(self._filter_folder)
        self.sidebar.tag_chosen.connect(self._filter_tag)
        self.sidebar.orphans_requested.connect(self.show_orphans)
        # search
        self.search_field.textChanged.connect(lambda _: self.search_timer.start())
        self.search_field.returnPressed.connect(self.open_first_hit)
        self.search_field.installEventFilter(self)
        self.search_timer.timeout.connect(self.run_search)
        self.results_model.more_wanted.connect(self._more_results)
        self.suggestion.linkActivated.connect(self.search_field.setText)
        self.help_button.clicked.connect(self.show_query_help)
        # reading
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(+1))
        self.article_view.nav_link.connect(lambda where: self.step(-1 if where == "prev" else +1))
        self.article_view.article_link.connect(lambda article_id: self.open_article(article_id, self.nav_source))
        self.article_view.web_link.connect(open_web_link)
        self.theme_button.clicked.connect(self.toggle_theme)
        for view in (self.library_view, self.results_view, self.article_view):
            view.installEventFilter(self)
        # comments
        self.comments.post_requested.connect(self.post_comment)
        self.comments.edit_requested.connect(self.edit_comment)
        self.comments.delete_requested.connect(self.delete_comment)
        self.undo_button.clicked.connect(self.undo_delete)
        self.undo_timer.timeout.connect(self._forget_undo)
        # live library
        self.watcher.directoryChanged.connect(lambda _: self.watch_timer.start())
        self.watcher.fileChanged.connect(self._on_file_changed)
        self.watch_timer.timeout.connect(self.request_update)
        self.rescan_timer.timeout.connect(self.request_update)
        self.save_timer.timeout.connect(self._save_reading)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: self.apply_theme())

    # ------------------------------------------------------------ library lifecycle

    def _start_library(self, root: Path) -> None:
        self.root = root
        self.setWindowTitle(f"Article Reader — {root.name}")
        self.reading = ReadingState(library_state_dir(self.data, root) / "reading.json")
        self.library_model.set_read(set(self.reading.read))
        self.bridge = Bridge(self)
        make = lambda: ReaderService(root, self.data)  # noqa: E731 - one engine per worker thread
        self.indexer = self.bridge.add_worker(Worker("indexer", make))
        self.searcher = self.bridge.add_worker(Worker("searcher", make))
        self.notes_worker = self.bridge.add_worker(Worker("notes", make))
        self.renderer = self.bridge.add_worker(Worker("renderer", make))
        self.indexer.progress.connect(self._on_progress)
        self._say("Opening the library…")
        self.bridge.submit(self.indexer, lambda svc, w, j: _refreshed(svc), self._on_listing, self._on_index_failed)
        self.request_update()
        self.rescan_timer.start()

    def _stop_library(self) -> None:
        self._save_reading()
        for timer in (self.rescan_timer, self.search_timer, self.watch_timer, self.undo_timer, self.save_timer,
                      self.nav_timer):
            timer.stop()  # none may fire into a window whose workers are gone
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        if self.bridge is not None:
            self.bridge.shut_down()
            self.bridge.deleteLater()
            self.bridge = None

    def choose_library(self) -> None:
        start = str(self.root) if self.root else str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Open Library", start)
        if chosen:
            self.open_library(Path(chosen))

    def open_library(self, root: Path) -> None:
        self._stop_library()
        self.current_id = None
        self.library_model.set_articles([])
        self.results_model.set_hits([])
        self.search_field.clear()
        self.comments.set_article(None)
        self._start_library(root.resolve())

    def request_update(self, rebuild: bool = False) -> None:
        """Re-check the library (incrementally) on the indexer thread; one at a time."""
        if self.bridge is None:
            return
        if self.update_running:
            self.update_pending = True
            return
        self.update_running = True

        def job(svc: ReaderService, worker: Worker, job_id: int) -> Refreshed:
            def progress(done: int, total: int) -> None:
                if worker.cancelling:
                    raise Cancelled()
                if done == total or done % 25 == 0:
                    worker.progress.emit(done, total)

            report = svc.update(rebuild=rebuild, progress=progress, listing=lambda b: worker.partial.emit(job_id, b))
            return _refreshed(svc, report)

        self.bridge.submit(self.indexer, job, self._on_updated, self._on_index_failed, partial=self.library_model.merge)

    def _on_progress(self, done: int, total: int) -> None:
        if total < 50 or done >= total:
            self.progress.hide()
            return
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        self.progress.show()

    def _on_listing(self, refreshed: Refreshed) -> None:
        self._apply_refreshed(refreshed)
        if refreshed.articles:
            self._restore_last_article()

    def _on_updated(self, refreshed: Refreshed) -> None:
        self.update_running = False
        self.progress.hide()
        self._apply_refreshed(refreshed)
        if refreshed.rebuilt:
            self._say(f"The search index was rebuilt from the library ({refreshed.rebuilt}).")
        else:
            self._say("Library up to date." + (f" {refreshed.skipped} files skipped." if refreshed.skipped else ""))
        if self.current_id is None:
            self._restore_last_article()
        if refreshed.changed and self.search_field.text().strip():
            self.run_search()
        if refreshed.changed and self.current_id:
            self._refresh_current()
        if self.update_pending:
            self.update_pending = False
            self.request_update()

    def _on_index_failed(self, message: str) -> None:
        self.update_running = False
        self.progress.hide()
        self._say(f"Could not update the library: {message}")

    def _apply_refreshed(self, refreshed: Refreshed) -> None:
        self.library_model.set_articles(refreshed.articles)
        self.library_model.set_note_counts(refreshed.counts)
        self.sidebar.set_articles(refreshed.articles)
        self.sidebar.set_orphan_count(refreshed.orphans)
        self._watch(refreshed.folders)
        self._show_count()
        self._update_nav()
        if not refreshed.articles and self.current_id is None and not self.update_running:
            self._show_message("This library is empty", f"There are no articles in <code>{self.root}</code> yet.",
                               "Add Markdown (<code>.md</code>) or text (<code>.txt</code>) files to that folder — "
                               "they appear here within seconds — or choose <b>File → Open Library…</b>.")

    def _show_count(self) -> None:
        total = len(self.library_model.articles)
        shown = self.library_filter.rowCount()
        text = f"{total} article{'s' if total != 1 else ''}"
        self.count_label.setText(text if shown == total else f"{shown} of {text}")

    def _watch(self, folders: list[Path]) -> None:
        wanted = {str(f) for f in folders}
        current = set(self.watcher.directories())
        if wanted - current:
            self.watcher.addPaths(sorted(wanted - current))
            if current:
                # Files made in a new folder before it was watched would go unseen: look once more.
                self.watch_timer.start()
        if current - wanted:
            self.watcher.removePaths(sorted(current - wanted))

    def _on_file_changed(self, path: str) -> None:
        if self.current_id and self.root and Path(path) == self.root / self.current_id:
            if not Path(path).exists():
                self.watcher.removePath(path)
        self.watch_timer.start()

    # ------------------------------------------------------------ lists and filters

    def _filter_folder(self, folder) -> None:
        self.library_filter.set_folder(folder)
        self._after_filter()

    def _filter_tag(self, tag) -> None:
        self.library_filter.set_tag(tag)
        self._after_filter()

    def _after_filter(self) -> None:
        self._show_count()
        self.back_to_library()

    def back_to_library(self) -> None:
        if self.search_field.text():
            self.search_field.clear()
        self.middle.setCurrentIndex(0)
        self.nav_source = "library"
        self.highlight = Terms()
        self._select_current()
        self._update_nav()

    # ------------------------------------------------------------ search

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def run_search(self) -> None:
        if self.bridge is None:
            return
        text = self.search_field.text()
        if not text.strip():
            self.search_seq += 1
            self.results_model.set_hits([])
            self.middle.setCurrentIndex(0)
            self.nav_source = "library"
            self._update_nav()
            return
        self.search_seq += 1
        seq = self.search_seq
        self.bridge.submit(
            self.searcher, lambda svc, w, j: svc.search(text, limit=SEARCH_PAGE),
            lambda results: self._on_results(seq, results), lambda message: self._on_search_failed(seq, message),
            stale=lambda: seq != self.search_seq,
        )

    def _more_results(self) -> None:
        # The query of the hits shown, not the field's text: it may have changed since.
        seq, text, have = self.search_seq, self.results_model.query, len(self.results_model.hits)
        self.bridge.submit(
            self.searcher, lambda svc, w, j: svc.search(text, limit=have + SEARCH_PAGE, offset=have),
            lambda results: self._on_more_results(seq, results), lambda message: self._on_search_failed(seq, message),
            stale=lambda: seq != self.search_seq,
        )

    def _on_more_results(self, seq: int, results: SearchResults) -> None:
        if seq != self.search_seq:
            return
        self.results_model.add_hits(results.hits)
        self._show_match_count(results.total)
        self._update_nav()

    def _on_results(self, seq: int, results: SearchResults) -> None:
        if seq != self.search_seq:
            return  # an older query answered late: drop it
        self.results_model.set_hits(results.hits, results.total, results.query)
        self.shown_seq = seq
        self._show_match_count(results.total)
        if results.suggestion:
            link = results.suggestion.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&#39;")
            self.suggestion.setText(f"Did you mean <a href='{link}'>{link}</a>?")
        else:
            self.suggestion.setText("")
        self.middle.setCurrentIndex(1)
        self.nav_source = "search"
        self.highlight = Terms(results.highlight)
        self._select_current()
        self._update_nav()

    def _show_match_count(self, count: int) -> None:
        shown = len(self.results_model.hits)
        more = f" — {shown} shown, more as you scroll" if shown < count else ""
        self.results_count.setText(f"<b>{count}</b> match{'es' if count != 1 else ''}{more}")

    def _on_search_failed(self, seq: int, message: str) -> None:
        if seq == self.search_seq:
            self.results_count.setText(f"Search failed: {message}")

    def open_first_hit(self) -> None:
        if self.search_timer.isActive():
            self.search_timer.stop()
            self.run_search()
            return  # the answer arrives shortly; Enter again opens it
        index = self.results_view.currentIndex()
        row = index.row() if index.isValid() else 0
        if self.results_model.rowCount():
            self.open_article(self.results_model.hits[row].id, "search")

    def eventFilter(self, obj, event) -> bool:
        if event.type() == event.Type.KeyPress:
            key = event.key()
            if obj is self.search_field:
                if key == Qt.Key_Escape:
                    self.back_to_library()
                    return True
                if key == Qt.Key_Down and self.results_model.rowCount():
                    self.results_view.setFocus()
                    if not self.results_view.currentIndex().isValid():
                        self.results_view.setCurrentIndex(self.results_model.index(0))
                    return True
            elif key in (Qt.Key_Return, Qt.Key_Enter) and obj in (self.library_view, self.results_view):
                index = obj.currentIndex()
                if index.isValid():
                    self.open_article(index.data(ID_ROLE), "library" if obj is self.library_view else "search")
                    return True
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------ reading

    def _ids(self) -> list[str]:
        return self.results_model.ids() if self.nav_source == "search" else self.library_filter.ids()

    def _neighbours(self, ids: list[str] | None = None) -> tuple[str | None, str | None]:
        ids = self._ids() if ids is None else ids
        if self.current_id not in ids:
            return None, None
        pos = ids.index(self.current_id)
        return (ids[pos - 1] if pos > 0 else None), (ids[pos + 1] if pos + 1 < len(ids) else None)

    def _title_of(self, article_id: str | None) -> str:
        if article_id is None:
            return ""
        info = self.library_model.info(article_id)
        if info:
            return info.title
        hit = next((h for h in self.results_model.hits if h.id == article_id), None)
        return hit.title if hit else article_id

    def step(self, delta: int) -> None:
        """Open the next (+1) or previous (-1) article of the list the reader came from."""
        ids = self._ids()
        if not ids:
            return
        if self.current_id not in ids:
            target = ids[0]
        else:
            pos = ids.index(self.current_id) + delta
            if not 0 <= pos < len(ids):
                return
            target = ids[pos]
        self.open_article(target, self.nav_source)

    def _update_nav(self, *args) -> None:
        ids = self._ids()  # one pass over the list (10k rows): reused below
        previous, following = self._neighbours(ids)
        self.previous_button.setEnabled(previous is not None)
        self.next_button.setEnabled(following is not None or (bool(ids) and self.current_id not in ids))
        self.previous_action.setEnabled(self.previous_button.isEnabled())
        self.next_action.setEnabled(self.next_button.isEnabled())

    def _select_current(self) -> None:
        if self.current_id is None:
            return
        view = self.results_view if self.nav_source == "search" else self.library_view
        ids = self._ids()
        if self.current_id in ids:
            index = view.model().index(ids.index(self.current_id), 0)
            view.blockSignals(True)
            view.setCurrentIndex(index)
            view.blockSignals(False)
            view.scrollTo(index)

    def open_article(self, article_id: str | None, source: str = "library") -> None:
        if not article_id:
            return
        self._remember_position()
        self.nav_source = source
        if source == "library":
            self.highlight = Terms()
        self.current_id = article_id
        self.library_model.mark_read(article_id)
        if self.reading is not None:
            self.reading.read.add(article_id)
            self.save_timer.start()
        self.settings.setValue(f"last_article/{self.root}", article_id)
        self._select_current()
        self._update_nav()
        self._render_current()
        self._load_comments()
        self._watch_current_file()

    def _render_current(self) -> None:
        if self.bridge is None:
            return
        article_id = self.current_id
        previous, following = self._neighbours()
        prev_n = Neighbour(previous, self._title_of(previous)) if previous else None
        next_n = Neighbour(following, self._title_of(following)) if following else None
        terms = self.highlight if self.nav_source == "search" else None
        self.render_seq += 1
        seq = self.render_seq

        def job(svc: ReaderService, worker, job_id) -> Rendered:
            article = svc.read(article_id)
            return Rendered(article_id, article_html(article, svc.root, terms, prev_n, next_n))

        self.bridge.submit(self.renderer, job, lambda r: self._on_rendered(seq, r),
                           lambda message: self._on_render_failed(seq, article_id, message),
                           stale=lambda: seq != self.render_seq)

    def _on_rendered(self, seq: int, rendered: Rendered) -> None:
        if seq != self.render_seq:
            return
        self.article_view.root = self.root
        self.article_view.show_html(rendered.html, article_css(theme.is_dark(self)))
        fraction = self.reading.positions.get(rendered.article_id, 0.0) if self.reading else 0.0
        QTimer.singleShot(0, lambda: self.article_view.set_scroll_fraction(fraction))
        if self.find_bar.isVisible() and self.find_field.text():
            self._find(self.find_field.text())

    def _on_render_failed(self, seq: int, article_id: str, message: str) -> None:
        if seq != self.render_seq:
            return
        self._show_message("This article can't be shown", f"<code>{article_id}</code>: {message}.",
                           "Its comments are kept below; if the file comes back they stay with it.")

    def _refresh_current(self) -> None:
        if self.current_id:
            self._remember_position()
            self._render_current()
            self._load_comments()

    def _watch_current_file(self) -> None:
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        path = self.root / self.current_id if self.root and self.current_id else None
        if path and path.exists():
            self.watcher.addPath(str(path))

    def _show_welcome(self) -> None:
        self._show_message("Article Reader", "Pick an article from the list to read it, or search the whole "
                           "library with <b>Ctrl+K</b>.", "Press <b>F1</b> for the search syntax.")
        self.comments.hide()

    def _show_message(self, title: str, text: str, hint: str = "") -> None:
        html = message_html(title, text + (f"</p><p>{hint}" if hint else ""))
        self.article_view.show_html(html, article_css(theme.is_dark(self)))

    def _remember_position(self, save_soon: bool = True) -> None:
        if self.current_id and self.reading is not None:
            self.reading.positions[self.current_id] = round(self.article_view.scroll_fraction(), 4)
            if save_soon:
                self.save_timer.start()

    def _save_reading(self) -> None:
        self._remember_position(save_soon=False)
        if self.reading is not None:
            self.reading.save()

    def _restore_last_article(self) -> None:
        last = self.settings.value(f"last_article/{self.root}")
        if self.current_id is None and last and self.library_model.info(last):
            self.open_article(last, "library")

    # ------------------------------------------------------------ find in article

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_field.setFocus()
        self.find_field.selectAll()
        self._find(self.find_field.text())

    def _find(self, text: str) -> None:
        count = self.article_view.find_all(text)
        self.find_count.setText(f"1 of {count}" if count else ("No matches" if text else ""))

    def _step_find(self, forward: bool) -> None:
        if not self.find_bar.isVisible():
            self.show_find()
            return
        number = self.article_view.step_find(forward)
        if number:
            self.find_count.setText(f"{number} of {self.article_view.match_count}")

    def _close_find(self) -> None:
        self.find_bar.hide()
        self.article_view.clear_find()
        self.article_view.setFocus()

    # ------------------------------------------------------------ comments

    def focus_comment(self) -> None:
        self.comments.editor.setFocus()

    def _post_from_keyboard(self) -> None:
        if self.comments.editor.hasFocus():
            self.comments.submit()
        else:
            self.focus_comment()

    def _load_comments(self) -> None:
        if self.bridge is None:
            return
        article_id = self.current_id
        self.comments.show()
        self.comments.set_article(article_id)
        self.bridge.submit(self.notes_worker, lambda svc, w, j: svc.notes_on(article_id),
                           lambda notes: self._on_comments(article_id, notes))

    def _on_comments(self, article_id: str, notes: list[Note]) -> None:
        if article_id == self.current_id:
            self.comments.set_notes(notes)

    def post_comment(self, text: str) -> None:
        info = self.library_model.info(self.current_id) if self.current_id else None
        if info is None:
            self.comments.show_problem("This article is not in the library any more; the comment was not saved.")
            return
        library = str(self.root)
        self.bridge.submit(self.notes_worker,
                           lambda svc, w, j: svc.notes.add(library, info.id, info.hash, info.title, text),
                           self._on_comment_saved, self._on_comment_failed)

    def edit_comment(self, note_id: int, text: str) -> None:
        self.bridge.submit(self.notes_worker, lambda svc, w, j: svc.notes.edit(note_id, text),
                           self._on_comment_saved, self._on_comment_failed)

    def delete_comment(self, note_id: int) -> None:
        self.bridge.submit(self.notes_worker, lambda svc, w, j: svc.notes.delete(note_id),
                           self._on_comment_deleted, self._on_comment_failed)

    def undo_delete(self) -> None:
        if self.last_deleted is None:
            return
        note_id, self.last_deleted = self.last_deleted, None
        self._forget_undo()
        self.bridge.submit(self.notes_worker, lambda svc, w, j: svc.notes.restore(note_id),
                           self._on_comment_restored, self._on_comment_failed)

    def _on_comment_saved(self, note: Note) -> None:
        self.comments.saved()
        self._say("Comment saved.")
        self._after_note_change(note)

    def _on_comment_deleted(self, note: Note) -> None:
        self.last_deleted = note.id
        self.undo_action.setEnabled(True)
        self.undo_button.show()
        self.undo_timer.start()
        self._say("Comment deleted.")
        self._after_note_change(note)

    def _on_comment_restored(self, note: Note) -> None:
        self._say("Comment restored.")
        self._after_note_change(note)

    def _forget_undo(self) -> None:
        self.undo_button.hide()
        self.undo_action.setEnabled(False)

    def _on_comment_failed(self, message: str) -> None:
        self.comments.show_problem(f"Not saved: {message}. Your text is still here.")
        self._say(f"The comment could not be saved: {message}")

    def _after_note_change(self, note: Note) -> None:
        """Show the change, count it, and make it findable by search at once."""
        if note.article == self.current_id:
            self._load_comments()
        self.bridge.submit(self.indexer, lambda svc, w, j: (svc.index.open(repair=False), svc.index.reindex_notes([note.article]),
                                                            svc.note_counts(), len(svc.orphaned_notes())),
                           self._on_notes_reindexed)

    def _on_notes_reindexed(self, answer) -> None:
        _, _, counts, orphans = answer
        self.library_model.set_note_counts(counts)
        self.sidebar.set_orphan_count(orphans)
        if self.search_field.text().strip():
            self.run_search()

    def show_orphans(self) -> None:
        self.bridge.submit(self.notes_worker, lambda svc, w, j: svc.orphaned_notes(), self._show_orphans_dialog)

    def _show_orphans_dialog(self, notes: list[Note]) -> None:
        dialog = QDialog(self)
        dialog.setObjectName("orphansDialog")
        dialog.setWindowTitle("Notes without an article")
        listing = QListWidget()
        listing.setObjectName("orphanedList")
        listing.setWordWrap(True)
        for note in notes:
            item = QListWidgetItem(f"{note.article_title or note.article}  —  {local_time(note.created)}\n{note.text}")
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

    def export_notes(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Export Notes", str(Path.home() / "article-notes.md"),
                                                "Markdown (*.md);;JSON (*.json)")
        if not target:
            return
        path = Path(target)

        def job(svc: ReaderService, worker, job_id) -> str:
            write_atomically(path, svc.export_notes("json" if path.suffix.lower() == ".json" else "md").encode("utf-8"))
            return str(path)

        self.bridge.submit(self.notes_worker, job, lambda p: self._say(f"Notes exported to {p}."),
                           lambda m: QMessageBox.warning(self, "Export failed", m))

    # ------------------------------------------------------------ view

    def zoom(self, delta: int | None) -> None:
        steps = 0 if delta is None else self.article_view.zoom + delta
        self.article_view.set_zoom(steps)
        self.settings.setValue("zoom", self.article_view.zoom)

    def set_theme(self, key: str) -> None:
        self.settings.setValue("theme", key)
        self.apply_theme()

    def toggle_theme(self) -> None:
        self.set_theme("light" if theme.is_dark(self) else "dark")

    def apply_theme(self) -> None:
        key = self.settings.value("theme", "system")
        for action in self.theme_group.actions():
            action.setChecked(action.data() == key)
        dark = theme.apply(key)
        self.theme_button.setText("☀" if dark else "☾")
        if self.current_id and self.bridge:
            self._render_current()

    def toggle_sidebar(self) -> None:
        self.sidebar.setVisible(not self.sidebar.isVisible())

    def show_query_help(self) -> None:
        self._info_dialog("How to search", QUERY_HELP, "queryHelp")

    def show_shortcuts(self) -> None:
        self._info_dialog("Keyboard shortcuts", shortcuts_html(), "shortcutsHelp")

    def show_about(self) -> None:
        from reader import __version__

        QMessageBox.about(self, "About Article Reader",
                          f"<b>Article Reader {__version__}</b><p>An offline reader, search engine and notebook "
                          "for your library of articles. Nothing leaves this computer.</p>")

    def _info_dialog(self, title: str, html: str, name: str) -> None:
        dialog = QDialog(self)
        dialog.setObjectName(name)
        dialog.setWindowTitle(title)
        browser = QTextBrowser()
        browser.setOpenLinks(False)
        browser.setHtml(html)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        dialog.resize(620, 430)
        dialog.show()

    def _say(self, text: str) -> None:
        self.status_text.setText(text)

    # ------------------------------------------------------------ settings

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for name, splitter in (("main_split", self.main_split), ("right_split", self.right)):
            state = self.settings.value(name)
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        self.article_view.set_zoom(int(self.settings.value("zoom", 0)))
        self.apply_theme()

    def _save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("main_split", self.main_split.saveState())
        self.settings.setValue("right_split", self.right.saveState())
        self.settings.setValue("zoom", self.article_view.zoom)
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self._save_settings()
        self._stop_library()
        super().closeEvent(event)
