"""Edit → Tags…: the open article's tags in one field, comma-separated, completed from the
library's tags; saved as the reader's own (the file is never changed: a tag of the file
taken out is hidden), then the list, the side panel and search follow."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from reader.library.tagging import clean_tag, tag_key


class TagsField(QLineEdit):
    """Tags separated by commas; the word being typed is completed from the library's tags."""

    def __init__(self, known: list[str], parent=None):
        super().__init__(parent)
        self.setObjectName("tagsField")
        self.setPlaceholderText("reading, history, to-cite")
        self.tag_completer = QCompleter(QStringListModel(known, self), self)
        self.tag_completer.setCaseSensitivity(Qt.CaseInsensitive)
        self.tag_completer.setFilterMode(Qt.MatchContains)
        self.tag_completer.setWidget(self)
        self.tag_completer.activated.connect(self.complete_with)
        self.textEdited.connect(self._on_edited)

    def _on_edited(self, text: str) -> None:
        typing = text.rsplit(",", 1)[-1].strip()
        if not typing:
            self.tag_completer.popup().hide()
            return
        self.tag_completer.setCompletionPrefix(typing)
        if self.tag_completer.completionCount():
            self.tag_completer.complete()

    def complete_with(self, tag: str) -> None:
        done = [t for t in self.tags()[:-1]] if not self.text().rstrip().endswith(",") else self.tags()
        self.setText(", ".join([*done, tag]) + ", ")

    def tags(self) -> list[str]:
        return [t for t in (clean_tag(part) for part in self.text().split(",")) if tag_key(t)]


class TagsDialog(QDialog):
    def __init__(self, parent, title: str, tags: tuple[str, ...], known: list[str]):
        super().__init__(parent)
        self.setObjectName("tagsDialog")
        self.setWindowTitle("Tags")
        self.before = list(tags)
        self.field = TagsField(known, self)
        self.field.setText("".join(f"{t}, " for t in tags))  # typing goes on with a new tag
        heading = QLabel(f"Tags of <b>{_escaped(title)}</b>")
        heading.setWordWrap(True)
        hint = QLabel("Separate tags with commas. Your tags are kept with your notes; the file is not changed.")
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (heading, self.field, hint, buttons):
            layout.addWidget(widget)
        self.resize(460, self.sizeHint().height())

    def changes(self) -> tuple[list[str], list[str]]:
        """(tags to add, tags to remove) from what the field held when opened."""
        after = self.field.tags()
        before_keys, after_keys = {tag_key(t) for t in self.before}, {tag_key(t) for t in after}
        return ([t for t in after if tag_key(t) not in before_keys],
                [t for t in self.before if tag_key(t) not in after_keys])


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def edit_tags(window) -> None:
    """Edit → Tags… on the open article: asks the engine for its tags and the library's, then
    opens the dialog; what is saved goes through the indexer (the list and search follow)."""
    article_id, workers = window.current_id, window.workers
    if article_id is None or workers is None:
        window.status.say("Open an article to tag it.")
        return

    def known(svc):
        info = svc.article(article_id)
        return (info.title, info.tags, svc.library_tags()) if info else None

    def ask(answer) -> None:
        if answer is None or window.current_id != article_id:
            return
        dialog = TagsDialog(window, *answer)
        window.tags_dialog = dialog  # kept, and found by tests
        dialog.accepted.connect(lambda: _save(window, article_id, *dialog.changes()))
        dialog.open()

    workers.call(workers.notes, known, ask)


def _save(window, article_id: str, add: list[str], remove: list[str]) -> None:
    if not (add or remove):
        return
    window.live.change(lambda svc, _progress: svc.change_tags(article_id, add, remove),
                       lambda tags: window.status.say(f"Tags: {', '.join(tags) or 'none'}."),
                       lambda message: window.status.say(f"Could not save the tags: {message}"))
