"""Exact phrases over columnar postings, found for a whole segment at once.

Whoosh matches a phrase document by document: an intersection of its words' matchers,
then their positions compared in Python in every document that has all the words
(55,000 candidates for the benchmark's phrases of two common words). Over columns the
same answer is set arithmetic on arrays: the documents that hold every word, then the
keys (document, position − the word's offset in the phrase) that every word shares.
Each document found is then scored by its words' own scores (their matchers worked out as
arrays: reader.index.matcher_arrays), added in the order of Whoosh's intersection tree, so
results are the same to the last bit (the differential tests in tests/test_columnar.py and
tests/test_column_scoring.py check them against Whoosh's matchers).
The array work itself is columnar.phrase_docs.
"""

from __future__ import annotations

from whoosh import matching, query as wq

from reader.index.whoosh_fixes import stepped_trees, unfiltered


class ColumnarPhrase(wq.Phrase):
    """Whoosh's Phrase; in a columnar segment, matched in numpy (exact phrases only)."""

    def matcher(self, searcher, context=None):
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if field is None or self.slop != 1 or len(self.words) < 2:
            return self._spans(searcher, context)
        reader = searcher.reader()
        terms = []
        for word in self.words:
            text = field.to_bytes(word)
            if (self.fieldname, text) not in reader:
                return matching.NullMatcher()
            terms.append(wq.Term(self.fieldname, text))
        # Here, not at the top: the window imports the query side at launch, numpy not yet.
        import numpy as np

        from reader.index.codec import ArrayMatcher
        from reader.index.columnar import phrase_docs
        from reader.index.list_matchers import ColumnListMatcher
        from reader.index.matcher_arrays import SegmentArrays

        matchers = [term.matcher(searcher, context) for term in terms]
        leaves = [_leaf(m, ArrayMatcher) for m in matchers]
        if any(leaf is None for leaf, _ in leaves):
            return self._spans(searcher, context)
        found = phrase_docs([leaf for leaf, _ in leaves]).astype(np.int64)
        deleted = frozenset().union(*(gone for _, gone in leaves))
        if deleted:
            found = found[~np.isin(found, np.fromiter(deleted, dtype=np.int64))]
        if not found.size:
            return matching.NullMatcher()
        arrays = SegmentArrays(reader, scored=True)
        result = ColumnListMatcher(found, _tree_sum([arrays.scores_at(m, found) for m in matchers]))
        return result if self.boost == 1.0 else matching.WrappingMatcher(result, boost=self.boost)

    def _spans(self, searcher, context):
        """Whoosh's own span matcher (a segment without columns), stepped as it is built."""
        with stepped_trees():
            return super().matcher(searcher, context)


def _leaf(matcher, columns: type) -> tuple[object | None, frozenset]:
    """A term matcher's columns (an ArrayMatcher), and the segment's deleted documents it
    filters out."""
    inner, deleted = unfiltered(matcher)
    return (inner if isinstance(inner, columns) else None), deleted


def _tree_sum(scores: list):
    """The words' scores added in the order of Whoosh's binary intersection tree."""
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return _tree_sum(scores[:half]) + _tree_sum(scores[half:])
