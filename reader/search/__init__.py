"""Searching the index: the query language (``query``) and its compiler into Whoosh
queries (``compiler``, with the library's words and their spellings: ``vocabulary``,
``spellings``), the reader's marks and dates as filters (``filters``), the ranked hits with
their snippets (``hits``, scored a column at a time by ``column_scoring``; ``snippets``),
related articles, saved searches, and the index as it is searched
(``searching.LibraryIndex``). It may import reader.index, reader.library and reader.text;
never notes or a front end.
"""
