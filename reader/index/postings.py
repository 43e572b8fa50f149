"""Columnar postings: the positional text fields of one index segment as flat arrays.

Whoosh writes each posting through a pure-Python pool and block writer (~10 µs a
posting, ~300 postings an article). Here a segment's postings are appended to
arrays as each document is indexed — one C-speed `extend` per field, not a call per
posting — sorted by term once when the segment is finished, and written as one file
that readers map into memory without copying. Per field it holds:

    terms      the field's terms, UTF-8, sorted as bytes (Whoosh's order), NUL-separated
    starts     int64[T+1]  where each term's postings begin (and the last one ends)
    docs       uint32[P]   the document of each posting, ascending within a term
    freqs      uint32[P]   how often the term occurs there (weight = freq × field boost)
    positions  uint32[Σf]  the positions of every posting, one run after another
    lengths    uint8[D]    each document's field length, byte-encoded as Whoosh does
    stats      per term: total frequency, highest frequency, shortest and longest
               document (as length bytes) — Whoosh's TermInfo, for scoring

This module writes them (numpy); reader.index.codec reads them back without numpy, and
reader.index.columnar plugs both into Whoosh's writer.
"""

from __future__ import annotations

import json
from array import array
from itertools import chain, repeat

import numpy as np
from whoosh.util.numeric import length_to_byte

from reader.index.codec import ALIGN as _ALIGN, MAGIC, FieldArrays


class FieldPostings:
    """One field's postings while a segment is being written, in arrival order."""

    def __init__(self, boost: float):
        self.boost = boost
        self.ids: dict[str, int] = {}  # term -> its number in order of arrival
        self.terms = array("I")  # per posting: the term's arrival number
        self.docs = array("I")
        self.freqs = array("I")
        self.positions = array("I")
        self.length_docs = array("I")
        self.length_bytes = array("B")

    def mark(self) -> tuple[int, ...]:
        return len(self.docs), len(self.positions), len(self.length_docs)

    def rollback(self, mark: tuple[int, ...]) -> None:
        """Forget what was added since mark (a document that failed half-way)."""
        postings, positions, lengths = mark
        for values in (self.terms, self.docs, self.freqs):
            del values[postings:]
        del self.positions[positions:]
        del self.length_docs[lengths:]
        del self.length_bytes[lengths:]

    def add(self, docnum: int, places: dict[str, list[int]]) -> int:
        """A document's terms with their positions; returns the field's length in it."""
        self.terms.extend(self._numbers_of(places))
        counts = list(map(len, places.values()))
        self.freqs.extend(counts)
        self.docs.extend(repeat(docnum, len(counts)))
        self.positions.extend(chain.from_iterable(places.values()))
        length = sum(counts)
        self.length_docs.append(docnum)
        self.length_bytes.append(length_to_byte(length))
        return length

    def add_arrays(self, other: FieldArrays, docmap: np.ndarray) -> None:
        """Another segment's postings of this field, its documents renumbered by docmap
        (old number -> new, -1 for a deleted document, whose postings are dropped)."""
        new_docs = docmap[other.array("docs")]
        kept = np.flatnonzero(new_docs >= 0)
        local = np.fromiter(self._numbers_of(other.term_list()), dtype=np.uint32, count=other.term_count)
        term_of_posting = np.repeat(np.arange(other.term_count, dtype=np.uint32), np.diff(other.array("starts")))
        self.terms.frombytes(local[term_of_posting[kept]].tobytes())
        self.docs.frombytes(new_docs[kept].astype(np.uint32).tobytes())
        freqs = other.array("freqs")[kept]
        self.freqs.frombytes(freqs.tobytes())
        self.positions.frombytes(gathered(other.array("positions"), other.position_starts()[kept], freqs).tobytes())
        live = np.flatnonzero(docmap >= 0)
        self.length_docs.frombytes(docmap[live].astype(np.uint32).tobytes())
        self.length_bytes.frombytes(other.array("lengths")[live].tobytes())

    def _numbers_of(self, terms):
        """The arrival numbers of these terms, new ones numbered on the way."""
        ids = self.ids
        # Not terms.keys() - ids.keys(): that walks every term of the segment, each time.
        for term in set(terms).difference(ids):
            ids[term] = len(ids)
        return map(ids.__getitem__, terms)

    def arrays(self, doccount: int) -> dict[str, np.ndarray]:
        """The postings sorted by term (then document), with their per-term statistics."""
        names = sorted(self.ids)
        rank = np.empty(len(names), dtype=np.uint32)
        rank[np.fromiter(map(self.ids.__getitem__, names), dtype=np.int64, count=len(names))] = np.arange(len(names))
        terms = rank[np.frombuffer(self.terms, dtype=np.uint32)]
        present = np.bincount(terms, minlength=len(names)) > 0
        if not present.all():  # terms only deleted documents had (a merge), or a failed document
            terms = (np.cumsum(present) - 1).astype(np.uint32)[terms]
            names = [name for name, kept in zip(names, present.tolist()) if kept]
        # Stable: within a term, postings keep their arrival order, which is ascending
        # by document (documents are added, and segments merged, in document order).
        # Each arrival-order array is let go as soon as it is sorted: at flush, memory is
        # what a build peaks at.
        order = np.argsort(terms, kind="stable")
        starts = np.searchsorted(terms[order], np.arange(len(names) + 1)).astype(np.int64)
        del terms
        self.terms = array("I")
        freqs = np.frombuffer(self.freqs, dtype=np.uint32)
        total = int(freqs.sum(dtype=np.int64))
        offsets = np.uint32 if total < 2**32 else np.int64
        old_starts = np.concatenate(([0], np.cumsum(freqs, dtype=offsets)[:-1])).astype(offsets)[order]
        sorted_freqs = freqs[order]
        del freqs
        self.freqs = array("I")
        positions = gathered(np.frombuffer(self.positions, dtype=np.uint32), old_starts, sorted_freqs)
        del old_starts
        self.positions = array("I")
        docs = np.frombuffer(self.docs, dtype=np.uint32)[order]
        del order
        self.docs = array("I")
        lengths = np.zeros(doccount, dtype=np.uint8)
        lengths[np.frombuffer(self.length_docs, dtype=np.uint32)] = np.frombuffer(self.length_bytes, dtype=np.uint8)
        blob = b"\0".join(t.encode("utf-8") for t in names)
        return dict(
            terms=np.frombuffer(blob, dtype=np.uint8), starts=starts, docs=docs, freqs=sorted_freqs,
            positions=positions, lengths=lengths, **_term_stats(starts, docs, sorted_freqs, lengths),
        )


