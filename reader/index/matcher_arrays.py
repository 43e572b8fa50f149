"""A Whoosh matcher tree worked out as arrays: one segment's matching documents and their
scores, each kind of matcher turned into the array arithmetic that does per document what
the matcher does (reader.search.column_scoring says why, and ranks what comes out):

    a term's postings       BM25F over its documents' frequencies and field lengths, with
                            the scorer's own idf, average length, B and K1
    intersection, union     a + b in that order where both match (union: the one that does)
    array union             0.0 + s1·boost + s2·boost … in the order of its children
    require                 a's documents within b's, a's scores
    inverse (NOT)           every live document the child lacks, at its weight
    lists, constant scores  their own documents and weights

The arithmetic is IEEE double, element by element, in the order of Whoosh's Python floats,
so a score is equal to Whoosh's to the last bit. Every matcher is read from the start of
its postings, whatever its position: a tree is worked out as soon as Whoosh has built it,
and what a constructor has stepped past (an array union reads its first block) was never
skipped, only read. A matcher not known here raises Unsupported.
"""

from __future__ import annotations

import weakref
from functools import cache

import numpy as np
from whoosh import matching, scoring
from whoosh.codec import whoosh3
from whoosh.matching import binary, combo, wrappers

from reader.index.codec import ArrayMatcher, ColumnarTermsReader
from reader.index.list_matchers import ColumnListMatcher, SortedListMatcher
from reader.index.whoosh_fixes import (
    FastArrayUnionMatcher, UnsteppedArrayUnion, UnsteppedIntersection, UnsteppedInverse, deleted_documents,
)


class Unsupported(Exception):
    """A matcher whose documents or scores are not worked out here."""


_EMPTY_DOCS = np.zeros(0, dtype=np.int64)
# Each segment reader's field lengths as numbers, by field: made once a reader (a searcher
# keeps its readers until the index changes), not once a search.
_lengths_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def nothing() -> tuple[np.ndarray, np.ndarray]:
    return _EMPTY_DOCS, np.zeros(0, dtype=np.float64)


def term_mask(reader, fieldname: str, texts) -> np.ndarray:
    """Which live documents of a segment hold any of the terms in the field: a slice of
    the columns a term (what a prefix or fuzzy word expands to)."""
    holding = np.zeros(reader.doc_count_all(), dtype=bool)
    terms = getattr(reader, "_terms", None)
    arrays = terms.fields.get(fieldname) if isinstance(terms, ColumnarTermsReader) and fieldname in terms.columnar else None
    if arrays is None:
        evaluate = SegmentArrays(reader, scored=False).evaluate
        for text in texts:
            if (fieldname, text) in reader:
                holding[evaluate(reader.postings(fieldname, text))[0]] = True
        return holding
    docs, starts = arrays.array("docs"), arrays.starts
    for text in texts:
        number = arrays.number(text.encode("utf-8") if isinstance(text, str) else text)
        if number is not None:
            holding[docs[starts[number]:starts[number + 1]]] = True
    if reader.has_deletions():
        holding[deleted_documents(reader)] = False
    return holding


