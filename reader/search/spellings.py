"""A word typed with or without its accents, as the library writes it.

Snowball's suffix rules are written with accents (Spanish educación -> educ, but
educacion -> educacion; Portuguese populações -> popul, populacoes -> populaco), so a
word typed without them cannot just be folded and stemmed. The catalog keeps every word
written with accents under its folded form, with the language of the articles it is in;
a typed word is then searched, in each language, by the library's own spellings of it
there. A form the library does not hold (populacoes, where it has only população) is
restored from the library's words: a stem that a word written with accents has, followed
by the typed ending with the accents that make Snowball strip it (ações).
"""

from __future__ import annotations

from itertools import combinations, product

from reader.text.analysis import fold, has_accents, spelling_keys, stem
from reader.text.languages import ENGLISH, accented_letters, stemmer

MAX_ENDING = 6  # letters after the stem that accents are restored on
MAX_RESTORED = 2  # of them, how many may take an accent


class Spellings:
    def __init__(self, written: dict[str, tuple[tuple[str, str], ...]] | None = None, known=lambda key: False):
        self.written = written or {}  # folded key -> (spelling, language) of each way it is written
        self.known = known  # whether a folded word is in the library's vocabulary
        self._accented: dict[str, tuple[frozenset[str], dict[str, str]]] = {}

    def by_language(self, word: str, languages) -> dict[str, tuple[str, ...]]:
        """What a word is stemmed as in each language's articles: the library's spellings of
        it there (educacion or educación -> educación in Spanish articles); where it has
        none, the word as typed (and folded, where the library writes it so) and any form
        restored from the library's words with accents."""
        written = self._written(word)
        typed = (word,) if written else (word, *sorted(k for k in spelling_keys(word) if k != word and self.known(k)))
        found = {}
        for lang in languages:
            here = tuple(sorted(s for s, langs in written.items() if lang in langs))
            found[lang] = here or typed + self.restored(word, lang)
        return found

    def _written(self, word: str) -> dict[str, set[str]]:
        """Each spelling of the word in the library, with the languages it is written in
        (an umlaut's other key followed: Mueller -> müller -> muller)."""
        keys = set(spelling_keys(word))
        written: dict[str, set[str]] = {}
        pending = list(keys)
        while pending:
            for spelled, lang in self.written.get(pending.pop(), ()):
                written.setdefault(spelled, set()).add(lang)
                for key in set(spelling_keys(spelled)) - keys:
                    keys.add(key)
                    pending.append(key)
        return written

    def restored(self, word: str, lang: str) -> tuple[str, ...]:
        """A word typed without accents in a form the library does not hold, spelled as
        the library's words suggest: a stem some word of it written with accents has, and
        the typed ending accented so that the language's stemmer strips exactly it
        ('populacoes' -> 'populações', whose stem is população's)."""
        key = fold(word)
        if lang == ENGLISH or has_accents(word) or not key.isalpha() or stemmer(lang) is None:
            return ()
        stems, accents = self._accented_in(lang)
        found = []
        for cut in range(max(3, len(key) - MAX_ENDING), len(key)):
            head = key[:cut]
            if head in stems:
                found += [head + e for e in _accented(key[cut:], accents) if stem(head + e, lang) == head][:1]
        return tuple(found)

    def _accented_in(self, lang: str) -> tuple[frozenset[str], dict[str, str]]:
        """The stems of the language's words written with accents, and the accented letters
        it writes for each plain one ('a' -> 'áâãà'): its alphabet's, and its words'."""
        if lang not in self._accented:
            stems, letters = set(), set(accented_letters(lang))
            for spellings in self.written.values():
                for spelled, written_in in spellings:
                    if written_in == lang and has_accents(spelled):
                        stems.add(stem(spelled, lang))
                        letters.update(c for c in spelled if has_accents(c))
            accents: dict[str, str] = {}
            for letter in sorted(letters):
                if len(plain := fold(letter)) == 1:
                    accents[plain] = accents.get(plain, "") + letter
            self._accented[lang] = frozenset(stems), accents
        return self._accented[lang]

    def written_form(self, key: str) -> str:
        """A folded key as the library writes it: with its accents when it has them."""
        spelled = [word for word, _ in self.written.get(key, ()) if word != key]
        return min(spelled) if spelled else key


def _accented(ending: str, accents: dict[str, str]) -> list[str]:
    """The ending with one, then two, of its letters accented in each way the language does."""
    places = [i for i, letter in enumerate(ending) if letter in accents]
    found = []
    for count in range(1, MAX_RESTORED + 1):
        for chosen in combinations(places, count):
            for letters in product(*(accents[ending[i]] for i in chosen)):
                spelled = list(ending)
                for i, letter in zip(chosen, letters):
                    spelled[i] = letter
                found.append("".join(spelled))
    return found
