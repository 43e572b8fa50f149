"""The command line, `article-reader`: one module per group of commands (library.py:
index, search, show, related; notes.py; searches.py; desktop.py: the menu entry), what
they share (context.py: the chosen library and data folder, the engine on them, errors),
and entry.py, which parses the arguments and runs one. It may import everything below
it (reader.service, and through the service's types the engine's packages) and
reader.app, to open the window; nothing imports it.
"""

from reader.cli.entry import main

__all__ = ["main"]
