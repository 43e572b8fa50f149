"""The index's own Whoosh codec: Whoosh's W3 format, with the postings of the positional
text fields (title, body, authors, tags, source, notes) held in columns (reader.postings).

Whoosh's query objects, searcher, BM25F scoring, collectors, stored fields, length
columns and the W3 postings of the small exact fields (id, folder, tag, lang, dates)
are kept. What changes, for the positional fields only:

- writing: `ColumnarWriter.add_document` appends each field's term positions to the
  segment's arrays instead of handing Whoosh's pool one tuple per posting, and the
  arrays are written once, sorted, when the segment is finished;
- merging (MERGE_SMALL, optimize): a segment's arrays are appended whole, documents
  renumbered and deleted ones dropped in numpy, not re-read posting by posting;
- reading: `ArrayMatcher` walks a term's slice of the arrays; its term statistics are
  exactly those W3 would store (as float32 and length bytes), so scores, pruning and
  order are the same — a differential test builds both formats and compares them.

Segments of this codec are not assembled into a compound file: the postings file is
mapped into memory as it lies on disk.
"""

from __future__ import annotations

import os
from bisect import bisect_left

import numpy as np
from whoosh.codec import base
from whoosh.codec.whoosh3 import W3Codec
from whoosh.matching import LeafMatcher, ReadTooFar
from whoosh.reading import SegmentReader, TermInfo, TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from reader.analysis import TermPositions, TermTokenizer, term_positions
from reader.postings import FieldArrays, FieldPostings, SegmentPostings, write_file

POSTINGS_EXT = ".apo"


def is_columnar(field) -> bool:
    """Whether a schema field's postings go into columns: positions made by term_positions."""
    return isinstance(field.format, TermPositions) and isinstance(field.analyzer, TermTokenizer)


class ColumnarCodec(W3Codec):
    """W3, with the columnar fields' postings read from the segment's postings file.
    Pickled into the index's table of contents: its name must stay importable."""

    def terms_reader(self, storage, segment):
        w3 = super().terms_reader(storage, segment)
        path = os.path.join(storage.folder, segment.make_filename(POSTINGS_EXT))
        return ColumnarTermsReader(w3, SegmentPostings(path))


class ColumnarWriter(SegmentWriter):
    """Whoosh's SegmentWriter writing one segment of ColumnarCodec."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, codec=ColumnarCodec(), compound=False, **kwargs)
        self.columns = {name: FieldPostings(field.format.field_boost)
                        for name, field in self.schema.items() if is_columnar(field)}

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


class ColumnarTermsReader(base.TermsReader):
    """A segment's terms: the columnar fields from the arrays, the others from W3."""

    def __init__(self, w3, postings: SegmentPostings):
        self.w3 = w3
        self.postings = postings
        self.fields: dict[str, FieldArrays] = postings.fields

    def _number(self, fieldname: str, tbytes: bytes) -> int:
        number = self.fields[fieldname].number(tbytes)
        if number is None:
            raise TermNotFound(f"{fieldname}:{tbytes!r}")
        return number

    def __contains__(self, term):
        fieldname, tbytes = term
        if fieldname in self.fields:
            return self.fields[fieldname].number(tbytes) is not None
        return term in self.w3

    def indexed_field_names(self):
        return list(self.w3.indexed_field_names()) + [n for n, a in self.fields.items() if a.term_count]

    def terms(self):
        yield from self.w3.terms()
        for fieldname in sorted(self.fields):
            yield from ((fieldname, t) for t in self.fields[fieldname].term_bytes())

    def terms_from(self, fieldname, prefix):
        if fieldname not in self.fields:
            return self.w3.terms_from(fieldname, prefix)
        terms = self.fields[fieldname].term_bytes()
        return ((fieldname, t) for t in terms[bisect_left(terms, prefix):])

    def items(self):
        return ((term, self.term_info(*term)) for term in self.terms())

    def items_from(self, fieldname, prefix):
        return ((term, self.term_info(*term)) for term in self.terms_from(fieldname, prefix))

    def term_info(self, fieldname, tbytes):
        if fieldname not in self.fields:
            return self.w3.term_info(fieldname, tbytes)
        return _term_info(self.fields[fieldname], self._number(fieldname, tbytes))

    def frequency(self, fieldname, tbytes):
        if fieldname not in self.fields:
            return self.w3.frequency(fieldname, tbytes)
        arrays = self.fields[fieldname]
        number = arrays.number(tbytes)
        if number is None:
            raise KeyError(tbytes)
        return _float32(arrays.total[number] * arrays.boost)

    def doc_frequency(self, fieldname, tbytes):
        if fieldname not in self.fields:
            return self.w3.doc_frequency(fieldname, tbytes)
        arrays = self.fields[fieldname]
        number = arrays.number(tbytes)
        if number is None:
            raise KeyError(tbytes)
        return int(arrays.starts[number + 1] - arrays.starts[number])

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        if fieldname not in self.fields:
            return self.w3.matcher(fieldname, tbytes, format_, scorer=scorer)
        arrays = self.fields[fieldname]
        return ArrayMatcher(arrays, self._number(fieldname, tbytes), format_, (fieldname, tbytes), scorer)

    def close(self):
        self.w3.close()
        self.postings.close()


