"""Light and dark themes: Fusion with our palette, following the system unless chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from reader.locations import resource

_DARK = {
    QPalette.Window: "#24272c", QPalette.WindowText: "#e3e5e8", QPalette.Base: "#1c1e22",
    QPalette.AlternateBase: "#222529", QPalette.Text: "#e3e5e8", QPalette.Button: "#2c3036",
    QPalette.ButtonText: "#e3e5e8", QPalette.Highlight: "#3d6fb0", QPalette.HighlightedText: "#ffffff",
    QPalette.ToolTipBase: "#2c3036", QPalette.ToolTipText: "#e3e5e8", QPalette.PlaceholderText: "#8d949e",
    QPalette.Link: "#7cb4f0", QPalette.Mid: "#3b4048", QPalette.Dark: "#15171a", QPalette.Light: "#3b4048",
}
_LIGHT = {
    QPalette.Window: "#f3f4f6", QPalette.WindowText: "#1f2328", QPalette.Base: "#ffffff",
    QPalette.AlternateBase: "#f7f8fa", QPalette.Text: "#1f2328", QPalette.Button: "#eceef1",
    QPalette.ButtonText: "#1f2328", QPalette.Highlight: "#2f6fb5", QPalette.HighlightedText: "#ffffff",
    QPalette.ToolTipBase: "#ffffdc", QPalette.ToolTipText: "#1f2328", QPalette.PlaceholderText: "#6a717b",
    QPalette.Link: "#0b5cad", QPalette.Mid: "#c9cdd2", QPalette.Dark: "#9aa0a6", QPalette.Light: "#ffffff",
}


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply(key: str) -> bool:
    """Apply 'system', 'light' or 'dark'; returns whether the result is dark."""
    app = QApplication.instance()
    dark = system_is_dark() if key == "system" else key == "dark"
    palette = QPalette()
    for role, color in (_DARK if dark else _LIGHT).items():
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.Disabled, QPalette.Text, QColor("#7b828c"))
    palette.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#7b828c"))
    palette.setColor(QPalette.Disabled, QPalette.WindowText, QColor("#7b828c"))
    app.setPalette(palette)
    app.setProperty("readerDark", dark)
    app.setStyleSheet(_stylesheet())
    return dark


def is_dark(_widget=None) -> bool:
    return bool(QApplication.instance().property("readerDark"))


def _stylesheet() -> str:
    path = resource("style.qss")
    try:
        return path.read_text(encoding="utf-8") if path else ""
    except OSError:
        return ""
