"""The desktop window (PySide6): one module per pane — the library list, search, the
reading pane with its comments, highlights and searched words, all notes, the side panel
and its saved searches — composed and wired in ``mainwindow``, with the engine's threads
in ``workers``. It may import reader.service, reader.render and the engine's packages
for their data types, never Whoosh or SQLite; answers come back as Qt signals.
"""