@cache
def length_table() -> np.ndarray:
    """Whoosh's length bytes -> lengths (byte 0: a field the document lacks)."""
    from whoosh.util.numeric import byte_to_length

    return np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class SegmentArrays:
    """One segment's matcher tree worked out as arrays: (local documents, scores)."""

    def __init__(self, reader, scored: bool):
        self.reader = reader
        self.scored = scored

    def evaluate(self, m) -> tuple[np.ndarray, np.ndarray]:
        handler = _HANDLERS.get(type(m))
        if handler is None:
            raise Unsupported(type(m).__name__)
        return handler(self, m)

    # -------------------------------------------------------------- leaves

    def array_leaf(self, m: ArrayMatcher):
        docs = m.arrays.array("docs")[m._start:m._end].astype(np.int64)
        weights = m.arrays.array("freqs")[m._start:m._end].astype(np.float64) * m._boost
        return docs, self._scored(m.scorer, docs, weights)

    def scores_at(self, m, docs: np.ndarray) -> np.ndarray:
        """A term matcher's scores at some of its documents (a phrase's, ascending)."""
        boost = 1.0
        if type(m) is wrappers.FilterMatcher:
            m, boost = m.child, m.boost
        if type(m) is not ArrayMatcher:
            found, scores = self.evaluate(m)
            return scores[np.searchsorted(found, docs)] * boost
        at = np.searchsorted(m.arrays.array("docs")[m._start:m._end], docs) + m._start
        weights = m.arrays.array("freqs")[at].astype(np.float64) * m._boost
        return self._scored(m.scorer, docs, weights) * boost

    def w3_leaf(self, m):
        m.reset()
        ids, weights = [], []
        while m.is_active():
            if m._ids is None:
                m._read_ids()
            if m._weights is None:
                m._read_weights()
            ids.append(np.asarray(m._ids, dtype=np.int64))
            weights.append(np.asarray(m._weights, dtype=np.float64))
            m._next_block()
        if not ids:
            return nothing()
        docs, weights = np.concatenate(ids), np.concatenate(weights)
        return docs, self._scored(m.scorer, docs, weights)

    def _scored(self, scorer, docs: np.ndarray, weights: np.ndarray) -> np.ndarray:
        if not self.scored or scorer is None or type(scorer) is scoring.WeightScorer:
            return weights
        if type(scorer) is not scoring.BM25FScorer:
            raise Unsupported(type(scorer).__name__)
        lengths = self._field_lengths(scorer)[docs]
        idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        # whoosh.scoring.bm25, operation for operation (the same order, the same doubles)
        return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))

    def _field_lengths(self, scorer) -> np.ndarray:
        """Each document's length in the scorer's field, as its dfl() reads it."""
        fieldname = _dfl_field(scorer)
        kept = _lengths_of.setdefault(self.reader, {})
        if fieldname not in kept:
            column = self.reader._perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
            doccount = self.reader.doc_count_all()
            if column is None:  # no lengths kept: dfl gives its default, 1
                kept[fieldname] = np.ones(doccount, dtype=np.float64)
            else:
                values = getattr(column, "_values", None)
                raw = np.frombuffer(values, dtype=np.uint8) if values is not None else np.fromiter(column, np.uint8)
                table = np.zeros(doccount, dtype=np.uint8)
                table[:min(len(raw), doccount)] = raw[:doccount]
                kept[fieldname] = length_table()[table]
        return kept[fieldname]

    def listed(self, m):
        if m._scorer is not None:
            raise Unsupported("a scored list")
        docs = np.asarray(m._ids, dtype=np.int64)
        if m._all_weights:
            weights = np.full(len(docs), m._all_weights, dtype=np.float64)
        elif m._weights:
            weights = np.asarray(m._weights, dtype=np.float64)
        else:
            weights = np.ones(len(docs), dtype=np.float64)
        return docs, weights

    def columns(self, m: ColumnListMatcher):
        return m.columns

    # -------------------------------------------------------------- combinations

    # Documents are combined through tables as long as the segment (one slot a document):
    # a look-up a document instead of np.intersect1d's and np.isin's sorts (a two-word
    # query at 100,000 articles sorted ~60,000 numbers a segment).

    def _mask(self, docs: np.ndarray) -> np.ndarray:
        mask = np.zeros(self.reader.doc_count_all(), dtype=bool)
        mask[docs] = True
        return mask

    def intersection(self, m):
        a_docs, a_scores = self.evaluate(m.a)
        b_docs, b_scores = self.evaluate(m.b)
        where_b = np.full(self.reader.doc_count_all(), -1, dtype=np.int64)
        where_b[b_docs] = np.arange(len(b_docs))
        found = where_b[a_docs]
        both = found >= 0
        return a_docs[both], a_scores[both] + b_scores[found[both]]

    def union(self, m):
        a_docs, a_scores = self.evaluate(m.a)
        b_docs, b_scores = self.evaluate(m.b)
        scores = np.zeros(self.reader.doc_count_all(), dtype=np.float64)
        scores[a_docs] = a_scores
        scores[b_docs] += b_scores  # 0.0 + b is b; where both match, a + b as the union adds
        present = self._mask(a_docs)
        present[b_docs] = True
        docs = np.flatnonzero(present)
        return docs, scores[docs]

    def array_union(self, m):
        total = np.zeros(m._doccount, dtype=np.float64)
        for sub in m._submatchers:
            docs, scores = self.evaluate(sub)
            if m._scored:
                total[docs] += scores * m._boost
            else:
                total[docs] = 1
        docs = np.flatnonzero(total)  # as Whoosh's: a document is a match where its sum is not 0
        return docs, total[docs]

    def require(self, m):
        docs, scores = self.evaluate(m.a)
        keep = self._mask(self.evaluate(m.b)[0])[docs]
        return docs[keep], scores[keep]

    def inverse(self, m):
        # Whoosh's Not gives its inverse the segment's deletions as what is missing; any
        # other (its default: nothing missing) is not a shape the query language makes.
        if m.missing != self.reader.is_deleted:
            raise Unsupported("an inverse missing other documents")
        keep = ~self._mask(self.evaluate(m.child)[0])
        if self.reader.has_deletions():
            keep[deleted_documents(self.reader)] = False
        docs = np.flatnonzero(keep[:m.limit])
        return docs, np.full(len(docs), m._weight, dtype=np.float64)

    def filtered(self, m):
        docs, scores = self.evaluate(m.child)
        keep = self._mask(np.fromiter(m._ids, dtype=np.int64, count=len(m._ids)))[docs]
        if m._exclude:
            keep = ~keep
        return docs[keep], scores[keep] * m.boost

    def boosted(self, m):
        docs, scores = self.evaluate(m.child)
        return docs, scores * m.boost

    def constant(self, m):
        docs, _ = self.evaluate(m.child)
        return docs, np.full(len(docs), m._score, dtype=np.float64)

    def null(self, m):
        return nothing()


