"""Exact phrases over columnar postings, found for a whole segment at once.

Whoosh matches a phrase document by document: an intersection of its words' matchers,
then their positions compared in Python in every document that has all the words
(55,000 candidates for the benchmark's phrases of two common words). Over columns the
same answer is set arithmetic on arrays: the documents that hold every word, then the
keys (document, position − the word's offset in the phrase) that every word shares.
Each document found is then scored by moving the words' own matchers to it and adding
their scores as Whoosh's intersection does, so results are the same to the last bit
(the differential test in tests/test_columnar.py checks them against Whoosh's matcher).
The array work itself is columnar.phrase_docs.
"""

from __future__ import annotations

from whoosh import matching, query as wq

from reader.index.whoosh_fixes import unfiltered


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
        # Here, not at the top: the window imports the query side at launch, numpy not yet.
        from reader.index.columnar import ArrayMatcher, phrase_docs

        matchers = [term.matcher(searcher, context) for term in terms]
        leaves = [_leaf(m, ArrayMatcher) for m in matchers]
        if any(leaf is None for leaf, _ in leaves):
            return super().matcher(searcher, context)
        deleted = frozenset().union(*(gone for _, gone in leaves))
        found = [doc for doc in phrase_docs([leaf for leaf, _ in leaves]).tolist() if doc not in deleted]
        if not found:
            return matching.NullMatcher()
        scores = [_tree_score(matchers, doc) for doc in found]
        result = matching.ListMatcher(found, weights=scores)
        return result if self.boost == 1.0 else matching.WrappingMatcher(result, boost=self.boost)


def _leaf(matcher, columns: type) -> tuple[object | None, frozenset]:
    """A term matcher's columns (an ArrayMatcher), and the segment's deleted documents it
    filters out."""
    inner, deleted = unfiltered(matcher)
    return (inner if isinstance(inner, columns) else None), deleted


def _tree_score(matchers: list, doc: int) -> float:
    """The words' scores at doc, added in the order of Whoosh's binary intersection tree."""
    if len(matchers) == 1:
        matcher = matchers[0]
        matcher.skip_to(doc)
        return matcher.score()
    half = len(matchers) // 2
    return _tree_score(matchers[:half], doc) + _tree_score(matchers[half:], doc)
