"""The query language: a forgiving parser into plain nodes, and their Whoosh form.

The parser never raises: unbalanced quotes run to the end, unbalanced parentheses
close at the end, dangling operators and empty fields are dropped. Whoosh's own
QueryParser is not used: it raises on inputs like ``NOT OR x``, stems prefix text,
and needs a base date for its date plugin.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from whoosh import matching, query as wq

from reader import whoosh_fixes
from reader.analysis import analysed, cjk_sequence, fold, fold_phrase, is_cjk, is_stop_word, stem, words
from reader.languages import ENGLISH, code_of
from reader.vocabulary import Vocabulary

# Which index fields a bare word looks in, and what a field prefix narrows it to.
TEXT_FIELDS = ("title", "body", "authors", "tags", "source", "notes")
FIELD_TARGETS = {
    "title": ("title",),
    "body": ("body",),
    "text": ("body",),
    "author": ("authors",),
    "authors": ("authors",),
    "source": ("source",),
    "note": ("notes",),
    "notes": ("notes",),
}
SPECIAL_FIELDS = {"tag": "tag", "tags": "tag", "path": "path", "folder": "path", "date": "date", "lang": "lang",
                  "language": "lang"}
KNOWN_FIELDS = set(FIELD_TARGETS) | set(SPECIAL_FIELDS)

MAX_EXPANSION_WORDS = 2000  # vocabulary words looked at for one prefix
MAX_EXPANSION_STEMS = 64  # the most frequent of them that the query keeps


# ---------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None  # None: every text field
    kind: str = "word"  # word | prefix | fuzzy
    distance: int = 1
    span: tuple[int, int] = (0, 0)  # where it stands in the query string


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class DateRange:
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass(frozen=True)
class Or:
    nodes: tuple


# ---------------------------------------------------------------- dates

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")


def date_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of '2024', '2024-09' or '2024-09-01'; None if not a date."""
    match = _PARTIAL_DATE.match(text.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        one = dt.date(year, month, day)
        return one, one
    except ValueError:
        return None


def parse_date_value(text: str) -> DateRange | None:
    text = text.strip()
    if text.startswith("["):
        inner = text[1:].rstrip("]").strip()
        parts = re.split(r"\s+to\s+|\s*\.\.\s*|^to\s+|\s+to$|^to$", inner, maxsplit=1, flags=re.IGNORECASE)
        if len(parts) != 2:
            bounds = date_bounds(inner)
            return DateRange(*bounds) if bounds else None
        low, high = (p.strip() for p in parts)
        low_b = date_bounds(low) if low else None
        high_b = date_bounds(high) if high else None
        if (low and not low_b) or (high and not high_b) or not (low_b or high_b):
            return None
        return DateRange(low_b[0] if low_b else None, high_b[1] if high_b else None)
    for op in (">=", "<=", ">", "<"):
        if text.startswith(op):
            bounds = date_bounds(text[len(op) :])
            if not bounds:
                return None
            if op == ">=":
                return DateRange(bounds[0], None)
            if op == ">":
                return DateRange(bounds[1] + dt.timedelta(days=1), None)
            if op == "<=":
                return DateRange(None, bounds[1])
            return DateRange(None, bounds[0] - dt.timedelta(days=1))
    bounds = date_bounds(text)
    return DateRange(*bounds) if bounds else None


# ---------------------------------------------------------------- tokens

_OPERATORS = {"OR": "OR", "AND": "AND", "NOT": "NOT", "||": "OR", "&&": "AND"}
_STOP_CHARS = set(" \t\r\n()\"")


def _term_nodes(chunk: str, start: int, field_name: str | None) -> object | None:
    """A bare chunk (no quotes) as a Word, or a Phrase when it holds several words."""
    kind, distance, text = "word", 1, chunk
    fuzzy = re.search(r"~(\d?)$", text)
    if fuzzy:
        kind, distance = "fuzzy", min(int(fuzzy.group(1) or 1), 2) or 1
        text = text[: fuzzy.start()]
    elif text.endswith("*"):
        kind, text = "prefix", text.rstrip("*")
    parts = words(text)
    if not parts:
        return None
    if field_name in ("tag", "path", "lang"):
        return Word(text, field_name, kind, distance, (start, start + len(chunk)))
    if len(parts) == 1:
        return Word(parts[0], field_name, kind, distance, (start, start + len(chunk)))
    return Phrase(tuple(parts), field_name)


def _tokens(text: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "(":
            out.append(("LP", None))
            i += 1
        elif c == ")":
            out.append(("RP", None))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            end = n if end == -1 else end
            parts = words(text[i + 1 : end])
            if parts:
                out.append(("TERM", Phrase(tuple(parts)) if len(parts) > 1 else Word(parts[0], span=(i, end + 1))))
            i = end + 1
        elif c == "-" and i + 1 < n and text[i + 1] not in _STOP_CHARS and (i == 0 or text[i - 1] in _STOP_CHARS):
            out.append(("NOT", None))
            i += 1
        else:
            i = _chunk(text, i, out)
    return out


def _chunk(text: str, i: int, out: list) -> int:
    n = len(text)
    j = i
    while j < n and text[j] not in _STOP_CHARS:
        j += 1
    chunk = text[i:j]
    if chunk in _OPERATORS:
        out.append((_OPERATORS[chunk], None))
        return j
    name, colon, value = chunk.partition(":")
    fname = name.lower()
    if not colon or fname not in KNOWN_FIELDS:
        node = _term_nodes(chunk, i, None)
        if node:
            out.append(("TERM", node))
        return j
    target = SPECIAL_FIELDS.get(fname, fname)
    if target == "date":
        if value.startswith("[") and "]" not in value:
            close = text.find("]", j)
            j = n if close == -1 else close + 1
            value = text[i + len(name) + 1 : j]
        node = parse_date_value(value)
        if node:
            out.append(("TERM", node))
        return j
    if not value and j < n and text[j] == '"':
        end = text.find('"', j + 1)
        end = n if end == -1 else end
        quoted = text[j + 1 : end]
        if target in ("tag", "path"):
            if words(quoted):
                out.append(("TERM", Word(quoted, target, span=(i, end + 1))))
        elif parts := words(quoted):
            out.append(("TERM", Phrase(tuple(parts), target) if len(parts) > 1 else Word(parts[0], target, span=(i, end + 1))))
        return end + 1
    if value:
        node = _term_nodes(value, i + len(name) + 1, target)
        if node:
            out.append(("TERM", node))
    return j  # an empty field ("title:") is dropped


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else "EOF"

    def take(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self):
        parts = []
        while self.peek() != "EOF":
            if self.peek() == "RP":  # a stray closing parenthesis
                self.take()
                continue
            node = self.parse_or()
            if node is not None:
                parts.append(node)
        return _join(And, parts)

    def parse_or(self):
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.parse_and())
        return _join(Or, [p for p in parts if p is not None])

    def parse_and(self):
        parts = []
        while self.peek() not in ("RP", "OR", "EOF"):
            if self.peek() == "AND":
                self.take()
                continue
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        return _join(And, parts)

    def parse_unary(self):
        kind = self.peek()
        if kind == "NOT":
            self.take()
            inner = self.parse_unary() if self.peek() not in ("RP", "OR", "AND", "EOF") else None
            return Not(inner) if inner is not None else None
        if kind == "LP":
            self.take()
            inner = self.parse_or()
            if self.peek() == "RP":
                self.take()
            return inner
        _, node = self.take()
        return node


def _join(cls, parts):
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else cls(tuple(parts))


def parse(text: str):
    """The query's node tree, or None for a query that asks for nothing."""
    return _Parser(_tokens(text or "")).parse()


def positive_words(node) -> list[Word]:
    """Every Word that counts for a match (not under a Not)."""
    if isinstance(node, Word):
        return [node]
    if isinstance(node, (And, Or)):
        return [w for child in node.nodes for w in positive_words(child)]
    return []


# ---------------------------------------------------------------- to Whoosh


def folder_key(path: str) -> str:
    """A folder path folded for matching: 'World/Asia-Pacific/' -> 'world/asia pacific'."""
    return "/".join(k for k in (fold_phrase(p) for p in path.strip("/").split("/")) if k)


def _date_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


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
    """Documents with any of many terms of one field, each with the same score (the
    field's boost): what a prefix or fuzzy word expands to. As in Lucene's constant-
    score rewrite, the union is read from the posting lists' document numbers without
    scoring each posting: a prefix that matched 40% of the library scored 550,000
    postings at ~25 µs each. Relevance then comes from the query's other words."""

    def __init__(self, fieldname: str, texts: list[str], boost: float = 1.0, size: int = 0):
        self.fieldname = fieldname
        self.texts = tuple(texts)
        self.boost = boost
        self.size = size  # documents, as the compiler counted them: Whoosh asks often

    def __eq__(self, other):
        return isinstance(other, AnyTerm) and (self.fieldname, self.texts, self.boost) == (
            other.fieldname, other.texts, other.boost)

    def __hash__(self):
        return hash((self.fieldname, self.texts, self.boost))

    def __repr__(self):
        return f"AnyTerm({self.fieldname!r}, {len(self.texts)} terms)"

    __str__ = __repr__

    def estimate_size(self, ixreader):
        return self.size

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        found: set[int] = set()
        for text in self.texts:
            if (self.fieldname, text) in reader:
                found |= whoosh_fixes.posting_ids(reader, self.fieldname, text)
        if not found:
            return matching.NullMatcher()
        return matching.ListMatcher(sorted(found), all_weights=self.boost)


@dataclass
class Compiled:
    query: object
    highlight: set[str] = field(default_factory=set)  # stems to emphasise in snippets


def word_frequency(reader, word: str) -> int:
    """How many articles have the word (by its stem, in title or body): for ranking."""
    term = stem(word)
    return reader.doc_frequency("body", term) + reader.doc_frequency("title", term)


class Compiler:
    """Turns nodes into a Whoosh query. Prefix and fuzzy words expand on the
    library's words as written (never on stems: 'ithe*' must not become 'ith*'),
    and each word found is then searched by its stem, like any other word."""

    def __init__(self, reader, vocabulary: Vocabulary, languages: frozenset[str] = frozenset()):
        self.reader = reader
        self.vocabulary = vocabulary
        # A word is searched by each stem it can have in the library's languages.
        self.languages = tuple(sorted(set(languages) | {ENGLISH}))
        self.highlight: set[str] = set()

    def compile(self, node) -> Compiled:
        query = self._node(node) if node is not None else wq.NullQuery
        return Compiled(query or wq.NullQuery, self.highlight)

    def _node(self, node):
        if isinstance(node, Word):
            return self._word(node)
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, DateRange):
            low = _date_number(node.start) if node.start else None
            high = _date_number(node.end) if node.end else None
            return wq.NumericRange("date", low, high)
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
            found.sort(key=lambda t: -word_frequency(self.reader, t))
            found = found[:MAX_EXPANSION_STEMS]
        return sorted(found)

    def _word(self, word: Word):
        if word.field == "tag":
            return self._exact("tag", fold_phrase(word.text), word)
        if word.field == "path":
            return self._exact("folder", folder_key(word.text), word)
        if word.field == "lang":
            return self._exact("lang", code_of(word.text) or fold(word.text), word)
        targets = FIELD_TARGETS.get(word.field, TEXT_FIELDS)
        if word.kind == "word":
            return self._sequences(targets, self._word_sequences(word.text))
        stems = sorted({stem(w, lang) for w in self._expansion(word) for lang in self.languages})
        self.highlight.update(stems)
        if len(stems) > 1:  # an expansion: one constant-score union per field that has any
            return _any_of([q for f in targets if (q := self._any_term(f, stems))])
        return _any_of([wq.Term(f, s) for f in targets for s in stems])

    def _word_sequences(self, text: str) -> set[tuple[str, ...]]:
        """What one word is searched by: a term per stem it can have; a CJK run, its
        bigrams one after the other."""
        if is_cjk(text):
            self.highlight.add(text)
            return {cjk_sequence(text)}
        stems = {stem(text, lang) for lang in self.languages} - {""}
        self.highlight.update(stems)
        return {(s,) for s in stems}

    def _phrase_sequence(self, phrase_words: tuple[str, ...], lang: str) -> tuple[str, ...]:
        """A phrase's terms in one language, one after the other: an identifier by its
        parts (as the index places them), a CJK run by its bigrams."""
        sequence: list[str] = []
        for text in phrase_words:
            if is_cjk(text):
                self.highlight.add(text)
                sequence.extend(cjk_sequence(text))
                continue
            term, _, parts = analysed(text, lang)
            chosen = parts or ((term,) if term else ())
            self.highlight.update(chosen)
            sequence.extend(chosen)
        return tuple(sequence)

    @staticmethod
    def _sequences(targets, sequences: set[tuple[str, ...]]):
        queries = []
        for name in targets:
            for sequence in sorted(sequences):
                if len(sequence) == 1:
                    queries.append(wq.Term(name, sequence[0]))
                elif sequence:
                    queries.append(wq.Phrase(name, list(sequence)))
        return _any_of(queries)

    def _any_term(self, fieldname: str, stems: list[str]) -> AnyTerm | None:
        counts = {s: n for s in stems if (n := self.reader.doc_frequency(fieldname, s))}
        if not counts:
            return None
        boost = self.reader.schema[fieldname].format.field_boost  # title 3, authors and tags 1.5
        return AnyTerm(fieldname, sorted(counts), boost, sum(counts.values()))

    def _exact(self, fieldname: str, value: str, word: Word):
        if not value:
            return None
        if word.kind == "prefix":
            return wq.Prefix(fieldname, value)
        if word.kind == "fuzzy":
            return wq.FuzzyTerm(fieldname, value, maxdist=word.distance)
        return wq.Term(fieldname, value)

    def _phrase(self, phrase: Phrase):
        if phrase.field in ("tag", "path", "lang"):
            return self._word(Word(" ".join(phrase.words), phrase.field))
        targets = FIELD_TARGETS.get(phrase.field, TEXT_FIELDS)
        return self._sequences(targets, {self._phrase_sequence(phrase.words, lang) for lang in self.languages})


