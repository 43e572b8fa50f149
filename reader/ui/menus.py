"""The window's commands: its menus with their shortcuts, and the toolbar."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLineEdit, QToolBar, QToolButton, QWidget

from reader.ui import dialogs, importing, tagging
from reader.ui.help import shortcuts_html


@dataclass
class Menus:
    """The actions the window changes later (enabled or checked)."""

    undo: QAction
    previous: QAction
    next: QAction
    themes: QActionGroup
    text_mode: QAction  # View → Text: a PDF read as its text


def build_menus(window) -> Menus:
    """The menu bar of a MainWindow; every action is also the window's, so its shortcut works anywhere."""

    def action(menu, text: str, slot, shortcuts=(), name: str | None = None) -> QAction:
        made = QAction(text, window)
        if shortcuts:
            made.setShortcuts([QKeySequence(s) for s in shortcuts])
        made.triggered.connect(slot)
        if name:
            made.setObjectName(name)
        menu.addAction(made)
        window.addAction(made)
        return made

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    action(file_menu, "&Open Library…", window.choose_library, ["Ctrl+O"], "openLibraryAction")
    action(file_menu, "&Rebuild Search Index", lambda: window.live.request_update(rebuild=True))
    action(file_menu, "&Import from Pocket, Omnivore, Instapaper…", lambda: importing.import_export(window),
           ["Ctrl+Shift+I"], "importAction")
    action(file_menu, "&Export Notes…", lambda: dialogs.export_notes(window, window.workers))
    action(file_menu, "S&ync Notes Through a Folder…", window.sync.choose, name="syncAction")
    file_menu.addSeparator()
    action(file_menu, "&Quit", window.close, ["Ctrl+Q"], "quitAction")

    edit_menu = bar.addMenu("&Edit")
    action(edit_menu, "&Search Library", window.search.focus, ["Ctrl+K"], "searchAction")
    action(edit_menu, "Sa&ve This Search…", window.save_search, ["Ctrl+S"], "saveSearchAction")
    action(edit_menu, "&Find in Article", window.reading.find_bar.start, ["Ctrl+F"], "findAction")
    action(edit_menu, "Find &Next", lambda: window.reading.find_bar.step(True), ["F3"])
    action(edit_menu, "Find &Previous", lambda: window.reading.find_bar.step(False), ["Shift+F3"])
    edit_menu.addSeparator()
    action(edit_menu, "&Tags…", lambda: tagging.edit_tags(window), ["Ctrl+T"], "tagsAction")
    undo = action(edit_menu, "&Undo Delete", window.undo_delete, ["Ctrl+Z"], "undoAction")
    undo.setEnabled(False)

    view_menu = bar.addMenu("&View")
    action(view_menu, "Zoom &In", lambda: window.look.zoom(+1), ["Ctrl+=", "Ctrl++"], "zoomInAction")
    action(view_menu, "Zoom &Out", lambda: window.look.zoom(-1), ["Ctrl+-"], "zoomOutAction")
    action(view_menu, "&Actual Size", lambda: window.look.zoom(None), ["Ctrl+0"], "zoomResetAction")
    text_mode = action(view_menu, "&Text (PDF as Its Text, Not Its Pages)", window.reading.set_text_mode,
                       ["Ctrl+Shift+T"], "pdfTextModeAction")
    text_mode.setCheckable(True)
    text_mode.setEnabled(False)
    action(view_menu, "Open &Original in Browser", window.reading.open_original, ["Ctrl+Shift+O"],
           "openOriginalAction")
    view_menu.addSeparator()
    theme_menu = view_menu.addMenu("&Theme")
    themes = QActionGroup(window)
    for key, label in (("system", "Follow &System"), ("light", "&Light"), ("dark", "&Dark")):
        choice = QAction(label, window, checkable=True)
        choice.setData(key)
        choice.setObjectName(f"theme_{key}")
        choice.triggered.connect(lambda _=False, k=key: window.look.set_theme(k))
        themes.addAction(choice)
        theme_menu.addAction(choice)
    action(view_menu, "Toggle &Dark Theme", window.look.toggle_theme, ["Ctrl+Shift+D"], "toggleThemeAction")
    action(view_menu, "Show &Side Panel", window.look.toggle_sidebar, ["Ctrl+\\"])
    sort_menu = view_menu.addMenu("Sort &List By")
    for column, label in ((1, "&Date, newest first"), (0, "&Title"), (2, "&Author"), (4, "&Notes")):
        sort_menu.addAction(label, lambda c=column: window.library.sort_by(c))

    go_menu = bar.addMenu("&Go")
    previous = action(go_menu, "&Previous Article", lambda: window.step(-1), ["Alt+Left"], "previousAction")
    following = action(go_menu, "&Next Article", lambda: window.step(+1), ["Alt+Right"], "nextAction")
    go_menu.addSeparator()
    action(go_menu, "Next in List", lambda: window.step(+1), ["J"], "nextInListAction")
    action(go_menu, "Previous in List", lambda: window.step(-1), ["K"], "previousInListAction")
    action(go_menu, "Back to &Library", window.back_to_library, ["Ctrl+L"])
    go_menu.addSeparator()
    action(go_menu, "Mark as &Unread", window.mark_unread, ["Shift+U"], "markUnreadAction")

    notes_menu = bar.addMenu("&Notes")
    for made in (window.reading.highlight_action, window.reading.comment_action):
        notes_menu.addAction(made)
        window.addAction(made)
    notes_menu.addSeparator()
    action(notes_menu, "&Leave a Comment", window.reading.comments.editor.setFocus, ["Ctrl+Shift+C"])
    action(notes_menu, "&Post Comment", window.post_from_keyboard, ["Ctrl+Return", "Ctrl+Enter"], "postCommentAction")
    notes_menu.addSeparator()
    action(notes_menu, "&All Notes", window.show_all_notes, ["Ctrl+Shift+N"], "allNotesAction")
    action(notes_menu, "&Notes Without an Article…", window.show_orphans)

    help_menu = bar.addMenu("&Help")
    action(help_menu, "&How to Search", window.show_query_help, ["F1"], "queryHelpAction")
    action(help_menu, "&Keyboard Shortcuts",
           lambda: dialogs.info_dialog(window, "Keyboard shortcuts", shortcuts_html(), "shortcutsHelp"))
    action(help_menu, "&About Article Reader", lambda: dialogs.about(window))
    return Menus(undo, previous, following, themes, text_mode)


