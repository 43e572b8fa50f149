"""The index's own Whoosh codec: Whoosh's W3 format, with the postings of the positional
text fields held in columns (reader.index.postings) instead of W3's posting blocks.

This module is what an index's table of contents names (the codec is pickled into it),
and what every search reads through, so it stays light: opening an index to check it
maps no columns, and a word search steps them through memoryviews without numpy (whose
import alone costs ~100 ms of a one-shot search). `ArrayMatcher` is one term's postings.
Writing, merging and phrases, which do need numpy, are in reader.index.columnar.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import sys
from bisect import bisect_left
from itertools import accumulate

from whoosh.codec import base
from whoosh.codec.whoosh3 import W3Codec
from whoosh.matching import LeafMatcher, ReadTooFar
from whoosh.reading import TermInfo, TermNotFound
from whoosh.util.numeric import byte_to_length

from reader.text.analysis import TermPositions, TermTokenizer

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
        """The columnar fields (reader.index.postings.FieldArrays), read on first use: opening
        an index to check it (every launch, every re-check) needs neither them nor numpy."""
        if self._postings is None:
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
        """The term's number; TermNotFound (as Whoosh expects of term lookups) if absent."""
        try:
            return self._found(fieldname, tbytes)[1]
        except KeyError:
            raise TermNotFound(f"{fieldname}:{tbytes!r}") from None

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
        arrays = self.fields[fieldname]
        return ArrayMatcher(arrays, self._number(fieldname, tbytes), format_, (fieldname, tbytes), scorer)

    def close(self):
        self.w3.close()
        if self._postings is not None:
            self._postings.close()


def doc_frequencies(reader, fieldname: str, texts) -> dict[str, int]:
    """How many documents (deleted ones too, as Whoosh counts) hold each of the terms in the
    field, over every segment: for a columnar field, a slice of its starts a term, not
    Whoosh's per-term lookup through each segment's readers (a prefix asks it of up to 64
    stems in six fields)."""
    counts = dict.fromkeys(texts, 0)
    for leaf, _ in reader.leaf_readers():
        terms = getattr(leaf, "_terms", None)
        if isinstance(terms, ColumnarTermsReader) and fieldname in terms.columnar:
            arrays = terms.fields.get(fieldname)
            if arrays is None:
                continue
            starts = arrays.starts
            for text in counts:
                number = arrays.number(text.encode("utf-8"))
                if number is not None:
                    counts[text] += starts[number + 1] - starts[number]
        else:
            for text in counts:
                counts[text] += leaf.doc_frequency(fieldname, text)
    return counts


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


_CODES = {"<i8": "q", "<u4": "I", "|u1": "B", "<f8": "d"}


class FieldArrays:
    """One field's postings as read from a segment's file: views into its memory map.
    Memoryviews, not numpy: a word search steps Python lists made from them, and needs
    no numpy (100 ms to import); phrases and merges ask for numpy views (`array`)."""

    def __init__(self, boost: float, views: dict):
        self.boost = boost
        self._views = views
        self.starts, self.docs, self.freqs = views["starts"], views["docs"], views["freqs"]
        self.positions, self.lengths = views["positions"], views["lengths"]
        self.total, self.top = views["total"], views["top"]
        self.shortest, self.longest = views["shortest"], views["longest"]
        self.term_count = len(self.starts) - 1
        self._terms: list[bytes] | None = None
        self._numbers: dict[bytes, int] | None = None
        self._position_starts = None
        self._term_position_starts = None

    def array(self, name: str):
        """A column as a numpy array (no copy)."""
        import numpy as np

        view = self._views[name]
        if isinstance(view, np.ndarray):
            return view
        return np.frombuffer(view, dtype=view.format) if len(view) else np.zeros(0, dtype=view.format)

    def term_list(self) -> list[str]:
        return [t.decode("utf-8") for t in self.term_bytes()]

    def term_bytes(self) -> list[bytes]:
        """The field's terms in order (split from the file once, on first use)."""
        if self._terms is None:
            self._terms = bytes(self._views["terms"]).split(b"\0") if self.term_count else []
        return self._terms

    def number(self, term: bytes) -> int | None:
        """The term's number in this field, or None (the lookup table is made on first use)."""
        if self._numbers is None:
            self._numbers = {t: n for n, t in enumerate(self.term_bytes())}
        return self._numbers.get(term)

    def position_starts(self):
        """Where each posting's positions begin, and the last one ends (numpy, for merges)."""
        if self._position_starts is None:
            import numpy as np

            self._position_starts = np.concatenate(([0], np.cumsum(self.array("freqs"), dtype=np.int64)))
        return self._position_starts

    def term_position_start(self, number: int) -> int:
        """Where a term's positions begin (a term has as many as its total frequency)."""
        if self._term_position_starts is None:
            self._term_position_starts = list(accumulate(self.total, initial=0))
        return self._term_position_starts[number]


