"""Writing and merging the columnar postings of the index's own codec (reader.index.codec):
Whoosh's W3 format, with the postings of the positional text fields (title, body,
authors, tags, source, notes) held in columns (reader.index.postings).

Whoosh's query objects, searcher, BM25F scoring, collectors, stored fields, length
columns and the W3 postings of the small exact fields (id, folder, tag, lang, dates)
are kept. What changes, for the positional fields only:

- writing: `ColumnarWriter.add_document` appends each field's term positions to the
  segment's arrays instead of handing Whoosh's pool one tuple per posting, and the
  arrays are written once, sorted, when the segment is finished;
- merging (MERGE_SMALL, optimize): a segment's arrays are appended whole, documents
  renumbered and deleted ones dropped in numpy, not re-read posting by posting;
- phrases: `phrase_docs` finds a phrase's documents for a whole segment in numpy.

Reading (reader.index.codec's `ArrayMatcher`) gives term statistics exactly as W3 would store
them (float32 and length bytes), so scores, pruning and order are the same — a
differential test builds both formats and compares them.

Segments of this codec are not assembled into a compound file: the postings file is
mapped into memory as it lies on disk.
"""

from __future__ import annotations

import numpy as np
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from reader.index.codec import POSTINGS_EXT, ArrayMatcher, ColumnarCodec, ColumnarTermsReader, is_columnar
from reader.index.postings import FieldPostings, runs, write_file
from reader.text.analysis import term_positions


class ColumnarWriter(SegmentWriter):
    """Whoosh's SegmentWriter writing one segment of ColumnarCodec."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, codec=ColumnarCodec(), compound=False, **kwargs)
        self.columns = {name: FieldPostings(field.format.field_boost)
                        for name, field in self.schema.items() if is_columnar(field)}
        self.codec.columnar = frozenset(self.columns)  # before anything is written with it

    def add_document(self, **fields):
        """Whoosh's add_document (no boosts: a column holds frequencies, not weights)."""
        self._check_state()
        if any(key.startswith("_") and key.endswith("_boost") for key in fields):
            raise ValueError("document and field boosts are not supported by the columnar index")
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, names)
        perdoc = self.perdocwriter
        marks = {name: postings.mark() for name, postings in self.columns.items()}
        perdoc.start_doc(self.docnum)
        try:
            for name in names:
                value = fields[name]
                if value is not None:
                    self._add_field(name, value, fields.get(f"_stored_{name}", value))
        except Exception:
            perdoc.cancel_doc()
            for name, mark in marks.items():
                self.columns[name].rollback(mark)
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_field(self, name: str, value, stored) -> None:
        field = self.schema[name]
        columns = self.columns.get(name)
        if columns is not None and isinstance(value, str):
            length = columns.add(self.docnum, term_positions(value))
        else:
            length = 0
            if field.indexed:
                for tbytes, freq, weight, vbytes in field.index(value):
                    length += freq if field.scorable else 0
                    self.pool.add((name, tbytes, self.docnum, weight, vbytes))
        self.perdocwriter.add_field(name, field, stored if field.stored else None, length)
        if field.column_type and stored is not None:
            self.perdocwriter.add_column_value(name, field.column_type, field.to_column_value(stored))

    def add_reader(self, reader):
        """Merge a segment: stored fields and W3 postings as Whoosh does, columns whole."""
        self._check_state()
        source = getattr(reader, "_terms", None)
        if not isinstance(reader, SegmentReader) or not isinstance(source, ColumnarTermsReader):
            raise ValueError("only segments of the columnar format can be merged into it")
        basedoc = self.docnum
        names = set(self.schema.names()) | {n for n in reader.indexed_field_names() if n in self.schema}
        docmap = self.write_per_doc(names, reader)
        if docmap is None:
            renumbered = np.arange(reader.doc_count_all(), dtype=np.int64) + basedoc
        else:  # deleted documents are not in docmap: their postings go
            renumbered = np.full(reader.doc_count_all(), -1, dtype=np.int64)
            renumbered[np.fromiter(docmap.keys(), dtype=np.int64)] = np.fromiter(docmap.values(), dtype=np.int64)
        for name, columns in self.columns.items():
            arrays = source.fields.get(name)
            if arrays is not None and arrays.term_count:
                columns.add_arrays(arrays, renumbered)
        for item in self._process_posts(_w3_postings(reader, source), basedoc, docmap):
            self.pool.add(item)
        self._added = True

    def _flush_segment(self):
        super()._flush_segment()
        doccount = self.docnum - self.docbase
        fields = {name: (c.boost, c.arrays(doccount)) for name, c in self.columns.items()}
        handle = self.newsegment.create_file(self.storage, POSTINGS_EXT)
        try:
            write_file(handle, fields, doccount)
        finally:
            handle.close()


def _w3_postings(reader, source: "ColumnarTermsReader"):
    """Every live posting of the segment's W3 fields, as Whoosh's pool takes them."""
    for fieldname, btext in source.w3.terms():
        if fieldname not in reader.schema:
            continue
        matcher = reader.postings(fieldname, btext)
        while matcher.is_active():
            yield fieldname, btext, matcher.id(), matcher.weight(), matcher.value()
            matcher.next()


def phrase_docs(words: list[ArrayMatcher]) -> np.ndarray:
    """The documents where the words stand one after the other, in order.

    Every array here is ascending, so it is stepped through, never sorted: the documents
    all words have, counted in a table a document; then each word's keys (document << 32 |
    position − its offset in the phrase) looked up in the previous words' by bisection."""
    docs = [m.doc_array() for m in words]
    count = np.zeros(words[0].arrays.array("lengths").size, dtype=np.int32)
    for these in docs:
        count[these] += 1
    common = count == len(words)
    keys = None
    for offset, word in enumerate(words):
        chosen = np.flatnonzero(common[docs[offset]])
        if not chosen.size:
            return np.zeros(0, dtype=np.int64)
        starts, freqs = word.position_runs(chosen)
        places = word.arrays.array("positions")[runs(starts, freqs)].astype(np.int64) - offset
        owners = np.repeat(docs[offset][chosen].astype(np.int64), freqs.astype(np.int64))
        wanted = places >= 0
        these = (owners[wanted] << 32) | places[wanted]  # ascending, unique: a term has a position once
        if keys is not None:
            at = np.searchsorted(keys, these)
            these = these[keys[np.minimum(at, len(keys) - 1)] == these] if len(keys) else these[:0]
        keys = these
        owners = keys >> 32
        common = np.zeros_like(common)
        common[owners] = True
    return np.flatnonzero(common).astype(np.int64)
