"""The passage of an article that best shows why it matched.

Built from the stored plain text with the index's own word rules, so what is
emphasised is exactly what matched (drills / drilling), anywhere in the text:
Whoosh's highlighter gives nothing past 32 KB unless told otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.text.analysis import WORD_RE, analysed, is_cjk
from reader.text.languages import ENGLISH

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
    """What counts as a match: a word whose term (or one of its parts) is wanted, or a
    CJK string searched for, wherever it stands inside a run of CJK."""

    def __init__(self, stems: set[str] | frozenset[str] = frozenset()):
        self.cjk = tuple(sorted((s for s in stems if is_cjk(s)), key=len, reverse=True))
        self.stems = frozenset(s for s in stems if not is_cjk(s))
        self._prefixes: re.Pattern | None = None

    def candidates(self) -> re.Pattern:
        """A regex that finds every place a matching word could start in lowercased ASCII
        text: a Porter stem is a prefix of its word, but for a final y turned into i
        ('happi'). Bare literals, without \\b or IGNORECASE: re then scans for them at C
        speed (155 -> 39 µs on a 4 KB article); the word boundary is checked per place."""
        if self._prefixes is None:
            heads = {s[:-1] if s.endswith("i") else s for s in self.stems if s}
            alternatives = "|".join(sorted((re.escape(h) for h in heads if h), key=len, reverse=True)) or "(?!)"
            self._prefixes = re.compile(alternatives)
        return self._prefixes

    def __bool__(self) -> bool:
        return bool(self.stems or self.cjk)

    def key(self, word: str, lang: str = ENGLISH) -> str | None:
        """The wanted term the word stands for in its language, if any (an identifier
        by one of its parts, a version by a leading part)."""
        term, extras, parts = analysed(word, lang)
        for candidate in (term, *extras, *parts):
            if candidate in self.stems:
                return candidate
        return None

    def found_in(self, text: str, lang: str = ENGLISH) -> bool:
        return bool(self and text and matches(text, self, lang, first_only=True))


def matches(text: str, terms: Terms, lang: str = ENGLISH, first_only: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, term) of every matched word of text, in order."""
    found = _cjk_matches(text, terms) if terms.cjk else []
    if found and first_only:
        return found[:1]
    if terms.stems:
        found += _word_matches(text, terms, lang, first_only)
    return sorted(found)


def _cjk_matches(text: str, terms: Terms) -> list[tuple[int, int, str]]:
    found, taken = [], set()
    for wanted in terms.cjk:  # longest first: a shorter one inside it is not counted again
        at = text.find(wanted)
        while at != -1:
            if not taken & set(range(at, at + len(wanted))):
                found.append((at, at + len(wanted), wanted))
                taken.update(range(at, at + len(wanted)))
            at = text.find(wanted, at + 1)
    return found


def _word_matches(text: str, terms: Terms, lang: str, first_only: bool) -> list[tuple[int, int, str]]:
    if lang not in ("", ENGLISH) or not text.isascii():  # accents fold away, other stemmers: look at every word
        found = []
        for m in WORD_RE.finditer(text):
            if k := terms.key(m.group(), lang):
                found.append((m.start(), m.end(), k))
                if first_only:
                    break
        return found
    found = []
    lowered = text.lower()  # ASCII: the same offsets
    search = terms.candidates().search
    at = 0
    while candidate := search(lowered, at):
        start = at = candidate.start()
        at += 1
        if start and (lowered[start - 1].isalnum() or lowered[start - 1] == "_"):
            continue  # inside a word, not at its start
        word = WORD_RE.match(text, start)
        if word and (key := terms.key(word.group(), lang)):
            found.append((word.start(), word.end(), key))
            at = word.end()
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


def make_snippet(text: str, terms: Terms, lang: str = ENGLISH, width: int = SNIPPET_CHARS,
                 found: list[tuple[int, int, str]] | None = None) -> Snippet:
    """found: the text's matches, if already known (matches(text, terms, lang))."""
    if not text:
        return Snippet("")
    if found is None:
        found = matches(text, terms, lang) if terms else []
    if found:
        first = best_window(found, width)
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
    spans = tuple((s, e) for s, e, _ in matches(snippet_text, terms, lang)) if terms else ()
    return Snippet(snippet_text, spans)