class SegmentPostings:
    """A segment's columnar postings file, mapped into memory."""

    def __init__(self, path: str):
        directory, base = read_directory(path)
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        data = memoryview(self._map)
        self.doccount = directory["doccount"]
        self.fields: dict[str, FieldArrays] = {}
        for name, entry in directory["fields"].items():
            views = {key: _view(data, kind, base + offset, count) for key, (kind, offset, count) in entry["arrays"].items()}
            self.fields[name] = FieldArrays(entry["boost"], views)

    def close(self) -> None:
        # The views keep the map open: it is closed when the last of them goes.
        self.fields = {}


def _view(data: memoryview, kind: str, offset: int, count: int):
    code = _CODES.get(kind)
    if code is None or (sys.byteorder != "little" and kind[0] == "<"):
        import numpy as np  # another byte order, or a type memoryview cannot read

        return np.frombuffer(data, dtype=np.dtype(kind), count=count, offset=offset) if count else np.zeros(0, kind)
    size = struct.calcsize(code)
    return data[offset:offset + count * size].cast(code)


class ArrayMatcher(LeafMatcher):
    """One term's postings in one segment, read from the columns: the documents and
    frequencies as lists when Whoosh steps them (stepping a list is Python's fastest),
    positions on demand."""

    def __init__(self, arrays: FieldArrays, number: int, format_, term, scorer, position: int = 0):
        self.arrays = arrays
        self.number = number
        self.format = format_
        self._term = term
        self.scorer = scorer
        self._start = int(arrays.starts[number])
        self._end = int(arrays.starts[number + 1])
        self._boost = arrays.boost
        self._places: list[int] | None = None
        self._i = position

    def __getattr__(self, name):
        # The lists are made on first use: a search scored a column at a time
        # (reader.index.matcher_arrays) reads the arrays and never steps them.
        if name not in ("_ids", "_freqs"):
            raise AttributeError(name)
        self._ids = self.arrays.docs[self._start:self._end].tolist()
        self._freqs = self.arrays.freqs[self._start:self._end].tolist()
        return self.__dict__[name]

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

    def doc_array(self):
        """Every document of the term (deleted ones too) as a numpy array, for phrases."""
        return self.arrays.array("docs")[self._start:self._end]

    def _position_starts(self) -> list[int]:
        if self._places is None:
            base = self.arrays.term_position_start(self.number)
            self._places = list(accumulate(self._freqs, initial=base))
        return self._places

    def position_runs(self, postings):
        """Where the positions of some of the term's postings (a numpy array of their
        numbers within the term) begin, and how many each has: for phrases."""
        import numpy as np

        freqs = self.arrays.array("freqs")[self._start:self._end]
        ends = np.cumsum(freqs, dtype=np.int64) + self.arrays.term_position_start(self.number)
        return (ends - freqs)[postings], freqs[postings]

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
        return float32(self.arrays.top[self.number] * self._boost)

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
