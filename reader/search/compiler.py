"""The query language's nodes as a Whoosh query: each word analysed in every language
of the library (and English) and searched by any of its stems, CJK as phrases of
bigrams, prefix and fuzzy words expanded on the library's words as written; and the
did-you-mean correction of a query that finds little."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice, product

from whoosh import matching, query as wq

from reader.index.codec import doc_frequencies
from reader.index.phrase_matching import ColumnarPhrase
from reader.index.schema import date_number, folder_key
from reader.library.addresses import as_typed, site_of, url_key
from reader.search.filters import DateSpan, Marks, NumberRange, marked_query, no_marks
from reader.search.query import (
    EXACT_FIELDS, FIELD_TARGETS, TEXT_FIELDS, And, DateRange, Mark, Minutes, Not, Or, Phrase, Word, has_words, parse,
    positive_words,
)
from reader.search.vocabulary import Vocabulary
from reader.text.analysis import analysed, cjk_sequence, fold, fold_phrase, is_cjk, is_stop_word, stem, words
from reader.text.languages import ENGLISH, code_of

MAX_EXPANSION_WORDS = 2000  # vocabulary words looked at for one prefix
MAX_EXPANSION_STEMS = 64  # the most frequent of them that the query keeps
MAX_PHRASE_SPELLINGS = 16  # sequences one phrase is asked as, its words' spellings combined


ARRAY_UNION_FROM = 24  # subqueries


def _any_of(queries: list):
    if not queries:
        return wq.NullQuery
    if len(queries) == 1:
        return queries[0]
    combined = wq.Or(queries)
    # Whoosh picks per segment: up to 5,000 documents its array union, whose setup and
    # scan are Python loops over 2,048-slot arrays (a two-word query on two 5,000-
    # document segments took 33 ms instead of 8). Past 5,000 documents it picks the
    # binary union tree, which goes quadratic on many terms. So: the tree, unless
    # there are many terms.
    many = len(queries) >= ARRAY_UNION_FROM
    combined.matcher_type = wq.Or.ARRAY_MATCHER if many else wq.Or.DEFAULT_MATCHER
    return combined


class AnyTerm(wq.Query):
    """Documents with any of many terms in any of some fields, each scored by the boosts of
    the fields it has one in: what a prefix or fuzzy word expands to. As in Lucene's
    constant-score rewrite, the union is read from the posting lists' document numbers
    without scoring each posting (a prefix that matched 40% of the library scored 550,000
    postings at ~25 µs each), and the fields are joined here rather than by a union of one
    matcher per field, which Whoosh walks in Python document by document. Relevance then
    comes from the query's other words."""

    def __init__(self, fields: tuple[tuple[str, float, tuple[str, ...]], ...], size: int = 0):
        self.fields = fields  # (field name, its boost, the terms it holds)
        self.size = size  # documents, as the compiler counted them: Whoosh asks often

    def __eq__(self, other):
        return isinstance(other, AnyTerm) and self.fields == other.fields

    def __hash__(self):
        return hash(self.fields)

    def __repr__(self):
        return f"AnyTerm({', '.join(f'{name}: {len(texts)} terms' for name, _, texts in self.fields)})"

    __str__ = __repr__

    def estimate_size(self, ixreader):
        return self.size

    def matcher(self, searcher, context=None):
        import numpy as np  # here: the window imports the compiler at launch, numpy later

        from reader.index.list_matchers import ColumnListMatcher
        from reader.index.matcher_arrays import term_mask

        reader = searcher.reader()
        total = np.zeros(reader.doc_count_all(), dtype=np.float64)
        present = np.zeros(reader.doc_count_all(), dtype=bool)
        for fieldname, boost, texts in self.fields:
            holding = term_mask(reader, fieldname, texts)
            np.add(total, boost, out=total, where=holding)  # 0.0 + the boosts of the fields with one, in field order
            present |= holding
        docs = np.flatnonzero(present)
        if not docs.size:
            return matching.NullMatcher()
        return ColumnListMatcher(docs.astype(np.int64), total[docs])


