"""The main window: it composes the panes, wires their signals in one place, and keeps
the settings. Each pane owns its widgets, state and logic:

- Sidebar: folders and tags; LibraryPane: the list; SearchPane: search as you type;
  AllNotesPane: every note; ReadingPane: the article, its highlights and comments;
- LiveLibrary: keeps the list in step with the folder;
- Workers: the engine threads of the open library.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMainWindow, QSplitter, QStackedWidget

from reader.notes.reading import ReadingState
from reader.render import Neighbour
from reader.search.saved_searches import SavedSearches
from reader.ui import dialogs
from reader.ui.allnotes import AllNotesPane
from reader.ui.articleview import open_web_link
from reader.ui.handoff import Handoff
from reader.ui.help import QUERY_HELP
from reader.ui.librarypane import LibraryPane
from reader.ui.livelibrary import LiveLibrary, Refreshed
from reader.ui.menus import MainToolbar, build_menus
from reader.ui.navigation import Navigation
from reader.ui.readingpane import ReadingPane
from reader.ui.savedsearches import SavedSearchesPane
from reader.ui.searchpane import SearchPane
from reader.ui.sidebar import Sidebar
from reader.ui.statusarea import StatusArea
from reader.ui.syncing import SyncLoop
from reader.ui.windowlook import WindowLook
from reader.ui.workers import Workers

LIBRARY, SEARCH, NOTES = 0, 1, 2  # the lists the middle of the window shows


class MainWindow(QMainWindow):
    def __init__(self, root: Path | None, data: Path, problem: str | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.data = data
        self.root = root
        self.settings = QSettings(str(data / "gui.ini"), QSettings.IniFormat)
        self.workers: Workers | None = None
        self.asked: tuple[str, int | None] | None = None  # an article to open once the list is there
        self.handoff = Handoff(data, self)  # `article-reader open` and article-reader:// links come here
        self.look = WindowLook(self, self.settings)
        self._build_panes()
        self._build_toolbar_and_status()
        self._build_actions()
        self._connect_signals()
        self.look.restore()
        if root is None:
            self.reading.show_message("No library", problem or "The library folder could not be opened.",
                                      "Choose <b>File → Open Library…</b> to pick a folder of articles.")
        else:
            self._start_library(root)

    # ------------------------------------------------------------ composing

    def _build_panes(self) -> None:
        self.sidebar = Sidebar()
        self.saved = SavedSearchesPane()
        self.sidebar.add_section(self.saved, stretch=1)
        self.library = LibraryPane()
        self.search = SearchPane()
        self.all_notes = AllNotesPane()
        self.reading = ReadingPane(self.library.info)
        self.live = LiveLibrary(self)
        self.sync = SyncLoop(self)  # notes in step with other machines through a folder
        self.middle = QStackedWidget()
        self.middle.setObjectName("listStack")
        for pane in (self.library, self.search, self.all_notes):
            self.middle.addWidget(pane)
        self.main_split = QSplitter(Qt.Horizontal)
        self.main_split.setObjectName("mainSplitter")
        for widget in (self.sidebar, self.middle, self.reading):
            self.main_split.addWidget(widget)
        self.main_split.setStretchFactor(1, 2)
        self.main_split.setStretchFactor(2, 3)
        self.main_split.setSizes([165, 440, 675])
        self.setCentralWidget(self.main_split)
        self.navigation = Navigation({"library": self.library.ids, "search": self.search.ids}, self)
        self.nav_timer = QTimer(self, singleShot=True, interval=0)

    def _build_toolbar_and_status(self) -> None:
        self.toolbar = MainToolbar(self.search.field)
        self.previous_button, self.next_button = self.toolbar.previous_button, self.toolbar.next_button
        self.help_button, self.theme_button = self.toolbar.help_button, self.toolbar.theme_button
        self.addToolBar(self.toolbar)
        self.status = StatusArea()
        self.setStatusBar(self.status)

    def _build_actions(self) -> None:
        menus = build_menus(self)
        self.undo_action, self.previous_action, self.next_action = menus.undo, menus.previous, menus.next
        self.theme_group, self.text_mode_action = menus.themes, menus.text_mode

    def _connect_signals(self) -> None:
        # the lists: opening an article from each
        self.library.article_activated.connect(lambda article_id: self.open_article(article_id, "library"))
        self.search.article_activated.connect(lambda article_id: self.open_article(article_id, "search"))
        self.all_notes.note_activated.connect(lambda article_id, note_id: self.open_article(article_id, "library",
                                                                                               note_id))
        self.library.counts_changed.connect(self._show_count)
        # Rows arrive in thousands while indexing: refresh previous/next once, after them.
        self.library.counts_changed.connect(self.nav_timer.start)
        self.nav_timer.timeout.connect(self._update_nav)
        self.sidebar.folder_chosen.connect(lambda folder: self._filtered(self.library.filter_folder, folder))
        self.sidebar.tag_chosen.connect(lambda tag: self._filtered(self.library.filter_tag, tag))
        self.sidebar.orphans_requested.connect(self.show_orphans)
        self.saved.chosen.connect(self.search.field.setText)
        self.saved.save_button.clicked.connect(self.save_search)
        self.saved.message.connect(self.status.say)
        self.search.field.textChanged.connect(self.saved.match)
        # search
        self.search.showing_changed.connect(self._on_search_showing)
        self.search.left.connect(self.back_to_library)
        self.help_button.clicked.connect(self.show_query_help)
        # reading
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(+1))
        self.reading.view.nav_link.connect(lambda where: self.step(-1 if where == "prev" else +1))
        self.reading.view.article_link.connect(lambda article_id: self.open_article(article_id, self.navigation.source))
        self.reading.view.web_link.connect(open_web_link)
        self.reading.message.connect(self.status.say)
        self.reading.text_mode_changed.connect(self._on_text_mode)
        self.theme_button.clicked.connect(self.look.toggle_theme)
        # notes
        notes = self.reading.notes
        notes.saved.connect(lambda note: self.status.say("Highlight saved." if note.quote and not note.text else "Saved."))
        notes.deleted.connect(self._offer_undo)
        notes.restored.connect(lambda _: self.status.say("Restored."))
        notes.reindexed.connect(self._on_notes_reindexed)
        for changed in (notes.reindexed, self.live.updated, self.navigation.changed):  # notes, tags, reading
            changed.connect(lambda *_: self.sync.soon())
        self.status.undo_requested.connect(self.undo_delete)
        self.navigation.changed.connect(self._on_navigation)
        # the live library
        self.live.listed.connect(self._on_listing)
        self.handoff.asked.connect(self.open_asked)
        self.live.updated.connect(self._on_updated)
        self.live.batch.connect(self._on_batch)
        self.live.progress.connect(self._on_progress)
        self.live.failed.connect(self._on_index_failed)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: self.look.apply_theme())

    # ------------------------------------------------------------ library lifecycle

    @property
    def update_running(self) -> bool:
        return self.live.running

    @property
    def current_id(self) -> str | None:
        """The open article."""
        return self.navigation.current

    def _start_library(self, root: Path) -> None:
        self.root = root
        self.setWindowTitle(f"{root.name} — Article Reader")
        reading = ReadingState.of_library(self.data, root)
        self.library.model.set_read(set(reading.read))
        self.workers = Workers(self, root, self.data, reading)
        for pane in (self.search, self.all_notes):
            pane.set_workers(self.workers)
        self.saved.set_workers(self.workers, SavedSearches(self.data))
        self.reading.set_library(self.workers, root, reading)
        self.status.say("Opening the library…")
        self.live.start(self.workers)
        self.sync.start()

    def _stop_library(self) -> None:
        self.reading.save_positions()
        self.nav_timer.stop()  # no timer may fire into a window whose workers are gone
        self.status.forget_undo()
        self.live.stop()
        self.sync.stop()
        for pane in (self.search, self.all_notes, self.saved):
            pane.set_workers(None)
        self.reading.set_library(None, None, None)
        if self.workers is not None:
            self.workers.shut_down()
            self.workers = None

    def choose_library(self) -> None:
        start = str(self.root) if self.root else str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Open Library", start)
        if chosen:
            self.open_library(Path(chosen))

    def open_library(self, root: Path) -> None:
        self._stop_library()
        self.navigation.current = None
        self.library.set_articles([])
        self._start_library(root.resolve())

    def _on_listing(self, refreshed: Refreshed) -> None:
        self.search.prepare()  # on its thread while the rows are set here: ready for the first word typed
        self._apply_refreshed(refreshed)
        if refreshed.articles:
            self._restore_last_article()

    def _on_batch(self, batch) -> None:
        self.library.merge(batch)
        self.sidebar.set_articles(self.library.model.articles)  # the counts follow as files are read

    def _on_progress(self, done: int, total: int) -> None:
        indexing = self.status.show_progress(done, total)
        self.search.set_indexing((done, total) if indexing else None)

    def _on_updated(self, refreshed: Refreshed) -> None:
        self._on_progress(0, 0)
        if refreshed.unchanged:
            self.library.set_notes(refreshed.counts, refreshed.edited)
            skipped = f" {refreshed.skipped} files skipped." if refreshed.skipped else ""
            self.status.say("Library up to date." + skipped)
            if self.current_id is None:
                self._restore_last_article()
            return
        self._apply_refreshed(refreshed)
        if refreshed.rebuilt:
            self.status.say(f"The search index was rebuilt from the library ({refreshed.rebuilt}).")
        elif refreshed.followed:
            self.status.say("; ".join(refreshed.followed).capitalize() + ".")
        else:
            self.status.say("Library up to date." + (f" {refreshed.skipped} files skipped." if refreshed.skipped else ""))
        if self.current_id is None:
            self._restore_last_article()
        if refreshed.changed:
            self.search.refresh()
            if self.current_id:
                self.reading.reload()
        if refreshed.changed or refreshed.followed:
            self._refresh_all_notes()

    def _on_index_failed(self, message: str) -> None:
        self._on_progress(0, 0)
        self.status.say(f"Could not update the library: {message}")

    def _apply_refreshed(self, refreshed: Refreshed) -> None:
        self.library.set_articles(refreshed.articles)
        self.library.set_notes(refreshed.counts, refreshed.edited)
        self.sidebar.set_articles(refreshed.articles)
        self.sidebar.set_orphan_count(refreshed.orphans)
        self.live.watch(refreshed.folders)
        self._show_count()
        self._update_nav()
        if not refreshed.articles and self.current_id is None and not self.live.running:
            self.reading.show_message(
                "This library is empty", f"There are no articles in <code>{self.root}</code> yet.",
                "Add Markdown (<code>.md</code>) or text (<code>.txt</code>) files to that folder — "
                "they appear here within seconds — or choose <b>File → Open Library…</b>.")

    def _show_count(self) -> None:
        self.status.count.setText(self.library.count_text())
        self.saved.recount()

    def save_search(self) -> None:
        self.saved.ask_to_save(self.search.field.text())

    # ------------------------------------------------------------ which list, and stepping through it

    def _filtered(self, apply, value) -> None:
        apply(value)
        self._show_count()
        self.back_to_library()

    def back_to_library(self) -> None:
        self.search.clear()
        self.middle.setCurrentIndex(LIBRARY)
        self.navigation.source = "library"
        self.library.select(self.current_id)
        self._update_nav()

    def _on_search_showing(self, showing: bool) -> None:
        if not showing:
            self.reading.clear_search_marks()
        if showing:
            self.middle.setCurrentIndex(SEARCH)
            self.navigation.source = "search"
            self.search.select(self.current_id)
        elif self.middle.currentIndex() == SEARCH:
            self.middle.setCurrentIndex(LIBRARY)
            self.navigation.source = "library"
        self._update_nav()

    def show_all_notes(self) -> None:
        self.middle.setCurrentIndex(NOTES)
        self._refresh_all_notes()
        self.all_notes.focus()

    def _refresh_all_notes(self) -> None:
        if self.middle.currentIndex() == NOTES:
            self.all_notes.refresh()

    def step(self, delta: int) -> None:
        """Open the next (+1) or previous (-1) article of the list the reader came from."""
        target = self.navigation.target(delta)
        if target:
            self.open_article(target, self.navigation.source)

    def _update_nav(self) -> None:
        self.navigation.update()

    def _on_navigation(self, has_previous: bool, has_next: bool) -> None:
        self.previous_button.setEnabled(has_previous)
        self.next_button.setEnabled(has_next)
        self.previous_action.setEnabled(has_previous)
        self.next_action.setEnabled(has_next)

    def _title_of(self, article_id: str) -> str:
        info = self.library.info(article_id)
        return info.title if info else (self.search.title_of(article_id) or article_id)

    def open_article(self, article_id: str | None, source: str = "library", note_id: int | None = None) -> None:
        """Open an article from a list (previous/next then follow that list), at a note's passage if given."""
        if not article_id:
            return
        self.navigation.source, self.navigation.current = source, article_id
        self.library.model.mark_read(article_id)
        self.saved.recount()
        self.settings.setValue(f"last_article/{self.root}", article_id)
        (self.search if source == "search" else self.library).select(article_id)
        ids = self.navigation.ids()
        self._update_nav()
        neighbours = tuple(Neighbour(i, self._title_of(i)) if i else None for i in self.navigation.neighbours(ids))
        terms = self.search.highlight if source == "search" else None
        self.reading.open(article_id, neighbours, terms, note_id)
        self.setWindowTitle(f"{self._title_of(article_id)} — {self.root.name} — Article Reader")
        self.live.watch_file(self.root / article_id if self.root else None)

    def _on_text_mode(self, choosable: bool, chosen: bool) -> None:
        self.text_mode_action.setEnabled(choosable)
        self.text_mode_action.setChecked(choosable and chosen)

    def mark_unread(self) -> None:
        article_id = self.reading.mark_unread()
        if article_id:
            self.library.model.mark_read(article_id, read=False)
            self.saved.recount()
            self.status.say("Marked as unread.")

    def _restore_last_article(self) -> None:
        if self.asked is not None:
            (article, note), self.asked = self.asked, None
            self.open_asked(str(self.root), article, note)
            return
        last = self.settings.value(f"last_article/{self.root}")
        if self.current_id is None and last and self.library.info(last):
            self.open_article(last, "library")

    def open_asked(self, library: str, article: str, note: int | None = None) -> None:
        """An article asked for from outside (a link, `article-reader open`), in front."""
        self.showNormal()
        self.raise_()
        self.activateWindow()
        if library and (self.root is None or Path(library).resolve() != self.root):
            self.asked = (article, note)
            self.open_library(Path(library))
            return
        if self.library.info(article) is not None:
            self.open_article(article, "library", note)
        elif self.library.model.rowCount():
            self.status.say(f"There is no article {article} in this library.")
        else:
            self.asked = (article, note)  # the list is not there yet

    # ------------------------------------------------------------ notes

    def post_from_keyboard(self) -> None:
        comments = self.reading.comments
        if comments.editor.hasFocus():
            comments.submit()
        else:
            comments.editor.setFocus()

    def _offer_undo(self, note) -> None:
        self.undo_action.setEnabled(True)
        self.status.offer_undo("Highlight removed." if note.quote else "Comment deleted.")

    def undo_delete(self) -> None:
        if self.reading.notes.undo():
            self.status.forget_undo()
            self.undo_action.setEnabled(False)

    def _on_notes_reindexed(self, answer) -> None:
        counts, orphans, edited = answer
        self.library.set_notes(counts, edited)
        self.sidebar.set_orphan_count(orphans)
        self.search.refresh()
        self.saved.recount()
        self._refresh_all_notes()

    def show_orphans(self) -> None:
        if self.workers:
            self.workers.call(self.workers.notes, lambda svc: svc.orphaned_notes(),
                              lambda notes: dialogs.orphans_dialog(self, notes))

    # ------------------------------------------------------------ view

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.look.resized(self.width())

    def show_query_help(self) -> None:
        dialogs.info_dialog(self, "How to search", QUERY_HELP, "queryHelp")

    def closeEvent(self, event) -> None:
        self.handoff.close()
        self.look.save()
        self._stop_library()
        super().closeEvent(event)
