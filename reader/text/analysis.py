"""How text becomes search terms: the same rules at index time and at query time.

One pass per token does what a Whoosh filter chain does in five (tokenise, lowercase,
fold accents, drop possessives, stem), and caches the result per distinct word and
language: real text repeats its words, so almost every token is a dictionary hit.

- Words are stemmed in their article's language (reader.text.languages): Porter for
  English (and text of no known language), Snowball for the others Whoosh has.
- Chinese, Japanese and Korean have no spaces between words: a run of Han, kana or
  Hangul is indexed as overlapping character bigrams (and single characters), as
  Lucene's CJK analyzer does, so any two or more characters of it find it — as a
  phrase of bigrams, so two characters far apart never make a false hit.
- Identifiers and versions are also indexed by their parts, beside the whole form (as
  Lucene's word delimiter filter does, original preserved): ``async_fn`` and
  ``HashMap`` by ``async``, ``fn`` / ``hash``, ``map`` at the positions that follow
  each other, so "hash map" is a phrase that finds ``HashMap``; ``1.70.0`` by
  ``1.70``, its leading parts.
- Stop words stay in the index, so "state of the art" is an exact phrase; the query
  side drops them from bare word lists (see ``is_stop_word``).
"""

from __future__ import annotations

import pickle
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import accumulate

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.formats import Positions
from whoosh.lang.porter import stem as porter_stem
from whoosh.system import _INT_SIZE

from reader.text import languages
from reader.text.languages import ENGLISH

# Han, Hiragana, Katakana (full and half width), Hangul: scripts written without spaces.
_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
# Version numbers stay whole ("1.0.2"), and apostrophes inside a word join it
# ("don't", "Japan’s"); everything else splits on non-word characters. A word that
# holds CJK is then split into its CJK runs and the rest (see pieces).
WORD_RE = re.compile(r"\d+(?:\.\d+)+|\w+(?:['’]\w+)*")
CJK_RUN = re.compile(rf"[{_CJK}]+")
_PIECES = re.compile(rf"[{_CJK}]+|[^{_CJK}]+")
_VERSION = re.compile(r"\d+(?:\.\d+)+$")
_CAMEL_PART = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")

# Letters that NFKD does not decompose into base + combining mark.
_SPECIAL_FOLDS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
# German writes an umlaut as its letter and an e where the letter is missing (Mueller,
# Goethe, Duesseldorf): such a word is looked up both ways.
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})

_CACHE_LIMIT = 500_000
_folded: dict[str, str] = {}
_stemmed: dict[str, dict[str, str]] = {}
_analysed: dict[str, dict[str, tuple]] = {}
_placed: dict[str, dict[str, object]] = {}


def is_cjk(word: str) -> bool:
    """Whether a word is a run of CJK (a word that only holds some is split by pieces)."""
    return bool(word) and not word.isascii() and CJK_RUN.fullmatch(word) is not None


def pieces(word: str) -> list[str]:
    """A word as its CJK runs and the rest: '東京で雨がabc' -> ['東京で雨が', 'abc']."""
    if word.isascii() or not CJK_RUN.search(word):
        return [word]
    return _PIECES.findall(word)


def fold(word: str) -> str:
    """Lowercase, strip accents and possessives: 'Crème' -> 'creme', "Japan’s" -> 'japan'."""
    cached = _folded.get(word)
    if cached is not None:
        return cached
    text = word.lower().translate(_SPECIAL_FOLDS)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("’", "'")
    if text.endswith("'s"):
        text = text[:-2]
    text = text.replace("'", "")
    if len(_folded) > _CACHE_LIMIT:
        _folded.clear()
    _folded[word] = text
    return text


def spelling_keys(word: str) -> tuple[str, ...]:
    """What a word is looked up by whatever accents it is typed with: its folded form, and
    for a word with an umlaut its German transliteration too ('Müller' -> muller, mueller)."""
    folded = fold(word)
    if word.isascii():
        return (folded,)
    lowered = word.lower()
    if "ä" in lowered or "ö" in lowered or "ü" in lowered:
        return folded, fold(lowered.translate(_UMLAUTS))
    return (folded,)


def has_accents(word: str) -> bool:
    """Whether folding changes a letter of the word beyond its case: an accent, ß, ø
    (not a letter of a script without them, Cyrillic's а or a Han character)."""
    return not word.isascii() and any(not c.isascii() and c.isalpha() and fold(c) != c.lower() for c in word)


