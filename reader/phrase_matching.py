"""Exact phrases over columnar postings, found for a whole segment at once.

Whoosh matches a phrase document by document: an intersection of its words' matchers,
then their positions compared in Python in every document that has all the words
(55,000 candidates for the benchmark's phrases of two common words). Over columns the
same answer is set arithmetic on arrays: the documents that hold every word, then the
keys (document, position − the word's offset in the phrase) that every word shares.
Each document found is then scored by moving the words' own matchers to it and adding
their scores as Whoosh's intersection does, so results are the same to the last bit
(the differential test in tests/test_columnar.py checks them against Whoosh's matcher).
"""

from __future__ import annotations

from functools import reduce

import numpy as np
from whoosh import matching
from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher

from reader.columnar import ArrayMatcher
from reader.postings import runs


class ColumnarPhrase(wq.Phrase):
    """Whoosh's Phrase; in a columnar segment, matched in numpy (exact phrases only)."""

    def matcher(self, searcher, context=None):
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if field is None or self.slop != 1 or len(self.words) < 2:
            return super().matcher(searcher, context)
        reader = searcher.reader()
        terms = []
        for word in self.words:
            text = field.to_bytes(word)
            if (self.fieldname, text) not in reader:
                return matching.NullMatcher()
            terms.append(wq.Term(self.fieldname, text))
        matchers = [term.matcher(searcher, context) for term in terms]
        leaves = [_leaf(m) for m in matchers]
        if any(leaf is None for leaf, _ in leaves):
            return super().matcher(searcher, context)
        deleted = frozenset().union(*(gone for _, gone in leaves))
        found = [doc for doc in phrase_docs([leaf for leaf, _ in leaves]).tolist() if doc not in deleted]
        if not found:
            return matching.NullMatcher()
        scores = [_tree_score(matchers, doc) for doc in found]
        result = matching.ListMatcher(found, weights=scores)
        return result if self.boost == 1.0 else matching.WrappingMatcher(result, boost=self.boost)


def _leaf(matcher) -> tuple[ArrayMatcher | None, frozenset]:
    """A term matcher's columns, and the segment's deleted documents it filters out."""
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        inner, deleted = matcher.child, frozenset(matcher._ids)
    else:
        inner, deleted = matcher, frozenset()
    return (inner if isinstance(inner, ArrayMatcher) else None), deleted


def phrase_docs(words: list[ArrayMatcher]) -> np.ndarray:
    """The documents where the words stand one after the other, in order."""
    docs = [m.doc_array() for m in words]
    common = reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), docs)
    keys = None
    for offset, word in enumerate(words):
        if not common.size:
            break
        chosen = np.flatnonzero(np.isin(docs[offset], common, assume_unique=True))
        starts, freqs = word.position_runs(chosen)
        places = word.arrays.positions[runs(starts, freqs)].astype(np.int64) - offset
        owners = np.repeat(docs[offset][chosen].astype(np.int64), freqs.astype(np.int64))
        wanted = places >= 0
        these = (owners[wanted] << 32) | places[wanted]  # unique: a term has a position once
        keys = these if keys is None else np.intersect1d(keys, these, assume_unique=True)
        common = np.unique(keys >> 32)
    return common if keys is not None else np.zeros(0, dtype=np.int64)


def _tree_score(matchers: list, doc: int) -> float:
    """The words' scores at doc, added in the order of Whoosh's binary intersection tree."""
    if len(matchers) == 1:
        matcher = matchers[0]
        matcher.skip_to(doc)
        return matcher.score()
    half = len(matchers) // 2
    return _tree_score(matchers[:half], doc) + _tree_score(matchers[half:], doc)