def _is_bare_stop_word(node, langs=()) -> bool:
    return (isinstance(node, Word) and node.field is None and node.kind == "word"
            and is_stop_word(node.text, frozenset(langs)))


def compile_query(text: str, reader, vocabulary: Vocabulary, languages: frozenset[str] = frozenset()) -> Compiled:
    """The Whoosh query for a query string (its words stemmed in each of the library's
    languages); never raises on odd input."""
    try:
        return Compiler(reader, vocabulary, languages).compile(parse(text))
    except Exception:  # noqa: BLE001 - a last resort: search the plain words instead
        plain = " ".join(f'"{w}"' for w in words(text))
        return Compiler(reader, vocabulary, languages).compile(parse(plain))


# ---------------------------------------------------------------- did you mean


def corrected_query(text: str, reader, vocabulary: Vocabulary) -> str | None:
    """The query with its unknown words replaced by the library's nearest words."""
    try:
        node = parse(text)
    except Exception:  # noqa: BLE001
        return None
    replacements = []
    for word in positive_words(node):
        if word.kind != "word" or word.field in ("tag", "path") or word.span == (0, 0):
            continue
        folded = fold(word.text)
        if len(folded) < 3 or folded.isdigit() or folded in vocabulary:
            continue
        better = _nearest_word(folded, reader, vocabulary)
        if better:
            replacements.append((word.span, word.text, better))
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
            return max(candidates, key=lambda t: (word_frequency(reader, t), t))
    return None
