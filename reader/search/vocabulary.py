"""The library's words as written (folded, unstemmed): what prefix, fuzzy and
did-you-mean look words up in; and its spellings with accents (reader.search.spellings).

Kept as a sorted list loaded from the catalog rather than as a Whoosh field: a
field would add one posting per distinct word per article — nearly half of all
postings, and Whoosh spends tens of microseconds of pure Python on each one.
"""

from __future__ import annotations

from bisect import bisect_left

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

from reader.search.spellings import Spellings


class Vocabulary:
    def __init__(self, words: list[str], written: dict[str, tuple[tuple[str, str], ...]] | None = None):
        self.words = words  # sorted, unique
        self.spellings = Spellings(written, self.__contains__)  # the words written with accents

    def __contains__(self, word: str) -> bool:
        i = bisect_left(self.words, word)
        return i < len(self.words) and self.words[i] == word

    def __len__(self) -> int:
        return len(self.words)

    def starting_with(self, prefix: str, limit: int) -> list[str]:
        i = bisect_left(self.words, prefix)
        found = []
        while i < len(self.words) and self.words[i].startswith(prefix) and len(found) < limit:
            found.append(self.words[i])
            i += 1
        return found

    def _first_at_least(self, key: str) -> str | None:
        i = bisect_left(self.words, key)
        return self.words[i] if i < len(self.words) else None

    def within(self, word: str, distance: int, limit: int = 500) -> list[str]:
        """Words at most `distance` edits from word (Levenshtein), found by walking a
        DFA over the sorted list: a few lookups, not a scan of every word."""
        dfa = levenshtein_automaton(word, distance).to_dfa()
        found = []
        for match in find_all_matches(dfa, self._first_at_least):
            found.append(match)
            if len(found) >= limit:
                break
        return found
