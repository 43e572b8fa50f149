"""How text becomes search terms: the same rules at index time and at query time.

One pass per token does what a Whoosh filter chain does in five (tokenise, lowercase,
fold accents, drop possessives, stem), and caches the result per distinct word:
real text repeats its words, so almost every token is a dictionary hit.
Stop words stay in the index, so "state of the art" is an exact phrase; the query
side drops them from bare word lists (see ``is_stop_word``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from whoosh.analysis import STOP_WORDS, Token, Tokenizer
from whoosh.formats import Positions
from whoosh.lang.porter import stem as porter_stem

# Version numbers stay whole ("1.0.2"), and apostrophes inside a word join it
# ("don't", "Japan’s"); everything else splits on non-word characters.
WORD_RE = re.compile(r"\d+(?:\.\d+)+|\w+(?:['’]\w+)*")

# Letters that NFKD does not decompose into base + combining mark.
_SPECIAL_FOLDS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)

_CACHE_LIMIT = 500_000
_folded: dict[str, str] = {}
_stemmed: dict[str, str] = {}


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


def stem(word: str) -> str:
    """The index term of one word as written: folded, then Porter-stemmed."""
    cached = _stemmed.get(word)
    if cached is not None:
        return cached
    folded = fold(word)
    result = porter_stem(folded) if folded.isalpha() else folded
    if len(_stemmed) > _CACHE_LIMIT:
        _stemmed.clear()
    _stemmed[word] = result
    return result


def words(text: str) -> list[str]:
    """The words of a text as written, in order."""
    return WORD_RE.findall(text)


def is_stop_word(word: str) -> bool:
    return fold(word) in STOP_WORDS


def fold_phrase(text: str) -> str:
    """A whole value (a tag, a folder) folded for exact, case- and accent-blind matching."""
    return " ".join(fold(w) for w in words(text))


class TermTokenizer(Tokenizer):
    """A Whoosh tokenizer that yields finished terms (folded and stemmed) in one pass.

    The ranked text fields use it; the unstemmed words that prefix, fuzzy and
    did-you-mean need are indexed separately, one line per word (see index.vocabulary).
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in WORD_RE.finditer(value):
            term = stem(match.group())
            if not term:
                continue
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = match.group()
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            pos += 1
            yield token


def term_positions(text: str) -> dict[str, list[int]]:
    """Each index term of a text with the positions it occurs at: what TermTokenizer
    yields, grouped, without a Token object per word."""
    found: dict[str, list[int]] = {}
    pos = 0
    for word in WORD_RE.findall(text):
        term = _stemmed.get(word) or stem(word)
        if not term:
            continue
        places = found.get(term)
        if places is None:
            found[term] = [pos]
        else:
            places.append(pos)
        pos += 1
    return found


class TermPositions(Positions):
    """Whoosh's positions format, fed by term_positions when the field's analyzer is a
    TermTokenizer: the same postings, bytes for bytes, for 40% of the analysis time."""

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
