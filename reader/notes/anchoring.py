"""Anchoring a highlight to its passage, and finding the passage again after an edit.

A highlight keeps a W3C Web Annotation TextQuoteSelector — the passage (``exact``)
with ~32 characters of context either side — on the article's shown text, whitespace
collapsed (``ShownText.flat``), plus where it was (a hint). When the article changes
the passage is looked for again:

- ``exact``: the same words with the same surroundings;
- ``moved``: the same words, but their surroundings changed (elsewhere in the text);
- ``changed``: not there verbatim, but a close variant is, found by edlib's infix
  alignment (Myers' bit-vector edit distance, in C) and judged, as the Hypothesis
  client does, on the quote, the context and the position;
- ``detached``: nothing close enough. A wrong anchor is worse than none, so a
  variant needs either most of its words or the support of its context.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.library.shown_text import ShownText

CONTEXT = 32
EXACT, MOVED, CHANGED, DETACHED = "exact", "moved", "changed", "detached"
STATES = (EXACT, MOVED, CHANGED, DETACHED)

# A reworded passage is accepted when its words are mostly there, or when they are
# half there and the text around it is still what was around it.
ALONE_SIMILARITY = 0.7
SUPPORTED_SIMILARITY = 0.6
CONTEXT_SUPPORT = 0.6
MAX_ERROR_FRACTION = 0.5
NEIGHBOUR_SIMILARITY = 0.8
CHANCE = 0.5  # what two unrelated stretches of English score, about
_EDLIB_ALPHABET = 255


@dataclass(frozen=True)
class Quote:
    """A TextQuoteSelector: the passage and its context, whitespace collapsed."""

    exact: str
    prefix: str = ""
    suffix: str = ""

    def to_json(self) -> dict:
        return {"exact": self.exact, "prefix": self.prefix, "suffix": self.suffix}


@dataclass(frozen=True)
class Placement:
    """Where a quote was found in an article's flat text (start/end None when detached)."""

    state: str
    start: int | None = None
    end: int | None = None
    text: str | None = None

    @property
    def attached(self) -> bool:
        return self.state != DETACHED


@dataclass(frozen=True)
class Anchor:
    """Where a highlight's passage is now, as stored and shown to scripts: offsets into
    the shown text's ``text`` (what `article-reader show` prints), and that text[start:end]."""

    state: str
    start: int | None = None
    end: int | None = None
    text: str | None = None

    @property
    def attached(self) -> bool:
        return self.state != DETACHED

    @classmethod
    def of(cls, placement: Placement, shown: "ShownText") -> "Anchor":
        if not placement.attached:
            return cls(DETACHED)
        start, end = shown.to_text(placement.start), shown.to_text(placement.end)
        return cls(placement.state, start, end, shown.text[start:end])

    def to_json(self) -> dict:
        return {"state": self.state, "text": self.text, "start": self.start, "end": self.end}


def locate(shown: "ShownText", quote: Quote, hint: int | None = None) -> tuple[Anchor, int | None]:
    """The quote's anchor in the shown text, and the flat offset to hint with next time."""
    placement = reanchor(shown.flat, quote, hint)
    return Anchor.of(placement, shown), placement.start if placement.attached else hint


def quote_at(flat: str, start: int, end: int) -> Quote:
    """The selector for flat[start:end], trimmed of white space at its ends."""
    while start < end and flat[start].isspace():
        start += 1
    while end > start and flat[end - 1].isspace():
        end -= 1
    return Quote(flat[start:end], flat[max(0, start - CONTEXT):start], flat[end:end + CONTEXT])


def occurrences(flat: str, exact: str) -> list[int]:
    """Every offset where exact starts in flat (overlapping ones included)."""
    found, at = [], flat.find(exact)
    while at != -1 and exact:
        found.append(at)
        at = flat.find(exact, at + 1)
    return found


def reanchor(flat: str, quote: Quote, hint: int | None = None) -> Placement:
    """Where the quoted passage is in flat now; DETACHED when it is not found well enough."""
    if not quote.exact:
        return Placement(DETACHED)
    found = occurrences(flat, quote.exact)
    if found:
        return _best_exact(flat, quote, found, hint)
    return _best_variant(flat, quote, hint)


def similarity(a: str, b: str) -> float:
    """1.0 for equal texts, 0.0 for nothing in common (Indel: like difflib's ratio, in C)."""
    if not a and not b:
        return 1.0
    return _indel().normalized_similarity(a, b)


@functools.cache
def _indel():
    # Imported on first use: every command loads this module (notes carry quotes),
    # few of them compare passages.
    from rapidfuzz.distance import Indel

    return Indel


def _context_scores(flat: str, quote: Quote, start: int, end: int) -> tuple[float, float]:
    before = flat[max(0, start - len(quote.prefix)):start] if quote.prefix else ""
    after = flat[end:end + len(quote.suffix)] if quote.suffix else ""
    return similarity(quote.prefix, before), similarity(quote.suffix, after)


def _closeness(flat: str, at: int, hint: int | None) -> float:
    if hint is None or not flat:
        return 0.0
    return 1.0 - min(1.0, abs(at - hint) / max(len(flat), 1))


def _best_exact(flat: str, quote: Quote, found: list[int], hint: int | None) -> Placement:
    length = len(quote.exact)
    best, best_score, best_context = found[0], -1.0, 0.0
    for at in found:
        before, after = _context_scores(flat, quote, at, at + length)
        score = before + after + 0.1 * _closeness(flat, at, hint)
        if score > best_score:
            best, best_score, best_context = at, score, max(before, after)
    in_place = best_context >= CONTEXT_SUPPORT or (not quote.prefix and not quote.suffix)
    return Placement(EXACT if in_place else MOVED, best, best + length, quote.exact)


