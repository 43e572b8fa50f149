"""The index's own Whoosh codec: Whoosh's W3 format, with the postings of the positional
text fields held in columns (reader.postings) instead of W3's posting blocks.

This module is what an index's table of contents names (the codec is pickled into it),
so it stays light: opening an index to check it imports neither numpy nor the columns;
they are read when a search or a merge first asks for a term. Writing and matching over
the columns are in reader.columnar.
"""

from __future__ import annotations

import json
import os
import struct
from bisect import bisect_left

from whoosh.codec import base
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import TermInfo, TermNotFound
from whoosh.util.numeric import byte_to_length

from reader.analysis import TermPositions, TermTokenizer

POSTINGS_EXT = ".apo"
_FLOAT32 = struct.Struct("f")
MAGIC = b"ARpostings1\n"  # a postings file's first bytes; then the directory's size and the directory
ALIGN = 16  # every array starts at a multiple of this


def read_directory(path: str) -> tuple[dict, int]:
    """A postings file's directory (the arrays of each field: dtype, offset, count) and where
    its arrays begin; ValueError if the file is not one, or too short for what it lists.
    Reads only the head of the file: cheap enough for every check of an index."""
    with open(path, "rb") as handle:
        head = handle.read(len(MAGIC) + 8)
        if len(head) < len(MAGIC) + 8 or not head.startswith(MAGIC):
            raise ValueError(f"not a postings file: {path}")
        size = int.from_bytes(head[len(MAGIC):], "little")
        try:
            directory = json.loads(handle.read(size))
        except ValueError:
            raise ValueError(f"damaged postings file: {path}") from None
        length = os.fstat(handle.fileno()).st_size
    base = -(-(len(MAGIC) + 8 + size) // ALIGN) * ALIGN
    ends = [base + offset + count * int(kind[2:])
            for entry in directory["fields"].values() for kind, offset, count in entry["arrays"].values()]
    if max(ends, default=base) > length:
        raise ValueError(f"truncated postings file: {path}")
    return directory, base


def check_postings(ix, folder: str) -> None:
    """Raise ValueError if any segment's postings file is missing, damaged or cut short."""
    for segment in ix._segments():
        if isinstance(segment.codec(), ColumnarCodec):
            read_directory(os.path.join(folder, segment.make_filename(POSTINGS_EXT)))


def is_columnar(field) -> bool:
    """Whether a schema field's postings go into columns: positions made by term_positions."""
    return isinstance(field.format, TermPositions) and isinstance(field.analyzer, TermTokenizer)


class ColumnarCodec(W3Codec):
    """W3, with the columnar fields' postings read from the segment's postings file.
    Pickled into the index's table of contents with each segment, and with it the names
    of the fields it holds in columns: its name must stay importable."""

    def __init__(self, columnar=(), **kwargs):
        super().__init__(**kwargs)
        self.columnar = frozenset(columnar)

    def terms_reader(self, storage, segment):
        w3 = super().terms_reader(storage, segment)
        path = os.path.join(storage.folder, segment.make_filename(POSTINGS_EXT))
        return ColumnarTermsReader(w3, path, self.columnar)


class ColumnarTermsReader(base.TermsReader):
    """A segment's terms: the columnar fields from the arrays, the others from W3."""

    def __init__(self, w3, path: str, columnar: frozenset[str]):
        self.w3 = w3
        self.path = path
        self.columnar = columnar
        self._postings = None

    @property
    def fields(self) -> dict:
        """The columnar fields (reader.postings.FieldArrays), read on first use: opening
        an index to check it (every launch, every re-check) needs neither them nor numpy."""
        if self._postings is None:
            from reader.postings import SegmentPostings

            self._postings = SegmentPostings(self.path)
        return self._postings.fields

    def _found(self, fieldname: str, tbytes: bytes):
        """A columnar field's arrays and the term's number; KeyError (as Whoosh expects of
        frequency lookups) if the segment lacks it."""
        arrays = self.fields[fieldname]
        number = arrays.number(tbytes)
        if number is None:
            raise KeyError(tbytes)
        return arrays, number

    def _number(self, fieldname: str, tbytes: bytes) -> int:
        number = self.fields[fieldname].number(tbytes)
        if number is None:
            raise TermNotFound(f"{fieldname}:{tbytes!r}")
        return number

    def __contains__(self, term):
        fieldname, tbytes = term
        if fieldname in self.columnar:
            return self.fields[fieldname].number(tbytes) is not None
        return term in self.w3

    def indexed_field_names(self):
        return list(self.w3.indexed_field_names()) + [n for n, a in self.fields.items() if a.term_count]

    def terms(self):
        yield from self.w3.terms()
        for fieldname in sorted(self.fields):
            yield from ((fieldname, t) for t in self.fields[fieldname].term_bytes())

    def terms_from(self, fieldname, prefix):
        if fieldname not in self.columnar:
            return self.w3.terms_from(fieldname, prefix)
        terms = self.fields[fieldname].term_bytes()
        return ((fieldname, t) for t in terms[bisect_left(terms, prefix):])

    def items(self):
        return ((term, self.term_info(*term)) for term in self.terms())

    def items_from(self, fieldname, prefix):
        return ((term, self.term_info(*term)) for term in self.terms_from(fieldname, prefix))

    def term_info(self, fieldname, tbytes):
        if fieldname not in self.columnar:
            return self.w3.term_info(fieldname, tbytes)
        return _term_info(self.fields[fieldname], self._number(fieldname, tbytes))

    def frequency(self, fieldname, tbytes):
        if fieldname not in self.columnar:
            return self.w3.frequency(fieldname, tbytes)
        arrays, number = self._found(fieldname, tbytes)
        return float32(arrays.total[number] * arrays.boost)

    def doc_frequency(self, fieldname, tbytes):
        if fieldname not in self.columnar:
            return self.w3.doc_frequency(fieldname, tbytes)
        arrays, number = self._found(fieldname, tbytes)
        return int(arrays.starts[number + 1] - arrays.starts[number])

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        if fieldname not in self.columnar:
            return self.w3.matcher(fieldname, tbytes, format_, scorer=scorer)
        from reader.columnar import ArrayMatcher

        arrays = self.fields[fieldname]
        return ArrayMatcher(arrays, self._number(fieldname, tbytes), format_, (fieldname, tbytes), scorer)

    def close(self):
        self.w3.close()
        if self._postings is not None:
            self._postings.close()


def float32(value) -> float:
    """W3 stores a term's total and highest weight as 32-bit floats: so must we, to score alike."""
    return _FLOAT32.unpack(_FLOAT32.pack(value))[0]


def _term_info(arrays, number: int) -> TermInfo:
    start, end = int(arrays.starts[number]), int(arrays.starts[number + 1])
    return TermInfo(
        weight=float32(arrays.total[number] * arrays.boost), df=end - start,
        minlength=byte_to_length(int(arrays.shortest[number])), maxlength=byte_to_length(int(arrays.longest[number])),
        maxweight=float32(arrays.top[number] * arrays.boost), minid=int(arrays.docs[start]), maxid=int(arrays.docs[end - 1]),
    )