GATHER_CHUNK = 1 << 18  # postings at a time: runs() makes two int64 arrays as long as their positions


def gathered(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """values' runs [start, start + count) one after another, a chunk of runs at a time, so
    the indexes never take more memory than a chunk's (a 25,000-article segment has ~20
    million positions: 320 MB of indexes at once)."""
    out = np.empty(int(counts.sum(dtype=np.int64)), dtype=values.dtype)
    done = 0
    for first in range(0, len(starts), GATHER_CHUNK):
        chunk = values[runs(starts[first:first + GATHER_CHUNK], counts[first:first + GATHER_CHUNK])]
        out[done:done + len(chunk)] = chunk
        done += len(chunk)
    return out


def runs(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Indexes of the runs [start, start + count) one after another, without a loop."""
    total = int(counts.sum(dtype=np.int64))
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts, dtype=np.int64)
    shift = np.repeat(starts.astype(np.int64) - (ends - counts), counts.astype(np.int64))
    return shift + np.arange(total, dtype=np.int64)


def _term_stats(starts: np.ndarray, docs: np.ndarray, freqs: np.ndarray, lengths: np.ndarray) -> dict:
    if len(starts) <= 1:
        empty = np.zeros(0, dtype=np.uint32)
        return dict(total=empty.astype(np.int64), top=empty, shortest=empty.astype(np.uint8),
                    longest=empty.astype(np.uint8))
    first = starts[:-1]
    doc_lengths = lengths[docs]
    return dict(
        total=np.add.reduceat(freqs.astype(np.int64), first),
        top=np.maximum.reduceat(freqs, first),
        shortest=np.minimum.reduceat(doc_lengths, first),
        longest=np.maximum.reduceat(doc_lengths, first),
    )


# ---------------------------------------------------------------- on disk


def write_file(handle, fields: dict[str, tuple[float, dict[str, np.ndarray]]], doccount: int) -> None:
    """One segment's columnar postings: a JSON directory, then every array aligned."""
    directory: dict = {"doccount": doccount, "fields": {}}
    chunks: list[np.ndarray] = []
    offset = 0
    for name, (boost, arrays) in fields.items():
        entry = directory["fields"][name] = {"boost": boost, "arrays": {}}
        for key, values in arrays.items():
            values = np.ascontiguousarray(values)
            entry["arrays"][key] = [values.dtype.str, offset, int(values.size)]
            chunks.append(values)
            offset += -(-values.nbytes // _ALIGN) * _ALIGN
    header = json.dumps(directory).encode("utf-8")
    start = -(-(len(MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    handle.write(MAGIC + len(header).to_bytes(8, "little") + header)
    handle.write(bytes(start - len(MAGIC) - 8 - len(header)))
    for values in chunks:
        handle.write(values.tobytes())
        handle.write(bytes(-values.nbytes % _ALIGN))