@dataclass
class Compiled:
    query: object
    by_lang: dict[str, set[str]] = field(default_factory=dict)  # the terms to mark in a language's articles
    by_words: bool = True  # False: only filters (tag:, date:, is:…), no relevance to rank by

    @property
    def highlight(self) -> set[str]:
        """Every term to mark, whatever the article's language."""
        return set().union(*self.by_lang.values())

    def terms_for(self, lang: str) -> set[str]:
        """The wanted terms an article in this language can hold (snippets look for no others)."""
        return self.by_lang.get(lang or ENGLISH, self.highlight)


def word_frequencies(reader, found: list[str]) -> dict[str, int]:
    """How many articles have each word (by its stem, in title or body): for ranking."""
    stems = {word: stem(word) for word in found}
    body = doc_frequencies(reader, "body", set(stems.values()))
    title = doc_frequencies(reader, "title", set(stems.values()))
    return {word: body[term] + title[term] for word, term in stems.items()}


class Compiler:
    """Turns nodes into a Whoosh query. Prefix and fuzzy words expand on the
    library's words as written (never on stems: 'ithe*' must not become 'ith*'),
    and each word found is then searched by its stem, like any other word."""

    def __init__(self, reader, vocabulary: Vocabulary, languages: frozenset[str] = frozenset(),
                 marks: Marks = no_marks):
        self.reader = reader
        self.marks = marks
        self.vocabulary = vocabulary
        # A word is searched by each stem it can have in the library's languages.
        self.languages = tuple(sorted(set(languages) | {ENGLISH}))
        self.by_lang: dict[str, set[str]] = {lang: set() for lang in self.languages}
        self._spelled: dict[str, dict[str, tuple[str, ...]]] = {}

    def compile(self, node) -> Compiled:
        query = self._node(node) if node is not None else wq.NullQuery
        return Compiled(query or wq.NullQuery, self.by_lang, has_words(node))

    def _want(self, terms, langs=None) -> None:
        """Terms to mark in the hits, in the languages whose articles they stand for."""
        for lang in langs or self.languages:
            self.by_lang[lang].update(terms)

    def _node(self, node):
        if isinstance(node, Word):
            return self._word(node)
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, DateRange):
            low = date_number(node.start) if node.start else None
            high = date_number(node.end) if node.end else None
            return DateSpan(low or None, high or None)
        if isinstance(node, Minutes):
            return NumberRange("minutes", node.low, node.high)
        if isinstance(node, Mark):
            return marked_query(node.name, node.without, self.marks)
        if isinstance(node, Not):
            inner = self._node(node.node)
            return wq.Not(inner) if inner is not None else None
        if isinstance(node, Or):
            return _any_of([q for q in (self._node(n) for n in node.nodes) if q is not None])
        if isinstance(node, And):
            return self._and(node)
        return None

    def _and(self, node: And):
        children = list(node.nodes)
        stop = lambda c: _is_bare_stop_word(c, self.languages)  # noqa: E731
        meaningful = [c for c in children if not stop(c) and not isinstance(c, Not)]
        if meaningful:
            children = [c for c in children if not stop(c)]
        compiled = [q for q in (self._node(c) for c in children) if q is not None]
        if not compiled:
            return None
        if all(isinstance(q, wq.Not) for q in compiled):
            compiled.insert(0, wq.Every())
        return compiled[0] if len(compiled) == 1 else wq.And(compiled)

    def _expansion(self, word: Word) -> list[str]:
        """The library's words (folded, unstemmed) that a prefix or fuzzy word stands for."""
        folded = fold(word.text)
        if not folded:
            return []
        if word.kind == "prefix":
            found = self.vocabulary.starting_with(folded, MAX_EXPANSION_WORDS)
        else:
            found = self.vocabulary.within(folded, word.distance, MAX_EXPANSION_WORDS)
        if len(found) > MAX_EXPANSION_STEMS:
            frequency = word_frequencies(self.reader, found)
            found.sort(key=lambda t: -frequency[t])
            found = found[:MAX_EXPANSION_STEMS]
        return sorted(found)

    def _word(self, word: Word):
        if word.field == "tag":
            return self._exact("tag", fold_phrase(word.text), word)
        if word.field == "path":
            return self._exact("folder", folder_key(word.text), word)
        if word.field == "lang":
            return self._exact("lang", code_of(word.text) or fold(word.text), word)
        if word.field == "url":
            return self._exact("address", url_key(as_typed(word.text)), word)
        if word.field == "site":
            return self._exact("site", site_of(as_typed(word.text)), word)
        targets = FIELD_TARGETS.get(word.field, TEXT_FIELDS)
        if word.kind == "word":
            return self._sequences(targets, self._word_sequences(word.text))
        found: set[str] = set()
        for key in self._expansion(word):
            for term, langs in self._stems(key).items():
                self._want({term}, langs)
                found.add(term)
        stems = sorted(found)
        if len(stems) > 1:  # an expansion: one constant-score union over the fields that have any
            return self._any_term(targets, stems) or wq.NullQuery
        return _any_of([wq.Term(f, s) for f in targets for s in stems])

    def _word_sequences(self, text: str) -> dict[tuple[str, ...], set[str]]:
        """What one word is searched by, each with the languages whose analysis of the word
        it is: a term per stem any of its spellings can have (with and without accents);
        a CJK run, its bigrams one after the other."""
        if is_cjk(text):
            self._want({text})
            return {cjk_sequence(text): set(self.languages)}
        found = {(term,): langs for term, langs in self._stems(text).items()}
        for (term,), langs in found.items():
            self._want({term}, langs)
        return found

    def _stems(self, text: str) -> dict[str, set[str]]:
        """Each stem a word's spellings have, with the languages it is that word's stem in."""
        found: dict[str, set[str]] = {}
        for lang, spellings in self._spellings(text).items():
            for spelled in spellings:
                if term := stem(spelled, lang):
                    found.setdefault(term, set()).add(lang)
        return found

    def _spellings(self, text: str) -> dict[str, tuple[str, ...]]:
        """A word's spellings in each of the library's languages (see reader.search.spellings)."""
        if text not in self._spelled:
            self._spelled[text] = self.vocabulary.spellings.by_language(text, self.languages)
        return self._spelled[text]

    def _phrase_sequences(self, phrase_words: tuple[str, ...], lang: str) -> list[tuple[str, ...]]:
        """A phrase's terms in one language, one after the other: an identifier by its
        parts (as the index places them), a CJK run by its bigrams; a word whose spellings
        stem apart (educacion, educación) by each, so one phrase may be a few sequences."""
        choices: list[list[tuple[str, ...]]] = []
        for text in phrase_words:
            if is_cjk(text):
                self._want({text})
                choices.append([cjk_sequence(text)])
                continue
            alternatives: list[tuple[str, ...]] = []
            for spelled in self._spellings(text)[lang]:
                term, _, parts = analysed(spelled, lang)
                chosen = parts or ((term,) if term else ())
                if chosen not in alternatives:
                    alternatives.append(chosen)
                    self._want(chosen, (lang,))
            choices.append(alternatives)
        combined = islice(product(*choices), MAX_PHRASE_SPELLINGS)
        return [tuple(term for part in sequence for term in part) for sequence in combined]

    def _sequences(self, targets, sequences: dict[tuple[str, ...], set[str]]):
        """Each sequence asked of the fields that hold all its terms (a field that lacks
        one cannot match). A sequence that is the word's analysis only in languages other
        than English is asked of the articles in those languages: a German stem must not
        find an English article that happens to hold the same letters."""
        queries = []
        for sequence, langs in sorted(sequences.items()):
            query = _any_of([q for name in targets if (q := self._sequence_query(name, sequence)) is not None])
            if query is wq.NullQuery:
                continue
            if ENGLISH not in langs:
                query = wq.Require(query, _any_of([wq.Term("lang", lang) for lang in sorted(langs)]))
            queries.append(query)
        return _any_of(queries)

    def _sequence_query(self, fieldname: str, sequence: tuple[str, ...]):
        if not sequence or any((fieldname, term) not in self.reader for term in sequence):
            return None
        return wq.Term(fieldname, sequence[0]) if len(sequence) == 1 else ColumnarPhrase(fieldname, list(sequence))

    def _any_term(self, targets, stems: list[str]) -> AnyTerm | None:
        fields, size = [], 0
        for fieldname in targets:
            counts = {s: n for s, n in doc_frequencies(self.reader, fieldname, stems).items() if n}
            if counts:
                boost = self.reader.schema[fieldname].format.field_boost  # title 3, authors and tags 1.5
                fields.append((fieldname, boost, tuple(sorted(counts))))
                size += sum(counts.values())
        return AnyTerm(tuple(fields), size) if fields else None

    def _exact(self, fieldname: str, value: str, word: Word):
        if not value:
            return None
        if word.kind == "prefix":
            return wq.Prefix(fieldname, value)
        if word.kind == "fuzzy":
            return wq.FuzzyTerm(fieldname, value, maxdist=word.distance)
        return wq.Term(fieldname, value)

    def _phrase(self, phrase: Phrase):
        if phrase.field in EXACT_FIELDS:
            return self._word(Word(" ".join(phrase.words), phrase.field))
        targets = FIELD_TARGETS.get(phrase.field, TEXT_FIELDS)
        sequences: dict[tuple[str, ...], set[str]] = {}
        for lang in self.languages:
            for sequence in self._phrase_sequences(phrase.words, lang):
                sequences.setdefault(sequence, set()).add(lang)
        return self._sequences(targets, sequences)


