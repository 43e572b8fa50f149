"""The Whoosh index of one library and its columnar codec: the schema an article
becomes, opening and healing it, the incremental update in parts and worker processes
(``index``, ``writing``, ``parallel``; the window's re-check in a child: ``recheck``),
the postings as columns of numbers (``postings`` written, ``codec`` read, ``columnar``
merged, ``phrase_matching`` for exact phrases), Whoosh's matcher trees worked out as
arrays (``matcher_arrays``, with ``list_matchers``), and the measured fixes to Whoosh
(``whoosh_fixes``). It may import reader.library and reader.text; searching it with the
query language is reader.search's.
"""