class MainToolbar(QToolBar):
    """The search field, how to search, previous and next, and light or dark."""

    def __init__(self, search_field: QLineEdit, parent=None):
        super().__init__("Main", parent)
        self.setObjectName("mainToolbar")
        self.setMovable(False)
        self.previous_button = _button("previousButton", "◀  Previous", "Previous article (Alt+Left)")
        self.next_button = _button("nextButton", "Next  ▶", "Next article (Alt+Right)")
        self.help_button = _button("queryHelpButton", "?", "How to search (F1)")
        self.theme_button = _button("themeButton", "", "Light or dark (Ctrl+Shift+D)")
        self.addWidget(search_field)
        self.addWidget(self.help_button)
        spacer = QWidget()
        spacer.setFixedWidth(16)
        self.addWidget(spacer)
        self.addWidget(self.previous_button)
        self.addWidget(self.next_button)
        stretch = QWidget()
        stretch.setSizePolicy(stretch.sizePolicy().horizontalPolicy().Expanding, stretch.sizePolicy().verticalPolicy())
        self.addWidget(stretch)
        self.addWidget(self.theme_button)


def _button(name: str, text: str, tip: str) -> QToolButton:
    made = QToolButton()
    made.setObjectName(name)
    made.setText(text)
    made.setToolTip(tip)
    return made