def _float32(value) -> float:
    # W3 stores a term's total and highest weight as 32-bit floats: so must we, to score alike.
    return float(np.float32(value))


def _term_info(arrays: FieldArrays, number: int) -> TermInfo:
    start, end = int(arrays.starts[number]), int(arrays.starts[number + 1])
    return TermInfo(
        weight=_float32(arrays.total[number] * arrays.boost), df=end - start,
        minlength=byte_to_length(int(arrays.shortest[number])), maxlength=byte_to_length(int(arrays.longest[number])),
        maxweight=_float32(arrays.top[number] * arrays.boost), minid=int(arrays.docs[start]), maxid=int(arrays.docs[end - 1]),
    )


class ArrayMatcher(LeafMatcher):
    """One term's postings in one segment, read from the columns: the documents and
    frequencies as lists (stepping a list is Python's fastest), positions on demand."""

    def __init__(self, arrays: FieldArrays, number: int, format_, term, scorer, position: int = 0):
        self.arrays = arrays
        self.number = number
        self.format = format_
        self._term = term
        self.scorer = scorer
        self._start = int(arrays.starts[number])
        self._end = int(arrays.starts[number + 1])
        self._ids = arrays.docs[self._start:self._end].tolist()
        self._freqs = arrays.freqs[self._start:self._end].tolist()
        self._boost = arrays.boost
        self._places: np.ndarray | None = None
        self._i = position

    def copy(self):
        return ArrayMatcher(self.arrays, self.number, self.format, self._term, self.scorer, self._i)

    def is_active(self):
        return self._i < len(self._ids)

    def reset(self):
        self._i = 0

    def id(self):
        return self._ids[self._i]

    def next(self):
        if self._i >= len(self._ids):
            raise ReadTooFar
        self._i += 1

    def skip_to(self, target):
        if self._i >= len(self._ids):
            raise ReadTooFar
        if target > self._ids[self._i]:
            self._i = bisect_left(self._ids, target, self._i)

    def all_ids(self):
        return iter(self._ids[self._i:])

    def weight(self):
        return self._freqs[self._i] * self._boost

    def doc_array(self) -> np.ndarray:
        """Every document of the term (deleted ones too), as the column holds them."""
        return self.arrays.docs[self._start:self._end]

    def _position_starts(self) -> np.ndarray:
        if self._places is None:
            base = int(self.arrays.term_position_starts()[self.number])
            freqs = self.arrays.freqs[self._start:self._end]
            self._places = base + np.concatenate(([0], np.cumsum(freqs, dtype=np.int64)))
        return self._places

    def position_runs(self, postings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the positions of some of the term's postings begin, and how many each has."""
        return self._position_starts()[postings], self.arrays.freqs[self._start:self._end][postings]

    def positions(self) -> list[int]:
        """Where the term occurs in the current document."""
        places = self._position_starts()
        i = self._i
        return self.arrays.positions[places[i]:places[i + 1]].tolist()

    def value(self):
        return self.format.encode(self.positions())

    def value_as(self, astype):
        if astype == "positions":
            return self.positions()
        return self.format.decoder(astype)(self.value())

    def supports_block_quality(self):
        return False  # one block: whole-list quality would only repeat max_quality()

    def max_quality(self):
        return self.scorer.max_quality() if self.scorer else self.block_max_weight()

    def block_quality(self):
        return self.max_quality()

    def block_max_weight(self):
        return _float32(self.arrays.top[self.number] * self._boost)

    def block_min_length(self):
        return byte_to_length(int(self.arrays.shortest[self.number]))

    def block_max_length(self):
        return byte_to_length(int(self.arrays.longest[self.number]))

    def block_min_id(self):
        return self._ids[0]

    def block_max_id(self):
        return self._ids[-1]

    def score(self):
        return self.scorer.score(self) if self.scorer else self.weight()