def _dfl_field(scorer) -> str:
    """The field a WeightLengthScorer's dfl() reads lengths of (it keeps it in its closure)."""
    for name, cell in zip(scorer.dfl.__code__.co_freevars, scorer.dfl.__closure__ or ()):
        if name == "fieldname":
            return cell.cell_contents
    raise Unsupported("a scorer without its field")


_HANDLERS = {
    ArrayMatcher: SegmentArrays.array_leaf,
    whoosh3.W3LeafMatcher: SegmentArrays.w3_leaf,
    matching.ListMatcher: SegmentArrays.listed,
    SortedListMatcher: SegmentArrays.listed,
    ColumnListMatcher: SegmentArrays.columns,
    binary.IntersectionMatcher: SegmentArrays.intersection,
    UnsteppedIntersection: SegmentArrays.intersection,
    binary.UnionMatcher: SegmentArrays.union,
    combo.ArrayUnionMatcher: SegmentArrays.array_union,
    FastArrayUnionMatcher: SegmentArrays.array_union,
    UnsteppedArrayUnion: SegmentArrays.array_union,
    wrappers.RequireMatcher: SegmentArrays.require,
    wrappers.InverseMatcher: SegmentArrays.inverse,
    UnsteppedInverse: SegmentArrays.inverse,
    wrappers.FilterMatcher: SegmentArrays.filtered,
    wrappers.WrappingMatcher: SegmentArrays.boosted,
    wrappers.ConstantScoreWrapperMatcher: SegmentArrays.constant,
    type(matching.NullMatcher): SegmentArrays.null,
}
