"""How the window looks between runs — its size, its splitters, the zoom, the theme and
the side panel — kept in gui.ini (QSettings) in the data folder."""

from __future__ import annotations

from PySide6.QtCore import QByteArray

from reader.ui import theme

NARROW_WINDOW_PX = 1100  # below this the side panel steps aside for the list and the article


class WindowLook:
    def __init__(self, window, settings):
        self.window = window
        self.settings = settings
        self._narrow: bool | None = None

    def restore(self) -> None:
        window = self.window
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        else:
            window.resize(1280, 800)
        state = self.settings.value("main_split")
        if isinstance(state, QByteArray):
            window.main_split.restoreState(state)
        # Only a divider the reader moved is kept: otherwise the comments take what they need.
        state = self.settings.value("comments_divider")
        if isinstance(state, QByteArray) and window.reading.restoreState(state):
            window.reading.sized_by_reader = True
        window.reading.set_zoom(int(self.settings.value("zoom", 0)))
        self.apply_theme()

    def save(self) -> None:
        window = self.window
        self.settings.setValue("geometry", window.saveGeometry())
        self.settings.setValue("main_split", window.main_split.saveState())
        self.settings.remove("right_split")  # before 0.2 every run kept it, moved or not
        if window.reading.sized_by_reader:
            self.settings.setValue("comments_divider", window.reading.saveState())
        else:
            self.settings.remove("comments_divider")
        self.settings.setValue("zoom", window.reading.view.zoom)
        self.settings.sync()

    def zoom(self, delta: int | None) -> None:
        reading = self.window.reading
        reading.set_zoom(0 if delta is None else reading.view.zoom + delta)
        self.settings.setValue("zoom", reading.view.zoom)

    def set_theme(self, key: str) -> None:
        self.settings.setValue("theme", key)
        self.apply_theme()

    def toggle_theme(self) -> None:
        self.set_theme("light" if theme.is_dark() else "dark")

    def apply_theme(self) -> None:
        key = self.settings.value("theme", "system")
        for action in self.window.theme_group.actions():
            action.setChecked(action.data() == key)
        dark = theme.apply(key)
        self.window.theme_button.setText("☀" if dark else "☾")
        self.window.reading.reload()

    def toggle_sidebar(self) -> None:
        sidebar = self.window.sidebar
        sidebar.setVisible(not sidebar.isVisible())
        self.settings.setValue("sidebar", sidebar.isVisible())

    def resized(self, width: int) -> None:
        narrow = width < NARROW_WINDOW_PX
        if narrow != self._narrow:  # only when the width crosses the line: a toggle in between stands
            self._narrow = narrow
            wanted = self.settings.value("sidebar", True) not in (False, "false")
            self.window.sidebar.setVisible(wanted and not narrow)
