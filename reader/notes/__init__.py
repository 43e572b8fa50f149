"""What the reader adds to the library: the notes store (``store``: comments and
highlights, trash, renames followed) and its database (``database``: migrations, backups,
a damaged file set aside), export and import (``export``), the query language asked of
notes (``query``), a highlight's passage and finding it again after an edit
(``anchoring``, ``annotations``), and the reading state (``reading``: read articles,
where the reader stopped). It may import reader.search (the query language),
reader.index, reader.library and reader.text; never a front end.
"""
