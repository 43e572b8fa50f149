"""The library's index as it is searched: the index (reader.index.index) with the query
language on top — a search with its exact count and did-you-mean, related articles,
the articles holding a phrase — and the vocabulary those read, reloaded from the
catalog as the index moves on. The query side is imported when first asked for: an
update, the commonest command and the window's re-check, never searches."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from reader.index.index import Index
from reader.library.tagging import TagEdits
from reader.search.filters import Marks, no_marks
from reader.search.vocabulary import Vocabulary
from reader.text.analysis import words

if TYPE_CHECKING:
    from reader.search.hits import SearchResults
    from reader.search.related import RelatedArticle

SUGGEST_BELOW = 3  # offer a corrected query when fewer hits than this


class LibraryIndex(Index):
    """One library's index, searched."""

    def __init__(self, root: Path, data: Path, notes_text: Callable[[str], str] | None = None,
                 own_tags: Callable[[], dict[str, TagEdits]] | None = None):
        super().__init__(root, data, notes_text, own_tags)
        self._vocabulary: tuple[str, Vocabulary] | None = None  # (generation, words)

    def vocabulary(self) -> Vocabulary:
        """The words as written, reloaded from the catalog when the index has moved on."""
        generation = self.catalog.get_meta("generation") or ""
        if self._vocabulary is None or self._vocabulary[0] != generation:
            self._vocabulary = (generation, Vocabulary(self.catalog.words(), self.catalog.spellings()))
        return self._vocabulary[1]

    def search(self, text: str, limit: int = 20, sort: str = "relevance", offset: int = 0,
               marks: Marks = no_marks, columns: bool = True) -> SearchResults:
        """The total and the hits ranked offset..limit-1 (a page: snippets are the cost; none
        for limit 0); marks answers is:unread, has:notes… Filters alone list newest first.
        columns=False: collected by Whoosh (the same answers; see reader.search.hits)."""
        # Imported here: an update (the commonest command, and the window's re-check) never searches.
        from reader.search.compiler import compile_query, corrected_query
        from reader.search.hits import SearchResults, ranked

        if self._ix is None:
            return SearchResults(text, 0, [], None)
        searcher = self.searcher()
        vocabulary, languages = self.vocabulary(), self.languages()
        compiled = compile_query(text, searcher.reader(), vocabulary, languages, marks)
        sort = sort if compiled.by_words else "date"
        total, hits = ranked(searcher, compiled, limit, sort, with_hits=limit > 0, offset=offset, columns=columns)
        suggestion = None
        if total < SUGGEST_BELOW:
            better = corrected_query(text, searcher.reader(), vocabulary)
            if better:
                better_query = compile_query(better, searcher.reader(), vocabulary, languages, marks)
                better_total, _ = ranked(searcher, better_query, 0, sort, with_hits=False, columns=columns)
                suggestion = better if better_total > total else None
        return SearchResults(text, total, hits, suggestion, frozenset(compiled.highlight))

    def address_of(self, article_id: str) -> str:
        """The web address an indexed article was saved from, "" if its file does not say."""
        if self._ix is None:
            return ""
        return (self.searcher().document(id=article_id) or {}).get("url") or ""

    def article_at_address(self, key: str) -> str | None:
        """The indexed article whose web address has this key (addresses.url_key), if any."""
        if self._ix is None or not key:
            return None
        searcher = self.searcher()
        number = searcher.document_number(address=key)
        return searcher.stored_fields(number)["id"] if number is not None else None

    def related(self, article_id: str, limit: int) -> list[RelatedArticle]:
        """The articles most like this one (reader.search.related), best first."""
        from reader.search.related import related_articles

        return related_articles(self.searcher(), article_id, limit) if self._ix is not None else []

    def phrase_ids(self, text: str) -> set[str]:
        """The articles whose body has the words of text as a phrase (every one, unranked)."""
        from reader.search.compiler import compile_query

        phrase = " ".join(words(text))
        if self._ix is None or not phrase:
            return set()
        searcher = self.searcher()
        compiled = compile_query(f'body:"{phrase}"', searcher.reader(), self.vocabulary(), self.languages())
        return {searcher.stored_fields(n)["id"] for n in searcher.docs_for_query(compiled.query)}