def stem(word: str, lang: str = ENGLISH) -> str:
    """The index term of one word as written, in a language: folded, then stemmed."""
    cache = _stemmed.get(lang)
    if cache is None:
        cache = _stemmed[lang] = {}
    cached = cache.get(word)
    if cached is not None:
        return cached
    if is_cjk(word):
        result = unicodedata.normalize("NFKC", word)
    else:
        stemmer = languages.stemmer(lang)
        if stemmer is not None:
            bare = languages.without_elision(word, lang)
            folded = fold(bare)
            # Snowball works on the word's own letters; its stem is then folded like every term.
            result = fold(stemmer(bare.lower())) if folded.isalpha() else folded
        else:
            folded = fold(word)
            unstemmed = lang not in ("", ENGLISH)  # a language without a stemmer: folded only
            result = folded if unstemmed or not folded.isalpha() else porter_stem(folded)
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[word] = result
    return result


def words(text: str) -> list[str]:
    """The words of a text as written, in order (a CJK run is one 'word' here)."""
    found = WORD_RE.findall(text)
    if text.isascii():  # most texts: no CJK to split off (one C-speed check, not one per word)
        return found
    return [piece for word in found for piece in pieces(word)]


def is_stop_word(word: str, langs: frozenset[str] | set[str] = frozenset()) -> bool:
    """A word too common to search by alone, in English or another language searched."""
    folded = fold(word)
    return folded in STOP_WORDS or any(folded in languages.stop_words(lang) for lang in langs)


def fold_phrase(text: str) -> str:
    """A whole value (a tag, a folder) folded for exact, case- and accent-blind matching."""
    return " ".join(fold(w) for w in words(text))


def identifier_parts(word: str) -> list[str]:
    """The parts an identifier is written with: 'async_fn' -> [async, fn], 'HashMap' ->
    [Hash, Map]; [] for a plain word."""
    if "_" in word:
        parts = [p for p in word.split("_") if p]
        return parts if len(parts) > 1 else []
    if _CAMEL.search(word):
        parts = _CAMEL_PART.findall(word)
        return parts if len(parts) > 1 else []
    return []


def version_prefixes(word: str) -> list[str]:
    """'1.70.0' -> ['1.70']: a version is found by its leading parts too (two or more)."""
    if not _VERSION.match(word):
        return []
    parts = word.split(".")
    return [".".join(parts[:n]) for n in range(2, len(parts))]


def analysed(word: str, lang: str = ENGLISH) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(term, terms at the same position, part terms at the positions after it) of a word."""
    cache = _analysed.get(lang)
    if cache is None:
        cache = _analysed[lang] = {}
    found = cache.get(word)
    if found is None:
        term = stem(word, lang)
        extras = tuple(version_prefixes(word))
        parts = tuple(t for t in (stem(p, lang) for p in identifier_parts(word)) if t)
        found = (term, extras, parts if len(parts) > 1 else ())
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        cache[word] = found
    return found


def cjk_terms(run: str) -> list[tuple[str, int]]:
    """(term, offset) of a CJK run: every character, and every pair of neighbours."""
    run = unicodedata.normalize("NFKC", run)
    terms = [(run[i], i) for i in range(len(run))]
    terms += [(run[i:i + 2], i) for i in range(len(run) - 1)]
    return terms


def cjk_sequence(run: str) -> tuple[str, ...]:
    """What a CJK query word is searched by: its bigrams, one after the other (a single
    character: itself)."""
    run = unicodedata.normalize("NFKC", run)
    return (run,) if len(run) == 1 else tuple(run[i:i + 2] for i in range(len(run) - 1))


# ---------------------------------------------------------------- indexing


_document = threading.local()


@contextmanager
def analysing(lang: str, written: set[str] | None = None):
    """Index the fields written inside this block as text in this language; the words read
    on the way, as written, are added to `written` when it is given (the vocabulary, from
    the same pass as the positions)."""
    previous = getattr(_document, "lang", ENGLISH), getattr(_document, "written", None)
    _document.lang = lang or ENGLISH
    _document.written = written
    try:
        yield
    finally:
        _document.lang, _document.written = previous


def vocabulary_words(written: dict[str, set[str]]) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """Words as written in each language, for prefix, fuzzy and did-you-mean (not CJK
    runs, which are searched by their characters): (folded word, language) for words
    written without accents, and (folded key, spelling, language) for words written with
    them. A word's stem can depend on its accents (Snowball's suffix rules are written
    with them: educación -> educ, educacion -> educacion), so a word typed without them
    is searched by the stems of the library's own spellings of it, in their languages."""
    plain: set[tuple[str, str]] = set()
    spellings: set[tuple[str, str, str]] = set()
    for lang, words_in in written.items():
        for word in words_in:
            for piece in pieces(word):
                if is_cjk(piece):
                    continue
                if has_accents(piece):
                    spelled = piece.lower()
                    spellings.update((key, spelled, lang) for key in spelling_keys(piece) if key)
                elif folded := fold(piece):
                    plain.add((folded, lang))
    return plain, spellings


