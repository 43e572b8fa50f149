"""Files on disk become articles: scanning a library folder safely (``scanning``), the
formats an article may be in and the reader of each (``formats``: Markdown and text in
``textfile``, saved web pages in ``webpage`` with ``pagemeta``; a new format is one more
module here), what an article is (``article``), its body as shown and the text quotes
are made on (``body``, ``shown_text``, ``plaintext``), its reading time, and the
catalog of what was indexed. It may import reader.text and the shared data-folder
modules, never the index, search, notes or any front end.
"""
