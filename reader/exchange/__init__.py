"""What crosses the library's border: the reader's notes and tags going out (Markdown,
JSON, Readwise's CSV, an Obsidian vault: ``notes_files``) and a reading life coming in
from read-later services (``importing``: what an import does with the items of an
export; ``formats``: recognising an export by its content and reading each service's;
``items``: the plain data between them; ``pages``: an item's article written as a new
saved page). It calls the engine (reader.service); never a front end.
"""