def term_positions(text: str, lang: str | None = None) -> dict[str, list[int]]:
    """Each index term of a text with the positions it occurs at."""
    lang = lang if lang is not None else getattr(_document, "lang", ENGLISH)
    cache = _placed.get(lang)
    if cache is None:
        cache = _placed[lang] = {}
    found: dict[str, list[int]] = {}
    pos = 0
    tokens = WORD_RE.findall(text)
    written = getattr(_document, "written", None)
    if written is not None:  # the vocabulary: l'été is the word été
        written.update(tokens if not languages.elides(lang) else (languages.without_elision(t, lang) for t in tokens))
    for word in tokens:
        placed = cache.get(word)
        if placed is None:
            placed = _placement(word, lang)
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            cache[word] = placed
        if placed.__class__ is str:  # the common case: one term, one position
            places = found.get(placed)
            if places is None:
                found[placed] = [pos]
            else:
                places.append(pos)
            pos += 1
            continue
        terms, width = placed
        for term, offset in terms:
            places = found.get(term)
            if places is None:
                found[term] = [pos + offset]
            else:
                places.append(pos + offset)
        pos += width
    return found


def _placement(word: str, lang: str):
    """Where a word's terms go, relative to its position: its term alone (a str), or
    ((term, offset), ...) and how many positions it takes (a CJK run, an identifier)."""
    if word.isascii() and word.isalpha() and (word.islower() or word[1:].islower() or word.isupper()):
        return stem(word, lang)  # most words: not CJK, not an identifier or a version
    split = pieces(word)
    if len(split) > 1:  # CJK with other letters in one word: each piece in turn
        placed, width = [], 0
        for piece in split:
            inner = _placement(piece, lang)
            if inner.__class__ is str:
                inner = ((inner, 0),), 1
            placed += [(term, width + offset) for term, offset in inner[0]]
            width += inner[1]
        return tuple(placed), width
    if is_cjk(word):
        # A run takes the positions of its bigrams, so the word after it follows its last
        # bigram, as the next word of a phrase must ("사진 공개" is two runs, two bigrams).
        return tuple(cjk_terms(word)), max(1, len(unicodedata.normalize("NFKC", word)) - 1)
    term, extras, parts = analysed(word, lang)
    if not term:
        return (), 0
    if not extras and not parts:
        return term
    placed = [(term, 0)] + [(extra, 0) for extra in extras] + [(part, i) for i, part in enumerate(parts)]
    return tuple(placed), max(1, len(parts))


class TermTokenizer(Tokenizer):
    """A Whoosh tokenizer that yields finished terms (as term_positions makes them).

    The ranked text fields use it; the unstemmed words that prefix, fuzzy and
    did-you-mean need are indexed separately, one line per word (see index.vocabulary).
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        placed = sorted((at, term) for term, places in term_positions(value).items() for at in places)
        for at, term in placed:
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = start_pos + at
            yield token


class TermPositions(Positions):
    """Whoosh's positions format, fed by term_positions when the field's analyzer is a
    TermTokenizer, without a Token object per word."""

    def decode_positions(self, valuestring):
        # Whoosh's bytes (a count, then the pickled deltas), summed in C rather than a loop.
        return list(accumulate(pickle.loads(valuestring[_INT_SIZE:])))

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, TermTokenizer) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encode = self.encode
        for term, places in term_positions(value).items():
            yield term, len(places), len(places) * boost, encode(places)


class LinesTokenizer(Tokenizer):
    """One term per line, as given: for exact values (tags, folders) folded beforehand."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        lines = value.split("\n") if tokenize else [value]
        for pos, line in enumerate(x for x in lines if x):
            token.text = line
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = line
            if positions:
                token.pos = start_pos + pos
            yield token