def _best_variant(flat: str, quote: Quote, hint: int | None) -> Placement:
    best: tuple[float, int, int] | None = None
    for aligned in _aligned(flat, quote.exact):
        start, end = _refined(flat, quote, *_whole_words(flat, *aligned))
        if not _acceptable(flat, quote, start, end):
            continue
        score = _score(flat, quote, start, end) + 2 * _closeness(flat, start, hint)
        if best is None or score > best[0]:
            best = (score, start, end)
    if best is None:
        return Placement(DETACHED)
    _, start, end = best
    return Placement(CHANGED, start, end, flat[start:end])


def _score(flat: str, quote: Quote, start: int, end: int) -> float:
    """The Hypothesis client's weighting — the quote counts most, then each side's
    context — except that context counts only past what unrelated text scores (about
    half): otherwise stretching a passage by a word can win on noise."""
    before, after = _context_scores(flat, quote, start, end)
    return 50 * similarity(quote.exact, flat[start:end]) + 20 * _beyond_chance(before) + 20 * _beyond_chance(after)


def _beyond_chance(context: float) -> float:
    return max(0.0, (context - CHANCE) / (1 - CHANCE))


def _acceptable(flat: str, quote: Quote, start: int, end: int) -> bool:
    if end <= start:
        return False
    if _is_a_neighbour(flat, quote, start, end):
        return False
    quoted = similarity(quote.exact, flat[start:end])
    support = max(_context_scores(flat, quote, start, end))
    return quoted >= ALONE_SIMILARITY or (quoted >= SUPPORTED_SIMILARITY and support >= CONTEXT_SUPPORT)


def _is_a_neighbour(flat: str, quote: Quote, start: int, end: int) -> bool:
    """Whether the stretch is what stood beside the passage: when a sentence is deleted,
    its old prefix now runs straight into its old suffix, and the sentence that followed
    looks like a variant sitting in the right context."""
    head = flat[start:start + len(quote.suffix)]
    tail = flat[max(start, end - len(quote.prefix)):end]
    own_head = quote.exact[:len(quote.suffix)]
    own_tail = quote.exact[-len(quote.prefix):] if quote.prefix else ""
    follows = bool(quote.suffix) and similarity(quote.suffix, head) >= NEIGHBOUR_SIMILARITY > similarity(own_head, head)
    precedes = bool(quote.prefix) and similarity(quote.prefix, tail) >= NEIGHBOUR_SIMILARITY > similarity(own_tail, tail)
    return follows or precedes


def _refined(flat: str, quote: Quote, start: int, end: int) -> tuple[int, int]:
    """Move each end of an aligned stretch to the word boundary nearby that scores best:
    the alignment counts only letters, so it runs into a neighbouring sentence as
    readily as it stops short; the context decides."""
    reach = max(8, len(quote.exact) // 4)
    ends = _word_ends(flat, max(start + 1, end - reach), min(len(flat), end + reach)) or [end]
    end = max(ends, key=lambda e: _score(flat, quote, start, e))
    starts = _word_starts(flat, max(0, start - reach), min(end - 1, start + reach)) or [start]
    start = max(starts, key=lambda s: _score(flat, quote, s, end))
    return start, end


def _word_starts(flat: str, low: int, high: int) -> list[int]:
    return [i for i in range(low, high + 1) if i < len(flat) and not flat[i].isspace()
            and (i == 0 or flat[i - 1].isspace())]


def _word_ends(flat: str, low: int, high: int) -> list[int]:
    return [i for i in range(low, high + 1) if i > 0 and not flat[i - 1].isspace()
            and (i == len(flat) or flat[i].isspace())]


def _aligned(flat: str, exact: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches of flat closest to exact by edit distance."""
    limit = math.ceil(len(exact) * MAX_ERROR_FRACTION)
    alphabet = set(exact)
    if len(alphabet) > _EDLIB_ALPHABET:
        return _aligned_without_edlib(flat, exact)
    # edlib takes at most 256 distinct symbols. A character the quote lacks can never
    # match, so all of them may be one symbol: the distances stay exactly the same.
    other = "\x00" if "\x00" not in alphabet else "\x01"
    target = "".join(c if c in alphabet else other for c in flat)
    import edlib

    result = edlib.align(exact, target, mode="HW", task="locations", k=limit)
    if result["editDistance"] < 0:
        return []
    return [(start, end + 1) for start, end in result["locations"]][:50]


def _aligned_without_edlib(flat: str, exact: str) -> list[tuple[int, int]]:
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(exact, flat)
    return [(found.dest_start, found.dest_end)] if found is not None else []


def _whole_words(flat: str, start: int, end: int) -> tuple[int, int]:
    """Widen an aligned stretch that ends inside a word to that word's end (and the
    same at its start): an edit distance alignment often stops a letter short."""
    while start > 0 and flat[start - 1].isalnum() and flat[start].isalnum():
        start -= 1
    while end < len(flat) and flat[end].isalnum() and flat[end - 1].isalnum():
        end += 1
    while start < end and flat[start].isspace():
        start += 1
    while end > start and flat[end - 1].isspace():
        end -= 1
    return start, end


def find_passage(flat: str, passage: str, occurrence: int = 1) -> tuple[int, int] | None:
    """Offsets of the occurrence-th (1-based) time passage is in flat, comparing with
    white space collapsed; None if it is not there that often."""
    wanted = " ".join(passage.split())
    found = occurrences(flat, wanted) if wanted else []
    if occurrence < 1 or occurrence > len(found):
        return None
    start = found[occurrence - 1]
    return start, start + len(wanted)
