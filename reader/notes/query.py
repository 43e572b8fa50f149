"""The query language over notes: what the All notes filter box understands.

The same syntax as a library search (reader.search.query parses it), asked of each note:
a word is looked for, stemmed, in the note's comment, its passage and its article's
title; ``note:`` looks in the comment and passage only; ``title:``, ``author:``,
``tag:``, ``source:`` and ``path:`` in its article; ``date:`` is when the note was
written; ``has:highlights`` keeps highlights, ``minutes:`` looks at the article.
Phrases, OR, NOT, parentheses, prefixes (``marm*``) and fuzzy words (``marmelade~``)
work as they do in a search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reader.index.schema import folder_key
from reader.library.catalog import ArticleInfo
from reader.notes.store import Note
from reader.search.query import And, DateRange, Mark, Minutes, Not, Or, Phrase, Word, parse
from reader.text.analysis import fold, fold_phrase, stem, words


@dataclass
class _Fields:
    """One note's text per field, as words folded and stemmed, made once per note."""

    stems: dict[str, list[str]]
    folded: dict[str, set[str]]
    tags: set[str]
    folders: str
    created: dt.date | None
    highlight: bool = False
    minutes: int = 0


_NOTE_FIELDS = ("notes",)
_EVERY_FIELD = ("notes", "title")
_FIELD_OF = {"note": _NOTE_FIELDS, "notes": _NOTE_FIELDS, "title": ("title",), "author": ("authors",),
             "authors": ("authors",), "source": ("source",), "body": _NOTE_FIELDS, "text": _NOTE_FIELDS}


def _fields(note: Note, info: ArticleInfo | None) -> _Fields:
    texts = {
        "notes": note.searchable_text,
        "title": note.article_title or (info.title if info else ""),
        "authors": " ".join(info.authors) if info else "",
        "source": info.source if info else "",
    }
    plain = {name: words(text) for name, text in texts.items()}
    try:
        created = dt.date.fromisoformat(note.created[:10])
    except ValueError:
        created = None
    return _Fields(
        stems={name: [stem(w) for w in found] for name, found in plain.items()},
        folded={name: {fold(w) for w in found} for name, found in plain.items()},
        tags={fold_phrase(t) for t in (info.tags if info else ())},
        folders=folder_key(note.article.rpartition("/")[0]),
        created=created,
        highlight=note.is_highlight,
        minutes=info.minutes if info else 0,
    )


class NotesMatcher:
    """Filters notes by a query; each note's words are worked out once and kept."""

    def __init__(self):
        self._cache: dict[tuple, _Fields] = {}

    def matching(self, notes: list[Note], query: str, infos: dict[str, ArticleInfo]) -> list[Note]:
        node = parse(query)
        if node is None:
            return list(notes)
        kept = []
        for note in notes:
            info = infos.get(note.article)
            # The article's side too: an edit of its file, or the reader's tags, changes its fields.
            key = (note.id, note.updated, note.article, info.hash if info else "", info.tags if info else ())
            fields = self._cache.get(key)
            if fields is None:
                fields = self._cache[key] = _fields(note, info)
            if _matches(node, fields):
                kept.append(note)
        return kept


def _matches(node, fields: _Fields) -> bool:
    if isinstance(node, And):
        return all(_matches(n, fields) for n in node.nodes)
    if isinstance(node, Or):
        return any(_matches(n, fields) for n in node.nodes)
    if isinstance(node, Not):
        return not _matches(node.node, fields)
    if isinstance(node, DateRange):
        return fields.created is not None and (node.start is None or fields.created >= node.start) and (
            node.end is None or fields.created <= node.end)
    if isinstance(node, Minutes):
        return (node.low is None or fields.minutes >= node.low) and (node.high is None or fields.minutes <= node.high)
    if isinstance(node, Mark):
        return _has_mark(node, fields)
    if isinstance(node, Phrase):
        return _phrase(node, fields)
    if isinstance(node, Word):
        return _word(node, fields)
    return False


def _has_mark(mark: Mark, fields: _Fields) -> bool:
    if mark.name == "highlights":
        return fields.highlight != mark.without
    if mark.name == "notes":
        return not mark.without
    return True  # is:read, is:edited: the library's filters, which keep every note here


def _word(word: Word, fields: _Fields) -> bool:
    if word.field in ("tag", "tags"):
        return fold_phrase(word.text) in fields.tags
    if word.field in ("path", "folder"):
        wanted = folder_key(word.text)
        return bool(wanted) and (fields.folders == wanted or fields.folders.startswith(wanted + "/")
                                 or f"/{wanted}/" in f"/{fields.folders}/")
    targets = _FIELD_OF.get(word.field, _EVERY_FIELD)
    if word.kind == "word":
        wanted = stem(word.text)
        return any(wanted in fields.stems[name] for name in targets)
    folded = fold(word.text)
    if word.kind == "prefix":
        return any(w.startswith(folded) for name in targets for w in fields.folded[name])
    from rapidfuzz.distance import Levenshtein

    return any(Levenshtein.distance(folded, w, score_cutoff=word.distance) <= word.distance
               for name in targets for w in fields.folded[name])


def _phrase(phrase: Phrase, fields: _Fields) -> bool:
    wanted = [stem(w) for w in phrase.words]
    for name in _FIELD_OF.get(phrase.field, _EVERY_FIELD):
        have = fields.stems[name]
        for i in range(len(have) - len(wanted) + 1):
            if have[i:i + len(wanted)] == wanted:
                return True
    return False
