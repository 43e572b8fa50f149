"""The passage of an article that best shows why it matched.

Built from the stored plain text with the index's own word rules, so what is
emphasised is exactly what matched (drills / drilling), anywhere in the text:
Whoosh's highlighter gives nothing past 32 KB unless told otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.analysis import WORD_RE, stem

SNIPPET_CHARS = 220
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    text: str
    spans: tuple[tuple[int, int], ...] = ()  # matched words, as offsets into text

    def marked(self, before: str, after: str) -> str:
        """The text with every matched word wrapped, e.g. in ANSI bold or <b>."""
        out, last = [], 0
        for start, end in self.spans:
            out += [self.text[last:start], before, self.text[start:end], after]
            last = end
        out.append(self.text[last:])
        return "".join(out)


class Terms:
    """What counts as a match: a word whose stem is wanted."""

    def __init__(self, stems: set[str] | frozenset[str] = frozenset()):
        self.stems = stems
        self._prefixes: re.Pattern | None = None

    def candidates(self) -> re.Pattern:
        """A regex that finds every word that could match in ASCII text: a Porter
        stem is a prefix of its word, but for a final y turned into i ('happi')."""
        if self._prefixes is None:
            heads = {s[:-1] if s.endswith("i") else s for s in self.stems if s}
            alternatives = "|".join(sorted((re.escape(h) for h in heads if h), key=len, reverse=True)) or "(?!)"
            self._prefixes = re.compile(rf"\b(?:{alternatives})", re.IGNORECASE)
        return self._prefixes

    def __bool__(self) -> bool:
        return bool(self.stems)

    def key(self, word: str) -> str | None:
        stemmed = stem(word)
        return stemmed if stemmed in self.stems else None

    def found_in(self, text: str) -> bool:
        return bool(self and text and _matches(text, self, first_only=True))


def _matches(text: str, terms: Terms, first_only: bool = False) -> list[tuple[int, int, str]]:
    if not text.isascii():  # accents fold away: every word must be looked at
        found = []
        for m in WORD_RE.finditer(text):
            if k := terms.key(m.group()):
                found.append((m.start(), m.end(), k))
                if first_only:
                    break
        return found
    found = []
    last_end = -1
    for candidate in terms.candidates().finditer(text):
        if candidate.start() < last_end:
            continue
        word = WORD_RE.match(text, candidate.start())
        if word and (key := terms.key(word.group())):
            found.append((word.start(), word.end(), key))
            last_end = word.end()
            if first_only:
                break
    return found


def best_window(matches: list[tuple[int, int, str]], width: int) -> int:
    """Start offset of the window of `width` chars holding the most distinct stems."""
    best_start, best_score = matches[0][0], -1
    lo = 0
    for hi in range(len(matches)):
        while matches[hi][1] - matches[lo][0] > width:
            lo += 1
        window = matches[lo : hi + 1]
        score = len({s for _, _, s in window}) * 1000 + len(window)
        if score > best_score:
            best_start, best_score = matches[lo][0], score
    return best_start


def make_snippet(text: str, terms: Terms, width: int = SNIPPET_CHARS) -> Snippet:
    if not text:
        return Snippet("")
    matches = _matches(text, terms) if terms else []
    if matches:
        first = best_window(matches, width)
        start = max(0, first - width // 4)
        if start:
            space = text.rfind(" ", 0, start + 1)
            start = space + 1 if space > first - width // 2 else start
    else:
        start = 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space != -1 else end
    passage = _SPACE.sub(" ", text[start:end]).strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    snippet_text = prefix + passage + suffix
    spans = tuple((s, e) for s, e, _ in _matches(snippet_text, terms)) if terms else ()
    return Snippet(snippet_text, spans)