def _is_bare_stop_word(node, langs=()) -> bool:
    return (isinstance(node, Word) and node.field is None and node.kind == "word"
            and is_stop_word(node.text, frozenset(langs)))


def compile_query(text: str, reader, vocabulary: Vocabulary, languages: frozenset[str] = frozenset(),
                  marks: Marks = no_marks) -> Compiled:
    """The Whoosh query for a query string (its words stemmed in each of the library's
    languages, its is:/has: filters answered by marks); never raises on odd input."""
    try:
        return Compiler(reader, vocabulary, languages, marks).compile(parse(text))
    except Exception:  # noqa: BLE001 - a last resort: search the plain words instead
        plain = " ".join(f'"{w}"' for w in words(text))
        return Compiler(reader, vocabulary, languages, marks).compile(parse(plain))


# ---------------------------------------------------------------- did you mean


def corrected_query(text: str, reader, vocabulary: Vocabulary) -> str | None:
    """The query with its unknown words replaced by the library's nearest words."""
    try:
        node = parse(text)
    except Exception:  # noqa: BLE001
        return None
    replacements = []
    for word in positive_words(node):
        if word.kind != "word" or word.field in EXACT_FIELDS or word.span == (0, 0):
            continue
        folded = fold(word.text)
        if len(folded) < 3 or folded.isdigit() or folded in vocabulary:
            continue
        better = _nearest_word(folded, reader, vocabulary)
        if better:
            replacements.append((word.span, word.text, vocabulary.spellings.written_form(better)))
    if not replacements:
        return None
    out = text
    for (start, end), original, better in sorted(replacements, reverse=True):
        segment = out[start:end]
        out = out[:start] + segment.replace(original, better, 1) + out[end:]
    return out if out != text else None


def _nearest_word(folded: str, reader, vocabulary: Vocabulary) -> str | None:
    for distance in (1, 2):
        if distance == 2 and len(folded) < 5:
            break  # two edits on a short word reach too many unrelated words
        candidates = [t for t in vocabulary.within(folded, distance) if t != folded]
        if candidates:
            frequency = word_frequencies(reader, candidates)
            return max(candidates, key=lambda t: (frequency[t], t))
    return None
